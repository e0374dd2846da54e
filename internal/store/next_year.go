package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// NextYear starts the next year's plan from plan planID (以上年方案为基础新
// 建): a draft of year `year` with the same actions, tasks, task table,
// goals (targets as last year's, to be set anew: SetTargets), split tables
// (so the same units are assigned and allocated), the goals' definitions
// (口径), per-year targets and progress settings; last year's plan is kept
// as its previous plan and each goal's predecessor, for 同期. Links to a
// parent plan whose period covers the new year are kept, the target taken
// anew for that year; links to a yearly plan's split (the city's 2022
// 附件2) end with their year and are not copied. Nothing reported is
// copied: no rounds, forms, milestones or closures.
func (s *Store) NextYear(ctx context.Context, planID int64, year int) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		// The new plan is the old one's organisation's, and its names
		// resolve in that directory, whichever organisation the caller
		// works in.
		if ctx, err = planOrg(ctx, tx, planID); err != nil {
			return err
		}
		if old.StartYear != 0 {
			return plan.Errorf(plan.EINVALID, "《%s》是%d—%d年的多年方案，不按年度新建：请从其年度工作要点新建下一年", old.Title, old.StartYear, old.EndYear)
		}
		if year == 0 {
			year = old.Year + 1
		}
		if old.Year == 0 || year <= old.Year || year > old.Year+5 {
			return plan.Errorf(plan.EINVALID, "新方案的年份应在%d年之后（上年方案为%d年）", old.Year, old.Year)
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT title FROM plans WHERE previous_id = $1 AND year = $2`, planID, year).Scan(&existing)
		if err == nil {
			return plan.Errorf(plan.ECONFLICT, "已有以本方案为基础新建的%d年方案《%s》", year, existing)
		}
		if err != sql.ErrNoRows {
			return wrap(err, "look for the next year of plan %d", planID)
		}
		doc, olds := nextYearDocument(old, year)
		if id, err = insertPlan(ctx, tx, doc, "", s.nowUTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET previous_id = $1 WHERE id = $2`, planID, id); err != nil {
			return wrap(err, "keep the previous plan of plan %d", id)
		}
		stored, err := loadPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		goalIDs := map[int64]int64{} // last year's goal → this year's
		for i, g := range stored.Goals {
			goalIDs[olds[i].ID] = g.ID
			if _, err := tx.ExecContext(ctx, `INSERT INTO goal_predecessors (goal_id, previous_goal_id) VALUES ($1, $2)`, g.ID, olds[i].ID); err != nil {
				return wrap(err, "keep the predecessor of goal %d", g.ID)
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO goal_definitions (goal_id, kind, params, set_by, updated_at)
				SELECT CAST($1 AS BIGINT), kind, params, set_by, $3 FROM goal_definitions WHERE goal_id = $2`, g.ID, olds[i].ID, s.nowUTC()); err != nil {
				return wrap(err, "copy the definition of goal %d", olds[i].ID)
			}
			if err := s.carryLink(ctx, tx, stored, g, olds[i].PeriodLink()); err != nil {
				return err
			}
		}
		if err := copyProgressSettings(ctx, tx, planID, id, goalIDs); err != nil {
			return err
		}
		if err := resolveWithDirectory(ctx, tx, id); err != nil {
			return err
		}
		if stored, err = loadPlan(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, "plan.next_year", planObject(id, "", 0), map[string]any{"previous": planID}, stored)
	})
	return id, err
}

// nextYearDocument is last year's document made into next year's draft:
// the year in the title and in deadlines moved on, no 文号 or date yet,
// nothing archived carried over. olds are the goals copied, in order.
func nextYearDocument(old *plan.Document, year int) (*plan.Document, []plan.DocGoal) {
	from, to := strconv.Itoa(old.Year), strconv.Itoa(year)
	move := func(s string) string { return strings.ReplaceAll(s, from, to) }
	doc := &plan.Document{Issuer: old.Issuer, Title: move(old.Title), Year: year, ParentTitle: old.ParentTitle,
		Status: plan.StatusDraft, TaskTableAttachment: old.TaskTableAttachment}
	if doc.Title == old.Title {
		doc.Title = to + "年" + old.Title
	}
	var olds []plan.DocGoal
	for _, g := range old.Goals {
		if g.Archived {
			continue
		}
		olds = append(olds, g)
		g.ID, g.Links, g.Line, g.Archived = 0, nil, 0, false
		g.Text = move(g.Text)
		doc.Goals = append(doc.Goals, g)
	}
	for _, sec := range old.Sections {
		sec.ID, sec.Line = 0, 0
		var tasks []plan.DocTask
		for _, t := range sec.Tasks {
			if t.Archived {
				continue
			}
			t.ID, t.Line, t.Deadline = 0, 0, move(t.Deadline)
			tasks = append(tasks, t)
		}
		sec.Tasks = tasks
		doc.Sections = append(doc.Sections, sec)
	}
	for _, r := range old.TaskTable {
		r.ID, r.Line, r.Deadline = 0, 0, move(r.Deadline)
		doc.TaskTable = append(doc.TaskTable, r)
	}
	for _, t := range old.DecompositionTables {
		t.ID, t.Line, t.Title = 0, 0, move(t.Title)
		rows := make([]plan.DocTableRow, len(t.Rows))
		for i, r := range t.Rows {
			r.ID, r.Line = 0, 0
			rows[i] = r
		}
		t.Rows = rows
		doc.DecompositionTables = append(doc.DecompositionTables, t)
	}
	return doc, olds
}

// carryLink keeps last year's link of a goal to a parent plan whose
// period covers the new year, taking the new year's target from it.
func (s *Store) carryLink(ctx context.Context, tx *sql.Tx, doc *plan.Document, g plan.DocGoal, l *plan.GoalLink) error {
	if l == nil {
		return nil
	}
	orgs, err := linkableOrgs(ctx, tx, doc.ID)
	if err != nil {
		return err
	}
	var org int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id FROM plans WHERE id = $1`, l.ParentPlanID).Scan(&org); err != nil {
		return wrap(err, "find the organisation of plan %d", l.ParentPlanID)
	}
	if !slices.Contains(orgs, org) {
		return nil // the parent plan is no longer above this one's organisation
	}
	parent, err := loadPlan(unscoped(ctx), tx, l.ParentPlanID)
	if err != nil {
		return err
	}
	pg, err := goalOf(parent, l.ParentGoalID)
	if err != nil {
		return err
	}
	above, err := goalsAbove(ctx, tx, pg.ID)
	if err != nil {
		return err
	}
	target, err := plan.CheckLink(plan.LinkRequest{Goal: g, PlanID: doc.ID, PlanYear: doc.Year, Parent: pg, ParentPlan: parent, Above: above})
	if err != nil {
		return nil // the parent plan does not reach this year: the link ends with last year
	}
	if err := adoptParent(ctx, tx, doc, parent); err != nil {
		return err
	}
	doc.ParentID = parent.ID
	if _, err := tx.ExecContext(ctx, `INSERT INTO goal_links (goal_id, parent_goal_id, unit_id, source_target, by_allocation, created_at) VALUES ($1, $2, NULL, $3, FALSE, $4)`,
		g.ID, pg.ID, target, s.nowUTC()); err != nil {
		return wrap(err, "link goal %d", g.ID)
	}
	_, err = tx.ExecContext(ctx, `UPDATE goals SET target = $1 WHERE id = $2`, target, g.ID)
	return wrap(err, "set the target of goal %d", g.ID)
}

// copyProgressSettings gives the new plan last year's progress settings,
// the per-goal curves and weights moved to the new goals.
func copyProgressSettings(ctx context.Context, tx *sql.Tx, from, to int64, goalIDs map[int64]int64) error {
	ps, err := loadProgressSettings(ctx, tx, from)
	if err != nil {
		return err
	}
	curves, weights := map[int64]plan.Curve{}, map[int64]float64{}
	for id, c := range ps.Curves {
		if n, ok := goalIDs[id]; ok {
			curves[n] = c
		}
	}
	for id, w := range ps.Weights {
		if n, ok := goalIDs[id]; ok {
			weights[n] = w
		}
	}
	ps.Curves, ps.Weights = curves, weights
	b, err := json.Marshal(ps)
	if err != nil {
		return wrap(err, "encode progress settings")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, progressKey(to), string(b))
	return wrap(err, "copy the progress settings of plan %d", from)
}

// SetTargets sets the targets of a plan's goals at once (the next year's
// targets, asked for on one page), by goal ID. A goal linked to another
// plan keeps the target it takes from there: changing it is refused.
func (s *Store) SetTargets(ctx context.Context, planID int64, targets map[int64]plan.Decimal) error {
	ch := planChange{"plan.targets", func() string { return planObject(planID, "goals", 0) }, func(d *plan.Document) any { return d.Goals }}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		doc, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		for _, g := range doc.Goals {
			t, ok := targets[g.ID]
			if !ok || t.Cmp(g.Target) == 0 {
				continue
			}
			if len(g.Links) > 0 {
				return plan.Errorf(plan.EINVALID, "目标“%s”关联%s，目标值取自上级，不能直接修改", g.Indicator, g.Links[0].Of())
			}
			if t.Sign() < 0 {
				return plan.Errorf(plan.EINVALID, "目标“%s”的目标值不能为负数", g.Indicator)
			}
			if g.TargetMax != nil && g.TargetMax.Cmp(t) < 0 {
				return plan.Errorf(plan.EINVALID, "目标“%s”的目标值 %s 大于上限 %s", g.Indicator, t, g.TargetMax)
			}
			if err := updateOne(ctx, tx, "目标", `UPDATE goals SET target = $1 WHERE id = $2 AND plan_id = $3`, t, g.ID, planID); err != nil {
				return err
			}
		}
		for id := range targets {
			if _, err := goalOf(doc, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// GoalPredecessors maps a plan's goals to the same goals in the plan it
// was based on (以上年方案为基础新建), by goal ID.
func (s *Store) GoalPredecessors(ctx context.Context, planID int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	err := eachRow(ctx, s.read, `SELECT gp.goal_id, gp.previous_goal_id FROM goal_predecessors gp JOIN goals g ON g.id = gp.goal_id WHERE g.plan_id = $1`, func(rows *sql.Rows) error {
		var g, p int64
		if err := rows.Scan(&g, &p); err != nil {
			return err
		}
		out[g] = p
		return nil
	}, planID)
	return out, wrap(err, "read the predecessors of plan %d's goals", planID)
}
