package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Some PDF extractors put every table cell on a line of its own. The header
// is then a run of lines that are all column names; a task-table row starts
// at a line holding the next row number, and a split-table row is a unit's
// name followed by one number per column. A cell that wraps gives extra
// lines that no rule can place for sure; they are joined to the cell they
// most likely continue: a line ending in 、 or ， continues a unit list, and
// any other surplus belongs to the content cell, the long one.

// taskHeaderLabels are the column names of task tables.
var taskHeaderLabels = setOf("序号", "序", "编号", "工作内容", "工作任务", "主要任务", "重点任务", "任务内容",
	"具体任务", "工作措施", "具体措施", "主要内容", "重点工作", "工作事项", "任务", "内容", "牵头单位", "牵头部门",
	"责任单位", "责任部门", "配合单位", "配合部门", "参与单位", "协办单位", "完成时限", "完成时间", "时间节点",
	"时限", "时间", "备注", "目标任务", "任务名称", "重点事项", "工作目标", "责任领导", "牵头领导", "分管领导", "县领导",
	"区领导", "市领导", "责任人")

// splitUnitLabels head the unit column of split tables.
var splitUnitLabels = setOf("县区", "区县", "县（市、区）", "县(市、区)", "县市区", "单位", "单位名称", "责任单位",
	"地区", "区域", "街镇", "乡镇", "乡镇（街道）", "乡镇(街道)", "街道", "各单位", "名称")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// maxFlatColumns bounds a flattened header: tables have few columns, and a
// run of short lines must not be read as one.
const maxFlatColumns = 10

// flatTaskTable reads a flattened task table whose header starts at line i.
func (p *parser) flatTaskTable(i int) *table {
	header, after := p.flatHeader(i)
	if len(header) < 3 {
		return nil
	}
	cols, ok := taskColumns(header)
	if !ok || cols.number != 0 {
		return nil // rows are told apart by their numbers
	}
	t := &table{kind: taskTable, header: header, first: i, cols: cols}
	last := after - 1
	var pending []int // lines of the row being read
	flush := func() {
		if len(pending) > 0 {
			t.rows = append(t.rows, p.flatRow(t, pending))
			pending = nil
		}
	}
	expect := 1
	for j := after; j < len(p.lines); j++ {
		if p.role[j] != roleText {
			break
		}
		l := p.lines[j]
		if l.blank() {
			continue
		}
		c := l.clean()
		if isPageNumber(c) {
			p.role[j] = rolePage
			continue
		}
		if h, next := p.flatHeader(j); sameCells(h, header) {
			j = next - 1 // the header repeated after a page break
			last = j
			continue
		}
		if isRowNumber(c) && rowNumber(c) == expect {
			flush()
			pending = []int{j}
			expect++
			last = j
			continue
		}
		if isSectionTitle(c) && utf8.RuneCountInString(c) <= 40 {
			flush()
			t.rows = append(t.rows, rawRow{at: j, cells: []string{c}, section: true})
			last = j
			continue
		}
		if pending == nil {
			break // text after the table
		}
		pending = append(pending, j)
		last = j
	}
	flush()
	if len(t.rows) == 0 {
		return nil
	}
	t.end = last + 1
	p.markTable(t)
	return t
}

// flatHeader reads a run of column-name lines from line i; after is the
// line index after it.
func (p *parser) flatHeader(i int) (header []string, after int) {
	after = i
	if !taskHeaderLabels[key(p.lines[i].clean())] {
		return nil, i // a header starts with a label, not with blank lines
	}
	for j := i; j < len(p.lines) && len(header) < maxFlatColumns; j++ {
		if p.role[j] != roleText || p.lines[j].cells != nil {
			break
		}
		if p.lines[j].blank() {
			continue
		}
		c := p.lines[j].clean()
		if !taskHeaderLabels[key(c)] {
			break
		}
		header = append(header, c)
		after = j + 1
	}
	return header, after
}

func rowNumber(s string) int {
	n := 0
	for _, r := range toASCIIDigits(s) {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}

// flatRow makes a row of the lines at idx: the row number, then one line
// per cell unless cells wrapped.
func (p *parser) flatRow(t *table, idx []int) rawRow {
	vals := make([]string, 0, len(idx)-1)
	for _, j := range idx[1:] {
		vals = append(vals, p.lines[j].clean())
	}
	need := len(t.header) - 1
	content := t.cols.content - 1
	// A unit list wrapped: its line ends in a separator.
	for len(vals) > need {
		k := -1
		for i := len(vals) - 2; i > content; i-- {
			if endsWithSeparator(vals[i]) {
				k = i
				break
			}
		}
		if k < 0 {
			break
		}
		vals[k] = joinSegments(vals[k], vals[k+1])
		vals = append(vals[:k+1], vals[k+2:]...)
	}
	// Any other surplus wrapped from the content cell.
	if extra := len(vals) - need; extra > 0 && content >= 0 && content < len(vals) {
		joined := strings.Join(vals[content:content+extra+1], "")
		vals = append(append(vals[:content:content], joined), vals[content+extra+1:]...)
	}
	cells := append([]string{p.lines[idx[0]].clean()}, vals...)
	return rawRow{at: idx[0], cells: cells}
}

func endsWithSeparator(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("、，,；;", r)
}

// flatSplitTable reads a flattened split table whose unit-column label is
// at line i: the column names follow, then rows of a name and one number
// per column.
func (p *parser) flatSplitTable(i int) *table {
	if p.lines[i].cells != nil || !splitUnitLabels[key(p.lines[i].clean())] {
		return nil
	}
	header := []string{p.lines[i].clean()}
	j := p.nextText(i + 1)
	for ; j < len(p.lines) && len(header) <= maxFlatColumns; j = p.nextText(j + 1) {
		c := p.lines[j].clean()
		if _, num := numericCell(c); num {
			return nil
		}
		if n := p.nextText(j + 1); n < len(p.lines) {
			if _, num := numericCell(p.lines[n].clean()); num {
				break // line j names the first unit
			}
		}
		header = append(header, c)
	}
	cols := len(header) - 1
	if cols < 1 || cols > maxFlatColumns || j >= len(p.lines) {
		return nil
	}
	t := &table{kind: splitTable, header: header, first: i}
	last := j - 1
	for j < len(p.lines) {
		unit := p.lines[j].clean()
		if _, num := numericCell(unit); num {
			break
		}
		if len(t.rows) > 0 && key(unit) == key(header[0]) && p.repeatsHeader(j, header) {
			// The header again after a page break.
			for range header {
				last, j = j, p.nextText(j+1)
			}
			continue
		}
		cells := []string{unit}
		k := j
		for len(cells) <= cols {
			k = p.nextText(k + 1)
			if k >= len(p.lines) {
				break
			}
			v := p.lines[k].clean()
			if _, num := numericCell(v); !num {
				break
			}
			cells = append(cells, v)
		}
		if len(cells) != cols+1 {
			break
		}
		t.rows = append(t.rows, rawRow{at: j, cells: cells})
		last = k
		j = p.nextText(k + 1)
	}
	if len(t.rows) == 0 {
		return nil
	}
	t.end = last + 1
	p.markTable(t)
	return t
}

// repeatsHeader reports whether the lines from j repeat a flat header.
func (p *parser) repeatsHeader(j int, header []string) bool {
	for _, h := range header {
		if j >= len(p.lines) || key(p.lines[j].clean()) != key(h) {
			return false
		}
		j = p.nextText(j + 1)
	}
	return true
}

// nextText returns the index of the first non-blank line from j that is
// still plain text (not a heading of an attachment, a signature …), or
// len(lines).
func (p *parser) nextText(j int) int {
	for ; j < len(p.lines); j++ {
		if p.role[j] != roleText || p.lines[j].cells != nil {
			return len(p.lines)
		}
		if !p.lines[j].blank() && !isPageNumber(p.lines[j].text) {
			return j
		}
	}
	return j
}

func (p *parser) markTable(t *table) {
	for j := t.first; j < t.end; j++ {
		if p.role[j] == roleText {
			p.role[j] = roleTable
		}
	}
}

// A table copied from a web page may come with its cells separated by
// spaces: "序号 乡镇（街道） 科技型企业（家）" / "1 忠州街道 12". Runs of two
// or more spaces separate cells where there are any; else every space does,
// and a task row's surplus belongs to its content cell. spacedTable gives
// such a table's lines their cells, for tabTable to read.

// spacedTable gives the lines of a space-separated table whose header is
// line i their cells, and returns their indices.
func (p *parser) spacedTable(i int) []int {
	l := p.lines[i]
	if l.cells != nil || !strings.ContainsFunc(strings.TrimFunc(l.text, isSpace), isSpace) {
		return nil
	}
	first := strings.TrimFunc(l.text, isSpace)
	if i := strings.IndexFunc(first, isSpace); i >= 0 {
		first = first[:i]
	}
	if first = key(first); !taskHeaderLabels[first] && !splitUnitLabels[first] {
		return nil // most lines: a header starts with a column's name
	}
	header := strings.Fields(l.text)
	if len(header) < 2 || len(header) > maxFlatColumns {
		return nil
	}
	for j, h := range header {
		header[j] = cleanText(h)
	}
	cols, isTask := taskColumns(header)
	unitCol := 0
	if strings.Contains(key(header[0]), "序号") {
		unitCol = 1
	}
	isSplit := !isTask && unitCol < len(header)-1 && splitUnitLabels[key(header[unitCol])]
	if isTask {
		for _, h := range header {
			if !taskHeaderLabels[key(h)] {
				return nil // a sentence with spaces that names some columns
			}
		}
	}
	if !isTask && !isSplit {
		return nil
	}
	var rows [][]string
	var at []int
	for j := i + 1; j < len(p.lines); j++ {
		lj := p.lines[j]
		if lj.blank() || isPageNumber(lj.text) {
			continue
		}
		if p.role[j] != roleText || lj.cells != nil {
			break
		}
		var cells []string
		if isTask {
			cells = taskRowCells(lj.text, len(header), cols.content)
		} else {
			cells = splitRowCells(lj.text, len(header), unitCol)
		}
		if cells == nil {
			break
		}
		rows, at = append(rows, cells), append(at, j)
	}
	if len(rows) == 0 {
		return nil
	}
	p.lines[i].cells = header
	for n, j := range at {
		p.lines[j].cells = rows[n]
	}
	return append([]int{i}, at...)
}

// spacedFields splits a row at runs of two or more spaces when it has
// any, else at every space.
func spacedFields(s string) []string {
	s = strings.TrimFunc(s, isSpace)
	if wide := wideSpaceRe.Split(s, -1); len(wide) > 1 {
		return wide
	}
	return strings.Fields(s)
}

var wideSpaceRe = regexp.MustCompile(`[ \t\x{3000}\x{a0}]{2,}`)

// taskRowCells reads a task row of n cells: it starts with its number, or
// is an action's title ("（一）…", "一、…") alone; surplus fields belong to
// the content cell.
func taskRowCells(s string, n, content int) []string {
	f := spacedFields(s)
	if len(f) == 1 && isSectionTitle(cleanText(f[0])) {
		return append(f, make([]string, n-1)...)
	}
	if len(f) < n-1 || !isRowNumber(cleanText(f[0])) || content < 0 {
		return nil
	}
	for len(f) < n {
		f = append(f, "") // trailing cells left empty
	}
	if extra := len(f) - n; extra > 0 {
		joined := strings.Join(f[content:content+extra+1], "")
		f = append(append(f[:content:content], joined), f[content+extra+1:]...)
	}
	return f
}

// splitRowCells reads a split-table row of n cells: a unit's name, then a
// number per column; a total row may lack the 序号 the others have.
func splitRowCells(s string, n, unitCol int) []string {
	f := spacedFields(s)
	if len(f) == n-1 && unitCol == 1 {
		f = append([]string{""}, f...)
	}
	if len(f) != n {
		return nil
	}
	if _, num := numericCell(f[unitCol]); num {
		return nil
	}
	for _, v := range f[unitCol+1:] {
		if _, num := numericCell(v); !num {
			return nil
		}
	}
	return f
}
