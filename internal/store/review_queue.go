package store

import (
	"context"
	"database/sql"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// QueueItem is a form awaiting review (待我审核): submitted by its unit in
// an open round.
type QueueItem struct {
	PublicID    string
	Version     int
	UnitID      int64
	UnitName    string
	Contact     string
	Phone       string
	RoundID     int64
	RoundLabel  string
	DueOn       string
	PlanID      int64
	PlanTitle   string
	SubmittedAt *time.Time
	LeadTasks   int // for a lead unit's reviewer: the tasks on the form it leads
}

// ReviewQueue lists the forms u is to review, oldest submission first:
// for administrators every submitted form of an open round; for a
// reporter, the submitted forms of other units on which its unit leads a
// task (its reviewer may return them); for anyone else none.
func (s *Store) ReviewQueue(ctx context.Context, u *auth.User) ([]QueueItem, error) {
	var where string
	args := []any{string(plan.RoundOpen), string(plan.FormSubmitted)}
	switch {
	case u == nil || u.Disabled:
		return nil, nil
	case u.Role == auth.RoleAdmin:
		args = append(args, int64(0))
	case u.Role == auth.RoleReporter && u.UnitID != 0:
		where = ` AND f.unit_id <> $3 AND EXISTS (SELECT 1 FROM form_tasks ft JOIN assignments a ON a.task_id = ft.task_id
			WHERE ft.form_id = f.id AND a.unit_id = $3 AND a.role = 'lead')`
		args = append(args, u.UnitID)
	default:
		return nil, nil
	}
	cond, args := scopeFilter(ctx, "p.org_id", args)
	where += cond
	var out []QueueItem
	err := eachRow(ctx, s.read, `
		SELECT f.public_id, f.version, u.id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, u.contact, u.phone,
		       r.id, r.label, r.due_on, p.id, p.title, f.submitted_at,
		       (SELECT COUNT(*) FROM form_tasks ft JOIN assignments a ON a.task_id = ft.task_id
		        WHERE ft.form_id = f.id AND a.unit_id = $3 AND a.role = 'lead')
		FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id JOIN units u ON u.id = f.unit_id
		WHERE r.state = $1 AND f.state = $2`+where+`
		ORDER BY f.submitted_at, r.id, u.position, u.id`, func(rows *sql.Rows) error {
		var q QueueItem
		var at sql.NullTime
		if err := rows.Scan(&q.PublicID, &q.Version, &q.UnitID, &q.UnitName, &q.Contact, &q.Phone, &q.RoundID, &q.RoundLabel, &q.DueOn, &q.PlanID, &q.PlanTitle, &at, &q.LeadTasks); err != nil {
			return err
		}
		if at.Valid {
			q.SubmittedAt = &at.Time
		}
		out = append(out, q)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list the review queue of %s", u.Username)
	}
	return out, nil
}

// ReviewCount is how many forms await u's review: the header's badge.
func (s *Store) ReviewCount(ctx context.Context, u *auth.User) (int, error) {
	q := `SELECT COUNT(*) FROM forms f JOIN rounds r ON r.id = f.round_id JOIN plans p ON p.id = r.plan_id WHERE r.state = $1 AND f.state = $2`
	args := []any{string(plan.RoundOpen), string(plan.FormSubmitted)}
	switch {
	case u == nil || u.Disabled:
		return 0, nil
	case u.Role == auth.RoleAdmin:
	case u.Role == auth.RoleReporter && u.UnitID != 0:
		q += ` AND f.unit_id <> $3 AND EXISTS (SELECT 1 FROM form_tasks ft JOIN assignments a ON a.task_id = ft.task_id
			WHERE ft.form_id = f.id AND a.unit_id = $3 AND a.role = 'lead')`
		args = append(args, u.UnitID)
	default:
		return 0, nil
	}
	cond, args := scopeFilter(ctx, "p.org_id", args)
	q += cond
	var n int
	if err := s.read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, wrap(err, "count the review queue of %s", u.Username)
	}
	return n, nil
}
