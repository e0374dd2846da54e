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

// role is what a line was found to be.
type role uint8

const (
	roleText       role = iota // body text, not yet placed
	roleTable                  // a line of a recognised table
	roleTableTitle             // the title above a table
	roleAttachment             // "附件1" heading an attachment
	roleAttachList             // "附件：1. …" listing attachments at the end of the body
	roleSignature              // the issuing office, the date, 抄送/印发 lines
	rolePage                   // a page number left by extraction
	roleMeta                   // the web page's metadata block and furniture
)

// parser holds the state of one parse.
type parser struct {
	lines  []line
	role   []role
	doc    *plan.Document
	tables []*table
	notes  []note
	// taskNotes wait for the tasks' final numbers.
	taskNotes []taskNote
	// regions are the names of the area the notice is for (青云谱区), to
	// tell the total row of a split table.
	regions []string
	// meta holds the values of the web page's metadata block (meta.go);
	// bareDate is the first date standing alone in it.
	meta     map[metaField]string
	bareDate string
	// signedAt is the line of a signature found inside the text (a
	// covering notice's, above its plan); aloneDate the first date that
	// stands on a line of its own, when no office signs above it.
	signedAt  int
	aloneDate string
	// taskSegs are the text of each task read, for the goals a notice
	// without a goals part sets in its tasks.
	taskSegs [][]seg
	// cutAt is the last line when the text stops short, mid-sentence (a
	// page copied in part), else -1.
	cutAt int
	// form is the task of a project form (form.go), if the notice is one.
	form *formTask
	// defaultSection is the index of the section made for tasks of no
	// titled part, -1 before there is one.
	defaultSection int
	// firstLeads is the notice's rule that the unit listed first leads
	// (列第一位的责任单位为牵头单位).
	firstLeads bool
}

// note is a finding of the parser's own, kept with its line so that all
// come out in document order.
type note struct {
	line int
	f    plan.Finding
}

func (p *parser) note(i int, sev plan.Severity, code, format string, args ...any) {
	n := p.lineNote(i, sev, format, args...)
	n.f.Code = code
	p.notes = append(p.notes, n)
}

// lineNote makes a finding about line i, placed by its line number.
func (p *parser) lineNote(i int, sev plan.Severity, format string, args ...any) note {
	where := fmt.Sprintf("第%d行", p.lines[i].no)
	return note{line: i, f: plan.Finding{Severity: sev, Where: where, Message: fmt.Sprintf(format, args...)}}
}

// notRead makes an info finding about line i, which was left out.
func (p *parser) notRead(i int, format string, args ...any) note {
	n := p.lineNote(i, plan.SeverityInfo, format, args...)
	n.f.Code = plan.FindingNotRead
	return n
}

func (p *parser) noteAt(i int, sev plan.Severity, code, where, format string, args ...any) {
	p.notes = append(p.notes, note{line: i, f: plan.Finding{Severity: sev, Code: code, Where: where, Message: fmt.Sprintf(format, args...)}})
}

// parseLines is the parse: structure first (attachments, signature,
// tables), then the header, the body (goals, actions, tasks), the tables'
// contents, and the links between task-table rows and body tasks. The
// parser's findings come first, in line order, then plan.Lint's.
func parseLines(lines []line) (*plan.Document, error) {
	// Offsets found in a line's key are used in the line itself, which needs
	// both to be valid UTF-8 (an invalid byte would become a longer U+FFFD).
	for i := range lines {
		l := &lines[i]
		l.text = repairText(strings.ToValidUTF8(l.text, "\uFFFD"))
		for j, c := range l.cells {
			l.cells[j] = repairText(strings.ToValidUTF8(c, "\uFFFD"))
		}
		if l.cells == nil && strings.ContainsRune(l.text, '|') {
			l.text, l.cells = pipeCells(l.text)
		}
		l.cleaned = cleanText(l.text)
	}
	p := &parser{
		lines:          lines,
		role:           make([]role, len(lines)),
		meta:           map[metaField]string{},
		defaultSection: -1,
		doc: &plan.Document{
			Goals:               []plan.DocGoal{},
			Sections:            []plan.DocSection{},
			TaskTable:           []plan.DocTaskRow{},
			DecompositionTables: []plan.DocTable{},
		},
	}
	p.findAttachments()
	p.findMeta()
	p.cutAt = p.cutShort()
	p.findSignature()
	p.findTables()
	p.labelTables()
	p.findAttachmentList()
	p.parseHeader()
	p.firstLeads = p.statesFirstLeads()
	p.parseBody()
	p.buildTables()
	for i := range p.doc.Goals {
		if g := &p.doc.Goals[i]; g.Year == p.doc.Year {
			g.Year = 0 // a one-year plan's goals are all for its year
		}
	}
	p.mapRows()
	p.applyFirstLeads()
	p.noteUnplaced()
	if p.cutAt >= 0 && p.role[p.cutAt] == roleText {
		p.note(p.cutAt, plan.SeverityInfo, plan.FindingNotRead, "文本在此中断（“…%s”），后面的内容没有读到：请确认粘贴的是通知全文", lastRunes(p.lines[p.cutAt].clean(), 12))
	}

	d := p.doc
	if len(d.Goals) == 0 && len(d.Sections) == 0 && len(d.TaskTable) == 0 && len(d.DecompositionTables) == 0 {
		if d.Title == "" && d.DocNumber == "" {
			return nil, ErrNoPlan
		}
		// A covering notice without its plan, or a page cut short: the
		// header is worth keeping, the rest is to be entered by hand.
		p.noteAt(0, plan.SeverityWarning, plan.FindingNotRead, "全文",
			"只识别出文件头（标题、文号、发文机关、日期），没有识别出目标、任务、任务分解表或指标分解表：请对照原文补录")
	}
	slices.SortStableFunc(p.notes, func(a, b note) int { return cmp.Compare(a.line, b.line) })
	d.Findings = make([]plan.Finding, 0, len(p.notes))
	for _, n := range p.notes {
		d.Findings = append(d.Findings, n.f)
	}
	d.Findings = append(d.Findings, plan.Lint(d, nil)...)
	return d, nil
}

// firstLeadsRe matches a notice's rule that the unit listed first leads:
// 列第一位的责任单位为牵头单位, 排在首位的为牵头单位.
var firstLeadsRe = regexp.MustCompile(`(?:列|排|排在|列在)(?:第一位|首位|第一)的(?:责任)?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)`)

func (p *parser) statesFirstLeads() bool {
	for i, l := range p.lines {
		if p.role[i] == roleText && strings.Contains(key(l.clean()), "牵头") && firstLeadsRe.MatchString(key(l.clean())) {
			return true
		}
	}
	return false
}

// applyFirstLeads makes the first unit of each task and task-table row the
// lead, when the notice says so and names no lead itself.
func (p *parser) applyFirstLeads() {
	if !p.firstLeads {
		return
	}
	for si := range p.doc.Sections {
		for ti := range p.doc.Sections[si].Tasks {
			t := &p.doc.Sections[si].Tasks[ti]
			if len(t.LeadUnits) == 0 && len(t.ResponsibleUnits) > 0 {
				t.LeadUnits = append(t.LeadUnits, t.ResponsibleUnits[0])
			}
		}
	}
	for i := range p.doc.TaskTable {
		r := &p.doc.TaskTable[i]
		if len(r.LeadUnits) == 0 && len(r.ResponsibleUnits) > 0 {
			r.LeadUnits = append(r.LeadUnits, r.ResponsibleUnits[0])
		}
	}
}

// cutShort returns the last line of a text that stops mid-sentence, or -1:
// its last line of text ends without a full stop or a closing bracket.
func (p *parser) cutShort() int {
	for i := len(p.lines) - 1; i >= 0; i-- {
		l := p.lines[i]
		if l.blank() || p.role[i] == roleMeta || isPageNumber(l.text) {
			continue
		}
		if p.role[i] != roleText || l.cells != nil {
			return -1
		}
		r, _ := utf8.DecodeLastRuneInString(l.clean())
		if strings.ContainsRune("。！？；;!?）)”」》】", r) {
			return -1
		}
		if h, ok := parseHeading(l.clean()); ok && utf8.RuneCountInString(h.rest) <= maxOwnTitle && !strings.ContainsAny(h.rest, "，,。；;：:（(") {
			return -1 // a heading ends no sentence
		}
		return i
	}
	return -1
}

// noteUnplaced reports the text in attachments that is neither a table, a
// table's title nor the signature: one finding per run of such lines.
func (p *parser) noteUnplaced() {
	var run []int
	flush := func() {
		if len(run) > 0 {
			p.note(run[0], plan.SeverityInfo, plan.FindingNotRead, "附件中有%d行未能识别为表格，未读取：%s", len(run), clip(p.lines[run[0]].clean(), 30))
		}
		run = nil
	}
	for i := p.firstAttachment(); i < len(p.lines); i++ {
		switch {
		case p.lines[i].blank():
		case p.role[i] == roleText:
			run = append(run, i)
		default:
			flush()
		}
	}
	flush()
}

// lastRunes returns the last n runes of s.
func lastRunes(s string, n int) string {
	r := []rune(s)
	return string(r[max(0, len(r)-n):])
}
