package plan

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"140", "140", false},
		{"0.55", "0.55", false},
		{"7.0", "7", false},
		{"0.05", "0.05", false},
		{"-3", "-3", false},
		{"+2.50", "2.5", false},
		{"1,234.5", "1234.5", false},
		{"１４０", "140", false},
		{"０．１５", "0.15", false},
		{".5", "0.5", false},
		{"000012", "12", false},
		{"0.000001", "0.000001", false},
		{"999999999999", "999999999999", false},
		{"", "", true},
		{".", "", true},
		{"-", "", true},
		{"1e3", "", true},
		{"七", "", true},
		{"1.2.3", "", true},
		{"0.0000001", "", true},
		{"1000000000000", "", true},
		{"12 3", "", true},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseDecimal(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err != nil && !errors.Is(err, ErrDecimal) {
			t.Errorf("ParseDecimal(%q) error %v is not ErrDecimal", tt.in, err)
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestDecimalSumIsExact is why Decimal exists: the 附件2 contract column.
func TestDecimalSumIsExact(t *testing.T) {
	var sum Decimal
	for _, s := range []string{"3", "0.05", "3", "0.5", "0.15", "0.1", "0.2"} {
		sum = sum.Add(MustDecimal(s))
	}
	if sum.Cmp(NewDecimal(7)) != 0 || sum.String() != "7" {
		t.Fatalf("sum = %s, want exactly 7", sum)
	}
	f := 0.0
	for _, x := range []float64{3, 0.05, 3, 0.5, 0.15, 0.1, 0.2} {
		f += x
	}
	if f == 7 {
		t.Log("float happened to add up this time")
	}
}

func TestDecimalJSONAndScan(t *testing.T) {
	var v struct {
		A Decimal  `json:"a"`
		B *Decimal `json:"b"`
		C Decimal  `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":0.15,"b":null,"c":"2.5"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.String() != "0.15" || v.B != nil || v.C.String() != "2.5" {
		t.Errorf("decoded %v %v %v", v.A, v.B, v.C)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"a":0.15,"b":null,"c":2.5}` {
		t.Errorf("encoded %s", b)
	}
	if err := json.Unmarshal([]byte(`{"a":true}`), &v); err == nil {
		t.Error("bool accepted as decimal")
	}
	var d Decimal
	for _, src := range []any{"0.05", []byte("0.05"), int64(3), nil} {
		if err := d.Scan(src); err != nil {
			t.Errorf("Scan(%v): %v", src, err)
		}
	}
	if err := d.Scan(1.5); err == nil {
		t.Error("Scan of a float64 accepted: floats must not reach sums")
	}
	if s := NewDecimal(-5).Sub(MustDecimal("0.5")).String(); s != "-5.5" {
		t.Errorf("-5 - 0.5 = %s", s)
	}
}

func TestFormatTarget(t *testing.T) {
	three := NewDecimal(3)
	tests := []struct {
		c    Comparator
		t    Decimal
		max  *Decimal
		unit string
		want string
	}{
		{AtLeast, MustDecimal("0.55"), nil, "%", "≥0.55%"},
		{MoreThan, NewDecimal(7), nil, "亿元", ">7亿元"},
		{WithinRange, NewDecimal(1), &three, "个", "1–3个"},
		{AtMost, NewDecimal(10), nil, "%", "≤10%"},
		{About, NewDecimal(5), nil, "家", "≈5家"},
	}
	for _, tt := range tests {
		if got := FormatTarget(tt.c, tt.t, tt.max, tt.unit); got != tt.want {
			t.Errorf("FormatTarget = %q, want %q", got, tt.want)
		}
	}
}

func TestRound(t *testing.T) {
	for _, tt := range []struct {
		in     string
		places int
		want   string
	}{
		{"2.432322", 4, "2.4323"}, {"2.43235", 4, "2.4324"}, {"23.900054", 2, "23.9"}, {"0.545", 2, "0.55"},
		{"-0.545", 2, "-0.55"}, {"7", 0, "7"}, {"6.5", 0, "7"}, {"1.234567", 6, "1.234567"}, {"0.000005", 5, "0.00001"},
	} {
		if got := MustDecimal(tt.in).Round(tt.places).String(); got != tt.want {
			t.Errorf("%s to %d places = %s, want %s", tt.in, tt.places, got, tt.want)
		}
	}
}
