package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"kechuang/internal/plan"
)

// PlanSummary is a plan as lists show it.
type PlanSummary struct {
	ID        int64
	Title     string
	DocNumber string
	Issuer    string
	Date      string
	Year      int
	Status    plan.Status
	UpdatedAt time.Time
	OrgID     int64
	Org       string // the organisation's name
}

// Plans lists the plans in the caller's scope, newest year first.
func (s *Store) Plans(ctx context.Context) ([]PlanSummary, error) {
	var out []PlanSummary
	cond, args := scopeFilter(ctx, "p.org_id", nil)
	err := eachRow(ctx, s.read, `
		SELECT p.id, p.title, p.doc_number, p.issuer, p.issue_date, p.year, p.status, p.updated_at, p.org_id, o.name
		FROM plans p JOIN orgs o ON o.id = p.org_id WHERE 1 = 1`+cond+` ORDER BY p.year DESC, p.id DESC`, func(r *sql.Rows) error {
		var p PlanSummary
		if err := r.Scan(&p.ID, &p.Title, &p.DocNumber, &p.Issuer, &p.Date, &p.Year, &p.Status, &p.UpdatedAt, &p.OrgID, &p.Org); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list plans: %w", err)
	}
	return out, nil
}

// CreatePlan stores a plan document as a new plan (a draft unless the
// document says otherwise) with the text it was read from, in one
// transaction, and returns its ID. The document is checked first
// (plan.CheckDocument); IDs in it are ignored.
func (s *Store) CreatePlan(ctx context.Context, doc *plan.Document, sourceText string) (int64, error) {
	return s.ImportPlan(ctx, doc, sourceText, DirectoryAdditions{})
}

// DirectoryAdditions are units and aliases an import adds to the directory
// for names the notice uses that the directory lacked.
type DirectoryAdditions struct {
	Units   []plan.Unit      // new units
	Aliases map[string]int64 // a name as written → the existing unit it means
}

// ImportPlan adds to the directory and stores the plan in one transaction:
// a notice confirmed after review either lands whole, with the units it
// introduced, or not at all.
func (s *Store) ImportPlan(ctx context.Context, doc *plan.Document, sourceText string, add DirectoryAdditions) (int64, error) {
	if err := plan.CheckDocument(doc); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The plan, and what it adds to the directory, go to the caller's
		// organisation.
		org, err := homeOrg(ctx, tx)
		if err != nil {
			return err
		}
		ctx := orgOnly(ctx, org)
		for i, u := range add.Units {
			u.Name = plan.CleanName(u.Name)
			unitID, err := saveUnit(ctx, tx, u, 1<<20+i)
			if err != nil {
				return err
			}
			if err := setParent(ctx, tx, unitID, u.Parent); err != nil {
				return err
			}
		}
		for _, alias := range slices.Sorted(maps.Keys(add.Aliases)) {
			if err := mustExist(ctx, tx, "units", add.Aliases[alias], "单位"); err != nil {
				return err
			}
			if _, err := directoryOrg(ctx, tx, "units", add.Aliases[alias], "单位"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_aliases (alias, unit_id, org_id) VALUES ($1, $2, $3)`, plan.CleanName(alias), add.Aliases[alias], org); err != nil {
				return wrap(err, "add alias %q", alias)
			}
		}
		if len(add.Units) > 0 || len(add.Aliases) > 0 {
			if err := directoryChanged(ctx, tx); err != nil {
				return err
			}
		}
		id, err = insertPlan(ctx, tx, doc, sourceText, s.nowUTC())
		if err != nil {
			return err
		}
		if err := resolveWithDirectory(ctx, tx, id); err != nil {
			return err
		}
		bound, err := s.bindDefaults(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(add.Units) > 0 || len(add.Aliases) > 0 {
			added := map[string]any{"plan": id, "units": add.Units, "aliases": add.Aliases}
			if err := s.audit(ctx, tx, "directory.add", "directory", nil, added); err != nil {
				return err
			}
		}
		stored, err := loadPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, "plan.create", planObject(id, "", 0), nil, stored); err != nil {
			return err
		}
		if len(bound) == 0 {
			return nil
		}
		return s.audit(ctx, tx, "plan.definition.default", planObject(id, "goals", 0), nil, bound)
	})
	return id, err
}

func insertPlan(ctx context.Context, tx *sql.Tx, doc *plan.Document, sourceText string, now time.Time) (int64, error) {
	findings, err := json.Marshal(nonNil(doc.Findings))
	if err != nil {
		return 0, fmt.Errorf("store: unable to encode findings: %w", err)
	}
	status := doc.Status
	if status == "" {
		status = plan.StatusDraft
	}
	org, err := homeOrg(ctx, tx)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO plans (doc_number, issuer, issue_date, title, year, parent_title, task_table_name, status, source_text, import_findings, created_at, updated_at, org_id, start_year, end_year)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14) RETURNING id`,
		doc.DocNumber, doc.Issuer, doc.Date, doc.Title, doc.Year, doc.ParentTitle, doc.TaskTableAttachment, string(status),
		sourceText, string(findings), now, org, doc.StartYear, doc.EndYear).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to create plan: %w", err)
	}
	for i := range doc.Goals {
		if _, err := insertGoal(ctx, tx, id, i, &doc.Goals[i]); err != nil {
			return 0, err
		}
	}
	for i, sec := range doc.Sections {
		var secID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sections (plan_id, position, number, title, line) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			id, i, sec.Number, sec.Title, sec.Line).Scan(&secID); err != nil {
			return 0, fmt.Errorf("store: unable to save section %s: %w", sec.Number, err)
		}
		for j := range sec.Tasks {
			if _, err := insertTask(ctx, tx, id, secID, j, &sec.Tasks[j]); err != nil {
				return 0, err
			}
		}
	}
	for i := range doc.TaskTable {
		if _, err := insertTaskRow(ctx, tx, id, i, &doc.TaskTable[i]); err != nil {
			return 0, err
		}
	}
	for i := range doc.DecompositionTables {
		if _, err := insertSplitTable(ctx, tx, id, i, &doc.DecompositionTables[i]); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func insertGoal(ctx context.Context, tx *sql.Tx, planID int64, pos int, g *plan.DocGoal) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO goals (plan_id, position, text, indicator, comparator, target, target_max, unit, kind, year, line)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		planID, pos, g.Text, g.Indicator, string(g.Comparator), g.Target, g.TargetMax, g.Unit, string(g.Kind), g.Year, g.Line).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: unable to save goal %q: %w", g.Indicator, err)
	}
	return id, insertYearTargets(ctx, tx, id, g.YearTargets)
}

func insertTask(ctx context.Context, tx *sql.Tx, planID, sectionID int64, pos int, t *plan.DocTask) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO tasks (plan_id, section_id, position, number, title, body, deadline, line)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		planID, sectionID, pos, t.Number, t.Title, t.Text, t.Deadline, t.Line).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to save task %s: %w", t.Number, err)
	}
	if err := insertTaskUnits(ctx, tx, planID, "task_id", id, t.LeadUnits, t.ResponsibleUnits); err != nil {
		return 0, err
	}
	return id, nil
}

func insertTaskRow(ctx context.Context, tx *sql.Tx, planID int64, pos int, r *plan.DocTaskRow) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO task_rows (plan_id, position, number, section_number, content, maps_to_task, deadline, line)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		planID, pos, r.Number, r.Section, r.Content, r.MapsToTask, r.Deadline, r.Line).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to save task-table row %s: %w", r.Number, err)
	}
	if err := insertTaskUnits(ctx, tx, planID, "row_id", id, r.LeadUnits, r.ResponsibleUnits); err != nil {
		return 0, err
	}
	return id, nil
}

// insertTaskUnits writes the names as written; owner is "task_id" or
// "row_id", a constant of this package.
func insertTaskUnits(ctx context.Context, tx *sql.Tx, planID int64, owner string, ownerID int64, lead, responsible []string) error {
	for _, set := range []struct {
		role  plan.Role
		names []string
	}{{plan.RoleLead, lead}, {plan.RoleResponsible, responsible}} {
		for i, n := range set.names {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_units (plan_id, `+owner+`, role, position, name) VALUES ($1, $2, $3, $4, $5)`,
				planID, ownerID, string(set.role), i, n); err != nil {
				return fmt.Errorf("store: unable to save unit %q: %w", n, err)
			}
		}
	}
	return nil
}

func insertSplitTable(ctx context.Context, tx *sql.Tx, planID int64, pos int, t *plan.DocTable) (int64, error) {
	var tableID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO split_tables (plan_id, position, title, annex, line) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		planID, pos, t.Title, t.Attachment, t.Line).Scan(&tableID); err != nil {
		return 0, fmt.Errorf("store: unable to save table %q: %w", t.Title, err)
	}
	return tableID, insertSplitContent(ctx, tx, tableID, t)
}

// insertSplitContent writes a split table's columns, rows and values.
func insertSplitContent(ctx context.Context, tx *sql.Tx, tableID int64, t *plan.DocTable) error {
	cols := map[string]int64{}
	for i, c := range t.Columns {
		var colID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO split_columns (table_id, position, name, unit_of_measure) VALUES ($1, $2, $3, $4) RETURNING id`,
			tableID, i, c, t.UnitsOfMeasure[c]).Scan(&colID); err != nil {
			return fmt.Errorf("store: unable to save column %q of table %q: %w", c, t.Title, err)
		}
		cols[c] = colID
	}
	for i, r := range t.Rows {
		var rowID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO split_rows (table_id, position, unit_name, is_total, line) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			tableID, i, r.Unit, r.Total, r.Line).Scan(&rowID); err != nil {
			return fmt.Errorf("store: unable to save row %q of table %q: %w", r.Unit, t.Title, err)
		}
		for _, c := range t.Columns {
			v, ok := r.Values[c]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO split_values (row_id, column_id, value) VALUES ($1, $2, $3)`, rowID, cols[c], v); err != nil {
				return fmt.Errorf("store: unable to save %s/%s: %w", r.Unit, c, err)
			}
		}
	}
	return nil
}

// Plan returns the stored plan as a plan document, with the IDs of its parts.
func (s *Store) Plan(ctx context.Context, id int64) (*plan.Document, error) {
	return loadPlan(ctx, s.read, id)
}

// SourceText returns the text a plan was imported from, "" when none.
func (s *Store) SourceText(ctx context.Context, id int64) (string, error) {
	var text string
	var org int64
	err := s.read.QueryRowContext(ctx, `SELECT source_text, org_id FROM plans WHERE id = $1`, id).Scan(&text, &org)
	if err == nil && !reaches(ctx, org) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", id)
	}
	if err != nil {
		return "", fmt.Errorf("store: unable to read the source of plan %d: %w", id, err)
	}
	return text, nil
}

func loadPlan(ctx context.Context, q queryer, id int64) (*plan.Document, error) {
	doc, _, err := loadPlanOrg(ctx, q, id)
	return doc, err
}

// loadPlanOrg is loadPlan with the plan's organisation (planOrgID), read
// with the plan: one statement less.
func loadPlanOrg(ctx context.Context, q queryer, id int64) (*plan.Document, int64, error) {
	doc := &plan.Document{ID: id}
	var findings string
	var org int64
	err := q.QueryRowContext(ctx, `
		SELECT doc_number, issuer, issue_date, title, year, parent_title, task_table_name, status, import_findings, org_id,
		       start_year, end_year, COALESCE(parent_id, 0), COALESCE(previous_id, 0)
		FROM plans WHERE id = $1`, id).Scan(&doc.DocNumber, &doc.Issuer, &doc.Date, &doc.Title, &doc.Year, &doc.ParentTitle, &doc.TaskTableAttachment, &doc.Status, &findings, &org,
		&doc.StartYear, &doc.EndYear, &doc.ParentID, &doc.PreviousID)
	if err == nil && !reaches(ctx, org) {
		err = sql.ErrNoRows // another organisation's plan is no plan to the caller
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", id)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to read plan %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(findings), &doc.Findings); err != nil {
		return nil, 0, fmt.Errorf("store: plan %d: unable to decode findings: %w", id, err)
	}
	doc.Goals = []plan.DocGoal{}
	if err := eachRow(ctx, q, `
		SELECT id, text, indicator, comparator, target, target_max, unit, kind, year, line, archived_at IS NOT NULL
		FROM goals WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var g plan.DocGoal
		var max sql.NullString
		if err := r.Scan(&g.ID, &g.Text, &g.Indicator, &g.Comparator, &g.Target, &max, &g.Unit, &g.Kind, &g.Year, &g.Line, &g.Archived); err != nil {
			return err
		}
		if max.Valid {
			d, err := plan.ParseDecimal(max.String)
			if err != nil {
				return err
			}
			g.TargetMax = &d
		}
		doc.Goals = append(doc.Goals, g)
		return nil
	}, id); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read goals of plan %d: %w", id, err)
	}
	if err := loadGoalLinks(ctx, q, doc); err != nil {
		return nil, 0, err
	}

	units, err := loadTaskUnits(ctx, q, id)
	if err != nil {
		return nil, 0, err
	}
	doc.Sections = []plan.DocSection{}
	sectionIdx := map[int64]int{}
	if err := eachRow(ctx, q, `SELECT id, number, title, line FROM sections WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var sec plan.DocSection
		if err := r.Scan(&sec.ID, &sec.Number, &sec.Title, &sec.Line); err != nil {
			return err
		}
		sec.Tasks = []plan.DocTask{}
		sectionIdx[sec.ID] = len(doc.Sections)
		doc.Sections = append(doc.Sections, sec)
		return nil
	}, id); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read sections of plan %d: %w", id, err)
	}
	if err := eachRow(ctx, q, `
		SELECT id, section_id, number, title, body, deadline, line, archived_at IS NOT NULL
		FROM tasks WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var t plan.DocTask
		var secID int64
		if err := r.Scan(&t.ID, &secID, &t.Number, &t.Title, &t.Text, &t.Deadline, &t.Line, &t.Archived); err != nil {
			return err
		}
		u := units.of(unitsKey{task: t.ID})
		t.LeadUnits, t.ResponsibleUnits = nonNil(u.lead), nonNil(u.responsible)
		i := sectionIdx[secID]
		doc.Sections[i].Tasks = append(doc.Sections[i].Tasks, t)
		return nil
	}, id); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read tasks of plan %d: %w", id, err)
	}
	doc.TaskTable = []plan.DocTaskRow{}
	if err := eachRow(ctx, q, `
		SELECT id, number, section_number, content, maps_to_task, deadline, line
		FROM task_rows WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var row plan.DocTaskRow
		if err := r.Scan(&row.ID, &row.Number, &row.Section, &row.Content, &row.MapsToTask, &row.Deadline, &row.Line); err != nil {
			return err
		}
		u := units.of(unitsKey{row: row.ID})
		row.LeadUnits, row.ResponsibleUnits = nonNil(u.lead), nonNil(u.responsible)
		doc.TaskTable = append(doc.TaskTable, row)
		return nil
	}, id); err != nil {
		return nil, 0, fmt.Errorf("store: unable to read the task table of plan %d: %w", id, err)
	}
	if doc.DecompositionTables, err = loadSplitTables(ctx, q, id); err != nil {
		return nil, 0, err
	}
	return doc, org, nil
}

type unitsKey struct{ task, row int64 }

type unitNames struct{ lead, responsible []string }

type unitsOf map[unitsKey]*unitNames

// of is a task's or row's units: none when it names none.
func (m unitsOf) of(k unitsKey) unitNames {
	if u := m[k]; u != nil {
		return *u
	}
	return unitNames{}
}

func loadTaskUnits(ctx context.Context, q queryer, planID int64) (unitsOf, error) {
	out := unitsOf{}
	err := eachRow(ctx, q, `
		SELECT COALESCE(task_id, 0), COALESCE(row_id, 0), role, name
		FROM task_units WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var k unitsKey
		var role, name string
		if err := r.Scan(&k.task, &k.row, &role, &name); err != nil {
			return err
		}
		u := out[k]
		if u == nil {
			u = &unitNames{}
			out[k] = u
		}
		if plan.Role(role) == plan.RoleLead {
			u.lead = append(u.lead, name)
		} else {
			u.responsible = append(u.responsible, name)
		}
		return nil
	}, planID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the units of plan %d: %w", planID, err)
	}
	return out, nil
}

func loadSplitTables(ctx context.Context, q queryer, planID int64) ([]plan.DocTable, error) {
	tables := []plan.DocTable{}
	idx := map[int64]int{}
	if err := eachRow(ctx, q, `SELECT id, title, annex, line FROM split_tables WHERE plan_id = $1 ORDER BY position, id`, func(r *sql.Rows) error {
		var t plan.DocTable
		if err := r.Scan(&t.ID, &t.Title, &t.Attachment, &t.Line); err != nil {
			return err
		}
		t.Columns, t.Rows, t.UnitsOfMeasure = []string{}, []plan.DocTableRow{}, map[string]string{}
		idx[t.ID] = len(tables)
		tables = append(tables, t)
		return nil
	}, planID); err != nil {
		return nil, fmt.Errorf("store: unable to read the split tables of plan %d: %w", planID, err)
	}
	colNames := map[int64]string{}
	if err := eachRow(ctx, q, `
		SELECT c.id, c.table_id, c.name, c.unit_of_measure FROM split_columns c
		JOIN split_tables t ON t.id = c.table_id WHERE t.plan_id = $1 ORDER BY c.table_id, c.position`, func(r *sql.Rows) error {
		var colID, tableID int64
		var name, uom string
		if err := r.Scan(&colID, &tableID, &name, &uom); err != nil {
			return err
		}
		t := &tables[idx[tableID]]
		t.Columns = append(t.Columns, name)
		if uom != "" {
			t.UnitsOfMeasure[name] = uom
		}
		colNames[colID] = name
		return nil
	}, planID); err != nil {
		return nil, fmt.Errorf("store: unable to read split columns of plan %d: %w", planID, err)
	}
	type rowPos struct{ table, row int }
	rows := map[int64]rowPos{}
	if err := eachRow(ctx, q, `
		SELECT r.id, r.table_id, r.unit_name, r.is_total, r.line FROM split_rows r
		JOIN split_tables t ON t.id = r.table_id WHERE t.plan_id = $1 ORDER BY r.table_id, r.position`, func(r *sql.Rows) error {
		var row plan.DocTableRow
		var tableID int64
		if err := r.Scan(&row.ID, &tableID, &row.Unit, &row.Total, &row.Line); err != nil {
			return err
		}
		row.Values = map[string]plan.Decimal{}
		t := &tables[idx[tableID]]
		rows[row.ID] = rowPos{idx[tableID], len(t.Rows)}
		t.Rows = append(t.Rows, row)
		return nil
	}, planID); err != nil {
		return nil, fmt.Errorf("store: unable to read split rows of plan %d: %w", planID, err)
	}
	if err := eachRow(ctx, q, `
		SELECT v.row_id, v.column_id, v.value FROM split_values v
		JOIN split_rows r ON r.id = v.row_id JOIN split_tables t ON t.id = r.table_id
		WHERE t.plan_id = $1`, func(r *sql.Rows) error {
		var rowID, colID int64
		var v plan.Decimal
		if err := r.Scan(&rowID, &colID, &v); err != nil {
			return err
		}
		p := rows[rowID]
		tables[p.table].Rows[p.row].Values[colNames[colID]] = v
		return nil
	}, planID); err != nil {
		return nil, fmt.Errorf("store: unable to read split values of plan %d: %w", planID, err)
	}
	return tables, nil
}

// resolveWithDirectory re-resolves one plan against the stored directory
// of its organisation.
func resolveWithDirectory(ctx context.Context, tx *sql.Tx, planID int64) error {
	dir, err := loadPlanDirectory(ctx, tx, planID)
	if err != nil {
		return err
	}
	return resolvePlan(ctx, tx, planID, dir)
}

// loadPlanDirectory loads the directory of the plan's organisation: the one
// its names resolve against and its units are shown from.
func loadPlanDirectory(ctx context.Context, q queryer, planID int64) (*plan.Directory, error) {
	if !reachesPlan(ctx, q, planID) {
		return nil, plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", planID)
	}
	octx, err := planOrg(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	return loadDirectory(octx, q)
}

// reachesPlan reports whether the plan is in the caller's scope (false too
// when there is no such plan).
func reachesPlan(ctx context.Context, q queryer, planID int64) bool {
	var org int64
	if err := q.QueryRowContext(ctx, `SELECT org_id FROM plans WHERE id = $1`, planID).Scan(&org); err != nil {
		return false
	}
	return reaches(ctx, org)
}

// resolvePlan rebuilds a plan's assignments and allocations from its names
// as written and the directory, and marks the plan updated.
func resolvePlan(ctx context.Context, tx *sql.Tx, planID int64, dir *plan.Directory) error {
	doc, err := loadPlan(ctx, tx, planID)
	if err != nil {
		return err
	}
	as, al := plan.Resolve(doc, dir)
	for _, q := range []string{`DELETE FROM assignments WHERE plan_id = $1`, `DELETE FROM allocations WHERE plan_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, planID); err != nil {
			return fmt.Errorf("store: unable to resolve plan %d: %w", planID, err)
		}
	}
	for _, a := range as {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (plan_id, task_id, unit_id, role) VALUES ($1, $2, $3, $4)`,
			planID, a.TaskID, a.UnitID, string(a.Role)); err != nil {
			return fmt.Errorf("store: unable to assign task %d: %w", a.TaskID, err)
		}
	}
	for _, a := range al {
		if _, err := tx.ExecContext(ctx, `INSERT INTO allocations (plan_id, goal_id, unit_id, target) VALUES ($1, $2, $3, $4)`,
			planID, a.GoalID, a.UnitID, a.Target); err != nil {
			return fmt.Errorf("store: unable to allocate goal %d: %w", a.GoalID, err)
		}
	}
	return nil
}

// DeletePlan removes a plan and everything in it, unless it has forms
// (ECONFLICT says so): reports are kept.
func (s *Store) DeletePlan(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := loadPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := planUnused(ctx, tx, id, old.Title); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plans WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: unable to delete plan %d: %w", id, err)
		}
		return s.audit(ctx, tx, "plan.delete", planObject(id, "", 0), old, nil)
	})
}
