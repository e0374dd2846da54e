package notice

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// docNumberRe matches a document number: 青政办发〔2022〕16号.
	docNumberRe = regexp.MustCompile(`[\p{Han}A-Za-z]{1,12}[〔\[［【(（]` + reDigit + `{4}[〕\]］】)）]第?` + reDigit + `{1,4}号`)
	// dateRe matches a date line: "2022年6月16日", "二〇二二年六月十六日印发",
	// or a 版记 line "青云谱区人民政府办公室2022年6月16日印发".
	dateRe = regexp.MustCompile(`^(.*?)(` + reDigit + `{4}|[〇○零一二三四五六七八九Ｏ]{4})年(` + reDigit + `{1,2}|[一二三四五六七八九十]{1,3})月(` +
		reDigit + `{1,2}|[一二三四五六七八九十]{1,3})(?:(日)(印发|发布|印)?)?$`)
	// orgRe matches the name of an issuing body.
	orgRe = regexp.MustCompile(`(?:办公室|人民政府|政府|委员会|管委会|领导小组|小组|指挥部|办公厅|局|委|办|厅|部|会|中心)$`)
	// orgSuffixRe is what is cut from an issuer to get the area it governs.
	orgSuffixRe = regexp.MustCompile(`(?:人民政府办公室|人民政府办公厅|人民政府|委员会办公室|党委办公室|委办公室|政府办公室|办公室|管委会|委员会)$`)
	// metaRe matches the lines of the 版记 (distribution block).
	metaRe = regexp.MustCompile(`^(?:抄送|主送|发送|分送|印发|联系人|联系电话|电话|（此件|\(此件)`)
	// noticeTitleRe matches the notice's own title around the plan's:
	// 关于印发《…》的通知.
	noticeTitleRe = regexp.MustCompile(`^(.*?)关于(?:印发|下发|下达|转发|发布|印送)(.+?)的通知$`)
	// selfTitleRe matches the title of a notice that is itself the plan:
	// …关于做好2024年烟叶工作的意见.
	selfTitleRe = regexp.MustCompile(`^(.*?)(关于[^《》。，]+的(?:实施意见|意见|决定|通知|办法|实施方案|方案|规划|计划|要点))$`)
	// issuedRe matches the plan a notice says it issues: 现将《…》印发给你们,
	// 《…》已经区政府同意.
	issuedRe = regexp.MustCompile(`《([^《》]+)》(?:` + reLP + `以下简称[^（）()]*` + reRP + `)?(?:印发|下发|下达|印送|已经|已报经|经)`)
	// planTitleRe matches the title of a plan: it ends in a plan word,
	// possibly followed by its period in brackets.
	planTitleRe = regexp.MustCompile(`(?:要点|方案|计划|规划|意见|安排|分解|分工)(?:` + reLP + `[^（）()]*` + reRP + `)?$`)
	// parentRe matches the plan this one implements: 依据《…》.
	parentRe = regexp.MustCompile(`(?:依据|根据|按照|落实|对照|围绕|贯彻)《([^《》]+)》`)
	// periodRe matches a multi-year period: 2021-2023年.
	periodRe    = regexp.MustCompile(reYears)
	yearRe      = regexp.MustCompile(`(` + reDigit + `{4})\s*年`)
	bookTitleRe = regexp.MustCompile(`《([^《》]+)》`)
	// lostDash matches a title's period whose dash a web page lost:
	// （20232025） is （2023—2025）.
	lostDash = regexp.MustCompile(`(` + reLP + `)(20\d\d)(20\d\d)`)
	// periodLineRe matches a title's period on a line of its own.
	periodLineRe = regexp.MustCompile(`^` + rePeriod + `$`)
)

// findSignature reads the issuing office and the date from the signature:
// at the end of the body or of the whole notice, an office's name above a
// date, or a 版记 line "…办公室 2022年6月16日印发" — only the closing lines
// are looked at there, so that a date in a table or the text is never
// taken. A notice whose closing lines are none (a covering notice followed
// by its plan, a page cut short) is signed where an office's name stands
// above a date on a line of its own.
func (p *parser) findSignature() {
	var signer, printer, signed, printed string
	ends := []int{len(p.lines)}
	if a := p.firstAttachment(); a < len(p.lines) {
		ends = append(ends, a)
	}
	for _, end := range ends {
		for _, i := range p.closingLines(end) {
			s := p.lines[i].clean()
			k := key(s)
			d, ok := readDate(k)
			if !ok {
				if metaRe.MatchString(k) {
					p.role[i] = roleSignature
				}
				continue
			}
			p.role[i] = roleSignature
			if d.printed { // 印发: the 版记 line, below the signature
				printed = cmp.Or(printed, d.date)
				printer = cmp.Or(printer, p.orgOf(s[:d.prefix], i))
				continue
			}
			signed = cmp.Or(signed, d.date)
			signer = cmp.Or(signer, p.orgOf(s[:d.prefix], i))
			break // the signature: what is above it is the body or a table
		}
	}
	p.doc.Issuer = cmp.Or(signer, printer)
	p.doc.Date = cmp.Or(printed, signed)
	if p.doc.Date == "" {
		p.innerSignature()
	}
}

// innerSignature finds the first office's name (or two, for a joint
// notice) standing above a date line before the attachments; failing that,
// the first date standing alone on its line, which is the date alone.
func (p *parser) innerSignature() {
	alone := ""
	for i, end := 0, p.firstAttachment(); i < end; i++ {
		if p.role[i] != roleText || p.lines[i].cells != nil || p.lines[i].blank() {
			continue
		}
		s := p.lines[i].clean()
		d, ok := readDate(key(s))
		if !ok || d.date == "" {
			continue
		}
		var orgs []int
		if !isOrg(s[:d.prefix]) {
			if d.prefix > 0 {
				continue
			}
			for j := p.prevNonBlank(i-1, 0); j >= 0 && len(orgs) < 2 && p.role[j] == roleText && isOrg(p.lines[j].clean()); j = p.prevNonBlank(j-1, 0) {
				orgs = append([]int{j}, orgs...)
			}
		}
		if len(orgs) == 0 && d.prefix == 0 {
			if alone == "" {
				alone = d.date
			}
			continue
		}
		p.role[i] = roleSignature
		var names []string
		if d.prefix > 0 {
			names = append(names, s[:d.prefix])
		}
		for _, j := range orgs {
			p.role[j] = roleSignature
			names = append(names, p.lines[j].clean())
		}
		p.doc.Issuer = cmp.Or(p.doc.Issuer, strings.Join(names, "、"))
		p.doc.Date = d.date
		p.signedAt = i
		return
	}
	p.aloneDate = alone
}

// orgOf returns the office that dated line i: the name before the date on
// the line, else the line above when it is an office's name.
func (p *parser) orgOf(prefix string, i int) string {
	if isOrg(prefix) {
		return prefix
	}
	if j := p.prevNonBlank(i-1, 0); j >= 0 && (p.role[j] == roleText || p.role[j] == roleSignature) && isOrg(p.lines[j].clean()) {
		p.role[j] = roleSignature
		return p.lines[j].clean()
	}
	return ""
}

// closingLines returns, from the last backwards, the lines before end that
// may close a notice: dates, offices, 版记 lines, page numbers, the page's
// furniture.
func (p *parser) closingLines(end int) []int {
	var out []int
	for i := end - 1; i >= 0; i-- {
		l := p.lines[i]
		if l.blank() || isPageNumber(l.text) || p.role[i] == roleMeta {
			continue
		}
		if l.cells != nil || (p.role[i] != roleText && p.role[i] != roleSignature) {
			break
		}
		k := key(l.clean())
		if _, ok := readDate(k); !ok && !metaRe.MatchString(k) && !isOrg(l.clean()) {
			break
		}
		out = append(out, i)
	}
	return out
}

func isOrg(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= 40 && !strings.ContainsAny(s, "，。：；、,:;") && orgRe.MatchString(key(s))
}

// jointOrgs writes the offices of a joint notice, run together in a title
// or a metadata value ("中共环县委办公室环县人民政府办公室"), as a list:
// "中共环县委办公室、环县人民政府办公室".
func jointOrgs(s string) string {
	k := key(s)
	for _, sep := range []string{"办公室", "办公厅"} {
		i := strings.Index(k, sep)
		if i < 0 {
			continue
		}
		cut := i + len(sep)
		if rest := s[cut:]; cut < len(s) && utf8.RuneCountInString(rest) >= 5 && isOrg(rest) {
			return s[:cut] + "、" + jointOrgs(rest)
		}
	}
	return s
}

// aDate is a date read from a line.
type aDate struct {
	prefix  int    // bytes of the line before the date
	date    string // YYYY-MM-DD, "" when the date is not a valid one
	printed bool   // 印发: the date of a 版记 line
}

// collapsedDateRe matches a date whose separators a web page lost:
// "2023411" is 2023-04-11.
var collapsedDateRe = regexp.MustCompile(`^(\d{4})(\d{3,4})$`)

// readDate reads a line that ends in a date: "2022年6月16日",
// "二〇二二年六月十六日印发", "青云谱区人民政府办公室2022年6月16日印发";
// the day's 日 may be lost when the date stands alone ("2021年2月22"), and a
// date alone may have lost its separators ("2024514", read only when one
// month and day fit).
func readDate(k string) (aDate, bool) {
	if m := collapsedDateRe.FindStringSubmatch(k); m != nil {
		var found []string
		for cut := 1; cut <= 2; cut++ {
			mo, d := m[2][:cut], m[2][cut:]
			if len(d) > 2 || len(d) == 1 && d == "0" {
				continue
			}
			if date := civilDate(m[1], mo, d); date != "" {
				found = append(found, date)
			}
		}
		if len(found) == 1 {
			return aDate{date: found[0]}, true
		}
		return aDate{}, false
	}
	if !strings.Contains(k, "月") {
		return aDate{}, false // most lines: spare them the pattern
	}
	m := dateRe.FindStringSubmatchIndex(k)
	if m == nil {
		return aDate{}, false
	}
	if m[10] < 0 && (m[3] > 0 || !isASCIIDigits(k[m[8]:m[9]])) {
		return aDate{}, false // without its 日, only a date alone, in digits
	}
	return aDate{prefix: m[3], date: civilDate(k[m[4]:m[5]], k[m[6]:m[7]], k[m[8]:m[9]]), printed: m[12] >= 0}, true
}

func isASCIIDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// civilDate turns the parts of a date, in Arabic or Chinese digits, into
// YYYY-MM-DD; "" when it is no valid date.
func civilDate(y, m, d string) string {
	year := 0
	for _, r := range toASCIIDigits(y) {
		switch {
		case r >= '0' && r <= '9':
			year = year*10 + int(r-'0')
		case hanDigit(r) >= 0:
			year = year*10 + hanDigit(r)
		}
	}
	num := func(s string) int {
		s = toASCIIDigits(s)
		if n, err := strconv.Atoi(s); err == nil {
			return n // not fmt.Sscan, which reads "08" as octal
		}
		return hanNumber(s)
	}
	month, day := num(m), num(d)
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if year < 1900 || month < 1 || month > 12 || t.Day() != day {
		return ""
	}
	return t.Format(time.DateOnly)
}

// parseHeader reads the document number, title, year, parent plan and (when
// the signature gave none) the issuer and date from the lines before the
// body's first heading, the page's metadata block, and the title of the
// plan that follows a covering notice.
func (p *parser) parseHeader() {
	front := p.frontLines()
	var texts []string
	prose := false
	if m := docNumberRe.FindStringIndex(key(p.meta[metaDocNumber])); m != nil {
		p.doc.DocNumber = p.meta[metaDocNumber][m[0]:m[1]]
	}
	for _, i := range front {
		s := p.lines[i].clean()
		texts = append(texts, s)
		k := key(s)
		// The number stands at the start of a line of its own above the
		// first sentence; later ones are cited.
		prose = prose || strings.ContainsAny(s, "。，,")
		if !prose && p.doc.DocNumber == "" {
			if m := docNumberRe.FindStringIndex(k); m != nil && strings.Trim(s[:m[0]], "（(【[ ") == "" {
				p.doc.DocNumber = s[m[0]:m[1]]
			}
		}
	}
	p.doc.Title = lostDash.ReplaceAllString(p.title(append(front, p.planTitleLines()...)), "$1$2—$3")
	if y := yearRe.FindStringSubmatch(key(p.doc.Title)); y != nil && !periodRe.MatchString(key(p.doc.Title)) {
		fmt.Sscan(toASCIIDigits(y[1]), &p.doc.Year)
	}
	all := strings.Join(texts, "")
	for _, m := range parentRe.FindAllStringSubmatchIndex(key(all), -1) {
		if t := all[m[2]:m[3]]; planTitleRe.MatchString(key(t)) && t != p.doc.Title {
			p.doc.ParentTitle = t
			break
		}
	}
	if p.doc.Issuer == "" && isOrg(p.meta[metaIssuer]) {
		p.doc.Issuer = jointOrgs(p.meta[metaIssuer])
	}
	if p.doc.Issuer == "" {
		p.doc.Issuer = jointOrgs(p.issuerFromHead(front))
	}
	if p.doc.Date == "" {
		p.doc.Date = cmp.Or(metaDate(p.meta[metaWritten]), p.aloneDate, p.bareDate)
	}
	p.regions = regionsOf(p.doc.Issuer)
	for _, i := range front {
		if s := p.lines[i].clean(); strings.HasSuffix(s, "文件") {
			p.regions = append(p.regions, regionsOf(strings.TrimSuffix(s, "文件"))...)
		}
	}
}

// metaDate reads the date of a metadata value: "2023-01-03",
// "2022-01-30 16:20", "2024年02月22日".
func metaDate(v string) string {
	if m := isoDateRe.FindStringSubmatch(v); m != nil {
		return civilDate(m[1], m[2], m[3])
	}
	if d, ok := readDate(key(v)); ok && d.prefix == 0 {
		return d.date
	}
	return ""
}

// frontLines returns the indices of the text lines before the body's first
// heading.
func (p *parser) frontLines() []int {
	var out []int
	end := p.firstAttachment()
	for i := 0; i < end; i++ {
		if p.role[i] != roleText || p.lines[i].blank() {
			continue
		}
		s := p.lines[i].clean()
		if h, ok := parseHeading(s); ok && h.level <= 3 {
			break
		}
		out = append(out, i)
	}
	return out
}

// planTitleLines returns, when a covering notice is signed after its first
// heading (一、二、 of what the units must do), the lines between its
// signature and the plan's first heading: the plan's own title is there.
func (p *parser) planTitleLines() []int {
	if p.signedAt == 0 {
		return nil
	}
	var out []int
	for i, end := p.signedAt+1, p.firstAttachment(); i < end; i++ {
		if p.role[i] != roleText || p.lines[i].blank() {
			continue
		}
		if h, ok := parseHeading(p.lines[i].clean()); ok && h.level <= 3 {
			break
		}
		out = append(out, i)
	}
	return out
}

// title finds the plan's title: a line of its own ending in a plan word
// (工作要点, 实施方案 …) — the last such line before the body, since the
// plan's title follows the notice's — else the title inside 关于印发…的通知
// (on the page or in its metadata), else the plan the notice says it
// issues (现将《…》印发), else a plan named in 《》, else the page's title,
// else the one attachment the notice lists.
func (p *parser) title(front []int) string {
	var standalone, inNotice, self, issued, quoted string
	for n, i := range front {
		s := p.lines[i].clean()
		k := key(s)
		if strings.Contains(k, "关于") && !strings.HasSuffix(k, "通知") {
			// A notice title broken over lines.
			joined := s
			for _, j := range front[n+1 : min(n+4, len(front))] {
				joined += p.lines[j].clean()
				if strings.HasSuffix(key(joined), "通知") {
					s, k = joined, key(joined)
					break
				}
			}
		}
		if strings.Contains(k, "关于") {
			if t := noticeTitle(s); t != "" {
				inNotice = cmp.Or(inNotice, t)
				continue
			}
			if m := selfTitleRe.FindStringSubmatchIndex(k); m != nil && self == "" && (m[3] == 0 || isOrg(s[:m[3]])) {
				self = s[m[4]:m[5]] // the notice is the plan: 关于做好2024年烟叶工作的意见
			}
		}
		if isTitleLine(s) {
			standalone = s
			// The period may stand on the line below: "（2023—2025年）".
			if n+1 < len(front) {
				if next := p.lines[front[n+1]].clean(); periodLineRe.MatchString(key(next)) {
					standalone += next
				}
			}
		}
		if !strings.Contains(k, "《") {
			continue
		}
		if m := issuedRe.FindStringSubmatchIndex(k); m != nil && issued == "" {
			issued = s[m[2]:m[3]]
		}
		if quoted == "" {
			for _, m := range bookTitleRe.FindAllStringSubmatchIndex(k, -1) {
				if t := s[m[2]:m[3]]; planTitleRe.MatchString(key(t)) {
					quoted = t
					break
				}
			}
		}
	}
	inNotice = cmp.Or(inNotice, noticeTitle(p.meta[metaTitle]))
	switch {
	case standalone != "" && (inNotice == "" || !strings.HasSuffix(inNotice, standalone)):
		return standalone
	case inNotice != "":
		return inNotice
	case standalone != "":
		return standalone
	}
	return cmp.Or(self, issued, quoted, p.meta[metaTitle], p.tableTitle(), p.attachmentListTitle())
}

// tableTitle returns the title of a notice that is a table and its title:
// the first table's, when it names a plan ("…责任分解方案").
func (p *parser) tableTitle() string {
	for _, t := range p.tables {
		if planTitleRe.MatchString(key(t.title)) {
			return t.title
		}
	}
	return ""
}

// noticeTitle returns the plan's title inside a notice's own title
// (…关于印发《…》的通知), "" when s is none. The page may put the document
// number before it and the title in 《》.
func noticeTitle(s string) string {
	k := key(s)
	if m := docNumberRe.FindStringIndex(k); m != nil && m[0] == 0 {
		s, k = s[m[1]:], k[m[1]:]
	}
	if strings.HasPrefix(k, "《") && strings.HasSuffix(k, "》") {
		s, k = s[len("《"):len(s)-len("》")], k[len("《"):len(k)-len("》")]
	}
	m := noticeTitleRe.FindStringSubmatchIndex(k)
	if m == nil {
		return ""
	}
	return unquoteTitle(s[m[4]:m[5]])
}

// unquoteTitle takes off the 《》 (or 〈〉) around a whole title, not those
// around a part of it: 《政府工作报告》重点工作任务分工 keeps them.
func unquoteTitle(t string) string {
	for _, q := range [][2]string{{"《", "》"}, {"〈", "〉"}} {
		inner := strings.TrimSuffix(strings.TrimPrefix(t, q[0]), q[1])
		if len(inner) == len(t)-len(q[0])-len(q[1]) && !strings.Contains(inner, q[0]) && !strings.Contains(inner, q[1]) {
			return inner
		}
	}
	return t
}

func isTitleLine(s string) bool {
	k := key(s)
	return utf8.RuneCountInString(s) <= maxTitle && !strings.ContainsAny(s, "。，；：,;:") &&
		!strings.HasPrefix(k, "关于") && !strings.HasPrefix(k, "《") && planTitleRe.MatchString(k)
}

// issuerFromHead finds the issuer when no signature names it: before
// 关于印发 in the notice's title, or in the red header "…文件".
func (p *parser) issuerFromHead(front []int) string {
	for n, i := range front {
		s := p.lines[i].clean()
		if !strings.Contains(key(s), "关于") {
			continue
		}
		if m := noticeTitleRe.FindStringSubmatchIndex(key(s)); m != nil && isOrg(s[m[2]:m[3]]) {
			return s[m[2]:m[3]]
		}
		// The office on the line above: "…办公室" / "关于印发…".
		if n > 0 && strings.HasPrefix(key(s), "关于") && isOrg(p.lines[front[n-1]].clean()) {
			return p.lines[front[n-1]].clean()
		}
	}
	for _, i := range front {
		if s := p.lines[i].clean(); strings.HasSuffix(s, "文件") && isOrg(strings.TrimSuffix(s, "文件")) {
			return strings.TrimSuffix(s, "文件")
		}
	}
	return ""
}

// regionsOf returns the area an issuing body governs: 青云谱区 for
// 青云谱区人民政府办公室; for 南昌市青云谱区… also the part after the city.
func regionsOf(issuer string) []string {
	r := orgSuffixRe.ReplaceAllString(key(issuer), "")
	if utf8.RuneCountInString(r) < 2 {
		return nil
	}
	out := []string{r}
	if i := strings.LastIndexAny(r, "省市州"); i >= 0 && i+len("市") < len(r) {
		out = append(out, r[i+len("市"):])
	}
	return out
}
