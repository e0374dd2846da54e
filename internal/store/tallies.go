package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"kechuang/internal/plan"
)

// Tallies keep the definitions' counts and sums ready by day, so that a
// goal's actual for every unit at any as-of date is a few thousand rows
// summed instead of millions of records counted (docs/REGISTERS.md).
//
// register_tallies holds, per organisation, metric, unit (0: the whole
// area) and period,
// what the records add on that period's days: n (+1 where a firm or patent
// starts to count, −1 where it stops; contracts: how many), amount_fen and
// tech_fen (contracts). Every change is written three times, at the day
// (grain D, period YYYY-MM-DD), its month (M, YYYY-MM) and its year (Y,
// YYYY), so that the figure at an as-of date is the years before it, the
// months of its year before its month and the days of its month up to it:
// at most (years + 11 + 31) rows per unit.
//
// Metrics:
//
//	contract:seller, contract:buyer  contracts whose party on that side is in the area, at their registration day
//	patent                           invention patents with a domestic holder, from grant to lapse
//	sme:YYYY                         firms with a 科技型中小企业 record of the year, from 入库 to 撤销
//	hightech                         firms holding a certificate, from issue to expiry or 取消
//
// Firms are counted once however many records they have: their records'
// validity is merged into spans first (register_spans), per firm and unit.
//
// Imports keep tallies current: contracts and patents by the contributions
// the importer adds and takes away as it writes (tallyDeltas), firms by
// recomputing the spans of every firm an import touched (register_pending);
// re-attribution rebuilds them.

// Metric names.
const (
	metricSeller   = "contract:seller"
	metricBuyer    = "contract:buyer"
	metricPatent   = "patent"
	metricHighTech = "hightech"
)

func metricSME(year int) string { return fmt.Sprintf("sme:%d", year) }

// openEnd is the end of a span that has none, while spans are merged.
const openEnd = "9999-12-31"

// forever is the start of a record that counts from no particular day (an
// SME record without its 入库日期).
const forever = "0000-01-01"

// tallyGrains expands a change at a day into its day, month and year.
const tallyGrains = `(SELECT 'Y' AS grain, 4 AS len UNION ALL SELECT 'M', 7 UNION ALL SELECT 'D', 10) g`

// addTallies adds (sign "") or takes away (sign "-") the changes that the
// events query selects — org_id, metric, unit_id, day, n, amount_fen,
// tech_fen — at their day, month and year. with is a WITH clause the events
// use, or "".
func addTallies(with, events, sign string) string {
	return with + ` INSERT INTO register_tallies (org_id, metric, unit_id, grain, period, n, amount_fen, tech_fen)
	SELECT org_id, metric, unit_id, grain, period, n, amount_fen, tech_fen FROM (
		SELECT ev.org_id, ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len) AS period,
		       ` + sign + `CAST(SUM(ev.n) AS BIGINT) AS n, ` + sign + `CAST(SUM(ev.amount_fen) AS BIGINT) AS amount_fen,
		       ` + sign + `CAST(SUM(ev.tech_fen) AS BIGINT) AS tech_fen
		FROM (` + events + `) ev CROSS JOIN ` + tallyGrains + `
		GROUP BY ev.org_id, ev.metric, ev.unit_id, g.grain, SUBSTR(ev.day, 1, g.len)) t
	WHERE true
	ON CONFLICT (org_id, metric, grain, period, unit_id) DO UPDATE SET n = register_tallies.n + excluded.n,
		amount_fen = register_tallies.amount_fen + excluded.amount_fen, tech_fen = register_tallies.tech_fen + excluded.tech_fen`
}

// contractEvents selects what the contracts matching where (over alias r)
// add on the side: the whole area when the party is in it, its unit when
// it has one.
func contractEvents(side, where string) string {
	metric := metricSeller
	if side == "buyer" {
		metric = metricBuyer
	}
	return `SELECT r.org_id AS org_id, '` + metric + `' AS metric, 0 AS unit_id, r.registered AS day, 1 AS n, r.amount_fen AS amount_fen, COALESCE(r.tech_amount_fen, 0) AS tech_fen
		FROM contracts r WHERE (` + where + `) AND (r.` + side + `_unit_id IS NOT NULL OR r.` + side + `_enterprise_id IS NOT NULL OR r.` + side + `_area_local)
		UNION ALL
		SELECT r.org_id, '` + metric + `', r.` + side + `_unit_id, r.registered, 1, r.amount_fen, COALESCE(r.tech_amount_fen, 0)
		FROM contracts r WHERE (` + where + `) AND r.` + side + `_unit_id IS NOT NULL`
}

// patentCounted is the condition on a patent (alias r) that it counts at
// some date: an invention, not lapsed before it was granted, not marked
// lapsed without a date.
const patentCounted = `r.type = '` + plan.PatentInvention + `' AND NOT (r.lapsed = '' AND r.status_lapsed) AND (r.lapsed = '' OR r.lapsed > r.granted)`

// patentTallies adds or takes away the patents matching where (alias r):
// each counts once in the whole area when a holder is domestic, and once in
// each unit of its domestic holders, from its grant to its lapse.
func patentTallies(where, sign string) string {
	with := `WITH pu AS (
		SELECT DISTINCT r.org_id, r.id, r.granted, r.lapsed, h.unit_id FROM patents r JOIN patent_holders h ON h.patent_id = r.id
		WHERE (` + where + `) AND ` + patentCounted + ` AND h.domestic AND h.unit_id IS NOT NULL
		UNION
		SELECT DISTINCT r.org_id, r.id, r.granted, r.lapsed, 0 FROM patents r JOIN patent_holders h ON h.patent_id = r.id
		WHERE (` + where + `) AND ` + patentCounted + ` AND h.domestic)`
	events := `SELECT org_id, '` + metricPatent + `' AS metric, unit_id, granted AS day, 1 AS n, 0 AS amount_fen, 0 AS tech_fen FROM pu
		UNION ALL SELECT org_id, '` + metricPatent + `', unit_id, lapsed, -1, 0, 0 FROM pu WHERE lapsed <> ''`
	return addTallies(with, events, sign)
}

// firmSpans computes the merged spans of the SME records and certificates
// that from (a FROM … WHERE … over alias r of smes or hightech_certs)
// selects, per organisation, firm and unit and for the whole area (unit 0).
func firmSpans(kind plan.RegisterKind, from string) string {
	var metric, start, end string
	switch kind {
	case plan.RegSMEs:
		metric = `'sme:' || r.year`
		start = `CASE WHEN r.entered = '' THEN '` + forever + `' ELSE r.entered END`
		end = `CASE WHEN r.revoked = '' THEN '` + openEnd + `' ELSE r.revoked END`
	case plan.RegHighTech:
		metric = `'` + metricHighTech + `'`
		start = `r.issued`
		end = `CASE WHEN r.cancelled <> '' AND r.cancelled < r.expires THEN r.cancelled ELSE r.expires END`
	default:
		panic("store: no spans for " + string(kind))
	}
	cols := `r.org_id AS org_id, ` + metric + ` AS metric, r.firm_key AS firm_key, `
	return `WITH recs AS (
		SELECT ` + cols + `r.unit_id AS unit_id, ` + start + ` AS s, ` + end + ` AS e ` + from + ` AND r.unit_id IS NOT NULL
		UNION ALL
		SELECT ` + cols + `0, ` + start + `, ` + end + ` ` + from + `),
	marked AS (
		SELECT org_id, metric, firm_key, unit_id, s, e,
		       CASE WHEN s <= MAX(e) OVER (PARTITION BY org_id, metric, firm_key, unit_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
		            THEN 0 ELSE 1 END AS starts
		FROM recs WHERE s < e),
	islands AS (
		SELECT org_id, metric, firm_key, unit_id, s, e,
		       SUM(starts) OVER (PARTITION BY org_id, metric, firm_key, unit_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
		FROM marked)
	INSERT INTO register_spans (org_id, metric, firm_key, unit_id, start_on, end_on)
	SELECT org_id, metric, firm_key, unit_id, MIN(s), CASE WHEN MAX(e) = '` + openEnd + `' THEN '' ELSE MAX(e) END
	FROM islands GROUP BY org_id, metric, firm_key, unit_id, island`
}

// spanEvents selects the changes of the spans that from (FROM … WHERE …
// over alias sp of register_spans) selects: +1 at the start, −1 at the end.
func spanEvents(from string) string {
	return `SELECT sp.org_id AS org_id, sp.metric AS metric, sp.unit_id AS unit_id, sp.start_on AS day, 1 AS n, 0 AS amount_fen, 0 AS tech_fen ` + from + `
		UNION ALL SELECT sp.org_id, sp.metric, sp.unit_id, sp.end_on, -1, 0, 0 ` + from + ` AND sp.end_on <> ''`
}

// rebuildTallies computes every tally and span of org from its registers,
// after a change that may move any of its records (re-attribution).
func rebuildTallies(ctx context.Context, tx *sql.Tx, org int64) error {
	for _, q := range []string{
		`DELETE FROM register_tallies WHERE org_id = $1`,
		`DELETE FROM register_spans WHERE org_id = $1`,
		firmSpans(plan.RegSMEs, `FROM smes r WHERE r.org_id = $1`),
		firmSpans(plan.RegHighTech, `FROM hightech_certs r WHERE r.org_id = $1`),
		addTallies("", spanEvents(`FROM register_spans sp WHERE sp.org_id = $1`), ""),
		addTallies("", contractEvents("seller", "r.org_id = $1"), ""),
		addTallies("", contractEvents("buyer", "r.org_id = $1"), ""),
		patentTallies("r.org_id = $1", ""),
	} {
		if _, err := tx.ExecContext(ctx, q, org); err != nil {
			return wrap(err, "rebuild the register tallies")
		}
	}
	return nil
}

// refreshSpans recomputes the spans of the firms the import into org
// marked pending, and their tallies.
func refreshSpans(ctx context.Context, tx *sql.Tx, org, batch int64) error {
	// The pending firms are the outer loop (CROSS JOIN, as the importer's
	// stages): each is looked up by the tables' keys, org_id first.
	pendingSpans := `FROM register_pending p CROSS JOIN register_spans sp WHERE p.batch_id = $1 AND sp.org_id = $2 AND sp.metric = p.what AND sp.firm_key = p.key`
	for _, q := range []string{
		addTallies("", spanEvents(pendingSpans), "-"),
		`DELETE FROM register_spans WHERE org_id = $2 AND EXISTS (SELECT 1 FROM register_pending p
			WHERE p.batch_id = $1 AND p.what = register_spans.metric AND p.key = register_spans.firm_key)`,
		firmSpans(plan.RegSMEs, `FROM register_pending p CROSS JOIN smes r WHERE p.batch_id = $1 AND r.org_id = $2 AND r.firm_key = p.key AND p.what = 'sme:' || r.year`),
		firmSpans(plan.RegHighTech, `FROM register_pending p CROSS JOIN hightech_certs r WHERE p.batch_id = $1 AND r.org_id = $2 AND r.firm_key = p.key AND p.what = '`+metricHighTech+`'`),
		addTallies("", spanEvents(pendingSpans), ""),
	} {
		if _, err := tx.ExecContext(ctx, q, batch, org); err != nil {
			return wrap(err, "recompute the spans of batch %d", batch)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM register_pending WHERE batch_id = $1`, batch); err != nil {
		return wrap(err, "recompute the spans of batch %d", batch)
	}
	return nil
}

// tally is a period's sums of a metric in one unit.
type tally struct{ n, amount, tech int64 }

// tallyAt asks for a metric's sums over every day up to and including day.
type tallyAt struct{ metric, day string }

// talliesAt sums each metric of org asked for per unit (0: the whole area)
// over every day up to and including its day, in one statement for up to
// tallyAtBatch of them. A figure asked for and not found is all zeros.
//
// Each figure is its own three branches, the metric and periods bound as
// parameters, so that every branch is a range of register_tallies' key
// (org, metric, grain, period) whatever the planner knows. A list of the
// figures joined to the tallies (VALUES … JOIN) was tried: PostgreSQL,
// without statistics of the tallies as right after an import, read all
// of the organisation's days of every metric for each figure (50 ms
// instead of 10 at province size).
func talliesAt(ctx context.Context, q queryer, org int64, at []tallyAt) (map[tallyAt]map[int64]tally, error) {
	out := map[tallyAt]map[int64]tally{}
	for _, a := range at {
		out[a] = map[int64]tally{}
	}
	for start := 0; start < len(at); start += tallyAtBatch {
		batch := at[start:min(len(at), start+tallyAtBatch)]
		args := []any{org}
		var branches []string
		for i, a := range batch {
			year, month := a.day[:4], a.day[:7]
			args = append(args, a.metric, year, year+"-01", month, month+"-01", a.day)
			n := len(args) // the metric is $(n-5), the periods after it
			// A day's figure is the years before it, the months of its
			// year before its month and the days of its month up to it
			// (the grains above).
			sel := fmt.Sprintf(`SELECT %d AS k, unit_id, n, amount_fen, tech_fen FROM register_tallies WHERE org_id = $1 AND metric = $%d AND grain = `, i, n-5)
			branches = append(branches,
				sel+fmt.Sprintf(`'Y' AND period < $%d`, n-4),
				sel+fmt.Sprintf(`'M' AND period >= $%d AND period < $%d`, n-3, n-2),
				sel+fmt.Sprintf(`'D' AND period >= $%d AND period <= $%d`, n-1, n))
		}
		err := eachRow(ctx, q, `SELECT k, unit_id, CAST(SUM(n) AS BIGINT), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_fen) AS BIGINT) FROM (
			`+strings.Join(branches, "\n\t\t\tUNION ALL ")+`
		) x GROUP BY k, unit_id`, func(r *sql.Rows) error {
			var k int
			var unit int64
			var t tally
			if err := r.Scan(&k, &unit, &t.n, &t.amount, &t.tech); err != nil {
				return err
			}
			out[batch[k]][unit] = t
			return nil
		}, args...)
		if err != nil {
			return nil, wrap(err, "sum the tallies")
		}
	}
	return out, nil
}

// tallyAtBatch bounds the figures one talliesAt statement sums: three
// branches each, within SQLite's 500 terms of a compound SELECT.
const tallyAtBatch = 150

// tallyDeltas are the changes an import makes to contract and patent
// tallies, gathered in memory by metric, unit and day and written when
// there are many: the map is bounded by units × days, not by the file.
type tallyDeltas map[deltaKey]tally

type deltaKey struct {
	unit   int64
	day    int32 // YYYYMMDD
	metric uint8 // index in deltaMetrics
}

var deltaMetrics = []string{metricSeller, metricBuyer, metricPatent}

const (
	deltaSeller = iota
	deltaBuyer
	deltaPatent
)

// maxTallyDeltas is how many days' changes are held before they are
// written: about 20 MB.
const maxTallyDeltas = 500_000

// dayNumber reads YYYY-MM-DD as YYYYMMDD.
func dayNumber(day string) int32 {
	var n int32
	for i := 0; i < len(day); i++ {
		if c := day[i]; c >= '0' && c <= '9' {
			n = n*10 + int32(c-'0')
		}
	}
	return n
}

func (d tallyDeltas) add(metric uint8, unit int64, day string, sign int64, amount, tech int64) {
	k := deltaKey{unit, dayNumber(day), metric}
	t := d[k]
	t.n += sign
	t.amount += sign * amount
	t.tech += sign * tech
	d[k] = t
}

// contract adds (sign 1) or takes away (−1) a contract's contributions.
func (d tallyDeltas) contract(c contractTally, sign int64) {
	for _, s := range []struct {
		metric uint8
		p      partyTally
	}{{deltaSeller, c.seller}, {deltaBuyer, c.buyer}} {
		if s.p.unit != 0 || s.p.enterprise != 0 || s.p.local {
			d.add(s.metric, 0, c.registered, sign, c.amount, c.tech)
		}
		if s.p.unit != 0 {
			d.add(s.metric, s.p.unit, c.registered, sign, c.amount, c.tech)
		}
	}
}

// contractTally is what of a contract its tallies depend on.
type contractTally struct {
	registered    string
	amount, tech  int64
	seller, buyer partyTally
}

type partyTally struct {
	unit, enterprise int64
	local            bool
}

// patentTally is what of a patent its tally depends on.
type patentTally struct {
	typ, granted, lapsed string
	statusLapsed         bool
	holders              []holderTally
}

type holderTally struct {
	unit     int64
	domestic bool
}

// patent adds or takes away a patent's contributions, as patentTallies does.
func (d tallyDeltas) patent(p patentTally, sign int64) {
	if p.typ != plan.PatentInvention || p.lapsed == "" && p.statusLapsed || p.lapsed != "" && p.lapsed <= p.granted {
		return
	}
	units := map[int64]bool{}
	for _, h := range p.holders {
		if h.domestic {
			units[0] = true
			if h.unit != 0 {
				units[h.unit] = true
			}
		}
	}
	for u := range units {
		d.add(deltaPatent, u, p.granted, sign, 0, 0)
		if p.lapsed != "" {
			d.add(deltaPatent, u, p.lapsed, -sign, 0, 0)
		}
	}
}

// flushTallies writes the gathered deltas at their days, months and years
// through the stage and empties the map.
func (imp *importer) flushTallies(ctx context.Context) error {
	if len(imp.deltas) == 0 {
		return nil
	}
	type coarse struct {
		unit   int64
		period int32 // YYYYMM or YYYY
		metric uint8
	}
	months, years := map[coarse]tally{}, map[coarse]tally{}
	rows := make([][]any, 0, len(imp.deltas)+len(imp.deltas)/16)
	sum := func(m map[coarse]tally, k coarse, t tally) {
		c := m[k]
		c.n, c.amount, c.tech = c.n+t.n, c.amount+t.amount, c.tech+t.tech
		m[k] = c
	}
	for k, t := range imp.deltas {
		if t == (tally{}) {
			continue
		}
		rows = append(rows, []any{deltaMetrics[k.metric], k.unit, "D", fmt.Sprintf("%04d-%02d-%02d", k.day/10000, k.day/100%100, k.day%100), t.n, t.amount, t.tech})
		sum(months, coarse{k.unit, k.day / 100, k.metric}, t)
		sum(years, coarse{k.unit, k.day / 10000, k.metric}, t)
	}
	clear(imp.deltas)
	for k, t := range months {
		rows = append(rows, []any{deltaMetrics[k.metric], k.unit, "M", fmt.Sprintf("%04d-%02d", k.period/100, k.period%100), t.n, t.amount, t.tech})
	}
	for k, t := range years {
		rows = append(rows, []any{deltaMetrics[k.metric], k.unit, "Y", fmt.Sprintf("%04d", k.period), t.n, t.amount, t.tech})
	}
	return imp.staged(ctx, "tally", []stageCol{{"metric", colText}, {"unit_id", colInt}, {"grain", colText}, {"period", colText},
		{"n", colInt}, {"amount_fen", colInt}, {"tech_fen", colInt}}, rows, `
		INSERT INTO register_tallies (org_id, metric, unit_id, grain, period, n, amount_fen, tech_fen)
		SELECT CAST($1 AS BIGINT), metric, unit_id, grain, period, n, amount_fen, tech_fen FROM {stage} WHERE true
		ON CONFLICT (org_id, metric, grain, period, unit_id) DO UPDATE SET n = register_tallies.n + excluded.n,
			amount_fen = register_tallies.amount_fen + excluded.amount_fen, tech_fen = register_tallies.tech_fen + excluded.tech_fen`, imp.org)
}
