package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// unitList is the unit directory: units by kind, and the groups.
func (s *Server) unitList(w http.ResponseWriter, r *http.Request) {
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lq := readListQuery(r, "kind")
	var units []plan.Unit
	for _, u := range dir.Units {
		if lq.Is("kind", string(u.Kind)) && lq.Matches(append([]string{u.Name, u.ShortName, u.Contact, u.Phone}, u.Aliases...)...) {
			units = append(units, u)
		}
	}
	s.render(w, r, http.StatusOK, "units", map[string]any{"Dir": dir, "Units": units, "Query": lq, "IDs": unitIDsByName(dir)})
}

// unitIDsByName maps a unit's name (official and short) to its ID, for links.
func unitIDsByName(dir *plan.Directory) map[string]int64 {
	m := map[string]int64{}
	for _, u := range dir.Units {
		m[u.Name] = u.ID
		if u.ShortName != "" {
			m[u.ShortName] = u.ID
		}
	}
	return m
}

// unitShow is a unit's page: what it leads, what it shares, what is
// allocated to it, and the groups it belongs to.
func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "unit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, ok := dir.Unit(id)
	if !ok {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "单位不存在。"))
		return
	}
	tasks, err := s.store.UnitTasks(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	allocations, err := s.store.UnitAllocations(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var led, shared []store.UnitTask
	for _, t := range tasks {
		if t.Lead {
			led = append(led, t)
		} else {
			shared = append(shared, t)
		}
	}
	var groups []plan.Group
	for _, g := range dir.Groups {
		for _, m := range g.Members {
			if m == u.Name {
				groups = append(groups, g)
			}
		}
	}
	// Progress as of each plan's latest opened round: the unit's figures
	// (when the viewer may see them) and its tasks' consolidated status.
	status := map[int64]plan.TaskStatus{}
	actual := map[int64]string{}
	lists := map[int64][]taskList{}
	seenPlans := map[int64]bool{}
	for _, list := range [][]int64{planIDsOfTasks(tasks), planIDsOfAllocations(allocations)} {
		for _, pid := range list {
			if seenPlans[pid] {
				continue
			}
			seenPlans[pid] = true
			d, sight, err := s.progressFor(r, pid, 0)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for id, st := range d.TaskStatus {
				status[id] = st
			}
			// The lists the unit's tasks keep, counted for the unit when
			// the viewer sees its figures.
			if sight.Sees(id) {
				asOf := s.opts.Now().In(plan.Zone).Format(time.DateOnly)
				if d.Overview != nil {
					asOf = d.Overview.AsOf
				}
				tl, err := s.taskLists(r, d.Plan, asOf, id)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				for taskID, l := range tl {
					lists[taskID] = l
				}
			}
			if d.Overview == nil {
				continue
			}
			for _, row := range d.Overview.Rows { // only the units the viewer sees
				if row.Unit.ID != id {
					continue
				}
				for goalID, c := range row.Cells {
					if c.Actual != nil {
						actual[goalID] = c.Actual.String()
					}
				}
			}
		}
	}
	keywords, err := s.unitKeywords(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	instructions, err := s.unitInstructions(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unit", map[string]any{"Unit": u, "Led": led, "Shared": shared, "Allocations": allocations, "Groups": groups, "Status": status, "Actual": actual,
		"Lists": lists, "Keywords": keywords, "ShowKeywords": attributable(u.Kind) && auth.Allowed(currentUser(r), auth.PermOversee),
		"Instructions": instructions})
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) {
	id, err := optionalPathID(r, "unit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := plan.Unit{Kind: plan.UnitDepartment}
	if id != 0 {
		var ok bool
		if u, ok = dir.Unit(id); !ok {
			s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "单位不存在。"))
			return
		}
	}
	s.render(w, r, http.StatusOK, "unit_edit", map[string]any{"Unit": u, "Dir": dir})
}

func (s *Server) unitSave(w http.ResponseWriter, r *http.Request) {
	id, err := optionalPathID(r, "unit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := plan.Unit{
		ID:        id,
		Name:      strings.TrimSpace(r.PostFormValue("name")),
		ShortName: strings.TrimSpace(r.PostFormValue("short_name")),
		Kind:      plan.UnitKind(r.PostFormValue("kind")),
		Parent:    strings.TrimSpace(r.PostFormValue("parent")),
		Aliases:   formLines(r.PostFormValue("aliases")),
		Contact:   strings.TrimSpace(r.PostFormValue("contact")),
		Phone:     strings.TrimSpace(r.PostFormValue("phone")),
	}
	if plan.CleanName(u.Name) == "" {
		err = plan.Errorf(plan.EINVALID, "“名称”不能为空")
	} else {
		id, err = s.store.SaveUnit(r.Context(), u)
	}
	if err != nil {
		dir, derr := s.store.Directory(r.Context())
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formError(w, r, err, "unit_edit", map[string]any{"Unit": u, "Dir": dir})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/units/%d?saved", id), http.StatusSeeOther)
}

func (s *Server) unitDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "unit")
	if err == nil {
		err = s.store.DeleteUnit(r.Context(), id)
	}
	if err != nil {
		s.deleteFailed(w, r, err, fmt.Sprintf("/units/%d/archive", id), fmt.Sprintf("/units/%d", id))
		return
	}
	http.Redirect(w, r, "/units?saved", http.StatusSeeOther)
}

func (s *Server) groupEdit(w http.ResponseWriter, r *http.Request) {
	id, err := optionalPathID(r, "group")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var g plan.Group
	if id != 0 {
		var ok bool
		if g, ok = dir.Group(id); !ok {
			s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "单位组不存在。"))
			return
		}
	}
	s.render(w, r, http.StatusOK, "group_edit", groupForm(g, dir))
}

func groupForm(g plan.Group, dir *plan.Directory) map[string]any {
	members := map[string]bool{}
	for _, m := range g.Members {
		members[m] = true
	}
	return map[string]any{"Group": g, "Dir": dir, "Members": members}
}

func (s *Server) groupSave(w http.ResponseWriter, r *http.Request) {
	id, err := optionalPathID(r, "group")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "表单无法读取。"))
		return
	}
	g := plan.Group{
		ID:      id,
		Name:    strings.TrimSpace(r.PostFormValue("name")),
		Aliases: formLines(r.PostFormValue("aliases")),
		Members: r.PostForm["members"],
	}
	if _, err := s.store.SaveGroup(r.Context(), g); err != nil {
		dir, derr := s.store.Directory(r.Context())
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formError(w, r, err, "group_edit", groupForm(g, dir))
		return
	}
	http.Redirect(w, r, "/units?saved#groups", http.StatusSeeOther)
}

func (s *Server) groupDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "group")
	if err == nil {
		err = s.store.DeleteGroup(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units?saved#groups", http.StatusSeeOther)
}

func planIDsOfTasks(ts []store.UnitTask) []int64 {
	var out []int64
	for _, t := range ts {
		out = append(out, t.PlanID)
	}
	return out
}

func planIDsOfAllocations(as []store.UnitAllocation) []int64 {
	var out []int64
	for _, a := range as {
		out = append(out, a.PlanID)
	}
	return out
}
