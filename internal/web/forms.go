package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// formView is what the form page shows: the store's FormPage (the form
// cut to the viewer's sight) and what the viewer may do with it.
type formView struct {
	*store.FormPage
	CanEdit     bool // the viewer may change it now
	CanComment  bool
	CanApprove  bool
	CanReview   bool // approve or return: a submitted form of an open round
	LeadOnly    bool // the viewer is a lead-unit reviewer
	Reported    bool // an earlier, reported version is shown because the unit is changing its form
	Attachments map[int64][]store.Attachment
	OpenedAt    int64
	Statuses    []plan.TaskStatus
	Error       string
	Old         bool // showing a kept version the viewer asked for, read-only
	OldVersion  int
	Overdue     bool   // not reported and past the due date (plan.Overdue)
	LateOn      string // the Beijing date of a late first submission (plan.Late)
	CanDispute  bool   // the viewer reports for the form's unit: it may dispute register records
	// Supervision: the viewer instructs (leaders, admins) or answers for
	// the unit; an instruction refused, with what was typed.
	CanInstruct      bool
	CanAnswer        bool
	InstructionError string
	InstructionBody  string
	now              time.Time
}

// NoticeOverdue reports whether a notice on the form is past its reply-by
// date, unanswered.
func (v *formView) NoticeOverdue(n store.Notice) bool { return n.Overdue(v.now) }

// resourceOf finds the object an object-level permission is decided on:
// the form (or the attachment's form) named in the path, or the unit a
// notice or an instruction is addressed to.
func (s *Server) resourceOf(r *http.Request) (*auth.Resource, error) {
	switch {
	case r.PathValue("form") != "":
		return s.store.FormResource(r.Context(), r.PathValue("form"))
	case r.PathValue("attachment") != "":
		return s.store.AttachmentResource(r.Context(), r.PathValue("attachment"))
	case r.PathValue("notice") != "":
		return s.store.NoticeResource(r.Context(), r.PathValue("notice"))
	case r.PathValue("instruction") != "":
		return s.store.InstructionResource(r.Context(), r.PathValue("instruction"))
	}
	return nil, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
}

func (s *Server) formShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.formView(r, r.PathValue("form"), -1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "form", v)
}

// formView builds the form page for the viewer: the current form, or the
// kept version given (-1 for the current one).
func (s *Server) formView(r *http.Request, publicID string, version int) (*formView, error) {
	u := currentUser(r)
	p, err := s.store.FormPage(r.Context(), publicID, version, u)
	if err != nil {
		return nil, err
	}
	current := version < 0
	open := p.Round.State == plan.RoundOpen
	v := &formView{
		FormPage: p, OpenedAt: time.Now().Unix(), Statuses: plan.TaskStatuses,
		CanEdit:    current && p.Shown < 0 && auth.Can(u, auth.PermFormWrite, p.Resource) && p.State.Editable() && open,
		CanComment: current && !p.Hidden && auth.Can(u, auth.PermFormComment, p.Resource),
		CanApprove: current && auth.Allowed(u, auth.PermAdmin),
		CanReview:  current && open && p.State == plan.FormSubmitted,
		LeadOnly:   !p.Sight.Whole,
		Reported:   current && p.Shown >= 0,
		Old:        !current,
		OldVersion: version,
		now:        s.opts.Now(),
	}
	v.CanDispute = auth.Allowed(u, auth.PermReport) && u.UnitID == p.Form.UnitID
	v.CanInstruct = current && !p.Hidden && p.FirstSubmittedAt != nil && auth.Allowed(u, auth.PermInstruct)
	v.CanAnswer = auth.Can(u, auth.PermUnitReply, &auth.Resource{UnitID: p.Form.UnitID})
	v.Overdue = plan.Overdue(p.Round.State, p.Round.DueOn, p.State, s.opts.Now())
	v.LateOn = lateOn(p.State, p.FirstSubmittedAt, p.DueOnAtSubmission)
	v.Attachments = map[int64][]store.Attachment{}
	for _, a := range p.Attachments {
		v.Attachments[a.TaskID] = append(v.Attachments[a.TaskID], a)
	}
	return v, nil
}

// formEditFromRequest reads the form's fields: per task status_ID,
// progress_ID, problems_ID, next_ID; per goal value_ID and note_ID; the
// version read and when the page was opened (for the time spent).
func formEditFromRequest(r *http.Request, f *plan.Form) (store.FormEdit, error) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	e := store.FormEdit{Version: version, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
	if opened, err := strconv.ParseInt(r.PostFormValue("opened_at"), 10, 64); err == nil {
		e.Seconds = int(time.Now().Unix() - opened)
	}
	for _, t := range f.Tasks {
		id := itoa(t.TaskID)
		e.Tasks[t.TaskID] = plan.FormTask{
			Status:    plan.TaskStatus(r.PostFormValue("status_" + id)),
			Progress:  strings.TrimSpace(r.PostFormValue("progress_" + id)),
			Problems:  strings.TrimSpace(r.PostFormValue("problems_" + id)),
			NextSteps: strings.TrimSpace(r.PostFormValue("next_" + id)),
		}
	}
	for _, v := range f.Values {
		id := itoa(v.GoalID)
		d, err := formDecimal(r, "value_"+id, v.Indicator)
		if err != nil {
			return e, err
		}
		e.Values[v.GoalID] = plan.FormValue{Value: d, Note: strings.TrimSpace(r.PostFormValue("note_" + id))}
	}
	return e, nil
}

// formSave saves a draft (保存草稿) or submits (提交) the form. When the
// submission is refused, the page comes back with what was typed and why.
func (s *Server) formSave(w http.ResponseWriter, r *http.Request) {
	publicID := r.PathValue("form")
	f, err := s.store.Form(r.Context(), publicID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := formEditFromRequest(r, f)
	if err == nil {
		e.Submit = r.PostFormValue("action") == "submit"
		_, err = s.store.SaveForm(r.Context(), publicID, e, currentUser(r))
	}
	if err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		v, verr := s.formView(r, publicID, -1)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		applyTyped(v.Form, e)
		v.Error = plan.ErrorMessage(err)
		s.render(w, r, status(code), "form", v)
		return
	}
	http.Redirect(w, r, "/forms/"+publicID+"?saved", http.StatusSeeOther)
}

// applyTyped puts what the user typed back on the form shown after a
// refused save, so nothing typed is lost. The version stays the stored
// one only when the save was refused for a conflict.
func applyTyped(f *plan.Form, e store.FormEdit) {
	for i, t := range f.Tasks {
		if x, ok := e.Tasks[t.TaskID]; ok {
			f.Tasks[i].Status, f.Tasks[i].Progress, f.Tasks[i].Problems, f.Tasks[i].NextSteps = x.Status, x.Progress, x.Problems, x.NextSteps
		}
	}
	for i, v := range f.Values {
		if x, ok := e.Values[v.GoalID]; ok {
			f.Values[i].Value, f.Values[i].Note = x.Value, x.Note
		}
	}
}

// formReview approves (admins) or returns (admins and lead units) a
// submitted form.
func (s *Server) formReview(w http.ResponseWriter, r *http.Request) {
	publicID := r.PathValue("form")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err := s.store.ReviewForm(r.Context(), publicID, version, r.PostFormValue("decision"), strings.TrimSpace(r.PostFormValue("comment")), currentUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/forms/"+publicID+"?saved", http.StatusSeeOther)
}

// formComment adds a lead unit's or an admin's remark on a task entry.
func (s *Server) formComment(w http.ResponseWriter, r *http.Request) {
	publicID := r.PathValue("form")
	taskID, _ := strconv.ParseInt(r.PostFormValue("task"), 10, 64)
	if err := s.store.AddFormComment(r.Context(), publicID, taskID, strings.TrimSpace(r.PostFormValue("body")), currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/forms/"+publicID+"?saved#comments", http.StatusSeeOther)
}

// formVersionShow shows a kept version of the form, read-only, cut to what
// the viewer may see as the current one is.
func (s *Server) formVersionShow(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 0 {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "没有这个版本。"))
		return
	}
	v, err := s.formView(r, r.PathValue("form"), n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "form", v)
}
