package xlsx

import (
	"bytes"
	"reflect"
	"testing"

	"kechuang/internal/plan"
)

func TestReadSplitTableLayouts(t *testing.T) {
	vals := func(kv ...string) map[string]plan.Decimal {
		m := map[string]plan.Decimal{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = dec(kv[i+1])
		}
		return m
	}
	tests := []struct {
		name   string
		sheets []sheet
		want   plan.DocTable
	}{{
		name: "title row, header on row 2 as in the notice, 合计 at the bottom, exact numbers",
		sheets: []sheet{{name: "Sheet1", rows: [][]any{
			{"2022 年有关科技创新指导性任务分解表"},
			{"县 区", "科技型中小企业（家）", "2022 年高新技术\n企业数量 (家)", "2022年技术合\n同成交额（亿元）", "备注"},
			{"三家店街道", 21, num("14"), num("3"), "重点"},
			{"洪都街道", "8", 4, num("0.05")},
			{"岱山街道", num("8"), "", num("0.15000000000000002")},
			{"新经济产业\n集聚区", "３５", "/", num("2E-1")},
			{nil, nil, nil, nil},
			{"合计", num("72"), num("18"), num("3.4")},
		}, merges: [][2]string{{"A1", "E1"}}}},
		want: plan.DocTable{
			Title:          "2022 年有关科技创新指导性任务分解表",
			Columns:        []string{"科技型中小企业", "高新技术企业数量", "技术合同成交额"},
			UnitsOfMeasure: map[string]string{"科技型中小企业": "家", "高新技术企业数量": "家", "技术合同成交额": "亿元"},
			Rows: []plan.DocTableRow{
				{Unit: "三家店街道", Values: vals("科技型中小企业", "21", "高新技术企业数量", "14", "技术合同成交额", "3")},
				{Unit: "洪都街道", Values: vals("科技型中小企业", "8", "高新技术企业数量", "4", "技术合同成交额", "0.05")},
				{Unit: "岱山街道", Values: vals("科技型中小企业", "8", "技术合同成交额", "0.15")},
				{Unit: "新经济产业集聚区", Values: vals("科技型中小企业", "35", "技术合同成交额", "0.2")},
				{Unit: "合计", Total: true, Values: vals("科技型中小企业", "72", "高新技术企业数量", "18", "技术合同成交额", "3.4")},
			},
		},
	}, {
		name: "附件 label, sheet unit row, diagonal corner cell, percentages, 全区 first, note below",
		sheets: []sheet{{name: "分解", rows: [][]any{
			{"附件2："},
			{"研发投入分解表"},
			{nil, nil, "单位：亿元"},
			{"序号", "指标\n单位", "研发投入", "研发投入占GDP比重(%)"},
			{nil, "全区", num("12.5"), num("0.0055")},
			{1, "洪都街道", num("2.25"), "0.6%"},
			{2, "京山街道", num("1")},
			{"注：比重按统计口径。"},
			{nil, "以下不读", "x"},
		}, formats: map[string]int{"D5": 10}, merges: [][2]string{{"A8", "D8"}}}},
		want: plan.DocTable{
			Title:          "研发投入分解表",
			Attachment:     "附件2",
			Columns:        []string{"研发投入", "研发投入占GDP比重"},
			UnitsOfMeasure: map[string]string{"研发投入": "亿元", "研发投入占GDP比重": "%"},
			Rows: []plan.DocTableRow{
				{Unit: "全区", Total: true, Values: vals("研发投入", "12.5", "研发投入占GDP比重", "0.55")},
				{Unit: "洪都街道", Values: vals("研发投入", "2.25", "研发投入占GDP比重", "0.6")},
				{Unit: "京山街道", Values: vals("研发投入", "1")},
			},
		},
	}, {
		name: "the district's own name is the total, 各单位合计 check row dropped, table on the second sheet",
		sheets: []sheet{
			{name: "封面", rows: [][]any{{"青云谱区科技局"}, {"2022年"}}},
			{name: "分解表", rows: [][]any{
				{"单位", "高新技术企业"},
				{"青云谱区", 76},
				{"洪都街道", 4},
				{"新经济产业集聚区", 19},
				{"各单位合计", 23},
			}},
		},
		want: plan.DocTable{
			Columns:        []string{"高新技术企业"},
			UnitsOfMeasure: map[string]string{},
			Rows: []plan.DocTableRow{
				{Unit: "青云谱区", Total: true, Values: vals("高新技术企业", "76")},
				{Unit: "洪都街道", Values: vals("高新技术企业", "4")},
				{Unit: "新经济产业集聚区", Values: vals("高新技术企业", "19")},
			},
		},
	}, {
		name: "各单位合计 alone is the total; several districts are not",
		sheets: []sheet{{name: "Sheet1", rows: [][]any{
			{"县（市、区）", "技术合同成交额（亿元）"},
			{"东湖区", num("1")},
			{"青云谱区", num("7")},
			{"各单位合计", num("8")},
		}}},
		want: plan.DocTable{
			Columns:        []string{"技术合同成交额"},
			UnitsOfMeasure: map[string]string{"技术合同成交额": "亿元"},
			Rows: []plan.DocTableRow{
				{Unit: "东湖区", Values: vals("技术合同成交额", "1")},
				{Unit: "青云谱区", Values: vals("技术合同成交额", "7")},
				{Unit: "各单位合计", Total: true, Values: vals("技术合同成交额", "8")},
			},
		},
	}, {
		name: "no total by name: the last row sums the others",
		sheets: []sheet{{name: "Sheet1", rows: [][]any{
			{"街道", "高新技术企业", "技术合同成交额"},
			{"洪都街道", 4, num("0.05")},
			{"京山街道", 7, num("0.5")},
			{"两街道", 11, num("0.55")},
		}}},
		want: plan.DocTable{
			Columns:        []string{"高新技术企业", "技术合同成交额"},
			UnitsOfMeasure: map[string]string{},
			Rows: []plan.DocTableRow{
				{Unit: "洪都街道", Values: vals("高新技术企业", "4", "技术合同成交额", "0.05")},
				{Unit: "京山街道", Values: vals("高新技术企业", "7", "技术合同成交额", "0.5")},
				{Unit: "两街道", Total: true, Values: vals("高新技术企业", "11", "技术合同成交额", "0.55")},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSplitTable("分解表.xlsx", bytes.NewReader(book(t, tt.sheets...)))
			must(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", jsonString(t, got), jsonString(t, tt.want))
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		raw, shown string
		want       string // "" for absent
		reason     string
	}{
		{"0.05", "0.05", "0.05", ""},
		{"0.15000000000000002", "0.15", "0.15", ""},
		{"7.0000000000000009", "7", "7", ""},
		{"1E-3", "0.001", "0.001", ""},
		{"140", "140", "140", ""},
		{"１４０", "１４０", "140", ""},
		{"1,234.5", "1,234.5", "1234.5", ""},
		{"0.0055", "0.55%", "0.55", ""},
		{"0.55%", "0.55%", "0.55", ""},
		{"-3", "-3", "-3", ""},
		{"", "", "", ""},
		{"  ", "", "", ""},
		{"/", "/", "", ""},
		{"—", "—", "", ""},
		{"十四", "十四", "", "“十四” 不是数字"},
		{"NaN", "NaN", "", "“NaN” 不是数字"},
		{"0x10", "0x10", "", "“0x10” 不是数字"},
		{"1", "TRUE", "", "“TRUE” 不是数字"},
		{"0.1234567", "0.1234567", "", "“0.1234567” 小数超过6位"},
		{"12345678901234", "1.23457E+13", "", "“1.23457E+13” 数值过大"},
		{"1e300", "1e300", "", "“1e300” 数值过大"},
		{"#DIV/0!", "#DIV/0!", "", "“#DIV/0!” 不是数字"},
	}
	for _, tt := range tests {
		d, ok, reason := parseValue(tt.raw, tt.shown)
		got := ""
		if ok {
			got = d.String()
		}
		if got != tt.want || reason != tt.reason {
			t.Errorf("parseValue(%q, %q) = %q, %q; want %q, %q", tt.raw, tt.shown, got, reason, tt.want, tt.reason)
		}
	}
}

func TestSplitHeader(t *testing.T) {
	tests := []struct{ in, name, unit string }{
		{"2022年高新技术企业数量（家）", "高新技术企业数量", "家"},
		{"2022年度技术合同成交额(亿元)", "技术合同成交额", "亿元"},
		{"科技型中小企业", "科技型中小企业", ""},
		{"研发投入（单位：万元）", "研发投入", "万元"},
		{"R&D经费投入占GDP比重【%】", "R&D经费投入占GDP比重", "%"},
		{"（家）", "", "家"},
	}
	for _, tt := range tests {
		if name, unit := splitHeader(tt.in); name != tt.name || unit != tt.unit {
			t.Errorf("splitHeader(%q) = %q, %q; want %q, %q", tt.in, name, unit, tt.name, tt.unit)
		}
	}
}
