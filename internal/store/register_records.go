package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"kechuang/internal/plan"
)

// One writer per register: clean the new record, merge it into the stored
// one (a cell left empty keeps the stored value), check the merged record,
// and insert, update or leave it. Attribution columns: own_unit_id is set
// here; enterprise_id is cleared on every write and, with unit_id,
// recomputed for the whole import by linkAndDerive.

func (imp *importer) enterprise(ctx context.Context, e plan.Enterprise, o plan.Origin) (outcome, []plan.RowProblem, error) {
	e.USCC = cleanCode(e.USCC)
	if p := required("统一社会信用代码", e.USCC); p != nil {
		return 0, p, nil
	}
	st, stub, found, err := imp.lookupEnterprise(ctx, e.USCC)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch && !stub {
		return 0, imp.duplicate(st, "统一社会信用代码", e.USCC), nil
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
	if found && !stub && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "enterprises", st.id, o)
	}
	if _, err := imp.writeEnterprise(ctx, st.id, m, rec, false, o); err != nil {
		return 0, nil, err
	}
	if found && !stub {
		return outUpdated, nil, nil
	}
	return outNew, nil, nil
}

// lookupEnterprise finds an enterprise by USCC, and whether it is a stub.
func (imp *importer) lookupEnterprise(ctx context.Context, uscc string) (st stored, stub, found bool, err error) {
	err = imp.tx.QueryRowContext(ctx, `SELECT id, record, batch_id, sheet, row_no, stub FROM enterprises WHERE uscc = $1`, uscc).
		Scan(&st.id, &st.record, &st.batch, &st.sheet, &st.row, &stub)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, false, false, nil
	case err != nil:
		return st, false, false, wrap(err, "look up enterprise %s", uscc)
	}
	return st, stub, true, nil
}

// writeEnterprise inserts (id 0) or updates an enterprise with its names,
// years and memberships, attributing it.
func (imp *importer) writeEnterprise(ctx context.Context, id int64, e plan.Enterprise, rec string, stub bool, o plan.Origin) (int64, error) {
	unit, source := imp.enterpriseUnit(e.USCC, e.Area, e.Address)
	tx := imp.tx
	var err error
	if id == 0 {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO enterprises (uscc, name, address, area, industry, rd_institute, rd_kind, rd_level, unit_id, attribution, stub, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			e.USCC, e.Name, e.Address, e.Area, e.Industry, e.RDInstitute, e.RDKind, e.RDLevel, nullID(unit), string(source), stub, rec, imp.batch, o.Sheet, o.Row).Scan(&id)
	} else {
		_, err = tx.ExecContext(ctx, `
			UPDATE enterprises SET name = $1, address = $2, area = $3, industry = $4, rd_institute = $5, rd_kind = $6, rd_level = $7,
			       unit_id = $8, attribution = $9, stub = $10, record = $11, batch_id = $12, sheet = $13, row_no = $14
			WHERE id = $15`,
			e.Name, e.Address, e.Area, e.Industry, e.RDInstitute, e.RDKind, e.RDLevel, nullID(unit), string(source), stub, rec, imp.batch, o.Sheet, o.Row, id)
	}
	if err != nil {
		return 0, wrap(err, "save enterprise %s", e.USCC)
	}
	for _, q := range []string{`DELETE FROM enterprise_names WHERE enterprise_id = $1`, `DELETE FROM enterprise_years WHERE enterprise_id = $1`, `DELETE FROM memberships WHERE enterprise_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return 0, wrap(err, "replace the details of enterprise %s", e.USCC)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_names (enterprise_id, name, former) VALUES ($1, $2, $3)`, id, e.Name, false); err != nil {
		return 0, wrap(err, "save the name of enterprise %s", e.USCC)
	}
	for _, n := range e.FormerNames {
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_names (enterprise_id, name, former) VALUES ($1, $2, $3)`, id, n, true); err != nil {
			return 0, wrap(err, "save a former name of enterprise %s", e.USCC)
		}
	}
	for _, y := range e.Years {
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_years (enterprise_id, year, revenue, rd) VALUES ($1, $2, $3, $4)`,
			id, y.Year, nullMicros(y.Revenue), nullMicros(y.RD)); err != nil {
			return 0, wrap(err, "save year %d of enterprise %s", y.Year, e.USCC)
		}
	}
	for _, m := range e.Memberships {
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (enterprise_id, list, entered, left_on) VALUES ($1, $2, $3, $4)`,
			id, m.List, m.Entered, m.Left); err != nil {
			return 0, wrap(err, "save membership %s of enterprise %s", m.List, e.USCC)
		}
	}
	return id, nil
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
func (imp *importer) ensureEnterprise(ctx context.Context, uscc, name, area string, o plan.Origin) error {
	if uscc == "" {
		return nil
	}
	st, stub, found, err := imp.lookupEnterprise(ctx, uscc)
	if err != nil || (found && !stub) {
		return err
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
	_, err = imp.writeEnterprise(ctx, st.id, m, rec, true, o)
	return err
}

func (imp *importer) sme(ctx context.Context, r plan.SMERecord, o plan.Origin) (outcome, []plan.RowProblem, error) {
	r.USCC, r.RegNo, r.Name = cleanCode(r.USCC), strings.TrimSpace(r.RegNo), strings.TrimSpace(r.Name)
	if r.Year < 1900 || r.Year > 9999 {
		return 0, []plan.RowProblem{{Column: "年度", Message: "缺少年度（入库日期或年度列）"}}, nil
	}
	var (
		st          stored
		found       bool
		err         error
		keyCol, key string
	)
	switch {
	case r.USCC != "":
		keyCol, key = "统一社会信用代码", r.USCC
		st, found, err = lookup(ctx, imp.tx, "SME record", `SELECT id, record, batch_id, sheet, row_no FROM smes WHERE uscc = $1 AND year = $2`, r.USCC, r.Year)
	case r.RegNo != "":
		keyCol, key = "入库登记编号", r.RegNo
		st, found, err = lookup(ctx, imp.tx, "SME record", `SELECT id, record, batch_id, sheet, row_no FROM smes WHERE uscc = '' AND reg_no = $1`, r.RegNo)
	default:
		return 0, []plan.RowProblem{{Column: "统一社会信用代码", Message: "统一社会信用代码和入库登记编号不能都为空"}}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, keyCol, key), nil
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
	if err := imp.ensureEnterprise(ctx, m.USCC, m.Name, m.Area, o); err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "smes", st.id, o)
	}
	own := imp.ownUnit(m.USCC, m.Name, m.Area)
	if !found {
		_, err = imp.tx.ExecContext(ctx, `
			INSERT INTO smes (uscc, name, year, reg_no, batch_label, entered, revoked, area, own_unit_id, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.USCC, m.Name, m.Year, m.RegNo, m.Batch, m.Date, m.Revoked, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row)
		return outNew, nil, wrap(err, "add SME record %s", key)
	}
	_, err = imp.tx.ExecContext(ctx, `
		UPDATE smes SET name = $1, reg_no = $2, batch_label = $3, entered = $4, revoked = $5, area = $6, own_unit_id = $7, enterprise_id = NULL,
		       record = $8, batch_id = $9, sheet = $10, row_no = $11
		WHERE id = $12`, m.Name, m.RegNo, m.Batch, m.Date, m.Revoked, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row, st.id)
	return outUpdated, nil, wrap(err, "update SME record %s", key)
}

func (imp *importer) cert(ctx context.Context, c plan.HighTechCert, o plan.Origin) (outcome, []plan.RowProblem, error) {
	c.CertNo, c.USCC, c.Name = cleanCode(c.CertNo), cleanCode(c.USCC), strings.TrimSpace(c.Name)
	if p := required("证书编号", c.CertNo); p != nil {
		return 0, p, nil
	}
	st, found, err := lookup(ctx, imp.tx, "certificate", `SELECT id, record, batch_id, sheet, row_no FROM hightech_certs WHERE cert_no = $1`, c.CertNo)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, "证书编号", c.CertNo), nil
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
	if err := imp.ensureEnterprise(ctx, m.USCC, m.Name, m.Area, o); err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "hightech_certs", st.id, o)
	}
	own := imp.ownUnit(m.USCC, m.Name, m.Area)
	if !found {
		_, err = imp.tx.ExecContext(ctx, `
			INSERT INTO hightech_certs (cert_no, uscc, name, issued, expires, cancelled, area, own_unit_id, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			m.CertNo, m.USCC, m.Name, m.Issued, m.ExpiresOn(), m.Cancelled, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row)
		return outNew, nil, wrap(err, "add certificate %s", m.CertNo)
	}
	_, err = imp.tx.ExecContext(ctx, `
		UPDATE hightech_certs SET uscc = $1, name = $2, issued = $3, expires = $4, cancelled = $5, area = $6, own_unit_id = $7, enterprise_id = NULL,
		       record = $8, batch_id = $9, sheet = $10, row_no = $11
		WHERE id = $12`, m.USCC, m.Name, m.Issued, m.ExpiresOn(), m.Cancelled, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row, st.id)
	return outUpdated, nil, wrap(err, "update certificate %s", m.CertNo)
}

func mergeParty(old, p plan.ContractParty) plan.ContractParty {
	return plan.ContractParty{Name: pick(strings.TrimSpace(p.Name), old.Name), USCC: pick(cleanCode(p.USCC), old.USCC), Area: pick(strings.TrimSpace(p.Area), old.Area)}
}

func (imp *importer) contract(ctx context.Context, c plan.Contract, o plan.Origin) (outcome, []plan.RowProblem, error) {
	c.RegNo = cleanCode(c.RegNo)
	if p := required("合同登记号", c.RegNo); p != nil {
		return 0, p, nil
	}
	st, found, err := lookup(ctx, imp.tx, "contract", `SELECT id, record, batch_id, sheet, row_no FROM contracts WHERE reg_no = $1`, c.RegNo)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, "合同登记号", c.RegNo), nil
	}
	var old plan.Contract
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode contract %s", c.RegNo)
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
		return 0, probs, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "contracts", st.id, o)
	}
	sOwn, bOwn := imp.ownUnit(m.Seller.USCC, m.Seller.Name, m.Seller.Area), imp.ownUnit(m.Buyer.USCC, m.Buyer.Name, m.Buyer.Area)
	sLocal, bLocal := imp.areaLocal(m.Seller.Area, true), imp.areaLocal(m.Buyer.Area, false)
	args := []any{m.Project, m.Type, m.Seller.Name, m.Seller.USCC, m.Seller.Area, sLocal, nullID(sOwn), m.Buyer.Name, m.Buyer.USCC, m.Buyer.Area, bLocal, nullID(bOwn),
		m.Amount.Micros(), nullMicros(m.TechAmount), m.Registered, rec, imp.batch, o.Sheet, o.Row}
	if !found {
		_, err = imp.tx.ExecContext(ctx, `
			INSERT INTO contracts (project, type, seller_name, seller_uscc, seller_area, seller_area_local, seller_own_unit_id,
			       buyer_name, buyer_uscc, buyer_area, buyer_area_local, buyer_own_unit_id, amount_fen, tech_amount_fen, registered, record, batch_id, sheet, row_no, reg_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`, append(args, m.RegNo)...)
		return outNew, nil, wrap(err, "add contract %s", m.RegNo)
	}
	_, err = imp.tx.ExecContext(ctx, `
		UPDATE contracts SET project = $1, type = $2, seller_name = $3, seller_uscc = $4, seller_area = $5, seller_area_local = $6, seller_own_unit_id = $7,
		       buyer_name = $8, buyer_uscc = $9, buyer_area = $10, buyer_area_local = $11, buyer_own_unit_id = $12, amount_fen = $13, tech_amount_fen = $14,
		       registered = $15, record = $16, batch_id = $17, sheet = $18, row_no = $19, seller_enterprise_id = NULL, buyer_enterprise_id = NULL
		WHERE id = $20`, append(args, st.id)...)
	return outUpdated, nil, wrap(err, "update contract %s", m.RegNo)
}

func (imp *importer) patent(ctx context.Context, p plan.Patent, o plan.Origin) (outcome, []plan.RowProblem, error) {
	p.Number = cleanCode(p.Number)
	if pr := required("专利号", p.Number); pr != nil {
		return 0, pr, nil
	}
	st, found, err := lookup(ctx, imp.tx, "patent", `SELECT id, record, batch_id, sheet, row_no FROM patents WHERE number = $1`, p.Number)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, "专利号", p.Number), nil
	}
	var old plan.Patent
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode patent %s", p.Number)
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
		return 0, probs, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "patents", st.id, o)
	}
	id := st.id
	lapsed := plan.PatentStatusLapsed(m.Status)
	if !found {
		err = imp.tx.QueryRowContext(ctx, `
			INSERT INTO patents (number, title, type, granted, lapsed, status, status_lapsed, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			m.Number, m.Title, m.Type, m.Granted, m.Lapsed, m.Status, lapsed, rec, imp.batch, o.Sheet, o.Row).Scan(&id)
	} else {
		_, err = imp.tx.ExecContext(ctx, `
			UPDATE patents SET title = $1, type = $2, granted = $3, lapsed = $4, status = $5, status_lapsed = $6, record = $7, batch_id = $8, sheet = $9, row_no = $10
			WHERE id = $11`, m.Title, m.Type, m.Granted, m.Lapsed, m.Status, lapsed, rec, imp.batch, o.Sheet, o.Row, id)
	}
	if err != nil {
		return 0, nil, wrap(err, "save patent %s", m.Number)
	}
	if _, err := imp.tx.ExecContext(ctx, `DELETE FROM patent_holders WHERE patent_id = $1`, id); err != nil {
		return 0, nil, wrap(err, "replace the holders of patent %s", m.Number)
	}
	for i, h := range m.Holders {
		if _, err := imp.tx.ExecContext(ctx, `INSERT INTO patent_holders (patent_id, position, name, uscc, domestic, own_unit_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, i, h.Name, h.USCC, h.Domestic, nullID(imp.ownUnit(h.USCC, h.Name, ""))); err != nil {
			return 0, nil, wrap(err, "save holder %s of patent %s", h.Name, m.Number)
		}
	}
	if found {
		return outUpdated, nil, nil
	}
	return outNew, nil, nil
}

func (imp *importer) platform(ctx context.Context, p plan.Platform, o plan.Origin) (outcome, []plan.RowProblem, error) {
	p.Name, p.Kind, p.Level = strings.TrimSpace(p.Name), strings.TrimSpace(p.Kind), strings.TrimSpace(p.Level)
	probs := required("平台名称", p.Name)
	if len(plan.LevelsFrom(p.Level)) == 0 {
		probs = append(probs, plan.RowProblem{Column: "级别", Message: fmt.Sprintf("“%s”不是区级、市级、省级或国家级", p.Level)})
	}
	if len(probs) > 0 {
		return 0, probs, nil
	}
	key := p.Name + "（" + p.Kind + "，" + p.Level + "）"
	st, found, err := lookup(ctx, imp.tx, "platform", `SELECT id, record, batch_id, sheet, row_no FROM platforms WHERE name = $1 AND kind = $2 AND level = $3`, p.Name, p.Kind, p.Level)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, "平台名称", key), nil
	}
	var old plan.Platform
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode platform %s", key)
		}
	}
	m := plan.Platform{
		Name: p.Name, Kind: p.Kind, Level: p.Level, Mode: pick(strings.TrimSpace(p.Mode), old.Mode), Decided: pick(p.Decided, old.Decided),
		HostUSCC: pick(cleanCode(p.HostUSCC), old.HostUSCC), HostName: pick(strings.TrimSpace(p.HostName), old.HostName), Area: pick(strings.TrimSpace(p.Area), old.Area),
	}
	if pr := dateProblems("认定日期", p.Decided); pr != nil {
		return 0, pr, nil
	}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "platforms", st.id, o)
	}
	own := imp.ownUnit(m.HostUSCC, m.HostName, m.Area)
	if !found {
		_, err = imp.tx.ExecContext(ctx, `
			INSERT INTO platforms (name, kind, level, mode, decided, host_uscc, host_name, area, own_unit_id, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.Name, m.Kind, m.Level, m.Mode, m.Decided, m.HostUSCC, m.HostName, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row)
		return outNew, nil, wrap(err, "add platform %s", key)
	}
	_, err = imp.tx.ExecContext(ctx, `
		UPDATE platforms SET mode = $1, decided = $2, host_uscc = $3, host_name = $4, area = $5, own_unit_id = $6, enterprise_id = NULL,
		       record = $7, batch_id = $8, sheet = $9, row_no = $10
		WHERE id = $11`, m.Mode, m.Decided, m.HostUSCC, m.HostName, m.Area, nullID(own), rec, imp.batch, o.Sheet, o.Row, st.id)
	return outUpdated, nil, wrap(err, "update platform %s", key)
}

func (imp *importer) statistic(ctx context.Context, s plan.Statistic, o plan.Origin) (outcome, []plan.RowProblem, error) {
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
		return 0, probs, nil
	}
	key := fmt.Sprintf("%s %s %d", pick(s.Area, "全区"), s.Indicator, s.Year)
	st, found, err := lookup(ctx, imp.tx, "statistic", `SELECT id, record, batch_id, sheet, row_no FROM statistics WHERE COALESCE(unit_id, 0) = $1 AND indicator = $2 AND year = $3`,
		unit, s.Indicator, s.Year)
	if err != nil {
		return 0, nil, err
	}
	if found && st.batch == imp.batch {
		return 0, imp.duplicate(st, "指标", key), nil
	}
	var old plan.Statistic
	if found {
		if err := json.Unmarshal([]byte(st.record), &old); err != nil {
			return 0, nil, wrap(err, "decode statistic %s", key)
		}
	}
	m := plan.Statistic{Area: pick(s.Area, old.Area), Indicator: s.Indicator, Year: s.Year, Value: s.Value,
		Source: pick(strings.TrimSpace(s.Source), old.Source), Final: s.Final || old.Final}
	rec, err := canonical(m)
	if err != nil {
		return 0, nil, err
	}
	if found && rec == st.record {
		return outUnchanged, nil, imp.touch(ctx, "statistics", st.id, o)
	}
	if !found {
		_, err = imp.tx.ExecContext(ctx, `
			INSERT INTO statistics (area, unit_id, indicator, year, value, source, final, record, batch_id, sheet, row_no)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			m.Area, nullID(unit), m.Indicator, m.Year, m.Value.Micros(), m.Source, m.Final, rec, imp.batch, o.Sheet, o.Row)
		return outNew, nil, wrap(err, "add statistic %s", key)
	}
	_, err = imp.tx.ExecContext(ctx, `
		UPDATE statistics SET area = $1, value = $2, source = $3, final = $4, record = $5, batch_id = $6, sheet = $7, row_no = $8
		WHERE id = $9`, m.Area, m.Value.Micros(), m.Source, m.Final, rec, imp.batch, o.Sheet, o.Row, st.id)
	return outUpdated, nil, wrap(err, "update statistic %s", key)
}

// cleanCode trims a code (USCC, number) and upper-cases its letters: lists
// type them both ways.
func cleanCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
