package plan

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitUnits splits a units cell such as "区科工局、区发改委，各街道、镇、集聚区"
// into names as written, spaces removed. Group phrases stay whole: a part
// beginning with 各 takes the bare kind words after it (镇, 集聚区), so
// 各街道、镇、集聚区 is one name, and 区直相关部门 has no separator to split
// on. Separators inside brackets do not split: 区发改委（统计、物价）.
// Excel cells and the web forms use it; the notice parser has its own,
// which also reads marks such as （牵头） and cut-off lists from PDF text.
func SplitUnits(s string) []string {
	var parts []string
	var cur strings.Builder
	depth := 0
	flush := func() {
		if p := strings.Trim(cur.String(), "。.；;"); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case strings.ContainsRune("（(【[", r):
			depth++
		case strings.ContainsRune("）)】]", r) && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune("、，,；;/／", r):
			flush()
			continue
		}
		cur.WriteRune(r)
	}
	flush()
	return joinGroups(parts)
}

// kindWords are the bare words a group phrase lists after 各: in
// 各街道、镇、集聚区 the parts 镇 and 集聚区 name kinds, not units.
var kindWords = map[string]bool{
	"街道": true, "街办": true, "街": true, "镇": true, "乡": true, "乡镇": true,
	"集聚区": true, "园区": true, "开发区": true, "管委会": true, "社区": true, "村": true,
	"村（社区）": true, "部门": true, "单位": true, "区直部门": true, "区直单位": true,
	"企业": true, "学校": true,
}

func joinGroups(parts []string) []string {
	out := make([]string, 0, len(parts)) // [] rather than null in JSON
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if strings.HasPrefix(p, "各") {
			for i+1 < len(parts) && kindWords[parts[i+1]] {
				i++
				p += "、" + parts[i]
			}
		}
		out = append(out, p)
	}
	return out
}

// JoinLines undoes the line breaks people type into cells (Alt+Enter) and
// those pasted from PDF: lines are trimmed and joined without a space
// between Chinese characters, with one between Latin words. Spaces within a
// line are kept: "天下英雄城 聚天下英才" is written so.
func JoinLines(s string) string {
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.Contains(s, "\n") {
		return strings.TrimFunc(s, isBlank)
	}
	var b strings.Builder
	var last rune
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimFunc(line, isBlank)
		if line == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(line)
		if isLatin(last) && isLatin(first) {
			b.WriteByte(' ')
		}
		b.WriteString(line)
		last, _ = utf8.DecodeLastRuneInString(line)
	}
	return b.String()
}

// isBlank is a space, or a zero-width character spreadsheets leave behind.
func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

func isLatin(r rune) bool { return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
