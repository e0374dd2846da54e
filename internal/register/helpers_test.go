package register

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kechuang/internal/plan"
)

// sheet is a worksheet built for a test: rows of values (strings, numbers,
// time.Time for date cells, nil for empty), merged ranges, hidden or not.
type sheet struct {
	name   string
	rows   [][]any
	merges [][2]string
	hidden bool
}

// book builds an .xlsx in memory.
func book(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(tb, err)
	for i, s := range sheets {
		if i == 0 {
			must(tb, f.SetSheetName("Sheet1", s.name))
		} else {
			_, err := f.NewSheet(s.name)
			must(tb, err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if d, ok := v.(dateCell); ok {
					must(tb, f.SetCellValue(s.name, ref, float64(d)))
					must(tb, f.SetCellStyle(s.name, ref, ref, dateStyle))
					continue
				}
				must(tb, f.SetCellValue(s.name, ref, v))
			}
		}
		for _, m := range s.merges {
			must(tb, f.MergeCell(s.name, m[0], m[1]))
		}
		if s.hidden {
			must(tb, f.SetSheetVisible(s.name, false))
		}
	}
	var buf bytes.Buffer
	must(tb, f.Write(&buf))
	return buf.Bytes()
}

// dateCell is a number Excel shows as a date: its day number.
type dateCell float64

// day is the Excel day number of a civil date.
func day(date string) dateCell {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return dateCell(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func gbk(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	must(tb, err)
	return b
}

func open(tb testing.TB, name string, data []byte, kind plan.RegisterKind, opts Options) *Reader {
	tb.Helper()
	rd, err := Open(name, bytes.NewReader(data), int64(len(data)), kind, opts)
	if err != nil {
		tb.Fatalf("Open %s: %v", name, err)
	}
	tb.Cleanup(func() { rd.Close() })
	return rd
}

// readAll reads every row, failing on a stopping error.
func readAll(tb testing.TB, rd *Reader) []plan.RegisterRow {
	tb.Helper()
	var out []plan.RegisterRow
	for row, err := range rd.Rows() {
		if err != nil {
			tb.Fatalf("Rows: %v", err)
		}
		out = append(out, row)
	}
	return out
}

// issues words a row's problems and warnings for comparisons.
func issues(ps []plan.RowProblem) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Column+"："+p.Message)
	}
	return strings.Join(s, "；")
}

// valid codes, computed with the standard's check character.
func validUSCC(tb testing.TB, first17 string) string {
	tb.Helper()
	c, ok := plan.USCCCheckChar(first17)
	if !ok {
		tb.Fatalf("bad test code %q", first17)
	}
	return first17 + string(c)
}
