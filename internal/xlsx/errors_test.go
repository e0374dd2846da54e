package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// TestReadErrors checks that bad input fails as a whole with a message
// naming the file, the sheet, the Excel row and the column.
func TestReadErrors(t *testing.T) {
	taskHeader := []any{"序号", "工作内容", "牵头单位", "责任单位"}
	splitRows := func(extra ...[]any) [][]any {
		return append([][]any{
			{"2022年有关科技创新指导性任务分解表"},
			{"单位", "科技型中小企业", "高新技术企业（家）"},
			{"青云谱区", 140, 76},
			{"三家店街道", 21, 14},
			{"洪都街道", 8, 4},
			{"徐家坊街道", 39, 19},
		}, extra...)
	}
	tests := []struct {
		name   string
		file   string
		data   []byte
		reader Reader
		split  bool // read as a split table, else as a task table
		want   string
	}{{
		name:  "value not a number",
		file:  "科技分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: splitRows([]any{"京山街道", 13, "十四"})}),
		want:  "科技分解表.xlsx: 工作表 Sheet1 第7行 “高新技术企业”: “十四” 不是数字",
	}, {
		name:  "too many decimal places",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: splitRows([]any{"京山街道", num("0.1234567"), 7})}),
		want:  "分解表.xlsx: 工作表 Sheet1 第7行 “科技型中小企业”: “0.1234567” 小数超过6位",
	}, {
		name:  "unit twice",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: splitRows([]any{"洪都 街道", 1, 2})}),
		want:  "分解表.xlsx: 工作表 Sheet1 第7行 “单位”: “洪都街道” 与第5行重复",
	}, {
		name:  "values without a unit",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: splitRows([]any{nil, 1, 2})}),
		want:  "分解表.xlsx: 工作表 Sheet1 第7行 “单位”: 单位为空，但本行有数值",
	}, {
		name:  "value under no header",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: splitRows([]any{"京山街道", 1, 2, nil, "漏填表头"})}),
		want:  "分解表.xlsx: 工作表 Sheet1 第7行 “E列”: 有内容“漏填表头”，但这一列没有表头",
	}, {
		name:  "formula without a cached result",
		file:  "分解表.xlsx",
		split: true,
		data:  withFormula(t, book(t, sheet{name: "Sheet1", rows: splitRows([]any{"京山街道", 13})}), "C7", "SUM(C4:C6)"),
		want:  "分解表.xlsx: 工作表 Sheet1 第7行 “高新技术企业”: 公式没有计算结果",
	}, {
		name:  "no indicator column",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "Sheet1", rows: [][]any{{"县 区", "备注"}, {"洪都街道", "无"}}}),
		want:  "分解表.xlsx: 工作表 Sheet1 第1行: 表头中“县区”之后没有指标列",
	}, {
		name:  "no split header",
		file:  "分解表.xlsx",
		split: true,
		data:  book(t, sheet{name: "数据", rows: [][]any{{"名称", "数量"}, {"甲", 1}}}),
		want:  "分解表.xlsx: 工作表 数据: 前10行中没有找到分解表的表头",
	}, {
		name: "missing required header",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "Sheet1", rows: [][]any{{"2022年工作要点任务分解表"}, {"序号", "工作内容", "责任单位"}, {"1", "任务", "区科工局"}}}),
		want: "任务表.xlsx: 工作表 Sheet1 第2行 “牵头单位”: 表头中没有这一列",
	}, {
		name: "row without 工作内容",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "任务", rows: [][]any{
			{"2022年工作要点任务分解表"}, taskHeader,
			{"1", "任务一", "区科工局", "区科工局"},
			{"2", "任务二", "区科工局", "区科工局"},
			{"3", "", "区科工局", "区科工局"},
		}}),
		want: "任务表.xlsx: 工作表 任务 第5行 “工作内容”: 不能为空",
	}, {
		name: "numbered row without 工作内容 before others",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "任务", rows: [][]any{taskHeader, {"1"}, {"2", "任务二", "区科工局", "区科工局"}}}),
		want: "任务表.xlsx: 工作表 任务 第2行 “工作内容”: 不能为空",
	}, {
		name: "heading without a number",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "Sheet1", rows: [][]any{taskHeader, {"科技创新区域优化布局行动"}, {"1", "任务", "区科工局", "区科工局"}},
			merges: [][2]string{{"A2", "D2"}}}),
		want: "任务表.xlsx: 工作表 Sheet1 第2行: “科技创新区域优化布局行动” 像是分节标题",
	}, {
		name: "header only",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "Sheet1", rows: [][]any{taskHeader}}),
		want: "任务表.xlsx: 工作表 Sheet1 第1行: 表头之下没有任务行",
	}, {
		name: "no task header",
		file: "任务表.xlsx",
		data: book(t, sheet{name: "Sheet1", rows: [][]any{{"单位", "高新技术企业"}, {"洪都街道", 4}}}),
		want: "任务表.xlsx: 工作表 Sheet1: 前10行中没有找到任务分解表的表头",
	}, {
		name: "not a workbook",
		file: "任务表.xlsx",
		data: []byte("序号,工作内容\n1,任务\n"),
		want: "任务表.xlsx: 不是 Excel .xlsx 文件",
	}, {
		name: "a zip that is not a workbook",
		file: "任务表.xlsx",
		data: zipOf(t, "readme.txt", "hello"),
		want: "任务表.xlsx: 不是有效的 Excel .xlsx 文件",
	}, {
		name: "legacy xls",
		file: "任务表.xls",
		data: append(bytes.Clone(oleMagic), make([]byte, 600)...),
		want: "任务表.xls: 是旧版 .xls 文件或加密的工作簿",
	}, {
		name:   "file over the limit",
		file:   "任务表.xlsx",
		reader: Reader{MaxFileSize: 1 << 20},
		data:   make([]byte, 1<<20+1),
		want:   "任务表.xlsx: 文件超过 1 MB",
	}, {
		name:   "decompressed over the limit",
		file:   "任务表.xlsx",
		reader: Reader{MaxUnzippedSize: 1 << 20},
		data:   zipOf(t, "xl/worksheets/sheet1.xml", strings.Repeat(" ", 2<<20)),
		want:   "任务表.xlsx: 解压后超过 1 MB",
	}, {
		name: "a row far down",
		file: "任务表.xlsx",
		data: rawSheet(t, `<row r="600000"><c r="A600000"><v>1</v></c></row>`),
		want: "任务表.xlsx: 工作表 sheet1.xml 过大",
	}, {
		name: "a value in the last column",
		file: "任务表.xlsx",
		data: withValue(t, book(t, sheet{name: "Sheet1", rows: [][]any{taskHeader, {"1", "任务", "区科工局", "区科工局"}}}), "XFD3", "x"),
		want: "任务表.xlsx: 工作表 Sheet1 第3行 “XFD列”: 表格只读前 64 列",
	}, {
		name: "empty cells out at the last column",
		file: "任务表.xlsx",
		data: rawSheet(t, farCells(40)),
		want: "任务表.xlsx: 工作表 sheet1.xml 过大",
	}, {
		name:  "too many merged ranges",
		file:  "分解表.xlsx",
		split: true,
		data: edit(t, book(t, sheet{name: "Sheet1", rows: splitRows()}), func(f *excelize.File) {
			for r := 10; r < 10+2*(maxMerges+1); r += 2 {
				must(t, f.MergeCell("Sheet1", fmt.Sprintf("A%d", r), fmt.Sprintf("B%d", r)))
			}
		}),
		want: "分解表.xlsx: 工作表 sheet1.xml 有 2001 个合并单元格",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.split {
				var got plan.DocTable
				got, err = tt.reader.ReadSplitTable(tt.file, bytes.NewReader(tt.data))
				if err == nil {
					t.Fatalf("no error; read %+v", got)
				}
			} else {
				var got []plan.DocTaskRow
				got, err = tt.reader.ReadTaskTable(tt.file, bytes.NewReader(tt.data))
				if err == nil || got != nil {
					t.Fatalf("rows %+v, error %v; want no rows and an error", got, err)
				}
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n%s\nwant it to begin\n%s", err, tt.want)
			}
			if code := plan.ErrorCode(err); code != plan.EINVALID {
				t.Errorf("error code %q, want %q", code, plan.EINVALID)
			}
		})
	}
}

// withValue reopens a workbook and sets cells (ref, value pairs) on Sheet1.
func withValue(tb testing.TB, data []byte, kv ...string) []byte {
	tb.Helper()
	return edit(tb, data, func(f *excelize.File) {
		for i := 0; i < len(kv); i += 2 {
			must(tb, f.SetCellStr("Sheet1", kv[i], kv[i+1]))
		}
	})
}

// rawSheet builds a workbook whose Sheet1 holds the given <sheetData> rows
// as written, for shapes excelize's own writer would take long to make.
func rawSheet(tb testing.TB, rows string) []byte {
	tb.Helper()
	xmlText := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>工作内容</t></is></c></row>` +
		rows + `</sheetData></worksheet>`
	return edit(tb, book(tb, sheet{name: "Sheet1"}), func(f *excelize.File) {
		f.Pkg.Store("xl/worksheets/sheet1.xml", []byte(xmlText))
	})
}

// farCells gives rows that each hold an empty cell at column XFD: nothing a
// person sees, but excelize would allocate every cell up to it.
func farCells(rows int) string {
	var b strings.Builder
	for r := 2; r <= rows; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="XFD%d" s="0"/></row>`, r, r)
	}
	return b.String()
}

func withFormula(tb testing.TB, data []byte, ref, formula string) []byte {
	tb.Helper()
	return edit(tb, data, func(f *excelize.File) { must(tb, f.SetCellFormula("Sheet1", ref, formula)) })
}

func edit(tb testing.TB, data []byte, change func(*excelize.File)) []byte {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	must(tb, err)
	defer f.Close()
	change(f)
	var buf bytes.Buffer
	must(tb, f.Write(&buf))
	return buf.Bytes()
}

func zipOf(tb testing.TB, name, content string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	must(tb, err)
	_, err = w.Write([]byte(content))
	must(tb, err)
	must(tb, zw.Close())
	return buf.Bytes()
}
