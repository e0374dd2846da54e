package plan_test

import (
	"slices"
	"testing"
	"time"

	"kechuang/internal/plan"
)

func TestParseDeadline(t *testing.T) {
	for _, c := range []struct {
		text string
		year int
		want string // "" for no date
	}{
		{"6月底前", 2022, "2022-06-30"},
		{"年底前", 2022, "2022-12-31"},
		{"2022年9月", 2022, "2022-09-30"},
		{"2022年10月底前", 2022, "2022-10-31"},
		{"2023年12月底", 2022, "2023-12-31"},
		{"2023年12月", 2022, "2023-12-31"},
		{"2月底前", 2024, "2024-02-29"}, // a leap year
		{"2月底前", 2022, "2022-02-28"},
		{"9月30日前", 2022, "2022-09-30"},
		{"9月30号", 2022, "2022-09-30"},
		{"10月中旬", 2022, "2022-10-20"},
		{"10月上旬", 2022, "2022-10-10"},
		{"10月下旬", 2022, "2022-10-31"},
		{"六月底前", 2022, "2022-06-30"},
		{"十二月十五日前", 2022, "2022-12-15"},
		{"二〇二二年十一月", 0, "2022-11-30"},
		{"２０２２年６月３０日", 0, "2022-06-30"},
		{"2022-06-15", 0, "2022-06-15"},
		{"2022.6.15", 0, "2022-06-15"},
		{"2022/6", 0, "2022-06-30"},
		{"上半年", 2022, "2022-06-30"},
		{"2022年下半年", 0, "2022-12-31"},
		{"三季度末", 2022, "2022-09-30"},
		{"第一季度", 2022, "2022-03-31"},
		{"2022年底", 0, "2022-12-31"},
		{"2022年", 0, "2022-12-31"},
		{"年内完成", 2022, "2022-12-31"},
		{"全年", 2022, "2022-12-31"},
		{"次年3月底前", 2022, "2023-03-31"},
		{"今年底", 2022, "2022-12-31"},
		// A range ends at its last date; a year written applies to what follows.
		{"2022年6月至12月", 0, "2022-12-31"},
		{"2022年至2023年", 2022, "2023-12-31"},
		{"6月底前出台方案，12月底前全面完成", 2022, "2022-12-31"},
		// No date named, or none that exists.
		{"长期坚持", 2022, ""},
		{"持续推进", 2022, ""},
		{"每月10日前报送", 2022, ""},
		{"", 2022, ""},
		{"2月30日前", 2022, ""},
		{"13月", 2022, ""},
		{"6月底前", 0, ""}, // no year to put it in
	} {
		got, ok := plan.ParseDeadline(c.text, c.year)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseDeadline(%q, %d) = %q, %v; want %q", c.text, c.year, got, ok, c.want)
		}
	}
}

func TestDeadlineDatesInOrder(t *testing.T) {
	// A milestone's description leads with its time: the first date is its
	// due date, whatever else the text names later.
	got := plan.DeadlineDates("6月底前出台《2023年实施方案》", 2022)
	if want := []string{"2022-06-30", "2023-12-31"}; !slices.Equal(got, want) {
		t.Errorf("dates %v, want %v", got, want)
	}
}

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"6月底前", "2022年9月", "二〇二二年十二月十五日", "三季度末", "2022.6.15", "十十月", "九十九日"} {
		f.Add(s, 2022)
	}
	f.Fuzz(func(t *testing.T, s string, year int) {
		for _, d := range plan.DeadlineDates(s, year) {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				t.Fatalf("%q gave %q, not a date", s, d)
			}
		}
	})
}
