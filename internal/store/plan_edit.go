package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"kechuang/internal/plan"
)

// Plan edits: each is one transaction that checks the part, writes it,
// re-resolves the plan against the directory and marks the plan updated.
// Parts are addressed by plan and ID together, so an ID from another plan
// is not found.

// PlanHeader is the part of a plan that is not goals, tasks or tables.
type PlanHeader struct {
	Title       string      `json:"title"`
	DocNumber   string      `json:"doc_number"`
	Issuer      string      `json:"issuer"`
	Date        string      `json:"date"`
	Year        int         `json:"year"`
	ParentTitle string      `json:"parent_title"`
	Status      plan.Status `json:"status"`
	StartYear   int         `json:"start_year,omitempty"` // a plan over a period: its first and last year
	EndYear     int         `json:"end_year,omitempty"`
}

// UpdatePlanHeader changes a plan's header fields.
func (s *Store) UpdatePlanHeader(ctx context.Context, planID int64, h PlanHeader) error {
	doc := &plan.Document{Title: h.Title, DocNumber: h.DocNumber, Issuer: h.Issuer, Date: h.Date, Year: h.Year, ParentTitle: h.ParentTitle, Status: h.Status, StartYear: h.StartYear, EndYear: h.EndYear}
	if err := plan.CheckDocument(doc); err != nil {
		return err
	}
	header := func(d *plan.Document) any {
		return PlanHeader{Title: d.Title, DocNumber: d.DocNumber, Issuer: d.Issuer, Date: d.Date, Year: d.Year, ParentTitle: d.ParentTitle, Status: d.Status, StartYear: d.StartYear, EndYear: d.EndYear}
	}
	return s.editPlan(ctx, planID, planChange{"plan.update", func() string { return planObject(planID, "", 0) }, header}, func(tx *sql.Tx) error {
		// The goals' per-year targets must stay within a changed period.
		old, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		for _, g := range old.Goals {
			if err := plan.CheckYearTargets(doc, g); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE plans SET title = $1, doc_number = $2, issuer = $3, issue_date = $4, year = $5, parent_title = $6, status = $7, start_year = $8, end_year = $9
			WHERE id = $10`, h.Title, h.DocNumber, h.Issuer, h.Date, h.Year, h.ParentTitle, string(h.Status), h.StartYear, h.EndYear, planID)
		return wrap(err, "update plan %d", planID)
	})
}

// SaveGoal adds a goal at the end (ID 0) or changes one.
func (s *Store) SaveGoal(ctx context.Context, planID int64, g plan.DocGoal) (int64, error) {
	if err := plan.CheckDocument(&plan.Document{Title: "-", Goals: []plan.DocGoal{g}}); err != nil {
		return 0, err
	}
	id := g.ID
	var bound *defaultBinding // the goal's default definition, when this edit binds or drops it
	ch := planChange{saveAction("plan.goal", g.ID), func() string { return planObject(planID, "goal", id) }, func(d *plan.Document) any {
		return partByID(d.Goals, id, func(g plan.DocGoal) int64 { return g.ID })
	}}
	then := func(tx *sql.Tx) error {
		if bound == nil {
			return nil
		}
		return s.audit(ctx, tx, "plan.definition.default", planObject(planID, "goal", id), nil, bound)
	}
	err := s.editPlanThen(ctx, planID, ch, func(tx *sql.Tx) error {
		if id == 0 {
			var err error
			if id, err = insertGoal(ctx, tx, planID, nextPosition(ctx, tx, "goals", planID), &g); err != nil {
				return err
			}
		} else if err := updateOne(ctx, tx, "目标", `
			UPDATE goals SET text = $1, indicator = $2, comparator = $3, target = $4, target_max = $5, unit = $6, kind = $7, year = $8
			WHERE id = $9 AND plan_id = $10`,
			g.Text, g.Indicator, string(g.Comparator), g.Target, g.TargetMax, g.Unit, string(g.Kind), g.Year, g.ID, planID); err != nil {
			return err
		}
		var err error
		bound, err = s.bindDefault(ctx, tx, id, g)
		return err
	}, then)
	return id, err
}

// DeleteGoal removes a goal no form has a value for (one that has is
// archived instead: ECONFLICT says so).
func (s *Store) DeleteGoal(ctx context.Context, planID, goalID int64) error {
	ch := planChange{"plan.goal.delete", func() string { return planObject(planID, "goal", goalID) }, func(d *plan.Document) any {
		return partByID(d.Goals, goalID, func(g plan.DocGoal) int64 { return g.ID })
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := goalUnused(ctx, tx, planID, goalID); err != nil {
			return err
		}
		return updateOne(ctx, tx, "目标", `DELETE FROM goals WHERE id = $1 AND plan_id = $2`, goalID, planID)
	})
}

// SaveSection adds an action at the end (ID 0) or renames one.
func (s *Store) SaveSection(ctx context.Context, planID int64, sec plan.DocSection) (int64, error) {
	if err := plan.CheckDocument(&plan.Document{Title: "-", Sections: []plan.DocSection{sec}}); err != nil {
		return 0, err
	}
	id := sec.ID
	ch := planChange{saveAction("plan.section", sec.ID), func() string { return planObject(planID, "section", id) }, func(d *plan.Document) any {
		return partByID(d.Sections, id, func(s plan.DocSection) int64 { return s.ID })
	}}
	err := s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if id == 0 {
			return wrap(tx.QueryRowContext(ctx, `INSERT INTO sections (plan_id, position, number, title) VALUES ($1, $2, $3, $4) RETURNING id`,
				planID, nextPosition(ctx, tx, "sections", planID), sec.Number, sec.Title).Scan(&id), "add section %q", sec.Title)
		}
		return updateOne(ctx, tx, "行动", `UPDATE sections SET number = $1, title = $2 WHERE id = $3 AND plan_id = $4`,
			sec.Number, sec.Title, sec.ID, planID)
	})
	return id, err
}

// DeleteSection removes an action and its tasks, unless forms refer to
// one of them (ECONFLICT names them).
func (s *Store) DeleteSection(ctx context.Context, planID, sectionID int64) error {
	ch := planChange{"plan.section.delete", func() string { return planObject(planID, "section", sectionID) }, func(d *plan.Document) any {
		return partByID(d.Sections, sectionID, func(s plan.DocSection) int64 { return s.ID })
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := sectionUnused(ctx, tx, planID, sectionID); err != nil {
			return err
		}
		return updateOne(ctx, tx, "行动", `DELETE FROM sections WHERE id = $1 AND plan_id = $2`, sectionID, planID)
	})
}

// SaveTask adds a task at the end of a section (ID 0) or changes one; its
// unit names are replaced.
func (s *Store) SaveTask(ctx context.Context, planID, sectionID int64, t plan.DocTask) (int64, error) {
	doc := &plan.Document{Title: "-", Sections: []plan.DocSection{{Title: "-", Tasks: []plan.DocTask{t}}}}
	if err := plan.CheckDocument(doc); err != nil {
		return 0, err
	}
	id := t.ID
	ch := planChange{saveAction("plan.task", t.ID), func() string { return planObject(planID, "task", id) }, func(d *plan.Document) any {
		return taskByID(d, id)
	}}
	err := s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := taskNumberFree(ctx, tx, planID, t); err != nil {
			return err
		}
		if id == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sections WHERE id = $1 AND plan_id = $2`, sectionID, planID).Scan(&n); err != nil || n == 0 {
				return plan.Errorf(plan.ENOTFOUND, "行动不存在（编号 %d）", sectionID)
			}
			var err error
			id, err = insertTask(ctx, tx, planID, sectionID, nextPosition(ctx, tx, "tasks", planID), &t)
			return err
		}
		if err := updateOne(ctx, tx, "任务", `UPDATE tasks SET number = $1, title = $2, body = $3, deadline = $4 WHERE id = $5 AND plan_id = $6`,
			t.Number, t.Title, t.Text, t.Deadline, t.ID, planID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_units WHERE task_id = $1`, t.ID); err != nil {
			return wrap(err, "replace units of task %d", t.ID)
		}
		return insertTaskUnits(ctx, tx, planID, "task_id", t.ID, t.LeadUnits, t.ResponsibleUnits)
	})
	return id, err
}

func taskNumberFree(ctx context.Context, tx *sql.Tx, planID int64, t plan.DocTask) error {
	if t.Number == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE plan_id = $1 AND number = $2 AND id <> $3`, planID, t.Number, t.ID).Scan(&n); err != nil {
		return wrap(err, "check task number %q", t.Number)
	}
	if n > 0 {
		return plan.Errorf(plan.ECONFLICT, "任务序号 %s 已被使用", t.Number)
	}
	return nil
}

// DeleteTask removes a task no form refers to (one that forms refer to is
// archived instead: ECONFLICT says so).
func (s *Store) DeleteTask(ctx context.Context, planID, taskID int64) error {
	ch := planChange{"plan.task.delete", func() string { return planObject(planID, "task", taskID) }, func(d *plan.Document) any {
		return taskByID(d, taskID)
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := taskUnused(ctx, tx, planID, taskID); err != nil {
			return err
		}
		return updateOne(ctx, tx, "任务", `DELETE FROM tasks WHERE id = $1 AND plan_id = $2`, taskID, planID)
	})
}

// SaveTaskRow adds a task-table row at the end (ID 0) or changes one; its
// unit names are replaced.
func (s *Store) SaveTaskRow(ctx context.Context, planID int64, r plan.DocTaskRow) (int64, error) {
	if err := plan.CheckDocument(&plan.Document{Title: "-", TaskTable: []plan.DocTaskRow{r}}); err != nil {
		return 0, err
	}
	id := r.ID
	ch := planChange{saveAction("plan.row", r.ID), func() string { return planObject(planID, "row", id) }, func(d *plan.Document) any {
		return partByID(d.TaskTable, id, func(r plan.DocTaskRow) int64 { return r.ID })
	}}
	err := s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if id == 0 {
			var err error
			id, err = insertTaskRow(ctx, tx, planID, nextPosition(ctx, tx, "task_rows", planID), &r)
			return err
		}
		if err := updateOne(ctx, tx, "任务分解表行", `
			UPDATE task_rows SET number = $1, section_number = $2, content = $3, maps_to_task = $4, deadline = $5
			WHERE id = $6 AND plan_id = $7`, r.Number, r.Section, r.Content, r.MapsToTask, r.Deadline, r.ID, planID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_units WHERE row_id = $1`, r.ID); err != nil {
			return wrap(err, "replace units of row %d", r.ID)
		}
		return insertTaskUnits(ctx, tx, planID, "row_id", r.ID, r.LeadUnits, r.ResponsibleUnits)
	})
	return id, err
}

// DeleteTaskRow removes a task-table row.
func (s *Store) DeleteTaskRow(ctx context.Context, planID, rowID int64) error {
	ch := planChange{"plan.row.delete", func() string { return planObject(planID, "row", rowID) }, func(d *plan.Document) any {
		return partByID(d.TaskTable, rowID, func(r plan.DocTaskRow) int64 { return r.ID })
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		return updateOne(ctx, tx, "任务分解表行", `DELETE FROM task_rows WHERE id = $1 AND plan_id = $2`, rowID, planID)
	})
}

// SaveSplitTable adds a split table (ID 0) or replaces one's title,
// columns, rows and values, keeping its ID: the allocation grid is edited
// as a whole.
func (s *Store) SaveSplitTable(ctx context.Context, planID int64, t plan.DocTable) (int64, error) {
	ids, err := s.SaveSplitTables(ctx, planID, []plan.DocTable{t})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// SaveSplitTables saves several split tables as SaveSplitTable does, in one
// transaction: a workbook of tables is imported whole or not at all.
func (s *Store) SaveSplitTables(ctx context.Context, planID int64, tables []plan.DocTable) ([]int64, error) {
	if err := plan.CheckDocument(&plan.Document{Title: "-", DecompositionTables: tables}); err != nil {
		return nil, err
	}
	var ids []int64
	for _, t := range tables {
		ids = append(ids, t.ID) // the tables replaced, for the record before
	}
	ch := planChange{"plan.table.import", func() string { return planObject(planID, "tables", 0) }, func(d *plan.Document) any {
		var out []plan.DocTable
		for _, t := range d.DecompositionTables {
			if slices.Contains(ids, t.ID) {
				out = append(out, t)
			}
		}
		if out == nil {
			return nil
		}
		return out
	}}
	if len(tables) == 1 {
		ch.action = saveAction("plan.table", tables[0].ID)
		ch.object = func() string { return planObject(planID, "table", ids[0]) }
	}
	err := s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		ids = ids[:0]
		for i := range tables {
			id, err := saveSplitTable(ctx, tx, planID, &tables[i])
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

func saveSplitTable(ctx context.Context, tx *sql.Tx, planID int64, t *plan.DocTable) (int64, error) {
	if t.ID == 0 {
		return insertSplitTable(ctx, tx, planID, nextPosition(ctx, tx, "split_tables", planID), t)
	}
	if err := updateOne(ctx, tx, "分解表", `UPDATE split_tables SET title = $1, annex = $2 WHERE id = $3 AND plan_id = $4`, t.Title, t.Attachment, t.ID, planID); err != nil {
		return 0, err
	}
	for _, q := range []string{`DELETE FROM split_rows WHERE table_id = $1`, `DELETE FROM split_columns WHERE table_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, t.ID); err != nil {
			return 0, wrap(err, "replace split table %d", t.ID)
		}
	}
	return t.ID, insertSplitContent(ctx, tx, t.ID, t)
}

// editPlan runs fn in a transaction on an existing plan, then re-resolves
// the plan, marks it updated and records the change in the audit log.
func (s *Store) editPlan(ctx context.Context, planID int64, ch planChange, fn func(tx *sql.Tx) error) error {
	return s.editPlanThen(ctx, planID, ch, fn, nil)
}

// editPlanThen is editPlan with then, when not nil, adding audit entries
// for what the edit changed besides the plan (a goal's default definition).
func (s *Store) editPlanThen(ctx context.Context, planID int64, ch planChange, fn, then func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		before := ch.part(old)
		if err := fn(tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET updated_at = $1 WHERE id = $2`, s.nowUTC(), planID); err != nil {
			return wrap(err, "touch plan %d", planID)
		}
		if err := resolveWithDirectory(ctx, tx, planID); err != nil {
			return err
		}
		now, err := loadPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, ch.action, ch.object(), before, ch.part(now)); err != nil {
			return err
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// planChange is what a plan edit records in the audit log: the action, the
// object (asked after the edit, when a new part's ID is known) and the
// changed part of the plan, taken from the plan before and after the edit
// (nil where the part is absent).
type planChange struct {
	action string
	object func() string
	part   func(*plan.Document) any
}

// planObject names a plan or a part of one: "plan:3", "plan:3/goal:12",
// "plan:3/task_table" (id 0).
func planObject(planID int64, part string, id int64) string {
	switch {
	case part == "":
		return fmt.Sprintf("plan:%d", planID)
	case id == 0:
		return fmt.Sprintf("plan:%d/%s", planID, part)
	}
	return fmt.Sprintf("plan:%d/%s:%d", planID, part, id)
}

// saveAction is prefix.create for a new part (ID 0), prefix.update otherwise.
func saveAction(prefix string, id int64) string {
	if id == 0 {
		return prefix + ".create"
	}
	return prefix + ".update"
}

// partByID returns the item with the ID, or nil (an untyped nil, which the
// audit log records as absent).
func partByID[T any](items []T, id int64, idOf func(T) int64) any {
	for _, x := range items {
		if id != 0 && idOf(x) == id {
			return x
		}
	}
	return nil
}

func taskByID(d *plan.Document, id int64) any {
	for _, sec := range d.Sections {
		if t := partByID(sec.Tasks, id, func(t plan.DocTask) int64 { return t.ID }); t != nil {
			return t
		}
	}
	return nil
}

// updateOne runs an UPDATE or DELETE that must touch exactly one row, and
// answers ENOTFOUND (naming what) when it touches none.
func updateOne(ctx context.Context, tx *sql.Tx, what, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(err, "change %s", what)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return plan.Errorf(plan.ENOTFOUND, "%s不存在", what)
	}
	return nil
}

// nextPosition is one past the last position in a plan's table (a constant
// of this package).
func nextPosition(ctx context.Context, tx *sql.Tx, table string, planID int64) int {
	var pos sql.NullInt64
	tx.QueryRowContext(ctx, `SELECT MAX(position) FROM `+table+` WHERE plan_id = $1`, planID).Scan(&pos)
	return int(pos.Int64) + 1
}

// wrap adds what was attempted to a database error; nil stays nil.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: unable to "+format+": %w", append(args, err)...)
}

// ReplaceTaskTable replaces a plan's whole task table (附件1), as when an
// office's Excel version is imported. A row keeps the body task it details
// when the old table had a row of the same number that did.
func (s *Store) ReplaceTaskTable(ctx context.Context, planID int64, rows []plan.DocTaskRow) error {
	if err := plan.CheckDocument(&plan.Document{Title: "-", TaskTable: rows}); err != nil {
		return err
	}
	ch := planChange{"plan.task_table.replace", func() string { return planObject(planID, "task_table", 0) }, func(d *plan.Document) any {
		if len(d.TaskTable) == 0 {
			return nil
		}
		return d.TaskTable
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		old := map[string]string{}
		if err := eachRow(ctx, tx, `SELECT number, maps_to_task FROM task_rows WHERE plan_id = $1`, func(r *sql.Rows) error {
			var n, m string
			if err := r.Scan(&n, &m); err != nil {
				return err
			}
			old[n] = m
			return nil
		}, planID); err != nil {
			return wrap(err, "read the task table of plan %d", planID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_rows WHERE plan_id = $1`, planID); err != nil {
			return wrap(err, "clear the task table of plan %d", planID)
		}
		for i, r := range rows {
			if r.MapsToTask == "" {
				r.MapsToTask = old[r.Number]
			}
			if _, err := insertTaskRow(ctx, tx, planID, i, &r); err != nil {
				return err
			}
		}
		return nil
	})
}
