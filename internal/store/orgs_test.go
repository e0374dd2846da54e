package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// district is one district's data for the isolation test, made through the
// store as its own admin would.
type district struct {
	org               int64
	ctx               context.Context
	plan, round, unit int64
	form, instruction string
	admin, reporter   *auth.User
}

// twoDistricts makes 南昌市 with 青云谱区 (the database's first
// organisation, moved beneath it) and 西湖区, each with the seed's directory
// (the same unit names in both), a plan, an open round with a submitted
// form, an instruction and users.
func twoDistricts(t *testing.T, s *store.Store) (city int64, a, b *district) {
	t.Helper()
	ctx := context.Background()
	city, err := s.AddOrg(ctx, plan.Org{Name: "南昌市", Kind: plan.OrgCity})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOrg(ctx, 1, city); err != nil {
		t.Fatal(err)
	}
	west, err := s.AddOrg(ctx, plan.Org{Name: "西湖区", Kind: plan.OrgDistrict, ParentID: city})
	if err != nil {
		t.Fatal(err)
	}
	make := func(org int64, prefix string) *district {
		d := &district{org: org, ctx: store.WithScope(ctx, store.Scope{Org: org, Orgs: []int64{org}})}
		ex, err := examples.Qingyunpu2022()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ImportDirectory(d.ctx, ex.Directory); err != nil {
			t.Fatalf("%s: directory: %v", prefix, err)
		}
		if d.plan, err = s.CreatePlan(d.ctx, ex.Document, ex.Notice); err != nil {
			t.Fatalf("%s: plan: %v", prefix, err)
		}
		storetest.UnbindAll(t, s, d.plan)
		if d.round, err = s.CreateRound(d.ctx, plan.Round{PlanID: d.plan, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05"}); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(d.ctx, d.round, nil); err != nil {
			t.Fatal(err)
		}
		forms, err := s.RoundForms(d.ctx, d.round)
		if err != nil || len(forms) == 0 {
			t.Fatalf("%s: forms %v %v", prefix, forms, err)
		}
		d.form, d.unit = forms[0].PublicID, forms[0].UnitID
		f, err := s.Form(d.ctx, d.form)
		if err != nil {
			t.Fatal(err)
		}
		e := fillAll(f)
		e.Submit = true
		if _, err := s.SaveForm(d.ctx, d.form, e, nil); err != nil {
			t.Fatalf("%s: submit: %v", prefix, err)
		}
		if d.admin, err = s.CreateUser(d.ctx, store.NewUser{Username: prefix + "-admin", Role: auth.RoleAdmin, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if d.reporter, err = s.CreateUser(d.ctx, store.NewUser{Username: prefix + "-reporter", Role: auth.RoleReporter, UnitID: d.unit, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if d.instruction, err = s.IssueInstruction(d.ctx, store.InstructionDraft{UnitID: d.unit, Body: prefix + "：请加快进度"}, d.admin); err != nil {
			t.Fatalf("%s: instruction: %v", prefix, err)
		}
		return d
	}
	return city, make(1, "qyp"), make(west, "xh")
}

// TestOrgIsolation: every list and every read by ID, called in one
// district's scope, never returns the other district's rows; the city's
// scope takes in both.
func TestOrgIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		city, a, b := twoDistricts(t, s)
		if a.reporter.OrgID != a.org || b.reporter.OrgID != b.org || b.admin.OrgID != b.org {
			t.Fatalf("users' organisations: %d %d %d", a.reporter.OrgID, b.reporter.OrgID, b.admin.OrgID)
		}
		cityCtx := store.WithScope(context.Background(), store.Scope{Org: city, Orgs: []int64{city, a.org, b.org}})

		// lists returns what each list shows in ctx, as keys naming its
		// rows' organisation's objects.
		lists := []struct {
			name string
			keys func(ctx context.Context, d *district) ([]string, error)
		}{
			{"Plans", func(ctx context.Context, d *district) ([]string, error) {
				ps, err := s.Plans(ctx)
				var out []string
				for _, p := range ps {
					out = append(out, fmt.Sprint("plan ", p.ID))
				}
				return out, err
			}},
			{"Users", func(ctx context.Context, d *district) ([]string, error) {
				us, err := s.Users(ctx)
				var out []string
				for _, u := range us {
					out = append(out, "user "+u.Username)
				}
				return out, err
			}},
			{"Directory", func(ctx context.Context, d *district) ([]string, error) {
				dir, err := s.Directory(ctx)
				var out []string
				if dir != nil {
					for _, u := range dir.Units {
						out = append(out, fmt.Sprint("unit ", u.ID))
					}
					for _, g := range dir.Groups {
						out = append(out, fmt.Sprint("group ", g.ID))
					}
				}
				return out, err
			}},
			{"Rounds", func(ctx context.Context, d *district) ([]string, error) {
				rs, err := s.Rounds(ctx, d.plan)
				var out []string
				for _, r := range rs {
					out = append(out, fmt.Sprint("round ", r.ID))
				}
				return out, err
			}},
			{"RoundForms", func(ctx context.Context, d *district) ([]string, error) {
				fs, err := s.RoundForms(ctx, d.round)
				var out []string
				for _, f := range fs {
					out = append(out, "form "+f.PublicID)
				}
				return out, err
			}},
			{"UnitForms", func(ctx context.Context, d *district) ([]string, error) {
				fs, err := s.UnitForms(ctx, d.unit)
				var out []string
				for _, f := range fs {
					out = append(out, "form "+f.PublicID)
				}
				return out, err
			}},
			{"OpenRoundFormCounts", func(ctx context.Context, d *district) ([]string, error) {
				cs, err := s.OpenRoundFormCounts(ctx)
				var out []string
				for _, c := range cs {
					out = append(out, fmt.Sprint("round ", c.RoundID))
				}
				return out, err
			}},
			{"ReviewQueue", func(ctx context.Context, d *district) ([]string, error) {
				qs, err := s.ReviewQueue(ctx, d.admin)
				var out []string
				for _, q := range qs {
					out = append(out, "form "+q.PublicID)
				}
				return out, err
			}},
			{"Instructions", func(ctx context.Context, d *district) ([]string, error) {
				is, err := s.Instructions(ctx, store.InstructionFilter{})
				var out []string
				for _, i := range is {
					out = append(out, "instruction "+i.PublicID)
				}
				return out, err
			}},
			{"Notices", func(ctx context.Context, d *district) ([]string, error) {
				ns, err := s.Notices(ctx, store.NoticeFilter{})
				var out []string
				for _, n := range ns {
					out = append(out, "notice "+n.PublicID)
				}
				return out, err
			}},
			{"Disputes", func(ctx context.Context, d *district) ([]string, error) {
				ds, err := s.Disputes(ctx, store.DisputeFilter{})
				var out []string
				for _, x := range ds {
					out = append(out, fmt.Sprint("dispute ", x.ID))
				}
				return out, err
			}},
			{"ImportBatches", func(ctx context.Context, d *district) ([]string, error) {
				bs, err := s.ImportBatches(ctx, "", 0)
				var out []string
				for _, x := range bs {
					out = append(out, fmt.Sprint("batch ", x.ID))
				}
				return out, err
			}},
			{"AuditLog", func(ctx context.Context, d *district) ([]string, error) {
				es, _, err := s.AuditLog(ctx, store.AuditFilter{Limit: store.MaxAuditPage})
				var out []string
				for _, e := range es {
					out = append(out, fmt.Sprint("audit ", e.ID))
				}
				return out, err
			}},
		}
		for _, l := range lists {
			// What each district sees of its own, unscoped.
			own := map[*district]map[string]bool{}
			for _, d := range []*district{a, b} {
				keys, err := l.keys(d.ctx, d)
				if err != nil {
					t.Fatalf("%s in its own district: %v", l.name, err)
				}
				own[d] = map[string]bool{}
				for _, k := range keys {
					own[d][k] = true
				}
			}
			for _, pair := range [][2]*district{{a, b}, {b, a}} {
				me, other := pair[0], pair[1]
				// Asked in my scope about the other's objects: none of its rows.
				keys, err := l.keys(me.ctx, other)
				if err != nil && plan.ErrorCode(err) != plan.ENOTFOUND {
					t.Errorf("%s: %v", l.name, err)
				}
				for _, k := range keys {
					if own[other][k] && !own[me][k] {
						t.Errorf("%s in org %d shows org %d's %s", l.name, me.org, other.org, k)
					}
				}
			}
			// The city sees both districts' rows.
			for _, d := range []*district{a, b} {
				keys, err := l.keys(cityCtx, d)
				if err != nil {
					t.Fatalf("%s for the city: %v", l.name, err)
				}
				got := map[string]bool{}
				for _, k := range keys {
					got[k] = true
				}
				for k := range own[d] {
					if !got[k] {
						t.Errorf("%s for the city lacks org %d's %s", l.name, d.org, k)
					}
				}
			}
		}

		for ctx, want := range map[context.Context]int{a.ctx: 1, b.ctx: 1, cityCtx: 2} {
			if n, err := s.ReviewCount(ctx, a.admin); err != nil || n != want {
				t.Errorf("ReviewCount = %d, %v; want %d", n, err, want)
			}
		}

		// Reads by ID of the other district's objects are not found.
		reads := []struct {
			name string
			read func(ctx context.Context, d *district) error
		}{
			{"Plan", func(ctx context.Context, d *district) error { _, err := s.Plan(ctx, d.plan); return err }},
			{"SourceText", func(ctx context.Context, d *district) error { _, err := s.SourceText(ctx, d.plan); return err }},
			{"Round", func(ctx context.Context, d *district) error { _, err := s.Round(ctx, d.round); return err }},
			{"Form", func(ctx context.Context, d *district) error { _, err := s.Form(ctx, d.form); return err }},
			{"FormResource", func(ctx context.Context, d *district) error { _, err := s.FormResource(ctx, d.form); return err }},
			{"InstructionResource", func(ctx context.Context, d *district) error {
				_, err := s.InstructionResource(ctx, d.instruction)
				return err
			}},
			{"User", func(ctx context.Context, d *district) error { _, err := s.User(ctx, d.reporter.ID); return err }},
			{"UpdateUser", func(ctx context.Context, d *district) error {
				_, err := s.UpdateUser(ctx, d.reporter.ID, store.UserUpdate{Role: auth.RoleReporter, UnitID: d.unit})
				return err
			}},
			{"SaveUnit", func(ctx context.Context, d *district) error {
				_, err := s.SaveUnit(ctx, plan.Unit{ID: d.unit, Name: "改名", Kind: plan.UnitDepartment})
				return err
			}},
			{"DeleteUnit", func(ctx context.Context, d *district) error { return s.DeleteUnit(ctx, d.unit) }},
			{"CreateUser on its unit", func(ctx context.Context, d *district) error {
				_, err := s.CreateUser(ctx, store.NewUser{Username: fmt.Sprint("intruder", d.org), Role: auth.RoleReporter, UnitID: d.unit})
				return err
			}},
			{"CreateRound", func(ctx context.Context, d *district) error {
				_, err := s.CreateRound(ctx, plan.Round{PlanID: d.plan, Label: "x", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
				return err
			}},
		}
		for _, r := range reads {
			for _, pair := range [][2]*district{{a, b}, {b, a}} {
				me, other := pair[0], pair[1]
				if err := r.read(me.ctx, other); plan.ErrorCode(err) != plan.ENOTFOUND {
					t.Errorf("%s of org %d's object in org %d: %v, want not found", r.name, other.org, me.org, err)
				}
			}
			if r.name == "Plan" || r.name == "Round" || r.name == "Form" || r.name == "User" {
				for _, d := range []*district{a, b} {
					if err := r.read(cityCtx, d); err != nil {
						t.Errorf("%s of org %d for the city: %v", r.name, d.org, err)
					}
				}
			}
		}

		// A district imports its own registers.
		if _, err := s.ImportRegister(a.ctx, store.ImportMeta{Kind: plan.RegEnterprises, File: "企业库.xlsx"}, listRows("企业库.xlsx", enterprises(2)...), nil, nil); err != nil {
			t.Errorf("a district importing a register: %v", err)
		}
		tree, err := s.Orgs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := tree.Descendants(city); len(got) != 3 {
			t.Errorf("the city's organisations: %v", got)
		}
		if _, err := s.AddOrg(a.ctx, plan.Org{Name: "东湖区", Kind: plan.OrgDistrict, ParentID: b.org}); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a district adding beneath another: %v, want not found", err)
		}
		if err := s.MoveOrg(context.Background(), city, a.org); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("moving the city beneath its district: %v, want refused", err)
		}
	})
}

// TestRegistersStayWithTheirOrg: a district that imported its registers
// keeps them when it joins a city: its scope and the city's see them,
// another district's sees none and imports its own beside them.
func TestRegistersStayWithTheirOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDirectory(t, s)
		mustImport(t, s, plan.RegEnterprises, "企业库.xlsx", enterprises(3)...)
		city, err := s.AddOrg(ctx, plan.Org{Name: "南昌市", Kind: plan.OrgCity})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.MoveOrg(ctx, 1, city); err != nil {
			t.Fatal(err)
		}
		west, err := s.AddOrg(ctx, plan.Org{Name: "西湖区", Kind: plan.OrgDistrict, ParentID: city})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			scope store.Scope
			want  int
		}{
			{store.Scope{Org: 1, Orgs: []int64{1}}, 1},
			{store.Scope{Org: city, Orgs: []int64{city, 1, west}}, 1},
			{store.Scope{Org: west, Orgs: []int64{west}}, 0},
		} {
			if bs, err := s.ImportBatches(store.WithScope(ctx, c.scope), "", 0); err != nil || len(bs) != c.want {
				t.Errorf("import batches in %v: %d %v, want %d", c.scope.Orgs, len(bs), err, c.want)
			}
		}
		in := store.WithScope(ctx, store.Scope{Org: west, Orgs: []int64{west}})
		if _, err := s.ImportRegister(in, store.ImportMeta{Kind: plan.RegEnterprises, File: "西湖.xlsx"}, listRows("西湖.xlsx", enterprises(1)...), nil, nil); err != nil {
			t.Errorf("西湖区 importing a register: %v", err)
		}
		if bs, err := s.ImportBatches(in, "", 0); err != nil || len(bs) != 1 || bs[0].File != "西湖.xlsx" {
			t.Errorf("西湖区's import batches: %v %v", bs, err)
		}
		// A directory change in the city re-attributes nothing away from
		// the district's units.
		if _, err := s.SaveUnit(store.WithScope(ctx, store.Scope{Org: city, Orgs: []int64{city}}), plan.Unit{Name: "南昌市科技局", Kind: plan.UnitDepartment}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "enterprises"); n != 4 {
			t.Fatalf("%d enterprises", n)
		}
		rows, err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM enterprises WHERE org_id = 1 AND unit_id IS NOT NULL`)
		if err != nil || rows[0][0] != "3" {
			t.Errorf("enterprises attributed after the city's change: %v %v", rows, err)
		}
	})
}

// TestLinksAcrossOrganisations: a district's goal links to the city's
// split (the plan above it), never to a sibling district's plan, which the
// link options do not even list; the city's figure for the district is the
// district's own; next year's plan stays in the district when the city's
// admin makes it.
func TestLinksAcrossOrganisations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cityOrg, a, b := twoDistricts(t, s)
		inCity := store.WithScope(ctx, store.Scope{Org: cityOrg, Orgs: []int64{cityOrg}})
		demo, err := examples.CascadeDemo()
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range append([]plan.Unit{{Name: "南昌市青云谱区", ShortName: "青云谱区", Kind: plan.UnitDistrict}}, demo.Districts.Units...) {
			if _, err := s.SaveUnit(inCity, u); err != nil {
				t.Fatal(err)
			}
		}
		city, err := s.CreatePlan(inCity, demo.City, "")
		if err != nil {
			t.Fatal(err)
		}
		storetest.UnbindAll(t, s, city)
		dir, err := s.Directory(inCity)
		if err != nil {
			t.Fatal(err)
		}
		qyp := dir.Index()["青云谱区"].UnitID
		aSME, bSME, cSME := goalNamed(t, s, a.plan, "科技型中小企业"), goalNamed(t, s, b.plan, "科技型中小企业"), goalNamed(t, s, city, "科技型中小企业")

		opts, err := s.LinkOptions(a.ctx, a.plan)
		if err != nil {
			t.Fatal(err)
		}
		plans := map[int64]bool{}
		for _, o := range opts {
			plans[o.PlanID] = true
		}
		if !plans[city] || plans[b.plan] {
			t.Errorf("link options of 青云谱区's plan name plans %v; want the city's %d, not 西湖区's %d", plans, city, b.plan)
		}
		if err := s.LinkGoal(a.ctx, a.plan, aSME.ID, bSME.ID, 0); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a link to a sibling district's goal: %v, want ENOTFOUND", err)
		}
		if err := s.LinkGoal(a.ctx, a.plan, aSME.ID, cSME.ID, qyp); err != nil {
			t.Fatalf("a link to the city's split: %v", err)
		}
		doc, err := s.Plan(a.ctx, a.plan)
		if err != nil {
			t.Fatal(err)
		}
		if g := goalNamed(t, s, a.plan, "科技型中小企业"); g.Target.String() != "140" || len(doc.Goals) == 0 {
			t.Errorf("linked target %s, want the city's 140", g.Target)
		}

		// 三家店街道 reports 3 in 青云谱区's July round: the city reads it.
		f := formOf(t, s, a.round, "三家店街道")
		e := fillAll(f)
		e.Submit = true
		if f, err = s.SaveForm(a.ctx, f.PublicID, e, a.admin); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewForm(a.ctx, f.PublicID, f.Version, store.Approve, "", a.admin); err != nil {
			t.Fatal(err)
		}
		round, err := s.CreateRound(inCity, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05"})
		if err == nil {
			err = s.OpenRound(inCity, round, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		whole := store.WithScope(ctx, store.Scope{Org: cityOrg, Orgs: []int64{cityOrg, a.org, b.org}})
		// Read in the city's organisation alone: the roll-up is the city's figure.
		src, err := s.ProgressSource(inCity, city, round)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range src.Values {
			if v.GoalID == cSME.ID && v.UnitID == qyp {
				got = append(got, v.Value.String()+" "+v.DataDate)
			}
		}
		if len(got) != 1 || got[0] != "3 2022-07-31" { // fillAll's figure, from the district's July round
			t.Errorf("the city's 科技型中小企业 for 青云谱区: %v, want the district's 3 as of 2022-07-31", got)
		}

		next, err := s.NextYear(whole, a.plan, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plan(a.ctx, next); err != nil {
			t.Errorf("next year's plan is not 青云谱区's: %v", err)
		}
	})
}

// TestLinkedGoalsAreNotDeleted: the city's goal and plan a district's goal
// takes its target from are not deleted from under it.
func TestLinkedGoalsAreNotDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := loadChain(t, s)
		dSME, cSME := goalNamed(t, s, c.district, "科技型中小企业"), goalNamed(t, s, c.city, "科技型中小企业")
		if err := s.LinkGoal(ctx, c.district, dSME.ID, cSME.ID, c.qyp); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteGoal(ctx, c.city, cSME.ID); plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(err.Error(), "已被《2022年青云谱区科技创新基础大提升工作要点》关联") {
			t.Errorf("deleting a linked goal: %v", err)
		}
		if err := s.DeletePlan(ctx, c.city); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("deleting a linked plan: %v", err)
		}
		if err := s.UnlinkGoal(ctx, c.district, dSME.ID, cSME.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePlan(ctx, c.city); err != nil {
			t.Errorf("deleting the plan once unlinked: %v", err)
		}
	})
}

// TestEveryOrganisationKeepsAnAdmin: a district's last administrator is not
// disabled, demoted or moved away, whatever administrators other
// organisations have.
func TestEveryOrganisationKeepsAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, a, b := twoDistricts(t, s)
		for _, uu := range []store.UserUpdate{
			{Role: auth.RoleAdmin, Disabled: true},
			{Role: auth.RoleLeader},
			{Role: auth.RoleReporter, UnitID: a.unit},
		} {
			if _, err := s.UpdateUser(ctx, b.admin.ID, uu); plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(err.Error(), "至少要保留一个可用的管理员") {
				t.Errorf("%+v of 西湖区's last admin: %v, want refused", uu, err)
			}
		}
		if _, err := s.CreateUser(b.ctx, store.NewUser{Username: "west-admin-2", Role: auth.RoleAdmin, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, b.admin.ID, store.UserUpdate{Role: auth.RoleAdmin, Disabled: true}); err != nil {
			t.Errorf("disabling one of two admins: %v", err)
		}
	})
}
