package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// FormPage is a form as one viewer may see it (auth.FormSightOf), read in
// one read-only transaction: the page and the API give the same.
type FormPage struct {
	Form    *plan.Form // what is shown, cut to the viewer's sight
	State   plan.FormState
	Version int // the form's current version
	// When the unit first handed the form in, and the due date then (plan.Late).
	FirstSubmittedAt  *time.Time
	DueOnAtSubmission string
	Shown             int // the version shown; -1 for the current form
	Round             *plan.Round
	Resource          *auth.Resource
	Sight             auth.FormSight
	Hidden            bool // the unit has reported nothing the viewer may see yet
	Comments          []FormComment
	Attachments       []Attachment
	Versions          []FormVersionInfo
	// The goals computed from the registers allocated to the unit, at the
	// round's date: read-only on the form, for viewers who see its values.
	Computed []FormComputed
}

// reportedState reports whether a version in this state holds what the
// unit handed in (a returned version is the submission sent back).
func reportedState(s plan.FormState) bool {
	return s == plan.FormSubmitted || s == plan.FormApproved || s == plan.FormReturned
}

// FormPage reads form publicID as u may see it: the current form, or the
// kept version given (-1 for the current one). A viewer who may not see
// drafts (leaders, lead units' reviewers) sees the unit's last reported
// version, and only reported versions are listed or opened for them; a
// lead unit's reviewer sees the entries, remarks and evidence of the tasks
// it leads only, and no values.
func (s *Store) FormPage(ctx context.Context, publicID string, version int, u *auth.User) (*FormPage, error) {
	p := &FormPage{Shown: version}
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadForm(ctx, tx, publicID)
		if err != nil {
			return err
		}
		p.State, p.Version = cur.State, cur.Version
		p.FirstSubmittedAt, p.DueOnAtSubmission = cur.FirstSubmittedAt, cur.DueOnAtSubmission
		if p.Round, err = loadRound(ctx, tx, cur.RoundID); err != nil {
			return err
		}
		if p.Resource, err = formResource(ctx, tx, publicID); err != nil {
			return err
		}
		p.Sight = auth.FormSightOf(u, p.Resource)
		versions, err := formVersions(ctx, tx, publicID)
		if err != nil {
			return err
		}
		for _, v := range versions {
			if p.Sight.Drafts || reportedState(v.State) {
				p.Versions = append(p.Versions, v)
			}
		}
		switch {
		case version >= 0:
			if !p.Sight.Drafts && !listed(p.Versions, version) {
				return plan.Errorf(plan.ENOTFOUND, "没有第 %d 版。", version)
			}
			if p.Form, err = formVersion(ctx, tx, cur.ID, version); err != nil {
				return err
			}
			p.Form.PublicID = publicID
		case p.Sight.Drafts || reportedState(cur.State):
			p.Form = cur
		case len(p.Versions) > 0: // newest first
			p.Shown = p.Versions[0].Version
			if p.Form, err = formVersion(ctx, tx, cur.ID, p.Shown); err != nil {
				return err
			}
			p.Form.PublicID = publicID
		default:
			p.Hidden = true
			p.Form = &plan.Form{PublicID: publicID, RoundID: cur.RoundID, UnitID: cur.UnitID, UnitName: cur.UnitName, State: cur.State, Version: cur.Version}
		}
		if p.Form != cur {
			wording(p.Form, cur)
		}
		if p.Sight.Whole {
			if p.Computed, err = formComputed(ctx, tx, p.Round, cur.UnitID); err != nil {
				return err
			}
		}
		comments, err := formComments(ctx, tx, publicID)
		if err != nil {
			return err
		}
		for _, c := range comments {
			if p.Sight.Whole || p.Sight.Tasks[c.TaskID] || u != nil && c.UserID == u.ID {
				p.Comments = append(p.Comments, c)
			}
		}
		atts, err := formAttachments(ctx, tx, publicID)
		if err != nil {
			return err
		}
		for _, a := range atts {
			if p.Sight.Task(a.TaskID) {
				p.Attachments = append(p.Attachments, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !p.Sight.Whole {
		var led []plan.FormTask
		for _, t := range p.Form.Tasks {
			if p.Sight.Tasks[t.TaskID] {
				led = append(led, t)
			}
		}
		p.Form.Tasks, p.Form.Values = led, nil
	}
	return p, nil
}

// wording gives a kept version the tasks' wording, actions and goals'
// phrases from the current form, for versions kept before they were, and
// puts its tasks in the current form's (the plan's) order.
func wording(f, cur *plan.Form) {
	tasks := map[int64]plan.FormTask{}
	order := map[int64]int{}
	for i, t := range cur.Tasks {
		tasks[t.TaskID], order[t.TaskID] = t, i
	}
	for i, t := range f.Tasks {
		if c, ok := tasks[t.TaskID]; ok {
			f.Tasks[i].Text, f.Tasks[i].SectionNumber, f.Tasks[i].SectionTitle = c.Text, c.SectionNumber, c.SectionTitle
		}
	}
	at := func(id int64) int {
		if i, ok := order[id]; ok {
			return i
		}
		return len(order) // a task no longer on the form: last
	}
	slices.SortStableFunc(f.Tasks, func(a, b plan.FormTask) int { return cmp.Compare(at(a.TaskID), at(b.TaskID)) })
	goals := map[int64]plan.FormValue{}
	for _, v := range cur.Values {
		goals[v.GoalID] = v
	}
	for i, v := range f.Values {
		if c, ok := goals[v.GoalID]; ok {
			f.Values[i].Kind, f.Values[i].GoalText = c.Kind, c.GoalText
		}
	}
}

func listed(vs []FormVersionInfo, version int) bool {
	for _, v := range vs {
		if v.Version == version {
			return true
		}
	}
	return false
}
