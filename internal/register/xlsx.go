package register

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/xuri/excelize/v2"
)

// Reading .xlsx as a stream. A workbook is a zip of XML parts; the reader
// opens the zip over the caller's io.ReaderAt (nothing of the file is read
// into memory), decodes the worksheet's XML one token at a time, and looks
// text cells up in the shared strings, which it spills to a temporary file
// when they are large. Memory stays flat however long the list is.
//
// excelize's Rows iterator streams the worksheet too, but it indexes the
// shared strings in memory (about 45 bytes per string: 15 MB for a list of
// 60,000 rows of names), and it reads the whole file into memory unless it
// is given a path. So excelize is used here for cell names only, and to
// write the rejected rows.
//
// Merged ranges are listed after the cells in a worksheet's XML: a first
// pass over the part, which only inflates and searches bytes, finds them
// and counts the rows (for the progress bar) before the rows are read.
// Bombs are refused on the zip's own directory: the declared sizes, which
// Go's zip reader enforces while inflating, bound what is inflated, and a
// guard bounds every XML token (textGuard).
const (
	maxZipEntries = 10_000
	maxMerges     = 100_000
)

type workbook struct {
	name     string
	zr       *zip.Reader
	sheets   []wbSheet
	sstPart  string // "" when the workbook has no shared strings
	sst      *sharedStrings
	tempDir  string
	date1904 bool
}

type wbSheet struct {
	name   string
	part   string // xl/worksheets/sheet1.xml
	hidden bool
}

func openXLSX(name string, ra io.ReaderAt, size int64, o Options) (wb *workbook, err error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, userErrorf(name, "", 0, "", "不是有效的 Excel .xlsx 文件，或文件已损坏")
	}
	if err := checkZip(name, zr, o.MaxUnzippedSize); err != nil {
		return nil, err
	}
	wb = &workbook{name: name, zr: zr, tempDir: o.TempDir}
	if err := wb.readStructure(); err != nil {
		if errors.Is(err, errBinaryWorkbook) {
			return nil, userErrorf(name, "", 0, "", "是 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx 后再导入")
		}
		return nil, userErrorf(name, "", 0, "", "工作簿结构有误，文件可能已损坏")
	}
	return wb, nil
}

// checkZip bounds what reading the workbook may inflate.
func checkZip(name string, zr *zip.Reader, maxUnzipped int64) error {
	if len(zr.File) > maxZipEntries {
		return userErrorf(name, "", 0, "", "压缩包内有 %d 个部件，不像 Excel 文件", len(zr.File))
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(maxUnzipped) {
			return userErrorf(name, "", 0, "", "解压后超过 %s，请删去无关的工作表或图片后再导入", formatBytes(maxUnzipped))
		}
	}
	return nil
}

func (wb *workbook) close() error {
	if wb.sst != nil {
		return wb.sst.close()
	}
	return nil
}

var errBinaryWorkbook = errors.New("binary workbook")

// readStructure lists the sheets in tab order with their parts: the
// workbook named by the package's relationships, its sheets and shared
// strings by the workbook's relationships, relative to it.
func (wb *workbook) readStructure() error {
	type rel struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	var rels struct {
		Rels []rel `xml:"Relationship"`
	}
	wbPath := "xl/workbook.xml"
	if err := wb.readXML("_rels/.rels", &rels); err == nil {
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	if strings.HasSuffix(strings.ToLower(wbPath), ".bin") {
		return errBinaryWorkbook
	}
	var book struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			ID    string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.readXML(wbPath, &book); err != nil {
		return err
	}
	wb.date1904 = book.Pr.Date1904 == "1" || book.Pr.Date1904 == "true"
	dir := path.Dir(wbPath)
	rels.Rels = nil
	if err := wb.readXML(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), &rels); err != nil {
		return err
	}
	resolve := func(target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(path.Clean(target), "/")
		}
		return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			wb.sstPart = resolve(r.Target)
		}
	}
	for _, s := range book.Sheets {
		for _, r := range rels.Rels {
			if r.ID == s.ID && strings.HasSuffix(r.Type, "/worksheet") {
				wb.sheets = append(wb.sheets, wbSheet{name: s.Name, part: resolve(r.Target), hidden: s.State != "" && s.State != "visible"})
			}
		}
	}
	return nil
}

func (wb *workbook) openPart(name string) (io.ReadCloser, error) {
	for _, zf := range wb.zr.File {
		if strings.EqualFold(strings.ReplaceAll(zf.Name, "\\", "/"), name) {
			return zf.Open()
		}
	}
	return nil, fmt.Errorf("register: no part %s", name)
}

// readXML decodes a small part (the workbook, relationships).
func (wb *workbook) readXML(name string, v any) error {
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(&textGuard{r: rc}).Decode(v)
}

// strings loads the shared strings on first use.
func (wb *workbook) strings() (*sharedStrings, error) {
	if wb.sst != nil || wb.sstPart == "" {
		return wb.sst, nil
	}
	rc, err := wb.openPart(wb.sstPart)
	if err != nil {
		return nil, nil // a dangling relationship: cells that refer to it fail
	}
	defer rc.Close()
	wb.sst, err = loadSharedStrings(rc, wb.tempDir)
	return wb.sst, err
}

// merge is a merged range, 1-based and inclusive.
type merge struct{ r0, c0, r1, c1 int }

// sheetScan is what the first pass over a worksheet found.
type sheetScan struct {
	merges []merge // by first row
	rows   int     // row elements, for the progress bar
}

var (
	errTooManyMerges = errors.New("too many merged ranges")
	sheetDataEnd     = []byte("sheetData>")
)

// scanSheet inflates a worksheet part once: it counts the row elements
// and, after the end of sheetData, decodes the merged ranges. No text in
// XML holds a '<', so "<row " and "</sheetData>" are found by byte search.
func (wb *workbook) scanSheet(part string) (sheetScan, error) {
	var sc sheetScan
	rc, err := wb.openPart(part)
	if err != nil {
		return sc, err
	}
	defer rc.Close()
	const keep = 32 // bytes carried over a chunk boundary: a tag split by it is read whole next time
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := io.ReadFull(rc, buf[carry:])
		n += carry
		chunk := buf[:n]
		if end := findTagEnd(chunk); end >= 0 {
			sc.rows += countRows(chunk, end)
			return sc, sc.readMerges(io.MultiReader(bytes.NewReader(chunk[end:]), rc))
		}
		limit := n
		if err == nil {
			limit = max(n-keep, 0)
		}
		sc.rows += countRows(chunk, limit)
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return sc, nil
		default:
			return sc, err
		}
		carry = copy(buf, chunk[limit:])
	}
}

// findTagEnd finds the end of the </sheetData> (or </x:sheetData>) tag.
func findTagEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], sheetDataEnd)
		if j < 0 {
			return -1
		}
		at := i + j
		if at >= 2 && b[at-1] == '/' && b[at-2] == '<' || at >= 1 && b[at-1] == ':' {
			return at + len(sheetDataEnd)
		}
		i = at + 1
	}
}

var rowName = []byte("row")

// countRows counts the row start tags (<row …>, <x:row …>) whose name
// begins before limit.
func countRows(b []byte, limit int) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], rowName)
		if j < 0 {
			return n
		}
		at := i + j
		i = at + len(rowName)
		if at >= limit {
			return n
		}
		if i < len(b) && isTagEnd(b[i]) && at >= 1 && (b[at-1] == '<' || b[at-1] == ':' && precededByOpen(b, at-1)) {
			n++
		}
	}
}

func isTagEnd(c byte) bool {
	return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r'
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// precededByOpen reports whether the prefix before the ':' at i starts
// right after a '<': <x:row.
func precededByOpen(b []byte, i int) bool {
	j := i - 1
	for j >= 0 && isNameByte(b[j]) {
		j--
	}
	return j >= 0 && j < i-1 && b[j] == '<'
}

func (sc *sheetScan) readMerges(r io.Reader) error {
	d := xml.NewDecoder(&textGuard{r: r})
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errLongText) {
				return err
			}
			break // a malformed tail: the cells have been read already
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "mergeCell" {
			m, ok := parseMerge(attr(t, "ref"))
			if !ok {
				continue
			}
			if len(sc.merges) == maxMerges {
				return errTooManyMerges
			}
			sc.merges = append(sc.merges, m)
		}
	}
	slices.SortStableFunc(sc.merges, func(a, b merge) int { return a.r0 - b.r0 })
	return nil
}

func parseMerge(ref string) (merge, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return merge{}, false
	}
	c0, r0, err0 := excelize.CellNameToCoordinates(a)
	c1, r1, err1 := excelize.CellNameToCoordinates(b)
	if err0 != nil || err1 != nil {
		return merge{}, false
	}
	return merge{min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)}, true
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// textGuard bounds every token of a part: no text, tag or attribute value
// holds a '<', so bytes between two '<' are one token. A cell of a
// gigabyte compresses to a megabyte; an XML decoder would hold it whole.
type textGuard struct {
	r   io.Reader
	gap int // bytes since the last '<'
}

const maxTokenBytes = 1 << 20

var errLongText = errors.New("text too long")

func (g *textGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '<')
		if j < 0 {
			g.gap += n - i
			break
		}
		g.gap, i = 0, i+j+1
	}
	if g.gap > maxTokenBytes {
		return n, errLongText
	}
	return n, err
}

// xlsxSheet is one worksheet read as a stream of rows.
type xlsxSheet struct {
	wb   *workbook
	sh   wbSheet
	scan sheetScan
	done *atomic.Int64 // row elements read
}

func (s *xlsxSheet) sheet() string { return s.sh.name }

// each decodes the worksheet's rows. Rows the XML leaves out (empty ones)
// are passed as empty, so that row numbers are the sheet's. Cells are the
// stored values: a number as Excel wrote it (12.3, 44651 for a date), a
// shared string looked up, a formula's cached result.
func (s *xlsxSheet) each(fn func(row int, cells []string) bool) error {
	s.done.Store(0)
	sst, err := s.wb.strings()
	if err != nil {
		return s.readError(0, err)
	}
	rc, err := s.wb.openPart(s.sh.part)
	if err != nil {
		return s.readError(0, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(&textGuard{r: rc}, 64<<10))
	fill := mergeFiller{pending: s.scan.merges}
	var (
		row, col      int // the row last passed on; the current cell's column
		cells         []string
		typ           string
		val, inline   strings.Builder
		inV, inT      bool
		inInline, rph int // depth in <is>, in phonetic runs (<rPh>), which are not the text
		rowsRead      int64
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.readError(row+1, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				r := row + 1
				if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > row && n <= 1<<20 {
					r = n
				}
				for row+1 < r { // rows the XML leaves out
					row++
					if !fn(row, fill.fill(row, nil)) {
						return nil
					}
				}
				cells, col = nil, 0
			case "c":
				col++
				if c, _, err := excelize.CellNameToCoordinates(attr(t, "r")); err == nil {
					col = c
				}
				typ = attr(t, "t")
				val.Reset()
				inline.Reset()
			case "v":
				inV = true
			case "is":
				inInline++
			case "rPh":
				rph++
			case "t":
				inT = inInline > 0 && rph == 0
			}
		case xml.CharData:
			switch {
			case inV:
				val.Write(t)
			case inT:
				inline.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "is":
				inInline = max(inInline-1, 0)
			case "rPh":
				rph = max(rph-1, 0)
			case "c":
				if col < 1 || col > maxColumns {
					continue
				}
				v, err := cellValue(typ, val.String(), inline.String(), sst)
				if err != nil {
					return s.readError(row+1, err)
				}
				if v != "" {
					for len(cells) < col {
						cells = append(cells, "")
					}
					cells[col-1] = v
				}
			case "row":
				row++
				rowsRead++
				s.done.Store(rowsRead)
				if !fn(row, fill.fill(row, cells)) {
					return nil
				}
			case "sheetData":
				return nil
			}
		}
	}
}

// readError words a failure while decoding a sheet. What the file causes
// is the user's to fix; a temporary file that cannot be written is ours.
func (s *xlsxSheet) readError(row int, err error) error {
	var ioErr *os.PathError
	switch {
	case errors.Is(err, errLongText):
		return userErrorf(s.wb.name, s.sh.name, row, "", "有单元格内容超过 %s，请检查后再导入", formatBytes(maxTokenBytes))
	case errors.Is(err, errBadSharedString):
		return userErrorf(s.wb.name, s.sh.name, row, "", "%v，文件可能已损坏", err)
	case errors.As(err, &ioErr):
		return fmt.Errorf("register: reading %s sheet %s: %w", s.wb.name, s.sh.name, err)
	}
	return userErrorf(s.wb.name, s.sh.name, row, "", "无法读取，文件可能已损坏")
}

// cellValue is a cell's stored value by its type: a shared string's text,
// an inline string, a formula's cached text or error, or the number,
// boolean (1/0) or ISO date as written.
func cellValue(typ, v, inline string, sst *sharedStrings) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || sst == nil || i < 0 || i >= sst.n {
			return "", errBadSharedString
		}
		return sst.get(i)
	case "inlineStr":
		if inline == "" {
			return unescapeOOXML(v), nil
		}
		return unescapeOOXML(inline), nil
	case "str":
		return unescapeOOXML(v), nil
	}
	return v, nil
}

var errBadSharedString = errors.New("共享字符串的编号有误")

// unescapeOOXML decodes the _xHHHH_ escapes Excel writes for characters
// XML cannot hold (_x000D_ is a carriage return; _x005F_ an underscore).
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 || i+7 > len(s) {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		r, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(r))
		s = s[i+7:]
	}
}

// mergeFiller gives every cell of a merged range the value of its top-left
// cell, as Excel shows it, as rows stream past: a range starts being
// filled on its first row and is dropped after its last.
type mergeFiller struct {
	pending []merge // not yet reached, by first row
	active  []activeMerge
}

type activeMerge struct {
	merge
	val string
}

func (m *mergeFiller) fill(row int, cells []string) []string {
	live := m.active[:0]
	for _, a := range m.active {
		if a.r1 >= row {
			live = append(live, a)
		}
	}
	m.active = live
	for len(m.pending) > 0 && m.pending[0].r0 <= row {
		p := m.pending[0]
		m.pending = m.pending[1:]
		if p.r1 < row || p.c0 > maxColumns {
			continue
		}
		v := ""
		if p.r0 == row && p.c0 <= len(cells) {
			v = cells[p.c0-1]
		}
		m.active = append(m.active, activeMerge{p, v})
	}
	for _, a := range m.active {
		if a.val == "" {
			continue
		}
		last := min(a.c1, maxColumns)
		for len(cells) < last {
			cells = append(cells, "")
		}
		for c := a.c0; c <= last; c++ {
			if row != a.r0 || c != a.c0 {
				cells[c-1] = a.val
			}
		}
	}
	return cells
}

// recoverPanic turns a panic while reading into an internal error: the
// file is untrusted input, and a bad upload must not take the server down.
// The fuzz tests fail on such errors.
func recoverPanic(name string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("register: panic reading %s: %v", name, p)
	}
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d 字节", n)
}
