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
				row[j] = htmlCell{Text: c.Text, Class: cellClass(c)}
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
}

type htmlNote struct{ Num, Name string }

type htmlAttachment struct {
	ID, Label, Title string
	Header           []string
	Rows             [][]htmlCell
	Note             []string
	Wide             bool
	Cols             []float64
}

type htmlCell struct{ Text, Class string }

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
