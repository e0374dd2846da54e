package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// reminderRound lays out, with plain SQL, an open round 101 of the 2022
// plan due 2022-08-05 with reminders 3 days before, over four units:
// 三家店街道 (form empty), 洪都街道 (submitted), 区科工局 (returned) and
// 青云谱镇 (no form yet). It also adds a draft round 102 and a closed round
// 103 with the same units and empty forms.
func reminderRound(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	planID, _ := loadExample(t, s)
	ids := map[string]int64{}
	for _, n := range []string{"三家店街道", "洪都街道", "区科工局", "青云谱镇"} {
		ids[n] = unitID(t, s, n)
	}
	now := time.Now().UTC()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := s.ExecForTest(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		id    int64
		state string
	}{{101, "open"}, {102, "draft"}, {103, "closed"}} {
		exec(`INSERT INTO rounds (id, plan_id, label, as_of, opens_on, due_on, state, remind_days, created_at)
			VALUES ($1, $2, '2022年7月调度', '2022-07-31', '2022-07-25', '2022-08-05', $3, 3, $4)`, r.id, planID, r.state, now)
		for _, n := range []string{"三家店街道", "洪都街道", "区科工局", "青云谱镇"} {
			exec(`INSERT INTO round_units (round_id, unit_id) VALUES ($1, $2)`, r.id, ids[n])
		}
	}
	form := func(round int64, unit, state string) {
		exec(`INSERT INTO forms (public_id, round_id, unit_id, state, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			fmt.Sprintf("f%d-%d", round, ids[unit]), round, ids[unit], state, now)
	}
	form(101, "三家店街道", "empty")
	form(101, "洪都街道", "submitted")
	form(101, "区科工局", "returned")
	form(102, "三家店街道", "empty")
	form(103, "三家店街道", "empty")
	return ids
}

func TestReminderPendingUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := reminderRound(t, s)
		for _, u := range []struct {
			name, unit, email string
			disabled          bool
		}{
			{"sjd1", "三家店街道", "a@sjd.example", false},
			{"sjd2", "三家店街道", "b@sjd.example", false},
			{"sjd3", "三家店街道", "gone@sjd.example", true},
			{"sjd4", "三家店街道", "", false},
			{"hd", "洪都街道", "hd@example", false},
		} {
			if _, err := s.CreateUser(ctx, store.NewUser{Username: u.name, Role: auth.RoleReporter, UnitID: ids[u.unit]}); err != nil {
				t.Fatal(err)
			}
			if err := s.ExecForTest(ctx, `UPDATE users SET email = $1, disabled = $2 WHERE username = $3`, u.email, u.disabled, u.name); err != nil {
				t.Fatal(err)
			}
		}

		got, err := s.PendingUnits(ctx, 101)
		if err != nil {
			t.Fatal(err)
		}
		plans, _ := s.Plans(ctx)
		title := plans[0].Title
		want := []store.PendingUnit{
			{RoundID: 101, RoundLabel: "2022年7月调度", PlanTitle: title, DueOn: "2022-08-05", UnitID: ids["区科工局"], UnitName: "区科工局",
				FormPublicID: fmt.Sprintf("f101-%d", ids["区科工局"]), FormState: "returned"},
			{RoundID: 101, RoundLabel: "2022年7月调度", PlanTitle: title, DueOn: "2022-08-05", UnitID: ids["三家店街道"], UnitName: "三家店街道",
				FormPublicID: fmt.Sprintf("f101-%d", ids["三家店街道"]), FormState: "empty", Emails: []string{"a@sjd.example", "b@sjd.example"}},
			{RoundID: 101, RoundLabel: "2022年7月调度", PlanTitle: title, DueOn: "2022-08-05", UnitID: ids["青云谱镇"], UnitName: "青云谱镇",
				FormPublicID: "", FormState: "empty"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PendingUnits(open round):\n got %+v\nwant %+v", got, want)
		}
		for _, id := range []int64{102, 103} {
			if got, err := s.PendingUnits(ctx, id); err != nil || len(got) != 0 {
				t.Errorf("PendingUnits(round %d, not open) = %+v, %v; want none", id, got, err)
			}
		}
		if _, err := s.PendingUnits(ctx, 999); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("PendingUnits(no such round): %v", err)
		}
	})
}

func TestReminderDueRounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		reminderRound(t, s)
		// Round 104 is due the same day but reminds only on the due date.
		if err := s.ExecForTest(ctx, `INSERT INTO rounds (id, plan_id, label, as_of, opens_on, due_on, state, remind_days, created_at)
			SELECT 104, plan_id, '8月调度', '2022-08-31', '2022-08-01', '2022-08-05', 'open', 0, created_at FROM rounds WHERE id = 101`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			today string
			want  []store.DueRound
		}{
			{"2022-08-01", nil},
			{"2022-08-02", []store.DueRound{{RoundID: 101, Label: "2022年7月调度", DueOn: "2022-08-05", Kind: store.ReminderBeforeDue}}},
			{"2022-08-03", nil},
			{"2022-08-05", []store.DueRound{
				{RoundID: 101, Label: "2022年7月调度", DueOn: "2022-08-05", Kind: store.ReminderDue},
				{RoundID: 104, Label: "8月调度", DueOn: "2022-08-05", Kind: store.ReminderDue},
			}},
			{"2022-08-06", nil},
		} {
			got, err := s.DueRounds(ctx, c.today)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("DueRounds(%s) = %+v, %v; want %+v", c.today, got, err, c.want)
			}
		}
		if _, err := s.DueRounds(ctx, "8月5日"); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("DueRounds(bad date): %v", err)
		}
	})
}

func TestClaimReminderOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := reminderRound(t, s)
		sjd := ids["三家店街道"]
		for i, c := range []struct {
			unit      int64
			kind, day string
			want      bool
		}{
			{sjd, store.ReminderBeforeDue, "2022-08-02", true},
			{sjd, store.ReminderBeforeDue, "2022-08-02", false},
			{sjd, store.ReminderDue, "2022-08-05", true},
			{ids["青云谱镇"], store.ReminderBeforeDue, "2022-08-02", true},
			{sjd, store.ReminderManual, "2022-08-03 10:15", true},
			{sjd, store.ReminderManual, "2022-08-03 10:15", false},
			{sjd, store.ReminderManual, "2022-08-03 10:16", true},
		} {
			got, err := s.ClaimReminder(ctx, 101, c.unit, c.kind, c.day)
			if err != nil || got != c.want {
				t.Errorf("claim %d (%s %s) = %v, %v; want %v", i, c.kind, c.day, got, err, c.want)
			}
		}
	})
}

func TestNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := reminderRound(t, s)
		sjd := ids["三家店街道"]
		before := time.Now().Add(-time.Second)
		if err := s.AddNotification(ctx, sjd, 101, "第一条"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddNotification(ctx, sjd, 0, "第二条"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddNotification(ctx, ids["洪都街道"], 101, "别的单位"); err != nil {
			t.Fatal(err)
		}
		list, err := s.Notifications(ctx, sjd, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Message != "第二条" || list[0].RoundID != 0 || list[1].Message != "第一条" || list[1].RoundID != 101 || list[1].UnitID != sjd {
			t.Fatalf("Notifications = %+v", list)
		}
		if list[1].CreatedAt.Before(before) || time.Since(list[1].CreatedAt) > time.Minute {
			t.Errorf("CreatedAt = %v", list[1].CreatedAt)
		}
		if list, _ := s.Notifications(ctx, sjd, 1); len(list) != 1 {
			t.Errorf("limit 1 gave %d", len(list))
		}
		for _, c := range []struct {
			since time.Time
			want  int
		}{{before, 2}, {list[0].CreatedAt, 0}, {list[1].CreatedAt.Add(-time.Microsecond), 2}, {time.Now().Add(time.Minute), 0}} {
			if n, err := s.CountNotificationsSince(ctx, sjd, c.since); err != nil || n != c.want {
				t.Errorf("CountNotificationsSince(%v) = %d, %v; want %d", c.since, n, err, c.want)
			}
		}
	})
}

func TestAcquireLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		steps := []struct {
			holder string
			ttl    time.Duration
			want   bool
		}{
			{"a", time.Minute, true},  // free
			{"b", time.Minute, false}, // held by a
			{"a", time.Minute, true},  // a renews
			{"a", -time.Second, true}, // a renews into the past: expired
			{"b", time.Minute, true},  // b takes the expired lease
			{"a", time.Minute, false}, // now b has it
		}
		for i, st := range steps {
			got, err := s.AcquireLease(ctx, "reminders", st.holder, st.ttl)
			if err != nil || got != st.want {
				t.Errorf("step %d: AcquireLease(%s) = %v, %v; want %v", i, st.holder, got, err, st.want)
			}
		}
		if ok, err := s.AcquireLease(ctx, "other", "a", time.Minute); err != nil || !ok {
			t.Errorf("another lease name: %v, %v", ok, err)
		}
	})
}

func TestSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if m, err := s.Settings(ctx, 1); err != nil || len(m) != 0 {
			t.Fatalf("empty Settings = %v, %v", m, err)
		}
		if err := s.SaveSettings(ctx, 1, map[string]string{"smtp.host": "mail.example", "smtp.port": "25"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSettings(ctx, 1, map[string]string{"smtp.port": "465", "smtp.host": "mail.example", "smtp.password": "pw",
			"webhook.url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Settings(ctx, 1)
		want := map[string]string{"smtp.host": "mail.example", "smtp.port": "465", "smtp.password": "pw",
			"webhook.url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY"}
		if err != nil || !reflect.DeepEqual(m, want) {
			t.Errorf("Settings = %v, %v; want %v", m, err, want)
		}
		// Saving the same again changes nothing and logs nothing.
		if err := s.SaveSettings(ctx, 1, m); err != nil {
			t.Fatal(err)
		}
		log, _, err := s.AuditLog(ctx, store.AuditFilter{Action: "settings"})
		if err != nil || len(log) != 2 {
			t.Fatalf("audit log: %d entries, %v; want 2", len(log), err)
		}
		last := log[0]
		if log[1].ID > last.ID {
			last = log[1]
		}
		if strings.Contains(last.After, "SECRETKEY") || strings.Contains(last.After, `"pw"`) || strings.Contains(last.After, "mail.example") ||
			!strings.Contains(last.After, `"smtp.port":"465"`) || !strings.Contains(last.Before, `"smtp.port":"25"`) {
			t.Errorf("audit entry before %s after %s", last.Before, last.After)
		}
	})
}
