package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestHTML: the page is Chinese, escapes the text, marks statuses, puts each
// attachment on its own page and wide tables on landscape pages.
func TestHTML(t *testing.T) {
	b := sampleBulletin()
	b.Paragraphs = append(b.Paragraphs, Para{Text: `<script>alert("x")</script>`})
	page, err := HTML(b)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		`<html lang="zh-CN">`,
		`<h1 class="title">关于2022年7月科技创新工作要点<br>推进情况的通报</h1>`,
		`<h2 class="h1">一、总体情况</h2>`,
		`<h3 class="h2">（一）部分指标进度滞后</h3>`,
		`<p class="date">2022年8月10日</p>`,
		`<section class="sheet attachment wide" id="att-1">`,
		`<section class="sheet attachment" id="att-2">`,
		`<td class="c s-serious">严重滞后</td>`,
		`<td class="r b"><span class="fig">4.54</span></td>`,
		`&lt;script&gt;`,
		`"Noto Serif CJK SC"`,
		`@page wide`,
		`#att-1 col:nth-child(1)`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(s, "<script>") {
		t.Error("paragraph text was not escaped")
	}
}

// TestHTMLFiguresDraftAndBanji: figures in the text stay on one line
// (unit and percent sign included); a draft says so at the top; the 版记
// closes the last page.
func TestHTMLFiguresDraftAndBanji(t *testing.T) {
	b := sampleBulletin()
	b.Paragraphs = append(b.Paragraphs, Para{Text: "技术合同成交额完成2.4323亿元，完成率63.2%，较上轮提高5.5个百分点。"})
	b.Draft, b.CopyTo, b.PrintedBy, b.PrintedOn = true, "区委办，区政府办", "青云谱区科学技术和工业信息化局", "2022-08-11"
	page, err := HTML(b)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		`完成<span class="fig">2.4323亿元</span>，完成率<span class="fig">63.2%</span>，较上轮提高<span class="fig">5.5个</span>百分点。`,
		`<p class="draft-mark">草稿（未结束）</p>`,
		`<p class="copy-to">抄送：区委办，区政府办。</p>`,
		`<span class="printed-by">青云谱区科学技术和工业信息化局</span><span class="printed-on">2022年8月11日印发</span>`,
		`.fig { white-space: nowrap; }`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The 版记 is on the last sheet, once.
	if n := strings.Count(s, `<footer class="banji">`); n != 1 || strings.LastIndex(s, `<section`) > strings.Index(s, `<footer class="banji">`) {
		t.Errorf("版记 %d times, or not on the last sheet", n)
	}
}

// TestHTMLLinked: with a stylesheet URL the page has no inline style, as a
// CSP of style-src 'self' requires.
func TestHTMLLinked(t *testing.T) {
	page, err := HTMLWith(sampleBulletin(), HTMLOptions{Stylesheet: "/static/bulletin.css"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<link rel="stylesheet" href="/static/bulletin.css">`)) {
		t.Error("no link to the stylesheet")
	}
	if bytes.Contains(page, []byte("<style")) || bytes.Contains(page, []byte("style=")) {
		t.Error("inline style in the linked page")
	}
	if !bytes.Contains(Stylesheet(), []byte("@page")) {
		t.Error("Stylesheet() has no @page rule")
	}
	if _, err := HTML(nil); err == nil {
		t.Error("nil bulletin: no error")
	}
}
