package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Attribution in the store (the matching rules are plan.Attributor's):
//
//   - An enterprise's unit is a staff decision for its USCC when there is
//     one (人工 wins over the lists: a firm that moved stays where staff put
//     it), else its 属地 column, else its address, else none (待归属).
//   - Any other record — an SME entry, a certificate, a contract party, a
//     patent holder, a platform's host — belongs to the unit of the
//     enterprise it names (by USCC; by exact current or former name when it
//     gives no USCC), else to a staff decision for its USCC or name, else
//     to the unit its own 属地/地区 column names, else to none.
//   - A contract party is in the area (counts in the district's total) when
//     it has a unit, is an enterprise of the 企业库, or its area names the
//     district; a seller whose area is not written counts as in the area,
//     since the district's registrations are its sellers' contracts.
//
// Each organisation attributes its own registers against its own directory,
// keywords and decisions. Directory and keyword changes and decisions
// re-attribute every record of the organisation in the same transaction
// (reattribute).

// decisions are the remembered staff decisions by USCC and by name.
type decisions struct {
	uscc, name map[string]int64
}

// unit is the decided unit for a USCC or name, 0 when none.
func (d decisions) unit(uscc, name string) int64 {
	if u := d.uscc[uscc]; uscc != "" && u != 0 {
		return u
	}
	if name != "" {
		return d.name[name]
	}
	return 0
}

// loadAttribution reads what org's records are attributed by: its
// directory, keywords and decisions.
func loadAttribution(ctx context.Context, q queryer, org int64) (*plan.Attributor, decisions, error) {
	dec := decisions{uscc: map[string]int64{}, name: map[string]int64{}}
	dir, err := loadDirectory(orgOnly(ctx, org), q)
	if err != nil {
		return nil, dec, err
	}
	keywords, err := attributionKeywords(orgOnly(ctx, org), q)
	if err != nil {
		return nil, dec, err
	}
	err = eachRow(ctx, q, `SELECT key_kind, key_value, unit_id FROM attribution_decisions WHERE org_id = $1`, func(r *sql.Rows) error {
		var kind, key string
		var unit int64
		if err := r.Scan(&kind, &key, &unit); err != nil {
			return err
		}
		if kind == "uscc" {
			dec.uscc[key] = unit
		} else {
			dec.name[key] = unit
		}
		return nil
	}, org)
	if err != nil {
		return nil, dec, wrap(err, "read attribution decisions")
	}
	return plan.NewAttributor(dir, keywords), dec, nil
}

// enterpriseUnit attributes an enterprise.
func (imp *importer) enterpriseUnit(uscc, area, address string) (int64, plan.AttributionSource) {
	return attributeEnterprise(imp.attr, imp.decisions, uscc, area, address)
}

func attributeEnterprise(a *plan.Attributor, d decisions, uscc, area, address string) (int64, plan.AttributionSource) {
	if u := d.uscc[uscc]; u != 0 {
		return u, plan.AttrManual
	}
	return a.Attribute(area, address)
}

// ownUnit is the unit a record's own columns give: a decision for its USCC
// or name, else its 属地/地区 column.
func (imp *importer) ownUnit(uscc, name, area string) int64 {
	return ownUnit(imp.attr, imp.decisions, uscc, name, area)
}

func ownUnit(a *plan.Attributor, d decisions, uscc, name, area string) int64 {
	if u := d.unit(uscc, name); u != 0 {
		return u
	}
	return a.AreaUnit(area)
}

// areaLocal reports whether a contract party's area places it in the area.
func (imp *importer) areaLocal(area string, seller bool) bool {
	return partyAreaLocal(imp.attr, area, seller)
}

func partyAreaLocal(a *plan.Attributor, area string, seller bool) bool {
	if strings.TrimSpace(area) == "" {
		return seller
	}
	return a.AreaUnit(area) != 0 || a.NamesDistrict(area)
}

// statisticArea resolves a statistic's area: a unit, or 0 for the whole
// area (written as the district, or not written); ok is false for an area
// that is neither.
func (imp *importer) statisticArea(area string) (int64, bool) {
	if strings.TrimSpace(area) == "" {
		return 0, true
	}
	if u := imp.attr.AreaUnit(area); u != 0 {
		return u, true
	}
	return 0, imp.attr.NamesDistrict(area)
}

// linked lists, per register table, the columns that name an enterprise:
// the link column, the USCC and name columns, and the derived unit columns.
var linked = []struct{ table, link, uscc, name, own, unit string }{
	{"smes", "enterprise_id", "uscc", "name", "own_unit_id", "unit_id"},
	{"hightech_certs", "enterprise_id", "uscc", "name", "own_unit_id", "unit_id"},
	{"contracts", "seller_enterprise_id", "seller_uscc", "seller_name", "seller_own_unit_id", "seller_unit_id"},
	{"contracts", "buyer_enterprise_id", "buyer_uscc", "buyer_name", "buyer_own_unit_id", "buyer_unit_id"},
	{"patent_holders", "enterprise_id", "uscc", "name", "own_unit_id", "unit_id"},
	{"platforms", "enterprise_id", "host_uscc", "host_name", "own_unit_id", "unit_id"},
}

// ofOrg is the condition that a row of table (alias r) is org $n's: patent
// holders are their patent's.
func ofOrg(table, r, n string) string {
	if table == "patent_holders" {
		return r + `.patent_id IN (SELECT x.id FROM patents x WHERE x.org_id = ` + n + `)`
	}
	return r + `.org_id = ` + n
}

// linkAndDerive links org's records to the enterprises they name and
// derives every record's unit, set-based. It touches only rows that change.
func linkAndDerive(ctx context.Context, tx *sql.Tx, org int64) error {
	for _, l := range linked {
		t := l.table
		for _, q := range []string{
			// By USCC.
			`UPDATE ` + t + ` SET ` + l.link + ` = (SELECT e.id FROM enterprises e WHERE e.org_id = $1 AND e.uscc = ` + t + `.` + l.uscc + `)
			 WHERE ` + ofOrg(t, t, "$1") + ` AND ` + l.link + ` IS NULL AND ` + l.uscc + ` <> ''
			   AND EXISTS (SELECT 1 FROM enterprises e WHERE e.org_id = $1 AND e.uscc = ` + t + `.` + l.uscc + `)`,
			// By exact name, when the record gives no USCC and the name is one enterprise's.
			`UPDATE ` + t + ` SET ` + l.link + ` = ` + linkByName(t+`.`+l.name, "$1") + `
			 WHERE ` + ofOrg(t, t, "$1") + ` AND ` + l.link + ` IS NULL AND ` + l.uscc + ` = '' AND ` + l.name + ` <> ''
			   AND ` + linkByName(t+`.`+l.name, "$1") + ` IS NOT NULL`,
			// The unit: the enterprise's, else the record's own.
			`UPDATE ` + t + ` SET ` + l.unit + ` = COALESCE((SELECT e.unit_id FROM enterprises e WHERE e.id = ` + t + `.` + l.link + `), ` + l.own + `)
			 WHERE ` + ofOrg(t, t, "$1") + ` AND ` + l.unit + ` IS DISTINCT FROM COALESCE((SELECT e.unit_id FROM enterprises e WHERE e.id = ` + t + `.` + l.link + `), ` + l.own + `)`,
		} {
			if _, err := tx.ExecContext(ctx, q, org); err != nil {
				return wrap(err, "attribute %s", t)
			}
		}
	}
	return nil
}

// reattribute recomputes, in org's registers, every enterprise's unit (but
// decisions) and every record's own unit from its directory, keywords and
// decisions now, then derives. Rows are read first and changed after: a
// connection cannot write while it streams a result.
func reattribute(ctx context.Context, tx *sql.Tx, org int64) error {
	a, d, err := loadAttribution(ctx, tx, org)
	if err != nil {
		return err
	}
	type change struct {
		id, unit int64
		source   string
	}
	var changes []change
	if err := eachRow(ctx, tx, `SELECT id, uscc, area, address, COALESCE(unit_id, 0), attribution FROM enterprises WHERE org_id = $1`, func(r *sql.Rows) error {
		var id, unit int64
		var uscc, area, address, source string
		if err := r.Scan(&id, &uscc, &area, &address, &unit, &source); err != nil {
			return err
		}
		u, s := attributeEnterprise(a, d, uscc, area, address)
		if u != unit || string(s) != source {
			changes = append(changes, change{id, u, string(s)})
		}
		return nil
	}, org); err != nil {
		return wrap(err, "read enterprises to attribute")
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET unit_id = $1, attribution = $2 WHERE id = $3`, nullID(c.unit), c.source, c.id); err != nil {
			return wrap(err, "attribute enterprise %d", c.id)
		}
	}
	// Own units of records. key selects two integers identifying a row,
	// where matches them.
	for _, t := range []struct{ table, key, where, uscc, name, area, own, local string }{
		{"smes", "id, 0", "id = $2", "uscc", "name", "area", "own_unit_id", ""},
		{"hightech_certs", "id, 0", "id = $2", "uscc", "name", "area", "own_unit_id", ""},
		{"contracts", "id, 0", "id = $2", "seller_uscc", "seller_name", "seller_area", "seller_own_unit_id", "seller_area_local"},
		{"contracts", "id, 0", "id = $2", "buyer_uscc", "buyer_name", "buyer_area", "buyer_own_unit_id", "buyer_area_local"},
		{"patent_holders", "patent_id, position", "patent_id = $2 AND position = $3", "uscc", "name", "''", "own_unit_id", ""},
		{"platforms", "id, 0", "id = $2", "host_uscc", "host_name", "area", "own_unit_id", ""},
	} {
		type own struct {
			id, pos, unit int64
			local         bool
		}
		var owns []own
		local := "FALSE"
		if t.local != "" {
			local = t.local
		}
		q := `SELECT ` + t.key + `, ` + t.uscc + `, ` + t.name + `, ` + t.area + `, COALESCE(` + t.own + `, 0), ` + local + ` FROM ` + t.table + ` r WHERE ` + ofOrg(t.table, "r", "$1")
		if err := eachRow(ctx, tx, q, func(r *sql.Rows) error {
			var o own
			var uscc, name, area string
			var unit int64
			var isLocal bool
			if err := r.Scan(&o.id, &o.pos, &uscc, &name, &area, &unit, &isLocal); err != nil {
				return err
			}
			o.unit = ownUnit(a, d, uscc, name, area)
			o.local = t.local != "" && partyAreaLocal(a, area, t.local == "seller_area_local")
			if o.unit != unit || o.local != isLocal {
				owns = append(owns, o)
			}
			return nil
		}, org); err != nil {
			return wrap(err, "read %s to attribute", t.table)
		}
		for _, o := range owns {
			var err error
			switch {
			case t.table == "patent_holders":
				_, err = tx.ExecContext(ctx, `UPDATE patent_holders SET own_unit_id = $1 WHERE `+t.where, nullID(o.unit), o.id, o.pos)
			case t.local != "":
				_, err = tx.ExecContext(ctx, `UPDATE contracts SET `+t.own+` = $1, `+t.local+` = $3 WHERE `+t.where, nullID(o.unit), o.id, o.local)
			default:
				_, err = tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+t.own+` = $1 WHERE `+t.where, nullID(o.unit), o.id)
			}
			if err != nil {
				return wrap(err, "attribute %s %d", t.table, o.id)
			}
		}
	}
	if err := linkAndDerive(ctx, tx, org); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE patents SET attributed = EXISTS (
		SELECT 1 FROM patent_holders h WHERE h.patent_id = patents.id AND h.unit_id IS NOT NULL) WHERE org_id = $1`, org); err != nil {
		return wrap(err, "mark attributed patents")
	}
	return rebuildTallies(ctx, tx, org)
}

// linkPendingFirms links the SME records or certificates of the firms an
// import marked pending to the enterprise their name is one of (when they
// give no USCC), and derives their units: what linkAndDerive does, for the
// records the import may have changed.
func linkPendingFirms(ctx context.Context, tx *sql.Tx, org, batch int64, kind plan.RegisterKind) error {
	table := "smes"
	if kind == plan.RegHighTech {
		table = "hightech_certs"
	}
	pending := `r.org_id = $2 AND r.firm_key IN (SELECT p.key FROM register_pending p WHERE p.batch_id = $1 AND p.what <> 'enterprise')`
	for _, q := range []string{
		`UPDATE ` + table + ` AS r SET enterprise_id = ` + linkByName("r.name", "$2") + `
		 WHERE ` + pending + ` AND r.enterprise_id IS NULL AND r.uscc = '' AND r.name <> ''`,
		`UPDATE ` + table + ` AS r SET unit_id = ` + derivedUnit("r.enterprise_id", "r.own_unit_id") + `
		 WHERE ` + pending + ` AND r.unit_id IS DISTINCT FROM ` + derivedUnit("r.enterprise_id", "r.own_unit_id"),
	} {
		if _, err := tx.ExecContext(ctx, q, batch, org); err != nil {
			return wrap(err, "attribute %s", table)
		}
	}
	return nil
}

// linkByName is the enterprise of org (the placeholder) whose current or
// former name the column holds, when it is one enterprise's (NULL
// otherwise).
func linkByName(col, org string) string {
	return `(SELECT CASE WHEN COUNT(DISTINCT n.enterprise_id) = 1 THEN MIN(n.enterprise_id) END FROM enterprise_names n
		CROSS JOIN enterprises e WHERE n.name = ` + col + ` AND e.id = n.enterprise_id AND e.org_id = ` + org + `)`
}

// derivedUnit is a record's unit: its enterprise's, else its own.
func derivedUnit(link, own string) string {
	return `COALESCE((SELECT e.unit_id FROM enterprises e WHERE e.id = ` + link + `), ` + own + `)`
}

// deriveForEnterprises attributes again the records naming an enterprise
// the import added or changed: links those that name it and had none, and
// derives their units from it — linkAndDerive for the records the import
// can have changed, as every other record is as it was. The tallies follow:
// contracts and patents are taken out before and put back after, SME
// records and certificates mark their firms pending.
func deriveForEnterprises(ctx context.Context, tx *sql.Tx, org, batch int64) error {
	usccs := `SELECT p.key FROM register_pending p WHERE p.batch_id = $1 AND p.what = 'enterprise'`
	names := `SELECT n.name FROM register_pending p CROSS JOIN enterprises e CROSS JOIN enterprise_names n
		WHERE p.batch_id = $1 AND p.what = 'enterprise' AND e.org_id = $2 AND e.uscc = p.key AND n.enterprise_id = e.id`
	// A register with no records has none to attribute: the common case
	// of a 企业库 imported first is then no work.
	empty := map[string]bool{}
	for _, t := range []string{"smes", "hightech_certs", "contracts", "patent_holders", "platforms"} {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+t+` r WHERE `+ofOrg(t, "r", "$1")+` LIMIT 1) x`, org).Scan(&n); err != nil {
			return wrap(err, "look for records in %s", t)
		}
		empty[t] = n == 0
	}
	// Every statement reads the batch ($1) and the organisation ($2).
	exec := func(qs ...string) error {
		for _, q := range qs {
			if _, err := tx.ExecContext(ctx, q, batch, org); err != nil {
				return wrap(err, "attribute the records of changed enterprises")
			}
		}
		return nil
	}
	// update returns the statements linking (by USCC or by name) and
	// deriving the rows of table (alias r) that scope selects.
	update := func(table, link, uscc, name, own, unit, scope string, byName bool) []string {
		set := `(SELECT e.id FROM enterprises e WHERE e.org_id = $2 AND e.uscc = r.` + uscc + `)`
		if byName {
			set = linkByName("r."+name, "$2")
		}
		derived := derivedUnit("r."+link, "r."+own)
		scope = `(` + scope + `) AND ` + ofOrg(table, "r", "$2")
		return []string{
			`UPDATE ` + table + ` AS r SET ` + link + ` = ` + set + ` WHERE ` + scope + ` AND r.` + link + ` IS NULL`,
			`UPDATE ` + table + ` AS r SET ` + unit + ` = ` + derived + ` WHERE ` + scope + ` AND r.` + unit + ` IS DISTINCT FROM ` + derived,
		}
	}
	for _, byName := range []bool{false, true} {
		scope := func(uscc, name string) string {
			if byName {
				return uscc + ` = '' AND ` + name + ` IN (` + names + `)`
			}
			return uscc + ` IN (` + usccs + `)`
		}
		firmScope := `r.firm_key IN (` + usccs + `)`
		if byName {
			firmScope = `r.firm_key IN (SELECT 'n:' || x.name FROM (` + names + `) x)`
		}
		for _, f := range []struct{ table, metric string }{{"smes", `'sme:' || r.year`}, {"hightech_certs", `'` + metricHighTech + `'`}} {
			if empty[f.table] {
				continue
			}
			if err := exec(update(f.table, "enterprise_id", "uscc", "name", "own_unit_id", "unit_id", firmScope, byName)...); err != nil {
				return err
			}
			if err := exec(`INSERT INTO register_pending (batch_id, what, key)
				SELECT DISTINCT CAST($1 AS BIGINT), ` + f.metric + `, r.firm_key FROM ` + f.table + ` r WHERE r.org_id = $2 AND ` + firmScope + ` ON CONFLICT DO NOTHING`); err != nil {
				return err
			}
		}
		for _, side := range []string{"seller", "buyer"} {
			if empty["contracts"] {
				break
			}
			sc := `r.org_id = $2 AND ` + scope("r."+side+"_uscc", "r."+side+"_name")
			qs := []string{addTallies("", contractEvents(side, sc), "-")}
			qs = append(qs, update("contracts", side+"_enterprise_id", side+"_uscc", side+"_name", side+"_own_unit_id", side+"_unit_id", sc, byName)...)
			if err := exec(append(qs, addTallies("", contractEvents(side, sc), ""))...); err != nil {
				return err
			}
		}
		if !empty["patent_holders"] {
			patents := `r.org_id = $2 AND r.id IN (SELECT q.patent_id FROM patent_holders q WHERE ` + scope("q.uscc", "q.name") + `)`
			qs := []string{patentTallies(patents, "-")}
			qs = append(qs, update("patent_holders", "enterprise_id", "uscc", "name", "own_unit_id", "unit_id", scope("r.uscc", "r.name"), byName)...)
			qs = append(qs, patentTallies(patents, ""), `UPDATE patents AS r SET attributed = EXISTS (
			SELECT 1 FROM patent_holders h WHERE h.patent_id = r.id AND h.unit_id IS NOT NULL) WHERE `+patents)
			if err := exec(qs...); err != nil {
				return err
			}
		}
		if empty["platforms"] {
			continue
		}
		if err := exec(update("platforms", "enterprise_id", "host_uscc", "host_name", "own_unit_id", "unit_id", scope("r.host_uscc", "r.host_name"), byName)...); err != nil {
			return err
		}
	}
	return nil
}

// AttributionKey names what a decision is about: a USCC, or an exact name
// for records that give none. When both are set the USCC is used.
type AttributionKey struct {
	USCC string `json:"uscc,omitempty"`
	Name string `json:"name,omitempty"`
}

func (k AttributionKey) kindValue() (string, string) {
	if u := cleanCode(k.USCC); u != "" {
		return "uscc", u
	}
	return "name", strings.TrimSpace(k.Name)
}

// SetAttribution decides the unit of the enterprise or party with the USCC
// (or name) in the unit's organisation, remembers it for every later list
// of that organisation, and re-attributes the records that name it. The
// unit must be a 街道, 镇 or 集聚区.
func (s *Store) SetAttribution(ctx context.Context, key AttributionKey, unitID int64, note string, by *auth.User) error {
	kind, value := key.kindValue()
	if value == "" {
		return plan.Errorf(plan.EINVALID, "请给出统一社会信用代码或名称")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var unitKind plan.UnitKind
		var org int64
		err := tx.QueryRowContext(ctx, `SELECT kind, org_id FROM units WHERE id = $1`, unitID).Scan(&unitKind, &org)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, org) {
			return plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", unitID)
		}
		if err != nil {
			return wrap(err, "read unit %d", unitID)
		}
		if unitKind != plan.UnitSubdistrict && unitKind != plan.UnitTown && unitKind != plan.UnitZone {
			return plan.Errorf(plan.EINVALID, "企业只能归属街道、镇或集聚区，不能归属%s", unitKind.Label())
		}
		before, err := decision(ctx, tx, org, kind, value)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attribution_decisions WHERE org_id = $1 AND key_kind = $2 AND key_value = $3`, org, kind, value); err != nil {
			return wrap(err, "replace the decision for %s", value)
		}
		var userID int64
		if by != nil {
			userID = by.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attribution_decisions (org_id, key_kind, key_value, unit_id, note, user_id, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			org, kind, value, unitID, strings.TrimSpace(note), nullID(userID), s.nowUTC()); err != nil {
			return wrap(err, "save the decision for %s", value)
		}
		if err := reattribute(ctx, tx, org); err != nil {
			return err
		}
		return s.audit(ctx, tx, "register.attribution.set", "attribution:"+kind+":"+value, before,
			map[string]any{"unit_id": unitID, "note": strings.TrimSpace(note)})
	})
}

// ForgetAttribution drops a decision of the organisation worked in: the
// enterprise or party is attributed by its lists again.
func (s *Store) ForgetAttribution(ctx context.Context, key AttributionKey) error {
	kind, value := key.kindValue()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return err
		}
		before, err := decision(ctx, tx, org, kind, value)
		if err != nil {
			return err
		}
		if before == nil {
			return plan.Errorf(plan.ENOTFOUND, "“%s”没有人工归属记录", value)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attribution_decisions WHERE org_id = $1 AND key_kind = $2 AND key_value = $3`, org, kind, value); err != nil {
			return wrap(err, "forget the decision for %s", value)
		}
		if err := reattribute(ctx, tx, org); err != nil {
			return err
		}
		return s.audit(ctx, tx, "register.attribution.forget", "attribution:"+kind+":"+value, before, nil)
	})
}

func decision(ctx context.Context, q queryer, org int64, kind, value string) (map[string]any, error) {
	var unit int64
	var note string
	err := q.QueryRowContext(ctx, `SELECT unit_id, note FROM attribution_decisions WHERE org_id = $1 AND key_kind = $2 AND key_value = $3`, org, kind, value).Scan(&unit, &note)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, wrap(err, "read the decision for %s", value)
	}
	return map[string]any{"unit_id": unit, "note": note}, nil
}

// AttributionKeywords lists the address keywords admins added, by unit, in
// the organisations the caller reaches.
func (s *Store) AttributionKeywords(ctx context.Context) ([]plan.AttributionKeyword, error) {
	return attributionKeywords(ctx, s.read)
}

func attributionKeywords(ctx context.Context, q queryer) ([]plan.AttributionKeyword, error) {
	var out []plan.AttributionKeyword
	cond, args := scopeFilter(ctx, "org_id", nil)
	err := eachRow(ctx, q, `SELECT id, unit_id, keyword FROM attribution_keywords WHERE true`+cond+` ORDER BY unit_id, keyword`, func(r *sql.Rows) error {
		var k plan.AttributionKeyword
		if err := r.Scan(&k.ID, &k.UnitID, &k.Keyword); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list attribution keywords")
	}
	return out, nil
}

// AddAttributionKeyword adds an address keyword (a road, a park, a
// building) for a unit and re-attributes its organisation's registers.
func (s *Store) AddAttributionKeyword(ctx context.Context, unitID int64, keyword string) (int64, error) {
	keyword = plan.CleanName(keyword)
	if keyword == "" {
		return 0, plan.Errorf(plan.EINVALID, "关键词不能为空")
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		org, err := unitOrg(ctx, tx, unitID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attribution_keywords WHERE org_id = $1 AND keyword = $2`, org, keyword).Scan(&n); err != nil {
			return wrap(err, "check keyword %q", keyword)
		}
		if n > 0 {
			return plan.Errorf(plan.ECONFLICT, "关键词“%s”已存在", keyword)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO attribution_keywords (org_id, keyword, unit_id) VALUES ($1, $2, $3) RETURNING id`, org, keyword, unitID).Scan(&id); err != nil {
			return wrap(err, "add keyword %q", keyword)
		}
		if err := reattribute(ctx, tx, org); err != nil {
			return err
		}
		return s.audit(ctx, tx, "register.keyword.create", fmt.Sprintf("attribution_keyword:%d", id), nil, plan.AttributionKeyword{ID: id, UnitID: unitID, Keyword: keyword})
	})
	return id, err
}

// DeleteAttributionKeyword removes a keyword and re-attributes.
func (s *Store) DeleteAttributionKeyword(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var k plan.AttributionKeyword
		var org int64
		err := tx.QueryRowContext(ctx, `SELECT id, unit_id, keyword, org_id FROM attribution_keywords WHERE id = $1`, id).Scan(&k.ID, &k.UnitID, &k.Keyword, &org)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, org) {
			return plan.Errorf(plan.ENOTFOUND, "关键词不存在（编号 %d）", id)
		}
		if err != nil {
			return wrap(err, "read keyword %d", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attribution_keywords WHERE id = $1`, id); err != nil {
			return wrap(err, "delete keyword %d", id)
		}
		if err := reattribute(ctx, tx, org); err != nil {
			return err
		}
		return s.audit(ctx, tx, "register.keyword.delete", fmt.Sprintf("attribution_keyword:%d", id), k, nil)
	})
}

// Page selects a page of a list: Limit rows (0: 50, at most 1000) from
// Offset.
type Page struct {
	Offset, Limit int
}

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return 50
	case p.Limit > 1000:
		return 1000
	}
	return p.Limit
}

func (p Page) offset() int { return max(p.Offset, 0) }

// RecordOrigin is the list and row a record was last read from.
type RecordOrigin struct {
	BatchID int64  `json:"batch_id"`
	File    string `json:"file"`
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row"`
}

// UnattributedRecord is a record in the 待归属 list. Staff resolve it with
// SetAttribution(AttributionKey{USCC, Name}).
type UnattributedRecord struct {
	Kind    plan.RegisterKind `json:"kind"`
	ID      int64             `json:"id"`
	Role    string            `json:"role,omitempty"` // contracts: 卖方 or 买方; patents: 专利权人
	USCC    string            `json:"uscc"`
	Name    string            `json:"name"`
	Area    string            `json:"area"`
	Address string            `json:"address,omitempty"`
	Origin  RecordOrigin      `json:"origin"`
}

// unattributedQueries select (id, role, uscc, name, area, address, batch,
// file, sheet, row) of the records without a unit, per register; {scope}
// holds them to the caller's organisations.
var unattributedQueries = map[plan.RegisterKind]string{
	plan.RegEnterprises: `SELECT r.id, '', r.uscc, r.name, r.area, r.address, r.batch_id, b.file_name, r.sheet, r.row_no
		FROM enterprises r JOIN import_batches b ON b.id = r.batch_id WHERE r.unit_id IS NULL{scope}`,
	plan.RegSMEs: `SELECT r.id, '', r.uscc, r.name, r.area, '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM smes r JOIN import_batches b ON b.id = r.batch_id WHERE r.unit_id IS NULL{scope}`,
	plan.RegHighTech: `SELECT r.id, '', r.uscc, r.name, r.area, '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM hightech_certs r JOIN import_batches b ON b.id = r.batch_id WHERE r.unit_id IS NULL{scope}`,
	plan.RegContracts: `SELECT r.id, '卖方', r.seller_uscc, r.seller_name, r.seller_area, '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM contracts r JOIN import_batches b ON b.id = r.batch_id
		WHERE r.seller_unit_id IS NULL AND (r.seller_enterprise_id IS NOT NULL OR r.seller_area_local){scope}
		UNION ALL
		SELECT r.id, '买方', r.buyer_uscc, r.buyer_name, r.buyer_area, '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM contracts r JOIN import_batches b ON b.id = r.batch_id
		WHERE r.buyer_unit_id IS NULL AND (r.buyer_enterprise_id IS NOT NULL OR r.buyer_area_local){scope}`,
	plan.RegPatents: `SELECT r.id, '专利权人', h.uscc, h.name, '', '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM patents r JOIN patent_holders h ON h.patent_id = r.id JOIN import_batches b ON b.id = r.batch_id
		WHERE NOT r.attributed AND h.domestic{scope}`,
	plan.RegPlatforms: `SELECT r.id, '依托单位', r.host_uscc, CASE WHEN r.host_name <> '' THEN r.host_name ELSE r.name END, r.area, '', r.batch_id, b.file_name, r.sheet, r.row_no
		FROM platforms r JOIN import_batches b ON b.id = r.batch_id WHERE r.unit_id IS NULL{scope}`,
}

// Unattributed lists a register's records that belong to no unit (待归属)
// in the organisations the caller reaches, a page at a time, with how many
// there are.
func (s *Store) Unattributed(ctx context.Context, kind plan.RegisterKind, page Page) ([]UnattributedRecord, int, error) {
	q, ok := unattributedQueries[kind]
	if !ok {
		return nil, 0, plan.Errorf(plan.EINVALID, "台账“%s”的记录不归属单位", kind.Label())
	}
	cond, args := scopeFilter(ctx, "r.org_id", nil)
	q = strings.ReplaceAll(q, "{scope}", cond)
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) u`, args...).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count unattributed %s", kind)
	}
	var out []UnattributedRecord
	n := len(args)
	err := eachRow(ctx, s.read, `SELECT * FROM (`+q+`) u ORDER BY 1, 2 LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), func(r *sql.Rows) error {
		u := UnattributedRecord{Kind: kind}
		if err := r.Scan(&u.ID, &u.Role, &u.USCC, &u.Name, &u.Area, &u.Address, &u.Origin.BatchID, &u.Origin.File, &u.Origin.Sheet, &u.Origin.Row); err != nil {
			return err
		}
		out = append(out, u)
		return nil
	}, append(args, page.limit(), page.offset())...)
	if err != nil {
		return nil, 0, wrap(err, "list unattributed %s", kind)
	}
	return out, total, nil
}
