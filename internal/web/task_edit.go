package web

import (
	"fmt"
	"net/http"
	"strings"

	"kechuang/internal/plan"
)

// taskEdit shows the form for a task: new under a section, or an existing
// one with its milestones (节点).
func (s *Server) taskEdit(w http.ResponseWriter, r *http.Request) {
	data, err := s.taskEditData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "task_edit", data)
}

// taskEditData is what the task's edit page shows.
func (s *Server) taskEditData(r *http.Request) (map[string]any, error) {
	doc, dir, err := s.planAndDirectory(r)
	if err != nil {
		return nil, err
	}
	var task plan.DocTask
	var section plan.DocSection
	data := map[string]any{"Doc": doc, "Names": directoryNames(dir)}
	if r.PathValue("task") != "" {
		taskID, err := pathID(r, "task")
		if err != nil {
			return nil, err
		}
		found := false
		for _, sec := range doc.Sections {
			for _, t := range sec.Tasks {
				if t.ID == taskID {
					task, section, found = t, sec, true
				}
			}
		}
		if !found {
			return nil, plan.Errorf(plan.ENOTFOUND, "任务不存在。")
		}
		ms, err := s.store.TaskMilestones(r.Context(), doc.ID, taskID)
		if err != nil {
			return nil, err
		}
		data["Milestones"], data["MilestoneUnits"] = ms, taskUnitsOf(doc, dir, taskID)
	} else {
		secID, err := pathID(r, "section")
		if err != nil {
			return nil, err
		}
		i := sectionIndex(doc, secID)
		if i < 0 {
			return nil, plan.Errorf(plan.ENOTFOUND, "行动不存在。")
		}
		section = doc.Sections[i]
	}
	data["Section"], data["Task"] = section, task
	return data, nil
}

// taskUnitsOf lists the units that lead or share a task, in directory
// order: those a milestone may fall to.
func taskUnitsOf(doc *plan.Document, dir *plan.Directory, taskID int64) []plan.Unit {
	as, _ := plan.Resolve(doc, dir)
	on := map[int64]bool{}
	for _, a := range as {
		if a.TaskID == taskID {
			on[a.UnitID] = true
		}
	}
	var out []plan.Unit
	for _, u := range dir.Units {
		if on[u.ID] {
			out = append(out, u)
		}
	}
	return out
}

// directoryNames lists the names a units field may use, for the form's
// suggestions.
func directoryNames(dir *plan.Directory) []string {
	var out []string
	for _, u := range dir.Units {
		out = append(out, u.Label())
	}
	for _, g := range dir.Groups {
		out = append(out, g.Name)
	}
	return out
}

func (s *Server) taskSave(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.PlanDirectory(r.Context(), planID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := plan.DocTask{
		Number:           strings.TrimSpace(r.PostFormValue("number")),
		Title:            strings.TrimSpace(r.PostFormValue("title")),
		Text:             strings.TrimSpace(r.PostFormValue("text")),
		Deadline:         strings.TrimSpace(r.PostFormValue("deadline")),
		LeadUnits:        formUnits(r.PostFormValue("lead_units"), dir),
		ResponsibleUnits: formUnits(r.PostFormValue("responsible_units"), dir),
	}
	var secID int64
	if r.PathValue("task") != "" {
		t.ID, err = pathID(r, "task")
	} else {
		secID, err = pathID(r, "section")
	}
	if err == nil {
		_, err = s.store.SaveTask(r.Context(), planID, secID, t)
	}
	if err != nil {
		s.formError(w, r, err, "task_edit", map[string]any{"Doc": &plan.Document{ID: planID}, "Section": plan.DocSection{ID: secID}, "Task": t, "Names": directoryNames(dir)})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#task-%s", planID, t.Number), http.StatusSeeOther)
}

func (s *Server) taskDelete(w http.ResponseWriter, r *http.Request) {
	s.deletePlanPart(w, r, "task", "tasks", s.store.DeleteTask)
}
