package register

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// Field is a column a list of some kind may have. The web page renders its
// mapping form from Fields; the CLI's --map names fields by Name or Label.
type Field struct {
	Name     string   `json:"name"`     // as in a mapping: "uscc", "amount"
	Label    string   `json:"label"`    // Chinese, as the form shows it
	Required bool     `json:"required"` // a list without this column cannot be read (see Notes for stand-ins)
	Aliases  []string `json:"aliases"`  // header texts recognised, the usual one first
	Note     string   `json:"note,omitempty"`

	money    bool // an amount: the header may name its unit, 成交额（万元）
	date     bool
	withYear bool // the header may carry the year: 2021年营业收入
}

// Field names shared by several kinds.
const (
	fSeq    = "seq"    // 序号: read past
	fIgnore = "ignore" // a column the mapping tells the reader to skip
)

var (
	usccAliases = []string{"统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "统一代码",
		"企业统一社会信用代码", "单位统一社会信用代码", "统一社会信用代码(注册号)"}
	nameAliases = []string{"企业名称", "单位名称", "企业(单位)名称", "公司名称", "企业全称", "名称", "企业"}
	areaAliases = []string{"所属街道", "所在街道", "属地", "所在镇街", "所属镇街", "所在地区", "所属地区", "地区",
		"所属区域", "所在区域", "街道", "镇街", "街镇", "乡镇街道", "所属街镇", "所在街镇", "属地街道",
		"所属乡镇(街道)", "所在乡镇(街道)", "街道(镇)", "所属镇(街道)", "所在镇(街道)", "归属地"}
	seqAliases = []string{"序号", "排序", "序", "NO.", "NO"}
)

func uscc(label string, required bool) Field {
	return Field{Name: "uscc", Label: label, Required: required, Aliases: usccAliases}
}

// prefixed builds the header names of a contract party's columns: 卖方 ×
// 统一社会信用代码 → 卖方统一社会信用代码, 技术输出方统一社会信用代码 ….
func prefixed(prefixes, bases []string) []string {
	var out []string
	for _, p := range prefixes {
		for _, b := range bases {
			out = append(out, p+b)
		}
	}
	return out
}

var (
	sellers   = []string{"卖方", "技术输出方", "输出方", "卖方单位", "技术卖方"}
	buyers    = []string{"买方", "技术吸纳方", "吸纳方", "买方单位", "技术买方"}
	partyName = []string{"", "名称", "单位名称", "企业名称"}
	partyArea = []string{"地区", "所在地区", "所属地区", "所在地", "所属街道", "所在街道", "属地", "所在镇街", "区域", "所在区域"}
)

// fields lists each kind's columns in the order the mapping form shows them.
var fields = map[plan.RegisterKind][]Field{
	plan.RegEnterprises: {
		uscc("统一社会信用代码", true),
		{Name: "name", Label: "企业名称", Required: true, Aliases: nameAliases},
		{Name: "former_names", Label: "曾用名", Aliases: []string{"曾用名", "原名称", "曾用名称", "原企业名称"}},
		{Name: "address", Label: "注册地址", Aliases: []string{"注册地址", "地址", "企业地址", "注册地", "住所", "经营地址",
			"通讯地址", "通信地址", "生产经营地址", "详细地址"}},
		{Name: "area", Label: "所属街道（属地）", Aliases: areaAliases},
		{Name: "industry", Label: "所属行业", Aliases: []string{"所属行业", "行业", "行业类别", "行业分类", "国民经济行业分类", "所属领域"}},
		{Name: "year", Label: "年度", Aliases: []string{"年度", "年份", "数据年度", "统计年度"},
			Note: "营业收入、研发费用所属的年度；表头写了年份（如 2021年营业收入）时不需要"},
		{Name: "revenue", Label: "营业收入", Aliases: []string{"营业收入", "主营业务收入", "营收", "年营业收入", "营业总收入", "销售收入"},
			money: true, withYear: true},
		{Name: "rd", Label: "研发费用", Aliases: []string{"研发费用", "研发投入", "R&D经费", "研究开发费用", "研发经费",
			"研发费用总额", "R&D经费支出", "研发经费支出"}, money: true, withYear: true},
		{Name: "rd_institute", Label: "是否建有研发机构", Aliases: []string{"研发机构", "是否建有研发机构", "有无研发机构",
			"是否有研发机构", "研发机构情况", "建有研发机构"}},
		{Name: "rd_kind", Label: "研发机构类型", Aliases: []string{"研发机构类型", "研发机构类别", "机构类型"}},
		{Name: "rd_level", Label: "研发机构级别", Aliases: []string{"研发机构级别", "机构级别", "研发机构层级"}},
		{Name: "list", Label: "名单（培育库、瞪羚…）", Aliases: []string{"名单", "名单类别", "入选名单", "所属名单", "类别",
			"企业类别", "入库类别", "库别", "企业类型"}, Note: "名单写在标题里（如 高新技术企业培育库入库名单）时不需要"},
		{Name: "entered", Label: "入库日期", Aliases: []string{"入库日期", "入库时间", "入选日期", "入选时间", "纳入日期",
			"进入日期", "认定日期", "认定时间"}, date: true},
		{Name: "left", Label: "出库日期", Aliases: []string{"出库日期", "出库时间", "退出日期", "退出时间", "移出日期", "移出时间"}, date: true},
	},
	plan.RegSMEs: {
		uscc("统一社会信用代码", true),
		{Name: "name", Label: "企业名称", Required: true, Aliases: nameAliases},
		{Name: "reg_no", Label: "入库登记编号", Required: true, Aliases: []string{"入库登记编号", "登记编号", "入库编号",
			"科技型中小企业入库登记编号", "评价入库登记编号", "入库登记号", "登记号"}},
		{Name: "year", Label: "年度", Aliases: []string{"年度", "年份", "入库年度", "评价年度", "评价年份"},
			Note: "没有这一列时取导入时指定的年度，再取入库日期的年份，再取标题中的年份（如 2022年第一批…）"},
		{Name: "batch", Label: "批次", Aliases: []string{"批次", "入库批次", "公示批次", "批次号"}},
		{Name: "date", Label: "入库日期", Aliases: []string{"入库日期", "公示日期", "入库时间", "公示时间", "入库登记日期", "登记日期"}, date: true},
		{Name: "revoked", Label: "撤销日期", Aliases: []string{"撤销日期", "撤销时间", "移出日期", "取消日期", "取消入库日期"}, date: true},
		{Name: "status", Label: "状态", Aliases: []string{"状态", "入库状态"}},
		{Name: "area", Label: "所属街道（属地）", Aliases: areaAliases},
	},
	plan.RegHighTech: {
		{Name: "cert_no", Label: "证书编号", Required: true, Aliases: []string{"证书编号", "高新技术企业证书编号", "证书号", "证书号码"}},
		{Name: "name", Label: "企业名称", Required: true, Aliases: nameAliases},
		uscc("统一社会信用代码", false),
		{Name: "issued", Label: "发证日期", Required: true, Aliases: []string{"发证日期", "认定日期", "发证时间", "认定时间",
			"证书日期", "颁发日期", "批准日期"}, date: true, Note: "没有这一列时取导入时指定的日期"},
		{Name: "expires", Label: "有效期至", Aliases: []string{"有效期至", "有效期", "到期日期", "证书有效期", "有效截止日期",
			"有效期截止", "截止日期", "到期时间"}, date: true, Note: "没有这一列时为发证日期后3年"},
		{Name: "cancelled", Label: "取消日期", Aliases: []string{"取消日期", "撤销日期", "取消资格日期", "取消时间", "撤销时间"}, date: true},
		{Name: "status", Label: "状态", Aliases: []string{"状态", "证书状态", "资格状态"}},
		{Name: "area", Label: "所属街道（属地）", Aliases: areaAliases},
	},
	plan.RegContracts: {
		{Name: "reg_no", Label: "合同登记号", Required: true, Aliases: []string{"合同登记号", "登记号", "合同登记编号", "技术合同登记号", "登记编号"}},
		{Name: "project", Label: "项目名称", Aliases: []string{"项目名称", "合同名称", "技术合同名称"}},
		{Name: "seller_name", Label: "卖方名称（技术输出方）", Required: true, Aliases: prefixed(sellers, partyName)},
		{Name: "seller_uscc", Label: "卖方统一社会信用代码", Aliases: prefixed(sellers, usccAliases[:3])},
		{Name: "seller_area", Label: "卖方所在地区", Aliases: prefixed(sellers, partyArea)},
		{Name: "buyer_name", Label: "买方名称（技术吸纳方）", Aliases: prefixed(buyers, partyName)},
		{Name: "buyer_uscc", Label: "买方统一社会信用代码", Aliases: prefixed(buyers, usccAliases[:3])},
		{Name: "buyer_area", Label: "买方所在地区", Aliases: prefixed(buyers, partyArea)},
		{Name: "type", Label: "合同类型", Aliases: []string{"合同类型", "合同类别", "技术合同类型", "技术合同类别", "类型", "类别"}},
		{Name: "amount", Label: "成交额", Required: true, Aliases: []string{"成交额", "合同成交额", "成交金额", "合同成交金额",
			"合同金额", "合同额", "成交总额"}, money: true},
		{Name: "tech_amount", Label: "技术交易额", Aliases: []string{"技术交易额", "技术交易金额", "其中技术交易额", "其中:技术交易额"}, money: true},
		{Name: "registered", Label: "登记日期", Required: true, Aliases: []string{"登记日期", "登记时间", "认定登记日期",
			"合同登记日期", "登记认定日期", "认定日期"}, date: true},
		{Name: "money_unit", Label: "计量单位", Aliases: []string{"计量单位", "单位", "金额单位"}},
	},
	plan.RegPatents: {
		{Name: "number", Label: "专利号", Required: true, Aliases: []string{"专利号", "申请号", "专利申请号", "申请号/专利号",
			"专利号/申请号", "授权专利号"}},
		{Name: "title", Label: "专利名称", Aliases: []string{"专利名称", "发明名称", "发明创造名称", "名称", "专利标题", "标题"}},
		{Name: "type", Label: "专利类型", Aliases: []string{"专利类型", "专利类别", "专利种类", "类型", "类别"},
			Note: "没有这一列时由专利号推出（第5位：1 发明、2 实用新型、3 外观设计）"},
		{Name: "holders", Label: "专利权人", Required: true, Aliases: []string{"专利权人", "权利人", "专利权人名称", "申请人",
			"申请(专利权)人", "专利权人(申请人)", "当前专利权人", "申请人/专利权人"}, Note: "多个专利权人以；或、分隔"},
		{Name: "holder_uscc", Label: "专利权人统一社会信用代码", Aliases: append([]string{"专利权人统一社会信用代码"}, usccAliases...)},
		{Name: "country", Label: "国别", Aliases: []string{"国别", "国家", "国别/地区", "国家/地区", "专利权人国别", "申请人国别", "国省代码"}},
		{Name: "granted", Label: "授权公告日", Required: true, Aliases: []string{"授权公告日", "授权日", "授权日期", "授权公告日期",
			"公告日", "授权时间", "授权公告时间"}, date: true},
		{Name: "lapsed", Label: "失效日期", Aliases: []string{"失效日期", "终止日期", "失效日", "权利终止日期", "失效时间"}, date: true},
		{Name: "status", Label: "法律状态", Aliases: []string{"法律状态", "当前法律状态", "专利状态", "状态", "有效性"}},
	},
	plan.RegPlatforms: {
		{Name: "name", Label: "平台名称", Required: true, Aliases: []string{"平台名称", "名称", "载体名称", "平台(载体)名称",
			"机构名称", "研发平台名称", "创新载体名称", "平台载体名称"}},
		{Name: "kind", Label: "平台类型", Aliases: []string{"平台类型", "平台类别", "载体类型", "载体类别", "平台(载体)类型", "类型", "类别"}},
		{Name: "level", Label: "级别", Required: true, Aliases: []string{"级别", "平台级别", "认定级别", "层级", "等级"},
			Note: "没有这一列时由平台类型推出（如 省级工程技术研究中心）"},
		{Name: "mode", Label: "认定或备案", Aliases: []string{"认定或备案", "认定/备案", "认定方式", "备案或认定", "方式", "认定类型"}},
		{Name: "decided", Label: "认定（备案）日期", Required: true, Aliases: []string{"认定日期", "备案日期", "批准日期", "获批日期",
			"认定时间", "备案时间", "获批时间", "批准时间", "认定(备案)日期", "认定(备案)时间", "发文日期", "日期"}, date: true},
		{Name: "host_name", Label: "依托单位", Aliases: []string{"依托单位", "依托单位名称", "建设单位", "运营单位", "运营主体",
			"依托企业", "承建单位", "依托主体", "建设主体", "所属企业"}},
		{Name: "host_uscc", Label: "依托单位统一社会信用代码", Aliases: append([]string{"依托单位统一社会信用代码", "依托单位信用代码"}, usccAliases...)},
		{Name: "area", Label: "所属街道（属地）", Aliases: areaAliases},
	},
	plan.RegStatistics: {
		{Name: "area", Label: "地区", Aliases: []string{"地区", "区域", "街道", "所属街道", "镇街", "区县", "县区", "县(区)",
			"县(市、区)", "所在地区", "单位名称"}, Note: "没有这一列或为空时是全区的数"},
		{Name: "indicator", Label: "指标", Required: true, Aliases: []string{"指标", "指标名称", "项目", "统计指标"},
			Note: "地区生产总值（GDP）、R&D经费内部支出、常住人口"},
		{Name: "year", Label: "年份", Required: true, Aliases: []string{"年份", "年度", "统计年度", "年"},
			Note: "没有这一列时取导入时指定的年度，再取标题中的年份"},
		{Name: "value", Label: "数值", Required: true, Aliases: []string{"数值", "数据", "值", "绝对值", "指标值", "总量", "数量", "金额"}, money: true},
		{Name: "measure_unit", Label: "计量单位", Aliases: []string{"计量单位", "单位", "金额单位"}},
		{Name: "source", Label: "来源", Aliases: []string{"来源", "数据来源", "资料来源", "出处"}},
		{Name: "final", Label: "初步或正式", Aliases: []string{"数据状态", "状态", "数据类型", "数据性质", "是否正式", "口径", "类型"},
			Note: "初步、快报为初步数，正式、最终为正式数；没有这一列时为正式数"},
	},
}

// Fields lists the columns a list of the kind may have, in form order.
func Fields(kind plan.RegisterKind) []Field { return fields[kind] }

func fieldOf(kind plan.RegisterKind, name string) (Field, bool) {
	for _, f := range fields[kind] {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// aliasIndex maps each kind's normalised header names to (field, rank): the
// rank is the alias's place in its list, so 注册地址 beats 经营地址 when a
// list has both.
type aliasHit struct {
	field string
	rank  int
}

var aliasIndex = func() map[plan.RegisterKind]map[string]aliasHit {
	idx := map[plan.RegisterKind]map[string]aliasHit{}
	for kind, fs := range fields {
		m := map[string]aliasHit{}
		for _, f := range fs {
			for rank, a := range f.Aliases {
				k := normKey(a)
				if _, dup := m[k]; !dup { // the first field to claim a name keeps it
					m[k] = aliasHit{f.Name, rank}
				}
			}
		}
		for rank, a := range seqAliases {
			if _, dup := m[normKey(a)]; !dup {
				m[normKey(a)] = aliasHit{fSeq, rank}
			}
		}
		idx[kind] = m
	}
	return idx
}()

// normKey is the form header texts are compared in: lines joined, every
// space dropped, full-width letters, digits and brackets made half-width,
// Latin letters upper case, and the marks of a required column (*, ★) and
// a trailing colon removed. "成交额\n（万元）" and "成交额(万元)" compare equal.
func normKey(s string) string {
	s = plan.JoinLines(s)
	if keyAsIs(s) {
		return strings.Trim(s, "*★※:")
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			continue
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == '【' || r == '〔' || r == '［' || r == '〈' || r == '《':
			r = '('
		case r == '】' || r == '〕' || r == '］' || r == '〉' || r == '》':
			r = ')'
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return strings.Trim(b.String(), "*★※:")
}

// keyAsIs reports whether normKey would leave s as it is but for the
// trimming: most cells (every row's first cells pass through it).
func keyAsIs(s string) bool {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r <= ' ' || r >= 'a' && r <= 'z' {
				return false
			}
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r >= '！' && r <= '～',
			r == '【' || r == '〔' || r == '［' || r == '〈' || r == '《' || r == '】' || r == '〕' || r == '］' || r == '〉' || r == '》',
			unicode.ToUpper(r) != r:
			return false
		}
	}
	return true
}

// A header may carry a year in front (2021年营业收入) and a unit behind in
// brackets (成交额（万元）, 数值(单位：亿元)) or after a slash (金额/元).
var (
	headerYear   = regexp.MustCompile(`^((?:19|20)[0-9]{2})年度?`)
	headerUnit   = regexp.MustCompile(`(?:\(([^()]*)\)|/([^/()]+))$`)
	bracketGroup = regexp.MustCompile(`\([^()]*\)`)
)

// headerMatch is what a header cell was recognised as.
type headerMatch struct {
	field  string
	rank   int
	mapped string // the mapping's key that named the field, "" for an alias
	year   int    // from a year in front of the name, 0 when none
	unit   *unit  // from a unit after it, nil when none
}

// matcher recognises one kind's header cells, an explicit mapping first.
type matcher struct {
	kind    plan.RegisterKind
	aliases map[string]aliasHit
	mapping map[string]string // normalised header text → field name
}

func newMatcher(kind plan.RegisterKind, mapping map[string]string) *matcher {
	return &matcher{kind: kind, aliases: aliasIndex[kind], mapping: mapping}
}

// match recognises a header text, trying the whole text, then without a
// year in front, then without the unit behind, then without any bracketed
// part (企业名称（盖章）).
func (m *matcher) match(text string) (headerMatch, bool) {
	k := normKey(text)
	if k == "" {
		return headerMatch{}, false
	}
	var hm headerMatch
	try := func(s string) bool {
		if s == "" {
			return false
		}
		if f, ok := m.mapping[s]; ok {
			hm.field, hm.rank, hm.mapped = f, -1, s
			return true
		}
		if hit, ok := m.aliases[s]; ok {
			hm.field, hm.rank = hit.field, hit.rank
			return true
		}
		return false
	}
	if try(k) {
		// A mapped or listed name may still end in its unit: 交易金额（元）.
		if loc := headerUnit.FindStringSubmatchIndex(k); loc != nil {
			hm.unit = unitAt(k, loc)
		}
		return hm, true
	}
	rest := k
	if y := headerYear.FindStringSubmatch(rest); y != nil {
		hm.year, _ = strconv.Atoi(y[1])
		rest = rest[len(y[0]):]
		if try(rest) {
			return hm, true
		}
	}
	if loc := headerUnit.FindStringSubmatchIndex(rest); loc != nil {
		hm.unit = unitAt(rest, loc)
		if try(rest[:loc[0]]) {
			return hm, true
		}
	}
	if u, base, ok := cutBareUnit(rest); ok && try(base) {
		hm.unit = &u
		return hm, true
	}
	if try(bracketGroup.ReplaceAllString(rest, "")) {
		return hm, true
	}
	return headerMatch{}, false
}

// unitAt reads the unit headerUnit found at loc, nil when the bracketed
// text is no unit (企业名称（盖章）).
func unitAt(k string, loc []int) *unit {
	inner := ""
	if loc[2] >= 0 {
		inner = k[loc[2]:loc[3]]
	} else {
		inner = k[loc[4]:loc[5]]
	}
	if u, ok := parseUnit(inner); ok {
		return &u
	}
	return nil
}

// cutBareUnit splits a money unit written straight after the name: 成交额万元.
func cutBareUnit(k string) (unit, string, bool) {
	for _, s := range []string{"亿元", "万元", "千元"} {
		if base, ok := strings.CutSuffix(k, s); ok && base != "" {
			u, _ := parseUnit(s)
			return u, base, true
		}
	}
	return unit{}, "", false
}

// ignoreTargets are what a mapping writes to skip a column.
var ignoreTargets = map[string]bool{"-": true, "ignore": true, "忽略": true, "不导入": true, "": true}

// normMapping checks an explicit mapping against the kind's fields: the
// target is a field's Name or Label, or one of ignoreTargets.
func normMapping(kind plan.RegisterKind, mapping map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for header, target := range mapping {
		k := normKey(header)
		if k == "" {
			continue
		}
		t := strings.TrimSpace(target)
		if ignoreTargets[strings.ToLower(t)] {
			out[k] = fIgnore
			continue
		}
		found := ""
		for _, f := range fields[kind] {
			if t == f.Name || normKey(t) == normKey(f.Label) {
				found = f.Name
				break
			}
		}
		if found == "" {
			var names []string
			for _, f := range fields[kind] {
				names = append(names, f.Name+"（"+f.Label+"）")
			}
			return nil, plan.Errorf(plan.EINVALID, "列的对应关系“%s=%s”中没有字段“%s”；%s可用的字段：%s",
				header, target, t, kind.Label(), strings.Join(names, "、"))
		}
		out[k] = found
	}
	return out, nil
}

// ParseMapping reads the CLI's --map value: header=field pairs separated
// by commas, such as `合同编号=reg_no,交易金额（元）=amount`. Fields are
// checked when the list is opened, against its kind.
func ParseMapping(s string) (map[string]string, error) {
	out := map[string]string{}
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '，' }) {
		header, field, ok := strings.Cut(part, "=")
		if !ok {
			header, field, ok = strings.Cut(part, "＝")
		}
		header, field = strings.TrimSpace(header), strings.TrimSpace(field)
		if !ok || header == "" {
			return nil, plan.Errorf(plan.EINVALID, "列的对应关系“%s”应写成 表头=字段，如 合同编号=reg_no", part)
		}
		out[header] = field
	}
	return out, nil
}

// Shape is a stable signature of a header row: the same columns, in any
// order and however spaced or bracketed, give the same shape. The web page
// remembers a mapping per kind and shape.
func Shape(headers []string) string {
	var keys []string
	for _, h := range headers {
		if k := normKey(h); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\x1f")))
	return hex.EncodeToString(sum[:8])
}
