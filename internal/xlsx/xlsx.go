// Package xlsx reads and writes the plan's tables as Excel workbooks: the
// task table (附件1 任务分解表) and the target-split tables (附件2 指标分解表)
// that bureau staff keep in Excel.
//
// Readers accept the layouts offices use (a title row above the header,
// line breaks inside header cells, merged cells, section heading rows) and
// are all-or-nothing: any bad cell fails the whole file with a message that
// names the file, the sheet, the Excel row and the column. Writers lay the
// tables out like the notice's annexes.
package xlsx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// Default limits for Reader. Offices' tables are a few dozen kilobytes; the
// limits only stop uploads that would exhaust the server's memory.
const (
	DefaultMaxFileSize = 10 << 20 // bytes of the .xlsx file
	defaultUnzipFactor = 5        // decompressed parts may be this many times the file limit
)

// Bounds on every worksheet of an upload. When excelize loads a worksheet
// (for its merged cells) it expands it to a full grid up to each row's last
// cell, so a small file with empty cells out at column XFD could take
// gigabytes; open measures that grid first.
const (
	maxGridCells = 500_000 // rows plus cells excelize would hold for one sheet
	maxMerges    = 2000    // merged ranges in a sheet: excelize checks them pairwise
	maxColumns   = 64      // columns a table may use
	headerRows   = 10      // rows searched for the header
)

// Reader reads plan tables with size limits. The zero Reader uses the
// defaults; the package functions use the zero Reader.
type Reader struct {
	MaxFileSize     int64 // bytes; 0 means DefaultMaxFileSize
	MaxUnzippedSize int64 // bytes of all parts decompressed; 0 means 5 × MaxFileSize
}

// ReadTaskTable reads a task table with the default limits.
func ReadTaskTable(name string, r io.Reader) ([]plan.DocTaskRow, error) {
	return Reader{}.ReadTaskTable(name, r)
}

// ReadSplitTable reads the first split table with the default limits.
func ReadSplitTable(name string, r io.Reader) (plan.DocTable, error) {
	return Reader{}.ReadSplitTable(name, r)
}

// ReadSplitTables reads every split table with the default limits.
func ReadSplitTables(name string, r io.Reader) ([]plan.DocTable, error) {
	return Reader{}.ReadSplitTables(name, r)
}

// loc says where in the workbook something is, and words errors the way a
// person looks for the cell: file, sheet, Excel row, column.
type loc struct {
	file  string
	sheet string
	row   int // Excel row number, 0 for the whole sheet
	field string
}

func (l loc) at(row int, field string) loc {
	l.row, l.field = row, field
	return l
}

// errorf returns a user-facing error (plan.EINVALID) prefixed with the place:
// `分解表.xlsx: 工作表 Sheet1 第7行 “高新技术企业”: “十四” 不是数字`.
func (l loc) errorf(format string, args ...any) error {
	var b strings.Builder
	b.WriteString(l.file)
	if l.sheet != "" {
		b.WriteString(": 工作表 " + l.sheet)
	}
	if l.row > 0 {
		fmt.Fprintf(&b, " 第%d行", l.row)
	}
	if l.field != "" {
		b.WriteString(" “" + l.field + "”")
	}
	b.WriteString(": ")
	fmt.Fprintf(&b, format, args...)
	return plan.Errorf(plan.EINVALID, "%s", b.String())
}

// workbook is an opened upload.
type workbook struct {
	f    *excelize.File
	file string
}

// oleMagic starts legacy .xls files and encrypted .xlsx files alike.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// open reads the upload within the limits and opens it as a workbook. The
// caller must close it.
func (rd Reader) open(name string, r io.Reader) (*workbook, error) {
	l := loc{file: name}
	maxFile := rd.MaxFileSize
	if maxFile <= 0 {
		maxFile = DefaultMaxFileSize
	}
	maxUnzipped := rd.MaxUnzippedSize
	if maxUnzipped <= 0 {
		maxUnzipped = defaultUnzipFactor * maxFile
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("xlsx: reading %s: %w", name, err)
	}
	switch {
	case int64(len(data)) > maxFile:
		return nil, l.errorf("文件超过 %s，请拆分或删去无关的工作表后再导入", formatBytes(maxFile))
	case bytes.HasPrefix(data, oleMagic):
		return nil, l.errorf("是旧版 .xls 文件或加密的工作簿，请在 Excel 中另存为不加密的 .xlsx 文件后再导入")
	case !bytes.HasPrefix(data, []byte("PK")):
		return nil, l.errorf("不是 Excel .xlsx 文件")
	}
	// UnzipXMLSizeLimit equal to UnzipSizeLimit keeps every part in memory:
	// the total is bounded, and excelize then writes no temporary files. The
	// Chinese culture shows a date cell such as a deadline as a Chinese Excel
	// does: 2022/12/31, 2022年12月31日.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzipped,
		UnzipXMLSizeLimit: maxUnzipped,
		ShortDatePattern:  "yyyy/m/d",
		CultureInfo:       excelize.CultureNameZhCN,
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, l.errorf("解压后超过 %s，请删去无关的工作表或图片后再导入", formatBytes(maxUnzipped))
		}
		return nil, l.errorf("不是有效的 Excel .xlsx 文件，或文件已损坏")
	}
	if err := checkParts(f); err != nil {
		f.Close()
		return nil, l.errorf("%v", err)
	}
	return &workbook{f: f, file: name}, nil
}

func (wb *workbook) close() { wb.f.Close() }

// checkParts measures every worksheet part before excelize parses any: the
// grid it would build (last row plus each row's last column) and the number
// of merged ranges. It reads the raw parts, so the sheet is named by its
// part, as sheet names are not known yet.
func checkParts(f *excelize.File) error {
	var err error
	f.Pkg.Range(func(k, v any) bool {
		name, _ := k.(string)
		data, _ := v.([]byte)
		if !strings.HasPrefix(name, "xl/worksheets/") || !strings.HasSuffix(name, ".xml") {
			return true
		}
		grid, merges := measureSheet(data)
		part := strings.TrimPrefix(name, "xl/worksheets/")
		switch {
		case grid > maxGridCells:
			err = fmt.Errorf("工作表 %s 过大（内容或格式延伸到很远的行列，超过 %d 个单元格），请删去表格之外的行列后再导入", part, maxGridCells)
		case merges > maxMerges:
			err = fmt.Errorf("工作表 %s 有 %d 个合并单元格，超过上限 %d 个", part, merges, maxMerges)
		}
		return err == nil
	})
	return err
}

// measureSheet counts what excelize would allocate for a worksheet: one
// row for each up to the last, and in each row the cells up to its last.
// Parsing stops at malformed XML, where excelize stops too.
func measureSheet(data []byte) (grid, merges int) {
	d := xml.NewDecoder(bytes.NewReader(data))
	lastRow, row, col, rowEnd := 0, 0, 0, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row, col, rowEnd = row+1, 0, 0
				if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > 0 {
					row = n
				}
				lastRow = max(lastRow, row)
			case "c":
				col++
				// A row without r takes its number from its cells.
				if c, r, err := excelize.CellNameToCoordinates(attr(t, "r")); err == nil {
					col, lastRow = c, max(lastRow, r)
				}
				rowEnd = max(rowEnd, col)
			case "mergeCell":
				merges++
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				grid += rowEnd
				if grid > maxGridCells {
					return grid, merges
				}
			}
		}
	}
	return grid + lastRow, merges
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// visibleSheets lists the sheets a person sees, in tab order.
func (wb *workbook) visibleSheets() []string {
	var out []string
	for _, s := range wb.f.GetSheetList() {
		if ok, err := wb.f.GetSheetVisible(s); err == nil && ok {
			out = append(out, s)
		}
	}
	return out
}

// recoverPanic turns a panic while reading into an internal error: the file
// is untrusted input to a large third-party parser, and a bad upload must not
// take the server down. The fuzz tests fail on such errors.
func recoverPanic(name string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("xlsx: panic reading %s: %v", name, p)
	}
}

func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d 字节", n)
}
