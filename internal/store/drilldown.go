package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"kechuang/internal/plan"
)

// DefinitionRecord is one record behind a computed figure, with the list
// and row it came from. Fields are filled per register:
//
//	                Key          Name          Party           Date        Until        Detail
//	smes            USCC/编号     企业名称        入库登记编号       入库日期      撤销日期       批次
//	hightech        证书编号       企业名称        USCC            发证日期      有效期至/取消   新认定/重新认定
//	contracts       合同登记号     项目名称        the other side  登记日期                   合同类型
//	patents         专利号        专利名称        first holder    授权公告日     失效日期       法律状态
//	platforms       平台名称       依托单位        类型            认定日期                   级别 认定/备案
//	statistics      指标          地区                           年份                       来源
//
// Amount is a contract's amount in the definition's unit, a statistic's
// value.
type DefinitionRecord struct {
	Kind   plan.RegisterKind `json:"kind"`
	ID     int64             `json:"id"`
	Key    string            `json:"key"`
	Name   string            `json:"name"`
	Party  string            `json:"party,omitempty"`
	Date   string            `json:"date"`
	Until  string            `json:"until,omitempty"`
	Detail string            `json:"detail,omitempty"`
	Amount *plan.Decimal     `json:"amount,omitempty"`
	UnitID int64             `json:"unit_id,omitempty"`
	Unit   string            `json:"unit,omitempty"`
	Origin RecordOrigin      `json:"origin"`
}

// RecordPage is a page of records behind a figure.
type RecordPage struct {
	Binding GoalBinding        `json:"binding"`
	Records []DefinitionRecord `json:"records"`
	Total   int                `json:"total"`
	Offset  int                `json:"offset"`
	Limit   int                `json:"limit"`
}

// DefinitionRecords returns the records behind a bound goal's figure at
// asOf: for a unit (unitID), or the whole area (0, records without a unit
// included), a page at a time, in date order. For a ratio the records are
// the statistics it divides; for 万人发明专利 the patents and the
// population figure.
func (s *Store) DefinitionRecords(ctx context.Context, goalID, unitID int64, asOf string, page Page) (*RecordPage, error) {
	b, q, args, err := s.drillQuery(ctx, goalID, unitID, asOf)
	if err != nil {
		return nil, err
	}
	out := &RecordPage{Binding: *b, Records: []DefinitionRecord{}, Offset: page.offset(), Limit: page.limit()}
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) d`, args...).Scan(&out.Total); err != nil {
		return nil, wrap(err, "count the records of goal %d", goalID)
	}
	n := len(args)
	err = eachDrillRow(ctx, s.read, b.Definition, q+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, page.limit(), page.offset()), func(r DefinitionRecord) error {
		out.Records = append(out.Records, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachDefinitionRecord streams every record behind a figure to fn (for an
// .xlsx download), in the order DefinitionRecords pages them.
func (s *Store) EachDefinitionRecord(ctx context.Context, goalID, unitID int64, asOf string, fn func(DefinitionRecord) error) error {
	b, q, args, err := s.drillQuery(ctx, goalID, unitID, asOf)
	if err != nil {
		return err
	}
	return eachDrillRow(ctx, s.read, b.Definition, q, args, fn)
}

func eachDrillRow(ctx context.Context, q queryer, def plan.Definition, query string, args []any, fn func(DefinitionRecord) error) error {
	def = def.Normalized()
	err := eachRow(ctx, q, query, func(r *sql.Rows) error {
		var d DefinitionRecord
		var value sql.NullInt64
		if err := r.Scan(&d.Kind, &d.ID, &d.Key, &d.Name, &d.Party, &d.Date, &d.Until, &d.Detail, &value, &d.UnitID, &d.Unit,
			&d.Origin.BatchID, &d.Origin.File, &d.Origin.Sheet, &d.Origin.Row); err != nil {
			return err
		}
		if value.Valid {
			v := plan.DecimalFromMicros(value.Int64)
			if d.Kind == plan.RegContracts {
				v = plan.AmountIn(value.Int64, def.Params.Unit)
			}
			d.Amount = &v
		}
		return fn(d)
	}, args...)
	return wrap(err, "read the records behind a figure")
}

// unitLabel is a unit's label in drill-down rows, over alias u.
const unitLabel = `COALESCE(CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, '')`

// drillQuery builds the query of the records behind a goal's figure. Every
// branch selects kind, id, key, name, party, date, until, detail, value,
// unit_id, unit, batch_id, file, sheet, row — and orders by date and id.
func (s *Store) drillQuery(ctx context.Context, goalID, unitID int64, asOf string) (*GoalBinding, string, []any, error) {
	if _, err := plan.ParseAsOf(asOf); err != nil {
		return nil, "", nil, err
	}
	b, err := goalBinding(ctx, s.read, goalID)
	if err != nil {
		return nil, "", nil, err
	}
	// The records are the plan's organisation's.
	org, err := planOrgID(ctx, s.read, b.PlanID)
	if err != nil {
		return nil, "", nil, err
	}
	if !reaches(ctx, org) {
		return nil, "", nil, plan.Errorf(plan.ENOTFOUND, "目标（编号 %d）没有按台账口径计算", goalID)
	}
	def := b.Definition.Normalized()
	year := b.Year
	origin := `r.batch_id, ib.file_name, r.sheet, r.row_no`
	join := `JOIN import_batches ib ON ib.id = r.batch_id`
	byUnit := func(f filter) (string, []any) {
		if unitID == 0 {
			return f.from, f.args
		}
		return f.from + fmt.Sprintf(` AND %s = $%d`, f.unit, len(f.args)+1), append(f.args, unitID)
	}
	// joined puts the batch and the unit into a filter's FROM … WHERE.
	joined := func(from string, unitCol string) string {
		table, where := splitWhere(from)
		return table + ` ` + join + ` LEFT JOIN units u ON u.id = ` + unitCol + ` WHERE ` + where
	}
	switch def.Kind {
	case plan.DefSMECount:
		f := recordFilter(org, def, year, asOf)
		from, args := byUnit(f)
		return b, `SELECT 'smes', r.id, CASE WHEN r.uscc <> '' THEN r.uscc ELSE r.reg_no END, r.name, r.reg_no, r.entered, r.revoked, r.batch_label,
			NULL, COALESCE(r.unit_id, 0), ` + unitLabel + `, ` + origin + ` ` + joined(from, "r.unit_id") + ` ORDER BY 6, 2`, args, nil
	case plan.DefHighTechCount:
		// The firm's earlier certificates by its key (org_id, firm_key): the
		// CAST keeps SQLite from reading the organisation's by date.
		f := recordFilter(org, def, year, asOf)
		from, args := byUnit(f)
		return b, `SELECT 'hightech', r.id, r.cert_no, r.name, r.uscc, r.issued, CASE WHEN r.cancelled <> '' THEN r.cancelled ELSE r.expires END,
			CASE WHEN EXISTS (SELECT 1 FROM hightech_certs e WHERE e.org_id = r.org_id AND e.firm_key = r.firm_key AND r.uscc <> '' AND CAST(e.issued AS TEXT) < r.issued) THEN '重新认定' ELSE '新认定' END,
			NULL, COALESCE(r.unit_id, 0), ` + unitLabel + `, ` + origin + ` ` + joined(from, "r.unit_id") + ` ORDER BY 6, 2`, args, nil
	case plan.DefContractSum:
		f := recordFilter(org, def, year, asOf)
		from, args := byUnit(f)
		other, amount := "r.buyer_name", "r.amount_fen"
		if def.Params.Side == plan.SideBuyer {
			other = "r.seller_name"
		}
		if def.Params.Amount == plan.AmountTech {
			amount = "r.tech_amount_fen"
		}
		return b, `SELECT 'contracts', r.id, r.reg_no, r.project, ` + other + `, r.registered, '', r.type,
			` + amount + `, COALESCE(` + f.unit + `, 0), ` + unitLabel + `, ` + origin + ` ` + joined(from, f.unit) + ` ORDER BY 6, 2`, args, nil
	case plan.DefNewPlatforms:
		f := recordFilter(org, def, year, asOf)
		from, args := byUnit(f)
		return b, `SELECT 'platforms', r.id, r.name, CASE WHEN r.host_name <> '' THEN r.host_name ELSE r.host_uscc END, r.kind, r.decided, '',
			r.level || CASE WHEN r.mode <> '' THEN ' ' || r.mode ELSE '' END,
			NULL, COALESCE(r.unit_id, 0), ` + unitLabel + `, ` + origin + ` ` + joined(from, "r.unit_id") + ` ORDER BY 6, 2`, args, nil
	case plan.DefPatentDensity:
		holder := `EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = r.id AND h.domestic)`
		unitCol := `(SELECT MIN(h.unit_id) FROM patent_holders h WHERE h.patent_id = r.id AND h.domestic)`
		args := []any{plan.PatentInvention, asOf, plan.StatPopulation, year, unitID, org}
		if unitID != 0 {
			holder = `EXISTS (SELECT 1 FROM patent_holders h WHERE h.patent_id = r.id AND h.domestic AND h.unit_id = $5)`
			unitCol = `$5`
		}
		return b, `SELECT 'patents', r.id, r.number, r.title,
			COALESCE((SELECT h.name FROM patent_holders h WHERE h.patent_id = r.id ORDER BY h.position LIMIT 1), ''),
			r.granted, r.lapsed, r.status, NULL, COALESCE(u.id, 0), ` + unitLabel + `, ` + origin + `
			FROM patents r ` + join + ` LEFT JOIN units u ON u.id = ` + unitCol + `
			WHERE r.org_id = $6 AND ` + patentWhere + ` AND ` + holder + `
			UNION ALL
			SELECT 'statistics', r.id, r.indicator, r.area, '', CAST(r.year AS TEXT), '', r.source, r.value, COALESCE(r.unit_id, 0), ` + unitLabel + `, ` + origin + `
			FROM statistics r ` + join + ` LEFT JOIN units u ON u.id = r.unit_id
			WHERE r.org_id = $6 AND r.indicator = $3 AND COALESCE(r.unit_id, 0) = $5 AND r.year = (
				SELECT MAX(t.year) FROM statistics t WHERE t.org_id = $6 AND t.indicator = $3 AND COALESCE(t.unit_id, 0) = $5 AND t.year <= $4)
			ORDER BY 6, 2`, args, nil
	case plan.DefRDIntensity:
		return b, `SELECT 'statistics', r.id, r.indicator, r.area, '', CAST(r.year AS TEXT), '', r.source, r.value, COALESCE(r.unit_id, 0), ` + unitLabel + `, ` + origin + `
			FROM statistics r ` + join + ` LEFT JOIN units u ON u.id = r.unit_id
			WHERE r.org_id = $6 AND r.indicator IN ($1, $2) AND r.year IN ($3, $4) AND COALESCE(r.unit_id, 0) = $5
			ORDER BY 6, 2`, []any{plan.StatRD, plan.StatGDP, year, year - 1, unitID, org}, nil
	}
	return nil, "", nil, plan.Errorf(plan.EINVALID, "口径“%s”不存在", def.Kind)
}

// splitWhere splits "FROM t r WHERE cond" into "FROM t r" and "cond".
func splitWhere(from string) (string, string) {
	table, where, _ := strings.Cut(from, " WHERE ")
	return table, where
}
