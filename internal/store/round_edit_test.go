package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

func TestUpdateRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, id := openJulyRound(t, s)
		r, _ := s.Round(ctx, id)
		units := len(r.UnitIDs)

		r.Label, r.OpensOn, r.DueOn, r.RemindDays = "2022年7月调度（补报）", "2022-08-02", "2022-08-12", 3
		if err := s.UpdateRound(ctx, *r); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Round(ctx, id)
		if got.Label != "2022年7月调度（补报）" || got.OpensOn != "2022-08-02" || got.DueOn != "2022-08-12" || got.RemindDays != 3 ||
			got.State != plan.RoundOpen || len(got.UnitIDs) != units || got.AsOf != "2022-07-31" {
			t.Errorf("after the edit: %+v", got)
		}
		entries, _, err := s.AuditLog(ctx, store.AuditFilter{Action: "round.update"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Before, `"due_on":"2022-08-05"`) || !strings.Contains(entries[0].After, `"due_on":"2022-08-12"`) {
			t.Errorf("audit of the edit: %+v %v", entries, err)
		}

		// Bad dates are refused field by field, and nothing changes.
		bad := *got
		bad.DueOn = "2022-08-01"
		if err := s.UpdateRound(ctx, bad); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "“截止日期”早于“开始日期”") {
			t.Errorf("due before opening: %v", err)
		}

		// A data date moved outside the plan's year needs confirming.
		bad = *got
		bad.AsOf = "2026-12-31"
		if err := s.UpdateRound(ctx, bad); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), plan.ConfirmOutsideYearLabel) {
			t.Errorf("as of 2026 on a 2022 plan: %v", err)
		}
		if again, _ := s.Round(ctx, id); again.AsOf != "2022-07-31" {
			t.Errorf("a refused edit changed the data date to %s", again.AsOf)
		}
		bad.ConfirmOutsideYear = true
		if err := s.UpdateRound(ctx, bad); err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		// Once kept, the date is not asked about again on the next edit.
		bad.ConfirmOutsideYear, bad.DueOn = false, "2022-08-15"
		if err := s.UpdateRound(ctx, bad); err != nil {
			t.Errorf("extending a round whose confirmed data date lies outside the year: %v", err)
		}

		if err := s.UpdateRound(ctx, plan.Round{ID: 999999, Label: "x", AsOf: "2022-01-31", OpensOn: "2022-02-01", DueOn: "2022-02-05"}); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("no such round: %v", err)
		}

		// A closed round cannot be edited.
		if err := s.CloseRound(ctx, id); err != nil {
			t.Fatal(err)
		}
		closed, _ := s.Round(ctx, id)
		closed.DueOn = "2022-08-31"
		if err := s.UpdateRound(ctx, *closed); plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(err.Error(), "已结束，不能再修改") {
			t.Errorf("editing a closed round: %v", err)
		}
		if again, _ := s.Round(ctx, id); again.DueOn != "2022-08-15" {
			t.Errorf("a closed round's due date became %s", again.DueOn)
		}
	})
}

func TestCreateRoundOutsidePlanYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		r := plan.Round{PlanID: planID, Label: "2026年12月调度", AsOf: "2026-12-31", OpensOn: "2026-12-31", DueOn: "2027-01-07"}
		if _, err := s.CreateRound(ctx, r); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "方案年度（2022年）") {
			t.Fatalf("a 2026 data date on the 2022 plan: %v", err)
		}
		if rounds, _ := s.Rounds(ctx, planID); len(rounds) != 0 {
			t.Fatalf("a refused round was stored: %d rounds", len(rounds))
		}
		r.ConfirmOutsideYear = true
		if _, err := s.CreateRound(ctx, r); err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		twice := plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05",
			UnitIDs: []int64{unitID(t, s, "三家店街道"), unitID(t, s, "区科工局"), unitID(t, s, "三家店街道")}}
		if _, err := s.CreateRound(ctx, twice); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "出现了两次") {
			t.Errorf("a unit twice in scope: %v", err)
		}
	})
}

// roundRows counts what a round owns in every table that refers to it or
// to its forms.
func roundRows(t *testing.T, s *store.Store, roundID int64) map[string]int {
	t.Helper()
	out := map[string]int{}
	ofRound := ` WHERE form_id IN (SELECT id FROM forms WHERE round_id = $1)`
	for table, q := range map[string]string{
		"rounds":         `SELECT COUNT(*) FROM rounds WHERE id = $1`,
		"round_units":    `SELECT COUNT(*) FROM round_units WHERE round_id = $1`,
		"forms":          `SELECT COUNT(*) FROM forms WHERE round_id = $1`,
		"notifications":  `SELECT COUNT(*) FROM notifications WHERE round_id = $1`,
		"reminder_sends": `SELECT COUNT(*) FROM reminder_sends WHERE round_id = $1`,
		"form_tasks":     `SELECT COUNT(*) FROM form_tasks` + ofRound,
		"form_values":    `SELECT COUNT(*) FROM form_values` + ofRound,
		"form_versions":  `SELECT COUNT(*) FROM form_versions` + ofRound,
		"attachments":    `SELECT COUNT(*) FROM attachments` + ofRound,
		"form_comments":  `SELECT COUNT(*) FROM form_comments` + ofRound,
	} {
		n, err := s.CountForTest(context.Background(), q, roundID)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestDeleteRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		planID, july := openJulyRound(t, s)

		// A draft round goes at once.
		draft, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRound(ctx, draft); err != nil {
			t.Fatalf("delete a draft round: %v", err)
		}
		if _, err := s.Round(ctx, draft); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("the deleted draft round: %v", err)
		}

		// An open round nobody has touched goes with its forms, versions,
		// entries, scope and reminders.
		sep, _ := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年9月调度", AsOf: "2022-09-30", OpensOn: "2022-10-01", DueOn: "2022-10-08"})
		if err := s.OpenRound(ctx, sep, admin); err != nil {
			t.Fatal(err)
		}
		sjd := unitID(t, s, "三家店街道")
		if err := s.ExecForTest(ctx, `INSERT INTO notifications (unit_id, round_id, message, created_at) VALUES ($1, $2, '请填报', $3)`, sjd, sep, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `INSERT INTO reminder_sends (round_id, unit_id, kind, day, sent_at) VALUES ($1, $2, 'before_due', '2022-10-06', $3)`, sep, sjd, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		rows := roundRows(t, s, sep)
		if rows["forms"] != 18 || rows["form_versions"] != 18 || rows["form_tasks"] == 0 || rows["form_values"] == 0 || rows["notifications"] != 1 || rows["reminder_sends"] != 1 {
			t.Fatalf("the September round before the delete: %v", rows)
		}
		julyBefore := roundRows(t, s, july)
		if err := s.DeleteRound(ctx, sep); err != nil {
			t.Fatalf("delete an untouched open round: %v", err)
		}
		for table, n := range roundRows(t, s, sep) {
			if n != 0 {
				t.Errorf("after the delete %s still holds %d rows of the round", table, n)
			}
		}
		if after := roundRows(t, s, july); !equalCounts(after, julyBefore) {
			t.Errorf("deleting September touched July: %v, was %v", after, julyBefore)
		}
		entries, _, _ := s.AuditLog(ctx, store.AuditFilter{Action: "round.delete"})
		if len(entries) != 2 || !strings.Contains(entries[0].Before, `"forms":18`) || !strings.Contains(entries[0].Before, "2022年9月调度") {
			t.Errorf("audit of the deletes: %+v", entries)
		}

		// A round three units have touched — a draft saved, an evidence
		// file, a remark — is refused and keeps everything.
		xjf := formOf(t, s, july, "徐家坊街道")
		e := fill(xjf, map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "1.25"})
		if _, err := s.SaveForm(ctx, xjf.PublicID, e, admin); err != nil {
			t.Fatal(err)
		}
		sjdForm := formOf(t, s, july, "三家店街道")
		if _, err := s.AddAttachment(ctx, sjdForm.PublicID, sjdForm.Tasks[0].TaskID, "名单.pdf", "application/pdf", []byte("%PDF-1.4"), admin); err != nil {
			t.Fatal(err)
		}
		hd := formOf(t, s, july, "洪都街道")
		if err := s.AddFormComment(ctx, hd.PublicID, 0, "请尽快填报", admin); err != nil {
			t.Fatal(err)
		}
		before := roundRows(t, s, july)
		err = s.DeleteRound(ctx, july)
		if plan.ErrorCode(err) != plan.ECONFLICT || err.Error() != "已有 3 个单位填报，不能删除；可结束本轮调度。" {
			t.Fatalf("delete a filled round: %v", err)
		}
		if after := roundRows(t, s, july); !equalCounts(after, before) {
			t.Errorf("a refused delete changed rows: %v, was %v", after, before)
		}

		// A closed round is not deleted, filled or not.
		oct, _ := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年10月调度", AsOf: "2022-10-31", OpensOn: "2022-11-01", DueOn: "2022-11-05"})
		s.OpenRound(ctx, oct, admin)
		if err := s.CloseRound(ctx, oct); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRound(ctx, oct); plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(err.Error(), "已结束") {
			t.Errorf("delete a closed round: %v", err)
		}
		if err := s.DeleteRound(ctx, 999999); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("delete no round: %v", err)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestDeadlineExtension: extending the due date lifts 逾期 from the forms
// not yet reported, while a submission is judged against the due date in
// force when it was first made.
func TestDeadlineExtension(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		_, id := openJulyRound(t, s) // due 2022-08-05
		clock := func(bj string) {
			at, _ := time.ParseInLocation("2006-01-02 15:04", bj, plan.Zone)
			s.SetClockForTest(func() time.Time { return at })
		}
		summary := func(unit string) store.FormSummary {
			forms, err := s.RoundForms(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range forms {
				if f.UnitName == unit {
					return f
				}
			}
			t.Fatalf("no form for %s", unit)
			return store.FormSummary{}
		}
		overdue := func(unit string, now time.Time) bool {
			r, _ := s.Round(ctx, id)
			return plan.Overdue(r.State, r.DueOn, summary(unit).State, now)
		}
		submit := func(unit string) {
			f := formOf(t, s, id, unit)
			e := fill(f, map[string]string{"科技型中小企业": "20", "高新技术企业": "10", "技术合同成交额": "2"})
			e.Submit = true
			if _, err := s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
				t.Fatal(err)
			}
		}

		// 23:59 on the due date is on time.
		clock("2022-08-05 23:59")
		submit("三家店街道")
		// 10:00 the day after is late, and 洪都街道, not reported, is overdue.
		clock("2022-08-06 10:00")
		submit("徐家坊街道")
		now, _ := time.ParseInLocation("2006-01-02 15:04", "2022-08-06 10:00", plan.Zone)
		if summary("三家店街道").Late() || !summary("徐家坊街道").Late() {
			t.Fatalf("late: 三家店街道 %v (want on time), 徐家坊街道 %v (want late)", summary("三家店街道").Late(), summary("徐家坊街道").Late())
		}
		if !overdue("洪都街道", now) || overdue("三家店街道", now) {
			t.Fatal("洪都街道 should be overdue, 三家店街道 not")
		}
		if f := formOf(t, s, id, "徐家坊街道"); f.DueOnAtSubmission != "2022-08-05" || f.FirstSubmittedAt == nil || plan.CivilDate(*f.FirstSubmittedAt) != "2022-08-06" {
			t.Errorf("徐家坊街道's first submission: %v against %q", f.FirstSubmittedAt, f.DueOnAtSubmission)
		}

		// Extend to the 10th: 洪都街道 is on time again.
		r, _ := s.Round(ctx, id)
		r.DueOn = "2022-08-10"
		if err := s.UpdateRound(ctx, *r); err != nil {
			t.Fatal(err)
		}
		if overdue("洪都街道", now) {
			t.Error("after the extension 洪都街道 is still overdue")
		}
		// The extension came after 徐家坊街道 submitted: it stays late.
		// 洪都街道 submits within the new deadline: on time.
		if !summary("徐家坊街道").Late() {
			t.Error("an extension granted afterwards erased a late submission")
		}
		clock("2022-08-09 09:00")
		submit("洪都街道")
		if summary("洪都街道").Late() {
			t.Error("a submission within the extended deadline is late")
		}
		// Returned and submitted again: still judged by the first submission.
		f := formOf(t, s, id, "三家店街道")
		if err := s.ReviewForm(ctx, f.PublicID, f.Version, store.Return, "请补充名单", admin); err != nil {
			t.Fatal(err)
		}
		clock("2022-08-20 09:00")
		submit("三家店街道")
		if summary("三家店街道").Late() {
			t.Error("an on-time report resubmitted after a return became late")
		}
		// Past the extended deadline the ones not reported are overdue again.
		later, _ := time.ParseInLocation("2006-01-02 15:04", "2022-08-11 00:01", plan.Zone)
		if !overdue("区科工局", later) {
			t.Error("区科工局 is not overdue after the extended deadline")
		}
	})
}
