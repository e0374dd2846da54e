// Package notice reads a district's work-plan notice (工作要点/实施方案的通知)
// — plain text in UTF-8, GB18030/GBK or UTF-16, often extracted from a PDF,
// or a .docx — and returns the plan document it states (plan.Document): the
// header, the numeric goals, the actions and their tasks with the units
// responsible, the task table (附件1) and the target-split tables (附件2),
// with findings for what a person should check.
//
// It is a parser of a genre, not of one file. It relies on the conventions
// of Chinese official documents (GB/T 9704) and on what PDF extraction and
// web pages do to them: headings numbered 一、 （一） 1. （1） ①; units in a
// trailing （责任单位：…）, （…牵头，…按职责分工负责） or bare （…局、…委）,
// on 牵头单位：…；责任单位：… lines, or by the notice's rule that the unit
// listed first leads; tables as tab-, pipe- or space-separated rows whose
// cells wrap and whose header repeats on each page, or with every cell on a
// line of its own; spaces inside words; half- and full-width punctuation
// mixed; traditional characters, pinyin glosses and HTML tags left by
// converters; a page's metadata block (索引号, 文号, 成文日期) and furniture
// (breadcrumbs, 打印/分享); dates that lost their 日 or their separators;
// text cut off mid-sentence.
//
// Every item carries the 1-based source line it came from (for a .docx, the
// number of the paragraph or table row), so a review page can show it.
//
// The parse runs in passes over the lines (parse.go). Attachments, the
// page's metadata and furniture (meta.go) and the signature are found first
// (attachments.go, header.go), then the tables (tables.go, flat.go, and
// form.go for a project's indicator table and form), so that what remains
// is the body: the header above its first heading (header.go), the goals
// (goals.go), the actions and their tasks (body.go, tasks.go, units.go).
// Task-table rows are then matched to body tasks (mapping.go), and the
// parser's own findings are followed by plan.Lint's. Every pass is linear
// in the input.
//
// A notice of which only the header is recognised (a covering notice whose
// plan is not in the text) still gives a document, with a finding saying
// the rest is to be entered by hand; only input with nothing recognisable
// is ErrNoPlan.
package notice

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"kechuang/internal/plan"
)

// DefaultMaxSize bounds a notice when Options.MaxSize is 0: the file, and for
// a .docx also the decompressed document inside it.
const DefaultMaxSize = 5 << 20

// Options tune Parse.
type Options struct {
	MaxSize int64 // largest file (and decompressed .docx part) accepted; 0 = DefaultMaxSize
}

var (
	// ErrNoPlan is returned (wrapped) when the input holds nothing plan-like:
	// no goal, task, task table or split table.
	ErrNoPlan = errors.New("no plan found: no goals, tasks or tables were recognised")
	// ErrTooLarge is returned (wrapped) for input over the size limit.
	ErrTooLarge = errors.New("notice too large")
	// ErrFormat is returned (wrapped) for a file that is not a readable
	// notice: a broken .docx, or a format that must be converted first.
	ErrFormat = errors.New("unreadable notice")
)

// Parse reads the notice in data. The name decides the format (.docx is read
// as a Word document, anything else as text) and names the file in errors.
func Parse(name string, data []byte, opt Options) (*plan.Document, error) {
	lines, err := readLines(name, data, opt)
	if err != nil {
		return nil, err
	}
	doc, err := parseLines(lines)
	if err != nil {
		return nil, fmt.Errorf("notice: %s: %w", name, err)
	}
	return doc, nil
}

// readLines decodes a notice file into lines, refusing what is too large or
// in a format that must be converted first.
func readLines(name string, data []byte, opt Options) ([]line, error) {
	limit := opt.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("notice: %s is %s, over the %s limit: %w", name, sizeText(int64(len(data))), sizeText(limit), ErrTooLarge)
	}
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".docx":
		lines, err := docxLines(data, limit)
		if err != nil {
			return nil, fmt.Errorf("notice: %s: %w", name, err)
		}
		return lines, nil
	case ".doc", ".pdf", ".wps", ".xls", ".xlsx", ".ofd":
		return nil, fmt.Errorf("notice: %s: %s files are not read directly; save it as .docx or extract its text: %w", name, ext, ErrFormat)
	}
	return splitLines(decodeText(data)), nil
}

// ParseText reads a notice that is already text (pasted into a form). It is
// bounded by DefaultMaxSize.
func ParseText(text string) (*plan.Document, error) {
	if len(text) > DefaultMaxSize {
		return nil, fmt.Errorf("notice: the text is %s, over the %s limit: %w", sizeText(int64(len(text))), sizeText(DefaultMaxSize), ErrTooLarge)
	}
	doc, err := parseLines(splitLines(strings.TrimPrefix(text, "\uFEFF")))
	if err != nil {
		return nil, fmt.Errorf("notice: %w", err)
	}
	return doc, nil
}

func sizeText(n int64) string {
	unit := func(v float64, name string) string {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + name
	}
	switch {
	case n >= 1<<20:
		return unit(float64(n)/(1<<20), "MiB")
	case n >= 1<<10:
		return unit(float64(n)/(1<<10), "KiB")
	}
	return fmt.Sprintf("%d bytes", n)
}
