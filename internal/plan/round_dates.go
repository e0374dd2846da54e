package plan

import (
	"fmt"
	"time"
)

// CivilDate is t's date in Asia/Shanghai, YYYY-MM-DD: the calendar a due
// date is kept in, whatever zone the server or the timestamp is in.
func CivilDate(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// Overdue reports whether a unit's form is 逾期: its round is open, the
// unit has not handed it in (未填, 草稿 or 退回), and the due date — the
// round's current one, so an extension makes it on time again — has passed
// in Beijing time. The due date itself is still on time until 24:00.
func Overdue(round RoundState, dueOn string, form FormState, now time.Time) bool {
	if round != RoundOpen || form.Reported() || dueOn == "" {
		return false
	}
	return CivilDate(now) > dueOn
}

// Late reports whether a submission was 逾期报送: handed in after the end
// (24:00 Beijing time) of dueOn.
//
// Lateness is judged against the due date in force when the unit first
// submitted, which the store keeps beside the time (forms.submitted_due_on):
// an extension granted before a unit submits covers it, one granted after
// does not erase a late report, and moving a deadline earlier does not make
// an on-time report late. A form returned for correction and submitted
// again is judged by its first submission: the unit had reported. An
// unknown due date (no submission) is never late.
func Late(dueOn string, submittedAt time.Time) bool {
	due, err := time.ParseInLocation(time.DateOnly, dueOn, Zone)
	if err != nil {
		return false
	}
	return !submittedAt.Before(due.AddDate(0, 0, 1))
}

// AsOfInYear reports whether a round's data date (数据截至日期) lies in the
// plan's year. A plan that states no year (0) accepts any date, and so does
// a date that does not parse (CheckRound reports that).
func AsOfInYear(asOf string, planYear int) bool {
	d, err := time.Parse(time.DateOnly, asOf)
	return planYear == 0 || err != nil || d.Year() == planYear
}

// ConfirmOutsideYearLabel is the check box staff tick to keep a data date
// outside the plan's year.
const ConfirmOutsideYearLabel = "确认数据截至日期不在方案年度内"

// CheckRoundYear refuses a data date outside the plan's year unless staff
// confirmed it (r.ConfirmOutsideYear): progress is measured against the
// plan's year, so a 2022 plan's round dated 2026 would show every goal
// 严重滞后.
func CheckRoundYear(r *Round, planYear int) error {
	if AsOfInYear(r.AsOf, planYear) || r.ConfirmOutsideYear {
		return nil
	}
	return Errorf(EINVALID, "“数据截至日期”%s 不在方案年度（%d年）内，序时进度将按该日期计算。如确需如此，请勾选“%s”后再保存。",
		r.AsOf, planYear, ConfirmOutsideYearLabel)
}

// NextRound proposes the next round of a plan, for staff to adjust: the
// month after the latest existing round's data date, or with none the
// month before today (Beijing time), clamped into the plan's year — a 2022
// plan looked at in 2026 gets 2022年12月调度, not 2026年12月. The data date
// is the month's last day; reporting opens the day after it, or today when
// that has passed, and is due a week after opening, with reminders two days
// before. A plan with no year (0) is not clamped.
func NextRound(planYear int, existing []*Round, now time.Time) Round {
	today := now.In(Zone)
	// Months are counted as year*12 + month-1, so clamping is integer work.
	month := today.Year()*12 + int(today.Month()) - 1 - 1
	latest := ""
	for _, r := range existing {
		if _, err := time.Parse(time.DateOnly, r.AsOf); err == nil && r.AsOf > latest {
			latest = r.AsOf
		}
	}
	if latest != "" {
		d, _ := time.Parse(time.DateOnly, latest)
		month = d.Year()*12 + int(d.Month()) - 1 + 1
	}
	if planYear != 0 {
		month = min(max(month, planYear*12), planYear*12+11)
	}
	y, m := month/12, time.Month(month%12+1)
	asOf := time.Date(y, m+1, 0, 0, 0, 0, 0, Zone) // day 0 of the next month: this month's last day
	opens := asOf.AddDate(0, 0, 1)
	if t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Zone); t.After(opens) {
		opens = t
	}
	return Round{
		Label:      fmt.Sprintf("%d年%d月调度", y, int(m)),
		AsOf:       asOf.Format(time.DateOnly),
		OpensOn:    opens.Format(time.DateOnly),
		DueOn:      opens.AddDate(0, 0, 7).Format(time.DateOnly),
		RemindDays: 2,
	}
}
