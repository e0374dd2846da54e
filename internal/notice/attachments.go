package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	// attachmentRe matches the heading of an attachment: "附件1", "附件 2:",
	// "附件1：2022年工作要点任务分解表", "附表一", or "附件" alone.
	attachmentRe = regexp.MustCompile(`^(附[件表])(` + reDigit + `{1,2}|` + reHanNo + `)` + reColon + `?(.*)$|^(附[件表])$`)
	// attachmentListRe matches the list of attachments closing the body:
	// "附件：1. 2022年工作要点任务分解表".
	attachmentListRe = regexp.MustCompile(`^附[件表]` + reColon)
	// tableTitleRe tells a table's title from other short lines.
	tableTitleRe = regexp.MustCompile(`表|清单|台账|一览|分解`)
)

// maxTitle bounds the length of a heading-like line (a title, an attachment
// heading); longer lines are prose.
const maxTitle = 80

// findAttachments marks the headings of attachments.
func (p *parser) findAttachments() {
	for i, l := range p.lines {
		if l.cells != nil {
			continue
		}
		if _, _, ok := attachmentHeading(l.clean()); ok {
			p.role[i] = roleAttachment
		}
	}
}

// attachmentHeading reads "附件1：title" into its label and title.
func attachmentHeading(s string) (label, title string, ok bool) {
	if !strings.HasPrefix(key(s), "附") {
		return "", "", false // most lines: spare them the pattern
	}
	m := attachmentRe.FindStringSubmatchIndex(key(s))
	switch {
	case m == nil || utf8.RuneCountInString(s) > maxTitle || strings.ContainsAny(s, "。；;"):
		return "", "", false
	case m[8] >= 0: // "附件" alone: the only attachment
		return s, "", true
	}
	return s[m[2]:m[3]] + toASCIIDigits(s[m[4]:m[5]]), s[m[6]:m[7]], true
}

// firstAttachment returns the index of the first attachment heading: the
// body ends there.
func (p *parser) firstAttachment() int {
	for i, r := range p.role {
		if r == roleAttachment {
			return i
		}
	}
	return len(p.lines)
}

// labelTables gives each table its title (the line above it, marked so the
// body does not take it) and the attachment it is in.
func (p *parser) labelTables() {
	prevEnd := 0
	for _, t := range p.tables {
		j := p.prevNonBlank(t.first-1, prevEnd)
		if j >= 0 && p.role[j] == roleText {
			if c, ok := readCaption(p.lines[j].clean()); ok {
				// "面积:万亩 收购量:万公斤" between the title and the header.
				t.caption = c
				p.role[j] = roleTableTitle
				t.first = j
				j = p.prevNonBlank(j-1, prevEnd)
			}
		}
		if j >= 0 && p.role[j] == roleText && isTableTitle(p.lines[j]) {
			t.title = p.lines[j].clean()
			p.role[j] = roleTableTitle
			t.first = j
		}
		for k := t.first - 1; k >= prevEnd; k-- {
			if p.role[k] != roleAttachment {
				continue
			}
			label, title, _ := attachmentHeading(p.lines[k].clean())
			t.label = label
			if t.title == "" && title != "" {
				t.title = title
			}
			break
		}
		prevEnd = t.end
	}
}

func (p *parser) prevNonBlank(j, floor int) int {
	for ; j >= floor; j-- {
		if !p.lines[j].blank() {
			return j
		}
	}
	return -1
}

func isTableTitle(l line) bool {
	if l.cells != nil {
		return false
	}
	s := l.clean()
	if utf8.RuneCountInString(s) > maxTitle || strings.ContainsAny(s, "。；;") || strings.HasSuffix(s, "：") {
		return false
	}
	if _, ok := parseHeading(s); ok {
		return false
	}
	return tableTitleRe.MatchString(key(s))
}

// findAttachmentList marks the list of attachments at the end of the body
// ("附件：1. …" and the numbered lines after it), so that its entries are
// not taken for tasks.
func (p *parser) findAttachmentList() {
	end := p.firstAttachment()
	for i := 0; i < end; i++ {
		if p.role[i] != roleText || p.lines[i].cells != nil || !attachmentListRe.MatchString(key(p.lines[i].clean())) {
			continue
		}
		p.role[i] = roleAttachList
		for j := i + 1; j < end; j++ {
			if p.role[j] != roleText || p.lines[j].blank() {
				continue
			}
			s := p.lines[j].clean()
			h, ok := parseHeading(s)
			if !ok || h.level != 3 || utf8.RuneCountInString(s) > maxTitle || strings.Contains(s, "。") {
				break
			}
			p.role[j] = roleAttachList
		}
	}
}

// attachmentListTitle returns the title of the one attachment the body's
// list names ("附件：8-12月科技型企业培育目标任务分解"), "" when it names
// none or several.
func (p *parser) attachmentListTitle() string {
	title := ""
	for i, r := range p.role {
		if r != roleAttachList {
			continue
		}
		s := p.lines[i].clean()
		if m := attachmentListRe.FindStringIndex(key(s)); m != nil {
			s = s[m[1]:]
		}
		if h, ok := parseHeading(s); ok {
			s = h.rest
		}
		if s == "" {
			continue
		}
		if title != "" {
			return ""
		}
		title = s
	}
	return title
}

// caption is what a line above a table says of its units of measure:
// "面积:万亩 收购量:万公斤" (a unit per kind of column) or "单位：万元" (one
// for all).
type caption struct {
	names, units []string
	all          string
}

var captionPairRe = regexp.MustCompile(`([^\s：:，,；;、]{1,8}?)` + reColon + `\s*(` + unitAlternation + `)`)

// readCaption reads a caption line: nothing but name:unit pairs whose
// units are units of measure.
func readCaption(s string) (caption, bool) {
	var c caption
	k := key(s)
	if utf8.RuneCountInString(s) > maxTitle || strings.ContainsAny(k, "。") {
		return c, false
	}
	ms := captionPairRe.FindAllStringSubmatchIndex(k, -1)
	rest := k
	for _, m := range ms {
		name, unit := s[m[2]:m[3]], s[m[4]:m[5]]
		if strings.TrimLeft(key(name), "（(") == "单位" {
			c.all = unit
		} else {
			c.names, c.units = append(c.names, strings.TrimLeft(name, "（(")), append(c.units, unit)
		}
		rest = strings.Replace(rest, k[m[0]:m[1]], "", 1)
	}
	if len(ms) == 0 || strings.Trim(rest, " （()）、，,；;") != "" {
		return c, false
	}
	return c, true
}

// unitOf returns the unit the caption gives a column: the unit of the
// longest name the column's contains, else the unit for all.
func (c caption) unitOf(column string) string {
	best, unit := 0, c.all
	k := key(column)
	for i, n := range c.names {
		if strings.Contains(k, key(n)) && len(n) > best {
			best, unit = len(n), c.units[i]
		}
	}
	return unit
}
