package web

import (
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// reviewQueue is 待我审核: the submitted forms the viewer is to review
// (store.ReviewQueue), filtered by the search box (unit, contact) and the
// round, with boxes to approve or return several at once.
func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) {
	data, err := s.queuePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reviews", data)
}

func (s *Server) queuePage(r *http.Request) (map[string]any, error) {
	u := currentUser(r)
	items, err := s.store.ReviewQueue(r.Context(), u)
	if err != nil {
		return nil, err
	}
	lq := readListQuery(r, "round")
	type roundOption struct {
		ID    int64
		Label string
	}
	var rounds []roundOption
	seen := map[int64]bool{}
	var shown []store.QueueItem
	for _, it := range items {
		if !seen[it.RoundID] {
			seen[it.RoundID] = true
			rounds = append(rounds, roundOption{it.RoundID, it.RoundLabel})
		}
		if lq.Is("round", itoa(it.RoundID)) && lq.Matches(it.UnitName, it.Contact, it.Phone, it.RoundLabel, it.PlanTitle) {
			shown = append(shown, it)
		}
	}
	return map[string]any{
		"Items": shown, "Total": len(items), "Rounds": rounds, "Query": lq,
		"CanApprove": auth.Allowed(u, auth.PermAdmin), "LeadUnit": u.Role == auth.RoleReporter,
		"Reviews": u.Role == auth.RoleAdmin || u.Role == auth.RoleReporter && u.UnitID != 0,
	}, nil
}

// reviewResult is a form of a bulk review as the page reports it.
type reviewResult struct {
	PublicID, Unit, Error string
}

// reviewBulk approves or returns the forms ticked on the queue or the round
// page, each on its own (store.ReviewForms), and shows how each went.
func (s *Server) reviewBulk(w http.ResponseWriter, r *http.Request) {
	var items []store.ReviewItem
	for _, v := range r.PostForm["form"] {
		id, ver, ok := strings.Cut(v, ":")
		n, err := strconv.Atoi(ver)
		if !ok || err != nil {
			s.fail(w, r, plan.Errorf(plan.EINVALID, "勾选的填报表有误，请刷新页面后重试。"))
			return
		}
		items = append(items, store.ReviewItem{PublicID: id, Version: n})
	}
	decision := r.PostFormValue("decision")
	results, err := s.store.ReviewForms(r.Context(), items, decision, strings.TrimSpace(r.PostFormValue("comment")), currentUser(r))
	if err != nil {
		if plan.ErrorCode(err) == plan.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		data, perr := s.queuePage(r)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.formError(w, r, err, "reviews", data)
		return
	}
	var done int
	var failed []reviewResult
	for _, res := range results {
		if res.Err == nil {
			done++
			continue
		}
		name := res.PublicID
		if f, err := s.store.Form(r.Context(), res.PublicID); err == nil {
			name = f.UnitName
		}
		failed = append(failed, reviewResult{PublicID: res.PublicID, Unit: name, Error: plan.ErrorMessage(res.Err)})
	}
	data, err := s.queuePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	verb := "审核通过"
	if decision == store.Return {
		verb = "退回"
	}
	data["Done"], data["Failed"], data["Verb"] = done, failed, verb
	if back := safeNext(r.PostFormValue("back")); back != "/" {
		data["Back"] = back
	}
	s.render(w, r, http.StatusOK, "reviews", data)
}

// currentRounds and currentDashboard open the rounds and the 总览 of the
// plan in force, for the top bar.
func (s *Server) currentRounds(w http.ResponseWriter, r *http.Request) {
	s.toPlanInForce(w, r, "/rounds")
}

func (s *Server) currentDashboard(w http.ResponseWriter, r *http.Request) {
	s.toPlanInForce(w, r, "/dashboard")
}

// toPlanInForce redirects to a page of the plan in force (the newest active
// plan, else the newest); to the plan list when there is none.
func (s *Server) toPlanInForce(w http.ResponseWriter, r *http.Request, page string) {
	id, err := s.planInForce(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if id == 0 {
		http.Redirect(w, r, "/plans", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/plans/"+itoa(id)+page, http.StatusSeeOther)
}
