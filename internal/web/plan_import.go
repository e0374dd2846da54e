package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/notice"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// The notice import (导入通知) takes three steps, none of which keeps state
// on the server, so any app instance can serve any step:
//  1. GET /plans/import: paste the text or upload the file;
//  2. POST /plans/import: the machine's reading, beside the source with each
//     item linked to its line, as an editable form, with findings, the names
//     the directory lacks, and what changed against an existing plan;
//  3. POST /plans/import/confirm: the (edited) reading becomes a draft plan,
//     with the units it introduces, in one transaction — or, with 重新检查,
//     the review comes back with the edits applied.

func (s *Server) planImportPage(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan_import", map[string]any{"Plans": plans})
}

// importReview is what the review page shows.
type importReview struct {
	Name     string // the file name, or 粘贴的文本
	Source   string
	Lines    []string
	Doc      *plan.Document
	DocJSON  string
	Findings []plan.Finding
	Unknown  []string // names the directory lacks
	Units    []plan.Unit
	Compare  *store.PlanSummary
	Changes  []plan.Change
	Plans    []store.PlanSummary
	Error    string
}

func (v importReview) Kinds() []plan.UnitKind { return plan.UnitKinds }

// planImportPreview reads the pasted text or uploaded file.
func (s *Server) planImportPreview(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.importError(w, r, "上传失败：文件超过 5 MB 上限或表单不完整。")
		return
	}
	name, source := "粘贴的文本", r.PostFormValue("text")
	var doc *plan.Document
	var err error
	if f, hdr, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		data, rerr := io.ReadAll(io.LimitReader(f, notice.DefaultMaxSize+1))
		if rerr != nil {
			s.importError(w, r, "读取上传文件失败。")
			return
		}
		name = hdr.Filename
		if source, err = notice.Source(name, data, notice.Options{}); err == nil {
			doc, err = notice.Parse(name, data, notice.Options{})
		}
	} else if strings.TrimSpace(source) != "" {
		doc, err = notice.ParseText(source)
	} else {
		s.importError(w, r, "请粘贴通知文本，或选择 .txt / .docx 文件。")
		return
	}
	if errors.Is(err, notice.ErrNoPlan) {
		// Nothing recognised: the review opens with the text beside an
		// empty plan, to be entered by hand.
		doc = &plan.Document{Goals: []plan.DocGoal{}, Sections: []plan.DocSection{}, TaskTable: []plan.DocTaskRow{},
			DecompositionTables: []plan.DocTable{}, Findings: []plan.Finding{}}
		s.renderReview(w, r, http.StatusOK, name, source, doc, 0, name+"："+noticeMessage(err))
		return
	}
	if err != nil {
		s.importError(w, r, name+"："+noticeMessage(err))
		return
	}
	compare, _ := strconv.ParseInt(r.PostFormValue("compare"), 10, 64)
	s.renderReview(w, r, http.StatusOK, name, source, doc, compare, "")
}

// noticeMessage says in Chinese why a notice could not be read.
func noticeMessage(err error) string {
	switch {
	case errors.Is(err, notice.ErrTooLarge):
		return fmt.Sprintf("超过 %d MB 上限。", notice.DefaultMaxSize>>20)
	case errors.Is(err, notice.ErrNoPlan):
		return "未识别出工作要点：没有找到标题、文号、目标、任务、任务分解表或指标分解表。请确认粘贴的是通知全文；也可以对照原文，在下面逐项录入。"
	case errors.Is(err, notice.ErrFormat):
		return "无法直接读取此格式：请另存为 .docx，或复制正文粘贴。"
	}
	return "无法读取：" + err.Error()
}

func (s *Server) importError(w http.ResponseWriter, r *http.Request, msg string) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "plan_import", map[string]any{"Plans": plans, "Error": msg, "Text": r.PostFormValue("text")})
}

// renderReview shows the reading for review. compare names a plan to diff
// against; 0 picks the plan with the same document number or title, if any.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, name, source string, doc *plan.Document, compare int64, errMsg string) {
	ctx := r.Context()
	dir, err := s.store.HomeDirectory(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idx := dir.Index()
	known := func(n string) bool { _, ok := idx[plan.CleanName(n)]; return ok }
	v := importReview{
		Name: name, Source: source, Lines: strings.Split(source, "\n"), Doc: doc,
		Findings: append(plan.ImportFindings(doc.Findings), plan.Lint(doc, known)...),
		Unknown:  unknownNames(doc, known), Units: dir.Units, Plans: plans, Error: errMsg,
	}
	for i, p := range plans {
		if p.ID == compare || (compare == 0 && v.Compare == nil && ((doc.DocNumber != "" && p.DocNumber == doc.DocNumber) || p.Title == doc.Title)) {
			v.Compare = &plans[i]
		}
	}
	if v.Compare != nil {
		old, err := s.store.Plan(ctx, v.Compare.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Changes = plan.Diff(old, doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.DocJSON = string(b)
	s.render(w, r, status, "plan_import_review", v)
}

// unknownNames lists, once each in order of appearance, the unit names of a
// document the directory does not know.
func unknownNames(doc *plan.Document, known func(string) bool) []string {
	seen := map[string]bool{}
	var out []string
	note := func(names ...string) {
		for _, n := range names {
			n = plan.CleanName(n)
			if n != "" && !seen[n] && !known(n) {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	for _, s := range doc.Sections {
		for _, t := range s.Tasks {
			note(t.LeadUnits...)
			note(t.ResponsibleUnits...)
		}
	}
	for _, row := range doc.TaskTable {
		note(row.LeadUnits...)
		note(row.ResponsibleUnits...)
	}
	for _, t := range doc.DecompositionTables {
		for _, row := range t.Rows {
			if !row.Total {
				note(row.Unit)
			}
		}
	}
	return out
}

// planImportConfirm applies the edits of the review form and either shows
// the review again (重新检查) or creates the plan.
func (s *Server) planImportConfirm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "表单过大或不完整。"))
		return
	}
	// A document that decodes but fails its check (no title yet: a notice
	// read in part, or a plan being built by hand) is reviewed again; the
	// check runs once more on the edited document before it is stored.
	doc, err := plan.DecodeDocument(strings.NewReader(r.PostFormValue("document")))
	if doc == nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.HomeDirectory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, source := r.PostFormValue("name"), r.PostFormValue("source")
	compare, _ := strconv.ParseInt(r.PostFormValue("compare"), 10, 64)
	if err := applyReviewEdits(r, doc, dir); err != nil {
		s.renderReview(w, r, http.StatusBadRequest, name, source, doc, compare, plan.ErrorMessage(err))
		return
	}
	add, err := directoryAdditions(r, doc, dir)
	if err == nil {
		err = plan.CheckDocument(doc)
	}
	if err != nil || r.PostFormValue("action") != "confirm" {
		msg := ""
		if err != nil {
			msg = plan.ErrorMessage(err)
		}
		s.renderReview(w, r, http.StatusOK, name, source, doc, compare, msg)
		return
	}
	doc.Status = plan.StatusDraft
	id, err := s.store.ImportPlan(r.Context(), doc, source, add)
	if err != nil {
		if plan.ErrorCode(err) == plan.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.renderReview(w, r, status(plan.ErrorCode(err)), name, source, doc, compare, plan.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved", id), http.StatusSeeOther)
}

// applyReviewEdits overlays the review form's fields on the document the
// form carried: header, goals, tasks, task-table rows and split-table cells,
// each addressed by its position; items marked 删除 are dropped.
func applyReviewEdits(r *http.Request, doc *plan.Document, dir *plan.Directory) error {
	field := func(key string, into *string) {
		if v, ok := r.PostForm[key]; ok {
			*into = strings.TrimSpace(v[0])
		}
	}
	field("title", &doc.Title)
	field("doc_number", &doc.DocNumber)
	field("issuer", &doc.Issuer)
	field("date", &doc.Date)
	if y := r.PostFormValue("year"); y != "" {
		n, err := strconv.Atoi(strings.TrimSpace(y))
		if err != nil {
			return plan.Errorf(plan.EINVALID, "“年度”：“%s”不是整数", y)
		}
		doc.Year = n
	}
	var goals []plan.DocGoal
	for i, g := range doc.Goals {
		p := fmt.Sprintf("g%d_", i)
		if r.PostFormValue(p+"delete") != "" {
			continue
		}
		field(p+"indicator", &g.Indicator)
		field(p+"unit", &g.Unit)
		if c := r.PostFormValue(p + "comparator"); c != "" {
			g.Comparator = plan.Comparator(c)
		}
		if k, ok := r.PostForm[p+"kind"]; ok {
			g.Kind = plan.GoalKind(k[0])
		}
		where := fmt.Sprintf("目标%d", i+1)
		if t, err := formDecimal(r, p+"target", where+"目标值"); err != nil {
			return err
		} else if t != nil {
			g.Target = *t
		}
		if _, ok := r.PostForm[p+"target_max"]; ok {
			max, err := formDecimal(r, p+"target_max", where+"上限")
			if err != nil {
				return err
			}
			g.TargetMax = max
		}
		goals = append(goals, g)
	}
	if g, err := newGoal(r); err != nil {
		return err
	} else if g != nil {
		goals = append(goals, *g)
	}
	doc.Goals = goals
	for si := range doc.Sections {
		sec := &doc.Sections[si]
		field(fmt.Sprintf("s%d_title", si), &sec.Title)
		var tasks []plan.DocTask
		for ti, t := range sec.Tasks {
			p := fmt.Sprintf("t%d_%d_", si, ti)
			if r.PostFormValue(p+"delete") != "" {
				continue
			}
			field(p+"number", &t.Number)
			field(p+"title", &t.Title)
			if v, ok := r.PostForm[p+"lead_units"]; ok {
				t.LeadUnits = formUnits(v[0], dir)
			}
			if v, ok := r.PostForm[p+"responsible_units"]; ok {
				t.ResponsibleUnits = formUnits(v[0], dir)
			}
			tasks = append(tasks, t)
		}
		sec.Tasks = tasks
	}
	addNewTask(r, doc, dir)
	var rows []plan.DocTaskRow
	for i, row := range doc.TaskTable {
		p := fmt.Sprintf("r%d_", i)
		if r.PostFormValue(p+"delete") != "" {
			continue
		}
		field(p+"number", &row.Number)
		field(p+"content", &row.Content)
		field(p+"maps_to_task", &row.MapsToTask)
		if v, ok := r.PostForm[p+"lead_units"]; ok {
			row.LeadUnits = formUnits(v[0], dir)
		}
		if v, ok := r.PostForm[p+"responsible_units"]; ok {
			row.ResponsibleUnits = formUnits(v[0], dir)
		}
		rows = append(rows, row)
	}
	doc.TaskTable = rows
	for ti := range doc.DecompositionTables {
		t := &doc.DecompositionTables[ti]
		for ri := range t.Rows {
			row := &t.Rows[ri]
			field(fmt.Sprintf("d%d_%d_unit", ti, ri), &row.Unit)
			for ci, col := range t.Columns {
				key := fmt.Sprintf("d%d_%d_%d", ti, ri, ci)
				if _, ok := r.PostForm[key]; !ok {
					continue
				}
				v, err := formDecimal(r, key, fmt.Sprintf("分解表第%d行（%s）“%s”", ri+1, row.Unit, col))
				if err != nil {
					return err
				}
				if v == nil {
					delete(row.Values, col)
				} else {
					if row.Values == nil {
						row.Values = map[string]plan.Decimal{}
					}
					row.Values[col] = *v
				}
			}
		}
	}
	return nil
}

// newGoal reads the review's blank goal row: a goal entered by hand, nil
// when its indicator is left empty.
func newGoal(r *http.Request) (*plan.DocGoal, error) {
	ind := strings.TrimSpace(r.PostFormValue("gnew_indicator"))
	if ind == "" {
		return nil, nil
	}
	g := plan.DocGoal{Text: ind, Indicator: ind, Comparator: plan.Comparator(r.PostFormValue("gnew_comparator")),
		Unit: strings.TrimSpace(r.PostFormValue("gnew_unit")), Kind: plan.GoalKind(r.PostFormValue("gnew_kind"))}
	if g.Comparator == "" {
		g.Comparator = plan.AtLeast
	}
	t, err := formDecimal(r, "gnew_target", "新增目标“"+ind+"”的目标值")
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, plan.Errorf(plan.EINVALID, "新增目标“%s”：请填写目标值", ind)
	}
	g.Target = *t
	if g.TargetMax, err = formDecimal(r, "gnew_target_max", "新增目标“"+ind+"”的上限"); err != nil {
		return nil, err
	}
	return &g, nil
}

// addNewTask adds the review's blank task row, when its title is filled:
// to the action of the title given, else a new one (重点任务 by default).
func addNewTask(r *http.Request, doc *plan.Document, dir *plan.Directory) {
	title := strings.TrimSpace(r.PostFormValue("tnew_title"))
	if title == "" {
		return
	}
	t := plan.DocTask{Number: strings.TrimSpace(r.PostFormValue("tnew_number")), Title: title, Text: title,
		LeadUnits: formUnits(r.PostFormValue("tnew_lead_units"), dir), ResponsibleUnits: formUnits(r.PostFormValue("tnew_responsible_units"), dir)}
	section := strings.TrimSpace(r.PostFormValue("tnew_section"))
	if section == "" {
		section = "重点任务"
	}
	n := 0
	for _, s := range doc.Sections {
		n += len(s.Tasks)
	}
	if t.Number == "" {
		t.Number = strconv.Itoa(n + 1)
	}
	for i := range doc.Sections {
		if doc.Sections[i].Title == section {
			doc.Sections[i].Tasks = append(doc.Sections[i].Tasks, t)
			return
		}
	}
	doc.Sections = append(doc.Sections, plan.DocSection{Title: section, Tasks: []plan.DocTask{t}})
}

// directoryAdditions reads what the admin decided for each unknown name:
// leave it, add it as a new unit of a kind, or make it an alias of a unit.
func directoryAdditions(r *http.Request, doc *plan.Document, dir *plan.Directory) (store.DirectoryAdditions, error) {
	add := store.DirectoryAdditions{Aliases: map[string]int64{}}
	idx := dir.Index()
	known := func(n string) bool { _, ok := idx[plan.CleanName(n)]; return ok }
	for i, name := range unknownNames(doc, known) {
		p := fmt.Sprintf("u%d_", i)
		if r.PostFormValue(p+"name") != name {
			continue // the list changed with the edits: decide again on the new review
		}
		switch r.PostFormValue(p + "action") {
		case "new":
			kind := plan.UnitKind(r.PostFormValue(p + "kind"))
			if !kind.Valid() {
				return add, plan.Errorf(plan.EINVALID, "新单位“%s”：请选择类型", name)
			}
			parent := ""
			for _, u := range dir.Units {
				if u.Kind == plan.UnitGovernment {
					parent = u.Label()
				}
			}
			add.Units = append(add.Units, plan.Unit{Name: name, Kind: kind, Parent: parent})
		case "alias":
			id, _ := strconv.ParseInt(r.PostFormValue(p+"unit"), 10, 64)
			if _, ok := dir.Unit(id); !ok {
				return add, plan.Errorf(plan.EINVALID, "“%s”：请选择它所指的单位", name)
			}
			add.Aliases[name] = id
		}
	}
	return add, nil
}
