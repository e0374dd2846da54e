package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// loadExample stores the 2022 Qingyunpu directory and plan.
func loadExample(t *testing.T, s *store.Store) (int64, *examples.Example) {
	t.Helper()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.ImportDirectory(ctx, ex.Directory); err != nil {
		t.Fatalf("ImportDirectory: %v", err)
	}
	id, err := s.CreatePlan(ctx, ex.Document, ex.Notice)
	if err != nil {
		t.Fatalf("CreatePlan: %v", err)
	}
	return id, ex
}

func unitID(t *testing.T, s *store.Store, name string) int64 {
	t.Helper()
	dir, err := s.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := dir.Index()[name]
	if !ok || ref.UnitID == 0 {
		t.Fatalf("unit %q not in directory", name)
	}
	return ref.UnitID
}

// withoutIDs returns the document as JSON with every id field dropped.
func withoutIDs(t *testing.T, doc *plan.Document) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(b, &v)
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "id")
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	out, _ := json.MarshalIndent(v, "", " ")
	return string(out)
}

func TestPlanRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id, ex := loadExample(t, s)
		got, err := s.Plan(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := *ex.Document
		want.Status = plan.StatusDraft
		if a, b := withoutIDs(t, got), withoutIDs(t, &want); a != b {
			t.Errorf("stored plan differs from the document it was made from:\n got %s\nwant %s", a[:min(len(a), 2000)], b[:min(len(b), 2000)])
		}
		if got.Goals[3].TargetMax == nil || got.Goals[3].TargetMax.String() != "3" {
			t.Errorf("range goal lost its ceiling: %+v", got.Goals[3])
		}
		if v := got.DecompositionTables[0].Rows[2].Values["技术合同成交额"]; v.String() != "0.05" {
			t.Errorf("洪都街道 技术合同成交额 = %s, want exactly 0.05", v)
		}
		src, err := s.SourceText(ctx, id)
		if err != nil || !strings.Contains(src, "青政办发〔2022〕16号") {
			t.Errorf("source text not kept: %v", err)
		}
		list, err := s.Plans(ctx)
		if err != nil || len(list) != 1 || list[0].Title != "2022年青云谱区科技创新基础大提升工作要点" || list[0].Year != 2022 {
			t.Errorf("Plans = %+v, %v", list, err)
		}
		if _, err := s.Plan(ctx, id+100); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("missing plan: got %v, want ENOTFOUND", err)
		}
		// A task or row naming no unit (possible in data written before
		// the checks, or by hand) reads as one with none.
		if err := s.ExecForTest(ctx, `DELETE FROM task_units WHERE task_id = $1 OR row_id = $2`, got.Sections[0].Tasks[0].ID, got.TaskTable[0].ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Plan(ctx, id); err != nil || len(got.Sections[0].Tasks[0].LeadUnits) != 0 || got.TaskTable[0].LeadUnits == nil {
			t.Errorf("a task without units: %v", err)
		}
	})
}

func TestAssignmentsAndAllocations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		tests := []struct {
			unit       string
			tasks      int
			leads      int
			allocation map[string]string
		}{
			// 各街道、镇、集聚区 is named on tasks 3–13.
			{"三家店街道", 11, 0, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"}},
			{"青云谱镇", 13, 0, map[string]string{"科技型中小企业": "16", "高新技术企业": "7", "技术合同成交额": "0.1"}},
			{"徐家坊街道", 11, 0, map[string]string{"科技型中小企业": "39", "高新技术企业": "19", "技术合同成交额": "3"}},
			{"区科工局", 11, 11, nil},
			{"区金融办", 2, 1, nil},           // leads 11; shares 12 through 区直相关部门
			{"区委人才办", 1, 1, nil},          // leads 12
			{"区发改委", 4, 1, nil},           // leads 1; shares 3, 9, and 12 through 区直相关部门
			{"区科学技术和工业信息化局", 11, 11, nil}, // official name of 区科工局
		}
		for _, tt := range tests {
			id := unitID(t, s, tt.unit)
			tasks, err := s.UnitTasks(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			leads := 0
			for _, x := range tasks {
				if x.Lead {
					leads++
				}
			}
			if len(tasks) != tt.tasks || leads != tt.leads {
				t.Errorf("%s: %d tasks, %d led; want %d, %d", tt.unit, len(tasks), leads, tt.tasks, tt.leads)
			}
			al, err := s.UnitAllocations(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, a := range al {
				got[a.Indicator] = a.Target.String()
			}
			if len(tt.allocation) == 0 && len(got) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, tt.allocation) {
				t.Errorf("%s allocations = %v, want %v", tt.unit, got, tt.allocation)
			}
		}
	})
}

func TestDirectoryEditsReresolvePlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		// A new department, then the alias the plan uses moved to it:
		// the plan's tasks follow the directory.
		id, err := s.SaveUnit(ctx, plan.Unit{Name: "青云谱区数据局", ShortName: "区数据局", Kind: plan.UnitDepartment, Parent: "青云谱区"})
		if err != nil {
			t.Fatal(err)
		}
		if tasks, _ := s.UnitTasks(ctx, id); len(tasks) != 0 {
			t.Fatalf("new unit has %d tasks", len(tasks))
		}
		_, err = s.SaveUnit(ctx, plan.Unit{Name: "青云谱区数据局", Kind: plan.UnitDepartment})
		if plan.ErrorCode(err) != plan.ECONFLICT {
			t.Fatalf("second unit of one name: got %v, want ECONFLICT", err)
		}
		_, err = s.SaveUnit(ctx, plan.Unit{ID: id, Name: "青云谱区数据局", ShortName: "区数据局", Kind: plan.UnitDepartment, Aliases: []string{"区发改委"}})
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "区发改委") {
			t.Fatalf("clashing alias: got %v, want EINVALID naming 区发改委", err)
		}
		dir, _ := s.Directory(ctx)
		var fgw plan.Unit
		for _, u := range dir.Units {
			if u.ShortName == "区发改委" {
				fgw = u
			}
		}
		fgw.ShortName = "区发展改革委"
		if _, err := s.SaveUnit(ctx, fgw); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveUnit(ctx, plan.Unit{ID: id, Name: "青云谱区数据局", ShortName: "区数据局", Kind: plan.UnitDepartment, Aliases: []string{"区发改委"}}); err != nil {
			t.Fatal(err)
		}
		// Tasks 1, 3 and 9 name 区发改委; task 12's 区直相关部门 still means
		// the old unit, a member of that group.
		if tasks, _ := s.UnitTasks(ctx, id); len(tasks) != 3 {
			t.Errorf("after taking the alias 区发改委: %d tasks, want 3", len(tasks))
		}
		// A group with a member outside the directory is refused whole.
		_, err = s.SaveGroup(ctx, plan.Group{Name: "各街道", Members: []string{"三家店街道", "月亮街道"}})
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "月亮街道") {
			t.Fatalf("group with unknown member: %v", err)
		}
		dir2, _ := s.Directory(ctx)
		if len(dir2.Groups) != 2 {
			t.Errorf("groups after refused save: %d, want 2", len(dir2.Groups))
		}
		if err := s.DeleteUnit(ctx, unitID(t, s, "三家店街道")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, 99999); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("delete missing unit: %v", err)
		}
	})
}

func TestPlanEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id, _ := loadExample(t, s)
		doc, _ := s.Plan(ctx, id)

		g := doc.Goals[1]
		g.Target = plan.NewDecimal(150)
		if _, err := s.SaveGoal(ctx, id, g); err != nil {
			t.Fatal(err)
		}
		g.Comparator = "=="
		if _, err := s.SaveGoal(ctx, id, g); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "comparator") {
			t.Errorf("bad comparator: %v", err)
		}
		other, _ := loadExample(t, s)
		otherDoc, _ := s.Plan(ctx, other)
		foreign := otherDoc.Goals[0]
		if _, err := s.SaveGoal(ctx, id, foreign); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("goal of another plan: %v, want ENOTFOUND", err)
		}

		task := doc.Sections[0].Tasks[0]
		task.LeadUnits = []string{"区科工局"}
		task.ResponsibleUnits = []string{"区科工局", "各街道、镇、集聚区"}
		if _, err := s.SaveTask(ctx, id, doc.Sections[0].ID, task); err != nil {
			t.Fatal(err)
		}
		dup := doc.Sections[0].Tasks[1]
		dup.Number = "1"
		if _, err := s.SaveTask(ctx, id, doc.Sections[0].ID, dup); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("duplicate task number: %v, want ECONFLICT", err)
		}
		inPlan := 0
		tasks, _ := s.UnitTasks(ctx, unitID(t, s, "三家店街道"))
		for _, x := range tasks {
			if x.PlanID == id {
				inPlan++
			}
		}
		if inPlan != 12 {
			t.Errorf("三家店街道 after task 1 names the group: %d tasks, want 12", inPlan)
		}

		tbl := doc.DecompositionTables[0]
		tbl.Rows[3].Values["高新技术企业"] = plan.NewDecimal(20)
		if _, err := s.SaveSplitTable(ctx, id, tbl); err != nil {
			t.Fatal(err)
		}
		al, _ := s.UnitAllocations(ctx, unitID(t, s, "徐家坊街道"))
		for _, a := range al {
			if a.PlanID == id && a.Indicator == "高新技术企业" && a.Target.String() != "20" {
				t.Errorf("徐家坊街道 高新技术企业 = %s after edit, want 20", a.Target)
			}
		}
		tbl.Rows[0].Values["不存在的列"] = plan.NewDecimal(1)
		if _, err := s.SaveSplitTable(ctx, id, tbl); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("value in unknown column: %v", err)
		}

		after, _ := s.Plan(ctx, id)
		if after.Goals[1].Target.String() != "150" || after.Sections[0].Tasks[0].LeadUnits[0] != "区科工局" {
			t.Errorf("edits not kept: %+v", after.Goals[1])
		}
		if err := s.DeleteGoal(ctx, id, after.Goals[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteGoal(ctx, id, after.Goals[0].ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("delete twice: %v", err)
		}
		if err := s.UpdatePlanHeader(ctx, id, store.PlanHeader{Title: "新标题", Date: "2022-13-01"}); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("bad date: %v", err)
		}
		if err := s.DeletePlan(ctx, other); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCreatePlanIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		doc := &plan.Document{Title: "坏方案", Goals: []plan.DocGoal{{Indicator: "x", Comparator: "range", Target: plan.NewDecimal(3)}}}
		if _, err := s.CreatePlan(ctx, doc, ""); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "goals[0].target_max") {
			t.Fatalf("got %v", err)
		}
		if list, _ := s.Plans(ctx); len(list) != 0 {
			t.Fatalf("a refused plan left %d plans", len(list))
		}
	})
}

func TestUsersSessionsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		hash, _ := auth.HashPassword("correct horse 1")
		u, err := s.CreateUser(ctx, store.NewUser{Username: "sjd", Role: auth.RoleReporter, UnitID: unitID(t, s, "三家店街道"), PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Username: "sjd", Role: auth.RoleAdmin}); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("duplicate user: %v", err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Username: "nounit", Role: auth.RoleReporter}); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("reporter without unit: %v", err)
		}
		if _, err := s.Authenticate(ctx, store.Login{Username: "sjd", Password: "wrong"}); plan.ErrorCode(err) != plan.EUNAUTHORIZED {
			t.Errorf("wrong password: %v", err)
		}
		got, err := s.Authenticate(ctx, store.Login{Username: "sjd", Password: "correct horse 1"})
		if err != nil || got.ID != u.ID || got.Role != auth.RoleReporter {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		secret, err := s.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if su, err := s.SessionUser(ctx, secret); err != nil || su.Username != "sjd" {
			t.Fatalf("SessionUser = %+v, %v", su, err)
		}
		expired, _ := s.CreateSession(ctx, u.ID, -time.Minute)
		if _, err := s.SessionUser(ctx, expired); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("expired session: %v", err)
		}
		if err := s.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, secret); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("session after logout: %v", err)
		}
		token, err := s.CreateAPIToken(ctx, "sjd", "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		if tu, err := s.TokenUser(ctx, token); err != nil || tu.ID != u.ID {
			t.Errorf("TokenUser = %+v, %v", tu, err)
		}
		if _, err := s.TokenUser(ctx, token+"x"); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("wrong token: %v", err)
		}
	})
}

func TestLoginBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hash, _ := auth.HashPassword("correct horse 1")
		if _, err := s.CreateUser(ctx, store.NewUser{Username: "admin", Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			s.Authenticate(ctx, store.Login{Username: "admin", Password: "guess"})
		}
		_, err := s.Authenticate(ctx, store.Login{Username: "admin", Password: "correct horse 1"})
		var e *plan.Error
		if !errors.As(err, &e) || e.Code != plan.EFORBIDDEN || !strings.Contains(e.Message, "后再试") {
			t.Fatalf("after 5 failures the right password got %v, want a lock", err)
		}
	})
}

func TestMigrateTwiceAndVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d, %v", n, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
	})
}
