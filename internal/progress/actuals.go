package progress

import (
	"context"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Actuals are a plan's goals computed from the registers at a date, as
// `GET /api/v1/plans/{id}/actuals` and `kechuang actuals` answer them:
// values are exact decimal strings, null where not assessable.
type Actuals struct {
	PlanID int64        `json:"plan_id"`
	AsOf   string       `json:"as_of"`
	Goals  []GoalActual `json:"goals"`
}

// GoalActual is one bound goal: the district's value and each unit's.
type GoalActual struct {
	GoalID     int64        `json:"goal_id"`
	Indicator  string       `json:"indicator"`
	Definition string       `json:"definition"`
	Value      *string      `json:"value"`
	Units      []UnitActual `json:"units"`
}

// UnitActual is a unit's part of a computed goal.
type UnitActual struct {
	UnitID int64   `json:"-"`
	Unit   string  `json:"unit"`
	Value  *string `json:"value"`
}

// LoadActuals computes a plan's bound goals at asOf, read in one
// read-only transaction; units in the directory's order.
func LoadActuals(ctx context.Context, st *store.Store, planID int64, asOf string) (*Actuals, error) {
	src, err := st.ActualsSource(ctx, planID, asOf)
	if err != nil {
		return nil, err
	}
	indicators := map[int64]string{}
	for _, g := range src.Doc.Goals {
		indicators[g.ID] = g.Indicator
	}
	out := &Actuals{PlanID: planID, AsOf: asOf, Goals: []GoalActual{}}
	for _, a := range src.Actuals {
		g := GoalActual{GoalID: a.GoalID, Indicator: indicators[a.GoalID], Definition: a.Definition.Describe(), Value: decimalString(a.Total), Units: []UnitActual{}}
		byUnit := map[int64]plan.Decimal{}
		for _, v := range a.Units {
			byUnit[v.UnitID] = v.Value
		}
		for _, u := range src.Directory.Units {
			if v, ok := byUnit[u.ID]; ok {
				g.Units = append(g.Units, UnitActual{UnitID: u.ID, Unit: u.Label(), Value: decimalString(&v)})
			}
		}
		out.Goals = append(out.Goals, g)
	}
	return out, nil
}

// For is the actuals as a viewer with sight s may see them: the district's
// values whole, the units' only for the units s takes in.
func (a *Actuals) For(s auth.Sight) *Actuals {
	c := *a
	c.Goals = make([]GoalActual, len(a.Goals))
	for i, g := range a.Goals {
		g.Units = keep(g.Units, func(u UnitActual) bool { return s.Sees(u.UnitID) })
		if g.Units == nil {
			g.Units = []UnitActual{}
		}
		c.Goals[i] = g
	}
	return &c
}

func decimalString(d *plan.Decimal) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}
