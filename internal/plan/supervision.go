package plan

import (
	"fmt"
	"strings"
	"time"
)

// Task supervision (督查督办): milestones (节点) of tasks, supervision
// notices (督办单) to lagging units, closing a verified task (销号), and
// leaders' instructions (领导批示). The rules here are pure; the store keeps
// the records and the web shows them.

// Milestone is a 节点 of a task: what is to be done by when (6月底前出台方案,
// due 06-30) and by which of the task's units — 0 for every unit of it.
type Milestone struct {
	ID          int64  `json:"id,omitempty"`
	TaskID      int64  `json:"task_id"`
	UnitID      int64  `json:"unit_id,omitempty"`
	Description string `json:"description"`
	DueOn       string `json:"due_on"` // YYYY-MM-DD
}

// MaxMilestones bounds the milestones of one task.
const MaxMilestones = 30

// CheckMilestones validates a task's milestones as entered, naming each by
// its place (第2个节点). A due date left empty is taken from the
// description's first date (6月底前出台方案 → year-06-30), so staff may write
// the time once. units are the task's units: a milestone's unit, when it
// names one, must be among them.
func CheckMilestones(ms []Milestone, year int, units map[int64]bool) error {
	var probs []string
	if len(ms) > MaxMilestones {
		probs = append(probs, fmt.Sprintf("一项任务最多 %d 个节点（现为 %d 个）", MaxMilestones, len(ms)))
	}
	for i := range ms {
		m := &ms[i]
		where := fmt.Sprintf("第%d个节点：", i+1)
		m.Description, m.DueOn = strings.TrimSpace(m.Description), strings.TrimSpace(m.DueOn)
		if m.Description == "" {
			probs = append(probs, where+"“节点内容”不能为空")
		} else if p := tooLong("节点内容", m.Description, MaxTitle); p != "" {
			probs = append(probs, where+p)
		}
		if m.DueOn == "" {
			if ds := DeadlineDates(m.Description, year); len(ds) > 0 {
				m.DueOn = ds[0]
			}
		}
		if _, err := time.Parse(time.DateOnly, m.DueOn); err != nil {
			probs = append(probs, where+"“完成日期”应为 YYYY-MM-DD 格式的日期，或在节点内容中写明时间（如“6月底前”）")
		}
		if m.UnitID != 0 && !units[m.UnitID] {
			probs = append(probs, where+"“责任单位”不是本任务的牵头或责任单位")
		}
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// TaskClosure is a task's 销号: the bureau verified that it is finished
// (its evidence reviewed) and closed it. A closed task leaves the forms of
// rounds opened after it; an administrator may reopen it with a reason.
type TaskClosure struct {
	TaskID   int64     `json:"task_id"`
	ClosedAt time.Time `json:"closed_at"`
	ClosedBy string    `json:"closed_by"`
	Note     string    `json:"note"`
}

// CheckClosure refuses a 销号 whose evidence was not confirmed as reviewed
// or whose note is too long.
func CheckClosure(note string, evidenceReviewed bool) error {
	var probs []string
	if !evidenceReviewed {
		probs = append(probs, "请确认已核验佐证材料后再销号")
	}
	if p := tooLong("销号说明", note, MaxComment); p != "" {
		probs = append(probs, p)
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// CheckText refuses an empty text or one over max characters, naming the
// field: a reason to reopen, an instruction, an answer, a reply.
func CheckText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "请填写“%s”", field)
	}
	return CheckLength(field, s, max)
}

// CheckNotice validates a supervision notice (督办单) before it is issued:
// its reason (督办事由) and what is required (工作要求) are written, and the
// reply-by date (反馈期限) is a date no earlier than today in Beijing.
func CheckNotice(reason, requirement, replyBy string, now time.Time) error {
	var probs []string
	for _, f := range []struct{ name, text string }{{"督办事由", reason}, {"工作要求", requirement}} {
		if strings.TrimSpace(f.text) == "" {
			probs = append(probs, "请填写“"+f.name+"”")
		} else if p := tooLong(f.name, f.text, MaxComment); p != "" {
			probs = append(probs, p)
		}
	}
	if _, err := time.Parse(time.DateOnly, replyBy); err != nil {
		probs = append(probs, "“反馈期限”应为 YYYY-MM-DD 格式的日期")
	} else if replyBy < CivilDate(now) {
		probs = append(probs, "“反馈期限”不能早于今天（"+CivilDate(now)+"）")
	}
	if len(probs) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(probs, "；"))
	}
	return nil
}

// NoticeOverdue reports whether a notice is 督办逾期: not replied to, and
// its reply-by date has passed in Beijing time (the date itself is still
// on time until 24:00).
func NoticeOverdue(replyBy string, replied bool, now time.Time) bool {
	return !replied && replyBy != "" && CivilDate(now) > replyBy
}

// Signal is a supervision light on a task and unit: red (红, behind),
// yellow (黄, a milestone close), green (绿, on track or done); none when
// the unit has reported nothing on the task and nothing is pressing.
type Signal string

const (
	SignalRed    Signal = "red"
	SignalYellow Signal = "yellow"
	SignalGreen  Signal = "green"
	SignalNone   Signal = "none"
)

// Signals lists the lights in the order a legend shows them.
var Signals = []Signal{SignalRed, SignalYellow, SignalGreen, SignalNone}

// Label is the Chinese name of the light.
func (s Signal) Label() string {
	switch s {
	case SignalRed:
		return "红"
	case SignalYellow:
		return "黄"
	case SignalGreen:
		return "绿"
	}
	return "未报"
}

func (s Signal) rank() int {
	switch s {
	case SignalRed:
		return 3
	case SignalYellow:
		return 2
	case SignalGreen:
		return 1
	}
	return 0
}

// DefaultWarnDays is how many days before a milestone's due date a unit
// not done with the task turns yellow.
const DefaultWarnDays = 15

// CellInput is what a task and unit are judged by: the unit's latest
// reported status on the task as of the round, the milestones that fall to
// the unit (the task's deadline among them), whether the task is closed
// (销号), and the date judged at — the round's data date.
type CellInput struct {
	AsOf       string
	WarnDays   int
	Status     TaskStatus // "" when the unit has reported nothing on it
	Milestones []Milestone
	Closed     bool
}

// Judgement is a light and why, in words for the grid's cell.
type Judgement struct {
	Signal    Signal
	Reason    string
	Milestone *Milestone // the milestone that decided, if one did
}

// JudgeCell lights a task and unit, the first rule that applies deciding:
//   - green: the task is closed (已销号), or the unit reports it 已完成;
//   - red: the unit reports it 滞后, or a milestone's due date is before the
//     date judged at (the earliest such milestone is named);
//   - yellow: a milestone is due within WarnDays, or the unit reports 未启动
//     with a milestone due within twice that (it has not begun though a
//     milestone nears);
//   - none: the unit has reported nothing on the task;
//   - green: otherwise (推进中, or 未启动 with no milestone near).
//
// Milestones whose dates do not parse are left out.
func JudgeCell(in CellInput) Judgement {
	switch {
	case in.Closed:
		return Judgement{Signal: SignalGreen, Reason: "已销号"}
	case in.Status == TaskDone:
		return Judgement{Signal: SignalGreen, Reason: "已完成"}
	case in.Status == TaskLagging:
		return Judgement{Signal: SignalRed, Reason: "单位自报滞后"}
	}
	asOf, err := time.Parse(time.DateOnly, in.AsOf)
	if err != nil {
		return Judgement{Signal: SignalNone, Reason: "无数据日期"}
	}
	var overdue, next *Milestone
	var nextDays int
	for i := range in.Milestones {
		m := &in.Milestones[i]
		due, err := time.Parse(time.DateOnly, m.DueOn)
		if err != nil {
			continue
		}
		days := int(due.Sub(asOf).Hours() / 24)
		switch {
		case days < 0:
			if overdue == nil || m.DueOn < overdue.DueOn {
				overdue = m
			}
		case next == nil || days < nextDays:
			next, nextDays = m, days
		}
	}
	switch {
	case overdue != nil:
		return Judgement{Signal: SignalRed, Reason: fmt.Sprintf("节点“%s”%s 已到期，未报完成", overdue.Description, overdue.DueOn), Milestone: overdue}
	case next != nil && nextDays <= in.WarnDays:
		return Judgement{Signal: SignalYellow, Reason: fmt.Sprintf("节点“%s”将于 %s 到期", next.Description, next.DueOn), Milestone: next}
	case next != nil && in.Status == TaskNotStarted && nextDays <= 2*in.WarnDays:
		return Judgement{Signal: SignalYellow, Reason: fmt.Sprintf("尚未启动，节点“%s”将于 %s 到期", next.Description, next.DueOn), Milestone: next}
	case in.Status == "":
		return Judgement{Signal: SignalNone, Reason: "暂无填报"}
	case next != nil:
		return Judgement{Signal: SignalGreen, Reason: fmt.Sprintf("按计划推进，下一节点 %s", next.DueOn), Milestone: next}
	}
	return Judgement{Signal: SignalGreen, Reason: "按计划推进"}
}

// GridInput is what the task × unit grid is built from: the plan and the
// directory, each unit's latest entry on each task as of the round
// (LatestReports), the milestones and the closures, the date judged at, and
// the units the viewer may see (auth.Sight.Sees).
type GridInput struct {
	Doc        *Document
	Directory  *Directory
	Reports    []TaskReport
	Milestones []Milestone
	Closures   []TaskClosure
	AsOf       string
	WarnDays   int
	Sees       func(unitID int64) bool
}

// Grid is the task × unit supervision grid (督查督办).
type Grid struct {
	AsOf     string
	WarnDays int
	Units    []Unit // the columns: units with a part in a task, that the viewer sees
	Rows     []GridRow
	Counts   map[Signal]int // cells by light
}

// GridRow is one task of the grid.
type GridRow struct {
	Section  DocSection // the action the task is in (its tasks left out)
	Task     DocTask
	Deadline string // the date the task's 完成时限 comes to, "" when none
	Closure  *TaskClosure
	Cells    []GridCell // one per Grid.Units
	Worst    Signal     // the worst light of its cells
}

// GridCell is a task and unit.
type GridCell struct {
	UnitID   int64
	Assigned bool // the unit leads or shares the task; else the cell is empty
	Role     Role
	Report   *TaskReport // the unit's latest entry as of the round; nil for none
	Judgement
}

// BuildGrid lights every task (archived ones aside) for every unit taking
// part in it. The milestones falling to a unit on a task are the task's own
// that name the unit or none, the task's 完成时限, and the 时限 of the
// task-table rows (附件1) detailing it that name the unit.
func BuildGrid(in GridInput) *Grid {
	g := &Grid{AsOf: in.AsOf, WarnDays: in.WarnDays, Counts: map[Signal]int{}}
	sees := in.Sees
	if sees == nil {
		sees = func(int64) bool { return true }
	}
	assignments, _ := Resolve(in.Doc, in.Directory)
	roles := map[[2]int64]Role{}
	involved := map[int64]bool{}
	archived := map[int64]bool{}
	for _, s := range in.Doc.Sections {
		for _, t := range s.Tasks {
			archived[t.ID] = t.Archived
		}
	}
	for _, a := range assignments {
		k := [2]int64{a.TaskID, a.UnitID}
		if roles[k] != RoleLead {
			roles[k] = a.Role
		}
		if !archived[a.TaskID] {
			involved[a.UnitID] = true
		}
	}
	for _, u := range in.Directory.Units {
		if involved[u.ID] && !u.Archived && sees(u.ID) {
			g.Units = append(g.Units, u)
		}
	}
	reports := map[[2]int64]*TaskReport{}
	for i := range in.Reports {
		r := &in.Reports[i]
		if k := [2]int64{r.TaskID, r.UnitID}; reports[k] == nil {
			reports[k] = r
		}
	}
	closures := map[int64]*TaskClosure{}
	for i := range in.Closures {
		closures[in.Closures[i].TaskID] = &in.Closures[i]
	}
	idx := in.Directory.Index()
	for _, s := range in.Doc.Sections {
		section := DocSection{ID: s.ID, Number: s.Number, Title: s.Title}
		for _, t := range s.Tasks {
			if t.Archived {
				continue
			}
			row := GridRow{Section: section, Task: t, Closure: closures[t.ID], Worst: SignalNone}
			row.Deadline, _ = ParseDeadline(t.Deadline, in.Doc.Year)
			own, byUnit := taskMilestones(in, t, row.Deadline, idx)
			for _, u := range g.Units {
				c := GridCell{UnitID: u.ID}
				role, ok := roles[[2]int64{t.ID, u.ID}]
				if ok {
					c.Assigned, c.Role, c.Report = true, role, reports[[2]int64{t.ID, u.ID}]
					var ms []Milestone
					for _, m := range own {
						if m.UnitID == 0 || m.UnitID == u.ID {
							ms = append(ms, m)
						}
					}
					ms = append(ms, byUnit[u.ID]...)
					var status TaskStatus
					if c.Report != nil {
						status = c.Report.Status
					}
					c.Judgement = JudgeCell(CellInput{AsOf: in.AsOf, WarnDays: in.WarnDays, Status: status, Milestones: ms, Closed: row.Closure != nil})
					g.Counts[c.Signal]++
					if c.Signal.rank() > row.Worst.rank() {
						row.Worst = c.Signal
					}
				}
				row.Cells = append(row.Cells, c)
			}
			g.Rows = append(g.Rows, row)
		}
	}
	return g
}

// taskMilestones are a task's milestones: its own and its deadline's (for
// every unit), and by unit those of the task-table rows detailing it.
func taskMilestones(in GridInput, t DocTask, deadline string, idx map[string]Ref) ([]Milestone, map[int64][]Milestone) {
	var own []Milestone
	for _, m := range in.Milestones {
		if m.TaskID == t.ID {
			own = append(own, m)
		}
	}
	if deadline != "" {
		own = append(own, Milestone{TaskID: t.ID, Description: "完成时限：" + t.Deadline, DueOn: deadline})
	}
	byUnit := map[int64][]Milestone{}
	for _, r := range in.Doc.TaskTable {
		if r.MapsToTask != t.Number || t.Number == "" {
			continue
		}
		due, ok := ParseDeadline(r.Deadline, in.Doc.Year)
		if !ok {
			continue
		}
		m := Milestone{TaskID: t.ID, Description: fmt.Sprintf("附件1第%s行时限：%s", r.Number, r.Deadline), DueOn: due}
		seen := map[int64]bool{}
		for _, name := range append(append([]string(nil), r.LeadUnits...), r.ResponsibleUnits...) {
			for _, id := range in.Directory.Expand(idx, name) {
				if !seen[id] {
					seen[id] = true
					byUnit[id] = append(byUnit[id], m)
				}
			}
		}
	}
	return own, byUnit
}
