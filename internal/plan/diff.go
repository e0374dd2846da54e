package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one difference between two versions of a plan, in the
// document's own terms: where (目标“高新技术企业”, 任务5, 附件1 第5行), what
// changed, and the old and new text ("" when added or removed).
type Change struct {
	Where string `json:"where"`
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Diff lists what changed from old to new: header fields, goals (matched by
// indicator and year), tasks (by number), task-table rows (by number) and
// split-table values (by table title, unit and column). It is what a bureau
// reads before confirming a corrected notice.
func Diff(old, new *Document) []Change {
	var out []Change
	add := func(where, field, o, n string) {
		if o != n {
			out = append(out, Change{Where: where, Field: field, Old: o, New: n})
		}
	}
	add("基本信息", "标题", old.Title, new.Title)
	add("基本信息", "文号", old.DocNumber, new.DocNumber)
	add("基本信息", "发文机关", old.Issuer, new.Issuer)
	add("基本信息", "印发日期", old.Date, new.Date)

	goalKey := func(g DocGoal) string { return fmt.Sprintf("%s|%d", CleanName(g.Indicator), g.Year) }
	goalText := func(g DocGoal) string { return FormatTarget(g.Comparator, g.Target, g.TargetMax, g.Unit) }
	diffKeyed(old.Goals, new.Goals, goalKey, func(g DocGoal) string { return "目标“" + g.Indicator + "”" }, goalText,
		func(where string, o, n DocGoal) { add(where, "目标值", goalText(o), goalText(n)) }, &out)

	taskKey := func(t DocTask) string { return t.Number }
	taskWhere := func(t DocTask) string { return "任务" + t.Number }
	diffKeyed(allTasks(old), allTasks(new), taskKey, taskWhere, func(t DocTask) string { return t.Title },
		func(where string, o, n DocTask) {
			add(where, "名称", o.Title, n.Title)
			add(where, "内容", o.Text, n.Text)
			add(where, "牵头单位", strings.Join(o.LeadUnits, "、"), strings.Join(n.LeadUnits, "、"))
			add(where, "责任单位", strings.Join(o.ResponsibleUnits, "、"), strings.Join(n.ResponsibleUnits, "、"))
		}, &out)

	rowKey := func(r DocTaskRow) string { return r.Number }
	rowWhere := func(r DocTaskRow) string { return "附件1 第" + r.Number + "行" }
	diffKeyed(old.TaskTable, new.TaskTable, rowKey, rowWhere, func(r DocTaskRow) string { return r.Content },
		func(where string, o, n DocTaskRow) {
			add(where, "工作内容", o.Content, n.Content)
			add(where, "对应任务", o.MapsToTask, n.MapsToTask)
			add(where, "牵头单位", strings.Join(o.LeadUnits, "、"), strings.Join(n.LeadUnits, "、"))
			add(where, "责任单位", strings.Join(o.ResponsibleUnits, "、"), strings.Join(n.ResponsibleUnits, "、"))
		}, &out)

	oldCells, newCells := splitCells(old), splitCells(new)
	for _, k := range slices.Sorted(maps.Keys(mergeKeys(oldCells, newCells))) {
		where, col, _ := strings.Cut(k, "\x00")
		add(where, col, oldCells[k], newCells[k])
	}
	return out
}

// diffKeyed pairs items by key, reports removed and added ones, and calls
// same for pairs present in both.
func diffKeyed[T any](old, new []T, key func(T) string, where func(T) string, label func(T) string, same func(string, T, T), out *[]Change) {
	oldBy := map[string]T{}
	for _, x := range old {
		oldBy[key(x)] = x
	}
	newKeys := map[string]bool{}
	for _, n := range new {
		k := key(n)
		newKeys[k] = true
		if o, ok := oldBy[k]; ok {
			same(where(n), o, n)
		} else {
			*out = append(*out, Change{Where: where(n), Field: "新增", New: label(n)})
		}
	}
	for _, o := range old {
		if !newKeys[key(o)] {
			*out = append(*out, Change{Where: where(o), Field: "删除", Old: label(o)})
		}
	}
}

func allTasks(d *Document) []DocTask {
	var out []DocTask
	for _, s := range d.Sections {
		out = append(out, s.Tasks...)
	}
	return out
}

// splitCells flattens split tables to "附件2 UNIT\x00COLUMN" → value.
func splitCells(d *Document) map[string]string {
	m := map[string]string{}
	for _, t := range d.DecompositionTables {
		for _, r := range t.Rows {
			for col, v := range r.Values {
				m["分解表 "+CleanName(r.Unit)+"\x00"+col] = v.String()
			}
		}
	}
	return m
}

func mergeKeys(a, b map[string]string) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
