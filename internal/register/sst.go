package register

import (
	"bufio"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
)

// sharedStrings is a workbook's shared-string table, by index. A small
// table is kept in memory. A large one goes to a temporary file, with the
// offset of each string in a second one, and is read back through two
// small block caches: memory does not grow with the number of strings.
// Excel numbers strings in the order it first meets them, so a sheet read
// top to bottom asks for them nearly in order and the caches mostly hit.
type sharedStrings struct {
	n   int
	mem []string

	data, index *os.File
	dataW       *bufio.Writer
	indexW      *bufio.Writer
	size        int64 // bytes written to data

	idxBlock  int // index of the cached block of offsets, -1 for none
	idxCache  [idxBlockLen + 1]int64
	dataStart int64 // file offset of dataCache
	dataCache []byte
}

const (
	idxBlockLen  = 512 // offsets read at a time
	dataBlockLen = 64 << 10
)

// sstMemoryBytes is the size up to which a table stays in memory (a
// variable so that tests reach the files with small workbooks).
var sstMemoryBytes = 4 << 20

// loadSharedStrings reads the table. <rPh> runs (phonetic readings) are
// not part of the text.
func loadSharedStrings(r io.Reader, tempDir string) (*sharedStrings, error) {
	s := &sharedStrings{idxBlock: -1}
	if err := s.load(r, tempDir); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *sharedStrings) load(r io.Reader, tempDir string) error {
	d := xml.NewDecoder(bufio.NewReaderSize(&textGuard{r: r}, 64<<10))
	var text strings.Builder
	inT, rph, memBytes := false, 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errLongText) {
				return err
			}
			return errBadSharedStrings
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				text.Reset()
			case "rPh":
				rph++
			case "t":
				inT = rph == 0
			}
		case xml.CharData:
			if inT {
				if text.Len()+len(t) > maxTokenBytes {
					return errLongText
				}
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				rph = max(rph-1, 0)
			case "si":
				str := unescapeOOXML(text.String())
				if s.data == nil && memBytes+len(str) <= sstMemoryBytes {
					s.mem = append(s.mem, str)
					memBytes += len(str)
					s.n++
					continue
				}
				if s.data == nil {
					if err := s.spill(tempDir); err != nil {
						return err
					}
				}
				if err := s.write(str); err != nil {
					return err
				}
			}
		}
	}
	if s.data != nil {
		return s.finish()
	}
	return nil
}

var errBadSharedStrings = errors.New("共享字符串表有误")

// spill moves the table to temporary files.
func (s *sharedStrings) spill(dir string) error {
	var err error
	if s.data, err = os.CreateTemp(dir, "kechuang-sst-*"); err != nil {
		return err
	}
	if s.index, err = os.CreateTemp(dir, "kechuang-sst-index-*"); err != nil {
		return err
	}
	s.dataW, s.indexW = bufio.NewWriterSize(s.data, 64<<10), bufio.NewWriterSize(s.index, 64<<10)
	mem := s.mem
	s.mem, s.n = nil, 0
	for _, str := range mem {
		if err := s.write(str); err != nil {
			return err
		}
	}
	return nil
}

func (s *sharedStrings) write(str string) error {
	if err := binary.Write(s.indexW, binary.LittleEndian, s.size); err != nil {
		return err
	}
	n, err := s.dataW.WriteString(str)
	s.size += int64(n)
	s.n++
	return err
}

// finish writes the end offset of the last string and flushes.
func (s *sharedStrings) finish() error {
	if err := binary.Write(s.indexW, binary.LittleEndian, s.size); err != nil {
		return err
	}
	if err := s.indexW.Flush(); err != nil {
		return err
	}
	return s.dataW.Flush()
}

// get returns string i; the caller has checked 0 ≤ i < n.
func (s *sharedStrings) get(i int) (string, error) {
	if s.data == nil {
		return s.mem[i], nil
	}
	start, err := s.offset(i)
	if err != nil {
		return "", err
	}
	end, err := s.offset(i + 1)
	if err != nil {
		return "", err
	}
	return s.read(start, end)
}

// offset reads entry k of the index (there are n+1).
func (s *sharedStrings) offset(k int) (int64, error) {
	block := k / idxBlockLen
	if block != s.idxBlock {
		first := block * idxBlockLen
		count := min(idxBlockLen+1, s.n+1-first)
		buf := make([]byte, 8*count)
		if _, err := s.index.ReadAt(buf, int64(8*first)); err != nil {
			return 0, err
		}
		for j := range count {
			s.idxCache[j] = int64(binary.LittleEndian.Uint64(buf[8*j:]))
		}
		s.idxBlock = block
	}
	return s.idxCache[k-block*idxBlockLen], nil
}

func (s *sharedStrings) read(start, end int64) (string, error) {
	if start < s.dataStart || end > s.dataStart+int64(len(s.dataCache)) {
		n := max(end-start, dataBlockLen)
		n = min(n, s.size-start)
		if cap(s.dataCache) < int(n) {
			s.dataCache = make([]byte, n)
		}
		s.dataCache = s.dataCache[:n]
		if _, err := s.data.ReadAt(s.dataCache, start); err != nil && err != io.EOF {
			return "", err
		}
		s.dataStart = start
	}
	return string(s.dataCache[start-s.dataStart : end-s.dataStart]), nil
}

func (s *sharedStrings) close() error {
	var errs []error
	for _, f := range []*os.File{s.data, s.index} {
		if f != nil {
			errs = append(errs, f.Close(), os.Remove(f.Name()))
		}
	}
	s.data, s.index = nil, nil
	return errors.Join(errs...)
}
