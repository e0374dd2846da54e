package notice

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// zipOf builds a zip of the given files.
func zipOf(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "a.txt"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// makeDocx builds the smallest .docx Word opens around a document body.
func makeDocx(tb testing.TB, body string) []byte {
	tb.Helper()
	return zipOf(tb, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`,
		"word/document.xml": documentXML(body),
	})
}

// documentXML wraps a body in the main document part.
func documentXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` +
		body + `</w:body></w:document>`
}

// para is a paragraph of one run.
func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

// tc is a table cell; props go in its w:tcPr.
func tc(props string, paras ...string) string {
	var b strings.Builder
	b.WriteString("<w:tc>")
	if props != "" {
		b.WriteString("<w:tcPr>" + props + "</w:tcPr>")
	}
	for _, p := range paras {
		b.WriteString(para(p))
	}
	if len(paras) == 0 {
		b.WriteString("<w:p/>")
	}
	b.WriteString("</w:tc>")
	return b.String()
}

func tr(cells ...string) string { return "<w:tr>" + strings.Join(cells, "") + "</w:tr>" }

// docxNotice is a small notice as Word writes it: runs split mid-word, a
// deleted run, a field code, a text box whose fallback repeats its text, and
// a task table with an action row spanning all columns, a lead unit merged
// down two rows and a cell of two paragraphs.
func docxNotice(tb testing.TB) []byte { return makeDocx(tb, docxNoticeBody) }

var docxNoticeBody = `<w:p><w:r><w:t>柴桑区2023年</w:t></w:r><w:del><w:r><w:delText>草稿</w:delText></w:r></w:del><w:r><w:t>科技工作要点</w:t></w:r></w:p>` +
	para("一、工作目标") +
	para("高新技术企业达到50家；技术合同成交额突破3亿元。") +
	para("二、重点任务") +
	para("（一）企业培育行动") +
	`<w:p><w:r><w:t>1.培育</w:t></w:r><w:r><w:t xml:space="preserve">高新技术企业。建立培育库，全年高新技术企业达到50家。</w:t></w:r><w:r><w:t>（责任单位：区科技局、区税务局）</w:t></w:r></w:p>` +
	para("2.推动技术交易。培育技术经纪人，技术合同成交额突破3亿元。（责任单位：区科技局、区商务局）") +
	`<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>` + para("（此件主动公开）") +
	`</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>` + para("（此件主动公开）") +
	`</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
	para("附件1") +
	para("任务分解表") +
	`<w:tbl>` +
	tr(tc("", "序号"), tc("", "工作内容"), tc("", "牵头单位"), tc("", "责任单位")) +
	tr(tc(`<w:gridSpan w:val="4"/>`, "（一）企业培育行动")) +
	tr(tc("", "1"), tc("", "建立培育库，全年高新技术企业达到50家"), tc(`<w:vMerge w:val="restart"/>`, "区科技局"), tc("", "区科技局、", "区税务局")) +
	tr(tc("", "2"), tc("", "培育技术经纪人"), tc(`<w:vMerge/>`), tc("", "区科技局、区商务局")) +
	`</w:tbl>` +
	para("柴桑区人民政府办公室") +
	`<w:p><w:r><w:t>2023年4月1日</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`

func TestParseDocx(t *testing.T) {
	doc := mustParse(t, "柴桑区.DOCX", docxNotice(t))
	compareFile(t, doc, "testdata/docx.json")
}

func TestDocxLines(t *testing.T) {
	lines, err := docxLines(docxNotice(t), DefaultMaxSize)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.text)
	}
	want := []string{
		"柴桑区2023年科技工作要点",
		"一、工作目标",
		"高新技术企业达到50家；技术合同成交额突破3亿元。",
		"二、重点任务",
		"（一）企业培育行动",
		"1.培育高新技术企业。建立培育库，全年高新技术企业达到50家。（责任单位：区科技局、区税务局）",
		"2.推动技术交易。培育技术经纪人，技术合同成交额突破3亿元。（责任单位：区科技局、区商务局）",
		"（此件主动公开）",
		"附件1",
		"任务分解表",
		"序号\t工作内容\t牵头单位\t责任单位",
		"（一）企业培育行动\t\t\t",
		"1\t建立培育库，全年高新技术企业达到50家\t区科技局\t区科技局、 区税务局",
		"2\t培育技术经纪人\t区科技局\t区科技局、区商务局",
		"柴桑区人民政府办公室",
		"2023年4月1日",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docx lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The review page shows Source and may parse it again as text: the result
// is the same document, line numbers included.
func TestSourceReparses(t *testing.T) {
	for name, data := range map[string][]byte{
		"notice.txt":  readFile(t, example2022+"notice.txt"),
		"notice.docx": docxNotice(t),
	} {
		t.Run(name, func(t *testing.T) {
			src, err := Source(name, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseText(src)
			if err != nil {
				t.Fatal(err)
			}
			want := canonical(t, mustParse(t, name, data), true)
			if got := canonical(t, again, true); got != want {
				t.Errorf("parsing Source differs at %s", diffLines(got, want))
			}
		})
	}
}
