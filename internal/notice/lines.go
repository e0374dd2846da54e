package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// line is a line of the notice: a line of text, or a paragraph or table row
// of a .docx.
type line struct {
	no      int      // 1-based source line (paragraph or row number for a .docx)
	text    string   // as decoded; a table row's cells joined by tabs
	cells   []string // a table row's cells (tab-separated text, a .docx row); nil otherwise
	cleaned string   // text with extraction spaces removed, set by parseLines
}

// splitLines cuts decoded text into lines. Form feeds (page breaks in
// pdftotext output) and lone carriage returns end lines too. A line with a
// tab is a candidate table row: PDF extraction writes table cells
// tab-separated; whether it is one is decided by findTables.
func splitLines(text string) []line {
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n", "\u2028", "\n", "\u2029", "\n").Replace(text)
	raw := strings.Split(text, "\n")
	out := make([]line, 0, len(raw))
	for i, s := range raw {
		s = strings.TrimRight(s, " \u3000\u00a0")
		l := line{no: i + 1, text: s}
		if strings.Contains(s, "\t") {
			l.cells = strings.Split(s, "\t")
		}
		out = append(out, l)
	}
	return out
}

// pipeCells reads a line of a table that a web page or a converter wrote
// with "|" between cells ("序号 | 工作内容 | 牵头单位 |"). The bars at its
// ends are no cells. A line that is all bars is blank; a line with one
// cell is text without its bars.
func pipeCells(s string) (string, []string) {
	cells := strings.Split(s, "|")
	trim := func(c string) bool { return strings.TrimFunc(c, isSpace) == "" }
	if len(cells) > 0 && trim(cells[0]) {
		cells = cells[1:]
	}
	if len(cells) > 0 && trim(cells[len(cells)-1]) {
		cells = cells[:len(cells)-1]
	}
	if nonEmpty(cleanCells(cells)) == 0 {
		cells = nil
	}
	rule := true
	for _, c := range cells {
		rule = rule && strings.Trim(c, "-: ") == "" && strings.Contains(c, "---")
	}
	switch {
	case len(cells) == 0 || rule: // the rule under a header: ---|---|
		return "", nil
	case len(cells) == 1:
		return strings.TrimFunc(cells[0], isSpace), nil
	}
	for i, c := range cells {
		cells[i] = strings.TrimFunc(c, isSpace)
	}
	return strings.Join(cells, "\t"), cells
}

// blank reports whether the line holds nothing but spaces and tabs.
func (l line) blank() bool { return strings.TrimFunc(l.text, isSpace) == "" }

// clean returns the line's text with extraction spaces removed; stray tabs
// outside tables count as spaces. Passes over the lines ask for it many
// times, so it is computed once.
func (l line) clean() string { return l.cleaned }

// pageNumberRe matches the page numbers PDF extraction leaves between pages:
// "- 3 -", "— 3 —", "第 3 页", "第3页 共8页", "3 / 8".
var pageNumberRe = regexp.MustCompile(`^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:[，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$`)

func isPageNumber(s string) bool {
	s = strings.TrimSpace(s)
	if r, _ := utf8.DecodeRuneInString(s); !strings.ContainsRune("-—–－第0123456789", r) {
		return false // most lines: spare them the pattern
	}
	return pageNumberRe.MatchString(s)
}

// Heading markers of Chinese official documents (GB/T 9704): 一、 for the
// first level, （一） for the second, 1. for the third, （1） for the fourth.
var (
	h1Re = regexp.MustCompile(`^(` + reHanNo + `)[、.．]`)
	h2Re = regexp.MustCompile(`^` + reLP + `(` + reHanNo + `)` + reRP)
	// A third-level marker is followed by no digit: "0.55%" starts no item.
	h3Re = regexp.MustCompile(`^(` + reDigit + `{1,4})[.．、]([^0-9０-９]|$)`)
	h4Re = regexp.MustCompile(`^(?:` + reLP + `(` + reDigit + `{1,3})` + reRP + `|([①-⑳]))`)
)

// heading is a numbered heading or item found at the start of a line.
type heading struct {
	level  int    // 1 一、 2 （一） 3 1. 4 （1）
	number string // as a plain number: "一", "3"
	rest   string // the cleaned text after the marker
}

// parseHeading reads the marker at the start of cleaned text.
func parseHeading(s string) (heading, bool) {
	k := key(s)
	if m := h1Re.FindStringSubmatchIndex(k); m != nil {
		return heading{level: 1, number: k[m[2]:m[3]], rest: s[m[1]:]}, true
	}
	if m := h2Re.FindStringSubmatchIndex(k); m != nil {
		return heading{level: 2, number: k[m[2]:m[3]], rest: s[m[1]:]}, true
	}
	if m := h3Re.FindStringSubmatchIndex(k); m != nil {
		return heading{level: 3, number: toASCIIDigits(k[m[2]:m[3]]), rest: s[m[4]:]}, true
	}
	if m := h4Re.FindStringSubmatchIndex(k); m != nil {
		n := ""
		if m[2] >= 0 {
			n = toASCIIDigits(k[m[2]:m[3]])
		}
		return heading{level: 4, number: n, rest: s[m[1]:]}, true
	}
	return heading{}, false
}
