package register

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"kechuang/internal/plan"
)

// Files that are no list fail at Open with a message naming the file and
// what to do.
func TestOpenErrors(t *testing.T) {
	bomb := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		w.Write(bytes.Repeat([]byte(" "), 8<<20))
		zw.Close()
		return buf.Bytes()
	}()
	for _, tc := range []struct {
		name string
		data []byte
		kind plan.RegisterKind
		opts Options
		want string
	}{
		{"旧.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), plan.RegSMEs, Options{}, "旧.xls: 是旧版 .xls 文件"},
		{"图.png", []byte("\x89PNG\r\n\x1a\n...."), plan.RegSMEs, Options{}, "图.png: 不是 Excel .xlsx 或 CSV 文件"},
		{"空.csv", nil, plan.RegSMEs, Options{}, "空.csv: 是空文件"},
		{"大.csv", []byte("企业名称,统一社会信用代码\n"), plan.RegSMEs, Options{MaxFileSize: 10}, "大.csv: 文件超过 10 字节"},
		{"坏.xlsx", []byte("PK\x03\x04garbage"), plan.RegSMEs, Options{}, "坏.xlsx: 不是有效的 Excel .xlsx 文件"},
		{"炸弹.xlsx", bomb, plan.RegSMEs, Options{MaxUnzippedSize: 1 << 20}, "炸弹.xlsx: 解压后超过 1 MB"},
		{"名单.csv", []byte("甲,乙\n1,2\n"), plan.RegSMEs, Options{},
			"名单.csv: 前30行中没有找到科技型中小企业入库名单的表头（应有这些列：统一社会信用代码或社会信用代码或信用代码，企业名称或单位名称或企业(单位)名称，入库登记编号或登记编号或入库编号）"},
		{"名单.csv", []byte("企业名称,信用代码\n"), "firms", Options{}, "没有“firms”这种台账"},
		{"名单.csv", []byte("企业名称,信用代码\n"), plan.RegSMEs, Options{Date: "去年"}, "指定的日期“去年”不是日期"},
		{"名单.csv", []byte("企业名称,信用代码\n"), plan.RegSMEs, Options{MoneyUnit: "美元"}, "金额单位“美元”应为 元、万元 或 亿元"},
	} {
		rd, err := Open(tc.name, bytes.NewReader(tc.data), int64(len(tc.data)), tc.kind, tc.opts)
		if err == nil {
			rd.Close()
			t.Errorf("%s: opened", tc.name)
			continue
		}
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %q", tc.name, err, tc.want)
		}
	}
}

// A list whose headers the reader does not know: Open succeeds and says
// which required fields it could not find and which cells it did not
// recognise; Rows refuses; a mapping (as the CLI's --map writes it) reads it.
func TestUnknownHeadersAndMapping(t *testing.T) {
	text := "序号,合同编号,卖方,交易金额（元）,登记日期,经办人\n1,2022360010000123,江西甲公司,150000,2022-03-31,张三\n"
	rd := open(t, "合同.csv", []byte(text), plan.RegContracts, Options{})
	h := rd.Header()
	var missing, unknown []string
	for _, f := range h.Missing {
		missing = append(missing, f.Name)
	}
	for _, c := range h.Unknown {
		unknown = append(unknown, c.Name())
	}
	if strings.Join(missing, ",") != "reg_no,amount" || strings.Join(unknown, "、") != "合同编号（B列）、交易金额（元）（D列）、经办人（F列）" {
		t.Fatalf("missing %v, unknown %v", missing, unknown)
	}
	for _, err := range rd.Rows() {
		if err == nil || !strings.Contains(err.Error(), "合同.csv: 第1行 表头缺少合同登记号（合同登记号/登记号/合同登记编号）、成交额") ||
			!strings.Contains(err.Error(), "未识别的列：合同编号（B列）") {
			t.Errorf("Rows: %v", err)
		}
	}
	mapping, err := ParseMapping("合同编号=reg_no,交易金额（元）=amount,不存在的列=project")
	must(t, err)
	rd = open(t, "合同.csv", []byte(text), plan.RegContracts, Options{Mapping: mapping})
	h = rd.Header()
	if len(h.Missing) != 0 || len(h.Unknown) != 1 || h.Shape != Shape(h.Headers) {
		t.Fatalf("mapped header: %+v", h)
	}
	if !strings.Contains(strings.Join(h.Notes, "\n"), "“不存在的列”在表头中没有找到") {
		t.Errorf("notes %q", h.Notes)
	}
	rows := readAll(t, rd)
	k := rows[0].Record.(*plan.Contract)
	// The unit in the mapped header still counts: 150000 元 is 15 万元.
	if k.RegNo != "2022360010000123" || k.Amount != dec("15") || k.Seller.Name != "江西甲公司" {
		t.Errorf("%+v", k)
	}
}

// The first sheet is a cover page, the second is hidden, the third holds
// the list: the reader names the sheet it read. A named sheet is read
// even when hidden.
func TestSheetChoice(t *testing.T) {
	u := validUSCC(t, "91360104MA35ABCDE")
	list := [][]any{{"企业名称", "统一社会信用代码", "入库登记编号", "年度"}, {"甲公司", u, "001", 2022}}
	data := book(t,
		sheet{name: "说明", rows: [][]any{{"本表由区科技局汇总"}}},
		sheet{name: "草稿", rows: list, hidden: true},
		sheet{name: "名单", rows: append(list, []any{"乙公司", u, "002", 2022})},
	)
	rd := open(t, "名单.xlsx", data, plan.RegSMEs, Options{})
	rows := readAll(t, rd)
	if rd.Header().Sheet != "名单" || len(rows) != 2 || rows[1].Origin != (plan.Origin{File: "名单.xlsx", Sheet: "名单", Row: 3}) {
		t.Errorf("sheet %q, rows %+v", rd.Header().Sheet, rows)
	}
	if rows := readAll(t, open(t, "名单.xlsx", data, plan.RegSMEs, Options{Sheet: "草稿"})); len(rows) != 1 || rows[0].Origin.Sheet != "草稿" {
		t.Errorf("named sheet: %+v", rows)
	}
	if _, err := Open("名单.xlsx", bytes.NewReader(data), int64(len(data)), plan.RegContracts, Options{}); err == nil ||
		!strings.Contains(err.Error(), "名单.xlsx: 各工作表（说明、名单）前30行中没有找到技术合同登记名单的表头") {
		t.Errorf("no sheet fits: %v", err)
	}
	if _, err := Open("名单.xlsx", bytes.NewReader(data), int64(len(data)), plan.RegSMEs, Options{Sheet: "无"}); err == nil ||
		!strings.Contains(err.Error(), "没有名为“无”的工作表（有：说明、草稿、名单）") {
		t.Errorf("missing sheet: %v", err)
	}
}

// Printed lists repeat their header on every page and group rows under
// headings merged across the table; neither is a record.
func TestRepeatedHeadersAndHeadings(t *testing.T) {
	u := validUSCC(t, "91360104MA35ABCDE")
	head := []any{"序号", "企业名称", "统一社会信用代码", "入库登记编号"}
	data := book(t, sheet{name: "S", rows: [][]any{
		head,
		{"一、洪都街道"},
		{1, "甲公司", u, "001"},
		head,
		{"二、三家店街道"},
		{2, "乙公司", u, "002"},
		{nil, "小计", nil, nil},
	}, merges: [][2]string{{"A2", "D2"}, {"A5", "D5"}}})
	rd := open(t, "n.xlsx", data, plan.RegSMEs, Options{Year: 2022})
	res, err := rd.Check(10)
	must(t, err)
	if res.Rows != 2 || res.Valid != 2 || res.Skipped != 4 || len(res.Preview) != 2 || res.Preview[1].Origin.Row != 6 {
		t.Errorf("check %+v", res)
	}
}

// Check counts and lists every problem without keeping records; Preview
// stops early; both can run before the import pass.
func TestCheckAndPreview(t *testing.T) {
	u := validUSCC(t, "91360104MA35ABCDE")
	var b strings.Builder
	b.WriteString("企业名称,统一社会信用代码,入库登记编号,年度\n")
	for i := range 50 {
		switch {
		case i%10 == 3:
			b.WriteString("坏公司,123,x,2022\n")
		case i%10 == 7:
			b.WriteString("警告公司," + u[:17] + "0,x,2022\n")
		default:
			b.WriteString("好公司," + u + ",x,2022\n")
		}
	}
	rd := open(t, "n.csv", []byte(b.String()), plan.RegSMEs, Options{})
	res, err := rd.Check(3)
	must(t, err)
	wantWarn := 5
	if u[17] == '0' {
		wantWarn = 0
	}
	if res.Rows != 50 || res.Rejected != 5 || res.Valid != 45 || res.Warned != wantWarn || len(res.Preview) != 3 || len(res.Issues) != 5+wantWarn {
		t.Errorf("check %+v", res)
	}
	if is := res.Issues[0]; is.Origin.Row != 5 || !is.Rejects || is.Column != "统一社会信用代码（B列）" {
		t.Errorf("first issue %+v", is)
	}
	rows, err := rd.Preview(2)
	if err != nil || len(rows) != 2 || rows[1].Origin.Row != 3 {
		t.Errorf("preview %+v %v", rows, err)
	}
	if got := len(readAll(t, rd)); got != 50 {
		t.Errorf("import pass read %d rows", got)
	}
}

// Limits: too many rows stops the pass with an error naming the row; a
// cell over the limit rejects its row.
func TestLimits(t *testing.T) {
	u := validUSCC(t, "91360104MA35ABCDE")
	text := "企业名称,统一社会信用代码,入库登记编号,年度\n" + strings.Repeat("甲公司,"+u+",x,2022\n", 5)
	rd := open(t, "n.csv", []byte(text), plan.RegSMEs, Options{MaxRows: 3})
	n := 0
	var last error
	for _, err := range rd.Rows() {
		n++
		last = err
	}
	if n != 4 || last == nil || !strings.Contains(last.Error(), "n.csv: 第5行 名单超过 3 行") {
		t.Errorf("%d rows, last error %v", n, last)
	}
	long := "企业名称,统一社会信用代码,入库登记编号,年度\n" + strings.Repeat("长", 30) + "," + u + ",x,2022\n"
	rows := readAll(t, open(t, "n.csv", []byte(long), plan.RegSMEs, Options{MaxCellLen: 20}))
	if got := issues(rows[0].Problems); got != "企业名称（A列）：内容超过20字" {
		t.Errorf("long cell: %s", got)
	}
	if len([]rune(rows[0].Cells[0])) != 20 {
		t.Errorf("cells keep %d characters", len([]rune(rows[0].Cells[0])))
	}
}

// Excel's "Unicode text" is UTF-16 with tabs.
func TestUTF16Tabs(t *testing.T) {
	u := validUSCC(t, "91360104MA35ABCDE")
	text := "企业名称\t统一社会信用代码\t入库登记编号\t年度\r\n甲公司\t" + u + "\t001\t2022\r\n"
	enc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	must(t, err)
	rows := readAll(t, open(t, "n.txt", enc, plan.RegSMEs, Options{}))
	if len(rows) != 1 || rows[0].Record.(*plan.SMERecord).Name != "甲公司" {
		t.Errorf("%+v", rows)
	}
}

// A workbook in the 1904 date system (old Mac Excel) reads its date cells
// with that system's day numbers.
func TestDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"证书编号", "企业名称", "发证日期"}))
	must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"GR202236000123", "甲公司", 43189}))
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, f.SetCellStyle("Sheet1", "C2", "C2", style))
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	rows := readAll(t, open(t, "1904.xlsx", buf.Bytes(), plan.RegHighTech, Options{}))
	if c := rows[0].Record.(*plan.HighTechCert); c.Issued != "2022-03-31" {
		t.Errorf("issued %s", c.Issued)
	}
}

// Rejected rows go back as an .xlsx with the list's header, their
// original cells (dates as dates, codes as text) and a 原因 column.
func TestRejectedRoundTrip(t *testing.T) {
	data := book(t, sheet{name: "S", rows: [][]any{
		{"证书编号", "企业名称", "发证日期", "统一社会信用代码"},
		{"GR202236000123", "甲公司", day("2022-12-04"), "0123"},
		{"GR202236000124", "", "不详", nil},
		{"GR202236000125", "丙公司", day("2022-12-04"), nil},
	}})
	rd := open(t, "高企.xlsx", data, plan.RegHighTech, Options{})
	var cells [][]string
	var reasons []string
	for row, err := range rd.Rows() {
		must(t, err)
		if len(row.Problems) > 0 {
			cells = append(cells, row.Cells)
			reasons = append(reasons, "第"+itoa(row.Origin.Row)+"行："+Reason(row))
		}
	}
	var buf bytes.Buffer
	must(t, WriteRejected(&buf, rd.Header().Headers, cells, reasons))
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	must(t, err)
	defer f.Close()
	got, err := f.GetRows("未导入的行")
	must(t, err)
	want := [][]string{
		{"证书编号", "企业名称", "发证日期", "统一社会信用代码", "原因"},
		{"GR202236000123", "甲公司", "2022-12-04", "0123", "第2行：统一社会信用代码（D列）：“0123” 格式不对：应为18位，实为4位"},
		{"GR202236000124", "", "不详", "", "第3行：企业名称（B列）：不能为空；发证日期（C列）：“不详” 不是日期（应写到日，如 2022-03-31）"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows %q", got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
	// The corrected file reads again: 原因 is just an unknown column.
	rd = open(t, "rejected.xlsx", buf.Bytes(), plan.RegHighTech, Options{})
	if h := rd.Header(); len(h.Unknown) != 1 || h.Unknown[0].Header != "原因" {
		t.Errorf("header of the rejected file: %+v", h)
	}
}

// Large shared-string tables go to temporary files, removed on Close; the
// rows read the same.
func TestSharedStringsOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	writeBigXLSX(t, path, 3000)
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	fi, _ := f.Stat()
	read := func() []plan.RegisterRow {
		tmp := t.TempDir()
		rd, err := Open("big.xlsx", f, fi.Size(), plan.RegContracts, Options{TempDir: tmp})
		must(t, err)
		rows := readAll(t, rd)
		if p := rd.Progress(); p.Done != p.Total || p.Total != 3002 {
			t.Errorf("progress %+v", p)
		}
		must(t, rd.Close())
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
		return rows
	}
	inMemory := read()
	defer func(n int) { sstMemoryBytes = n }(sstMemoryBytes)
	sstMemoryBytes = 1 << 10
	onDisk := read()
	if len(onDisk) != 3000 || len(inMemory) != 3000 {
		t.Fatalf("%d and %d rows", len(inMemory), len(onDisk))
	}
	for i := range onDisk {
		if !reflect.DeepEqual(onDisk[i], inMemory[i]) {
			t.Fatalf("row %d differs:\n%+v\n%+v", i, onDisk[i], inMemory[i])
		}
	}
	k := onDisk[2999].Record.(*plan.Contract)
	if k.RegNo != "2022360010002999" || k.Buyer.Name != "南昌买方制造有限公司2999" || k.Amount != dec("3000.99") {
		t.Errorf("last row %+v", k)
	}
}

// Two-row headers without merged cells, as a CSV writes them: a group
// header in its first column only, and a row of units under the names.
func TestTwoRowHeadersInCSV(t *testing.T) {
	seller := validUSCC(t, "91360104MA35ABCDE")
	text := "公示日期：2022 年 4 月 1 日\n" +
		"合同登记号,卖方,,买方,成交额,登记日期\n" +
		",名称,信用代码,,（元）,\n" +
		"2022360010000123,江西甲公司," + seller + ",南昌乙公司,150000,2022-03-31\n"
	rd := open(t, "合同.csv", []byte(text), plan.RegContracts, Options{})
	h := rd.Header()
	if h.Rows != 2 || h.Row != 3 || strings.Join(h.Headers, "|") != "合同登记号|卖方名称|卖方信用代码|买方|成交额（元）|登记日期" {
		t.Fatalf("header %d rows at %d: %q", h.Rows, h.Row, h.Headers)
	}
	if h.Date != "2022-04-01" || !strings.Contains(h.DateFrom, "公示日期") {
		t.Errorf("date %q from %q", h.Date, h.DateFrom)
	}
	rows := readAll(t, rd)
	k := rows[0].Record.(*plan.Contract)
	if k.Seller.USCC != seller || k.Amount != dec("15") || k.Buyer.Name != "南昌乙公司" {
		t.Errorf("%+v", k)
	}
	if w := Where(rows[0].Origin); w != "合同.csv 第4行" {
		t.Errorf("Where %q", w)
	}
}

// A cell or record that never ends is refused before it is held: a huge
// inline string in a sheet, an unpaired quote in a CSV.
func TestRunawayText(t *testing.T) {
	seed := book(t, sheet{name: "Sheet1", rows: [][]any{{"企业名称", "统一社会信用代码", "入库登记编号"}}})
	xml := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="B1" t="inlineStr"><is><t>` +
		strings.Repeat("长", 1<<19) + `</t></is></c></row></sheetData></worksheet>`
	data := asWorkbook(t, seed, []byte(xml))
	if _, err := Open("长.xlsx", bytes.NewReader(data), int64(len(data)), plan.RegSMEs, Options{}); err == nil ||
		!strings.Contains(err.Error(), "长.xlsx: 工作表 Sheet1 第1行 有单元格内容超过 1 MB") {
		t.Errorf("xlsx: %v", err)
	}
	csv := "企业名称,统一社会信用代码,入库登记编号,年度\n\"甲公司," + strings.Repeat("x", 5<<20) + "\n"
	if _, err := Open("引号.csv", strings.NewReader(csv), int64(len(csv)), plan.RegSMEs, Options{}); err == nil ||
		!strings.Contains(err.Error(), "引号.csv: 第1行 之后的一行超过 4 MB，可能是引号不成对") {
		t.Errorf("csv: %v", err)
	}
}

// A 统一社会信用代码 Excel stored as a number has lost three of its digits.
func TestUSCCStoredAsNumber(t *testing.T) {
	seed := book(t, sheet{name: "S", rows: [][]any{{"企业名称"}}})
	xml := `<worksheet><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c><c r="C1" t="inlineStr"><is><t>入库登记编号</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>甲公司</t></is></c><c r="B2"><v>9.1360104710000102E+17</v></c><c r="C2"><v>1</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>乙公司</t></is></c><c r="B3"><v>913601047100001000</v></c><c r="C3"><v>2</v></c></row>` +
		`</sheetData></worksheet>`
	rows := readAll(t, open(t, "n.xlsx", asWorkbook(t, seed, []byte(xml)), plan.RegSMEs, Options{Year: 2022}))
	if got := issues(rows[0].Problems); got != "统一社会信用代码（B列）：“9.1360104710000102E+17” 被 Excel 存成了数字，末几位已丢失；请把这一列设为文本后重新导出" {
		t.Errorf("row 2: %s", got)
	}
	if got := issues(rows[1].Warnings); !strings.Contains(got, "可能被 Excel 存成了数字") {
		t.Errorf("row 3: %s", got)
	}
}
