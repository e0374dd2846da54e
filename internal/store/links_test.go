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

// chain is the demo chain in one directory: the 2022 district points, the
// city's 2022 points splitting the goals over three districts, and the
// district's 2021–2023 three-year plan.
type chain struct {
	district, city, three int64
	qyp                   int64 // 青云谱区, the city's allocation unit for the district
}

func loadChain(t *testing.T, s *store.Store) chain {
	t.Helper()
	ctx := context.Background()
	var c chain
	c.district, _ = loadExample(t, s)
	storetest.UnbindAll(t, s, c.district)
	demo, err := examples.CascadeDemo()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range demo.Districts.Units {
		if _, err := s.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if c.city, err = s.CreatePlan(ctx, demo.City, ""); err != nil {
		t.Fatal(err)
	}
	storetest.UnbindAll(t, s, c.city)
	if c.three, err = s.CreatePlan(ctx, demo.ThreeYear, ""); err != nil {
		t.Fatal(err)
	}
	c.qyp = unitID(t, s, "青云谱区")
	return c
}

// linkToCity links the district's goals of the indicators to the city's,
// the district counted as 青云谱区.
func (c chain) linkToCity(t *testing.T, s *store.Store, indicators ...string) {
	t.Helper()
	for _, ind := range indicators {
		if err := s.LinkGoal(context.Background(), c.district, goalNamed(t, s, c.district, ind).ID, goalNamed(t, s, c.city, ind).ID, c.qyp); err != nil {
			t.Fatal(err)
		}
	}
}

func goalNamed(t *testing.T, s *store.Store, planID int64, indicator string) plan.DocGoal {
	t.Helper()
	doc, err := s.Plan(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range doc.Goals {
		if g.Indicator == indicator {
			return g
		}
	}
	t.Fatalf("plan %d has no goal %s", planID, indicator)
	return plan.DocGoal{}
}

func TestGoalLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := loadChain(t, s)
		dSME, cSME := goalNamed(t, s, c.district, "科技型中小企业"), goalNamed(t, s, c.city, "科技型中小企业")
		cContract := goalNamed(t, s, c.city, "技术合同成交额")
		dHT := goalNamed(t, s, c.district, "高新技术企业")

		refused := []struct {
			name                 string
			plan, goal, up, unit int64
			want                 string
		}{
			{"units differ", c.district, dSME.ID, cContract.ID, c.qyp, "计量单位不同"},
			{"same plan", c.district, dSME.ID, dHT.ID, 0, "不能关联本方案"},
			{"not split to the unit", c.district, dSME.ID, cSME.ID, unitID(t, s, "三家店街道"), "没有分解到“三家店街道”"},
			{"no such goal", c.district, dSME.ID, 999999, c.qyp, "不存在"},
			{"goal of another plan", c.city, dSME.ID, cSME.ID, c.qyp, "不存在"},
		}
		for _, r := range refused {
			err := s.LinkGoal(ctx, r.plan, r.goal, r.up, r.unit)
			if err == nil || !strings.Contains(plan.ErrorMessage(err), r.want) {
				t.Errorf("%s: %v, want %q", r.name, err, r.want)
			}
		}
		if err := s.LinkGoal(ctx, c.district, dSME.ID, cSME.ID, c.qyp); err != nil {
			t.Fatal(err)
		}
		g := goalNamed(t, s, c.district, "科技型中小企业")
		if l := g.SplitLink(); l == nil || len(g.Links) != 1 || l.ParentGoalID != cSME.ID || l.UnitID != c.qyp || l.Unit != "青云谱区" || l.SourceTarget.String() != "140" || l.Changed() {
			t.Fatalf("link %+v", g.Links)
		}
		if g.Target.String() != "140" {
			t.Fatalf("target %s", g.Target)
		}
		// The city goal linked back down to the district's would loop.
		err := s.LinkGoal(ctx, c.city, cSME.ID, dSME.ID, unitID(t, s, "三家店街道"))
		if err == nil || !strings.Contains(plan.ErrorMessage(err), "循环") {
			t.Fatalf("cycle: %v", err)
		}
		if goalNamed(t, s, c.city, "科技型中小企业").Links != nil {
			t.Fatal("a refused link was written")
		}

		// The city moves 青云谱区's share: a finding on the district plan
		// naming both figures; the district's target stays until relinked.
		doc, err := s.Plan(ctx, c.city)
		if err != nil {
			t.Fatal(err)
		}
		tbl := doc.DecompositionTables[0]
		for i, r := range tbl.Rows {
			if r.Unit == "青云谱区" {
				tbl.Rows[i].Values["科技型中小企业"] = plan.NewDecimal(150)
			}
		}
		if _, err := s.SaveSplitTable(ctx, c.city, tbl); err != nil {
			t.Fatal(err)
		}
		ddoc, err := s.Plan(ctx, c.district)
		if err != nil {
			t.Fatal(err)
		}
		fs := plan.LinkFindings(ddoc)
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "140家") || !strings.Contains(fs[0].Message, "150家") {
			t.Fatalf("findings %+v", fs)
		}
		if err := s.LinkGoal(ctx, c.district, dSME.ID, cSME.ID, c.qyp); err != nil {
			t.Fatal(err)
		}
		if ddoc, _ = s.Plan(ctx, c.district); len(plan.LinkFindings(ddoc)) != 0 || goalNamed(t, s, c.district, "科技型中小企业").Target.String() != "150" {
			t.Fatal("relinking did not take the new figure")
		}

		// A parent plan of a longer period: the year's target, and the plan
		// becomes the district plan's parent.
		tHT := goalNamed(t, s, c.three, "高新技术企业")
		if err := s.LinkGoal(ctx, c.district, dHT.ID, tHT.ID, 0); err != nil {
			t.Fatal(err)
		}
		if ddoc, _ = s.Plan(ctx, c.district); ddoc.ParentID != c.three || goalNamed(t, s, c.district, "高新技术企业").Target.String() != "76" {
			t.Fatalf("parent %d, target %s", ddoc.ParentID, goalNamed(t, s, c.district, "高新技术企业").Target)
		}
		// Both kinds on one goal: the city's split and the three-year
		// plan's year agree on 140 for 科技型中小企业 until the city moved it
		// to 150 above; relinking to the three-year plan takes 140 and the
		// disagreement with the city's 150 is a finding.
		if err := s.LinkGoal(ctx, c.district, dSME.ID, goalNamed(t, s, c.three, "科技型中小企业").ID, 0); err != nil {
			t.Fatal(err)
		}
		if g := goalNamed(t, s, c.district, "科技型中小企业"); len(g.Links) != 2 || g.SplitLink() == nil || g.PeriodLink() == nil || g.Target.String() != "140" {
			t.Fatalf("two links %+v, target %s", g.Links, g.Target)
		}
		ddoc, _ = s.Plan(ctx, c.district)
		if fs := plan.LinkFindings(ddoc); len(fs) != 1 || !strings.Contains(fs[0].Message, "不一致") {
			t.Fatalf("findings %+v", fs)
		}
		if err := s.UnlinkGoal(ctx, c.district, dHT.ID, tHT.ID); err != nil {
			t.Fatal(err)
		}
		if goalNamed(t, s, c.district, "高新技术企业").Links != nil {
			t.Fatal("unlinked goal keeps its link")
		}
		if err := s.UnlinkGoal(ctx, c.district, dHT.ID, tHT.ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Fatalf("unlinking twice: %v", err)
		}
		if err := s.SaveYearTargets(ctx, c.three, tHT.ID, []plan.YearTarget{{Year: 2024, Target: plan.NewDecimal(1)}}); err == nil {
			t.Fatal("a year outside the period was accepted")
		}
	})
}

// approveValues fills, submits and approves a unit's form in a round.
func approveValues(t *testing.T, s *store.Store, roundID int64, unit string, values map[string]string) {
	t.Helper()
	ctx := context.Background()
	admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
	f := formOf(t, s, roundID, unit)
	for _, v := range f.Values {
		if _, ok := values[v.Indicator]; !ok {
			values[v.Indicator] = "1"
		}
	}
	e := fill(f, values)
	e.Submit = true
	if _, err := s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.ReviewForm(ctx, f.PublicID, f.Version+1, store.Approve, "", admin); err != nil {
		t.Fatal(err)
	}
}

func openRound(t *testing.T, s *store.Store, planID int64, label, asOf string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: label, AsOf: asOf, OpensOn: asOf, DueOn: asOf, RemindDays: 1, ConfirmOutsideYear: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.OpenRound(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	return id
}

// cityCell is 青云谱区's row of a city goal as of a city round, through the
// one read path's source.
func cityCell(t *testing.T, s *store.Store, c chain, roundID int64, indicator string) (*plan.Cell, *plan.Overview) {
	t.Helper()
	src, err := s.ProgressSource(context.Background(), c.city, roundID)
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := plan.ParseAsOf(src.Round.AsOf)
	ov := plan.BuildOverview(plan.OverviewInput{Doc: src.Doc, Units: src.Units, Allocations: src.Allocations, Values: src.Values, Computed: src.Computed, AsOf: asOf, Settings: src.Settings})
	g := goalNamed(t, s, c.city, indicator)
	for _, r := range ov.Rows {
		if r.Unit.ID == c.qyp {
			if src.LinkedPlans[c.district] == "" {
				t.Fatalf("linked plans %v", src.LinkedPlans)
			}
			return r.Cells[g.ID], ov
		}
	}
	t.Fatal("no 青云谱区 row")
	return nil, nil
}

func TestRollUpAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := loadChain(t, s)
		c.linkToCity(t, s, "科技型中小企业", "技术合同成交额")
		cityJuly := openRound(t, s, c.city, "2022年7月调度", "2022-07-31")
		// Before the district has any round: no figure, the row 未报送.
		if cell, _ := cityCell(t, s, c, cityJuly, "科技型中小企业"); cell.Actual != nil {
			t.Fatalf("district without a round: %v", cell.Actual)
		}
		dJuly := openRound(t, s, c.district, "2022年7月调度", "2022-07-20")
		approveValues(t, s, dJuly, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "1.25"})
		approveValues(t, s, dJuly, "洪都街道", map[string]string{"科技型中小企业": "19", "高新技术企业": "10", "技术合同成交额": "0.5"})
		approveValues(t, s, cityJuly, "东湖区", map[string]string{"科技型中小企业": "90", "高新技术企业": "40", "技术合同成交额": "3.5"})
		// A later district round must not leak into the city's July.
		dSept := openRound(t, s, c.district, "2022年9月调度", "2022-09-30")
		approveValues(t, s, dSept, "三家店街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "15", "技术合同成交额": "2"})

		cell, ov := cityCell(t, s, c, cityJuly, "科技型中小企业")
		if cell.Actual == nil || cell.Actual.String() != "40" || cell.LinkedPlan != c.district || cell.DataDate != "2022-07-20" {
			t.Fatalf("July: %+v", cell)
		}
		if card := ov.Cards[1]; card.Actual == nil || card.Actual.String() != "130" {
			t.Fatalf("city July total %v, want 40 (linked) + 90 (东湖区)", card.Actual)
		}
		ranked := false
		for _, r := range ov.Ranking {
			ranked = ranked || r.UnitID == c.qyp
		}
		if !ranked {
			t.Fatalf("青云谱区 not ranked: %+v", ov.Ranking)
		}
		if cell, _ := cityCell(t, s, c, cityJuly, "技术合同成交额"); cell.Actual == nil || cell.Actual.String() != "1.75" {
			t.Fatalf("decimal roll-up %v", cell.Actual)
		}
		citySept := openRound(t, s, c.city, "2022年9月调度", "2022-09-30")
		if cell, _ := cityCell(t, s, c, citySept, "科技型中小企业"); cell.Actual == nil || cell.Actual.String() != "49" {
			t.Fatalf("September: %v, want 30 + 19 (洪都 carried)", cell.Actual)
		}
		// Closing the city's July freezes the rolled-up figure with it.
		if err := s.CloseRound(ctx, cityJuly); err != nil {
			t.Fatal(err)
		}
		dJuly2 := openRound(t, s, c.district, "2022年7月补报", "2022-07-25")
		approveValues(t, s, dJuly2, "洪都街道", map[string]string{"科技型中小企业": "25", "高新技术企业": "10", "技术合同成交额": "0.5"})
		if cell, _ := cityCell(t, s, c, cityJuly, "科技型中小企业"); cell.Actual.String() != "40" {
			t.Fatalf("closed July moved to %v", cell.Actual)
		}
	})
}

func TestNextYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := loadChain(t, s)
		dSME, dHT := goalNamed(t, s, c.district, "科技型中小企业"), goalNamed(t, s, c.district, "高新技术企业")
		if err := s.LinkGoal(ctx, c.district, dSME.ID, goalNamed(t, s, c.city, "科技型中小企业").ID, c.qyp); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkGoal(ctx, c.district, dHT.ID, goalNamed(t, s, c.three, "高新技术企业").ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.BindGoal(ctx, dSME.ID, plan.Definition{Kind: plan.DefSMECount}); err != nil {
			t.Fatal(err)
		}
		dJuly := openRound(t, s, c.district, "2022年7月调度", "2022-07-31")
		approveValues(t, s, dJuly, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})

		next, err := s.NextYear(ctx, c.district, 0)
		if err != nil {
			t.Fatal(err)
		}
		old, _ := s.Plan(ctx, c.district)
		doc, err := s.Plan(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Year != 2023 || !strings.Contains(doc.Title, "2023") || doc.Status != plan.StatusDraft || doc.PreviousID != c.district || doc.ParentID != c.three || doc.DocNumber != "" {
			t.Fatalf("header %+v", doc)
		}
		if len(doc.Goals) != len(old.Goals) || len(doc.Sections) != len(old.Sections) || len(doc.TaskTable) != len(old.TaskTable) || len(doc.DecompositionTables) != len(old.DecompositionTables) {
			t.Fatal("structure not copied")
		}
		if got, want := doc.Sections[0].Tasks[0].LeadUnits, old.Sections[0].Tasks[0].LeadUnits; strings.Join(got, "、") != strings.Join(want, "、") {
			t.Fatalf("lead units %v, want %v", got, want)
		}
		for _, g := range doc.Goals {
			switch g.Indicator {
			case "高新技术企业": // the three-year plan reaches 2023: 90
				if g.PeriodLink() == nil || g.Target.String() != "90" {
					t.Fatalf("高新技术企业 %+v", g)
				}
			case "科技型中小企业": // the city's 2022 split ends with 2022
				if g.Links != nil {
					t.Fatalf("the city's 2022 link was carried: %+v", g.Links)
				}
			}
		}
		nsrc, err := s.ProgressSource(ctx, next, 0)
		if err != nil {
			t.Fatal(err)
		}
		osrc, _ := s.ProgressSource(ctx, c.district, 0)
		if len(nsrc.Allocations) != len(osrc.Allocations) || len(nsrc.Rounds) != 0 || len(nsrc.Values) != 0 {
			t.Fatalf("allocations %d of %d, rounds %d", len(nsrc.Allocations), len(osrc.Allocations), len(nsrc.Rounds))
		}
		// The definition (口径) comes along; the goals unbound stay reported.
		if b, _ := s.GoalBinding(ctx, goalNamed(t, s, next, "科技型中小企业").ID); b == nil || b.Definition.Kind != plan.DefSMECount {
			t.Fatalf("binding %+v", b)
		}
		if b, _ := s.GoalBinding(ctx, goalNamed(t, s, next, "技术合同成交额").ID); b != nil {
			t.Fatalf("binding %+v", b)
		}
		if _, err := s.NextYear(ctx, c.district, 2023); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Fatalf("second copy: %v", err)
		}
		if _, err := s.NextYear(ctx, c.three, 0); err == nil || !strings.Contains(plan.ErrorMessage(err), "多年方案") {
			t.Fatalf("a three-year plan copied by the year: %v", err)
		}
		if _, err := s.NextYear(ctx, c.district, 2021); plan.ErrorCode(err) != plan.EINVALID {
			t.Fatalf("a year before the plan's: %v", err)
		}
		nSME := goalNamed(t, s, next, "科技型中小企业")
		if err := s.SetTargets(ctx, next, map[int64]plan.Decimal{nSME.ID: plan.NewDecimal(160)}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTargets(ctx, next, map[int64]plan.Decimal{goalNamed(t, s, next, "高新技术企业").ID: plan.NewDecimal(1)}); err == nil {
			t.Fatal("a linked goal's target was set directly")
		}
		// 同期: the 2023 July round compares with 2022's July.
		nJuly := openRound(t, s, next, "2023年7月调度", "2023-07-31")
		src, err := s.ProgressSource(ctx, next, nJuly)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, ly := range src.LastYear {
			if ly.GoalID == goalNamed(t, s, next, "高新技术企业").ID {
				found = ly.Value.String() == "14" && ly.AsOf == "2022-07-31"
			}
		}
		if !found {
			t.Fatalf("last year %+v", src.LastYear)
		}
		// The three-year plan's progress across years from its child.
		years, err := s.YearProgress(ctx, c.three)
		if err != nil {
			t.Fatal(err)
		}
		tHT := goalNamed(t, s, c.three, "高新技术企业")
		if cs := years[tHT.ID]; len(cs) != 2 || cs[0].Year != 2022 || cs[0].Actual == nil || cs[0].Actual.String() != "14" || cs[1].Year != 2023 || cs[1].Actual != nil {
			t.Fatalf("years %+v", cs)
		}
	})
}
