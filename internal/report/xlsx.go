package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// textSheet is the name of the workbook's first sheet, which holds the text.
const textSheet = "通报正文"

// Excel's limits and our fonts.
const (
	maxSheetName = 31    // UTF-16 units
	maxCellChars = 32767 // UTF-16 units
	xlFont       = "宋体"
	xlCharsetGB  = 134 // GB2312, so that Excel picks the Chinese face
	xlTextWidth  = 60  // width of the text sheet's column, in Excel's units

	// Widths that print on A4 with the default margins at full size, in
	// Excel's units (about 2–2.4 mm each, by the program and the fonts).
	xlPortraitWidth  = 70.0
	xlLandscapeWidth = 105.0
)

// Status fills: Excel's own "light red fill with dark red text" for 滞后, red
// with white bold text for 严重滞后, green for 已完成 and 超序时.
var statusLook = map[string]struct{ fill, font string }{
	StatusLagging: {"FFC7CE", "9C0006"},
	StatusSerious: {"FF0000", "FFFFFF"},
	StatusDone:    {"C6EFCE", "006100"},
	StatusAhead:   {"C6EFCE", "006100"},
	StatusNA:      {"", "808080"},
}

// WriteXLSX writes the bulletin as an Excel workbook: a first sheet 通报正文
// with the text, then one sheet per table, named after the table's title,
// with the title merged across the table, a bold header repeated on every
// printed page, borders, numbers stored as numbers and right-aligned, and
// status cells filled (滞后 light red, 严重滞后 red, 已完成 green).
func WriteXLSX(w io.Writer, b *Bulletin) error {
	l, err := newLayout(b)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &xlWriter{f: f, styles: map[xlStyleKey]int{}}
	if err := f.SetSheetName(f.GetSheetName(0), textSheet); err != nil {
		return fmt.Errorf("report: naming the text sheet: %w", err)
	}
	if err := x.textSheet(l); err != nil {
		return fmt.Errorf("report: writing sheet %s: %w", textSheet, err)
	}
	used := map[string]bool{strings.ToLower(textSheet): true}
	for i, a := range l.attachments {
		name := sheetName(a.title, i, used)
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("report: adding sheet %s: %w", name, err)
		}
		if err := x.tableSheet(name, a); err != nil {
			return fmt.Errorf("report: writing sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: writing the xlsx: %w", err)
	}
	return nil
}

type xlWriter struct {
	f      *excelize.File
	styles map[xlStyleKey]int
}

// xlStyleKey names a cell style; styles are made once per key.
type xlStyleKey struct {
	kind   string // text, title, header, cell, note
	align  string
	bold   bool
	size   float64
	color  string
	status string
	numFmt string
}

func (x *xlWriter) style(k xlStyleKey) (int, error) {
	if id, ok := x.styles[k]; ok {
		return id, nil
	}
	charset := xlCharsetGB
	font := &excelize.Font{Family: xlFont, Size: 11, Bold: k.bold, Color: k.color, Charset: &charset}
	if k.size > 0 {
		font.Size = k.size
	}
	s := &excelize.Style{
		Font:      font,
		Alignment: &excelize.Alignment{Horizontal: k.align, Vertical: "center", WrapText: true},
	}
	if k.kind == "header" || k.kind == "cell" {
		for _, side := range []string{"left", "top", "right", "bottom"} {
			s.Border = append(s.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	if k.kind == "header" {
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	}
	if look, ok := statusLook[k.status]; ok {
		if look.fill != "" {
			s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{look.fill}}
		}
		font.Color = look.font
		font.Bold = font.Bold || k.status == StatusSerious
	}
	if k.numFmt != "" {
		s.CustomNumFmt = &k.numFmt
	}
	id, err := x.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	x.styles[k] = id
	return id, nil
}

// put writes a string or number to a cell with a style.
func (x *xlWriter) put(sheet string, col, row int, v any, k xlStyleKey) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	switch v := v.(type) {
	case string:
		err = x.f.SetCellStr(sheet, cell, truncateUTF16(v, maxCellChars))
	default:
		err = x.f.SetCellValue(sheet, cell, v)
	}
	if err != nil {
		return err
	}
	id, err := x.style(k)
	if err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, cell, cell, id)
}

// textSheet writes the bulletin's text down column A, one paragraph a row.
func (x *xlWriter) textSheet(l *layout) error {
	sheet := textSheet
	if err := x.f.SetColWidth(sheet, "A", "A", xlTextWidth); err != nil {
		return err
	}
	row := 0
	add := func(text string, k xlStyleKey) error {
		row++
		if k.kind == "" {
			k.kind = "text"
		}
		if k.align == "" {
			k.align = "left"
		}
		if err := x.put(sheet, 1, row, text, k); err != nil {
			return err
		}
		size := k.size
		if size == 0 {
			size = 11
		}
		return x.f.SetRowHeight(sheet, row, rowHeight(textEms(text), xlTextWidth, size))
	}
	var rows []struct {
		text string
		k    xlStyleKey
	}
	line := func(text string, k xlStyleKey) {
		rows = append(rows, struct {
			text string
			k    xlStyleKey
		}{text, k})
	}
	if l.issuer != "" {
		line(l.issuer, xlStyleKey{align: "center", bold: true, size: 16, color: redColor})
	}
	if l.docNumber != "" {
		line(l.docNumber, xlStyleKey{align: "center"})
	}
	for _, t := range l.title {
		line(t, xlStyleKey{align: "center", bold: true, size: 16})
	}
	line("", xlStyleKey{})
	if l.addressee != "" {
		line(l.addressee, xlStyleKey{})
	}
	for _, p := range l.paras {
		line(p.Text, xlStyleKey{bold: p.Level == LevelHeading1 || p.Level == LevelHeading2})
	}
	if len(l.attachNote) > 0 {
		line("", xlStyleKey{})
		for _, n := range l.attachNote {
			line(n.text, xlStyleKey{})
		}
	}
	line("", xlStyleKey{})
	if l.signature != "" {
		line(l.signature, xlStyleKey{align: "right"})
	}
	if l.date != "" {
		line(l.date, xlStyleKey{align: "right"})
	}
	if l.hasBanji() {
		line("", xlStyleKey{})
		if l.copyTo != "" {
			line(l.copyTo, xlStyleKey{})
		}
		line(strings.TrimSpace(l.printedBy+"　　"+l.printedOn), xlStyleKey{})
	}
	if l.draft {
		rows = append([]struct {
			text string
			k    xlStyleKey
		}{{DraftMark, xlStyleKey{bold: true, color: redColor}}}, rows...)
	}
	for _, r := range rows {
		if err := add(r.text, r.k); err != nil {
			return err
		}
	}
	return x.pageSetup(sheet, false, 0)
}

// tableSheet writes one table: the title merged across it in row 1, the
// header in row 2, the rows, and the note merged under them.
func (x *xlWriter) tableSheet(sheet string, a attachment) error {
	n := max(1, len(a.ems))
	last, err := excelize.ColumnNumberToName(n)
	if err != nil {
		return err
	}
	if err := x.put(sheet, 1, 1, a.title, xlStyleKey{kind: "title", align: "center", bold: true, size: 14}); err != nil {
		return err
	}
	if n > 1 {
		if err := x.f.MergeCell(sheet, "A1", last+"1"); err != nil {
			return err
		}
	}
	if err := x.f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	// The columns share the printable width of an A4 page as in the Word
	// document, so the sheet prints at full size.
	total := xlPortraitWidth
	if a.wide {
		total = xlLandscapeWidth
	}
	widths := make([]float64, n)
	for j := range n {
		widths[j] = 8
		if j < len(a.widths) {
			widths[j] = max(4, math.Round(a.widths[j]*total*10)/10)
		}
		name, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return err
		}
		if err := x.f.SetColWidth(sheet, name, name, widths[j]); err != nil {
			return err
		}
	}
	row := 1
	headerRows := 1
	if a.header != nil {
		row++
		headerRows++
		tallest := 1.0
		for j, h := range a.header {
			if err := x.put(sheet, j+1, row, h, xlStyleKey{kind: "header", align: "center", bold: true}); err != nil {
				return err
			}
			tallest = max(tallest, cellLines(h, widths[j]))
		}
		if err := x.f.SetRowHeight(sheet, row, linesHeight(tallest)); err != nil {
			return err
		}
	}
	for _, r := range a.rows {
		row++
		tallest := 1.0
		for j, c := range r {
			v, numFmt := xlNumber(c.Text)
			k := xlStyleKey{kind: "cell", align: c.Align, bold: c.Bold, status: c.Status, numFmt: numFmt}
			if err := x.put(sheet, j+1, row, v, k); err != nil {
				return err
			}
			tallest = max(tallest, cellLines(c.Text, widths[j]))
		}
		if err := x.f.SetRowHeight(sheet, row, linesHeight(tallest)); err != nil {
			return err
		}
	}
	if len(a.note) > 0 {
		row++
		note := strings.Join(a.note, "\n")
		if err := x.put(sheet, 1, row, note, xlStyleKey{kind: "note", align: "left"}); err != nil {
			return err
		}
		if n > 1 {
			if err := x.f.MergeCell(sheet, "A"+strconv.Itoa(row), last+strconv.Itoa(row)); err != nil {
				return err
			}
		}
		total := 0.0
		for _, w := range widths {
			total += w
		}
		if err := x.f.SetRowHeight(sheet, row, linesHeight(cellLines(note, total))); err != nil {
			return err
		}
	}
	if a.header != nil && len(a.rows) > 0 {
		if err := x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRows, TopLeftCell: "A" + strconv.Itoa(headerRows+1), ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return x.pageSetup(sheet, a.wide, headerRows)
}

// pageSetup prints the sheet on A4, one page wide, and repeats the title
// and header rows on every page.
func (x *xlWriter) pageSetup(sheet string, wide bool, repeatRows int) error {
	a4, orient, oneWide, anyTall := 9, "portrait", 1, 0
	if wide {
		orient = "landscape"
	}
	if err := x.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orient, FitToWidth: &oneWide, FitToHeight: &anyTall}); err != nil {
		return err
	}
	fit := true
	if err := x.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if repeatRows == 0 {
		return nil
	}
	return x.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(sheet, "'", "''"), repeatRows),
		Scope:    sheet,
	})
}

// xlNumber returns the value to store for a cell's text: a number with the
// format that prints it as written (7.50 → 7.5 shown as 0.00; 85.3% → 0.853
// shown as 0.0%), or the text itself.
func xlNumber(s string) (any, string) {
	pct := strings.HasSuffix(s, "%")
	num := strings.TrimSuffix(s, "%")
	if num == "" || len(num) > 16 || strings.ContainsAny(num, "eE_+ ") || strings.HasPrefix(num, ".") || strings.HasSuffix(num, ".") {
		return s, ""
	}
	digits := strings.TrimPrefix(num, "-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] != '.' { // 007 is a code, not a number
		return s, ""
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return s, ""
	}
	decimals := 0
	if i := strings.IndexByte(num, '.'); i >= 0 {
		decimals = len(num) - i - 1
	}
	format := "0"
	if decimals > 0 {
		format += "." + strings.Repeat("0", decimals)
	}
	if pct {
		return v / 100, format + "%"
	}
	return v, format
}

// sheetName makes a sheet name from a table's title that Excel accepts: no
// []:*?/\, no apostrophe at either end, at most 31 characters, not History,
// unique without regard to case. An empty title gives 表1, 表2, ….
func sheetName(title string, i int, used map[string]bool) string {
	tidy := func(s string) string {
		return strings.Trim(strings.TrimSpace(s), "'")
	}
	name := strings.Map(func(r rune) rune {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\', '\n', '\t':
			return -1
		}
		return r
	}, title)
	name = tidy(truncateUTF16(tidy(name), maxSheetName))
	if name == "" {
		name = "表" + strconv.Itoa(i+1)
	}
	if strings.EqualFold(name, "History") {
		name = "History表"
	}
	base := name
	for k := 2; used[strings.ToLower(name)]; k++ {
		suffix := "(" + strconv.Itoa(k) + ")"
		name = tidy(truncateUTF16(base, maxSheetName-len(suffix))) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// truncateUTF16 cuts s to at most n UTF-16 units, as Excel counts, without
// splitting a character.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// cellLines estimates the lines that text of 11 pt takes in a column of
// the given Excel width (a Chinese character is about 2.2 units).
func cellLines(text string, width float64) float64 {
	perLine := max(1, (width-1)/2.2)
	n := 0.0
	for _, l := range strings.Split(text, "\n") {
		n += max(1, math.Ceil(textEms(l)/perLine))
	}
	return n
}

// linesHeight is the height in points of a row of 11 pt text with n lines,
// within Excel's limit of 409 points.
func linesHeight(n float64) float64 {
	return min(409, n*15+4)
}

// rowHeight is the height in points of a wrapped row.
func rowHeight(ems, width, size float64) float64 {
	perLine := max(1, (width-1)/2.2*11/size)
	return min(409, max(1, math.Ceil(ems/perLine))*size*1.4+4)
}
