package loadtest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/loadtest"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
	"kechuang/internal/web"
)

const password = "load-test-密码-2022"

var logOut io.Writer = os.Stderr

// demo lays out what `serve --demo` does: the 2022 plan with its open
// July round, an admin, a leader and a reporter per unit named by its
// short name, all with one password; and serves it.
func demo(tb testing.TB, s *store.Store) *httptest.Server {
	tb.Helper()
	ctx := context.Background()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.ImportDirectory(ctx, ex.Directory); err != nil {
		tb.Fatal(err)
	}
	ex.Document.Status = plan.StatusActive
	planID, err := s.CreatePlan(ctx, ex.Document, ex.Notice)
	if err != nil {
		tb.Fatal(err)
	}
	roundID, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05"})
	if err == nil {
		err = s.OpenRound(ctx, roundID, nil)
	}
	if err != nil {
		tb.Fatal(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := s.Directory(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	users := []store.NewUser{{Username: "admin", Role: auth.RoleAdmin}, {Username: "leader", Role: auth.RoleLeader}}
	for _, u := range dir.Units {
		if u.Kind != plan.UnitGovernment {
			users = append(users, store.NewUser{Username: u.Label(), Role: auth.RoleReporter, UnitID: u.ID})
		}
	}
	for _, u := range users {
		u.PasswordHash = hash
		if _, err := s.CreateUser(ctx, u); err != nil {
			tb.Fatal(err)
		}
	}
	srv, err := web.New(s, slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelError})), web.Options{Version: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return ts
}

// TestRun drives a demo deployment for a moment with reporters sharing
// forms, leaders and a reviewer: every request answered by the server
// without a 5xx, every acknowledged write stored, and the figures printed.
func TestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ts := demo(t, s)
		var log bytes.Buffer
		res, err := loadtest.Run(context.Background(), loadtest.Config{
			URL: ts.URL, Reporters: 30, Leaders: 3, Reviewers: 1, Duration: 1500 * time.Millisecond, Password: password, MaxInFlight: 16,
		}, &log)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		res.Print(&out)
		t.Logf("%s%s", log.String(), out.String())
		if n := res.ServerErrors(); n != 0 {
			t.Errorf("%d errors of the server's making", n)
		}
		if res.Forms == 0 || res.Lost != 0 || res.Verified+res.Unacknowledged != res.Forms {
			t.Errorf("verification: %d forms, %d verified, %d lost, %d unacknowledged: %v", res.Forms, res.Verified, res.Lost, res.Unacknowledged, res.Problems)
		}
		for _, kind := range []string{loadtest.KindFormGet, loadtest.KindFormSave, loadtest.KindSubmit, loadtest.KindDashboard, loadtest.KindPlan, loadtest.KindRound} {
			if k := res.Kinds[kind]; k == nil || k.Statuses[200] == 0 {
				t.Errorf("no %s answered 200: %+v", kind, k)
			}
		}
		if k := res.Kinds[loadtest.KindFormSave]; k.Statuses[500] != 0 || k.Quantile(0.99) <= 0 {
			t.Errorf("saves: %+v", k)
		}
		for _, want := range []string{"form.save", "p99", "核对", "服务器错误（5xx 与无应答）：0"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the report lacks %q:\n%s", want, out.String())
			}
		}
	})
}

func TestConfig(t *testing.T) {
	for _, c := range []loadtest.Config{
		{Reporters: 1, Duration: time.Second, Password: "x"},
		{URL: "http://127.0.0.1:1", Duration: time.Second, Password: "x"},
		{URL: "http://127.0.0.1:1", Reporters: 1, Password: "x"},
		{URL: "http://127.0.0.1:1", Reporters: 1, Duration: time.Second},
	} {
		if _, err := loadtest.Run(context.Background(), c, nil); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	accounts, err := loadtest.ParseTokenFile(strings.NewReader("# 令牌\nreporter kct_1\n\nleader kct_2\n"))
	if err != nil || len(accounts) != 2 || accounts[1] != (loadtest.Account{Role: "leader", Token: "kct_2"}) {
		t.Errorf("accounts %+v %v", accounts, err)
	}
	if _, err := loadtest.ParseTokenFile(strings.NewReader("boss kct_1\n")); err == nil {
		t.Error("an unknown role is accepted")
	}
}
