package notice

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// readTask reads a task from its block's segments (and those of deeper
// items under it): title = the first sentence, text = all of it without the
// units, units from the labels. It also returns warnings about the units,
// to be placed once the task's number is final.
func (p *parser) readTask(b *block, segs []seg) (plan.DocTask, []string) {
	// From the first line that starts with a label, the lines are units:
	// 牵头单位：…  责任单位：… (a long list wraps onto further lines).
	u := len(segs)
	for i := 1; i < len(segs); i++ {
		if labelAtStart(key(segs[i].text)) {
			u = i
			break
		}
	}
	title, body := "", segs[:u]
	if ownLine(segs[:u]) {
		title, body = segs[0].text, segs[1:u]
	}
	text, specs := extractUnits(joinSegs(body))
	if u < len(segs) {
		specs = append(specs, parseSpecs(joinSegs(segs[u:]))...)
	}
	if title == "" {
		title = firstSentence(text)
	}
	t := plan.DocTask{
		Number:           b.h.number,
		Title:            title,
		Text:             cmp.Or(text, title),
		LeadUnits:        []string{},
		ResponsibleUnits: []string{},
		Line:             p.lines[b.at].no,
	}
	var warnings []string
	cut := p.cutAt >= 0 && segs[len(segs)-1].at == p.cutAt
	for n, sp := range specs {
		if sp.kind == specDeadline {
			t.Deadline = cleanText(sp.raw)
			continue
		}
		l := splitUnits(sp.raw)
		if cut && n == len(specs)-1 && len(l.names) > 0 {
			// The text stops inside this list: its last name is a part.
			last := l.names[len(l.names)-1]
			l.names = l.names[:len(l.names)-1]
			warnings = append(warnings, fmt.Sprintf("%s“%s”在文本中断处结束，“%s”未作为单位读取", sp.label, cleanText(sp.raw), last))
		} else if l.truncated {
			warnings = append(warnings, truncatedMessage(sp.label, cleanText(sp.raw)))
		}
		if sp.kind == specLead {
			t.LeadUnits = appendNew(t.LeadUnits, l.names...)
		} else {
			t.ResponsibleUnits = appendNew(t.ResponsibleUnits, l.names...)
		}
		t.LeadUnits = appendNew(t.LeadUnits, l.leads...)
	}
	if len(specs) == 0 {
		// "各乡镇人民政府要…": the units the text is addressed to.
		if m := subjectRe.FindStringSubmatchIndex(key(text)); m != nil {
			t.ResponsibleUnits = append(t.ResponsibleUnits, text[m[2]:m[3]])
		}
	}
	if t.Deadline == "" {
		if m := deadlineRe.FindStringIndex(key(text)); m != nil {
			t.Deadline = text[m[0]:m[1]]
		}
	}
	return t, warnings
}

// subjectRe matches the units a task's text opens by addressing:
// "各乡镇人民政府要…", "各牵头单位要…".
var subjectRe = regexp.MustCompile(`^(各[^，,。；;、：:（(]{1,12}?(?:人民政府|政府|单位|部门|乡镇|街道|办事处|管委会))(?:要|应|负责)`)

// deadlineRe matches a deadline written in a task's text: 2022年10月底前.
var deadlineRe = regexp.MustCompile(reDigit + `{4}年` + reDigit + `{1,2}月(?:` + reDigit + `{1,2}日|底|末|中旬|上旬|下旬)?(?:前|以前)`)

// maxOwnTitle bounds a task heading on a line of its own.
const maxOwnTitle = 40

// ownLine reports whether a task's heading stands on a line of its own
// above its text ("（一）确保栽足种实" / "各乡镇人民政府要…"), rather than
// being the start of a paragraph that extraction broke: it is short, ends
// no sentence, and is much shorter than the line below it (a broken line
// is as wide as the page).
func ownLine(segs []seg) bool {
	if len(segs) < 2 || strings.ContainsAny(segs[0].text, "。！？；;!?：:（(") {
		return false
	}
	n, next := utf8.RuneCountInString(segs[0].text), utf8.RuneCountInString(segs[1].text)
	return n > 0 && n <= maxOwnTitle && 10*n < 7*next
}

func truncatedMessage(label, list string) string {
	return fmt.Sprintf("%s“%s”以“%s”结尾，可能漏了单位", label, list, lastRune(list))
}

// joinSegs joins segments as joinSegments does, in one pass.
func joinSegs(segs []seg) string {
	text, _ := joinWithOffsets(segs)
	return text
}

// joinWithOffsets joins segments and returns where each starts in the
// result, so that a position can be traced to its line.
func joinWithOffsets(segs []seg) (string, []int) {
	var b strings.Builder
	offs := make([]int, len(segs))
	var last rune
	for i, g := range segs {
		if g.text == "" {
			offs[i] = b.Len()
			continue
		}
		first, _ := utf8.DecodeRuneInString(g.text)
		if isLatin(last) && isLatin(first) {
			b.WriteByte(' ')
		}
		offs[i] = b.Len()
		b.WriteString(g.text)
		last, _ = utf8.DecodeLastRuneInString(g.text)
	}
	return b.String(), offs
}

// appendNew appends the names not already in list.
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}

// firstSentence returns the text up to the first 。！？ or ： outside
// brackets and quotes: a task's title.
func firstSentence(s string) string {
	depth := 0
	for i, r := range s {
		switch {
		case strings.ContainsRune("《“（(「‘【[", r):
			depth++
		case strings.ContainsRune("》”）)」’】]", r):
			depth = max(depth-1, 0)
		case depth == 0 && strings.ContainsRune("。！？!?：:", r):
			if i > 0 {
				return s[:i]
			}
		}
	}
	return s
}
