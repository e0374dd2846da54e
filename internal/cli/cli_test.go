package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// kc runs the command line with the database in KECHUANG_DB, as a shell
// would, and returns exit code, stdout and stderr.
func kc(t *testing.T, dsn, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "KECHUANG_DB" {
			return dsn
		}
		return ""
	}}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(storetest.PostgresEnv)
		if base == "" {
			t.Skip(storetest.PostgresEnv + " is not set")
		}
		fn(t, storetest.PostgresDSN(t, base))
	})
}

func TestPlanImportExport(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		ex, _ := examples.Qingyunpu2022()
		units, _ := json.Marshal(ex.Directory)
		os.WriteFile(filepath.Join(dir, "units.json"), units, 0o644)
		docJSON, _ := json.Marshal(ex.Document)
		os.WriteFile(filepath.Join(dir, "plan.json"), docJSON, 0o644)

		if code, out, errOut := kc(t, dsn, "", "units", "import", filepath.Join(dir, "units.json")); code != 0 || !strings.Contains(out, "19 个单位") {
			t.Fatalf("units import: %d %s %s", code, out, errOut)
		}
		code, out, errOut := kc(t, dsn, "", "plan", "import", filepath.Join(dir, "plan.json"))
		if code != 0 || !strings.Contains(out, "已导入方案 1") {
			t.Fatalf("plan import: %d %s %s", code, out, errOut)
		}
		code, out, _ = kc(t, dsn, "", "plan", "list")
		if code != 0 || !strings.Contains(out, "青政办发〔2022〕16号") {
			t.Errorf("plan list: %s", out)
		}
		exported := filepath.Join(dir, "out.json")
		if code, _, errOut := kc(t, dsn, "", "plan", "export", "1", "-o", exported); code != 0 {
			t.Fatalf("plan export: %s", errOut)
		}
		f, _ := os.Open(exported)
		defer f.Close()
		doc, err := plan.DecodeDocument(f)
		if err != nil {
			t.Fatalf("exported document does not load back: %v", err)
		}
		if len(doc.Goals) != 6 || len(doc.TaskTable) != 16 {
			t.Errorf("exported %d goals, %d rows", len(doc.Goals), len(doc.TaskTable))
		}
		// The export loads again as a second plan: the round trip closes.
		if code, _, errOut := kc(t, dsn, "", "plan", "import", exported); code != 0 {
			t.Errorf("re-import of the export: %s", errOut)
		}
		// Next year's draft from plan 1; a second one for the same year is refused.
		code, out, errOut = kc(t, dsn, "", "plan", "next-year", "1", "--year", "2023")
		if code != 0 || !strings.Contains(out, "已新建方案 3：2023年青云谱区") || !strings.Contains(out, "/plans/3/targets") {
			t.Fatalf("plan next-year: %d %s %s", code, out, errOut)
		}
		if code, _, errOut := kc(t, dsn, "", "plan", "next-year", "1"); code == 0 || !strings.Contains(errOut, "已有以本方案为基础新建的2023年方案") {
			t.Errorf("second next-year: %d %s", code, errOut)
		}
	})
}

func TestPlanImportErrorsNamePath(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	dir := t.TempDir()
	tests := []struct {
		name, json, want string
	}{
		{"syntax", "{\n  \"title\": \"x\",\n  \"goals\": [\n}", "第4行"},
		{"bad number", `{"title":"x","goals":[{"indicator":"a","comparator":">=","target":1},{"indicator":"b","comparator":">=","target":"七"}]}`, "goals[1]"},
		{"bad comparator", `{"title":"x","goals":[{"indicator":"a","comparator":"=>","target":1}]}`, "goals[0].comparator"},
		{"unknown field", `{"title":"x","sections":[{"title":"s","tasks":[{"title":"t","lead":["区科工局"]}]}]}`, "sections[0].tasks[0]：未知字段 \"lead\""},
		{"value outside columns", `{"title":"x","decomposition_tables":[{"title":"t","columns":["a"],"rows":[{"unit":"u","values":{"b":1}}]}]}`, "decomposition_tables[0].rows[0].values.b"},
		{"wrong type", `{"title":"x","task_table":[{"content":"c","lead_units":"区科工局"}]}`, "task_table[0].lead_units"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, tt.name+".json")
			os.WriteFile(file, []byte(tt.json), 0o644)
			code, _, errOut := kc(t, dsn, "", "plan", "import", file)
			if code == 0 || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, file) {
				t.Errorf("exit %d, stderr %q; want the file and %q", code, errOut, tt.want)
			}
		})
	}
	if _, out, _ := kc(t, dsn, "", "plan", "list"); out != "" {
		t.Errorf("refused imports left plans: %q", out)
	}
}

func TestUserAndToken(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		if code, _, errOut := kc(t, dsn, "short\n", "user", "add", "admin", "--role", "admin", "--password-stdin"); code == 0 || !strings.Contains(errOut, "至少 10 位") {
			t.Errorf("weak password accepted: %s", errOut)
		}
		if code, _, errOut := kc(t, dsn, "good password 1\n", "user", "add", "admin", "--role", "admin", "--password-stdin"); code != 0 {
			t.Fatalf("user add: %s", errOut)
		}
		if code, _, errOut := kc(t, dsn, "good password 1\n", "user", "add", "sjd", "--role", "reporter", "--unit", "三家店街道", "--password-stdin"); code == 0 || !strings.Contains(errOut, "三家店街道") {
			t.Errorf("reporter bound to an unknown unit: %d %s", code, errOut)
		}
		code, out, errOut := kc(t, dsn, "", "token", "create", "admin", "--label", "ci")
		if code != 0 || !strings.HasPrefix(out, "kc_") {
			t.Fatalf("token create: %q %q", out, errOut)
		}
		if code, _, _ := kc(t, dsn, "", "token", "create", "nobody"); code == 0 {
			t.Error("token for a missing user")
		}
		if code, _, errOut := kc(t, dsn, "", "token", "create", "admin", "--expires", "30d"); code != 0 || !strings.Contains(errOut, "前有效") {
			t.Errorf("token create --expires 30d: %d %s", code, errOut)
		}
		for _, bad := range []string{"0d", "400d", "soon", "-1h"} {
			if code, _, _ := kc(t, dsn, "", "token", "create", "admin", "--expires", bad); code == 0 {
				t.Errorf("token create --expires %s accepted", bad)
			}
		}
		code, out, _ = kc(t, dsn, "", "token", "list", "admin")
		if code != 0 || strings.Count(out, "admin") != 2 || !strings.Contains(out, "ci") || strings.Contains(out, "kc_") {
			t.Errorf("token list admin: %d\n%s", code, out)
		}
		if code, out, _ := kc(t, dsn, "", "token", "revoke", "1"); code != 0 || !strings.Contains(out, "已作废令牌 1") {
			t.Errorf("token revoke 1: %d %s", code, out)
		}
		if code, _, _ := kc(t, dsn, "", "token", "revoke", "1"); code == 0 {
			t.Error("revoking a revoked token succeeded")
		}
		if _, out, _ := kc(t, dsn, "", "token", "list"); strings.Contains(out, "ci") || strings.Count(out, "admin") != 1 {
			t.Errorf("token list after revoke:\n%s", out)
		}
		if code, out, errOut := kc(t, dsn, "", "user", "unlock", "admin"); code != 0 || !strings.Contains(out, "已解除") {
			t.Errorf("user unlock: %d %s %s", code, out, errOut)
		}
		if code, out, _ := kc(t, dsn, "", "migrate"); code != 0 || !strings.Contains(out, "已应用 0 个迁移") {
			t.Errorf("migrate on an up-to-date database: %s", out)
		}
	})
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errOut := kc(t, "", "", "frobnicate"); code != 2 || !strings.Contains(errOut, "未知命令") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	if code, out, _ := kc(t, "", "", "help"); code != 0 || !strings.Contains(out, "plan import") {
		t.Errorf("help: %s", out)
	}
}

func TestDemoLoadsOnceAndResetsPasswords(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	first, stop := context.WithCancel(ctx)
	pw1, keep, err := loadDemo(first, s, log)
	if err != nil {
		t.Fatal(err)
	}
	// While the first instance runs, another keeps its password in force.
	if pw, _, err := loadDemo(ctx, s, log); err != nil || pw != "" {
		t.Errorf("a second instance beside the first: %q, %v", pw, err)
	}
	stop()
	keep() // the first instance stops: its lease goes
	pw2, _, err := loadDemo(ctx, s, log)
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := s.Plans(ctx)
	if len(plans) != 3 || demoPlan(t, s).Status != plan.StatusActive {
		t.Fatalf("demo plans: %+v", plans)
	}
	rounds, _ := s.Rounds(ctx, demoPlan(t, s).ID)
	if len(rounds) != 1 || rounds[0].State != plan.RoundOpen {
		t.Fatalf("demo rounds: %+v (want one open round, once)", rounds)
	}
	if pw1 == pw2 {
		t.Error("demo password not renewed")
	}
	for _, name := range []string{"admin", "leader", "区科工局", "三家店街道", "新经济产业集聚区"} {
		if _, err := s.Authenticate(ctx, store.Login{Username: name, Password: pw2}); err != nil {
			t.Errorf("demo account %s: %v", name, err)
		}
	}
	if _, err := s.Authenticate(ctx, store.Login{Username: "admin", Password: pw1}); err == nil {
		t.Error("old demo password still works")
	}
}

func TestNoticeParse(t *testing.T) {
	code, out, errOut := kc(t, "", "", "notice", "parse", "../../examples/qingyunpu-2022/notice.txt", "--json")
	if code != 0 {
		t.Fatalf("notice parse --json: %d %s", code, errOut)
	}
	doc, err := plan.DecodeDocument(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the output is not a plan document: %v", err)
	}
	if doc.DocNumber != "青政办发〔2022〕16号" || len(doc.Goals) != 6 || len(doc.TaskTable) != 16 {
		t.Errorf("parsed %s, %d goals, %d rows", doc.DocNumber, len(doc.Goals), len(doc.TaskTable))
	}
	code, out, _ = kc(t, "", "", "notice", "parse", "../../examples/qingyunpu-2022/notice.txt")
	if code != 0 || !strings.Contains(out, "技术合同成交额 >7亿元") || !strings.Contains(out, "任务分解表（16 行）") {
		t.Errorf("summary: %s", out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.txt"), []byte("会议纪要\n大家发言踊跃。"), 0o644)
	if code, _, errOut := kc(t, "", "", "notice", "parse", filepath.Join(dir, "x.txt")); code != 1 || !strings.Contains(errOut, "x.txt") {
		t.Errorf("not a notice: exit %d, %s", code, errOut)
	}
	if code, _, _ := kc(t, "", "", "notice", "parse", filepath.Join(dir, "missing.txt")); code == 0 {
		t.Error("missing file: exit 0")
	}
}

// TestDemoInstancesStartedTogether: three instances starting on one empty
// database all come up; the demo is loaded once, and the password printed
// by the instance that loaded it works.
func TestDemoInstancesStartedTogether(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		stores := make([]*store.Store, 3)
		for i := range stores {
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		var wg sync.WaitGroup
		passwords, errs := make([]string, 3), make([]error, 3)
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, errs[i] = s.Migrate(ctx); errs[i] == nil {
					passwords[i], _, errs[i] = loadDemo(ctx, s, log)
				}
			}()
		}
		wg.Wait()
		printed := ""
		for i, err := range errs {
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
			if passwords[i] != "" {
				if printed != "" {
					t.Error("two instances printed a password")
				}
				printed = passwords[i]
			}
		}
		plans, _ := stores[0].Plans(ctx)
		if len(plans) != 3 {
			t.Fatalf("%d plans, want the district's, the city's and the three-year plan", len(plans))
		}
		if rounds, _ := stores[0].Rounds(ctx, demoPlan(t, stores[0]).ID); len(rounds) != 1 {
			t.Errorf("%d rounds, want 1", len(rounds))
		}
		if _, err := stores[0].Authenticate(ctx, store.Login{Username: "admin", Password: printed}); err != nil {
			t.Errorf("the printed demo password: %v", err)
		}
	})
}

// TestDemoRegistersFeedTheGoals: on first start the demo's registers give
// five of the six goals a computed figure as of the July round, and
// R&D/GDP shows 2021's figure as 上年 beside its 不可评估 for 2022.
func TestDemoRegistersFeedTheGoals(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	if _, _, err := loadDemo(ctx, s, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	d, err := progress.Load(ctx, s, demoPlan(t, s).ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	computed := 0
	for _, c := range d.Overview.Cards {
		if c.Computed == nil {
			t.Errorf("%s is not computed from registers", c.Goal.Indicator)
			continue
		}
		if c.Actual != nil {
			computed++
		}
		if c.Goal.Kind == plan.KindRatio {
			if c.Actual != nil || c.Computed.Previous == nil || c.Computed.Previous.String() != "0.54" || c.Computed.PreviousYear != 2021 {
				t.Errorf("R&D/GDP: actual %v, 上年 %v (%d); want none, 0.54 (2021)", c.Actual, c.Computed.Previous, c.Computed.PreviousYear)
			}
		}
	}
	if computed != 5 {
		t.Errorf("%d goal cards show computed figures, want 5", computed)
	}
	// Each sub-district has its part of the split goals.
	for _, row := range d.Overview.Rows {
		for _, c := range row.Cells {
			if c.Actual == nil || !c.Computed {
				t.Errorf("%s: a cell without a computed figure", row.Unit.Label())
			}
		}
	}
}

// demoPlan is the demo's 2022 district plan (the notice's), among the
// demo chain's plans.
func demoPlan(t *testing.T, s *store.Store) store.PlanSummary {
	t.Helper()
	plans, err := s.Plans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if strings.HasPrefix(p.Title, "2022年青云谱区") {
			return p
		}
	}
	t.Fatalf("no district plan among %+v", plans)
	return store.PlanSummary{}
}

// TestDemoCascade: the demo's city plan shows 青云谱区's row rolled up from
// the district's own plan (its register figures as of the city's July
// round), ranked beside the two districts reporting to the city; the
// district's goals take their targets from both the city's split and the
// three-year plan without a finding; the three-year plan shows 2022 from
// the district's plan.
func TestDemoCascade(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	pw, _, err := loadDemo(ctx, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	district := demoPlan(t, s)
	var city, three store.PlanSummary
	plans, _ := s.Plans(ctx)
	for _, p := range plans {
		switch {
		case strings.Contains(p.Title, "南昌市"):
			city = p
		case strings.Contains(p.Title, "三年行动"):
			three = p
		}
	}
	if !strings.Contains(city.Title, "演示数据") || !strings.Contains(three.Title, "演示数据") {
		t.Fatalf("demo plans not labelled: %q, %q", city.Title, three.Title)
	}
	d, err := progress.Load(ctx, s, city.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var qyp *plan.UnitRow
	for i, r := range d.Overview.Rows {
		if r.Unit.Label() == "青云谱区" {
			qyp = &d.Overview.Rows[i]
		}
	}
	if qyp == nil {
		t.Fatal("no 青云谱区 row on the city's dashboard")
	}
	rolled := 0
	for _, c := range qyp.Cells {
		if c.LinkedPlan == district.ID && c.Actual != nil {
			rolled++
		}
	}
	if rolled < 4 {
		t.Errorf("%d of 青云谱区's cells rolled up from its plan, want the register-fed ones", rolled)
	}
	if !d.DemoData {
		t.Error("the city's figures from demo registers are not marked 演示数据")
	}
	if len(d.Overview.Ranking) != 3 {
		t.Errorf("ranking %+v, want the three districts", d.Overview.Ranking)
	}
	doc, _ := s.Plan(ctx, district.ID)
	if fs := plan.LinkFindings(doc); len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
	for _, g := range doc.Goals {
		if len(g.Links) != 2 {
			t.Errorf("%s has %d links", g.Indicator, len(g.Links))
		}
	}
	years, err := s.YearProgress(ctx, three.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 6 {
		t.Errorf("the three-year plan's goals with a child: %d", len(years))
	}

	// In organisations: 南昌市 above 青云谱区; the district sees its two
	// plans, the city all three; the accounts are where they work.
	tree, _ := s.Orgs(ctx)
	qypOrg, _ := tree.ByName("青云谱区")
	nc, _ := tree.ByName("南昌市")
	if nc.ParentID != 0 || qypOrg.ParentID != nc.ID || len(tree.Orgs) != 2 {
		t.Fatalf("organisations: %+v", tree.Orgs)
	}
	for _, tt := range []struct {
		scope store.Scope
		want  []string
	}{
		{store.Scope{Org: qypOrg.ID, Orgs: []int64{qypOrg.ID}}, []string{district.Title, three.Title}},
		{store.Scope{Org: nc.ID, Orgs: []int64{nc.ID, qypOrg.ID}}, []string{district.Title, three.Title, city.Title}},
	} {
		got, err := s.Plans(store.WithScope(ctx, tt.scope))
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, p := range got {
			titles = append(titles, p.Title)
		}
		slices.Sort(titles)
		slices.Sort(tt.want)
		if !slices.Equal(titles, tt.want) {
			t.Errorf("plans in %+v: %v, want %v", tt.scope, titles, tt.want)
		}
	}
	for name, org := range map[string]int64{"admin": qypOrg.ID, "leader": qypOrg.ID, "三家店街道": qypOrg.ID, "cityleader": nc.ID, "cityadmin": nc.ID, "西湖区": nc.ID} {
		u, err := s.Authenticate(ctx, store.Login{Username: name, Password: pw})
		if err != nil || u.OrgID != org {
			t.Errorf("demo account %s: %+v, %v (want organisation %d)", name, u, err, org)
		}
	}
}
