package plan

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lint checks a plan document for what a person should look at before the
// plan is used (plan lint). The notice parser runs it after parsing and the
// web editor after every edit, so it looks only at the document, never at the
// text it came from. known tells whether a unit name (or group phrase) is in
// the directory; nil skips that check.
//
// Findings come in document order: goals, body tasks, task-table rows, split
// tables, then unknown unit names in order of first use. The rules:
//
//   - goal_without_task: no body task or task-table row pursues a goal (see
//     pursued for the heuristic). Skipped when the document has no tasks.
//   - units_differ: the units of the task-table rows that detail a body task
//     (lead and responsible, in row order) differ from the task's own. A row's
//     lead unit counts as responsible: it is named as such.
//   - no_lead_unit: a task-table row without a lead unit, or a body task that
//     names no unit at all. A body task with responsible units but no lead is
//     fine: by convention the first-named unit leads, and the parser fills
//     lead units from the task table when it has one.
//   - unmapped_row: a task-table row that maps to no body task. Skipped when
//     the document has no body tasks: then the table rows are the tasks.
//   - unknown_column: a split-table column that measures no goal (MatchGoal);
//     one finding per table when the document has no goals at all.
//   - sum_mismatch: in a split-table column of an additive quantity, the
//     units' values do not add up to the total row, or the total (the sum
//     when there is no total row) differs from the goal's target (or lies
//     outside a range target).
//   - unknown_unit: a unit name that known rejects, once per name.
//
// truncated_units is the notice parser's: a list ending in 、 can only be
// seen in the text, before names are cleaned.
func Lint(doc *Document, known func(unitName string) bool) []Finding {
	l := &linter{doc: doc, out: []Finding{}}
	l.index()
	l.goalTasks()
	l.bodyTasks()
	l.taskRows()
	l.tables()
	if known != nil {
		l.units(known)
	}
	return l.out
}

type linter struct {
	doc   *Document
	out   []Finding
	tasks []*DocTask // body tasks in order
	secOf []string   // section number of each body task
	// byNumber lists, per task number, the indices of the tasks bearing it.
	byNumber map[string][]int
	// rowsOf lists, per body task index, the task-table rows detailing it.
	rowsOf map[int][]int
}

func (l *linter) add(code string, sev Severity, where, format string, args ...any) {
	l.out = append(l.out, Finding{Severity: sev, Code: code, Where: where, Message: fmt.Sprintf(format, args...)})
}

func (l *linter) index() {
	l.byNumber = map[string][]int{}
	for si := range l.doc.Sections {
		s := &l.doc.Sections[si]
		for ti := range s.Tasks {
			t := &s.Tasks[ti]
			l.byNumber[t.Number] = append(l.byNumber[t.Number], len(l.tasks))
			l.tasks = append(l.tasks, t)
			l.secOf = append(l.secOf, s.Number)
		}
	}
	l.rowsOf = map[int][]int{}
	for ri, r := range l.doc.TaskTable {
		if ti := l.taskOf(r); ti >= 0 {
			l.rowsOf[ti] = append(l.rowsOf[ti], ri)
		}
	}
}

// taskOf returns the index of the body task a row details: the task with the
// row's maps_to_task number, preferring the one in the row's section when
// numbers repeat across sections; -1 when none.
func (l *linter) taskOf(r DocTaskRow) int {
	same := l.byNumber[r.MapsToTask]
	if r.MapsToTask == "" || len(same) == 0 {
		return -1
	}
	for _, i := range same {
		if l.secOf[i] == r.Section {
			return i
		}
	}
	return same[0]
}

func (l *linter) taskWhere(i int) string {
	if len(l.byNumber[l.tasks[i].Number]) > 1 && l.secOf[i] != "" {
		return fmt.Sprintf("正文（%s）任务%s", l.secOf[i], l.tasks[i].Number)
	}
	return "正文任务" + l.tasks[i].Number
}

// TaskTableLabel is how findings name the task table: its attachment label
// ("附件1") when known.
func TaskTableLabel(doc *Document) string {
	if doc.TaskTableAttachment != "" {
		return doc.TaskTableAttachment
	}
	return "任务分解表"
}

func (l *linter) rowWhere(ri int) string {
	n := l.doc.TaskTable[ri].Number
	if n == "" {
		n = fmt.Sprint(ri + 1)
	}
	return fmt.Sprintf("%s 第%s行", TaskTableLabel(l.doc), n)
}

// TableLabel is how findings name a split table: its attachment label
// ("附件2"), else its title, else its position.
func TableLabel(t *DocTable, i int) string {
	switch {
	case t.Attachment != "":
		return t.Attachment
	case t.Title != "":
		return t.Title
	}
	return fmt.Sprintf("分解表%d", i+1)
}

func (l *linter) goalTasks() {
	if len(l.tasks) == 0 && len(l.doc.TaskTable) == 0 {
		return // a document of goals and tables only has nothing to pursue them
	}
	var texts []string
	for _, t := range l.tasks {
		texts = append(texts, matchText(t.Title+t.Text))
	}
	for _, r := range l.doc.TaskTable {
		texts = append(texts, matchText(r.Content))
	}
	for i, g := range l.doc.Goals {
		if pursued(g, texts) {
			continue
		}
		l.add(FindingGoalWithoutTask, SeverityWarning, fmt.Sprintf("目标%d", i+1),
			"目标“%s”（%s）没有任务推进：没有任务写到这一数字，也没有任务提到%s",
			g.Text, FormatTarget(g.Comparator, g.Target, g.TargetMax, g.Unit), termsPhrase(keyTerms(g.Indicator)))
	}
}

func termsPhrase(terms []string) string {
	if len(terms) == 0 {
		return "该指标"
	}
	return "“" + strings.Join(terms, "”“") + "”"
}

func (l *linter) bodyTasks() {
	for i, t := range l.tasks {
		if len(t.LeadUnits) == 0 && len(t.ResponsibleUnits) == 0 {
			l.add(FindingNoLeadUnit, SeverityWarning, l.taskWhere(i), "任务“%s”没有写明牵头单位或责任单位", t.Title)
		}
		rows := l.rowsOf[i]
		if len(rows) == 0 {
			continue
		}
		own := nameSet(t.LeadUnits, t.ResponsibleUnits)
		var detail []string
		var nums []string
		for _, ri := range rows {
			r := l.doc.TaskTable[ri]
			detail = append(detail, r.LeadUnits...)
			detail = append(detail, r.ResponsibleUnits...)
			nums = append(nums, l.doc.TaskTable[ri].Number)
		}
		theirs := nameSet(detail)
		missing := own.minus(theirs)
		extra := theirs.minus(own)
		if len(missing) == 0 && len(extra) == 0 {
			continue
		}
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "少了"+quoteAll(missing))
		}
		if len(extra) > 0 {
			parts = append(parts, "多了"+quoteAll(extra))
		}
		l.add(FindingUnitsDiffer, SeverityWarning, l.taskWhere(i),
			"%s第%s行所列单位比正文%s", TaskTableLabel(l.doc), strings.Join(nums, "、"), strings.Join(parts, "，"))
	}
}

func quoteAll(names []string) string { return "“" + strings.Join(names, "”“") + "”" }

func (l *linter) taskRows() {
	for ri, r := range l.doc.TaskTable {
		if len(r.LeadUnits) == 0 {
			l.add(FindingNoLeadUnit, SeverityWarning, l.rowWhere(ri), "没有写牵头单位")
		}
		if len(l.tasks) == 0 {
			continue
		}
		switch {
		case r.MapsToTask == "":
			l.add(FindingUnmappedRow, SeverityWarning, l.rowWhere(ri), "“%s”没有对应到正文的任务", clip(r.Content, 30))
		case l.taskOf(r) < 0:
			l.add(FindingUnmappedRow, SeverityWarning, l.rowWhere(ri), "对应的正文任务%s不存在", r.MapsToTask)
		}
	}
}

var tableYearRe = regexp.MustCompile(`(\d{4})\s*年`)

func (l *linter) tables() {
	for ti := range l.doc.DecompositionTables {
		t := &l.doc.DecompositionTables[ti]
		label := TableLabel(t, ti)
		year := 0
		if m := tableYearRe.FindStringSubmatch(t.Title); m != nil {
			fmt.Sscan(m[1], &year)
		}
		if len(l.doc.Goals) == 0 && len(t.Columns) > 0 {
			// One finding, not one per column: the goals are missing.
			l.add(FindingUnknownColumn, SeverityWarning, label, "文件没有列出工作目标，%s列无法对应到目标指标", quoteAll(t.Columns))
		}
		for _, col := range t.Columns {
			gi := l.goalFor(col, year)
			if gi < 0 && len(l.doc.Goals) > 0 {
				l.add(FindingUnknownColumn, SeverityWarning, label+" "+col+"列", "列“%s”与工作目标中的指标都对不上", col)
			}
			l.sums(t, label, col, gi)
		}
	}
}

// goalFor returns the goal a column measures. When several goals share the
// indicator (a multi-year plan's targets for each year) it takes the one
// for the table's year.
func (l *linter) goalFor(col string, year int) int {
	name := CleanName(col)
	found := -1
	for i, g := range l.doc.Goals {
		if CleanName(g.Indicator) != name {
			continue
		}
		if found < 0 || (year != 0 && g.Year == year) {
			found = i
		}
	}
	if found >= 0 {
		return found
	}
	return MatchGoal(l.doc.Goals, col)
}

func (l *linter) sums(t *DocTable, label, col string, gi int) {
	var g *DocGoal
	if gi >= 0 {
		g = &l.doc.Goals[gi]
	}
	if !additive(g, t.UnitsOfMeasure[col]) {
		return
	}
	var sum Decimal
	parts := 0
	var total *DocTableRow
	for i := range t.Rows {
		r := &t.Rows[i]
		v, ok := r.Values[col]
		switch {
		case !ok:
		case r.Total:
			if total == nil {
				total = r
			}
		default:
			sum = sum.Add(v)
			parts++
		}
	}
	if parts == 0 {
		return
	}
	where := label + " " + col + "列"
	whole := sum
	if total != nil {
		whole = total.Values[col]
		if sum.Cmp(whole) != 0 {
			l.add(FindingSumMismatch, SeverityWarning, where, "各单位之和 %s 与合计行“%s”的 %s 不等",
				sum, total.Unit, whole)
		}
	}
	if g == nil {
		return
	}
	ok := whole.Cmp(g.Target) == 0
	if g.Comparator == WithinRange && g.TargetMax != nil {
		ok = whole.Cmp(g.Target) >= 0 && whole.Cmp(*g.TargetMax) <= 0
	}
	if !ok {
		what := "合计"
		if total == nil {
			what = "各单位之和"
		}
		l.add(FindingSumMismatch, SeverityWarning, where, "%s %s 与目标%d“%s”的 %s 不符",
			what, whole, gi+1, g.Indicator, FormatTarget(g.Comparator, g.Target, g.TargetMax, g.Unit))
	}
}

// additive reports whether units' values in a column add up to the whole:
// by the goal's kind when known, else not for percentages.
func additive(g *DocGoal, unit string) bool {
	if g != nil {
		if g.Kind != "" {
			return g.Kind.Additive()
		}
		unit = g.Unit
	}
	return !strings.ContainsAny(unit, "%％‰")
}

func (l *linter) units(known func(string) bool) {
	type use struct {
		where string
		count int
	}
	uses := map[string]*use{}
	var order []string
	see := func(where string, names ...string) {
		for _, n := range names {
			n = CleanName(n)
			if n == "" {
				continue
			}
			if u, ok := uses[n]; ok {
				u.count++
				continue
			}
			uses[n] = &use{where: where, count: 1}
			order = append(order, n)
		}
	}
	for i, t := range l.tasks {
		see(l.taskWhere(i), t.LeadUnits...)
		see(l.taskWhere(i), t.ResponsibleUnits...)
	}
	for ri, r := range l.doc.TaskTable {
		see(l.rowWhere(ri), r.LeadUnits...)
		see(l.rowWhere(ri), r.ResponsibleUnits...)
	}
	for ti := range l.doc.DecompositionTables {
		t := &l.doc.DecompositionTables[ti]
		for _, r := range t.Rows {
			if !r.Total {
				see(TableLabel(t, ti)+" "+CleanName(r.Unit)+"行", r.Unit)
			}
		}
	}
	for _, n := range order {
		if known(n) {
			continue
		}
		u := uses[n]
		more := ""
		if u.count > 1 {
			more = fmt.Sprintf("（共%d处）", u.count)
		}
		l.add(FindingUnknownUnit, SeverityWarning, u.where, "单位“%s”不在单位名录中%s", n, more)
	}
}

// names is an ordered set of cleaned unit names.
type names struct {
	list []string
	has  map[string]bool
}

func nameSet(lists ...[]string) names {
	s := names{has: map[string]bool{}}
	for _, list := range lists {
		for _, n := range list {
			if n = CleanName(n); n != "" && !s.has[n] {
				s.has[n] = true
				s.list = append(s.list, n)
			}
		}
	}
	return s
}

func (s names) minus(o names) []string {
	var out []string
	for _, n := range s.list {
		if !o.has[n] {
			out = append(out, n)
		}
	}
	return out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// pursued decides whether some task pursues a goal. A task pursues it when
// its title or text (or a task-table row's content)
//
//   - states the goal's figure with its unit: 7亿元, 140家, 1-3个 — a count
//     classifier (个 家 所 座 户) matches any other, since notices write
//     "1-3家科研机构" for a goal counted in 个; or
//   - contains one of the indicator's key terms (keyTerms): 研发投入 for
//     全社会R&D经费投入占全区GDP比重, 发明专利 for 万人有效发明专利拥有量.
//
// texts are already passed through matchText.
func pursued(g DocGoal, texts []string) bool {
	terms := keyTerms(g.Indicator)
	unit := matchText(g.Unit)
	for _, t := range texts {
		if statesFigure(t, g, unit) {
			return true
		}
		for _, term := range terms {
			if strings.Contains(t, term) {
				return true
			}
		}
	}
	return false
}

// matchText folds what varies in writing but not in meaning: full-width
// letters and digits, spaces, and R&D (研发) spelled out or in English.
func matchText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		}
		return r
	}, s)
	return rdReplacer.Replace(s)
}

var rdReplacer = strings.NewReplacer("R&D", "研发", "r&d", "研发", "研究与试验发展", "研发", "研究与开发", "研发")

// genericTerms carry no meaning of their own in an indicator's name: where,
// how counted, or that it grows. Longer ones come first: the replacer tries
// them in order.
var genericTerms = []string{
	"每万人", "万人", "全社会", "全区", "全市", "全县", "全省", "全镇", "全年", "年度",
	"市级及以上", "省级及以上", "国家级及以上", "市级以上", "省级以上", "国家级以上", "以上",
	"新增", "累计", "数量", "总数", "总量", "总额", "个数", "家数", "人数", "拥有量", "经费", "有效",
	"GDP", "比重", "占比", "比例", "增长率", "增速", "增幅", "增长", "增加", "提高", "提升", "达到",
}

// termSeparators join several things in one indicator (研发平台和创新载体)
// or relate it to a base (研发投入占GDP比重).
var termSeparators = []string{"以及", "占", "和", "与", "及", "或", "、", "，", ",", "/", "的"}

var keyTermReplacer = func() *strings.Replacer {
	var pairs []string
	for _, t := range genericTerms {
		pairs = append(pairs, t, "")
	}
	for _, t := range termSeparators {
		pairs = append(pairs, t, "|")
	}
	return strings.NewReplacer(pairs...)
}()

// keyTerms returns the words of an indicator that a task pursuing it would
// name: the indicator with generic words removed, split where it joins
// several things; pieces shorter than two characters are dropped.
func keyTerms(indicator string) []string {
	s := keyTermReplacer.Replace(matchText(indicator))
	var out []string
	for _, p := range strings.Split(s, "|") {
		if utf8.RuneCountInString(p) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

// countUnits are classifiers that count things; notices mix them freely.
const countUnits = "个家所座户"

// statesFigure reports whether text states the goal's target figure
// followed by its unit (or, for count classifiers, any count classifier).
func statesFigure(text string, g DocGoal, unit string) bool {
	want := g.Target
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && (isDigit(text[i-1]) || text[i-1] == '.')) {
			continue
		}
		lo, j, ok := scanNumber(text, i)
		if !ok {
			continue
		}
		hi := lo
		isRange := false
		if k := rangeSep(text, j); k > j {
			if v, e, ok := scanNumber(text, k); ok {
				hi, j, isRange = v, e, true
			}
		}
		i = j - 1
		if !unitAt(text[j:], unit) {
			continue
		}
		if g.Comparator == WithinRange && g.TargetMax != nil {
			if isRange && lo.Cmp(want) == 0 && hi.Cmp(*g.TargetMax) == 0 {
				return true
			}
			continue
		}
		if !isRange && lo.Cmp(want) == 0 {
			return true
		}
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func scanNumber(s string, i int) (Decimal, int, bool) {
	j := i
	for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
		j++
	}
	if j == i {
		return Decimal{}, i, false
	}
	d, err := ParseDecimal(strings.TrimSuffix(s[i:j], "."))
	if err != nil {
		return Decimal{}, j, false
	}
	return d, j, true
}

// rangeSep returns the index after a range separator at i (1-3, 1～3, 1至3),
// or i when there is none.
func rangeSep(s string, i int) int {
	for _, sep := range []string{"-", "~", "～", "—", "–", "至", "到"} {
		if strings.HasPrefix(s[i:], sep) {
			return i + len(sep)
		}
	}
	return i
}

func unitAt(rest, unit string) bool {
	if unit == "" {
		return false
	}
	if strings.HasPrefix(rest, unit) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(unit)
	c, _ := utf8.DecodeRuneInString(rest)
	return utf8.RuneCountInString(unit) == 1 && strings.ContainsRune(countUnits, r) && strings.ContainsRune(countUnits, c)
}
