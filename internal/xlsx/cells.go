package xlsx

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// grid is a worksheet's cells as text, indexed [row][col] from 0. shown is
// what Excel displays (for names and text), raw the stored value (for
// numbers, so 0.05 is read as written and not through a float format).
// Merged ranges are filled from their top-left cell, so a lead unit merged
// over three rows is read on each of them.
type grid struct {
	wb    *workbook
	sheet string
	shown [][]string
	raw   [][]string
}

// readRows returns up to limit rows of the sheet, cut to maxColumns. With
// strict, a value beyond maxColumns is an error; the header search, which
// looks at the first rows only, just cuts them.
func readRows(wb *workbook, sheet string, raw, strict bool, limit int) (rows [][]string, err error) {
	it, err := wb.f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for len(rows) < limit && it.Next() {
		cols, err := it.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return nil, err
		}
		if len(cols) > maxColumns {
			for c := maxColumns; strict && c < len(cols); c++ {
				if strings.TrimSpace(cols[c]) != "" {
					return nil, &wideError{row: len(rows) + 1, col: c + 1}
				}
			}
			cols = cols[:maxColumns]
		}
		rows = append(rows, cols)
	}
	return rows, it.Error()
}

// wideError reports a value beyond maxColumns.
type wideError struct{ row, col int }

func (e *wideError) Error() string { return "value beyond the last column read" }

// readGrid reads the whole sheet and fills merged ranges. open has bounded
// its size.
func readGrid(wb *workbook, sheet string) (*grid, error) {
	l := loc{file: wb.file, sheet: sheet}
	g := &grid{wb: wb, sheet: sheet}
	for _, raw := range []bool{false, true} {
		rows, err := readRows(wb, sheet, raw, true, maxGridCells)
		var wide *wideError
		switch {
		case errors.As(err, &wide):
			col, _ := excelize.ColumnNumberToName(wide.col)
			return nil, l.at(wide.row, col+"列").errorf("表格只读前 %d 列，此处之后不应有内容", maxColumns)
		case err != nil:
			return nil, l.errorf("无法读取，文件可能已损坏")
		}
		if raw {
			g.raw = rows
		} else {
			g.shown = rows
		}
	}
	if err := g.fillMerges(); err != nil {
		return nil, l.errorf("合并单元格有误，文件可能已损坏")
	}
	return g, nil
}

func (g *grid) fillMerges() error {
	merges, err := g.wb.f.GetMergeCells(g.sheet, true)
	if err != nil {
		return err
	}
	for _, m := range merges {
		c0, r0, err := excelize.CellNameToCoordinates(m.GetStartAxis())
		if err != nil {
			return err
		}
		c1, r1, err := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err != nil {
			return err
		}
		for _, rows := range [][][]string{g.shown, g.raw} {
			v := cellAt(rows, r0-1, c0-1)
			// Clip to the rows read: a merge may reach past the data.
			for r := r0 - 1; r < min(r1, len(rows)); r++ {
				for c := c0 - 1; c < min(c1, maxColumns); c++ {
					if r == r0-1 && c == c0-1 {
						continue
					}
					for len(rows[r]) <= c {
						rows[r] = append(rows[r], "")
					}
					rows[r][c] = v
				}
			}
		}
	}
	return nil
}

func cellAt(rows [][]string, r, c int) string {
	if r < 0 || r >= len(rows) || c < 0 || c >= len(rows[r]) {
		return ""
	}
	return rows[r][c]
}

// text is the displayed text of a cell, line breaks joined.
func (g *grid) text(r, c int) string { return plan.JoinLines(cellAt(g.shown, r, c)) }

// hasFormula reports whether the cell holds a formula; one without a cached
// result reads as empty, which must not pass for an absent value.
func (g *grid) hasFormula(r, c int) bool {
	ref, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return false
	}
	f, err := g.wb.f.GetCellFormula(g.sheet, ref)
	return err == nil && f != ""
}

// key is a header or name with every space removed, so "牵头\n单位" and
// "县 区" compare as 牵头单位 and 县区.
func key(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// annexLabel matches the label above a title: "附件1", "附件 2:", "附表一".
var annexLabel = regexp.MustCompile(`^(附[件表]\s*([0-9０-９]+|[一二三四五六七八九十]+)(\s*[-－]\s*[0-9]+)?)\s*[:：]?`)

// cutAnnex splits "附件2：2022年…分解表" into the label as the plan document
// keeps it (附件2) and the rest.
func cutAnnex(s string) (label, rest string) {
	m := annexLabel.FindStringSubmatchIndex(s)
	if m == nil {
		return "", s
	}
	return key(s[m[2]:m[3]]), strings.TrimSpace(s[m[1]:])
}

// isNote reports whether a row's text is a note under the table, which ends it.
func isNote(s string) bool {
	s = key(s)
	return strings.HasPrefix(s, "注：") || strings.HasPrefix(s, "注:") ||
		strings.HasPrefix(s, "备注：") || strings.HasPrefix(s, "备注:") ||
		strings.HasPrefix(s, "说明：") || strings.HasPrefix(s, "说明:")
}

// notApplicable are cell texts offices write for "no target here".
var notApplicable = map[string]bool{"/": true, "／": true, "-": true, "－": true, "—": true, "——": true, "\\": true}

// plainNumber matches what Excel stores for a number, exponent included.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// parseValue reads a split-table value exactly from the cell's stored text;
// shown (the displayed text) only tells a percentage format apart. It
// returns ok=false for an empty cell and a Chinese reason when the text is
// not a number.
func parseValue(raw, shown string) (d plan.Decimal, ok bool, reason string) {
	t := strings.TrimSpace(raw)
	if t == "" || notApplicable[t] {
		return plan.Decimal{}, false, ""
	}
	if b := strings.TrimSpace(shown); b == "TRUE" || b == "FALSE" {
		return plan.Decimal{}, false, "“" + b + "” 不是数字" // a logical cell stores 1 or 0
	}
	percentFormat := false
	if s, found := strings.CutSuffix(t, "%"); found {
		t = strings.TrimSpace(s) // typed as text "0.55%": the figure is in percent already
	} else if s, found := strings.CutSuffix(t, "％"); found {
		t = strings.TrimSpace(s)
	} else if plainNumber.MatchString(t) && strings.HasSuffix(strings.TrimSpace(shown), "%") {
		percentFormat = true // 0.0055 shown as 0.55%: the table means 0.55
	}
	if plainNumber.MatchString(t) {
		t = shortestDecimal(t)
	}
	if percentFormat {
		t = timesHundred(t)
	}
	d, err := plan.ParseDecimal(t)
	if err == nil {
		return d, true, ""
	}
	shown = strings.TrimSpace(shown)
	if shown == "" {
		shown = strings.TrimSpace(raw)
	}
	intPart, frac, _ := strings.Cut(strings.TrimLeft(t, "+-"), ".")
	switch {
	case !plainNumber.MatchString(t):
		return d, false, "“" + shown + "” 不是数字"
	case len(strings.TrimRight(frac, "0")) > 6:
		return d, false, "“" + shown + "” 小数超过6位"
	case len(strings.TrimLeft(intPart, "0")) > 12:
		return d, false, "“" + shown + "” 数值过大"
	}
	return d, false, "“" + shown + "” 不是数字"
}

// shortestDecimal writes a stored number in plain decimal digits. Text that
// already is a plain decimal is kept as is; an exponent or binary noise left
// by a formula (0.15000000000000002) is rounded to the 15 significant digits
// Excel itself shows.
func shortestDecimal(t string) string {
	if _, err := plan.ParseDecimal(t); err == nil {
		return t
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return t
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// timesHundred moves the decimal point of a plain decimal two places right.
func timesHundred(t string) string {
	sign := ""
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		sign, t = t[:1], t[1:]
	}
	intPart, frac, _ := strings.Cut(t, ".")
	frac += "00"
	return sign + intPart + frac[:2] + "." + frac[2:]
}
