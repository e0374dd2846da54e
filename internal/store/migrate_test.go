package store_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// allTables is every table of the schema, for counting rows.
var allTables = []string{
	"units", "unit_aliases", "unit_groups", "unit_group_aliases", "unit_group_members",
	"plans", "goals", "sections", "tasks", "task_rows", "task_units",
	"split_tables", "split_columns", "split_rows", "split_values", "assignments", "allocations",
	"users", "sessions", "api_tokens", "login_failures",
	"rounds", "round_units", "forms", "form_tasks", "form_values", "form_versions", "attachments", "form_comments",
	"notifications", "reminder_sends", "leases", "settings", "audit_log",
}

// rebuilt are the tables migration 0003 rebuilds on SQLite, with the
// columns that identify a row.
var rebuilt = map[string]string{
	"forms":         "id",
	"form_tasks":    "form_id, task_id",
	"form_values":   "form_id, goal_id",
	"attachments":   "id",
	"form_comments": "id",
}

// seedSchema2 lays out a plan with a round, an approved form, evidence and
// comments in schema version 2, by plain SQL: the schema is the contract.
func seedSchema2(t *testing.T, s *store.Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO units (id, name, short_name, kind, parent_id, position) VALUES
			(1, '青云谱区', '', 'government', NULL, 0), (2, '青云谱区科学技术和工业信息化局', '区科工局', 'department', 1, 1),
			(3, '三家店街道', '', 'subdistrict', 1, 2)`, nil},
		{`INSERT INTO unit_aliases (alias, unit_id) VALUES ('科工局', 2)`, nil},
		{`INSERT INTO unit_groups (id, name, position) VALUES (1, '各街道', 0)`, nil},
		{`INSERT INTO unit_group_aliases (alias, group_id) VALUES ('各街办', 1)`, nil},
		{`INSERT INTO unit_group_members (group_id, unit_id, position) VALUES (1, 3, 0)`, nil},
		{`INSERT INTO plans (id, title, year, status, created_at, updated_at) VALUES (1, '2022年科技创新工作要点', 2022, 'active', $1, $1)`, []any{now}},
		{`INSERT INTO goals (id, plan_id, position, indicator, comparator, target, unit) VALUES (1, 1, 0, '高新技术企业', '>=', '76', '家')`, nil},
		{`INSERT INTO sections (id, plan_id, position, number, title) VALUES (1, 1, 0, '一', '科技创新区域优化布局行动')`, nil},
		{`INSERT INTO tasks (id, plan_id, section_id, position, number, title) VALUES (1, 1, 1, 0, '1', '推进数字经济'), (2, 1, 1, 1, '2', '建设园区')`, nil},
		{`INSERT INTO task_rows (id, plan_id, position, number, content, maps_to_task) VALUES (1, 1, 0, '1', '推进数字经济', '1')`, nil},
		{`INSERT INTO task_units (id, plan_id, task_id, row_id, role, position, name) VALUES
			(1, 1, 1, NULL, 'lead', 0, '区科工局'), (2, 1, NULL, 1, 'responsible', 0, '三家店街道')`, nil},
		{`INSERT INTO split_tables (id, plan_id, position, title) VALUES (1, 1, 0, '指导性任务分解表')`, nil},
		{`INSERT INTO split_columns (id, table_id, position, name, unit_of_measure) VALUES (1, 1, 0, '高新技术企业', '家')`, nil},
		{`INSERT INTO split_rows (id, table_id, position, unit_name) VALUES (1, 1, 0, '三家店街道')`, nil},
		{`INSERT INTO split_values (row_id, column_id, value) VALUES (1, 1, '14')`, nil},
		{`INSERT INTO assignments (plan_id, task_id, unit_id, role) VALUES (1, 1, 2, 'lead'), (1, 1, 3, 'responsible')`, nil},
		{`INSERT INTO allocations (plan_id, goal_id, unit_id, target) VALUES (1, 1, 3, '14')`, nil},
		{`INSERT INTO users (id, username, role, unit_id, created_at) VALUES (1, 'sjd', 'reporter', 3, $1)`, []any{now}},
		{`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('h', 1, $1, $1)`, []any{now}},
		{`INSERT INTO rounds (id, plan_id, label, as_of, opens_on, due_on, state, created_at, opened_at) VALUES
			(1, 1, '2022年7月调度', '2022-07-31', '2022-08-01', '2022-08-05', 'open', $1, $1)`, []any{now}},
		{`INSERT INTO round_units (round_id, unit_id) VALUES (1, 2), (1, 3)`, nil},
		{`INSERT INTO forms (id, public_id, round_id, unit_id, state, version, typed_fields, updated_at, submitted_at, reviewed_at) VALUES
			(1, 'a1a1a1a1a1a1a1a1a1a1', 1, 3, 'approved', 2, 2, $1, $1, $1), (2, 'b2b2b2b2b2b2b2b2b2b2', 1, 2, 'empty', 0, 0, $1, NULL, NULL)`, []any{now}},
		{`INSERT INTO form_tasks (form_id, task_id, position, status, progress) VALUES (1, 1, 0, 'in_progress', '推进中'), (2, 1, 0, '', '')`, nil},
		{`INSERT INTO form_values (form_id, goal_id, position, target, value, note) VALUES (1, 1, 0, '14', '15', '台账')`, nil},
		{`INSERT INTO form_versions (id, form_id, version, state, snapshot, user_id, username, created_at) VALUES
			(1, 1, 0, 'empty', '{}', NULL, 'system', $1), (2, 1, 1, 'submitted', '{}', 1, 'sjd', $1), (3, 1, 2, 'approved', '{}', NULL, 'admin', $1)`, []any{now}},
		{`INSERT INTO attachments (id, public_id, form_id, task_id, filename, content_type, size, sha256, data, user_id, created_at) VALUES
			(1, 'c3c3c3c3c3c3c3c3c3c3', 1, 1, '名单.pdf', 'application/pdf', 10, 'x', $2, 1, $1)`, []any{now, []byte("%PDF-1.4\x00\xff")}},
		{`INSERT INTO form_comments (id, form_id, task_id, user_id, username, unit_name, body, created_at) VALUES
			(1, 1, 1, NULL, 'admin', '', '进展清楚', $1), (2, 1, NULL, 1, 'sjd', '三家店街道', '已补充名单', $1)`, []any{now}},
		{`INSERT INTO notifications (id, unit_id, round_id, message, created_at) VALUES (1, 3, 1, '请填报', $1)`, []any{now}},
		{`INSERT INTO reminder_sends (round_id, unit_id, kind, day, sent_at) VALUES (1, 3, 'due', '2022-08-03', $1)`, []any{now}},
		{`INSERT INTO settings (key, value) VALUES ('remind.hour', '9')`, nil},
	} {
		if err := s.ExecForTest(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot is what a migration must keep: every table's row count and the
// rebuilt tables' rows in full.
func snapshot(t *testing.T, s *store.Store) map[string][][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][][]string{}
	for _, table := range allTables {
		rows, err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		out["count "+table] = rows
	}
	for table, key := range rebuilt {
		rows, err := s.QueryForTest(ctx, `SELECT * FROM `+table+` ORDER BY `+key)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}

// onDelete maps every foreign key, as "table.column", to what deleting its
// parent does: c(ascade), r(estrict), n (set null), a (no action).
func onDelete(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	if s.Dialect() == store.Postgres {
		rows, err := s.QueryForTest(ctx, `
			SELECT c.conrelid::regclass::text, a.attname, c.confdeltype FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.contype = 'f'`)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r[0]+"."+r[1]] = r[2]
		}
		return out
	}
	letter := map[string]string{"CASCADE": "c", "RESTRICT": "r", "SET NULL": "n", "NO ACTION": "a"}
	for _, table := range allTables {
		rows, err := s.QueryForTest(ctx, `SELECT "from", on_delete FROM pragma_foreign_key_list('`+table+`')`)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[table+"."+r[0]] = letter[r[1]]
		}
	}
	return out
}

func indexes(t *testing.T, s *store.Store) map[string]bool {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'index'`
	if s.Dialect() == store.Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`
	}
	rows, err := s.QueryForTest(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r[0]] = true
	}
	return out
}

// TestMigrationKeepsReports migrates a database with reports in it from
// schema 2 to the newest: every row stays, the foreign keys into reported
// data restrict, and the store reads the data as before.
func TestMigrationKeepsReports(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.MigrateToForTest(ctx, 2); err != nil {
			t.Fatal(err)
		}
		seedSchema2(t, s, time.Date(2022, 8, 3, 1, 2, 3, 0, time.UTC))
		before, fksBefore := snapshot(t, s), onDelete(t, s)

		// The rebuild is migration 3; later ones add columns of their own.
		if n, err := s.MigrateToForTest(ctx, 3); err != nil || n != 1 {
			t.Fatalf("migrating from 2 to 3: %d applied, %v", n, err)
		}
		if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
			for k := range before {
				if !reflect.DeepEqual(after[k], before[k]) {
					t.Errorf("%s: before %v, after %v", k, before[k], after[k])
				}
			}
		}

		want := map[string]string{}
		for k, v := range fksBefore {
			want[k] = v
		}
		for _, k := range []string{"forms.round_id", "forms.unit_id", "form_tasks.task_id", "form_values.goal_id", "attachments.task_id", "form_comments.task_id"} {
			if want[k] != "c" {
				t.Errorf("before the migration %s deleted with %q, want c", k, want[k])
			}
			want[k] = "r"
		}
		if got := onDelete(t, s); !reflect.DeepEqual(got, want) {
			for k := range want {
				if got[k] != want[k] {
					t.Errorf("foreign key %s: on delete %q, want %q", k, got[k], want[k])
				}
			}
		}
		have := indexes(t, s)
		for _, ix := range []string{
			"forms_unit", "attachments_form", "form_comments_form", // kept through the rebuild
			"form_tasks_task", "form_values_goal", "attachments_task", "form_comments_task",
			"units_parent", "unit_aliases_unit", "unit_group_aliases_group", "unit_group_members_unit", "tasks_section",
			"task_units_task", "task_units_row", "split_tables_plan", "split_rows_table", "split_values_column",
			"assignments_plan", "allocations_plan", "users_unit", "round_units_unit", "notifications_round", "reminder_sends_unit",
		} {
			if !have[ix] {
				t.Errorf("index %s missing after the migration", ix)
			}
		}

		// Foreign keys are on again and hold; what nothing reported on
		// still goes.
		if s.Dialect() == store.SQLite {
			if rows, err := s.QueryForTest(ctx, `PRAGMA foreign_keys`); err != nil || rows[0][0] != "1" {
				t.Errorf("foreign keys after migrating: %v %v", rows, err)
			}
		}
		for _, q := range []string{`DELETE FROM units WHERE id = 3`, `DELETE FROM tasks WHERE id = 1`, `DELETE FROM goals WHERE id = 1`, `DELETE FROM rounds WHERE id = 1`} {
			if err := s.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s: allowed after the migration", q)
			}
		}
		if err := s.ExecForTest(ctx, `DELETE FROM tasks WHERE id = 2`); err != nil {
			t.Errorf("deleting a task nobody reported on: %v", err)
		}

		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := s.Form(ctx, "a1a1a1a1a1a1a1a1a1a1")
		if err != nil {
			t.Fatal(err)
		}
		if f.State != plan.FormApproved || len(f.Tasks) != 1 || f.Tasks[0].Attachments != 1 || len(f.Values) != 1 || f.Values[0].Value.String() != "15" {
			t.Errorf("the approved form after migrating: %+v", f)
		}
		a, err := s.AttachmentData(ctx, "c3c3c3c3c3c3c3c3c3c3")
		if err != nil || string(a.Data) != "%PDF-1.4\x00\xff" {
			t.Errorf("attachment after migrating: %q %v", a.Data, err)
		}
		dir, err := s.Directory(ctx)
		if err != nil || len(dir.Units) != 3 || dir.Units[2].Archived {
			t.Errorf("directory after migrating: %+v %v", dir, err)
		}
		if n, err := s.Migrate(ctx); err != nil || n != 0 {
			t.Errorf("Migrate after the newest: %d %v", n, err)
		}
	})
}

// TestMigrationChecksForeignKeys: on SQLite a migration runs with foreign
// keys off and is checked whole before it commits, so a database whose
// rows point at nothing is not migrated.
func TestMigrationChecksForeignKeys(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.SQLiteDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.MigrateToForTest(ctx, 2); err != nil {
		t.Fatal(err)
	}
	seedSchema2(t, s, time.Now().UTC())
	for _, q := range []string{`PRAGMA foreign_keys = OFF`, `INSERT INTO form_values (form_id, goal_id, position, target) VALUES (1, 99, 1, '1')`, `PRAGMA foreign_keys = ON`} {
		if err := s.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "form_values") {
		t.Fatalf("migrating a database with a value of a missing goal: %v, want it refused", err)
	}
	if v, _ := s.SchemaVersion(ctx); v != 2 {
		t.Errorf("schema version %d after a refused migration, want 2", v)
	}
	if rows, err := s.QueryForTest(ctx, `PRAGMA foreign_keys`); err != nil || rows[0][0] != "1" {
		t.Errorf("foreign keys after a refused migration: %v %v", rows, err)
	}
	if rows, _ := s.QueryForTest(ctx, `SELECT COUNT(*) FROM form_tasks`); rows[0][0] != "2" {
		t.Errorf("a refused migration left %s entries, want 2", rows[0][0])
	}
}

// seedRegisters lays out registers by plain SQL, in the columns they have
// from schema 11 to 13: a directory, enterprises, SME records,
// certificates, contracts and patents.
func seedRegisters(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO units (id, name, short_name, kind, parent_id, position) VALUES
			(1, '青云谱区', '', 'government', NULL, 0), (2, '洪都街道', '', 'subdistrict', 1, 1), (3, '京山街道', '', 'subdistrict', 1, 2)`,
		`INSERT INTO import_batches (id, kind, file_name, sha256, size, username, imported_at) VALUES (1, 'enterprises', 'a.xlsx', 'x', 1, 'system', '2022-08-01 00:00:00')`,
		`INSERT INTO enterprises (id, uscc, name, unit_id, record, batch_id) VALUES (1, 'U1', '甲公司', 2, '{}', 1), (2, 'U2', '乙公司', 3, '{}', 1)`,
		`INSERT INTO enterprise_names (enterprise_id, name, former) VALUES (1, '甲公司', FALSE), (2, '乙公司', FALSE), (2, '乙旧名', TRUE)`,
		`INSERT INTO smes (id, uscc, name, year, reg_no, entered, revoked, enterprise_id, unit_id, record, batch_id) VALUES
			(1, 'U1', '甲公司', 2022, 'R1', '2022-03-01', '', 1, 2, '{}', 1), (2, '', '无码企业', 2022, 'R2', '', '2022-09-01', NULL, NULL, '{}', 1),
			(3, '', '无码企业', 2022, 'R3', '2022-05-01', '', NULL, NULL, '{}', 1)`,
		`INSERT INTO hightech_certs (id, cert_no, uscc, name, issued, expires, cancelled, enterprise_id, unit_id, record, batch_id) VALUES
			(1, 'C1', 'U2', '乙公司', '2019-11-01', '2022-11-01', '', 2, 3, '{}', 1), (2, 'C2', 'U2', '乙公司', '2022-10-01', '2025-10-01', '', 2, 3, '{}', 1),
			(3, 'C3', 'U1', '甲公司', '2021-01-01', '2024-01-01', '2022-06-30', 1, 2, '{}', 1)`,
		`INSERT INTO contracts (id, reg_no, seller_name, seller_uscc, seller_enterprise_id, seller_unit_id, buyer_name, buyer_area_local,
			amount_fen, tech_amount_fen, registered, record, batch_id) VALUES
			(1, 'K1', '甲公司', 'U1', 1, 2, '外地', FALSE, 1230000, 1000000, '2022-02-03', '{}', 1),
			(2, 'K2', '乙公司', 'U2', 2, 3, '本地', TRUE, 4560000, NULL, '2022-07-31', '{}', 1),
			(3, 'K3', '甲公司', 'U1', 1, 2, '外地', FALSE, 990000, NULL, '2021-12-31', '{}', 1)`,
		`INSERT INTO patents (id, number, type, granted, lapsed, status, status_lapsed, record, batch_id) VALUES
			(1, 'P1', '发明', '2015-01-01', '', '', FALSE, '{}', 1), (2, 'P2', '发明', '2016-01-01', '2022-05-01', '', FALSE, '{}', 1),
			(3, 'P3', '发明', '2017-01-01', '', '未缴年费专利权终止', TRUE, '{}', 1), (4, 'P4', '实用新型', '2018-01-01', '', '', FALSE, '{}', 1)`,
		`INSERT INTO patent_holders (patent_id, position, name, uscc, domestic, enterprise_id, unit_id) VALUES
			(1, 0, '甲公司', 'U1', TRUE, 1, 2), (1, 1, '乙公司', 'U2', TRUE, 2, 3), (2, 0, '乙公司', 'U2', TRUE, 2, 3),
			(3, 0, '甲公司', 'U1', TRUE, 1, 2), (4, 0, '甲公司', 'U1', TRUE, 1, 2)`,
	} {
		if err := s.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationTalliesRegisters lays out registers in schema 11 by plain SQL
// and migrates them: the records stay, and the tallies the migration
// computes give the figures the records do.
func TestMigrationTalliesRegisters(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.MigrateToForTest(ctx, 11); err != nil {
			t.Fatal(err)
		}
		seedRegisters(t, s)
		if n, err := s.MigrateToForTest(ctx, 12); err != nil || n != 1 {
			t.Fatalf("migrating from 11 to 12: %d applied, %v", n, err)
		}
		for table, n := range map[string]int{"enterprises": 2, "enterprise_names": 3, "smes": 3, "hightech_certs": 3, "contracts": 3, "patents": 4, "patent_holders": 5} {
			if got := countRows(t, s, table); got != n {
				t.Errorf("%s: %d rows after migrating, want %d", table, got, n)
			}
		}
		// The figures are read in the schema of today.
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var bindings []store.GoalBinding
		for i, def := range definitionsUnderTest {
			bindings = append(bindings, store.GoalBinding{GoalID: int64(1000 + i), Definition: def})
		}
		for _, asOf := range []string{"2022-03-01", "2022-06-30", "2022-07-31", "2022-10-15", "2022-12-31"} {
			got, err := s.DefinitionValuesForTest(ctx, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.NaiveDefinitionValuesForTest(ctx, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if g, w := actualText(got[i]), actualText(want[i]); g != w {
					t.Errorf("%s at %s: tallied %s, records %s", definitionsUnderTest[i].Kind, asOf, g, w)
				}
			}
			// 无码企业's two records are one firm; 乙公司 holds two
			// certificates, 甲公司's was cancelled.
			if asOf == "2022-07-31" && (actualText(got[0]) != "2 2=1" || actualText(got[1]) != "1 3=1") {
				t.Errorf("at %s: SMEs %s, 高新 %s", asOf, actualText(got[0]), actualText(got[1]))
			}
		}
	})
}

// TestMigrationRegistersIntoTheirOrg migrates registers of schema 13, held
// by a district that has joined a city (the root), into
// organisations: every record, tally and span goes to the district, with
// the same figures; keywords and decisions to their unit's organisation;
// the city's registers are empty.
func TestMigrationRegistersIntoTheirOrg(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Laid out in schema 11, tallied by migration 12.
		if _, err := s.MigrateToForTest(ctx, 11); err != nil {
			t.Fatal(err)
		}
		seedRegisters(t, s)
		if _, err := s.MigrateToForTest(ctx, 13); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO orgs (id, name, kind, parent_id, position) VALUES (2, '南昌市', 'city', NULL, 1)`,
			`UPDATE orgs SET parent_id = 2 WHERE id = 1`,
			`INSERT INTO attribution_keywords (id, keyword, unit_id) VALUES (1, '洪都大道', 2)`,
			`INSERT INTO attribution_decisions (key_kind, key_value, unit_id, decided_at) VALUES ('uscc', 'U9', 3, '2022-08-01 00:00:00')`,
			`INSERT INTO register_mappings (shape, kind, mapping, updated_at) VALUES ('s1', 'enterprises', '{}', '2022-08-01 00:00:00')`,
		} {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		tallies := `SELECT metric, unit_id, grain, period, n, amount_fen, tech_fen FROM register_tallies ORDER BY metric, grain, period, unit_id`
		spans := `SELECT metric, firm_key, unit_id, start_on, end_on FROM register_spans ORDER BY metric, firm_key, unit_id, start_on`
		read := func(q string) [][]string {
			rows, err := s.QueryForTest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		talliesBefore, spansBefore := read(tallies), read(spans)
		if len(talliesBefore) == 0 || len(spansBefore) == 0 {
			t.Fatalf("no tallies (%d) or spans (%d) before migrating", len(talliesBefore), len(spansBefore))
		}
		counts := map[string]int{}
		tables := []string{"enterprises", "smes", "hightech_certs", "contracts", "patents", "register_tallies", "register_spans",
			"attribution_keywords", "attribution_decisions", "register_mappings"}
		for _, table := range tables {
			counts[table] = countRows(t, s, table)
		}
		if n, err := s.Migrate(ctx); err != nil || n == 0 {
			t.Fatalf("migrating from 13: %d applied, %v", n, err)
		}
		for _, table := range tables {
			if got := read(`SELECT COUNT(*), COALESCE(MIN(org_id), 0), COALESCE(MAX(org_id), 0) FROM ` + table)[0]; got[0] != strconv.Itoa(counts[table]) || got[1] != "1" || got[2] != "1" {
				t.Errorf("%s after migrating: rows, organisations %v, want %d rows of organisation 1", table, got, counts[table])
			}
		}
		if got := read(tallies); !reflect.DeepEqual(got, talliesBefore) {
			t.Errorf("tallies changed:\n%v\nwant\n%v", got, talliesBefore)
		}
		if got := read(spans); !reflect.DeepEqual(got, spansBefore) {
			t.Errorf("spans changed:\n%v\nwant\n%v", got, spansBefore)
		}
		var bindings []store.GoalBinding
		for i, def := range definitionsUnderTest {
			bindings = append(bindings, store.GoalBinding{GoalID: int64(1000 + i), Definition: def})
		}
		district := store.WithScope(ctx, store.Scope{Org: 1, Orgs: []int64{1}})
		for _, asOf := range []string{"2022-03-01", "2022-07-31", "2022-12-31"} {
			got, err := s.DefinitionValuesForTest(district, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.NaiveDefinitionValuesForTest(district, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			city, err := s.DefinitionValuesForTest(ctx, bindings, 2022, asOf) // the root's: the city's own, none
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if g, w := actualText(got[i]), actualText(want[i]); g != w {
					t.Errorf("%s at %s: tallied %s, records %s", definitionsUnderTest[i].Kind, asOf, g, w)
				}
				if c := city[i]; c.Total != nil && !c.Total.IsZero() || len(c.Units) > 0 {
					t.Errorf("%s at %s: the city's registers give %s, want none", definitionsUnderTest[i].Kind, asOf, actualText(c))
				}
			}
			if asOf == "2022-07-31" && (actualText(got[0]) != "2 2=1" || actualText(got[1]) != "1 3=1") {
				t.Errorf("at %s: SMEs %s, 高新 %s", asOf, actualText(got[0]), actualText(got[1]))
			}
		}
	})
}

// TestMigrationIntoOrganisations migrates a database with a round of
// reports, its directory, users, evidence and a register import in it
// from schema 12 into organisations: everything becomes organisation 1,
// named after the directory's government unit, every row stays, and the
// store reads it in that organisation's scope as before.
func TestMigrationIntoOrganisations(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.MigrateToForTest(ctx, 12); err != nil {
			t.Fatal(err)
		}
		seedSchema2(t, s, time.Date(2022, 8, 3, 1, 2, 3, 0, time.UTC))
		for _, q := range []string{
			// Every task names its units, as the application keeps plans.
			`INSERT INTO task_units (id, plan_id, task_id, row_id, role, position, name) VALUES (3, 1, 2, NULL, 'lead', 0, '区科工局')`,
			`INSERT INTO import_batches (id, kind, file_name, sha256, size, username, imported_at) VALUES (1, 'enterprises', 'a.xlsx', 'x', 1, 'system', '2022-08-01 00:00:00')`,
			`INSERT INTO enterprises (id, uscc, name, unit_id, record, batch_id) VALUES (1, 'U1', '甲公司', 3, '{}', 1)`,
			`INSERT INTO register_uploads (id, kind, file_name, sha256, size, username, created_at, expires_at) VALUES ('up1', 'enterprises', 'a.xlsx', '', 0, 'system', '2022-08-01 00:00:00', '2099-01-01 00:00:00')`,
		} {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		owned := []string{"units", "unit_aliases", "unit_groups", "unit_group_aliases", "plans", "users", "import_batches", "register_uploads"}
		tables := append(append([]string{}, allTables...), "import_batches", "enterprises", "register_uploads")
		count := func() map[string]string {
			out := map[string]string{}
			for _, table := range tables {
				rows, err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM `+table)
				if err != nil {
					t.Fatal(err)
				}
				out[table] = rows[0][0]
			}
			return out
		}
		// The rebuilt tables' rows in full, by their columns before.
		columns := map[string]string{
			"units":              "id, name, short_name, kind, COALESCE(parent_id, 0), position, archived_at IS NULL, contact, phone",
			"unit_aliases":       "alias, unit_id",
			"unit_groups":        "id, name, position",
			"unit_group_aliases": "alias, group_id",
		}
		rowsOf := func() map[string][][]string {
			out := map[string][][]string{}
			for table, cols := range columns {
				rows, err := s.QueryForTest(ctx, `SELECT `+cols+` FROM `+table+` ORDER BY 1`)
				if err != nil {
					t.Fatal(err)
				}
				out[table] = rows
			}
			return out
		}
		countsBefore, rowsBefore, fksBefore := count(), rowsOf(), onDelete(t, s)

		if n, err := s.MigrateToForTest(ctx, 13); err != nil || n != 1 {
			t.Fatalf("migrating from 12 to 13: %d applied, %v", n, err)
		}
		if got := count(); !reflect.DeepEqual(got, countsBefore) {
			t.Errorf("row counts: before %v, after %v", countsBefore, got)
		}
		if got := rowsOf(); !reflect.DeepEqual(got, rowsBefore) {
			t.Errorf("rebuilt tables: before %v, after %v", rowsBefore, got)
		}
		orgs, err := s.QueryForTest(ctx, `SELECT id, name, kind, COALESCE(parent_id, 0) FROM orgs`)
		if err != nil || len(orgs) != 1 || !reflect.DeepEqual(orgs[0], []string{"1", "青云谱区", "district", "0"}) {
			t.Errorf("organisations after migrating: %v %v", orgs, err)
		}
		for _, table := range owned {
			rows, err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM `+table+` WHERE org_id <> 1`)
			if err != nil || rows[0][0] != "0" {
				t.Errorf("%s: %v rows outside organisation 1 (%v)", table, rows, err)
			}
		}
		// Every foreign key deletes as before; the new ones restrict.
		fks := onDelete(t, s)
		for k, v := range fksBefore {
			if fks[k] != v {
				t.Errorf("foreign key %s: on delete %q, was %q", k, fks[k], v)
			}
		}
		have := indexes(t, s)
		for _, ix := range []string{"units_parent", "unit_aliases_unit", "unit_group_aliases_group", "units_org", "unit_groups_org",
			"plans_org", "users_org", "import_batches_org", "register_uploads_org", "audit_log_org", "orgs_parent"} {
			if !have[ix] {
				t.Errorf("index %s missing after the migration", ix)
			}
		}
		if s.Dialect() == store.SQLite {
			if rows, err := s.QueryForTest(ctx, `PRAGMA foreign_keys`); err != nil || rows[0][0] != "1" {
				t.Errorf("foreign keys after migrating: %v %v", rows, err)
			}
		}
		if err := s.ExecForTest(ctx, `DELETE FROM units WHERE id = 3`); err == nil {
			t.Error("a unit with reports deleted after the migration")
		}

		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		in := store.WithScope(ctx, store.Scope{Org: 1, Orgs: []int64{1}})
		f, err := s.Form(in, "a1a1a1a1a1a1a1a1a1a1")
		if err != nil || f.State != plan.FormApproved || len(f.Values) != 1 || f.Values[0].Value.String() != "15" {
			t.Errorf("the approved form after migrating: %+v %v", f, err)
		}
		dir, err := s.Directory(in)
		if err != nil || len(dir.Units) != 3 || len(dir.Groups) != 1 || len(dir.Units[1].Aliases) != 1 {
			t.Errorf("directory after migrating: %+v %v", dir, err)
		}
		plans, err := s.Plans(in)
		if err != nil || len(plans) != 1 || plans[0].Org != "青云谱区" {
			t.Errorf("plans after migrating: %+v %v", plans, err)
		}
		u, err := s.User(in, 1)
		if err != nil || u.OrgID != 1 || len(u.Scope) != 1 {
			t.Errorf("user after migrating: %+v %v", u, err)
		}
		if batches, err := s.ImportBatches(in, "", 0); err != nil || len(batches) != 1 {
			t.Errorf("import batches after migrating: %+v %v", batches, err)
		}
		// The store goes on writing (the seed's rows were inserted with
		// their IDs, so on PostgreSQL a new unit would collide with them:
		// a new organisation instead), and the audit chain holds.
		if _, err := s.AddOrg(in, plan.Org{Name: "青云谱区某园区", Kind: plan.OrgCounty, ParentID: 1}); err != nil {
			t.Fatal(err)
		}
		if _, bad, err := s.VerifyAuditLog(ctx); err != nil || bad != 0 {
			t.Errorf("audit chain after migrating: first bad %d, %v", bad, err)
		}
	})
}

// TestMigrationKeepsSettingsInTheirOrganisation: reminder channels saved
// before organisations become organisation 1's; plans' progress settings
// stay as they were.
func TestMigrationKeepsSettingsInTheirOrganisation(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.MigrateToForTest(ctx, 14); err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `INSERT INTO settings (key, value) VALUES ('webhook.url', 'https://qyapi.example/send?key=k'), ('remind.hour', '8'), ('progress.plan.1', '{}')`); err != nil {
			t.Fatal(err)
		}
		if n, err := s.MigrateToForTest(ctx, 15); err != nil || n != 1 {
			t.Fatalf("migrating from 14 to 15: %d applied, %v", n, err)
		}
		got, err := s.Settings(ctx, 1)
		if err != nil || got["webhook.url"] != "https://qyapi.example/send?key=k" || got["remind.hour"] != "8" || len(got) != 2 {
			t.Errorf("organisation 1's settings: %v, %v", got, err)
		}
		if ps, err := s.ProgressSettings(ctx, 1); err != nil {
			t.Errorf("progress settings after the migration: %+v, %v", ps, err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
