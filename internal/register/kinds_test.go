package register

import (
	"reflect"
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func dec(s string) plan.Decimal   { return plan.MustDecimal(s) }
func decp(s string) *plan.Decimal { d := plan.MustDecimal(s); return &d }

// The shape of 江西省科技型中小企业入库名单: a title merged across the table,
// a 填报单位 line, 序号, no date and no year column, a merged 所在地区, a
// blank row, a 合计 row and a note under the table.
func TestSMEList(t *testing.T) {
	u1 := validUSCC(t, "91360104MA35ABCDE")
	u2 := validUSCC(t, "91360104MA35FGHJK")
	u2bad := u2[:17] + string("0123456789"[(strings.IndexByte("0123456789", u2[17])+1)%10])
	if u2[17] < '0' || u2[17] > '9' {
		u2bad = u2[:17] + "0"
	}
	data := book(t, sheet{name: "入库名单", rows: [][]any{
		{"2022年第一批科技型中小企业入库名单"},
		{"填报单位：青云谱区科技局"},
		{"序号", "企业名称", "统一社会信用代码", "所在\n地区", "入库登记编号"},
		{1, "江西甲科技有限公司", u1, "洪都街道", "202236010400001"},
		{2, "江西乙科技有限公司", " " + strings.ToLower(u2bad) + " ", nil, "2022 3601 0400 002"},
		{},
		{3, "江西丙科技有限公司", "9136010", "三家店街道", "202236010400003"},
		{"合计", "3家"},
		{"注：以上企业入库有效期至2022年12月31日。"},
		{4, "江西丁科技有限公司", u1, "洪都街道", "202236010400004"},
	}, merges: [][2]string{{"A1", "E1"}, {"D4", "D5"}}})
	rd := open(t, "2022年第一批入库名单.xlsx", data, plan.RegSMEs, Options{})
	h := rd.Header()
	if h.Sheet != "入库名单" || h.Row != 3 || h.Year != 2022 || h.Batch != "第一批" || len(h.Missing) != 0 {
		t.Fatalf("header: %+v", h)
	}
	if !strings.HasPrefix(h.YearFrom, "标题") {
		t.Errorf("year from %q", h.YearFrom)
	}
	if !strings.Contains(strings.Join(h.Notes, "\n"), "没有入库日期列") {
		t.Errorf("notes should say there is no date: %q", h.Notes)
	}
	rows := readAll(t, rd)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(rows), rows)
	}
	want := &plan.SMERecord{USCC: u1, Name: "江西甲科技有限公司", Year: 2022, RegNo: "202236010400001", Batch: "第一批",
		Area: "洪都街道", Origin: plan.Origin{File: "2022年第一批入库名单.xlsx", Sheet: "入库名单", Row: 4}}
	if got := rows[0].Record; !reflect.DeepEqual(got, want) {
		t.Errorf("row 4:\n got %+v\nwant %+v", got, want)
	}
	r5 := rows[1]
	sme, _ := r5.Record.(*plan.SMERecord)
	if sme == nil || sme.USCC != u2bad || sme.Area != "洪都街道" || sme.RegNo != "202236010400002" || len(r5.Warnings) != 1 {
		t.Fatalf("row 5: %+v %s", r5.Record, issues(r5.Warnings))
	}
	if w := r5.Warnings[0]; w.Column != "统一社会信用代码（C列）" || !strings.Contains(w.Message, "校验位不符") {
		t.Errorf("row 5 warning: %+v", w)
	}
	r7 := rows[2]
	if r7.Record != nil || r7.Origin.Row != 7 || issues(r7.Problems) != "统一社会信用代码（C列）：“9136010” 格式不对：应为18位，实为7位" {
		t.Errorf("row 7: %+v %s", r7.Record, issues(r7.Problems))
	}
	if p := rd.Progress(); p.Unit != "rows" || p.Total != 9 || p.Done != 8 { // row elements: row 6 is blank, the note ends the list
		t.Errorf("progress %+v", p)
	}
}

// The same list as a GBK CSV with a 年度 column and a 入库日期, and as a
// UTF-8 CSV with a byte-order mark: the year comes from the column, then
// from the date.
func TestSMECSV(t *testing.T) {
	u1 := validUSCC(t, "91360104MA35ABCDE")
	text := "科技型中小企业入库名单\r\n" +
		"序号,企业名称,统一社会信用代码,入库登记编号,年度,入库日期,撤销日期,状态\r\n" +
		"1,江西甲科技有限公司," + u1 + ",2021360104000001,2021年,2021/4/30,,\r\n" +
		"2,江西甲科技有限公司," + u1 + ",2022360104000001,,2022年3月31日,2022-09-01,已撤销\r\n" +
		"3,江西甲科技有限公司," + u1 + ",2022360104000002,,2022.13.01,,已撤销\r\n"
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"名单.csv", gbk(t, text)},
		{"名单-utf8.csv", append([]byte("\xEF\xBB\xBF"), text...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd := open(t, tc.name, tc.data, plan.RegSMEs, Options{})
			if h := rd.Header(); h.Sheet != "" || h.Row != 2 || len(h.Missing) != 0 {
				t.Fatalf("header %+v", h)
			}
			rows := readAll(t, rd)
			if len(rows) != 3 {
				t.Fatalf("%d rows", len(rows))
			}
			a := rows[0].Record.(*plan.SMERecord)
			if a.Year != 2021 || a.Date != "2021-04-30" || a.Name != "江西甲科技有限公司" {
				t.Errorf("row 3: %+v", a)
			}
			b := rows[1].Record.(*plan.SMERecord)
			if b.Year != 2022 || b.Date != "2022-03-31" || b.Revoked != "2022-09-01" || b.Status != "已撤销" || len(rows[1].Warnings) != 0 {
				t.Errorf("row 4: %+v %s", b, issues(rows[1].Warnings))
			}
			if got := issues(rows[2].Problems); !strings.Contains(got, "入库日期（F列）：“2022.13.01” 不是日期") ||
				!strings.Contains(got, "年度（E列）：不知是哪一年") || rows[2].Origin.Row != 5 {
				t.Errorf("row 5: %s", got)
			}
			if p := rd.Progress(); p.Unit != "bytes" || p.Done != p.Total || p.Total != int64(len(tc.data)) {
				t.Errorf("progress %+v", p)
			}
		})
	}
}

// 高新技术企业认定名单: 序号/证书编号/企业名称/发证日期, no USCC, in any order,
// full-width brackets, date cells and written dates; expiry is issue + 3
// years unless 有效期 says otherwise.
func TestHighTechList(t *testing.T) {
	data := book(t, sheet{name: "Sheet1", rows: [][]any{
		{"江西省2022年认定的高新技术企业名单"},
		{"企业名称", "序号", "证书编号", "发证日期", "有效期", "统一社会信用代码"},
		{"江西甲科技有限公司", 1, "GR202236000123", day("2022-12-04"), nil, nil},
		{"江西乙科技有限公司", 2, "gr 2022 36 000124", "2022年12月4日", "2022.12.04-2025.12.03", validUSCC(t, "91360104MA35ABCDE")},
		{"江西丙科技有限公司", 3, "GR2022360001", "2022/12/4", nil, nil},
		{"江西丁科技有限公司", 4, nil, "2022-02-29", nil, nil},
	}})
	rd := open(t, "高企名单.xlsx", data, plan.RegHighTech, Options{})
	rows := readAll(t, rd)
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	a := rows[0].Record.(*plan.HighTechCert)
	if a.CertNo != "GR202236000123" || a.Issued != "2022-12-04" || a.Expires != "2025-12-04" || a.USCC != "" || len(rows[0].Warnings) != 1 {
		t.Errorf("row 3: %+v %s", a, issues(rows[0].Warnings))
	}
	b := rows[1].Record.(*plan.HighTechCert)
	if b == nil || b.CertNo != "GR202236000124" || b.Issued != "2022-12-04" || b.Expires != "2025-12-03" {
		t.Errorf("row 4: %+v %s", b, issues(rows[1].Problems))
	}
	c := rows[2]
	if c.Record == nil || !strings.Contains(issues(c.Warnings), "证书编号（C列）：“GR2022360001” 不像高新技术企业证书编号") {
		t.Errorf("row 5: %s", issues(c.Warnings))
	}
	if got := issues(rows[3].Problems); got != "证书编号（C列）：不能为空；发证日期（D列）：“2022-02-29” 不是日期（应写到日，如 2022-03-31）" {
		t.Errorf("row 6: %s", got)
	}
}

// 技术合同登记 with a two-row header: 卖方 and 买方 merged over 名称 and
// 统一社会信用代码, other headers merged down over both rows; amounts in
// 万元, a type to normalise, a 合计 row.
func TestContractsTwoRowHeader(t *testing.T) {
	seller := validUSCC(t, "91360104MA35ABCDE")
	data := book(t, sheet{name: "技术合同", rows: [][]any{
		{"2022年技术合同登记情况"},
		{"合同登记号", "项目名称", "卖方", nil, "买方", nil, "合同类型", "成交额（万元）", "技术交易额\n（万元）", "登记日期"},
		{nil, nil, "名称", "统一社会信用代码", "名称", "统一社会信用代码"},
		{"2022360010000123", "智能传感器开发", "江西甲科技有限公司", seller, "南昌乙制造有限公司", "不详", "技术开发（委托）", 12.3, 10, "2022-03-31 00:00:00"},
		{"2022360010000124", "检测服务", "江西甲科技有限公司", seller, "上海丙公司", nil, "技术服务", "1,234.5", nil, day("2022-04-01")},
		{"合计", nil, nil, nil, nil, nil, nil, 1246.8},
	}, merges: [][2]string{{"A1", "J1"}, {"C2", "D2"}, {"E2", "F2"}, {"A2", "A3"}, {"B2", "B3"}, {"G2", "G3"}, {"H2", "H3"}, {"I2", "I3"}, {"J2", "J3"}}})
	rd := open(t, "合同.xlsx", data, plan.RegContracts, Options{})
	h := rd.Header()
	if h.Row != 3 || h.Rows != 2 || len(h.Missing) != 0 || len(h.Unknown) != 0 {
		t.Fatalf("header: %+v", h)
	}
	wantHeaders := []string{"合同登记号", "项目名称", "卖方名称", "卖方统一社会信用代码", "买方名称", "买方统一社会信用代码", "合同类型", "成交额（万元）", "技术交易额（万元）", "登记日期"}
	if !reflect.DeepEqual(h.Headers, wantHeaders) {
		t.Errorf("headers %q", h.Headers)
	}
	rows := readAll(t, rd)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	want := &plan.Contract{RegNo: "2022360010000123", Project: "智能传感器开发",
		Seller: plan.ContractParty{Name: "江西甲科技有限公司", USCC: seller},
		Buyer:  plan.ContractParty{Name: "南昌乙制造有限公司"},
		Type:   "开发", Amount: dec("12.3"), TechAmount: decp("10"), Registered: "2022-03-31",
		Origin: plan.Origin{File: "合同.xlsx", Sheet: "技术合同", Row: 4}}
	if !reflect.DeepEqual(rows[0].Record, want) {
		t.Errorf("row 4:\n got %+v\nwant %+v", rows[0].Record, want)
	}
	if got := issues(rows[0].Warnings); got != "买方统一社会信用代码（F列）：“不详” 格式不对：应为18位，实为2位，未使用" {
		t.Errorf("row 4 warnings: %s", got)
	}
	b := rows[1].Record.(*plan.Contract)
	if b.Type != "服务" || b.Amount != dec("1234.5") || b.TechAmount != nil || b.Registered != "2022-04-01" {
		t.Errorf("row 5: %+v", b)
	}
}

// Amounts as the header, a caption, a 计量单位 column or the cell says:
// 元, 万元, 亿元; exact to the 元.
func TestContractMoneyUnits(t *testing.T) {
	head := "合同登记号,卖方名称,买方名称,%s,登记日期\n"
	for _, tc := range []struct {
		name, caption, amountHeader, cell string
		opts                              Options
		want                              string
		problem                           string
	}{
		{name: "万元 by default", amountHeader: "成交额", cell: "12.3", want: "12.3"},
		{name: "元 in the header", amountHeader: "成交额（元）", cell: "123456.78", want: "12.345678"},
		{name: "亿元 in the header", amountHeader: "成交额(亿元)", cell: "0.55", want: "5500"},
		{name: "slash unit", amountHeader: "成交额/元", cell: "1000", want: "0.1"},
		{name: "caption", caption: "单位：元\n", amountHeader: "成交额", cell: "50000", want: "5"},
		{name: "option", amountHeader: "成交额", cell: "3", opts: Options{MoneyUnit: "亿元"}, want: "30000"},
		{name: "header wins over option", amountHeader: "成交额（万元）", cell: "3", opts: Options{MoneyUnit: "亿元"}, want: "3"},
		{name: "unit in the cell", amountHeader: "成交额（万元）", cell: "1.2亿", want: "12000"},
		{name: "full-width digits", amountHeader: "成交额（万元）", cell: "１２．５", want: "12.5"},
		{name: "currency sign", amountHeader: "成交额（元）", cell: "￥20,000", want: "2"},
		{name: "too fine for 万元", amountHeader: "成交额（元）", cell: "0.001", problem: "成交额（元）（D列）：“0.001” 换算为万元后超过6位小数"},
		{name: "negative", amountHeader: "成交额", cell: "-5", problem: "成交额（D列）：“-5” 不能为负数"},
		{name: "text", amountHeader: "成交额", cell: "十万", problem: "成交额（D列）：“十万” 不是金额"},
		{name: "empty", amountHeader: "成交额", cell: "", problem: "成交额（D列）：不能为空"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.caption + strings.Replace(head, "%s", tc.amountHeader, 1) +
				"2022360010000123,江西甲科技有限公司,南昌乙公司,\"" + tc.cell + "\",2022-03-31\n"
			rd := open(t, "合同.csv", []byte(text), plan.RegContracts, tc.opts)
			rows := readAll(t, rd)
			if len(rows) != 1 {
				t.Fatalf("%d rows", len(rows))
			}
			if tc.problem != "" {
				if got := issues(rows[0].Problems); got != tc.problem {
					t.Errorf("problems %q, want %q", got, tc.problem)
				}
				return
			}
			k, ok := rows[0].Record.(*plan.Contract)
			if !ok {
				t.Fatalf("no record: %s", issues(rows[0].Problems))
			}
			if k.Amount != dec(tc.want) {
				t.Errorf("amount %s, want %s", k.Amount, tc.want)
			}
		})
	}
}

// The published 技术合同登记 shape as CSV, with a 计量单位 column and a
// registration number Excel stored as a number.
func TestContractsCSV(t *testing.T) {
	text := "合同登记号,项目名称,卖方名称,买方名称,合同类型,成交额,技术交易额,登记日期,计量单位,所属行业\n" +
		"2022360010000123,项目一,江西甲科技有限公司,南昌乙公司,技术转让,50000,40000,20220331,元,制造业\n" +
		"2.02236001000012E+15,项目二,江西甲科技有限公司,南昌乙公司,专利实施许可,5,6,2022-04-01,万元,\n" +
		"123,项目三,江西甲科技有限公司,南昌乙公司,其他,5,,2022-04-01,美元,\n"
	rd := open(t, "合同.csv", []byte(text), plan.RegContracts, Options{})
	if h := rd.Header(); len(h.Unknown) != 1 || h.Unknown[0].Header != "所属行业" || h.Unknown[0].Letter != "J" {
		t.Errorf("unknown columns: %+v", h.Unknown)
	}
	rows := readAll(t, rd)
	a := rows[0].Record.(*plan.Contract)
	if a.Type != "转让" || a.Amount != dec("5") || *a.TechAmount != dec("4") || a.Registered != "2022-03-31" {
		t.Errorf("row 2: %+v", a)
	}
	b := rows[1].Record.(*plan.Contract)
	if b.RegNo != "2022360010000120" || b.Type != "许可" {
		t.Errorf("row 3: %+v", b)
	}
	if got := issues(rows[1].Warnings); !strings.Contains(got, "被 Excel 存成了数字") || !strings.Contains(got, "技术交易额 6 万元大于成交额 5 万元") {
		t.Errorf("row 3 warnings: %s", got)
	}
	if got := issues(rows[2].Problems); got != "合同类型（E列）：“其他” 不是技术开发、转让、许可、咨询或服务合同；计量单位（I列）：“美元” 不是可识别的单位" {
		t.Errorf("row 4 problems: %s", got)
	}
	if got := issues(rows[2].Warnings); got != "合同登记号（A列）：“123” 不是16位数字的合同登记号" {
		t.Errorf("row 4 warnings: %s", got)
	}
}

func TestPatents(t *testing.T) {
	text := "专利号,专利名称,专利权人,授权公告日,法律状态,失效日期\n" +
		"ZL 2022 1 0123456.7,一种传感器,江西甲科技有限公司；南昌大学,2022-06-01,有效,\n" +
		"202220123456X,一种夹具,江西甲科技有限公司、株式会社乙,2022/7/1,未缴年费专利权终止,\n" +
		"CN202230123456.1,外观,香港丙有限公司,2022-08-01,专利权终止,2023-01-05\n" +
		"ZL202210123457.1,一种方法,SONY CORPORATION,2021-05-01,,2020-01-01\n" +
		"12345,坏号,江西甲科技有限公司,2022-01-01,,\n"
	rd := open(t, "专利.csv", []byte(text), plan.RegPatents, Options{})
	rows := readAll(t, rd)
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	a := rows[0].Record.(*plan.Patent)
	wantA := &plan.Patent{Number: "ZL202210123456.7", Title: "一种传感器", Type: plan.PatentInvention,
		Holders: []plan.PatentHolder{{Name: "江西甲科技有限公司", Domestic: true}, {Name: "南昌大学", Domestic: true}},
		Granted: "2022-06-01", Status: "有效", Origin: plan.Origin{File: "专利.csv", Row: 2}}
	if !reflect.DeepEqual(a, wantA) {
		t.Errorf("row 2:\n got %+v\nwant %+v", a, wantA)
	}
	b := rows[1].Record.(*plan.Patent)
	if b.Number != "ZL202220123456.X" || b.Type != plan.PatentUtility || b.Lapsed != "" || !plan.PatentLapsedStatus(b.Status) ||
		!b.Holders[0].Domestic || b.Holders[1].Domestic {
		t.Errorf("row 3: %+v", b)
	}
	c := rows[2].Record.(*plan.Patent)
	if c.Type != plan.PatentDesign || c.Lapsed != "2023-01-05" || c.Holders[0].Domestic {
		t.Errorf("row 4: %+v", c)
	}
	if got := issues(rows[3].Problems); got != "失效日期（F列）：失效日期 2020-01-01 早于授权公告日 2021-05-01" {
		t.Errorf("row 5: %s", got)
	}
	if got := issues(rows[4].Problems); got != "专利号（A列）：不知专利类型：请加一列专利类型" {
		t.Errorf("row 6: %s", got)
	}
	if got := issues(rows[4].Warnings); !strings.Contains(got, "不像专利号") {
		t.Errorf("row 6 warnings: %s", got)
	}
}

// A 国别 column wins over the name; a 专利类型 column over the number.
func TestPatentColumns(t *testing.T) {
	text := "申请号,发明名称,申请（专利权）人,国别,专利类型,授权日\n" +
		"2022101234567,方法,甲公司,美国,发明专利,2022-06-01\n" +
		"2022101234568,方法,Acme Ltd,中国,实用新型,2022-06-01\n" +
		"2022101234569,方法,乙公司,36,外观,2022-06-01\n"
	rows := readAll(t, open(t, "p.csv", []byte(text), plan.RegPatents, Options{}))
	if p := rows[0].Record.(*plan.Patent); p.Holders[0].Domestic || p.Type != plan.PatentInvention {
		t.Errorf("row 2: %+v", p)
	}
	if p := rows[1].Record.(*plan.Patent); !p.Holders[0].Domestic || p.Type != plan.PatentUtility ||
		!strings.Contains(issues(rows[1].Warnings), "专利号却是发明专利的号码") {
		t.Errorf("row 3: %+v %s", p, issues(rows[1].Warnings))
	}
	if p := rows[2].Record.(*plan.Patent); !p.Holders[0].Domestic || p.Type != plan.PatentDesign {
		t.Errorf("row 4: %+v", p)
	}
}

func TestPlatforms(t *testing.T) {
	host := validUSCC(t, "91360104MA35ABCDE")
	text := "平台名称,平台类型,级别,备案日期,依托单位,统一社会信用代码,所属街道\n" +
		"甲众创空间,众创空间,市级,2022-05-01,江西甲科技有限公司," + host + ",洪都街道\n" +
		"乙工程技术研究中心,省级工程技术研究中心,,2022-06-01,江西乙公司,,\n" +
		"丙实验室,重点实验室,,2022-06-01,,,\n" +
		"丁中心,企业技术中心,部级,2022-06-01,,,\n"
	rows := readAll(t, open(t, "平台.csv", []byte(text), plan.RegPlatforms, Options{}))
	want := &plan.Platform{Name: "甲众创空间", Kind: "众创空间", Level: plan.LevelCity, Mode: "备案", Decided: "2022-05-01",
		HostName: "江西甲科技有限公司", HostUSCC: host, Area: "洪都街道", Origin: plan.Origin{File: "平台.csv", Row: 2}}
	if !reflect.DeepEqual(rows[0].Record, want) {
		t.Errorf("row 2:\n got %+v\nwant %+v", rows[0].Record, want)
	}
	if p := rows[1].Record.(*plan.Platform); p.Level != plan.LevelProvince {
		t.Errorf("row 3: %+v", p)
	}
	if got := issues(rows[2].Problems); got != "级别（C列）：不知级别：请填写国家级、省级、市级或区级" {
		t.Errorf("row 4: %s", got)
	}
	if got := issues(rows[3].Problems); got != "级别（C列）：“部级” 不是国家级、省级、市级或区级" {
		t.Errorf("row 5: %s", got)
	}
}

func TestStatistics(t *testing.T) {
	data := book(t, sheet{name: "统计", rows: [][]any{
		{"青云谱区主要统计指标"},
		{"地区", "指标", "年份", "数值", "计量单位", "数据状态", "来源"},
		{"全区", "地区生产总值（GDP）", 2021, 350.55, "亿元", "正式", "统计年鉴"},
		{"", "R&D经费内部支出", "2021年", 52000, "万元", "初步核算", ""},
		{"洪都街道", "年末常住人口", 2021, 123456, "人", nil, ""},
		{nil, "常住人口（万人）", 2022, 30.5, nil, "快报", ""},
		{nil, "户籍人口", 2021, 25, "万人", nil, ""},
		{nil, "地区生产总值", 2021, 350, "人", nil, ""},
		{"合计", "常住人口", 2021, 40, nil, nil, ""},
	}})
	rows := readAll(t, open(t, "统计.xlsx", data, plan.RegStatistics, Options{}))
	if len(rows) != 7 {
		t.Fatalf("%d rows", len(rows))
	}
	want := []*plan.Statistic{
		{Indicator: plan.StatGDP, Year: 2021, Value: dec("3505500"), Source: "统计年鉴", Final: true},
		{Indicator: plan.StatRD, Year: 2021, Value: dec("52000"), Final: false},
		{Area: "洪都街道", Indicator: plan.StatPopulation, Year: 2021, Value: dec("12.3456"), Final: true},
		{Indicator: plan.StatPopulation, Year: 2022, Value: dec("30.5"), Final: false},
	}
	for i, w := range want {
		got, ok := rows[i].Record.(*plan.Statistic)
		if !ok {
			t.Errorf("row %d: %s", rows[i].Origin.Row, issues(rows[i].Problems))
			continue
		}
		w.Origin = got.Origin
		if !reflect.DeepEqual(got, w) {
			t.Errorf("row %d:\n got %+v\nwant %+v", rows[i].Origin.Row, got, w)
		}
	}
	if got := issues(rows[4].Problems); !strings.Contains(got, "“户籍人口” 不是可导入的指标") {
		t.Errorf("row 7: %s", got)
	}
	if got := issues(rows[5].Problems); got != "数值（D列）：地区生产总值的单位不能是人" {
		t.Errorf("row 8: %s", got)
	}
	if s := rows[6].Record.(*plan.Statistic); s.Area != "" || s.Value != dec("40") {
		t.Errorf("row 9 (the district's figure): %+v", s)
	}
}

// An enterprise list: former names, revenue and R&D by year in the header,
// an R&D institution, and the membership named by the title.
func TestEnterprises(t *testing.T) {
	u1 := validUSCC(t, "91360104MA35ABCDE")
	data := book(t, sheet{name: "培育库", rows: [][]any{
		{"2022年青云谱区高新技术企业培育库入库企业名单"},
		{"单位：万元"},
		{"序号", "企业名称", "统一社会信用代码", "曾用名", "注册地址", "所属街道", "所属行业", "2021年营业收入", "2021年研发费用", "2020年营业收入（元）", "研发机构", "入库时间"},
		{1, "江西甲科技有限公司", u1, "南昌甲电子厂；江西甲电子有限公司", "洪都大道100号", "洪都街道", "制造业", 1200.5, 80, 9000000, "省级企业技术中心", "2022-05-10"},
		{2, "江西乙科技有限公司", u1, nil, nil, nil, nil, nil, nil, nil, "否", nil},
	}})
	rd := open(t, "培育库.xlsx", data, plan.RegEnterprises, Options{})
	if h := rd.Header(); h.List != plan.ListIncubation || h.MoneyUnit != "万元" || !strings.Contains(h.MoneyUnitFrom, "单位：万元") {
		t.Errorf("header %+v", h)
	}
	rows := readAll(t, rd)
	want := &plan.Enterprise{USCC: u1, Name: "江西甲科技有限公司", FormerNames: []string{"南昌甲电子厂", "江西甲电子有限公司"},
		Address: "洪都大道100号", Area: "洪都街道", Industry: "制造业",
		Years:       []plan.EnterpriseYear{{Year: 2021, Revenue: decp("1200.5"), RD: decp("80")}, {Year: 2020, Revenue: decp("900")}},
		RDInstitute: true, RDKind: "省级企业技术中心", RDLevel: plan.LevelProvince,
		Memberships: []plan.Membership{{List: plan.ListIncubation, Entered: "2022-05-10"}},
		Origin:      plan.Origin{File: "培育库.xlsx", Sheet: "培育库", Row: 4}}
	if !reflect.DeepEqual(rows[0].Record, want) {
		t.Errorf("row 4:\n got %+v\nwant %+v", rows[0].Record, want)
	}
	if got := issues(rows[1].Problems); got != "入库时间（L列）：“培育库”名单需要入库日期（可在导入时指定名单的日期）" {
		t.Errorf("row 5: %s", got)
	}
	// With the list's date given at import, the row is kept.
	rows = readAll(t, open(t, "培育库.xlsx", data, plan.RegEnterprises, Options{Date: "2022年5月1日"}))
	if e, ok := rows[1].Record.(*plan.Enterprise); !ok || e.RDInstitute || e.Memberships[0].Entered != "2022-05-01" {
		t.Errorf("row 5 with a date: %+v %s", rows[1].Record, issues(rows[1].Problems))
	}
}
