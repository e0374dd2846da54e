package plan

import (
	"fmt"
	"strings"
	"testing"
)

func dec(s string) Decimal { return MustDecimal(s) }

func decp(s string) *Decimal { d := MustDecimal(s); return &d }

func goal(indicator, cmp, target, unit string, kind GoalKind) DocGoal {
	g := DocGoal{Text: indicator + target + unit, Indicator: indicator, Comparator: Comparator(cmp), Target: dec(target), Unit: unit, Kind: kind}
	return g
}

func task(number, title string, lead, resp []string) DocTask {
	return DocTask{Number: number, Title: title, Text: title + "。", LeadUnits: lead, ResponsibleUnits: resp}
}

func row(number, section, content, maps string, lead, resp []string) DocTaskRow {
	return DocTaskRow{Number: number, Section: section, Content: content, MapsToTask: maps, LeadUnits: lead, ResponsibleUnits: resp}
}

func list(s ...string) []string { return s }

const group = "各街道、镇、集聚区"

// short renders findings one a line, code|where|message, for comparison.
func short(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s|%s|%s|%s\n", f.Severity, f.Code, f.Where, f.Message)
	}
	return b.String()
}

func TestLint(t *testing.T) {
	tests := []struct {
		name  string
		doc   Document
		known func(string) bool
		want  string
	}{
		{
			name: "OK",
			doc: Document{
				Goals: []DocGoal{goal("高新技术企业", ">=", "76", "家", KindStock)},
				Sections: []DocSection{{Number: "一", Title: "企业行动", Tasks: []DocTask{
					task("1", "培育高新技术企业", list("区科工局"), list("区科工局", group)),
				}}},
				TaskTable: []DocTaskRow{row("1", "一", "培育高新技术企业", "1", list("区科工局"), list("区科工局", group))},
			},
			want: "",
		},
		{
			name: "UnitsDiffer",
			doc: Document{
				TaskTableAttachment: "附件1",
				Sections: []DocSection{{Number: "三", Title: "成果转化行动", Tasks: []DocTask{
					task("5", "打通科技成果转移转化路径", list("区科工局", "区市场监管局"), list("区科工局", "区市场监管局", group)),
					task("6", "扩大技术合同登记覆盖面", list("区科工局"), list("区科工局", group)),
				}}, {Number: "六", Title: "人才行动", Tasks: []DocTask{
					task("12", "引育高端人才与团队", list("区委人才办", "区科工局"), list("区委人才办", "区人社局", "区科工局", group)),
				}}},
				TaskTable: []DocTaskRow{
					row("5", "三", "宣传补助办法", "5", list("区科工局"), list("区科工局")),
					row("6", "三", "知识产权", "5", list("区市场监管局"), list("区市场监管局")),
					row("7", "三", "技术合同", "6", list("区科工局"), list("区科工局", group)),
					// The lead unit is not repeated among the responsible
					// ones; it still counts as named.
					row("14", "六", "人才政策", "12", list("区委人才办"), list("区直相关部门", group)),
					row("15", "六", "双百计划", "12", list("区科工局"), list("区科工局", group)),
				},
			},
			want: "warning|units_differ|正文任务5|附件1第5、6行所列单位比正文少了“各街道、镇、集聚区”\n" +
				"warning|units_differ|正文任务12|附件1第14、15行所列单位比正文少了“区人社局”，多了“区直相关部门”\n",
		},
		{
			name: "UnitsCompareCleaned",
			doc: Document{
				Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{
					task("1", "任务", nil, list("区 科工局", "青云谱镇")),
				}}},
				TaskTable: []DocTaskRow{row("1", "一", "任务", "1", list("区科工局、"), list("青云谱镇"))},
			},
			want: "",
		},
		{
			name: "NoLeadAndUnmapped",
			doc: Document{
				TaskTableAttachment: "附件1",
				Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{
					task("1", "有责任单位无牵头", nil, list("区科工局")),
					task("2", "一个单位也没有", nil, nil),
				}}},
				TaskTable: []DocTaskRow{
					row("1", "一", "有责任单位无牵头", "1", nil, list("区科工局")),
					row("2", "一", "对不上的内容", "", list("区科工局"), nil),
					row("3", "一", "对到不存在的任务", "9", list("区科工局"), nil),
				},
			},
			want: "warning|no_lead_unit|正文任务2|任务“一个单位也没有”没有写明牵头单位或责任单位\n" +
				"warning|no_lead_unit|附件1 第1行|没有写牵头单位\n" +
				"warning|unmapped_row|附件1 第2行|“对不上的内容”没有对应到正文的任务\n" +
				"warning|unmapped_row|附件1 第3行|对应的正文任务9不存在\n",
		},
		{
			name: "TableOnlyRowsAreTheTasks",
			doc: Document{
				TaskTable: []DocTaskRow{row("1", "", "培育企业", "", list("区科工局"), list("区科工局"))},
			},
			want: "",
		},
		{
			name: "RepeatedTaskNumbersResolveBySection",
			doc: Document{
				Sections: []DocSection{
					{Number: "一", Title: "甲行动", Tasks: []DocTask{task("1", "甲任务", list("区科工局"), list("区科工局"))}},
					{Number: "二", Title: "乙行动", Tasks: []DocTask{task("1", "乙任务", list("区发改委"), list("区发改委"))}},
				},
				TaskTable: []DocTaskRow{
					row("1", "一", "甲", "1", list("区科工局"), list("区科工局")),
					row("2", "二", "乙", "1", list("区发改委"), list("区发改委", "区财政局")),
				},
			},
			want: "warning|units_differ|正文（二）任务1|任务分解表第2行所列单位比正文多了“区财政局”\n",
		},
		{
			name: "SumMismatch",
			doc: Document{
				Goals: []DocGoal{
					goal("科技型中小企业", ">=", "140", "家", KindStock),
					goal("技术合同成交额", ">", "7", "亿元", KindFlow),
					{Text: "新增研发平台1-3个", Indicator: "新增研发平台", Comparator: WithinRange, Target: dec("1"), TargetMax: decp("3"), Unit: "个", Kind: KindFlow},
					goal("研发投入强度", ">=", "2", "%", KindRatio),
				},
				DecompositionTables: []DocTable{{
					Title: "2022年指导性任务分解表", Attachment: "附件2",
					Columns:        list("科技型中小企业", "技术合同成交额", "新增研发平台", "研发投入强度", "孵化器面积"),
					UnitsOfMeasure: map[string]string{"孵化器面积": "%"},
					Rows: []DocTableRow{
						{Unit: "青云谱区", Total: true, Values: map[string]Decimal{"科技型中小企业": dec("140"), "技术合同成交额": dec("7.1"), "研发投入强度": dec("2")}},
						{Unit: "三家店街道", Values: map[string]Decimal{"科技型中小企业": dec("21"), "技术合同成交额": dec("3.05"), "新增研发平台": dec("1"), "研发投入强度": dec("3"), "孵化器面积": dec("50")}},
						{Unit: "洪都街道", Values: map[string]Decimal{"科技型中小企业": dec("118"), "技术合同成交额": dec("4.05"), "新增研发平台": dec("1"), "研发投入强度": dec("1"), "孵化器面积": dec("70")}},
					},
				}},
			},
			want: "warning|sum_mismatch|附件2 科技型中小企业列|各单位之和 139 与合计行“青云谱区”的 140 不等\n" +
				"warning|sum_mismatch|附件2 技术合同成交额列|合计 7.1 与目标2“技术合同成交额”的 >7亿元 不符\n" +
				"warning|unknown_column|附件2 孵化器面积列|列“孵化器面积”与工作目标中的指标都对不上\n",
		},
		{
			name: "SumWithoutTotalRowAgainstGoal",
			doc: Document{
				Goals: []DocGoal{goal("高新技术企业", ">=", "76", "家", KindStock)},
				DecompositionTables: []DocTable{{
					Title:   "高企分解表",
					Columns: list("高新技术企业"),
					Rows: []DocTableRow{
						{Unit: "三家店街道", Values: map[string]Decimal{"高新技术企业": dec("14")}},
						{Unit: "洪都街道", Values: map[string]Decimal{"高新技术企业": dec("4")}},
					},
				}},
			},
			want: "warning|sum_mismatch|高企分解表 高新技术企业列|各单位之和 18 与目标1“高新技术企业”的 ≥76家 不符\n",
		},
		{
			name: "MultiYearGoalsMatchTheTableYear",
			doc: Document{
				Goals: []DocGoal{
					{Text: "高新技术企业100家", Indicator: "高新技术企业", Comparator: AtLeast, Target: dec("100"), Unit: "家", Kind: KindStock, Year: 2023},
					{Text: "高新技术企业80家", Indicator: "高新技术企业", Comparator: AtLeast, Target: dec("80"), Unit: "家", Kind: KindStock, Year: 2022},
				},
				Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{task("1", "培育高新技术企业", list("区科工局"), nil)}}},
				DecompositionTables: []DocTable{{
					Title: "2022年高新技术企业分解表", Columns: list("高新技术企业"),
					Rows: []DocTableRow{
						{Unit: "全区", Total: true, Values: map[string]Decimal{"高新技术企业": dec("80")}},
						{Unit: "甲街道", Values: map[string]Decimal{"高新技术企业": dec("50")}},
						{Unit: "乙街道", Values: map[string]Decimal{"高新技术企业": dec("30")}},
					},
				}},
			},
			want: "",
		},
		{
			name: "GoalWithoutTask",
			doc: Document{
				Goals: []DocGoal{
					goal("技术合同成交额", ">", "7", "亿元", KindFlow),
					goal("万人有效发明专利拥有量", ">", "27", "件", KindPerCapita),
				},
				Sections: []DocSection{{Number: "三", Title: "成果转化行动", Tasks: []DocTask{
					task("6", "扩大技术合同登记覆盖面", list("区科工局"), nil),
				}}},
				TaskTable: []DocTaskRow{row("7", "三", "力争全区技术合同登记额突破7亿元", "6", list("区科工局"), nil)},
			},
			want: "warning|goal_without_task|目标2|目标“万人有效发明专利拥有量27件”（>27件）没有任务推进：没有任务写到这一数字，也没有任务提到“发明专利”\n",
		},
		{
			name: "UnknownUnits",
			doc: Document{
				TaskTableAttachment: "附件1",
				Sections: []DocSection{{Number: "一", Title: "行动", Tasks: []DocTask{
					task("1", "甲", list("区科工局"), list("区科工局", "区科工委", group)),
				}}},
				TaskTable: []DocTaskRow{row("1", "一", "甲", "1", list("区科工委"), list("区科工局", "区科工委", group))},
				DecompositionTables: []DocTable{{Attachment: "附件2", Rows: []DocTableRow{
					{Unit: "青云谱区", Total: true},
					{Unit: "新经济产业 集聚区"},
				}}},
			},
			known: func(n string) bool { return n == "区科工局" || n == group },
			want: "warning|unknown_unit|正文任务1|单位“区科工委”不在单位名录中（共3处）\n" +
				"warning|unknown_unit|附件2 新经济产业集聚区行|单位“新经济产业集聚区”不在单位名录中\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := short(Lint(&tt.doc, tt.known))
			if got != tt.want {
				t.Errorf("Lint:\n got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestLintNeverNil(t *testing.T) {
	if fs := Lint(&Document{}, nil); fs == nil || len(fs) != 0 {
		t.Fatalf("Lint(empty) = %#v, want an empty, non-nil list", fs)
	}
}

// TestPursued pins the goal_without_task heuristic on the 2022 goals and the
// cases around it.
func TestPursued(t *testing.T) {
	rd := goal("全社会R&D经费投入占全区GDP比重", ">=", "0.55", "%", KindRatio)
	platforms := DocGoal{Indicator: "新增市级以上研发平台和创新载体数量", Comparator: WithinRange, Target: dec("1"), TargetMax: decp("3"), Unit: "个", Kind: KindFlow}
	contracts := goal("技术合同成交额", ">", "7", "亿元", KindFlow)
	patents := goal("万人有效发明专利拥有量", ">", "27", "件", KindPerCapita)
	tests := []struct {
		name string
		g    DocGoal
		task string
		want bool
	}{
		{"KeyTermAfterGenericWordsGo", rd, "加大企业研发投入。强化企业研发投入主体地位", true},
		{"FullWidthRAndD", rd, "加大企业Ｒ＆Ｄ投入", true},
		{"OnlyGenericWordsShared", rd, "提升全区GDP总量", false},
		{"RangeWithOtherCountClassifier", platforms, "力争新组建1-3家科研机构", true},
		{"RangeWithTilde", platforms, "力争新组建1～3个科研机构", true},
		{"OneOfJoinedTerms", platforms, "打造专业化创新载体", true},
		{"RangeNeedsBothEnds", platforms, "力争新组建1-4家科研机构", false},
		{"FigureWithUnit", contracts, "力争2022年底全区技术合同登记额突破7亿元", true},
		{"FigureInsideLargerNumber", contracts, "合同登记额突破17亿元", false},
		{"FigureWithOtherUnit", contracts, "力争引进7家企业", false},
		{"FigureWithSpaces", contracts, "突破 7 亿元", true},
		{"PerCapitaKeyTerm", patents, "积极推动高价值发明专利申报", true},
		{"PatentsNotNamed", patents, "加强知识产权保护宣传力度", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pursued(tt.g, []string{matchText(tt.task)}); got != tt.want {
				t.Errorf("pursued(%s, %q) = %v, want %v (key terms %q)", tt.g.Indicator, tt.task, got, tt.want, keyTerms(tt.g.Indicator))
			}
		})
	}
}

func TestKeyTerms(t *testing.T) {
	tests := []struct{ indicator, want string }{
		{"全社会R&D经费投入占全区GDP比重", "研发投入"},
		{"新增市级以上研发平台和创新载体数量", "研发平台|创新载体"},
		{"万人有效发明专利拥有量", "发明专利"},
		{"科技型中小企业", "科技型中小企业"},
		{"规上工业企业研发投入增长", "规上工业企业研发投入"},
		{"新增数量", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(keyTerms(tt.indicator), "|"); got != tt.want {
			t.Errorf("keyTerms(%q) = %q, want %q", tt.indicator, got, tt.want)
		}
	}
}
