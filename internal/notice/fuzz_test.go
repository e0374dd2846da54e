package notice

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"kechuang/internal/plan"
)

// The parser must never panic or loop, whatever it is given: notices come
// from users' uploads and pastes.

func FuzzParseText(f *testing.F) {
	f.Add(string(readFile(f, example2022+"notice.txt")))
	files, _ := filepath.Glob("testdata/*.txt")
	public, _ := filepath.Glob("testdata/public/*.txt")
	for _, name := range append(files, public...) {
		f.Add(string(readFile(f, name)))
	}
	f.Add("一、工作目标\n科技型中小企业140家\n二、重点工作\n（一）行动\n1. 任务。（责任单位：区科工局、")
	f.Add("序号\t工作内容\t牵头单位\t责任单位\n1\t内容\t\t区科工局、\n\t\t\t聚区")
	f.Fuzz(func(t *testing.T, text string) {
		doc, err := ParseText(text)
		check(t, doc, err)
	})
}

func FuzzParseDocx(f *testing.F) {
	f.Add(docxNotice(f))
	f.Add([]byte(documentXML(docxNoticeBody)))
	f.Add([]byte(documentXML(para("一、工作目标") + para("高新技术企业76家"))))
	f.Add([]byte(documentXML(`<w:tbl><w:tr>` + tc(`<w:gridSpan w:val="9999"/>`, "序号") + tc(`<w:vMerge/>`) + `</w:tr></w:tbl>`)))
	opt := Options{MaxSize: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.docx", data, opt)
		check(t, doc, err)
		// The same bytes as the document part of a sound package, so that
		// mutations reach the XML walker and not only the zip reader.
		doc, err = Parse("fuzz.docx", zipOf(t, map[string]string{"word/document.xml": string(data)}), opt)
		check(t, doc, err)
	})
}

func check(t *testing.T, doc *plan.Document, err error) {
	t.Helper()
	if err != nil {
		if doc != nil {
			t.Fatalf("error %v with a document", err)
		}
		if !errors.Is(err, ErrNoPlan) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if _, err := json.Marshal(doc); err != nil {
		t.Fatalf("document does not marshal: %v", err)
	}
	if doc.Findings == nil || doc.Goals == nil || doc.Sections == nil || doc.TaskTable == nil || doc.DecompositionTables == nil {
		t.Fatalf("nil list in %+v", doc)
	}
}
