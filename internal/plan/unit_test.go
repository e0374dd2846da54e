package plan

import (
	"strings"
	"testing"
)

func testDirectory() *Directory {
	return &Directory{
		Units: []Unit{
			{ID: 1, Name: "南昌市青云谱区", ShortName: "青云谱区", Kind: UnitGovernment},
			{ID: 2, Name: "青云谱区科学技术和工业信息化局", ShortName: "区科工局", Kind: UnitDepartment, Parent: "青云谱区", Aliases: []string{"科工局"}},
			{ID: 3, Name: "三家店街道", Kind: UnitSubdistrict, Parent: "青云谱区"},
			{ID: 4, Name: "青云谱镇", Kind: UnitTown, Parent: "青云谱区"},
		},
		Groups: []Group{{ID: 1, Name: "各街道、镇、集聚区", Aliases: []string{"各街办、镇、集聚区"}, Members: []string{"三家店街道", "青云谱镇"}}},
	}
}

func TestDirectoryResolve(t *testing.T) {
	d := testDirectory()
	idx := d.Index()
	tests := []struct {
		name string
		want []int64
	}{
		{"区科工局", []int64{2}},
		{"区 科工局", []int64{2}},
		{"青云谱区科学技术和工业信息化局", []int64{2}},
		{"科工局", []int64{2}},
		{"各街道、镇、集聚区", []int64{3, 4}},
		{"各街办、镇、集聚区", []int64{3, 4}},
		{"区数据局", nil},
	}
	for _, tt := range tests {
		got := d.Expand(idx, tt.name)
		if len(got) != len(tt.want) {
			t.Errorf("Expand(%q) = %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Expand(%q) = %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}

func TestDirectoryValidate(t *testing.T) {
	if err := testDirectory().Validate(); err != nil {
		t.Fatalf("valid directory: %v", err)
	}
	tests := []struct {
		name   string
		change func(d *Directory)
		want   string
	}{
		{"alias clash", func(d *Directory) { d.Units[3].Aliases = []string{"科工局"} }, "科工局"},
		{"bad kind", func(d *Directory) { d.Units[2].Kind = "village" }, "village"},
		{"empty name", func(d *Directory) { d.Units[2].Name = " " }, "名称不能为空"},
		{"unknown parent", func(d *Directory) { d.Units[2].Parent = "南昌市" }, "南昌市"},
		{"group member unknown", func(d *Directory) { d.Groups[0].Members = append(d.Groups[0].Members, "月亮街道") }, "月亮街道"},
		{"group named like a unit", func(d *Directory) { d.Groups[0].Aliases = []string{"三家店街道"} }, "三家店街道"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDirectory()
			tt.change(d)
			err := d.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	d := testDirectory()
	doc := &Document{
		Goals: []DocGoal{{ID: 10, Indicator: "高新技术企业"}, {ID: 11, Indicator: "技术合同成交额"}},
		Sections: []DocSection{{Tasks: []DocTask{
			{ID: 100, Number: "1", ResponsibleUnits: []string{"区科工局", "各街道、镇、集聚区", "区数据局"}},
			{ID: 101, Number: "2", LeadUnits: []string{"科工局"}},
		}}},
		TaskTable: []DocTaskRow{{Number: "1", MapsToTask: "1", LeadUnits: []string{"区科工局"}}},
		DecompositionTables: []DocTable{{
			Columns: []string{"高新技术企业", "技术合同成交额", "其他"},
			Rows: []DocTableRow{
				{Unit: "青云谱区", Total: true, Values: map[string]Decimal{"高新技术企业": NewDecimal(76)}},
				{Unit: "三家店街道", Values: map[string]Decimal{"高新技术企业": NewDecimal(14), "技术合同成交额": NewDecimal(3), "其他": NewDecimal(1)}},
				{Unit: "月亮街道", Values: map[string]Decimal{"高新技术企业": NewDecimal(2)}},
			},
		}},
	}
	as, al := Resolve(doc, d)
	wantAs := []Assignment{
		{100, 2, RoleResponsible}, {100, 3, RoleResponsible}, {100, 4, RoleResponsible},
		{101, 2, RoleLead}, {100, 2, RoleLead},
	}
	if len(as) != len(wantAs) {
		t.Fatalf("assignments %v, want %v", as, wantAs)
	}
	for i := range as {
		if as[i] != wantAs[i] {
			t.Errorf("assignment %d = %v, want %v", i, as[i], wantAs[i])
		}
	}
	if len(al) != 2 || al[0].GoalID != 10 || al[0].UnitID != 3 || al[0].Target.String() != "14" || al[1].GoalID != 11 {
		t.Errorf("allocations %v: want only 三家店街道's two goal columns", al)
	}
}

func TestSumColumns(t *testing.T) {
	goals := []DocGoal{
		{Indicator: "高新技术企业", Comparator: AtLeast, Target: NewDecimal(76)},
		{Indicator: "研发平台", Comparator: WithinRange, Target: NewDecimal(1)},
	}
	tbl := &DocTable{Columns: []string{"高新技术企业", "研发平台", "备注"}, Rows: []DocTableRow{
		{Unit: "全区", Total: true, Values: map[string]Decimal{"高新技术企业": NewDecimal(76), "研发平台": NewDecimal(3)}},
		{Unit: "甲", Values: map[string]Decimal{"高新技术企业": NewDecimal(40), "研发平台": NewDecimal(1)}},
		{Unit: "乙", Values: map[string]Decimal{"高新技术企业": NewDecimal(35), "研发平台": NewDecimal(2)}},
	}}
	sums := SumColumns(tbl, goals)
	if sums[0].Sum.String() != "75" || sums[0].TotalOK() || sums[0].GoalOK() || sums[0].OK() {
		t.Errorf("高新技术企业: %+v: 75 matches neither 76 nor the goal", sums[0])
	}
	if !sums[1].OK() || sums[1].Goal == nil {
		t.Errorf("研发平台: %+v: parts equal the total; a range goal is not summed", sums[1])
	}
	if sums[2].Goal != nil || sums[2].Total != nil || !sums[2].OK() {
		t.Errorf("备注: %+v", sums[2])
	}
}

func TestCheckDocument(t *testing.T) {
	three := NewDecimal(3)
	one := NewDecimal(1)
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{"ok", Document{Title: "t", Goals: []DocGoal{{Indicator: "x", Comparator: WithinRange, Target: one, TargetMax: &three}}}, ""},
		{"no title", Document{}, "title"},
		{"bad date", Document{Title: "t", Date: "2022-6-16"}, "date"},
		{"range without max", Document{Title: "t", Goals: []DocGoal{{Indicator: "x", Comparator: WithinRange}}}, "goals[0].target_max"},
		{"range upside down", Document{Title: "t", Goals: []DocGoal{{Indicator: "x", Comparator: WithinRange, Target: three, TargetMax: &one}}}, "上限 1 小于下限 3"},
		{"max without range", Document{Title: "t", Goals: []DocGoal{{Indicator: "x", Comparator: AtLeast, TargetMax: &one}}}, "goals[0].target_max"},
		{"duplicate task", Document{Title: "t", Sections: []DocSection{{Title: "s", Tasks: []DocTask{{Number: "1", Title: "a"}, {Number: "1", Title: "b"}}}}}, "sections[0].tasks[1].number"},
		{"empty unit name", Document{Title: "t", TaskTable: []DocTaskRow{{Content: "c", LeadUnits: []string{" "}}}}, "task_table[0].lead_units[0]"},
		{"duplicate column", Document{Title: "t", DecompositionTables: []DocTable{{Columns: []string{"a", "a"}}}}, "decomposition_tables[0].columns[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDocument(&tt.doc)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || ErrorCode(err) != EINVALID {
				t.Errorf("CheckDocument = %v, want EINVALID naming %q", err, tt.want)
			}
		})
	}
}
