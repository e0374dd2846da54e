package web

import (
	"fmt"
	"net/http"
	"strings"

	"kechuang/internal/plan"
)

// rowEdit shows the form for a task-table row (附件1).
func (s *Server) rowEdit(w http.ResponseWriter, r *http.Request) {
	doc, dir, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rowID, err := optionalPathID(r, "row")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var row plan.DocTaskRow
	if rowID != 0 {
		found := false
		for _, x := range doc.TaskTable {
			if x.ID == rowID {
				row, found = x, true
			}
		}
		if !found {
			s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "任务分解表行不存在。"))
			return
		}
	}
	s.render(w, r, http.StatusOK, "row_edit", map[string]any{"Doc": doc, "Row": row, "Names": directoryNames(dir)})
}

func (s *Server) rowSave(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rowID, err := optionalPathID(r, "row")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.PlanDirectory(r.Context(), planID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := plan.DocTaskRow{
		ID:               rowID,
		Number:           strings.TrimSpace(r.PostFormValue("number")),
		Section:          strings.TrimSpace(r.PostFormValue("section")),
		Content:          strings.TrimSpace(r.PostFormValue("content")),
		MapsToTask:       strings.TrimSpace(r.PostFormValue("maps_to_task")),
		Deadline:         strings.TrimSpace(r.PostFormValue("deadline")),
		LeadUnits:        formUnits(r.PostFormValue("lead_units"), dir),
		ResponsibleUnits: formUnits(r.PostFormValue("responsible_units"), dir),
	}
	if _, err := s.store.SaveTaskRow(r.Context(), planID, row); err != nil {
		s.formError(w, r, err, "row_edit", map[string]any{"Doc": &plan.Document{ID: planID}, "Row": row, "Names": directoryNames(dir)})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#annex1", planID), http.StatusSeeOther)
}

func (s *Server) rowDelete(w http.ResponseWriter, r *http.Request) {
	s.deletePlanPart(w, r, "row", "annex1", s.store.DeleteTaskRow)
}
