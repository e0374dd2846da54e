package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"kechuang/internal/plan"
	"kechuang/internal/xlsx"
)

// maxExcelUpload bounds an uploaded workbook; xlsx also bounds what it unzips.
const maxExcelUpload = xlsx.DefaultMaxFileSize + 1<<20

// planAnnex1 downloads the task table laid out like the notice's 附件1.
func (s *Server) planAnnex1(w http.ResponseWriter, r *http.Request) {
	s.planExcel(w, r, "附件1 任务分解表", xlsx.WriteTaskTable)
}

// planAnnex2 downloads the split tables laid out like the notice's 附件2.
func (s *Server) planAnnex2(w http.ResponseWriter, r *http.Request) {
	s.planExcel(w, r, "附件2 指导性任务分解表", xlsx.WriteSplitTables)
}

func (s *Server) planExcel(w http.ResponseWriter, r *http.Request, what string, write func(io.Writer, *plan.Document) error) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s %s.xlsx", doc.Title, what)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"plan.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// planRowsImport replaces the task table with the one in an uploaded workbook.
func (s *Server) planRowsImport(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "请选择 .xlsx 文件（不超过 %d MB）。", xlsx.DefaultMaxFileSize>>20))
		return
	}
	defer f.Close()
	rows, err := xlsx.ReadTaskTable(hdr.Filename, f)
	if err == nil {
		err = s.store.ReplaceTaskTable(r.Context(), planID, rows)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#annex1", planID), http.StatusSeeOther)
}

// planTablesImport adds the split tables of an uploaded workbook; a table
// with the title of an existing one replaces it.
func (s *Server) planTablesImport(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "请选择 .xlsx 文件（不超过 %d MB）。", xlsx.DefaultMaxFileSize>>20))
		return
	}
	defer f.Close()
	tables, err := xlsx.ReadSplitTables(hdr.Filename, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range tables {
		for _, old := range doc.DecompositionTables {
			if old.Title == tables[i].Title {
				tables[i].ID = old.ID
			}
		}
	}
	if _, err := s.store.SaveSplitTables(r.Context(), doc.ID, tables); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#annex2", doc.ID), http.StatusSeeOther)
}
