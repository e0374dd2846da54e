package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, b *Bulletin) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// cellStyle returns the style of a cell.
func cellStyle(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// findCell returns the name of the first cell on the sheet whose value is v.
func findCell(t *testing.T, f *excelize.File, sheet, v string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, c := range r {
			if c == v {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				return name
			}
		}
	}
	t.Fatalf("sheet %s has no cell %q", sheet, v)
	return ""
}

// TestXLSX: the text sheet first, a sheet per table with its title merged
// across, a bold bordered header, numbers as numbers, status fills, print
// settings.
func TestXLSX(t *testing.T) {
	f := openXLSX(t, sampleBulletin())
	want := []string{"通报正文", "2022年7月科技创新指标完成情况表", "各单位综合完成率排名", "进度滞后任务清单", "未按时报送单位"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}

	t.Run("text", func(t *testing.T) {
		rows, err := f.GetRows("通报正文")
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, r := range rows {
			if len(r) > 0 {
				text = append(text, r[0])
			}
		}
		all := strings.Join(text, "\n")
		for _, s := range []string{"关于2022年7月科技创新工作要点", "一、总体情况", "附件：1.2022年7月科技创新指标完成情况表", "2022年8月10日"} {
			if !strings.Contains(all, s) {
				t.Errorf("the text sheet lacks %q", s)
			}
		}
		if !cellStyle(t, f, "通报正文", findCell(t, f, "通报正文", "一、总体情况")).Font.Bold {
			t.Error("heading 一、总体情况 is not bold")
		}
	})

	t.Run("indicators", func(t *testing.T) {
		sheet := want[1]
		merges, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var ranges []string
		for _, m := range merges {
			ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		if !slices.Contains(ranges, "A1:K1") {
			t.Errorf("merged %q, want the title over A1:K1", ranges)
		}
		if v, _ := f.GetCellValue(sheet, "A1"); v != "2022年7月科技创新指标完成情况表" {
			t.Errorf("A1 = %q", v)
		}
		h := cellStyle(t, f, sheet, "B2")
		if !h.Font.Bold || len(h.Border) != 4 {
			t.Errorf("header B2: bold %v, %d borders; want bold with 4", h.Font.Bold, len(h.Border))
		}
		// 三家店街道: 21 target, 15 done.
		if typ, _ := f.GetCellType(sheet, "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("B3 type %v, want a number", typ)
		}
		if v, _ := f.GetCellValue(sheet, "B3"); v != "21" {
			t.Errorf("B3 = %q, want 21", v)
		}
		if s := cellStyle(t, f, sheet, "B3"); s.Alignment.Horizontal != "right" || len(s.Border) != 4 {
			t.Errorf("B3 alignment %q borders %d, want right with 4", s.Alignment.Horizontal, len(s.Border))
		}
		// 洪都街道 技术合同成交额 0.01/0.05 = 20% is serious; 完成率 shown as written.
		if v, _ := f.GetCellValue(sheet, "J4"); v != "20.0%" {
			t.Errorf("J4 = %q, want 20.0%%", v)
		}
		fills := map[string]string{}
		for _, c := range []string{"D4", "J4", "D3", "J9"} {
			s := cellStyle(t, f, sheet, c)
			if len(s.Fill.Color) > 0 {
				fills[c] = s.Fill.Color[0]
			}
		}
		// D4: 洪都 3/8 = 37.5% lagging; J4 serious; D3: 三家店 15/21 = 71.4% ahead; J9 集聚区 0.13/0.2 = 65% on track.
		for c, want := range map[string]string{"D4": "FFC7CE", "J4": "FF0000", "D3": "C6EFCE"} {
			if fills[c] != want {
				t.Errorf("%s fill %q, want %s", c, fills[c], want)
			}
		}
		if fills["J8"] != "" {
			t.Errorf("J8 (on track) is filled %q", fills["J8"])
		}
		if !cellStyle(t, f, sheet, "J4").Font.Bold {
			t.Error("serious J4 is not bold")
		}
		layout, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *layout.Orientation != "landscape" || *layout.Size != 9 {
			t.Errorf("page %v %v, want A4 (9) landscape", *layout.Size, *layout.Orientation)
		}
		titles := false
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet && strings.HasSuffix(d.RefersTo, "!$1:$2") {
				titles = true
			}
		}
		if !titles {
			t.Errorf("no print titles for rows 1–2: %+v", f.GetDefinedName())
		}
		if w, _ := f.GetColWidth(sheet, "A"); w < 10 {
			t.Errorf("column A width %v: too narrow for 新经济产业集聚区", w)
		}
	})
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{"通报正文": true}
	for _, tc := range []struct{ title, want string }{
		{"各单位排名", "各单位排名"},
		{"各单位排名", "各单位排名(2)"},
		{"各单位排名", "各单位排名(3)"},
		{"a[b]:c*d?e/f\\g", "abcdefg"},
		{"'引号'", "引号"},
		{"", "表6"},
		{"   ", "表7"},
		{"通报正文", "通报正文(2)"},
		{"History", "History表"},
		{strings.Repeat("长", 40), strings.Repeat("长", 31)},
		{strings.Repeat("长", 40), strings.Repeat("长", 28) + "(2)"},
		{"ABC", "ABC"},
		{"abc", "abc(2)"},
		{strings.Repeat("😀", 20), strings.Repeat("😀", 15)},
	} {
		i := len(used) - 1
		got := sheetName(tc.title, i, used)
		if got != tc.want {
			t.Errorf("sheetName(%q) = %q, want %q", tc.title, got, tc.want)
		}
		if err := excelize.NewFile().SetSheetName("Sheet1", got); err != nil {
			t.Errorf("excelize rejects %q: %v", got, err)
		}
	}
}

func TestXLNumber(t *testing.T) {
	for _, tc := range []struct {
		in     string
		v      any
		format string
	}{
		{"140", 140.0, "0"},
		{"7.50", 7.5, "0.00"},
		{"-3", -3.0, "0"},
		{"66.4%", 0.664, "0.0%"},
		{"0.05", 0.05, "0.00"},
		{"007", "007", ""},
		{"1,234", "1,234", ""},
		{"1e5", "1e5", ""},
		{"12345678901234567890", "12345678901234567890", ""},
		{"滞后", "滞后", ""},
		{"%", "%", ""},
		{".5", ".5", ""},
	} {
		v, format := xlNumber(tc.in)
		if f, ok := v.(float64); ok {
			if w, _ := tc.v.(float64); f < w-1e-9 || f > w+1e-9 {
				t.Errorf("xlNumber(%q) = %v, want %v", tc.in, v, tc.v)
			}
		} else if v != tc.v {
			t.Errorf("xlNumber(%q) = %v, want %v", tc.in, v, tc.v)
		}
		if format != tc.format {
			t.Errorf("xlNumber(%q) format %q, want %q", tc.in, format, tc.format)
		}
	}
}
