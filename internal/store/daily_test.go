package store_test

import (
	"context"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// fillAll answers every entry, whatever the indicators are called.
func fillAll(f *plan.Form) store.FormEdit {
	values := map[string]string{}
	for _, v := range f.Values {
		values[v.Indicator] = "3"
	}
	return fill(f, values)
}

// user creates a user to act as.
func user(t *testing.T, s *store.Store, name string, role auth.Role, unitID int64) *auth.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), store.NewUser{Username: name, Role: role, UnitID: unitID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func submit(t *testing.T, s *store.Store, roundID int64, unit string) *plan.Form {
	t.Helper()
	f := formOf(t, s, roundID, unit)
	e := fillAll(f)
	e.Submit = true
	saved, err := s.SaveForm(context.Background(), f.PublicID, e, nil)
	if err != nil {
		t.Fatalf("submit %s: %v", unit, err)
	}
	return saved
}

// TestReviewQueue: admins are to review every submitted form of an open
// round; a lead unit the submitted forms of other units with a task it
// leads; leaders and units that lead nothing on them none; drafts and
// reviewed forms are not queued.
func TestReviewQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		admin := user(t, s, "admin", auth.RoleAdmin, 0)
		kgj := user(t, s, "kgj", auth.RoleReporter, unitID(t, s, "区科工局"))
		sjdUser := user(t, s, "sjd", auth.RoleReporter, unitID(t, s, "三家店街道"))
		leader := user(t, s, "leader", auth.RoleLeader, 0)

		sjd := submit(t, s, roundID, "三家店街道")
		hd := submit(t, s, roundID, "洪都街道")
		submit(t, s, roundID, "区科工局")
		draft := formOf(t, s, roundID, "徐家坊街道")
		if _, err := s.SaveForm(ctx, draft.PublicID, fillAll(draft), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewForm(ctx, hd.PublicID, hd.Version, store.Approve, "", admin); err != nil {
			t.Fatal(err)
		}
		ids := func(u *auth.User) []string {
			q, err := s.ReviewQueue(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.ReviewCount(ctx, u)
			if err != nil || n != len(q) {
				t.Errorf("%s: count %d, queue %d (%v)", u.Username, n, len(q), err)
			}
			var out []string
			for _, it := range q {
				out = append(out, it.UnitName)
				if it.Version == 0 || it.RoundLabel != "2022年7月调度" || it.SubmittedAt == nil {
					t.Errorf("%s: item %+v", u.Username, it)
				}
			}
			return out
		}
		if got := ids(admin); strings.Join(got, "、") != "三家店街道、区科工局" {
			t.Errorf("admin's queue %v, want 三家店街道 and 区科工局 (洪都街道 approved, 徐家坊街道 a draft)", got)
		}
		q, _ := s.ReviewQueue(ctx, kgj)
		if len(q) != 1 || q[0].PublicID != sjd.PublicID || q[0].LeadTasks == 0 {
			t.Errorf("区科工局's queue %+v, want 三家店街道's form with the tasks it leads (not its own)", q)
		}
		if got := ids(sjdUser); len(got) != 0 && got[0] == "三家店街道" {
			t.Errorf("三家店街道 is asked to review its own form: %v", got)
		}
		if got := ids(leader); len(got) != 0 {
			t.Errorf("a leader's queue %v, want none", got)
		}
	})
}

// TestReviewForms: a bulk approval goes form by form: the one changed
// since the reviewer opened the page is refused alone, a form the reviewer
// may not review is refused, the rest are approved and audited each; a
// bulk return needs its reason and leaves each unit a reminder.
func TestReviewForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		admin := user(t, s, "admin", auth.RoleAdmin, 0)
		a := submit(t, s, roundID, "三家店街道")
		b := submit(t, s, roundID, "洪都街道")
		c := submit(t, s, roundID, "徐家坊街道")
		seen := []store.ReviewItem{{a.PublicID, a.Version}, {b.PublicID, b.Version}, {c.PublicID, c.Version}}
		// Meanwhile 洪都街道's form is returned and submitted again.
		if err := s.ReviewForm(ctx, b.PublicID, b.Version, store.Return, "请补充来源", admin); err != nil {
			t.Fatal(err)
		}
		submit(t, s, roundID, "洪都街道")

		results, err := s.ReviewForms(ctx, seen, store.Approve, "", admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			switch {
			case r.PublicID == b.PublicID && plan.ErrorCode(r.Err) != plan.ECONFLICT:
				t.Errorf("the stale form: %v, want a conflict", r.Err)
			case r.PublicID != b.PublicID && r.Err != nil:
				t.Errorf("form %s: %v", r.PublicID, r.Err)
			}
		}
		for unit, want := range map[string]plan.FormState{"三家店街道": plan.FormApproved, "洪都街道": plan.FormSubmitted, "徐家坊街道": plan.FormApproved} {
			if got := formOf(t, s, roundID, unit).State; got != want {
				t.Errorf("%s: %s, want %s", unit, got, want)
			}
		}
		if n := len(auditOf(t, s, store.AuditFilter{Action: "form.approve"})); n != 2 {
			t.Errorf("%d approvals audited, want 2", n)
		}

		// A lead unit returns only what it leads; a return needs a reason.
		fresh := formOf(t, s, roundID, "洪都街道")
		other := user(t, s, "jsj", auth.RoleReporter, unitID(t, s, "京山街道"))
		res, err := s.ReviewForms(ctx, []store.ReviewItem{{fresh.PublicID, fresh.Version}}, store.Return, "请补充", other)
		if err != nil || len(res) != 1 || plan.ErrorCode(res[0].Err) != plan.EFORBIDDEN {
			t.Errorf("a unit leading nothing on the form returns it: %v %+v", err, res)
		}
		res, _ = s.ReviewForms(ctx, []store.ReviewItem{{fresh.PublicID, fresh.Version}}, store.Return, "", admin)
		if len(res) != 1 || plan.ErrorCode(res[0].Err) != plan.EINVALID {
			t.Errorf("a return without a reason: %+v", res)
		}
		if _, err := s.ReviewForms(ctx, nil, store.Approve, "", admin); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("nothing ticked: %v", err)
		}
		res, _ = s.ReviewForms(ctx, []store.ReviewItem{{fresh.PublicID, fresh.Version}}, store.Return, "数据来源不清", admin)
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		list, err := s.Notifications(ctx, fresh.UnitID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || !strings.Contains(list[0].Message, "【退回】“2022年7月调度”填报已退回修改，原因：数据来源不清。") ||
			!strings.HasSuffix(list[0].Message, store.LinkLabel+"/forms/"+fresh.PublicID) || list[0].RoundID != roundID {
			t.Errorf("the unit's reminders after two returns: %+v", list)
		}
	})
}

// TestUnitContacts: a unit's contact and phone are kept, checked, and kept
// when a directory file without contacts is imported again.
func TestUnitContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		_ = planID
		dir, _ := s.Directory(ctx)
		u, _ := dir.Unit(unitID(t, s, "三家店街道"))
		u.Contact, u.Phone = "张三", "0791-88886666"
		if _, err := s.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
		u.Phone = "电话88886666"
		if _, err := s.SaveUnit(ctx, u); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(plan.ErrorMessage(err), "联系电话") {
			t.Errorf("a phone with letters: %v", err)
		}
		ex, _ := examples.Qingyunpu2022()
		if err := s.ImportDirectory(ctx, ex.Directory); err != nil {
			t.Fatal(err)
		}
		dir, _ = s.Directory(ctx)
		if got, _ := dir.Unit(u.ID); got.Contact != "张三" || got.Phone != "0791-88886666" {
			t.Errorf("after importing the notice's directory: %q %q", got.Contact, got.Phone)
		}
		for _, f := range mustForms(t, s, roundID) {
			if f.UnitName == "三家店街道" && (f.Contact != "张三" || f.Phone != "0791-88886666") {
				t.Errorf("the round's line: %+v", f)
			}
		}
		pending, _ := s.PendingUnits(ctx, roundID)
		for _, p := range pending {
			if p.UnitName == "三家店街道" && p.Contact != "张三" {
				t.Errorf("pending unit: %+v", p)
			}
		}
	})
}

func mustForms(t *testing.T, s *store.Store, roundID int64) []store.FormSummary {
	t.Helper()
	fs, err := s.RoundForms(context.Background(), roundID)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestNumberBulletin: the 文号 and 版记 are kept with the issue the round
// stands at; a reopened and closed again round (第2版) is numbered anew,
// its 抄送 and 印发机关 carried over; an open round cannot be numbered.
func TestNumberBulletin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		n := store.BulletinNumber{DocNumber: "青科工信字〔2022〕12号", CopyTo: "区委办，区政府办", PrintedBy: "区科工局办公室", PrintedOn: "2022-08-11"}
		if err := s.NumberBulletin(ctx, roundID, n); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("numbering an open round: %v", err)
		}
		if err := s.CloseRound(ctx, roundID); err != nil {
			t.Fatal(err)
		}
		if err := s.NumberBulletin(ctx, roundID, store.BulletinNumber{PrintedOn: "8月11日"}); plan.ErrorCode(err) != plan.EINVALID || len(plan.FieldErrors(err)) != 1 {
			t.Errorf("a bad date: %v", err)
		}
		v0, _ := s.Versions(ctx)
		if err := s.NumberBulletin(ctx, roundID, n); err != nil {
			t.Fatal(err)
		}
		if v1, _ := s.Versions(ctx); v1.Data == v0.Data {
			t.Error("numbering did not move the data version: a cached issue would not show it")
		}
		src, err := s.ProgressSource(ctx, planID, roundID)
		if err != nil {
			t.Fatal(err)
		}
		if src.Frozen == nil || src.Frozen.BulletinNumber != n {
			t.Errorf("issue 1 reads %+v", src.Frozen)
		}
		if got, _ := s.BulletinNumberOf(ctx, roundID); got != n {
			t.Errorf("BulletinNumberOf: %+v", got)
		}
		if err := s.ReopenRound(ctx, roundID, "补审"); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseRound(ctx, roundID); err != nil {
			t.Fatal(err)
		}
		got, _ := s.BulletinNumberOf(ctx, roundID)
		if got.DocNumber != "" || got.PrintedOn != "" || got.CopyTo != n.CopyTo || got.PrintedBy != n.PrintedBy {
			t.Errorf("issue 2 starts as %+v: want 抄送 and 印发机关 carried, no number or date", got)
		}
		if entries := auditOf(t, s, store.AuditFilter{Action: "round.bulletin"}); len(entries) != 1 {
			t.Errorf("%d numberings audited", len(entries))
		}
	})
}

// TestFormTasksInPlanOrder: a form lists its tasks by action and then by
// task, with their wording; values carry their goal's kind and phrase.
func TestFormTasksInPlanOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, roundID := openJulyRound(t, s)
		f := formOf(t, s, roundID, "徐家坊街道")
		prev := 0
		for _, tk := range f.Tasks {
			n := atoiOr(tk.Number)
			if n < prev {
				t.Errorf("task %s after task %d: not in plan order", tk.Number, prev)
			}
			prev = n
			if tk.Text == "" || tk.SectionNumber == "" || tk.SectionTitle == "" {
				t.Errorf("task %s lacks its wording or action: %+v", tk.Number, tk)
			}
		}
		for _, v := range f.Values {
			if v.Kind == "" || v.GoalText == "" {
				t.Errorf("value %s lacks its goal's kind or phrase: %+v", v.Indicator, v)
			}
		}
	})
}

func atoiOr(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
