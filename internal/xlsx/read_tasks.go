package xlsx

import (
	"io"
	"regexp"
	"strings"

	"kechuang/internal/plan"
)

// Task-table fields, named as the notice's header writes them; they name the
// column in error messages.
const (
	fieldNumber      = "序号"
	fieldContent     = "工作内容"
	fieldLead        = "牵头单位"
	fieldResponsible = "责任单位"
	fieldDeadline    = "完成时限"
)

// taskHeaders maps the header texts offices use (spaces removed) to fields.
var taskHeaders = map[string]string{
	"序号": fieldNumber, "编号": fieldNumber,
	"工作内容": fieldContent, "工作任务": fieldContent, "任务内容": fieldContent,
	"主要任务": fieldContent, "重点任务": fieldContent, "具体任务": fieldContent,
	"主要内容": fieldContent, "工作措施": fieldContent, "任务": fieldContent,
	"牵头单位": fieldLead, "牵头部门": fieldLead, "牵头责任单位": fieldLead,
	"责任单位": fieldResponsible, "责任部门": fieldResponsible,
	"完成时限": fieldDeadline, "完成时间": fieldDeadline, "完成期限": fieldDeadline,
	"时间节点": fieldDeadline, "时限": fieldDeadline, "时间安排": fieldDeadline,
}

// requiredTaskFields must all be in the header; 完成时限 may be absent.
var requiredTaskFields = []string{fieldNumber, fieldContent, fieldLead, fieldResponsible}

// ReadTaskTable reads a task table (任务分解表) from the first visible sheet
// whose first rows hold its header. Section heading rows — "（一）科技创新…"
// or "一、…" across the row, or a Chinese numeral in the 序号 column — set the
// Section of the rows below them. MapsToTask and Line are left empty: the
// workbook does not hold them.
func (rd Reader) ReadTaskTable(name string, r io.Reader) (rows []plan.DocTaskRow, err error) {
	defer recoverPanic(name, &err)
	wb, err := rd.open(name, r)
	if err != nil {
		return nil, err
	}
	defer wb.close()
	sheet, hdr, err := findTaskSheet(wb)
	if err != nil {
		return nil, err
	}
	g, err := readGrid(wb, sheet)
	if err != nil {
		return nil, err
	}
	cols, err := taskColumns(g, hdr)
	if err != nil {
		return nil, err
	}
	return readTaskRows(g, hdr, cols)
}

// findTaskSheet returns the first visible sheet with a task-table header in
// its first rows, and the header's row index.
func findTaskSheet(wb *workbook) (string, int, error) {
	sheets := wb.visibleSheets()
	if len(sheets) == 0 {
		return "", 0, loc{file: wb.file}.errorf("没有可见的工作表")
	}
	for _, s := range sheets {
		rows, err := readRows(wb, s, false, false, headerRows)
		if err != nil {
			continue // judged again, with a message, if it is the only candidate
		}
		for i, row := range rows {
			if countTaskHeaders(row) >= 2 {
				return s, i, nil
			}
		}
	}
	return "", 0, loc{file: wb.file, sheet: sheets[0]}.errorf(
		"前%d行中没有找到任务分解表的表头（需要“序号”“工作内容”“牵头单位”“责任单位”列）", headerRows)
}

func countTaskHeaders(row []string) int {
	seen := map[string]bool{}
	for _, c := range row {
		if f, ok := taskHeaders[key(c)]; ok {
			seen[f] = true
		}
	}
	return len(seen)
}

// taskColumns maps each field to its column in the header row.
func taskColumns(g *grid, hdr int) (map[string]int, error) {
	cols := map[string]int{}
	for c := range g.shown[hdr] {
		if f, ok := taskHeaders[key(g.shown[hdr][c])]; ok {
			if _, dup := cols[f]; !dup {
				cols[f] = c
			}
		}
	}
	l := loc{file: g.wb.file, sheet: g.sheet}
	for _, f := range requiredTaskFields {
		if _, ok := cols[f]; !ok {
			return nil, l.at(hdr+1, f).errorf("表头中没有这一列")
		}
	}
	return cols, nil
}

// Section headings: "（一）科技创新区域优化布局行动", "(一) …", "（1）…", "一、…".
var (
	sectionParen = regexp.MustCompile(`^[（(]\s*([0-9一二三四五六七八九十百零〇]+)\s*[)）]\s*(.*)$`)
	sectionComma = regexp.MustCompile(`^([一二三四五六七八九十百零〇]+)\s*[、.．]\s*(.*)$`)
	sectionBare  = regexp.MustCompile(`^[（(]?([一二三四五六七八九十百零〇]+)[)）、.．]?$`)
)

// sectionNumber returns the Chinese numeral a heading starts with.
func sectionNumber(s string) (string, bool) {
	for _, re := range []*regexp.Regexp{sectionParen, sectionComma} {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

func readTaskRows(g *grid, hdr int, cols map[string]int) ([]plan.DocTaskRow, error) {
	l := loc{file: g.wb.file, sheet: g.sheet}
	first, last := tableSpan(cols)
	field := func(r int, f string) string {
		c, ok := cols[f]
		if !ok {
			return ""
		}
		return g.text(r, c)
	}
	var (
		out     []plan.DocTaskRow
		section string
		pending = -1 // a row with only a number: template filler unless rows follow
	)
	for r := hdr + 1; r < len(g.shown); r++ {
		texts := distinctTexts(g, r, first, last)
		if len(texts) == 0 {
			continue
		}
		if countTaskHeaders(g.shown[r]) >= 2 {
			continue // the header repeated where the table crossed a page
		}
		if len(texts) == 1 {
			t := texts[0]
			if n, ok := sectionNumber(t); ok {
				section = n
				continue
			}
			if isNote(t) {
				break
			}
			if nonEmptyCells(g, r, first, last) > 1 {
				return nil, l.at(r+1, "").errorf("“%s” 像是分节标题，但没有“（一）”或“一、”样式的编号", t)
			}
		}
		number := strings.Trim(key(field(r, fieldNumber)), ".、．")
		content, lead, resp := field(r, fieldContent), field(r, fieldLead), field(r, fieldResponsible)
		if m := sectionBare.FindStringSubmatch(number); m != nil && (lead == "" || lead == content) && (resp == "" || resp == content) {
			section = m[1] // 序号 "一" with the action's title beside it
			continue
		}
		row := plan.DocTaskRow{
			Number:           number,
			Section:          section,
			Content:          content,
			LeadUnits:        plan.SplitUnits(lead),
			ResponsibleUnits: plan.SplitUnits(resp),
			Deadline:         field(r, fieldDeadline),
		}
		if row.Content == "" {
			if len(texts) == 1 && texts[0] == field(r, fieldNumber) {
				if pending < 0 {
					pending = r
				}
				continue
			}
			return nil, l.at(r+1, fieldContent).errorf("不能为空")
		}
		if pending >= 0 {
			return nil, l.at(pending+1, fieldContent).errorf("不能为空")
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, l.at(hdr+1, "").errorf("表头之下没有任务行")
	}
	return out, nil
}

// tableSpan returns the first and last column of the header's fields:
// cells outside it are notes beside the table.
func tableSpan(cols map[string]int) (int, int) {
	first, last := maxColumns, 0
	for _, c := range cols {
		first, last = min(first, c), max(last, c)
	}
	return first, last
}

// distinctTexts returns the different non-empty texts in the row's span; a
// heading merged across the row gives one.
func distinctTexts(g *grid, r, first, last int) []string {
	var out []string
	for c := first; c <= last; c++ {
		t := g.text(r, c)
		if t != "" && !containsString(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func nonEmptyCells(g *grid, r, first, last int) int {
	n := 0
	for c := first; c <= last; c++ {
		if g.text(r, c) != "" {
			n++
		}
	}
	return n
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
