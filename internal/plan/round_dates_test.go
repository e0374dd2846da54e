package plan_test

import (
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
)

// beijing is a wall-clock time in Asia/Shanghai.
func beijing(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, plan.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOverdue(t *testing.T) {
	for _, c := range []struct {
		name  string
		round plan.RoundState
		due   string
		form  plan.FormState
		now   time.Time
		want  bool
	}{
		{"due date itself, evening", plan.RoundOpen, "2022-08-05", plan.FormEmpty, beijing("2022-08-05 23:59"), false},
		{"next day just after midnight", plan.RoundOpen, "2022-08-05", plan.FormEmpty, beijing("2022-08-06 00:01"), true},
		// 16:30 UTC on the 5th is 00:30 on the 6th in Beijing: overdue,
		// though the UTC date is still the due date.
		{"UTC still on the due date", plan.RoundOpen, "2022-08-05", plan.FormDraft, time.Date(2022, 8, 5, 16, 30, 0, 0, time.UTC), true},
		// 15:59 UTC on the 5th is 23:59 in Beijing: on time.
		{"UTC before Beijing midnight", plan.RoundOpen, "2022-08-05", plan.FormDraft, time.Date(2022, 8, 5, 15, 59, 0, 0, time.UTC), false},
		{"returned and not resubmitted", plan.RoundOpen, "2022-08-05", plan.FormReturned, beijing("2022-08-09 10:00"), true},
		{"submitted is never overdue", plan.RoundOpen, "2022-08-05", plan.FormSubmitted, beijing("2022-08-09 10:00"), false},
		{"approved is never overdue", plan.RoundOpen, "2022-08-05", plan.FormApproved, beijing("2022-08-09 10:00"), false},
		{"a draft round has no deadline yet", plan.RoundDraft, "2022-08-05", plan.FormEmpty, beijing("2022-08-09 10:00"), false},
		{"a closed round: the bulletin says who did not report", plan.RoundClosed, "2022-08-05", plan.FormEmpty, beijing("2022-08-09 10:00"), false},
		{"before the due date", plan.RoundOpen, "2022-08-05", plan.FormEmpty, beijing("2022-08-01 09:00"), false},
	} {
		if got := plan.Overdue(c.round, c.due, c.form, c.now); got != c.want {
			t.Errorf("%s: Overdue = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestLate(t *testing.T) {
	for _, c := range []struct {
		name string
		due  string
		at   time.Time
		want bool
	}{
		{"23:59 Beijing on the due date", "2022-08-05", beijing("2022-08-05 23:59"), false},
		{"00:01 Beijing the next day", "2022-08-05", beijing("2022-08-06 00:01"), true},
		{"midnight exactly is the next day", "2022-08-05", beijing("2022-08-06 00:00"), true},
		{"days early", "2022-08-05", beijing("2022-08-02 09:00"), false},
		{"UTC date is the due date, Beijing the next day", "2022-08-05", time.Date(2022, 8, 5, 16, 1, 0, 0, time.UTC), true},
		{"UTC date is the day before, Beijing the due date", "2022-08-05", time.Date(2022, 8, 4, 17, 0, 0, 0, time.UTC), false},
		{"no due date recorded", "", beijing("2030-01-01 00:00"), false},
	} {
		if got := plan.Late(c.due, c.at); got != c.want {
			t.Errorf("%s: Late = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestLateAgainstDueAtSubmission: lateness is judged against the due date
// in force at the first submission, while overdue follows the current one.
func TestLateAgainstDueAtSubmission(t *testing.T) {
	submitted := beijing("2022-08-07 10:00")
	// Submitted on the 7th against a due date of the 5th: late, and an
	// extension to the 10th granted afterwards does not change that (the
	// store keeps 2022-08-05 as the due date at submission).
	if !plan.Late("2022-08-05", submitted) {
		t.Error("a submission two days after the due date is on time")
	}
	// The extension granted before the submission covers it.
	if plan.Late("2022-08-10", submitted) {
		t.Error("a submission within the extended deadline is late")
	}
	// An unreported form overdue on the 7th is on time again once the
	// round's due date moves to the 10th.
	if !plan.Overdue(plan.RoundOpen, "2022-08-05", plan.FormEmpty, submitted) || plan.Overdue(plan.RoundOpen, "2022-08-10", plan.FormEmpty, submitted) {
		t.Error("an extension does not lift 逾期 from an unreported form")
	}
}

func TestNextRound(t *testing.T) {
	rounds := func(asOfs ...string) []*plan.Round {
		var out []*plan.Round
		for _, a := range asOfs {
			out = append(out, &plan.Round{AsOf: a})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		year     int
		existing []*plan.Round
		now      time.Time
		want     plan.Round
	}{
		{"2022 plan viewed in 2026: the plan's last month, opening today", 2022, nil, beijing("2026-03-10 09:00"),
			plan.Round{Label: "2022年12月调度", AsOf: "2022-12-31", OpensOn: "2026-03-10", DueOn: "2026-03-17", RemindDays: 2}},
		{"first round during the year: last month", 2022, nil, beijing("2022-08-03 09:00"),
			plan.Round{Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-03", DueOn: "2022-08-10", RemindDays: 2}},
		{"first round in January: clamped to the plan's January", 2022, nil, beijing("2022-01-10 09:00"),
			plan.Round{Label: "2022年1月调度", AsOf: "2022-01-31", OpensOn: "2022-02-01", DueOn: "2022-02-08", RemindDays: 2}},
		{"after the latest round", 2022, rounds("2022-06-30", "2022-07-31"), beijing("2022-08-20 09:00"),
			plan.Round{Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-08", RemindDays: 2}},
		{"after the latest round, viewed years later", 2022, rounds("2022-07-31", "2022-03-31"), beijing("2026-05-01 09:00"),
			plan.Round{Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2026-05-01", DueOn: "2026-05-08", RemindDays: 2}},
		{"after December: stays in the plan's year", 2022, rounds("2022-12-31"), beijing("2023-01-05 09:00"),
			plan.Round{Label: "2022年12月调度", AsOf: "2022-12-31", OpensOn: "2023-01-05", DueOn: "2023-01-12", RemindDays: 2}},
		{"a plan for next year", 2027, nil, beijing("2026-11-20 09:00"),
			plan.Round{Label: "2027年1月调度", AsOf: "2027-01-31", OpensOn: "2027-02-01", DueOn: "2027-02-08", RemindDays: 2}},
		{"a mid-month data date: the next month's end", 2022, rounds("2022-07-15"), beijing("2022-07-20 09:00"),
			plan.Round{Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-08", RemindDays: 2}},
		{"February in a common year", 2023, rounds("2023-01-31"), beijing("2023-02-01 09:00"),
			plan.Round{Label: "2023年2月调度", AsOf: "2023-02-28", OpensOn: "2023-03-01", DueOn: "2023-03-08", RemindDays: 2}},
		{"no plan year: from today", 0, nil, beijing("2026-03-10 09:00"),
			plan.Round{Label: "2026年2月调度", AsOf: "2026-02-28", OpensOn: "2026-03-10", DueOn: "2026-03-17", RemindDays: 2}},
		// 2022-12-31 20:00 UTC is already 2023-01-01 in Beijing.
		{"today is Beijing's date, not UTC's", 0, nil, time.Date(2022, 12, 31, 20, 0, 0, 0, time.UTC),
			plan.Round{Label: "2022年12月调度", AsOf: "2022-12-31", OpensOn: "2023-01-01", DueOn: "2023-01-08", RemindDays: 2}},
	} {
		got := plan.NextRound(c.year, c.existing, c.now)
		if got.Label != c.want.Label || got.AsOf != c.want.AsOf || got.OpensOn != c.want.OpensOn || got.DueOn != c.want.DueOn || got.RemindDays != c.want.RemindDays {
			t.Errorf("%s:\n got %s %s %s–%s remind %d\nwant %s %s %s–%s remind %d", c.name,
				got.Label, got.AsOf, got.OpensOn, got.DueOn, got.RemindDays, c.want.Label, c.want.AsOf, c.want.OpensOn, c.want.DueOn, c.want.RemindDays)
		}
		if err := plan.CheckRound(&got); err != nil {
			t.Errorf("%s: the proposal does not pass CheckRound: %v", c.name, err)
		}
		if err := plan.CheckRoundYear(&got, c.year); err != nil {
			t.Errorf("%s: the proposal lies outside the plan's year: %v", c.name, err)
		}
	}
}

func TestCheckRoundYear(t *testing.T) {
	for _, c := range []struct {
		asOf    string
		year    int
		confirm bool
		ok      bool
	}{
		{"2022-07-31", 2022, false, true},
		{"2022-01-01", 2022, false, true},
		{"2022-12-31", 2022, false, true},
		{"2023-01-01", 2022, false, false},
		{"2021-12-31", 2022, false, false},
		{"2026-12-31", 2022, false, false},
		{"2026-12-31", 2022, true, true},
		{"2026-12-31", 0, false, true},
	} {
		r := &plan.Round{AsOf: c.asOf, ConfirmOutsideYear: c.confirm}
		err := plan.CheckRoundYear(r, c.year)
		if (err == nil) != c.ok {
			t.Errorf("as of %s on a %d plan (confirmed %v): %v", c.asOf, c.year, c.confirm, err)
		}
		if err != nil && (plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), plan.ConfirmOutsideYearLabel) || !strings.Contains(err.Error(), "2022年")) {
			t.Errorf("as of %s: message %q should name the year and the confirmation", c.asOf, err)
		}
	}
}

func TestCheckRoundRefusesAUnitTwice(t *testing.T) {
	r := &plan.Round{Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", UnitIDs: []int64{3, 5, 3}}
	if err := plan.CheckRound(r); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "编号 3") {
		t.Errorf("a unit twice in scope: %v", err)
	}
	r.UnitIDs = []int64{3, 5}
	if err := plan.CheckRound(r); err != nil {
		t.Error(err)
	}
}
