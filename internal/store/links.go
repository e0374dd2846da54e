package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"kechuang/internal/plan"
)

// Plans that cascade (issue 12): a goal linked to another plan's goal
// (plan.GoalLink), per-year targets of a multi-year plan, and the
// roll-up of linked plans' figures into the parent's allocation rows.
// Links name plans and goals by ID and never assume the two plans share a
// directory except through the allocation unit the link names.

// maxLinkDepth bounds how far roll-ups follow links down (province → city
// → district → …); links refuse cycles, this only keeps a bad database
// from looping.
const maxLinkDepth = 4

// loadGoalLinks reads the goals' per-year targets and links into doc, the
// parent's figure as it stands now beside the one each target was taken
// from.
func loadGoalLinks(ctx context.Context, q queryer, doc *plan.Document) error {
	idx := map[int64]int{}
	for i, g := range doc.Goals {
		idx[g.ID] = i
	}
	if err := eachRow(ctx, q, `
		SELECT t.goal_id, t.year, t.target FROM goal_year_targets t JOIN goals g ON g.id = t.goal_id
		WHERE g.plan_id = $1 ORDER BY t.goal_id, t.year`, func(rows *sql.Rows) error {
		var id int64
		var t plan.YearTarget
		if err := rows.Scan(&id, &t.Year, &t.Target); err != nil {
			return err
		}
		if i, ok := idx[id]; ok {
			doc.Goals[i].YearTargets = append(doc.Goals[i].YearTargets, t)
		}
		return nil
	}, doc.ID); err != nil {
		return wrap(err, "read the year targets of plan %d", doc.ID)
	}
	err := eachRow(ctx, q, `
		SELECT l.goal_id, l.parent_goal_id, pg.plan_id, p.title, pg.indicator, pg.unit, COALESCE(l.unit_id, 0),
		       COALESCE(CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, ''), l.source_target,
		       CASE WHEN l.unit_id IS NOT NULL THEN (SELECT a.target FROM allocations a WHERE a.goal_id = l.parent_goal_id AND a.unit_id = l.unit_id)
		            WHEN EXISTS (SELECT 1 FROM goal_year_targets t WHERE t.goal_id = l.parent_goal_id)
		            THEN (SELECT t.target FROM goal_year_targets t WHERE t.goal_id = l.parent_goal_id AND t.year = $2)
		            ELSE pg.target END
		FROM goal_links l JOIN goals g ON g.id = l.goal_id JOIN goals pg ON pg.id = l.parent_goal_id
		JOIN plans p ON p.id = pg.plan_id LEFT JOIN units u ON u.id = l.unit_id
		WHERE g.plan_id = $1 ORDER BY l.goal_id, l.by_allocation DESC`, func(rows *sql.Rows) error {
		var l plan.GoalLink
		var cur sql.NullString
		if err := rows.Scan(&l.GoalID, &l.ParentGoalID, &l.ParentPlanID, &l.ParentPlan, &l.ParentIndicator, &l.Measure, &l.UnitID, &l.Unit, &l.SourceTarget, &cur); err != nil {
			return err
		}
		if cur.Valid {
			d, err := plan.ParseDecimal(cur.String)
			if err != nil {
				return err
			}
			l.Current = &d
		}
		if i, ok := idx[l.GoalID]; ok {
			doc.Goals[i].Links = append(doc.Goals[i].Links, l)
		}
		return nil
	}, doc.ID, doc.Year)
	return wrap(err, "read the goal links of plan %d", doc.ID)
}

func insertYearTargets(ctx context.Context, tx *sql.Tx, goalID int64, targets []plan.YearTarget) error {
	for _, t := range targets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO goal_year_targets (goal_id, year, target) VALUES ($1, $2, $3)`, goalID, t.Year, t.Target); err != nil {
			return wrap(err, "save the %d target of goal %d", t.Year, goalID)
		}
	}
	return nil
}

// SaveYearTargets replaces a goal's per-year targets (a multi-year plan's
// 分年度目标), checked against the plan's period.
func (s *Store) SaveYearTargets(ctx context.Context, planID, goalID int64, targets []plan.YearTarget) error {
	ch := goalChange("plan.goal.years", planID, goalID)
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		doc, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		g, err := goalOf(doc, goalID)
		if err != nil {
			return err
		}
		g.YearTargets = targets
		if err := plan.CheckYearTargets(doc, g); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goal_year_targets WHERE goal_id = $1`, goalID); err != nil {
			return wrap(err, "replace the year targets of goal %d", goalID)
		}
		return insertYearTargets(ctx, tx, goalID, targets)
	})
}

func goalChange(action string, planID, goalID int64) planChange {
	return planChange{action, func() string { return planObject(planID, "goal", goalID) }, func(d *plan.Document) any {
		return partByID(d.Goals, goalID, func(g plan.DocGoal) int64 { return g.ID })
	}}
}

func goalOf(doc *plan.Document, goalID int64) (plan.DocGoal, error) {
	for _, g := range doc.Goals {
		if g.ID == goalID {
			return g, nil
		}
	}
	return plan.DocGoal{}, plan.Errorf(plan.ENOTFOUND, "目标不存在（编号 %d）", goalID)
}

// LinkGoal links a goal of plan planID to a goal of another plan —
// through one unit's allocation of it (unitID, the city's split row for
// this district) or, with unitID 0, to a parent plan's goal for this
// plan's year — and takes its target from there (plan.CheckLink says
// which figure, and what it refuses). A goal has at most one link of each
// kind: a new one replaces the old; with both, the latest made set the
// target and a disagreement is a finding (plan.LinkFindings). The parent's figure is kept with the
// link, so a later change there is a finding here. A link to a parent plan
// makes that plan this one's parent when it has none.
func (s *Store) LinkGoal(ctx context.Context, planID, goalID, parentGoalID, unitID int64) error {
	return s.editPlan(ctx, planID, goalChange("plan.goal.link", planID, goalID), func(tx *sql.Tx) error {
		doc, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		g, err := goalOf(doc, goalID)
		if err != nil {
			return err
		}
		req := plan.LinkRequest{Goal: g, PlanID: planID, PlanYear: doc.Year, UnitID: unitID, Allocations: map[int64]plan.Decimal{}}
		var parentPlanID, parentOrg int64
		err = tx.QueryRowContext(ctx, `SELECT g.plan_id, p.org_id FROM goals g JOIN plans p ON p.id = g.plan_id WHERE g.id = $1`, parentGoalID).Scan(&parentPlanID, &parentOrg)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return wrap(err, "read goal %d", parentGoalID)
		}
		orgs, lerr := linkableOrgs(ctx, tx, planID)
		if lerr != nil {
			return lerr
		}
		// Only a goal of this organisation's plans or of those above it:
		// another district's plan is no plan to link to (nor to learn of).
		if errors.Is(err, sql.ErrNoRows) || !slices.Contains(orgs, parentOrg) {
			return plan.Errorf(plan.ENOTFOUND, "上级目标不存在（编号 %d）", parentGoalID)
		}
		if req.ParentPlan, err = loadPlan(unscoped(ctx), tx, parentPlanID); err != nil {
			return err
		}
		if req.Parent, err = goalOf(req.ParentPlan, parentGoalID); err != nil {
			return err
		}
		if unitID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END FROM units WHERE id = $1`, unitID).Scan(&req.UnitName)
			if errors.Is(err, sql.ErrNoRows) {
				return plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", unitID)
			}
			if err != nil {
				return wrap(err, "read unit %d", unitID)
			}
			if err := eachRow(ctx, tx, `SELECT unit_id, target FROM allocations WHERE goal_id = $1`, func(rows *sql.Rows) error {
				var u int64
				var t plan.Decimal
				if err := rows.Scan(&u, &t); err != nil {
					return err
				}
				req.Allocations[u] = t
				return nil
			}, parentGoalID); err != nil {
				return wrap(err, "read the allocations of goal %d", parentGoalID)
			}
		}
		if req.Above, err = goalsAbove(ctx, tx, parentGoalID); err != nil {
			return err
		}
		target, err := plan.CheckLink(req)
		if err != nil {
			return err
		}
		if unitID == 0 {
			if err := adoptParent(ctx, tx, doc, req.ParentPlan); err != nil {
				return err
			}
		}
		var unit any
		if unitID != 0 {
			unit = unitID
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goal_links WHERE goal_id = $1 AND by_allocation = $2`, goalID, unitID != 0); err != nil {
			return wrap(err, "replace the link of goal %d", goalID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO goal_links (goal_id, parent_goal_id, unit_id, source_target, by_allocation, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			goalID, parentGoalID, unit, target, unitID != 0, s.nowUTC()); err != nil {
			return wrap(err, "link goal %d", goalID)
		}
		return updateOne(ctx, tx, "目标", `UPDATE goals SET target = $1 WHERE id = $2 AND plan_id = $3`, target, goalID, planID)
	})
}

// goalsAbove follows links upwards from a goal: the goals it is linked to,
// nearest first.
func goalsAbove(ctx context.Context, q queryer, goalID int64) ([]int64, error) {
	var out []int64
	for id := goalID; len(out) < 64; {
		var up int64
		err := q.QueryRowContext(ctx, `SELECT parent_goal_id FROM goal_links WHERE goal_id = $1`, id).Scan(&up)
		if errors.Is(err, sql.ErrNoRows) {
			return out, nil
		}
		if err != nil {
			return nil, wrap(err, "follow the link of goal %d", id)
		}
		out = append(out, up)
		id = up
	}
	return out, nil
}

// adoptParent makes parent the plan's parent plan when it has none,
// refusing a chain of parents that comes back to the plan.
func adoptParent(ctx context.Context, tx *sql.Tx, doc, parent *plan.Document) error {
	if doc.ParentID != 0 {
		return nil
	}
	for id, n := parent.ID, 0; id != 0 && n < 64; n++ {
		if id == doc.ID {
			return plan.Errorf(plan.EINVALID, "关联会形成循环：《%s》已是本方案的下级方案", parent.Title)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(parent_id, 0) FROM plans WHERE id = $1`, id).Scan(&id); err != nil {
			return wrap(err, "follow the parent of plan %d", id)
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE plans SET parent_id = $1 WHERE id = $2`, parent.ID, doc.ID)
	return wrap(err, "set the parent of plan %d", doc.ID)
}

// UnlinkGoal removes a goal's link to parentGoalID; its target stays as
// it was taken.
func (s *Store) UnlinkGoal(ctx context.Context, planID, goalID, parentGoalID int64) error {
	return s.editPlan(ctx, planID, goalChange("plan.goal.unlink", planID, goalID), func(tx *sql.Tx) error {
		return updateOne(ctx, tx, "目标关联", `DELETE FROM goal_links WHERE goal_id = $1 AND parent_goal_id = $2 AND goal_id IN (SELECT id FROM goals WHERE plan_id = $3)`, goalID, parentGoalID, planID)
	})
}

// LinkOption is a goal of another plan a goal may be linked to, with its
// allocations (a city goal's split rows).
type LinkOption struct {
	PlanID      int64
	Plan        string
	Period      string // "2022年", "2021—2023年"
	GoalID      int64
	Indicator   string
	Measure     string
	Target      plan.Decimal
	Allocations []AllocationOption
}

// AllocationOption is one unit's allocation of a LinkOption's goal.
type AllocationOption struct {
	UnitID int64
	Unit   string
	Target plan.Decimal
}

// LinkOptions lists the goals of the other plans, with their allocations,
// in the plans' order (newest year first).
func (s *Store) LinkOptions(ctx context.Context, planID int64) ([]LinkOption, error) {
	var out []LinkOption
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		orgs, err := linkableOrgs(ctx, tx, planID)
		if err != nil {
			return err
		}
		inOrgs, args := scopeFilter(WithScope(ctx, Scope{Orgs: orgs}), "p.org_id", []any{planID})
		idx := map[int64]int{}
		if err := eachRow(ctx, tx, `
			SELECT p.id, p.title, p.year, p.start_year, p.end_year, g.id, g.indicator, g.unit, g.target
			FROM goals g JOIN plans p ON p.id = g.plan_id
			WHERE p.id <> $1 AND g.archived_at IS NULL`+inOrgs+` ORDER BY p.year DESC, p.id DESC, g.position, g.id`, func(rows *sql.Rows) error {
			var o LinkOption
			var year, start, end int
			if err := rows.Scan(&o.PlanID, &o.Plan, &year, &start, &end, &o.GoalID, &o.Indicator, &o.Measure, &o.Target); err != nil {
				return err
			}
			o.Period = fmt.Sprintf("%d年", year)
			if start != 0 {
				o.Period = fmt.Sprintf("%d—%d年", start, end)
			}
			idx[o.GoalID] = len(out)
			out = append(out, o)
			return nil
		}, args...); err != nil {
			return wrap(err, "list the goals to link plan %d to", planID)
		}
		err = eachRow(ctx, tx, `
			SELECT a.goal_id, a.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, a.target
			FROM allocations a JOIN units u ON u.id = a.unit_id WHERE a.plan_id <> $1 ORDER BY a.goal_id, u.position, u.id`, func(rows *sql.Rows) error {
			var gid int64
			var a AllocationOption
			if err := rows.Scan(&gid, &a.UnitID, &a.Unit, &a.Target); err != nil {
				return err
			}
			if i, ok := idx[gid]; ok {
				out[i].Allocations = append(out[i].Allocations, a)
			}
			return nil
		}, planID)
		return wrap(err, "list the allocations to link plan %d to", planID)
	})
	return out, err
}

// loadAllocations reads a plan's allocations, in goal order.
func loadAllocations(ctx context.Context, q queryer, planID int64) ([]plan.Allocation, error) {
	var out []plan.Allocation
	err := eachRow(ctx, q, `
		SELECT a.goal_id, a.unit_id, a.target FROM allocations a JOIN goals g ON g.id = a.goal_id
		WHERE a.plan_id = $1 ORDER BY g.position, a.unit_id`, func(rows *sql.Rows) error {
		var a plan.Allocation
		if err := rows.Scan(&a.GoalID, &a.UnitID, &a.Target); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, planID)
	return out, wrap(err, "read the allocations of plan %d", planID)
}

// asOfRound stands for "everything up to the end of date asOf" in a plan
// whose rounds are not the ones judged: the upTo condition with the
// largest ID keeps every round of that date.
func asOfRound(planID int64, asOf string) *plan.Round {
	return &plan.Round{ID: math.MaxInt64, PlanID: planID, AsOf: asOf}
}

// overviewInputAt is a plan's overview input as of a date, read live in
// the caller's transaction (overviewInputsAt). What last year's plan shows
// this year's, and a multi-year plan's child its parent.
func overviewInputAt(ctx context.Context, q queryer, planID int64, asOf string, depth int) (plan.OverviewInput, error) {
	ins, err := overviewInputsAt(ctx, q, planID, []string{asOf}, depth)
	return ins[asOf], err
}

// overviewInputsAt is a plan's overview input as of each of dates, read
// live in the caller's transaction: its approved values up to the date,
// its own linked plans' roll-ups, its register figures. What a linked plan
// shows the plan above it at each date of that plan's trend. The plan is
// read once for every date: the statements do not grow with the dates.
func overviewInputsAt(ctx context.Context, q queryer, planID int64, dates []string, depth int) (map[string]plan.OverviewInput, error) {
	doc, org, err := loadPlanOrg(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	dir, err := loadDirectory(ctx, q)
	if err != nil {
		return nil, err
	}
	allocations, err := loadAllocations(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	settings, err := loadProgressSettings(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	last := slices.Max(dates)
	values, err := approvedValues(ctx, q, asOfRound(planID, last))
	if err != nil {
		return nil, err
	}
	opened := roundDates(ctx, q, planID)
	ups, _, err := rollUpsAt(ctx, q, doc, opened, dates, depth+1)
	if err != nil {
		return nil, err
	}
	bindings, err := goalBindings(ctx, q, `g.plan_id = $1`, planID)
	if err != nil {
		return nil, err
	}
	// Each date's register figures are at its plan's round dates up to it
	// (datesThrough): computed once for all of them.
	var computed []plan.Computed
	var through map[string][]string
	if len(bindings) > 0 {
		all, err := opened()
		if err != nil {
			return nil, err
		}
		var need []string
		through, need = datesThroughEach(all, dates)
		if computed, err = computedValues(ctx, q, doc, org, bindings, allocations, need); err != nil {
			return nil, err
		}
	}
	out := map[string]plan.OverviewInput{}
	for _, d := range dates {
		in := plan.OverviewInput{Doc: doc, Units: dir.Units, Allocations: allocations, Settings: settings}
		for _, v := range values {
			if v.AsOf <= d { // approvedValues up to d
				in.Values = append(in.Values, v)
			}
		}
		in.Values = append(in.Values, ups[d]...)
		for _, c := range computed {
			if slices.Contains(through[d], c.AsOf) {
				in.Computed = append(in.Computed, c)
			}
		}
		if in.AsOf, err = plan.ParseAsOf(d); err != nil {
			return nil, wrap(err, "read the date %q", d)
		}
		out[d] = in
	}
	return out, nil
}

// rollUps are the figures of the plans linked to doc's goals through an
// allocation unit (a district's plan linked to the city's split), as unit
// values of doc: one per link at round r's date and at each earlier opened
// round's (for the trend), each the linked plan's actual as of that date
// (plan.RollUpValues says how the parent's total is formed). titles names
// the linked plans. opened lists doc's round dates.
func rollUps(ctx context.Context, q queryer, doc *plan.Document, opened func() ([]string, error), r *plan.Round, depth int) ([]plan.UnitValue, map[int64]string, error) {
	ups, titles, err := rollUpsAt(ctx, q, doc, opened, []string{r.AsOf}, depth)
	return ups[r.AsOf], titles, err
}

// rollUpsAt is rollUps as of each of targets (a date, as for the rounds up
// to it): each linked plan is read once for every date of every target.
func rollUpsAt(ctx context.Context, q queryer, doc *plan.Document, opened func() ([]string, error), targets []string, depth int) (map[string][]plan.UnitValue, map[int64]string, error) {
	if depth > maxLinkDepth {
		return nil, nil, nil
	}
	type link struct{ goal, parentGoal, unit, plan int64 }
	var links []link
	titles := map[int64]string{}
	if err := eachRow(ctx, q, `
		SELECT l.goal_id, l.parent_goal_id, l.unit_id, g.plan_id, p.title
		FROM goal_links l JOIN goals pg ON pg.id = l.parent_goal_id JOIN goals g ON g.id = l.goal_id JOIN plans p ON p.id = g.plan_id
		WHERE pg.plan_id = $1 AND l.unit_id IS NOT NULL ORDER BY g.plan_id, l.goal_id`, func(rows *sql.Rows) error {
		var l link
		var title string
		if err := rows.Scan(&l.goal, &l.parentGoal, &l.unit, &l.plan, &title); err != nil {
			return err
		}
		links = append(links, l)
		titles[l.plan] = title
		return nil
	}, doc.ID); err != nil {
		return nil, nil, wrap(err, "read the plans linked to plan %d", doc.ID)
	}
	if len(links) == 0 {
		return nil, nil, nil
	}
	all, err := opened()
	if err != nil {
		return nil, nil, err
	}
	through, need := datesThroughEach(all, targets)
	// The district's plan is read as part of the city's figure, which the
	// caller reached: whatever its own scope.
	ins := map[int64]map[string]plan.OverviewInput{}
	for _, l := range links {
		if ins[l.plan] == nil {
			if ins[l.plan], err = overviewInputsAt(unscoped(ctx), q, l.plan, need, depth); err != nil {
				return nil, nil, err
			}
		}
	}
	out := map[string][]plan.UnitValue{}
	for _, t := range targets {
		var ups []plan.RollUp
		for _, d := range through[t] {
			for _, l := range links {
				ups = append(ups, plan.RollUp{ParentGoalID: l.parentGoal, UnitID: l.unit, PlanID: l.plan, AsOf: d, In: ins[l.plan][d], GoalID: l.goal})
			}
		}
		out[t] = plan.RollUpValues(ups)
	}
	return out, titles, nil
}

// LastYear is a goal's figure in the plan this one was based on at the
// same month last year (同期): the previous plan's round of that month.
type LastYear struct {
	GoalID   int64        `json:"goal_id"`
	AsOf     string       `json:"as_of"`
	Round    string       `json:"round"` // the previous plan's round label
	Value    plan.Decimal `json:"value"`
	PlanID   int64        `json:"plan_id"`
	Previous int64        `json:"previous_goal_id"`
}

// lastYear reads 同期 for round r of doc: in the plan doc was based on,
// the latest opened round whose data date falls in the same month a year
// earlier, and each predecessor goal's actual as of that date.
func lastYear(ctx context.Context, q queryer, doc *plan.Document, r *plan.Round) ([]LastYear, error) {
	if doc.PreviousID == 0 || r == nil || len(r.AsOf) < 7 {
		return nil, nil
	}
	t, err := plan.ParseAsOf(r.AsOf)
	if err != nil {
		return nil, nil
	}
	month := t.AddDate(-1, 0, 0).Format("2006-01")
	var asOf, label string
	err = q.QueryRowContext(ctx, `SELECT as_of, label FROM rounds WHERE plan_id = $1 AND state <> $2 AND as_of LIKE $3 ORDER BY as_of DESC, id DESC LIMIT 1`,
		doc.PreviousID, string(plan.RoundDraft), month+"%").Scan(&asOf, &label)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "find last year's round of plan %d", doc.PreviousID)
	}
	pred := map[int64]int64{} // previous goal → this plan's goal
	if err := eachRow(ctx, q, `SELECT gp.goal_id, gp.previous_goal_id FROM goal_predecessors gp JOIN goals g ON g.id = gp.goal_id WHERE g.plan_id = $1`, func(rows *sql.Rows) error {
		var g, p int64
		if err := rows.Scan(&g, &p); err != nil {
			return err
		}
		pred[p] = g
		return nil
	}, doc.ID); err != nil {
		return nil, wrap(err, "read the predecessors of plan %d's goals", doc.ID)
	}
	if len(pred) == 0 {
		return nil, nil
	}
	in, err := overviewInputAt(ctx, q, doc.PreviousID, asOf, 0)
	if err != nil {
		return nil, err
	}
	var out []LastYear
	for _, card := range plan.BuildOverview(in).Cards {
		if g, ok := pred[card.Goal.ID]; ok && card.Actual != nil {
			out = append(out, LastYear{GoalID: g, AsOf: asOf, Round: label, Value: *card.Actual, PlanID: doc.PreviousID, Previous: card.Goal.ID})
		}
	}
	return out, nil
}

// YearProgress is a multi-year plan's progress across its years from its
// children: for each of its goals, the plans linked to it (without a
// unit) with their actual of the linked goal as of their latest opened
// round — final when that round is closed — and the assessment then (序时
// 进度), read in one read-only transaction.
func (s *Store) YearProgress(ctx context.Context, planID int64) (map[int64][]plan.YearChild, error) {
	out := map[int64][]plan.YearChild{}
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		type child struct {
			goal, parentGoal, plan int64
			title                  string
			year                   int
		}
		var children []child
		if err := eachRow(ctx, tx, `
			SELECT l.goal_id, l.parent_goal_id, g.plan_id, p.title, p.year
			FROM goal_links l JOIN goals pg ON pg.id = l.parent_goal_id JOIN goals g ON g.id = l.goal_id JOIN plans p ON p.id = g.plan_id
			WHERE pg.plan_id = $1 AND l.unit_id IS NULL ORDER BY p.year, g.plan_id`, func(rows *sql.Rows) error {
			var c child
			if err := rows.Scan(&c.goal, &c.parentGoal, &c.plan, &c.title, &c.year); err != nil {
				return err
			}
			children = append(children, c)
			return nil
		}, planID); err != nil {
			return wrap(err, "read the children of plan %d", planID)
		}
		for _, c := range children {
			yc := plan.YearChild{Year: c.year, PlanID: c.plan, Plan: c.title}
			var asOf, state string
			err := tx.QueryRowContext(ctx, `SELECT as_of, state FROM rounds WHERE plan_id = $1 AND state <> $2 ORDER BY as_of DESC, id DESC LIMIT 1`,
				c.plan, string(plan.RoundDraft)).Scan(&asOf, &state)
			if errors.Is(err, sql.ErrNoRows) {
				out[c.parentGoal] = append(out[c.parentGoal], yc)
				continue
			}
			if err != nil {
				return wrap(err, "read the latest round of plan %d", c.plan)
			}
			in, err := overviewInputAt(ctx, tx, c.plan, asOf, 0)
			if err != nil {
				return err
			}
			yc.AsOf = asOf
			yc.Final = state == string(plan.RoundClosed) && asOf >= fmt.Sprintf("%d-12-31", c.year)
			for _, card := range plan.BuildOverview(in).Cards {
				if card.Goal.ID == c.goal && card.Actual != nil {
					v := *card.Actual
					yc.Actual, yc.Assessment = &v, card.Assessment
				}
			}
			out[c.parentGoal] = append(out[c.parentGoal], yc)
		}
		return nil
	})
	for _, cs := range out {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Year < cs[j].Year })
	}
	return out, err
}
