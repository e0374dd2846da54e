package notice

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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
		lines: lines,
		role:  make([]role, len(lines)),
		meta:  map[metaField]string{},
		doc: &plan.Document{
			Goals:               []plan.DocGoal{},
			Sections:            []plan.DocSection{},
			TaskTable:           []plan.DocTaskRow{},
			DecompositionTables: []plan.DocTable{},
		},
	}
	p.findAttachments()
	p.findMeta()
	p.findSignature()
	p.findTables()
	p.labelTables()
	p.findAttachmentList()
	p.parseHeader()
	p.parseBody()
	p.buildTables()
	p.mapRows()
	p.noteUnplaced()

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
