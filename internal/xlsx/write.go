package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Fonts of official documents (GB/T 9704): titles in 小标宋, headings in 黑体,
// body in 仿宋_GB2312. An xlsx font has one name and no fallback list; the
// GB2312 charset lets Excel and WPS substitute 仿宋 where 仿宋_GB2312 is not
// installed, as they do for the notices themselves.
const (
	fontTitle   = "方正小标宋简体"
	fontHeading = "黑体"
	fontBody    = "仿宋_GB2312"
	bodySize    = 12
)

// styles are a workbook's cell styles, created once per file.
type styles struct {
	label, title, header, heading int
	text, center                  int // body cells: left for prose, centred for numbers and names
	totalText                     int // the total row, bold
	checkText, checkDiff          int // the 各单位合计 row; checkDiff where it differs from the total
	note                          int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	charsetGB2312 := 134
	font := func(family string, size float64) *excelize.Font {
		return &excelize.Font{Family: family, Size: size, Charset: &charsetGB2312}
	}
	align := func(h string) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: true}
	}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	bold := font(fontBody, bodySize)
	bold.Bold = true
	italic := font(fontBody, bodySize)
	italic.Italic = true
	red := font(fontBody, bodySize)
	red.Italic, red.Color = true, "FF0000"

	s := &styles{}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&s.label, excelize.Style{Font: font(fontHeading, 16), Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.title, excelize.Style{Font: font(fontTitle, 20), Alignment: align("center")}},
		{&s.header, excelize.Style{Font: font(fontHeading, bodySize), Alignment: align("center"), Border: border}},
		{&s.heading, excelize.Style{Font: font(fontHeading, bodySize), Alignment: align("left"), Border: border}},
		{&s.text, excelize.Style{Font: font(fontBody, bodySize), Alignment: align("left"), Border: border}},
		{&s.center, excelize.Style{Font: font(fontBody, bodySize), Alignment: align("center"), Border: border}},
		{&s.totalText, excelize.Style{Font: bold, Alignment: align("center"), Border: border}},
		{&s.checkText, excelize.Style{Font: italic, Alignment: align("center"), Border: border, Fill: grey}},
		{&s.checkDiff, excelize.Style{Font: red, Alignment: align("center"), Border: border, Fill: grey}},
		{&s.note, excelize.Style{Font: font(fontBody, 11), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, err
		}
		*d.id = id
	}
	return s, nil
}

// sheetWriter writes one sheet row by row and remembers column widths for
// the row-height estimate.
type sheetWriter struct {
	f      *excelize.File
	name   string
	st     *styles
	widths []float64
	row    int // last row written
	err    error
}

func (w *sheetWriter) setWidths(widths ...float64) {
	w.widths = widths
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w.check(w.f.SetColWidth(w.name, col, col, wd))
	}
}

func (w *sheetWriter) check(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func cell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col+1, row)
	return ref
}

// spanRow writes text merged across all columns, for labels, titles and
// section headings.
func (w *sheetWriter) spanRow(text string, style int, height float64) {
	w.row++
	first, last := cell(0, w.row), cell(len(w.widths)-1, w.row)
	w.check(w.f.SetCellValue(w.name, first, text))
	if len(w.widths) > 1 {
		w.check(w.f.MergeCell(w.name, first, last))
	}
	w.check(w.f.SetCellStyle(w.name, first, last, style))
	if height == 0 {
		height = rowHeight(text, w.total())
	}
	w.check(w.f.SetRowHeight(w.name, w.row, height))
}

func (w *sheetWriter) total() float64 {
	sum := 0.0
	for _, wd := range w.widths {
		sum += wd
	}
	return sum
}

// textRow writes one cell per column with the given styles. With numbers,
// the cells after the first hold decimals, stored as numbers with their
// exact digits.
func (w *sheetWriter) textRow(cells []string, styles []int, numbers bool) {
	w.row++
	height := 0.0
	for i, v := range cells {
		ref := cell(i, w.row)
		if numbers && i > 0 && v != "" {
			// SetCellDefault stores "0.05" as a number written as is; a
			// float64 would be formatted by excelize, not by us.
			w.check(w.f.SetCellDefault(w.name, ref, v))
		} else {
			w.check(w.f.SetCellStr(w.name, ref, v))
		}
		w.check(w.f.SetCellStyle(w.name, ref, ref, styles[i]))
		height = max(height, rowHeight(v, w.widths[i]))
	}
	w.check(w.f.SetRowHeight(w.name, w.row, height))
}

// rowHeight estimates the height in points that wrapped text needs, since
// Excel does not grow rows written by a program: a Chinese character takes
// about two width units at 12 pt, a Latin one about one.
func rowHeight(text string, width float64) float64 {
	units := 0.0
	for _, r := range text {
		if r < utf8.RuneSelf {
			units += 1.1
		} else {
			units += 2.2
		}
	}
	lines := max(1, math.Ceil(units/max(width-1, 1)))
	return max(22, lines*16+6)
}

// pageSetup prints on A4 fitted to the page width, repeating the header row
// on every page as the notice's table does across pages.
func (w *sheetWriter) pageSetup(orientation string, headerRow int) {
	size, fitW, fitH, fit := 9, 1, 0, true
	w.check(w.f.SetPageLayout(w.name, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orientation, FitToWidth: &fitW, FitToHeight: &fitH,
	}))
	w.check(w.f.SetSheetProps(w.name, &excelize.SheetPropsOptions{FitToPage: &fit}))
	w.check(w.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", w.name, headerRow, headerRow),
		Scope:    w.name,
	}))
	w.check(w.f.SetPanes(w.name, &excelize.Panes{
		Freeze: true, YSplit: headerRow, TopLeftCell: cell(0, headerRow+1), ActivePane: "bottomLeft",
	}))
}

// sheetName makes a label a valid sheet name, unique among used (which it
// updates when not nil): Excel allows 31 characters and none of []:*?/\.
func sheetName(label string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.Trim(label, "'"))
	if name = truncateRunes(name, 28); name == "" {
		name = "表"
	}
	unique := name
	for n := 2; used[unique]; n++ {
		unique = fmt.Sprintf("%s-%d", name, n)
	}
	if used != nil {
		used[unique] = true
	}
	return unique
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// save writes the workbook, or the first error met while building it.
func save(f *excelize.File, w io.Writer, errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("xlsx: building workbook: %w", err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: writing workbook: %w", err)
	}
	return nil
}
