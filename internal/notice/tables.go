package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// A notice's tables come in two kinds: the task table (任务分解表, 附件1),
// whose header names 序号, 工作内容, 牵头单位, 责任单位 …, and target-split
// tables (指标分解表, 附件2), one row per unit and one number per column.
// PDF extraction gives them as tab-separated rows whose cells wrap (the
// wrapped part comes on a following line with the cells before it empty)
// and whose header repeats at each page; or with every cell on a line of
// its own (flat.go). A .docx gives real rows.

type tableKind int

const (
	taskTable tableKind = iota + 1
	splitTable
	goalTable // an indicator table: 指标内容, 指标值 (form.go)
)

// table is a table as found, before its cells are read into the document.
type table struct {
	kind    tableKind
	header  []string // cleaned header cells
	first   int      // line index of its first line (title or header)
	end     int      // line index after its last row
	title   string
	label   string // the attachment it is: "附件1"
	rows    []rawRow
	notes   []note    // findings about its lines, kept if it is a table
	cols    taskCols  // task table
	unitCol int       // split table: the column naming the unit
	goals   []goalRow // goal table
	caption caption   // split table: units of measure above it
}

// rawRow is a table row with its cells as written; cells of continuation
// lines are appended.
type rawRow struct {
	at      int // line index of its first line
	cells   []string
	section bool // a row naming an action: "(一) 科技创新区域优化布局行动"
}

// taskCols says which column holds what in a task table; -1 when absent.
type taskCols struct {
	number, content, lead, resp, deadline int
}

// taskColumns reads a task table's header; ok when it has a content column
// and a lead or responsible column.
func taskColumns(header []string) (taskCols, bool) {
	c := taskCols{-1, -1, -1, -1, -1}
	for i, h := range header {
		k := key(h)
		switch {
		case k == "":
		case strings.Contains(k, "序号") || k == "序" || k == "编号":
			setOnce(&c.number, i)
		case strings.Contains(k, "领导") || strings.HasSuffix(k, "责任人") || strings.Contains(k, "联系人"):
			// 责任领导, 牵头领导: people, not units.
		case strings.Contains(k, "牵头") || strings.Contains(k, "主责") || strings.Contains(k, "主办"):
			setOnce(&c.lead, i)
		case strings.Contains(k, "责任") || strings.Contains(k, "配合") || strings.Contains(k, "参与") || strings.Contains(k, "协办"):
			setOnce(&c.resp, i)
		case strings.Contains(k, "时限") || strings.Contains(k, "时间") || strings.Contains(k, "进度"):
			setOnce(&c.deadline, i)
		case strings.ContainsAny(k, "内任措事项") && !strings.Contains(k, "备注"):
			setOnce(&c.content, i)
		}
	}
	return c, c.content >= 0 && (c.lead >= 0 || c.resp >= 0)
}

func setOnce(p *int, i int) {
	if *p < 0 {
		*p = i
	}
}

func cleanCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cleanText(c)
	}
	return out
}

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if c != "" {
			n++
		}
	}
	return n
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// sameCells reports whether a row repeats the header (a page break).
func sameCells(a, b []string) bool {
	var x, y []string
	for _, c := range a {
		if c != "" {
			x = append(x, key(c))
		}
	}
	for _, c := range b {
		if c != "" {
			y = append(y, key(c))
		}
	}
	if len(x) != len(y) || len(x) == 0 {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

var rowNumberRe = regexp.MustCompile(`^` + reDigit + `{1,4}[.．、]?$`)

func isRowNumber(s string) bool { return rowNumberRe.MatchString(s) }

// findTables finds the tables and marks their lines.
func (p *parser) findTables() {
	for i := 0; i < len(p.lines); i++ {
		if p.role[i] != roleText {
			continue
		}
		spaced := p.spacedTable(i)
		t := p.tabTable(i)
		for _, j := range spaced {
			if t == nil {
				p.lines[j].cells = nil // spaces, but no table: text again
			}
		}
		if t == nil {
			t = p.flatTaskTable(i)
		}
		if t == nil {
			t = p.flatSplitTable(i)
		}
		if t == nil {
			t = p.flatGoalTable(i)
		}
		if t == nil {
			if p.form == nil {
				p.findForm(i)
			}
			continue
		}
		p.tables = append(p.tables, t)
		i = t.end - 1
	}
}

// tabTable reads a table of tab-separated (or .docx) rows whose header is
// at line i.
func (p *parser) tabTable(i int) *table {
	l := p.lines[i]
	if l.cells == nil {
		return nil
	}
	header := cleanCells(l.cells)
	if nonEmpty(header) < 2 {
		return nil
	}
	// The rows decide: a split table's header may well say 责任单位 and
	// 任务数, but its rows are names and numbers.
	t := &table{header: header, first: i}
	cols, isTask := taskColumns(header)
	switch {
	case p.splitFollows(i, header):
		t.kind = splitTable
		if strings.Contains(key(header[0]), "序号") && len(header) > 2 {
			t.unitCol = 1
		}
	case isTask:
		t.kind, t.cols = taskTable, cols
	default:
		return nil
	}
	last, leadIn := i, 0
	for j := i + 1; j < len(p.lines); j++ {
		lj := p.lines[j]
		switch {
		case p.role[j] != roleText:
		case lj.blank():
			continue
		case lj.cells == nil && isPageNumber(lj.text):
			continue
		case lj.cells != nil && len(t.rows) == 0 && leadIn >= maxLeadIn:
			// Rows come right after a header; lines that are none are no table.
		case lj.cells != nil:
			if t.kind == taskTable {
				p.taskRowLine(t, j)
			} else {
				p.splitRowLine(t, j)
			}
			last = j
			leadIn++
			continue
		}
		break
	}
	if len(t.rows) == 0 {
		return nil
	}
	t.end = last + 1
	p.markTable(t)
	p.notes = append(p.notes, t.notes...)
	return t
}

// maxLeadIn bounds the lines read after a header before a first row: a
// run of tab-separated lines without one is no table, and giving up early
// keeps a long run from being read again from each of its lines.
const maxLeadIn = 8

// splitFollows reports whether the rows after a header at line i are those
// of a split table: a unit's name, then numbers.
func (p *parser) splitFollows(i int, header []string) bool {
	unitCol := 0
	if strings.Contains(key(header[0]), "序号") && len(header) > 2 {
		unitCol = 1
	}
	seen := 0
	for j := i + 1; j < len(p.lines) && seen < 4; j++ {
		l := p.lines[j]
		if l.blank() {
			continue
		}
		if l.cells == nil {
			return false
		}
		seen++
		cells := cleanCells(l.cells)
		unit := cell(cells, unitCol)
		if unit == "" {
			continue // a wrapped header cell
		}
		if _, isNum := numericCell(unit); isNum {
			return false
		}
		nums, texts := 0, 0
		for _, c := range cells[min(unitCol+1, len(cells)):] {
			if _, ok := numericCell(c); ok {
				nums++
			} else if c != "" {
				texts++
			}
		}
		return nums > 0 && nums >= texts
	}
	return false
}

// taskRowLine reads line j of a tab-separated task table into t.rows.
func (p *parser) taskRowLine(t *table, j int) {
	raw := p.lines[j].cells
	cells := cleanCells(raw)
	if sameCells(cells, t.header) {
		return
	}
	filled := nonEmpty(cells)
	if filled == 0 {
		return
	}
	var cur *rawRow
	if n := len(t.rows); n > 0 && !t.rows[n-1].section {
		cur = &t.rows[n-1]
	}
	first := firstFilled(cells)
	section := filled == 1 && (first == 0 || first == t.cols.number) &&
		(t.cols.number >= 0 || isSectionTitle(cells[first]))
	switch {
	case t.cols.number >= 0 && isRowNumber(cell(cells, t.cols.number)):
		t.rows = append(t.rows, rawRow{at: j, cells: append([]string(nil), raw...)})
	case section:
		t.rows = append(t.rows, rawRow{at: j, cells: []string{raw[first]}, section: true})
	case cell(cells, max(t.cols.number, 0)) == "" && cur != nil:
		appendCells(cur, raw) // a wrapped row: its cells continue the row above
	case t.cols.number < 0 && cell(cells, t.cols.content) != "":
		t.rows = append(t.rows, rawRow{at: j, cells: append([]string(nil), raw...)})
	default:
		t.notes = append(t.notes, p.notRead(j, "表格中的这一行未能识别，已跳过：%s", clip(p.lines[j].clean(), 40)))
	}
}

// isSectionTitle reports whether a lone cell names an action: it has a
// heading marker (（一） or 一、).
func isSectionTitle(s string) bool {
	h, ok := parseHeading(s)
	return ok && h.level <= 2
}

func firstFilled(cells []string) int {
	for i, c := range cells {
		if c != "" {
			return i
		}
	}
	return -1
}

// appendCells appends a continuation line's cells to a row's.
func appendCells(r *rawRow, more []string) {
	for i, c := range more {
		for len(r.cells) <= i {
			r.cells = append(r.cells, "")
		}
		if strings.TrimFunc(c, isSpace) != "" {
			r.cells[i] = joinSegments(r.cells[i], c)
		}
	}
}

// splitRowLine reads line j of a tab-separated split table into t.rows.
func (p *parser) splitRowLine(t *table, j int) {
	raw := p.lines[j].cells
	cells := cleanCells(raw)
	if sameCells(cells, t.header) || nonEmpty(cells) == 0 {
		return
	}
	unit := cell(cells, t.unitCol)
	values := 0
	for i := t.unitCol + 1; i < len(cells); i++ {
		if cells[i] != "" {
			values++
		}
	}
	n := len(t.rows)
	switch {
	case unit == "" && n == 0:
		// A wrapped header cell: "2022年技术合" / "同成交额(亿元)".
		for i, c := range raw {
			for len(t.header) <= i {
				t.header = append(t.header, "")
			}
			t.header[i] = cleanText(joinSegments(t.header[i], c))
		}
	case unit == "" && n > 0 && rowValues(t.rows[n-1].cells, t.unitCol) == 0:
		appendCells(&t.rows[n-1], raw) // the values of a unit named on the line above
	case values == 0 && n > 0:
		appendCells(&t.rows[n-1], raw[:t.unitCol+1]) // the wrapped end of a unit's name
	case unit != "":
		t.rows = append(t.rows, rawRow{at: j, cells: append([]string(nil), raw...)})
	default:
		t.notes = append(t.notes, p.notRead(j, "表格中的这一行未能识别，已跳过：%s", clip(p.lines[j].clean(), 40)))
	}
}

func rowValues(cells []string, unitCol int) int {
	n := 0
	for i := unitCol + 1; i < len(cells); i++ {
		if strings.TrimFunc(cells[i], isSpace) != "" {
			n++
		}
	}
	return n
}

// emptyValues are what split tables write in a cell with no target.
var emptyValues = map[string]bool{"-": true, "—": true, "－": true, "–": true, "/": true, "／": true, "无": true, "——": true, "--": true}

// numericCell reads a split-table value: a decimal, possibly followed by a
// unit of measure ("3亿元", "0.55%"). ok is true for numbers and for the
// dashes that mean "none" (then the value is nil).
func numericCell(s string) (*plan.Decimal, bool) {
	s = cleanText(s)
	if r, _ := utf8.DecodeRuneInString(s); !strings.ContainsRune("0123456789０１２３４５６７８９.．-—－–+/／无", r) {
		return nil, false // most text: spare it the parsing
	}
	if emptyValues[key(s)] {
		return nil, true
	}
	if m := unitSuffixRe.FindStringIndex(key(s)); m != nil && m[0] > 0 {
		s = s[:m[0]]
	}
	d, err := plan.ParseDecimal(s)
	if err != nil {
		return nil, false
	}
	return &d, true
}

var unitSuffixRe = regexp.MustCompile(`(?:` + unitAlternation + `)$`)

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
