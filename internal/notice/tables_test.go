package notice

import (
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func TestColumnName(t *testing.T) {
	p := &parser{doc: &plan.Document{Goals: []plan.DocGoal{
		{Indicator: "科技型中小企业", Unit: "家"},
		{Indicator: "高新技术企业", Unit: "家"},
		{Indicator: "技术合同成交额", Unit: "亿元"},
	}}}
	tests := []struct{ in, name, unit string }{
		{"科技型中小企业", "科技型中小企业", "家"},
		{"2022 年高新技术 企业数量 (家)", "高新技术企业", "家"},
		{"2022 年技术合 同成交额 (亿元)", "技术合同成交额", "亿元"},
		{"技术合同成交额（单位：万元）", "技术合同成交额", "万元"},
		{"研发投入强度（%）", "研发投入强度", "%"},
		{"2023年度孵化器面积", "孵化器面积", ""},
	}
	for _, tt := range tests {
		if name, unit := p.columnName(tt.in); name != tt.name || unit != tt.unit {
			t.Errorf("columnName(%q) = %q, %q; want %q, %q", tt.in, name, unit, tt.name, tt.unit)
		}
	}
}

func TestNumericCell(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for no value
		ok   bool
	}{
		{"140", "140", true},
		{"0.05", "0.05", true},
		{" 1,200 ", "1200", true},
		{"１４０", "140", true},
		{"3亿元", "3", true},
		{"2.1%", "2.1", true},
		{"—", "", true},
		{"/", "", true},
		{"待定", "", false},
		{"三家", "", false},
	}
	for _, tt := range tests {
		v, ok := numericCell(tt.in)
		got := ""
		if v != nil {
			got = v.String()
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("numericCell(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTotalRow(t *testing.T) {
	p := &parser{regions: regionsOf("南昌市青云谱区人民政府办公室")}
	for name, want := range map[string]bool{
		"合计": true, "全区": true, "青云谱区": true, "南昌市青云谱区": true,
		"三家店街道": false, "青云谱镇": false, "区": false,
	} {
		if got := p.isTotal(name); got != want {
			t.Errorf("isTotal(%q) = %v, want %v", name, got, want)
		}
	}
	row := func(unit string, v ...string) plan.DocTableRow {
		r := plan.DocTableRow{Unit: unit, Values: map[string]plan.Decimal{}}
		for i, s := range v {
			r.Values[string(rune('a'+i))] = plan.MustDecimal(s)
		}
		return r
	}
	rows := []plan.DocTableRow{row("甲", "1", "0.5"), row("乙", "2", "0.25"), row("总", "3", "0.75")}
	markSumRow(rows)
	if rows[0].Total || rows[1].Total || !rows[2].Total {
		t.Errorf("markSumRow: the last row, the sum of the others, is not the total: %+v", rows)
	}
	rows = []plan.DocTableRow{row("甲", "1"), row("乙", "2"), row("丙", "4")}
	markSumRow(rows)
	for _, r := range rows {
		if r.Total {
			t.Errorf("markSumRow marked %q though no row is the sum of the others", r.Unit)
		}
	}
}

// A split table whose header reads like a task table's is told by its rows.
func TestSplitTableWithTaskWords(t *testing.T) {
	doc, err := ParseText("附件\n任务分解表\n责任单位\t高新技术企业任务数（家）\t科技型中小企业任务数（家）\n甲街道\t3\t5\n乙街道\t2\t4\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.TaskTable) != 0 || len(doc.DecompositionTables) != 1 || len(doc.DecompositionTables[0].Rows) != 2 {
		t.Fatalf("got task table %+v, split tables %+v", doc.TaskTable, doc.DecompositionTables)
	}
	if got := doc.DecompositionTables[0].Columns; len(got) != 2 || got[0] != "高新技术企业任务数" {
		t.Errorf("columns = %q", got)
	}
}

func TestPipeCells(t *testing.T) {
	tests := []struct {
		in, text string
		cells    string // joined by /, "" for none
	}{
		{"| 序号 | 工作内容 | 牵头单位 |", "序号\t工作内容\t牵头单位", "序号/工作内容/牵头单位"},
		{"| 一、主要预期目标 | | | |", "一、主要预期目标\t\t\t", "一、主要预期目标///"},
		{"文 号 | 江政办〔2022〕1号 | 发文日期 |", "文 号\t江政办〔2022〕1号\t发文日期", "文 号/江政办〔2022〕1号/发文日期"},
		{"---|---|---|---|", "", ""},
		{"|", "", ""},
		{"字号 :  | ", "字号 :", ""},
	}
	for _, tt := range tests {
		text, cells := pipeCells(tt.in)
		if text != tt.text || strings.Join(cells, "/") != tt.cells {
			t.Errorf("pipeCells(%q) = %q, %q; want %q, %q", tt.in, text, strings.Join(cells, "/"), tt.text, tt.cells)
		}
	}
}

func TestReadCaption(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		column string
		unit   string
	}{
		{"面积:万亩  收购量:万公斤", true, "种植面积", "万亩"},
		{"面积:万亩  收购量:万公斤", true, "收购量", "万公斤"},
		{"单位：万元", true, "研发投入", "万元"},
		{"（单位：家）", true, "高新技术企业", "家"},
		{"填报说明：各单位于每季度末报送", false, "", ""},
		{"联系人：张三", false, "", ""},
	}
	for _, tt := range tests {
		c, ok := readCaption(tt.in)
		if ok != tt.ok || (ok && c.unitOf(tt.column) != tt.unit) {
			t.Errorf("readCaption(%q) = %+v, %v; want the unit of %s to be %q", tt.in, c, ok, tt.column, tt.unit)
		}
	}
}

// Tables flattened by a web page: cells separated by spaces (single ones,
// or runs where a cell has spaces of its own), and a split table's total
// row without its 序号.
func TestSpacedTables(t *testing.T) {
	doc, err := ParseText("附件\n目标任务分解表\n序号 乡镇（街道） 科技型企业（家）\n1 忠州街道 12\n2 白公街道 10\n合计 22\n\n" +
		"任务清单\n序号  工作任务  牵头单位  责任单位\n1  建立培育库，开展 一对一 辅导  县科技局  各乡镇、街道\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.DecompositionTables) != 1 || len(doc.DecompositionTables[0].Rows) != 3 || !doc.DecompositionTables[0].Rows[2].Total {
		t.Fatalf("split table %+v", doc.DecompositionTables)
	}
	if v := doc.DecompositionTables[0].Rows[1].Values["科技型企业"]; v.String() != "10" {
		t.Errorf("白公街道 = %s", v)
	}
	if len(doc.TaskTable) != 1 || doc.TaskTable[0].Content != "建立培育库，开展一对一辅导" || doc.TaskTable[0].LeadUnits[0] != "县科技局" {
		t.Errorf("task table %+v", doc.TaskTable)
	}
	// No goals stated: the total row is the goal.
	if len(doc.Goals) != 1 || doc.Goals[0].Indicator != "科技型企业" || doc.Goals[0].Target.String() != "22" || doc.Goals[0].Unit != "家" {
		t.Errorf("goals %+v", doc.Goals)
	}
}
