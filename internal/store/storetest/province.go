package storetest

import (
	"context"
	"fmt"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// SeedProvince fills s with a province-size plan through the store's own
// API, for benchmarks: units sub-districts under one province, goals
// indicators allocated to every unit, rounds monthly rounds with every form
// submitted and approved (units × goals × rounds approved values); the
// last round stays open, the others are closed. It returns the plan and
// the last round.
func SeedProvince(s *store.Store, units, goals, rounds int) (int64, int64, error) {
	ctx := context.Background()
	dir := &plan.Directory{Units: []plan.Unit{{Name: "某省", Kind: plan.UnitGovernment}}}
	for u := 1; u <= units; u++ {
		dir.Units = append(dir.Units, plan.Unit{Name: fmt.Sprintf("第%03d区", u), Kind: plan.UnitSubdistrict, Parent: "某省"})
	}
	if err := s.ImportDirectory(ctx, dir); err != nil {
		return 0, 0, err
	}
	doc := &plan.Document{Title: "全省科技创新工作要点", Year: 2022, Status: plan.StatusActive}
	table := plan.DocTable{Title: "指标分解表", UnitsOfMeasure: map[string]string{}}
	for g := 1; g <= goals; g++ {
		name := fmt.Sprintf("指标%02d", g)
		kind := plan.KindStock
		if g%2 == 0 {
			kind = plan.KindFlow
		}
		doc.Goals = append(doc.Goals, plan.DocGoal{Indicator: name, Comparator: plan.AtLeast, Target: plan.NewDecimal(int64(units * 12)), Unit: "家", Kind: kind})
		table.Columns = append(table.Columns, name)
	}
	for u := 1; u <= units; u++ {
		row := plan.DocTableRow{Unit: fmt.Sprintf("第%03d区", u), Values: map[string]plan.Decimal{}}
		for _, c := range table.Columns {
			row.Values[c] = plan.NewDecimal(12)
		}
		table.Rows = append(table.Rows, row)
	}
	doc.DecompositionTables = []plan.DocTable{table}
	planID, err := s.CreatePlan(ctx, doc, "")
	if err != nil {
		return 0, 0, err
	}
	admin := &auth.User{Username: "bench", Role: auth.RoleAdmin}
	var roundID int64
	for m := 1; m <= rounds; m++ {
		asOf := fmt.Sprintf("2022-%02d-28", m)
		roundID, err = s.CreateRound(ctx, plan.Round{PlanID: planID, Label: fmt.Sprintf("2022年%d月调度", m), AsOf: asOf, OpensOn: asOf, DueOn: asOf})
		if err == nil {
			err = s.OpenRound(ctx, roundID, admin)
		}
		if err != nil {
			return 0, 0, err
		}
		forms, err := s.RoundForms(ctx, roundID)
		if err != nil {
			return 0, 0, err
		}
		for i, fs := range forms {
			f, err := s.Form(ctx, fs.PublicID)
			if err != nil {
				return 0, 0, err
			}
			e := store.FormEdit{Version: f.Version, Submit: true, Values: map[int64]plan.FormValue{}}
			for _, v := range f.Values {
				d := plan.NewDecimal(int64(m * (i%9 + 1) / 8))
				e.Values[v.GoalID] = plan.FormValue{Value: &d}
			}
			saved, err := s.SaveForm(ctx, f.PublicID, e, admin)
			if err != nil {
				return 0, 0, err
			}
			if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Approve, "", admin); err != nil {
				return 0, 0, err
			}
		}
		if m == rounds { // the current round stays open, as on a working day
			break
		}
		if err := s.CloseRound(ctx, roundID); err != nil {
			return 0, 0, err
		}
	}
	return planID, roundID, nil
}
