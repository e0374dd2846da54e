package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"kechuang/internal/plan"
)

// One writer per register, a batch at a time: the batch's stored records
// are fetched by one query; then, row by row in order, each record is
// cleaned, merged into the stored one (a cell left empty keeps the stored
// value), checked, and queued to be inserted, updated or left (only its
// origin moves); then the queues are written, a statement per table.
// Records written earlier in the batch are found in the batch's maps, so
// that a later duplicate is refused as it was before batching.
//
// Attribution: contracts, patents and platforms are linked to the
// enterprises they name as they are written (no import of theirs changes
// an enterprise); SME records and certificates are linked by USCC as they
// are inserted and by name when their import ends (their lists add
// enterprises as they go); an import that adds or changes enterprises
// attributes the records naming them when it ends (deriveForEnterprises).

// firmRef is an enterprise as records name it.
type firmRef struct{ id, unit int64 }

// firmIndex holds the enterprises a batch's records name: by USCC, and by
// names that are one enterprise's (current or former).
type firmIndex struct {
	byUSCC map[string]firmRef
	byName map[string]firmRef
}

// link is the enterprise a party belongs to, as linkAndDerive links: by
// USCC when it gives one, else by its name when that is one enterprise's.
func (f firmIndex) link(uscc, name string) (firmRef, bool) {
	if uscc != "" {
		r, ok := f.byUSCC[uscc]
		return r, ok
	}
	if name == "" {
		return firmRef{}, false
	}
	r, ok := f.byName[name]
	return r, ok
}

// unitOf is a record's unit: its enterprise's, else its own.
func unitOf(f firmRef, linked bool, own int64) int64 {
	if linked && f.unit != 0 {
		return f.unit
	}
	return own
}

var keyCols = []stageCol{{"k", colText}}

// fetchFirms finds the enterprises with the USCCs and names. The answers
// are kept for the import's later batches (imp.firms), found or not: the
// imports that call it (contracts, patents, platforms) change no
// enterprise, and a list names the same firms batch after batch. An
// enterprise another transaction commits meanwhile (PostgreSQL) is seen by
// a batch that asks about it first, as before, and by that enterprise
// import's own attribution when it ends. The cache holds at most
// maxFirmCache keys: past that it starts again, so that memory does not
// grow with the list.
func (imp *importer) fetchFirms(ctx context.Context, usccs, names map[string]bool) (firmIndex, error) {
	f := &imp.firms
	if f.looked == nil || len(f.looked)+len(usccs)+len(names) > maxFirmCache {
		*f = firmCache{firmIndex: firmIndex{byUSCC: map[string]firmRef{}, byName: map[string]firmRef{}}, looked: map[string]bool{}}
	}
	ask := func(keys map[string]bool, kind string) map[string]bool {
		out := map[string]bool{}
		for k := range keys {
			if key := kind + k; !f.looked[key] {
				f.looked[key] = true
				out[k] = true
			}
		}
		return out
	}
	err := imp.fetch(ctx, "keys", keyCols, keyRows(ask(usccs, "u:")), `
		SELECT e.uscc, e.id, COALESCE(e.unit_id, 0) FROM {stage} k CROSS JOIN enterprises e WHERE e.org_id = $1 AND e.uscc = k.k`, func(r *sql.Rows) error {
		var uscc string
		var ref firmRef
		if err := r.Scan(&uscc, &ref.id, &ref.unit); err != nil {
			return err
		}
		f.byUSCC[uscc] = ref
		return nil
	})
	if err != nil {
		return f.firmIndex, err
	}
	// Every enterprise bearing each name: a name links when it is one
	// enterprise's.
	count := map[string]int{}
	err = imp.fetch(ctx, "keys", keyCols, keyRows(ask(names, "n:")), `
		SELECT k.k, n.enterprise_id, COALESCE(e.unit_id, 0) FROM {stage} k CROSS JOIN enterprise_names n
		CROSS JOIN enterprises e WHERE n.name = k.k AND e.id = n.enterprise_id AND e.org_id = $1`, func(r *sql.Rows) error {
		var name string
		var ref firmRef
		if err := r.Scan(&name, &ref.id, &ref.unit); err != nil {
			return err
		}
		if old, ok := f.byName[name]; !ok || old.id != ref.id {
			count[name]++
		}
		f.byName[name] = ref
		return nil
	})
	for name, n := range count {
		if n > 1 {
			delete(f.byName, name)
		}
	}
	return f.firmIndex, err
}

// firmCache is what fetchFirms found so far in an import: the enterprises,
// and every key asked about ("u:" USCC, "n:" name), found or not.
type firmCache struct {
	firmIndex
	looked map[string]bool
}

// maxFirmCache bounds the keys an import's firm cache holds (about ten
// megabytes).
const maxFirmCache = 100_000

func keyRows(keys map[string]bool) [][]any {
	rows := make([][]any, 0, len(keys))
	for k := range keys {
		rows = append(rows, []any{k})
	}
	return rows
}

// addParty notes a party's USCC, or its name when it gives none, for
// fetchFirms.
func addParty(usccs, names map[string]bool, uscc, name string) {
	if uscc != "" {
		usccs[uscc] = true
	} else if name != "" {
		names[name] = true
	}
}

// names lists the columns for INSERT … SELECT.
func names(cols []stageCol) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = c.name
	}
	return strings.Join(s, ", ")
}

// insertStaged inserts rows (values in the order of cols) into table, in
// the organisation imported into.
func (imp *importer) insertStaged(ctx context.Context, table string, cols []stageCol, rows [][]any) error {
	return imp.insertRows(ctx, table, true, cols, rows)
}

// insertRows inserts rows (values in the order of cols) into table, with
// the organisation imported into as org_id when inOrg. On PostgreSQL they
// need no stage: COPY appends them where they belong.
func (imp *importer) insertRows(ctx context.Context, table string, inOrg bool, cols []stageCol, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	into := names(cols)
	sel := into
	var lead []any
	if inOrg {
		lead, into, sel = []any{imp.org}, "org_id, "+into, "CAST($1 AS BIGINT), "+sel
	}
	if imp.s.dialect == Postgres {
		return wrap(copyRows(ctx, imp.conn, table, lead, strings.Split(into, ", "), rows), "copy %d new rows into %s", len(rows), table)
	}
	return imp.staged(ctx, "ins_"+table, cols, rows, `INSERT INTO `+table+` (`+into+`) SELECT `+sel+` FROM {stage}`, lead...)
}

// updateStaged sets the columns after the first (id) of table's rows.
func (imp *importer) updateStaged(ctx context.Context, table string, cols []stageCol, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var set []string
	for _, c := range cols[1:] {
		set = append(set, c.name+" = s."+c.name)
	}
	return imp.staged(ctx, "upd_"+table, cols, rows, `UPDATE `+table+` SET `+strings.Join(set, ", ")+` FROM {stage} s WHERE `+table+`.id = s.id`)
}

var touchCols = []stageCol{{"id", colInt}, {"sheet", colText}, {"row_no", colInt}}

// writes are a batch's rows sorted by the statement that writes them: the
// columns of new records, id and columns of updated ones, id, sheet and row
// of unchanged ones.
type writes struct{ ins, upd, touches [][]any }

// eachValid runs every valid row of a batch through record and counts
// every row's outcome (a row the reader or record rejected is written
// nowhere).
func (imp *importer) eachValid(res *ImportResult, rows []plan.RegisterRow, record func(plan.RegisterRow) (outcome, []plan.RowProblem, error)) error {
	for _, row := range rows {
		if len(row.Problems) > 0 {
			imp.done(res, row, 0, row.Problems)
			continue
		}
		out, probs, err := record(row)
		if err != nil {
			return err
		}
		imp.done(res, row, out, probs)
	}
	return nil
}

// sorted runs the batch through record (eachValid) and sorts the values
// to write by outcome.
func (imp *importer) sorted(res *ImportResult, rows []plan.RegisterRow, record func(plan.RegisterRow) (outcome, []any, []plan.RowProblem, error)) (writes, error) {
	var w writes
	err := imp.eachValid(res, rows, func(row plan.RegisterRow) (outcome, []plan.RowProblem, error) {
		out, values, probs, err := record(row)
		switch {
		case err != nil, len(probs) > 0:
		case out == outNew:
			w.ins = append(w.ins, values)
		case out == outUpdated:
			w.upd = append(w.upd, values)
		default:
			w.touches = append(w.touches, values)
		}
		return out, probs, err
	})
	return w, err
}

// writeRows stores a batch's writes into table, whose columns are cols.
func (imp *importer) writeRows(ctx context.Context, table string, cols []stageCol, w writes) error {
	if err := imp.touchStaged(ctx, table, w.touches); err != nil {
		return err
	}
	if err := imp.insertStaged(ctx, table, cols, w.ins); err != nil {
		return err
	}
	return imp.updateStaged(ctx, table, append([]stageCol{{"id", colInt}}, cols...), w.upd)
}

// touchStaged points unchanged records' origins at this list: rows of (id,
// sheet, row).
func (imp *importer) touchStaged(ctx context.Context, table string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return imp.staged(ctx, "touch", touchCols, rows, `UPDATE `+table+` SET batch_id = $1, sheet = s.sheet, row_no = s.row_no FROM {stage} s WHERE `+table+`.id = s.id`, imp.batch)
}

// pendingFirm marks a firm's spans of a metric to be recomputed when the
// import ends.
func (imp *importer) pendingStaged(ctx context.Context, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return imp.staged(ctx, "pending", []stageCol{{"what", colText}, {"k", colText}}, rows,
		`INSERT INTO register_pending (batch_id, what, key) SELECT CAST($1 AS BIGINT), what, k FROM {stage} WHERE true ON CONFLICT DO NOTHING`, imp.batch)
}

// Enterprises.

type storedFirm struct {
	stored
	stub bool
}

// entWrite is an enterprise to insert (id 0) or update.
type entWrite struct {
	id     int64
	e      plan.Enterprise
	rec    string
	stub   bool
	unit   int64
	source plan.AttributionSource
	origin plan.Origin
}

// entBatch queues a batch's enterprise writes; a stub refreshed twice in a
// batch is written once, as last refreshed.
type entBatch struct {
	order   []*entWrite
	byUSCC  map[string]*entWrite
	touches [][]any
}

func (b *entBatch) put(w *entWrite) {
	if b.byUSCC == nil {
		b.byUSCC = map[string]*entWrite{}
	}
	if old := b.byUSCC[w.e.USCC]; old != nil {
		id := old.id
		*old = *w
		old.id = id
		return
	}
	b.byUSCC[w.e.USCC] = w
	b.order = append(b.order, w)
}

var enterpriseCols = []stageCol{{"uscc", colText}, {"name", colText}, {"address", colText}, {"area", colText}, {"industry", colText},
	{"rd_institute", colBool}, {"rd_kind", colText}, {"rd_level", colText}, {"unit_id", colInt}, {"attribution", colText}, {"stub", colBool},
	{"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

// fetchEnterprises reads the stored enterprises with the USCCs.
func (imp *importer) fetchEnterprises(ctx context.Context, usccs map[string]bool) (map[string]storedFirm, error) {
	out := map[string]storedFirm{}
	err := imp.fetch(ctx, "keys", keyCols, keyRows(usccs), `
		SELECT t.uscc, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.stub FROM {stage} k CROSS JOIN enterprises t WHERE t.org_id = $1 AND t.uscc = k.k`, func(r *sql.Rows) error {
		var uscc string
		var f storedFirm
		if err := r.Scan(&uscc, &f.id, &f.record, &f.batch, &f.sheet, &f.row, &f.stub); err != nil {
			return err
		}
		out[uscc] = f
		return nil
	})
	return out, err
}

func (imp *importer) enterprises(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	usccs := map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) == 0 {
			if u := cleanCode(row.Record.(*plan.Enterprise).USCC); u != "" {
				usccs[u] = true
			}
		}
	}
	known, err := imp.fetchEnterprises(ctx, usccs)
	if err != nil {
		return err
	}
	var b entBatch
	err = imp.eachValid(res, rows, func(row plan.RegisterRow) (outcome, []plan.RowProblem, error) {
		return imp.enterprise(known, &b, *row.Record.(*plan.Enterprise), row.Origin)
	})
	if err != nil {
		return err
	}
	return imp.flushEnterprises(ctx, &b)
}

func (imp *importer) enterprise(known map[string]storedFirm, b *entBatch, e plan.Enterprise, o plan.Origin) (outcome, []plan.RowProblem, error) {
	e.USCC = cleanCode(e.USCC)
	if p := required("统一社会信用代码", e.USCC); p != nil {
		return 0, p, nil
	}
	st, found := known[e.USCC]
	if found && st.batch == imp.batch && !st.stub {
		return 0, imp.duplicate(st.stored, "统一社会信用代码", e.USCC), nil
	}
	var old plan.Enterprise
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode enterprise %s", e.USCC)
		}
	}
	m := mergeEnterprise(old, e)
	var probs []plan.RowProblem
	probs = append(probs, required("企业名称", m.Name)...)
	for _, y := range e.Years {
		if y.Year < 1900 || y.Year > 9999 {
			probs = append(probs, plan.RowProblem{Column: "年度", Message: fmt.Sprintf("“%d”不是年份", y.Year)})
		}
	}
	for _, ms := range e.Memberships {
		if ms.List == "" {
			probs = append(probs, plan.RowProblem{Column: "名单", Message: "不能为空"})
		}
		probs = append(probs, dateProblems(ms.List+"入库日期", ms.Entered, ms.List+"出库日期", ms.Left)...)
	}
	if len(probs) > 0 {
		return 0, probs, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	known[e.USCC] = storedFirm{imp.listed(st.stored, rec, o), false}
	if found && !st.stub && rec == st.record {
		b.touches = append(b.touches, []any{st.id, o.Sheet, int64(o.Row)})
		return outUnchanged, nil, nil
	}
	imp.putEnterprise(b, st.id, m, rec, false, o)
	if found && !st.stub {
		return outUpdated, nil, nil
	}
	return outNew, nil, nil
}

// putEnterprise queues an enterprise, attributed.
func (imp *importer) putEnterprise(b *entBatch, id int64, e plan.Enterprise, rec string, stub bool, o plan.Origin) {
	unit, source := imp.enterpriseUnit(e.USCC, e.Area, e.Address)
	b.put(&entWrite{id: id, e: e, rec: rec, stub: stub, unit: unit, source: source, origin: o})
}

// flushEnterprises writes the queued enterprises with their names, years
// and memberships, and marks them for re-attribution of their records.
func (imp *importer) flushEnterprises(ctx context.Context, b *entBatch) error {
	if err := imp.touchStaged(ctx, "enterprises", b.touches); err != nil {
		return err
	}
	if len(b.order) == 0 {
		return nil
	}
	var ins, upd, names, years, members, pending [][]any
	for _, w := range b.order {
		e := w.e
		row := []any{e.USCC, e.Name, e.Address, e.Area, e.Industry, e.RDInstitute, e.RDKind, e.RDLevel, stagedID(w.unit), string(w.source), w.stub,
			w.rec, imp.batch, w.origin.Sheet, int64(w.origin.Row)}
		if w.id == 0 {
			ins = append(ins, row)
		} else {
			upd = append(upd, append([]any{w.id}, row[1:]...))
		}
		names = append(names, []any{e.USCC, e.Name, false})
		for _, n := range e.FormerNames {
			names = append(names, []any{e.USCC, n, true})
		}
		for _, y := range e.Years {
			years = append(years, []any{e.USCC, int64(y.Year), stagedMicros(y.Revenue), stagedMicros(y.RD)})
		}
		for _, m := range e.Memberships {
			members = append(members, []any{e.USCC, m.List, m.Entered, m.Left})
		}
		pending = append(pending, []any{"enterprise", e.USCC})
	}
	if err := imp.insertStaged(ctx, "enterprises", enterpriseCols, ins); err != nil {
		return err
	}
	updCols := append([]stageCol{{"id", colInt}}, enterpriseCols[1:]...)
	if err := imp.updateStaged(ctx, "enterprises", updCols, upd); err != nil {
		return err
	}
	if len(upd) > 0 {
		st := imp.stages["upd_enterprises"]
		for _, t := range []string{"enterprise_names", "enterprise_years", "memberships"} {
			if _, err := imp.tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE enterprise_id IN (SELECT id FROM `+st.name+`)`); err != nil {
				return wrap(err, "replace the details of updated enterprises")
			}
		}
	}
	for _, c := range []struct {
		table, cols string
		stage       []stageCol
		rows        [][]any
	}{
		{"enterprise_names", "name, former", []stageCol{{"uscc", colText}, {"name", colText}, {"former", colBool}}, names},
		{"enterprise_years", "year, revenue, rd", []stageCol{{"uscc", colText}, {"year", colInt}, {"revenue", colInt}, {"rd", colInt}}, years},
		{"memberships", "list, entered, left_on", []stageCol{{"uscc", colText}, {"list", colText}, {"entered", colText}, {"left_on", colText}}, members},
	} {
		if len(c.rows) == 0 {
			continue
		}
		sel := "s." + strings.ReplaceAll(c.cols, ", ", ", s.")
		if err := imp.staged(ctx, c.table, c.stage, c.rows, `INSERT INTO `+c.table+` (enterprise_id, `+c.cols+`)
			SELECT e.id, `+sel+` FROM {stage} s CROSS JOIN enterprises e WHERE e.org_id = $1 AND e.uscc = s.uscc`, imp.org); err != nil {
			return err
		}
	}
	if imp.noRecords {
		return nil
	}
	imp.enterprisesChanged = true
	return imp.pendingStaged(ctx, pending)
}

// mergeEnterprise fills and changes the stored enterprise with what the
// list gives; a changed name keeps the old one as a former name.
func mergeEnterprise(old, e plan.Enterprise) plan.Enterprise {
	m := old
	m.USCC = e.USCC
	e.Name = strings.TrimSpace(e.Name)
	if e.Name != "" && old.Name != "" && e.Name != old.Name {
		m.FormerNames = append(m.FormerNames, old.Name)
	}
	m.Name = pick(e.Name, old.Name)
	m.FormerNames = append(m.FormerNames, e.FormerNames...)
	m.Address = pick(strings.TrimSpace(e.Address), old.Address)
	m.Area = pick(strings.TrimSpace(e.Area), old.Area)
	m.Industry = pick(strings.TrimSpace(e.Industry), old.Industry)
	if e.RDInstitute || e.RDKind != "" || e.RDLevel != "" {
		m.RDInstitute = true
		m.RDKind, m.RDLevel = pick(e.RDKind, old.RDKind), pick(e.RDLevel, old.RDLevel)
	}
	years := map[int]plan.EnterpriseYear{}
	for _, y := range old.Years {
		years[y.Year] = y
	}
	for _, y := range e.Years {
		o := years[y.Year]
		years[y.Year] = plan.EnterpriseYear{Year: y.Year, Revenue: pickDecimal(y.Revenue, o.Revenue), RD: pickDecimal(y.RD, o.RD)}
	}
	m.Years = nil
	for _, y := range years {
		m.Years = append(m.Years, y)
	}
	sort.Slice(m.Years, func(i, j int) bool { return m.Years[i].Year < m.Years[j].Year })
	type mk struct{ list, entered string }
	members := map[mk]plan.Membership{}
	for _, ms := range old.Memberships {
		members[mk{ms.List, ms.Entered}] = ms
	}
	for _, ms := range e.Memberships {
		k := mk{strings.TrimSpace(ms.List), ms.Entered}
		members[k] = plan.Membership{List: k.list, Entered: k.entered, Left: pick(ms.Left, members[k].Left)}
	}
	m.Memberships = nil
	for _, ms := range members {
		m.Memberships = append(m.Memberships, ms)
	}
	sort.Slice(m.Memberships, func(i, j int) bool {
		a, b := m.Memberships[i], m.Memberships[j]
		return a.List < b.List || a.List == b.List && a.Entered < b.Entered
	})
	var former []string
	for _, n := range m.FormerNames {
		if n = strings.TrimSpace(n); n != "" && n != m.Name && !slices.Contains(former, n) {
			former = append(former, n)
		}
	}
	sort.Strings(former)
	m.FormerNames = former
	m.Origin = plan.Origin{}
	return m
}

// ensureEnterprise adds a firm a 科技型中小企业 or 高新技术企业 list names to
// the 企业库 as a stub, or refreshes the stub; a firm the 企业库 lists is
// left as it is.
func (imp *importer) ensureEnterprise(known map[string]storedFirm, b *entBatch, uscc, name, area string, o plan.Origin) error {
	if uscc == "" {
		return nil
	}
	st, found := known[uscc]
	if found && !st.stub {
		return nil
	}
	var old plan.Enterprise
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return wrap(err, "decode enterprise %s", uscc)
		}
	}
	m := mergeEnterprise(old, plan.Enterprise{USCC: uscc, Name: name, Area: area})
	if m.Name == "" {
		m.Name = uscc
	}
	rec, err := canonical(m)
	if err != nil || (found && rec == st.record) {
		return err
	}
	known[uscc] = storedFirm{imp.listed(st.stored, rec, o), true}
	imp.putEnterprise(b, st.id, m, rec, true, o)
	return nil
}

// firmRecords are the SME records or certificates of a batch: the writes
// queued and the firms whose spans change.
type firmRecords struct {
	ins, upd, touches, pending [][]any
}

// SME records.

type smeKey struct {
	key  string // USCC, or 入库登记编号 without one
	year int
}

type storedSME struct {
	stored
	year    int
	firmKey string
}

var smeCols = []stageCol{{"uscc", colText}, {"name", colText}, {"year", colInt}, {"reg_no", colText}, {"batch_label", colText},
	{"entered", colText}, {"revoked", colText}, {"area", colText}, {"firm_key", colText}, {"own_unit_id", colInt},
	{"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

func (imp *importer) smes(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	var keys [][]any
	usccs := map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) > 0 {
			continue
		}
		r := row.Record.(*plan.SMERecord)
		switch u, no := cleanCode(r.USCC), strings.TrimSpace(r.RegNo); {
		case u != "":
			keys = append(keys, []any{u, int64(r.Year)})
			usccs[u] = true
		case no != "":
			keys = append(keys, []any{no, int64(0)})
		}
	}
	known := map[smeKey]storedSME{}
	err := imp.fetch(ctx, "keys2", []stageCol{{"k", colText}, {"y", colInt}}, keys, `
		SELECT t.uscc, t.reg_no, t.year, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.firm_key
		FROM {stage} k CROSS JOIN smes t WHERE t.org_id = $1 AND t.uscc = k.k AND t.year = k.y AND t.uscc <> '' AND k.y <> 0
		UNION ALL
		SELECT t.uscc, t.reg_no, t.year, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.firm_key
		FROM {stage} k CROSS JOIN smes t WHERE t.org_id = $1 AND t.uscc = '' AND t.reg_no = k.k AND k.y = 0`, func(r *sql.Rows) error {
		var uscc, regNo string
		var s storedSME
		if err := r.Scan(&uscc, &regNo, &s.year, &s.id, &s.record, &s.batch, &s.sheet, &s.row, &s.firmKey); err != nil {
			return err
		}
		if uscc != "" {
			known[smeKey{uscc, s.year}] = s
		} else {
			known[smeKey{regNo, 0}] = s
		}
		return nil
	})
	if err != nil {
		return err
	}
	firms, err := imp.fetchEnterprises(ctx, usccs)
	if err != nil {
		return err
	}
	var eb entBatch
	var w firmRecords
	err = imp.eachValid(res, rows, func(row plan.RegisterRow) (outcome, []plan.RowProblem, error) {
		return imp.sme(known, firms, &eb, &w, *row.Record.(*plan.SMERecord), row.Origin)
	})
	if err != nil {
		return err
	}
	return imp.flushFirmRecords(ctx, &eb, &w, "smes", smeCols)
}

func (imp *importer) sme(known map[smeKey]storedSME, firms map[string]storedFirm, eb *entBatch, w *firmRecords, r plan.SMERecord, o plan.Origin) (outcome, []plan.RowProblem, error) {
	r.USCC, r.RegNo, r.Name = cleanCode(r.USCC), strings.TrimSpace(r.RegNo), strings.TrimSpace(r.Name)
	if r.Year < 1900 || r.Year > 9999 {
		return 0, []plan.RowProblem{{Column: "年度", Message: "缺少年度（入库日期或年度列）"}}, nil
	}
	var (
		k           smeKey
		keyCol, key string
	)
	switch {
	case r.USCC != "":
		keyCol, key, k = "统一社会信用代码", r.USCC, smeKey{r.USCC, r.Year}
	case r.RegNo != "":
		keyCol, key, k = "入库登记编号", r.RegNo, smeKey{r.RegNo, 0}
	default:
		return 0, []plan.RowProblem{{Column: "统一社会信用代码", Message: "统一社会信用代码和入库登记编号不能都为空"}}, nil
	}
	st, found := known[k]
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st.stored, keyCol, key), nil
	}
	var old plan.SMERecord
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode SME record %s", key)
		}
	}
	m := plan.SMERecord{
		USCC: r.USCC, Year: r.Year, Name: pick(r.Name, old.Name), RegNo: pick(r.RegNo, old.RegNo), Batch: pick(strings.TrimSpace(r.Batch), old.Batch),
		Date: pick(r.Date, old.Date), Revoked: pick(r.Revoked, old.Revoked), Area: pick(strings.TrimSpace(r.Area), old.Area),
	}
	if p := dateProblems("入库日期", r.Date, "撤销日期", r.Revoked); p != nil {
		return 0, p, nil
	}
	if m.Name == "" && m.USCC == "" {
		return 0, required("企业名称", m.Name), nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if err := imp.ensureEnterprise(firms, eb, m.USCC, m.Name, m.Area, o); err != nil {
		return 0, nil, err
	}
	firmKey := plan.FirmKey(m.USCC, m.Name)
	known[k] = storedSME{imp.listed(st.stored, rec, o), m.Year, firmKey}
	if found && rec == st.record {
		w.touches = append(w.touches, []any{st.id, o.Sheet, int64(o.Row)})
		return outUnchanged, nil, nil
	}
	row := []any{m.USCC, m.Name, int64(m.Year), m.RegNo, m.Batch, m.Date, m.Revoked, m.Area, firmKey, stagedID(imp.ownUnit(m.USCC, m.Name, m.Area)),
		rec, imp.batch, o.Sheet, int64(o.Row)}
	w.pending = append(w.pending, []any{metricSME(m.Year), firmKey})
	if !found {
		w.ins = append(w.ins, row)
		return outNew, nil, nil
	}
	if st.year != m.Year || st.firmKey != firmKey {
		w.pending = append(w.pending, []any{metricSME(st.year), st.firmKey})
	}
	w.upd = append(w.upd, append([]any{st.id}, row...))
	return outUpdated, nil, nil
}

// flushFirmRecords writes a batch of SME records or certificates after the
// stubs they added. Each is linked to the enterprise of its USCC as it is
// written; by name, when its import ends (linkPendingFirms).
func (imp *importer) flushFirmRecords(ctx context.Context, eb *entBatch, w *firmRecords, table string, cols []stageCol) error {
	if err := imp.flushEnterprises(ctx, eb); err != nil {
		return err
	}
	if err := imp.touchStaged(ctx, table, w.touches); err != nil {
		return err
	}
	link := `(SELECT e.id FROM enterprises e WHERE e.org_id = $1 AND e.uscc = s.uscc AND s.uscc <> '')`
	unit := `COALESCE((SELECT e.unit_id FROM enterprises e WHERE e.org_id = $1 AND e.uscc = s.uscc AND s.uscc <> ''), s.own_unit_id)`
	if len(w.ins) > 0 {
		n := names(cols)
		if err := imp.staged(ctx, "ins_"+table, cols, w.ins, `INSERT INTO `+table+` (org_id, `+n+`, enterprise_id, unit_id)
			SELECT CAST($1 AS BIGINT), s.`+strings.ReplaceAll(n, ", ", ", s.")+`, `+link+`, `+unit+` FROM {stage} s`, imp.org); err != nil {
			return err
		}
	}
	if len(w.upd) > 0 {
		var set []string
		for _, c := range cols {
			set = append(set, c.name+" = s."+c.name)
		}
		if err := imp.staged(ctx, "upd_"+table, append([]stageCol{{"id", colInt}}, cols...), w.upd, `UPDATE `+table+` SET `+strings.Join(set, ", ")+`,
			enterprise_id = `+link+`, unit_id = `+unit+` FROM {stage} s WHERE `+table+`.id = s.id`, imp.org); err != nil {
			return err
		}
	}
	return imp.pendingStaged(ctx, w.pending)
}

// Certificates.

type storedCert struct {
	stored
	firmKey string
}

var certCols = []stageCol{{"cert_no", colText}, {"uscc", colText}, {"name", colText}, {"issued", colText}, {"expires", colText},
	{"cancelled", colText}, {"area", colText}, {"firm_key", colText}, {"own_unit_id", colInt},
	{"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

func (imp *importer) certs(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	keys, usccs := map[string]bool{}, map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) > 0 {
			continue
		}
		c := row.Record.(*plan.HighTechCert)
		if no := cleanCode(c.CertNo); no != "" {
			keys[no] = true
		}
		if u := cleanCode(c.USCC); u != "" {
			usccs[u] = true
		}
	}
	known := map[string]storedCert{}
	err := imp.fetch(ctx, "keys", keyCols, keyRows(keys), `
		SELECT t.cert_no, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.firm_key FROM {stage} k CROSS JOIN hightech_certs t WHERE t.org_id = $1 AND t.cert_no = k.k`, func(r *sql.Rows) error {
		var no string
		var c storedCert
		if err := r.Scan(&no, &c.id, &c.record, &c.batch, &c.sheet, &c.row, &c.firmKey); err != nil {
			return err
		}
		known[no] = c
		return nil
	})
	if err != nil {
		return err
	}
	// A certificate may name an enterprise by its stored USCC only (a 取消
	// list): fetch those too.
	for _, c := range known {
		var old plan.HighTechCert
		if json.Unmarshal([]byte(c.record), &old) == nil && old.USCC != "" {
			usccs[old.USCC] = true
		}
	}
	firms, err := imp.fetchEnterprises(ctx, usccs)
	if err != nil {
		return err
	}
	var eb entBatch
	var w firmRecords
	err = imp.eachValid(res, rows, func(row plan.RegisterRow) (outcome, []plan.RowProblem, error) {
		return imp.cert(known, firms, &eb, &w, *row.Record.(*plan.HighTechCert), row.Origin)
	})
	if err != nil {
		return err
	}
	return imp.flushFirmRecords(ctx, &eb, &w, "hightech_certs", certCols)
}

func (imp *importer) cert(known map[string]storedCert, firms map[string]storedFirm, eb *entBatch, w *firmRecords, c plan.HighTechCert, o plan.Origin) (outcome, []plan.RowProblem, error) {
	c.CertNo, c.USCC, c.Name = cleanCode(c.CertNo), cleanCode(c.USCC), strings.TrimSpace(c.Name)
	if p := required("证书编号", c.CertNo); p != nil {
		return 0, p, nil
	}
	st, found := known[c.CertNo]
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st.stored, "证书编号", c.CertNo), nil
	}
	var old plan.HighTechCert
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode certificate %s", c.CertNo)
		}
	}
	m := plan.HighTechCert{
		CertNo: c.CertNo, USCC: pick(c.USCC, old.USCC), Name: pick(c.Name, old.Name), Issued: pick(c.Issued, old.Issued),
		Expires: pick(c.Expires, old.Expires), Cancelled: pick(c.Cancelled, old.Cancelled), Area: pick(strings.TrimSpace(c.Area), old.Area),
	}
	if p := dateProblems("发证日期", c.Issued, "有效期至", c.Expires, "取消日期", c.Cancelled); p != nil {
		return 0, p, nil
	}
	if p := append(required("发证日期", m.Issued), required("企业名称", m.Name+m.USCC)...); len(p) > 0 {
		return 0, p, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if err := imp.ensureEnterprise(firms, eb, m.USCC, m.Name, m.Area, o); err != nil {
		return 0, nil, err
	}
	firmKey := plan.FirmKey(m.USCC, m.Name)
	known[c.CertNo] = storedCert{imp.listed(st.stored, rec, o), firmKey}
	if found && rec == st.record {
		w.touches = append(w.touches, []any{st.id, o.Sheet, int64(o.Row)})
		return outUnchanged, nil, nil
	}
	row := []any{m.CertNo, m.USCC, m.Name, m.Issued, m.ExpiresOn(), m.Cancelled, m.Area, firmKey, stagedID(imp.ownUnit(m.USCC, m.Name, m.Area)),
		rec, imp.batch, o.Sheet, int64(o.Row)}
	w.pending = append(w.pending, []any{metricHighTech, firmKey})
	if !found {
		w.ins = append(w.ins, row)
		return outNew, nil, nil
	}
	if st.firmKey != firmKey {
		w.pending = append(w.pending, []any{metricHighTech, st.firmKey})
	}
	w.upd = append(w.upd, append([]any{st.id}, row...))
	return outUpdated, nil, nil
}

// Contracts.

type storedContract struct {
	stored
	tally contractTally
}

var contractCols = []stageCol{{"reg_no", colText}, {"project", colText}, {"type", colText},
	{"seller_name", colText}, {"seller_uscc", colText}, {"seller_area", colText}, {"seller_area_local", colBool},
	{"seller_enterprise_id", colInt}, {"seller_own_unit_id", colInt}, {"seller_unit_id", colInt},
	{"buyer_name", colText}, {"buyer_uscc", colText}, {"buyer_area", colText}, {"buyer_area_local", colBool},
	{"buyer_enterprise_id", colInt}, {"buyer_own_unit_id", colInt}, {"buyer_unit_id", colInt},
	{"amount_fen", colInt}, {"tech_amount_fen", colInt}, {"registered", colText},
	{"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

func mergeParty(old, p plan.ContractParty) plan.ContractParty {
	return plan.ContractParty{Name: pick(strings.TrimSpace(p.Name), old.Name), USCC: pick(cleanCode(p.USCC), old.USCC), Area: pick(strings.TrimSpace(p.Area), old.Area)}
}

func (imp *importer) contracts(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	keys := map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) == 0 {
			if no := cleanCode(row.Record.(*plan.Contract).RegNo); no != "" {
				keys[no] = true
			}
		}
	}
	known := map[string]storedContract{}
	err := imp.fetch(ctx, "keys", keyCols, keyRows(keys), `
		SELECT t.reg_no, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.registered, t.amount_fen, COALESCE(t.tech_amount_fen, 0),
		       COALESCE(t.seller_unit_id, 0), COALESCE(t.seller_enterprise_id, 0), t.seller_area_local,
		       COALESCE(t.buyer_unit_id, 0), COALESCE(t.buyer_enterprise_id, 0), t.buyer_area_local
		FROM {stage} k CROSS JOIN contracts t WHERE t.org_id = $1 AND t.reg_no = k.k`, func(r *sql.Rows) error {
		var no string
		var c storedContract
		if err := r.Scan(&no, &c.id, &c.record, &c.batch, &c.sheet, &c.row, &c.tally.registered, &c.tally.amount, &c.tally.tech,
			&c.tally.seller.unit, &c.tally.seller.enterprise, &c.tally.seller.local, &c.tally.buyer.unit, &c.tally.buyer.enterprise, &c.tally.buyer.local); err != nil {
			return err
		}
		known[no] = c
		return nil
	})
	if err != nil {
		return err
	}
	// The parties, merged as they will be, name the enterprises to fetch.
	usccs, pnames := map[string]bool{}, map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) > 0 {
			continue
		}
		c := row.Record.(*plan.Contract)
		var old plan.Contract
		if st, ok := known[cleanCode(c.RegNo)]; ok {
			json.Unmarshal([]byte(st.record), &old)
		}
		for _, p := range []plan.ContractParty{mergeParty(old.Seller, c.Seller), mergeParty(old.Buyer, c.Buyer)} {
			addParty(usccs, pnames, p.USCC, p.Name)
		}
	}
	firms, err := imp.fetchFirms(ctx, usccs, pnames)
	if err != nil {
		return err
	}
	w, err := imp.sorted(res, rows, func(row plan.RegisterRow) (outcome, []any, []plan.RowProblem, error) {
		return imp.contract(known, firms, *row.Record.(*plan.Contract), row.Origin)
	})
	if err != nil {
		return err
	}
	if err := imp.writeRows(ctx, "contracts", contractCols, w); err != nil {
		return err
	}
	return imp.flushTalliesIfFull(ctx)
}

// contract returns the values to write: the columns of a new contract, id
// and columns of an updated one, or id, sheet and row of an unchanged one.
func (imp *importer) contract(known map[string]storedContract, firms firmIndex, c plan.Contract, o plan.Origin) (outcome, []any, []plan.RowProblem, error) {
	c.RegNo = cleanCode(c.RegNo)
	if p := required("合同登记号", c.RegNo); p != nil {
		return 0, nil, p, nil
	}
	st, found := known[c.RegNo]
	if found && st.batch == imp.batch {
		return 0, nil, imp.duplicate(st.stored, "合同登记号", c.RegNo), nil
	}
	var old plan.Contract
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, nil, wrap(err, "decode contract %s", c.RegNo)
		}
	}
	m := plan.Contract{
		RegNo: c.RegNo, Project: pick(strings.TrimSpace(c.Project), old.Project), Seller: mergeParty(old.Seller, c.Seller), Buyer: mergeParty(old.Buyer, c.Buyer),
		Type: pick(strings.TrimSpace(c.Type), old.Type), Amount: c.Amount, TechAmount: pickDecimal(c.TechAmount, old.TechAmount), Registered: pick(c.Registered, old.Registered),
	}
	probs := dateProblems("登记日期", c.Registered)
	probs = append(probs, required("登记日期", m.Registered)...)
	if m.Amount.Sign() < 0 {
		probs = append(probs, plan.RowProblem{Column: "成交额", Message: "不能为负数"})
	}
	if m.TechAmount != nil && m.TechAmount.Sign() < 0 {
		probs = append(probs, plan.RowProblem{Column: "技术交易额", Message: "不能为负数"})
	}
	if len(probs) > 0 {
		return 0, nil, probs, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, nil, err
	}
	known[c.RegNo] = storedContract{imp.listed(st.stored, rec, o), st.tally}
	if found && rec == st.record {
		return outUnchanged, []any{st.id, o.Sheet, int64(o.Row)}, nil, nil
	}
	party := func(p plan.ContractParty, seller bool) (partyTally, []any) {
		own := imp.ownUnit(p.USCC, p.Name, p.Area)
		f, linked := firms.link(p.USCC, p.Name)
		t := partyTally{unit: unitOf(f, linked, own), enterprise: f.id, local: imp.areaLocal(p.Area, seller)}
		return t, []any{p.Name, p.USCC, p.Area, t.local, stagedID(t.enterprise), stagedID(own), stagedID(t.unit)}
	}
	t := contractTally{registered: m.Registered, amount: m.Amount.Micros()}
	if m.TechAmount != nil {
		t.tech = m.TechAmount.Micros()
	}
	var seller, buyer []any
	t.seller, seller = party(m.Seller, true)
	t.buyer, buyer = party(m.Buyer, false)
	values := []any{m.RegNo, m.Project, m.Type}
	values = append(values, seller...)
	values = append(values, buyer...)
	values = append(values, m.Amount.Micros(), stagedMicros(m.TechAmount), m.Registered, rec, imp.batch, o.Sheet, int64(o.Row))
	imp.deltas.contract(t, 1)
	if !found {
		return outNew, values, nil, nil
	}
	imp.deltas.contract(st.tally, -1)
	return outUpdated, append([]any{st.id}, values...), nil, nil
}

// flushTalliesIfFull writes the gathered tally changes when they are many.
func (imp *importer) flushTalliesIfFull(ctx context.Context) error {
	if len(imp.deltas) < maxTallyDeltas {
		return nil
	}
	return imp.flushTallies(ctx)
}

// Patents.

type storedPatent struct {
	stored
	tally patentTally
}

var patentCols = []stageCol{{"number", colText}, {"title", colText}, {"type", colText}, {"granted", colText}, {"lapsed", colText},
	{"status", colText}, {"status_lapsed", colBool}, {"attributed", colBool}, {"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

// holderCols are a holder's columns. patent writes the patent's number as
// its patent_id, which writePatents replaces by the patent's id.
var holderCols = []stageCol{{"patent_id", colInt}, {"position", colInt}, {"name", colText}, {"uscc", colText}, {"domestic", colBool},
	{"enterprise_id", colInt}, {"own_unit_id", colInt}, {"unit_id", colInt}}

func (imp *importer) patents(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	keys := map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) == 0 {
			if no := cleanCode(row.Record.(*plan.Patent).Number); no != "" {
				keys[no] = true
			}
		}
	}
	known := map[string]*storedPatent{}
	byID := map[int64]*storedPatent{}
	err := imp.fetch(ctx, "keys", keyCols, keyRows(keys), `
		SELECT t.number, t.id, t.record, t.batch_id, t.sheet, t.row_no, t.type, t.granted, t.lapsed, t.status_lapsed
		FROM {stage} k CROSS JOIN patents t WHERE t.org_id = $1 AND t.number = k.k`, func(r *sql.Rows) error {
		var no string
		p := &storedPatent{}
		if err := r.Scan(&no, &p.id, &p.record, &p.batch, &p.sheet, &p.row, &p.tally.typ, &p.tally.granted, &p.tally.lapsed, &p.tally.statusLapsed); err != nil {
			return err
		}
		known[no], byID[p.id] = p, p
		return nil
	})
	if err != nil {
		return err
	}
	if len(byID) > 0 {
		err = imp.fetch(ctx, "keys", keyCols, keyRows(keys), `
			SELECT h.patent_id, h.domestic, COALESCE(h.unit_id, 0) FROM {stage} k CROSS JOIN patents t
			CROSS JOIN patent_holders h WHERE t.org_id = $1 AND t.number = k.k AND h.patent_id = t.id ORDER BY h.patent_id, h.position`, func(r *sql.Rows) error {
			var id int64
			var h holderTally
			if err := r.Scan(&id, &h.domestic, &h.unit); err != nil {
				return err
			}
			byID[id].tally.holders = append(byID[id].tally.holders, h)
			return nil
		})
		if err != nil {
			return err
		}
	}
	usccs, hnames := map[string]bool{}, map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) > 0 {
			continue
		}
		p := row.Record.(*plan.Patent)
		holders := p.Holders
		if len(holders) == 0 {
			if st := known[cleanCode(p.Number)]; st != nil {
				var old plan.Patent
				json.Unmarshal([]byte(st.record), &old)
				holders = old.Holders
			}
		}
		for _, h := range holders {
			addParty(usccs, hnames, cleanCode(h.USCC), strings.TrimSpace(h.Name))
		}
	}
	firms, err := imp.fetchFirms(ctx, usccs, hnames)
	if err != nil {
		return err
	}
	var holders [][]any
	w, err := imp.sorted(res, rows, func(row plan.RegisterRow) (outcome, []any, []plan.RowProblem, error) {
		out, values, hs, probs, err := imp.patent(known, firms, *row.Record.(*plan.Patent), row.Origin)
		if len(probs) == 0 && (out == outNew || out == outUpdated) {
			holders = append(holders, hs...)
		}
		return out, values, probs, err
	})
	if err != nil {
		return err
	}
	if err := imp.writePatents(ctx, w, holders); err != nil {
		return err
	}
	return imp.flushTalliesIfFull(ctx)
}

// writePatents writes a batch's patents and their holders (numbers
// first). The new patents get their ids first, so that their holders are
// inserted beside them instead of joined to them by number.
func (imp *importer) writePatents(ctx context.Context, w writes, holders [][]any) error {
	ids, err := imp.newIDs(ctx, "patents", len(w.ins))
	if err != nil {
		return err
	}
	byNumber := make(map[string]int64, len(w.ins)+len(w.upd))
	for i, v := range w.ins {
		byNumber[v[0].(string)] = ids[i]
		w.ins[i] = append([]any{ids[i]}, v...)
	}
	for _, v := range w.upd {
		byNumber[v[1].(string)] = v[0].(int64)
	}
	if err := imp.insertStaged(ctx, "patents", append([]stageCol{{"id", colInt}}, patentCols...), w.ins); err != nil {
		return err
	}
	w.ins = nil
	if err := imp.writeRows(ctx, "patents", patentCols, w); err != nil {
		return err
	}
	if len(w.upd) > 0 {
		if _, err := imp.tx.ExecContext(ctx, `DELETE FROM patent_holders WHERE patent_id IN (SELECT id FROM `+imp.stages["upd_patents"].name+`)`); err != nil {
			return wrap(err, "replace the holders of updated patents")
		}
	}
	if len(holders) == 0 {
		return nil
	}
	for _, h := range holders {
		h[0] = byNumber[h[0].(string)]
	}
	return imp.insertRows(ctx, "patent_holders", false, holderCols, holders)
}

// newIDs returns n ids for new rows of table. On SQLite they follow the
// largest: the import's transaction is the only writer. On PostgreSQL
// they come from the sequence of the table's id.
func (imp *importer) newIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if imp.s.dialect == SQLite {
		var last int64
		if err := imp.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, wrap(err, "find the last id of %s", table)
		}
		for i := range n {
			ids = append(ids, last+1+int64(i))
		}
		return ids, nil
	}
	// OFFSET 0 keeps the sequence looked up once, not once a row (×8).
	err := eachRow(ctx, imp.tx, `SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence($1, 'id')::regclass AS seq OFFSET 0) q, generate_series(1, $2)`, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, table, n)
	return ids, wrap(err, "take %d ids for %s", n, table)
}

// patent returns the values to write, as contract does, and the holders'.
func (imp *importer) patent(known map[string]*storedPatent, firms firmIndex, p plan.Patent, o plan.Origin) (outcome, []any, [][]any, []plan.RowProblem, error) {
	p.Number = cleanCode(p.Number)
	if pr := required("专利号", p.Number); pr != nil {
		return 0, nil, nil, pr, nil
	}
	st, found := known[p.Number]
	if !found {
		st = &storedPatent{}
	}
	if found && st.batch == imp.batch {
		return 0, nil, nil, imp.duplicate(st.stored, "专利号", p.Number), nil
	}
	var old plan.Patent
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, nil, nil, wrap(err, "decode patent %s", p.Number)
		}
	}
	m := plan.Patent{
		Number: p.Number, Title: pick(strings.TrimSpace(p.Title), old.Title), Type: pick(strings.TrimSpace(p.Type), old.Type),
		Granted: pick(p.Granted, old.Granted), Lapsed: pick(p.Lapsed, old.Lapsed), Status: pick(strings.TrimSpace(p.Status), old.Status), Holders: old.Holders,
	}
	if len(p.Holders) > 0 {
		m.Holders = nil
		for _, h := range p.Holders {
			if h.Name = strings.TrimSpace(h.Name); h.Name != "" {
				m.Holders = append(m.Holders, plan.PatentHolder{Name: h.Name, USCC: cleanCode(h.USCC), Domestic: h.Domestic})
			}
		}
	}
	probs := dateProblems("授权公告日", p.Granted, "失效日期", p.Lapsed)
	probs = append(probs, required("授权公告日", m.Granted)...)
	probs = append(probs, required("专利类型", m.Type)...)
	if len(m.Holders) == 0 {
		probs = append(probs, required("专利权人", "")...)
	}
	if len(probs) > 0 {
		return 0, nil, nil, probs, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	oldTally := st.tally
	known[p.Number] = &storedPatent{imp.listed(st.stored, rec, o), oldTally}
	if found && rec == st.record {
		return outUnchanged, []any{st.id, o.Sheet, int64(o.Row)}, nil, nil, nil
	}
	t := patentTally{typ: m.Type, granted: m.Granted, lapsed: m.Lapsed, statusLapsed: plan.PatentStatusLapsed(m.Status)}
	var holders [][]any
	attributed := false
	for i, h := range m.Holders {
		own := imp.ownUnit(h.USCC, h.Name, "")
		f, linked := firms.link(h.USCC, h.Name)
		unit := unitOf(f, linked, own)
		attributed = attributed || unit != 0
		t.holders = append(t.holders, holderTally{unit: unit, domestic: h.Domestic})
		holders = append(holders, []any{m.Number, int64(i), h.Name, h.USCC, h.Domestic, stagedID(f.id), stagedID(own), stagedID(unit)})
	}
	values := []any{m.Number, m.Title, m.Type, m.Granted, m.Lapsed, m.Status, t.statusLapsed, attributed, rec, imp.batch, o.Sheet, int64(o.Row)}
	imp.deltas.patent(t, 1)
	if !found {
		return outNew, values, holders, nil, nil
	}
	imp.deltas.patent(oldTally, -1)
	return outUpdated, append([]any{st.id}, values...), holders, nil, nil
}

// Platforms.

var platformCols = []stageCol{{"name", colText}, {"kind", colText}, {"level", colText}, {"mode", colText}, {"decided", colText},
	{"host_uscc", colText}, {"host_name", colText}, {"area", colText}, {"enterprise_id", colInt}, {"own_unit_id", colInt}, {"unit_id", colInt},
	{"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

type platformKey struct{ name, kind, level string }

func (imp *importer) platforms(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	var keys [][]any
	for _, row := range rows {
		if len(row.Problems) == 0 {
			p := row.Record.(*plan.Platform)
			keys = append(keys, []any{strings.TrimSpace(p.Name), strings.TrimSpace(p.Kind), strings.TrimSpace(p.Level)})
		}
	}
	known := map[platformKey]stored{}
	err := imp.fetch(ctx, "keys3", []stageCol{{"a", colText}, {"b", colText}, {"c", colText}}, keys, `
		SELECT t.name, t.kind, t.level, t.id, t.record, t.batch_id, t.sheet, t.row_no
		FROM {stage} k CROSS JOIN platforms t WHERE t.org_id = $1 AND t.name = k.a AND t.kind = k.b AND t.level = k.c`, func(r *sql.Rows) error {
		var k platformKey
		var st stored
		if err := r.Scan(&k.name, &k.kind, &k.level, &st.id, &st.record, &st.batch, &st.sheet, &st.row); err != nil {
			return err
		}
		known[k] = st
		return nil
	})
	if err != nil {
		return err
	}
	usccs, hnames := map[string]bool{}, map[string]bool{}
	for _, row := range rows {
		if len(row.Problems) > 0 {
			continue
		}
		p := row.Record.(*plan.Platform)
		var old plan.Platform
		if st, ok := known[platformKey{strings.TrimSpace(p.Name), strings.TrimSpace(p.Kind), strings.TrimSpace(p.Level)}]; ok {
			json.Unmarshal([]byte(st.record), &old)
		}
		addParty(usccs, hnames, pick(cleanCode(p.HostUSCC), old.HostUSCC), pick(strings.TrimSpace(p.HostName), old.HostName))
	}
	firms, err := imp.fetchFirms(ctx, usccs, hnames)
	if err != nil {
		return err
	}
	w, err := imp.sorted(res, rows, func(row plan.RegisterRow) (outcome, []any, []plan.RowProblem, error) {
		return imp.platform(known, firms, *row.Record.(*plan.Platform), row.Origin)
	})
	if err != nil {
		return err
	}
	return imp.writeRows(ctx, "platforms", platformCols, w)
}

func (imp *importer) platform(known map[platformKey]stored, firms firmIndex, p plan.Platform, o plan.Origin) (outcome, []any, []plan.RowProblem, error) {
	p.Name, p.Kind, p.Level = strings.TrimSpace(p.Name), strings.TrimSpace(p.Kind), strings.TrimSpace(p.Level)
	probs := required("平台名称", p.Name)
	if len(plan.LevelsFrom(p.Level)) == 0 {
		probs = append(probs, plan.RowProblem{Column: "级别", Message: fmt.Sprintf("“%s”不是区级、市级、省级或国家级", p.Level)})
	}
	if len(probs) > 0 {
		return 0, nil, probs, nil
	}
	key := p.Name + "（" + p.Kind + "，" + p.Level + "）"
	k := platformKey{p.Name, p.Kind, p.Level}
	st, found := known[k]
	if found && st.batch == imp.batch {
		return 0, nil, imp.duplicate(st, "平台名称", key), nil
	}
	var old plan.Platform
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, nil, wrap(err, "decode platform %s", key)
		}
	}
	m := plan.Platform{
		Name: p.Name, Kind: p.Kind, Level: p.Level, Mode: pick(strings.TrimSpace(p.Mode), old.Mode), Decided: pick(p.Decided, old.Decided),
		HostUSCC: pick(cleanCode(p.HostUSCC), old.HostUSCC), HostName: pick(strings.TrimSpace(p.HostName), old.HostName), Area: pick(strings.TrimSpace(p.Area), old.Area),
	}
	if pr := dateProblems("认定日期", p.Decided); pr != nil {
		return 0, nil, pr, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, nil, err
	}
	known[k] = imp.listed(st, rec, o)
	if found && rec == st.record {
		return outUnchanged, []any{st.id, o.Sheet, int64(o.Row)}, nil, nil
	}
	own := imp.ownUnit(m.HostUSCC, m.HostName, m.Area)
	f, linked := firms.link(m.HostUSCC, m.HostName)
	values := []any{m.Name, m.Kind, m.Level, m.Mode, m.Decided, m.HostUSCC, m.HostName, m.Area, stagedID(f.id), stagedID(own), stagedID(unitOf(f, linked, own)),
		rec, imp.batch, o.Sheet, int64(o.Row)}
	if !found {
		return outNew, values, nil, nil
	}
	return outUpdated, append([]any{st.id}, values...), nil, nil
}

// Statistics.

var statisticCols = []stageCol{{"area", colText}, {"unit_id", colInt}, {"indicator", colText}, {"year", colInt}, {"value", colInt},
	{"source", colText}, {"final", colBool}, {"record", colText}, {"batch_id", colInt}, {"sheet", colText}, {"row_no", colInt}}

type statKey struct {
	unit      int64
	indicator string
	year      int
}

func (imp *importer) statistics(ctx context.Context, rows []plan.RegisterRow, res *ImportResult) error {
	var keys [][]any
	for _, row := range rows {
		if len(row.Problems) == 0 {
			s := row.Record.(*plan.Statistic)
			if unit, ok := imp.statisticArea(strings.TrimSpace(s.Area)); ok {
				keys = append(keys, []any{unit, strings.TrimSpace(s.Indicator), int64(s.Year)})
			}
		}
	}
	known := map[statKey]stored{}
	err := imp.fetch(ctx, "keys_stat", []stageCol{{"u", colInt}, {"ind", colText}, {"y", colInt}}, keys, `
		SELECT COALESCE(t.unit_id, 0), t.indicator, t.year, t.id, t.record, t.batch_id, t.sheet, t.row_no
		FROM {stage} k CROSS JOIN statistics t WHERE t.org_id = $1 AND COALESCE(t.unit_id, 0) = k.u AND t.indicator = k.ind AND t.year = k.y`, func(r *sql.Rows) error {
		var k statKey
		var st stored
		if err := r.Scan(&k.unit, &k.indicator, &k.year, &st.id, &st.record, &st.batch, &st.sheet, &st.row); err != nil {
			return err
		}
		known[k] = st
		return nil
	})
	if err != nil {
		return err
	}
	w, err := imp.sorted(res, rows, func(row plan.RegisterRow) (outcome, []any, []plan.RowProblem, error) {
		return imp.statistic(known, *row.Record.(*plan.Statistic), row.Origin)
	})
	if err != nil {
		return err
	}
	return imp.writeRows(ctx, "statistics", statisticCols, w)
}

func (imp *importer) statistic(known map[statKey]stored, s plan.Statistic, o plan.Origin) (outcome, []any, []plan.RowProblem, error) {
	s.Area, s.Indicator = strings.TrimSpace(s.Area), strings.TrimSpace(s.Indicator)
	probs := required("指标", s.Indicator)
	if s.Year < 1900 || s.Year > 9999 {
		probs = append(probs, plan.RowProblem{Column: "年份", Message: "缺少年份"})
	}
	unit, ok := imp.statisticArea(s.Area)
	if !ok {
		probs = append(probs, plan.RowProblem{Column: "地区", Message: fmt.Sprintf("“%s”不是本区，也不是单位名录中的街道、镇或集聚区", s.Area)})
	}
	if len(probs) > 0 {
		return 0, nil, probs, nil
	}
	key := fmt.Sprintf("%s %s %d", pick(s.Area, "全区"), s.Indicator, s.Year)
	k := statKey{unit, s.Indicator, s.Year}
	st, found := known[k]
	if found && st.batch == imp.batch {
		return 0, nil, imp.duplicate(st, "指标", key), nil
	}
	var old plan.Statistic
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, nil, wrap(err, "decode statistic %s", key)
		}
	}
	m := plan.Statistic{Area: pick(s.Area, old.Area), Indicator: s.Indicator, Year: s.Year, Value: s.Value,
		Source: pick(strings.TrimSpace(s.Source), old.Source), Final: s.Final || old.Final}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, nil, err
	}
	known[k] = imp.listed(st, rec, o)
	if found && rec == st.record {
		return outUnchanged, []any{st.id, o.Sheet, int64(o.Row)}, nil, nil
	}
	values := []any{m.Area, stagedID(unit), m.Indicator, int64(m.Year), m.Value.Micros(), m.Source, m.Final, rec, imp.batch, o.Sheet, int64(o.Row)}
	if !found {
		return outNew, values, nil, nil
	}
	return outUpdated, append([]any{st.id}, values...), nil, nil
}

// cleanCode trims a code (USCC, number) and upper-cases its letters: lists
// type them both ways.
func cleanCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
