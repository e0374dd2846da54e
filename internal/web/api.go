package web

import (
	"context"
	"net/http"

	"kechuang/internal/plan"
)

// planSummaryJSON is a plan in the list answered by GET /api/v1/plans.
type planSummaryJSON struct {
	ID        int64       `json:"id"`
	Title     string      `json:"title"`
	DocNumber string      `json:"doc_number"`
	Issuer    string      `json:"issuer"`
	Date      string      `json:"date"`
	Year      int         `json:"year"`
	Status    plan.Status `json:"status"`
	URL       string      `json:"url"`
}

func (s *Server) apiPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]planSummaryJSON, 0, len(plans))
	for _, p := range plans {
		out = append(out, planSummaryJSON{p.ID, p.Title, p.DocNumber, p.Issuer, p.Date, p.Year, p.Status, "/api/v1/plans/" + itoa(p.ID)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": out})
}

// apiPlan answers the plan document of DESIGN.md, the same shape the notice
// importer emits and `kechuang plan import` loads, with IDs added and the
// findings of the plan as it stands now.
func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The same for every viewer who reaches the plan (authorize saw to
	// that), and moved only by plan and directory edits, which move the
	// figures version.
	s.keptJSON(w, r, "api.plan|"+itoa(id), func(ctx context.Context) (any, error) {
		doc, err := s.store.Plan(ctx, id)
		if err != nil {
			return nil, err
		}
		dir, err := s.store.PlanDirectory(ctx, id)
		if err != nil {
			return nil, err
		}
		idx := dir.Index()
		doc.Findings = append(plan.ImportFindings(doc.Findings), plan.Lint(doc, func(n string) bool { _, ok := idx[plan.CleanName(n)]; return ok })...)
		return doc, nil
	})
}

// apiPlanCreate loads a plan document, all or nothing.
func (s *Server) apiPlanCreate(w http.ResponseWriter, r *http.Request) {
	doc, err := plan.DecodeDocument(r.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.store.CreatePlan(r.Context(), doc, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/plans/"+itoa(id))
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "url": "/api/v1/plans/" + itoa(id)})
}

func (s *Server) apiDirectory(w http.ResponseWriter, r *http.Request) {
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dir)
}
