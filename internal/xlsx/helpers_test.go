package xlsx

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// num is a cell stored as a number with exactly these digits, the way Excel
// stores what was typed (or what a formula left: "0.15000000000000002").
type num string

// sheet describes a worksheet to build: rows from A1, merged ranges, and
// number formats by cell.
type sheet struct {
	name    string
	rows    [][]any
	merges  [][2]string
	formats map[string]int // cell → built-in number format (10 is 0.00%)
	hidden  bool
}

// book builds an .xlsx in memory from the sheets.
func book(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			must(tb, f.SetSheetName("Sheet1", s.name))
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				case num:
					must(tb, f.SetCellDefault(s.name, ref, string(v)))
				default:
					must(tb, f.SetCellValue(s.name, ref, v))
				}
			}
		}
		for _, m := range s.merges {
			must(tb, f.MergeCell(s.name, m[0], m[1]))
		}
		for ref, format := range s.formats {
			style, err := f.NewStyle(&excelize.Style{NumFmt: format})
			must(tb, err)
			must(tb, f.SetCellStyle(s.name, ref, ref, style))
		}
	}
	// A sheet can be hidden only while another tab is selected.
	for i, s := range sheets {
		if !s.hidden {
			f.SetActiveSheet(i)
			break
		}
	}
	for _, s := range sheets {
		if s.hidden {
			must(tb, f.SetSheetVisible(s.name, false))
		}
	}
	var buf bytes.Buffer
	must(tb, f.Write(&buf))
	return buf.Bytes()
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// example2022 loads the 2022 work points' plan document.
func example2022(tb testing.TB) *plan.Document {
	tb.Helper()
	data, err := os.ReadFile("../../examples/qingyunpu-2022/plan.json")
	must(tb, err)
	var doc plan.Document
	must(tb, json.Unmarshal(data, &doc))
	return &doc
}

func dec(s string) plan.Decimal { return plan.MustDecimal(s) }

func jsonString(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	must(tb, err)
	return string(b)
}
