// Package report renders the bureau's monthly bulletin (调度通报) as a Word
// document laid out to GB/T 9704—2012 (党政机关公文格式), as an Excel
// workbook, as HTML and as PDF printed by headless Chromium.
//
// The caller computes the content; this package only lays it out. A Bulletin
// is plain data: the writers accept any strings (markup characters are
// escaped, control characters dropped, invalid UTF-8 repaired) and never
// panic. Tables are printed as attachments (附件) after the signature, each on
// a page of its own, in landscape when a table is too wide for a portrait
// page, and listed in the attachment note (附件说明) under the body.
package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bulletin is the bulletin (通报) of one reporting round, ready to print.
type Bulletin struct {
	Issuer     string // 发文机关, e.g. 青云谱区科学技术和工业信息化局; printed in red at the top (版头)
	DocNumber  string // 发文字号, optional, e.g. 青科工信字〔2022〕12号
	Title      string // 标题; a newline breaks the title where the drafter wants
	Addressee  string // 主送机关, optional, e.g. 各街道、镇、集聚区，区直有关部门：
	Paragraphs []Para
	Tables     []Table // printed as attachments 附件1, 附件2, …
	Signature  string  // 落款 (发文机关署名); empty means Issuer
	Date       string  // 成文日期 as 2022-08-10, printed 2022年8月10日; other text is printed as given
	// 版记 (GB/T 9704 7.4), printed at the end when any is given: 抄送机关,
	// 印发机关 and 印发日期 (a date as Date).
	CopyTo    string
	PrintedBy string
	PrintedOn string
	// Draft marks a preview that is not to be issued (草稿（未结束）): the
	// round it is drawn from is still open.
	Draft bool
}

// DraftMark is how a draft is marked at the top of every format.
const DraftMark = "草稿（未结束）"

// Para is one paragraph of the drafted text. A newline in Text starts a new
// paragraph of the same level.
type Para struct {
	Level int // LevelBody, LevelHeading1 …; other values print as body text
	Text  string
}

// Paragraph levels, after the numbering of GB/T 9704 (一、 （一） 1. ).
const (
	LevelBody     = 0 // body text, 仿宋_GB2312 3号, first line indented two characters
	LevelHeading1 = 1 // 一、… in 黑体 3号
	LevelHeading2 = 2 // （一）… in 楷体_GB2312 3号
	LevelHeading3 = 3 // 1. … in 仿宋_GB2312 3号, as a heading of the outline
)

// Table is one table of the bulletin: the indicators by sub-district, the
// ranking, the lagging tasks, the units that reported late.
type Table struct {
	Title  string
	Header []string
	Rows   [][]Cell
	Note   string // printed under the table, e.g. 注：完成率=完成数/目标数。
}

// Cell is one cell of a table row.
type Cell struct {
	Text   string
	Status string // "" or one of the Status constants; marks the cell (滞后 red, 严重滞后 red bold)
	Align  string // AlignLeft, AlignRight, AlignCenter; "" chooses: numbers right, statuses centred, text left
	Bold   bool
}

// Statuses of a cell. They are the status codes of the progress rules.
const (
	StatusDone    = "done"     // 已完成
	StatusAhead   = "ahead"    // 超序时
	StatusOnTrack = "on_track" // 序时推进
	StatusLagging = "lagging"  // 滞后: red text
	StatusSerious = "serious"  // 严重滞后: red bold text
	StatusNA      = "na"       // 不适用: grey
)

// Alignments of a cell.
const (
	AlignLeft   = "left"
	AlignRight  = "right"
	AlignCenter = "center"
)

const (
	maxTableCols  = 64  // wider tables are cut: no page holds them
	maxTitleChars = 200 // of an attachment title in the attachment note
)

// StatusLabel is the Chinese word for a status, used when a status cell has
// no text of its own.
func StatusLabel(status string) string {
	switch status {
	case StatusDone:
		return "已完成"
	case StatusAhead:
		return "超序时"
	case StatusOnTrack:
		return "序时推进"
	case StatusLagging:
		return "滞后"
	case StatusSerious:
		return "严重滞后"
	case StatusNA:
		return "—"
	}
	return ""
}

var errNilBulletin = errors.New("report: no bulletin")

// layout is a bulletin made ready to print: strings cleaned, the date
// formatted, tables squared to one column count, alignments and column
// widths chosen. Every writer renders a layout, so the three formats agree.
type layout struct {
	issuer      string
	docNumber   string
	title       []string // lines
	addressee   string
	paras       []Para // one line each, levels clamped
	attachNote  []noteLine
	signature   string
	date        string
	attachments []attachment
	draft       bool
	copyTo      string // 版记: 抄送：…。 ("" when none)
	printedBy   string
	printedOn   string

	issuerPt  int     // font size of the issuer mark, so that it fits on one line
	sigRight  float64 // right indent of the signature, in ems of 3号
	dateRight float64 // right indent of the date
}

// noteLine is one line of the attachment note. Lines that wrap align with
// the first character of the attachment's name: the paragraph is indented
// left by left ems and its first line hangs back by hang ems.
type noteLine struct {
	text       string // the whole line
	num, name  string // its parts: 1. and the attachment's name
	left, hang float64
}

type attachment struct {
	label  string // 附件1, or 附件 when there is only one
	title  string
	header []string // len == len(widths), or nil
	rows   [][]Cell // each len == len(widths); Status and Align normalised
	note   []string
	ems    []float64 // the width each column wants, in ems
	widths []float64 // fractions of the text width, summing to 1
	wide   bool      // printed in landscape
}

func newLayout(b *Bulletin) (*layout, error) {
	if b == nil {
		return nil, errNilBulletin
	}
	l := &layout{
		issuer:    oneLine(b.Issuer),
		docNumber: oneLine(b.DocNumber),
		addressee: oneLine(b.Addressee),
		signature: oneLine(b.Signature),
		date:      FormatDate(b.Date),
		draft:     b.Draft,
		copyTo:    oneLine(b.CopyTo),
		printedBy: oneLine(b.PrintedBy),
		printedOn: FormatDate(b.PrintedOn),
	}
	if l.copyTo != "" {
		l.copyTo = "抄送：" + strings.TrimRight(l.copyTo, "。.") + "。"
	}
	if l.printedOn != "" {
		l.printedOn += "印发"
	}
	if l.signature == "" {
		l.signature = l.issuer
	}
	l.title = lines(b.Title)
	for _, p := range b.Paragraphs {
		level := p.Level
		if level < LevelBody || level > LevelHeading3 {
			level = LevelBody
		}
		for _, line := range lines(p.Text) {
			l.paras = append(l.paras, Para{Level: level, Text: line})
		}
		if clean(p.Text) == "" {
			l.paras = append(l.paras, Para{Level: level})
		}
	}
	for i, t := range b.Tables {
		a := newAttachment(t)
		a.label = "附件"
		if len(b.Tables) > 1 {
			a.label += strconv.Itoa(i + 1)
		}
		l.attachments = append(l.attachments, a)
	}
	l.attachNote = attachNote(l.attachments)
	l.issuerPt = issuerSize(l.issuer)
	l.sigRight, l.dateRight = signOff(l.signature, l.date)
	return l, nil
}

// hasBanji reports whether the bulletin has a 版记 to print.
func (l *layout) hasBanji() bool { return l.copyTo != "" || l.printedBy != "" || l.printedOn != "" }

// attachNote is the 附件说明 under the body, two ems in: 附件：1.title, then
// 2.title on lines of their own, the numbers under one another.
func attachNote(as []attachment) []noteLine {
	var out []noteLine
	for i, a := range as {
		t := a.title
		if t == "" {
			t = a.label
		}
		t = truncate(t, maxTitleChars)
		num := strconv.Itoa(i+1) + "."
		numEms := textEms(num)
		switch {
		case len(as) == 1:
			out = append(out, noteLine{text: "附件：" + t, name: t, left: 5, hang: 3})
		case i == 0:
			out = append(out, noteLine{text: "附件：" + num + t, num: num, name: t, left: 5 + numEms, hang: 3 + numEms})
		default:
			out = append(out, noteLine{text: num + t, num: num, name: t, left: 5 + numEms, hang: numEms})
		}
	}
	return out
}

// issuerSize is the point size of the issuer mark: as large as fits the
// 156 mm line (about 440 pt), between 22 pt (二号) and 36 pt (小初).
func issuerSize(issuer string) int {
	ems := textEms(issuer)
	if ems == 0 {
		return 36
	}
	return int(max(22, min(36, 440/ems)))
}

// signOff places the signature and the date of a sealed document (GB/T 9704
// 7.3.5.1): the date four ems from the right, the signature centred above
// it; a signature longer than the date stays two ems from the right and the
// date is centred under it.
func signOff(sig, date string) (sigRight, dateRight float64) {
	sw, dw := textEms(sig), textEms(date)
	sigRight, dateRight = 4+(dw-sw)/2, 4
	if sigRight < 2 {
		sigRight, dateRight = 2, 2+(sw-dw)/2
	}
	return sigRight, dateRight
}

func newAttachment(t Table) attachment {
	a := attachment{title: strings.Join(lines(t.Title), " "), note: lines(t.Note)}
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	n = min(n, maxTableCols)
	if n == 0 {
		return a
	}
	if len(t.Header) > 0 {
		a.header = make([]string, n)
		for j := range min(n, len(t.Header)) {
			a.header[j] = clean(t.Header[j])
		}
	}
	for _, r := range t.Rows {
		row := make([]Cell, n)
		for j := range min(n, len(r)) {
			row[j] = normCell(r[j])
		}
		for j := len(r); j < n; j++ {
			row[j].Align = AlignLeft
		}
		a.rows = append(a.rows, row)
	}
	a.ems = columnEms(a.header, a.rows, n)
	a.widths, a.wide = columnShares(a.ems)
	return a
}

func normCell(c Cell) Cell {
	out := Cell{Text: clean(c.Text), Bold: c.Bold}
	switch s := strings.ToLower(strings.TrimSpace(c.Status)); s {
	case StatusDone, StatusAhead, StatusOnTrack, StatusLagging, StatusSerious, StatusNA:
		out.Status = s
	}
	if out.Text == "" {
		out.Text = StatusLabel(out.Status)
	}
	switch a := strings.ToLower(strings.TrimSpace(c.Align)); a {
	case AlignLeft, AlignRight, AlignCenter:
		out.Align = a
	default:
		switch {
		case out.Status != "":
			out.Align = AlignCenter
		case isNumeric(out.Text):
			out.Align = AlignRight
		default:
			out.Align = AlignLeft
		}
	}
	return out
}

// Text widths are counted in ems of the table text (小四, 12 pt): a Chinese
// character is 1, a Latin letter or digit 0.6. A column wants room for its
// longest cell up to a cap (longer text wraps) and for its header on two or
// three lines.
const (
	capCellEms    = 16
	minColumnEms  = 2
	padEms        = 0.7  // cell margins and borders
	portraitEms   = 36.8 // 156 mm
	landscapeEms  = 53.1 // 225 mm
	noWrapWantEms = 6    // a column wraps below this many ems only under duress
)

// columnEms is the width each column wants, in ems.
func columnEms(header []string, rows [][]Cell, n int) []float64 {
	want := make([]float64, n)
	for j := range n {
		w := 0.0
		if j < len(header) {
			w = headerEms(textEms(header[j]))
		}
		for _, r := range rows {
			w = max(w, min(capCellEms, textEms(r[j].Text)))
		}
		want[j] = max(minColumnEms, w) + padEms
	}
	return want
}

// headerEms is the width a header of h ems wants: one line up to 4 ems, two
// lines up to 8, three beyond.
func headerEms(h float64) float64 {
	switch {
	case h <= 4:
		return h
	case h <= 8:
		return math.Ceil(h / 2)
	}
	return max(4, math.Ceil(h/3))
}

// columnShares returns each column's share of the text width, and whether
// the table needs a landscape page: it does when its columns cannot each
// have up to six ems without wrapping on a portrait page. When the columns
// want more than the page has, the narrow ones keep their width and the wide
// ones share the rest equally, down to the same width (water-filling).
func columnShares(want []float64) ([]float64, bool) {
	need, total := 0.0, 0.0
	for _, w := range want {
		need += min(w, noWrapWantEms+padEms)
		total += w
	}
	wide := need > portraitEms
	avail := portraitEms
	if wide {
		avail = landscapeEms
	}
	got := slices.Clone(want)
	if total > avail {
		sorted := slices.Sorted(slices.Values(want))
		limit, rest := math.Inf(1), avail
		for i, w := range sorted {
			if share := rest / float64(len(sorted)-i); w > share {
				limit = share
				break
			}
			rest -= w
		}
		total = 0
		for j := range got {
			got[j] = min(got[j], limit)
			total += got[j]
		}
	}
	for j := range got {
		got[j] /= total
	}
	return got, wide
}

// textEms is the width of the widest line of s in ems.
func textEms(s string) float64 {
	widest, w := 0.0, 0.0
	for _, r := range s {
		if r == '\n' {
			widest, w = max(widest, w), 0
			continue
		}
		w += runeEms(r)
	}
	return max(widest, w)
}

func runeEms(r rune) float64 {
	switch {
	case r == '%' || r == '@' || r == 'W' || r == 'M' || r == 'm' || r == 'w':
		return 0.9
	case r < 0x2000:
		return 0.6
	case r >= 0xFF61 && r <= 0xFFDC: // half-width forms
		return 0.5
	}
	return 1
}

// isNumeric reports whether s reads as a number: 140, -3, 7.5, 85.3%, 1,234.
func isNumeric(s string) bool {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "%")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	digits, dot := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		case r == ',':
		default:
			return false
		}
	}
	return digits > 0
}

// FormatDate prints a date as GB/T 9704 wants it, in Arabic numerals without
// leading zeros: 2022-08-10 → 2022年8月10日. Text that is not a date in one
// of the forms 2022-08-10, 2022/8/10 or 20220810 is returned cleaned.
func FormatDate(s string) string {
	if t, ok := parseDate(s); ok {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return oneLine(s)
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, f := range []string{"2006-01-02", "2006-1-2", "2006/1/2", "20060102", "2006.1.2"} {
		if t, err := time.Parse(f, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// clean makes s safe for XML 1.0 and for printing: invalid UTF-8 becomes
// U+FFFD, CR LF and CR become LF, and every control character other than tab
// and newline is dropped, as are U+FFFE, U+FFFF, unpaired surrogates and the
// C1 controls. Leading and trailing spaces go.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20, r >= 0x7F && r <= 0x9F:
		case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		case r == 0x2028 || r == 0x2029: // line and paragraph separators
			b.WriteByte('\n')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimFunc(b.String(), unicode.IsSpace)
}

// oneLine cleans s and joins its lines with a space.
func oneLine(s string) string {
	return strings.Join(lines(s), " ")
}

// lines cleans s and splits it into its non-empty lines, each trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(clean(s), "\n") {
		if l = strings.TrimFunc(l, unicode.IsSpace); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
