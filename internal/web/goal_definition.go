package web

import (
	"fmt"
	"net/http"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// definitionView is the page of a goal's definition (口径): whether the
// goal is computed from the registers, by which rule with which
// parameters, in words.
type definitionView struct {
	Doc        *plan.Document
	Goal       plan.DocGoal
	Binding    *store.GoalBinding // nil: reported by units
	Definition plan.Definition    // what the form shows: the binding's, else the indicator's default
	Default    *plan.Definition   // the indicator's default, nil when it has none
	Kinds      []plan.DefinitionKind
	Levels     []string
	Units      []string
	Error      string
}

func (s *Server) definitionPage(r *http.Request) (*definitionView, error) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		return nil, err
	}
	goalID, err := pathID(r, "goal")
	if err != nil {
		return nil, err
	}
	v := &definitionView{Doc: doc, Kinds: plan.DefinitionKinds,
		Levels: []string{plan.LevelDistrict, plan.LevelCity, plan.LevelProvince, plan.LevelNation}, Units: []string{"亿元", "万元", "元"}}
	found := false
	for _, g := range doc.Goals {
		if g.ID == goalID {
			v.Goal, found = g, true
		}
	}
	if !found {
		return nil, plan.Errorf(plan.ENOTFOUND, "目标不存在。")
	}
	b, err := s.store.GoalBinding(r.Context(), goalID)
	switch {
	case err == nil:
		v.Binding, v.Definition = b, b.Definition.Normalized()
	case plan.ErrorCode(err) != plan.ENOTFOUND:
		return nil, err
	}
	if def, ok := plan.DefaultDefinitionFor(v.Goal); ok {
		def = def.Normalized()
		v.Default = &def
		if v.Binding == nil {
			v.Definition = def
		}
	}
	if v.Definition.Kind == "" {
		v.Definition = plan.Definition{Kind: plan.DefSMECount}
	}
	return v, nil
}

func (s *Server) definitionEdit(w http.ResponseWriter, r *http.Request) {
	v, err := s.definitionPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "goal_definition", v)
}

// definitionSave binds the goal to the definition chosen (an admin's
// choice, audited by the store and kept when the indicator changes).
func (s *Server) definitionSave(w http.ResponseWriter, r *http.Request) {
	v, err := s.definitionPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	def := plan.Definition{Kind: plan.DefinitionKind(r.PostFormValue("kind"))}
	// Each rule takes its own parameters; the others' fields are ignored.
	switch def.Kind {
	case plan.DefContractSum:
		def.Params.Side, def.Params.Amount, def.Params.Unit = r.PostFormValue("side"), r.PostFormValue("amount"), r.PostFormValue("unit")
	case plan.DefNewPlatforms:
		def.Params.MinLevel = r.PostFormValue("min_level")
	}
	if err := s.store.BindGoal(r.Context(), v.Goal.ID, def); err != nil {
		if plan.ErrorCode(err) != plan.EINVALID {
			s.fail(w, r, err)
			return
		}
		v.Definition, v.Error = def, plan.ErrorMessage(err)
		s.render(w, r, http.StatusBadRequest, "goal_definition", v)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d/goals/%d/definition?saved", v.Doc.ID, v.Goal.ID), http.StatusSeeOther)
}

// definitionUnbind makes the goal reported by units again.
func (s *Server) definitionUnbind(w http.ResponseWriter, r *http.Request) {
	v, err := s.definitionPage(r)
	if err == nil {
		err = s.store.UnbindGoal(r.Context(), v.Goal.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d/goals/%d/definition?saved", v.Doc.ID, v.Goal.ID), http.StatusSeeOther)
}
