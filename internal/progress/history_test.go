package progress_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// history is the 2022 plan with rounds of different dates, as staff run
// them: what each scenario below starts from.
type history struct {
	t      *testing.T
	s      *store.Store
	planID int64
	doc    *plan.Document
	admin  *auth.User
}

func newHistory(t *testing.T, s *store.Store) *history {
	t.Helper()
	ctx := context.Background()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportDirectory(ctx, ex.Directory); err != nil {
		t.Fatal(err)
	}
	id, err := s.CreatePlan(ctx, ex.Document, "")
	if err != nil {
		t.Fatal(err)
	}
	// These scenarios are about units' reports: the goals the 2022 plan
	// binds to register definitions are made reported again (the admin's
	// choice), so typed values count.
	storetest.UnbindAll(t, s, id)
	doc, err := s.Plan(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return &history{t: t, s: s, planID: id, doc: doc, admin: &auth.User{ID: 0, Username: "admin", Role: auth.RoleAdmin}}
}

func (h *history) round(label, asOf string) int64 {
	h.t.Helper()
	ctx := context.Background()
	id, err := h.s.CreateRound(ctx, plan.Round{PlanID: h.planID, Label: label, AsOf: asOf, OpensOn: asOf, DueOn: asOf, ConfirmOutsideYear: true})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.s.OpenRound(ctx, id, h.admin); err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *history) form(roundID int64, unit string) *plan.Form {
	h.t.Helper()
	forms, err := h.s.RoundForms(context.Background(), roundID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range forms {
		if f.UnitName == unit {
			form, err := h.s.Form(context.Background(), f.PublicID)
			if err != nil {
				h.t.Fatal(err)
			}
			return form
		}
	}
	h.t.Fatalf("no form for %s", unit)
	return nil
}

// submit fills a unit's form (every task at status, the given values) and
// submits it; approve then approves it.
func (h *history) submit(roundID int64, unit string, status plan.TaskStatus, problems string, values map[string]string) *plan.Form {
	h.t.Helper()
	f := h.form(roundID, unit)
	e := store.FormEdit{Version: f.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
	for _, t := range f.Tasks {
		e.Tasks[t.TaskID] = plan.FormTask{Status: status, Progress: "本期推进情况：" + t.Number + "号任务按计划推进", Problems: problems}
	}
	for _, v := range f.Values {
		d := plan.MustDecimal(values[v.Indicator])
		e.Values[v.GoalID] = plan.FormValue{Value: &d}
	}
	saved, err := h.s.SaveForm(context.Background(), f.PublicID, e, h.admin)
	if err != nil {
		h.t.Fatalf("submit %s: %v", unit, err)
	}
	return saved
}

func (h *history) approve(roundID int64, unit string, status plan.TaskStatus, problems string, values map[string]string) {
	h.t.Helper()
	f := h.submit(roundID, unit, status, problems, values)
	if err := h.s.ReviewForm(context.Background(), f.PublicID, f.Version, store.Approve, "", h.admin); err != nil {
		h.t.Fatalf("approve %s: %v", unit, err)
	}
}

func (h *history) load(roundID int64) *progress.Data {
	h.t.Helper()
	d, err := progress.Load(context.Background(), h.s, h.planID, roundID)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func (h *history) goal(indicator string) plan.DocGoal {
	for _, g := range h.doc.Goals {
		if g.Indicator == indicator {
			return g
		}
	}
	h.t.Fatalf("no goal %s", indicator)
	return plan.DocGoal{}
}

func cardOf(d *progress.Data, goalID int64) plan.GoalCard {
	for _, c := range d.Overview.Cards {
		if c.Goal.ID == goalID {
			return c
		}
	}
	return plan.GoalCard{}
}

func actual(c plan.GoalCard) string {
	if c.Actual == nil {
		return "none"
	}
	return c.Actual.String()
}

var (
	sjdMarch = map[string]string{"科技型中小企业": "5", "高新技术企业": "3", "技术合同成交额": "0.5"}
	sjdJuly  = map[string]string{"科技型中小企业": "15", "高新技术企业": "9", "技术合同成交额": "1.25"}
	hdMarch  = map[string]string{"科技型中小企业": "4", "高新技术企业": "2", "技术合同成交额": "0.3"}
	hdLate   = map[string]string{"科技型中小企业": "9", "高新技术企业": "5", "技术合同成交额": "0.9"}
)

// TestFiguresAsOfTheirRound: a round's figures, task statuses and lagging
// list come from that round and the ones before it, never a later one —
// also a round created later with an earlier date, and one dated in the
// wrong year.
func TestFiguresAsOfTheirRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := newHistory(t, s)
		sme := h.goal("科技型中小企业")
		march := h.round("2022年3月调度", "2022-03-31")
		h.approve(march, "三家店街道", plan.TaskLagging, "场地未落实", sjdMarch)
		h.approve(march, "区科工局", plan.TaskLagging, "申报进度慢", nil) // leads most tasks
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "三家店街道", plan.TaskDone, "", sjdJuly)
		h.approve(july, "区科工局", plan.TaskDone, "", nil)
		wrong := h.round("2026年12月调度", "2026-12-01") // a mistaken date, still open
		h.submit(wrong, "三家店街道", plan.TaskLagging, "误建调度中的填报", sjdJuly)

		m := h.load(march)
		if got := actual(cardOf(m, sme.ID)); got != "5" {
			t.Errorf("March 科技型中小企业 = %s, want 5 (July's 15 must not leak back)", got)
		}
		var marchTask int64
		if len(m.TaskStatus) == 0 {
			t.Fatal("March: no task statuses")
		}
		for id, st := range m.TaskStatus {
			if st != plan.TaskLagging {
				t.Errorf("March: task %d is %s, want 滞后 as reported in March", id, st.Label())
			}
			marchTask = id
		}
		sawWords := false
		for _, l := range m.Lagging {
			sawWords = sawWords || l.Problems == "场地未落实" && l.AsOf == "2022-03-31"
		}
		if !sawWords {
			t.Errorf("March lagging list %+v", m.Lagging)
		}
		if len(m.Overview.Cards[0].Trend) > 1 {
			t.Errorf("March trend reaches later rounds: %+v", m.Overview.Cards[0].Trend)
		}

		j := h.load(july)
		if got := actual(cardOf(j, sme.ID)); got != "15" {
			t.Errorf("July 科技型中小企业 = %s, want 15", got)
		}
		if st := j.TaskStatus[marchTask]; st != plan.TaskDone {
			t.Errorf("July: task %d is %s, want 已完成", marchTask, st.Label())
		}
		for _, l := range j.Lagging {
			if l.AsOf > "2022-07-31" {
				t.Errorf("July's lagging list quotes a later round: %+v", l)
			}
		}
		// The latest opened round is the default, whatever its date; a
		// draft round is never the default.
		if _, err := s.CreateRound(context.Background(), plan.Round{PlanID: h.planID, Label: "草稿", AsOf: "2027-01-31", OpensOn: "2027-01-31", DueOn: "2027-01-31", ConfirmOutsideYear: true}); err != nil {
			t.Fatal(err)
		}
		if d := h.load(0); d.Round.ID != wrong {
			t.Errorf("default round %q, want the latest opened one", d.Round.Label)
		}
	})
}

// TestClosedRoundIsFrozen: closing a round keeps its figures as issued —
// an approval or return afterwards is refused, edits to the plan and the
// settings do not reach it — until an admin reopens it, and closing it
// again issues a second version.
func TestClosedRoundIsFrozen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHistory(t, s)
		sme := h.goal("科技型中小企业")
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "三家店街道", plan.TaskInProgress, "", sjdJuly)
		late := h.submit(july, "洪都街道", plan.TaskInProgress, "", hdLate) // submitted, not approved by the close
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		before := h.load(july)
		if before.Frozen == nil || before.Frozen.Issue != 1 || actual(cardOf(before, sme.ID)) != "15" {
			t.Fatalf("closed July: frozen %+v, 科技型中小企业 %s", before.Frozen, actual(cardOf(before, sme.ID)))
		}

		if err := s.ReviewForm(ctx, late.PublicID, late.Version, store.Approve, "", h.admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("approving after close: %v, want ECONFLICT", err)
		}
		lead := &auth.User{Username: "kgj", Role: auth.RoleReporter, UnitID: unitOf(t, before, "区科工局")}
		if err := s.ReviewForm(ctx, late.PublicID, late.Version, store.Return, "请补充名单", lead); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("a lead unit returning after close: %v, want ECONFLICT", err)
		}
		if f, _ := s.Form(ctx, late.PublicID); f.State != plan.FormSubmitted {
			t.Errorf("the late form is %s, want still 已报", f.State.Label())
		}
		// Plan and settings edits after the close do not reach the issued figures.
		g := sme
		g.Target = plan.NewDecimal(200)
		if _, err := s.SaveGoal(ctx, h.planID, g); err != nil {
			t.Fatal(err)
		}
		ps := before.Settings
		ps.Options.Thresholds = plan.Thresholds{Lag: 1, SeriousLag: 2, Ahead: 1}
		if err := s.SaveProgressSettings(ctx, h.planID, ps); err != nil {
			t.Fatal(err)
		}
		after := h.load(july)
		if c := cardOf(after, sme.ID); c.Goal.Target.String() != "140" || c.Assessment != cardOf(before, sme.ID).Assessment {
			t.Errorf("a closed round changed after edits: target %s, %+v", c.Goal.Target, c.Assessment)
		}
		if after.Plan.Goals[1].Target.String() != "200" {
			t.Errorf("the live plan should show the edit: %s", after.Plan.Goals[1].Target)
		}

		// Reopen, approve the late form, close: the second issue counts it.
		if err := s.ReopenRound(ctx, july, ""); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("reopen without a reason: %v", err)
		}
		if err := s.ReopenRound(ctx, july, "洪都街道补报，需补充审核"); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewForm(ctx, late.PublicID, late.Version, store.Approve, "", h.admin); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		re := h.load(july)
		if re.Frozen.Issue != 2 || actual(cardOf(re, sme.ID)) != "24" {
			t.Errorf("reissued July: issue %d, 科技型中小企业 %s; want 2, 24", re.Frozen.Issue, actual(cardOf(re, sme.ID)))
		}
		b, _, err := progress.RoundBulletin(ctx, s, july, func(plan.ProgressSettings) auth.Sight { return auth.SightOf(h.admin, false) }, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.Title, "第2版") {
			t.Errorf("reissued bulletin title %q", b.Title)
		}
	})
}

// TestCarriedValuesAreMarkedNotRanked: a unit with no approved report in a
// round keeps its earlier figure in the district's total, marked as
// carried, listed as not reported, and left out of the ranking — one
// document never ranks a unit it lists as 未报送.
func TestCarriedValuesAreMarkedNotRanked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHistory(t, s)
		sme := h.goal("科技型中小企业")
		march := h.round("2022年3月调度", "2022-03-31")
		h.approve(march, "三家店街道", plan.TaskInProgress, "", sjdMarch)
		h.approve(march, "洪都街道", plan.TaskInProgress, "", hdMarch)
		if err := s.CloseRound(ctx, march); err != nil {
			t.Fatal(err)
		}
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "三家店街道", plan.TaskInProgress, "", sjdJuly)
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		d := h.load(july)
		c := cardOf(d, sme.ID)
		if actual(c) != "19" || c.Carried != 1 {
			t.Errorf("July 科技型中小企业 %s carried %d, want 19 with 1 carried", actual(c), c.Carried)
		}
		hd := unitOf(t, d, "洪都街道")
		for _, row := range d.Overview.Rows {
			if cell := row.Cells[sme.ID]; row.Unit.ID == hd && (cell == nil || !cell.Carried || cell.AsOf != "2022-03-31") {
				t.Errorf("洪都街道's cell %+v, want carried from 2022-03-31", cell)
			}
		}
		for _, r := range d.Overview.Ranking {
			if r.UnitID == hd && r.Rank != 0 {
				t.Errorf("洪都街道 ranked %d though it did not report", r.Rank)
			}
		}
		notReported := false
		for _, f := range d.NotReported {
			notReported = notReported || f.UnitID == hd
		}
		if !notReported {
			t.Error("洪都街道 should be listed as not reported")
		}
		b, err := d.Bulletin(true, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tbl := range b.Tables {
			for _, row := range tbl.Rows {
				if row[0].Text == "洪都街道" && strings.HasPrefix(tbl.Title, "各单位") && !strings.HasSuffix(row[2].Text, "＊") {
					t.Errorf("the bulletin's table does not mark 洪都街道's carried figure: %+v", row[2])
				}
			}
		}
	})
}

// TestSightCutsProgress: reporters see the district and their own unit,
// never another unit's figures, words or form links; the public sees the
// district only; leaders lose the ranking when it is hidden.
func TestSightCutsProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := newHistory(t, s)
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "三家店街道", plan.TaskLagging, "三家店的问题", sjdJuly)
		h.approve(july, "洪都街道", plan.TaskLagging, "洪都的问题", hdLate)
		d := h.load(july)
		hd, sjd := unitOf(t, d, "洪都街道"), unitOf(t, d, "三家店街道")
		r := d.For(auth.SightOf(&auth.User{Role: auth.RoleReporter, UnitID: hd}, false))
		if len(r.Overview.Rows) != 1 || r.Overview.Rows[0].Unit.ID != hd || r.Overview.Ranking != nil {
			t.Errorf("a 洪都街道 reporter's rows %d, ranking %v", len(r.Overview.Rows), r.Overview.Ranking != nil)
		}
		for _, l := range r.Lagging {
			if l.UnitID == sjd {
				t.Errorf("a 洪都街道 reporter reads 三家店街道's words: %+v", l)
			}
		}
		for _, v := range r.Values {
			if v.UnitID != hd {
				t.Errorf("a reporter reads another unit's value: %+v", v)
			}
		}
		if actual(r.Overview.Cards[1]) != actual(d.Overview.Cards[1]) {
			t.Error("the district's figures are the same for everyone")
		}
		pub := d.For(auth.SightOf(nil, false))
		if len(pub.Overview.Rows) != 0 || len(pub.Lagging) != 0 || len(pub.Forms) != 0 || pub.Overview.Ranking != nil {
			t.Error("the public sees units")
		}
		leader := d.For(auth.SightOf(&auth.User{Role: auth.RoleLeader}, true))
		if leader.Overview.Ranking != nil || len(leader.Overview.Rows) != len(d.Overview.Rows) {
			t.Error("a leader with the ranking hidden")
		}
		if len(d.Overview.Ranking) == 0 {
			t.Error("the admin's view has the ranking")
		}
	})
}

func unitOf(t *testing.T, d *progress.Data, name string) int64 {
	t.Helper()
	for _, u := range d.Directory.Units {
		if u.Name == name || u.ShortName == name {
			return u.ID
		}
	}
	t.Fatalf("no unit %s", name)
	return 0
}

// TestCacheFollowsTheDataVersion: the cache gives the same computation
// while nothing that moves a figure changed — a draft saved again is such
// a nothing — and a fresh one after an approval.
func TestCacheFollowsTheDataVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHistory(t, s)
		july := h.round("2022年7月调度", "2022-07-31")
		c := progress.NewCache(s, 8)
		first, err := c.Load(ctx, h.planID, july)
		if err != nil {
			t.Fatal(err)
		}
		f := h.form(july, "三家店街道")
		e := store.FormEdit{Version: f.Version, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
		saved, err := s.SaveForm(ctx, f.PublicID, e, h.admin) // 未填 → 草稿: the list of forms changes
		if err != nil {
			t.Fatal(err)
		}
		second, _ := c.Load(ctx, h.planID, july)
		if second == first {
			t.Error("a first save did not renew the cached progress")
		}
		e.Version = saved.Version
		if _, err := s.SaveForm(ctx, f.PublicID, e, h.admin); err != nil { // 草稿 → 草稿
			t.Fatal(err)
		}
		if again, _ := c.Load(ctx, h.planID, july); again != second {
			t.Error("a draft saved again renewed the cached progress")
		}
		h.approve(july, "洪都街道", plan.TaskInProgress, "", hdLate)
		third, _ := c.Load(ctx, h.planID, july)
		if third == second || actual(cardOf(third, h.goal("科技型中小企业").ID)) != "9" {
			t.Errorf("after an approval: %s", actual(cardOf(third, h.goal("科技型中小企业").ID)))
		}
	})
}

// TestCacheKeepsTheFiguresOverASubmission: a submission and a return move
// the data version but no figure, so the cache reads only the forms and
// the reports again and keeps its overview — and gives what a fresh read
// gives; an approval moves the figures and renews the overview.
func TestCacheKeepsTheFiguresOverASubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		h := newHistory(t, s)
		july := h.round("2022年7月调度", "2022-07-31")
		h.approve(july, "洪都街道", plan.TaskInProgress, "", hdLate)
		c := progress.NewCache(s, 8)
		first, err := c.Load(ctx, h.planID, july)
		if err != nil {
			t.Fatal(err)
		}
		same := func(stage string, got *progress.Data) {
			t.Helper()
			fresh := h.load(july)
			if !reflect.DeepEqual(got.Overview, fresh.Overview) || !reflect.DeepEqual(got.Forms, fresh.Forms) ||
				!reflect.DeepEqual(got.Reports, fresh.Reports) || !reflect.DeepEqual(got.Sections, fresh.Sections) ||
				!reflect.DeepEqual(got.NotReported, fresh.NotReported) || got.Version != fresh.Version || got.Figures != fresh.Figures {
				t.Errorf("%s: the cached progress differs from a fresh read", stage)
			}
		}
		sjd := h.submit(july, "三家店街道", plan.TaskLagging, "用地未落实", map[string]string{"科技型中小企业": "30", "高新技术企业": "5", "技术合同成交额": "1"})
		second, err := c.Load(ctx, h.planID, july)
		if err != nil {
			t.Fatal(err)
		}
		if second == first || second.Overview != first.Overview || second.Figures != first.Figures {
			t.Errorf("a submission: renewed %v, overview kept %v, figures %d → %d", second != first, second.Overview == first.Overview, first.Figures, second.Figures)
		}
		if len(second.NotReported) != len(first.NotReported)-1 || len(second.Lagging) == 0 {
			t.Errorf("a submission: %d forms not reported (was %d), %d lagging reports", len(second.NotReported), len(first.NotReported), len(second.Lagging))
		}
		same("after a submission", second)

		if err := s.ReviewForm(ctx, sjd.PublicID, sjd.Version, store.Return, "请补充", h.admin); err != nil {
			t.Fatal(err)
		}
		third, _ := c.Load(ctx, h.planID, july)
		if third == second || third.Overview != first.Overview || len(third.NotReported) != len(first.NotReported) {
			t.Errorf("a return: renewed %v, overview kept %v, %d not reported", third != second, third.Overview == first.Overview, len(third.NotReported))
		}
		same("after a return", third)

		h.approve(july, "三家店街道", plan.TaskInProgress, "", map[string]string{"科技型中小企业": "30", "高新技术企业": "5", "技术合同成交额": "1"})
		fourth, _ := c.Load(ctx, h.planID, july)
		if fourth.Overview == first.Overview || fourth.Figures == first.Figures || actual(cardOf(fourth, h.goal("科技型中小企业").ID)) == actual(cardOf(first, h.goal("科技型中小企业").ID)) {
			t.Errorf("an approval: overview renewed %v, figures %d → %d, 科技型中小企业 %s → %s", fourth.Overview != first.Overview, first.Figures, fourth.Figures,
				actual(cardOf(first, h.goal("科技型中小企业").ID)), actual(cardOf(fourth, h.goal("科技型中小企业").ID)))
		}
		same("after an approval", fourth)
	})
}
