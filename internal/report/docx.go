package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Page geometry of GB/T 9704 in twips (1/20 pt; 1 mm = 56.7 twips): an A4
// page with the margins that leave the 156 mm × 225 mm type area.
const (
	pageWidth    = 11906 // 210 mm
	pageHeight   = 16838 // 297 mm
	marginTop    = 2098  // 37 mm (天头)
	marginBottom = 1985  // 35 mm
	marginLeft   = 1588  // 28 mm (订口)
	marginRight  = 1474  // 26 mm
	marginHeader = 851   // 15 mm; the bulletin has no header
	marginFooter = 1361  // 24 mm: puts the page number about 7 mm under the type area
	linePitch    = 579   // 28.95 pt: 22 lines in the 225 mm type area
	emBody       = 320   // one character of 3号 (16 pt)
	emFooter     = 280   // one character of 4号 (14 pt)

	textWidth  = pageWidth - marginLeft - marginRight // 8844
	cellMargin = 57                                   // 1 mm each side of a cell's text
	redColor   = "FF0000"                             // the red of 版头, 分隔线 and 滞后

	wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	rNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// A landscape page turns the portrait one a quarter clockwise, so the
// binding margin (28 mm) is at the top.
const (
	wideMarginTop    = 1588                                          // 28 mm
	wideMarginBottom = 1474                                          // 26 mm
	wideMarginLeft   = 1985                                          // 35 mm
	wideMarginRight  = 2098                                          // 37 mm
	wideTextWidth    = pageHeight - wideMarginLeft - wideMarginRight // 12755
)

// WriteDOCX writes the bulletin as a Word document (.docx, Office Open XML)
// laid out to GB/T 9704: A4, margins 37/35/28/26 mm, the title in
// 方正小标宋简体 2号, the body in 仿宋_GB2312 3号 on a 28.95 pt grid, headings
// in 黑体 and 楷体_GB2312, page numbers "— 1 —" in 宋体 4号 at the outer edge.
// Every paragraph uses a named style of styles.xml, so staff can restyle it
// in Word or WPS before issuing it.
func WriteDOCX(w io.Writer, b *Bulletin) error {
	l, err := newLayout(b)
	if err != nil {
		return err
	}
	var created time.Time
	if b != nil {
		created, _ = parseDate(b.Date)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", packageRelsXML},
		{"docProps/core.xml", coreXML(strings.Join(l.title, ""), l.issuer, created)},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", documentRelsXML},
		{"word/document.xml", documentXML(l)},
		{"word/styles.xml", stylesXML},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML},
		{"word/footer1.xml", footerXML(false)},
		{"word/footer2.xml", footerXML(true)},
	}
	zw := zip.NewWriter(w)
	for _, p := range parts {
		// A fixed time makes the same bulletin give the same bytes.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return fmt.Errorf("report: writing %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("report: writing %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("report: writing the docx: %w", err)
	}
	return nil
}

// esc escapes s for XML text. The layout has already dropped the
// characters XML cannot hold.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// twips converts ems of a font size to twips.
func twips(ems float64, em int) int { return int(math.Round(ems * float64(em))) }

// docBuilder writes the body of document.xml.
type docBuilder struct {
	bytes.Buffer
}

// para writes a paragraph of style with extra paragraph properties (already
// in schema order after pStyle) and runs.
func (d *docBuilder) para(style, ppr, runs string) {
	d.WriteString("<w:p><w:pPr><w:pStyle w:val=\"")
	d.WriteString(style)
	d.WriteString("\"/>")
	d.WriteString(ppr)
	d.WriteString("</w:pPr>")
	d.WriteString(runs)
	d.WriteString("</w:p>")
}

func (d *docBuilder) blank(style string) { d.para(style, "", "") }

// run is one run of text with run properties rpr. Tabs and newlines inside
// the text become w:tab and w:br.
func run(text, rpr string) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("<w:r>")
	if rpr != "" {
		b.WriteString("<w:rPr>" + rpr + "</w:rPr>")
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		for j, seg := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if seg != "" {
				b.WriteString(`<w:t xml:space="preserve">` + esc(seg) + "</w:t>")
			}
		}
	}
	b.WriteString("</w:r>")
	return b.String()
}

func documentXML(l *layout) string {
	var d docBuilder
	d.WriteString(xml.Header)
	d.WriteString(`<w:document xmlns:w="` + wNS + `" xmlns:r="` + rNS + `"><w:body>`)

	if l.draft {
		d.para("Normal", "", run(DraftMark, `<w:b/><w:bCs/><w:color w:val="`+redColor+`"/>`))
	}
	// 版头: the issuer mark in red, the document number, the red line.
	if l.issuer != "" {
		hp := strconv.Itoa(l.issuerPt * 2)
		d.para("IssuerMark", "", run(l.issuer, `<w:sz w:val="`+hp+`"/><w:szCs w:val="`+hp+`"/>`))
		// The number two lines under the mark, the title two lines under
		// the red line.
		if l.docNumber != "" {
			d.blank("Normal")
			d.blank("Normal")
		}
		d.para("DocNumber", "", run(l.docNumber, ""))
		d.blank("Normal")
		d.blank("Normal")
	}
	for _, t := range l.title {
		d.para("Title", "", run(t, ""))
	}
	d.blank("Normal")
	if l.addressee != "" {
		d.para("Normal", "", run(l.addressee, ""))
	}
	// The last paragraph, the attachment note and the blank lines keep
	// with the signature: no page holds only the signature.
	const keep = keepNext
	for i, p := range l.paras {
		ppr := ""
		if i == len(l.paras)-1 {
			ppr = keep
		}
		d.para(paraStyle(p.Level), ppr, run(p.Text, ""))
	}
	if len(l.attachNote) > 0 {
		d.para("Normal", keep, "")
		for _, n := range l.attachNote {
			ind := fmt.Sprintf(`<w:ind w:left="%d" w:hanging="%d"/>`, twips(n.left, emBody), twips(n.hang, emBody))
			d.para("Normal", keep+ind, run(n.text, ""))
		}
	}
	d.para("Normal", keep, "")
	d.para("Normal", keep, "")
	if l.signature != "" {
		ppr := fmt.Sprintf(`<w:ind w:right="%d"/>`, twips(l.sigRight, emBody))
		if l.date != "" {
			ppr = keep + ppr
		}
		d.para("Signature", ppr, run(l.signature, ""))
	}
	if l.date != "" {
		d.para("Signature", fmt.Sprintf(`<w:ind w:right="%d"/>`, twips(l.dateRight, emBody)), run(l.date, ""))
	}

	// Attachments, each on a new page; a change of orientation starts a
	// new section, whose properties close the previous one.
	wide := false
	for _, a := range l.attachments {
		breakBefore := `<w:pageBreakBefore/>`
		if a.wide != wide {
			d.para("Normal", "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr>"+sectPr(wide), "")
			wide, breakBefore = a.wide, ""
		}
		d.para("AttachmentLabel", breakBefore, run(a.label, ""))
		d.blank("Normal")
		if a.title != "" {
			d.para("TableTitle", "", run(a.title, ""))
		}
		width := textWidth
		if a.wide {
			width = wideTextWidth
		}
		if len(a.widths) > 0 {
			writeTable(&d, a, width)
		}
		for _, n := range a.note {
			d.para("TableNote", "", run(n, ""))
		}
		if len(a.note) == 0 {
			d.para("TableNote", "", "") // a table must not end the section
		}
	}
	if l.hasBanji() {
		banji(&d, l, wide)
	}
	d.WriteString(sectPr(wide))
	d.WriteString(`</w:body></w:document>`)
	return d.String()
}

// banji writes the 版记 (GB/T 9704 7.4) at the end: 抄送 one character in
// under a thick rule, a thin rule, then 印发机关 at the left and 印发日期 at
// the right above a thick rule, in 4号.
func banji(d *docBuilder, l *layout, wide bool) {
	width := textWidth
	if wide {
		width = wideTextWidth
	}
	sz := `<w:sz w:val="28"/><w:szCs w:val="28"/>`
	ind := fmt.Sprintf(`<w:ind w:left="%d" w:right="%d"/>`, emFooter, emFooter)
	d.para("Normal", keepNext, "")
	if l.copyTo != "" {
		d.para("Normal", `<w:keepNext/><w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>`+ind,
			run(l.copyTo, sz))
	}
	top := `<w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/>`
	if l.copyTo != "" {
		top = ""
	}
	tab := fmt.Sprintf(`<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>`, width-emFooter)
	d.para("Normal", `<w:keepNext/><w:pBdr>`+top+`<w:bottom w:val="single" w:sz="8" w:space="1" w:color="000000"/></w:pBdr>`+tab+ind,
		run(l.printedBy+"\t"+l.printedOn, sz))
}

const keepNext = `<w:keepNext/>`

func paraStyle(level int) string {
	switch level {
	case LevelHeading1:
		return "Heading1"
	case LevelHeading2:
		return "Heading2"
	case LevelHeading3:
		return "Heading3"
	}
	return "Body"
}

// sectPr is the section properties of a portrait or landscape section, with
// the odd (default) and even footers.
func sectPr(wide bool) string {
	size := fmt.Sprintf(`<w:pgSz w:w="%d" w:h="%d"/>`, pageWidth, pageHeight)
	mar := fmt.Sprintf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
		marginTop, marginRight, marginBottom, marginLeft, marginHeader, marginFooter)
	if wide {
		size = fmt.Sprintf(`<w:pgSz w:w="%d" w:h="%d" w:orient="landscape"/>`, pageHeight, pageWidth)
		mar = fmt.Sprintf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
			wideMarginTop, wideMarginRight, wideMarginBottom, wideMarginLeft, marginHeader, marginFooter-(marginBottom-wideMarginBottom))
	}
	return `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/>` +
		size + mar + `<w:cols w:space="425"/>` +
		fmt.Sprintf(`<w:docGrid w:type="lines" w:linePitch="%d"/>`, linePitch) + `</w:sectPr>`
}

// writeTable writes a table with borders, its header row repeated on every
// page, rows that do not split across pages, and status cells marked.
func writeTable(d *docBuilder, a attachment, width int) {
	n := len(a.widths)
	cols := make([]int, n)
	sum := 0
	for j, f := range a.widths {
		cols[j] = max(1, int(math.Round(f*float64(width))))
		sum += cols[j]
	}
	cols[n-1] = max(1, cols[n-1]+width-sum)

	d.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>`)
	fmt.Fprintf(d, `<w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/>`, width)
	d.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(d, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	d.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>`)
	fmt.Fprintf(d, `<w:tblCellMar><w:left w:w="%d" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`, cellMargin, cellMargin)
	d.WriteString(`<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		fmt.Fprintf(d, `<w:gridCol w:w="%d"/>`, c)
	}
	d.WriteString(`</w:tblGrid>`)

	if a.header != nil {
		d.WriteString(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		for j, h := range a.header {
			writeCell(d, cols[j], "TableHeader", "", run(h, ""))
		}
		d.WriteString(`</w:tr>`)
	}
	for _, r := range a.rows {
		d.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for j, c := range r {
			writeCell(d, cols[j], "TableText", `<w:jc w:val="`+wordAlign(c.Align)+`"/>`, run(c.Text, cellRunProps(c)))
		}
		d.WriteString(`</w:tr>`)
	}
	d.WriteString(`</w:tbl>`)
}

func writeCell(d *docBuilder, width int, style, ppr, runs string) {
	fmt.Fprintf(d, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`, width)
	d.para(style, ppr, runs)
	d.WriteString(`</w:tc>`)
}

func wordAlign(a string) string {
	switch a {
	case AlignRight:
		return "right"
	case AlignCenter:
		return "center"
	}
	return "left"
}

// cellRunProps marks a cell: 滞后 in red, 严重滞后 in red bold, 不适用 in grey.
func cellRunProps(c Cell) string {
	bold := c.Bold || c.Status == StatusSerious
	var p string
	if bold {
		p += `<w:b/><w:bCs/>`
	}
	switch c.Status {
	case StatusLagging, StatusSerious:
		p += `<w:color w:val="` + redColor + `"/>`
	case StatusNA:
		p += `<w:color w:val="808080"/>`
	}
	return p
}

func footerXML(even bool) string {
	ppr := fmt.Sprintf(`<w:ind w:right="%d"/><w:jc w:val="right"/>`, emFooter)
	if even {
		ppr = fmt.Sprintf(`<w:ind w:left="%d"/><w:jc w:val="left"/>`, emFooter)
	}
	return xml.Header + `<w:ftr xmlns:w="` + wNS + `" xmlns:r="` + rNS + `"><w:p><w:pPr><w:pStyle w:val="Footer"/>` + ppr + `</w:pPr>` +
		`<w:r><w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r><w:t>1</w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
}

func coreXML(title, creator string, created time.Time) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>` + esc(title) + `</dc:title>`)
	if creator != "" {
		b.WriteString(`<dc:creator>` + esc(creator) + `</dc:creator>`)
	}
	b.WriteString(`<dc:language>zh-CN</dc:language>`)
	if !created.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + created.Format("2006-01-02T15:04:05Z") + `</dcterms:created>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

const appXML = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>kechuang</Application></Properties>`

const contentTypesXML = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRelsXML = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

const settingsXML = xml.Header + `<w:settings xmlns:w="` + wNS + `">` +
	`<w:zoom w:percent="100"/>` +
	`<w:defaultTabStop w:val="640"/>` +
	`<w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` +
	`</w:settings>`

// fontTableXML names the fonts of the official style, with the fonts that
// Word and WPS should use on a computer that lacks them (仿宋_GB2312 is
// missing on most Windows 10 machines, which have 仿宋).
const fontTableXML = xml.Header + `<w:fonts xmlns:w="` + wNS + `">` +
	`<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>` +
	`</w:fonts>`

// Fonts of the official style: East Asian text in the named Chinese font,
// Latin letters and digits in Times New Roman unless all is set. The hint
// makes Word draw the characters both scripts share (“ ” — …) in the
// Chinese font, full width.
func fonts(eastAsia string, all bool) string {
	if all {
		return `<w:rFonts w:ascii="` + eastAsia + `" w:eastAsia="` + eastAsia + `" w:hAnsi="` + eastAsia + `" w:cs="` + eastAsia + `" w:hint="eastAsia"/>`
	}
	return `<w:rFonts w:ascii="Times New Roman" w:eastAsia="` + eastAsia + `" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:hint="eastAsia"/>`
}

func size(halfPoints int) string {
	v := strconv.Itoa(halfPoints)
	return `<w:sz w:val="` + v + `"/><w:szCs w:val="` + v + `"/>`
}

func exact(twips int) string {
	return `<w:spacing w:line="` + strconv.Itoa(twips) + `" w:lineRule="exact"/>`
}

// style writes a paragraph style. ppr and rpr are in schema order.
func style(id, name, basedOn string, extra, ppr, rpr string) string {
	s := `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/>`
	if basedOn != "" {
		s += `<w:basedOn w:val="` + basedOn + `"/>`
	}
	s += extra
	if ppr != "" {
		s += `<w:pPr>` + ppr + `</w:pPr>`
	}
	if rpr != "" {
		s += `<w:rPr>` + rpr + `</w:rPr>`
	}
	return s + `</w:style>`
}

var stylesXML = xml.Header + `<w:styles xmlns:w="` + wNS + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + fonts("仿宋_GB2312", false) + `<w:kern w:val="2"/>` + size(32) +
	`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	style("Normal", "Normal", "", `<w:qFormat/>`, exact(linePitch)+`<w:jc w:val="both"/>`, fonts("仿宋_GB2312", false)+size(32)) +
	`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
	`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>` +
	`<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr></w:style>` +
	// 标题: 方正小标宋简体 2号, centred.
	style("Title", "Title", "Normal", `<w:next w:val="Body"/><w:qFormat/>`,
		`<w:keepNext/>`+exact(700)+`<w:jc w:val="center"/>`,
		fonts("方正小标宋简体", true)+size(44)) +
	// 正文: 仿宋_GB2312 3号, two characters in.
	style("Body", "公文正文", "Normal", `<w:qFormat/>`,
		`<w:ind w:firstLineChars="200" w:firstLine="640"/>`, fonts("仿宋_GB2312", false)+size(32)) +
	// 一、: 黑体 3号.
	style("Heading1", "heading 1", "Normal", `<w:next w:val="Body"/><w:qFormat/>`,
		`<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/>`,
		fonts("黑体", true)+size(32)) +
	// （一）: 楷体_GB2312 3号.
	style("Heading2", "heading 2", "Normal", `<w:next w:val="Body"/><w:qFormat/>`,
		`<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/>`,
		fonts("楷体_GB2312", false)+size(32)) +
	// 1.: 仿宋_GB2312 3号.
	style("Heading3", "heading 3", "Normal", `<w:next w:val="Body"/><w:qFormat/>`,
		`<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="2"/>`,
		fonts("仿宋_GB2312", false)+size(32)) +
	// 发文机关标志: red 方正小标宋简体, centred; the size is set per bulletin.
	style("IssuerMark", "发文机关标志", "Normal", `<w:next w:val="DocNumber"/>`,
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`,
		fonts("方正小标宋简体", true)+`<w:color w:val="`+redColor+`"/>`+size(72)) +
	// 发文字号 with the red line four millimetres under it.
	style("DocNumber", "发文字号", "Normal", `<w:next w:val="Normal"/>`,
		`<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="`+redColor+`"/></w:pBdr>`+exact(linePitch)+`<w:jc w:val="center"/>`, "") +
	style("Signature", "发文机关署名", "Normal", "", `<w:jc w:val="right"/>`, "") +
	// 附件 mark: 黑体 3号 at the top left.
	style("AttachmentLabel", "附件标识", "Normal", `<w:next w:val="TableTitle"/>`,
		`<w:keepNext/><w:jc w:val="left"/>`, fonts("黑体", true)+size(32)) +
	style("TableTitle", "表格标题", "Normal", `<w:next w:val="TableText"/>`,
		`<w:keepNext/><w:spacing w:after="240" w:line="600" w:lineRule="exact"/><w:jc w:val="center"/>`,
		fonts("方正小标宋简体", true)+size(36)) +
	// 表格文字: 仿宋_GB2312 小四.
	style("TableText", "表格文字", "Normal", "",
		`<w:snapToGrid w:val="0"/>`+exact(400)+`<w:jc w:val="left"/>`, size(24)) +
	style("TableHeader", "表头", "TableText", "",
		`<w:keepNext/><w:jc w:val="center"/>`, fonts("黑体", false)) +
	style("TableNote", "表注", "TableText", "",
		`<w:spacing w:before="120" w:line="400" w:lineRule="exact"/>`, "") +
	// 页码: 宋体 4号, Arabic digits in 宋体 too.
	style("Footer", "footer", "Normal", "",
		`<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>`, fonts("宋体", true)+size(28)) +
	`</w:styles>`
