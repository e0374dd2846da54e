// Package register reads the lists the bureau receives — enterprises,
// 科技型中小企业 入库, 高新技术企业 certificates, technology contracts,
// patents, platforms, statistics — from .xlsx or CSV files as they are
// published, into a stream of typed records (plan.RegisterRow).
//
// A list is recognised by its header: the reader looks in the first rows
// of each sheet for the row (or two rows, under a merged group header)
// whose cells name the kind's fields by their usual names (Fields), in any
// order, and reads the rows below it one at a time. Title rows above the
// header give the list's year, batch, date and money unit when its columns
// do not. Blank rows, 合计 rows, repeated headers and headings are passed
// over; a note (注：…, 填表人：…) ends the list. Each row comes with the
// problems that reject it and the warnings that do not, each naming the
// column by its header and letter. Memory does not grow with the file:
// rows are decoded, yielded and dropped.
//
// The package knows nothing of storage; internal/store writes the records.
package register

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
)

// Options refine how a list is read. The zero value reads a list as its
// header and title say, within the default limits.
type Options struct {
	// Mapping names the field of header cells the reader does not
	// recognise: header text → field Name or Label ("-" skips the column).
	Mapping map[string]string
	// Sheet is the worksheet to read; empty for the first visible sheet
	// whose header fits the kind.
	Sheet string
	// Year is the list's year for rows that carry none (SMEs, statistics,
	// enterprises' figures); a 年度 column still wins.
	Year int
	// Date is the list's date (公示, 发证 or 入库日期) for lists with no date
	// column, "YYYY-MM-DD".
	Date string
	// MoneyUnit (元, 万元, 亿元) is the unit of amount columns when neither
	// the header nor a caption (单位：万元) names one; 万元 when empty.
	MoneyUnit string

	MaxFileSize     int64  // bytes; 0 means DefaultMaxFileSize
	MaxUnzippedSize int64  // bytes of an .xlsx decompressed; 0 means DefaultMaxUnzippedSize
	MaxRows         int    // data rows; 0 means DefaultMaxRows
	MaxCellLen      int    // characters in a cell; 0 means DefaultMaxCellLen
	TempDir         string // for the shared strings of large workbooks; "" is the system's
}

// Default limits. A national list of technology contracts is a few hundred
// thousand rows; the limits stop uploads that would tie up the server.
const (
	DefaultMaxFileSize     = 200 << 20
	DefaultMaxUnzippedSize = 1 << 30
	DefaultMaxRows         = 2_000_000
	DefaultMaxCellLen      = 2000

	headerScan = 30  // rows searched for the header
	maxColumns = 256 // columns read
	maxIssues  = 10_000
)

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxUnzippedSize <= 0 {
		o.MaxUnzippedSize = DefaultMaxUnzippedSize
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxCellLen <= 0 {
		o.MaxCellLen = DefaultMaxCellLen
	}
	return o
}

// source is a sheet of a workbook, or a CSV file, read as rows.
type source interface {
	sheet() string
	// each calls fn for every row from the first, numbered as the sheet
	// numbers them, with merged ranges filled, until fn returns false.
	each(fn func(row int, cells []string) bool) error
}

// Reader reads one list. Rows and Check each read it from the start, so a
// page can check a file and then import it. A Reader is not safe for
// concurrent passes, but Progress may be called from any goroutine.
type Reader struct {
	file     string
	kind     plan.RegisterKind
	opts     Options
	src      source
	wb       *workbook // nil for CSV
	head     HeaderInfo
	cols     []column
	byField  map[string][]int // field → columns, best first
	headKeys [][]string       // the header rows' normalised cells, to skip repeats
	money    unit             // of amounts whose header names none (HeaderInfo.MoneyUnit)
	noHeader bool             // readHeader found no header
	done     atomic.Int64
	total    int64
	unit     string // of Progress
}

// HeaderInfo is what the reader found above the data: the page shows it
// with the preview, and offers a mapping when fields are missing.
type HeaderInfo struct {
	File  string            `json:"file"`
	Sheet string            `json:"sheet,omitempty"`
	Kind  plan.RegisterKind `json:"kind"`
	Row   int               `json:"row"`  // the header's last row, 1-based; data starts below it
	Rows  int               `json:"rows"` // 1, or 2 under a group header

	Headers []string `json:"headers"` // the text of each column's header, as problems name it
	Columns []Column `json:"columns"` // every column with a header
	Unknown []Column `json:"unknown"` // header cells that are no field: read past
	Missing []Field  `json:"missing"` // required fields not found
	Shape   string   `json:"shape"`   // Shape(Headers)

	MoneyUnit     string `json:"money_unit"`      // of amounts whose header names no unit
	MoneyUnitFrom string `json:"money_unit_from"` // where that unit came from
	Year          int    `json:"year,omitempty"`  // for rows that carry none
	YearFrom      string `json:"year_from,omitempty"`
	Date          string `json:"date,omitempty"` // for lists without a date column
	DateFrom      string `json:"date_from,omitempty"`
	Batch         string `json:"batch,omitempty"` // 第一批, from the title
	List          string `json:"list,omitempty"`  // enterprises: the membership the title names (培育库 …)

	Title []string `json:"title,omitempty"` // the rows above the header
	Notes []string `json:"notes,omitempty"` // what the reader assumed, in words
}

// Column is one header cell and the field it was recognised as.
type Column struct {
	Index  int    `json:"index"`  // 0-based
	Letter string `json:"letter"` // C
	Header string `json:"header"`
	Field  string `json:"field,omitempty"` // "" when not recognised
	Label  string `json:"label,omitempty"` // the field's Chinese name
	Year   int    `json:"year,omitempty"`  // from the header: 2021年营业收入
	Unit   string `json:"unit,omitempty"`  // from the header: 成交额（万元）
}

// Name is how problems name the column: 统一社会信用代码（C列）.
func (c Column) Name() string {
	if c.Header == "" {
		return c.Letter + "列"
	}
	return c.Header + "（" + c.Letter + "列）"
}

type column struct {
	Column
	unit *unit
	date bool
}

// Open reads the header of a list: an .xlsx workbook or a CSV file (UTF-8,
// GBK or UTF-16), told apart by content. name is the file's name as the
// user knows it; errors and origins use it. The caller closes the Reader.
func Open(name string, r io.ReaderAt, size int64, kind plan.RegisterKind, opts Options) (rd *Reader, err error) {
	defer func() {
		recoverPanic(name, &err)
		if err != nil && rd != nil {
			if rd.wb != nil {
				rd.wb.close()
			}
			rd = nil
		}
	}()
	if !kind.Valid() {
		return nil, plan.Errorf(plan.EINVALID, "没有“%s”这种台账；可导入的有：%s", kind, kindList())
	}
	opts = opts.withDefaults()
	mapping, err := normMapping(kind, opts.Mapping)
	if err != nil {
		return nil, err
	}
	if opts.Date != "" {
		d, ok := parseDate(opts.Date)
		if !ok {
			return nil, plan.Errorf(plan.EINVALID, "指定的日期“%s”不是日期（应写到日，如 2022-03-31）", opts.Date)
		}
		opts.Date = d
	}
	if opts.MoneyUnit != "" {
		if u, ok := parseUnit(opts.MoneyUnit); !ok || u.dim != dimMoney {
			return nil, plan.Errorf(plan.EINVALID, "金额单位“%s”应为 元、万元 或 亿元", opts.MoneyUnit)
		}
	}
	switch {
	case size > opts.MaxFileSize:
		return nil, userErrorf(name, "", 0, "", "文件超过 %s，请拆分后再导入", formatBytes(opts.MaxFileSize))
	case size == 0:
		return nil, userErrorf(name, "", 0, "", "是空文件")
	}
	rd = &Reader{file: name, kind: kind, opts: opts}
	magic := make([]byte, 512)
	n, _ := r.ReadAt(magic, 0)
	magic = magic[:n]
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case strings.HasPrefix(string(magic), "PK\x03\x04"):
		if rd.wb, err = openXLSX(name, r, size, opts); err != nil {
			return nil, err
		}
		rd.unit = "rows"
		err = rd.findSheet(mapping)
	case strings.HasPrefix(string(magic), "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return nil, userErrorf(name, "", 0, "", "是旧版 .xls 文件或加密的工作簿，请在 Excel 中另存为不加密的 .xlsx 文件后再导入")
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".et" || ext == ".docx" || ext == ".pdf" || !looksLikeText(magic):
		return nil, userErrorf(name, "", 0, "", "不是 Excel .xlsx 或 CSV 文件；请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入")
	default:
		var src *csvFile
		if src, err = openCSV(name, r, size, &rd.done); err != nil {
			return nil, err
		}
		rd.src, rd.unit, rd.total = src, "bytes", size
		err = rd.readHeader(src, mapping)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// looksLikeText refuses files whose first bytes hold control characters,
// which no CSV in UTF-8 or GB18030 has (UTF-16 starts with its mark).
func looksLikeText(b []byte) bool {
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return true
	}
	for _, c := range b {
		if c < 0x09 || c > 0x0D && c < 0x20 {
			return false
		}
	}
	return true
}

func kindList() string {
	var s []string
	for _, k := range plan.RegisterKinds {
		s = append(s, string(k)+"（"+k.Label()+"）")
	}
	return strings.Join(s, "、")
}

// findSheet picks the sheet: the one named, else the first visible sheet
// whose header has every required field, else the one that came closest.
func (rd *Reader) findSheet(mapping map[string]string) error {
	var sheets []wbSheet
	for _, s := range rd.wb.sheets {
		if rd.opts.Sheet != "" && s.name == rd.opts.Sheet || rd.opts.Sheet == "" && !s.hidden {
			sheets = append(sheets, s)
		}
	}
	if len(sheets) == 0 {
		if rd.opts.Sheet != "" {
			var names []string
			for _, s := range rd.wb.sheets {
				names = append(names, s.name)
			}
			return userErrorf(rd.file, "", 0, "", "没有名为“%s”的工作表（有：%s）", rd.opts.Sheet, strings.Join(names, "、"))
		}
		return userErrorf(rd.file, "", 0, "", "没有可见的工作表")
	}
	var best *Reader
	var firstErr error
	noHeader := 0
	for _, s := range sheets {
		cand := &Reader{file: rd.file, kind: rd.kind, opts: rd.opts, wb: rd.wb, unit: rd.unit}
		src, err := rd.sheetSource(s, &cand.done)
		if err == nil {
			cand.src = src
			cand.total = int64(src.scan.rows)
			err = cand.readHeader(src, mapping)
		}
		if err != nil {
			if plan.ErrorCode(err) != plan.EINVALID {
				return err
			}
			if firstErr == nil {
				firstErr = err
			}
			if cand.noHeader {
				noHeader++
			}
			continue
		}
		if len(cand.head.Missing) == 0 {
			best = cand
			break
		}
		if best == nil || len(cand.head.Missing) < len(best.head.Missing) {
			best = cand
		}
	}
	switch {
	case best == nil && noHeader == len(sheets) && len(sheets) > 1:
		var names []string
		for _, s := range sheets {
			names = append(names, s.name)
		}
		return rd.noHeaderError("", "各工作表（"+strings.Join(names, "、")+"）")
	case best == nil:
		return firstErr
	}
	rd.adopt(best)
	return nil
}

// adopt takes the header found on another candidate sheet, but keeps rd's
// own progress counter, which other goroutines may hold.
func (rd *Reader) adopt(c *Reader) {
	rd.head, rd.cols, rd.byField, rd.headKeys, rd.money, rd.total = c.head, c.cols, c.byField, c.headKeys, c.money, c.total
	src := c.src.(*xlsxSheet)
	src.done = &rd.done
	rd.src = src
}

func (rd *Reader) sheetSource(s wbSheet, done *atomic.Int64) (*xlsxSheet, error) {
	sc, err := rd.wb.scanSheet(s.part)
	switch {
	case errors.Is(err, errLongText):
		return nil, userErrorf(rd.file, s.name, 0, "", "有单元格内容超过 %s，请检查后再导入", formatBytes(maxTokenBytes))
	case err == errTooManyMerges:
		return nil, userErrorf(rd.file, s.name, 0, "", "合并单元格超过 %d 个，请取消合并后再导入", maxMerges)
	case err != nil:
		return nil, userErrorf(rd.file, s.name, 0, "", "无法读取，文件可能已损坏")
	}
	return &xlsxSheet{wb: rd.wb, sh: s, scan: sc, done: done}, nil
}

// Header is what Open found above the data.
func (rd *Reader) Header() HeaderInfo { return rd.head }

// Close releases the workbook's temporary files.
func (rd *Reader) Close() error {
	if rd.wb != nil {
		return rd.wb.close()
	}
	return nil
}

// Progress is how far the current pass has read: Done of Total rows of the
// sheet (an .xlsx), or bytes of the file (a CSV).
type Progress struct {
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	Unit  string `json:"unit"` // "rows" or "bytes"
}

// Progress may be called while another goroutine reads.
func (rd *Reader) Progress() Progress {
	return Progress{Done: min(rd.done.Load(), rd.total), Total: rd.total, Unit: rd.unit}
}

// MissingError is the error Rows yields when required fields were not
// found, nil when none are missing.
func (rd *Reader) MissingError() error {
	if len(rd.head.Missing) == 0 {
		return nil
	}
	var names []string
	for _, f := range rd.head.Missing {
		names = append(names, f.Label+"（"+strings.Join(f.Aliases[:min(3, len(f.Aliases))], "/")+"）")
	}
	var unknown []string
	for _, c := range rd.head.Unknown {
		unknown = append(unknown, c.Name())
	}
	msg := "表头缺少" + strings.Join(names, "、")
	if len(unknown) > 0 {
		msg += "；未识别的列：" + strings.Join(unknown, "、") + "，可指定它们对应的字段"
	}
	return userErrorf(rd.file, rd.head.Sheet, rd.head.Row, "", "%s", msg)
}

// rowKind sorts the rows below the header.
type rowKind int

const (
	dataRow    rowKind = iota
	skipRow            // blank, 合计, a repeated header, a heading across the table
	endOfTable         // a note under the table: 注：…, 填表人：…
)

var (
	noteRow  = regexp.MustCompile(`^(注[0-9一二三四五六七八九]*|备注|说明|填表说明|填报说明|填表人|制表人|制表|审核人|审核|联系人|负责人|单位负责人|联系电话|数据来源|资料来源)\s*[:：]`)
	totalRow = map[string]bool{"合计": true, "总计": true, "小计": true, "共计": true, "总合计": true}
)

// classify sorts a row by its cells, raw and cleaned (cleanCell).
func (rd *Reader) classify(cells, clean []string) rowKind {
	var first, second, value string
	values, same := 0, true
	for i, c := range clean {
		if c == "" {
			continue
		}
		if first == "" {
			first = c
		} else if second == "" {
			second = c
		}
		if i < len(rd.cols) && rd.cols[i].Field == fSeq {
			continue
		}
		if values++; values == 1 {
			value = c
		} else if c != value {
			same = false
		}
	}
	switch {
	case strings.ContainsAny(first, ":：") && noteRow.MatchString(first): // every note has its colon
		return endOfTable
	case first == "" || values == 0:
		return skipRow // blank, or only a 序号
	case rd.kind != plan.RegStatistics && (isTotal(first) || isTotal(second)):
		return skipRow // a statistics list's 合计 row is the district's figure
	case values >= 2 && same:
		return skipRow // a heading merged across the table: 一、洪都街道
	}
	for _, keys := range rd.headKeys {
		if sameKeys(keys, cells) {
			return skipRow // the header repeated on each printed page
		}
	}
	return dataRow
}

// isTotal: every total row's word has 计, which normKey leaves as it is.
func isTotal(s string) bool {
	return len(s) <= 32 && strings.Contains(s, "计") && totalRow[normKey(s)]
}

func sameKeys(keys, cells []string) bool {
	n := 0
	for i, k := range keys {
		c := ""
		if i < len(cells) {
			c = normKey(cells[i])
		}
		if c != k {
			return false
		}
		if k != "" {
			n++
		}
	}
	return n >= 2
}

// pass is one reading of the list.
type pass struct {
	rows, skipped int
}

// Rows reads the list from the start and yields its data rows one at a
// time; a row's Record is nil when it has Problems. A failure that stops
// the reading (a damaged file, too many rows, missing required columns) is
// yielded once, as the last element, with a zero row.
func (rd *Reader) Rows() iter.Seq2[plan.RegisterRow, error] {
	return func(yield func(plan.RegisterRow, error) bool) {
		rd.read(&pass{}, yield)
	}
}

func (rd *Reader) read(p *pass, yield func(plan.RegisterRow, error) bool) {
	if err := rd.MissingError(); err != nil {
		yield(plan.RegisterRow{}, err)
		return
	}
	var fatal error
	stopped, inYield := false, false
	err := func() (err error) {
		defer func() {
			if inYield { // the caller's panic is the caller's
				return
			}
			recoverPanic(rd.file, &err)
		}()
		var clean []string // reused: no row keeps it
		return rd.src.each(func(n int, cells []string) bool {
			if n <= rd.head.Row {
				return true
			}
			clean = clean[:0]
			for _, s := range cells {
				clean = append(clean, cleanCell(s))
			}
			switch rd.classify(cells, clean) {
			case skipRow:
				p.skipped++
				return true
			case endOfTable:
				return false
			}
			if p.rows++; p.rows > rd.opts.MaxRows {
				fatal = userErrorf(rd.file, rd.src.sheet(), n, "", "名单超过 %d 行，请拆分后再导入", rd.opts.MaxRows)
				return false
			}
			row := rd.build(n, cells, clean)
			inYield = true
			more := yield(row, nil)
			inYield = false
			if !more {
				stopped = true
			}
			return more
		})
	}()
	if fatal == nil {
		fatal = err
	}
	if fatal != nil && !stopped {
		yield(plan.RegisterRow{}, fatal)
	}
}

// CheckResult is a whole pass over a list without keeping its records: the
// counts, the first rows, and the problems and warnings of every row.
type CheckResult struct {
	Rows     int `json:"rows"`     // data rows
	Valid    int `json:"valid"`    // rows with a record
	Rejected int `json:"rejected"` // rows with problems
	Warned   int `json:"warned"`   // rows kept with warnings
	Skipped  int `json:"skipped"`  // blank, 合计 and heading rows, repeated headers

	Preview    []plan.RegisterRow `json:"preview"`
	Issues     []Issue            `json:"issues"`      // in row order, problems and warnings
	MoreIssues int                `json:"more_issues"` // beyond the first maxIssues
}

// Issue is a problem (Rejects) or a warning of one row.
type Issue struct {
	Origin  plan.Origin `json:"origin"`
	Column  string      `json:"column"`
	Message string      `json:"message"`
	Rejects bool        `json:"rejects"`
}

// Check reads the whole list, keeping the first preview rows and every
// problem (up to 10 000; the rest are counted).
func (rd *Reader) Check(preview int) (*CheckResult, error) {
	res := &CheckResult{}
	p := &pass{}
	var fatal error
	rd.read(p, func(row plan.RegisterRow, err error) bool {
		if err != nil {
			fatal = err
			return false
		}
		if len(res.Preview) < preview {
			res.Preview = append(res.Preview, row)
		}
		switch {
		case len(row.Problems) > 0:
			res.Rejected++
		case len(row.Warnings) > 0:
			res.Warned++
			res.Valid++
		default:
			res.Valid++
		}
		for _, list := range []struct {
			ps      []plan.RowProblem
			rejects bool
		}{{row.Problems, true}, {row.Warnings, false}} {
			for _, pr := range list.ps {
				if len(res.Issues) == maxIssues {
					res.MoreIssues++
					continue
				}
				res.Issues = append(res.Issues, Issue{Origin: row.Origin, Column: pr.Column, Message: pr.Message, Rejects: list.rejects})
			}
		}
		return true
	})
	res.Rows, res.Skipped = p.rows, p.skipped
	if fatal != nil {
		return nil, fatal
	}
	return res, nil
}

// Preview returns the first n data rows.
func (rd *Reader) Preview(n int) ([]plan.RegisterRow, error) {
	var out []plan.RegisterRow
	for row, err := range rd.Rows() {
		if err != nil {
			return nil, err
		}
		if len(out) == n {
			break
		}
		out = append(out, row)
	}
	return out, nil
}

// Where names a row as a person looks for it: 名单.xlsx 工作表 Sheet1 第5行.
func Where(o plan.Origin) string {
	var b strings.Builder
	b.WriteString(o.File)
	if o.Sheet != "" {
		b.WriteString(" 工作表 " + o.Sheet)
	}
	if o.Row > 0 {
		fmt.Fprintf(&b, " 第%d行", o.Row)
	}
	return b.String()
}

// Reason words a row's problems for the 原因 column of the rejected rows
// and for messages: 统一社会信用代码（C列）：“…” 应为18位；….
func Reason(row plan.RegisterRow) string {
	var parts []string
	for _, p := range row.Problems {
		if p.Column == "" {
			parts = append(parts, p.Message)
		} else {
			parts = append(parts, p.Column+"："+p.Message)
		}
	}
	return strings.Join(parts, "；")
}

// userErrorf is a plan.EINVALID error that names the place:
// 名单.xlsx: 工作表 Sheet1 第7行 “证书编号（B列）”: ….
func userErrorf(file, sheet string, row int, column, format string, args ...any) error {
	var b strings.Builder
	b.WriteString(file)
	b.WriteString(":")
	if sheet != "" {
		b.WriteString(" 工作表 " + sheet)
	}
	if row > 0 {
		fmt.Fprintf(&b, " 第%d行", row)
	}
	if column != "" {
		b.WriteString(" " + column)
	}
	b.WriteString(" ")
	fmt.Fprintf(&b, format, args...)
	return plan.Errorf(plan.EINVALID, "%s", b.String())
}

// letter is a column's letter from its 0-based index.
func letter(i int) string {
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s
}

// truncate cuts a cell to the reader's cell limit.
func (rd *Reader) truncate(s string) (string, bool) {
	if len(s) <= rd.opts.MaxCellLen || utf8.RuneCountInString(s) <= rd.opts.MaxCellLen {
		return s, false
	}
	r := []rune(s)
	return string(r[:rd.opts.MaxCellLen]), true
}

// itoa for messages.
func itoa(n int) string { return strconv.Itoa(n) }
