package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DeadlineDates lists the civil dates (YYYY-MM-DD) a time limit as written
// (完成时限, 节点) names, in the order written: 6月底前 → the plan year's
// 06-30, 年底前 → 12-31, 2022年9月 → 2022-09-30, 10月中旬 → 10-20, 三季度末
// → 09-30, 2022.6.15 → 2022-06-15. A month without a day is its last day
// (上旬 the 10th, 中旬 the 20th). A date without a year takes the year
// written last before it in the same text, else year (the plan's); with
// neither (year 0) it is left out, as are dates that do not exist (2月30日)
// and words that name no date (长期坚持, 每月).
func DeadlineDates(text string, year int) []string {
	s := normalizeDateText(text)
	var out []string
	current := year
	for _, m := range dateRe.FindAllStringSubmatchIndex(s, -1) {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		var y, mon, day int
		switch {
		case g(1) != "": // 2022-06-30, 2022.6
			y, mon = atoi(g(1)), atoi(g(2))
			if g(3) != "" {
				day = atoi(g(3))
			}
		case g(6) != "": // [year] 6月[30日|底|中旬…]
			y = yearOf(g(4), g(5), current, year)
			mon = atoi(g(6))
			switch part := g(8); {
			case g(7) != "":
				day = atoi(g(7))
			case part == "上旬":
				day = 10
			case part == "中旬":
				day = 20
			case part == "中":
				day = 15
			}
		case g(11) != "": // [year] 上半年, 三季度末, 年底 …
			y = yearOf(g(9), g(10), current, year)
			switch p := g(11); {
			case p == "上半年":
				mon = 6
			case strings.Contains(p, "季度"):
				mon = 3 * quarterOf(g(12))
			default: // 下半年, 年底, 年末, 年内, 全年
				mon = 12
			}
		default: // 2022年[底|末|内], 次年底
			y = yearOf(g(13), g(14), current, year)
			mon = 12
		}
		if g(1) != "" || g(4) != "" || g(9) != "" || g(13) != "" {
			current = y // a year written stays in force for what follows it
		}
		if d, ok := civilDate(y, mon, day); ok {
			out = append(out, d)
		}
	}
	return out
}

// ParseDeadline is the date a time limit as written comes to: the last of
// the dates it names (2022年6月至12月 → 2022-12-31), ok false when it names
// none. The text itself is kept as written; the date is derived from it.
func ParseDeadline(text string, year int) (string, bool) {
	last := ""
	for _, d := range DeadlineDates(text, year) {
		if d > last {
			last = d
		}
	}
	return last, last != ""
}

// dateRe matches one date phrase; alternatives are tried in order at each
// position, so "2022年9月" is a month, not the year 2022.
var dateRe = regexp.MustCompile(
	`(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?` +
		`|(?:(\d{4})年|(次年|明年|今年|当年|本年))?(\d{1,2})月(?:(\d{1,2})[日号]|(上旬|中旬|下旬|底|末|份|中))?` +
		`|(?:(\d{4})年|(次年|明年|今年|当年|本年))?(上半年|下半年|第?([一二三四1-4])季度末?|年底|年末|年内|全年)` +
		`|(?:(\d{4})年|(次年|明年|今年|当年|本年))(?:底|末|内)?`)

// yearOf is the year of a date phrase: written out, relative to the plan's
// year (次年 is the year after it), or the one in force.
func yearOf(digits, relative string, current, planYear int) int {
	switch {
	case digits != "":
		return atoi(digits)
	case relative == "次年" || relative == "明年":
		if planYear == 0 {
			return 0
		}
		return planYear + 1
	case relative != "":
		return planYear
	}
	return current
}

func quarterOf(s string) int {
	switch s {
	case "一", "1":
		return 1
	case "二", "2":
		return 2
	case "三", "3":
		return 3
	}
	return 4
}

// civilDate writes a date, the month's last day when day is 0; ok false
// when it does not exist or lies outside the years plans are written for.
func civilDate(y, m, d int) (string, bool) {
	if y < 1990 || y > 2100 || m < 1 || m > 12 {
		return "", false
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d == 0 {
		d = last
	}
	if d < 1 || d > last {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// normalizeDateText turns full-width digits into ASCII and Chinese numerals
// before 年, 月, 日 and 号 into digits: 二〇二二年十二月十五日 → 2022年12月15日.
func normalizeDateText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		}
		return r
	}, s)
	return cnNumberRe.ReplaceAllStringFunc(s, func(m string) string {
		r := []rune(m)
		suffix := string(r[len(r)-1])
		n, ok := cnNumber(string(r[:len(r)-1]))
		if !ok {
			return m
		}
		return strconv.Itoa(n) + suffix
	})
}

var cnNumberRe = regexp.MustCompile(`[〇零一二两三四五六七八九十]{1,4}[年月日号]`)

var cnDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// cnNumber reads 十, 十二, 二十, 三十一 or, digit by digit, 二〇二二.
func cnNumber(s string) (int, bool) {
	r := []rune(s)
	digits := func(rs []rune) (int, bool) {
		n := 0
		for _, c := range rs {
			d, ok := cnDigits[c]
			if !ok {
				return 0, false
			}
			n = n*10 + d
		}
		return n, true
	}
	i := slices.Index(r, '十')
	switch {
	case i < 0:
		return digits(r)
	case i > 1 || len(r)-i > 2:
		return 0, false
	}
	tens, units := 1, 0
	var ok bool
	if i == 1 {
		if tens, ok = digits(r[:1]); !ok {
			return 0, false
		}
	}
	if i+1 < len(r) {
		if units, ok = digits(r[i+1:]); !ok {
			return 0, false
		}
	}
	return tens*10 + units, true
}
