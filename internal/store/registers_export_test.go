package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"kechuang/internal/plan"
)

// DefinitionValuesForTest runs DefinitionValues on the read pool, over the
// registers of the organisation worked in (the root one without a scope).
func (s *Store) DefinitionValuesForTest(ctx context.Context, bindings []GoalBinding, year int, asOf string) ([]GoalActual, error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, err
	}
	return DefinitionValues(ctx, s.read, org, bindings, year, asOf)
}

// NaiveDefinitionValuesForTest computes the goals as DefinitionValues did
// before tallies: GROUP BY over the records themselves. The benchmarks'
// anchor, and a second opinion in tests.
func (s *Store) NaiveDefinitionValuesForTest(ctx context.Context, bindings []GoalBinding, year int, asOf string) ([]GoalActual, error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, err
	}
	var out []GoalActual
	for _, b := range bindings {
		y := b.Year
		if y == 0 {
			y = year
		}
		def := b.Definition.Normalized()
		var res plan.DefinitionResult
		var err error
		switch def.Kind {
		case plan.DefContractSum:
			res, err = contractSums(ctx, s.read, org, def.Params, y, asOf)
		case plan.DefPatentDensity:
			res, err = patentDensity(ctx, s.read, org, y, asOf)
		case plan.DefSMECount, plan.DefHighTechCount, plan.DefNewPlatforms:
			res, err = countByUnit(ctx, s.read, recordFilter(org, def, y, asOf))
		case plan.DefRDIntensity:
			var stats []plan.Statistic
			stats, err = readStatistics(ctx, s.read, org, `indicator IN ($1, $2) AND year IN ($3, $4)`, plan.StatRD, plan.StatGDP, y, y-1)
			res = plan.RatioResult(stats, y)
		}
		if err != nil {
			return nil, err
		}
		if def.Kind.Additive() {
			units, err := allocatedUnits(ctx, s.read, []int64{b.GoalID})
			if err != nil {
				return nil, err
			}
			res.FillZeros(units[b.GoalID])
		}
		a := GoalActual{GoalID: b.GoalID, Definition: def, AsOf: asOf, Total: res.Total, Previous: res.Previous, PreviousYear: res.PreviousYear}
		for _, u := range res.SortedUnits() {
			a.Units = append(a.Units, plan.UnitValue{GoalID: b.GoalID, UnitID: u, Value: res.Units[u], AsOf: asOf, Source: RegisterSource})
		}
		out = append(out, a)
	}
	return out, nil
}

// contractSums sums amounts in 分 per unit and converts once, as the
// reference does, so rounding to 亿元 happens on the sum.
func contractSums(ctx context.Context, q queryer, org int64, p plan.DefinitionParams, year int, asOf string) (plan.DefinitionResult, error) {
	f := recordFilter(org, plan.Definition{Kind: plan.DefContractSum, Params: p}, year, asOf)
	res := plan.DefinitionResult{Units: map[int64]plan.Decimal{}}
	var total int64
	err := eachRow(ctx, q, `SELECT `+f.unit+`, `+f.measure+` `+f.from+` GROUP BY `+f.unit, func(r *sql.Rows) error {
		var unit sql.NullInt64
		var fen int64
		if err := r.Scan(&unit, &fen); err != nil {
			return err
		}
		total += fen
		if unit.Valid {
			res.Units[unit.Int64] = plan.AmountIn(fen, p.Unit)
		}
		return nil
	}, f.args...)
	if err != nil {
		return res, wrap(err, "sum contracts")
	}
	t := plan.AmountIn(total, p.Unit)
	res.Total = &t
	return res, nil
}

func patentDensity(ctx context.Context, q queryer, org int64, year int, asOf string) (plan.DefinitionResult, error) {
	var total int64
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM patents r WHERE r.org_id = $3 AND `+patentWhere+`
		AND EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = r.id AND h.domestic)`, plan.PatentInvention, asOf, org).Scan(&total); err != nil {
		return plan.DefinitionResult{}, wrap(err, "count patents")
	}
	counts := map[int64]int64{}
	if err := eachRow(ctx, q, `
		SELECT h.unit_id, COUNT(DISTINCT r.id) FROM patents r JOIN patent_holders h ON h.patent_id = r.id
		WHERE r.org_id = $3 AND `+patentWhere+` AND h.domestic AND h.unit_id IS NOT NULL GROUP BY h.unit_id`, func(r *sql.Rows) error {
		var unit, n int64
		if err := r.Scan(&unit, &n); err != nil {
			return err
		}
		counts[unit] = n
		return nil
	}, plan.PatentInvention, asOf, org); err != nil {
		return plan.DefinitionResult{}, wrap(err, "count patents by unit")
	}
	stats, err := readStatistics(ctx, q, org, `indicator = $1 AND year <= $2`, plan.StatPopulation, year)
	if err != nil {
		return plan.DefinitionResult{}, err
	}
	return plan.PerCapitaResult(counts, total, stats, year), nil
}

// LoadRegistersForTest reads every record of the organisation worked in
// (the root one without a scope) with its attribution, the input of
// plan.EvaluateDefinition that the SQL aggregates must match.
func (s *Store) LoadRegistersForTest(ctx context.Context) (*plan.RegisterSet, error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, err
	}
	regs := &plan.RegisterSet{}
	load := func(query string, fn func(r *sql.Rows, rec string) error) error {
		return eachRow(ctx, s.read, query, func(r *sql.Rows) error {
			var rec string
			return fn(r, rec)
		}, org)
	}
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM smes WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.SMERecord
		if err := r.Scan(&rec, &v.UnitID); err != nil {
			return err
		}
		unit := v.UnitID
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		v.UnitID = unit
		regs.SMEs = append(regs.SMEs, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM hightech_certs WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.HighTechCert
		var unit int64
		if err := r.Scan(&rec, &unit); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		v.UnitID = unit
		regs.Certs = append(regs.Certs, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := load(`
		SELECT record, COALESCE(seller_unit_id, 0), seller_unit_id IS NOT NULL OR seller_enterprise_id IS NOT NULL OR seller_area_local,
		       COALESCE(buyer_unit_id, 0), buyer_unit_id IS NOT NULL OR buyer_enterprise_id IS NOT NULL OR buyer_area_local
		FROM contracts WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.Contract
		var su, bu int64
		var sIn, bIn bool
		if err := r.Scan(&rec, &su, &sIn, &bu, &bIn); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		v.Seller.UnitID, v.Seller.InArea, v.Buyer.UnitID, v.Buyer.InArea = su, sIn, bu, bIn
		regs.Contracts = append(regs.Contracts, v)
		return nil
	}); err != nil {
		return nil, err
	}
	holders := map[int64]map[int]int64{}
	if err := load(`SELECT h.patent_id, h.position, COALESCE(h.unit_id, 0) FROM patent_holders h JOIN patents p ON p.id = h.patent_id WHERE p.org_id = $1`, func(r *sql.Rows, _ string) error {
		var id, unit int64
		var pos int
		if err := r.Scan(&id, &pos, &unit); err != nil {
			return err
		}
		if holders[id] == nil {
			holders[id] = map[int]int64{}
		}
		holders[id][pos] = unit
		return nil
	}); err != nil {
		return nil, err
	}
	if err := load(`SELECT id, record FROM patents WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.Patent
		var id int64
		if err := r.Scan(&id, &rec); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		for i := range v.Holders {
			v.Holders[i].UnitID = holders[id][i]
		}
		regs.Patents = append(regs.Patents, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM platforms WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.Platform
		var unit int64
		if err := r.Scan(&rec, &unit); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		v.UnitID = unit
		regs.Platforms = append(regs.Platforms, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM statistics WHERE org_id = $1`, func(r *sql.Rows, rec string) error {
		var v plan.Statistic
		var unit int64
		if err := r.Scan(&rec, &unit); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return err
		}
		v.UnitID = unit
		regs.Statistics = append(regs.Statistics, v)
		return nil
	}); err != nil {
		return nil, err
	}
	return regs, nil
}

// CountRowsForTest counts a table's rows (a constant of the test).
func (s *Store) CountRowsForTest(ctx context.Context, table string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}
