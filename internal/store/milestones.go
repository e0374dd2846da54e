package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Milestones (节点), 销号 and what they rest on: a task addressed by plan
// and ID together, so that an ID from another plan is not found.

// taskRef is a task as supervision refers to it.
type taskRef struct {
	ID       int64
	PlanID   int64
	Number   string
	Title    string
	Archived bool
	Year     int // the plan's
}

func loadTaskRef(ctx context.Context, q queryer, planID, taskID int64) (*taskRef, error) {
	t := &taskRef{}
	err := q.QueryRowContext(ctx, `
		SELECT t.id, t.plan_id, t.number, t.title, t.archived_at IS NOT NULL, p.year
		FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1 AND t.plan_id = $2`, taskID, planID).
		Scan(&t.ID, &t.PlanID, &t.Number, &t.Title, &t.Archived, &t.Year)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "任务不存在（编号 %d）", taskID)
	}
	if err != nil {
		return nil, wrap(err, "read task %d", taskID)
	}
	return t, nil
}

// taskUnits are the units that lead or share a task (assignments).
func taskUnits(ctx context.Context, q queryer, taskID int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := eachRow(ctx, q, `SELECT DISTINCT unit_id FROM assignments WHERE task_id = $1`, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, taskID)
	return out, wrap(err, "read the units of task %d", taskID)
}

// Milestones lists a plan's milestones, task by task in plan order.
func (s *Store) Milestones(ctx context.Context, planID int64) ([]plan.Milestone, error) {
	return loadMilestones(ctx, s.read, `t.plan_id = $1`, planID)
}

// TaskMilestones lists one task's milestones in their order.
func (s *Store) TaskMilestones(ctx context.Context, planID, taskID int64) ([]plan.Milestone, error) {
	return loadMilestones(ctx, s.read, `t.plan_id = $1 AND t.id = $2`, planID, taskID)
}

func loadMilestones(ctx context.Context, q queryer, where string, args ...any) ([]plan.Milestone, error) {
	out := []plan.Milestone{}
	err := eachRow(ctx, q, `
		SELECT m.id, m.task_id, COALESCE(m.unit_id, 0), m.description, m.due_on
		FROM task_milestones m JOIN tasks t ON t.id = m.task_id
		WHERE `+where+` ORDER BY t.position, t.id, m.position, m.id`, func(rows *sql.Rows) error {
		var m plan.Milestone
		if err := rows.Scan(&m.ID, &m.TaskID, &m.UnitID, &m.Description, &m.DueOn); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	}, args...)
	return out, wrap(err, "read milestones")
}

// SaveMilestones replaces a task's milestones with ms, in that order, after
// plan.CheckMilestones (a due date left empty is read from the
// description). A milestone's unit must lead or share the task.
func (s *Store) SaveMilestones(ctx context.Context, planID, taskID int64, ms []plan.Milestone) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := loadTaskRef(ctx, tx, planID, taskID)
		if err != nil {
			return err
		}
		units, err := taskUnits(ctx, tx, taskID)
		if err != nil {
			return err
		}
		if err := plan.CheckMilestones(ms, t.Year, units); err != nil {
			return err
		}
		before, err := loadMilestones(ctx, tx, `t.id = $1`, taskID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_milestones WHERE task_id = $1`, taskID); err != nil {
			return wrap(err, "replace the milestones of task %d", taskID)
		}
		for i := range ms {
			ms[i].TaskID = taskID
			if err := tx.QueryRowContext(ctx, `
				INSERT INTO task_milestones (task_id, unit_id, position, description, due_on) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				taskID, nullID(ms[i].UnitID), i, ms[i].Description, ms[i].DueOn).Scan(&ms[i].ID); err != nil {
				return wrap(err, "add a milestone to task %d", taskID)
			}
		}
		return s.audit(ctx, tx, "plan.task.milestones", planObject(planID, "task", taskID), before, ms)
	})
}

// Closure is a 销号 with what became of it: in force, or reopened by an
// administrator with a reason.
type Closure struct {
	plan.TaskClosure
	ReopenedAt   *time.Time
	ReopenedBy   string
	ReopenReason string
}

// TaskClosures lists the closures in force of a plan's tasks.
func (s *Store) TaskClosures(ctx context.Context, planID int64) ([]plan.TaskClosure, error) {
	return loadClosures(ctx, s.read, planID)
}

func loadClosures(ctx context.Context, q queryer, planID int64) ([]plan.TaskClosure, error) {
	out := []plan.TaskClosure{}
	err := eachRow(ctx, q, `
		SELECT c.task_id, c.closed_at, c.closed_by_name, c.note FROM task_closures c JOIN tasks t ON t.id = c.task_id
		WHERE t.plan_id = $1 AND c.reopened_at IS NULL ORDER BY t.position, t.id`, func(rows *sql.Rows) error {
		var c plan.TaskClosure
		if err := rows.Scan(&c.TaskID, &c.ClosedAt, &c.ClosedBy, &c.Note); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, planID)
	return out, wrap(err, "read the closures of plan %d", planID)
}

// ClosureHistory lists every 销号 of a task, newest first.
func (s *Store) ClosureHistory(ctx context.Context, planID, taskID int64) ([]Closure, error) {
	var out []Closure
	err := eachRow(ctx, s.read, `
		SELECT c.task_id, c.closed_at, c.closed_by_name, c.note, c.reopened_at, c.reopened_by_name, c.reopen_reason
		FROM task_closures c JOIN tasks t ON t.id = c.task_id
		WHERE t.plan_id = $1 AND c.task_id = $2 ORDER BY c.closed_at DESC, c.id DESC`, func(rows *sql.Rows) error {
		var c Closure
		var reopened sql.NullTime
		if err := rows.Scan(&c.TaskID, &c.ClosedAt, &c.ClosedBy, &c.Note, &reopened, &c.ReopenedBy, &c.ReopenReason); err != nil {
			return err
		}
		if reopened.Valid {
			c.ReopenedAt = &reopened.Time
		}
		out = append(out, c)
		return nil
	}, planID, taskID)
	return out, wrap(err, "read the closures of task %d", taskID)
}

// CloseTask closes a verified task (销号): the bureau has reviewed its
// evidence (plan.CheckClosure). Rounds opened afterwards leave it off
// their forms; what was reported on it stays in history.
func (s *Store) CloseTask(ctx context.Context, planID, taskID int64, note string, evidenceReviewed bool, by *auth.User) error {
	if err := plan.CheckClosure(note, evidenceReviewed); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := loadTaskRef(ctx, tx, planID, taskID)
		if err != nil {
			return err
		}
		if t.Archived {
			return plan.Errorf(plan.ECONFLICT, "任务%s已归档，不能销号。", t.Number)
		}
		if closed, err := taskClosed(ctx, tx, taskID); err != nil || closed {
			if err == nil {
				err = plan.Errorf(plan.ECONFLICT, "任务%s已销号。", t.Number)
			}
			return err
		}
		c := plan.TaskClosure{TaskID: taskID, ClosedAt: s.nowUTC(), ClosedBy: actorName(by), Note: note}
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_closures (task_id, closed_at, closed_by, closed_by_name, note) VALUES ($1, $2, $3, $4, $5)`,
			taskID, c.ClosedAt, userID(by), c.ClosedBy, note); err != nil {
			return wrap(err, "close task %d", taskID)
		}
		return s.audit(ctx, tx, "plan.task.close", planObject(planID, "task", taskID), nil, c)
	})
}

// ReopenTask undoes a task's 销号, for a reason (an administrator's
// decision, audited): rounds opened afterwards put it on their forms again.
func (s *Store) ReopenTask(ctx context.Context, planID, taskID int64, reason string, by *auth.User) error {
	if err := plan.CheckText("撤销原因", reason, plan.MaxComment); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := loadTaskRef(ctx, tx, planID, taskID)
		if err != nil {
			return err
		}
		var c plan.TaskClosure
		err = tx.QueryRowContext(ctx, `SELECT task_id, closed_at, closed_by_name, note FROM task_closures WHERE task_id = $1 AND reopened_at IS NULL`, taskID).
			Scan(&c.TaskID, &c.ClosedAt, &c.ClosedBy, &c.Note)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ECONFLICT, "任务%s未销号。", t.Number)
		}
		if err != nil {
			return wrap(err, "read the closure of task %d", taskID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE task_closures SET reopened_at = $1, reopened_by = $2, reopened_by_name = $3, reopen_reason = $4
			WHERE task_id = $5 AND reopened_at IS NULL`, s.nowUTC(), userID(by), actorName(by), reason, taskID); err != nil {
			return wrap(err, "reopen task %d", taskID)
		}
		return s.audit(ctx, tx, "plan.task.reopen", planObject(planID, "task", taskID), c, map[string]any{"reason": reason})
	})
}

func taskClosed(ctx context.Context, q queryer, taskID int64) (bool, error) {
	var closed bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM task_closures WHERE task_id = $1 AND reopened_at IS NULL)`, taskID).Scan(&closed)
	return closed, wrap(err, "read the closure of task %d", taskID)
}

// actorName is how a record names who made it; "system" without a user.
func actorName(u *auth.User) string {
	if u == nil {
		return "system"
	}
	return u.Name()
}

func userID(u *auth.User) sql.NullInt64 {
	if u == nil {
		return sql.NullInt64{}
	}
	return nullID(u.ID)
}
