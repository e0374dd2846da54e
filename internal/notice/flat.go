package notice

import (
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
	"时限", "时间", "备注")

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
