package plan

import (
	"strings"
	"testing"
	"time"
)

// TestCheckSubmitFields: each problem of a refused submission is given at
// its field, and the message lists them all.
func TestCheckSubmitFields(t *testing.T) {
	seven := MustDecimal("7.5")
	f := &Form{
		Tasks: []FormTask{
			{TaskID: 11, Number: "1"},
			{TaskID: 12, Number: "2", Status: TaskInProgress},
			{TaskID: 13, Number: "3", Status: TaskDone, Progress: "已完成"},
			{TaskID: 14, Number: "4", Status: TaskInProgress, Progress: "推进中", NextSteps: strings.Repeat("长", MaxEntry+1)},
		},
		Values: []FormValue{{GoalID: 5, Indicator: "高新技术企业", Unit: "家", Value: &seven}, {GoalID: 6, Indicator: "技术合同成交额", Unit: "亿元"}},
	}
	err := CheckSubmit(f)
	want := map[string]string{
		"tasks.11.status":     "任务1：请选择推进状态",
		"tasks.12.progress":   "任务2：请填写进展情况",
		"tasks.13.progress":   "任务3：标为“已完成”需上传佐证材料",
		"tasks.14.next_steps": "任务4：“下步打算”最多",
		"values.5.value":      "“高新技术企业”：以“家”计，应为整数",
		"values.6.value":      "“技术合同成交额”：请填写截至数据日期的数值",
	}
	got := map[string]string{}
	for _, fe := range FieldErrors(err) {
		got[fe.Field] = fe.Message
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %d", got, len(want))
	}
	for field, msg := range want {
		if !strings.HasPrefix(got[field], msg) {
			t.Errorf("%s: %q, want %q…", field, got[field], msg)
		}
		if !strings.Contains(ErrorMessage(err), msg) {
			t.Errorf("the message does not list %q", msg)
		}
	}
	if ErrorCode(err) != EINVALID || !strings.HasPrefix(ErrorMessage(err), "还有 6 处需要补充") {
		t.Errorf("error %v", err)
	}
	// A draft only minds what is malformed.
	draft := FieldErrors(CheckDraft(f))
	if len(draft) != 2 || draft[0].Field != "tasks.14.next_steps" || draft[1].Field != "values.5.value" {
		t.Errorf("draft problems %v", draft)
	}
}

// TestValueHints: each indicator's hint follows its kind and unit.
func TestValueHints(t *testing.T) {
	for _, tt := range []struct {
		v    FormValue
		want []string
	}{
		{FormValue{Indicator: "高新技术企业", Unit: "家", Kind: KindStock}, []string{"截至 2022-07-31 的总数", "以“家”计，填整数"}},
		{FormValue{Indicator: "技术合同成交额", Unit: "亿元", Kind: KindFlow}, []string{"2022年1月1日至 2022-07-31 的累计数", "最多 4 位小数"}},
		{FormValue{Indicator: "R&D经费投入占GDP比重", Unit: "%", Kind: KindRatio}, []string{"比率", "以“%”计，最多 2 位小数"}},
	} {
		h := tt.v.Hint("2022-07-31")
		for _, w := range tt.want {
			if !strings.Contains(h, w) {
				t.Errorf("%s: hint %q lacks %q", tt.v.Indicator, h, w)
			}
		}
	}
	a, b := FormValue{Indicator: "高新技术企业"}.NotePlaceholder(), FormValue{Indicator: "技术合同成交额"}.NotePlaceholder()
	if a == b {
		t.Errorf("one placeholder for all: %q", a)
	}
}

// TestBulletinIssuer: the settings' issuer, else the science and
// technology bureau of the directory, else the plan's issuer.
func TestBulletinIssuer(t *testing.T) {
	units := []Unit{
		{Name: "青云谱区发展和改革委员会", ShortName: "区发改委", Kind: UnitDepartment},
		{Name: "青云谱区科学技术和工业信息化局", ShortName: "区科工局", Kind: UnitDepartment},
		{Name: "三家店街道", Kind: UnitSubdistrict},
	}
	doc := &Document{Issuer: "青云谱区人民政府办公室"}
	for _, tt := range []struct {
		settings ProgressSettings
		units    []Unit
		want     string
	}{
		{ProgressSettings{Issuer: "某某局"}, units, "某某局"},
		{ProgressSettings{}, units, "青云谱区科学技术和工业信息化局"},
		{ProgressSettings{}, units[:1], "青云谱区人民政府办公室"},
	} {
		if got := BulletinIssuer(tt.settings, tt.units, doc); got != tt.want {
			t.Errorf("BulletinIssuer = %q, want %q", got, tt.want)
		}
	}
}

// TestOverviewFigures: figures are shown to the goal's precision (a whole
// number of 家, 4 places of 亿元), forecasts too.
func TestOverviewFigures(t *testing.T) {
	doc := &Document{Year: 2022, Goals: []DocGoal{
		{ID: 1, Indicator: "科技型中小企业", Comparator: AtLeast, Target: MustDecimal("140"), Unit: "家", Kind: KindStock},
		{ID: 2, Indicator: "技术合同成交额", Comparator: MoreThan, Target: MustDecimal("7"), Unit: "亿元", Kind: KindFlow},
		{ID: 3, Indicator: "每万人发明专利拥有量", Comparator: MoreThan, Target: MustDecimal("27"), Unit: "件/万人", Kind: KindPerCapita},
	}}
	units := []Unit{{ID: 10, Name: "三家店街道", Kind: UnitSubdistrict}}
	in := OverviewInput{
		Doc: doc, Units: units,
		Allocations: []Allocation{{GoalID: 1, UnitID: 10, Target: MustDecimal("21")}, {GoalID: 2, UnitID: 10, Target: MustDecimal("3")}, {GoalID: 3, UnitID: 10, Target: MustDecimal("27")}},
		Values: []UnitValue{
			{GoalID: 1, UnitID: 10, Value: MustDecimal("13"), AsOf: "2022-03-31"}, {GoalID: 1, UnitID: 10, Value: MustDecimal("17"), AsOf: "2022-06-30"},
			{GoalID: 2, UnitID: 10, Value: MustDecimal("0.3333"), AsOf: "2022-03-31"}, {GoalID: 2, UnitID: 10, Value: MustDecimal("1.2345"), AsOf: "2022-06-30"},
			{GoalID: 3, UnitID: 10, Value: MustDecimal("27.3456"), AsOf: "2022-06-30"},
		},
		AsOf: time.Date(2022, 6, 30, 0, 0, 0, 0, Zone),
	}
	ov := BuildOverview(in)
	for _, c := range ov.Cards {
		places := GoalPlaces(c.Goal)
		for _, d := range []*Decimal{c.Actual, c.Forecast, c.Gap} {
			if d != nil && d.places() > places {
				t.Errorf("%s: %s has more than %d places", c.Goal.Indicator, d, places)
			}
		}
		if c.Forecast == nil && c.Goal.Kind.Additive() {
			t.Errorf("%s: no forecast", c.Goal.Indicator)
		}
	}
	// A unit's figure of 件/万人 is shown to two places, as the goal is.
	if got := ov.Rows[0].Cells[3].Actual.String(); got != "27.35" {
		t.Errorf("per-capita cell %s, want 27.35", got)
	}
}
