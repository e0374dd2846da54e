package plan

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// decimalScale is the number of fractional digits a Decimal keeps. Six
// digits hold a 亿元 figure down to the 元 and a percentage to a millionth.
const decimalScale = 6

const decimalUnit = 1_000_000 // 10^decimalScale

// Decimal is an exact decimal number: targets, allocations and reported
// values are added up, and float sums drift (0.05+0.15+… ≠ 7). The zero value
// is 0.
type Decimal struct {
	micros int64 // value × 10^6
}

// ErrDecimal is returned for text that is not a decimal number.
var ErrDecimal = errors.New("not a decimal number")

// maxDecimalDigits bounds the integer part so that value × 10^6 fits in int64.
const maxDecimalDigits = 12

// NewDecimal returns the decimal equal to the integer n.
func NewDecimal(n int64) Decimal { return Decimal{micros: n * decimalUnit} }

// ParseDecimal reads a plain decimal such as "140", "0.55", "-3", "7.0",
// "1,234.5" or "１４０" (full-width digits, as offices type them). It refuses
// exponents, more than six fractional digits and more than twelve integer digits.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(normalizeDigits(s))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return Decimal{}, fmt.Errorf("%w: empty", ErrDecimal)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, fracPart, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || fracPart == "") {
		return Decimal{}, fmt.Errorf("%w: %q", ErrDecimal, s)
	}
	if !allDigits(intPart) || !allDigits(fracPart) {
		return Decimal{}, fmt.Errorf("%w: %q", ErrDecimal, s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > maxDecimalDigits {
		return Decimal{}, fmt.Errorf("%w: %q has more than %d integer digits", ErrDecimal, s, maxDecimalDigits)
	}
	fracPart = strings.TrimRight(fracPart, "0")
	if len(fracPart) > decimalScale {
		return Decimal{}, fmt.Errorf("%w: %q has more than %d decimal places", ErrDecimal, s, decimalScale)
	}
	var whole, frac int64
	if intPart != "" {
		whole, _ = strconv.ParseInt(intPart, 10, 64)
	}
	if fracPart != "" {
		frac, _ = strconv.ParseInt(fracPart+strings.Repeat("0", decimalScale-len(fracPart)), 10, 64)
	}
	m := whole*decimalUnit + frac
	if neg {
		m = -m
	}
	return Decimal{micros: m}, nil
}

// Micros returns d × 10^6 exactly. Registers store figures on this integer
// scale so that SQL sums stay exact: a 万元 amount in micros is its value in
// 分, a 万人 population in persons/100.
func (d Decimal) Micros() int64 { return d.micros }

// DecimalFromMicros returns the decimal m × 10^-6, the inverse of Micros.
func DecimalFromMicros(m int64) Decimal { return Decimal{micros: m} }

// MustDecimal is ParseDecimal for constants in code and tests.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeDigits maps full-width digits, dot, comma and signs to ASCII.
func normalizeDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '，':
			return ','
		case r == '－' || r == '−':
			return '-'
		case r == '＋':
			return '+'
		}
		return r
	}, s)
}

// String formats the decimal without trailing zeros: "140", "0.55", "-0.05".
func (d Decimal) String() string {
	m := d.micros
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	whole, frac := m/decimalUnit, m%decimalUnit
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	f := strings.TrimRight(fmt.Sprintf("%06d", frac), "0")
	return sign + strconv.FormatInt(whole, 10) + "." + f
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.micros == 0 }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.micros < 0:
		return -1
	case d.micros > 0:
		return 1
	}
	return 0
}

// Add returns d + e.
func (d Decimal) Add(e Decimal) Decimal { return Decimal{micros: d.micros + e.micros} }

// Sub returns d − e.
func (d Decimal) Sub(e Decimal) Decimal { return Decimal{micros: d.micros - e.micros} }

// Cmp compares d and e: -1 if d < e, 0 if equal, +1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.micros < e.micros:
		return -1
	case d.micros > e.micros:
		return 1
	}
	return 0
}

// Round rounds d to places decimals (0 to 6), half away from zero.
func (d Decimal) Round(places int) Decimal {
	if places >= decimalScale || places < 0 {
		return d
	}
	step := int64(1)
	for range decimalScale - places {
		step *= 10
	}
	q, r := d.micros/step, d.micros%step
	switch {
	case r*2 >= step:
		q++
	case r*2 <= -step:
		q--
	}
	return Decimal{micros: q * step}
}

// Float64 returns an approximation for ratios and charts, never for sums.
func (d Decimal) Float64() float64 { return float64(d.micros) / decimalUnit }

// MarshalJSON writes the decimal as a JSON number with its exact digits.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		unq, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrDecimal, s)
		}
		s = unq
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the decimal as exact text, the same on SQLite and PostgreSQL.
func (d Decimal) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a decimal stored as text (or as a number by hand-written SQL).
func (d *Decimal) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return d.UnmarshalJSON([]byte(v))
	case []byte:
		return d.UnmarshalJSON(v)
	case int64:
		*d = NewDecimal(v)
		return nil
	case nil:
		*d = Decimal{}
		return nil
	}
	return fmt.Errorf("plan: cannot scan %T into Decimal", src)
}
