package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"kechuang/internal/plan"
)

// ApprovedValues returns every approved value of a plan's rounds: the
// series the dashboard's trends, actuals and forecasts are computed from.
func (s *Store) ApprovedValues(ctx context.Context, planID int64) ([]plan.UnitValue, error) {
	var out []plan.UnitValue
	err := eachRow(ctx, s.read, `
		SELECT fv.goal_id, f.unit_id, fv.value, r.as_of, f.public_id
		FROM form_values fv JOIN forms f ON f.id = fv.form_id JOIN rounds r ON r.id = f.round_id
		WHERE r.plan_id = $1 AND f.state = $2 AND fv.value IS NOT NULL
		ORDER BY r.as_of, r.id`, func(rows *sql.Rows) error {
		var v plan.UnitValue
		if err := rows.Scan(&v.GoalID, &v.UnitID, &v.Value, &v.AsOf, &v.Source); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, planID, string(plan.FormApproved))
	if err != nil {
		return nil, wrap(err, "read the approved values of plan %d", planID)
	}
	return out, nil
}

// TaskReport is a unit's reported entry on a task, as the lagging list
// quotes it.
type TaskReport struct {
	TaskID   int64
	Number   string
	Title    string
	UnitID   int64
	Unit     string
	Status   plan.TaskStatus
	Problems string
	Form     string // public ID
	AsOf     string
}

// LatestTaskReports returns, for each task and unit, the entry of the
// unit's latest reported (submitted or approved) form in the plan: what
// units themselves say, without their unsubmitted drafts.
func (s *Store) LatestTaskReports(ctx context.Context, planID int64) ([]TaskReport, error) {
	var out []TaskReport
	seen := map[[2]int64]bool{}
	err := eachRow(ctx, s.read, `
		SELECT ft.task_id, t.number, t.title, f.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END,
		       ft.status, ft.problems, f.public_id, r.as_of
		FROM form_tasks ft JOIN forms f ON f.id = ft.form_id JOIN rounds r ON r.id = f.round_id
		JOIN tasks t ON t.id = ft.task_id JOIN units u ON u.id = f.unit_id
		WHERE r.plan_id = $1 AND f.state IN ($2, $3) AND ft.status <> ''
		ORDER BY r.as_of DESC, r.id DESC, t.position, u.position`, func(rows *sql.Rows) error {
		var tr TaskReport
		if err := rows.Scan(&tr.TaskID, &tr.Number, &tr.Title, &tr.UnitID, &tr.Unit, &tr.Status, &tr.Problems, &tr.Form, &tr.AsOf); err != nil {
			return err
		}
		if k := [2]int64{tr.TaskID, tr.UnitID}; !seen[k] {
			seen[k] = true
			out = append(out, tr)
		}
		return nil
	}, planID, string(plan.FormSubmitted), string(plan.FormApproved))
	if err != nil {
		return nil, wrap(err, "read the task reports of plan %d", planID)
	}
	return out, nil
}

// progressKey is where a plan's progress settings are kept.
func progressKey(planID int64) string { return fmt.Sprintf("progress.plan.%d", planID) }

// ProgressSettings returns a plan's progress settings, the defaults when
// none were saved.
func (s *Store) ProgressSettings(ctx context.Context, planID int64) (plan.ProgressSettings, error) {
	var ps plan.ProgressSettings
	var raw string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, progressKey(planID)).Scan(&raw)
	switch {
	case err == sql.ErrNoRows:
		return ps, nil
	case err != nil:
		return ps, wrap(err, "read the progress settings of plan %d", planID)
	}
	if err := json.Unmarshal([]byte(raw), &ps); err != nil {
		return ps, wrap(err, "decode the progress settings of plan %d", planID)
	}
	return ps, nil
}

// SaveProgressSettings validates and keeps a plan's progress settings.
func (s *Store) SaveProgressSettings(ctx context.Context, planID int64, ps plan.ProgressSettings) error {
	if err := ps.Check(); err != nil {
		return err
	}
	b, err := json.Marshal(ps)
	if err != nil {
		return wrap(err, "encode progress settings")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "plans", planID, "方案"); err != nil {
			return err
		}
		var old string
		tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, progressKey(planID)).Scan(&old)
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, progressKey(planID)); err != nil {
			return wrap(err, "save progress settings")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, progressKey(planID), string(b)); err != nil {
			return wrap(err, "save progress settings")
		}
		return s.audit(ctx, tx, "settings.progress", fmt.Sprintf("plan:%d", planID), json.RawMessage(orNull(old)), json.RawMessage(b))
	})
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
