package plan

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// 统一社会信用代码 (USCC), GB 32100-2015: 18 characters from a set of 31
// (the digits and the capital letters without I, O, S, V, Z); the last is
// a check character over the first 17.

// usccChars are the code's characters in value order: '0' is 0, 'Y' is 30.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue is each byte's value in usccChars, -1 for bytes not in it:
// codes are checked by the million when registers are imported.
var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(usccChars); i++ {
		v[usccChars[i]] = int8(i)
	}
	return v
}()

// usccWeights weigh positions 1 to 17 (3^(i-1) mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCC errors. CheckUSCC wraps one of them with the detail.
var (
	// ErrUSCCMalformed: not 18 characters of the code's set; no list can
	// be keyed by such a code.
	ErrUSCCMalformed = errors.New("统一社会信用代码格式不对")
	// ErrUSCCCheck: well formed but the check character fails. Published
	// lists contain such codes (typed by hand, or issued before the check
	// was enforced), so readers warn and keep the row.
	ErrUSCCCheck = errors.New("统一社会信用代码校验位不符")
)

// NormalizeUSCC writes a code as the standard does: capital half-width
// letters and digits, no spaces. It maps full-width characters, drops
// every kind of space and the apostrophe or ="…" that keeps spreadsheets
// from reading a code as a number; it does not check the result.
func NormalizeUSCC(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' { // full-width ASCII
			r -= '！' - '!'
		}
		if unicode.IsSpace(r) || strings.ContainsRune("\u200b\ufeff'‘’=\"", r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// USCCCheckChar returns the check character for the first 17 characters of
// a code (C18 = 31 − (Σ Ci·Wi mod 31), 31 written 0), and false when they
// are not 17 characters of the code's set.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := int(usccValue[first17[i]])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31], true
}

// CheckUSCC reports what is wrong with a normalised code: nil, or an error
// wrapping ErrUSCCMalformed (length, characters) or ErrUSCCCheck, whose
// text says what a person should look at.
func CheckUSCC(code string) error {
	if n := len([]rune(code)); n != 18 {
		return fmt.Errorf("%w：应为18位，实为%d位", ErrUSCCMalformed, n)
	}
	for i, r := range code {
		if r >= 0x80 || usccValue[r] < 0 {
			if strings.ContainsRune("IOSVZ", r) {
				return fmt.Errorf("%w：第%d位“%c”不用于信用代码（不含字母 I O S V Z）", ErrUSCCMalformed, i+1, r)
			}
			return fmt.Errorf("%w：第%d位“%c”不是数字或大写字母", ErrUSCCMalformed, i+1, r)
		}
	}
	want, _ := USCCCheckChar(code[:17])
	if code[17] != want {
		return fmt.Errorf("%w：第18位应为“%c”，实为“%c”", ErrUSCCCheck, want, code[17])
	}
	return nil
}
