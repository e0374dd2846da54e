package register

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvFile is a CSV list. Offices' tools write UTF-8 (Excel's "CSV UTF-8"
// with a byte-order mark, or without one), GBK (Excel's plain "CSV" on a
// Chinese Windows) or UTF-16 (Excel's "Unicode text", tab-separated). Each
// pass reads the file again from the start: nothing is kept between rows.
type csvFile struct {
	name  string
	ra    io.ReaderAt
	size  int64
	skip  int64             // the byte-order mark
	enc   encoding.Encoding // nil for UTF-8
	comma rune
	done  *atomic.Int64 // bytes read, for the progress bar
}

func openCSV(name string, ra io.ReaderAt, size int64, done *atomic.Int64) (*csvFile, error) {
	c := &csvFile{name: name, ra: ra, size: size, comma: ',', done: done}
	head := make([]byte, 3)
	n, _ := ra.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		c.skip = 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		c.skip, c.enc = 2, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		c.skip, c.enc = 2, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		ok, err := validUTF8(io.NewSectionReader(ra, 0, size))
		if err != nil {
			return nil, fmt.Errorf("register: reading %s: %w", name, err)
		}
		if !ok {
			c.enc = simplifiedchinese.GB18030 // a superset of GBK and GB2312
		}
	}
	sample, err := io.ReadAll(io.LimitReader(c.text(), 64<<10))
	if err != nil {
		return nil, fmt.Errorf("register: reading %s: %w", name, err)
	}
	c.comma = sniffComma(sample)
	return c, nil
}

// text is the file decoded to UTF-8, counting the bytes read.
func (c *csvFile) text() io.Reader {
	var r io.Reader = &countingReader{r: io.NewSectionReader(c.ra, c.skip, c.size-c.skip), n: c.done}
	if c.enc != nil {
		r = transform.NewReader(r, c.enc.NewDecoder())
	}
	return r
}

func (c *csvFile) sheet() string { return "" }

func (c *csvFile) each(fn func(row int, cells []string) bool) error {
	c.done.Store(c.skip)
	guard := &recordGuard{r: c.text()}
	cr := csv.NewReader(bufio.NewReaderSize(guard, 64<<10))
	cr.Comma = c.comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // published files have stray quotes in names: 江西"某某"公司
	last := 0            // the line of the last record read
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		guard.since = 0
		if errors.Is(err, errLongRecord) {
			return userErrorf(c.name, "", last, "", "之后的一行超过 %s，可能是引号不成对", formatBytes(maxRecordBytes))
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return userErrorf(c.name, "", pe.StartLine, "", "CSV 格式有误（%s），请在 Excel 中打开后另存为 .xlsx 再导入", csvReason(pe.Err))
			}
			return fmt.Errorf("register: reading %s: %w", c.name, err)
		}
		line, _ := cr.FieldPos(0)
		last = line
		if len(rec) > maxColumns {
			rec = rec[:maxColumns]
		}
		for i, s := range rec {
			if !utf8.ValidString(s) {
				rec[i] = strings.ToValidUTF8(s, "\uFFFD")
			}
		}
		if !fn(line, rec) {
			return nil
		}
	}
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "引号不成对"
	case errors.Is(err, csv.ErrBareQuote):
		return "字段中有多余的引号"
	}
	return err.Error()
}

// validUTF8 reports whether the whole stream is UTF-8, reading it once in
// chunks; a character split across two chunks is carried over.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		end := n
		if err == nil {
			end = runeBoundary(buf[:n])
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		carry = copy(buf, buf[end:n])
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return true, nil
		default:
			return false, err
		}
	}
}

// runeBoundary returns where the last complete character of b ends.
func runeBoundary(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// sniffComma picks the separator of the first lines: a tab (Excel's
// Unicode text) or a semicolon (European Excel) when it is more common
// than the comma.
func sniffComma(sample []byte) rune {
	var comma, tab, semi int
	lines := 0
	for line := range bytes.SplitSeq(sample, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		comma += bytes.Count(line, []byte(","))
		tab += bytes.Count(line, []byte("\t"))
		semi += bytes.Count(line, []byte(";"))
		if lines++; lines == 30 {
			break
		}
	}
	switch {
	case tab > comma && tab >= semi:
		return '\t'
	case semi > comma && semi > tab:
		return ';'
	}
	return ','
}

// recordGuard stops a record that would not end: with an unpaired quote
// the rest of the file would be read into one field.
type recordGuard struct {
	r     io.Reader
	since int // bytes read since the last record ended
}

const maxRecordBytes = 4 << 20

var errLongRecord = errors.New("record too long")

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.since > maxRecordBytes {
		return 0, errLongRecord
	}
	n, err := g.r.Read(p)
	g.since += n
	return n, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
