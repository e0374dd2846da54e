package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"kechuang/internal/plan"
)

// DefinitionValuesForTest runs DefinitionValues on the read pool.
func (s *Store) DefinitionValuesForTest(ctx context.Context, bindings []GoalBinding, year int, asOf string) ([]GoalActual, error) {
	return DefinitionValues(ctx, s.read, bindings, year, asOf)
}

// LoadRegistersForTest reads every record with its attribution, the input
// of plan.EvaluateDefinition that the SQL aggregates must match.
func (s *Store) LoadRegistersForTest(ctx context.Context) (*plan.RegisterSet, error) {
	regs := &plan.RegisterSet{}
	load := func(query string, fn func(r *sql.Rows, rec string) error) error {
		return eachRow(ctx, s.read, query, func(r *sql.Rows) error {
			var rec string
			return fn(r, rec)
		})
	}
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM smes`, func(r *sql.Rows, rec string) error {
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
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM hightech_certs`, func(r *sql.Rows, rec string) error {
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
		FROM contracts`, func(r *sql.Rows, rec string) error {
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
	if err := load(`SELECT patent_id, position, COALESCE(unit_id, 0) FROM patent_holders`, func(r *sql.Rows, _ string) error {
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
	if err := load(`SELECT id, record FROM patents`, func(r *sql.Rows, rec string) error {
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
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM platforms`, func(r *sql.Rows, rec string) error {
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
	if err := load(`SELECT record, COALESCE(unit_id, 0) FROM statistics`, func(r *sql.Rows, rec string) error {
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
