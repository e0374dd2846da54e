package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// The body is read as blocks: a block starts at a numbered heading and takes
// the text lines after it, however extraction broke them, until the next
// heading. Headings nest by their markers (一、 （一） 1. （1）).
//
// A heading titled 工作目标/主要目标/… opens the goals part: goals are read
// from everything under it. Headings titled 总体要求/保障措施/… open parts
// that hold neither goals nor tasks. In every other part, the deepest of the
// second and third levels used holds the tasks, and the level above the
// actions (sections): 2022's （一）…行动 with tasks 1.–13.; or a part 二、重点任务
// whose （一）… are themselves tasks, the part being their section.

// block is a heading and the text under it, one segment per line.
type block struct {
	h    heading // level 0 for text before any heading
	at   int     // line index of the heading
	segs []seg
}

// seg is a cleaned line of text, with the index of its line.
type seg struct {
	at   int
	text string
}

var (
	// goalHeadingRe matches the title of a goals part: 工作目标, 目标任务,
	// 2023年全区经济社会发展的主要预期目标; or a part of one joined by 和:
	// 指导思想和目标任务.
	goalHeadingRe = regexp.MustCompile(`^(?:` + reDigit + `{4}年)?(?:[^，。,：:]{0,16}的)?(?:工作|主要|发展|总体|年度|具体|预期|主要预期|行动)?(?:目标|指标)(?:任务)?$`)
	// otherHeadingRe matches the titles of parts with neither goals nor
	// tasks: guidance, principles, safeguards.
	otherHeadingRe = regexp.MustCompile(`^(?:总体要求|总体思路|指导思想|基本原则|工作原则|保障措施|保障机制|工作保障|组织保障|组织领导|工作要求|有关要求|工作机制|实施步骤|工作步骤|进度安排|时间安排|实施安排|其他事项|考核评估)$`)
)

func isGoalHeading(title string) bool {
	if goalHeadingRe.MatchString(title) {
		return true
	}
	for _, part := range strings.Split(title, "和") {
		if part != title && goalHeadingRe.MatchString(part) {
			return true
		}
	}
	return false
}

// headingTitle returns the title of a heading: its text up to the end of
// its first sentence or a colon. Commas stay: 坚持系统集成，推动审批全链条优化.
func headingTitle(rest string) string {
	if i := strings.IndexAny(rest, "。：:；;"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// runsOn reports whether a heading's line goes on after its title with a
// sentence of its own: "一、高度重视，认真研究政策。各县区要…" is a paragraph
// of a covering notice, not the title of a part.
func runsOn(h heading) bool {
	t := headingTitle(h.rest)
	return len(t) < len(h.rest) && utf8.RuneCountInString(strings.TrimLeft(h.rest[len(t):], "。：:；; ")) > 10
}

// blocks cuts the body's lines into blocks. An item numbered out of
// sequence is taken for a broken line, not an item: "5." after "2." is
// text that happened to start a line.
func (p *parser) blocks(end int) []block {
	var out []block
	var cur *block
	last2, last3 := 0, 0
	for i := 0; i < end; i++ {
		switch p.role[i] {
		case roleText:
		case roleAttachList, roleSignature, roleAttachment:
			cur = nil // what follows is no task's text
			continue
		default:
			continue
		}
		s := p.lines[i].clean()
		if s == "" {
			continue
		}
		if h, ok := parseHeading(s); ok && p.inSequence(h, &last2, &last3) {
			out = append(out, block{h: h, at: i, segs: []seg{{i, h.rest}}})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			out = append(out, block{at: i})
			cur = &out[len(out)-1]
		}
		cur.segs = append(cur.segs, seg{i, s})
	}
	return out
}

func (p *parser) inSequence(h heading, last2, last3 *int) bool {
	switch h.level {
	case 1:
		*last2 = 0
	case 2:
		n := hanNumber(h.number)
		if n != 1 && n != *last2+1 {
			return false
		}
		*last2 = n
	case 3:
		n := rowNumber(h.number)
		if n != 1 && n != *last3+1 {
			return false
		}
		*last3 = n
	}
	return true
}

// parseBody reads goals, sections and tasks from the body.
func (p *parser) parseBody() {
	blocks := p.blocks(p.firstAttachment())
	goalLevel, otherLevel, goalHead := 0, 0, -1
	headTasked := false
	var goalSegs []seg
	var prose []block // text outside any part
	var taskBlocks []int
	for i, b := range blocks {
		lv := b.h.level
		if lv > 0 {
			if goalLevel > 0 && lv <= goalLevel {
				goalLevel = 0
			}
			if otherLevel > 0 && lv <= otherLevel {
				otherLevel = 0
			}
			title := key(headingTitle(b.h.rest))
			switch {
			case goalLevel == 0 && isGoalHeading(title):
				goalLevel, goalHead, headTasked = lv, i, false
				// The heading's own line may go on with goals: "主要目标：…".
				goalSegs = append(goalSegs, seg{b.at, strings.TrimPrefix(b.h.rest, headingTitle(b.h.rest))})
				goalSegs = append(goalSegs, goalText(b.segs[1:])...)
				continue
			case otherLevel == 0 && lv <= 2 && otherHeadingRe.MatchString(title):
				otherLevel = lv
				continue
			}
		}
		switch {
		case goalLevel > 0:
			goalSegs = append(goalSegs, goalText(p.fullSegs(b))...)
			// A goal with its own 责任单位 is also a task of those units.
			if lv > goalLevel && hasUnits(b) {
				if !headTasked && blocks[goalHead].h.level == 1 {
					taskBlocks = append(taskBlocks, goalHead)
				}
				headTasked = true
				taskBlocks = append(taskBlocks, i)
			}
		case otherLevel > 0:
		case lv == 0:
			prose = append(prose, b)
		default:
			taskBlocks = append(taskBlocks, i)
		}
	}
	stated := goalSegs == nil
	if stated {
		goalSegs = p.statedGoals(blocks)
	}
	p.doc.Goals = p.readGoals(goalSegs, !stated)
	p.readTasks(blocks, taskBlocks)
	p.addFormTask()
	if stated && len(p.doc.Goals) == 0 {
		// No goals part: the targets are those the tasks set.
		for _, segs := range p.taskSegs {
			p.doc.Goals = append(p.doc.Goals, p.readGoals(segs, false)...)
		}
	}
	p.noteFigures(prose)
}

// goalText drops from a goals part's segments the lines that name units:
// 责任单位：区发展和改革局 under a goal is no goal's text.
func goalText(segs []seg) []seg {
	out := segs[:0:0]
	for _, s := range segs {
		if labelAtStart(key(s.text)) {
			continue
		}
		if text, specs := extractUnits(s.text); len(specs) > 0 {
			s.text = text // "…增长5.5%左右。（市发改委、市统计局）"
		}
		out = append(out, s)
	}
	return out
}

// hasUnits reports whether a block names units: a line or a parenthesis
// with a label.
func hasUnits(b block) bool {
	for _, s := range b.segs {
		if _, specs := extractUnits(s.text); len(specs) > 0 || labelAtStart(key(s.text)) {
			return true
		}
	}
	return false
}

// noteFigures reports a figure with a unit in text outside any part (a
// baseline, a target in a preamble) that no goal was read from.
func (p *parser) noteFigures(prose []block) {
	read := map[int]bool{}
	for _, g := range p.doc.Goals {
		read[g.Line] = true
	}
	for _, b := range prose {
		for _, s := range b.segs {
			if read[p.lines[s.at].no] {
				continue
			}
			k := key(s.text)
			for _, m := range figureRe.FindAllStringIndex(k, -1) {
				if !strings.HasSuffix(k[:m[0]], "第") {
					p.note(s.at, plan.SeverityInfo, plan.FindingNotRead, "“%s”不在目标或任务中，未作为目标读取：%s", s.text[m[0]:m[1]], clip(s.text, 30))
					break
				}
			}
		}
	}
}

// fullSegs returns a block's segments with its heading's marker, as it
// reads inside a larger text.
func (p *parser) fullSegs(b block) []seg {
	out := append([]seg(nil), b.segs...)
	if b.h.level > 0 && len(out) > 0 {
		out[0].text = p.lines[b.at].clean()
	}
	return out
}

// statedGoals is the fallback when no part is titled as goals: sentences of
// the text before the first heading that speak of 目标.
func (p *parser) statedGoals(blocks []block) []seg {
	var out []seg
	for _, b := range blocks {
		if b.h.level != 0 {
			break
		}
		for _, s := range b.segs {
			if strings.Contains(key(s.text), "目标") {
				out = append(out, s)
			}
		}
	}
	return out
}

// readTasks groups the task-bearing blocks into parts (one per first-level
// heading) and reads each part's sections and tasks.
func (p *parser) readTasks(blocks []block, idx []int) {
	var part []int
	flush := func() {
		p.readPart(blocks, part)
		part = nil
	}
	for _, i := range idx {
		if blocks[i].h.level == 1 {
			flush()
		}
		part = append(part, i)
	}
	flush()
	p.uniqueTaskNumbers()
	for _, n := range p.taskNotes {
		where := "正文任务" + p.doc.Sections[n.section].Tasks[n.task].Number
		p.noteAt(n.at, plan.SeverityWarning, plan.FindingTruncatedUnits, where, "%s", n.message)
	}
	p.dropEmptySections()
}

// taskNote is a warning about a task's units, placed once task numbers are
// final.
type taskNote struct {
	section, task int // indices in the document
	at            int // line index
	message       string
}

// readPart reads one part: its head (a first-level heading) if it has one,
// then second- to fourth-level blocks.
func (p *parser) readPart(blocks []block, part []int) {
	if len(part) == 0 {
		return
	}
	part0 := part[0]
	var head *block
	if blocks[part[0]].h.level == 1 {
		head = &blocks[part[0]]
		part = part[1:]
		if runsOn(head.h) {
			head = nil // a paragraph of the covering notice: no part's title
		}
	}
	taskLevel, items := 0, false
	for _, i := range part {
		switch lv := blocks[i].h.level; {
		case lv == 3:
			taskLevel = 3
		case lv == 2 && taskLevel == 0:
			taskLevel = 2
		case lv == 4:
			items = true
		}
	}
	if taskLevel == 0 && items {
		taskLevel = 4 // 一、 then （1）（2）: the items are the tasks
	}
	var sec *plan.DocSection
	newSection := func(b *block) {
		if n := len(p.doc.Sections); b == nil && n > 0 && p.doc.Sections[n-1].Number == "" && n-1 == p.defaultSection {
			sec = &p.doc.Sections[n-1] // tasks of the parts that have no title go together
			return
		}
		s := plan.DocSection{Title: "重点任务", Tasks: []plan.DocTask{}}
		if b != nil {
			s.Number, s.Title, s.Line = b.h.number, headingTitle(b.h.rest), p.lines[b.at].no
		}
		p.doc.Sections = append(p.doc.Sections, s)
		sec = &p.doc.Sections[len(p.doc.Sections)-1]
		if b == nil {
			p.defaultSection = len(p.doc.Sections) - 1
		}
	}
	if taskLevel == 0 {
		// "二、强化企业创新主体地位。…（责任单位：区科技局）": a first-level
		// item with units of its own is a task.
		if h := &blocks[part0]; len(part) == 0 && h.h.level == 1 && hasUnits(*h) {
			newSection(nil)
			t, warnings := p.readTask(h, h.segs)
			p.taskSegs = append(p.taskSegs, h.segs)
			for _, w := range warnings {
				p.taskNotes = append(p.taskNotes, taskNote{len(p.doc.Sections) - 1, len(sec.Tasks), h.at, w})
			}
			sec.Tasks = append(sec.Tasks, t)
		}
		return
	}
	var task []seg
	var taskHead *block
	flushTask := func() {
		if taskHead != nil {
			if sec == nil {
				newSection(head)
			}
			t, warnings := p.readTask(taskHead, task)
			p.taskSegs = append(p.taskSegs, task)
			for _, w := range warnings {
				p.taskNotes = append(p.taskNotes, taskNote{len(p.doc.Sections) - 1, len(sec.Tasks), taskHead.at, w})
			}
			sec.Tasks = append(sec.Tasks, t)
		}
		taskHead, task = nil, nil
	}
	for _, i := range part {
		b := &blocks[i]
		switch lv := b.h.level; {
		case lv < taskLevel:
			flushTask()
			newSection(b)
		case lv == taskLevel:
			flushTask()
			taskHead, task = b, append([]seg(nil), b.segs...)
		case taskHead != nil:
			task = append(task, p.fullSegs(*b)...)
		}
	}
	flushTask()
}

func (p *parser) dropEmptySections() {
	out := p.doc.Sections[:0]
	for _, s := range p.doc.Sections {
		if len(s.Tasks) > 0 {
			out = append(out, s)
		}
	}
	p.doc.Sections = out
}

// uniqueTaskNumbers qualifies task numbers by their section ("二.1") when
// the numbering restarts in each section, so that every task has its own.
func (p *parser) uniqueTaskNumbers() {
	seen := map[string]bool{}
	dup := false
	for _, s := range p.doc.Sections {
		for _, t := range s.Tasks {
			dup = dup || seen[t.Number]
			seen[t.Number] = true
		}
	}
	if !dup {
		return
	}
	for si := range p.doc.Sections {
		s := &p.doc.Sections[si]
		if s.Number == "" {
			continue
		}
		for ti := range s.Tasks {
			s.Tasks[ti].Number = s.Number + "." + s.Tasks[ti].Number
		}
	}
}
