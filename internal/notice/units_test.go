package notice

import (
	"strings"
	"testing"
)

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in        string
		names     string // joined by |
		leads     string
		truncated bool
	}{
		{"区发改委，青云谱镇", "区发改委|青云谱镇", "", false},
		{"区科工局、区 发改委、区人 社局、区科 协，各街道、 镇、集聚区", "区科工局|区发改委|区人社局|区科协|各街道、镇、集聚区", "", false},
		{"区科工局,各街道、镇、集聚区", "区科工局|各街道、镇、集聚区", "", false},
		{"区科工局、各街办、镇、集聚区", "区科工局|各街办、镇、集聚区", "", false},
		{"县财政局、县税务局，各乡镇（街道）", "县财政局|县税务局|各乡镇（街道）", "", false},
		{"区直相关部门,各街道、镇、集聚区", "区直相关部门|各街道、镇、集聚区", "", false},
		{"各街道、区科工局", "各街道|区科工局", "", false},
		{"区科工局、", "区科工局", "", true},
		{"区科工局，", "区科工局", "", true},
		{"区科工局（牵头）、区发改委", "区科工局|区发改委", "区科工局", false},
		{"区科工局、区发改委等", "区科工局|区发改委", "", false},
		{"区科工局；区财政局。", "区科工局|区财政局", "", false},
		{"", "", "", false},
		{"市級各有關部門及各縣市區政府", "市級各有關部門|各縣市區政府", "", false},
		{"区科技和经信局、区发展和改革局", "区科技和经信局|区发展和改革局", "", false},
		{"市科技局，各区、县（市）政府", "市科技局|各区、县（市）政府", "", false},
	}
	for _, tt := range tests {
		l := splitUnits(tt.in)
		if got := strings.Join(l.names, "|"); got != tt.names || strings.Join(l.leads, "|") != tt.leads || l.truncated != tt.truncated {
			t.Errorf("splitUnits(%q) = %q leads %q truncated %v; want %q leads %q truncated %v",
				tt.in, got, l.leads, l.truncated, tt.names, tt.leads, tt.truncated)
		}
	}
}

func TestExtractUnits(t *testing.T) {
	tests := []struct {
		name, in, text string
		specs          string // kind:raw joined by |
	}{
		{"TrailingParen", "推进建设。（责任单位：区发改委，青云谱镇）", "推进建设。", "resp:区发改委，青云谱镇"},
		{"MixedWidths", "加强攻关。（责任单位：区科工局，各街道、镇、集聚区)", "加强攻关。", "resp:区科工局，各街道、镇、集聚区"},
		{"NeverClosed", "加强攻关。(责任单位：区科工局、", "加强攻关。", "resp:区科工局、"},
		{"LeadAndResp", "建设平台。（牵头单位：区工信局；责任单位：区发改委、区科技局）", "建设平台。", "lead:区工信局|resp:区发改委、区科技局"},
		{"LeadPhrase", "建设平台。（县科技局牵头，县发改委、县工信局配合）", "建设平台。", "lead:县科技局|resp:县发改委、县工信局"},
		{"LabelAfterSentence", "推动融合发展。责任单位：区发改委、青云谱镇", "推动融合发展。", "resp:区发改委、青云谱镇"},
		{"Deadline", "建设平台。（责任单位：区科技局；完成时限：2023年底）", "建设平台。", "resp:区科技局|deadline:2023年底"},
		{"OtherParensStay", "宣传《意见》（洪发〔2018〕8号）和（1）重点聚焦。（责任单位：区委人才办）", "宣传《意见》（洪发〔2018〕8号）和（1）重点聚焦。", "resp:区委人才办"},
		{"ParenMidText", "（1）推进甲（责任单位：区科工局）；（2）推进乙。", "（1）推进甲；（2）推进乙。", "resp:区科工局"},
		{"NoUnits", "加强组织领导。", "加强组织领导。", ""},
		{"LeadsAndDuties", "公布清单。(市政府辦公室、市審改辦牽頭,市級各有關部門及各縣市區政府按職責分工負責)", "公布清单。",
			"lead:市政府辦公室、市審改辦|resp:市級各有關部門及各縣市區政府"},
		{"BareUnits", "增长5.5%左右。（市发改委、市统计局）", "增长5.5%左右。", "resp:市发改委、市统计局"},
		{"BareGroups", "新建实验室5家。（市科技局，各区、县（市）政府）", "新建实验室5家。", "resp:市科技局，各区、县（市）政府"},
		{"Responsible", "办好科技活动周。（区科协负责）", "办好科技活动周。", "resp:区科协"},
		{"ResponsibleByDuty", "培育经纪人。（区科技局、区人力社保局按职责分工负责）", "培育经纪人。", "resp:区科技局、区人力社保局"},
		{"NoteIsNoUnits", "覆盖各市（含定州、辛集市）。", "覆盖各市（含定州、辛集市）。", ""},
		{"FinalNoteIsNoUnits", "新增企业30家（其中新认定10家）。", "新增企业30家（其中新认定10家）。", ""},
	}
	kinds := map[specKind]string{specLead: "lead", specResp: "resp", specDeadline: "deadline"}
	for _, tt := range tests {
		text, specs := extractUnits(tt.in)
		var got []string
		for _, s := range specs {
			got = append(got, kinds[s.kind]+":"+s.raw)
		}
		if text != tt.text || strings.Join(got, "|") != tt.specs {
			t.Errorf("%s: extractUnits(%q) = %q, %q; want %q, %q", tt.name, tt.in, text, strings.Join(got, "|"), tt.text, tt.specs)
		}
	}
}

func TestFirstSentence(t *testing.T) {
	tests := map[string]string{
		"推进数字经济“一号发展工程”。加大对发展数字经济的宣传力度": "推进数字经济“一号发展工程”",
		"推进创新型县（区）、创新型乡（镇）试点建设。按照":      "推进创新型县（区）、创新型乡（镇）试点建设",
		"宣传《南昌市促进科技成果转移转化补助暂行办法。》等":     "宣传《南昌市促进科技成果转移转化补助暂行办法。》等",
		"加强关键核心技术攻关：（1）重点聚焦":            "加强关键核心技术攻关",
		"没有句号的标题": "没有句号的标题",
	}
	for in, want := range tests {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}
