package web

import (
	"context"
	"fmt"
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
	// After a refused save: each problem at its field (by input name), and
	// the values as typed (by goal), kept even when they are not numbers.
	FieldErrors map[string]string
	Problems    []fieldProblem
	Typed       map[int64]string
	Returned    *store.FormVersionInfo // the return the unit is answering: its reason, who and when
	Old         bool                   // showing a kept version the viewer asked for, read-only
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
// notice or an instruction is addressed to; it returns the path value
// naming it too. The resource's organisation is the one objectOrg would
// find for that value, and out of the request's scope it is not found.
func (s *Server) resourceOf(r *http.Request) (*auth.Resource, string, error) {
	for _, o := range []struct {
		name string
		find func(context.Context, string) (*auth.Resource, error)
	}{
		{"form", s.store.FormResource},
		{"attachment", s.store.AttachmentResource},
		{"notice", s.store.NoticeResource},
		{"instruction", s.store.InstructionResource},
	} {
		if v := r.PathValue(o.name); v != "" {
			res, err := o.find(r.Context(), v)
			return res, o.name, err
		}
	}
	return nil, "", plan.Errorf(plan.ENOTFOUND, "页面不存在。")
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
	v.Returned = lastReturn(p)
	return v, nil
}

// lastReturn is the return a form stands under: while the unit has not
// handed it in again since it was returned (it is returned, or a draft
// saved after the return), the returning version with its reason.
func lastReturn(p *store.FormPage) *store.FormVersionInfo {
	if p.State != plan.FormReturned && p.State != plan.FormDraft {
		return nil
	}
	for _, ver := range p.Versions { // newest first
		switch ver.State {
		case plan.FormDraft:
			continue
		case plan.FormReturned:
			return &ver
		}
		return nil
	}
	return nil
}

// fieldProblem is a problem listed at the top of a refused form, linking
// to its field.
type fieldProblem struct {
	Input, Message string
}

// inputName is the form field a domain field path names: tasks.12.progress
// is progress_12, values.3.value is value_3.
func inputName(field string) string {
	parts := strings.Split(field, ".")
	if len(parts) != 3 {
		return ""
	}
	name := map[string]string{"status": "status", "progress": "progress", "problems": "problems", "next_steps": "next", "value": "value", "note": "note"}[parts[2]]
	if name == "" || (parts[0] != "tasks" && parts[0] != "values") {
		return ""
	}
	return name + "_" + parts[1]
}

// refused puts a refused save's problems on the page: at their fields,
// and listed at the top with links to them.
func (v *formView) refused(err error, e formEdit) {
	applyTyped(v.Form, e.FormEdit)
	v.Typed = e.Typed
	v.Error = plan.ErrorMessage(err)
	fields := plan.FieldErrors(err)
	if len(fields) == 0 {
		return
	}
	v.FieldErrors = map[string]string{}
	for _, f := range fields {
		name := inputName(f.Field)
		if name == "" {
			continue
		}
		if _, dup := v.FieldErrors[name]; !dup {
			v.Problems = append(v.Problems, fieldProblem{name, f.Message})
		}
		v.FieldErrors[name] = f.Message
	}
	v.Error = fmt.Sprintf("有 %d 处需要修改，已在下方标出；您填写的内容都已保留，改正后再次提交即可。", len(fields))
}

// formEdit is a save as the page sent it: the edit, and the values as
// typed (by goal), kept to show a refused form again even when a value is
// not a number.
type formEdit struct {
	store.FormEdit
	Typed map[int64]string
}

// formEditFromRequest reads the form's fields: per task status_ID,
// progress_ID, problems_ID, next_ID; per goal value_ID and note_ID; the
// version read and when the page was opened (for the time spent).
func formEditFromRequest(r *http.Request, f *plan.Form) (formEdit, error) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	e := formEdit{FormEdit: store.FormEdit{Version: version, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}, Typed: map[int64]string{}}
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
	// Every value is read, so that each one that is not a number is marked
	// and the rest are kept as typed.
	var bad []plan.FieldError
	for _, v := range f.Values {
		id := itoa(v.GoalID)
		e.Typed[v.GoalID] = strings.TrimSpace(r.PostFormValue("value_" + id))
		d, err := formDecimal(r, "value_"+id, v.Indicator)
		if err != nil {
			bad = append(bad, plan.FieldError{Field: "values." + id + ".value", Message: plan.ErrorMessage(err)})
		}
		e.Values[v.GoalID] = plan.FormValue{Value: d, Note: strings.TrimSpace(r.PostFormValue("note_" + id))}
	}
	if len(bad) > 0 {
		err := plan.Errorf(plan.EINVALID, "有 %d 个数值不是数字。", len(bad))
		err.Fields = bad
		return e, err
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
		_, err = s.store.SaveForm(r.Context(), publicID, e.FormEdit, currentUser(r))
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
		v.refused(err, e)
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
