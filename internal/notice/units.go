package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Units are written after a label — 牵头单位：…, 责任单位：…, 配合单位：… —
// in a trailing parenthesis, on lines of their own, or in task-table cells;
// or as "（区科工局牵头，各街道配合）". A list is split on 、，, and ；, but a
// group phrase stays whole: 各街道、镇、集聚区 is one name (it stands for a
// set of units), as are 区直相关部门 and 各乡镇（街道）.

// unitLabels are the labels units (and deadlines, which share the
// parenthesis in some notices) are written after, always with a colon.
var unitLabels = []string{"牵头单位", "牵头部门", "主办单位", "主责单位", "责任单位", "责任部门", "配合单位", "配合部门",
	"协办单位", "参与单位", "协同单位", "完成时限", "完成时间", "时间节点"}

// label is a label found in a key: k[start:end] is the label and its colon.
type label struct {
	start, end int
	word       string
}

// findLabels returns the labels in k, in order. It looks for colons and
// then at the words before them, which is much cheaper than a pattern of
// alternatives run over every task's text.
func findLabels(k string) []label {
	var out []label
	for i := 0; i < len(k); {
		j := strings.IndexAny(k[i:], "：:")
		if j < 0 {
			break
		}
		colon := i + j
		_, n := utf8.DecodeRuneInString(k[colon:])
		before := strings.TrimRight(k[:colon], " ")
		for _, w := range unitLabels {
			if strings.HasSuffix(before, w) {
				out = append(out, label{len(before) - len(w), colon + n, w})
				break
			}
		}
		i = colon + n
	}
	return out
}

type specKind int

const (
	specLead specKind = iota
	specResp
	specDeadline
)

// unitSpec is what one label says: its kind, the label and the text after it.
type unitSpec struct {
	kind  specKind
	label string
	raw   string
}

func labelKind(label string) specKind {
	switch {
	case strings.HasPrefix(label, "牵头") || strings.HasPrefix(label, "主"):
		return specLead
	case strings.Contains(label, "时"):
		return specDeadline
	}
	return specResp
}

// parseSpecs reads "牵头单位：A；责任单位：B、C" (cleaned text) into one spec per
// label.
func parseSpecs(s string) []unitSpec {
	ls := findLabels(key(s))
	var out []unitSpec
	for i, l := range ls {
		raw := ""
		if i+1 < len(ls) {
			// The separator before the next label is punctuation, not a
			// sign of a cut-off list.
			raw = strings.TrimRight(s[l.end:ls[i+1].start], "；;，,。 ")
		} else {
			raw = strings.TrimRight(s[l.end:], "。 ")
		}
		out = append(out, unitSpec{kind: labelKind(l.word), label: s[l.start : l.start+len(l.word)], raw: raw})
	}
	return out
}

// groupKinds are the words that follow 各 in a group phrase: 各街道、镇、集聚区.
var groupKinds = setOf("街道", "街办", "镇", "乡", "乡镇", "集聚区", "园区", "开发区", "管委会", "社区", "村",
	"部门", "单位", "区直部门", "区直单位", "企业", "学校", "街")

// placeGovRe matches the kinds of place a group phrase goes on to:
// 各区、县（市）政府.
var placeGovRe = regexp.MustCompile(`^[区县市镇乡]{1,2}(?:` + reLP + `[区县市镇乡]{1,2}` + reRP + `)?(?:人民)?政府$`)

func isGroupKind(k string) bool { return groupKinds[k] || placeGovRe.MatchString(k) }

// maxUnitName bounds a unit's name in a list without a label.
const maxUnitName = 25

// isUnitList reports whether the text of a parenthesis is a list of units
// and nothing else: every name ends as a unit's does or is a group.
func isUnitList(s string) bool {
	l := splitUnits(s)
	if len(l.names) == 0 || l.truncated {
		return false
	}
	for _, n := range l.names {
		k := key(n)
		if utf8.RuneCountInString(n) > maxUnitName || utf8.RuneCountInString(n) < 2 || strings.ContainsAny(k, "：:。") ||
			!(unitEndRe.MatchString(k) || strings.HasPrefix(k, "各")) {
			return false
		}
	}
	return true
}

// leadMarks mark a unit as leading inside a list: 区科工局（牵头）.
var leadMarks = []string{"（牵头）", "(牵头)", "（牵头)", "(牵头）"}

// unitList is a list of unit names as written.
type unitList struct {
	names     []string
	leads     []string // names marked （牵头） in the list
	truncated bool     // the list ends in 、 or ，: a name is probably missing
}

// splitUnits splits a list of unit names.
func splitUnits(s string) unitList {
	s = strings.TrimRight(cleanText(s), "。.")
	var out unitList
	if r, _ := utf8.DecodeLastRuneInString(s); strings.ContainsRune("、，,", r) {
		out.truncated = true
	}
	s = strings.TrimRight(s, "、，,；;")
	type token struct{ start, end int }
	var toks []token
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case strings.ContainsRune("（(【[", r):
			depth++
		case strings.ContainsRune("）)】]", r) && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune("、，,；;", r):
			toks = append(toks, token{start, i})
			start = i + utf8.RuneLen(r)
		}
	}
	toks = append(toks, token{start, len(s)})
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if strings.HasPrefix(key(s[t.start:t.end]), "各") {
			for i+1 < len(toks) && isGroupKind(key(s[toks[i+1].start:toks[i+1].end])) {
				i++
				t.end = toks[i].end
			}
		}
		name := strings.TrimSpace(s[t.start:t.end])
		if a, b, ok := splitAnd(name); ok {
			out.names = append(out.names, a)
			name = b
		}
		k := key(name)
		for _, m := range leadMarks {
			if strings.HasSuffix(k, m) {
				name = name[:len(name)-len(m)]
				out.leads = append(out.leads, name)
				break
			}
		}
		if n := strings.TrimSuffix(name, "等"); utf8.RuneCountInString(n) >= 2 {
			name = n
		}
		if name != "" {
			out.names = append(out.names, name)
		}
	}
	return out
}

// dutyRe matches how the units besides the lead are told to act, after
// their names: "…按职责分工", "…根据各自职责", "…分别".
var dutyRe = regexp.MustCompile(`(?:按照|按|根据|依据)?(?:各自)?(?:职责分工|职能职责|职责)$|分别$`)

// respVerbRe matches the verb after units that are responsible: 负责,
// 按职责分工负责, 共同落实.
var respVerbRe = regexp.MustCompile(`(?:按照|按|根据|依据)?(?:各自)?(?:职责分工|职能职责|职责)?(?:分别|共同)?(?:负责|落实|承办|实施)$`)

// respPhrase returns the units of "区科协负责", "" when the text is no such
// phrase.
func respPhrase(s string) string {
	m := respVerbRe.FindStringIndex(key(s))
	if m == nil || m[0] == 0 || !isUnitList(s[:m[0]]) {
		return ""
	}
	return s[:m[0]]
}

// leadPhraseRe matches "（区科工局牵头，各街道、镇配合）" style units.
var leadPhraseRe = regexp.MustCompile(`^(.+?)牵头(?:[，,；;]\s*(.+?)(?:配合|参与|协助|协办|负责|落实)?)?$`)

// extractUnits takes the units out of a task's text: every parenthesis
// that starts with a label, a final parenthesis of the "X牵头，Y配合" form,
// and label text after the last sentence. It returns the text without them.
func extractUnits(text string) (string, []unitSpec) {
	var specs []unitSpec
	var b strings.Builder
	k := key(text)
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '（' && r != '(' {
			b.WriteString(text[i : i+size])
			i += size
			continue
		}
		close := matchParen(text, i)
		inner := text[i+size : close]
		innerKey := k[i+size : close]
		next := min(close+parenLen(text, close), len(text))
		final := strings.TrimRight(text[next:], "。；; ") == ""
		switch {
		case labelAtStart(innerKey):
			specs = append(specs, parseSpecs(inner)...)
		case final && isUnitList(inner):
			// "（市科技局、市统计局）": units without a label.
			specs = append(specs, unitSpec{kind: specResp, label: "责任单位", raw: inner})
		case final && !strings.Contains(innerKey, "牵头") && respPhrase(inner) != "":
			// "（区科协负责）", "（…按职责分工负责）".
			specs = append(specs, unitSpec{kind: specResp, label: "负责", raw: respPhrase(inner)})
		case final && leadPhraseRe.MatchString(innerKey) && !strings.ContainsAny(innerKey, "（("):
			m := leadPhraseRe.FindStringSubmatchIndex(innerKey)
			specs = append(specs, unitSpec{kind: specLead, label: "牵头", raw: inner[m[2]:m[3]]})
			if m[4] >= 0 {
				raw := inner[m[4]:m[5]]
				if d := dutyRe.FindStringIndex(key(raw)); d != nil {
					raw = raw[:d[0]]
				}
				specs = append(specs, unitSpec{kind: specResp, label: "配合", raw: raw})
			}
		default:
			b.WriteString(text[i:next])
			i = next
			continue
		}
		i = next
	}
	rest := b.String()
	// Labels without a parenthesis, after the text: "…发展。责任单位：区发改委".
	if ls := findLabels(key(rest)); len(ls) > 0 && sentenceStart(rest, ls[0].start) {
		specs = append(specs, parseSpecs(rest[ls[0].start:])...)
		rest = rest[:ls[0].start]
	}
	return strings.TrimSpace(rest), specs
}

func labelAtStart(k string) bool {
	ls := findLabels(k)
	return len(ls) > 0 && ls[0].start == 0
}

// sentenceStart reports whether byte i of s starts a sentence.
func sentenceStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return strings.ContainsRune("。；;！!？?", r)
}

// matchParen returns the index of the parenthesis closing the one at open
// (either width closes either), or len(s) when it is never closed.
func matchParen(s string, open int) int {
	depth := 0
	for i, r := range s[open:] {
		switch r {
		case '（', '(':
			depth++
		case '）', ')':
			depth--
			if depth == 0 {
				return open + i
			}
		}
	}
	return len(s)
}

func parenLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// unitEndRe matches how the name of a unit or a group of units ends.
var unitEndRe = regexp.MustCompile(`(?:部门|单位|政府|机构|局|委|办|院|会|厅|部|署|处|科|室|所|站|队|协|联|社|团|校|馆|行|组|中心|公司|集团|街道|乡镇|镇|乡|管委会|园区|开发区)$`)

// splitAnd splits "市级各有关部门及各县市区政府" into its two names: 及
// joins two units when the name before it ends as a unit's does.
func splitAnd(name string) (string, string, bool) {
	k := key(name)
	i := strings.Index(k, "及")
	if i < 0 || !unitEndRe.MatchString(k[:i]) || utf8.RuneCountInString(k[i+len("及"):]) < 2 {
		return "", "", false
	}
	return name[:i], name[i+len("及"):], true
}
