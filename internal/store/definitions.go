package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// Goals bound to definitions (口径). A goal whose indicator has a default
// (plan.DefaultDefinitionFor) is bound to it when its plan is created and
// when the goal is added or its indicator edited, unless an admin chose
// for it: an admin's binding, or an admin's unbinding, is kept.

// RegisterSource marks UnitValues computed from registers (plan.UnitValue.Source).
const RegisterSource = plan.ComputedSource

// GoalBinding is a goal computed by a definition.
type GoalBinding struct {
	GoalID     int64           `json:"goal_id"`
	PlanID     int64           `json:"plan_id"`
	Indicator  string          `json:"indicator"`
	Year       int             `json:"year"` // the goal's year, else its plan's
	Definition plan.Definition `json:"definition"`
	Default    bool            `json:"default"` // bound automatically to its indicator's default
}

// GoalBindings lists a plan's goals that are computed by a definition, in
// the plan's order.
func (s *Store) GoalBindings(ctx context.Context, planID int64) ([]GoalBinding, error) {
	return goalBindings(ctx, s.read, `g.plan_id = $1`, planID)
}

// GoalBinding returns a goal's binding; ENOTFOUND when the goal is not
// computed by a definition.
func (s *Store) GoalBinding(ctx context.Context, goalID int64) (*GoalBinding, error) {
	return goalBinding(ctx, s.read, goalID)
}

func goalBinding(ctx context.Context, q queryer, goalID int64) (*GoalBinding, error) {
	bs, err := goalBindings(ctx, q, `g.id = $1`, goalID)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, plan.Errorf(plan.ENOTFOUND, "目标（编号 %d）没有按台账口径计算", goalID)
	}
	return &bs[0], nil
}

// goalBindings reads bindings; where is a constant of this package.
func goalBindings(ctx context.Context, q queryer, where string, arg any) ([]GoalBinding, error) {
	var out []GoalBinding
	err := eachRow(ctx, q, `
		SELECT d.goal_id, g.plan_id, g.indicator, CASE WHEN g.year <> 0 THEN g.year ELSE p.year END, d.kind, d.params, d.set_by
		FROM goal_definitions d JOIN goals g ON g.id = d.goal_id JOIN plans p ON p.id = g.plan_id
		WHERE d.kind <> '' AND `+where+` ORDER BY g.position, g.id`, func(r *sql.Rows) error {
		var b GoalBinding
		var params, setBy string
		if err := r.Scan(&b.GoalID, &b.PlanID, &b.Indicator, &b.Year, &b.Definition.Kind, &params, &setBy); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(params), &b.Definition.Params); err != nil {
			return err
		}
		b.Default = setBy == "default"
		out = append(out, b)
		return nil
	}, arg)
	if err != nil {
		return nil, wrap(err, "read goal definitions")
	}
	return out, nil
}

// BindGoal computes a goal by the definition from now on (an admin's
// choice, kept when the indicator changes).
func (s *Store) BindGoal(ctx context.Context, goalID int64, def plan.Definition) error {
	if err := def.Check(); err != nil {
		return err
	}
	def = def.Normalized()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		planID, before, err := bindingOf(ctx, tx, goalID)
		if err != nil {
			return err
		}
		if err := saveBinding(ctx, tx, goalID, def, "admin", s); err != nil {
			return err
		}
		return s.audit(ctx, tx, "plan.definition.bind", planObject(planID, "goal", goalID), before, def)
	})
}

// UnbindGoal makes a goal reported by units again and keeps it so: it is
// not bound to its default later.
func (s *Store) UnbindGoal(ctx context.Context, goalID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		planID, before, err := bindingOf(ctx, tx, goalID)
		if err != nil {
			return err
		}
		if err := saveBinding(ctx, tx, goalID, plan.Definition{}, "admin", s); err != nil {
			return err
		}
		return s.audit(ctx, tx, "plan.definition.unbind", planObject(planID, "goal", goalID), before, nil)
	})
}

// bindingOf returns the goal's plan and current definition (nil when none).
func bindingOf(ctx context.Context, tx *sql.Tx, goalID int64) (int64, *plan.Definition, error) {
	var planID int64
	err := tx.QueryRowContext(ctx, `SELECT plan_id FROM goals WHERE id = $1`, goalID).Scan(&planID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, plan.Errorf(plan.ENOTFOUND, "目标不存在（编号 %d）", goalID)
	}
	if err != nil {
		return 0, nil, wrap(err, "read goal %d", goalID)
	}
	def, _, err := storedBinding(ctx, tx, goalID)
	return planID, def, err
}

// storedBinding returns a goal's stored definition (nil when none or
// unbound) and who set it ("" when no row).
func storedBinding(ctx context.Context, tx *sql.Tx, goalID int64) (*plan.Definition, string, error) {
	var kind, params, setBy string
	err := tx.QueryRowContext(ctx, `SELECT kind, params, set_by FROM goal_definitions WHERE goal_id = $1`, goalID).Scan(&kind, &params, &setBy)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, "", nil
	case err != nil:
		return nil, "", wrap(err, "read the definition of goal %d", goalID)
	}
	if kind == "" {
		return nil, setBy, nil
	}
	def := &plan.Definition{Kind: plan.DefinitionKind(kind)}
	if err := json.Unmarshal([]byte(params), &def.Params); err != nil {
		return nil, "", wrap(err, "decode the definition of goal %d", goalID)
	}
	return def, setBy, nil
}

func saveBinding(ctx context.Context, tx *sql.Tx, goalID int64, def plan.Definition, setBy string, s *Store) error {
	params, err := json.Marshal(def.Params)
	if err != nil {
		return wrap(err, "encode a definition")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM goal_definitions WHERE goal_id = $1`, goalID); err != nil {
		return wrap(err, "replace the definition of goal %d", goalID)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO goal_definitions (goal_id, kind, params, set_by, updated_at) VALUES ($1, $2, $3, $4, $5)`,
		goalID, string(def.Kind), string(params), setBy, s.nowUTC())
	return wrap(err, "save the definition of goal %d", goalID)
}

// defaultBinding is a change bindDefault made, for the audit log.
type defaultBinding struct {
	GoalID     int64            `json:"goal_id"`
	Indicator  string           `json:"indicator"`
	Definition *plan.Definition `json:"definition"` // nil: the default binding was removed
}

// bindDefault binds a goal to its indicator's default unless an admin
// chose for it, and drops a default binding the indicator no longer has.
// It returns the change, nil when none.
func (s *Store) bindDefault(ctx context.Context, tx *sql.Tx, goalID int64, g plan.DocGoal) (*defaultBinding, error) {
	cur, setBy, err := storedBinding(ctx, tx, goalID)
	if err != nil || setBy == "admin" {
		return nil, err
	}
	def, ok := plan.DefaultDefinitionFor(g)
	if !ok {
		if setBy == "" {
			return nil, nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goal_definitions WHERE goal_id = $1`, goalID); err != nil {
			return nil, wrap(err, "drop the definition of goal %d", goalID)
		}
		return &defaultBinding{GoalID: goalID, Indicator: g.Indicator}, nil
	}
	def = def.Normalized()
	if cur != nil && *cur == def {
		return nil, nil
	}
	if err := saveBinding(ctx, tx, goalID, def, "default", s); err != nil {
		return nil, err
	}
	return &defaultBinding{GoalID: goalID, Indicator: g.Indicator, Definition: &def}, nil
}

// bindDefaults binds every goal of a plan that has a default.
func (s *Store) bindDefaults(ctx context.Context, tx *sql.Tx, planID int64) ([]defaultBinding, error) {
	doc, err := loadPlan(ctx, tx, planID)
	if err != nil {
		return nil, err
	}
	var out []defaultBinding
	for _, g := range doc.Goals {
		ch, err := s.bindDefault(ctx, tx, g.ID, g)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			out = append(out, *ch)
		}
	}
	return out, nil
}

// GoalActual is a goal's value computed by its definition at an as-of
// date: for the whole area and per unit. Total is nil when the figure
// cannot be assessed yet (不可评估: a statistic is missing); Previous is the
// area's figure of the year before, for ratios, when known. The total is
// not the sum of the units: records without a unit count in it, and ratios
// are not sums. For counts and sums every unit the goal is allocated to
// has a value (0 when no record counts).
type GoalActual struct {
	GoalID       int64            `json:"goal_id"`
	Definition   plan.Definition  `json:"definition"`
	AsOf         string           `json:"as_of"`
	Total        *plan.Decimal    `json:"total"`
	Previous     *plan.Decimal    `json:"previous,omitempty"`
	PreviousYear int              `json:"previous_year,omitempty"`
	Units        []plan.UnitValue `json:"units"` // Source RegisterSource, by unit ID
}

// Actuals computes every bound goal of a plan at asOf in one read
// transaction.
func (s *Store) Actuals(ctx context.Context, planID int64, asOf string) ([]GoalActual, error) {
	if _, err := plan.ParseAsOf(asOf); err != nil {
		return nil, err
	}
	var out []GoalActual
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var year int
		var org int64
		err := tx.QueryRowContext(ctx, `SELECT year, org_id FROM plans WHERE id = $1`, planID).Scan(&year, &org)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", planID)
		}
		if err != nil {
			return wrap(err, "read plan %d", planID)
		}
		bindings, err := goalBindings(ctx, tx, `g.plan_id = $1`, planID)
		if err != nil {
			return err
		}
		if out, err = DefinitionValues(ctx, tx, org, bindings, year, asOf); err != nil {
			return err
		}
		return roundActuals(ctx, tx, planID, out)
	})
	return out, err
}

// DefinitionValues computes the bound goals at asOf from the registers of
// org (the plan's organisation) and their tallies (tallies.go): a count or sum is a few thousand tallied rows
// summed per unit, whatever the size of the register; platforms, which are
// few, are counted from their records; ratios read the statistics. year is
// the plan year for bindings that carry none. q is a pool or a
// transaction, so a page can read everything it shows in one read-only
// transaction.
func DefinitionValues(ctx context.Context, q queryer, org int64, bindings []GoalBinding, year int, asOf string) ([]GoalActual, error) {
	if !plan.IsCivilDate(asOf) {
		return nil, plan.Errorf(plan.EINVALID, "“数据截至日期”应为 YYYY-MM-DD 格式的日期")
	}
	return definitionValues(ctx, q, org, bindings, year, []string{asOf}, nil)
}

// definitionValues is DefinitionValues at each of dates, date by date and
// within a date in the bindings' order. Every goal at every date is read
// together, so that the statements it sends do not grow with the goals or
// the dates (each is a round trip on PostgreSQL): one for the tallies, one
// for the statistics, one per set of platform levels, and one for the
// allocations unless allocated (goal → the units it is allocated to) is
// given.
func definitionValues(ctx context.Context, q queryer, org int64, bindings []GoalBinding, year int, dates []string, allocated map[int64][]int64) ([]GoalActual, error) {
	type eval struct {
		b    GoalBinding
		def  plan.Definition
		year int
		asOf string
	}
	var evals []eval
	var at []tallyAt
	asked := map[tallyAt]bool{}
	ask := func(metric, day string) {
		if a := (tallyAt{metric, day}); !asked[a] {
			asked[a] = true
			at = append(at, a)
		}
	}
	platforms := map[string][]platformsAt{} // by the levels they count
	var additive []int64
	statYear := 0
	for _, b := range bindings {
		if err := b.Definition.Check(); err != nil {
			return nil, wrap(err, "evaluate the definition of goal %d", b.GoalID)
		}
		if b.Definition.Kind.Additive() && allocated == nil {
			additive = append(additive, b.GoalID)
		}
	}
	for _, asOf := range dates {
		for _, b := range bindings {
			e := eval{b: b, def: b.Definition.Normalized(), year: b.Year, asOf: asOf}
			if e.year == 0 {
				e.year = year
			}
			evals = append(evals, e)
			switch e.def.Kind {
			case plan.DefSMECount:
				ask(metricSME(e.year), asOf)
			case plan.DefHighTechCount:
				ask(metricHighTech, asOf)
			case plan.DefContractSum:
				if from, to := plan.Period(e.year, asOf); from <= to {
					ask(contractMetric(e.def.Params), to)
					ask(contractMetric(e.def.Params), yearEnd(e.year-1))
				}
			case plan.DefPatentDensity:
				ask(metricPatent, asOf)
				statYear = max(statYear, e.year)
			case plan.DefRDIntensity:
				statYear = max(statYear, e.year)
			case plan.DefNewPlatforms:
				levels := strings.Join(plan.LevelsFrom(e.def.Params.MinLevel), ",")
				from, to := plan.Period(e.year, asOf)
				if p := (platformsAt{from, to}); !slices.Contains(platforms[levels], p) {
					platforms[levels] = append(platforms[levels], p)
				}
			}
		}
	}
	tallies, err := talliesAt(ctx, q, org, at)
	if err != nil {
		return nil, err
	}
	var stats []plan.Statistic
	if statYear != 0 {
		if stats, err = readStatistics(ctx, q, org, `indicator IN ($1, $2, $3) AND year <= $4`, plan.StatPopulation, plan.StatRD, plan.StatGDP, statYear); err != nil {
			return nil, err
		}
	}
	counted := map[string]map[platformsAt]plan.DefinitionResult{}
	for levels, periods := range platforms {
		if counted[levels], err = countPlatforms(ctx, q, org, strings.Split(levels, ","), periods); err != nil {
			return nil, err
		}
	}
	if allocated == nil {
		if allocated, err = allocatedUnits(ctx, q, additive); err != nil {
			return nil, err
		}
	}
	out := make([]GoalActual, 0, len(evals))
	for _, e := range evals {
		var res plan.DefinitionResult
		switch e.def.Kind {
		case plan.DefSMECount:
			res = countResult(tallies[tallyAt{metricSME(e.year), e.asOf}])
		case plan.DefHighTechCount:
			res = countResult(tallies[tallyAt{metricHighTech, e.asOf}])
		case plan.DefContractSum:
			res = contractsResult(tallies, e.def.Params, e.year, e.asOf)
		case plan.DefPatentDensity:
			t := tallies[tallyAt{metricPatent, e.asOf}]
			counts := map[int64]int64{}
			for u, v := range t {
				if u != 0 && v.n != 0 {
					counts[u] = v.n
				}
			}
			res = plan.PerCapitaResult(counts, t[0].n, statisticsOf(stats, func(s plan.Statistic) bool {
				return s.Indicator == plan.StatPopulation && s.Year <= e.year
			}), e.year)
		case plan.DefRDIntensity:
			res = plan.RatioResult(statisticsOf(stats, func(s plan.Statistic) bool {
				return (s.Indicator == plan.StatRD || s.Indicator == plan.StatGDP) && (s.Year == e.year || s.Year == e.year-1)
			}), e.year)
		case plan.DefNewPlatforms:
			from, to := plan.Period(e.year, e.asOf)
			res = counted[strings.Join(plan.LevelsFrom(e.def.Params.MinLevel), ",")][platformsAt{from, to}]
		}
		if res.Units == nil {
			res.Units = map[int64]plan.Decimal{}
		}
		if e.def.Kind.Additive() {
			res.FillZeros(allocated[e.b.GoalID])
		}
		a := GoalActual{GoalID: e.b.GoalID, Definition: e.def, AsOf: e.asOf, Total: res.Total, Previous: res.Previous, PreviousYear: res.PreviousYear}
		for _, u := range res.SortedUnits() {
			a.Units = append(a.Units, plan.UnitValue{GoalID: e.b.GoalID, UnitID: u, Value: res.Units[u], AsOf: e.asOf, Source: RegisterSource})
		}
		out = append(out, a)
	}
	return out, nil
}

func statisticsOf(stats []plan.Statistic, keep func(plan.Statistic) bool) []plan.Statistic {
	var out []plan.Statistic
	for _, s := range stats {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// allocatedUnits reads the units each of the goals is allocated to.
func allocatedUnits(ctx context.Context, q queryer, goals []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(goals) == 0 {
		return out, nil
	}
	args := make([]any, len(goals))
	ph := make([]string, len(goals))
	for i, g := range goals {
		args[i], ph[i] = g, "$"+strconv.Itoa(i+1)
	}
	err := eachRow(ctx, q, `SELECT goal_id, unit_id FROM allocations WHERE goal_id IN (`+strings.Join(ph, ", ")+`)`, func(r *sql.Rows) error {
		var goal, unit int64
		if err := r.Scan(&goal, &unit); err != nil {
			return err
		}
		out[goal] = append(out[goal], unit)
		return nil
	}, args...)
	return out, wrap(err, "read the allocations of %d goals", len(goals))
}

func contractMetric(p plan.DefinitionParams) string {
	if p.Side == plan.SideBuyer {
		return metricBuyer
	}
	return metricSeller
}

func yearEnd(year int) string { return fmt.Sprintf("%04d-12-31", year) }

// countResult is the firms a metric counts, from its tallies at a date: in
// the whole area and in each unit where any counts.
func countResult(t map[int64]tally) plan.DefinitionResult {
	res := plan.DefinitionResult{Units: map[int64]plan.Decimal{}}
	total := plan.NewDecimal(t[0].n)
	res.Total = &total
	for u, v := range t {
		if u != 0 && v.n != 0 {
			res.Units[u] = plan.NewDecimal(v.n)
		}
	}
	return res
}

// contractsResult sums the contracts registered in the plan year up to
// asOf: the tallies through asOf less those through the year before. A
// unit has a value when a contract of the period counts for it (its amount
// may be 0). Sums are in 分, converted once, as the reference does.
func contractsResult(tallies map[tallyAt]map[int64]tally, p plan.DefinitionParams, year int, asOf string) plan.DefinitionResult {
	res := plan.DefinitionResult{Units: map[int64]plan.Decimal{}}
	zero := plan.AmountIn(0, p.Unit)
	res.Total = &zero
	from, to := plan.Period(year, asOf)
	if from > to {
		return res
	}
	metric := contractMetric(p)
	through, before := tallies[tallyAt{metric, to}], tallies[tallyAt{metric, yearEnd(year - 1)}]
	for u, t := range through {
		b := before[u]
		n, fen := t.n-b.n, t.amount-b.amount
		if p.Amount == plan.AmountTech {
			fen = t.tech - b.tech
		}
		switch {
		case u == 0:
			total := plan.AmountIn(fen, p.Unit)
			res.Total = &total
		case n != 0:
			res.Units[u] = plan.AmountIn(fen, p.Unit)
		}
	}
	return res
}

// platformsAt is a period new platforms are counted in.
type platformsAt struct{ from, to string }

// countPlatforms counts the new platforms of org at the levels in each of
// the periods (DefNewPlatforms, as recordFilter selects them), in one
// statement: in the whole area and in each unit where any counts.
func countPlatforms(ctx context.Context, q queryer, org int64, levels []string, periods []platformsAt) (map[platformsAt]plan.DefinitionResult, error) {
	out := map[platformsAt]plan.DefinitionResult{}
	args := []any{org}
	var rows, ph []string
	for i, p := range periods {
		args = append(args, i, p.from, p.to)
		n := len(args)
		rows = append(rows, fmt.Sprintf("(CAST($%d AS INTEGER), $%d, $%d)", n-2, n-1, n))
		zero := plan.NewDecimal(0)
		out[p] = plan.DefinitionResult{Total: &zero, Units: map[int64]plan.Decimal{}}
	}
	for _, l := range levels {
		args = append(args, l)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	in := strings.Join(ph, ", ")
	// As recordFilter's: "+ 0" and the CAST keep the planners from reading
	// all the organisation's platforms, or its earlier ones by date, for
	// each. The new platforms (n) are found once and counted twice, in the
	// area and by unit: when it found them twice, this query was a third of
	// an Actuals call at national size on PostgreSQL.
	err := eachRow(ctx, q, `WITH q (k, lo, hi) AS (VALUES `+strings.Join(rows, ", ")+`),
		n AS (SELECT q.k, r.unit_id, r.name || '|' || r.kind AS p FROM q JOIN platforms r ON r.decided >= q.lo AND r.decided <= q.hi
			WHERE r.org_id = $1 AND r.level IN (`+in+`)
			AND NOT EXISTS (SELECT 1 FROM platforms e WHERE e.name = r.name AND e.kind = r.kind AND e.level IN (`+in+`) AND e.org_id + 0 = r.org_id
				AND CAST(e.decided AS TEXT) < r.decided))
		SELECT k, 0, COUNT(DISTINCT p) FROM n GROUP BY k
		UNION ALL
		SELECT k, unit_id, COUNT(DISTINCT p) FROM n WHERE unit_id IS NOT NULL GROUP BY k, unit_id`, func(r *sql.Rows) error {
		var k int
		var unit, n int64
		if err := r.Scan(&k, &unit, &n); err != nil {
			return err
		}
		res := out[periods[k]]
		if unit == 0 {
			t := plan.NewDecimal(n)
			res.Total = &t
			out[periods[k]] = res
		} else {
			res.Units[unit] = plan.NewDecimal(n)
		}
		return nil
	}, args...)
	return out, wrap(err, "count %s", plan.RegPlatforms)
}

// filter is the SQL of the records a definition counts: from is "FROM …
// WHERE …" over alias r, unit the column of the record's unit, measure the
// aggregate, args the arguments of from.
type filter struct {
	kind    plan.RegisterKind
	from    string
	unit    string
	measure string
	args    []any
}

// recordFilter returns org's records counted by SME, certificate, contract
// and platform definitions.
func recordFilter(org int64, def plan.Definition, year int, asOf string) filter {
	from, to := plan.Period(year, asOf)
	switch def.Kind {
	case plan.DefSMECount:
		return filter{plan.RegSMEs, `FROM smes r WHERE r.org_id = $3 AND r.year = $1 AND r.entered <= $2 AND (r.revoked = '' OR r.revoked > $2)`,
			"r.unit_id", `COUNT(DISTINCT CASE WHEN r.uscc <> '' THEN r.uscc ELSE 'n:' || r.name END)`, []any{year, asOf, org}}
	case plan.DefHighTechCount:
		return filter{plan.RegHighTech, `FROM hightech_certs r WHERE r.org_id = $2 AND r.issued <= $1 AND r.expires > $1 AND (r.cancelled = '' OR r.cancelled > $1)`,
			"r.unit_id", `COUNT(DISTINCT CASE WHEN r.uscc <> '' THEN r.uscc ELSE 'n:' || r.name END)`, []any{asOf, org}}
	case plan.DefContractSum:
		side := "seller"
		if def.Params.Side == plan.SideBuyer {
			side = "buyer"
		}
		amount := "r.amount_fen"
		if def.Params.Amount == plan.AmountTech {
			amount = "r.tech_amount_fen"
		}
		return filter{plan.RegContracts, `FROM contracts r WHERE r.org_id = $3 AND r.registered >= $1 AND r.registered <= $2
			AND (r.` + side + `_unit_id IS NOT NULL OR r.` + side + `_enterprise_id IS NOT NULL OR r.` + side + `_area_local)`,
			"r." + side + "_unit_id", `CAST(COALESCE(SUM(` + amount + `), 0) AS BIGINT)`, []any{from, to, org}}
	case plan.DefNewPlatforms:
		// An earlier record of the platform is looked up by its key (name,
		// kind, level, org_id). "+ 0" and the CAST keep the planners from
		// reading all the organisation's platforms, or its earlier ones by
		// date, for each instead: PostgreSQL would take org_id = $3 from the
		// outer query and, before it has statistics, count on a few rows.
		levels := plan.LevelsFrom(def.Params.MinLevel)
		args := []any{from, to, org}
		var ph []string
		for _, l := range levels {
			args = append(args, l)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		in := strings.Join(ph, ", ")
		return filter{plan.RegPlatforms, `FROM platforms r WHERE r.org_id = $3 AND r.level IN (` + in + `) AND r.decided >= $1 AND r.decided <= $2
			AND NOT EXISTS (SELECT 1 FROM platforms e WHERE e.name = r.name AND e.kind = r.kind AND e.level IN (` + in + `) AND e.org_id + 0 = r.org_id
				AND CAST(e.decided AS TEXT) < r.decided)`,
			"r.unit_id", `COUNT(DISTINCT r.name || '|' || r.kind)`, args}
	}
	panic("store: no record filter for " + string(def.Kind))
}

// countByUnit aggregates the filter's records per unit and in total.
func countByUnit(ctx context.Context, q queryer, f filter) (plan.DefinitionResult, error) {
	res := plan.DefinitionResult{Units: map[int64]plan.Decimal{}}
	var total int64
	if err := q.QueryRowContext(ctx, `SELECT `+f.measure+` `+f.from, f.args...).Scan(&total); err != nil {
		return res, wrap(err, "count %s", f.kind)
	}
	t := plan.NewDecimal(total)
	res.Total = &t
	err := eachRow(ctx, q, `SELECT `+f.unit+`, `+f.measure+` `+f.from+` AND `+f.unit+` IS NOT NULL GROUP BY `+f.unit, func(r *sql.Rows) error {
		var unit, n int64
		if err := r.Scan(&unit, &n); err != nil {
			return err
		}
		res.Units[unit] = plan.NewDecimal(n)
		return nil
	}, f.args...)
	return res, wrap(err, "count %s by unit", f.kind)
}

// patentWhere selects the invention patents in force at $2 ($1 is the type).
const patentWhere = `r.type = $1 AND r.granted <= $2 AND ((r.lapsed = '' AND NOT r.status_lapsed) OR r.lapsed > $2)`

// readStatistics reads org's statistics rows; where is a constant of this
// package.
func readStatistics(ctx context.Context, q queryer, org int64, where string, args ...any) ([]plan.Statistic, error) {
	var out []plan.Statistic
	args = append(args, org)
	err := eachRow(ctx, q, `SELECT COALESCE(unit_id, 0), indicator, year, value FROM statistics WHERE org_id = $`+strconv.Itoa(len(args))+` AND `+where, func(r *sql.Rows) error {
		var s plan.Statistic
		var micros int64
		if err := r.Scan(&s.UnitID, &s.Indicator, &s.Year, &micros); err != nil {
			return err
		}
		s.Value = plan.DecimalFromMicros(micros)
		out = append(out, s)
		return nil
	}, args...)
	return out, wrap(err, "read statistics")
}
