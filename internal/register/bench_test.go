package register

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// Generated technology-contract lists: a title, the header, n rows with
// distinct names and numbers (so that shared strings grow with the file,
// as in real lists).
func bigRow(i int) []any {
	return []any{
		fmt.Sprintf("2022360010%06d", i), fmt.Sprintf("技术开发项目%d", i),
		fmt.Sprintf("江西卖方科技有限公司%d", i%5000), fmt.Sprintf("南昌买方制造有限公司%d", i),
		"技术开发", fmt.Sprintf("%d.%02d", 1+i%9000, i%100), fmt.Sprintf("%d", 1+i%800), fmt.Sprintf("2022-%02d-%02d", 1+i%12, 1+i%28),
	}
}

var bigHeader = []any{"合同登记号", "项目名称", "卖方名称", "买方名称", "合同类型", "成交额（万元）", "技术交易额（万元）", "登记日期"}

func writeBigCSV(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	must(tb, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "2022年技术合同登记情况")
	for i, h := range bigHeader {
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprint(w, h)
	}
	w.WriteByte('\n')
	for i := range n {
		for j, c := range bigRow(i) {
			if j > 0 {
				w.WriteByte(',')
			}
			fmt.Fprint(w, c)
		}
		w.WriteByte('\n')
	}
	must(tb, w.Flush())
	must(tb, f.Close())
}

func writeBigXLSX(tb testing.TB, path string, n int) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	must(tb, err)
	must(tb, sw.SetRow("A1", []any{"2022年技术合同登记情况"}))
	must(tb, sw.MergeCell("A1", "H1"))
	must(tb, sw.SetRow("A2", bigHeader))
	for i := range n {
		row := bigRow(i)
		row[5] = float64(1+i%9000) + float64(i%100)/100 // a number cell, as offices type it
		ref, _ := excelize.CoordinatesToCellName(1, i+3)
		must(tb, sw.SetRow(ref, row))
	}
	must(tb, sw.Flush())
	must(tb, f.SaveAs(path))
}

// BenchmarkRead reads a generated 200 000-row list, as CSV and as .xlsx,
// and reports the allocation per row and the live heap sampled while
// reading (after a collection, outside the timer): it stays flat however
// long the file is, as rows are yielded and dropped.
func BenchmarkRead(b *testing.B) {
	const rows = 200_000
	for _, tc := range []struct {
		name string
		gen  func(testing.TB, string, int)
	}{{"contracts.csv", writeBigCSV}, {"contracts.xlsx", writeBigXLSX}} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), tc.name)
			tc.gen(b, path, rows)
			f, err := os.Open(path)
			must(b, err)
			defer f.Close()
			fi, _ := f.Stat()
			var peak uint64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rd, err := Open(tc.name, f, fi.Size(), plan.RegContracts, Options{TempDir: b.TempDir()})
				must(b, err)
				n := 0
				for row, err := range rd.Rows() {
					if err != nil || row.Record == nil {
						b.Fatalf("row %d: %v %s", n, err, issues(row.Problems))
					}
					if n++; n%50_000 == 0 {
						b.StopTimer()
						peak = max(peak, liveHeap())
						b.StartTimer()
					}
				}
				must(b, rd.Close())
				if n != rows {
					b.Fatalf("%d rows", n)
				}
			}
			b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
			b.ReportMetric(float64(peak)/(1<<20), "live-heap-MB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// BenchmarkBaselineRead reads the same files with nothing of ours: the
// CSV with encoding/csv, the workbook with excelize's Rows iterator. The
// ratio of BenchmarkRead to it is what recognising, checking and typing
// each row costs.
func BenchmarkBaselineRead(b *testing.B) {
	const rows = 200_000
	b.Run("contracts.csv", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "contracts.csv")
		writeBigCSV(b, path, rows)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			f, err := os.Open(path)
			must(b, err)
			cr := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
			cr.FieldsPerRecord = -1
			n := 0
			for _, err := cr.Read(); err == nil; _, err = cr.Read() {
				n++
			}
			f.Close()
			if n != rows+2 {
				b.Fatalf("%d records", n)
			}
		}
	})
	b.Run("contracts.xlsx", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "contracts.xlsx")
		writeBigXLSX(b, path, rows)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: xmlPartLimit, TmpDir: b.TempDir()})
			must(b, err)
			it, err := f.Rows("Sheet1")
			must(b, err)
			n := 0
			for it.Next() {
				if _, err := it.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			it.Close()
			f.Close()
			if n != rows+2 {
				b.Fatalf("%d rows", n)
			}
		}
	})
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The reader holds no rows: the live heap while reading a list of 60 000
// rows stays within a few megabytes of the heap before it, where holding
// the rows would take tens.
func TestReaderHoldsNoRows(t *testing.T) {
	if testing.Short() {
		t.Skip("generates large files")
	}
	const rows = 60_000
	for _, tc := range []struct {
		name string
		gen  func(testing.TB, string, int)
	}{{"contracts.csv", writeBigCSV}, {"contracts.xlsx", writeBigXLSX}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.name)
			tc.gen(t, path, rows)
			f, err := os.Open(path)
			must(t, err)
			defer f.Close()
			fi, _ := f.Stat()
			base := liveHeap()
			rd, err := Open(tc.name, f, fi.Size(), plan.RegContracts, Options{TempDir: t.TempDir()})
			must(t, err)
			defer rd.Close()
			var peak uint64
			n := 0
			for _, err := range rd.Rows() {
				must(t, err)
				if n++; n%10_000 == 0 {
					peak = max(peak, liveHeap())
				}
			}
			grew := int64(peak) - int64(base)
			t.Logf("%s: %.1f MB file, live heap grew %.1f MB over %d rows", tc.name, float64(fi.Size())/(1<<20), float64(grew)/(1<<20), n)
			if n != rows || grew > 8<<20 {
				t.Errorf("%d rows; the live heap grew %d bytes while reading", n, grew)
			}
		})
	}
}
