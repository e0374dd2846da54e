package plan

import (
	"fmt"
	"strings"
	"time"
)

// RoundState is a reporting round's life stage.
type RoundState string

const (
	RoundDraft  RoundState = "draft"  // being set up; units see nothing
	RoundOpen   RoundState = "open"   // forms generated; units report
	RoundClosed RoundState = "closed" // no more reports; the bulletin is written from it
)

// Label is the Chinese name of the state.
func (s RoundState) Label() string {
	switch s {
	case RoundDraft:
		return "未开始"
	case RoundOpen:
		return "填报中"
	case RoundClosed:
		return "已结束"
	}
	return string(s)
}

// Round is a reporting round (调度): every unit in scope reports on its
// tasks and its allocated targets as of a date.
type Round struct {
	ID         int64      `json:"id"`
	PlanID     int64      `json:"plan_id"`
	PlanTitle  string     `json:"plan_title"`
	Label      string     `json:"label"` // 2022年7月调度
	AsOf       string     `json:"as_of"` // data-as-of date, YYYY-MM-DD (Asia/Shanghai)
	OpensOn    string     `json:"opens_on"`
	DueOn      string     `json:"due_on"`
	State      RoundState `json:"state"`
	RemindDays int        `json:"remind_days"` // remind this many days before the due date, and on it
	UnitIDs    []int64    `json:"unit_ids"`    // units in scope
	Issue      int        `json:"issue"`       // times its figures were issued by closing it: 2 and more are reissues
	// ConfirmOutsideYear is staff's confirmation, on a create or an edit,
	// that the data date may lie outside the plan's year (CheckRoundYear);
	// it is not kept.
	ConfirmOutsideYear bool `json:"-"`
}

// CheckRound validates a round's fields as a whole; the error lists each
// problem with the field's Chinese name.
func CheckRound(r *Round) error {
	var probs []string
	if strings.TrimSpace(r.Label) == "" {
		probs = append(probs, "“名称”不能为空")
	} else if p := tooLong("名称", r.Label, MaxName); p != "" {
		probs = append(probs, p)
	}
	dates := map[string]string{"数据截至日期": r.AsOf, "开始日期": r.OpensOn, "截止日期": r.DueOn}
	parsed := map[string]time.Time{}
	for _, name := range []string{"数据截至日期", "开始日期", "截止日期"} {
		d, err := time.Parse(time.DateOnly, dates[name])
		if err != nil {
			probs = append(probs, fmt.Sprintf("“%s”应为 YYYY-MM-DD 格式的日期", name))
			continue
		}
		parsed[name] = d
	}
	if o, ok := parsed["开始日期"]; ok {
		if d, ok := parsed["截止日期"]; ok && d.Before(o) {
			probs = append(probs, "“截止日期”早于“开始日期”")
		}
	}
	if r.RemindDays < 0 || r.RemindDays > 30 {
		probs = append(probs, "“提前提醒天数”应在 0 到 30 之间")
	}
	seen := map[int64]bool{}
	for _, u := range r.UnitIDs {
		if seen[u] {
			probs = append(probs, fmt.Sprintf("“参与单位”中同一单位（编号 %d）出现了两次", u))
			break
		}
		seen[u] = true
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// FormState is where a unit's report stands in a round.
type FormState string

const (
	FormEmpty     FormState = "empty"     // 未填
	FormDraft     FormState = "draft"     // 草稿
	FormSubmitted FormState = "submitted" // 已报
	FormReturned  FormState = "returned"  // 退回
	FormApproved  FormState = "approved"  // 已审
)

// FormStates lists the states in the order the round matrix shows them.
var FormStates = []FormState{FormEmpty, FormDraft, FormSubmitted, FormReturned, FormApproved}

// Label is the Chinese name of the state.
func (s FormState) Label() string {
	switch s {
	case FormEmpty:
		return "未填"
	case FormDraft:
		return "草稿"
	case FormSubmitted:
		return "已报"
	case FormReturned:
		return "退回"
	case FormApproved:
		return "已审"
	}
	return string(s)
}

// Editable reports whether the unit may still change the form.
func (s FormState) Editable() bool {
	return s == FormEmpty || s == FormDraft || s == FormReturned
}

// Reported reports whether the unit has handed the form in.
func (s FormState) Reported() bool { return s == FormSubmitted || s == FormApproved }

// TaskStatus is how a unit says a task stands.
type TaskStatus string

const (
	TaskNotStarted TaskStatus = "not_started" // 未启动
	TaskInProgress TaskStatus = "in_progress" // 推进中
	TaskDone       TaskStatus = "done"        // 已完成
	TaskLagging    TaskStatus = "lagging"     // 滞后
)

// TaskStatuses lists the statuses in the order forms offer them.
var TaskStatuses = []TaskStatus{TaskNotStarted, TaskInProgress, TaskDone, TaskLagging}

// Valid reports whether s is one of the statuses.
func (s TaskStatus) Valid() bool {
	for _, v := range TaskStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Label is the Chinese name of the status.
func (s TaskStatus) Label() string {
	switch s {
	case TaskNotStarted:
		return "未启动"
	case TaskInProgress:
		return "推进中"
	case TaskDone:
		return "已完成"
	case TaskLagging:
		return "滞后"
	case "":
		return "未报"
	}
	return string(s)
}

// severity orders statuses from best to worst for consolidation.
func (s TaskStatus) severity() int {
	switch s {
	case TaskDone:
		return 1
	case TaskInProgress:
		return 2
	case TaskNotStarted:
		return 3
	case TaskLagging:
		return 4
	}
	return 0
}

// Consolidate is a task's status from its lead units' reports: the worst
// of what the lead units say (one lagging lead makes the task lagging), ""
// when no lead unit has an approved report on it.
func Consolidate(leadStatuses []TaskStatus) TaskStatus {
	var worst TaskStatus
	for _, s := range leadStatuses {
		if s.severity() > worst.severity() {
			worst = s
		}
	}
	return worst
}

// TaskReport is a unit's entry on a task in one of its reported
// (submitted or approved) forms: what task statuses and the lagging list
// are made of.
type TaskReport struct {
	TaskID   int64      `json:"task_id"`
	Number   string     `json:"number"`
	Title    string     `json:"title"`
	UnitID   int64      `json:"unit_id"`
	Unit     string     `json:"unit"`
	Lead     bool       `json:"lead"` // the unit leads the task
	Status   TaskStatus `json:"status"`
	Problems string     `json:"problems"` // 存在问题, in the unit's words
	Form     string     `json:"form"`     // public ID
	Approved bool       `json:"approved"`
	RoundID  int64      `json:"round_id"`
	AsOf     string     `json:"as_of"`
}

// TaskStatusesOf is each task's status from reports (newest first): the
// consolidation of its lead units' latest approved entries. Tasks no lead
// unit has an approved entry on are absent.
func TaskStatusesOf(reports []TaskReport) map[int64]TaskStatus {
	leads := map[int64][]TaskStatus{}
	seen := map[[2]int64]bool{}
	for _, r := range reports {
		k := [2]int64{r.TaskID, r.UnitID}
		if !r.Lead || !r.Approved || seen[k] {
			continue
		}
		seen[k] = true
		leads[r.TaskID] = append(leads[r.TaskID], r.Status)
	}
	out := make(map[int64]TaskStatus, len(leads))
	for id, sts := range leads {
		out[id] = Consolidate(sts)
	}
	return out
}

// LatestReports keeps each unit's latest entry on each task from reports
// (newest first), in their order: what units last said, approved or not.
func LatestReports(reports []TaskReport) []TaskReport {
	var out []TaskReport
	seen := map[[2]int64]bool{}
	for _, r := range reports {
		if k := [2]int64{r.TaskID, r.UnitID}; !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// Form is one unit's report in a round (填报).
type Form struct {
	ID            int64       `json:"-"`
	PublicID      string      `json:"id"` // what URLs carry: random, so not guessable
	RoundID       int64       `json:"round_id"`
	UnitID        int64       `json:"unit_id"`
	UnitName      string      `json:"unit_name"`
	State         FormState   `json:"state"`
	Version       int         `json:"version"` // grows with every save; a save names the version it read
	Tasks         []FormTask  `json:"tasks"`
	Values        []FormValue `json:"values"`
	TypedFields   int         `json:"typed_fields"`   // fields the unit changed from what was carried over
	CarriedFields int         `json:"carried_fields"` // fields prefilled from the last approved report
	SecondsSpent  int         `json:"seconds_spent"`
	// FirstSubmittedAt and DueOnAtSubmission are when the unit first handed
	// the form in and the round's due date then: what Late judges.
	FirstSubmittedAt  *time.Time `json:"first_submitted_at,omitempty"`
	DueOnAtSubmission string     `json:"due_on_at_submission,omitempty"`
}

// FormTask is a form's entry for one task the unit leads or shares.
type FormTask struct {
	TaskID int64  `json:"task_id"`
	Number string `json:"number"`
	Title  string `json:"title"`
	Lead   bool   `json:"lead"` // the unit leads this task
	// The task as the plan words it, and the action it belongs to: what
	// a reporter reads before writing.
	Text          string     `json:"text,omitempty"`
	SectionNumber string     `json:"section_number,omitempty"`
	SectionTitle  string     `json:"section_title,omitempty"`
	Status        TaskStatus `json:"status"`
	Progress      string     `json:"progress"`    // 进展情况
	Problems      string     `json:"problems"`    // 存在问题
	NextSteps     string     `json:"next_steps"`  // 下步打算
	Attachments   int        `json:"attachments"` // evidence files
}

// Role is the unit's part in the task as the notice names it: 牵头 or 责任.
func (t FormTask) Role() string {
	if t.Lead {
		return "牵头"
	}
	return "责任"
}

// FormValue is a form's entry for one target allocated to the unit.
type FormValue struct {
	GoalID    int64    `json:"goal_id"`
	Indicator string   `json:"indicator"`
	Unit      string   `json:"unit"` // of measure
	Target    Decimal  `json:"target"`
	Value     *Decimal `json:"value"`
	Note      string   `json:"note"`                // source and 口径
	Kind      GoalKind `json:"kind,omitempty"`      // the goal's kind: what sort of figure is asked for
	GoalText  string   `json:"goal_text,omitempty"` // the goal as the notice words it
}

// Hint says what figure a value asks for, from its goal's kind and unit of
// measure: a count at the date, a sum since the start of the year, a
// share; whole or to how many decimals. asOf is the round's data date.
func (v FormValue) Hint(asOf string) string {
	var what string
	switch v.Kind {
	case KindStock:
		what = "截至 " + asOf + " 的总数（存量，不是本年新增）"
	case KindFlow:
		year := asOf
		if len(asOf) >= 4 {
			year = asOf[:4]
		}
		what = year + "年1月1日至 " + asOf + " 的累计数"
	case KindRatio:
		what = "截至 " + asOf + " 的比率"
	case KindPerCapita:
		what = "截至 " + asOf + " 的每万人数值"
	default:
		what = "截至 " + asOf + " 的数值"
	}
	unit := "以“" + v.Unit + "”计"
	if v.Unit == "" {
		unit = "不带单位"
	}
	if p := Precision(v.Unit); p == 0 {
		unit += "，填整数"
	} else {
		unit += fmt.Sprintf("，最多 %d 位小数", p)
	}
	return "填" + what + "，" + unit + "。"
}

// NotePlaceholder suggests, for a value's note, the source its indicator
// is usually counted from.
func (v FormValue) NotePlaceholder() string {
	switch {
	case strings.Contains(v.Indicator, "科技型中小企业"):
		return "如：科技型中小企业评价服务平台入库名单"
	case strings.Contains(v.Indicator, "高新技术企业"):
		return "如：高新技术企业认定名单（有效期内）"
	case strings.Contains(v.Indicator, "技术合同"):
		return "如：技术合同登记系统登记数"
	case strings.Contains(v.Indicator, "专利"):
		return "如：知识产权部门专利统计"
	case strings.Contains(v.Indicator, "研发") || strings.Contains(v.Indicator, "R&D"):
		return "如：统计部门研发投入统计"
	case strings.Contains(v.Indicator, "平台") || strings.Contains(v.Indicator, "机构"):
		return "如：认定文件或平台名单"
	}
	return "如：" + v.Indicator + "的名单、台账或统计来源"
}

// Precision is how many decimal places a value in this unit of measure may
// have: counts are whole, money in 亿元 to the 万元, shares to 0.01.
func Precision(unit string) int {
	switch unit {
	case "家", "个", "件", "项", "人", "名", "次", "所", "座", "户":
		return 0
	case "亿元":
		return 4
	case "万元":
		return 2
	case "%":
		return 2
	}
	return 4
}

// GoalPlaces is how many decimals a goal's figure is shown and computed
// to: its unit's precision, and two for ratios and per-capita figures
// (0.54%, 27.35件/万人).
func GoalPlaces(g DocGoal) int {
	if g.Kind == KindRatio || g.Kind == KindPerCapita || g.Unit == "%" {
		return 2
	}
	return Precision(g.Unit)
}

// places counts the decimal places of d.
func (d Decimal) places() int {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// CheckSubmit lists what keeps a form from being submitted: every task
// needs a status and progress; 已完成 needs evidence or a note in its
// progress; every target needs a value, not negative and in its unit's
// precision; no text is over its limit. Each problem names the task or the
// indicator, and is given at its field (FieldError: tasks.ID.status,
// values.ID.value …).
func CheckSubmit(f *Form) error {
	probs := formLengths(f)
	for _, t := range f.Tasks {
		where := "任务" + t.Number + "："
		switch {
		case !t.Status.Valid():
			probs = append(probs, taskProblem(t, "status", where+"请选择推进状态"))
		case strings.TrimSpace(t.Progress) == "":
			probs = append(probs, taskProblem(t, "progress", where+"请填写进展情况"))
		case t.Status == TaskDone && t.Attachments == 0 && len([]rune(strings.TrimSpace(t.Progress))) < 10:
			probs = append(probs, taskProblem(t, "progress", where+"标为“已完成”需上传佐证材料，或在进展情况中写明完成情况（至少10字）"))
		}
	}
	for _, v := range f.Values {
		probs = append(probs, checkValue(v)...)
	}
	if len(probs) > 0 {
		return fieldsError(fmt.Sprintf("还有 %d 处需要补充：", len(probs)), probs)
	}
	return nil
}

// CheckDraft checks what a draft may not hold even before submission:
// malformed statuses and values, texts over their limits; at their fields
// as CheckSubmit.
func CheckDraft(f *Form) error {
	probs := formLengths(f)
	for _, t := range f.Tasks {
		if t.Status != "" && !t.Status.Valid() {
			probs = append(probs, taskProblem(t, "status", "任务"+t.Number+"：推进状态无效"))
		}
	}
	for _, v := range f.Values {
		if v.Value != nil {
			probs = append(probs, checkValue(v)...)
		}
	}
	if len(probs) > 0 {
		return fieldsError("草稿未保存：", probs)
	}
	return nil
}

// fieldsError is an EINVALID error listing probs under a heading, one a
// line, with each at its field.
func fieldsError(heading string, probs []FieldError) error {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.Message
	}
	e := Errorf(EINVALID, "%s\n%s", heading, strings.Join(lines, "\n"))
	e.Fields = probs
	return e
}

func taskProblem(t FormTask, field, msg string) FieldError {
	return FieldError{Field: fmt.Sprintf("tasks.%d.%s", t.TaskID, field), Message: msg}
}

func valueProblem(v FormValue, field, msg string) FieldError {
	return FieldError{Field: fmt.Sprintf("values.%d.%s", v.GoalID, field), Message: msg}
}

// formLengths lists the texts of a form over their limits: each task's
// 进展情况, 存在问题 and 下步打算 (MaxEntry), each value's note (MaxComment).
func formLengths(f *Form) []FieldError {
	var probs []FieldError
	for _, t := range f.Tasks {
		for _, e := range []struct{ key, field, text string }{{"progress", "进展情况", t.Progress}, {"problems", "存在问题", t.Problems}, {"next_steps", "下步打算", t.NextSteps}} {
			if p := tooLong(e.field, e.text, MaxEntry); p != "" {
				probs = append(probs, taskProblem(t, e.key, "任务"+t.Number+"："+p))
			}
		}
	}
	for _, v := range f.Values {
		if p := tooLong("数据来源与口径", v.Note, MaxComment); p != "" {
			probs = append(probs, valueProblem(v, "note", "“"+v.Indicator+"”："+p))
		}
	}
	return probs
}

func checkValue(v FormValue) []FieldError {
	where := "“" + v.Indicator + "”"
	var msg string
	switch {
	case v.Value == nil:
		msg = where + "：请填写截至数据日期的数值"
	case v.Value.Sign() < 0:
		msg = where + "：数值不能为负"
	case v.Value.places() > Precision(v.Unit):
		if Precision(v.Unit) == 0 {
			msg = fmt.Sprintf("%s：以“%s”计，应为整数", where, v.Unit)
		} else {
			msg = fmt.Sprintf("%s：以“%s”计，最多 %d 位小数", where, v.Unit, Precision(v.Unit))
		}
	default:
		return nil
	}
	return []FieldError{valueProblem(v, "value", msg)}
}

// CountFields counts the fields of a form that hold something, and of
// those how many differ from base (what was carried over): the
// reporting-burden figures. Values count once each; a task counts its
// status, progress, problems and next steps.
func CountFields(base, cur *Form) (typed, carried int) {
	baseTasks := map[int64]FormTask{}
	for _, t := range base.Tasks {
		baseTasks[t.TaskID] = t
	}
	for _, t := range cur.Tasks {
		b := baseTasks[t.TaskID]
		for _, pair := range [][2]string{
			{string(t.Status), string(b.Status)}, {t.Progress, b.Progress}, {t.Problems, b.Problems}, {t.NextSteps, b.NextSteps},
		} {
			typed, carried = count(pair[0], pair[1], typed, carried)
		}
	}
	baseValues := map[int64]FormValue{}
	for _, v := range base.Values {
		baseValues[v.GoalID] = v
	}
	for _, v := range cur.Values {
		b := baseValues[v.GoalID]
		typed, carried = count(decimalText(v.Value), decimalText(b.Value), typed, carried)
		typed, carried = count(v.Note, b.Note, typed, carried)
	}
	return typed, carried
}

func count(cur, base string, typed, carried int) (int, int) {
	switch {
	case strings.TrimSpace(cur) == "":
	case cur == base:
		carried++
	default:
		typed++
	}
	return typed, carried
}

func decimalText(d *Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// UnitValue is a unit's approved value for a goal.
type UnitValue struct {
	GoalID int64
	UnitID int64
	Value  Decimal
	AsOf   string
	Source string // public ID of the form it was approved in: where a number drills to
	// DataDate is, for a value rolled up from a linked plan (LinkedSource),
	// the data date of the linked plan's latest figure in it; "" otherwise.
	DataDate string `json:",omitempty"`
}

// GoalActual is a goal's actual from units' approved values: their sum
// when the goal's kind adds up across units (counts and flows); ok is false
// for ratios and per-capita figures, which are not sums of units, and when
// no unit has reported.
func GoalActual(g DocGoal, values []UnitValue) (actual Decimal, ok bool) {
	if !g.Kind.Additive() {
		return Decimal{}, false
	}
	for _, v := range values {
		if v.GoalID == g.ID {
			actual, ok = actual.Add(v.Value), true
		}
	}
	return actual, ok
}
