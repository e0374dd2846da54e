package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// WriteSplitTables writes each of the document's split tables on its own
// sheet laid out as the notice's 附件2: the label (the table's Attachment,
// else 附件2, 附件3, … by position), the title
// merged across, a header 单位 followed by each indicator with its unit in
// brackets, the total row first in bold, then the units.
//
// Under a table with a total row it adds a check row 各单位合计, the units'
// values summed exactly, in grey italics — red where the sum differs from the
// total — and a note saying so. The sums are values, not formulas: excelize
// cannot compute a formula's result, and a reader would see it empty.
// ReadSplitTables drops the check row again.
func WriteSplitTables(w io.Writer, doc *plan.Document) error {
	if len(doc.DecompositionTables) == 0 {
		return plan.Errorf(plan.EINVALID, "方案中没有指标分解表")
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: building workbook: %w", err)
	}
	var errs []error
	used := map[string]bool{}
	for i, t := range doc.DecompositionTables {
		label := t.Attachment
		if label == "" {
			label = fmt.Sprintf("附件%d", i+2)
		}
		sw := &sheetWriter{f: f, name: sheetName(label, used), st: st}
		if i == 0 {
			errs = append(errs, f.SetSheetName("Sheet1", sw.name))
		} else if _, err := f.NewSheet(sw.name); err != nil {
			errs = append(errs, err)
		}
		writeSplitSheet(sw, label, t)
		errs = append(errs, sw.err)
	}
	return save(f, w, errs...)
}

func writeSplitSheet(sw *sheetWriter, label string, t plan.DocTable) {
	st := sw.st
	widths := []float64{20}
	header := []string{"单位"}
	for _, c := range t.Columns {
		h := c
		if u := t.UnitsOfMeasure[c]; u != "" {
			h += "（" + u + "）"
		}
		header = append(header, h)
		widths = append(widths, min(max(12, float64(len([]rune(h)))*1.2), 20))
	}
	sw.setWidths(widths...)

	title := t.Title
	if title == "" {
		title = "指标分解表"
	}
	sw.spanRow(label, st.label, 24)
	sw.spanRow(title, st.title, 40)
	sw.textRow(header, repeat(st.header, len(header)), false)
	headerRow := sw.row

	var total *plan.DocTableRow
	for _, totals := range []bool{true, false} {
		for i, r := range t.Rows {
			if r.Total != totals {
				continue
			}
			styles := repeat(st.center, len(header))
			if r.Total {
				styles = repeat(st.totalText, len(header))
				if total == nil {
					total = &t.Rows[i]
				}
			}
			sw.textRow(rowCells(r.Unit, t.Columns, r.Values), styles, true)
		}
	}
	if total != nil {
		sums, styles := checkRow(t, total, st)
		sw.textRow(rowCells(checkRowName, t.Columns, sums), styles, true)
		sw.spanRow(fmt.Sprintf("注：“%s”一行是以上各单位数值之和，由系统计算，供与“%s”一行核对，不是分解目标；红色表示两者不一致。",
			checkRowName, total.Unit), st.note, 0)
	}
	sw.pageSetup("portrait", headerRow)
}

// checkRow sums the units' values of each column that has any, exactly.
func checkRow(t plan.DocTable, total *plan.DocTableRow, st *styles) (map[string]plan.Decimal, []int) {
	sums := map[string]plan.Decimal{}
	for _, r := range t.Rows {
		if r.Total {
			continue
		}
		for c, v := range r.Values {
			sums[c] = sums[c].Add(v)
		}
	}
	styles := []int{st.checkText}
	for _, c := range t.Columns {
		want, hasTotal := total.Values[c]
		sum, hasSum := sums[c]
		if hasTotal && hasSum && sum.Cmp(want) != 0 {
			styles = append(styles, st.checkDiff)
		} else {
			styles = append(styles, st.checkText)
		}
	}
	return sums, styles
}

func rowCells(unit string, columns []string, values map[string]plan.Decimal) []string {
	cells := []string{unit}
	for _, c := range columns {
		if v, ok := values[c]; ok {
			cells = append(cells, v.String())
		} else {
			cells = append(cells, "")
		}
	}
	return cells
}

func repeat(style, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = style
	}
	return out
}
