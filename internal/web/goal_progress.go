package web

import (
	"net/http"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// goalProgress drills from a goal's actual to the reports behind it: each
// unit's approved value in every round, linked to the form it came from.
func (s *Server) goalProgress(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	goalID, err := pathID(r, "goal")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	roundID, _ := strconv.ParseInt(r.URL.Query().Get("round"), 10, 64)
	d, _, err := s.progressFor(r, planID, roundID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var card *plan.GoalCard
	if d.Overview != nil {
		for i := range d.Overview.Cards {
			if d.Overview.Cards[i].Goal.ID == goalID {
				card = &d.Overview.Cards[i]
			}
		}
	}
	if card == nil {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "没有这个目标的进度。"))
		return
	}
	type line struct {
		Unit   string
		AsOf   string
		Value  plan.Decimal
		Source string // the form, or plan.ComputedSource
		UnitID int64
		Plan   int64 // the linked plan it rolls up from, 0 when none
	}
	var lines []line
	values := d.Values // already cut to the units the viewer sees
	if card.Computed != nil {
		values = card.Computed.Units // so are these
	}
	for _, v := range values {
		if v.GoalID != goalID {
			continue
		}
		unit, _ := d.Directory.Unit(v.UnitID)
		p, _ := plan.LinkedPlan(v.Source)
		lines = append(lines, line{unit.Label(), v.AsOf, v.Value, v.Source, v.UnitID, p})
	}
	// The goal's allocation rows, as the viewer sees them (the overview is
	// cut to those units): a row rolled up from a linked plan is marked so.
	type row struct {
		Unit plan.Unit
		Cell *plan.Cell
	}
	var rows []row
	for _, r := range d.Overview.Rows {
		if c, ok := r.Cells[goalID]; ok && r.Unit.Kind != plan.UnitDepartment {
			rows = append(rows, row{r.Unit, c})
		}
	}
	s.render(w, r, http.StatusOK, "goal_progress", map[string]any{"D": d, "Card": card, "Lines": lines, "Rows": rows, "District": auth.SightOf(currentUser(r), false).Records(0)})
}
