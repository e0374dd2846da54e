package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Form returns a unit's form by its public ID.
func (s *Store) Form(ctx context.Context, publicID string) (*plan.Form, error) {
	return loadForm(ctx, s.read, publicID)
}

func loadForm(ctx context.Context, q queryer, publicID string) (*plan.Form, error) {
	f, _, err := loadFormRound(ctx, q, publicID)
	return f, err
}

// formRound is what a change of a form checks and records of its round.
type formRound struct {
	state plan.RoundState
	label string
	dueOn string
	org   int64 // the form's organisation
}

// loadFormRound is loadForm with the form's round, read in the same
// statement: a change checks the round is open without a read of its own.
func loadFormRound(ctx context.Context, q queryer, publicID string) (*plan.Form, formRound, error) {
	f := &plan.Form{PublicID: publicID}
	var round formRound
	var first sql.NullTime
	err := q.QueryRowContext(ctx, `
		SELECT f.id, f.round_id, f.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END,
		       f.state, f.version, f.typed_fields, f.carried_fields, f.seconds_spent, f.first_submitted_at, f.submitted_due_on, u.org_id,
		       r.state, r.label, r.due_on
		FROM forms f JOIN units u ON u.id = f.unit_id JOIN rounds r ON r.id = f.round_id WHERE f.public_id = $1`, publicID).
		Scan(&f.ID, &f.RoundID, &f.UnitID, &f.UnitName, &f.State, &f.Version, &f.TypedFields, &f.CarriedFields, &f.SecondsSpent, &first, &f.DueOnAtSubmission, &round.org,
			&round.state, &round.label, &round.dueOn)
	if first.Valid {
		f.FirstSubmittedAt = &first.Time
	}
	if err == nil && !reaches(ctx, round.org) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, formRound{}, plan.Errorf(plan.ENOTFOUND, "填报表不存在。")
	}
	if err != nil {
		return nil, formRound{}, wrap(err, "read form %s", publicID)
	}
	err = eachRow(ctx, q, `
		SELECT ft.task_id, t.number, t.title, t.body, s.number, s.title,
		       EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ft.task_id AND a.unit_id = $2 AND a.role = 'lead'),
		       ft.status, ft.progress, ft.problems, ft.next_steps,
		       (SELECT COUNT(*) FROM attachments at WHERE at.form_id = ft.form_id AND at.task_id = ft.task_id)
		FROM form_tasks ft JOIN tasks t ON t.id = ft.task_id JOIN sections s ON s.id = t.section_id
		WHERE ft.form_id = $1 ORDER BY s.position, s.id, t.position, t.id`, func(rows *sql.Rows) error {
		// In plan order: by action, then by task within it (a task's
		// position counts within its action).
		var t plan.FormTask
		if err := rows.Scan(&t.TaskID, &t.Number, &t.Title, &t.Text, &t.SectionNumber, &t.SectionTitle, &t.Lead, &t.Status, &t.Progress, &t.Problems, &t.NextSteps, &t.Attachments); err != nil {
			return err
		}
		f.Tasks = append(f.Tasks, t)
		return nil
	}, f.ID, f.UnitID)
	if err != nil {
		return nil, formRound{}, wrap(err, "read the tasks of form %s", publicID)
	}
	err = eachRow(ctx, q, `
		SELECT fv.goal_id, g.indicator, g.unit, g.kind, g.text, fv.target, fv.value, fv.note
		FROM form_values fv JOIN goals g ON g.id = fv.goal_id
		WHERE fv.form_id = $1 ORDER BY fv.position, fv.goal_id`, func(rows *sql.Rows) error {
		var v plan.FormValue
		var value sql.NullString
		if err := rows.Scan(&v.GoalID, &v.Indicator, &v.Unit, &v.Kind, &v.GoalText, &v.Target, &value, &v.Note); err != nil {
			return err
		}
		if value.Valid {
			d, err := plan.ParseDecimal(value.String)
			if err != nil {
				return err
			}
			v.Value = &d
		}
		f.Values = append(f.Values, v)
		return nil
	}, f.ID)
	if err != nil {
		return nil, formRound{}, wrap(err, "read the values of form %s", publicID)
	}
	return f, round, nil
}

// FormResource returns what the authorization check decides a form by:
// whose it is and which tasks of it other units lead.
// It is kept in memory while it holds (authcache.go); the caller's scope
// is checked on every use. Callers must not change its Leads.
func (s *Store) FormResource(ctx context.Context, publicID string) (*auth.Resource, error) {
	gen, err := s.authGen(ctx)
	if err != nil {
		return nil, err
	}
	fa, ok := s.auth.forms.Get(publicID)
	if !ok || fa.gen != gen {
		res, err := formResource(unscoped(ctx), s.read, publicID)
		if err != nil {
			return nil, err
		}
		fa = formAuth{gen: gen, res: *res}
		s.auth.forms.Put(publicID, fa, func(old formAuth) bool { return old.gen > gen })
	}
	if !reaches(ctx, fa.res.Org) {
		return nil, plan.Errorf(plan.ENOTFOUND, "填报表不存在。")
	}
	res := fa.res
	return &res, nil
}

func formResource(ctx context.Context, q queryer, publicID string) (*auth.Resource, error) {
	res := &auth.Resource{Leads: map[int64][]int64{}}
	found := false
	// One read: first the form's unit and organisation, then each task of
	// the form another unit leads, by unit and in the form's order.
	err := eachRow(ctx, q, `
		SELECT 0, f.unit_id, p.org_id, 0
		FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id WHERE f.public_id = $1
		UNION ALL
		SELECT 1, a.unit_id, ft.task_id, ft.position
		FROM forms f JOIN form_tasks ft ON ft.form_id = f.id JOIN assignments a ON a.task_id = ft.task_id AND a.role = 'lead'
		WHERE f.public_id = $1 AND a.unit_id <> f.unit_id
		ORDER BY 1, 2, 4`, func(rows *sql.Rows) error {
		var lead int
		var a, b, position int64
		if err := rows.Scan(&lead, &a, &b, &position); err != nil {
			return err
		}
		if lead == 0 {
			res.UnitID, res.Org, found = a, b, true
		} else {
			res.Leads[a] = append(res.Leads[a], b)
		}
		return nil
	}, publicID)
	if err != nil {
		return nil, wrap(err, "read form %s", publicID)
	}
	if !found || !reaches(ctx, res.Org) {
		return nil, plan.Errorf(plan.ENOTFOUND, "填报表不存在。")
	}
	return res, nil
}

// FormEdit is what a unit sends when it saves or submits its form: the
// version it read, its entries by task and by goal, and the seconds spent
// on this sitting.
type FormEdit struct {
	Version int
	Tasks   map[int64]plan.FormTask // by task ID: Status, Progress, Problems, NextSteps
	Values  map[int64]plan.FormValue
	Seconds int
	Submit  bool
	// Strict refuses entries the form does not have (the API, where a
	// client names tasks and goals by ID); otherwise they are passed over.
	Strict bool
	// Entries, when set, fills Tasks and Values: it is called once the
	// version is known current, so that a save refused for its version (most
	// of them when many save one form) costs no reading of its entries.
	Entries func(*FormEdit) error
}

// maxSitting caps the time one sitting adds, so a form left open overnight
// does not count as a night's work.
const maxSitting = 2 * 60 * 60

// SaveForm applies a unit's edits as a draft, or submits the form, in one
// transaction: a submission that does not pass plan.CheckSubmit writes
// nothing. A save naming an older version than the stored one is refused
// with ECONFLICT, so two people editing one form never lose an update.
func (s *Store) SaveForm(ctx context.Context, publicID string, e FormEdit, by *auth.User) (*plan.Form, error) {
	// The last change of this form committed on this instance answers a
	// save it already makes stale, as the database would, without a read;
	// so does one committed while this save waits for its turn, without a
	// turn of the writer.
	refuse := func(last turnEnd) error {
		// A round closed since (or another change of the structure) moves
		// the generation: the database answers then, naming the round.
		if last.gen != s.auth.gen.Load() || e.Version > last.version || e.Version == last.version && !last.recent() {
			return nil
		}
		if err := editRefusal(plan.RoundOpen, last.state); err != nil {
			return plan.WithCurrent(err, last.version, string(last.state))
		}
		if e.Version < last.version {
			return plan.WithCurrent(versionConflict(e.Version, last.version), last.version, string(last.state))
		}
		return nil
	}
	turn := s.formTurn(publicID)
	if err := turn.refused(ctx, publicID, refuse); err != nil {
		return nil, err
	}
	if err := s.staleVersion(ctx, publicID, e.Version, true); err != nil {
		return nil, err
	}
	if e.Entries != nil {
		if err := e.Entries(&e); err != nil {
			return nil, err
		}
	}
	if err := turn.take(ctx, publicID, refuse); err != nil {
		return nil, err
	}
	var committed *turnEnd
	defer func() { turn.leave(committed) }()
	var f *plan.Form
	var round formRound
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if f, round, err = loadFormRound(ctx, tx, publicID); err != nil {
			return err
		}
		if err := formOpen(f, round); err != nil {
			return err
		}
		if e.Strict {
			if err := knownEntries(f, e); err != nil {
				return err
			}
		}
		if err := staleRead(f, e.Version); err != nil {
			return err
		}
		before := cloneForm(f)
		for i := range f.Tasks {
			if t, ok := e.Tasks[f.Tasks[i].TaskID]; ok {
				f.Tasks[i].Status, f.Tasks[i].Progress, f.Tasks[i].Problems, f.Tasks[i].NextSteps = t.Status, t.Progress, t.Problems, t.NextSteps
			}
		}
		for i := range f.Values {
			if v, ok := e.Values[f.Values[i].GoalID]; ok {
				f.Values[i].Value, f.Values[i].Note = v.Value, v.Note
			}
		}
		check := plan.CheckDraft
		f.State = plan.FormDraft
		if e.Submit {
			check, f.State = plan.CheckSubmit, plan.FormSubmitted
		}
		if err := check(f); err != nil {
			return err
		}
		base, err := formVersion(ctx, tx, f.ID, 0)
		if err != nil {
			return err
		}
		f.TypedFields, f.CarriedFields = plan.CountFields(base, f)
		f.SecondsSpent += min(max(e.Seconds, 0), maxSitting)
		f.Version++
		now := s.nowUTC()
		var submitted any
		if e.Submit {
			submitted = now
			if f.FirstSubmittedAt == nil {
				// The first submission keeps the due date then in force:
				// lateness is judged against it (plan.Late).
				f.FirstSubmittedAt, f.DueOnAtSubmission = &now, round.dueOn
			}
		}
		var first any
		if f.FirstSubmittedAt != nil {
			first = *f.FirstSubmittedAt
		}
		// The form's row is written first, on the version read: the
		// claim (claimed) that orders its writers before its entries.
		res, err := tx.ExecContext(ctx, `
			UPDATE forms SET state = $1, version = $2, typed_fields = $3, carried_fields = $4, seconds_spent = $5, updated_at = $6,
			       submitted_at = COALESCE($7, submitted_at), first_submitted_at = $8, submitted_due_on = $9
			WHERE id = $10 AND version = $11`, string(f.State), f.Version, f.TypedFields, f.CarriedFields, f.SecondsSpent, now,
			submitted, first, f.DueOnAtSubmission, f.ID, e.Version)
		if err := claimed(res, err, f, e.Version); err != nil {
			return err
		}
		if err := saveEntries(ctx, tx, before, f); err != nil {
			return wrap(err, "save the entries of form %s", publicID)
		}
		if err := addVersion(ctx, tx, f, by, "", now); err != nil {
			return err
		}
		action := "form.save"
		if e.Submit {
			action = "form.submit"
		} else if before.State != f.State {
			// A first save (未填 → 草稿) or one after a return changes what
			// the round's list of forms says; a draft saved again does not.
			if err := bumpDataVersion(ctx, tx, false); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, action, formObject(publicID), before, f)
	})
	if err != nil {
		return nil, err
	}
	committed = &turnEnd{form: publicID, org: round.org, version: f.Version, state: f.State, gen: s.auth.gen.Load()}
	return f, nil
}

// formTurn is where the changes of one form on this instance take turns:
// writers of one form take turns anyway (SQLite has one writer; on
// PostgreSQL the claim (claimed) waits for the other's commit), but taking them
// here first lets those who lose a race hear it from what the winner
// committed, the moment it commits, instead of each waiting for a turn of
// the writer only to be refused. Forms share the turns by a hash of their
// ID. The database still decides, between instances too: a turn only
// refuses what the database would, since a form's versions only grow.
type formTurn struct {
	mu      sync.Mutex
	held    bool
	last    turnEnd       // what the last turn that committed a change of its form committed
	changed chan struct{} // closed when the turn is left; nil when nobody waits
}

// turnEnd is what a change committed: the form's version and state after it.
type turnEnd struct {
	form    string
	org     int64
	version int
	state   plan.FormState
	at      time.Time
	gen     int64 // the store's generation of the structure then (authGen)
}

// turnKnown is how long the last change an instance committed is taken as
// the form's state without a read. Another instance may have changed it
// since: a save on an older version is refused whenever (versions only
// grow, and the version named lets the client's next save reach the
// database), but one on the version this instance committed, refused for
// the state it committed (handed in, say), only for this long — or a
// client could be told that state again and again.
const turnKnown = time.Second

func (e turnEnd) recent() bool { return time.Since(e.at) < turnKnown }

// formTurn is the turn form publicID takes.
func (s *Store) formTurn(publicID string) *formTurn {
	h := fnv.New32a()
	h.Write([]byte(publicID))
	return &s.formTurns[h.Sum32()%uint32(len(s.formTurns))]
}

// refused shows refuse the last change of form publicID committed by a
// turn, if the turn's last was of this form; versions only grow, so what
// it refuses the database would refuse too.
func (t *formTurn) refused(ctx context.Context, publicID string, refuse func(turnEnd) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refusal(ctx, publicID, refuse)
}

// refusal is what refuse says of the turn's last change, if it was of
// form publicID and the caller reaches the form's organisation (else the
// transaction answers); t.mu is held.
func (t *formTurn) refusal(ctx context.Context, publicID string, refuse func(turnEnd) error) error {
	if t.last.form != publicID || !reaches(ctx, t.last.org) {
		return nil
	}
	return refuse(t.last)
}

// take waits for the turn. Each change of form publicID committed by a turn
// meanwhile is shown to refuse, and its error ends the wait: a writer who
// can no longer win hears it at once.
func (t *formTurn) take(ctx context.Context, publicID string, refuse func(turnEnd) error) error {
	t.mu.Lock()
	for {
		if err := t.refusal(ctx, publicID, refuse); err != nil {
			t.mu.Unlock()
			return err
		}
		if !t.held {
			t.held = true
			t.mu.Unlock()
			return nil
		}
		if t.changed == nil {
			t.changed = make(chan struct{})
		}
		changed := t.changed
		t.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		t.mu.Lock()
	}
}

// leave ends the turn, with what it committed (nil: nothing), and wakes
// those waiting for it.
func (t *formTurn) leave(committed *turnEnd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if committed != nil {
		t.last = *committed
		t.last.at = time.Now()
	}
	t.held = false
	if t.changed != nil {
		close(t.changed)
		t.changed = nil
	}
}

// knownEntries refuses an edit naming a task or goal the form does not
// have.
func knownEntries(f *plan.Form, e FormEdit) error {
	tasks, goals := map[int64]bool{}, map[int64]bool{}
	for _, t := range f.Tasks {
		tasks[t.TaskID] = true
	}
	for _, v := range f.Values {
		goals[v.GoalID] = true
	}
	var unknown []plan.FieldError
	for _, id := range slices.Sorted(maps.Keys(e.Tasks)) {
		if !tasks[id] {
			unknown = append(unknown, plan.FieldError{Field: fmt.Sprintf("tasks.%d", id), Message: fmt.Sprintf("此表没有任务（task_id %d）", id)})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(e.Values)) {
		if !goals[id] {
			unknown = append(unknown, plan.FieldError{Field: fmt.Sprintf("values.%d", id), Message: fmt.Sprintf("此表没有该目标（goal_id %d）", id)})
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	msgs := make([]string, len(unknown))
	for i, u := range unknown {
		msgs[i] = u.Message
	}
	err := plan.Errorf(plan.EINVALID, "请求中有 %d 项不属于此表：%s。", len(unknown), strings.Join(msgs, "；"))
	err.Fields = unknown
	return err
}

// staleVersion refuses, before any write begins, a change made on a
// version of the form that is no longer its current one — the common loss
// when several people save one form at once — and a save the transaction
// would refuse for the round or the form's state (a form submitted while
// its unit still types), so that each costs a read and not a turn of the
// writer (SQLite has one). It answers as the transaction would, and says
// nothing when the change may go on: the transaction checks everything
// again.
func (s *Store) staleVersion(ctx context.Context, publicID string, read int, save bool) error {
	var version int
	var state plan.FormState
	var round plan.RoundState
	var org int64
	err := s.read.QueryRowContext(ctx, `
		SELECT f.version, f.state, r.state, p.org_id FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id
		WHERE f.public_id = $1`, publicID).Scan(&version, &state, &round, &org)
	if err != nil || !reaches(ctx, org) {
		return nil // the transaction answers
	}
	if save {
		if err := editRefusal(round, state); err != nil {
			return plan.WithCurrent(err, version, string(state))
		}
	}
	if version != read {
		return plan.WithCurrent(versionConflict(read, version), version, string(state))
	}
	return nil
}

func versionConflict(read, current int) error {
	return plan.Errorf(plan.ECONFLICT, "此表已被他人修改（您打开的是第 %d 版，现为第 %d 版）。请重新打开后再改，您的修改未保存。", read, current)
}

// staleRead refuses a change made on another version of the form than
// the one its transaction read.
func staleRead(f *plan.Form, read int) error {
	if read != f.Version {
		return plan.WithCurrent(versionConflict(read, f.Version), f.Version, string(f.State))
	}
	return nil
}

// claimed checks the result of a change's UPDATE of the form's row guarded
// by the version it read (… WHERE id = … AND version = read): of several
// writers of the same version exactly one goes on and the others get
// ECONFLICT. On PostgreSQL the UPDATE waits for a concurrent writer's
// commit and then no longer matches; SQLite has one writer at a time.
func claimed(res sql.Result, err error, f *plan.Form, read int) error {
	if err != nil {
		return wrap(err, "write version %d of form %s", read+1, f.PublicID)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return plan.Errorf(plan.ECONFLICT, "此表刚被他人修改（您打开的是第 %d 版）。请重新打开后再改，您的修改未保存。", read)
	}
	return nil
}

// entryBatch bounds the rows one UPDATE … FROM (VALUES …) carries, well
// inside both databases' limits on parameters.
const entryBatch = 500

// saveEntries writes the task entries and values that changed from before
// to after, a batch of rows per statement: a save touches what the unit
// changed, and a form of 600 tasks is a few statements, not 600.
func saveEntries(ctx context.Context, tx *sql.Tx, before, after *plan.Form) error {
	old := map[int64]plan.FormTask{}
	for _, t := range before.Tasks {
		old[t.TaskID] = t
	}
	var tasks [][]any
	for _, t := range after.Tasks {
		if o := old[t.TaskID]; o.Status != t.Status || o.Progress != t.Progress || o.Problems != t.Problems || o.NextSteps != t.NextSteps {
			tasks = append(tasks, []any{t.TaskID, string(t.Status), t.Progress, t.Problems, t.NextSteps})
		}
	}
	if err := updateFrom(ctx, tx, `UPDATE form_tasks SET status = v.column2, progress = v.column3, problems = v.column4, next_steps = v.column5
		FROM (VALUES %s) AS v WHERE form_tasks.form_id = $1 AND form_tasks.task_id = v.column1`,
		"(CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS TEXT))", after.ID, tasks); err != nil {
		return err
	}
	oldValues := map[int64]plan.FormValue{}
	for _, v := range before.Values {
		oldValues[v.GoalID] = v
	}
	var values [][]any
	for _, v := range after.Values {
		if o := oldValues[v.GoalID]; decimalText(o.Value) != decimalText(v.Value) || o.Note != v.Note {
			var value any
			if v.Value != nil {
				value = v.Value.String()
			}
			values = append(values, []any{v.GoalID, value, v.Note})
		}
	}
	return updateFrom(ctx, tx, `UPDATE form_values SET value = v.column2, note = v.column3
		FROM (VALUES %s) AS v WHERE form_values.form_id = $1 AND form_values.goal_id = v.column1`,
		"(CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT))", after.ID, values)
}

// updateFrom runs query (with %s for the VALUES rows, $1 the form) over
// rows in batches; row is one row's placeholders with %d for each column.
func updateFrom(ctx context.Context, tx *sql.Tx, query, row string, formID int64, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), entryBatch)
		args := []any{formID}
		var b strings.Builder
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			nums := make([]any, len(r))
			for j := range r {
				nums[j] = len(args) + j + 1
			}
			fmt.Fprintf(&b, row, nums...)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(query, b.String()), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// decimalText is a value as stored, "" for none.
func decimalText(d *plan.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// formOpen refuses changes to a form whose round is not open or whose
// state does not allow them.
func formOpen(f *plan.Form, round formRound) error {
	return plan.WithCurrent(editRefusal(round.state, f.State), f.Version, string(f.State))
}

// editRefusal is why a form in state, of a round in round, may not be
// changed; nil when it may.
func editRefusal(round plan.RoundState, state plan.FormState) error {
	if err := roundRefusal(round, "修改"); err != nil {
		return err
	}
	if !state.Editable() {
		return plan.Errorf(plan.ECONFLICT, "此表%s，不能再修改；如需更正请联系管理员退回。", state.Label())
	}
	return nil
}

// roundRefusal is why a round in state does not allow what verb says; nil
// when it is open.
func roundRefusal(state plan.RoundState, verb string) error {
	switch state {
	case plan.RoundOpen:
		return nil
	case plan.RoundClosed:
		return plan.Errorf(plan.ECONFLICT, "本轮调度已结束，不能再%s；如需更正，请管理员重新打开本轮调度。", verb)
	}
	return plan.Errorf(plan.ECONFLICT, "本轮调度%s，不能%s。", state.Label(), verb)
}

// Review decisions.
const (
	Approve = "approve"
	Return  = "return"
)

// ReviewForm approves a submitted form or returns it to the unit with a
// comment (a returned form opens for editing again). Admins approve; units
// leading a task on the form may return it. The version guards against
// reviewing something that changed meanwhile.
func (s *Store) ReviewForm(ctx context.Context, publicID string, version int, decision, comment string, by *auth.User) error {
	refuse := func(last turnEnd) error {
		if version < last.version {
			return plan.WithCurrent(versionConflict(version, last.version), last.version, string(last.state))
		}
		return nil
	}
	turn := s.formTurn(publicID)
	if err := turn.refused(ctx, publicID, refuse); err != nil {
		return err
	}
	if err := s.staleVersion(ctx, publicID, version, false); err != nil {
		return err
	}
	if err := turn.take(ctx, publicID, refuse); err != nil {
		return err
	}
	var committed *turnEnd
	defer func() { turn.leave(committed) }()
	var f *plan.Form
	var round formRound
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if f, round, err = loadFormRound(ctx, tx, publicID); err != nil {
			return err
		}
		if err := staleRead(f, version); err != nil {
			return err
		}
		if f.State != plan.FormSubmitted {
			return plan.WithCurrent(plan.Errorf(plan.ECONFLICT, "此表%s，只有“已报”的表可以审核。", f.State.Label()), f.Version, string(f.State))
		}
		// A closed round's figures are issued: neither an approval nor a
		// return may change them. An administrator reopens the round to
		// correct it, and closing it again reissues the bulletin.
		if err := roundRefusal(round.state, "审核"); err != nil {
			return err
		}
		switch decision {
		case Approve:
			if by == nil || by.Role != auth.RoleAdmin {
				return plan.Errorf(plan.EFORBIDDEN, "只有管理员可以审核通过。")
			}
			if err := plan.CheckLength("审核意见", comment, plan.MaxComment); err != nil {
				return err
			}
			f.State = plan.FormApproved
		case Return:
			if comment == "" {
				return plan.Errorf(plan.EINVALID, "退回时请写明原因。")
			}
			if err := plan.CheckLength("退回原因", comment, plan.MaxComment); err != nil {
				return err
			}
			f.State = plan.FormReturned
		default:
			return plan.Errorf(plan.EINVALID, "审核意见无效。")
		}
		before := map[string]any{"state": plan.FormSubmitted, "version": f.Version}
		f.Version++
		now := s.nowUTC()
		res, err := tx.ExecContext(ctx, `UPDATE forms SET state = $1, version = $2, reviewed_at = $3, updated_at = $3 WHERE id = $4 AND version = $5`,
			string(f.State), f.Version, now, f.ID, version)
		if err := claimed(res, err, f, version); err != nil {
			return err
		}
		if comment != "" {
			if err := addComment(ctx, tx, f.ID, 0, comment, by, now); err != nil {
				return err
			}
		}
		if err := addVersion(ctx, tx, f, by, comment, now); err != nil {
			return err
		}
		if decision == Return {
			// The unit hears of it where it hears of 催报, with the reason.
			msg := fmt.Sprintf("【退回】“%s”填报已退回修改，原因：%s。请修改后重新提交。%s/forms/%s", round.label, strings.TrimRight(comment, "。"), LinkLabel, publicID)
			if err := addNotification(ctx, tx, f.UnitID, f.RoundID, msg, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "form."+decision, formObject(publicID), before, map[string]any{"state": f.State, "version": f.Version, "comment": comment})
	})
	if err != nil {
		return err
	}
	committed = &turnEnd{form: publicID, org: round.org, version: f.Version, state: f.State, gen: s.auth.gen.Load()}
	return nil
}

// ReviewItem is one form of a bulk review: its public ID and the version
// the reviewer saw.
type ReviewItem struct {
	PublicID string
	Version  int
}

// ReviewResult is how one form of a bulk review went: Err is nil when it
// was approved or returned.
type ReviewResult struct {
	PublicID string
	Err      error
}

// ReviewForms approves or returns several forms with one comment, each in
// its own transaction with its own version check (ReviewForm), so that a
// form changed meanwhile is refused alone and the others go through: the
// forms are separate units' reports, and one unit's stale version must not
// hold back the rest or make the reviewer start over. Each review is
// audited on its own form. Internal errors stop the batch.
func (s *Store) ReviewForms(ctx context.Context, items []ReviewItem, decision, comment string, by *auth.User) ([]ReviewResult, error) {
	if len(items) == 0 {
		return nil, plan.Errorf(plan.EINVALID, "请先勾选要审核的填报表。")
	}
	if len(items) > MaxBulkReview {
		return nil, plan.Errorf(plan.EINVALID, "一次最多审核 %d 张表（现选 %d 张）。", MaxBulkReview, len(items))
	}
	out := make([]ReviewResult, 0, len(items))
	for _, it := range items {
		// Each form is authorized as the single review's route is: the
		// batch reaches only what its reviewer may review one by one.
		res, err := s.FormResource(ctx, it.PublicID)
		switch {
		case err != nil:
		case !auth.Can(by, auth.PermFormComment, res):
			err = plan.Errorf(plan.EFORBIDDEN, "无权审核此表。")
		default:
			err = s.ReviewForm(ctx, it.PublicID, it.Version, decision, comment, by)
		}
		if plan.ErrorCode(err) == plan.EINTERNAL {
			return out, err
		}
		out = append(out, ReviewResult{PublicID: it.PublicID, Err: err})
	}
	return out, nil
}

// MaxBulkReview is the most forms one bulk review takes.
const MaxBulkReview = 500

// FormComment is a remark on a form, or on one task of it.
type FormComment struct {
	TaskID    int64
	UserID    int64
	Username  string
	UnitName  string
	Body      string
	CreatedAt time.Time
}

// AddFormComment adds a remark; lead units use it on the tasks they lead.
func (s *Store) AddFormComment(ctx context.Context, publicID string, taskID int64, body string, by *auth.User) error {
	if n := len([]rune(body)); n == 0 || n > plan.MaxComment {
		return plan.Errorf(plan.EINVALID, "意见应在 1 到 %d 字之间（现为 %d 字）。", plan.MaxComment, n)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		f, err := loadForm(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if taskID != 0 && !formHasTask(f, taskID) {
			return plan.Errorf(plan.ENOTFOUND, "此表没有该任务。")
		}
		// A lead unit's reviewer remarks on the tasks it leads, nothing else.
		if by != nil && by.Role == auth.RoleReporter && by.UnitID != f.UnitID {
			res, err := formResource(ctx, tx, publicID)
			if err != nil {
				return err
			}
			if taskID == 0 || !auth.FormSightOf(by, res).Task(taskID) {
				return plan.Errorf(plan.EFORBIDDEN, "只能对本单位牵头的任务提出意见。")
			}
		}
		if err := addComment(ctx, tx, f.ID, taskID, body, by, s.nowUTC()); err != nil {
			return err
		}
		return s.audit(ctx, tx, "form.comment", formObject(publicID), nil, map[string]any{"task_id": taskID, "body": body})
	})
}

func formHasTask(f *plan.Form, taskID int64) bool {
	for _, t := range f.Tasks {
		if t.TaskID == taskID {
			return true
		}
	}
	return false
}

func addComment(ctx context.Context, tx *sql.Tx, formID, taskID int64, body string, by *auth.User, now time.Time) error {
	var userID sql.NullInt64
	username, unitName := "system", ""
	if by != nil {
		userID, username = nullID(by.ID), by.Name()
		if by.UnitID != 0 {
			tx.QueryRowContext(ctx, `SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END FROM units WHERE id = $1`, by.UnitID).Scan(&unitName)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO form_comments (form_id, task_id, user_id, username, unit_name, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		formID, nullID(taskID), userID, username, unitName, body, now)
	return wrap(err, "add a comment to form %d", formID)
}

// FormComments lists a form's remarks, oldest first.
func (s *Store) FormComments(ctx context.Context, publicID string) ([]FormComment, error) {
	return formComments(ctx, s.read, publicID)
}

func formComments(ctx context.Context, q queryer, publicID string) ([]FormComment, error) {
	var out []FormComment
	err := eachRow(ctx, q, `
		SELECT COALESCE(c.task_id, 0), COALESCE(c.user_id, 0), c.username, c.unit_name, c.body, c.created_at
		FROM form_comments c JOIN forms f ON f.id = c.form_id
		WHERE f.public_id = $1 ORDER BY c.created_at, c.id`, func(rows *sql.Rows) error {
		var c FormComment
		if err := rows.Scan(&c.TaskID, &c.UserID, &c.Username, &c.UnitName, &c.Body, &c.CreatedAt); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, publicID)
	if err != nil {
		return nil, wrap(err, "list the comments of form %s", publicID)
	}
	return out, nil
}

// FormVersionInfo is a line in a form's history.
type FormVersionInfo struct {
	Version   int
	State     plan.FormState
	Username  string
	Comment   string
	CreatedAt time.Time
}

// FormVersions lists every kept version of a form, newest first.
func (s *Store) FormVersions(ctx context.Context, publicID string) ([]FormVersionInfo, error) {
	return formVersions(ctx, s.read, publicID)
}

func formVersions(ctx context.Context, q queryer, publicID string) ([]FormVersionInfo, error) {
	var out []FormVersionInfo
	err := eachRow(ctx, q, `
		SELECT v.version, v.state, v.username, v.comment, v.created_at
		FROM form_versions v JOIN forms f ON f.id = v.form_id
		WHERE f.public_id = $1 ORDER BY v.version DESC`, func(rows *sql.Rows) error {
		var v FormVersionInfo
		if err := rows.Scan(&v.Version, &v.State, &v.Username, &v.Comment, &v.CreatedAt); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, publicID)
	if err != nil {
		return nil, wrap(err, "list the versions of form %s", publicID)
	}
	return out, nil
}

// FormVersion returns a form as it stood at a version.
func (s *Store) FormVersion(ctx context.Context, publicID string, version int) (*plan.Form, error) {
	var formID int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM forms WHERE public_id = $1`, publicID).Scan(&formID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "填报表不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read form %s", publicID)
	}
	return formVersion(ctx, s.read, formID, version)
}

func formVersion(ctx context.Context, q queryer, formID int64, version int) (*plan.Form, error) {
	var snap string
	err := q.QueryRowContext(ctx, `SELECT snapshot FROM form_versions WHERE form_id = $1 AND version = $2`, formID, version).Scan(&snap)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "没有第 %d 版。", version)
	}
	if err != nil {
		return nil, wrap(err, "read version %d of form %d", version, formID)
	}
	f := &plan.Form{}
	if err := json.Unmarshal([]byte(snap), f); err != nil {
		return nil, wrap(err, "decode version %d of form %d", version, formID)
	}
	return f, nil
}

// Attachment is an evidence file (佐证材料) on a task of a form.
type Attachment struct {
	PublicID    string
	FormID      string // the form's public ID
	TaskID      int64
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
	Data        []byte // only from AttachmentData
}

// AddAttachment stores an evidence file on a task of an editable form.
// The caller has sniffed the type and sanitised the name.
func (s *Store) AddAttachment(ctx context.Context, formPublicID string, taskID int64, filename, contentType string, data []byte, by *auth.User) (string, error) {
	publicID := newPublicID()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		f, round, err := loadFormRound(ctx, tx, formPublicID)
		if err != nil {
			return err
		}
		if err := formOpen(f, round); err != nil {
			return err
		}
		if !formHasTask(f, taskID) {
			return plan.Errorf(plan.ENOTFOUND, "此表没有该任务。")
		}
		sum := sha256.Sum256(data)
		var userID sql.NullInt64
		if by != nil {
			userID = nullID(by.ID)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO attachments (public_id, form_id, task_id, filename, content_type, size, sha256, data, user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			publicID, f.ID, taskID, filename, contentType, len(data), hex.EncodeToString(sum[:]), data, userID, s.nowUTC())
		if err != nil {
			return wrap(err, "store attachment %q", filename)
		}
		if err := evidenceChanged(ctx, tx, f.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "form.attachment.add", formObject(formPublicID), nil,
			map[string]any{"attachment": publicID, "task_id": taskID, "filename": filename, "type": contentType, "size": len(data), "sha256": hex.EncodeToString(sum[:])})
	})
	return publicID, err
}

// Attachments lists a form's evidence files without their contents.
func (s *Store) Attachments(ctx context.Context, formPublicID string) ([]Attachment, error) {
	return formAttachments(ctx, s.read, formPublicID)
}

func formAttachments(ctx context.Context, q queryer, formPublicID string) ([]Attachment, error) {
	var out []Attachment
	err := eachRow(ctx, q, `
		SELECT a.public_id, f.public_id, a.task_id, a.filename, a.content_type, a.size, a.sha256, a.created_at
		FROM attachments a JOIN forms f ON f.id = a.form_id
		WHERE f.public_id = $1 ORDER BY a.created_at, a.id`, func(rows *sql.Rows) error {
		var a Attachment
		if err := rows.Scan(&a.PublicID, &a.FormID, &a.TaskID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, formPublicID)
	if err != nil {
		return nil, wrap(err, "list the attachments of form %s", formPublicID)
	}
	return out, nil
}

// AttachmentData returns one evidence file with its contents.
func (s *Store) AttachmentData(ctx context.Context, publicID string) (*Attachment, error) {
	a := &Attachment{PublicID: publicID}
	err := s.read.QueryRowContext(ctx, `
		SELECT f.public_id, a.task_id, a.filename, a.content_type, a.size, a.sha256, a.created_at, a.data
		FROM attachments a JOIN forms f ON f.id = a.form_id WHERE a.public_id = $1`, publicID).
		Scan(&a.FormID, &a.TaskID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "附件不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read attachment %s", publicID)
	}
	return a, nil
}

// DeleteAttachment removes an evidence file while its form is editable.
func (s *Store) DeleteAttachment(ctx context.Context, publicID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var formPublic string
		err := tx.QueryRowContext(ctx, `SELECT f.public_id FROM attachments a JOIN forms f ON f.id = a.form_id WHERE a.public_id = $1`, publicID).Scan(&formPublic)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "附件不存在。")
		}
		if err != nil {
			return wrap(err, "read attachment %s", publicID)
		}
		f, round, err := loadFormRound(ctx, tx, formPublic)
		if err != nil {
			return err
		}
		if err := formOpen(f, round); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM attachments WHERE public_id = $1`, publicID); err != nil {
			return wrap(err, "delete attachment %s", publicID)
		}
		if err := evidenceChanged(ctx, tx, f.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "form.attachment.delete", formObject(formPublic), map[string]any{"attachment": publicID}, nil)
	})
}

// evidenceChanged counts a change to a form's evidence files, which a
// kept copy of the form shows the counts of (FormStamp).
func evidenceChanged(ctx context.Context, tx *sql.Tx, formID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE forms SET evidence_version = evidence_version + 1 WHERE id = $1`, formID)
	return wrap(err, "count the change of evidence of form %d", formID)
}

// AttachmentResource is the authorization resource of an attachment: its
// form's, narrowed to the task it is evidence for.
func (s *Store) AttachmentResource(ctx context.Context, publicID string) (*auth.Resource, error) {
	var formPublic string
	var taskID int64
	err := s.read.QueryRowContext(ctx, `SELECT f.public_id, a.task_id FROM attachments a JOIN forms f ON f.id = a.form_id WHERE a.public_id = $1`, publicID).Scan(&formPublic, &taskID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "附件不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read attachment %s", publicID)
	}
	res, err := s.FormResource(ctx, formPublic)
	if err != nil {
		return nil, err
	}
	res.TaskID = taskID
	return res, nil
}

// cloneForm copies a form so that the audit log gets it as it was before
// an edit changes it.
func cloneForm(f *plan.Form) *plan.Form {
	c := *f
	c.Tasks = append([]plan.FormTask(nil), f.Tasks...)
	c.Values = append([]plan.FormValue(nil), f.Values...)
	return &c
}
