package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestAliasInUse is the finding: a second unit with an alias another unit
// has gave 服务器内部错误; it is a conflict that names the alias and its unit.
func TestAliasInUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		before, _ := s.Directory(ctx)
		const want = "别名“科工局”已被其他单位（区科工局）使用。"

		_, err := s.SaveUnit(ctx, plan.Unit{Name: "青云谱区科技局", Kind: plan.UnitDepartment, Aliases: []string{"科工局"}})
		if plan.ErrorCode(err) != plan.ECONFLICT || plan.ErrorMessage(err) != want {
			t.Errorf("new unit with an alias in use: %v, want ECONFLICT %q", err, want)
		}
		fgw := before.Units[1]
		fgw.Aliases = append(fgw.Aliases, "科工局")
		if _, err := s.SaveUnit(ctx, fgw); plan.ErrorCode(err) != plan.ECONFLICT || plan.ErrorMessage(err) != want {
			t.Errorf("existing unit taking an alias in use: %v, want ECONFLICT %q", err, want)
		}
		err = s.ImportDirectory(ctx, &plan.Directory{Units: []plan.Unit{{Name: "青云谱区科技局", Kind: plan.UnitDepartment, Aliases: []string{"科工局"}}}})
		if plan.ErrorCode(err) != plan.ECONFLICT || plan.ErrorMessage(err) != want {
			t.Errorf("import of a unit with an alias in use: %v, want ECONFLICT %q", err, want)
		}
		after, _ := s.Directory(ctx)
		if len(after.Units) != len(before.Units) || len(after.Units[1].Aliases) != len(before.Units[1].Aliases) {
			t.Error("a refused save changed the directory")
		}
	})
}

// TestConstraintErrors provokes each constraint violation with plain SQL on
// both databases and checks what users are told of it.
func TestConstraintErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		dir, _ := s.Directory(ctx)
		sjd, kgj := unitID(t, s, "三家店街道"), unitID(t, s, "区科工局")
		doc, _ := s.Plan(ctx, planID)
		now := time.Now().UTC()
		if err := s.ExecForTest(ctx, `INSERT INTO users (username, role, created_at) VALUES ('admin', 'admin', $1)`, now); err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v')`); err != nil {
			t.Fatal(err)
		}
		group := dir.Groups[0]
		// One record in each register, for the imports' races below.
		records := map[string]string{
			"enterprise":  `INSERT INTO enterprises (org_id, uscc, name, record, batch_id) SELECT MIN(id), 'U1', '甲', '{}', 1 FROM orgs`,
			"sme":         `INSERT INTO smes (org_id, uscc, year, firm_key, record, batch_id) SELECT MIN(id), 'U1', 2022, 'U1', '{}', 1 FROM orgs`,
			"sme reg_no":  `INSERT INTO smes (org_id, reg_no, year, firm_key, record, batch_id) SELECT MIN(id), 'R1', 2022, 'R1', '{}', 1 FROM orgs`,
			"certificate": `INSERT INTO hightech_certs (org_id, cert_no, issued, expires, firm_key, record, batch_id) SELECT MIN(id), 'GR1', '2022-01-01', '2025-01-01', 'U1', '{}', 1 FROM orgs`,
			"contract":    `INSERT INTO contracts (org_id, reg_no, amount_fen, registered, record, batch_id) SELECT MIN(id), 'C1', 1, '2022-01-01', '{}', 1 FROM orgs`,
			"patent":      `INSERT INTO patents (org_id, number, type, granted, record, batch_id) SELECT MIN(id), 'P1', '发明', '2022-01-01', '{}', 1 FROM orgs`,
			"platform":    `INSERT INTO platforms (org_id, name, level, record, batch_id) SELECT MIN(id), '甲中心', 'city', '{}', 1 FROM orgs`,
			"statistic": `INSERT INTO statistics (org_id, indicator, year, value, record, batch_id)
				SELECT MIN(o.id), 'population', 2022, 1, '{}', MIN(b.id) FROM orgs o, import_batches b`,
		}
		if err := s.ExecForTest(ctx, `INSERT INTO import_batches (kind, file_name, sha256, size, skip_invalid, username, imported_at, org_id)
			SELECT 'statistics', 's.xlsx', '', 0, false, 'system', $1, MIN(id) FROM orgs`, now); err != nil {
			t.Fatal(err)
		}
		for _, q := range records {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatal(err)
			}
		}

		tests := []struct {
			name  string
			query string
			args  []any
			code  string
			msg   string
		}{
			{"unit name", `INSERT INTO units (name, kind) VALUES ('三家店街道', 'subdistrict')`, nil, plan.ECONFLICT, "已有同名的单位，请换一个名称。"},
			{"unit alias", `INSERT INTO unit_aliases (alias, unit_id) VALUES ('科工局', $1)`, []any{sjd}, plan.ECONFLICT, "别名已被其他单位使用，请换一个别名。"},
			{"group name", `INSERT INTO unit_groups (name) VALUES ($1)`, []any{group.Name}, plan.ECONFLICT, "已有同名的单位组，请换一个名称。"},
			{"group alias", `INSERT INTO unit_group_aliases (alias, group_id) VALUES ($1, $2)`, []any{group.Aliases[0], group.ID}, plan.ECONFLICT, "别名已被其他单位组使用，请换一个别名。"},
			{"group member", `INSERT INTO unit_group_members (group_id, unit_id) VALUES ($1, $2)`, []any{group.ID, sjd}, plan.EINVALID, "单位组的成员有重复。"},
			{"username", `INSERT INTO users (username, role, created_at) VALUES ('admin', 'leader', $1)`, []any{now}, plan.ECONFLICT, "用户名已被使用，请换一个。"},
			{"round unit", `INSERT INTO round_units (round_id, unit_id) VALUES ($1, $2)`, []any{roundID, sjd}, plan.EINVALID, "调度的参与单位有重复。"},
			{"form of a unit", `INSERT INTO forms (public_id, round_id, unit_id, updated_at) VALUES ('f2', $1, $2, $3)`, []any{roundID, sjd, now}, plan.ECONFLICT, "该单位在本轮调度中已有填报表。"},
			{"form version", `INSERT INTO form_versions (form_id, version, state, snapshot, created_at) SELECT id, 0, 'empty', '{}', $1 FROM forms WHERE unit_id = $2`, []any{now, sjd}, plan.ECONFLICT, "此表刚被他人修改，您的修改未保存。请重新打开后再改。"},
			{"split column", `INSERT INTO split_columns (table_id, position, name) VALUES ($1, 99, '高新技术企业')`, []any{doc.DecompositionTables[0].ID}, plan.EINVALID, "分解表中有重名的列。"},
			{"an enterprise imported twice at once", records["enterprise"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"an SME", records["sme"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"an SME by its number", records["sme reg_no"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"a certificate", records["certificate"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"a contract", records["contract"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"a patent", records["patent"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"a platform", records["platform"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"a statistic", records["statistic"], nil, plan.ECONFLICT, store.RegisterRaceMessageForTest},
			{"other unique", `INSERT INTO settings (key, value) VALUES ('k', 'w')`, nil, plan.ECONFLICT, "与已有的记录重复，未保存。"},
			{"delete referred to", `DELETE FROM units WHERE id = $1`, []any{kgj}, plan.ECONFLICT, "此操作未执行：要删除或修改的内容仍被填报表等记录引用（或所引用的内容已不存在）。不再使用的单位、任务和目标可改为归档。"},
			{"refer to nothing", `INSERT INTO unit_aliases (alias, unit_id) VALUES ('无主', 999999)`, nil, plan.ECONFLICT, "此操作未执行：要删除或修改的内容仍被填报表等记录引用（或所引用的内容已不存在）。不再使用的单位、任务和目标可改为归档。"},
			{"check", `INSERT INTO task_units (plan_id, task_id, role, position, name) VALUES ($1, $2, 'boss', 0, '区科工局')`, []any{planID, doc.Sections[0].Tasks[0].ID}, plan.EINVALID, "数据不符合要求，未保存。"},
			{"not null", `INSERT INTO units (name, kind) VALUES (NULL, 'town')`, nil, plan.EINVALID, "有必填的内容为空，未保存。"},
		}
		for _, tt := range tests {
			err := s.ExecForTest(ctx, tt.query, tt.args...)
			if err == nil {
				t.Errorf("%s: the database accepted %s", tt.name, tt.query)
				continue
			}
			got := store.ConstraintErrorForTest(err)
			if plan.ErrorCode(got) != tt.code || plan.ErrorMessage(got) != tt.msg {
				t.Errorf("%s: %v\n mapped to %s %q, want %s %q", tt.name, err, plan.ErrorCode(got), plan.ErrorMessage(got), tt.code, tt.msg)
			}
			if !errors.Is(got, err) {
				t.Errorf("%s: the database error is not kept behind the message", tt.name)
			}
		}

		// Anything else passes unchanged.
		syntax := s.ExecForTest(ctx, `INSERT INTO nowhere VALUES (1)`)
		if got := store.ConstraintErrorForTest(syntax); got != syntax || plan.ErrorCode(got) != plan.EINTERNAL {
			t.Errorf("a non-constraint error became %v", got)
		}
		user := plan.Errorf(plan.EINVALID, "已有消息")
		if got := store.ConstraintErrorForTest(user); got != user {
			t.Errorf("a user error became %v", got)
		}
		if store.ConstraintErrorForTest(nil) != nil {
			t.Error("nil became an error")
		}
	})
}
