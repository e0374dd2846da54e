package notice

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// buildTables reads the tables found into the document: task tables into
// its task table (one, even if the notice splits it), split tables each
// into a DocTable. Goals must be read first: split-table columns take
// their names and units from them.
func (p *parser) buildTables() {
	var goalRows []seg
	for _, t := range p.tables {
		if t.kind == taskTable {
			goalRows = append(goalRows, p.buildTaskTable(t)...)
		}
	}
	if len(p.doc.Goals) == 0 {
		// A notice that is only its task table states its goals there.
		p.doc.Goals = p.readGoals(goalRows, false)
	}
	noGoals := len(p.doc.Goals) == 0
	for _, t := range p.tables {
		switch t.kind {
		case splitTable:
			p.buildSplitTable(t)
		case goalTable:
			p.buildGoalTable(t)
		}
	}
	if noGoals {
		p.totalGoals()
	}
}

// totalGoals makes goals of the total rows of split tables, for a notice
// that sets its targets only by splitting them: 合计 33 家 is the goal.
func (p *parser) totalGoals() {
	for _, t := range p.doc.DecompositionTables {
		for _, r := range t.Rows {
			if !r.Total {
				continue
			}
			for _, c := range t.Columns {
				v, ok := r.Values[c]
				if !ok {
					continue
				}
				unit := t.UnitsOfMeasure[c]
				p.doc.Goals = append(p.doc.Goals, plan.DocGoal{
					Text: r.Unit + "：" + c + v.String() + unit, Indicator: c, Comparator: plan.AtLeast,
					Target: v, Unit: unit, Kind: goalKind(key(c), key(unit)), Line: r.Line,
				})
			}
		}
	}
}

// buildTaskTable reads a task table into the document. It returns the
// contents of the rows that may state goals: those under an action titled
// as goals (一、主要预期目标), else all.
func (p *parser) buildTaskTable(t *table) []seg {
	var all, inGoals []seg
	goals := false
	if p.doc.TaskTableAttachment == "" {
		p.doc.TaskTableAttachment = t.label
	}
	label := t.label
	if label == "" {
		label = "任务分解表"
	}
	section := ""
	for _, r := range t.rows {
		if r.section {
			section, goals = "", false
			if h, ok := parseHeading(cleanText(r.cells[0])); ok {
				section, goals = h.number, isGoalHeading(key(headingTitle(h.rest)))
			}
			continue
		}
		row := plan.DocTaskRow{
			Number:           strings.TrimRight(toASCIIDigits(cleanText(cell(r.cells, t.cols.number))), ".．、"),
			Section:          section,
			Content:          cleanText(cell(r.cells, t.cols.content)),
			LeadUnits:        []string{},
			ResponsibleUnits: []string{},
			Deadline:         cleanText(cell(r.cells, t.cols.deadline)),
			Line:             p.lines[r.at].no,
		}
		if row.Number == "" {
			row.Number = strconv.Itoa(len(p.doc.TaskTable) + 1)
		}
		where := label + " 第" + row.Number + "行"
		for _, c := range []struct {
			col  int
			lead bool
		}{{t.cols.lead, true}, {t.cols.resp, false}} {
			raw := cleanText(cell(r.cells, c.col))
			l := splitUnits(raw)
			if l.truncated {
				p.noteAt(r.at, plan.SeverityWarning, plan.FindingTruncatedUnits, where, "%s", truncatedMessage(cleanText(t.header[c.col]), raw))
			}
			if c.lead {
				row.LeadUnits = appendNew(row.LeadUnits, l.names...)
			} else {
				row.ResponsibleUnits = appendNew(row.ResponsibleUnits, l.names...)
			}
			row.LeadUnits = appendNew(row.LeadUnits, l.leads...)
		}
		p.doc.TaskTable = append(p.doc.TaskTable, row)
		s := seg{r.at, row.Content}
		all = append(all, s)
		if goals {
			inGoals = append(inGoals, s)
		}
	}
	if inGoals != nil {
		return inGoals
	}
	return all
}

var (
	// unitBracketRe matches the unit of measure a column names in brackets:
	// "(家)", "（亿元）", "（单位：个）".
	unitBracketRe = regexp.MustCompile(`[（(【\[]\s*(?:单位` + reColon + `)?([^（）()【】\[\]]{1,8})[）)】\]]$`)
	// yearPrefixRe matches the year a column is for: "2022年高新技术企业".
	yearPrefixRe = regexp.MustCompile(`^` + reDigit + `{4}年(?:度|底|末)?`)
)

// columnName reads a split-table header cell into the indicator it
// measures and its unit of measure. When the name contains a goal's
// indicator, the column takes the indicator's name (and its unit when the
// header gives none): "2022 年高新技术 企业数量 (家)" → 高新技术企业, 家.
func (p *parser) columnName(h string) (name, unit string) {
	name = cleanText(h)
	if m := unitBracketRe.FindStringSubmatchIndex(key(name)); m != nil {
		unit, name = name[m[2]:m[3]], name[:m[0]]
	}
	if m := yearPrefixRe.FindStringIndex(key(name)); m != nil && m[1] < len(name) {
		name = name[m[1]:]
	}
	var best *plan.DocGoal
	for i := range p.doc.Goals {
		g := &p.doc.Goals[i]
		if g.Indicator != "" && strings.Contains(key(name), key(g.Indicator)) && (best == nil || len(g.Indicator) > len(best.Indicator)) {
			best = g
		}
	}
	if best != nil {
		name = best.Indicator
		if unit == "" {
			unit = best.Unit
		}
	}
	return name, unit
}

func (p *parser) buildSplitTable(t *table) {
	d := plan.DocTable{
		Title:          t.title,
		Attachment:     t.label,
		Columns:        []string{},
		UnitsOfMeasure: map[string]string{},
		Rows:           []plan.DocTableRow{},
		Line:           p.lines[t.first].no,
	}
	label := plan.TableLabel(&d, len(p.doc.DecompositionTables))
	type column struct {
		at   int // index in the header
		name string
	}
	var cols []column
	for i := t.unitCol + 1; i < len(t.header); i++ {
		if t.header[i] == "" {
			continue
		}
		name, unit := p.columnName(t.header[i])
		if unit == "" {
			unit = t.caption.unitOf(t.header[i])
		}
		if name == "" || slices.Contains(d.Columns, name) {
			name = cleanText(t.header[i]) // two columns may not share a name
		}
		if slices.Contains(d.Columns, name) {
			continue
		}
		d.Columns = append(d.Columns, name)
		if unit != "" {
			d.UnitsOfMeasure[name] = unit
		}
		cols = append(cols, column{i, name})
	}
	for _, r := range t.rows {
		row := plan.DocTableRow{Unit: cleanText(cell(r.cells, t.unitCol)), Values: map[string]plan.Decimal{}, Line: p.lines[r.at].no}
		for _, c := range cols {
			v, ok := numericCell(cell(r.cells, c.at))
			switch {
			case v != nil:
				row.Values[c.name] = *v
			case !ok:
				p.noteAt(r.at, plan.SeverityInfo, plan.FindingNotRead, label+" "+row.Unit+"行",
					"“%s”列的“%s”不是数字，未读取", c.name, cleanText(cell(r.cells, c.at)))
			}
		}
		row.Total = p.isTotal(row.Unit)
		d.Rows = append(d.Rows, row)
	}
	markSumRow(d.Rows)
	p.doc.DecompositionTables = append(p.doc.DecompositionTables, d)
}

// totalNames name the row of the whole.
var totalNames = setOf("合计", "总计", "全区", "全市", "全县", "全镇", "全乡", "汇总", "总数", "全区合计", "区合计")

// isTotal reports whether a split-table row is the whole's: 合计, 全区, or
// the area the issuer governs (青云谱区).
func (p *parser) isTotal(unit string) bool {
	k := key(unit)
	if totalNames[k] || strings.HasSuffix(k, "合计") || strings.HasSuffix(k, "总计") {
		return true
	}
	for _, r := range p.regions {
		r = key(r)
		if k == r || (strings.HasSuffix(r, k) && utf8.RuneCountInString(k) >= 3 && strings.ContainsAny(lastRune(k), "区县市")) {
			return true
		}
	}
	return false
}

// markSumRow marks the total row when no name told it: the first or last
// row whose every value is the sum of the other rows'.
func markSumRow(rows []plan.DocTableRow) {
	if len(rows) < 3 {
		return
	}
	for _, r := range rows {
		if r.Total {
			return
		}
	}
	for _, i := range []int{0, len(rows) - 1} {
		if isSumOfOthers(rows, i) {
			rows[i].Total = true
			return
		}
	}
}

func isSumOfOthers(rows []plan.DocTableRow, i int) bool {
	nonzero := false
	for col, v := range rows[i].Values {
		var sum plan.Decimal
		for j, r := range rows {
			if j != i {
				sum = sum.Add(r.Values[col])
			}
		}
		if sum.Cmp(v) != 0 {
			return false
		}
		nonzero = nonzero || !v.IsZero()
	}
	return nonzero
}
