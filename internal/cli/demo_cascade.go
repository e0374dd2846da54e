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

// loadDemoCascade puts the demo chain around the district's 2022 plan
// (planID): the two other districts, the city's 2022 points whose 附件2
// splits the six goals over them and 青云谱区, the district's 2021–2023
// three-year plan, every goal of the district's plan linked to both (the
// city's row for 青云谱区, the three-year plan's 2022 target), and the city's
// July round with the two other districts' reports approved — so the
// city's dashboard shows 青云谱区's figures rolled up from its own plan.
// Everything generated is labelled 演示数据 in its title, issuer and notes.
func loadDemoCascade(ctx context.Context, s *store.Store, planID int64) error {
	demo, err := examples.CascadeDemo()
	if err != nil {
		return err
	}
	for _, u := range demo.Districts.Units {
		if _, err := s.SaveUnit(ctx, u); err != nil {
			return fmt.Errorf("单位 %s: %w", u.Name, err)
		}
	}
	city, err := s.CreatePlan(ctx, demo.City, "")
	if err != nil {
		return fmt.Errorf("市级方案: %w", err)
	}
	three, err := s.CreatePlan(ctx, demo.ThreeYear, "")
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
	dir, err := s.Directory(ctx)
	if err != nil {
		return err
	}
	qyp := dir.Index()["青云谱区"].UnitID
	district, err := s.Plan(ctx, planID)
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
	for _, g := range district.Goals {
		for _, up := range []struct {
			doc  *plan.Document
			unit int64
		}{{cityDoc, qyp}, {threeDoc, 0}} {
			if i := plan.MatchGoal(up.doc.Goals, g.Indicator); i >= 0 {
				if err := s.LinkGoal(ctx, planID, g.ID, up.doc.Goals[i].ID, up.unit); err != nil {
					return fmt.Errorf("关联“%s”: %w", g.Indicator, err)
				}
			}
		}
	}
	roundID, err := s.CreateRound(ctx, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err == nil {
		err = s.OpenRound(ctx, roundID, nil)
	}
	if err != nil {
		return err
	}
	return approveDemoCityForms(ctx, s, roundID)
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
