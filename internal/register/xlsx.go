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

// Reading .xlsx without holding the sheet: excelize's Rows iterator decodes
// a worksheet as a stream, from memory for small parts and from a temporary
// file for those above xmlPartLimit (shared strings too, which it then
// looks up by offset). What excelize would load whole is checked first on
// the zip's own directory: the sizes of the parts it keeps in memory, and
// the total, which Go's zip reader enforces while decompressing (a part
// that inflates past its declared size fails), so a zip bomb is refused
// before anything is inflated. Merged ranges are listed after the cells in
// a worksheet's XML, so one token pass over the part (scanSheet) finds them,
// and measures the row grid excelize will build, before the rows are read.
const (
	xmlPartLimit     = 4 << 20  // parts above this are streamed from a temporary file
	maxInMemoryParts = 64 << 20 // everything else excelize holds (styles, images …)
	maxZipEntries    = 10_000
	maxMerges        = 100_000
)

// smallXLSX is the size up to which a workbook is opened from memory (a
// variable so that tests reach the other paths with small files).
var smallXLSX int64 = 16 << 20

type workbook struct {
	name     string
	f        *excelize.File
	zr       *zip.Reader
	sheets   []wbSheet
	date1904 bool
	tmp      string // a copy of the upload on disk, removed on close
}

type wbSheet struct {
	name   string
	part   string // xl/worksheets/sheet1.xml
	hidden bool
}

func openXLSX(name string, ra io.ReaderAt, size int64, o Options) (wb *workbook, err error) {
	defer recoverPanic(name, &err)
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, userErrorf(name, "", 0, "", "不是有效的 Excel .xlsx 文件，或文件已损坏")
	}
	if err := checkZip(name, zr, o.MaxUnzippedSize); err != nil {
		return nil, err
	}
	wb = &workbook{name: name, zr: zr}
	if err := wb.readStructure(); err != nil {
		return nil, userErrorf(name, "", 0, "", "工作簿结构有误，文件可能已损坏")
	}
	switch err := wb.checkText("xl/sharedStrings.xml"); {
	case errors.Is(err, errLongText):
		return nil, userErrorf(name, "", 0, "", "有单元格内容超过 %s，请检查后再导入", formatBytes(maxTokenBytes))
	case err != nil:
		return nil, userErrorf(name, "", 0, "", "不是有效的 Excel .xlsx 文件，或文件已损坏")
	}
	opts := excelize.Options{
		UnzipSizeLimit:    o.MaxUnzippedSize,
		UnzipXMLSizeLimit: min(xmlPartLimit, o.MaxUnzippedSize),
		TmpDir:            o.TempDir,
	}
	switch f, isFile := ra.(*os.File); {
	case size <= smallXLSX:
		wb.f, err = excelize.OpenReader(io.NewSectionReader(ra, 0, size), opts)
	case isFile && sameFile(f):
		wb.f, err = excelize.OpenFile(f.Name(), opts)
	default:
		// excelize opens from a path without reading the file into memory;
		// from any other reader it reads it all. Spill it to disk first.
		if wb.tmp, err = spill(ra, size, o.TempDir); err != nil {
			return nil, fmt.Errorf("register: copying %s to a temporary file: %w", name, err)
		}
		wb.f, err = excelize.OpenFile(wb.tmp, opts)
	}
	if err != nil {
		wb.close()
		return nil, userErrorf(name, "", 0, "", "不是有效的 Excel .xlsx 文件，或文件已损坏")
	}
	return wb, nil
}

// checkZip bounds what opening the workbook would inflate.
func checkZip(name string, zr *zip.Reader, maxUnzipped int64) error {
	if len(zr.File) > maxZipEntries {
		return userErrorf(name, "", 0, "", "压缩包内有 %d 个部件，不像 Excel 文件", len(zr.File))
	}
	var total, inMemory uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(maxUnzipped) {
			return userErrorf(name, "", 0, "", "解压后超过 %s，请删去无关的工作表或图片后再导入", formatBytes(maxUnzipped))
		}
		if !streamedPart(zf) {
			inMemory += zf.UncompressedSize64
		}
	}
	if inMemory > maxInMemoryParts {
		return userErrorf(name, "", 0, "", "工作簿中的图片、样式等超过 %s，请删去图片或另存为 CSV 后再导入", formatBytes(maxInMemoryParts))
	}
	return nil
}

// streamedPart reports whether excelize puts the part in a temporary file
// rather than in memory (its rule: a worksheet or the shared strings above
// the XML size limit).
func streamedPart(zf *zip.File) bool {
	n := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
	return zf.UncompressedSize64 > xmlPartLimit &&
		(strings.HasPrefix(n, "xl/worksheets/sheet") || n == "xl/sharedstrings.xml")
}

func sameFile(f *os.File) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(f.Name())
	return err == nil && os.SameFile(a, b)
}

func spill(ra io.ReaderAt, size int64, dir string) (string, error) {
	tmp, err := os.CreateTemp(dir, "kechuang-register-*.xlsx")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(tmp, io.NewSectionReader(ra, 0, size))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

func (wb *workbook) close() error {
	var err error
	if wb.f != nil {
		err = wb.f.Close()
	}
	if wb.tmp != "" {
		if rerr := os.Remove(wb.tmp); err == nil {
			err = rerr
		}
	}
	return err
}

// readStructure lists the sheets in tab order with their parts, as
// excelize resolves them: the workbook named by the package's
// relationships, its sheets' relationships relative to it.
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
	for _, s := range book.Sheets {
		for _, r := range rels.Rels {
			if r.ID != s.ID {
				continue
			}
			part := path.Clean(dir + "/" + r.Target)
			if strings.HasPrefix(r.Target, "/") {
				part = path.Clean(r.Target)
			}
			wb.sheets = append(wb.sheets, wbSheet{name: s.Name, part: strings.TrimPrefix(part, "/"), hidden: s.State != "" && s.State != "visible"})
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

func (wb *workbook) readXML(name string, v any) error {
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxInMemoryParts)).Decode(v)
}

// merge is a merged range, 1-based and inclusive.
type merge struct{ r0, c0, r1, c1 int }

// sheetScan is what a token pass over a worksheet part found.
type sheetScan struct {
	merges  []merge // by first row
	lastRow int
	grid    int // cells excelize builds: in each row, up to its last cell with a value
}

var errSheetTooLarge = errors.New("sheet grid too large")

// scanSheet reads a worksheet part once, without keeping its cells.
func (wb *workbook) scanSheet(part string, maxGrid int) (sheetScan, error) {
	var sc sheetScan
	rc, err := wb.openPart(part)
	if err != nil {
		return sc, err
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(&textGuard{r: rc}, 64<<10))
	row, col, rowEnd := 0, 0, 0
	inCell := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sc, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row, col, rowEnd = row+1, 0, 0
				if n, err := strconv.Atoi(attr(t, "r")); err == nil && n > 0 {
					row = n
				}
				sc.lastRow = max(sc.lastRow, row)
			case "c":
				col++
				if c, r, err := excelize.CellNameToCoordinates(attr(t, "r")); err == nil {
					col = c
					sc.lastRow = max(sc.lastRow, r)
				}
				inCell = true
			case "v", "is", "f":
				if inCell {
					rowEnd = max(rowEnd, col)
				}
			case "mergeCell":
				m, ok := parseMerge(attr(t, "ref"))
				if !ok {
					continue
				}
				if len(sc.merges) == maxMerges {
					return sc, errTooManyMerges
				}
				sc.merges = append(sc.merges, m)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				inCell = false
			case "row":
				sc.grid += rowEnd
				if sc.grid > maxGrid {
					return sc, errSheetTooLarge
				}
			}
		}
	}
	slices.SortStableFunc(sc.merges, func(a, b merge) int { return a.r0 - b.r0 })
	return sc, nil
}

var errTooManyMerges = errors.New("too many merged ranges")

// textGuard bounds every token of a part: no text, tag or attribute value
// holds a '<', so bytes between two '<' are one token. A cell of a
// gigabyte compresses to a megabyte; the XML decoders (this scan's and
// excelize's) would hold it whole.
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

// checkText reads a part through a textGuard, for the parts excelize
// decodes without a scan of ours: the shared strings.
func (wb *workbook) checkText(part string) error {
	rc, err := wb.openPart(part)
	if err != nil {
		return nil // no such part
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, &textGuard{r: rc})
	return err
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

// xlsxSheet is one worksheet read as a stream of rows.
type xlsxSheet struct {
	wb   *workbook
	sh   wbSheet
	scan sheetScan
	done *atomic.Int64 // rows read
}

func (s *xlsxSheet) sheet() string { return s.sh.name }

func (s *xlsxSheet) each(fn func(row int, cells []string) bool) (err error) {
	s.done.Store(0)
	rows, err := s.wb.f.Rows(s.sh.name)
	if err != nil {
		return userErrorf(s.wb.name, s.sh.name, 0, "", "无法读取，文件可能已损坏")
	}
	defer rows.Close()
	fill := mergeFiller{pending: s.scan.merges}
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return userErrorf(s.wb.name, s.sh.name, n, "", "无法读取这一行，文件可能已损坏")
		}
		if len(cells) > maxColumns {
			cells = cells[:maxColumns]
		}
		cells = fill.fill(n, cells)
		s.done.Store(int64(n))
		if !fn(n, cells) {
			return nil
		}
	}
	if rows.Error() != nil {
		return userErrorf(s.wb.name, s.sh.name, n+1, "", "无法读取，文件可能已损坏")
	}
	return nil
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

// recoverPanic turns a panic inside excelize into an internal error: the
// file is untrusted input to a large parser, and a bad upload must not take
// the server down. The fuzz tests fail on such errors.
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
