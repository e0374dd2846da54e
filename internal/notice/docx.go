package notice

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// A .docx is a zip of XML parts; the text is in the main document part
// (word/document.xml, named by _rels/.rels). Paragraphs (w:p) become lines
// in order; each row of a table (w:tbl) becomes one line whose cells are
// the row's cells, a cell's paragraphs joined. A cell merged across columns
// (gridSpan) is followed by empty cells so that columns line up; a cell
// merged down from the row above (vMerge) repeats its text, as the reader
// of the printed table understands it. Text in a table nested inside a
// cell belongs to that cell. Everything read is bounded by the size limit,
// however small the zip: a zip bomb stops at the limit.

// maxSpan bounds a cell's gridSpan: Word allows 63 columns.
const maxSpan = 63

func docxLines(data []byte, limit int64) ([]line, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a .docx (zip) file: %v: %w", err, ErrFormat)
	}
	name := mainPart(zr, limit)
	var part *zip.File
	for _, f := range zr.File {
		if f.Name == name {
			part = f
			break
		}
	}
	if part == nil {
		return nil, fmt.Errorf("no document part %s in the .docx: %w", name, ErrFormat)
	}
	body, err := readPart(part, limit)
	if err != nil {
		return nil, err
	}
	return docxText(body)
}

// readPart reads a zip entry, refusing one that unpacks to more than limit
// bytes whatever its header claims.
func readPart(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s unpacks to %s, over the %s limit: %w", f.Name, sizeText(int64(min(f.UncompressedSize64, 1<<62))), sizeText(limit), ErrTooLarge)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("cannot open %s in the .docx: %v: %w", f.Name, err, ErrFormat)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s in the .docx: %v: %w", f.Name, err, ErrFormat)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s unpacks to more than the %s limit: %w", f.Name, sizeText(limit), ErrTooLarge)
	}
	return b, nil
}

// mainPart returns the name of the main document part: the target of the
// package relationship of type officeDocument, else word/document.xml.
func mainPart(zr *zip.Reader, limit int64) string {
	const fallback = "word/document.xml"
	for _, f := range zr.File {
		if f.Name != "_rels/.rels" {
			continue
		}
		b, err := readPart(f, min(limit, 1<<20))
		if err != nil {
			return fallback
		}
		var rels struct {
			Rel []struct {
				Type   string `xml:"Type,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if xml.Unmarshal(b, &rels) != nil {
			return fallback
		}
		for _, r := range rels.Rel {
			// Transitional and strict OOXML name the type in different
			// namespaces; both end so.
			if strings.HasSuffix(r.Type, "/officeDocument") && r.Target != "" {
				return path.Clean(strings.TrimPrefix(r.Target, "/"))
			}
		}
	}
	return fallback
}

// docxWalker turns the document XML into lines.
type docxWalker struct {
	lines    []line
	paras    []*strings.Builder // open paragraphs (a text box nests one in another)
	inText   bool               // inside w:t
	skip     int                // depth inside parts whose text is not the document's
	tblDepth int
	row      []string // cells of the current outer-table row
	cell     *strings.Builder
	span     int
	merged   bool     // the current cell continues a vertical merge
	above    []string // the previous row's cells, by grid column
}

func docxText(body []byte) ([]line, error) {
	w := &docxWalker{}
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("broken document XML: %v: %w", err, ErrFormat)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			w.start(t)
		case xml.EndElement:
			w.end(t.Name.Local)
		case xml.CharData:
			if w.inText && w.skip == 0 {
				w.write(string(t))
			}
		}
	}
	return w.lines, nil
}

func (w *docxWalker) start(t xml.StartElement) {
	switch t.Name.Local {
	case "Fallback", "instrText", "delText":
		w.skip++ // Fallback repeats a text box's text; field codes and deletions are not text
	case "p":
		w.paras = append(w.paras, &strings.Builder{})
	case "t":
		w.inText = true
	case "tab", "br", "cr":
		w.write(" ")
	case "tbl":
		w.tblDepth++
	case "tr":
		if w.tblDepth == 1 {
			w.row = nil
		}
	case "tc":
		if w.tblDepth == 1 {
			w.cell, w.span, w.merged = &strings.Builder{}, 1, false
		}
	case "gridSpan":
		if w.tblDepth == 1 {
			if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 1 {
				w.span = min(n, maxSpan)
			}
		}
	case "vMerge":
		if w.tblDepth == 1 {
			v := attr(t, "val")
			w.merged = v == "" || v == "continue"
		}
	}
}

func (w *docxWalker) end(name string) {
	switch name {
	case "Fallback", "instrText", "delText":
		w.skip = max(w.skip-1, 0)
	case "t":
		w.inText = false
	case "p":
		if len(w.paras) == 0 {
			return
		}
		text := w.paras[len(w.paras)-1].String()
		w.paras = w.paras[:len(w.paras)-1]
		switch {
		case len(w.paras) > 0: // a text box's paragraph inside another
			w.paras[len(w.paras)-1].WriteString(text)
		case w.tblDepth > 0 && w.cell != nil:
			if w.cell.Len() > 0 && text != "" {
				w.cell.WriteByte(' ')
			}
			w.cell.WriteString(text)
		case w.tblDepth == 0:
			w.lines = append(w.lines, line{no: len(w.lines) + 1, text: text})
		}
	case "tc":
		if w.tblDepth != 1 || w.cell == nil {
			return
		}
		text := w.cell.String()
		col := len(w.row)
		if w.merged && text == "" && col < len(w.above) {
			text = w.above[col]
		}
		w.row = append(w.row, text)
		for i := 1; i < w.span; i++ {
			w.row = append(w.row, "")
		}
		w.cell = nil
	case "tr":
		if w.tblDepth != 1 {
			return
		}
		w.lines = append(w.lines, line{no: len(w.lines) + 1, text: strings.Join(w.row, "\t"), cells: w.row})
		w.above = w.row
		w.row = nil
	case "tbl":
		w.tblDepth = max(w.tblDepth-1, 0)
	}
}

func (w *docxWalker) write(s string) {
	if len(w.paras) > 0 {
		w.paras[len(w.paras)-1].WriteString(s)
	}
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
