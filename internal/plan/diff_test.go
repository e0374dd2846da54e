package plan

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	old := &Document{
		Title: "要点", DocNumber: "青政办发〔2022〕16号",
		Goals: []DocGoal{
			{Indicator: "高新技术企业", Comparator: AtLeast, Target: NewDecimal(76), Unit: "家"},
			{Indicator: "技术合同成交额", Comparator: MoreThan, Target: NewDecimal(7), Unit: "亿元"},
		},
		Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{
			{Number: "5", Title: "打通路径", ResponsibleUnits: []string{"区科工局"}},
			{Number: "6", Title: "扩大登记"},
		}}},
		TaskTable: []DocTaskRow{{Number: "5", Content: "宣传", MapsToTask: "5", ResponsibleUnits: []string{"区科工局、"}}},
		DecompositionTables: []DocTable{{Columns: []string{"高新技术企业"}, Rows: []DocTableRow{
			{Unit: "洪都街道", Values: map[string]Decimal{"高新技术企业": NewDecimal(4)}},
		}}},
	}
	new := &Document{
		Title: "要点", DocNumber: "青政办发〔2022〕17号",
		Goals: []DocGoal{
			{Indicator: "高新技术企业", Comparator: AtLeast, Target: NewDecimal(80), Unit: "家"},
			{Indicator: "万人有效发明专利拥有量", Comparator: MoreThan, Target: NewDecimal(27), Unit: "件"},
		},
		Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{
			{Number: "5", Title: "打通路径", ResponsibleUnits: []string{"区科工局", "各街道、镇、集聚区"}},
			{Number: "6", Title: "扩大登记"},
		}}},
		TaskTable: []DocTaskRow{{Number: "5", Content: "宣传", MapsToTask: "5", ResponsibleUnits: []string{"区科工局"}}},
		DecompositionTables: []DocTable{{Columns: []string{"高新技术企业"}, Rows: []DocTableRow{
			{Unit: "洪 都街道", Values: map[string]Decimal{"高新技术企业": MustDecimal("4.0")}},
		}}},
	}
	want := []Change{
		{"基本信息", "文号", "青政办发〔2022〕16号", "青政办发〔2022〕17号"},
		{"目标“高新技术企业”", "目标值", "≥76家", "≥80家"},
		{"目标“万人有效发明专利拥有量”", "新增", "", ">27件"},
		{"目标“技术合同成交额”", "删除", ">7亿元", ""},
		{"任务5", "责任单位", "区科工局", "区科工局、各街道、镇、集聚区"},
		{"附件1 第5行", "责任单位", "区科工局、", "区科工局"},
	}
	if got := Diff(old, new); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff =\n%v\nwant\n%v", got, want)
	}
	if got := Diff(old, old); len(got) != 0 {
		t.Errorf("Diff of a plan with itself = %v", got)
	}
}
