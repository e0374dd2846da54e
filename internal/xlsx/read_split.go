package xlsx

import (
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// unitHeaders are the first-column headers of split tables (spaces removed).
var unitHeaders = map[string]bool{
	"单位": true, "单位名称": true, "县区": true, "县(区)": true, "县（区）": true,
	"区县": true, "县市区": true, "县(市、区)": true, "县（市、区）": true, "地区": true,
	"区域": true, "街道": true, "乡镇": true, "镇街": true, "街镇": true, "乡镇街道": true,
	"街道(镇)": true, "街道（镇）": true, "乡镇(街道)": true, "乡镇（街道）": true, "部门": true,
}

// isUnitHeader also accepts the corner cell of a diagonal header, which
// holds both captions: "指标\n单位", "项目 县区".
func isUnitHeader(k string) bool {
	if unitHeaders[k] {
		return true
	}
	for _, caption := range []string{"指标", "项目"} {
		if rest := strings.Replace(k, caption, "", 1); rest != k && unitHeaders[rest] {
			return true
		}
	}
	return false
}

// ignoredColumns hold text beside the figures.
var ignoredColumns = map[string]bool{"备注": true, "说明": true}

// checkRowName labels the row WriteSplitTables adds under a table: the exact
// sum of the units' values, for people to compare with the total row.
const checkRowName = "各单位合计"

// ReadSplitTable reads the first split table (指标分解表) in the workbook: the
// first visible sheet whose first rows hold a header with a unit column
// (单位, 县区, 街道 …) followed by indicator columns.
func (rd Reader) ReadSplitTable(name string, r io.Reader) (plan.DocTable, error) {
	tables, err := rd.readSplit(name, r, true)
	if err != nil {
		return plan.DocTable{}, err
	}
	return tables[0], nil
}

// ReadSplitTables reads a split table from every visible sheet that holds
// one, as WriteSplitTables writes them.
//
// Column names lose a leading year and a trailing bracketed unit, which goes
// to UnitsOfMeasure: "2022年高新技术企业数量（家）" is column 高新技术企业数量
// in 家. The total row (合计, 总计, 全区, or the district's own name first or
// last) is kept with Total set. Values are read exactly from the stored cell
// text; an empty cell, "/" or "—" is an absent value.
func (rd Reader) ReadSplitTables(name string, r io.Reader) ([]plan.DocTable, error) {
	return rd.readSplit(name, r, false)
}

func (rd Reader) readSplit(name string, r io.Reader, firstOnly bool) (tables []plan.DocTable, err error) {
	defer recoverPanic(name, &err)
	wb, err := rd.open(name, r)
	if err != nil {
		return nil, err
	}
	defer wb.close()
	sheets := wb.visibleSheets()
	if len(sheets) == 0 {
		return nil, loc{file: name}.errorf("没有可见的工作表")
	}
	var found []plan.DocTable // returned only when every sheet reads well
	for _, s := range sheets {
		rows, err := readRows(wb, s, false, false, headerRows)
		if err != nil {
			continue
		}
		hdr, unitCol, ok := findSplitHeader(rows)
		if !ok {
			continue
		}
		g, err := readGrid(wb, s)
		if err != nil {
			return nil, err
		}
		t, err := readSplitSheet(g, hdr, unitCol)
		if err != nil {
			return nil, err
		}
		found = append(found, t)
		if firstOnly {
			break
		}
	}
	if len(found) == 0 {
		return nil, loc{file: name, sheet: sheets[0]}.errorf(
			"前%d行中没有找到分解表的表头（第一列应为“单位”“县区”或“街道”等，其后为指标列）", headerRows)
	}
	return found, nil
}

// findSplitHeader returns the header row and its unit column.
func findSplitHeader(rows [][]string) (int, int, bool) {
	for r, row := range rows {
		if countTaskHeaders(row) >= 2 {
			continue
		}
		for c := range row {
			if !isUnitHeader(key(row[c])) {
				continue
			}
			for _, right := range row[c+1:] {
				if key(right) != "" {
					return r, c, true
				}
			}
		}
	}
	return 0, 0, false
}

// splitColumn is an indicator column of the sheet.
type splitColumn struct {
	index int
	name  string // "" for a column without a header, which must stay empty
}

func readSplitSheet(g *grid, hdr, unitCol int) (plan.DocTable, error) {
	l := loc{file: g.wb.file, sheet: g.sheet}
	t := plan.DocTable{UnitsOfMeasure: map[string]string{}}
	var sheetUnit string
	t.Title, t.Attachment, sheetUnit = splitTitle(g, hdr)

	width := 0
	for _, row := range g.shown {
		width = max(width, len(row))
	}
	var cols []splitColumn
	seen := map[string]int{}
	for c := unitCol + 1; c < width; c++ {
		h := key(g.text(hdr, c))
		if ignoredColumns[h] {
			continue
		}
		if h == "" {
			cols = append(cols, splitColumn{index: c})
			continue
		}
		name, unit := splitHeader(h)
		letter, _ := excelize.ColumnNumberToName(c + 1)
		if name == "" {
			return t, l.at(hdr+1, letter+"列").errorf("“%s” 只有单位，没有指标名称", h)
		}
		if prev, dup := seen[name]; dup {
			prevLetter, _ := excelize.ColumnNumberToName(prev + 1)
			return t, l.at(hdr+1, name).errorf("%s列与%s列的指标名称相同", prevLetter, letter)
		}
		seen[name] = c
		if unit == "" {
			unit = sheetUnit
		}
		if unit != "" {
			t.UnitsOfMeasure[name] = unit
		}
		t.Columns = append(t.Columns, name)
		cols = append(cols, splitColumn{index: c, name: name})
	}

	if len(t.Columns) == 0 {
		return t, l.at(hdr+1, "").errorf("表头中“%s”之后没有指标列", key(g.text(hdr, unitCol)))
	}
	unitField := key(g.text(hdr, unitCol))
	firstRow := map[string]int{}
	for r := hdr + 1; r < len(g.shown); r++ {
		unitText := g.text(r, unitCol)
		if unitText == "" && rowEmpty(g, r, cols) {
			continue
		}
		if isUnitHeader(key(unitText)) {
			continue // the header repeated where the table crossed a page
		}
		if isNote(unitText) || annexLabel.MatchString(unitText) {
			break
		}
		unit := plan.CleanName(unitText)
		if unit == "" {
			return t, l.at(r+1, unitField).errorf("单位为空，但本行有数值")
		}
		if prev, dup := firstRow[unit]; dup {
			return t, l.at(r+1, unitField).errorf("“%s” 与第%d行重复", unit, prev)
		}
		firstRow[unit] = r + 1
		row := plan.DocTableRow{Unit: unit, Values: map[string]plan.Decimal{}}
		for _, c := range cols {
			raw, shown := cellAt(g.raw, r, c.index), cellAt(g.shown, r, c.index)
			if c.name == "" {
				if strings.TrimSpace(shown) != "" {
					letter, _ := excelize.ColumnNumberToName(c.index + 1)
					return t, l.at(r+1, letter+"列").errorf("有内容“%s”，但这一列没有表头", strings.TrimSpace(shown))
				}
				continue
			}
			d, ok, reason := parseValue(raw, shown)
			switch {
			case reason != "":
				return t, l.at(r+1, c.name).errorf("%s", reason)
			case ok:
				row.Values[c.name] = d
			case g.hasFormula(r, c.index):
				return t, l.at(r+1, c.name).errorf("公式没有计算结果，请在 Excel 中打开并保存后再导入")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 {
		return t, l.at(hdr+1, "").errorf("表头之下没有数据行")
	}
	markTotals(&t)
	return t, nil
}

func rowEmpty(g *grid, r int, cols []splitColumn) bool {
	for _, c := range cols {
		if strings.TrimSpace(cellAt(g.shown, r, c.index)) != "" {
			return false
		}
	}
	return true
}

// splitTitle reads the rows above the header: the nearest text that is not
// an annex label is the title, the label (附件2) is kept, and a row
// "单位：亿元" gives the unit of every column that does not name its own.
func splitTitle(g *grid, hdr int) (title, label, unit string) {
	for r := hdr - 1; r >= 0; r-- {
		for _, c := range distinctTexts(g, r, 0, maxColumns-1) {
			k := key(c)
			if u, ok := cutAny(k, "单位：", "单位:", "计量单位：", "计量单位:"); ok {
				unit = u
				continue
			}
			if strings.HasPrefix(k, "填报") || strings.HasPrefix(k, "制表") {
				continue
			}
			l, rest := cutAnnex(c)
			if l != "" && label == "" {
				label = l
			}
			if rest != "" && title == "" {
				title = rest
			}
		}
	}
	return title, label, unit
}

func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return "", false
}

var (
	yearPrefix   = regexp.MustCompile(`^[0-9]{4}年度?`)
	bracketUnit  = regexp.MustCompile(`[（(【\[]([^（）()【】\[\]]*)[)）】\]]$`)
	unitCaption  = regexp.MustCompile(`^(计量)?单位[:：]`)
	districtName = regexp.MustCompile(`[区县市旗]$`)
	subZone      = regexp.MustCompile(`(集聚区|园区|开发区|新区|示范区|景区|社区|片区|街区|功能区|产业区|高新区|试验区|保税区|合作区|城区|管理区)$`)
)

// splitHeader splits "2022年高新技术企业数量（家）" (spaces already removed)
// into the indicator 高新技术企业数量 and its unit 家.
func splitHeader(h string) (name, unit string) {
	h = yearPrefix.ReplaceAllString(h, "")
	if loc := bracketUnit.FindStringSubmatchIndex(h); loc != nil {
		unit = unitCaption.ReplaceAllString(h[loc[2]:loc[3]], "")
		h = h[:loc[0]]
	}
	return h, unit
}

// markTotals sets Total on the row for the whole: one named 合计, 总计, 全区
// …; else the district's own name (青云谱区) when it is the only such name
// and stands first or last; else the first or last row whose every value is
// the sum of the others'. A 各单位合计 row only sums the others: it is dropped
// when another row is the total, and is the total otherwise.
func markTotals(t *plan.DocTable) {
	check := -1
	var rest []int
	for i, r := range t.Rows {
		if r.Unit == checkRowName {
			check = i
		} else {
			rest = append(rest, i)
		}
	}
	found := false
	var districts []int
	for _, i := range rest {
		u := t.Rows[i].Unit
		switch {
		case totalNames[u] || strings.HasSuffix(u, "合计") || strings.HasSuffix(u, "总计"):
			t.Rows[i].Total, found = true, true
		case districtName.MatchString(u) && !subZone.MatchString(u):
			districts = append(districts, i)
		}
	}
	if !found && len(rest) > 1 {
		ends := []int{rest[0], rest[len(rest)-1]}
		if len(districts) == 1 && slices.Contains(ends, districts[0]) {
			t.Rows[districts[0]].Total, found = true, true
		}
		for _, i := range ends {
			if !found && len(rest) > 2 && isSumOfOthers(t.Rows, rest, i) {
				t.Rows[i].Total, found = true, true
			}
		}
	}
	switch {
	case check >= 0 && found:
		t.Rows = slices.Delete(t.Rows, check, check+1)
	case check >= 0:
		t.Rows[check].Total = true
	}
}

// totalNames name the row of the whole, as the notice parser knows them.
var totalNames = map[string]bool{
	"全区": true, "全县": true, "全市": true, "全镇": true, "全乡": true, "全旗": true,
	"汇总": true, "总数": true, "总量": true,
}

// isSumOfOthers reports whether row i's values, not all zero, are each the
// sum of the other rows' (among rows).
func isSumOfOthers(all []plan.DocTableRow, rows []int, i int) bool {
	nonzero := false
	for col, v := range all[i].Values {
		var sum plan.Decimal
		for _, j := range rows {
			if j != i {
				sum = sum.Add(all[j].Values[col])
			}
		}
		if sum.Cmp(v) != 0 {
			return false
		}
		nonzero = nonzero || !v.IsZero()
	}
	return nonzero
}
