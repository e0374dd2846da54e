package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// A project's performance-target form (项目支出绩效目标申报表) states its
// goals in a table of indicators — 一级指标, 二级指标, 指标内容 (三级指标),
// 指标值 — and its unit in a form above: 项目名称, 实施单位. A web page
// flattens both to one cell a line, the indicator categories (产出指标,
// 数量指标 …) spanning rows and so written once per group. The form is read
// as one task of the 实施单位, the table as the goals.

// goalTableLabels are the column names of an indicator table.
var goalTableLabels = setOf("一级指标", "二级指标", "三级指标", "指标内容", "指标名称", "指标值", "目标值",
	"指标值（目标值）", "指标值(目标值)", "备注", "评分标准", "分值")

// goalRow is an indicator and its value as the table gives them.
type goalRow struct {
	at          int // line index of the indicator
	name, value string
}

// flatGoalTable reads a flattened indicator table whose header starts at
// line i.
func (p *parser) flatGoalTable(i int) *table {
	if p.lines[i].cells != nil || !goalTableLabels[key(p.lines[i].clean())] {
		return nil
	}
	var header []string
	j := i
	for ; j < len(p.lines) && len(header) < maxFlatColumns; j = p.nextText(j + 1) {
		c := key(p.lines[j].clean())
		if !goalTableLabels[c] {
			break
		}
		header = append(header, c)
	}
	hasValue, hasName := false, false
	for _, h := range header {
		hasValue = hasValue || strings.HasSuffix(h, "值") || strings.Contains(h, "目标值")
		hasName = hasName || h == "指标内容" || h == "三级指标" || h == "指标名称"
	}
	if !hasValue || !hasName || j >= len(p.lines) {
		return nil
	}
	t := &table{kind: goalTable, header: header, first: i}
	var run []int // text cells since the last category or value
	flush := func() {
		for n := 0; n+1 < len(run); n += 2 {
			t.goals = append(t.goals, goalRow{at: run[n], name: p.lines[run[n]].clean(), value: p.lines[run[n+1]].clean()})
		}
		if len(run)%2 == 1 {
			t.goals = append(t.goals, goalRow{at: run[len(run)-1], name: p.lines[run[len(run)-1]].clean()})
		}
		run = nil
	}
	last := j - 1
	for ; j < len(p.lines); j = p.nextText(j + 1) {
		c := p.lines[j].clean()
		k := key(c)
		if attachmentListRe.MatchString(k) || utf8.RuneCountInString(c) > maxTitle {
			break
		}
		last = j
		switch {
		case strings.HasSuffix(k, "指标"):
			flush() // a category: 产出指标, 数量指标
		case goalValueRe.MatchString(k) && len(run) > 0:
			name := run[len(run)-1]
			run = run[:len(run)-1]
			flush()
			t.goals = append(t.goals, goalRow{at: name, name: p.lines[name].clean(), value: c})
		default:
			run = append(run, j)
		}
	}
	flush()
	if len(t.goals) == 0 {
		return nil
	}
	t.end = last + 1
	p.markTable(t)
	return t
}

// goalValueRe matches a numeric target of an indicator table: 15, 100%,
// ≥90%, ≤3天 is not (天 is no unit of a goal).
var goalValueRe = regexp.MustCompile(`^(?:[≥≤＞＜><]|不低于|不少于|不超过)?\s*` + reNum + `\s*(?:` + unitAlternation + `)?$`)

// buildGoalTable adds the goals of an indicator table. A value without a
// unit takes the one the text gives the same indicator ("新增高新技术企业
// 15家" above a table that says 15).
func (p *parser) buildGoalTable(t *table) {
	for _, r := range t.goals {
		k := key(r.value)
		if r.value == "" || !goalValueRe.MatchString(k) {
			what := r.name
			if r.value != "" {
				what += "：" + r.value
			}
			p.note(r.at, plan.SeverityInfo, plan.FindingNotRead, "指标“%s”没有数值目标，未作为目标", what)
			continue
		}
		m := figureRe.FindStringSubmatchIndex(k)
		g := plan.DocGoal{Indicator: r.name, Comparator: plan.AtLeast, Line: p.lines[r.at].no}
		num := strings.TrimLeft(k, "≥≤＞＜><不低于少超过 ")
		unit := ""
		if m != nil {
			num, unit = r.value[m[2]:m[3]], r.value[m[6]:m[7]]
		}
		d, err := plan.ParseDecimal(toASCIIDigits(strings.TrimSpace(num)))
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(k, "≤") || strings.HasPrefix(k, "不超过"):
			g.Comparator = plan.AtMost
		case strings.HasPrefix(k, "＞") || strings.HasPrefix(k, ">"):
			g.Comparator = plan.MoreThan
		}
		if unit == "" {
			unit = p.unitInText(r.name, strings.TrimSpace(num))
		}
		g.Target, g.Unit = d, unit
		g.Text = r.name + r.value
		if unit != "" && !strings.HasSuffix(g.Text, unit) {
			g.Text += unit
		}
		g.Kind = goalKind(key(g.Indicator), key(g.Unit))
		p.doc.Goals = append(p.doc.Goals, g)
	}
}

// unitInText finds the unit the text writes after an indicator and its
// figure: "新增高新技术企业15家" gives 家.
func (p *parser) unitInText(indicator, num string) string {
	want := key(indicator) + num
	for _, l := range p.lines {
		k := key(l.clean())
		if i := strings.Index(k, want); i >= 0 {
			if m := unitPrefixRe.FindString(k[i+len(want):]); m != "" {
				return l.clean()[i+len(want) : i+len(want)+len(m)]
			}
		}
	}
	return ""
}

var unitPrefixRe = regexp.MustCompile(`^(?:` + unitAlternation + `)`)

// formTask is the task a project form states.
type formTask struct {
	at, nameAt int
	name, unit string
	text       []string
}

// formLabels are the labels of a project form that the task is read from.
const (
	formName = "项目名称"
	formUnit = "实施单位"
	formGoal = "年度目标"
	// maxForm bounds how far below 项目名称 the rest of the form is looked for.
	maxForm = 40
)

// findForm reads a flattened project form starting at line i: the line
// after 项目名称 names the project, the line after 实施单位 its unit, the
// lines after 年度目标 up to the next table say what it is to do.
func (p *parser) findForm(i int) bool {
	if p.lines[i].cells != nil || key(p.lines[i].clean()) != formName {
		return false
	}
	j := p.nextText(i + 1)
	if j >= len(p.lines) {
		return false
	}
	f := formTask{at: i, nameAt: j, name: p.lines[j].clean()}
	last := j
	stop := func(j int) bool {
		k := key(p.lines[j].clean())
		return k == formName || goalTableLabels[k] || isTableTitle(p.lines[j])
	}
form:
	for n := 0; n < maxForm; n++ {
		if j = p.nextText(j + 1); j >= len(p.lines) || stop(j) {
			break
		}
		last = j
		switch key(p.lines[j].clean()) {
		case formUnit:
			if v := p.nextText(j + 1); v < len(p.lines) && !stop(v) {
				f.unit, j, last = p.lines[v].clean(), v, v
			}
		case formGoal:
			for g := p.nextText(j + 1); g < len(p.lines) && !stop(g); g = p.nextText(g + 1) {
				f.text = append(f.text, p.lines[g].clean())
				last = g
			}
			break form
		}
	}
	if f.unit == "" {
		return false
	}
	for j := i; j <= last; j++ {
		if p.role[j] == roleText {
			p.role[j] = roleTable
		}
	}
	p.form = &f
	return true
}

// addFormTask adds the task of the project form, in a section of its own.
func (p *parser) addFormTask() {
	f := p.form
	if f == nil {
		return
	}
	text := f.name
	if len(f.text) > 0 {
		var b strings.Builder
		for _, s := range f.text {
			b.WriteString(s)
			if r, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune("。；;！？", r) {
				b.WriteString("。")
			}
		}
		text = b.String()
	}
	p.doc.Sections = append(p.doc.Sections, plan.DocSection{Title: "重点任务", Line: p.lines[f.at].no, Tasks: []plan.DocTask{{
		Number: "1", Title: f.name, Text: text, LeadUnits: []string{}, ResponsibleUnits: splitUnits(f.unit).names, Line: p.lines[f.nameAt].no,
	}}})
}
