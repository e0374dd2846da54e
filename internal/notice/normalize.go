package notice

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text as written is kept in the document (titles, task text, unit names);
// only the spaces that extraction puts inside words are removed. Patterns
// are matched against a key: the cleaned text with traditional characters
// mapped to simplified ones. The mapping keeps every character's UTF-8
// length (both are three-byte CJK), so a byte offset found in the key is the
// same offset in the text and what a pattern finds is cut from the text as
// written. Half- and full-width punctuation are not folded (that would move
// offsets); patterns accept both, see the classes below.

// Character classes for patterns, accepting both widths.
const (
	reLP    = `[（(]`
	reRP    = `[）)]`
	reColon = `[：:]`
	reDigit = `[0-9０-９]`
	reNum   = reDigit + `+(?:[.．]` + reDigit + `+)?`
	reHanNo = `[一二三四五六七八九十百零〇]+` // Chinese numerals as headings use them
	// reYears is a span of years: 2021-2023, 2011至2015, or with the dash
	// a web page lost, 20232025.
	reYears = `(?:` + reDigit + `{4}\s*[-—–－~～至到]\s*` + reDigit + `{4}|20\d\d20\d\d)`
	// rePeriod is a plan's period in brackets: （2021-2023年）.
	rePeriod = reLP + reYears + `年?` + reRP
)

// cleanText removes the spaces PDF extraction leaves in Chinese text ("区
// 商务局", "2022 年", "突破 7 亿元"). A space is kept only between two Latin
// letters or digits ("Windows 10") and inside a short “…” quotation, where a
// space is the author's ("天下英雄城 聚天下英才"); runs of spaces become one.
func cleanText(s string) string {
	if !strings.ContainsFunc(s, isSpace) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	quoteEnd := -1 // index of the closing ” of the quotation we are in
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '“' && i > quoteEnd {
			quoteEnd = closingQuote(rs, i)
		}
		if !isSpace(r) {
			b.WriteRune(r)
			continue
		}
		j := i
		for j < len(rs) && isSpace(rs[j]) {
			j++
		}
		if i > 0 && j < len(rs) {
			prev, next := rs[i-1], rs[j]
			quoted := i < quoteEnd && prev != '“' && next != '”'
			if quoted || (isLatin(prev) && isLatin(next)) {
				b.WriteByte(' ')
			}
		}
		i = j - 1
	}
	return b.String()
}

// maxQuote bounds a quotation whose spaces are kept: quoted slogans and
// names are short, and an unclosed “ must not keep spaces to the end.
const maxQuote = 40

func closingQuote(rs []rune, open int) int {
	for j := open + 1; j < len(rs) && j <= open+maxQuote; j++ {
		switch rs[j] {
		case '”':
			return j
		case '“', '\n':
			return -1
		}
	}
	return -1
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0' || r == '\r'
}

func isLatin(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// key returns the form of cleaned text that patterns are matched against:
// traditional characters of the genre's words mapped to simplified ones,
// byte offsets unchanged.
func key(s string) string {
	if !strings.ContainsFunc(s, isTraditional) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if s, ok := simplified[r]; ok {
			return s
		}
		return r
	}, s)
}

// traditionalPairs lists traditional characters, each followed by its
// simplified form: those of the words the parser looks for (工作要點, 責任單位,
// 牽頭單位, 目標, 任務分解表, 億元 …) and of common unit and indicator names.
// It is not a general converter; the text is kept as written.
const traditionalPairs = "" +
	"點点責责單单牽牵頭头標标務务號号內内時时動动組组織织導导則则總总體体發发實实劃划" +
	"關关於于辦办員员會会達达過过約约億亿萬万個个項项額额計计長长佔占區区縣县鎮镇鄉乡" +
	"門门協协參参與与負负據据貫贯徹彻經经費费數数擁拥專专規规業业術术爭争現现確确較较" +
	"為为減减頁页備备註注東东廳厅處处設设資资產产創创統统稅税財财場场監监營营學学醫医" +
	"衛卫環环農农運运輸输審审職职網网絡络電电們们這这來来進进還还開开問问題题應应當当" +
	"對对級级條条傳传舉举圍围繞绕續续線线驗验獎奖勵励補补貼贴園园聯联類类優优勢势歷历" +
	"將将擴扩蓋盖轉转換换讓让諮咨詢询報报紀纪錄录質质維维護护權权價价歸归檔档樣样範范" +
	"屬属構构機机雙双選选庫库強强領领軍军鏈链銀银險险貸贷證证幫帮籌筹試试節节預预測测" +
	"積积極极層层廣广樹树華华雲云譜谱鄰邻歲岁餘余義义風风氣气車车鐵铁製制檢检書书圖图" +
	"館馆團团隊队師师習习認认識识議议論论語语說说讀读講讲調调結结績绩簽签訂订購购銷销" +
	"錢钱匯汇準准態态災灾綠绿黨党療疗養养殘残婦妇僑侨臺台獨独龍龙鳳凤陽阳併并週周徵征" +
	"兩两麼么麗丽黃黄廠厂廢废彙汇狀状況况滿满盡尽壯壮屆届紮扎覽览勝胜揮挥輔辅啟启轄辖" +
	"戶户載载嚴严獲获幣币競竞間间記记眾众簡简無无細细國国執执堅坚帶带戰战撐撑斷断晉晋決决" +
	"濟济礎础種种穩稳納纳給给絲丝絳绛綜综緊紧編编繼继蘇苏見见視视許许話话請请謀谋變变" +
	"賦赋輪轮違违適适邊边銜衔鍵键階阶際际響响頒颁驅驱並并側侧儘尽從从徑径橋桥礙碍託托" +
	"訪访縫缝鍛锻頸颈" +
	// 計畫 is how converters write 计划: 畫 is read as 划, not 画.
	"畫划"

var simplified = func() map[rune]rune {
	rs := []rune(traditionalPairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] != rs[i+1] {
			m[rs[i]] = rs[i+1]
		}
	}
	return m
}()

// traditionalSet is simplified's keys as a bitmap over the Basic
// Multilingual Plane: key runs on every line, and most lines hold no
// traditional character at all.
var traditionalSet = func() *[0x10000 / 64]uint64 {
	var set [0x10000 / 64]uint64
	for r := range simplified {
		set[r/64] |= 1 << (r % 64)
	}
	return &set
}()

func isTraditional(r rune) bool {
	return r < 0x10000 && traditionalSet[r/64]&(1<<(r%64)) != 0
}

// joinSegments joins the lines of a paragraph that extraction broke: with
// nothing between Chinese characters ("数字经" + "济产业"), with a space
// between Latin words.
func joinSegments(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if isLatin(last) && isLatin(first) {
		return a + " " + b
	}
	return a + b
}

// toASCIIDigits maps full-width digits to ASCII: task numbers, years, days.
func toASCIIDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + r - '０'
		}
		return r
	}, s)
}

// hanNumber reads a Chinese numeral up to 99 (一, 十二, 二十, 二十三, 〇).
func hanNumber(s string) int {
	digit := hanDigit
	rs := []rune(s)
	switch {
	case len(rs) == 0:
		return -1
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return digit(rs[0])
	case len(rs) == 2 && rs[0] == '十':
		if d := digit(rs[1]); d > 0 {
			return 10 + d
		}
	case len(rs) == 2 && rs[1] == '十':
		if d := digit(rs[0]); d > 0 {
			return d * 10
		}
	case len(rs) == 3 && rs[1] == '十':
		if a, b := digit(rs[0]), digit(rs[2]); a > 0 && b > 0 {
			return a*10 + b
		}
	}
	return -1
}

// hanDigit reads one Chinese digit (二〇二二年 writes years digit by digit);
// -1 when r is none.
func hanDigit(r rune) int {
	switch r {
	case '〇', '○', '零', 'Ｏ':
		return 0
	}
	if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
		return i/len("一") + 1
	}
	return -1
}

// repairText undoes the damage that web pages and converters leave inside
// a line, before anything is read: the pinyin a converter glosses after a
// character (發(fā) → 發, 號(hào) → 號) and stray HTML tags. Unlike cleanText
// it may shorten the text, so it runs once, on the line as decoded.
func repairText(s string) string {
	if strings.ContainsAny(s, "(（") {
		s = dropGlosses(s)
	}
	if strings.Contains(s, "<") {
		s = htmlTagRe.ReplaceAllString(s, "")
	}
	return s
}

var htmlTagRe = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>`)

// maxGloss bounds a pinyin syllable with its tone mark: zhuàng is six.
const maxGloss = 7

// dropGlosses removes a bracketed pinyin syllable that directly follows a
// Chinese character. A syllable has a tone mark, so "(a)" and "(GDP)" stay.
func dropGlosses(s string) string {
	var b strings.Builder
	copied := 0 // s[:copied] is in b
	var prev rune
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == '(' || r == '（') && isHan(prev) {
			if end := glossEnd(s, i+n); end > 0 {
				b.WriteString(s[copied:i])
				copied, i = end, end
				continue
			}
		}
		prev = r
		i += n
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

// glossEnd returns where a pinyin gloss whose text starts at i ends (after
// its closing bracket), or 0 when there is none.
func glossEnd(s string, i int) int {
	toned := false
	for n := 0; i < len(s) && n <= maxGloss; n++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case (r == ')' || r == '）') && n > 0 && toned:
			return i + size
		case r >= 'a' && r <= 'z':
		case strings.ContainsRune(tonedVowels, r):
			toned = true
		default:
			return 0
		}
		i += size
	}
	return 0
}

const tonedVowels = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
