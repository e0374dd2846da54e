package store

import (
	"context"
	"database/sql"
	"fmt"

	"kechuang/internal/plan"
)

// UnitTask is a task a unit leads or shares.
type UnitTask struct {
	PlanID    int64
	PlanTitle string
	TaskID    int64
	Number    string
	Title     string
	Lead      bool // the unit leads it (牵头); otherwise it shares it (责任)
}

// UnitTasks lists the tasks a unit leads or shares, across plans.
func (s *Store) UnitTasks(ctx context.Context, unitID int64) ([]UnitTask, error) {
	var out []UnitTask
	err := eachRow(ctx, s.read, `
		SELECT p.id, p.title, t.id, t.number, t.title,
		       MAX(CASE WHEN a.role = 'lead' THEN 1 ELSE 0 END)
		FROM assignments a
		JOIN tasks t ON t.id = a.task_id
		JOIN sections s ON s.id = t.section_id
		JOIN plans p ON p.id = a.plan_id
		WHERE a.unit_id = $1
		GROUP BY p.id, p.title, p.year, s.position, s.id, t.id, t.number, t.title, t.position
		ORDER BY p.year DESC, p.id DESC, s.position, s.id, t.position, t.id`, func(r *sql.Rows) error {
		var t UnitTask
		var lead int
		if err := r.Scan(&t.PlanID, &t.PlanTitle, &t.TaskID, &t.Number, &t.Title, &lead); err != nil {
			return err
		}
		t.Lead = lead == 1
		out = append(out, t)
		return nil
	}, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the tasks of unit %d: %w", unitID, err)
	}
	return out, nil
}

// UnitAllocation is a target allocated to a unit.
type UnitAllocation struct {
	PlanID    int64
	PlanTitle string
	GoalID    int64
	Indicator string
	Unit      string // of measure
	Target    plan.Decimal
}

// UnitAllocations lists the targets allocated to a unit, across plans.
func (s *Store) UnitAllocations(ctx context.Context, unitID int64) ([]UnitAllocation, error) {
	var out []UnitAllocation
	err := eachRow(ctx, s.read, `
		SELECT p.id, p.title, g.id, g.indicator, g.unit, a.target
		FROM allocations a
		JOIN goals g ON g.id = a.goal_id
		JOIN plans p ON p.id = a.plan_id
		WHERE a.unit_id = $1
		ORDER BY p.year DESC, p.id DESC, g.position`, func(r *sql.Rows) error {
		var a UnitAllocation
		if err := r.Scan(&a.PlanID, &a.PlanTitle, &a.GoalID, &a.Indicator, &a.Unit, &a.Target); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the allocations of unit %d: %w", unitID, err)
	}
	return out, nil
}

// LedTasks returns the IDs of the tasks a unit leads, across plans.
func (s *Store) LedTasks(ctx context.Context, unitID int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := eachRow(ctx, s.read, `SELECT task_id FROM assignments WHERE unit_id = $1 AND role = 'lead'`, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the tasks unit %d leads: %w", unitID, err)
	}
	return out, nil
}
