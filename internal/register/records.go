package register

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// rowCtx builds one record from one row, collecting its problems.
type rowCtx struct {
	rd    *Reader
	cells []string // cleaned, one per column
	row   plan.RegisterRow
}

// build turns a data row into a RegisterRow. clean is the row's cells as
// cleanCell leaves them (classify's): build keeps it only while it builds,
// so the caller reuses it for the next row. raw becomes the row's Cells,
// copied only where a cell is cut or a day number read as a date.
func (rd *Reader) build(n int, raw, clean []string) plan.RegisterRow {
	c := &rowCtx{rd: rd, cells: clean}
	c.row.Origin = plan.Origin{File: rd.file, Sheet: rd.src.sheet(), Row: n}
	c.row.Cells = raw
	copied := false
	for i, s := range raw {
		t, long := rd.truncate(s)
		if i < len(rd.cols) && rd.cols[i].date && rd.wb != nil && serialNum.MatchString(strings.TrimSpace(t)) {
			// A date cell read raw is Excel's day number.
			if d, ok := serialDate(strings.TrimSpace(t), rd.wb.date1904); ok {
				t = d
			}
		}
		if t != s {
			if !copied {
				c.row.Cells, copied = slices.Clone(raw), true
			}
			c.row.Cells[i] = t
			c.cells[i] = cleanCell(t)
		}
		if f := rd.fieldAt(i); long && f != "" && f != fSeq && f != fIgnore {
			c.problem(i, "内容超过%d字", rd.opts.MaxCellLen)
		}
	}
	var rec any
	switch rd.kind {
	case plan.RegEnterprises:
		rec = c.enterprise()
	case plan.RegSMEs:
		rec = c.sme()
	case plan.RegHighTech:
		rec = c.hightech()
	case plan.RegContracts:
		rec = c.contract()
	case plan.RegPatents:
		rec = c.patent()
	case plan.RegPlatforms:
		rec = c.platform()
	case plan.RegStatistics:
		rec = c.statistic()
	}
	if len(c.row.Problems) == 0 {
		c.row.Record = rec
	}
	return c.row
}

// fieldAt is the field of column i, "" for none.
func (rd *Reader) fieldAt(i int) string {
	if i < len(rd.cols) {
		return rd.cols[i].Field
	}
	return ""
}

// col is the column read for a field, -1 when the list has none.
func (c *rowCtx) col(field string) int {
	if cols := c.rd.byField[field]; len(cols) > 0 {
		return cols[0]
	}
	return -1
}

func (c *rowCtx) cell(i int) string {
	if i < 0 || i >= len(c.cells) {
		return ""
	}
	return c.cells[i]
}

// text is a field's cell, "" for none and for the marks of nothing (/, —).
func (c *rowCtx) text(field string) string {
	s := c.cell(c.col(field))
	if nothing(s) {
		return ""
	}
	return s
}

func (c *rowCtx) name(i int, field string) string {
	if i >= 0 && i < len(c.rd.cols) {
		return c.rd.cols[i].Name()
	}
	if f, ok := fieldOf(c.rd.kind, field); ok {
		return f.Label
	}
	return field
}

func (c *rowCtx) problem(i int, format string, args ...any) {
	c.row.Problems = append(c.row.Problems, plan.RowProblem{Column: c.name(i, ""), Message: fmt.Sprintf(format, args...)})
}

func (c *rowCtx) warn(i int, format string, args ...any) {
	c.row.Warnings = append(c.row.Warnings, plan.RowProblem{Column: c.name(i, ""), Message: fmt.Sprintf(format, args...)})
}

// empty reports whether a field's cell holds nothing.
func (c *rowCtx) empty(field string) bool {
	s := c.cell(c.col(field))
	return s == "" || nothing(s)
}

// missing records an empty required field (or one with no column, named by
// its label).
func (c *rowCtx) missing(field string) {
	i := c.col(field)
	c.row.Problems = append(c.row.Problems, plan.RowProblem{Column: c.name(i, field), Message: "不能为空"})
}

// required is a text field that must be given.
func (c *rowCtx) required(field string) string {
	s := c.text(field)
	if s == "" {
		c.missing(field)
	}
	return s
}

// date reads a date field; "" when empty (or unreadable, with a problem).
func (c *rowCtx) date(field string) string {
	i := c.col(field)
	s := c.cell(i)
	if s == "" || nothing(s) {
		return ""
	}
	d, ok := parseDate(s)
	if !ok {
		c.problem(i, "%s", dateMsg(s))
	}
	return d
}

// year reads a year field; 0 when empty.
func (c *rowCtx) year(field string) int {
	i := c.col(field)
	s := c.cell(i)
	if s == "" || nothing(s) {
		return 0
	}
	y, ok := parseYear(s)
	if !ok {
		c.problem(i, "“%s” 不是年份", s)
	}
	return y
}

// How a 统一社会信用代码 column counts in its list.
type usccRole int

const (
	usccRequired usccRole = iota // keys the record: must be given and well formed
	usccKey                      // keys the record where given (高新技术企业 lists may have none)
	usccParty                    // names a party: a malformed code is dropped and the name attributes
)

// uscc reads a 统一社会信用代码. Where it keys the record, a code that is
// not 18 characters of the code's set rejects the row; for a party it is
// dropped with a warning. A failing check character only warns: published
// lists have such codes.
func (c *rowCtx) uscc(field string, role usccRole) string {
	i := c.col(field)
	raw := c.cell(i)
	if raw == "" || nothing(raw) {
		switch {
		case role == usccRequired:
			c.missing(field)
		case role == usccKey && i >= 0:
			c.warn(i, "为空，将按企业名称归属")
		}
		return ""
	}
	code := normUSCC(raw)
	if strings.Contains(code, "E+") {
		// Stored as a number by Excel, which keeps 15 digits of 18.
		if _, ok := parseNumber(code); ok {
			if role == usccParty {
				c.warn(i, "“%s” %s，未使用", raw, storedAsNumber)
			} else {
				c.problem(i, "“%s” %s", raw, storedAsNumber)
			}
			return ""
		}
	}
	err := plan.CheckUSCC(code)
	msg := ""
	if err != nil {
		msg = "“" + raw + "” " + strings.TrimPrefix(err.Error(), "统一社会信用代码")
	}
	switch {
	case err == nil:
		return code
	case errors.Is(err, plan.ErrUSCCCheck):
		if allDigits(code) && strings.HasSuffix(code, "0") {
			// A number cell keeps 15 digits; the shortest text of the
			// float ends in zeros.
			msg += "（可能被 Excel 存成了数字，末几位已丢失）"
		}
		c.warn(i, "%s", msg)
		return code
	case role != usccParty:
		c.problem(i, "%s", msg)
		return ""
	}
	c.warn(i, "%s，未使用", msg)
	return ""
}

// normUSCC is plan.NormalizeUSCC, which leaves digits and capitals as
// they are: most codes.
func normUSCC(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < '0' || b > '9') && (b < 'A' || b > 'Z') {
			return plan.NormalizeUSCC(s)
		}
	}
	return s
}

// code reads an identifier (登记号, 证书编号): half-width, upper case, no
// spaces. A number Excel stored with an exponent lost its last digits;
// the reader writes out what is left and warns.
func (c *rowCtx) code(field string) string {
	i := c.col(field)
	s := c.cell(i)
	if nothing(s) {
		return ""
	}
	if plainCode(s) {
		s = strings.ToUpper(s)
	} else {
		s = strings.ToUpper(strings.Map(func(r rune) rune {
			if isBlank(r) {
				return -1
			}
			return r
		}, narrow(s)))
	}
	if strings.Contains(s, "E+") {
		if n, ok := parseNumber(s); ok && n.frac == "" {
			c.warn(i, "“%s” %s", s, storedAsNumber)
			return n.whole
		}
	}
	return s
}

// plainCode reports whether s is ASCII without spaces: narrow and
// dropping blanks leave it as it is.
func plainCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || b <= ' ' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

const storedAsNumber = "被 Excel 存成了数字，末几位已丢失；请把这一列设为文本后重新导出"

// moneyUnit is the unit of a money column: its header's, else the row's
// 计量单位 column, else the list's (caption, option, 万元). A header and a
// 计量单位 cell that disagree reject the row.
func (c *rowCtx) moneyUnit(i int, unitField string) (unit, bool) {
	var colUnit *unit
	if i >= 0 && i < len(c.rd.cols) {
		colUnit = c.rd.cols[i].unit
	}
	var rowUnit *unit
	if j := c.col(unitField); j >= 0 && c.cell(j) != "" {
		u, ok := parseUnit(c.cell(j))
		if !ok {
			c.problem(j, "“%s” 不是可识别的单位", c.cell(j))
			return unit{}, false
		}
		rowUnit = &u
	}
	switch {
	case colUnit != nil && rowUnit != nil && *colUnit != *rowUnit:
		c.problem(i, "表头写%s，计量单位写%s", colUnit.label, rowUnit.label)
		return unit{}, false
	case colUnit != nil:
		return *colUnit, true
	case rowUnit != nil:
		return *rowUnit, true
	}
	return c.rd.money, true
}

// amount reads an amount in column i as 万元; nil when empty.
func (c *rowCtx) amount(i int, unitField string) *plan.Decimal {
	if d, ok := c.amountValue(i, unitField); ok {
		return &d
	}
	return nil
}

// amountValue is amount without a pointer; ok is false when empty.
func (c *rowCtx) amountValue(i int, unitField string) (plan.Decimal, bool) {
	s := c.cell(i)
	if s == "" || nothing(s) {
		return plan.Decimal{}, false
	}
	n, cellUnit, ok := parseAmount(s)
	if !ok {
		c.problem(i, "“%s” 不是金额", s)
		return plan.Decimal{}, false
	}
	u, ok := c.moneyUnit(i, unitField)
	if !ok {
		return plan.Decimal{}, false
	}
	if cellUnit != nil {
		u = *cellUnit
	}
	if u.dim != dimMoney {
		c.problem(i, "单位“%s”不是金额单位", u.label)
		return plan.Decimal{}, false
	}
	if n.neg {
		c.problem(i, "“%s” 不能为负数", s)
		return plan.Decimal{}, false
	}
	d, reason := n.decimal(u)
	if reason != "" {
		c.problem(i, "“%s” %s", s, reason)
		return plan.Decimal{}, false
	}
	return d, true
}

// splitNames splits co-holders and lists: 甲公司；乙大学、丙研究院.
func splitNames(s string) []string {
	if strings.IndexByte(s, ';') < 0 && strings.IndexByte(s, '\n') < 0 && !strings.Contains(s, "；") && !strings.Contains(s, "、") {
		if s = strings.TrimFunc(s, isBlank); s != "" {
			return []string{s} // one name: most cells
		}
		return nil
	}
	var out []string
	for p := range strings.FieldsFuncSeq(s, func(r rune) bool { return strings.ContainsRune("；;、\n", r) }) {
		if p = strings.TrimFunc(p, isBlank); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// enterprise reads a row of the 企业库 (and of membership lists such as
// the 培育库, which are enterprise lists with an entry date).
func (c *rowCtx) enterprise() any {
	e := &plan.Enterprise{Origin: c.row.Origin}
	e.USCC = c.uscc("uscc", usccRequired)
	e.Name = c.required("name")
	for p := range strings.FieldsFuncSeq(c.text("former_names"), func(r rune) bool { return strings.ContainsRune("；;、，,/\n", r) }) {
		if p = strings.TrimSpace(p); p != "" {
			e.FormerNames = append(e.FormerNames, p)
		}
	}
	e.Address, e.Area, e.Industry = c.text("address"), c.text("area"), c.text("industry")

	rowYear := c.year("year")
	if rowYear == 0 {
		rowYear = c.rd.head.Year
	}
	var years []plan.EnterpriseYear
	yearOf := func(y int) *plan.EnterpriseYear {
		for k := range years {
			if years[k].Year == y {
				return &years[k]
			}
		}
		years = append(years, plan.EnterpriseYear{Year: y})
		return &years[len(years)-1]
	}
	for _, field := range []string{"revenue", "rd"} {
		for _, i := range c.rd.byField[field] {
			d := c.amount(i, "")
			if d == nil {
				continue
			}
			y := c.rd.cols[i].Year
			if y == 0 {
				y = rowYear
			}
			if y == 0 {
				c.problem(i, "不知是哪一年的：请在表头写上年份（如 2022年%s）或加一列年度", c.rd.cols[i].Label)
				continue
			}
			if field == "revenue" {
				yearOf(y).Revenue = d
			} else {
				yearOf(y).RD = d
			}
		}
	}
	e.Years = years

	e.RDKind = c.text("rd_kind")
	if s := c.text("rd_level"); s != "" {
		if l, ok := normLevel(s); ok {
			e.RDLevel = l
		} else {
			c.warn(c.col("rd_level"), "“%s” 不是市级、省级或国家级，按原文保留", s)
			e.RDLevel = s
		}
	}
	if s := c.text("rd_institute"); s != "" {
		yes, ok := yesNo(s)
		switch {
		case ok:
			e.RDInstitute = yes
		default: // the cell names the institution's kind: 企业技术中心
			e.RDInstitute = true
			if e.RDKind == "" {
				e.RDKind = s
			}
		}
	}
	if e.RDKind != "" || e.RDLevel != "" {
		e.RDInstitute = true
	}
	if e.RDLevel == "" && e.RDKind != "" {
		e.RDLevel, _ = levelPrefix(e.RDKind)
	}

	var lists []string
	li := c.col("list")
	if s := c.text("list"); s != "" {
		for _, name := range splitNames(strings.ReplaceAll(strings.ReplaceAll(s, "，", "、"), ",", "、")) {
			if l, ok := normList(name); ok {
				lists = append(lists, l)
			} else {
				c.warn(li, "“%s” 不是培育库、独角兽、瞪羚、科贷通备选、拟上市后备之一，未记入名单", name)
			}
		}
	} else if c.rd.head.List != "" {
		lists = []string{c.rd.head.List}
	}
	entered, left := c.date("entered"), c.date("left")
	if entered == "" {
		entered = c.rd.head.Date
	}
	for _, l := range lists {
		if entered == "" {
			c.row.Problems = append(c.row.Problems, plan.RowProblem{Column: c.name(c.col("entered"), "entered"),
				Message: "“" + l + "”名单需要入库日期（可在导入时指定名单的日期）"})
			break
		}
		e.Memberships = append(e.Memberships, plan.Membership{List: l, Entered: entered, Left: left})
	}
	if left != "" && entered != "" && left < entered {
		c.problem(c.col("left"), "出库日期 %s 早于入库日期 %s", left, entered)
	}
	return e
}

// normList names a membership list as kechuang does.
func normList(s string) (string, bool) {
	switch {
	case strings.Contains(s, "培育"):
		return plan.ListIncubation, true
	case strings.Contains(s, "独角兽"):
		return plan.ListUnicorn, true
	case strings.Contains(s, "瞪羚"):
		return plan.ListGazelle, true
	case strings.Contains(s, "科贷通"):
		return plan.ListLoan, true
	case strings.Contains(s, "上市"):
		return plan.ListIPO, true
	}
	return "", false
}

// revokedStatus are 状态 texts that say a record no longer holds.
var revokedStatus = regexp.MustCompile(`撤销|取消|移出|注销|失效|无效`)

// sme reads a 科技型中小企业 入库 row. Its year is the 年度 column's, else
// the year given at import, else its date's, else the title's.
func (c *rowCtx) sme() any {
	s := &plan.SMERecord{Origin: c.row.Origin}
	s.USCC = c.uscc("uscc", usccRequired)
	s.Name = c.required("name")
	s.RegNo = c.code("reg_no")
	if s.RegNo == "" {
		c.missing("reg_no")
	}
	s.Batch = c.text("batch")
	if s.Batch == "" && c.col("batch") < 0 {
		s.Batch = c.rd.head.Batch
	}
	s.Date = c.date("date")
	if s.Date == "" && c.col("date") < 0 {
		s.Date = c.rd.head.Date
	}
	s.Revoked = c.date("revoked")
	s.Status = c.text("status")
	s.Area = c.text("area")
	s.Year = c.year("year")
	switch {
	case s.Year != 0:
	case c.rd.opts.Year != 0:
		s.Year = c.rd.opts.Year
	case s.Date != "":
		s.Year = atoiPrefix(s.Date)
	default:
		s.Year = c.rd.head.Year
	}
	if s.Year == 0 {
		c.row.Problems = append(c.row.Problems, plan.RowProblem{Column: c.name(c.col("year"), "year"),
			Message: "不知是哪一年的入库记录：请加一列年度，或在导入时指定年度"})
	}
	if s.Revoked != "" && s.Date != "" && s.Revoked < s.Date {
		c.problem(c.col("revoked"), "撤销日期 %s 早于入库日期 %s", s.Revoked, s.Date)
	}
	if s.Revoked == "" && revokedStatus.MatchString(s.Status) {
		c.warn(c.col("status"), "状态为“%s”，但没有撤销日期", s.Status)
	}
	return s
}

func atoiPrefix(date string) int {
	y := 0
	for _, r := range date[:min(4, len(date))] {
		y = y*10 + int(r-'0')
	}
	return y
}

// certNo is GR + year + 2-digit province + 6-digit serial.
var certNo = regexp.MustCompile(`^GR(19|20)[0-9]{2}[0-9]{2}[0-9]{6}$`)

// hightech reads a 高新技术企业 certificate. A list without 统一社会信用代码
// (the published 认定名单 has none) is kept: the store attributes it by
// name.
func (c *rowCtx) hightech() any {
	h := &plan.HighTechCert{Origin: c.row.Origin}
	h.USCC = c.uscc("uscc", usccKey)
	h.Name = c.required("name")
	h.CertNo = c.code("cert_no")
	switch {
	case h.CertNo == "":
		c.missing("cert_no")
	case !certNo.MatchString(h.CertNo):
		c.warn(c.col("cert_no"), "“%s” 不像高新技术企业证书编号（GR + 年份 + 2位省份代码 + 6位序号，如 GR202236000123）", h.CertNo)
	}
	h.Issued = c.date("issued")
	ei := c.col("expires")
	if s := c.cell(ei); s != "" && !nothing(s) {
		// 有效期 may be a span: 2022.12.04-2025.12.03, 2022年12月4日至2025年12月3日.
		if ds := datesIn(s); len(ds) == 2 {
			if h.Issued == "" {
				h.Issued = ds[0]
			}
			h.Expires = ds[1]
		} else if d, ok := parseDate(s); ok {
			h.Expires = d
		} else if !strings.Contains(s, "3年") && !strings.Contains(s, "三年") {
			c.problem(ei, "%s", dateMsg(s))
		}
	}
	if h.Issued == "" && c.col("issued") < 0 {
		h.Issued = c.rd.head.Date
	}
	if h.Issued == "" && c.empty("issued") {
		c.missing("issued")
	}
	if h.Expires == "" && h.Issued != "" {
		h.Expires = addYears(h.Issued, 3)
	}
	if h.Expires != "" && h.Issued != "" && h.Expires <= h.Issued {
		c.problem(ei, "有效期至 %s 不晚于发证日期 %s", h.Expires, h.Issued)
	}
	h.Cancelled = c.date("cancelled")
	h.Status = c.text("status")
	h.Area = c.text("area")
	if h.Cancelled == "" && revokedStatus.MatchString(h.Status) {
		c.warn(c.col("status"), "状态为“%s”，但没有取消日期", h.Status)
	}
	return h
}

// contractTypes maps how lists write a contract's type to the five kinds
// of 技术合同认定规则 (技术培训 and 技术中介 are kinds of 技术服务).
var contractTypes = []struct{ word, kind string }{
	{"开发", "开发"}, {"转让", "转让"}, {"许可", "许可"}, {"咨询", "咨询"},
	{"服务", "服务"}, {"培训", "服务"}, {"中介", "服务"},
}

// contractNo: a 合同登记号 is 16 digits.
func contractNo(s string) bool { return len(s) == 16 && allDigits(s) }

// contract reads a 技术合同登记 row.
func (c *rowCtx) contract() any {
	k := &plan.Contract{Origin: c.row.Origin}
	k.RegNo = c.code("reg_no")
	switch {
	case k.RegNo == "":
		c.missing("reg_no")
	case !contractNo(k.RegNo):
		c.warn(c.col("reg_no"), "“%s” 不是16位数字的合同登记号", k.RegNo)
	}
	k.Project = c.text("project")
	k.Seller = plan.ContractParty{Name: c.required("seller_name"), USCC: c.uscc("seller_uscc", usccParty), Area: c.text("seller_area")}
	k.Buyer = plan.ContractParty{Name: c.text("buyer_name"), USCC: c.uscc("buyer_uscc", usccParty), Area: c.text("buyer_area")}
	if s := c.text("type"); s != "" {
		for _, t := range contractTypes {
			if strings.Contains(s, t.word) {
				k.Type = t.kind
				break
			}
		}
		if k.Type == "" {
			c.problem(c.col("type"), "“%s” 不是技术开发、转让、许可、咨询或服务合同", s)
		}
	}
	ai := c.col("amount")
	if d, ok := c.amountValue(ai, "money_unit"); ok {
		k.Amount = d
	} else if c.empty("amount") {
		c.missing("amount")
	}
	k.TechAmount = c.amount(c.col("tech_amount"), "money_unit")
	if k.TechAmount != nil && k.TechAmount.Cmp(k.Amount) > 0 && len(c.row.Problems) == 0 {
		c.warn(c.col("tech_amount"), "技术交易额 %s 万元大于成交额 %s 万元", k.TechAmount, k.Amount)
	}
	k.Registered = c.date("registered")
	if k.Registered == "" && c.empty("registered") {
		c.missing("registered")
	}
	return k
}

// normPatentNo writes a patent number as ZL202210123456.7 and tells its
// type from the number: the fifth digit (the third before 2003) is 1 for
// 发明, 2 实用新型, 3 外观设计, 8 and 9 for PCT inventions and utility models.
func normPatentNo(s string) (string, string, bool) {
	t := s
	if plainCode(t) {
		t = strings.ReplaceAll(t, ".", "")
	} else {
		t = strings.Map(func(r rune) rune {
			if isBlank(r) || r == '.' || r == '·' || r == '•' {
				return -1
			}
			return r
		}, narrow(s))
	}
	t = strings.ToUpper(t)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "ZL"), "CN")
	// An application number (12 digits, or 8 before 2003) and its check
	// digit (0–9 or X).
	if len(t) != 13 && len(t) != 9 || !allDigits(t[:len(t)-1]) || !(t[len(t)-1] == 'X' || t[len(t)-1] >= '0' && t[len(t)-1] <= '9') {
		return t, "", false
	}
	app, check := t[:len(t)-1], t[len(t)-1:]
	digit := app[4]
	if len(app) == 8 {
		digit = app[2]
	}
	typ := ""
	switch digit {
	case '1', '8':
		typ = plan.PatentInvention
	case '2', '9':
		typ = plan.PatentUtility
	case '3':
		typ = plan.PatentDesign
	}
	return "ZL" + app + "." + check, typ, true
}

func normPatentType(s string) string {
	switch {
	case strings.Contains(s, "发明"):
		return plan.PatentInvention
	case strings.Contains(s, "实用"):
		return plan.PatentUtility
	case strings.Contains(s, "外观"):
		return plan.PatentDesign
	}
	return ""
}

// A holder outside the mainland is marked by a company form of another
// country (株式会社, GmbH, Inc.) or by a place at the start of its name or
// in brackets (香港科技大学, 某某公司（日本）). 国内 in patent statistics
// excludes Hong Kong, Macao and Taiwan.
var (
	foreignForms  = []string{"株式会社", "株式會社", "有限会社"}
	foreignWords  = map[string]bool{"GMBH": true, "INC": true, "CORP": true, "CORPORATION": true, "LLC": true, "LTD": true, "LIMITED": true, "AG": true, "PLC": true, "KK": true}
	foreignPlaces = []string{"香港", "澳门", "澳門", "台湾", "臺灣", "台灣", "美国", "日本", "韩国", "德国", "英国", "法国", "瑞士", "荷兰",
		"瑞典", "意大利", "新加坡", "加拿大", "澳大利亚", "芬兰", "丹麦", "比利时", "奥地利", "以色列", "印度", "卢森堡", "开曼", "英属维尔京"}
)

// domesticName infers whether a holder is domestic from its name: a name
// in Chinese characters with no foreign marker.
func domesticName(name string) bool {
	if !strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return false
	}
	up := strings.ToUpper(narrow(name))
	for _, f := range foreignForms {
		if strings.Contains(up, f) {
			return false
		}
	}
	if strings.ContainsFunc(up, func(r rune) bool { return r >= 'A' && r <= 'Z' }) {
		for w := range strings.FieldsFuncSeq(up, func(r rune) bool { return r < 'A' || r > 'Z' }) {
			if foreignWords[w] {
				return false
			}
		}
	}
	bracket := strings.IndexByte(up, '(') >= 0
	for i, p := range foreignPlaces {
		if strings.HasPrefix(up, p) || bracket && strings.Contains(up, bracketedPlaces[i]) {
			return false
		}
	}
	return true
}

// bracketedPlaces are the foreign places as a name brackets them: (日本.
var bracketedPlaces = func() []string {
	out := make([]string, len(foreignPlaces))
	for i, p := range foreignPlaces {
		out[i] = "(" + p
	}
	return out
}()

// domesticCountry reads a 国别 cell: 中国, CN, a province's code (36) or
// name are domestic; 中国香港, HK, US … are not. ok is false when the cell
// says nothing.
func domesticCountry(s string) (domestic, ok bool) {
	k := strings.ToUpper(normKey(s))
	switch {
	case k == "":
		return false, false
	case strings.ContainsAny(k, "0123456789") && !strings.ContainsFunc(k, func(r rune) bool { return r >= 'A' && r <= 'Z' }):
		return true, true // 国省代码: 36, 江西;36
	case strings.Contains(k, "香港") || strings.Contains(k, "澳门") || strings.Contains(k, "台湾") || k == "HK" || k == "MO" || k == "TW":
		return false, true
	case k == "CN" || k == "CHN" || strings.HasPrefix(k, "中国") || strings.HasSuffix(k, "省") || strings.HasSuffix(k, "自治区") || strings.HasSuffix(k, "市"):
		return true, true
	}
	return false, true
}

// patent reads a granted patent.
func (c *rowCtx) patent() any {
	p := &plan.Patent{Origin: c.row.Origin}
	ni := c.col("number")
	raw := c.cell(ni)
	if raw == "" || nothing(raw) {
		c.missing("number")
	}
	num, typ, ok := normPatentNo(raw)
	p.Number = num
	if raw != "" && !ok {
		c.warn(ni, "“%s” 不像专利号（应为 ZL + 12位申请号 + 校验位，如 ZL202210123456.7）", raw)
	}
	p.Title = c.text("title")
	if s := c.text("type"); s != "" {
		p.Type = normPatentType(s)
		if p.Type == "" {
			c.problem(c.col("type"), "“%s” 不是发明、实用新型或外观设计", s)
		} else if typ != "" && typ != p.Type {
			c.warn(c.col("type"), "专利类型为%s，专利号却是%s专利的号码", p.Type, typ)
		}
	} else {
		p.Type = typ
		if p.Type == "" && raw != "" {
			c.problem(ni, "不知专利类型：请加一列专利类型")
		}
	}
	names := splitNames(c.text("holders"))
	if len(names) == 0 {
		c.missing("holders")
	}
	var codes []string
	ui := c.col("holder_uscc")
	for _, s := range splitNames(c.cell(ui)) {
		if nothing(s) {
			s = ""
		}
		codes = append(codes, s)
	}
	if len(codes) > 1 && len(codes) != len(names) {
		c.warn(ui, "有%d个专利权人，却有%d个信用代码，未使用", len(names), len(codes))
		codes = nil
	}
	country, countrySays := domesticCountry(c.text("country"))
	for k, name := range names {
		h := plan.PatentHolder{Name: name, Domestic: domesticName(name)}
		if countrySays {
			h.Domestic = country
		}
		if k < len(codes) && codes[k] != "" {
			code := normUSCC(codes[k])
			err := plan.CheckUSCC(code)
			switch {
			case err == nil:
				h.USCC = code
			case errors.Is(err, plan.ErrUSCCCheck):
				h.USCC = code
				c.warn(ui, "“%s” %s", codes[k], strings.TrimPrefix(err.Error(), "统一社会信用代码"))
			default:
				c.warn(ui, "“%s” %s，未使用", codes[k], strings.TrimPrefix(err.Error(), "统一社会信用代码"))
			}
		}
		p.Holders = append(p.Holders, h)
	}
	p.Granted = c.date("granted")
	if p.Granted == "" && c.empty("granted") {
		c.missing("granted")
	}
	p.Status = c.text("status")
	li := c.col("lapsed")
	if s := c.cell(li); s != "" && !nothing(s) {
		// 失效日期/法律状态 share a column in some lists: text is a status.
		if d, ok := parseDate(s); ok {
			p.Lapsed = d
		} else if p.Status == "" && !strings.ContainsAny(narrow(s), "0123456789") {
			p.Status = s
		} else {
			c.problem(li, "%s", dateMsg(s))
		}
	}
	if p.Lapsed != "" && p.Granted != "" && p.Lapsed < p.Granted {
		c.problem(li, "失效日期 %s 早于授权公告日 %s", p.Lapsed, p.Granted)
	}
	return p
}

// platform reads a 研发平台 or 创新载体. Its level comes from the 级别
// column, else from its kind (省级工程技术研究中心); whether it was 认定 or
// 备案 from its column, else from the date's header (备案日期).
func (c *rowCtx) platform() any {
	p := &plan.Platform{Origin: c.row.Origin}
	p.Name = c.required("name")
	p.Kind = c.text("kind")
	if s := c.text("level"); s != "" {
		l, ok := normLevel(s)
		if !ok {
			c.problem(c.col("level"), "“%s” 不是国家级、省级、市级或区级", s)
		}
		p.Level = l
	} else if l, ok := levelPrefix(p.Kind); ok {
		p.Level = l
	} else {
		c.row.Problems = append(c.row.Problems, plan.RowProblem{Column: c.name(c.col("level"), "level"),
			Message: "不知级别：请填写国家级、省级、市级或区级"})
	}
	di := c.col("decided")
	switch s := c.text("mode"); {
	case strings.Contains(s, "备案"):
		p.Mode = "备案"
	case strings.Contains(s, "认定") || strings.Contains(s, "批准") || strings.Contains(s, "获批"):
		p.Mode = "认定"
	case s != "":
		c.warn(c.col("mode"), "“%s” 不是认定或备案", s)
	case di >= 0 && strings.Contains(c.rd.cols[di].Header, "备案") && !strings.Contains(c.rd.cols[di].Header, "认定"):
		p.Mode = "备案"
	case di >= 0 && strings.Contains(c.rd.cols[di].Header, "认定") && !strings.Contains(c.rd.cols[di].Header, "备案"):
		p.Mode = "认定"
	}
	p.Decided = c.date("decided")
	if p.Decided == "" && c.empty("decided") {
		c.missing("decided")
	}
	p.HostName = c.text("host_name")
	p.HostUSCC = c.uscc("host_uscc", usccParty)
	p.Area = c.text("area")
	return p
}

// indicators are the statistics kechuang computes with, as published.
var indicators = map[string]string{
	"地区生产总值": plan.StatGDP, "GDP": plan.StatGDP, "地区生产总值GDP": plan.StatGDP, "生产总值": plan.StatGDP,
	"国内生产总值": plan.StatGDP, "地区GDP": plan.StatGDP, "GDP总量": plan.StatGDP,
	"R&D经费内部支出": plan.StatRD, "研发经费内部支出": plan.StatRD, "R&D经费支出": plan.StatRD,
	"研究与试验发展经费内部支出": plan.StatRD, "研究与试验发展R&D经费内部支出": plan.StatRD, "全社会R&D经费支出": plan.StatRD,
	"全社会R&D经费投入": plan.StatRD, "全社会研发经费投入": plan.StatRD, "R&D经费投入": plan.StatRD, "研发经费投入": plan.StatRD,
	"全社会研发经费支出": plan.StatRD, "R&D经费": plan.StatRD, "研发经费支出": plan.StatRD,
	"常住人口": plan.StatPopulation, "年末常住人口": plan.StatPopulation, "常住人口数": plan.StatPopulation,
	"年末常住人口数": plan.StatPopulation, "常住人口总数": plan.StatPopulation,
}

var (
	preliminary = regexp.MustCompile(`初步|快报|预计|预估|初核|初算`)
	final       = regexp.MustCompile(`正式|最终|终核|核实|年报|年鉴|公报`)
)

// statistic reads an official figure. The value's unit is the 计量单位
// column's, else the value header's (数值（亿元）), else the one written
// with the indicator (地区生产总值（亿元）), else the caption's, else 万元
// (万人 for population).
func (c *rowCtx) statistic() any {
	s := &plan.Statistic{Origin: c.row.Origin, Final: true}
	s.Area = c.text("area")
	if totalRow[normKey(s.Area)] || s.Area == "全区" {
		s.Area = "" // the whole area
	}
	ii := c.col("indicator")
	written := c.text("indicator")
	var textUnit *unit
	if written == "" {
		c.missing("indicator")
	} else {
		k := normKey(written)
		for _, g := range bracketGroup.FindAllString(k, -1) {
			if u, ok := parseUnit(strings.Trim(g, "()")); ok {
				textUnit = &u
			}
		}
		base := bracketGroup.ReplaceAllString(k, "")
		if y := headerYear.FindString(base); y != "" {
			base = base[len(y):]
		}
		if u, b, ok := cutBareUnit(base); ok {
			textUnit, base = &u, b
		}
		s.Indicator = indicators[base]
		if s.Indicator == "" {
			c.problem(ii, "“%s” 不是可导入的指标（地区生产总值、R&D经费内部支出、常住人口）", written)
		}
		if preliminary.MatchString(written) {
			s.Final = false
		}
	}
	s.Year = c.year("year")
	if s.Year == 0 {
		s.Year = c.rd.head.Year
	}
	if s.Year == 0 {
		c.missing("year")
	}
	if st := c.text("final"); st != "" {
		switch {
		case preliminary.MatchString(st):
			s.Final = false
		case final.MatchString(st):
			s.Final = true
		default:
			c.warn(c.col("final"), "“%s” 不是初步或正式，按正式数读取", st)
		}
	}
	s.Source = c.text("source")

	vi := c.col("value")
	raw := c.cell(vi)
	if raw == "" || nothing(raw) {
		c.missing("value")
		return s
	}
	n, cellUnit, ok := parseAmount(raw)
	if !ok {
		c.problem(vi, "“%s” 不是数字", raw)
		return s
	}
	want := dimMoney
	if s.Indicator == plan.StatPopulation {
		want = dimPeople
	}
	u, known := c.statUnit(vi, textUnit, cellUnit, want)
	if !known {
		return s
	}
	if u.dim != want {
		c.problem(vi, "%s的单位不能是%s", s.Indicator, u.label)
		return s
	}
	if n.neg {
		c.problem(vi, "“%s” 不能为负数", raw)
		return s
	}
	d, reason := n.decimal(u)
	if reason != "" {
		c.problem(vi, "“%s” %s", raw, reason)
		return s
	}
	s.Value = d
	return s
}

func (c *rowCtx) statUnit(vi int, textUnit, cellUnit *unit, want dimension) (unit, bool) {
	if cellUnit != nil {
		if want == dimPeople && cellUnit.label == "万元" {
			return units["万人"], true // "12.3万" of people
		}
		return *cellUnit, true
	}
	if j := c.col("measure_unit"); j >= 0 && c.cell(j) != "" {
		u, ok := parseUnit(c.cell(j))
		if !ok {
			c.problem(j, "“%s” 不是可识别的单位", c.cell(j))
		}
		return u, ok
	}
	if vi >= 0 && c.rd.cols[vi].unit != nil {
		return *c.rd.cols[vi].unit, true
	}
	if textUnit != nil {
		return *textUnit, true
	}
	if want == dimPeople {
		return units["万人"], true
	}
	return c.rd.money, true
}
