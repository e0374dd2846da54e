package register

import (
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// scannedRow is one of the first rows of a sheet, cells cleaned.
type scannedRow struct {
	n     int // the sheet's row number (a CSV's line)
	cells []string
}

// guess is a candidate header: one row, or two under a group header.
type guess struct {
	first, last int // indexes into the scanned rows
	texts       []string
	matches     []*headerMatch // nil where not recognised
	score       int            // distinct fields recognised
	required    int            // of them required
	joint       int            // amounts whose unit is in the row below: 成交额 over （万元）
}

// readHeader finds the header in the first rows of src and describes the
// columns.
func (rd *Reader) readHeader(src source, mapping map[string]string) error {
	var rows []scannedRow
	err := src.each(func(n int, cells []string) bool {
		c := make([]string, len(cells))
		for i, s := range cells {
			c[i] = cleanCell(s)
		}
		rows = append(rows, scannedRow{n, c})
		return len(rows) <= headerScan
	})
	if err != nil {
		return err
	}
	m := newMatcher(rd.kind, mapping)
	g, ok := bestGuess(m, rd.kind, rows)
	if !ok {
		rd.noHeader = true
		return rd.noHeaderError(src.sheet(), "")
	}
	h := &rd.head
	*h = HeaderInfo{File: rd.file, Sheet: src.sheet(), Kind: rd.kind, Row: rows[g.last].n, Rows: g.last - g.first + 1}
	for _, r := range rows[:g.first] {
		if t := rowText(r.cells); t != "" {
			h.Title = append(h.Title, t)
		}
	}
	for i := g.first; i <= g.last; i++ {
		keys := make([]string, len(rows[i].cells))
		for j, c := range rows[i].cells {
			keys[j] = normKey(c)
		}
		rd.headKeys = append(rd.headKeys, keys)
	}
	rd.describeColumns(g)
	rd.readTitle(src.sheet())
	used := map[string]bool{}
	for _, hm := range g.matches {
		if hm != nil {
			used[hm.mapped] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(mapping)) {
		if !used[k] {
			h.Notes = append(h.Notes, "列的对应关系中的“"+k+"”在表头中没有找到")
		}
	}
	rd.findMissing()
	return nil
}

func rowText(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c != "" && !slices.Contains(parts, c) {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// bestGuess scores every row, and every pair of rows, among the first:
// the most fields recognised wins; then the pair whose lower row gives
// the units of amounts (a row of units under the header); then a
// single row before a pair, an earlier row before a later one — so that
// the first data row is not taken for part of the header. A header needs
// two fields, one of them required.
func bestGuess(m *matcher, kind plan.RegisterKind, rows []scannedRow) (guess, bool) {
	var best guess
	found := false
	for i := range rows {
		if i >= headerScan {
			break
		}
		cands := []guess{evaluate(m, kind, rows[i].cells, nil)}
		if i+1 < len(rows) {
			cands = append(cands, evaluate(m, kind, rows[i].cells, rows[i+1].cells))
		}
		for j, g := range cands {
			g.first, g.last = i, i+j
			if g.score < 2 || g.required == 0 {
				continue
			}
			better := !found || g.score > best.score ||
				g.score == best.score && g.joint > best.joint ||
				g.score == best.score && g.joint == best.joint && g.last-g.first < best.last-best.first
			if better {
				best, found = g, true
			}
		}
	}
	return best, found
}

// evaluate recognises a header row, or a pair: under a group header (卖方
// over 名称 and 统一社会信用代码) a column is named by both cells, by the
// lower one, or by the upper one, whichever is a field. In a CSV the group
// header stands in its first column only; it is carried right over the
// columns whose upper cell is empty.
func evaluate(m *matcher, kind plan.RegisterKind, top, bottom []string) guess {
	n := len(top)
	if bottom != nil {
		n = max(n, len(bottom))
	}
	g := guess{texts: make([]string, n), matches: make([]*headerMatch, n)}
	seen := map[string]bool{}
	group := ""
	for c := range n {
		t, b := at(top, c), at(bottom, c)
		var tries []string
		if bottom == nil {
			tries = []string{t}
		} else {
			if t != "" {
				group = ""
				if b != "" {
					group = t
				}
			} else if b != "" {
				t = group
			}
			if t != "" && b != "" && t != b {
				tries = append(tries, t+b)
			}
			tries = append(tries, b, t)
		}
		for _, s := range tries {
			if s == "" {
				continue
			}
			if hm, ok := m.match(s); ok {
				g.texts[c], g.matches[c] = s, &hm
				if f, _ := fieldOf(kind, hm.field); bottom != nil && s == t+b && f.money && hm.unit != nil {
					g.joint++ // 成交额 over （万元）
				}
				break
			}
		}
		if g.matches[c] == nil {
			g.texts[c] = t
			if b != "" {
				g.texts[c] = b
			}
			continue
		}
		f := g.matches[c].field
		if f == fSeq || f == fIgnore {
			continue
		}
		key := f + "/" + strconv.Itoa(g.matches[c].year)
		if !seen[key] {
			seen[key] = true
			g.score++
			if fd, _ := fieldOf(kind, f); fd.Required {
				g.required++
			}
		}
	}
	return g
}

func at(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// describeColumns turns the guess into columns. When two columns name the
// same field, the one whose header is the field's more usual name is read
// and the other is reported as unused.
func (rd *Reader) describeColumns(g guess) {
	h := &rd.head
	h.Headers = g.texts
	for len(h.Headers) > 0 && h.Headers[len(h.Headers)-1] == "" {
		h.Headers = h.Headers[:len(h.Headers)-1]
	}
	h.Shape = Shape(h.Headers)
	rd.cols = make([]column, len(h.Headers))
	rd.byField = map[string][]int{}
	for i, text := range h.Headers {
		col := column{Column: Column{Index: i, Letter: letter(i), Header: text}}
		if hm := g.matches[i]; hm != nil {
			col.Field = hm.field
			col.Year = hm.year
			col.unit = hm.unit
			if hm.unit != nil {
				col.Unit = hm.unit.label
			}
			if f, ok := fieldOf(rd.kind, hm.field); ok {
				col.Label = f.Label
				col.date = f.date
				if !f.withYear {
					col.Year = 0
				}
			}
		}
		rd.cols[i] = col
	}
	// Rank duplicates: a mapped column first, then by alias rank, then leftmost.
	type claim struct {
		col, rank int
	}
	claims := map[string][]claim{}
	for i, c := range rd.cols {
		if c.Field == "" || c.Field == fSeq || c.Field == fIgnore {
			continue
		}
		key := c.Field + "/" + strconv.Itoa(c.Year)
		claims[key] = append(claims[key], claim{i, g.matches[i].rank})
	}
	for _, cs := range claims {
		slices.SortStableFunc(cs, func(a, b claim) int { return a.rank - b.rank })
		for j, cl := range cs {
			c := &rd.cols[cl.col]
			if j == 0 {
				rd.byField[c.Field] = append(rd.byField[c.Field], cl.col)
				continue
			}
			h.Notes = append(h.Notes, c.Name()+"与"+rd.cols[cs[0].col].Name()+"同为“"+c.Label+"”，未读取")
			c.Field, c.Label, c.Year, c.Unit, c.unit = "", "", 0, "", nil
		}
	}
	for _, cols := range rd.byField {
		slices.Sort(cols) // several years of 营业收入 read left to right
	}
	for _, c := range rd.cols {
		h.Columns = append(h.Columns, c.Column)
		if c.Field == "" && c.Header != "" {
			h.Unknown = append(h.Unknown, c.Column)
		}
	}
}

var (
	titleYear  = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*年`)
	titleBatch = regexp.MustCompile(`第\s*([0-9一二三四五六七八九十]+)\s*批`)
	titleUnit  = regexp.MustCompile(`单位\s*[:：]\s*(亿元|万元|千元|元)`)
	titleDate  = regexp.MustCompile(`(?:日期|时间)\s*[:：]\s*([0-9０-９〇○零一二三四五六七八九十年月日号./\- \t　]+)`)
)

// readTitle takes from the rows above the header what the columns may not
// say: the year (2022年第一批…), the batch, the money unit (单位：万元), a
// date (公示日期：2022年4月1日) and, for enterprises, the list it names.
func (rd *Reader) readTitle(sheet string) {
	h := &rd.head
	title := strings.Join(h.Title, "\n")
	switch {
	case rd.opts.Year != 0:
		h.Year, h.YearFrom = rd.opts.Year, "导入时指定"
	default:
		for _, src := range []struct{ text, from string }{
			{title, "标题"}, {sheet, "工作表名"}, {strings.TrimSuffix(filepath.Base(rd.file), filepath.Ext(rd.file)), "文件名"},
		} {
			if m := titleYear.FindStringSubmatch(src.text); m != nil {
				h.Year, _ = strconv.Atoi(m[1])
				h.YearFrom = src.from + "“" + firstLine(src.text, m[0]) + "”"
				break
			}
		}
	}
	if m := titleBatch.FindStringSubmatch(title); m != nil {
		h.Batch = "第" + m[1] + "批"
	}
	h.MoneyUnit, h.MoneyUnitFrom = "万元", "默认"
	if m := titleUnit.FindStringSubmatch(title); m != nil {
		h.MoneyUnit, h.MoneyUnitFrom = m[1], "表头上方“"+firstLine(title, m[0])+"”"
	} else if rd.opts.MoneyUnit != "" {
		u, _ := parseUnit(rd.opts.MoneyUnit)
		h.MoneyUnit, h.MoneyUnitFrom = u.label, "导入时指定"
	}
	rd.money, _ = parseUnit(h.MoneyUnit)
	switch {
	case rd.opts.Date != "":
		h.Date, h.DateFrom = rd.opts.Date, "导入时指定"
	default:
		if m := titleDate.FindStringSubmatch(title); m != nil {
			if d, ok := parseDate(strings.TrimSpace(m[1])); ok {
				h.Date, h.DateFrom = d, "表头上方“"+firstLine(title, m[0])+"”"
			}
		}
	}
	if rd.kind == plan.RegEnterprises {
		if l, ok := normList(title); ok {
			h.List = l
		}
	}
	rd.notes()
}

// firstLine is the line of text that holds what a pattern matched.
func firstLine(text, match string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if strings.Contains(line, match) {
			return line
		}
	}
	return text
}

// notes says in words what the reader will assume for the rows.
func (rd *Reader) notes() {
	h := &rd.head
	has := func(f string) bool { return len(rd.byField[f]) > 0 }
	say := func(s string) { h.Notes = append(h.Notes, s) }
	if h.Rows == 2 {
		say("表头占两行（第" + itoa(h.Row-1) + "、" + itoa(h.Row) + "行）")
	}
	if moneyWithoutUnit(rd) {
		if h.MoneyUnitFrom != "默认" {
			say("表头未写单位的金额按" + h.MoneyUnit + "读取（" + h.MoneyUnitFrom + "）")
		} else {
			say("表头未写单位的金额按万元读取")
		}
	}
	switch rd.kind {
	case plan.RegSMEs:
		switch {
		case has("year"):
		case h.Year != 0 && rd.opts.Year != 0:
			say("年度取导入时指定的 " + itoa(h.Year) + " 年")
		case has("date"):
			say("年度取各行入库日期的年份")
		case h.Year != 0:
			say("年度取" + h.YearFrom + "中的 " + itoa(h.Year) + " 年")
		}
		if !has("date") {
			if h.Date != "" {
				say("入库日期取" + h.DateFrom + "的 " + h.Date)
			} else {
				say("名单没有入库日期列，记录的入库日期为空；可在导入时指定公示日期")
			}
		}
		if !has("batch") && h.Batch != "" {
			say("批次取标题中的“" + h.Batch + "”")
		}
	case plan.RegHighTech:
		if !has("issued") && h.Date != "" {
			say("发证日期取" + h.DateFrom + "的 " + h.Date)
		}
		if !has("expires") {
			say("有效期为发证日期后3年")
		}
	case plan.RegEnterprises:
		if h.List != "" && !has("list") {
			say("各行记为“" + h.List + "”名单（取自标题）")
		}
	case plan.RegStatistics:
		if !has("year") && h.Year != 0 {
			say("年份取" + h.YearFrom + "中的 " + itoa(h.Year) + " 年")
		}
	}
}

func moneyWithoutUnit(rd *Reader) bool {
	for _, c := range rd.cols {
		if f, ok := fieldOf(rd.kind, c.Field); ok && f.money && c.unit == nil {
			return true
		}
	}
	return false
}

// findMissing lists the required fields that neither a column nor a
// stand-in gives.
func (rd *Reader) findMissing() {
	h := &rd.head
	for _, f := range fields[rd.kind] {
		if !f.Required || len(rd.byField[f.Name]) > 0 {
			continue
		}
		switch {
		case rd.kind == plan.RegHighTech && f.Name == "issued" && h.Date != "":
			continue
		case rd.kind == plan.RegPlatforms && f.Name == "level" && len(rd.byField["kind"]) > 0:
			continue
		case rd.kind == plan.RegStatistics && f.Name == "year" && h.Year != 0:
			continue
		}
		h.Missing = append(h.Missing, f)
	}
}

// noHeaderError says what the reader looked for, in a sheet or in all
// of them (where).
func (rd *Reader) noHeaderError(sheet, where string) error {
	var want []string
	for _, f := range fields[rd.kind] {
		if f.Required {
			want = append(want, strings.Join(f.Aliases[:min(3, len(f.Aliases))], "或"))
		}
	}
	return userErrorf(rd.file, sheet, 0, "", "%s前%d行中没有找到%s名单的表头（应有这些列：%s）；表头用了别的名称时，请指定列与字段的对应关系",
		where, headerScan, rd.kind.Label(), strings.Join(want, "，"))
}
