package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// styleProps is what a paragraph style resolves to, following basedOn.
type styleProps struct {
	halfPoints, eastAsia, line, lineRule, firstLine, jc, color string
}

func resolveStyle(t *testing.T, styles *node, id string) styleProps {
	t.Helper()
	byID := map[string]*node{}
	for _, s := range styles.all("style") {
		byID[s.attr("styleId")] = s
	}
	var chain []*node
	for s := byID[id]; s != nil && len(chain) < 10; {
		chain = append(chain, s)
		based := s.child("basedOn")
		if based == nil {
			break
		}
		s = byID[based.attr("val")]
	}
	if len(chain) == 0 {
		t.Fatalf("styles.xml has no style %q", id)
	}
	var p styleProps
	set := func(dst *string, n *node, attr string) {
		if n != nil && *dst == "" {
			*dst = n.attr(attr)
		}
	}
	for _, s := range chain {
		ppr, rpr := s.child("pPr"), s.child("rPr")
		if rpr != nil {
			set(&p.halfPoints, rpr.child("sz"), "val")
			set(&p.eastAsia, rpr.child("rFonts"), "eastAsia")
			set(&p.color, rpr.child("color"), "val")
		}
		if ppr != nil {
			set(&p.line, ppr.child("spacing"), "line")
			set(&p.lineRule, ppr.child("spacing"), "lineRule")
			set(&p.firstLine, ppr.child("ind"), "firstLine")
			set(&p.jc, ppr.child("jc"), "val")
		}
	}
	return p
}

// TestDOCXStyles: the styles of GB/T 9704 are real paragraph styles in
// styles.xml, with the sizes, fonts and spacing of the standard.
func TestDOCXStyles(t *testing.T) {
	d := writeDOCX(t, sampleBulletin())
	styles := d.part(t, "word/styles.xml")

	for _, tc := range []struct {
		id               string
		halfPoints, font string
		jc, firstLine    string
	}{
		{"Title", "44", "方正小标宋简体", "center", ""},
		{"Body", "32", "仿宋_GB2312", "both", "640"},
		{"Heading1", "32", "黑体", "both", "640"},
		{"Heading2", "32", "楷体_GB2312", "both", "640"},
		{"TableText", "24", "仿宋_GB2312", "left", ""},
		{"Footer", "28", "宋体", "both", ""},
	} {
		t.Run(tc.id, func(t *testing.T) {
			p := resolveStyle(t, styles, tc.id)
			if p.halfPoints != tc.halfPoints {
				t.Errorf("size %s half-points, want %s", p.halfPoints, tc.halfPoints)
			}
			if p.eastAsia != tc.font {
				t.Errorf("East Asian font %q, want %q", p.eastAsia, tc.font)
			}
			if p.jc != tc.jc {
				t.Errorf("alignment %q, want %q", p.jc, tc.jc)
			}
			if p.firstLine != tc.firstLine {
				t.Errorf("first-line indent %q twips, want %q (two characters of 3号)", p.firstLine, tc.firstLine)
			}
		})
	}
	body := resolveStyle(t, styles, "Body")
	if body.lineRule != "exact" || body.line < "560" || body.line > "580" {
		t.Errorf("body line spacing %s %s, want exact 560–580 twips (28–29 pt)", body.line, body.lineRule)
	}
	if c := resolveStyle(t, styles, "IssuerMark").color; c != "FF0000" {
		t.Errorf("issuer mark colour %q, want red", c)
	}
}

// TestDOCXPage: A4 with the GB/T 9704 margins, odd and even footers with
// the page number between dashes.
func TestDOCXPage(t *testing.T) {
	d := writeDOCX(t, sampleBulletin())
	doc := d.part(t, "word/document.xml")
	sects := doc.all("sectPr")
	if len(sects) < 2 {
		t.Fatalf("%d sections, want the portrait text and the landscape 附件1", len(sects))
	}
	first := sects[0]
	sz, mar := first.child("pgSz"), first.child("pgMar")
	if sz.attr("w") != "11906" || sz.attr("h") != "16838" || sz.attr("orient") != "" {
		t.Errorf("page %s×%s %s, want A4 portrait 11906×16838", sz.attr("w"), sz.attr("h"), sz.attr("orient"))
	}
	for side, want := range map[string]string{"top": "2098", "bottom": "1985", "left": "1588", "right": "1474"} {
		if got := mar.attr(side); got != want {
			t.Errorf("%s margin %s twips, want %s", side, got, want)
		}
	}
	if sects[1].child("pgSz").attr("orient") != "landscape" {
		t.Error("the wide table 附件1 is not on a landscape page")
	}
	// Every section uses both footers.
	for i, s := range sects {
		if n := len(s.all("footerReference")); n != 2 {
			t.Errorf("section %d has %d footer references, want 2", i+1, n)
		}
	}
	if !bytes.Contains(d["word/settings.xml"], []byte("<w:evenAndOddHeaders/>")) {
		t.Error("settings lack evenAndOddHeaders: odd and even page numbers would be alike")
	}
	for name, jc := range map[string]string{"word/footer1.xml": "right", "word/footer2.xml": "left"} {
		f := d.part(t, name)
		p := f.first("p")
		if got := p.first("pStyle").attr("val"); got != "Footer" {
			t.Errorf("%s: style %q, want Footer", name, got)
		}
		if got := p.first("jc").attr("val"); got != jc {
			t.Errorf("%s: alignment %q, want %q", name, got, jc)
		}
		if got := p.first("instrText").Text; strings.TrimSpace(got) != "PAGE" {
			t.Errorf("%s: field %q, want PAGE", name, got)
		}
		if got := p.text(); got != "— 1 —" {
			t.Errorf("%s: text %q, want \"— 1 —\"", name, got)
		}
	}
}

// TestDOCXParagraphs: each paragraph uses a style that styles.xml defines;
// the title, headings and body text use theirs; the date is in Chinese.
func TestDOCXParagraphs(t *testing.T) {
	d := writeDOCX(t, sampleBulletin())
	defined := map[string]bool{}
	for _, s := range d.part(t, "word/styles.xml").all("style") {
		defined[s.attr("styleId")] = true
	}
	byText := map[string][]string{}
	for _, p := range d.part(t, "word/document.xml").all("p") {
		ps := p.first("pStyle")
		if ps == nil {
			t.Errorf("paragraph %q has no style", p.text())
			continue
		}
		if !defined[ps.attr("val")] {
			t.Errorf("paragraph %q uses style %q, which styles.xml lacks", p.text(), ps.attr("val"))
		}
		byText[p.text()] = append(byText[p.text()], ps.attr("val"))
	}
	for text, want := range map[string]string{
		"青云谱区科学技术和工业信息化局":       "IssuerMark",
		"青科工信字〔2022〕12号":        "DocNumber",
		"关于2022年7月科技创新工作要点":     "Title",
		"推进情况的通报":               "Title",
		"一、总体情况":                "Heading1",
		"（一）部分指标进度滞后":           "Heading2",
		"7月调度中，有2个单位未按时报送进展情况。": "Body",
		"2022年8月10日":            "Signature",
		"各街道、镇、集聚区，区直有关部门：":     "Normal",
		"附件1": "AttachmentLabel",
		"附件：1.2022年7月科技创新指标完成情况表": "Normal",
		"科技型中小企业目标（家）":            "TableHeader",
		"新经济产业集聚区":                "TableText",
	} {
		if got, ok := byText[text]; !ok {
			t.Errorf("no paragraph %q", text)
		} else if !slices.Contains(got, want) {
			t.Errorf("paragraph %q has style %q, want %q", text, got, want)
		}
	}
}

// TestDOCXTables: four bordered tables, the header row repeated on each
// page, 滞后 in red and 严重滞后 in red bold.
func TestDOCXTables(t *testing.T) {
	d := writeDOCX(t, sampleBulletin())
	doc := d.part(t, "word/document.xml")
	tables := doc.all("tbl")
	if len(tables) != 4 {
		t.Fatalf("%d tables, want 4", len(tables))
	}
	for i, tbl := range tables {
		rows := tbl.all("tr")
		if rows[0].first("tblHeader") == nil {
			t.Errorf("table %d: the header row does not repeat on each page", i+1)
		}
		for _, r := range rows[1:] {
			if r.first("tblHeader") != nil {
				t.Errorf("table %d: a body row is marked as header", i+1)
			}
		}
		borders := tbl.child("tblPr").child("tblBorders")
		if borders == nil || borders.child("insideH").attr("val") != "single" || borders.child("insideV").attr("val") != "single" {
			t.Errorf("table %d has no borders", i+1)
		}
		grid := 0
		for _, c := range tbl.all("gridCol") {
			grid += atoi(c.attr("w"))
		}
		if want := atoi(tbl.child("tblPr").child("tblW").attr("w")); grid != want {
			t.Errorf("table %d: columns add up to %d twips, table is %d", i+1, grid, want)
		}
	}

	cells := map[string]*node{}
	for _, c := range tables[2].all("tc") {
		cells[c.text()] = c
	}
	lagging, serious := cells["滞后"], cells["严重滞后"]
	if lagging == nil || serious == nil {
		t.Fatalf("the lagging-task table lacks the status cells: %v", keys(cells))
	}
	if got := lagging.first("color").attr("val"); got != "FF0000" {
		t.Errorf("滞后 colour %q, want FF0000", got)
	}
	if lagging.first("b") != nil {
		t.Error("滞后 is bold; only 严重滞后 is")
	}
	if got := serious.first("color").attr("val"); got != "FF0000" {
		t.Errorf("严重滞后 colour %q, want FF0000", got)
	}
	if serious.first("b") == nil {
		t.Error("严重滞后 is not bold")
	}
	if jc := serious.first("jc").attr("val"); jc != "center" {
		t.Errorf("status cell alignment %q, want center", jc)
	}
	// Numbers are right-aligned in the indicator table.
	for _, c := range tables[0].all("tc") {
		if c.text() == "4.54" && c.first("jc").attr("val") != "right" {
			t.Error("the number 4.54 is not right-aligned")
		}
	}
}

// TestDOCXEscaping: markup characters round-trip; control characters,
// invalid UTF-8 and the non-characters XML cannot hold are dropped.
func TestDOCXEscaping(t *testing.T) {
	tricky := `A<B & "C">'D' ]]> <w:p/>`
	b := &Bulletin{
		Title:      tricky,
		Paragraphs: []Para{{Text: "x\x00y\x01z\x1b\uFFFE\xffw\tend"}, {Level: 7, Text: tricky}},
		Tables: []Table{{
			Title:  "表<1>",
			Header: []string{"a&b"},
			Rows:   [][]Cell{{{Text: tricky, Status: "LAGGING"}}, {{Text: "two\nlines"}}},
		}},
	}
	d := writeDOCX(t, b)
	doc := d.part(t, "word/document.xml")
	var texts []string
	for _, p := range doc.all("p") {
		texts = append(texts, p.text())
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{tricky, "xyz\uFFFDw\tend", "表<1>", "a&b", "two\nlines"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q did not round-trip; paragraphs: %q", want, texts)
		}
	}
	if strings.ContainsAny(all, "\x00\x01\x1b\uFFFE") {
		t.Errorf("control characters survived: %q", all)
	}
	// The core properties hold the title too, escaped.
	if got := d.part(t, "docProps/core.xml").first("title").Text; got != tricky {
		t.Errorf("core title %q, want %q", got, tricky)
	}
	// An unknown level is body text; the status is read case-insensitively.
	for _, p := range doc.all("p") {
		if p.text() == tricky && p.first("pStyle").attr("val") == "Heading1" {
			t.Error("level 7 became a heading")
		}
	}
	for _, c := range doc.all("tc") {
		if c.text() == tricky && c.first("color") == nil {
			t.Error("status LAGGING is not marked")
		}
	}
}

// TestDOCXEdgeCases: empty and odd bulletins still make a valid document;
// nil is an error; the same bulletin gives the same bytes.
func TestDOCXEdgeCases(t *testing.T) {
	if err := WriteDOCX(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil bulletin: no error")
	}
	for name, b := range map[string]*Bulletin{
		"empty":          {},
		"table no cells": {Tables: []Table{{Title: "空表"}}},
		"ragged rows":    {Tables: []Table{{Header: []string{"a"}, Rows: [][]Cell{{}, {{Text: "1"}, {Text: "2"}, {Text: "3"}}}}}},
		"header only":    {Tables: []Table{{Header: []string{"a", "b"}}}},
		"rows only":      {Tables: []Table{{Rows: [][]Cell{{{Text: "x"}}}}}},
		"not a date":     {Date: "八月上旬"},
	} {
		t.Run(name, func(t *testing.T) {
			d := writeDOCX(t, b)
			doc := d.part(t, "word/document.xml")
			for _, tbl := range doc.all("tbl") {
				if len(tbl.all("gridCol")) == 0 || len(tbl.all("tr")) == 0 {
					t.Error("a table without columns or rows")
				}
			}
		})
	}
	var a, b bytes.Buffer
	if err := WriteDOCX(&a, sampleBulletin()); err != nil {
		t.Fatal(err)
	}
	if err := WriteDOCX(&b, sampleBulletin()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same bulletin gave different bytes")
	}
}

func TestFormatDate(t *testing.T) {
	for in, want := range map[string]string{
		"2022-08-10": "2022年8月10日",
		"2022-8-1":   "2022年8月1日",
		"2022/12/31": "2022年12月31日",
		"20220810":   "2022年8月10日",
		"2022年8月10日": "2022年8月10日",
		" 八月\n上旬 ":   "八月 上旬",
		"":           "",
	} {
		if got := FormatDate(in); got != want {
			t.Errorf("FormatDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDOCXDraftBanjiAndKeep: a draft is marked at the top; the 版记 ends the
// document with its rules; the paragraphs before the signature keep with
// it, so that no page holds only the signature.
func TestDOCXDraftBanjiAndKeep(t *testing.T) {
	b := sampleBulletin()
	b.Draft, b.CopyTo, b.PrintedBy, b.PrintedOn = true, "区委办", "青云谱区科学技术和工业信息化局", "2022-08-11"
	d := writeDOCX(t, b)
	ps := d.part(t, "word/document.xml").all("p")
	if len(ps) == 0 || ps[0].text() != DraftMark {
		t.Errorf("first paragraph %q, want the draft mark", ps[0].text())
	}
	var texts []string
	sig := -1
	for i, p := range ps {
		texts = append(texts, p.text())
		if p.text() == "青云谱区科学技术和工业信息化局" && p.first("pStyle").attr("val") == "Signature" {
			sig = i
		}
	}
	if sig < 3 {
		t.Fatalf("no signature paragraph in %q", texts)
	}
	for i := sig - 3; i <= sig; i++ {
		if ps[i].first("keepNext") == nil {
			t.Errorf("paragraph %d %q before the date does not keep with the next", i, ps[i].text())
		}
	}
	last := ps[len(ps)-1]
	if !strings.Contains(last.text(), "2022年8月11日印发") || !strings.Contains(last.text(), "青云谱区科学技术和工业信息化局\t2022") || last.first("pBdr") == nil {
		t.Errorf("last paragraph %q: want 印发机关 and 印发日期 over a rule", last.text())
	}
	if got := ps[len(ps)-2].text(); got != "抄送：区委办。" {
		t.Errorf("抄送 line %q", got)
	}
}
