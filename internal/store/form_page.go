package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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
	// Supervision: the 督办单 to the unit on the form's tasks and the 领导批示
	// on the form, its tasks or the unit, as the viewer may see them; and,
	// for reviewers, each task entry against the unit's previous reported
	// entry on the task (task ID → change).
	Notices      []Notice
	Instructions []Instruction
	Changes      map[int64]*TaskChange
}

// TaskChange is a task entry against the unit's previous reported entry on
// the task, in an earlier round.
type TaskChange struct {
	plan.EntryChange
	RoundLabel string // where the previous entry was reported; "" for a first report
	AsOf       string
	Form       string
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
	var prev map[int64]previousEntry
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
		if version >= 0 {
			if !p.Sight.Drafts && !listed(p.Versions, version) {
				return plan.Errorf(plan.ENOTFOUND, "没有第 %d 版。", version)
			}
			if p.Form, err = formVersion(ctx, tx, cur.ID, version); err != nil {
				return err
			}
			p.Form.PublicID = publicID
			wording(p.Form, cur)
		} else if p.Form, p.Shown, err = shownForm(ctx, tx, cur, p.Sight, p.Versions); err != nil {
			return err
		}
		p.Hidden = p.Shown == hiddenForm
		if p.Hidden {
			p.Shown = -1
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
		if err := formSupervision(ctx, tx, p, cur); err != nil {
			return err
		}
		// Reviewers — administrators and lead units' — see what moved since
		// the unit last reported on each task.
		if u != nil && (u.Role == auth.RoleAdmin || !p.Sight.Whole) {
			if prev, err = previousEntries(ctx, tx, cur.UnitID, p.Round); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cutToSight(p.Form, p.Sight)
	if prev != nil {
		p.Changes = map[int64]*TaskChange{}
		for _, t := range p.Form.Tasks {
			c := &TaskChange{}
			if e, ok := prev[t.TaskID]; ok {
				c.EntryChange = plan.CompareEntry(&e.FormTask, t)
				c.RoundLabel, c.AsOf, c.Form = e.roundLabel, e.asOf, e.form
			} else {
				c.EntryChange = plan.CompareEntry(nil, t)
			}
			p.Changes[t.TaskID] = c
		}
	}
	return p, nil
}

// FormAs reads the current form publicID as u may see it — the form
// FormPage shows, without the rest of the page (the API's answer). res is
// the form's authorization resource, as the caller read it to let u in.
// The stamp is the state of what it read (FormStamp): what is kept under
// it is never older than it.
func (s *Store) FormAs(ctx context.Context, publicID string, u *auth.User, res *auth.Resource) (*plan.Form, FormStamp, error) {
	sight := auth.FormSightOf(u, res)
	var f *plan.Form
	// The structure's generation is read before the form, so that the
	// wording read is never older than the stamp says.
	gen, err := s.authGen(ctx)
	if err != nil {
		return nil, FormStamp{}, err
	}
	var st FormStamp
	err = s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = formStamp(ctx, tx, publicID); err != nil {
			return err
		}
		cur, err := loadForm(ctx, tx, publicID)
		if err != nil {
			return err
		}
		var versions []FormVersionInfo
		if !sight.Drafts && !reportedState(cur.State) {
			all, err := formVersions(ctx, tx, publicID)
			if err != nil {
				return err
			}
			for _, v := range all {
				if reportedState(v.State) {
					versions = append(versions, v)
				}
			}
		}
		f, _, err = shownForm(ctx, tx, cur, sight, versions)
		return err
	})
	if err != nil {
		return nil, FormStamp{}, err
	}
	st.Structure = gen
	cutToSight(f, sight)
	return f, st, nil
}

// FormStamp is the state of everything a form shows: kept copies of it
// hold while the stamp they were read at is current. Version moves with
// every save and review; Evidence with every upload and deletion of its
// evidence files (which leave the version alone, so that an open form can
// still be saved); Structure is the store's generation of users, the
// directory, plans and rounds (authGen), which the tasks' wording, leads
// and the unit's name follow — on this instance at once, on others within
// authRecheck, as the form's authorization resource does.
type FormStamp struct {
	Version   int
	Evidence  int64
	Structure int64
}

// FormStamp reads a form's stamp: a kept copy of it holds while its stamp
// is this one. One statement, and most often no more: it answers a form
// the context's organisations do not reach as FormAs does, with ENOTFOUND.
func (s *Store) FormStamp(ctx context.Context, publicID string) (FormStamp, error) {
	gen, err := s.authGen(ctx)
	if err != nil {
		return FormStamp{}, err
	}
	st, err := formStamp(ctx, s.read, publicID)
	st.Structure = gen
	return st, err
}

func formStamp(ctx context.Context, q queryer, publicID string) (FormStamp, error) {
	var st FormStamp
	var org int64
	err := q.QueryRowContext(ctx, `
		SELECT f.version, f.evidence_version, u.org_id FROM forms f JOIN units u ON u.id = f.unit_id
		WHERE f.public_id = $1`, publicID).Scan(&st.Version, &st.Evidence, &org)
	if err == nil && !reaches(ctx, org) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return FormStamp{}, plan.Errorf(plan.ENOTFOUND, "填报表不存在。")
	}
	return st, wrap(err, "read the stamp of form %s", publicID)
}

// hiddenForm is the version shownForm gives when the viewer sees nothing
// of the form yet.
const hiddenForm = -2

// shownForm is what a viewer of sight sees of the current form cur: the
// form itself when it may see drafts or the form stands reported, else the
// newest version it may see (versions: those, newest first), else only
// whose form it is and its state (shown: hiddenForm). shown is the version
// shown, -1 for the current form.
func shownForm(ctx context.Context, tx *sql.Tx, cur *plan.Form, sight auth.FormSight, versions []FormVersionInfo) (f *plan.Form, shown int, err error) {
	switch {
	case sight.Drafts || reportedState(cur.State):
		return cur, -1, nil
	case len(versions) > 0:
		if f, err = formVersion(ctx, tx, cur.ID, versions[0].Version); err != nil {
			return nil, 0, err
		}
		f.PublicID = cur.PublicID
		wording(f, cur)
		return f, versions[0].Version, nil
	}
	return &plan.Form{PublicID: cur.PublicID, RoundID: cur.RoundID, UnitID: cur.UnitID, UnitName: cur.UnitName, State: cur.State, Version: cur.Version}, hiddenForm, nil
}

// cutToSight leaves a lead unit's reviewer the tasks it leads, and no
// values.
func cutToSight(f *plan.Form, sight auth.FormSight) {
	if sight.Whole {
		return
	}
	var led []plan.FormTask
	for _, t := range f.Tasks {
		if sight.Tasks[t.TaskID] {
			led = append(led, t)
		}
	}
	f.Tasks, f.Values = led, nil
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

// formSupervision reads the notices and instructions a form shows: the
// notices to its unit on its tasks, and the instructions on the form, or
// not on any report but on one of its tasks or on the unit. A lead unit's
// reviewer sees those on the tasks it leads only.
func formSupervision(ctx context.Context, tx *sql.Tx, p *FormPage, cur *plan.Form) error {
	onForm := map[int64]bool{}
	for _, t := range cur.Tasks {
		onForm[t.TaskID] = true
	}
	notices, err := loadNotices(ctx, tx, NoticeFilter{PlanID: p.Round.PlanID, UnitID: cur.UnitID})
	if err != nil {
		return err
	}
	for _, n := range notices {
		if onForm[n.TaskID] && p.Sight.Task(n.TaskID) {
			p.Notices = append(p.Notices, n)
		}
	}
	instructions, err := loadInstructions(ctx, tx, InstructionFilter{UnitID: cur.UnitID})
	if err != nil {
		return err
	}
	for _, in := range instructions {
		mine := in.FormID == cur.PublicID ||
			in.FormID == "" && (in.PlanID == 0 || in.PlanID == p.Round.PlanID) && (in.TaskID == 0 || onForm[in.TaskID])
		if mine && (p.Sight.Whole || in.TaskID != 0 && p.Sight.Tasks[in.TaskID]) {
			p.Instructions = append(p.Instructions, in)
		}
	}
	return nil
}

// previousEntry is a unit's latest reported entry on a task before a round.
type previousEntry struct {
	plan.FormTask
	roundLabel, asOf, form string
}

// previousEntries reads the unit's latest reported (submitted or approved)
// entry on each task in the plan's rounds before r (an earlier data date,
// or the same and created before).
func previousEntries(ctx context.Context, tx *sql.Tx, unitID int64, r *plan.Round) (map[int64]previousEntry, error) {
	out := map[int64]previousEntry{}
	err := eachRow(ctx, tx, `
		SELECT ft.task_id, ft.status, ft.progress, ft.problems, ft.next_steps, r.label, r.as_of, f.public_id
		FROM form_tasks ft JOIN forms f ON f.id = ft.form_id JOIN rounds r ON r.id = f.round_id
		WHERE f.unit_id = $1 AND r.plan_id = $2 AND (r.as_of < $3 OR (r.as_of = $3 AND r.id < $4))
		  AND f.state IN ($5, $6) AND ft.status <> ''
		ORDER BY r.as_of DESC, r.id DESC`, func(rows *sql.Rows) error {
		var e previousEntry
		if err := rows.Scan(&e.TaskID, &e.Status, &e.Progress, &e.Problems, &e.NextSteps, &e.roundLabel, &e.asOf, &e.form); err != nil {
			return err
		}
		if _, ok := out[e.TaskID]; !ok {
			out[e.TaskID] = e
		}
		return nil
	}, unitID, r.PlanID, r.AsOf, r.ID, string(plan.FormSubmitted), string(plan.FormApproved))
	return out, wrap(err, "read the previous entries of unit %d", unitID)
}

func listed(vs []FormVersionInfo, version int) bool {
	for _, v := range vs {
		if v.Version == version {
			return true
		}
	}
	return false
}
