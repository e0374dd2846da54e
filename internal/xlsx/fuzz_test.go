package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"kechuang/internal/plan"
)

// The fuzz targets take either a whole file (starting "PK") or the XML of
// its first worksheet, which they put into the seed workbook: mutations of a
// zip rarely get past its checksums, those of the sheet reach the readers.

func FuzzReadSplitTable(f *testing.F) {
	var buf bytes.Buffer
	must(f, WriteSplitTables(&buf, example2022(f)))
	seed := buf.Bytes()
	office := book(f, sheet{name: "Sheet1", rows: [][]any{
		{"2022年分解表"},
		{"县 区", "2022年高新技术\n企业数量（家）", "比重(%)"},
		{"洪都街道", num("0.05"), num("0.0055")},
		{"合计", "十四", "/"},
	}, merges: [][2]string{{"A1", "C1"}}, formats: map[string]int{"C3": 10}})
	addSeeds(f, seed, office)
	f.Fuzz(func(t *testing.T, data []byte) {
		table, err := ReadSplitTable("fuzz.xlsx", bytes.NewReader(asWorkbook(t, seed, data)))
		if err != nil {
			wantUserError(t, err)
			return
		}
		cols := map[string]bool{}
		for _, c := range table.Columns {
			if c == "" || cols[c] {
				t.Fatalf("column %q empty or repeated in %q", c, table.Columns)
			}
			cols[c] = true
		}
		if len(table.Rows) == 0 {
			t.Fatal("a table without rows")
		}
		for _, r := range table.Rows {
			if r.Unit == "" {
				t.Fatalf("row without a unit: %+v", r)
			}
			for c := range r.Values {
				if !cols[c] {
					t.Fatalf("value for unknown column %q", c)
				}
			}
		}
	})
}

func FuzzReadTaskTable(f *testing.F) {
	var buf bytes.Buffer
	must(f, WriteTaskTable(&buf, example2022(f)))
	seed := buf.Bytes()
	office := book(f, sheet{name: "Sheet1", rows: [][]any{
		{"任务分解表"},
		{"序号", "工作\n内容", "牵头 单位", "责任单位", "完成时限"},
		{"(一) 行动"},
		{1, "任务", "区科工局", "区科工局，各街道、镇、集聚区", "年底"},
		{"二", "行动"},
		{"2", nil, "区发改委"},
	}, merges: [][2]string{{"A3", "E3"}, {"C4", "C5"}}})
	addSeeds(f, seed, office)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadTaskTable("fuzz.xlsx", bytes.NewReader(asWorkbook(t, seed, data)))
		if err != nil {
			wantUserError(t, err)
			if rows != nil {
				t.Fatal("rows returned with an error")
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		for _, r := range rows {
			if r.Content == "" {
				t.Fatalf("row without content: %+v", r)
			}
		}
	})
}

// addSeeds adds whole workbooks and their first sheets' XML.
func addSeeds(f *testing.F, books ...[]byte) {
	for _, b := range books {
		f.Add(b)
		f.Add(part(f, b, "xl/worksheets/sheet1.xml"))
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>单位</t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`))
}

// asWorkbook returns data when it is a file, else the seed workbook with
// data as its first sheet.
func asWorkbook(tb testing.TB, seed, data []byte) []byte {
	if bytes.HasPrefix(data, []byte("PK")) {
		return data
	}
	zr, err := zip.NewReader(bytes.NewReader(seed), int64(len(seed)))
	must(tb, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		must(tb, err)
		if zf.Name == "xl/worksheets/sheet1.xml" {
			_, err = w.Write(data)
			must(tb, err)
			continue
		}
		r, err := zf.Open()
		must(tb, err)
		_, err = io.Copy(w, r)
		must(tb, err)
		r.Close()
	}
	must(tb, zw.Close())
	return buf.Bytes()
}

func part(tb testing.TB, file []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	must(tb, err)
	for _, zf := range zr.File {
		if zf.Name == name {
			r, err := zf.Open()
			must(tb, err)
			defer r.Close()
			b, err := io.ReadAll(r)
			must(tb, err)
			return b
		}
	}
	tb.Fatalf("no part %s", name)
	return nil
}

// wantUserError fails on errors a user could not act on: a recovered panic
// or any other internal error.
func wantUserError(t *testing.T, err error) {
	t.Helper()
	if plan.ErrorCode(err) != plan.EINVALID {
		t.Fatalf("internal error: %v", err)
	}
}
