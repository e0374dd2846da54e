package register

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kechuang/internal/plan"
)

// cleanCell is a cell's text as the reader uses it: line breaks joined,
// surrounding spaces (full-width and no-break ones too) trimmed, and the
// ="…" wrapper some exports put around codes removed.
func cleanCell(s string) string {
	if plainCell(s) {
		return s
	}
	s = plan.JoinLines(s)
	s = strings.TrimFunc(s, isBlank)
	if t, ok := strings.CutPrefix(s, `="`); ok && strings.HasSuffix(t, `"`) {
		s = strings.TrimFunc(strings.TrimSuffix(t, `"`), isBlank)
	}
	return s
}

func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

// plainCell reports whether cleanCell would return s as it is: no line
// break, nothing blank at either end, no ="…" wrapper. Most cells are.
func plainCell(s string) bool {
	if s == "" {
		return true
	}
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 || strings.HasPrefix(s, `="`) {
		return false
	}
	if b := s[0]; b < utf8.RuneSelf {
		if b <= ' ' {
			return false
		}
	} else if r, _ := utf8.DecodeRuneInString(s); isBlank(r) {
		return false
	}
	if b := s[len(s)-1]; b < utf8.RuneSelf {
		return b > ' '
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return !isBlank(r)
}

// isASCII reports whether s is all ASCII: narrow leaves such text as it is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// narrow maps full-width ASCII (digits, letters, punctuation) and the
// ideographic space to their half-width forms.
func narrow(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - ('！' - '!')
		case r == '\u3000':
			return ' '
		case r == '−':
			return '-'
		}
		return r
	}, s)
}

// Units of measure. A value in unit u is value × 10^u.exp in the reader's
// base unit: 万元 for money, 万人 for people.
type dimension int

const (
	dimMoney dimension = iota + 1
	dimPeople
	dimCount
)

type unit struct {
	label string
	dim   dimension
	exp   int
}

var units = map[string]unit{
	"元": {"元", dimMoney, -4}, "人民币元": {"元", dimMoney, -4}, "元人民币": {"元", dimMoney, -4},
	"千元": {"千元", dimMoney, -1}, "万元": {"万元", dimMoney, 0}, "百万元": {"百万元", dimMoney, 2},
	"亿元": {"亿元", dimMoney, 4},
	"人":  {"人", dimPeople, -4}, "万人": {"万人", dimPeople, 0},
	"家": {"家", dimCount, 0}, "个": {"个", dimCount, 0}, "件": {"件", dimCount, 0}, "项": {"项", dimCount, 0},
}

// parseUnit reads a unit as headers and 计量单位 columns write it: 万元,
// 单位：万元, 亿元.
func parseUnit(s string) (unit, bool) {
	k := normKey(s)
	for _, p := range []string{"金额单位:", "计量单位:", "单位:", "金额单位", "计量单位", "单位"} {
		if t, ok := strings.CutPrefix(k, p); ok && t != "" {
			k = t
			break
		}
	}
	u, ok := units[k]
	return u, ok
}

// number is a decimal read from a cell, kept as its digits so that no
// float ever stands between the list and the record.
type number struct {
	neg         bool
	whole, frac string // digits before and after the point
}

// parseNumber reads "1,234.5", "１２.３", "-3", "1.2E+5". Excel stores a
// number as the shortest text that reads back to its binary value, which
// for results of formulas can be 0.30000000000000004: such text, with more
// than the 15 significant digits Excel shows, is rounded to 15.
func parseNumber(s string) (number, bool) {
	if !plainNumber(s) {
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= '０' && r <= '９':
				return '0' + (r - '０')
			case r == '．':
				return '.'
			case r == '，' || r == ',' || isBlank(r) || r == '\u3000':
				return -1
			case r == '－' || r == '−':
				return '-'
			case r == '＋':
				return '+'
			}
			return r
		}, s)
	}
	n, exp, ok := scanNumber(s)
	if !ok {
		return number{}, false
	}
	if exp != 0 {
		n = n.shift(exp)
	}
	return n.roundSignificant(15), true
}

// numberChars reports whether s has only digits, points, signs and
// exponents.
func numberChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= '0' && b <= '9', b == '.', b == '+', b == '-', b == 'e', b == 'E':
		default:
			return false
		}
	}
	return true
}

// plainNumber reports whether parseNumber's mapping would leave s as it
// is: ASCII with no separator or space.
func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || b <= ' ' || b == ',' {
			return false
		}
	}
	return true
}

// scanNumber splits [+-]digits[.digits][e[+-]ddd]; at least one digit.
func scanNumber(s string) (n number, exp int, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.neg = s[i] == '-'
		i++
	}
	digits := func() string {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return s[j:i]
	}
	n.whole = digits()
	if i < len(s) && s[i] == '.' {
		i++
		n.frac = digits()
	}
	if n.whole == "" && n.frac == "" {
		return number{}, 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		sign := 1
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			if s[i] == '-' {
				sign = -1
			}
			i++
		}
		e := digits()
		if e == "" || len(e) > 3 {
			return number{}, 0, false
		}
		exp, _ = strconv.Atoi(e)
		exp *= sign
	}
	return n, exp, i == len(s)
}

// shift multiplies the number by 10^e, exactly.
func (n number) shift(e int) number {
	digits := n.whole + n.frac
	point := len(n.whole) + e
	switch {
	case point < 0:
		digits = strings.Repeat("0", -point) + digits
		point = 0
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	return number{neg: n.neg, whole: digits[:point], frac: digits[point:]}
}

// roundSignificant rounds half up to at most sig significant digits.
func (n number) roundSignificant(sig int) number {
	if len(n.whole)+len(n.frac) <= sig {
		return n // the common case, decided without joining the digits
	}
	digits := n.whole + n.frac
	lead := len(digits) - len(strings.TrimLeft(digits, "0"))
	if len(digits)-lead <= sig {
		return n
	}
	cut := lead + sig // digits[cut:] are dropped
	if cut < len(n.whole) {
		return n // an integer so large it cannot be a figure; decimal() refuses it
	}
	keep := []byte(digits[:cut])
	if digits[cut] >= '5' {
		i := len(keep) - 1
		for ; i >= 0 && keep[i] == '9'; i-- {
			keep[i] = '0'
		}
		if i >= 0 {
			keep[i]++
		} else {
			keep = append([]byte{'1'}, keep...)
			return number{neg: n.neg, whole: string(keep[:len(n.whole)+1]), frac: string(keep[len(n.whole)+1:])}
		}
	}
	return number{neg: n.neg, whole: string(keep[:len(n.whole)]), frac: string(keep[len(n.whole):])}
}

// decimal converts the number, in unit u, to the base unit (万元, 万人). It
// fails with a reason when the result needs more than six decimal places
// or twelve integer digits.
func (n number) decimal(u unit) (plan.Decimal, string) {
	// The digits are whole then frac, the point after len(whole)+u.exp of
	// them (zeros filling in on either side): read in place, without
	// shifting strings.
	nd := len(n.whole) + len(n.frac)
	digit := func(k int) byte {
		if k < len(n.whole) {
			return n.whole[k] - '0'
		}
		return n.frac[k-len(n.whole)] - '0'
	}
	first, last := -1, -1 // the first and last digits that are not 0
	for k := range nd {
		if digit(k) != 0 {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	point := len(n.whole) + u.exp
	var intDigits, fracDigits int
	if first >= 0 {
		intDigits = max(0, point-first)
		fracDigits = max(0, last+1-point)
	}
	if intDigits > 12 {
		return plan.Decimal{}, "数值过大"
	}
	if fracDigits > 6 {
		if u.exp != 0 {
			return plan.Decimal{}, "换算为" + baseLabel(u) + "后超过6位小数"
		}
		return plan.Decimal{}, "超过6位小数"
	}
	// At most 12 + 6 digits: the micros fit in an int64.
	var m int64
	if first >= 0 {
		for k := first; k <= last; k++ {
			m = m*10 + int64(digit(k))
		}
		for range point + 6 - (last + 1) {
			m *= 10
		}
	}
	if n.neg {
		m = -m
	}
	return plan.DecimalFromMicros(m), ""
}

func baseLabel(u unit) string {
	if u.dim == dimPeople {
		return "万人"
	}
	return "万元"
}

// notGiven are cell texts offices write for "nothing here".
var notGiven = map[string]bool{"/": true, "／": true, "-": true, "－": true, "—": true, "——": true, "\\": true, "无": true}

// nothing reports whether a cell holds one of the notGiven texts, the
// longest of which is "——".
func nothing(s string) bool { return s != "" && len(s) <= len("——") && notGiven[s] }

// cellUnits are units written in an amount's cell: 12.3万元, 1.2亿.
var cellUnits = []struct {
	suffix string
	unit   string
}{{"亿元", "亿元"}, {"万元", "万元"}, {"千元", "千元"}, {"元", "元"}, {"亿", "亿元"}, {"万", "万元"}}

// parseAmount reads an amount cell: a number, possibly with a currency
// sign in front and a unit behind, which then wins over the column's.
func parseAmount(s string) (n number, cellUnit *unit, ok bool) {
	if numberChars(s) {
		// No currency, unit or space to take off: most cells.
		n, ok = parseNumber(s)
		return n, nil, ok
	}
	t := strings.TrimSpace(narrow(s))
	for _, p := range []string{"¥", "￥", "RMB", "人民币"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	for _, cu := range cellUnits {
		if base, found := strings.CutSuffix(t, cu.suffix); found {
			u := units[cu.unit]
			cellUnit, t = &u, strings.TrimSpace(base)
			break
		}
	}
	n, ok = parseNumber(t)
	return n, cellUnit, ok
}

// Dates. Lists write them in every way a person or a program does; the
// reader returns civil dates "YYYY-MM-DD".
var (
	dateYMD   = regexp.MustCompile(`^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?\.?$`)
	dateTime  = regexp.MustCompile(`^(.+?)(?:[T\s]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)$`)
	dateFlat  = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	dateHan   = regexp.MustCompile(`^([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]$`)
	dateSpans = regexp.MustCompile(`[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*[日号]?|[0-9]{8}`)
	serialNum = regexp.MustCompile(`^[0-9]{5}(?:\.[0-9]+)?$`)
)

// parseDate reads 2022-03-31, 2022/3/31, 2022.3.31, 2022年3月31日,
// 20220331, "2022-03-31 00:00:00", 二〇二二年三月三十一日, and Excel's day
// numbers (44651) as a 1900-based workbook writes them.
func parseDate(s string) (string, bool) {
	t := strings.TrimSpace(narrow(s))
	if d, ok := isoDate(t); ok {
		return d, true
	}
	if m := dateTime.FindStringSubmatch(t); m != nil {
		t = strings.TrimSpace(m[1])
	}
	if m := dateYMD.FindStringSubmatch(t); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if m := dateFlat.FindStringSubmatch(t); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if m := dateHan.FindStringSubmatch(t); m != nil {
		y := strings.Map(func(r rune) rune { return '0' + rune(hanDigit(r)) }, m[1])
		return civil(y, strconv.Itoa(hanNumber(m[2])), strconv.Itoa(hanNumber(m[3])))
	}
	if serialNum.MatchString(t) {
		return serialDate(t, false)
	}
	return "", false
}

// isoDate reads the forms most cells hold without a regular expression:
// 2022-03-31, 2022/3/31, 2022.3.31, with or without a time of day after a
// space or a T.
func isoDate(t string) (string, bool) {
	if len(t) == 10 && t[4] == '-' && t[7] == '-' && allDigits(t[:4]) && allDigits(t[5:7]) && allDigits(t[8:]) {
		// Already as the reader writes dates: kept, not written anew.
		if validDate(atoi4(t[:4]), atoi4(t[5:7]), atoi4(t[8:])) {
			return t, true
		}
		return "", false
	}
	if len(t) < 8 || t[4] != '-' && t[4] != '/' && t[4] != '.' {
		return "", false
	}
	sep := t[4]
	num := func(s string) (string, string, bool) {
		j := 0
		for j < len(s) && j < 2 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return s[:j], s[j:], j > 0
	}
	year := t[:4]
	month, rest, ok1 := num(t[5:])
	if !ok1 || rest == "" || rest[0] != sep {
		return "", false
	}
	day, rest, ok2 := num(rest[1:])
	if !ok2 || !allDigits(year) {
		return "", false
	}
	if rest != "" {
		if rest[0] != ' ' && rest[0] != 'T' || !dateTime.MatchString("0"+rest) {
			return "", false
		}
	}
	return civil(year, month, day)
}

// dateMsg words why a date cell was refused.
func dateMsg(s string) string {
	return fmt.Sprintf("“%s” 不是日期（应写到日，如 2022-03-31）", s)
}

func civil(y, m, d string) (string, bool) {
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	if !validDate(year, month, day) {
		return "", false
	}
	b := []byte("0000-00-00")
	b[0], b[1], b[2], b[3] = byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10)
	b[5], b[6] = byte('0'+month/10), byte('0'+month%10)
	b[8], b[9] = byte('0'+day/10), byte('0'+day%10)
	return string(b), true
}

// validDate reports whether the date is a day of the years the reader
// takes (1900–2199): not 2月30日.
func validDate(year, month, day int) bool {
	if year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// atoi4 reads up to four ASCII digits.
func atoi4(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func hanDigit(r rune) int {
	if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
		return i/len("一") + 1
	}
	return 0 // 〇, 零, ○
}

// hanNumber reads 一 … 三十一.
func hanNumber(s string) int {
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return hanDigit(rs[0])
	case rs[0] == '十':
		return 10 + hanDigit(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return hanDigit(rs[0]) * 10
	case len(rs) == 3 && rs[1] == '十':
		return hanDigit(rs[0])*10 + hanDigit(rs[2])
	}
	return 0
}

// serialDate converts an Excel day number. In the 1900 system day 1 is
// 1900-01-01 and day 60 the 29 February 1900 that Excel counts but that
// never was; in the 1904 system day 0 is 1904-01-01. The fraction is the
// time of day.
func serialDate(s string, d1904 bool) (string, bool) {
	whole, _, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n < 0 || n == 0 && !d1904 || n > 2958465 {
		return "", false
	}
	var t time.Time
	switch {
	case d1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	case n == 60:
		return "", false
	case n < 60:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	}
	if t.Year() > 2199 {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// datesIn finds the dates in a text such as 2022.12.04-2025.12.03 or
// 2022年12月4日至2025年12月3日, in order.
func datesIn(s string) []string {
	var out []string
	for _, m := range dateSpans.FindAllString(narrow(s), 3) {
		if d, ok := parseDate(m); ok {
			out = append(out, d)
		}
	}
	return out
}

// addYears returns the civil date n years later (29 February → 1 March).
func addYears(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return t.AddDate(n, 0, 0).Format(time.DateOnly)
}

// parseYear reads a year column: 2022, 2022年, 2022年度, or a number
// stored by Excel (2022.0 never happens, but "2022" from a date cell does).
func parseYear(s string) (int, bool) {
	t := strings.TrimSpace(narrow(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "度"), "年")
	y, err := strconv.Atoi(strings.TrimSpace(t))
	if err != nil || y < 1900 || y > 2199 {
		return 0, false
	}
	return y, true
}

// yesNo reads a 是/否 cell; ok is false for any other text.
func yesNo(s string) (yes, ok bool) {
	switch strings.ToUpper(strings.TrimSpace(narrow(s))) {
	case "是", "有", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "已建", "建有":
		return true, true
	case "否", "无", "×", "✗", "N", "NO", "0", "FALSE", "未建", "没有":
		return false, true
	}
	return false, false
}

// normLevel reads a platform's or R&D institution's level: 国家级, 国家,
// 省级, 省, 市级, 区级 (县级 is the same tier).
func normLevel(s string) (string, bool) {
	k := normKey(s)
	switch {
	case k == "":
		return "", false
	case strings.HasPrefix(k, "国家") || strings.HasPrefix(k, "国际"):
		return plan.LevelNation, true
	case strings.HasPrefix(k, "省"):
		return plan.LevelProvince, true
	case strings.HasPrefix(k, "市") || strings.HasPrefix(k, "地市"):
		return plan.LevelCity, true
	case strings.HasPrefix(k, "区") || strings.HasPrefix(k, "县"):
		return plan.LevelDistrict, true
	}
	return "", false
}

// levelPrefix finds a level written at the start of a kind: 省级工程技术研究中心.
func levelPrefix(kind string) (string, bool) {
	k := normKey(kind)
	for _, p := range []string{"国家级", "国家", "省级", "省", "市级", "市", "区级", "县级"} {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return normLevel(p)
		}
	}
	return "", false
}
