package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// clock is a settable time for the server: what is overdue and what a new
// round proposes depend on today.
type clock struct{ unixNano atomic.Int64 }

func (c *clock) set(beijing string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", beijing, plan.Zone)
	if err != nil {
		panic(err)
	}
	c.unixNano.Store(t.UnixNano())
}

func (c *clock) now() time.Time { return time.Unix(0, c.unixNano.Load()) }

// withClock serves the fixture's store again from a server reading the
// time from the returned clock; clients made afterwards reach it.
func (f *fixture) withClock(t *testing.T, beijing string) *clock {
	t.Helper()
	c := &clock{}
	c.set(beijing)
	s, err := New(f.store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Version: "test", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	f.srv = srv
	return c
}

// inputValue is the value of the named input in a page.
func inputValue(body, name string) string {
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// rowOf is the table row of a page that holds text.
func rowOf(body, text string) string {
	for _, row := range strings.Split(body, "<tr") {
		if strings.Contains(row, text) {
			return row
		}
	}
	return ""
}

// TestRoundLifecycleOverHTTP is staff running rounds of the 2022 plan in
// 2026: the new-round form proposes a round inside 2022, a data date in
// 2026 needs confirming, a round is edited and its deadline extended (its
// forms stop being 逾期 for the reporter), an untouched round is deleted and
// a filled one is not, a late submission is marked, and a closed round
// cannot be edited.
func TestRoundLifecycleOverHTTP(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	clk := f.withClock(t, "2026-03-10 09:00")
	admin := f.client(t, "admin")
	sjd := f.client(t, "sjd")
	rounds := "/plans/" + itoa(f.planID) + "/rounds"

	// The plan has its July round: the form proposes August 2022.
	_, body := get(t, admin, f.srv.URL+rounds)
	if inputValue(body, "label") != "2022年8月调度" || inputValue(body, "as_of") != "2022-08-31" || inputValue(body, "opens_on") != "2026-03-10" || inputValue(body, "due_on") != "2026-03-17" {
		t.Fatalf("proposed %q %q %q %q, want 2022年8月调度 2022-08-31 2026-03-10 2026-03-17",
			inputValue(body, "label"), inputValue(body, "as_of"), inputValue(body, "opens_on"), inputValue(body, "due_on"))
	}
	if strings.Contains(body, `name="confirm_as_of"`) {
		t.Error("the proposal inside the plan's year asks for a confirmation")
	}
	// Another 2022 plan with no round yet: its December, not 2026年12月.
	ex, _ := examples.Qingyunpu2022()
	other, err := f.store.CreatePlan(ctx, ex.Document, ex.Notice)
	if err != nil {
		t.Fatal(err)
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(other)+"/rounds")
	if inputValue(body, "label") != "2022年12月调度" || inputValue(body, "as_of") != "2022-12-31" {
		t.Errorf("a 2022 plan without rounds proposes %q as of %q", inputValue(body, "label"), inputValue(body, "as_of"))
	}

	// Create August as proposed.
	vals := url.Values{}
	for _, k := range []string{"label", "as_of", "opens_on", "due_on", "remind_days"} {
		_, body = get(t, admin, f.srv.URL+rounds)
		vals.Set(k, inputValue(body, k))
	}
	code, body, loc := postForm(t, admin, f.srv.URL+rounds, vals)
	if code != http.StatusSeeOther {
		t.Fatalf("create August: %d %s", code, body)
	}
	aug := atoi(strings.TrimPrefix(strings.Split(loc, "?")[0], "/rounds/"))

	// A data date in 2026 is not taken silently.
	dir, _ := f.store.Directory(ctx)
	two := []string{itoa(dir.Index()["三家店街道"].UnitID), itoa(dir.Index()["区科工局"].UnitID)}
	vals = url.Values{"label": {"2026年12月调度"}, "as_of": {"2026-12-31"}, "opens_on": {"2026-03-10"}, "due_on": {"2026-03-17"}, "remind_days": {"2"}, "units": two}
	code, body, _ = postForm(t, admin, f.srv.URL+rounds, vals)
	if code != http.StatusBadRequest || !strings.Contains(body, "不在方案年度（2022年）内") || !strings.Contains(body, `name="confirm_as_of"`) || !strings.Contains(body, plan.ConfirmOutsideYearLabel) {
		t.Fatalf("as of 2026 on the 2022 plan: %d; want 400 with the confirmation box", code)
	}
	// The page comes back with the two units still the only ones chosen.
	if n := strings.Count(body, `" checked>`); n != 2 || !strings.Contains(body, `name="units" value="`+two[0]+`" checked>`) {
		t.Errorf("the refused create shows %d units checked, want the 2 chosen", n)
	}
	if list, _ := f.store.Rounds(ctx, f.planID); len(list) != 2 {
		t.Fatalf("%d rounds after the refused create, want 2", len(list))
	}
	vals.Set("confirm_as_of", "1")
	code, _, loc = postForm(t, admin, f.srv.URL+rounds, vals)
	if code != http.StatusSeeOther {
		t.Fatalf("confirmed create: %d", code)
	}
	dec := atoi(strings.TrimPrefix(strings.Split(loc, "?")[0], "/rounds/"))
	if rd, _ := f.store.Round(ctx, int64(dec)); len(rd.UnitIDs) != 2 || rd.AsOf != "2026-12-31" {
		t.Errorf("the confirmed round: %+v", rd)
	}

	// Edit August, then open it.
	edit := "/rounds/" + itoa(int64(aug))
	code, body = get(t, admin, f.srv.URL+edit+"/edit")
	if code != http.StatusOK || inputValue(body, "label") != "2022年8月调度" || !strings.Contains(body, `id="round-delete"`) {
		t.Fatalf("edit page: %d", code)
	}
	vals = url.Values{"label": {"2022年8月调度（第二批）"}, "as_of": {"2022-08-31"}, "opens_on": {"2026-03-10"}, "due_on": {"2026-03-17"}, "remind_days": {"1"}}
	if code, body, _ = postForm(t, admin, f.srv.URL+edit, vals); code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", code, body)
	}
	vals.Set("due_on", "2026-03-01")
	if code, body, _ = postForm(t, admin, f.srv.URL+edit, vals); code != http.StatusBadRequest || !strings.Contains(body, "“截止日期”早于“开始日期”") || !strings.Contains(body, `value="2026-03-01"`) {
		t.Errorf("edit with the due date before opening: %d; want 400 keeping what was typed", code)
	}
	if code, _, _ = postForm(t, admin, f.srv.URL+edit+"/open", nil); code != http.StatusSeeOther {
		t.Fatalf("open August: %d", code)
	}
	rd, _ := f.store.Round(ctx, int64(aug))
	if rd.Label != "2022年8月调度（第二批）" || rd.RemindDays != 1 || rd.State != plan.RoundOpen {
		t.Fatalf("August after the edit: %+v", rd)
	}

	// Before its due date August is not overdue for 三家店街道; the July
	// round (due 2022-08-05) is.
	_, body = get(t, sjd, f.srv.URL+"/my")
	if row := rowOf(body, "2022年8月调度（第二批）"); row == "" || strings.Contains(row, "逾期") {
		t.Errorf("August in the inbox before the due date: %q", row)
	}
	if row := rowOf(body, "2022年7月调度"); !strings.Contains(row, `<span class="tag bad">逾期</span>`) {
		t.Errorf("July in the inbox in 2026 is not overdue: %q", row)
	}
	// The day after the due date (Beijing time) it is, in the inbox, on the
	// round page and on the form.
	clk.set("2026-03-18 00:05")
	_, body = get(t, sjd, f.srv.URL+"/my")
	if row := rowOf(body, "2022年8月调度（第二批）"); !strings.Contains(row, "逾期") {
		t.Errorf("August in the inbox after the due date: %q", row)
	}
	_, body = get(t, admin, f.srv.URL+edit)
	if !strings.Contains(rowOf(body, "三家店街道"), "逾期") || !strings.Contains(body, `id="timeliness"`) {
		t.Error("the round matrix does not mark 三家店街道 逾期")
	}
	augForms, _ := f.store.RoundForms(ctx, int64(aug))
	var sjdAug string
	for _, fm := range augForms {
		if fm.UnitName == "三家店街道" {
			sjdAug = fm.PublicID
		}
	}
	if _, body = get(t, sjd, f.srv.URL+"/forms/"+sjdAug); !strings.Contains(body, `<span class="tag bad">逾期</span>`) {
		t.Error("the form page does not say 逾期")
	}

	// Extend the deadline: not overdue any more.
	if code, body, _ = postForm(t, admin, f.srv.URL+edit+"/deadline", url.Values{"due_on": {"2026-03-25"}}); code != http.StatusSeeOther {
		t.Fatalf("extend: %d %s", code, body)
	}
	_, body = get(t, sjd, f.srv.URL+"/my")
	if row := rowOf(body, "2022年8月调度（第二批）"); strings.Contains(row, "逾期") || !strings.Contains(row, "2026-03-25") {
		t.Errorf("August in the inbox after the extension: %q", row)
	}
	if _, body = get(t, admin, f.srv.URL+edit); strings.Contains(rowOf(body, "三家店街道"), "逾期") {
		t.Error("the round matrix still marks 三家店街道 逾期 after the extension")
	}

	// Moving an open round's data date is allowed, with a warning.
	vals = url.Values{"label": {"2022年8月调度（第二批）"}, "as_of": {"2022-08-30"}, "opens_on": {"2026-03-10"}, "due_on": {"2026-03-25"}, "remind_days": {"1"}}
	code, _, loc = postForm(t, admin, f.srv.URL+edit, vals)
	if code != http.StatusSeeOther {
		t.Fatalf("move the data date: %d", code)
	}
	if _, body = get(t, admin, f.srv.URL+loc); !strings.Contains(body, `id="asof-changed"`) || !strings.Contains(body, "由 2022-08-31 改为 2022-08-30") {
		t.Error("the round page does not warn that the data date moved")
	}

	// Delete the draft December round and the untouched August round.
	if code, _, loc = postForm(t, admin, f.srv.URL+"/rounds/"+itoa(int64(dec))+"/delete", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, rounds) {
		t.Fatalf("delete the draft round: %d %s", code, loc)
	}
	if code, _, loc = postForm(t, admin, f.srv.URL+edit+"/delete", nil); code != http.StatusSeeOther {
		t.Fatalf("delete the untouched open round: %d", code)
	}
	if _, body = get(t, admin, f.srv.URL+loc); !strings.Contains(body, "已删除该轮调度及其填报表。") || strings.Contains(body, "2022年8月调度（第二批）") {
		t.Error("the rounds page does not say what was deleted")
	}
	if _, err := f.store.Round(ctx, int64(aug)); plan.ErrorCode(err) != plan.ENOTFOUND {
		t.Errorf("August after the delete: %v", err)
	}
	if _, err := f.store.Form(ctx, sjdAug); plan.ErrorCode(err) != plan.ENOTFOUND {
		t.Errorf("August's form after the delete: %v", err)
	}

	// July: 三家店街道 submits (years after its due date), which marks it
	// 逾期报送; the round holds evidence and a report, so it is not deleted.
	form, _ := f.store.Form(ctx, f.forms["三家店街道"])
	fv := formValues(form, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, "submit")
	if code, body, _ = postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, fv); code != http.StatusSeeOther {
		t.Fatalf("submit July: %d %s", code, body)
	}
	july := "/rounds/" + itoa(f.roundID)
	_, body = get(t, admin, f.srv.URL+july)
	if row := rowOf(body, "三家店街道"); !strings.Contains(row, "逾期报送（") || strings.Contains(row, `"tag bad">逾期</span>`) {
		t.Errorf("July's matrix row for 三家店街道: %q", row)
	}
	if _, body = get(t, sjd, f.srv.URL+"/forms/"+form.PublicID); !strings.Contains(body, "逾期报送（") {
		t.Error("the form page does not mark the late submission")
	}
	token, _ := f.store.CreateAPIToken(ctx, "admin", "test", 0)
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/rounds/"+itoa(f.roundID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Forms []struct {
			Unit      string     `json:"unit"`
			Overdue   bool       `json:"overdue"`
			Late      bool       `json:"late"`
			Submitted *time.Time `json:"first_submitted_at"`
		} `json:"forms"`
	}
	json.NewDecoder(res.Body).Decode(&api)
	res.Body.Close()
	for _, fm := range api.Forms {
		switch fm.Unit {
		case "三家店街道":
			if !fm.Late || fm.Overdue || fm.Submitted == nil {
				t.Errorf("API: 三家店街道 %+v, want late and not overdue", fm)
			}
		case "洪都街道":
			if !fm.Overdue || fm.Late {
				t.Errorf("API: 洪都街道 %+v, want overdue", fm)
			}
		}
	}
	code, body, _ = postForm(t, admin, f.srv.URL+july+"/delete", nil)
	if code != http.StatusConflict || !strings.Contains(body, "个单位填报，不能删除；可结束本轮调度。") {
		t.Errorf("delete July: %d", code)
	}

	// Closed, July cannot be edited any more.
	if code, _, _ = postForm(t, admin, f.srv.URL+july+"/close", nil); code != http.StatusSeeOther {
		t.Fatalf("close July: %d", code)
	}
	// The bulletin counts the late unit by the same rule: of the 7 units
	// with figures to report (the sub-districts, the town and the zone of
	// 附件2; departments have none) none reported on time (6 did not
	// report, 三家店街道 was late).
	if _, body = get(t, admin, f.srv.URL+july+"/bulletin"); !strings.Contains(plainText(body), "本轮应报送数据的单位7个，按时报送0个。") {
		t.Errorf("the bulletin counts 三家店街道 late report as on time: %s", regexp.MustCompile(`本轮应报送[^<]*`).FindString(plainText(body)))
	}
	vals = url.Values{"label": {"2022年7月调度"}, "as_of": {"2022-07-31"}, "opens_on": {"2022-08-01"}, "due_on": {"2022-08-31"}, "remind_days": {"2"}}
	if code, body, _ = postForm(t, admin, f.srv.URL+july, vals); code != http.StatusConflict || !strings.Contains(body, "已结束，不能再修改") {
		t.Errorf("edit a closed round: %d", code)
	}
	if _, body = get(t, admin, f.srv.URL+july+"/edit"); strings.Contains(body, `id="round-edit"`) || !strings.Contains(body, "不能再修改") {
		t.Error("the edit page of a closed round offers the form")
	}
	if _, body = get(t, admin, f.srv.URL+july); strings.Contains(body, `href="/rounds/`+itoa(f.roundID)+`/edit"`) || strings.Contains(rowOf(body, "洪都街道"), `"tag bad">逾期</span>`) {
		t.Error("a closed round offers editing or still marks 逾期")
	}
}
