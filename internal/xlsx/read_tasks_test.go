package xlsx

import (
	"bytes"
	"reflect"
	"testing"

	"kechuang/internal/plan"
)

func TestReadTaskTableLayouts(t *testing.T) {
	units := func(s ...string) []string { return append([]string{}, s...) }
	tests := []struct {
		name   string
		sheets []sheet
		want   []plan.DocTaskRow
	}{{
		name: "title row, header on row 2 with line breaks, merged sections and units, 完成时限 with a date cell",
		sheets: []sheet{{name: "Sheet1", rows: [][]any{
			{"2022年工作要点任务分解表"},
			{"序号", "工作内容", "牵头\n单位", "责任 单位", "完成\n时限"},
			{"(一) 科技创新区域优化布局行动"},
			{1, "推进数字经济“一号发展工程”", "区发改委", "区发改委、 青云谱镇", "2022年12月"},
			{2, "推进省级创新型县（区）、市级创新型乡（镇）\n试点建设", "区科工局", "区科工局、区 商务局、区市\n场监管局，各街道、\n镇、集聚区", nil},
			{3, "打造专业化创新载体", nil, "区科工局", "长期"},
			{"二、科技创新平台增量升级行动"},
			{"4", "加强关键核心技术攻关", "区科工局", "区直相关部门,各街道、镇、集聚区", num("44926")},
			{"注：本表由区科工局负责解释。"},
			{"5", "注释之后的行不读", "区科工局", "区科工局"},
		}, merges: [][2]string{{"A1", "E1"}, {"A3", "E3"}, {"C5", "C6"}, {"A7", "E7"}, {"A9", "E9"}},
			formats: map[string]int{"E8": 14}}},
		want: []plan.DocTaskRow{
			{Number: "1", Section: "一", Content: "推进数字经济“一号发展工程”", LeadUnits: units("区发改委"),
				ResponsibleUnits: units("区发改委", "青云谱镇"), Deadline: "2022年12月"},
			{Number: "2", Section: "一", Content: "推进省级创新型县（区）、市级创新型乡（镇）试点建设", LeadUnits: units("区科工局"),
				ResponsibleUnits: units("区科工局", "区商务局", "区市场监管局", "各街道、镇、集聚区")},
			{Number: "3", Section: "一", Content: "打造专业化创新载体", LeadUnits: units("区科工局"),
				ResponsibleUnits: units("区科工局"), Deadline: "长期"},
			{Number: "4", Section: "二", Content: "加强关键核心技术攻关", LeadUnits: units("区科工局"),
				ResponsibleUnits: units("区直相关部门", "各街道、镇、集聚区"), Deadline: "2022/12/31"},
		},
	}, {
		name: "附件 label and title above a header on row 3, numeral sections in 序号, repeated header, blank numbered rows",
		sheets: []sheet{
			{name: "说明", rows: [][]any{{"填表说明：请按附件1填写。"}}},
			{name: "附件1", rows: [][]any{
				{"附件1："},
				{"2022年工作要点任务分解表"},
				{"序号", "工作任务", "牵头部门", "责任部门"},
				{"一", "科技创新区域优化布局行动", "科技创新区域优化布局行动", "科技创新区域优化布局行动"},
				{"1.", "推进数字经济“一号发展工程”", "区发改委", "区发改委"},
				{"序号", "工作任务", "牵头部门", "责任部门"},
				{"（二）", "科技创新平台增量升级行动"},
				{"2", "打造专业化创新载体", "区科工局", "区科工局；区发改委"},
				{"3"},
				{"4"},
			}, merges: [][2]string{{"B4", "D4"}}},
		},
		want: []plan.DocTaskRow{
			{Number: "1", Section: "一", Content: "推进数字经济“一号发展工程”", LeadUnits: units("区发改委"), ResponsibleUnits: units("区发改委")},
			{Number: "2", Section: "二", Content: "打造专业化创新载体", LeadUnits: units("区科工局"), ResponsibleUnits: units("区科工局", "区发改委")},
		},
	}, {
		name: "hidden sheet skipped, no sections",
		sheets: []sheet{
			{name: "旧表", hidden: true, rows: [][]any{{"序号", "工作内容", "牵头单位", "责任单位"}, {"1", "旧任务", "区科工局", "区科工局"}}},
			{name: "新表", rows: [][]any{{"序号", "工作内容", "牵头单位", "责任单位"}, {"1", "新任务", "", "区科工局"}}},
		},
		want: []plan.DocTaskRow{{Number: "1", Content: "新任务", LeadUnits: units(), ResponsibleUnits: units("区科工局")}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTaskTable("任务表.xlsx", bytes.NewReader(book(t, tt.sheets...)))
			must(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", jsonString(t, got), jsonString(t, tt.want))
			}
		})
	}
}
