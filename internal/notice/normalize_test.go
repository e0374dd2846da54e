package notice

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"区 商务局", "区商务局"},
		{"力争 2022 年底全区技术合同登记额突破 7 亿元", "力争2022年底全区技术合同登记额突破7亿元"},
		{"全社会R&D 经费投入", "全社会R&D经费投入"},
		{"升级 Windows 10 系统", "升级Windows 10系统"},
		{"《关于实施“天下英雄城 聚天下英才”行动计划的意见》", "《关于实施“天下英雄城 聚天下英才”行动计划的意见》"},
		{"“ 洪城众创 ”", "“洪城众创”"},
		{"“天下英雄城 聚天下英才", "“天下英雄城聚天下英才"}, // never closed: no quotation
		{"区科工局、\u3000区税务局\t", "区科工局、区税务局"},
		{"  （一） 科技创新  ", "（一）科技创新"},
		{"没有空格", "没有空格"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// key must keep byte offsets: patterns found in it are cut from the text.
func TestKeyKeepsOffsets(t *testing.T) {
	for trad, simp := range simplified {
		if utf8.RuneLen(trad) != utf8.RuneLen(simp) {
			t.Errorf("%c→%c changes length", trad, simp)
		}
	}
	tests := []struct{ in, want string }{
		{"2023年科技創新工作要點", "2023年科技创新工作要点"},
		{"責任單位：區科技局", "责任单位：区科技局"},
		{"牽頭單位", "牵头单位"},
		{"工作目標", "工作目标"},
		{"不变的简体", "不变的简体"},
	}
	for _, tt := range tests {
		if got := key(tt.in); got != tt.want || len(got) != len(tt.in) {
			t.Errorf("key(%q) = %q, want %q of the same length", tt.in, got, tt.want)
		}
	}
}

func TestHanNumber(t *testing.T) {
	tests := map[string]int{"一": 1, "九": 9, "十": 10, "十二": 12, "二十": 20, "二十三": 23, "九十九": 99, "": -1, "百": -1, "二二": -1}
	for in, want := range tests {
		if got := hanNumber(in); got != want {
			t.Errorf("hanNumber(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseHeading(t *testing.T) {
	tests := []struct {
		in     string
		level  int
		number string
		rest   string
	}{
		{"一、工作目标", 1, "一", "工作目标"},
		{"十二.其他", 1, "十二", "其他"},
		{"（一）科技创新区域优化布局行动", 2, "一", "科技创新区域优化布局行动"},
		{"(三)科技创新", 2, "三", "科技创新"},
		{"13.加强关键核心技术攻关", 3, "13", "加强关键核心技术攻关"},
		{"１．推进", 3, "1", "推进"},
		{"2、推进", 3, "2", "推进"},
		{"（1）重点聚焦", 4, "1", "重点聚焦"},
		{"①重点聚焦", 4, "", "重点聚焦"},
		{"0.55%", 0, "", ""},
		{"2022年青云谱区", 0, "", ""},
		{"三家店街道", 0, "", ""},
	}
	for _, tt := range tests {
		h, ok := parseHeading(tt.in)
		if !ok {
			h = heading{}
		}
		if h.level != tt.level || h.number != tt.number || h.rest != tt.rest {
			t.Errorf("parseHeading(%q) = %+v, want level %d number %q rest %q", tt.in, h, tt.level, tt.number, tt.rest)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"UTF-8", []byte("工作要点\n"), "工作要点\n"},
		{"UTF-8 BOM", []byte("\xEF\xBB\xBF工作要点"), "工作要点"},
		{"GBK", []byte{0xB9, 0xA4, 0xD7, 0xF7, 0xD2, 0xAA, 0xB5, 0xE3}, "工作要点"},
		{"UTF-16LE BOM", []byte{0xFF, 0xFE, 0xE5, 0x5D, 0x5C, 0x4F, 0x0A, 0x00}, "工作\n"},
		{"UTF-16BE BOM", []byte{0xFE, 0xFF, 0x5D, 0xE5, 0x4F, 0x5C, 0x00, 0x0A}, "工作\n"},
		{"UTF-16LE", []byte{0xE5, 0x5D, 0x5C, 0x4F, 0x0A, 0x00, 0x31, 0x00}, "工作\n1"},
		{"UTF-8 with a bad byte", []byte(strings.Repeat("工作要点", 30) + "\xff"), strings.Repeat("工作要点", 30) + "\uFFFD"},
		{"Short GBK is not UTF-8 with bad bytes", []byte{0xB9, 0xA4, 0xD7, 0xF7, 0x0A}, "工作\n"},
	}
	for _, tt := range tests {
		if got := decodeText(tt.in); got != tt.want {
			t.Errorf("%s: decodeText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRepairText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"絳政辦發(fā)〔2023〕14號", "絳政辦發〔2023〕14號"},
		{"專業(yè)鎮(zhèn)高質量發(fā)展", "專業鎮高質量發展"},
		{"川辦函〔2015〕54號(hào)", "川辦函〔2015〕54號"},
		{"國內生產總值(GDP)比重", "國內生產總值(GDP)比重"},
		{"分三步(a)实施", "分三步(a)实施"},
		{"(fā)开头", "(fā)开头"},
		{`<nav id="ii8ek"><source id="ii8ek"></source></nav>首页`, "首页"},
		{"a < b 与 c > d", "a < b 与 c > d"},
	}
	for _, tt := range tests {
		if got := repairText(tt.in); got != tt.want {
			t.Errorf("repairText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
