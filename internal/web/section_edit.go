package web

import (
	"fmt"
	"net/http"
	"strings"

	"kechuang/internal/plan"
)

func (s *Server) sectionEdit(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secID, err := optionalPathID(r, "section")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sec plan.DocSection
	if secID != 0 {
		i := sectionIndex(doc, secID)
		if i < 0 {
			s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "行动不存在。"))
			return
		}
		sec = doc.Sections[i]
	}
	s.render(w, r, http.StatusOK, "section_edit", map[string]any{"Doc": doc, "Section": sec})
}

func sectionIndex(doc *plan.Document, id int64) int {
	for i, s := range doc.Sections {
		if s.ID == id {
			return i
		}
	}
	return -1
}

func (s *Server) sectionSave(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secID, err := optionalPathID(r, "section")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sec := plan.DocSection{ID: secID, Number: strings.TrimSpace(r.PostFormValue("number")), Title: strings.TrimSpace(r.PostFormValue("title"))}
	if _, err := s.store.SaveSection(r.Context(), planID, sec); err != nil {
		s.formError(w, r, err, "section_edit", map[string]any{"Doc": &plan.Document{ID: planID}, "Section": sec})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#tasks", planID), http.StatusSeeOther)
}

func (s *Server) sectionDelete(w http.ResponseWriter, r *http.Request) {
	s.deletePlanPart(w, r, "section", "tasks", s.store.DeleteSection)
}
