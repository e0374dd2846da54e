package register

import (
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2022-03-31":           "2022-03-31",
		"2022-3-31":            "2022-03-31",
		"2022/3/31":            "2022-03-31",
		"2022.3.31":            "2022-03-31",
		"2022.03.31.":          "2022-03-31",
		"2022年3月31日":           "2022-03-31",
		"2022年03月31号":          "2022-03-31",
		"2022 年 3 月 31 日":      "2022-03-31",
		"２０２２年３月３１日":           "2022-03-31",
		"20220331":             "2022-03-31",
		"2022-03-31 00:00:00":  "2022-03-31",
		"2022-03-31T08:00:00Z": "2022-03-31",
		"2022/3/31 0:00":       "2022-03-31",
		"44651":                "2022-03-31",
		"44651.5":              "2022-03-31",
		"二〇二二年三月三十一日":          "2022-03-31",
		"二〇二二年十二月四日":           "2022-12-04",
		"二○二○年十月二十日":           "2020-10-20",
		"2024-02-29":           "2024-02-29",
		// Not dates.
		"2022-02-29": "", "2022-13-01": "", "2022-03": "", "2022": "", "2022年": "", "3/31/2022": "",
		"": "", "待定": "", "00060": "", "1899-12-31": "", "20221331": "",
	} {
		got, ok := parseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestSerialDate(t *testing.T) {
	for _, tc := range []struct {
		s     string
		d1904 bool
		want  string
	}{
		{"1", false, "1900-01-01"}, {"59", false, "1900-02-28"}, {"60", false, ""}, {"61", false, "1900-03-01"},
		{"44651", false, "2022-03-31"}, {"43189", true, "2022-03-31"}, {"0", true, "1904-01-01"},
	} {
		if got, _ := serialDate(tc.s, tc.d1904); got != tc.want {
			t.Errorf("serialDate(%s, %v) = %q, want %q", tc.s, tc.d1904, got, tc.want)
		}
	}
}

func TestDatesIn(t *testing.T) {
	for in, want := range map[string]string{
		"2022.12.04-2025.12.03": "2022-12-04 2025-12-03",
		"2022年12月4日至2025年12月3日": "2022-12-04 2025-12-03",
		"2022-12-04～2025-12-03": "2022-12-04 2025-12-03",
		"20221204-20251203":     "2022-12-04 2025-12-03",
		"三年":                    "",
	} {
		if got := strings.Join(datesIn(in), " "); got != want {
			t.Errorf("datesIn(%q) = %q, want %q", in, got, want)
		}
	}
}

// Amounts are read from their digits, never through a float, and
// converted to 万元 exactly.
func TestAmounts(t *testing.T) {
	for _, tc := range []struct {
		cell, unit, want, reason string
	}{
		{"12.3", "万元", "12.3", ""},
		{"12.300000000000001", "万元", "12.3", ""}, // Excel's text for a float
		{"0.30000000000000004", "万元", "0.3", ""},
		{"1234567.89", "元", "123.456789", ""},
		{"1.2E+5", "元", "12", ""},
		{"1.5e-2", "亿元", "150", ""},
		{"0.55", "亿元", "5500", ""},
		{"3", "千元", "0.3", ""},
		{"7", "百万元", "700", ""},
		{"1,234.5", "万元", "1234.5", ""},
		{"１，２３４．５", "万元", "1234.5", ""},
		{"12.3万元", "元", "12.3", ""},
		{"2亿", "万元", "20000", ""},
		{"￥1,000元", "万元", "0.1", ""},
		{"0.00001", "元", "", "换算为万元后超过6位小数"},
		{"9999999999999", "万元", "", "数值过大"},
		{"99999999", "亿元", "999999990000", ""},
		{"999999999", "亿元", "", "数值过大"},
	} {
		n, cellUnit, ok := parseAmount(tc.cell)
		if !ok {
			t.Errorf("%q: not read", tc.cell)
			continue
		}
		u := units[tc.unit]
		if cellUnit != nil {
			u = *cellUnit
		}
		d, reason := n.decimal(u)
		if reason != tc.reason || tc.reason == "" && d != plan.MustDecimal(tc.want) {
			t.Errorf("%q in %s = %s (%q), want %s (%q)", tc.cell, tc.unit, d, reason, tc.want, tc.reason)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "十万", "12%", "1e", "--1", "1万2"} {
		if _, _, ok := parseAmount(bad); ok {
			t.Errorf("parseAmount(%q) accepted", bad)
		}
	}
}

func TestRoundSignificant(t *testing.T) {
	for in, want := range map[string]string{
		"0.30000000000000004": "0.3",
		"12.300000000000001":  "12.3",
		"99.999999999999999":  "100",
		"1.0000000000000002":  "1",
		"123":                 "123",
	} {
		n, _ := parseNumber(in)
		d, _ := n.decimal(units["万元"])
		if d.String() != want {
			t.Errorf("%s → %s, want %s", in, d, want)
		}
	}
}

func TestNormKeyAndMatch(t *testing.T) {
	m := newMatcher(plan.RegContracts, nil)
	for _, tc := range []struct {
		header, field, unit string
	}{
		{"成交额（万元）", "amount", "万元"},
		{"成交额\n(万元)", "amount", "万元"},
		{" 成 交 额 （ 元 ） ", "amount", "元"},
		{"成交额（单位：亿元）", "amount", "亿元"},
		{"成交额/元", "amount", "元"},
		{"成交额万元", "amount", "万元"},
		{"*合同登记号", "reg_no", ""},
		{"卖方（技术输出方）", "seller_name", ""},
		{"技术输出方统一社会信用代码", "seller_uscc", ""},
		{"买方所在地区", "buyer_area", ""},
		{"技术交易额【万元】", "tech_amount", "万元"},
		{"序号", fSeq, ""},
		{"No.", fSeq, ""},
		{"合同编号", "", ""},
	} {
		hm, ok := m.match(tc.header)
		unit := ""
		if hm.unit != nil {
			unit = hm.unit.label
		}
		if ok != (tc.field != "") || hm.field != tc.field || unit != tc.unit {
			t.Errorf("match(%q) = %q %q %v, want %q %q", tc.header, hm.field, unit, ok, tc.field, tc.unit)
		}
	}
	em := newMatcher(plan.RegEnterprises, nil)
	if hm, ok := em.match("2021年营业收入（万元）"); !ok || hm.field != "revenue" || hm.year != 2021 || hm.unit.label != "万元" {
		t.Errorf("year prefix: %+v %v", hm, ok)
	}
	if hm, ok := em.match("企业名称（盖章）"); !ok || hm.field != "name" {
		t.Errorf("bracketed remark: %+v %v", hm, ok)
	}
}

// Every alias names one field of its kind; the labels the mapping form
// shows are distinct.
func TestFieldTables(t *testing.T) {
	for _, kind := range plan.RegisterKinds {
		fs := Fields(kind)
		if len(fs) == 0 {
			t.Errorf("%s: no fields", kind)
		}
		names, labels := map[string]bool{}, map[string]bool{}
		required := 0
		for _, f := range fs {
			if names[f.Name] || labels[f.Label] {
				t.Errorf("%s: %s/%s repeated", kind, f.Name, f.Label)
			}
			names[f.Name], labels[f.Label] = true, true
			if f.Required {
				required++
			}
			m := newMatcher(kind, nil)
			if hm, ok := m.match(f.Aliases[0]); !ok || hm.field != f.Name {
				t.Errorf("%s: the usual name %q of %s reads as %q", kind, f.Aliases[0], f.Name, hm.field)
			}
		}
		if required == 0 {
			t.Errorf("%s: no required field", kind)
		}
	}
}

func TestShape(t *testing.T) {
	a := Shape([]string{"合同登记号", "成交额（万元）", "登记日期", ""})
	b := Shape([]string{"登记日期", "成交额(万元)", " 合同登记号 ", "合同登记号"})
	c := Shape([]string{"合同登记号", "成交额（元）", "登记日期"})
	if a != b || a == c || len(a) != 16 {
		t.Errorf("shapes %s %s %s", a, b, c)
	}
}

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping("合同编号=reg_no, 交易金额（元）=amount，备注=-")
	if err != nil || len(m) != 3 || m["合同编号"] != "reg_no" || m["交易金额（元）"] != "amount" || m["备注"] != "-" {
		t.Fatalf("%v %v", m, err)
	}
	if _, err := ParseMapping("合同编号"); plan.ErrorCode(err) != plan.EINVALID {
		t.Errorf("a pair without = : %v", err)
	}
	if _, err := normMapping(plan.RegContracts, map[string]string{"合同编号": "number"}); err == nil ||
		!strings.Contains(err.Error(), "没有字段“number”") || !strings.Contains(err.Error(), "reg_no（合同登记号）") {
		t.Errorf("unknown field: %v", err)
	}
	if m, err := normMapping(plan.RegContracts, map[string]string{"合同编号": "合同登记号", "交易金额": "忽略"}); err != nil ||
		m["合同编号"] != "reg_no" || m["交易金额"] != fIgnore {
		t.Errorf("labels as targets: %v %v", m, err)
	}
}

func TestUnescapeOOXML(t *testing.T) {
	for in, want := range map[string]string{
		"甲_x000D_乙": "甲\r乙", "a_x005F_x000D_b": "a_x000D_b", "_x": "_x", "_x12": "_x12", "_xZZZZ_": "_xZZZZ_", "无": "无",
	} {
		if got := unescapeOOXML(in); got != want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", in, got, want)
		}
	}
}

// Shared strings: rich-text runs are joined, phonetic readings left out.
func TestSharedStringsText(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>甲</t></si>` +
		`<si><r><rPr><b/></rPr><t>江西</t></r><r><t xml:space="preserve">乙 公司</t></r><rPh sb="0" eb="1"><t>ジャン</t></rPh></si>` +
		`<si><t>a&amp;b_x000D_</t></si></sst>`
	s, err := loadSharedStrings(strings.NewReader(sst), t.TempDir())
	must(t, err)
	defer s.close()
	var got []string
	for i := range s.n {
		v, err := s.get(i)
		must(t, err)
		got = append(got, v)
	}
	if strings.Join(got, "|") != "甲|江西乙 公司|a&b\r" {
		t.Errorf("%q", got)
	}
}
