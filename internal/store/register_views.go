package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// What pages and the API read of the registers beside the plan: a plan's
// computed actuals with the names they are shown by, the computed values
// on a unit's form, and the counts of the lists that list-tasks keep.

// ActualsSource is what a plan's computed actuals at a date are put
// together from, read in one read-only transaction: the plan (indicators),
// the directory (unit names) and every bound goal's values.
type ActualsSource struct {
	Doc       *plan.Document
	Directory *plan.Directory
	Actuals   []GoalActual
}

// ActualsSource reads a plan's bound goals computed at asOf, with the plan
// and the directory, in one read-only transaction.
func (s *Store) ActualsSource(ctx context.Context, planID int64, asOf string) (*ActualsSource, error) {
	if _, err := plan.ParseAsOf(asOf); err != nil {
		return nil, err
	}
	src := &ActualsSource{}
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		if src.Doc, err = loadPlan(ctx, tx, planID); err != nil {
			return err
		}
		if src.Directory, err = loadPlanDirectory(ctx, tx, planID); err != nil {
			return err
		}
		bindings, err := goalBindings(ctx, tx, `g.plan_id = $1`, planID)
		if err != nil {
			return err
		}
		org, err := planOrgID(ctx, tx, planID)
		if err != nil {
			return err
		}
		src.Actuals, err = DefinitionValues(ctx, tx, org, bindings, src.Doc.Year, asOf)
		return err
	})
	if err != nil {
		return nil, err
	}
	return src, nil
}

// FormComputed is a goal computed from the registers that is allocated to
// a form's unit: the unit's value at the round's date, which the form shows
// read-only (a bound goal is never typed).
type FormComputed struct {
	GoalID     int64         `json:"goal_id"`
	Indicator  string        `json:"indicator"`
	Unit       string        `json:"unit"` // of measure
	Target     plan.Decimal  `json:"target"`
	Definition string        `json:"definition"` // in words
	Value      *plan.Decimal `json:"value"`      // nil when not assessable
	AsOf       string        `json:"as_of"`
}

// formComputed computes, in the caller's transaction, the bound goals of
// the round's plan allocated to the unit, at the round's date.
func formComputed(ctx context.Context, tx *sql.Tx, r *plan.Round, unitID int64) ([]FormComputed, error) {
	bindings, err := goalBindings(ctx, tx, `g.plan_id = $1`, r.PlanID)
	if err != nil || len(bindings) == 0 {
		return nil, err
	}
	type goal struct {
		indicator, unit string
		target          plan.Decimal
	}
	allocated := map[int64]goal{}
	err = eachRow(ctx, tx, `
		SELECT a.goal_id, g.indicator, g.unit, a.target FROM allocations a JOIN goals g ON g.id = a.goal_id
		WHERE a.unit_id = $1 AND a.plan_id = $2`, func(rows *sql.Rows) error {
		var id int64
		var g goal
		var target string
		if err := rows.Scan(&id, &g.indicator, &g.unit, &target); err != nil {
			return err
		}
		t, err := plan.ParseDecimal(target)
		if err != nil {
			return err
		}
		g.target = t
		allocated[id] = g
		return nil
	}, unitID, r.PlanID)
	if err != nil {
		return nil, wrap(err, "read the allocations of unit %d", unitID)
	}
	var mine []GoalBinding
	for _, b := range bindings {
		if _, ok := allocated[b.GoalID]; ok {
			mine = append(mine, b)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	var year, org int64
	if err := tx.QueryRowContext(ctx, `SELECT year, org_id FROM plans WHERE id = $1`, r.PlanID).Scan(&year, &org); err != nil {
		return nil, wrap(err, "read plan %d", r.PlanID)
	}
	actuals, err := DefinitionValues(ctx, tx, org, mine, int(year), r.AsOf)
	if err != nil {
		return nil, err
	}
	out := make([]FormComputed, 0, len(actuals))
	for _, a := range actuals {
		g := allocated[a.GoalID]
		fc := FormComputed{GoalID: a.GoalID, Indicator: g.indicator, Unit: g.unit, Target: g.target, Definition: a.Definition.Describe(), AsOf: a.AsOf}
		for _, v := range a.Units {
			if v.UnitID == unitID {
				val := v.Value
				fc.Value = &val
			}
		}
		out = append(out, fc)
	}
	return out, nil
}

// ListCount is how many enterprises a list-task's list holds at a date;
// for 研发机构全覆盖, Of is how many enterprises the task covers (年营收
// 3亿元以上) and Count how many of them have an R&D institution.
type ListCount struct {
	List  string `json:"list"`
	Count int    `json:"count"`
	Of    int    `json:"of,omitempty"`
}

// TaskListCounts counts the lists list-tasks keep (plan.TaskLists) at asOf
// in the plan's organisation's registers, for the whole organisation
// (unitID 0) or one unit: the enterprises on each list
// (entered on or before asOf and not left by then), and the enterprises
// with 营业收入 of at least plan.RDCoverageRevenue in their latest year up
// to asOf's, with how many of them have an R&D institution.
func (s *Store) TaskListCounts(ctx context.Context, planID int64, asOf string, unitID int64) (map[string]ListCount, error) {
	t, err := plan.ParseAsOf(asOf)
	if err != nil {
		return nil, err
	}
	out := map[string]ListCount{}
	err = s.inReadTx(ctx, func(tx *sql.Tx) error {
		org, err := planOrgID(ctx, tx, planID)
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `
			SELECT m.list, COUNT(DISTINCT m.enterprise_id) FROM memberships m JOIN enterprises e ON e.id = m.enterprise_id
			WHERE m.entered <= $1 AND (m.left_on = '' OR m.left_on > $1) AND (e.unit_id = $2 OR $2 = 0) AND e.org_id = $3 GROUP BY m.list`, func(r *sql.Rows) error {
			var c ListCount
			if err := r.Scan(&c.List, &c.Count); err != nil {
				return err
			}
			out[c.List] = c
			return nil
		}, asOf, unitID, org)
		if err != nil {
			return wrap(err, "count list memberships")
		}
		var c ListCount
		err = tx.QueryRowContext(ctx, `
			SELECT COUNT(*), COALESCE(SUM(CASE WHEN e.rd_institute THEN 1 ELSE 0 END), 0) FROM enterprises e
			WHERE (e.unit_id = $3 OR $3 = 0) AND e.org_id = $4 AND (
				SELECT y.revenue FROM enterprise_years y WHERE y.enterprise_id = e.id AND y.year <= $1 AND y.revenue IS NOT NULL
				ORDER BY y.year DESC LIMIT 1) >= $2`, t.Year(), plan.RDCoverageRevenue.Micros(), unitID, org).Scan(&c.Of, &c.Count)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return wrap(err, "count R&D institutions")
		}
		if c.Of > 0 {
			c.List = plan.ListRDCoverage
			out[c.List] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Demo reports whether the batch is demonstration data (演示数据): the
// demo's lists are named so (plan.DemoFilePrefix), and every page that
// shows them says so.
func (b ImportBatch) Demo() bool { return strings.HasPrefix(b.File, plan.DemoFilePrefix) }

// RegisterSummary is a register at a glance: how many records it holds,
// how many of them wait for a unit (待归属), its latest imports.
type RegisterSummary struct {
	Kind         plan.RegisterKind
	Records      int
	Unattributed int
	Batches      []ImportBatch // newest first
}

// registerTables are the tables of each register's records.
var registerTables = map[plan.RegisterKind]string{
	plan.RegEnterprises: "enterprises", plan.RegSMEs: "smes", plan.RegHighTech: "hightech_certs", plan.RegContracts: "contracts",
	plan.RegPatents: "patents", plan.RegPlatforms: "platforms", plan.RegStatistics: "statistics",
}

// RegisterSummaries summarises every register (or the one given) in the
// organisations the caller reaches, with at most batches of its latest
// imports, in one read-only transaction.
func (s *Store) RegisterSummaries(ctx context.Context, kind plan.RegisterKind, batches int) ([]RegisterSummary, error) {
	var out []RegisterSummary
	cond, args := scopeFilter(ctx, "org_id", nil)
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		for _, k := range plan.RegisterKinds {
			if kind != "" && k != kind {
				continue
			}
			sum := RegisterSummary{Kind: k}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+registerTables[k]+` WHERE true`+cond, args...).Scan(&sum.Records); err != nil {
				return wrap(err, "count %s", k)
			}
			var err error
			if sum.Unattributed, err = countUnattributed(ctx, tx, k); err != nil {
				return err
			}
			err = eachRow(ctx, tx, `
				SELECT id, kind, file_name, sha256, size, skip_invalid, rows_read, rows_new, rows_updated, rows_unchanged, rows_rejected, username, imported_at
				FROM import_batches WHERE kind = $`+strconv.Itoa(len(args)+1)+cond+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)+2), func(r *sql.Rows) error {
				var b ImportBatch
				var at sql.NullTime
				if err := r.Scan(&b.ID, &b.Kind, &b.File, &b.SHA256, &b.Size, &b.SkipInvalid, &b.Read, &b.New, &b.Updated, &b.Unchanged, &b.Rejected, &b.Username, &at); err != nil {
					return err
				}
				b.ImportedAt = at.Time.UTC().Format("2006-01-02T15:04:05Z")
				sum.Batches = append(sum.Batches, b)
				return nil
			}, append(args, string(k), batches)...)
			if err != nil {
				return wrap(err, "list the imports of %s", k)
			}
			out = append(out, sum)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
