package notice

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Benchmarks state the parser's cost as a ratio to a baseline that reads
// the same bytes line by line (BenchmarkBaselineScan*), so figures compare
// across machines. See docs/BENCHMARKS.md.

func BenchmarkParse2022(b *testing.B) {
	benchParse(b, readFile(b, example2022+"notice.txt"))
}

func BenchmarkParse1MB(b *testing.B) { benchParse(b, synthNotice(1<<20)) }

func BenchmarkParse2MB(b *testing.B) { benchParse(b, synthNotice(2<<20)) }

func BenchmarkBaselineScan2022(b *testing.B) {
	benchScan(b, readFile(b, example2022+"notice.txt"))
}

func BenchmarkBaselineScan1MB(b *testing.B) { benchScan(b, synthNotice(1<<20)) }

func BenchmarkBaselineScan2MB(b *testing.B) { benchScan(b, synthNotice(2<<20)) }

func benchParse(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	opt := Options{MaxSize: int64(len(data))}
	for b.Loop() {
		if _, err := Parse("bench.txt", data, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func benchScan(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), len(data))
		n := 0
		for sc.Scan() {
			n += len(sc.Text())
		}
		if n == 0 {
			b.Fatal("nothing scanned")
		}
	}
}

// synthNotice builds a notice of about size bytes in the 2022 layout: a
// header and goals, then parts of ten actions of three tasks each (tasks
// numbered through), a task table with a row per task, and a split table
// with a row per unit. The texts are the 2022 notice's, repeated.
func synthNotice(size int) []byte {
	tasks := []string{
		"推进数字经济“一号发展工程”。加大对发展数字经济的宣传力度，营造数字经济发展氛围，推动传统产业与数字经济融合发展。（责任单位：区发改委，青云谱镇）",
		"培育企业研发机构。引导全区年营收3亿元以上工业企业自建或共建研发机构的比例达到100%。力争新组建1-3家科研机构。（责任单位：区科工局、区发改委、区人社局、区科协，各街道、镇、集聚区）",
		"扩大技术合同登记覆盖面。优化服务方式，对辖区内企事业单位开展技术合同登记工作，力争 2022 年底全区技术合同登记额突破 7 亿元。（责任单位：区科工局，各街道、镇、集聚区）",
	}
	rows := []string{"推进数字经济“一号发展工程”\t区发改委\t区发改委、 青云谱镇", "年营收 3 亿元以上工业企业研发机构全覆盖\t区科工局\t区科工局、区 发改委，各街道、 镇、集聚区", "力争 2022 年底全区技术合同登记额突破 7 亿元\t区科工局\t区科工局，各 街道、镇、集 聚区"}
	var body, table, split strings.Builder
	body.WriteString("青政办发〔2022〕16号\n\n2022年青云谱区科技创新基础大提升工作要点\n\n一、工作目标\n\n科技型中小企业140家，高新技术企业76家；\n\n技术合同成交额突破7亿元。\n\n")
	table.WriteString("附件 1:\n\n2022 年工作要点任务分解表\n\n序号\t工作内容\t牵头单位\t责任单位\n")
	split.WriteString("附件 2:\n\n2022 年有关科技创新指导性任务分解表\n\n县 区\t科技型中小企业\t2022 年高新技术 企业数量 (家)\t2022 年技术合 同成交额 (亿元)\n")
	n := 0
	for part := 2; body.Len()+table.Len()+split.Len() < size; part++ {
		fmt.Fprintf(&body, "%s、重点工作\n\n", hanNumeral(part))
		for sec := 1; sec <= 10; sec++ {
			fmt.Fprintf(&body, "（%s）科技创新第%d部分行动\n\n", hanNumeral(sec), part)
			fmt.Fprintf(&table, "(%s) 科技创新第%d部分行动\t\t\t\n", hanNumeral(sec), part)
			for i := range 3 {
				n++
				t := tasks[i]
				// Break a line inside the text, as PDF extraction does.
				cut := strings.Index(t, "，")
				fmt.Fprintf(&body, "%d. %s\n\n%s\n\n", n, t[:cut], t[cut:])
				fmt.Fprintf(&table, "%d\t%s\n", n, rows[i])
			}
		}
		fmt.Fprintf(&split, "第%d街道\t21\t14\t3\n", part)
	}
	return []byte(body.String() + table.String() + split.String() + "\n青云谱区人民政府办公室\n\n2022年6月16日印发\n")
}

// hanNumeral writes n (1–999) in Chinese numerals as headings do.
func hanNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	s := ""
	if n >= 100 {
		s += digits[n/100] + "百"
		n %= 100
		if n > 0 && n < 10 {
			s += "零"
		}
	}
	if n >= 10 {
		if n/10 > 1 || s != "" {
			s += digits[n/10]
		}
		s += "十"
		n %= 10
	}
	return s + digits[n]
}

// The synthetic notice is read as a notice: every task, row and unit.
func TestSynthNotice(t *testing.T) {
	doc := mustParse(t, "synth.txt", synthNotice(200<<10))
	tasks := 0
	for _, s := range doc.Sections {
		tasks += len(s.Tasks)
	}
	mapped := 0
	for _, r := range doc.TaskTable {
		if r.MapsToTask != "" {
			mapped++
		}
	}
	if tasks == 0 || len(doc.TaskTable) != tasks || mapped != tasks || len(doc.DecompositionTables) != 1 {
		t.Errorf("synthetic notice: %d tasks, %d rows (%d mapped), %d split tables", tasks, len(doc.TaskTable), mapped, len(doc.DecompositionTables))
	}
}
