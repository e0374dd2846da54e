package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// tableEdit shows a split table (附件2) as a grid of inputs.
func (s *Server) tableEdit(w http.ResponseWriter, r *http.Request) {
	doc, dir, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tableID, err := pathID(r, "table")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range doc.DecompositionTables {
		if t.ID == tableID {
			s.render(w, r, http.StatusOK, "table_edit", map[string]any{"Doc": doc, "Table": t, "Names": directoryNames(dir)})
			return
		}
	}
	s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "分解表不存在。"))
}

// tableFromForm reads the grid: title, columns with their units of
// measure, and rows (unit, total mark, one value per column); rows marked
// for removal are dropped and a new row is added when its unit is filled.
func tableFromForm(r *http.Request, id int64) (plan.DocTable, error) {
	t := plan.DocTable{ID: id, Title: strings.TrimSpace(r.PostFormValue("title")), Attachment: strings.TrimSpace(r.PostFormValue("annex")), UnitsOfMeasure: map[string]string{}}
	ncols, _ := strconv.Atoi(r.PostFormValue("ncols"))
	nrows, _ := strconv.Atoi(r.PostFormValue("nrows"))
	if ncols < 0 || ncols > 200 || nrows < 0 || nrows > 10000 {
		return t, plan.Errorf(plan.EINVALID, "表格过大")
	}
	for c := 0; c < ncols; c++ {
		name := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("col_%d", c)))
		t.Columns = append(t.Columns, name)
		if uom := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("uom_%d", c))); uom != "" && name != "" {
			t.UnitsOfMeasure[name] = uom
		}
	}
	for i := 0; i <= nrows; i++ { // index nrows is the blank row for adding
		unit := plan.CleanName(r.PostFormValue(fmt.Sprintf("unit_%d", i)))
		if r.PostFormValue(fmt.Sprintf("delete_%d", i)) != "" || (i == nrows && unit == "") {
			continue
		}
		row := plan.DocTableRow{Unit: unit, Total: r.PostFormValue(fmt.Sprintf("total_%d", i)) != "", Values: map[string]plan.Decimal{}}
		for c, col := range t.Columns {
			field := fmt.Sprintf("v_%d_%d", i, c)
			d, err := formDecimal(r, field, fmt.Sprintf("第%d行（%s）“%s”", i+1, unit, col))
			if err != nil {
				return t, err
			}
			if d != nil {
				row.Values[col] = *d
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func (s *Server) tableSave(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tableID, err := pathID(r, "table")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := tableFromForm(r, tableID)
	if err == nil {
		_, err = s.store.SaveSplitTable(r.Context(), planID, t)
	}
	if err != nil {
		dir, derr := s.store.PlanDirectory(r.Context(), planID)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formError(w, r, err, "table_edit", map[string]any{"Doc": &plan.Document{ID: planID}, "Table": t, "Names": directoryNames(dir)})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#annex2", planID), http.StatusSeeOther)
}
