package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// newPublicID is the identifier URLs carry for a form or an attachment:
// 80 random bits, so that one unit cannot reach another's by counting.
func newPublicID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateRound sets up a round in the draft state. With no units given, the
// scope is every unit that leads or shares a task of the plan or has a
// target allocated in it; archived units, tasks and goals, and tasks
// closed by 销号, do not count, and an archived unit given is refused.
func (s *Store) CreateRound(ctx context.Context, r plan.Round) (int64, error) {
	if r.State == "" {
		r.State = plan.RoundDraft
	}
	if err := plan.CheckRound(&r); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if !reachesPlan(ctx, tx, r.PlanID) {
			return plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", r.PlanID)
		}
		if err := checkRoundYear(ctx, tx, &r); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO rounds (plan_id, label, as_of, opens_on, due_on, state, remind_days, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			r.PlanID, r.Label, r.AsOf, r.OpensOn, r.DueOn, string(plan.RoundDraft), r.RemindDays, s.nowUTC()).Scan(&id); err != nil {
			return wrap(err, "create round %q", r.Label)
		}
		units := r.UnitIDs // plan.CheckRound refused a unit named twice
		if len(units) == 0 {
			// Archived units, tasks and goals are left out.
			if err := eachRow(ctx, tx, `
				SELECT a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id
				WHERE a.plan_id = $1 AND t.archived_at IS NULL AND u.archived_at IS NULL
				  AND NOT EXISTS (SELECT 1 FROM task_closures c WHERE c.task_id = t.id AND c.reopened_at IS NULL)
				UNION SELECT al.unit_id FROM allocations al JOIN goals g ON g.id = al.goal_id JOIN units u ON u.id = al.unit_id
				WHERE al.plan_id = $1 AND g.archived_at IS NULL AND u.archived_at IS NULL
				  AND NOT EXISTS (SELECT 1 FROM goal_links l WHERE l.parent_goal_id = al.goal_id AND l.unit_id = al.unit_id)`, func(rows *sql.Rows) error {
				var u int64
				if err := rows.Scan(&u); err != nil {
					return err
				}
				units = append(units, u)
				return nil
			}, r.PlanID); err != nil {
				return wrap(err, "find the units of plan %d", r.PlanID)
			}
		}
		for _, u := range units {
			if err := unitForRound(ctx, tx, u); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO round_units (round_id, unit_id) VALUES ($1, $2)`, id, u); err != nil {
				return wrap(err, "add unit %d to round %d", u, id)
			}
		}
		r.ID, r.UnitIDs = id, units
		return s.audit(ctx, tx, "round.create", roundObject(id), nil, r)
	})
	return id, err
}

func roundObject(id int64) string { return fmt.Sprintf("round:%d", id) }

func formObject(publicID string) string { return "form:" + publicID }

const roundColumns = `r.id, r.plan_id, p.title, r.label, r.as_of, r.opens_on, r.due_on, r.state, r.remind_days, r.issue`

func scanRound(row interface{ Scan(...any) error }) (*plan.Round, error) {
	r := &plan.Round{}
	err := row.Scan(&r.ID, &r.PlanID, &r.PlanTitle, &r.Label, &r.AsOf, &r.OpensOn, &r.DueOn, &r.State, &r.RemindDays, &r.Issue)
	return r, err
}

// Rounds lists a plan's rounds, newest data date first.
func (s *Store) Rounds(ctx context.Context, planID int64) ([]*plan.Round, error) {
	return loadRounds(ctx, s.read, planID)
}

func loadRounds(ctx context.Context, q queryer, planID int64) ([]*plan.Round, error) {
	if !reachesPlan(ctx, q, planID) {
		return nil, nil // another organisation's plan has no rounds to the caller
	}
	var out []*plan.Round
	err := eachRow(ctx, q, `SELECT `+roundColumns+` FROM rounds r JOIN plans p ON p.id = r.plan_id
		WHERE r.plan_id = $1 ORDER BY r.as_of DESC, r.id DESC`, func(rows *sql.Rows) error {
		r, err := scanRound(rows)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, planID)
	if err != nil {
		return nil, wrap(err, "list the rounds of plan %d", planID)
	}
	// Each with the units in its scope, as Round gives them: a list and
	// its rounds' details agree.
	byID := map[int64]*plan.Round{}
	for _, r := range out {
		byID[r.ID] = r
	}
	err = eachRow(ctx, q, `SELECT ru.round_id, ru.unit_id FROM round_units ru JOIN rounds r ON r.id = ru.round_id JOIN units u ON u.id = ru.unit_id
		WHERE r.plan_id = $1 ORDER BY ru.round_id, u.position, u.id`, func(rows *sql.Rows) error {
		var rid, uid int64
		if err := rows.Scan(&rid, &uid); err != nil {
			return err
		}
		if r := byID[rid]; r != nil {
			r.UnitIDs = append(r.UnitIDs, uid)
		}
		return nil
	}, planID)
	if err != nil {
		return nil, wrap(err, "list the units of the rounds of plan %d", planID)
	}
	return out, nil
}

// Round returns a round with the units in its scope.
func (s *Store) Round(ctx context.Context, id int64) (*plan.Round, error) {
	return loadRound(ctx, s.read, id)
}

func loadRound(ctx context.Context, q queryer, id int64) (*plan.Round, error) {
	r, err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM rounds r JOIN plans p ON p.id = r.plan_id WHERE r.id = $1`, id))
	if err == nil && !reachesPlan(ctx, q, r.PlanID) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "调度不存在（编号 %d）", id)
	}
	if err != nil {
		return nil, wrap(err, "read round %d", id)
	}
	err = eachRow(ctx, q, `SELECT ru.unit_id FROM round_units ru JOIN units u ON u.id = ru.unit_id
		WHERE ru.round_id = $1 ORDER BY u.position, u.id`, func(rows *sql.Rows) error {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return err
		}
		r.UnitIDs = append(r.UnitIDs, u)
		return nil
	}, id)
	if err != nil {
		return nil, wrap(err, "read the units of round %d", id)
	}
	return r, nil
}

// OpenRound opens a draft round and gives every unit in scope its form,
// prefilled from the unit's last approved report in the plan: a unit
// changes only what moved.
func (s *Store) OpenRound(ctx context.Context, id int64, by *auth.User) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := loadRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != plan.RoundDraft {
			return plan.Errorf(plan.ECONFLICT, "调度“%s”已%s，不能再次开始", r.Label, r.State.Label())
		}
		if len(r.UnitIDs) == 0 {
			return plan.Errorf(plan.EINVALID, "调度“%s”没有参与单位", r.Label)
		}
		now := s.nowUTC()
		for _, unitID := range r.UnitIDs {
			if err := createForm(ctx, tx, r, unitID, by, now); err != nil {
				return err
			}
		}
		if _, err = tx.ExecContext(ctx, `UPDATE rounds SET state = $1, opened_at = $2 WHERE id = $3`, string(plan.RoundOpen), now, id); err != nil {
			return wrap(err, "open round %d", id)
		}
		return s.audit(ctx, tx, "round.open", roundObject(id), map[string]any{"state": r.State}, map[string]any{"state": plan.RoundOpen, "forms": len(r.UnitIDs)})
	})
}

// CloseRound ends a round: forms can no longer be changed, submitted,
// approved or returned, and what its figures are computed from is kept as
// the round's next issue, so that its dashboard and bulletin stay as they
// were issued whatever is approved, imported or edited later.
func (s *Store) CloseRound(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := loadRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != plan.RoundOpen {
			return plan.Errorf(plan.ECONFLICT, "调度“%s”%s，不能结束", r.Label, r.State.Label())
		}
		now := s.nowUTC()
		if _, err = tx.ExecContext(ctx, `UPDATE rounds SET state = $1, closed_at = $2 WHERE id = $3`, string(plan.RoundClosed), now, id); err != nil {
			return wrap(err, "close round %d", id)
		}
		r.State = plan.RoundClosed
		issue, err := s.freezeRound(ctx, tx, r, now)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "round.close", roundObject(id), map[string]any{"state": plan.RoundOpen}, map[string]any{"state": plan.RoundClosed, "issue": issue})
	})
}

// ReopenRound opens a closed round again so that staff can correct it
// (approve a late form, return one): an administrator's decision, recorded
// with its reason. Closing it again issues its figures anew, and the
// bulletin says it is reissued.
func (s *Store) ReopenRound(ctx context.Context, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return plan.Errorf(plan.EINVALID, "重新打开调度时请写明原因。")
	}
	if n := len([]rune(reason)); n > 500 {
		return plan.Errorf(plan.EINVALID, "原因最多 500 字（现 %d 字）。", n)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := loadRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != plan.RoundClosed {
			return plan.Errorf(plan.ECONFLICT, "调度“%s”%s，不需要重新打开", r.Label, r.State.Label())
		}
		if _, err = tx.ExecContext(ctx, `UPDATE rounds SET state = $1, reopened_at = $2 WHERE id = $3`, string(plan.RoundOpen), s.nowUTC(), id); err != nil {
			return wrap(err, "reopen round %d", id)
		}
		return s.audit(ctx, tx, "round.reopen", roundObject(id), map[string]any{"state": plan.RoundClosed, "issue": r.Issue}, map[string]any{"state": plan.RoundOpen, "reason": reason})
	})
}

// createForm makes a unit's form for a round: one entry per task it leads
// or shares, one per target allocated to it (archived ones and tasks closed
// by 销号 before the round opens aside), prefilled from its last
// approved form in the same plan. The prefilled form is kept as version 0,
// the base the reporting burden is counted against.
func createForm(ctx context.Context, tx *sql.Tx, r *plan.Round, unitID int64, by *auth.User, now time.Time) error {
	publicID := newPublicID()
	var formID int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO forms (public_id, round_id, unit_id, state, version, updated_at)
		VALUES ($1, $2, $3, $4, 0, $5) RETURNING id`, publicID, r.ID, unitID, string(plan.FormEmpty), now).Scan(&formID); err != nil {
		return wrap(err, "create the form of unit %d", unitID)
	}
	var lastForm sql.NullInt64
	err := tx.QueryRowContext(ctx, `
		SELECT f.id FROM forms f JOIN rounds r ON r.id = f.round_id
		WHERE f.unit_id = $1 AND r.plan_id = $2 AND f.state = $3 AND r.id <> $4
		ORDER BY r.as_of DESC, r.id DESC LIMIT 1`, unitID, r.PlanID, string(plan.FormApproved), r.ID).Scan(&lastForm)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return wrap(err, "find the last report of unit %d", unitID)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO form_tasks (form_id, task_id, position, status, progress, problems, next_steps)
		SELECT CAST($1 AS BIGINT), t.id, t.position,
		       COALESCE(prev.status, ''), COALESCE(prev.progress, ''), COALESCE(prev.problems, ''), COALESCE(prev.next_steps, '')
		FROM tasks t
		LEFT JOIN form_tasks prev ON prev.form_id = $2 AND prev.task_id = t.id
		WHERE t.plan_id = $3 AND t.archived_at IS NULL AND t.id IN (SELECT task_id FROM assignments WHERE unit_id = $4 AND plan_id = $3)
		  AND NOT EXISTS (SELECT 1 FROM task_closures c WHERE c.task_id = t.id AND c.reopened_at IS NULL)`,
		formID, lastForm.Int64, r.PlanID, unitID); err != nil {
		return wrap(err, "prefill the tasks of unit %d", unitID)
	}
	// A goal bound to a definition is computed from registers, never typed:
	// it has no field on the form; nor has an allocation linked to the
	// unit's own plan, whose figure rolls up from there (issue 12).
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO form_values (form_id, goal_id, position, target, value, note)
		SELECT CAST($1 AS BIGINT), a.goal_id, g.position, a.target, prev.value, COALESCE(prev.note, '')
		FROM allocations a JOIN goals g ON g.id = a.goal_id
		LEFT JOIN form_values prev ON prev.form_id = $2 AND prev.goal_id = a.goal_id
		WHERE a.plan_id = $3 AND a.unit_id = $4 AND g.archived_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM goal_definitions d WHERE d.goal_id = a.goal_id AND d.kind <> '')
		  AND NOT EXISTS (SELECT 1 FROM goal_links l WHERE l.parent_goal_id = a.goal_id AND l.unit_id = a.unit_id)`,
		formID, lastForm.Int64, r.PlanID, unitID); err != nil {
		return wrap(err, "prefill the values of unit %d", unitID)
	}
	f, err := loadForm(ctx, tx, publicID)
	if err != nil {
		return err
	}
	_, f.CarriedFields = plan.CountFields(f, f)
	if _, err := tx.ExecContext(ctx, `UPDATE forms SET carried_fields = $1 WHERE id = $2`, f.CarriedFields, formID); err != nil {
		return wrap(err, "count the carried fields of form %d", formID)
	}
	return addVersion(ctx, tx, f, by, "", now)
}

// FormSummary is a form's line in the round matrix.
type FormSummary struct {
	PublicID      string
	UnitID        int64
	UnitName      string
	UnitKind      plan.UnitKind
	Contact       string // the unit's contact person and phone, for chasing it
	Phone         string
	State         plan.FormState
	Version       int
	TypedFields   int
	CarriedFields int
	SecondsSpent  int
	SubmittedAt   *time.Time
	// FirstSubmittedAt and DueOnAtSubmission: when the unit first handed
	// the form in, and the due date then (what plan.Late judges).
	FirstSubmittedAt  *time.Time
	DueOnAtSubmission string
}

// Late reports whether the form was first submitted after the due date
// then in force (plan.Late).
func (f FormSummary) Late() bool {
	return f.FirstSubmittedAt != nil && plan.Late(f.DueOnAtSubmission, *f.FirstSubmittedAt)
}

// RoundForms lists the forms of a round in directory order.
func (s *Store) RoundForms(ctx context.Context, roundID int64) ([]FormSummary, error) {
	return roundForms(ctx, s.read, roundID)
}

func roundForms(ctx context.Context, q queryer, roundID int64) ([]FormSummary, error) {
	var out []FormSummary
	cond, args := scopeFilter(ctx, "u.org_id", []any{roundID})
	err := eachRow(ctx, q, `
		SELECT f.public_id, u.id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, u.kind, u.contact, u.phone,
		       f.state, f.version, f.typed_fields, f.carried_fields, f.seconds_spent, f.submitted_at, f.first_submitted_at, f.submitted_due_on
		FROM forms f JOIN units u ON u.id = f.unit_id
		WHERE f.round_id = $1`+cond+` ORDER BY u.position, u.id`, func(rows *sql.Rows) error {
		var f FormSummary
		var submitted, first sql.NullTime
		if err := rows.Scan(&f.PublicID, &f.UnitID, &f.UnitName, &f.UnitKind, &f.Contact, &f.Phone, &f.State, &f.Version, &f.TypedFields, &f.CarriedFields, &f.SecondsSpent, &submitted, &first, &f.DueOnAtSubmission); err != nil {
			return err
		}
		if submitted.Valid {
			f.SubmittedAt = &submitted.Time
		}
		if first.Valid {
			f.FirstSubmittedAt = &first.Time
		}
		out = append(out, f)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list the forms of round %d", roundID)
	}
	return out, nil
}

// UnitForms lists a unit's forms across rounds, newest first: a reporter's
// inbox.
func (s *Store) UnitForms(ctx context.Context, unitID int64) ([]UnitForm, error) {
	var out []UnitForm
	cond, args := scopeFilter(ctx, "p.org_id", []any{unitID})
	err := eachRow(ctx, s.read, `
		SELECT f.public_id, f.state, r.id, r.label, r.due_on, r.state, p.title
		FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id
		WHERE f.unit_id = $1`+cond+` ORDER BY r.as_of DESC, r.id DESC`, func(rows *sql.Rows) error {
		var f UnitForm
		if err := rows.Scan(&f.PublicID, &f.State, &f.RoundID, &f.RoundLabel, &f.DueOn, &f.RoundState, &f.PlanTitle); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list the forms of unit %d", unitID)
	}
	return out, nil
}

// UnitForm is a form in a unit's inbox.
type UnitForm struct {
	PublicID   string
	State      plan.FormState
	RoundID    int64
	RoundLabel string
	DueOn      string
	RoundState plan.RoundState
	PlanTitle  string
}

// addVersion keeps the form as it now stands, whole, as its current
// version: every save, submission, return and approval can be looked at
// later.
func addVersion(ctx context.Context, tx *sql.Tx, f *plan.Form, by *auth.User, comment string, now time.Time) error {
	snap, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("store: unable to encode form %s: %w", f.PublicID, err)
	}
	var userID sql.NullInt64
	username := "system"
	if by != nil {
		userID, username = nullID(by.ID), by.Username
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO form_versions (form_id, version, state, snapshot, user_id, username, comment, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.ID, f.Version, string(f.State), string(snap), userID, username, comment, now)
	return wrap(err, "keep version %d of form %s", f.Version, f.PublicID)
}

// FormStateCount is how many forms of an open round stand in a state.
type FormStateCount struct {
	RoundID int64
	Label   string
	State   plan.FormState
	Forms   int
}

// OpenRoundFormCounts counts the forms of every open round by state: how
// reporting is going, for monitoring.
func (s *Store) OpenRoundFormCounts(ctx context.Context) ([]FormStateCount, error) {
	var out []FormStateCount
	cond, args := scopeFilter(ctx, "p.org_id", []any{string(plan.RoundOpen)})
	err := eachRow(ctx, s.read, `
		SELECT r.id, r.label, f.state, COUNT(*) FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id
		WHERE r.state = $1`+cond+` GROUP BY r.id, r.label, f.state ORDER BY r.id, f.state`, func(rows *sql.Rows) error {
		var c FormStateCount
		if err := rows.Scan(&c.RoundID, &c.Label, &c.State, &c.Forms); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "count the forms of open rounds")
	}
	return out, nil
}
