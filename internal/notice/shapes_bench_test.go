package notice

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// BenchmarkShapes parses inputs of one shape repeated, at 16 KiB and at
// 64 KiB: each shape once made some pass quadratic (a table header on every
// line, blank lines, goals without punctuation …). Read the two sizes as a
// ratio: linear parsing takes about four times as long for four times the
// input (see docs/BENCHMARKS.md).
func BenchmarkShapes(b *testing.B) {
	shapes := map[string]func(n int) string{
		"RepeatedTaskHeader": func(n int) string { return rep("序号\t工作内容\t牵头单位\t责任单位\n", n) },
		"TaskRows": func(n int) string {
			return "序号\t工作内容\t牵头单位\t责任单位\n" + rep("1\t内容\t区科工局\t区科工局、\n", n)
		},
		"BlankLines":      func(n int) string { return rep("\n", n) },
		"FlatHeaders":     func(n int) string { return rep("序号\n工作内容\n牵头单位\n责任单位\n", n) },
		"FlatUnitLabels":  func(n int) string { return rep("单位\n", n) },
		"Goals":           func(n int) string { return "一、工作目标\n" + rep("高新技术企业1家", n) },
		"GoalsInBrackets": func(n int) string { return "一、工作目标\n" + rep("（1家", n) },
		"Items":           func(n int) string { return rep("1.任务\n", n) },
		"Tasks": func(n int) string {
			return "二、重点任务\n" + rep("（一）行动\n1.任务。（责任单位：区科工局）\n", n)
		},
		"Labels":       func(n int) string { return "二、重点任务\n（一）行动\n1.任务" + rep("责任单位：", n) },
		"Signatures":   func(n int) string { return rep("青云谱区人民政府办公室\n2022年6月16日\n", n) },
		"NoticeTitles": func(n int) string { return rep("关于\n", n) },
		// Shapes of web pages (issue 11).
		"PipeRows": func(n int) string {
			return "| 序号 | 工作内容 | 牵头单位 | 责任单位 |\n|---|---|---|---|\n" + rep("| 1 | 内容 | 区科工局 | 区科工局、 |\n", n)
		},
		"SpacedRows":    func(n int) string { return "序号 乡镇 高新技术企业（家）\n" + rep("1 栋川镇 12\n", n) },
		"SpacedHeaders": func(n int) string { return rep("序号 工作内容 牵头单位 责任单位\n", n) },
		"MetaLines": func(n int) string {
			return rep("索 引 号 MB1534522/2023-05475 发文日期 2023-01-03 文 号 蔡政办〔2023〕1号\n", n)
		},
		"GoalTableLabels": func(n int) string { return rep("指标内容\n指标值\n", n) },
		"FormLabels":      func(n int) string { return rep("项目名称\n实施单位\n", n) },
		"Glosses":         func(n int) string { return "一、工作目标\n" + rep("發(fā)展", n) },
		"Captions":        func(n int) string { return rep("面积:万亩\n", n) },
		"UnitBrackets": func(n int) string {
			return "二、重点任务\n（一）行动\n1.任务" + rep("（区科技局、区财政局）", n)
		},
		"CutTail":    func(n int) string { return "一、工作目标\n" + rep("高新技术企业", n) },
		"DatesAlone": func(n int) string { return rep("2023411\n", n) },
		"RepeatedFlatSplit": func(n int) string {
			return "单位\n高新技术企业\n合计\n1\n" + rep("单位\n高新技术企业\n", n)
		},
	}
	for _, name := range slices.Sorted(maps.Keys(shapes)) {
		for _, size := range []int{16 << 10, 64 << 10} {
			text := shapes[name](size)
			b.Run(fmt.Sprintf("%s/%dKiB", name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					_, _ = ParseText(text)
				}
			})
		}
	}
}

func rep(s string, n int) string { return strings.Repeat(s, max(n/len(s), 1)) }
