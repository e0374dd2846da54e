package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

//go:embed templates/bulletin.html templates/bulletin.css
var templateFS embed.FS

// The template and the stylesheet are read once, when the program starts; a
// broken template stops the start.
var (
	bulletinTmpl = template.Must(template.ParseFS(templateFS, "templates/bulletin.html"))
	stylesheet   = mustRead("templates/bulletin.css")
)

func mustRead(name string) []byte {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// Stylesheet returns the bulletin's CSS, for a page that links it (see
// HTMLOptions) because its Content-Security-Policy forbids inline styles.
func Stylesheet() []byte {
	return bytes.Clone(stylesheet)
}

// HTMLOptions changes how HTMLWith renders the page.
type HTMLOptions struct {
	// Stylesheet, when set, is the URL of the bulletin's CSS (served from
	// Stylesheet()); the page then links it and holds no inline style, as a
	// Content-Security-Policy of style-src 'self' requires. Tables then take
	// the browser's column widths. Empty puts the CSS, with column widths
	// like the Word document's, inline.
	Stylesheet string
}

// HTML renders the bulletin as one self-contained, print-ready HTML page:
// A4 pages with the GB/T 9704 margins and fonts, the tables as attachments,
// page numbers when printed. WritePDF prints it; the web app can serve it
// as the print view.
func HTML(b *Bulletin) ([]byte, error) {
	return HTMLWith(b, HTMLOptions{})
}

// HTMLWith is HTML with options.
func HTMLWith(b *Bulletin, opt HTMLOptions) ([]byte, error) {
	l, err := newLayout(b)
	if err != nil {
		return nil, err
	}
	v := htmlView{
		DocTitle:      strings.Join(l.title, ""),
		Issuer:        l.issuer,
		IssuerPt:      l.issuerPt,
		DocNumber:     l.docNumber,
		Title:         l.title,
		Addressee:     l.addressee,
		Paras:         l.paras,
		Signature:     l.signature,
		Date:          l.date,
		LongSignature: l.sigRight < 4,
		Stylesheet:    opt.Stylesheet,
		CSS:           template.CSS(stylesheet),
		Draft:         l.draft,
		DraftMark:     DraftMark,
		Banji:         l.hasBanji(),
		CopyTo:        l.copyTo,
		PrintedBy:     l.printedBy,
		PrintedOn:     l.printedOn,
	}
	for _, p := range l.paras {
		v.Body = append(v.Body, htmlPara{Level: p.Level, Text: p.Text, Parts: figures(p.Text)})
	}
	if v.DocTitle == "" {
		v.DocTitle = "通报"
	}
	for _, n := range l.attachNote {
		v.AttachNote = append(v.AttachNote, htmlNote{Num: n.num, Name: n.name})
	}
	var css strings.Builder
	for i, a := range l.attachments {
		h := htmlAttachment{ID: "att-" + strconv.Itoa(i+1), Label: a.label, Title: a.title, Header: a.header, Note: a.note, Wide: a.wide, Cols: a.widths}
		for _, r := range a.rows {
			row := make([]htmlCell, len(r))
			for j, c := range r {
				row[j] = htmlCell{Text: c.Text, Class: cellClass(c), Parts: figures(c.Text)}
			}
			h.Rows = append(h.Rows, row)
		}
		for j, w := range a.widths {
			// Only numbers go into this CSS: no text of the bulletin.
			fmt.Fprintf(&css, "#%s col:nth-child(%d) { width: %.2f%%; }\n", h.ID, j+1, w*100)
		}
		if len(a.widths) > 0 {
			fmt.Fprintf(&css, "#%s table { table-layout: fixed; }\n", h.ID)
		}
		v.Attachments = append(v.Attachments, h)
	}
	v.TableCSS = template.CSS(css.String())
	v.LastAttachment = len(v.Attachments) - 1
	var buf bytes.Buffer
	if err := bulletinTmpl.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("report: rendering the bulletin page: %w", err)
	}
	return buf.Bytes(), nil
}

type htmlView struct {
	DocTitle      string
	Issuer        string
	IssuerPt      int
	DocNumber     string
	Title         []string
	Addressee     string
	Paras         []Para
	AttachNote    []htmlNote
	Signature     string
	Date          string
	LongSignature bool
	Attachments   []htmlAttachment
	Stylesheet    string
	CSS           template.CSS
	TableCSS      template.CSS
	Body          []htmlPara
	Draft         bool
	DraftMark     string
	Banji         bool
	CopyTo        string
	PrintedBy     string
	PrintedOn     string
	// The 版记 goes on the last sheet: the last attachment's, or the main
	// one's when there is none (-1).
	LastAttachment int
}

// htmlPara is a paragraph with its figures marked (figures).
type htmlPara struct {
	Level int
	Text  string
	Parts []textPart
}

// textPart is a run of text; Figure marks a number with its unit or
// percent sign, printed unbroken (white-space: nowrap).
type textPart struct {
	Text   string
	Figure bool
}

// figures splits text into runs, marking each figure — digits with their
// decimal point, thousands commas, a percent sign or a short unit of
// measure right after — so that a line never breaks inside 2.4323亿元 or
// 63.2%.
func figures(text string) []textPart {
	var out []textPart
	rs := []rune(text)
	start := 0
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (isDigit(rs[j]) || (rs[j] == '.' || rs[j] == ',') && j+1 < len(rs) && isDigit(rs[j+1])) {
			j++
		}
		for _, u := range figureUnits {
			if strings.HasPrefix(string(rs[j:]), u) {
				j += len([]rune(u))
				break
			}
		}
		if i > start {
			out = append(out, textPart{Text: string(rs[start:i])})
		}
		out = append(out, textPart{Text: string(rs[i:j]), Figure: true})
		start, i = j, j
	}
	if start < len(rs) {
		out = append(out, textPart{Text: string(rs[start:])})
	}
	return out
}

// figureUnits are what stays with a figure: percent signs, units of
// measure, and the dates' 年月日 (the longest first).
// Long units (个百分点, 件/万人) are left to break after the number: a long
// unbreakable run would stretch a justified line.
var figureUnits = []string{"亿元", "万元", "％", "%", "家", "个", "件", "项", "人", "年", "月", "日", "分", "元"}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

type htmlNote struct{ Num, Name string }

type htmlAttachment struct {
	ID, Label, Title string
	Header           []string
	Rows             [][]htmlCell
	Note             []string
	Wide             bool
	Cols             []float64
}

type htmlCell struct {
	Text, Class string
	Parts       []textPart
}

// cellClass is the class of a table cell: its alignment (l, r, c), b for
// bold, and s-lagging, s-serious … for its status.
func cellClass(c Cell) string {
	cls := "l"
	switch c.Align {
	case AlignRight:
		cls = "r"
	case AlignCenter:
		cls = "c"
	}
	if c.Bold {
		cls += " b"
	}
	if c.Status != "" {
		cls += " s-" + strings.ReplaceAll(c.Status, "_", "-")
	}
	return cls
}
