package notice

import (
	"fmt"
	"strings"
	"testing"
)

// goalsOf parses a goals part made of text and renders its goals one a
// line: text|indicator|comparator|target|max|unit|kind|year.
func goalsOf(t *testing.T, text string) string {
	t.Helper()
	doc, err := ParseText("一、工作目标\n" + text + "\n二、重点任务\n")
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, g := range doc.Goals {
		max := ""
		if g.TargetMax != nil {
			max = g.TargetMax.String()
		}
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%d", g.Text, g.Indicator, g.Comparator, g.Target, max, g.Unit, g.Kind, g.Year))
	}
	return strings.Join(out, "\n")
}

func TestGoals(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Ratio", "全社会R&D经费投入占全区GDP比重达到0.55%；",
			"全社会R&D经费投入占全区GDP比重达到0.55%|全社会R&D经费投入占全区GDP比重|>=|0.55||%|ratio|0"},
		{"TwoOnALine", "科技型中小企业140家，高新技术企业76家；",
			"科技型中小企业140家|科技型中小企业|>=|140||家|stock|0\n高新技术企业76家|高新技术企业|>=|76||家|stock|0"},
		{"TwoJoinedByAnd", "科技型中小企业140家和高新技术企业76家",
			"科技型中小企业140家|科技型中小企业|>=|140||家|stock|0\n高新技术企业76家|高新技术企业|>=|76||家|stock|0"},
		{"LinesWithoutPunctuation", "科技型中小企业140家\n高新技术企业76家",
			"科技型中小企业140家|科技型中小企业|>=|140||家|stock|0\n高新技术企业76家|高新技术企业|>=|76||家|stock|0"},
		{"Range", "新增市级以上研发平台和创新载体数量1-3个；",
			"新增市级以上研发平台和创新载体数量1-3个|新增市级以上研发平台和创新载体数量|range|1|3|个|flow|0"},
		{"RangeTilde", "新增研发平台1～3个", "新增研发平台1～3个|新增研发平台|range|1|3|个|flow|0"},
		{"RangeZhi", "新增研发平台1至3个", "新增研发平台1至3个|新增研发平台|range|1|3|个|flow|0"},
		{"Breakthrough", "技术合同成交额突破7亿元；", "技术合同成交额突破7亿元|技术合同成交额|>|7||亿元|flow|0"},
		{"Exceed", "专利授权量超过500件", "专利授权量超过500件|专利授权量|>|500||件|stock|0"},
		{"About", "引进人才约50人", "引进人才约50人|引进人才|≈|50||人|flow|0"},
		{"AboutAfter", "引进人才50人左右", "引进人才50人左右|引进人才|≈|50||人|flow|0"},
		{"AtMost", "能耗增速控制在3%以内", "能耗增速控制在3%以内|能耗增速|<=|3||%|ratio|0"},
		{"NotOver", "亏损企业不超过5家", "亏损企业不超过5家|亏损企业|<=|5||家|stock|0"},
		{"AtLeastWords", "省级平台不少于3个，孵化面积不低于2万平方米", "省级平台不少于3个|省级平台|>=|3||个|stock|0\n孵化面积不低于2万平方米|孵化面积|>=|2||万平方米|stock|0"},
		{"AboveMoreThan", "技术合同成交额超过7亿元以上", "技术合同成交额超过7亿元以上|技术合同成交额|>|7||亿元|flow|0"},
		{"Growth", "规上工业企业研发投入增长15%", "规上工业企业研发投入增长15%|规上工业企业研发投入增长|>=|15||%|ratio|0"},
		{"GrowthContinuesGoal", "高新技术企业达到76家，较上年增长10%",
			"高新技术企业达到76家|高新技术企业|>=|76||家|stock|0\n较上年增长10%|高新技术企业增长|>=|10||%|ratio|0"},
		{"PerCapita", "万人有效发明专利拥有量突破27件", "万人有效发明专利拥有量突破27件|万人有效发明专利拥有量|>|27||件|per_capita|0"},
		{"Cumulative", "累计培育瞪羚企业10家", "累计培育瞪羚企业10家|累计培育瞪羚企业|>=|10||家|flow|0"},
		{"Points", "每新增1家高新技术企业计5分", "notice: no plan found: no goals, tasks or tables were recognised"},
		{"Qualifier", "年营收3亿元以上工业企业研发机构覆盖率达到100%",
			"年营收3亿元以上工业企业研发机构覆盖率达到100%|年营收3亿元以上工业企业研发机构覆盖率|>=|100||%|ratio|0"},
		{"NoteInBrackets", "高新技术企业达到76家（2021年为60家）", "高新技术企业达到76家|高新技术企业|>=|76||家|stock|0"},
		{"Fillers", "力争全年全区新增高新技术企业20家", "力争全年全区新增高新技术企业20家|新增高新技术企业|>=|20||家|flow|0"},
		{"Years", "到2025年，高新技术企业达到120家。其中，2023年高新技术企业达到90家；科技型中小企业200家。",
			"高新技术企业达到120家|高新技术企业|>=|120||家|stock|2025\n2023年高新技术企业达到90家|高新技术企业|>=|90||家|stock|2023\n科技型中小企业200家|科技型中小企业|>=|200||家|stock|2023"},
		{"PeriodIsNoYear", "（2021-2023年）高新技术企业达到120家", "（2021-2023年）高新技术企业达到120家|高新技术企业|>=|120||家|stock|0"},
		{"FullWidthDigits", "高新技术企业达到７６家", "高新技术企业达到７６家|高新技术企业|>=|76||家|stock|0"},
		{"Traditional", "技術合同成交額突破1.5億元", "技術合同成交額突破1.5億元|技術合同成交額|>|1.5||億元|flow|0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := goalsOf(t, tt.in); got != tt.want {
				t.Errorf("goals of %q:\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}
