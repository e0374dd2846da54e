package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// subDistrict is one row of 附件2 of 青政办发〔2022〕16号 with made-up July
// actuals: targets of 科技型中小企业 (家), 高新技术企业 (家) and 技术合同成交额
// (亿元), and what each unit had by the end of July.
type subDistrict struct {
	name            string
	smes, hte       int     // targets
	contracts       float64 // target, 亿元
	smesAct, hteAct int
	contractsAct    float64
}

var qingyunpu2022 = []subDistrict{
	{"三家店街道", 21, 14, 3, 15, 9, 2.1},
	{"洪都街道", 8, 4, 0.05, 3, 1, 0.01},
	{"徐家坊街道", 39, 19, 3, 30, 12, 1.9},
	{"京山街道", 13, 7, 0.5, 6, 4, 0.2},
	{"岱山街道", 8, 6, 0.15, 5, 4, 0.16},
	{"青云谱镇", 16, 7, 0.1, 9, 3, 0.04},
	{"新经济产业集聚区", 35, 19, 0.2, 25, 11, 0.13},
}

// timeProgress is 序时进度 at the end of July: 7/12.
const timeProgress = 7.0 / 12

// statusOf is the sample's rule: all done, ahead of time, on time, behind,
// or seriously behind (under half of the time's share).
func statusOf(rate float64) string {
	switch {
	case rate >= 1:
		return StatusDone
	case rate >= timeProgress+0.1:
		return StatusAhead
	case rate >= timeProgress:
		return StatusOnTrack
	case rate >= timeProgress/2:
		return StatusLagging
	}
	return StatusSerious
}

func pct(rate float64) string { return fmt.Sprintf("%.1f%%", rate*100) }

// sampleBulletin is the July 2022 bulletin of 青云谱区: the text, the
// indicators by sub-district (wide: landscape), the ranking, the lagging
// tasks and the units that reported late.
func sampleBulletin() *Bulletin {
	b := &Bulletin{
		Issuer:    "青云谱区科学技术和工业信息化局",
		DocNumber: "青科工信字〔2022〕12号",
		Title:     "关于2022年7月科技创新工作要点\n推进情况的通报",
		Addressee: "各街道、镇、集聚区，区直有关部门：",
		Date:      "2022-08-10",
		Signature: "青云谱区科学技术和工业信息化局",
	}
	b.Paragraphs = []Para{
		{LevelBody, "根据《2022年青云谱区科技创新基础大提升工作要点》（青政办发〔2022〕16号）要求，现将截至7月底各单位目标任务推进情况通报如下。"},
		{LevelHeading1, "一、总体情况"},
		{LevelBody, "截至7月底，全区科技型中小企业入库93家，完成年度目标140家的66.4%；高新技术企业44家，完成年度目标76家的57.9%；技术合同成交额4.54亿元，完成年度目标7亿元的64.9%。序时进度为58.3%。"},
		{LevelHeading1, "二、存在问题"},
		{LevelHeading2, "（一）部分指标进度滞后"},
		{LevelBody, "洪都街道、京山街道、青云谱镇科技型中小企业入库进度低于序时进度，洪都街道、青云谱镇技术合同成交额严重滞后。"},
		{LevelHeading2, "（二）部分单位报送不及时"},
		{LevelBody, "7月调度中，有2个单位未按时报送进展情况。"},
		{LevelHeading1, "三、下步工作"},
		{LevelBody, "各单位要对照目标任务，倒排工期、挂图作战，确保完成全年目标任务。"},
	}

	// 附件1: indicators by sub-district.
	header := []string{"单位",
		"科技型中小企业目标（家）", "完成", "完成率",
		"高新技术企业目标（家）", "完成", "完成率",
		"技术合同成交额目标（亿元）", "完成", "完成率", "状态"}
	var rows [][]Cell
	type ranked struct {
		name string
		rate float64
	}
	var ranking []ranked
	for _, s := range qingyunpu2022 {
		r1, r2, r3 := float64(s.smesAct)/float64(s.smes), float64(s.hteAct)/float64(s.hte), s.contractsAct/s.contracts
		worst := min(r1, r2, r3)
		rows = append(rows, []Cell{
			{Text: s.name},
			{Text: fmt.Sprint(s.smes)}, {Text: fmt.Sprint(s.smesAct)}, {Text: pct(r1), Status: statusOf(r1)},
			{Text: fmt.Sprint(s.hte)}, {Text: fmt.Sprint(s.hteAct)}, {Text: pct(r2), Status: statusOf(r2)},
			{Text: fmt.Sprint(s.contracts)}, {Text: fmt.Sprint(s.contractsAct)}, {Text: pct(r3), Status: statusOf(r3)},
			{Status: statusOf(worst)},
		})
		ranking = append(ranking, ranked{s.name, (r1 + r2 + r3) / 3})
	}
	rows = append(rows, []Cell{
		{Text: "合计", Bold: true, Align: AlignCenter},
		{Text: "140", Bold: true}, {Text: "93", Bold: true}, {Text: "66.4%", Bold: true, Status: StatusAhead},
		{Text: "76", Bold: true}, {Text: "44", Bold: true}, {Text: "57.9%", Bold: true, Status: StatusLagging},
		{Text: "7", Bold: true}, {Text: "4.54", Bold: true}, {Text: "64.9%", Bold: true, Status: StatusOnTrack},
		{Text: "", Status: StatusNA},
	})
	b.Tables = append(b.Tables, Table{
		Title:  "2022年7月科技创新指标完成情况表",
		Header: header,
		Rows:   rows,
		Note:   "注：序时进度为58.3%（7/12）；完成率低于序时进度为滞后，低于序时进度一半为严重滞后。",
	})

	// 附件2: ranking by the mean completion rate.
	for i := range ranking {
		for j := i + 1; j < len(ranking); j++ {
			if ranking[j].rate > ranking[i].rate {
				ranking[i], ranking[j] = ranking[j], ranking[i]
			}
		}
	}
	var rank [][]Cell
	for i, r := range ranking {
		rank = append(rank, []Cell{{Text: fmt.Sprint(i + 1), Align: AlignCenter}, {Text: r.name}, {Text: pct(r.rate)}, {Status: statusOf(r.rate)}})
	}
	b.Tables = append(b.Tables, Table{Title: "各单位综合完成率排名", Header: []string{"排名", "单位", "综合完成率", "状态"}, Rows: rank})

	// 附件3: lagging tasks.
	b.Tables = append(b.Tables, Table{
		Title:  "进度滞后任务清单",
		Header: []string{"序号", "任务", "牵头单位", "责任单位", "进展情况", "状态"},
		Rows: [][]Cell{
			{{Text: "1", Align: AlignCenter}, {Text: "推进数字经济“一号发展工程”"}, {Text: "区发改委"}, {Text: "区发改委、青云谱镇"}, {Text: "数字经济产业园招商进度低于预期，签约项目2个。"}, {Status: StatusLagging}},
			{{Text: "2", Align: AlignCenter}, {Text: "开展科技型企业梯次培育"}, {Text: "区科工局"}, {Text: "各街道、镇、集聚区"}, {Text: "洪都街道、青云谱镇入库企业不足目标的一半。"}, {Status: StatusSerious}},
		},
	})

	// 附件4: units that reported late.
	b.Tables = append(b.Tables, Table{
		Title:  "未按时报送单位",
		Header: []string{"序号", "单位", "应报时间", "实报时间", "逾期天数"},
		Rows: [][]Cell{
			{{Text: "1"}, {Text: "京山街道"}, {Text: "2022-08-03"}, {Text: "2022-08-05"}, {Text: "2"}},
			{{Text: "2"}, {Text: "区市场监管局"}, {Text: "2022-08-03"}, {Text: "未报"}, {Text: "—", Status: StatusNA}},
		},
	})
	return b
}

// node is any XML element, for reading the parts of a document.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

// attr is the value of the attribute with the local name, or "".
func (n *node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// all returns the descendants with the local name, in document order.
func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for i := range m.Nodes {
			c := &m.Nodes[i]
			if c.XMLName.Local == local {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// first returns the first descendant with the local name, or nil.
func (n *node) first(local string) *node {
	if all := n.all(local); len(all) > 0 {
		return all[0]
	}
	return nil
}

// child returns the direct child with the local name, or nil.
func (n *node) child(local string) *node {
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == local {
			return &n.Nodes[i]
		}
	}
	return nil
}

// text is the text of a paragraph, cell or run: its w:t, with w:tab and w:br.
func (n *node) text() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		for i := range m.Nodes {
			c := &m.Nodes[i]
			switch c.XMLName.Local {
			case "t":
				b.WriteString(c.Text)
			case "tab":
				b.WriteByte('\t')
			case "br":
				b.WriteByte('\n')
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// docx is a .docx read back: its parts by name.
type docx map[string][]byte

func writeDOCX(t testing.TB, b *Bulletin) docx {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, b); err != nil {
		t.Fatal(err)
	}
	d, err := readDOCX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readDOCX(data []byte) (docx, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip: %w", err)
	}
	d := docx{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		d[f.Name] = body
	}
	return d, nil
}

// part parses one part of the document.
func (d docx) part(t testing.TB, name string) *node {
	t.Helper()
	body, ok := d[name]
	if !ok {
		t.Fatalf("the docx has no %s", name)
	}
	var n node
	if err := xml.Unmarshal(body, &n); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &n
}

// TestWriteSamples writes the sample bulletin as .docx, .xlsx and .html
// into the folder KECHUANG_REPORT_OUT names, for a person to open; without
// it the test is skipped.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("KECHUANG_REPORT_OUT")
	if dir == "" {
		t.Skip("set KECHUANG_REPORT_OUT to a folder to write the samples")
	}
	b := sampleBulletin()
	for name, write := range map[string]func(io.Writer, *Bulletin) error{
		"bulletin.docx": WriteDOCX,
		"bulletin.xlsx": WriteXLSX,
		"bulletin.html": func(w io.Writer, b *Bulletin) error {
			page, err := HTML(b)
			if err == nil {
				_, err = w.Write(page)
			}
			return err
		},
	} {
		var buf bytes.Buffer
		if err := write(&buf, b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
