package register

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
	"kechuang/internal/register/registertest"
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

// writeBigXLSX writes the list as Excel saves it: text in the shared
// strings table, numbers in the cells, a merged title. (excelize's stream
// writer would write inline strings, which Excel itself does not.) The
// parts are streamed into the zip, so that generating a large file holds
// nothing either.
func writeBigXLSX(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	must(tb, err)
	zw := zip.NewWriter(f)
	part := func(name, body string) {
		w, err := zw.Create(name)
		must(tb, err)
		_, err = io.WriteString(w, body)
		must(tb, err)
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook `+ns+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)

	// Shared strings are numbered as they are first used; the sheet refers
	// to them by number. Both are generated in the same order, so the
	// table need not be kept: string k of row i is found again by rule.
	strs := func(i int) []string {
		r := bigRow(i)
		return []string{r[0].(string), r[1].(string), r[2].(string), r[3].(string), r[4].(string), r[7].(string)}
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	must(tb, err)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><sst %s>`, ns)
	fixed := append([]any{"2022年技术合同登记情况"}, bigHeader...)
	for _, h := range fixed {
		fmt.Fprintf(bw, "<si><t>%s</t></si>", h)
	}
	for i := range n {
		for _, s := range strs(i) {
			fmt.Fprintf(bw, "<si><t>%s</t></si>", s)
		}
	}
	bw.WriteString("</sst>")
	must(tb, bw.Flush())

	w, err = zw.Create("xl/worksheets/sheet1.xml")
	must(tb, err)
	bw = bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">`, ns)
	for c := range bigHeader {
		fmt.Fprintf(bw, `<c r="%s2" t="s"><v>%d</v></c>`, letter(c), c+1)
	}
	bw.WriteString("</row>")
	next := len(fixed)
	for i := range n {
		r := i + 3
		row := bigRow(i)
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for c := range row {
			switch c {
			case 5: // a number cell, as offices type it
				fmt.Fprintf(bw, `<c r="F%d"><v>%d.%02d</v></c>`, r, 1+i%9000, i%100)
			case 6:
				fmt.Fprintf(bw, `<c r="G%d"><v>%s</v></c>`, r, row[6])
			default:
				fmt.Fprintf(bw, `<c r="%s%d" t="s"><v>%d</v></c>`, letter(c), r, next)
				next++
			}
		}
		bw.WriteString("</row>")
	}
	bw.WriteString(`</sheetData><mergeCells count="1"><mergeCell ref="A1:H1"/></mergeCells></worksheet>`)
	must(tb, bw.Flush())
	must(tb, zw.Close())
	must(tb, f.Close())
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
			f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: 4 << 20, TmpDir: b.TempDir()})
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

// BenchmarkReadRegisters reads generated lists of the scale
// KECHUANG_BENCH_SCALE names (national: 500,000 enterprises, 1,000,000
// contracts, 5,000,000 patents; district when unset) beside encoding/csv
// reading the same file, with the live heap sampled while reading.
//
//	KECHUANG_BENCH_SCALE=national go test -run='^$' -bench ReadRegisters -benchtime=1x ./internal/register
func BenchmarkReadRegisters(b *testing.B) {
	sc, err := registertest.ScaleFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, l := range []struct {
		kind plan.RegisterKind
		name string
		rows int
		gen  func(string) error
	}{
		{plan.RegEnterprises, "enterprises.csv", sc.Enterprises, func(p string) error { return registertest.WriteEnterprises(p, sc.Enterprises, sc.Units) }},
		{plan.RegContracts, "contracts.csv", sc.Contracts, func(p string) error {
			return registertest.WriteContracts(p, sc.Contracts, sc.Enterprises, sc.Units, 2022)
		}},
		{plan.RegPatents, "patents.csv", sc.Patents, func(p string) error { return registertest.WritePatents(p, sc.Patents, sc.Enterprises, 2022) }},
	} {
		b.Run(l.name, func(b *testing.B) {
			path := filepath.Join(dir, l.name)
			must(b, l.gen(path))
			defer os.Remove(path)
			f, err := os.Open(path)
			must(b, err)
			defer f.Close()
			fi, _ := f.Stat()
			var peak uint64
			start := time.Now()
			rd, err := Open(l.name, f, fi.Size(), l.kind, Options{MaxRows: 10_000_000, MaxFileSize: 4 << 30})
			must(b, err)
			n := 0
			for row, err := range rd.Rows() {
				if err != nil || row.Record == nil {
					b.Fatalf("row %d: %v %s", n, err, issues(row.Problems))
				}
				if n++; n%500_000 == 0 {
					peak = max(peak, liveHeap())
				}
			}
			must(b, rd.Close())
			took := time.Since(start)
			start = time.Now()
			g, err := os.Open(path)
			must(b, err)
			cr := csv.NewReader(bufio.NewReaderSize(g, 64<<10))
			m := 0
			for _, err := cr.Read(); err == nil; _, err = cr.Read() {
				m++
			}
			g.Close()
			anchor := time.Since(start)
			if n != l.rows || m != l.rows+1 {
				b.Fatalf("%d rows read, %d records", n, m)
			}
			b.Logf("%s %s: %d rows, %.0f MB: reader %.0f rows/s, encoding/csv %.0f rows/s (ratio %.2f); live heap %.1f MB",
				sc.Name, l.name, n, float64(fi.Size())/(1<<20), float64(n)/took.Seconds(), float64(m)/anchor.Seconds(), anchor.Seconds()/took.Seconds(), float64(peak)/(1<<20))
			b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
			b.ReportMetric(anchor.Seconds()/took.Seconds(), "ratio")
			b.ReportMetric(float64(peak)/(1<<20), "live-heap-MB")
		})
	}
}
