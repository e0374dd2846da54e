package web

import (
	"net/http"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// registerKind reads the register named in the path.
func registerKind(r *http.Request) (plan.RegisterKind, error) {
	k := plan.RegisterKind(r.PathValue("kind"))
	if !k.Valid() {
		return "", plan.Errorf(plan.ENOTFOUND, "没有这种台账。")
	}
	return k, nil
}

// registerIndex lists the registers: how many records each holds, how many
// wait for a unit, and who imported what when.
func (s *Server) registerIndex(w http.ResponseWriter, r *http.Request) {
	sums, err := s.store.RegisterSummaries(r.Context(), "", 3)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	open, err := s.store.Disputes(r.Context(), store.DisputeFilter{State: store.DisputeOpen})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "registers", map[string]any{"Registers": sums, "OpenDisputes": len(open)})
}

// registerShow is one register: its imports and, for admins, the form
// that uploads a list into it.
func (s *Server) registerShow(w http.ResponseWriter, r *http.Request) {
	kind, err := registerKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sums, err := s.store.RegisterSummaries(r.Context(), kind, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "register", map[string]any{"R": sums[0], "Error": r.URL.Query().Get("error")})
}

// unattributedList is a register's 待归属 list: records no unit could be
// found for, with a choice of unit for admins to resolve each once.
func (s *Server) unattributedList(w http.ResponseWriter, r *http.Request) {
	kind, err := registerKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(n, 1)
	const size = 50
	records, total, err := s.store.Unattributed(r.Context(), kind, store.Page{Offset: (n - 1) * size, Limit: size})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var units []plan.Unit
	for _, u := range dir.Units {
		if attributable(u.Kind) && !u.Archived {
			units = append(units, u)
		}
	}
	data := map[string]any{"Kind": kind, "Records": records, "Total": total, "Units": units, "PageNo": n, "Pages": (total + size - 1) / size}
	if n > 1 {
		data["Prev"] = "?page=" + strconv.Itoa(n-1)
	}
	if n*size < total {
		data["Next"] = "?page=" + strconv.Itoa(n+1)
	}
	s.render(w, r, http.StatusOK, "unattributed", data)
}

// attributionSet resolves a 待归属 record: the enterprise (by USCC, else
// name) belongs to the unit chosen, for this and every later list.
func (s *Server) attributionSet(w http.ResponseWriter, r *http.Request) {
	kind, err := registerKind(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	key := store.AttributionKey{USCC: r.PostFormValue("uscc"), Name: r.PostFormValue("name")}
	if err := s.store.SetAttribution(r.Context(), key, unitID, r.PostFormValue("note"), currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/registers/"+string(kind)+"/unattributed?saved", http.StatusSeeOther)
}

// disputeList is the bureau's list of the records units dispute, open ones
// first, with what was done about the others.
func (s *Server) disputeList(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state != store.DisputeResolved {
		state = store.DisputeOpen
	}
	ds, err := s.store.Disputes(r.Context(), store.DisputeFilter{State: state})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "disputes", map[string]any{"Disputes": ds, "State": state})
}

// disputeCreate records that the reporter's unit disputes a record of its
// figure (该企业已迁出 …), and goes back to the page it came from.
func (s *Server) disputeCreate(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, _ := strconv.ParseInt(r.PostFormValue("record"), 10, 64)
	ref := store.RecordRef{Kind: plan.RegisterKind(r.PostFormValue("kind")), ID: id}
	if _, err := s.store.FlagRecord(r.Context(), u.UnitID, ref, r.PostFormValue("reason"), u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("back"))+"#records", http.StatusSeeOther)
}

// disputeResolve closes a dispute with what the bureau did.
func (s *Server) disputeResolve(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "dispute")
	if err == nil {
		err = s.store.ResolveDispute(r.Context(), id, r.PostFormValue("resolution"), currentUser(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/disputes?saved", http.StatusSeeOther)
}

// keywordAdd adds an address keyword of a unit (a road, a park): addresses
// naming it are attributed to the unit, and the registers re-attributed.
func (s *Server) keywordAdd(w http.ResponseWriter, r *http.Request) {
	unitID, err := pathID(r, "unit")
	if err == nil {
		_, err = s.store.AddAttributionKeyword(r.Context(), unitID, r.PostFormValue("keyword"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+itoa(unitID)+"?saved#keywords", http.StatusSeeOther)
}

func (s *Server) keywordDelete(w http.ResponseWriter, r *http.Request) {
	unitID, err := pathID(r, "unit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, "keyword")
	if err == nil {
		err = s.store.DeleteAttributionKeyword(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+itoa(unitID)+"?saved#keywords", http.StatusSeeOther)
}

// unitKeywords are a unit's address keywords, for the unit page of those
// who oversee registers; nil for others.
func (s *Server) unitKeywords(r *http.Request, unitID int64) ([]plan.AttributionKeyword, error) {
	if !auth.Allowed(currentUser(r), auth.PermOversee) {
		return nil, nil
	}
	all, err := s.store.AttributionKeywords(r.Context())
	if err != nil {
		return nil, err
	}
	var out []plan.AttributionKeyword
	for _, k := range all {
		if k.UnitID == unitID {
			out = append(out, k)
		}
	}
	return out, nil
}
