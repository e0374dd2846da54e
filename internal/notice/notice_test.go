package notice

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"kechuang/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the expected testdata/*.json from the parser's output")

const example2022 = "../../examples/qingyunpu-2022/"

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustParse(tb testing.TB, name string, data []byte) *plan.Document {
	tb.Helper()
	doc, err := Parse(name, data, Options{})
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return doc
}

// canonical renders a document as indented JSON, optionally without line
// numbers, for comparison.
func canonical(tb testing.TB, doc *plan.Document, withLines bool) string {
	tb.Helper()
	d := *doc
	if !withLines {
		d = withoutLines(doc)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&d); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// withoutLines returns a deep copy of doc with every Line zeroed.
func withoutLines(doc *plan.Document) plan.Document {
	var d plan.Document
	b, _ := json.Marshal(doc)
	_ = json.Unmarshal(b, &d)
	for i := range d.Goals {
		d.Goals[i].Line = 0
	}
	for i := range d.Sections {
		d.Sections[i].Line = 0
		for j := range d.Sections[i].Tasks {
			d.Sections[i].Tasks[j].Line = 0
		}
	}
	for i := range d.TaskTable {
		d.TaskTable[i].Line = 0
	}
	for i := range d.DecompositionTables {
		t := &d.DecompositionTables[i]
		t.Line = 0
		for j := range t.Rows {
			t.Rows[j].Line = 0
		}
	}
	return d
}

// diffLines reports the first differing line of two texts.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}

// The 2022 notice comes out as the lead's hand-written plan document.
func TestParse2022Golden(t *testing.T) {
	golden, err := plan.DecodeDocument(bytes.NewReader(readFile(t, example2022+"plan.json")))
	if err != nil {
		t.Fatalf("the golden plan.json does not decode: %v", err)
	}
	doc := mustParse(t, "notice.txt", readFile(t, example2022+"notice.txt"))
	if err := plan.CheckDocument(doc); err != nil {
		t.Errorf("parsed document fails CheckDocument: %v", err)
	}
	got, want := canonical(t, doc, false), canonical(t, golden, false)
	if got != want {
		t.Errorf("2022 notice differs from plan.json at %s", diffLines(got, want))
	}
}

// Every item points at its source line.
func TestParse2022Lines(t *testing.T) {
	doc := mustParse(t, "notice.txt", readFile(t, example2022+"notice.txt"))
	checks := []struct {
		what      string
		got, want int
	}{
		{"goal 1", doc.Goals[0].Line, 25},
		{"goal 3 (second on its line)", doc.Goals[2].Line, 27},
		{"goal 6", doc.Goals[5].Line, 33},
		{"section 一", doc.Sections[0].Line, 37},
		{"task 1", doc.Sections[0].Tasks[0].Line, 39},
		{"task 13", doc.Sections[6].Tasks[0].Line, 81},
		{"row 1", doc.TaskTable[0].Line, 95},
		{"row 8 (wraps over a page)", doc.TaskTable[7].Line, 105},
		{"row 9", doc.TaskTable[8].Line, 109},
		{"split table (its title)", doc.DecompositionTables[0].Line, 123},
		{"split row 新经济产业集聚区", doc.DecompositionTables[0].Rows[7].Line, 133},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: line %d, want %d", c.what, c.got, c.want)
		}
	}
}

// The notices of testdata, each in a layout of the genre, come out as their
// .json files (line numbers included). Run with -update to rewrite them
// after a deliberate change, and read the diff.
func TestParseTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		name := filepath.Base(f)
		// units-lines.gbk.txt is units-lines.txt in GBK: same document.
		want := strings.TrimSuffix(strings.TrimSuffix(f, ".txt"), ".gbk") + ".json"
		t.Run(name, func(t *testing.T) {
			doc := mustParse(t, name, readFile(t, f))
			if err := plan.CheckDocument(doc); err != nil {
				t.Errorf("CheckDocument: %v", err)
			}
			compareFile(t, doc, want)
		})
	}
}

func compareFile(t *testing.T, doc *plan.Document, want string) {
	t.Helper()
	got := canonical(t, doc, true)
	if *update && !strings.Contains(want, ".gbk") {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if w := string(readFile(t, want)); got != w {
		t.Errorf("differs from %s at %s", want, diffLines(got, w))
	}
}

// Whatever the encoding, the 2022 notice reads the same.
func TestEncodings(t *testing.T) {
	utf8Text := readFile(t, example2022+"notice.txt")
	want := canonical(t, mustParse(t, "notice.txt", utf8Text), true)
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8Text)
	if err != nil {
		t.Fatal(err)
	}
	utf16 := func(e unicode.Endianness, bom unicode.BOMPolicy) []byte {
		b, err := unicode.UTF16(e, bom).NewEncoder().Bytes(utf8Text)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string][]byte{
		"UTF-8 BOM":       append([]byte{0xEF, 0xBB, 0xBF}, utf8Text...),
		"GB18030":         gb,
		"GBK":             gbk,
		"UTF-16LE BOM":    utf16(unicode.LittleEndian, unicode.UseBOM),
		"UTF-16BE BOM":    utf16(unicode.BigEndian, unicode.UseBOM),
		"UTF-16LE no BOM": utf16(unicode.LittleEndian, unicode.IgnoreBOM),
		"CRLF":            bytes.ReplaceAll(utf8Text, []byte("\n"), []byte("\r\n")),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if got := canonical(t, mustParse(t, "notice.txt", data), true); got != want {
				t.Errorf("differs from the UTF-8 parse at %s", diffLines(got, want))
			}
		})
	}
	t.Run("ParseText", func(t *testing.T) {
		doc, err := ParseText("\uFEFF" + string(utf8Text))
		if err != nil {
			t.Fatal(err)
		}
		if got := canonical(t, doc, true); got != want {
			t.Errorf("differs from Parse at %s", diffLines(got, want))
		}
	})
}

func TestErrors(t *testing.T) {
	small := Options{MaxSize: 1000}
	big := bytes.Repeat([]byte("科技"), 600)
	tests := []struct {
		name     string
		file     string
		data     []byte
		opt      Options
		want     error
		contains string
	}{
		{"Empty", "empty.txt", nil, Options{}, ErrNoPlan, "empty.txt"},
		{"NoPlan", "letter.txt", []byte("各位同事：\n请于周五前报送材料。\n"), Options{}, ErrNoPlan, "letter.txt"},
		{"TooLarge", "big.txt", big, small, ErrTooLarge, "big.txt is 3.5 KiB, over the 1000 bytes limit"},
		{"TooLargeDefault", "huge.txt", make([]byte, DefaultMaxSize+1), Options{}, ErrTooLarge, "over the 5 MiB limit"},
		{"PDF", "notice.pdf", []byte("%PDF-1.7"), Options{}, ErrFormat, "notice.pdf"},
		{"NotAZip", "notice.docx", []byte("this is not a zip"), Options{}, ErrFormat, "notice.docx"},
		{"ZipWithoutDocument", "x.docx", zipOf(t, map[string]string{"a.txt": "x"}), Options{}, ErrFormat, "word/document.xml"},
		{"BrokenXML", "x.docx", makeDocx(t, `<w:p><w:r><w:t>一、工作目标</w:t></w:p>`), Options{}, ErrFormat, "broken document XML"},
		{"DocxBomb", "bomb.docx", makeDocx(t, strings.Repeat(`<w:p><w:r><w:t>科技创新</w:t></w:r></w:p>`, 2000)), Options{MaxSize: 20000}, ErrTooLarge, "word/document.xml unpacks to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.file, tt.data, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %v, %v; want error %v", doc, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not say %q", err, tt.contains)
			}
		})
	}
	if _, err := ParseText(strings.Repeat("x", DefaultMaxSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseText(over the limit) = %v, want ErrTooLarge", err)
	}
}

// What an attachment holds besides tables is reported, not dropped silently.
func TestUnplacedAttachmentText(t *testing.T) {
	doc, err := ParseText("一、工作目标\n高新技术企业76家\n\n附件1\n\n填报说明：\n各单位于每季度末报送。\n\n本表由区科技局负责解释。\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []plan.Finding{{Severity: plan.SeverityInfo, Code: plan.FindingNotRead, Where: "第6行", Message: "附件中有3行未能识别为表格，未读取：填报说明："}}
	if len(doc.Findings) != 1 || doc.Findings[0] != want[0] {
		t.Errorf("findings = %+v, want %+v", doc.Findings, want)
	}
}

// A covering notice without its plan gives its header, with a finding that
// the rest is to be entered; a text with no header either is no plan.
func TestHeaderOnly(t *testing.T) {
	doc, err := ParseText("杭州市人民政府办公厅关于印发2020年政府工作报告重点工作责任分解的通知\n各区、县（市）人民政府：\n现印发给你们。\n杭州市人民政府办公厅\n2020年5月20日\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "2020年政府工作报告重点工作责任分解" || doc.Date != "2020-05-20" || len(doc.Findings) == 0 ||
		doc.Findings[0].Code != plan.FindingNotRead || !strings.Contains(doc.Findings[0].Message, "只识别出文件头") {
		t.Errorf("header-only notice: %+v", doc)
	}
	if _, err := ParseText("杭州市人民政府办公厅\n2020年5月20日\n"); !errors.Is(err, ErrNoPlan) {
		t.Errorf("a signature alone: %v, want ErrNoPlan", err)
	}
}

// A text cut off mid-sentence says so, and a unit list it cuts loses its
// last name, which is only a part.
func TestCutShort(t *testing.T) {
	doc, err := ParseText("二、重点任务\n（一）行动\n1.培育企业。（牵头单位：区科技局；责任单位：区财政局、区发")
	if err != nil {
		t.Fatal(err)
	}
	task := doc.Sections[0].Tasks[0]
	if strings.Join(task.ResponsibleUnits, "|") != "区财政局" || strings.Join(task.LeadUnits, "|") != "区科技局" {
		t.Errorf("units %v %v", task.LeadUnits, task.ResponsibleUnits)
	}
	var cut, dropped bool
	for _, f := range doc.Findings {
		cut = cut || strings.Contains(f.Message, "文本在此中断")
		dropped = dropped || strings.Contains(f.Message, "“区发”未作为单位读取")
	}
	if !cut || !dropped {
		t.Errorf("findings %+v", doc.Findings)
	}
}
