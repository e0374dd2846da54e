package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/notify"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// roundList shows a plan's rounds and, for admins, the form to add one,
// proposing the next round inside the plan's year (plan.NextRound).
func (s *Server) roundList(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rounds, err := s.store.Rounds(r.Context(), doc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.roundsPage(r, doc, rounds, plan.NextRound(doc.Year, rounds, s.opts.Now()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data["Deleted"] = r.URL.Query().Has("deleted")
	s.render(w, r, http.StatusOK, "rounds", data)
}

// roundsPage is the rounds page's data, with the new-round form holding
// next: a refused create comes back with the units as chosen, and a data
// date outside the plan's year brings up the box that confirms it.
func (s *Server) roundsPage(r *http.Request, doc *plan.Document, rounds []*plan.Round, next plan.Round) (map[string]any, error) {
	units, err := s.scopeUnits(r, doc)
	if err != nil {
		return nil, err
	}
	var chosen map[int64]bool
	if len(next.UnitIDs) > 0 {
		chosen = map[int64]bool{}
		for _, id := range next.UnitIDs {
			chosen[id] = true
		}
	}
	lq := readListQuery(r, "state")
	var shown []*plan.Round
	for _, rd := range rounds {
		if lq.Is("state", string(rd.State)) && lq.Matches(rd.Label, rd.AsOf, rd.DueOn) {
			shown = append(shown, rd)
		}
	}
	return map[string]any{
		"Doc": doc, "Rounds": shown, "Total": len(rounds), "Query": lq, "Units": units, "Chosen": chosen, "New": next,
		"RoundStates": []plan.RoundState{plan.RoundDraft, plan.RoundOpen, plan.RoundClosed},
		"OutsideYear": !plan.AsOfInYear(next.AsOf, doc.Year), "ConfirmLabel": plan.ConfirmOutsideYearLabel,
	}, nil
}

// roundFromRequest reads a round's fields as the new-round and edit forms
// send them.
func roundFromRequest(r *http.Request) (plan.Round, error) {
	days, err := formInt(r, "remind_days", "提前提醒天数")
	return plan.Round{
		Label: strings.TrimSpace(r.PostFormValue("label")),
		AsOf:  r.PostFormValue("as_of"), OpensOn: r.PostFormValue("opens_on"), DueOn: r.PostFormValue("due_on"), RemindDays: days,
		ConfirmOutsideYear: r.PostFormValue("confirm_as_of") != "",
	}, err
}

func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := roundFromRequest(r)
	rd.PlanID = planID
	for _, v := range r.PostForm["units"] {
		if id, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			rd.UnitIDs = append(rd.UnitIDs, id)
		}
	}
	var id int64
	if err == nil {
		id, err = s.store.CreateRound(r.Context(), rd)
	}
	if err != nil {
		doc, _, derr := s.planAndDirectory(r)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		rounds, _ := s.store.Rounds(r.Context(), planID)
		data, perr := s.roundsPage(r, doc, rounds, rd)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, err, "rounds", data)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rounds/%d?saved", id), http.StatusSeeOther)
}

// matrixRow is a unit's line in the round page.
type matrixRow struct {
	store.FormSummary
	Minutes int
	Overdue bool   // not reported and past the due date
	LateOn  string // the Beijing date of a late first submission, "" when on time
}

// timeliness marks a form of the round as 逾期 (plan.Overdue) or, while
// it stands reported, 逾期报送 (plan.Late), and puts its submission time in
// Beijing time for display.
func timeliness(rd *plan.Round, f store.FormSummary, now time.Time) matrixRow {
	row := matrixRow{FormSummary: f, Minutes: (f.SecondsSpent + 59) / 60, Overdue: plan.Overdue(rd.State, rd.DueOn, f.State, now)}
	row.LateOn = lateOn(f.State, f.FirstSubmittedAt, f.DueOnAtSubmission)
	if f.SubmittedAt != nil {
		t := f.SubmittedAt.In(plan.Zone)
		row.SubmittedAt = &t
	}
	return row
}

// lateOn is the Beijing date of a late first submission (plan.Late) while
// the form stands reported, "" otherwise: a returned form is judged by
// plan.Overdue until it is submitted again.
func lateOn(state plan.FormState, first *time.Time, dueAtSubmission string) string {
	if !state.Reported() || first == nil || !plan.Late(dueAtSubmission, *first) {
		return ""
	}
	return plan.CivilDate(*first)
}

// roundShow is the round page: the unit × state matrix with the reporting
// burden. Reporters see their own unit's line only: how other units stand
// is not theirs to see.
func (s *Server) roundShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	forms, err := s.store.RoundForms(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	now := s.opts.Now()
	counts := map[plan.FormState]int{}
	var rows []matrixRow
	typed, carried, seconds, reported, overdue, late := 0, 0, 0, 0, 0, 0
	for _, f := range forms {
		counts[f.State]++
		if f.State.Reported() {
			typed, carried, seconds, reported = typed+f.TypedFields, carried+f.CarriedFields, seconds+f.SecondsSpent, reported+1
		}
		switch row := timeliness(rd, f, now); {
		case row.Overdue:
			overdue++
		case row.LateOn != "":
			late++
		}
	}
	lq := readListQuery(r, "state")
	visible := visibleForms(u, forms)
	for _, f := range visible {
		row := timeliness(rd, f, now)
		if lq.Matches(f.UnitName, f.Contact, f.Phone) && (lq.Is("state", string(f.State)) || lq.Filter["state"] == "overdue" && row.Overdue) {
			rows = append(rows, row)
		}
	}
	data := map[string]any{"Round": rd, "Rows": rows, "Shown": len(rows), "Visible": len(visible), "Query": lq, "States": plan.FormStates,
		"CanRemind": s.opts.Reminder != nil, "CanPDF": s.opts.Chromium != "",
		"CanBulk":   auth.Allowed(u, auth.PermAdmin) && rd.State == plan.RoundOpen && counts[plan.FormSubmitted] > 0,
		"CanExport": auth.Allowed(u, auth.PermOversee), "CanExportForms": auth.Allowed(u, auth.PermAdmin)}
	// The data date it was, after an edit moved it: only a date is shown.
	if old := r.URL.Query().Get("asof_changed"); validDate(old) && old != rd.AsOf {
		data["AsOfChanged"] = "数据截至日期已由 " + old + " 改为 " + rd.AsOf + "。已填报的单位是按原日期填写的，请通知其核对数值。"
	}
	if n := r.URL.Query().Get("reminded"); n != "" {
		msg := "已向 " + n + " 个单位发送催报。"
		if e := r.URL.Query().Get("failed"); e != "" {
			msg += "部分渠道发送失败：" + e
		}
		data["Reminded"] = msg
	}
	if rd.State == plan.RoundClosed {
		n, err := s.store.BulletinNumberOf(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Number"] = n
	}
	if u.Role != auth.RoleReporter {
		data["Counts"] = counts
		data["Total"] = len(forms)
		data["Overdue"], data["Late"] = overdue, late
		if reported > 0 {
			data["Burden"] = map[string]any{
				"Reported": reported, "Typed": typed, "Carried": carried,
				"AvgMinutes":   (seconds/reported + 59) / 60,
				"CarriedShare": fmt.Sprintf("%.0f%%", 100*float64(carried)/float64(max(typed+carried, 1))),
			}
		}
	}
	s.render(w, r, http.StatusOK, "round", data)
}

func (s *Server) roundOpen(w http.ResponseWriter, r *http.Request) {
	s.roundAction(w, r, func(id int64) error { return s.store.OpenRound(r.Context(), id, currentUser(r)) })
}

func (s *Server) roundClose(w http.ResponseWriter, r *http.Request) {
	s.roundAction(w, r, func(id int64) error { return s.store.CloseRound(r.Context(), id) })
}

// roundReopen opens a closed round again (admins), with the reason kept in
// the audit log.
func (s *Server) roundReopen(w http.ResponseWriter, r *http.Request) {
	s.roundAction(w, r, func(id int64) error { return s.store.ReopenRound(r.Context(), id, r.PostFormValue("reason")) })
}

func (s *Server) roundAction(w http.ResponseWriter, r *http.Request, act func(int64) error) {
	id, err := pathID(r, "round")
	if err == nil {
		err = act(id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rounds/%d?saved", id), http.StatusSeeOther)
}

// roundRemind sends 催报 to the units that have not reported (or the one
// unit named in the form).
func (s *Server) roundRemind(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.opts.Reminder == nil {
		s.fail(w, r, plan.Errorf(plan.ECONFLICT, "本实例未启用提醒发送。"))
		return
	}
	var units []int64
	if u, err := strconv.ParseInt(r.PostFormValue("unit"), 10, 64); err == nil && u > 0 {
		units = []int64{u}
	}
	n, err := s.opts.Reminder.Remind(r.Context(), id, units, "manual")
	var sendErr *notify.SendError
	switch {
	case errors.As(err, &sendErr):
		// Some channel failed (the robot, the mail server): say which, the
		// units were still reminded on the others.
		http.Redirect(w, r, fmt.Sprintf("/rounds/%d?reminded=%d&failed=%s", id, n, url.QueryEscape(sendErr.Error())), http.StatusSeeOther)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rounds/%d?reminded=%d", id, n), http.StatusSeeOther)
}

// inbox is a reporter's start page: their unit's forms, newest first.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u.UnitID == 0 {
		http.Redirect(w, r, "/plans", http.StatusSeeOther)
		return
	}
	forms, err := s.store.UnitForms(r.Context(), u.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit, _ := dir.Unit(u.UnitID)
	now := s.opts.Now()
	rows := make([]inboxRow, len(forms))
	for i, f := range forms {
		rows[i] = inboxRow{UnitForm: f, Overdue: plan.Overdue(f.RoundState, f.DueOn, f.State, now)}
	}
	sup, err := s.inboxSupervision(r, u.UnitID, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inbox", map[string]any{"Forms": rows, "Unit": unit, "Supervision": sup})
}

// validDate reports whether s is a YYYY-MM-DD date.
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// inboxRow is a form in the reporter's inbox, marked 逾期 when past due.
type inboxRow struct {
	store.UnitForm
	Overdue bool
}

// scopeUnit is a unit offered for a round's scope, checked when it takes
// part in the plan.
type scopeUnit struct {
	plan.Unit
	InPlan bool
}

// scopeUnits lists the directory's units (the district itself and archived
// units aside), the ones that lead, share or are allocated something in the
// plan first; archived tasks and goals do not count.
func (s *Server) scopeUnits(r *http.Request, doc *plan.Document) ([]scopeUnit, error) {
	dir, err := s.store.PlanDirectory(r.Context(), doc.ID)
	if err != nil {
		return nil, err
	}
	archivedGoal, archivedTask := map[int64]bool{}, map[int64]bool{}
	for _, g := range doc.Goals {
		archivedGoal[g.ID] = g.Archived
	}
	for _, sec := range doc.Sections {
		for _, t := range sec.Tasks {
			archivedTask[t.ID] = t.Archived
		}
	}
	as, al := plan.Resolve(doc, dir)
	in := map[int64]bool{}
	for _, a := range as {
		in[a.UnitID] = in[a.UnitID] || !archivedTask[a.TaskID]
	}
	for _, a := range al {
		in[a.UnitID] = in[a.UnitID] || !archivedGoal[a.GoalID]
	}
	var first, rest []scopeUnit
	for _, u := range dir.Units {
		switch {
		case u.Kind == plan.UnitGovernment, u.Archived:
		case in[u.ID]:
			first = append(first, scopeUnit{u, true})
		default:
			rest = append(rest, scopeUnit{u, false})
		}
	}
	return append(first, rest...), nil
}

// visibleForms cuts a round's forms to what the user may see of them: a
// reporter sees its own unit's only.
func visibleForms(u *auth.User, forms []store.FormSummary) []store.FormSummary {
	sight := auth.SightOf(u, false)
	var out []store.FormSummary
	for _, f := range forms {
		if sight.Sees(f.UnitID) {
			out = append(out, f)
		}
	}
	return out
}
