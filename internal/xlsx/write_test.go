package xlsx

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

func TestRoundTrip2022(t *testing.T) {
	doc := example2022(t)

	t.Run("附件1 task table", func(t *testing.T) {
		var buf bytes.Buffer
		must(t, WriteTaskTable(&buf, doc))
		got, err := ReadTaskTable("附件1.xlsx", &buf)
		must(t, err)
		want := slices.Clone(doc.TaskTable)
		for i := range want {
			want[i].ID, want[i].MapsToTask, want[i].Line = 0, "", 0 // not held by the workbook
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("task table after round trip:\n%s\nwant:\n%s", jsonString(t, got), jsonString(t, want))
		}
	})

	t.Run("附件2 split tables", func(t *testing.T) {
		var buf bytes.Buffer
		must(t, WriteSplitTables(&buf, doc))
		got, err := ReadSplitTables("附件2.xlsx", &buf)
		must(t, err)
		want := slices.Clone(doc.DecompositionTables)
		for i := range want {
			want[i].ID, want[i].Line = 0, 0
			want[i].Rows = slices.Clone(want[i].Rows)
			for j := range want[i].Rows {
				want[i].Rows[j].Line = 0
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("split tables after round trip:\n%s\nwant:\n%s", jsonString(t, got), jsonString(t, want))
		}
	})

	t.Run("several split tables and a deadline", func(t *testing.T) {
		d := *doc
		second := plan.DocTable{
			Title:          "2022年研发投入分解表",
			Attachment:     "附件3",
			Columns:        []string{"研发投入", "备案企业"},
			UnitsOfMeasure: map[string]string{"研发投入": "万元"},
			Rows: []plan.DocTableRow{
				{Unit: "洪都街道", Values: map[string]plan.Decimal{"研发投入": dec("123456789012.123456")}},
				{Unit: "京山街道", Values: map[string]plan.Decimal{"备案企业": dec("-3")}},
			},
		}
		d.DecompositionTables = append(slices.Clone(doc.DecompositionTables), second)
		var buf bytes.Buffer
		must(t, WriteSplitTables(&buf, &d))
		got, err := ReadSplitTables("分解表.xlsx", &buf)
		must(t, err)
		if len(got) != 2 || !reflect.DeepEqual(got[1], second) {
			t.Errorf("second table after round trip:\n%s\nwant:\n%s", jsonString(t, got), jsonString(t, second))
		}

		d.TaskTable = slices.Clone(doc.TaskTable[:2])
		d.TaskTable[1].Deadline = "2022年12月底"
		d.TaskTable[1].Section = "2" // a section numbered in digits
		buf.Reset()
		must(t, WriteTaskTable(&buf, &d))
		rows, err := ReadTaskTable("任务表.xlsx", &buf)
		must(t, err)
		if rows[1].Deadline != "2022年12月底" || rows[0].Deadline != "" || rows[1].Section != "2" {
			t.Errorf("rows = %+v, want the deadline and section kept", rows)
		}
	})
}

// TestWriteLayout opens the written workbooks and checks the notice's look:
// fonts, merges, borders, wrap, the check row.
func TestWriteLayout(t *testing.T) {
	doc := example2022(t)

	t.Run("附件1", func(t *testing.T) {
		var buf bytes.Buffer
		must(t, WriteTaskTable(&buf, doc))
		f, err := excelize.OpenReader(&buf)
		must(t, err)
		defer f.Close()
		const s = "附件1"
		wantCells(t, f, s, map[string]string{
			"A1": "附件1", "A2": "2022年工作要点任务分解表",
			"A3": "序号", "B3": "工作内容", "C3": "牵头单位", "D3": "责任单位",
			"A4": "（一）科技创新区域优化布局行动", "A5": "1", "D5": "区发改委、青云谱镇",
			"D8": "区科工局、区发改委、区人社局、区科协，各街道、镇、集聚区",
		})
		wantMerges(t, f, s, "A2:D2", "A4:D4", "A7:D7")
		wantStyle(t, f, s, "A2", "方正小标宋简体", false, true)
		wantStyle(t, f, s, "B3", "黑体", true, true)
		wantStyle(t, f, s, "A4", "黑体", true, true)
		wantStyle(t, f, s, "B5", "仿宋_GB2312", true, true)
		wantStyle(t, f, s, "D26", "仿宋_GB2312", true, true)
		if w, _ := f.GetColWidth(s, "B"); w < 40 {
			t.Errorf("工作内容 column width %v, want a wide column", w)
		}
		names := f.GetDefinedName()
		if len(names) != 1 || names[0].Name != "_xlnm.Print_Titles" || names[0].RefersTo != "'附件1'!$3:$3" {
			t.Errorf("defined names = %+v, want print titles repeating row 3", names)
		}
	})

	t.Run("附件2", func(t *testing.T) {
		var buf bytes.Buffer
		d := *doc
		d.DecompositionTables = slices.Clone(doc.DecompositionTables)
		table := d.DecompositionTables[0]
		table.Rows = slices.Clone(table.Rows)
		table.Rows[2].Values = map[string]plan.Decimal{"科技型中小企业": dec("9"), "高新技术企业": dec("4"), "技术合同成交额": dec("0.05")}
		d.DecompositionTables[0] = table
		must(t, WriteSplitTables(&buf, &d))
		f, err := excelize.OpenReader(&buf)
		must(t, err)
		defer f.Close()
		const s = "附件2"
		wantCells(t, f, s, map[string]string{
			"A1": "附件2", "A2": "2022年有关科技创新指导性任务分解表",
			"A3": "单位", "B3": "科技型中小企业（家）", "D3": "技术合同成交额（亿元）",
			"A4": "青云谱区", "B4": "140", "D4": "7", "A6": "洪都街道", "D6": "0.05",
			"A12": "各单位合计", "B12": "141", "C12": "76", "D12": "7",
		})
		wantMerges(t, f, s, "A2:D2", "A13:D13")
		wantStyle(t, f, s, "A4", "仿宋_GB2312", true, true)
		wantStyle(t, f, s, "D6", "仿宋_GB2312", true, true)
		if typ, _ := f.GetCellType(s, "D6"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("D6 has type %v, want a number", typ)
		}
		diff, same := styleOf(t, f, s, "B12"), styleOf(t, f, s, "C12")
		if diff.Font.Color != "FF0000" || same.Font.Color == "FF0000" || !same.Font.Italic {
			t.Errorf("check row: B12 (141≠140) font %+v, C12 (76=76) font %+v; want only B12 red, both italic", diff.Font, same.Font)
		}
		if total := styleOf(t, f, s, "A4"); !total.Font.Bold {
			t.Errorf("total row not bold")
		}
	})

	t.Run("no split tables", func(t *testing.T) {
		err := WriteSplitTables(&bytes.Buffer{}, &plan.Document{})
		if plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("err = %v, want an EINVALID error", err)
		}
	})
}

func wantCells(t *testing.T, f *excelize.File, sheet string, want map[string]string) {
	t.Helper()
	for ref, v := range want {
		if got, err := f.GetCellValue(sheet, ref); err != nil || got != v {
			t.Errorf("%s = %q (%v), want %q", ref, got, err, v)
		}
	}
}

func wantMerges(t *testing.T, f *excelize.File, sheet string, refs ...string) {
	t.Helper()
	merges, err := f.GetMergeCells(sheet, true)
	must(t, err)
	have := map[string]bool{}
	for _, m := range merges {
		have[m.GetStartAxis()+":"+m.GetEndAxis()] = true
	}
	for _, r := range refs {
		if !have[r] {
			t.Errorf("no merged range %s among %v", r, merges)
		}
	}
}

func styleOf(t *testing.T, f *excelize.File, sheet, ref string) *excelize.Style {
	t.Helper()
	idx, err := f.GetCellStyle(sheet, ref)
	must(t, err)
	st, err := f.GetStyle(idx)
	must(t, err)
	return st
}

func wantStyle(t *testing.T, f *excelize.File, sheet, ref, font string, border, wrap bool) {
	t.Helper()
	st := styleOf(t, f, sheet, ref)
	if st.Font == nil || st.Font.Family != font {
		t.Errorf("%s font = %+v, want %s", ref, st.Font, font)
	}
	if got := len(st.Border) == 4; got != border {
		t.Errorf("%s borders = %+v, want all four: %v", ref, st.Border, border)
	}
	if got := st.Alignment != nil && st.Alignment.WrapText; got != wrap {
		t.Errorf("%s wrap = %v, want %v", ref, got, wrap)
	}
}
