package cli

import (
	"context"
	"fmt"
	"strings"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// demoCityShare is the part of their allocation the districts reporting
// straight to the city have reached in the demo's July round (演示数据).
var demoCityShare = plan.MustDecimal("0.55")

// The demo's organisations: the district the notice is from, and the city
// above it (演示数据 beyond the notice).
const (
	demoDistrict = "青云谱区"
	demoCity     = "南昌市"
)

// loadDemoPlans lays out the demo in its organisations: 青云谱区 with the
// 2022 notice's directory and plan, its open July round and its demo
// registers; 南昌市 above it with the demo chain (loadDemoCascade).
func loadDemoPlans(ctx context.Context, s *store.Store) error {
	district, err := demoDistrictOrg(ctx, s)
	if err != nil {
		return err
	}
	in := store.WithScope(ctx, store.Scope{Org: district, Orgs: []int64{district}})
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		return err
	}
	if err := s.ImportDirectory(in, ex.Directory); err != nil {
		return err
	}
	ex.Document.Status = plan.StatusActive
	planID, err := s.CreatePlan(in, ex.Document, ex.Notice)
	if err != nil {
		return err
	}
	// An open round, empty, so that a first look can go straight to
	// filling a form: 2022年7月调度 as the notice's year had it.
	roundID, err := s.CreateRound(in, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err == nil {
		err = s.OpenRound(in, roundID, nil)
	}
	if err != nil {
		return err
	}
	if err := loadDemoRegisters(in, s, planID); err != nil {
		return err
	}
	city, err := demoCityOrg(ctx, s, district)
	if err != nil {
		return err
	}
	return loadDemoCascade(ctx, s, planID, district, city)
}

// demoDistrictOrg is 青云谱区's organisation: the one of that name, else the
// root a new database calls 本级, named, else a new one.
func demoDistrictOrg(ctx context.Context, s *store.Store) (int64, error) {
	if o, err := s.OrgByName(ctx, demoDistrict); err == nil {
		return o.ID, nil
	}
	tree, err := s.Orgs(ctx)
	if err != nil {
		return 0, err
	}
	if root, ok := tree.Org(tree.Root()); ok && root.Name == "本级" {
		return root.ID, s.RenameOrg(ctx, root.ID, demoDistrict)
	}
	return s.AddOrg(ctx, plan.Org{Name: demoDistrict, Kind: plan.OrgDistrict})
}

// demoCityOrg is 南昌市's organisation, made above the district when it is
// not there.
func demoCityOrg(ctx context.Context, s *store.Store, district int64) (int64, error) {
	city, err := s.OrgByName(ctx, demoCity)
	if err != nil {
		if city.ID, err = s.AddOrg(ctx, plan.Org{Name: demoCity, Kind: plan.OrgCity}); err != nil {
			return 0, err
		}
	}
	tree, err := s.Orgs(ctx)
	if err != nil {
		return 0, err
	}
	if o, _ := tree.Org(district); o.ParentID != city.ID {
		if err := s.MoveOrg(ctx, district, city.ID); err != nil {
			return 0, err
		}
	}
	return city.ID, nil
}

// loadDemoCascade puts the demo chain around the district's 2022 plan
// (planID): in the city's organisation, its directory (青云谱区 and the two
// other districts) and its 2022 points whose 附件2 splits the six goals over
// them; in the district's, its 2021–2023 three-year plan; every goal of the
// district's plan linked to both (the city's row for 青云谱区, the
// three-year plan's 2022 target); and the city's July round with the two
// other districts' reports approved — so the city's dashboard shows
// 青云谱区's figures rolled up from its own plan. Everything generated is
// labelled 演示数据 in its title, issuer and notes.
func loadDemoCascade(ctx context.Context, s *store.Store, planID, district, cityOrg int64) error {
	demo, err := examples.CascadeDemo()
	if err != nil {
		return err
	}
	inCity := store.WithScope(ctx, store.Scope{Org: cityOrg, Orgs: []int64{cityOrg}})
	inDistrict := store.WithScope(ctx, store.Scope{Org: district, Orgs: []int64{district}})
	// In the city's directory 青云谱区 is a district like the others.
	units := append([]plan.Unit{{Name: "南昌市青云谱区", ShortName: demoDistrict, Kind: plan.UnitDistrict}}, demo.Districts.Units...)
	for _, u := range units {
		if _, err := s.SaveUnit(inCity, u); err != nil {
			return fmt.Errorf("单位 %s: %w", u.Name, err)
		}
	}
	city, err := s.CreatePlan(inCity, demo.City, "")
	if err != nil {
		return fmt.Errorf("市级方案: %w", err)
	}
	three, err := s.CreatePlan(inDistrict, demo.ThreeYear, "")
	if err != nil {
		return fmt.Errorf("三年行动方案: %w", err)
	}
	// The city's figures are its districts' rows and the three-year plan's
	// its years' plans', not registers of their own.
	for _, id := range []int64{city, three} {
		bindings, err := s.GoalBindings(ctx, id)
		if err != nil {
			return err
		}
		for _, b := range bindings {
			if err := s.UnbindGoal(ctx, b.GoalID); err != nil {
				return err
			}
		}
	}
	dir, err := s.Directory(inCity)
	if err != nil {
		return err
	}
	qyp := dir.Index()[demoDistrict].UnitID
	districtDoc, err := s.Plan(ctx, planID)
	if err != nil {
		return err
	}
	cityDoc, err := s.Plan(ctx, city)
	if err != nil {
		return err
	}
	threeDoc, err := s.Plan(ctx, three)
	if err != nil {
		return err
	}
	for _, g := range districtDoc.Goals {
		for _, up := range []struct {
			doc  *plan.Document
			unit int64
		}{{cityDoc, qyp}, {threeDoc, 0}} {
			if i := plan.MatchGoal(up.doc.Goals, g.Indicator); i >= 0 {
				if err := s.LinkGoal(inDistrict, planID, g.ID, up.doc.Goals[i].ID, up.unit); err != nil {
					return fmt.Errorf("关联“%s”: %w", g.Indicator, err)
				}
			}
		}
	}
	roundID, err := s.CreateRound(inCity, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err == nil {
		err = s.OpenRound(inCity, roundID, nil)
	}
	if err != nil {
		return err
	}
	return approveDemoCityForms(inCity, s, roundID)
}

// demoAccounts are the demo's people: in 青云谱区 an admin, a leader and a
// reporter per unit named by its short name; in 南昌市 an admin
// (cityadmin), a leader (cityleader) and a reporter for each district
// that reports to the city directly (西湖区, 东湖区).
//
// A demo database made before organisations holds one organisation and no
// city: its accounts are the district's.
func demoAccounts(ctx context.Context, s *store.Store) ([]store.NewUser, error) {
	tree, err := s.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	district, ok := tree.ByName(demoDistrict)
	if !ok {
		if district, ok = tree.Org(tree.Root()); !ok {
			return nil, fmt.Errorf("数据库中没有组织")
		}
	}
	accounts := []store.NewUser{
		{Username: "admin", DisplayName: "区科工局管理员", Role: auth.RoleAdmin, OrgID: district.ID},
		{Username: "leader", DisplayName: "分管领导", Role: auth.RoleLeader, OrgID: district.ID},
	}
	orgs := []plan.Org{district}
	city, ok := tree.ByName(demoCity)
	if ok {
		accounts = append(accounts,
			store.NewUser{Username: "cityadmin", DisplayName: "市科技局管理员（演示）", Role: auth.RoleAdmin, OrgID: city.ID},
			store.NewUser{Username: "cityleader", DisplayName: "市科技局领导（演示）", Role: auth.RoleLeader, OrgID: city.ID})
		orgs = append(orgs, city)
	}
	for _, o := range orgs {
		dir, err := s.Directory(store.WithScope(ctx, store.Scope{Org: o.ID, Orgs: []int64{o.ID}}))
		if err != nil {
			return nil, err
		}
		for _, u := range dir.Units {
			// 青云谱区 reports to the city through its own plan.
			if u.Kind == plan.UnitGovernment || o.ID == city.ID && u.Label() == demoDistrict {
				continue
			}
			accounts = append(accounts, store.NewUser{Username: u.Label(), DisplayName: u.Label() + "填报员", Role: auth.RoleReporter, UnitID: u.ID, OrgID: o.ID})
		}
	}
	return accounts, nil
}

// approveDemoCityForms fills and approves each form of the city's round
// with demoCityShare of the unit's allocation, noted 演示数据.
func approveDemoCityForms(ctx context.Context, s *store.Store, roundID int64) error {
	by := &auth.User{Username: "演示数据", Role: auth.RoleAdmin}
	forms, err := s.RoundForms(ctx, roundID)
	if err != nil {
		return err
	}
	for _, sum := range forms {
		f, err := s.Form(ctx, sum.PublicID)
		if err != nil {
			return err
		}
		e := store.FormEdit{Version: f.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
		for _, t := range f.Tasks {
			e.Tasks[t.TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "演示数据：按分解目标推进", Problems: "无"}
		}
		for _, v := range f.Values {
			places := 0 // counts (家, 个, 件) are whole
			if v.Unit == "%" || strings.Contains(v.Unit, "元") {
				places = 2
			}
			d := plan.DecimalFromMicros(v.Target.Micros() * demoCityShare.Micros() / 1_000_000).Round(places)
			e.Values[v.GoalID] = plan.FormValue{Value: &d, Note: "演示数据"}
		}
		saved, err := s.SaveForm(ctx, f.PublicID, e, by)
		if err != nil {
			return fmt.Errorf("%s: %w", sum.UnitName, err)
		}
		if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Approve, "演示数据", by); err != nil {
			return fmt.Errorf("%s: %w", sum.UnitName, err)
		}
	}
	return nil
}
