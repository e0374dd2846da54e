package notice

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// A goal is a figure with a unit of measure (140家, 0.55%, 7亿元, 1-3个) in
// the goals part. Its indicator is the text of its clause before it, less
// list markers, fillers (力争, 到2023年, 其中, 全区 …) and the comparator word;
// one line may hold several goals ("科技型中小企业140家，高新技术企业76家").
// A figure followed by more of a noun phrase qualifies it and is no goal
// ("年营收3亿元以上工业企业…"), nor is a figure in brackets (a note) or one
// in a clause that scores points (每家计5分).

// unitsOfMeasure are the units goals are stated in, longest first: the
// pattern takes the first that matches.
var unitsOfMeasure = []string{
	"万平方米", "平方米", "个百分点", "百分点", "万人次", "人次", "万人", "亿元", "万元", "元", "万亩", "万公斤", "公斤", "万吨",
	"人", "名", "家", "个", "件", "项", "所", "座", "户", "篇", "台", "套", "次", "场", "批",
	"亩", "公顷", "公里", "千瓦", "吨", "倍", "%", "％", "‰",
}

var unitAlternation = func() string {
	q := make([]string, len(unitsOfMeasure))
	for i, u := range unitsOfMeasure {
		q[i] = regexp.QuoteMeta(u)
	}
	return strings.Join(q, "|")
}()

var (
	figureRe = regexp.MustCompile(`(` + reNum + `)(?:\s*(?:-|~|～|—|–|－|至|到)\s*(` + reNum + `))?\s*(` +
		unitAlternation + `)(左右|及以上|以上|以内|以下|之内)?`)
	scoreRe    = regexp.MustCompile(`[计得加扣减]` + reNum + `分`)
	yearMarkRe = regexp.MustCompile(`(` + reDigit + `{4})年`)
	listMarker = reLP + `(?:` + reDigit + `{1,2}|` + reHanNo + `)` + reRP + `|` + reDigit + `{1,2}[.．、]|[①-⑳]`
	// textNoiseRe is cut from the start of a goal's text.
	textNoiseRe = regexp.MustCompile(`^(?:[、，,；;。：:\s]|以及|和|及|与|并|且|` + listMarker + `)+`)
	// indicatorNoiseRe is cut from the start of an indicator.
	indicatorNoiseRe = regexp.MustCompile(`^(?:[、，,；;。：:\s]|以及|和|及|与|并|且|同时|其中|力争|确保|争取|实现|努力|全年|年内|当年|全[区市县镇乡]|` +
		`(?:到|至|截至|截止到|截止)?` + reDigit + `{4}年(?:底|末|前|内|度)?|` + listMarker + `|` + rePeriod + `)+`)
	// subjectlessRe matches an indicator that only says how something
	// changes: "较上年增长15%" continues the goal before it.
	subjectlessRe = regexp.MustCompile(`^(?:较上年|比上年|同比|年均)?(?:增长|增加|提高|提升|下降|减少)`)
	sameBaseRe    = regexp.MustCompile(`^(?:较上年|比上年|同比)`)
)

// comparatorWords stand before a figure; the one nearest to it decides.
// Longer words come first so that 不超过 is not read as 超过.
var comparatorWords = []struct {
	word string
	c    plan.Comparator
}{
	{"不超过", plan.AtMost}, {"不高于", plan.AtMost}, {"控制在", plan.AtMost},
	{"不低于", plan.AtLeast}, {"不少于", plan.AtLeast}, {"达到", plan.AtLeast}, {"保持在", plan.AtLeast},
	{"提高到", plan.AtLeast}, {"提升到", plan.AtLeast}, {"提高至", plan.AtLeast}, {"提升至", plan.AtLeast},
	{"增长到", plan.AtLeast}, {"增加到", plan.AtLeast},
	{"突破", plan.MoreThan}, {"超过", plan.MoreThan}, {"高于", plan.MoreThan}, {"大于", plan.MoreThan},
	{"约为", plan.About}, {"大约", plan.About}, {"约", plan.About},
	{"超", plan.MoreThan}, {"达", plan.AtLeast}, {"为", plan.AtLeast}, {"在", plan.AtLeast},
}

// readGoals reads the goals stated in segs. In a goals part (part is
// true), a clause that says a target without a figure is a finding.
func (p *parser) readGoals(segs []seg, part bool) []plan.DocGoal {
	text, offs := joinWithOffsets(segs)
	k := key(text)
	goals := []plan.DocGoal{}
	c := &goalContext{k: k, years: yearMarks(k)}
	// A line that starts an item starts a clause: "1. …增长5.5%左右" /
	// "2. 研究与试验发展经费…".
	var items []int
	for i, s := range segs {
		if _, ok := parseHeading(s.text); ok && i > 0 {
			items = append(items, offs[i])
		}
	}
	prevEnd := 0
	for _, m := range figureRe.FindAllStringSubmatchIndex(k, -1) {
		start, end := m[0], m[1]
		c.advance(start)
		for len(items) > 0 && items[0] <= start {
			c.clause, c.depth = max(c.clause, items[0]), 0
			items = items[1:]
		}
		if c.depth > 0 {
			continue
		}
		share := isShare(k, m)
		if !share && !isGoalFigure(k, start, end, offs) {
			continue
		}
		cs := max(prevEnd, c.clause)
		if scoreRe.MatchString(k[cs:clauseEnd(k, end)]) {
			continue
		}
		segAt := segs[segIndex(offs, start)].at
		g, ok := p.goal(text, k, m, cs, goals)
		if ok && share {
			g = shareGoal(g, text, k, m)
		}
		if !ok {
			p.note(segAt, plan.SeverityInfo, plan.FindingNotRead, "“%s”没有指标名称，未作为目标", text[start:end])
			continue
		}
		g.Year = c.year
		g.Line = p.lines[segAt].no
		goals = append(goals, g)
		prevEnd = end
	}
	if part {
		p.noteFigureless(segs, text, k, offs)
	}
	return goals
}

// goalVerbRe matches the words of a target: a clause that has one but no
// figure states a goal that cannot be measured as written.
var goalVerbRe = regexp.MustCompile(`达到|保持在|提高到|提升到|提高至|提升至|不低于|不少于|不超过|控制在`)

// noteFigureless reports the clauses of goals text that say a target
// without a figure: "国家局工商交接合格率达到全州平均水平", or a figure the
// text stops before.
func (p *parser) noteFigureless(segs []seg, text, k string, offs []int) {
	start := 0
	for i := 0; i <= len(k); {
		r, n := utf8.DecodeRuneInString(k[i:])
		if i < len(k) && !strings.ContainsRune("，,；;。！？!?", r) {
			i += n
			continue
		}
		if c := k[start:i]; goalVerbRe.MatchString(c) && !figureRe.MatchString(c) && !strings.ContainsAny(c, "（()）") {
			p.note(segs[segIndex(offs, start)].at, plan.SeverityInfo, plan.FindingNotRead, "“%s”没有数值，未作为目标", clip(strings.TrimSpace(text[start:i]), 30))
		}
		i += max(n, 1)
		start = i
	}
}

// isShare reports whether figure m is the share of something that follows
// it: "完成75%以上的确权登记".
func isShare(k string, m []int) bool {
	return strings.HasPrefix(k[m[1]:], "的") && strings.ContainsAny(k[m[6]:m[7]], "%％")
}

// shareGoal makes a share's goal: its indicator is the share of the thing
// that follows the figure ("确权登记完成比例"), its text runs to it.
func shareGoal(g plan.DocGoal, text, k string, m []int) plan.DocGoal {
	from := m[1] + len("的")
	to := clauseEnd(k, from)
	what := text[from:to]
	verb := g.Indicator
	if utf8.RuneCountInString(verb) > 4 {
		verb = ""
	}
	g.Indicator = what + verb + "比例"
	g.Text = g.Text + text[m[1]:to]
	g.Kind = plan.KindRatio
	return g
}

// goalContext follows the text up to each figure, in order: the bracket
// depth (a figure in brackets is a note), where the clause and the sentence
// began, and the year in force. Reading a goals part is so linear in its
// length, however many figures it holds.
type goalContext struct {
	k        string
	pos      int // how far k has been read
	depth    int
	clause   int // start of the current clause
	sentence int // start of the current sentence
	years    []yearMark
	next     int // index of the next year mark to pass
	year     int // the year in force, 0 for none
	yearAt   int // where it was stated
}

func (c *goalContext) advance(to int) {
	for i, r := range c.k[c.pos:to] {
		after := c.pos + i + utf8.RuneLen(r)
		switch r {
		case '（', '(':
			c.depth++
		case '）', ')':
			c.depth = max(c.depth-1, 0)
		case '。', '！', '？', '!', '?':
			c.depth, c.clause, c.sentence = 0, after, after
		case '；', ';':
			c.depth, c.clause = 0, after // a bracket left open does not run past its clause
		case '，', ',', '：', ':':
			c.clause = after
		}
	}
	c.pos = to
	for c.next < len(c.years) && c.years[c.next].pos < to {
		c.year, c.yearAt = c.years[c.next].year, c.years[c.next].pos
		c.next++
	}
	if c.year != 0 && c.yearAt < c.sentence {
		c.year = 0 // a year holds to the end of its sentence
	}
}

// goal builds the goal of figure m whose clause starts at cs.
func (p *parser) goal(text, k string, m []int, cs int, before []plan.DocGoal) (plan.DocGoal, bool) {
	start, end := m[0], m[1]
	g := plan.DocGoal{Comparator: plan.AtLeast, Unit: text[m[6]:m[7]]}
	t := text[cs:end]
	if n := textNoiseRe.FindStringIndex(key(t)); n != nil {
		t = t[n[1]:]
	}
	g.Text = t
	ind := text[cs:start]
	if n := indicatorNoiseRe.FindStringIndex(key(ind)); n != nil {
		ind = ind[n[1]:]
	}
	cmp := plan.Comparator("")
	for stripped := true; stripped; {
		stripped = false
		for _, w := range comparatorWords {
			if strings.HasSuffix(key(ind), w.word) {
				ind = ind[:len(ind)-len(w.word)]
				if cmp == "" {
					cmp = w.c
				}
				stripped = true
				break
			}
		}
	}
	if ind == "" {
		return g, false
	}
	if subjectlessRe.MatchString(key(ind)) && len(before) > 0 {
		if b := sameBaseRe.FindStringIndex(key(ind)); b != nil {
			ind = ind[b[1]:]
		}
		ind = before[len(before)-1].Indicator + ind
	}
	g.Indicator = ind
	target, err := plan.ParseDecimal(text[m[2]:m[3]])
	if err != nil {
		return g, false
	}
	g.Target = target
	if m[4] >= 0 {
		hi, err := plan.ParseDecimal(text[m[4]:m[5]])
		if err != nil || hi.Cmp(target) < 0 {
			return g, false
		}
		g.TargetMax = &hi
		cmp = plan.WithinRange
	}
	if m[8] >= 0 && cmp != plan.WithinRange {
		switch k[m[8]:m[9]] {
		case "左右":
			cmp = plan.About
		case "以内", "以下", "之内":
			cmp = plan.AtMost
		default: // 以上
			if cmp != plan.MoreThan {
				cmp = plan.AtLeast
			}
		}
	}
	if cmp != "" {
		g.Comparator = cmp
	}
	g.Kind = goalKind(key(g.Indicator), key(g.Unit))
	return g, true
}

// isGoalFigure tells a goal's figure from a qualifier: after it the clause
// ends (punctuation, a conjunction, the end of a line).
func isGoalFigure(k string, start, end int, offs []int) bool {
	if r, _ := utf8.DecodeLastRuneInString(k[:start]); r == '.' || r == '．' || r == '第' || (r >= '0' && r <= '9') {
		return false // a part of a number, or an ordinal: 第114次
	}
	if _, lineEnd := slices.BinarySearch(offs, end); end == len(k) || lineEnd {
		return true
	}
	r, _ := utf8.DecodeRuneInString(k[end:])
	return !isHan(r) || strings.ContainsRune("和及与或并", r)
}

// maxClause bounds the look for the end of a goal's clause, where a score
// (计5分) would show.
const maxClause = 120

func clauseEnd(k string, i int) int {
	w := k[i:min(len(k), i+maxClause)]
	if j := strings.IndexAny(w, "，,；;。！？!?"); j >= 0 {
		return i + j
	}
	return i + len(w)
}

func segIndex(offs []int, pos int) int {
	i, found := slices.BinarySearch(offs, pos)
	if !found {
		i--
	}
	return max(i, 0)
}

type yearMark struct{ pos, year int }

// yearMarks finds the years goals are set for: "到2023年", "2022年底".
// A year ending a period (2021-2023年) is none.
func yearMarks(k string) []yearMark {
	var out []yearMark
	for _, m := range yearMarkRe.FindAllStringSubmatchIndex(k, -1) {
		before := strings.TrimRightFunc(k[:m[0]], func(r rune) bool { return strings.ContainsRune("-—–－~～至到", r) })
		if r, _ := utf8.DecodeLastRuneInString(before); r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			continue // the end of a period, its dash perhaps lost: 2021-2023年, 20232025年
		}
		y := rowNumber(k[m[2]:m[3]])
		if y >= 1990 && y <= 2100 {
			out = append(out, yearMark{m[0], y})
		}
	}
	return out
}

// goalKind decides a goal's kind by convention: a percentage is a ratio,
// a figure per 10,000 residents per-capita, a new/cumulative/turnover
// figure a flow, anything else a stock.
func goalKind(indicator, unit string) plan.GoalKind {
	switch {
	case strings.ContainsAny(unit, "%％‰") || strings.Contains(unit, "百分点"):
		return plan.KindRatio
	case strings.Contains(indicator, "万人"):
		return plan.KindPerCapita
	case containsAny(indicator, "新增", "成交额", "交易额", "登记额", "累计", "新认定", "新培育", "新组建", "新建", "引进"):
		return plan.KindFlow
	}
	return plan.KindStock
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
