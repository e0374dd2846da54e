package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"
)

// supervisionView is the task × unit grid (督查督办) of a plan at a round.
type supervisionView struct {
	D        *progress.Data
	Grid     *plan.Grid
	Forms    map[int64]string        // unit ID → its form in the round, as the viewer may see it
	Notices  map[[2]int64]noticeMark // task and unit → the notices open on them
	Late     []store.Notice          // notices past their reply-by date, unanswered (督办逾期)
	WarnDays int
	Today    string
	Now      time.Time
}

// noticeMark is what a grid cell says of the notices on it.
type noticeMark struct {
	Open, Overdue int
	Latest        string // the newest open notice's public ID
}

// Mark is the cell's notices, for the template (zero when none).
func (v supervisionView) Mark(taskID, unitID int64) noticeMark {
	return v.Notices[[2]int64{taskID, unitID}]
}

// warnDays reads the window of days a near milestone turns yellow in
// (?days=, 1 to 90), plan.DefaultWarnDays when absent or out of range.
func warnDays(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("days"))
	if err != nil || n < 1 || n > 90 {
		return plan.DefaultWarnDays
	}
	return n
}

// supervision puts a plan's grid together at the round asked for (?round=,
// the latest opened one by default), as the viewer may see it: every unit
// for admins and leaders, a reporter's own unit only (auth.SightOf).
func (s *Server) supervision(r *http.Request, planID int64) (*supervisionView, auth.Sight, error) {
	roundID, _ := strconv.ParseInt(r.URL.Query().Get("round"), 10, 64)
	d, sight, err := s.progressFor(r, planID, roundID)
	if err != nil {
		return nil, sight, err
	}
	now := s.opts.Now()
	v := &supervisionView{D: d, WarnDays: warnDays(r), Today: plan.CivilDate(now), Now: now, Forms: map[int64]string{}, Notices: map[[2]int64]noticeMark{}}
	// The grid is judged at the round's data date; with no round yet, today.
	asOf := v.Today
	if d.Round != nil {
		asOf = d.Round.AsOf
	}
	v.Grid = plan.BuildGrid(plan.GridInput{Doc: d.Doc, Directory: d.Directory, Reports: d.Reports, Milestones: d.Milestones, Closures: d.Closures,
		AsOf: asOf, WarnDays: v.WarnDays, Sees: sight.Sees})
	for _, f := range d.Forms { // already cut to the sight
		v.Forms[f.UnitID] = f.PublicID
	}
	notices, err := s.store.Notices(r.Context(), store.NoticeFilter{PlanID: planID, Open: true})
	if err != nil {
		return nil, sight, err
	}
	for _, n := range notices {
		if !sight.Sees(n.UnitID) {
			continue
		}
		k := [2]int64{n.TaskID, n.UnitID}
		m := v.Notices[k]
		m.Open++
		if m.Latest == "" {
			m.Latest = n.PublicID
		}
		if n.Overdue(now) {
			m.Overdue++
			v.Late = append(v.Late, n)
		}
		v.Notices[k] = m
	}
	return v, sight, nil
}

// supervisionGrid is the grid page: tasks down, units across, each cell lit
// red, yellow or green by its milestones and the unit's reported status as
// of the round, with its open 督办单.
func (s *Server) supervisionGrid(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, _, err := s.supervision(r, planID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "supervision", v)
}

// taskSupervisionView is one task's dossier: its milestones, each unit's
// light as of the round, its notices, instructions and 销号.
type taskSupervisionView struct {
	*supervisionView
	Row          plan.GridRow
	Units        []plan.Unit // the grid's columns, for Row.Cells
	Milestones   []plan.Milestone
	Notices      []store.Notice
	Instructions []store.Instruction
	Closures     []store.Closure
	Closed       bool
	Error        string
	Form         map[string]string // what was typed, shown again after an error
}

// UnitName names a unit of the directory.
func (v taskSupervisionView) UnitName(id int64) string {
	if u, ok := v.D.Directory.Unit(id); ok {
		return u.Label()
	}
	return "全部责任单位"
}

// Overdue reports whether a notice is past its reply-by date, unanswered.
func (v taskSupervisionView) Overdue(n store.Notice) bool { return n.Overdue(v.Now) }

func (s *Server) taskSupervision(w http.ResponseWriter, r *http.Request) {
	s.renderTaskSupervision(w, r, http.StatusOK, "", nil)
}

// renderTaskSupervision shows a task's dossier, with an error and what was
// typed after a refused action.
func (s *Server) renderTaskSupervision(w http.ResponseWriter, r *http.Request, status int, message string, typed map[string]string) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	taskID, err := pathID(r, "task")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv, _, err := s.supervision(r, planID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &taskSupervisionView{supervisionView: sv, Units: sv.Grid.Units, Error: message, Form: typed}
	found := false
	for _, row := range sv.Grid.Rows {
		if row.Task.ID == taskID {
			v.Row, found = row, true
		}
	}
	if !found {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "任务不存在或已归档。"))
		return
	}
	ctx := r.Context()
	if v.Milestones, err = s.store.TaskMilestones(ctx, planID, taskID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Notices, err = s.store.Notices(ctx, store.NoticeFilter{PlanID: planID, TaskID: taskID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Instructions, err = s.store.Instructions(ctx, store.InstructionFilter{PlanID: planID, TaskID: taskID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Closures, err = s.store.ClosureHistory(ctx, planID, taskID); err != nil {
		s.fail(w, r, err)
		return
	}
	// Whether the task stands closed is read live (the newest closure, not
	// reopened), so that a 销号 just made shows whichever round is viewed.
	v.Closed = len(v.Closures) > 0 && v.Closures[0].ReopenedAt == nil
	if v.Form == nil {
		v.Form = map[string]string{"reply_by": plan.CivilDate(s.opts.Now().AddDate(0, 0, 7))}
	}
	s.render(w, r, status, "task_supervision", v)
}

// taskPath is a task's dossier.
func taskPath(r *http.Request) string {
	return fmt.Sprintf("/plans/%s/tasks/%s/supervision", r.PathValue("plan"), r.PathValue("task"))
}

// afterTaskAction answers an action on a task's dossier: back to it, or
// the page again with the error and what was typed.
func (s *Server) afterTaskAction(w http.ResponseWriter, r *http.Request, err error, anchor string, fields ...string) {
	if err == nil {
		http.Redirect(w, r, taskPath(r)+"?saved#"+anchor, http.StatusSeeOther)
		return
	}
	code := plan.ErrorCode(err)
	if code != plan.EINVALID && code != plan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	typed := map[string]string{"form": anchor}
	for _, f := range fields {
		typed[f] = r.PostFormValue(f)
	}
	s.renderTaskSupervision(w, r, status(code), plan.ErrorMessage(err), typed)
}

// planTask reads the plan and task IDs of the path.
func planTask(r *http.Request) (int64, int64, error) {
	planID, err := pathID(r, "plan")
	if err != nil {
		return 0, 0, err
	}
	taskID, err := pathID(r, "task")
	return planID, taskID, err
}

// noticeIssue issues a 督办单 on the task to one of its units.
func (s *Server) noticeIssue(w http.ResponseWriter, r *http.Request) {
	planID, taskID, err := planTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	_, err = s.store.IssueNotice(r.Context(), store.NoticeDraft{PlanID: planID, TaskID: taskID, UnitID: unitID,
		Reason: r.PostFormValue("reason"), Requirement: r.PostFormValue("requirement"), ReplyBy: strings.TrimSpace(r.PostFormValue("reply_by"))}, currentUser(r))
	s.afterTaskAction(w, r, err, "notices", "unit", "reason", "requirement", "reply_by")
}

// taskClose closes the task (销号) once its evidence has been reviewed.
func (s *Server) taskClose(w http.ResponseWriter, r *http.Request) {
	planID, taskID, err := planTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.store.CloseTask(r.Context(), planID, taskID, strings.TrimSpace(r.PostFormValue("note")), r.PostFormValue("evidence_reviewed") == "1", currentUser(r))
	s.afterTaskAction(w, r, err, "closure", "note")
}

// taskReopen undoes a 销号, for a reason.
func (s *Server) taskReopen(w http.ResponseWriter, r *http.Request) {
	planID, taskID, err := planTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.store.ReopenTask(r.Context(), planID, taskID, strings.TrimSpace(r.PostFormValue("reason")), currentUser(r))
	s.afterTaskAction(w, r, err, "closure", "reopen_reason")
}

// instructTask records a leader's instruction on the task to one of its units.
func (s *Server) instructTask(w http.ResponseWriter, r *http.Request) {
	planID, taskID, err := planTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	_, err = s.store.IssueInstruction(r.Context(), store.InstructionDraft{PlanID: planID, TaskID: taskID, UnitID: unitID, Body: r.PostFormValue("body")}, currentUser(r))
	s.afterTaskAction(w, r, err, "instructions", "unit", "body")
}

// milestonesSave replaces the task's milestones from the task's edit page:
// rows desc_N, due_N and unit_N; a row left blank is dropped.
func (s *Server) milestonesSave(w http.ResponseWriter, r *http.Request) {
	planID, taskID, err := planTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	var ms []plan.Milestone
	for i := range min(max(rows, 0), plan.MaxMilestones+5) {
		n := strconv.Itoa(i)
		desc, due := strings.TrimSpace(r.PostFormValue("desc_"+n)), strings.TrimSpace(r.PostFormValue("due_"+n))
		if desc == "" && due == "" {
			continue
		}
		unit, _ := strconv.ParseInt(r.PostFormValue("unit_"+n), 10, 64)
		ms = append(ms, plan.Milestone{TaskID: taskID, Description: desc, DueOn: due, UnitID: unit})
	}
	if err := s.store.SaveMilestones(r.Context(), planID, taskID, ms); err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		data, ferr := s.taskEditData(r)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		data["Milestones"], data["MilestoneError"] = ms, plan.ErrorMessage(err)
		s.render(w, r, status(code), "task_edit", data)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d/tasks/%d/edit?saved#milestones", planID, taskID), http.StatusSeeOther)
}

// unitSupervision is what a unit's inbox lists of supervision: the 督办单 to
// it and the 领导批示 to it, those still waiting first.
type unitSupervision struct {
	Notices      []store.Notice
	Instructions []store.Instruction
	Now          time.Time
}

// Overdue reports whether a notice is past its reply-by date, unanswered.
func (v unitSupervision) Overdue(n store.Notice) bool { return n.Overdue(v.Now) }

func (s *Server) inboxSupervision(r *http.Request, unitID int64, now time.Time) (*unitSupervision, error) {
	v := &unitSupervision{Now: now}
	var err error
	if v.Notices, err = s.store.Notices(r.Context(), store.NoticeFilter{UnitID: unitID}); err != nil {
		return nil, err
	}
	v.Instructions, err = s.store.Instructions(r.Context(), store.InstructionFilter{UnitID: unitID})
	return v, err
}

// dashboardSupervision is the dashboard's part of supervision: the notices
// overdue (督办逾期) of the units the viewer sees, and how many are open.
type dashboardSupervision struct {
	PlanID  int64
	Open    int
	Overdue []store.Notice
}

func (s *Server) dashboardSupervision(r *http.Request, planID int64, sight auth.Sight) (*dashboardSupervision, error) {
	notices, err := s.store.Notices(r.Context(), store.NoticeFilter{PlanID: planID, Open: true})
	if err != nil {
		return nil, err
	}
	v := &dashboardSupervision{PlanID: planID}
	now := s.opts.Now()
	for _, n := range notices {
		if !sight.Sees(n.UnitID) {
			continue
		}
		v.Open++
		if n.Overdue(now) {
			v.Overdue = append(v.Overdue, n)
		}
	}
	return v, nil
}

// planSupervision is what the plan page shows of supervision beside each
// task: its time limit's date, its milestones, its 销号 — as they stand now.
type planSupervision struct {
	PlanID     int64
	Year       int
	Milestones map[int64][]plan.Milestone
	Closures   map[int64]plan.TaskClosure
	Rows       map[string][]rowDeadline // task number → the time limits of the 附件1 rows detailing it
}

// rowDeadline is a task-table row's time limit as written and the date it
// comes to.
type rowDeadline struct{ Number, Text, Date string }

// Task is the part of one task, for the partial beside it.
func (v *planSupervision) Task(t plan.DocTask) map[string]any {
	c, closed := v.Closures[t.ID]
	deadline, _ := plan.ParseDeadline(t.Deadline, v.Year)
	return map[string]any{"PlanID": v.PlanID, "Task": t, "Deadline": deadline, "Milestones": v.Milestones[t.ID], "Closed": closed, "Closure": c,
		"Rows": v.Rows[t.Number]}
}

func (s *Server) planSupervision(r *http.Request, doc *plan.Document) (*planSupervision, error) {
	v := &planSupervision{PlanID: doc.ID, Year: doc.Year, Milestones: map[int64][]plan.Milestone{}, Closures: map[int64]plan.TaskClosure{}, Rows: map[string][]rowDeadline{}}
	for _, row := range doc.TaskTable {
		if row.Deadline != "" && row.MapsToTask != "" {
			d, _ := plan.ParseDeadline(row.Deadline, doc.Year)
			v.Rows[row.MapsToTask] = append(v.Rows[row.MapsToTask], rowDeadline{Number: row.Number, Text: row.Deadline, Date: d})
		}
	}
	ms, err := s.store.Milestones(r.Context(), doc.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		v.Milestones[m.TaskID] = append(v.Milestones[m.TaskID], m)
	}
	cs, err := s.store.TaskClosures(r.Context(), doc.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		v.Closures[c.TaskID] = c
	}
	return v, nil
}
