package notice

import (
	"fmt"
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
	text, specs := extractUnits(joinSegs(segs[:u]))
	if u < len(segs) {
		specs = append(specs, parseSpecs(joinSegs(segs[u:]))...)
	}
	t := plan.DocTask{
		Number:           b.h.number,
		Title:            firstSentence(text),
		Text:             text,
		LeadUnits:        []string{},
		ResponsibleUnits: []string{},
		Line:             p.lines[b.at].no,
	}
	var warnings []string
	for _, sp := range specs {
		if sp.kind == specDeadline {
			t.Deadline = cleanText(sp.raw)
			continue
		}
		l := splitUnits(sp.raw)
		if l.truncated {
			warnings = append(warnings, truncatedMessage(sp.label, cleanText(sp.raw)))
		}
		if sp.kind == specLead {
			t.LeadUnits = appendNew(t.LeadUnits, l.names...)
		} else {
			t.ResponsibleUnits = appendNew(t.ResponsibleUnits, l.names...)
		}
		t.LeadUnits = appendNew(t.LeadUnits, l.leads...)
	}
	return t, warnings
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
