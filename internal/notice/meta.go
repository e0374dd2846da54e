package notice

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// A notice copied from a government web page comes with the page around it:
// a block of metadata above the text (索引号, 发布机构, 文号, 成文日期 …; a
// label and its value, several to a line, in a pipe table, or the values
// alone, one a line) and furniture (breadcrumbs, 字号/打印/分享, 扫一扫,
// 来源/编辑). findMeta keeps the block's values for the header and marks
// those lines and the furniture, so that no later pass reads them as text.

type metaField uint8

const (
	metaOther     metaField = iota
	metaDocNumber           // 文号, 发文字号
	metaIssuer              // 发布机构, 发文机关, 发文单位
	metaWritten             // 成文日期, 发文日期: the document's date
	metaPublished           // 发布日期: the page's, not the document's
	metaTitle               // 标题, 名称
)

// metaLabel is a label of the metadata block. A distinctive label starts a
// metadata line by itself; a common word (标题, 时间, 来源) only with a colon
// after it, or beside another label.
type metaLabel struct {
	word        string
	field       metaField
	distinctive bool
}

// metaLabels are matched on the cleaned key, longest first where one
// label ends another (发文字号 before 文号).
var metaLabels = []metaLabel{
	{"索引号", metaOther, true}, {"发文字号", metaDocNumber, true}, {"文号", metaDocNumber, true},
	{"发布机构", metaIssuer, true}, {"发文机关", metaIssuer, true}, {"发文单位", metaIssuer, true},
	{"发布单位", metaIssuer, true}, {"成文日期", metaWritten, true}, {"发文日期", metaWritten, true},
	{"印发日期", metaWritten, true}, {"编报时间", metaWritten, true}, {"填报日期", metaWritten, true},
	{"发布日期", metaPublished, true}, {"发布时间", metaPublished, true}, {"公开日期", metaPublished, true},
	{"生效日期", metaOther, true}, {"废止日期", metaOther, true}, {"主题分类", metaOther, true},
	{"体裁分类", metaOther, true}, {"组配分类", metaOther, true}, {"所属主题", metaOther, true},
	{"公开方式", metaOther, true}, {"公开范围", metaOther, true}, {"有效性", metaOther, true},
	{"访问量", metaOther, true}, {"浏览次数", metaOther, true},
	{"标题", metaTitle, false}, {"名称", metaTitle, false}, {"分类", metaOther, false},
	{"时间", metaPublished, false}, {"来源", metaOther, false}, {"作者", metaOther, false},
	{"编辑", metaOther, false}, {"字号", metaOther, false}, {"字体", metaOther, false},
}

// maxMeta bounds a metadata line; longer lines are prose.
const maxMeta = 300

type metaValue struct {
	field metaField
	value string
}

// metaLine reads line text k (a key) as a metadata line: its fields in
// order, ok when it is one. celled says the line is a row of cells, whose
// first cell is then a label by itself.
func metaLine(k string, celled bool) ([]metaValue, bool) {
	k = strings.TrimLeft(k, "[【|［ ")
	if k == "" || utf8.RuneCountInString(k) > maxMeta {
		return nil, false
	}
	type hit struct {
		at, end int
		l       metaLabel
	}
	starts := false
	for _, l := range metaLabels {
		starts = starts || strings.HasPrefix(k, l.word)
	}
	if !starts {
		return nil, false // most lines: spare them the scan
	}
	var hits []hit
	for i := 0; i < len(k); {
		found := false
		for _, l := range metaLabels {
			if strings.HasPrefix(k[i:], l.word) {
				hits = append(hits, hit{i, i + len(l.word), l})
				i += len(l.word)
				found = true
				break
			}
		}
		if !found {
			_, n := utf8.DecodeRuneInString(k[i:])
			i += n
		}
	}
	if len(hits) == 0 || hits[0].at != 0 {
		return nil, false
	}
	first := hits[0]
	if !first.l.distinctive && !celled && len(hits) < 2 && !strings.ContainsAny(k[first.end:min(first.end+4, len(k))], "：:|]】") {
		return nil, false
	}
	out := make([]metaValue, 0, len(hits))
	for n, h := range hits {
		end := len(k)
		if n+1 < len(hits) {
			end = hits[n+1].at
		}
		v := strings.Trim(k[h.end:end], "：:|[]【】［］ ")
		out = append(out, metaValue{h.l.field, v})
	}
	return out, true
}

var (
	// indexNumberRe matches a bare 索引号: "MB1534522/2023-05475",
	// "113701130042070099-A/2021-4059841", "kss622/2024-00045".
	indexNumberRe = regexp.MustCompile(`^[0-9A-Za-z-]{3,}/\d{4}-\d{3,}$`)
	// isoDateRe matches a bare date of a metadata block: "2021-04-01",
	// "2024-05-15 17:13".
	isoDateRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$`)
	// furnitureRe matches the page's own lines that start with a phrase of
	// the page: where the reader is, a greeting, "（此件公开发布）".
	furnitureRe = regexp.MustCompile(`^(?:当前位置|您的位置|所在位置|您当前的位置|欢迎|扫一扫|` + reLP + `此件)`)
	// breadcrumbRe splits a breadcrumb: 首页 > 政务公开 > 规划计划.
	breadcrumbRe = regexp.MustCompile(`\s*(?:>>|>|»|＞|/)\s*`)
	// contactRe matches the contact line of a notice: 联系人：…，联系电话：….
	contactRe = regexp.MustCompile(`^(?:联系人|联系电话|联系方式)` + reColon)
)

// findMeta marks the metadata block and the page furniture and keeps the
// block's values.
func (p *parser) findMeta() {
	lead := true // before the first line in Chinese
	for i, l := range p.lines {
		if p.role[i] != roleText || l.blank() {
			continue
		}
		s := l.clean()
		k := key(s)
		if lead = lead && !strings.ContainsFunc(s, isHan); lead || strings.Contains(s, "://") {
			p.role[i] = roleMeta // a URL, a note in another language above the text
			continue
		}
		if vals, ok := metaLine(k, l.cells != nil); ok {
			p.role[i] = roleMeta
			for _, v := range vals {
				if _, seen := p.meta[v.field]; !seen && v.value != "" {
					p.meta[v.field] = v.value
				}
			}
			continue
		}
		switch {
		case indexNumberRe.MatchString(s):
			p.role[i] = roleMeta
		case isoDateRe.MatchString(s):
			p.role[i] = roleMeta
			if p.bareDate == "" {
				m := isoDateRe.FindStringSubmatch(s)
				p.bareDate = civilDate(m[1], m[2], m[3])
			}
		case isFurniture(l.text, k) || contactRe.MatchString(k):
			p.role[i] = roleMeta
		}
	}
}

// furnitureWords are the links and buttons of a page, which make up the
// whole of a furniture line.
var furnitureWords = setOf("返回", "返回首页", "返回顶部", "无障碍阅读", "无障碍", "关怀版", "长者模式", "打印", "打印本页",
	"打印整页", "打印内容", "打印文章", "分享", "分享到", "收藏", "关闭", "关闭窗口", "关闭本页", "全文检索", "全文", "目录",
	"目", "录", "返", "回", "字号", "字体", "大", "中", "小", "下载", "今天是", "有效", "失效", "已废止", "政府信息公开", "信息公开", "首页")

// maxFurniture bounds the words of a line of links and buttons.
const maxFurniture = 12

// isFurniture reports whether a line is the page's: a button or link, a
// breadcrumb, a line of bullets and dashes, a mangled time stamp.
func isFurniture(text, k string) bool {
	if utf8.RuneCountInString(k) > maxTitle || strings.ContainsAny(k, "。，；") {
		return false
	}
	if furnitureRe.MatchString(k) {
		return true
	}
	if words := strings.FieldsFunc(key(text), func(r rune) bool { return isSpace(r) || strings.ContainsRune("【】[]：:|", r) }); len(words) > 0 && len(words) <= maxFurniture {
		all := true
		for _, w := range words {
			all = all && furnitureWords[w]
		}
		if all {
			return true // 字号 打印整页 打印内容 分享; 【字体：大 中 小】
		}
	}
	if strings.Trim(k, "•·▪■◆") == "" {
		return true // the bullets of a list of links
	}
	if !strings.ContainsFunc(k, isHan) && strings.ContainsAny(k, "/:") && !strings.ContainsAny(k, "年月日") {
		return !isPageNumber(text) && !indexNumberRe.MatchString(k) && strings.ContainsRune(k, ':') // "-2023- 11/08 08:20"
	}
	if !strings.ContainsAny(text, ">»＞/") {
		return false
	}
	parts := breadcrumbRe.Split(strings.TrimSpace(text), -1)
	if len(parts) < 3 {
		return false
	}
	for _, s := range parts {
		if n := utf8.RuneCountInString(strings.TrimFunc(s, isSpace)); n > 12 {
			return false
		}
	}
	return true
}
