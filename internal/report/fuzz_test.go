package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzWriteDOCX: any strings in the title, paragraphs, headers and cells
// give a valid zip whose XML parts all parse, and never a panic. The same
// bulletin renders as HTML without error.
func FuzzWriteDOCX(f *testing.F) {
	f.Add("关于2022年7月科技创新工作要点推进情况的通报", "一、总体情况", "新经济产业集聚区", "66.4%", 1, "lagging", "2022-08-10")
	f.Add(`A<B & "C">'D' ]]>`, "\x00\x01\x1b\uFFFE\uFFFF", "\xff\xfe", "\r\n\t", 2, "serious", "")
	f.Add("", "", "", "", -1, "", "2022-13-45")
	f.Add("\U0001F600"+strings.Repeat("长", 300), "x\ny\rz\u2028w", "'sheet'", "[]:*?/\\", 99, "DONE", "not a date")
	f.Fuzz(func(t *testing.T, title, para, cell, num string, level int, status, date string) {
		b := &Bulletin{
			Issuer:     cell,
			DocNumber:  num,
			Title:      title,
			Addressee:  para,
			Date:       date,
			Signature:  title,
			Paragraphs: []Para{{Level: level, Text: para}, {Level: LevelBody, Text: title}},
			Tables: []Table{
				{Title: title, Header: []string{cell, para}, Rows: [][]Cell{{{Text: cell, Status: status, Align: status}, {Text: num, Bold: true}}, {{Text: para}}}, Note: para},
				{Title: cell, Rows: [][]Cell{{{Text: num, Status: status}}}},
			},
		}
		var buf bytes.Buffer
		if err := WriteDOCX(&buf, b); err != nil {
			t.Fatal(err)
		}
		d, err := readDOCX(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := d["word/document.xml"]; !ok {
			t.Fatal("no word/document.xml")
		}
		for name, body := range d {
			if err := wellFormed(body); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := HTML(b); err != nil {
			t.Fatal(err)
		}
	})
}

// wellFormed reads every token of an XML document.
func wellFormed(body []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestXLSXOddText: the workbook takes the fuzz seeds' text too.
func TestXLSXOddText(t *testing.T) {
	for _, s := range []string{`A<B & "C">'D' ]]>`, "\x00\x01\x1b\uFFFE\uFFFF", "\xff\xfe", "=1+1", "'", "History", strings.Repeat("长", 40000)} {
		b := &Bulletin{Title: s, Paragraphs: []Para{{Text: s}}, Tables: []Table{{Title: s, Header: []string{s}, Rows: [][]Cell{{{Text: s}}}, Note: s}, {Title: s}}}
		f := openXLSX(t, b)
		if n := len(f.GetSheetList()); n != 3 {
			t.Errorf("%d sheets for %.20q, want 3", n, s)
		}
	}
}
