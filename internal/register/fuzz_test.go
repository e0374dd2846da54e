package register

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
)

// The fuzz targets check that nothing a user uploads panics the reader or
// fails it with an internal error, and that what it yields holds together:
// a record exactly when there are no problems, origins in row order, every
// problem naming its column.

func checkRows(t *testing.T, name string, data []byte, kind plan.RegisterKind) {
	rd, err := Open(name, bytes.NewReader(data), int64(len(data)), kind, Options{MaxRows: 2000})
	if err != nil {
		wantUserError(t, err)
		return
	}
	defer rd.Close()
	h := rd.Header()
	if h.Row < 1 || len(h.Columns) == 0 || h.Shape == "" {
		t.Fatalf("header %+v", h)
	}
	last := h.Row
	for row, err := range rd.Rows() {
		if err != nil {
			wantUserError(t, err)
			return
		}
		if row.Origin.Row <= last || row.Origin.File != name {
			t.Fatalf("origin %+v after row %d", row.Origin, last)
		}
		last = row.Origin.Row
		if (row.Record == nil) != (len(row.Problems) > 0) {
			t.Fatalf("record %v with problems %v", row.Record, row.Problems)
		}
		for _, p := range append(row.Problems, row.Warnings...) {
			if p.Message == "" {
				t.Fatalf("problem without a message: %+v", p)
			}
		}
	}
	if p := rd.Progress(); p.Done > p.Total {
		t.Fatalf("progress %+v", p)
	}
}

func wantUserError(t *testing.T, err error) {
	t.Helper()
	if plan.ErrorCode(err) != plan.EINVALID {
		t.Fatalf("internal error: %v", err)
	}
}

var fuzzKinds = plan.RegisterKinds

func FuzzReadCSV(f *testing.F) {
	u := "91360104MA35ABCDEU"
	for _, s := range []string{
		"2022年第一批科技型中小企业入库名单\n序号,企业名称,统一社会信用代码,所在地区,入库登记编号\n1,甲公司," + u + ",洪都街道,001\n注：…\n",
		"合同登记号,项目名称,卖方名称,买方名称,合同类型,成交额（万元）,技术交易额（万元）,登记日期\n2022360010000123,项目,甲,乙,技术开发,12.3,10,2022/3/31\n合计,,,,,12.3\n",
		"卖方,,买方,\n名称,信用代码,名称,信用代码\n甲," + u + ",乙,\n",
		"专利号,专利权人,授权公告日,法律状态\nZL202210123456.7,甲；乙,2022-06-01,未缴年费专利权终止\n",
		"指标,年份,数值,计量单位\n地区生产总值,2021,350.5,亿元\n常住人口,2021,123456,人\n",
		"平台名称,平台类型,级别,认定日期\n甲,省级工程技术研究中心,,2022-01-01\n",
		"证书编号,企业名称,发证日期,有效期\nGR202236000123,甲,44651,2022.12.04-2025.12.03\n",
		"企业名称,统一社会信用代码,2021年营业收入,名单,入库日期\n甲," + u + ",1.2E+3,瞪羚、培育库,20220101\n",
		"\"a,b\n",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add(gbk(f, s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		checkRows(t, "fuzz.csv", data, fuzzKinds[int(k)%len(fuzzKinds)])
	})
}

// FuzzReadXLSX takes a whole file (starting PK) or the XML of the first
// worksheet, which it puts into a seed workbook: mutations of a zip rarely
// get past its checksums, those of the sheet reach the reader.
func FuzzReadXLSX(f *testing.F) {
	u := "91360104MA35ABCDEU"
	seed := book(f, sheet{name: "Sheet1", rows: [][]any{
		{"2022年第一批科技型中小企业入库名单"},
		{"序号", "企业名称", "统一社会信用代码", "所在地区", "入库登记编号", "入库日期"},
		{1, "甲公司", u, "洪都街道", "001", day("2022-03-31")},
		{2, "乙公司", u, nil, "002", 44652.5},
		{"合计"},
	}, merges: [][2]string{{"A1", "F1"}, {"D3", "D4"}}})
	contracts := book(f, sheet{name: "S", rows: [][]any{
		{"合同登记号", "卖方", nil, "成交额（万元）", "登记日期"},
		{nil, "名称", "统一社会信用代码"},
		{"2022360010000123", "甲", u, 12.3, "2022-03-31"},
	}, merges: [][2]string{{"B1", "C1"}, {"A1", "A2"}, {"D1", "D2"}, {"E1", "E2"}}})
	for _, b := range [][]byte{seed, contracts} {
		f.Add(b, uint8(1))
		f.Add(part(f, b, "xl/worksheets/sheet1.xml"), uint8(1))
		f.Add(part(f, b, "xl/worksheets/sheet1.xml"), uint8(3))
	}
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>企业名称</t></is></c><c r="XFD2" t="inlineStr"><is><t>信用代码</t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`), uint8(1))
	f.Add([]byte(`<worksheet><sheetData><row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>`), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		checkRows(t, "fuzz.xlsx", asWorkbook(t, seed, data), fuzzKinds[int(k)%len(fuzzKinds)])
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2022-03-31", "2022/3/31", "2022.3.31", "2022年3月31日", "20220331", "44651", "2022-03-31 00:00:00", "二〇二二年三月三十一日", "十", "2022年十月"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if !ok {
			if d != "" {
				t.Fatalf("%q: %q without ok", s, d)
			}
			return
		}
		if tm, err := time.Parse(time.DateOnly, d); err != nil || tm.Format(time.DateOnly) != d {
			t.Fatalf("%q → %q is no civil date", s, d)
		}
		if again, ok := parseDate(d); !ok || again != d {
			t.Fatalf("%q → %q does not read back (%q)", s, d, again)
		}
		datesIn(s)
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.3", "1,234.5", "１２．３", "1.2E+5", "0.30000000000000004", "12.3万元", "￥1,000元", "-5", "9999999999999", "1e-300", "1e300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, cellUnit, ok := parseAmount(s)
		if !ok {
			return
		}
		for _, u := range []unit{units["元"], units["万元"], units["亿元"], units["人"]} {
			if cellUnit != nil {
				u = *cellUnit
			}
			d, reason := n.decimal(u)
			if wd, wr := decimalByText(n, u); wr != reason || wd.Cmp(d) != 0 {
				t.Fatalf("%q in %s: %s %q, by text %s %q", s, u.label, d, reason, wd, wr)
			}
			if reason != "" {
				continue
			}
			// Exact: converting back to the cell's unit gives its digits.
			back := number{neg: d.Sign() < 0, whole: strings.TrimPrefix(d.String(), "-")}
			back.whole, back.frac, _ = strings.Cut(back.whole, ".")
			back = back.shift(-u.exp)
			want, _ := plan.ParseDecimal(trimNumber(n))
			got, _ := plan.ParseDecimal(trimNumber(back))
			if want.Cmp(got) != 0 {
				t.Fatalf("%q in %s: %s, back %s", s, u.label, d, got)
			}
		}
	})
}

// trimNumber writes a number as ParseDecimal reads it, clipped to its
// limits (a number beyond them cannot have converted).
func trimNumber(n number) string {
	w := strings.TrimLeft(n.whole, "0")
	fr := strings.TrimRight(n.frac, "0")
	if w == "" {
		w = "0"
	}
	s := w
	if fr != "" {
		s += "." + fr
	}
	if n.neg && s != "0" {
		s = "-" + s
	}
	return s
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

// decimalByText is number.decimal as it was written first, by shifting and
// trimming the digits as text and parsing the result: the oracle of the
// version that reads the digits in place.
func decimalByText(n number, u unit) (plan.Decimal, string) {
	n = n.shift(u.exp)
	whole := strings.TrimLeft(n.whole, "0")
	frac := strings.TrimRight(n.frac, "0")
	if len(whole) > 12 {
		return plan.Decimal{}, "数值过大"
	}
	if len(frac) > 6 {
		if u.exp != 0 {
			return plan.Decimal{}, "换算为" + baseLabel(u) + "后超过6位小数"
		}
		return plan.Decimal{}, "超过6位小数"
	}
	s := whole
	if s == "" {
		s = "0"
	}
	if frac != "" {
		s += "." + frac
	}
	if n.neg {
		s = "-" + s
	}
	d, err := plan.ParseDecimal(s)
	if err != nil {
		return plan.Decimal{}, "不是数字"
	}
	return d, ""
}
