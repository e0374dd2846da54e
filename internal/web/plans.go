package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lq := readListQuery(r, "status", "year")
	var shown []store.PlanSummary
	years := map[int]bool{}
	var yearList []int
	for _, p := range plans {
		if !years[p.Year] && p.Year != 0 {
			years[p.Year] = true
			yearList = append(yearList, p.Year)
		}
		if lq.Is("status", string(p.Status)) && lq.Is("year", strconv.Itoa(p.Year)) && lq.Matches(p.Title, p.DocNumber, p.Issuer) {
			shown = append(shown, p)
		}
	}
	s.render(w, r, http.StatusOK, "plans", map[string]any{"Plans": shown, "Total": len(plans), "Query": lq, "Years": yearList, "Statuses": []plan.Status{plan.StatusDraft, plan.StatusActive, plan.StatusClosed}})
}

func (s *Server) planNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "plan_new", map[string]any{})
}

// maxUpload bounds an uploaded plan document.
const maxUpload = plan.MaxDocumentSize + 1<<20

// planCreate loads an uploaded plan document, all or nothing.
func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	f, hdr, err := r.FormFile("document")
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "plan_new", map[string]any{"Error": "请选择方案文档（JSON 文件）。"})
		return
	}
	defer f.Close()
	doc, err := plan.DecodeDocument(f)
	if err == nil {
		var id int64
		if id, err = s.store.CreatePlan(r.Context(), doc, ""); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved", id), http.StatusSeeOther)
			return
		}
	}
	if plan.ErrorCode(err) == plan.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status(plan.ErrorCode(err)), "plan_new", map[string]any{"Error": hdr.Filename + "：" + plan.ErrorMessage(err)})
}

// namesView is a list of unit names with links to the units they resolve to.
type namesView struct {
	Names []string
	Links map[string]string
}

// planView is what the plan page shows.
type planView struct {
	Doc            *plan.Document
	Sums           [][]plan.ColumnSum
	ImportFindings []plan.Finding
	Findings       []plan.Finding
	Links          map[string]string // unit name as written → its page
	RowsByTask     map[string][]string
	AsOf           string                       // the data date of the actuals: the latest opened round's
	TaskStatus     map[int64]plan.TaskStatus    // as of that round
	DemoData       bool                         // figures come from generated demo registers
	Actuals        map[int64]string             // goal ID → its actual from approved reports
	UnitActuals    map[string]map[string]string // split-table unit name → column → actual
	Bindings       map[int64]store.GoalBinding  // goals computed from registers
	Computed       map[int64]*plan.Computed     // their figures as of AsOf
	RecordsAsOf    string                       // the date their records are drilled at: AsOf, else today
	CanDrill       bool                         // the viewer may drill into the district's records
	Lists          map[int64][]taskList         // task ID → the registers' lists it keeps
	Supervision    *planSupervision             // milestones and 销号, as they stand now
	Cascade        *cascadeView                 // the plans around it: parent, last year's, its years
}

// taskList is a list a task keeps (plan.TaskLists) and its count.
type taskList struct {
	List, Label string
	store.ListCount
}

// Share is the part of the covered enterprises that have an R&D
// institution (研发机构全覆盖), 0 when none are covered.
func (l taskList) Share() float64 {
	if l.Of == 0 {
		return 0
	}
	return float64(l.Count) / float64(l.Of)
}

// taskLists counts the lists the plan's tasks keep at asOf, for the
// district (unitID 0) or a unit; nil when no task keeps one.
func (s *Server) taskLists(r *http.Request, doc *plan.Document, asOf string, unitID int64) (map[int64][]taskList, error) {
	byTask := map[int64][]string{}
	for _, sec := range doc.Sections {
		for _, t := range sec.Tasks {
			if ls := plan.TaskLists(t.Title, t.Text); len(ls) > 0 {
				byTask[t.ID] = ls
			}
		}
	}
	if len(byTask) == 0 {
		return nil, nil
	}
	counts, err := s.store.TaskListCounts(r.Context(), doc.ID, asOf, unitID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]taskList{}
	for id, ls := range byTask {
		for _, l := range ls {
			out[id] = append(out[id], taskList{List: l, Label: plan.ListLabel(l), ListCount: counts[l]})
		}
	}
	return out, nil
}

func (v planView) Names(names []string) namesView { return namesView{names, v.Links} }

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The plan, the directory and the figures, as of the latest opened
	// round, as the viewer may see them — from one read.
	d, sight, err := s.progressFor(r, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, dir := d.Plan, d.Directory
	idx := dir.Index()
	links := map[string]string{}
	for name, ref := range idx {
		if ref.UnitID != 0 {
			links[name] = "/units/" + strconv.FormatInt(ref.UnitID, 10)
		} else {
			links[name] = "/units#group-" + strconv.FormatInt(ref.GroupID, 10)
		}
	}
	v := planView{
		Doc:            doc,
		ImportFindings: plan.ImportFindings(doc.Findings),
		Findings:       append(plan.Lint(doc, func(n string) bool { _, ok := idx[plan.CleanName(n)]; return ok }), plan.LinkFindings(doc)...),
		Links:          links,
		RowsByTask:     map[string][]string{},
		TaskStatus:     d.TaskStatus,
		DemoData:       d.DemoData,
	}
	for _, row := range doc.TaskTable {
		v.RowsByTask[row.MapsToTask] = append(v.RowsByTask[row.MapsToTask], row.Number)
	}
	for i := range doc.DecompositionTables {
		v.Sums = append(v.Sums, plan.SumColumns(&doc.DecompositionTables[i], doc.Goals))
	}
	v.Bindings, v.Computed, v.CanDrill = d.Bindings, map[int64]*plan.Computed{}, sight.Records(0)
	v.RecordsAsOf = s.opts.Now().In(plan.Zone).Format(time.DateOnly)
	if d.Overview != nil {
		v.AsOf, v.RecordsAsOf = d.Overview.AsOf, d.Overview.AsOf
		v.Actuals, v.UnitActuals = actuals(doc, idx, d.Overview)
		for _, c := range d.Overview.Cards {
			v.Computed[c.Goal.ID] = c.Computed
		}
	}
	if v.Lists, err = s.taskLists(r, doc, v.RecordsAsOf, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Supervision, err = s.planSupervision(r, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Cascade, err = s.planCascade(r.Context(), doc); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan", v)
}

// planAndDirectory loads the plan named in the path and the directory.
func (s *Server) planAndDirectory(r *http.Request) (*plan.Document, *plan.Directory, error) {
	id, err := pathID(r, "plan")
	if err != nil {
		return nil, nil, err
	}
	doc, err := s.store.Plan(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	dir, err := s.store.PlanDirectory(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	return doc, dir, nil
}

func (s *Server) planEdit(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan_edit", map[string]any{"Doc": doc, "Statuses": []plan.Status{plan.StatusDraft, plan.StatusActive, plan.StatusClosed}})
}

func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year, err := formInt(r, "year", "年度")
	var start, end int
	if err == nil {
		start, err = formInt(r, "start_year", "起始年度")
	}
	if err == nil {
		end, err = formInt(r, "end_year", "终止年度")
	}
	h := store.PlanHeader{
		StartYear:   start,
		EndYear:     end,
		Title:       strings.TrimSpace(r.PostFormValue("title")),
		DocNumber:   strings.TrimSpace(r.PostFormValue("doc_number")),
		Issuer:      strings.TrimSpace(r.PostFormValue("issuer")),
		Date:        strings.TrimSpace(r.PostFormValue("date")),
		Year:        year,
		ParentTitle: strings.TrimSpace(r.PostFormValue("parent_title")),
		Status:      plan.Status(r.PostFormValue("status")),
	}
	if err == nil {
		err = s.store.UpdatePlanHeader(r.Context(), id, h)
	}
	if err != nil {
		s.formError(w, r, err, "plan_edit", map[string]any{"Doc": &plan.Document{ID: id, Title: h.Title, DocNumber: h.DocNumber, Issuer: h.Issuer, Date: h.Date, Year: h.Year, ParentTitle: h.ParentTitle, Status: h.Status, StartYear: h.StartYear, EndYear: h.EndYear},
			"Statuses": []plan.Status{plan.StatusDraft, plan.StatusActive, plan.StatusClosed}})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved", id), http.StatusSeeOther)
}

func (s *Server) planDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err == nil {
		err = s.store.DeletePlan(r.Context(), id)
	}
	if err != nil {
		s.deleteFailed(w, r, err, "", fmt.Sprintf("/plans/%d/edit", id))
		return
	}
	http.Redirect(w, r, "/plans", http.StatusSeeOther)
}

// formError shows a form again with what the user typed and the error, or
// fails the request when the error is not the user's to fix.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, page string, data map[string]any) {
	code := plan.ErrorCode(err)
	if code != plan.EINVALID && code != plan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	data["Error"] = plan.ErrorMessage(err)
	s.render(w, r, status(code), page, data)
}

// actuals lays the overview out for the plan page: each goal's actual (a
// sum of units where the goal adds up), and each split-table cell's, for
// the units the viewer sees (the overview is already cut to them).
func actuals(doc *plan.Document, idx map[string]plan.Ref, ov *plan.Overview) (map[int64]string, map[string]map[string]string) {
	goals := map[int64]string{}
	for _, c := range ov.Cards {
		if c.Actual != nil {
			goals[c.Goal.ID] = c.Actual.String()
		}
	}
	byUnitGoal := map[[2]int64]plan.Decimal{}
	for _, row := range ov.Rows {
		for goalID, c := range row.Cells {
			if c.Actual != nil {
				byUnitGoal[[2]int64{row.Unit.ID, goalID}] = *c.Actual
			}
		}
	}
	cells := map[string]map[string]string{}
	for _, t := range doc.DecompositionTables {
		for _, row := range t.Rows {
			ref, ok := idx[plan.CleanName(row.Unit)]
			for _, col := range t.Columns {
				gi := plan.MatchGoal(doc.Goals, col)
				if gi < 0 {
					continue
				}
				var val string
				if row.Total {
					val = goals[doc.Goals[gi].ID]
				} else if v, found := byUnitGoal[[2]int64{ref.UnitID, doc.Goals[gi].ID}]; ok && found {
					val = v.String()
				}
				if val != "" {
					if cells[row.Unit] == nil {
						cells[row.Unit] = map[string]string{}
					}
					cells[row.Unit][col] = val
				}
			}
		}
	}
	return goals, cells
}

// deletePlanPart deletes the part of a plan named by the path parameter
// (a goal, an action, a task, a task-table row) and goes back to the plan
// page at anchor. A refused delete of a goal or a task offers archiving.
func (s *Server) deletePlanPart(w http.ResponseWriter, r *http.Request, param, anchor string, del func(ctx context.Context, planID, id int64) error) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, param)
	if err == nil {
		err = del(r.Context(), planID, id)
	}
	if err != nil {
		part := fmt.Sprintf("/plans/%d/%ss/%d", planID, param, id)
		archive := ""
		if param == "goal" || param == "task" {
			archive = part + "/archive"
		}
		s.deleteFailed(w, r, err, archive, part+"/edit")
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#%s", planID, anchor), http.StatusSeeOther)
}
