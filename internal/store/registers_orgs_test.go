package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestRegistersPerOrg: two districts import the same lists (the same
// USCCs, certificate and contract numbers) and each gets its own records,
// tallies and figures; a re-import in one changes nothing in the other; the
// drill-down, 待归属, disputes, import batches, uploads and keywords of one
// are not found from the other; the city's scope sees both.
func TestRegistersPerOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		city, a, b := twoDistricts(t, s)
		cityCtx := store.WithScope(ctx, store.Scope{Org: city, Orgs: []int64{city, a.org, b.org}})
		lists := sampleLists()
		lists[plan.RegEnterprises] = append(lists[plan.RegEnterprises], &plan.Enterprise{USCC: uscc(90), Name: "无归属企业"}) // 待归属
		for _, d := range []*district{a, b} {
			for _, kind := range plan.RegisterKinds {
				res, err := s.ImportRegister(d.ctx, store.ImportMeta{Kind: kind, File: string(kind) + ".xlsx"}, listRows(string(kind)+".xlsx", lists[kind]...), nil, nil)
				if err != nil {
					t.Fatalf("org %d: %s: %v", d.org, kind, err)
				}
				if res.New != len(lists[kind]) || res.SameFileBatch != 0 {
					t.Errorf("org %d: %s: %d new, same file as batch %d; want %d new, none", d.org, kind, res.New, res.SameFileBatch, len(lists[kind]))
				}
			}
		}
		for _, table := range []string{"enterprises", "smes", "hightech_certs", "contracts", "patents", "platforms", "statistics"} {
			na, nb := countIn(t, s, table, a.org), countIn(t, s, table, b.org)
			if na == 0 || na != nb || countRows(t, s, table) != na+nb {
				t.Errorf("%s: %d records in one district, %d in the other, %d in all", table, na, nb, countRows(t, s, table))
			}
		}

		var bindings []store.GoalBinding
		for i, def := range definitionsUnderTest {
			bindings = append(bindings, store.GoalBinding{GoalID: int64(1000 + i), Definition: def})
		}
		figures := func(d *district, asOf string) []string {
			t.Helper()
			got, err := s.DefinitionValuesForTest(d.ctx, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			naive, err := s.NaiveDefinitionValuesForTest(d.ctx, bindings, 2022, asOf)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i := range got {
				if g, n := actualText(got[i]), actualText(naive[i]); g != n {
					t.Errorf("org %d: %s at %s: tallied %s, records %s", d.org, definitionsUnderTest[i].Kind, asOf, g, n)
				}
				// Unit IDs differ between districts; the values in unit order do not.
				fields := strings.Fields(actualText(got[i]))
				for j, f := range fields {
					if _, v, ok := strings.Cut(f, "="); ok {
						fields[j] = v
					}
				}
				out = append(out, strings.Join(fields, " "))
			}
			return out
		}
		fa, fb := figures(a, "2022-07-31"), figures(b, "2022-07-31")
		if strings.Join(fa, "|") != strings.Join(fb, "|") || !strings.HasPrefix(fa[0], "3 ") {
			t.Errorf("the same lists give different figures: %v and %v", fa, fb)
		}

		// Each plan's computed goal reads its own organisation's registers.
		goal := func(d *district) int64 {
			doc, err := s.Plan(d.ctx, d.plan)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.BindGoal(d.ctx, doc.Goals[1].ID, plan.Definition{Kind: plan.DefSMECount}); err != nil {
				t.Fatal(err)
			}
			return doc.Goals[1].ID
		}
		ga, gb := goal(a), goal(b)
		total := func(d *district) string {
			t.Helper()
			actuals, err := s.Actuals(d.ctx, d.plan, "2022-07-31")
			if err != nil || len(actuals) != 1 || actuals[0].Total == nil {
				t.Fatalf("org %d: actuals %+v %v", d.org, actuals, err)
			}
			return actuals[0].Total.String()
		}
		if ta, tb := total(a), total(b); ta != "3" || tb != "3" {
			t.Errorf("SMEs: %s and %s, want 3 in each", ta, tb)
		}

		// A re-import in one district (企业001 revoked) moves its figures
		// only.
		revoked := append([]any{}, lists[plan.RegSMEs]...)
		first := *revoked[0].(*plan.SMERecord)
		first.Revoked = "2022-06-01"
		revoked[0] = &first
		res, err := s.ImportRegister(a.ctx, store.ImportMeta{Kind: plan.RegSMEs, File: "smes-2.xlsx"}, listRows("smes-2.xlsx", revoked...), nil, nil)
		if err != nil || res.Updated != 1 || res.Unchanged != 2 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		if ta, tb := total(a), total(b); ta != "2" || tb != "3" {
			t.Errorf("after one district's re-import, SMEs: %s and %s, want 2 and 3", ta, tb)
		}
		if got := figures(b, "2022-07-31"); strings.Join(got, "|") != strings.Join(fb, "|") {
			t.Errorf("the other district's figures moved: %v, were %v", got, fb)
		}

		// Drill-down: each district's records, none across.
		recA, err := s.DefinitionRecords(a.ctx, ga, 0, "2022-07-31", store.Page{})
		if err != nil || recA.Total != 2 {
			t.Fatalf("org %d's records: %+v %v", a.org, recA, err)
		}
		recB, err := s.DefinitionRecords(b.ctx, gb, 0, "2022-07-31", store.Page{})
		if err != nil || recB.Total != 3 {
			t.Fatalf("org %d's records: %+v %v", b.org, recB, err)
		}
		for _, r := range recA.Records {
			for _, o := range recB.Records {
				if r.ID == o.ID || r.Origin.BatchID == o.Origin.BatchID {
					t.Errorf("record %d (batch %d) behind both districts' figures", r.ID, r.Origin.BatchID)
				}
			}
		}
		if _, err := s.DefinitionRecords(b.ctx, ga, 0, "2022-07-31", store.Page{}); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("the other district's drill-down: %v, want not found", err)
		}
		if err := s.EachDefinitionRecord(a.ctx, gb, 0, "2022-07-31", func(store.DefinitionRecord) error { return nil }); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("the other district's records streamed: %v, want not found", err)
		}
		for _, g := range []int64{ga, gb} {
			if _, err := s.DefinitionRecords(cityCtx, g, 0, "2022-07-31", store.Page{}); err != nil {
				t.Errorf("the city drilling into goal %d: %v", g, err)
			}
		}

		// 待归属 and the summaries: each district's own; the city both.
		unattributed := func(c context.Context) int {
			total := 0
			for _, kind := range plan.RegisterKinds {
				if kind == plan.RegStatistics {
					continue
				}
				_, n, err := s.Unattributed(c, kind, store.Page{})
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			return total
		}
		if na, nb, nc := unattributed(a.ctx), unattributed(b.ctx), unattributed(cityCtx); na == 0 || na != nb || nc != na+nb {
			t.Errorf("待归属: %d, %d, the city %d", na, nb, nc)
		}
		sums, err := s.RegisterSummaries(b.ctx, plan.RegSMEs, 10)
		if err != nil || len(sums) != 1 || sums[0].Records != 3 || len(sums[0].Batches) != 1 || sums[0].Batches[0].File != "smes.xlsx" {
			t.Errorf("org %d's summary: %+v %v", b.org, sums, err)
		}
		if sums, err := s.RegisterSummaries(cityCtx, plan.RegSMEs, 10); err != nil || len(sums) != 1 || sums[0].Records != 6 || len(sums[0].Batches) != 3 {
			t.Errorf("the city's summary: %+v %v", sums, err)
		}

		// Import batches.
		batches := func(c context.Context) map[int64]bool {
			bs, err := s.ImportBatches(c, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]bool{}
			for _, x := range bs {
				out[x.ID] = true
			}
			return out
		}
		ba, bb, bc := batches(a.ctx), batches(b.ctx), batches(cityCtx)
		if len(ba) != len(plan.RegisterKinds)+1 || len(bb) != len(plan.RegisterKinds) || len(bc) != len(ba)+len(bb) {
			t.Errorf("import batches: %d, %d, the city %d", len(ba), len(bb), len(bc))
		}
		for id := range ba {
			if bb[id] {
				t.Errorf("batch %d in both districts", id)
			}
		}

		// Disputes: on one's own records only.
		smeB := recB.Records[0]
		if _, err := s.FlagRecord(a.ctx, a.unit, store.RecordRef{Kind: plan.RegSMEs, ID: smeB.ID}, "不是本区企业", nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("disputing the other district's record: %v, want not found", err)
		}
		if _, err := s.FlagRecord(a.ctx, b.unit, store.RecordRef{Kind: plan.RegSMEs, ID: smeB.ID}, "x", nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("disputing for the other district's unit: %v, want not found", err)
		}
		dispute, err := s.FlagRecord(b.ctx, b.unit, store.RecordRef{Kind: plan.RegSMEs, ID: smeB.ID}, "该企业已迁出", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ds, err := s.Disputes(a.ctx, store.DisputeFilter{}); err != nil || len(ds) != 0 {
			t.Errorf("org %d's disputes: %+v %v", a.org, ds, err)
		}
		if ds, err := s.Disputes(cityCtx, store.DisputeFilter{}); err != nil || len(ds) != 1 || ds[0].ID != dispute {
			t.Errorf("the city's disputes: %+v %v", ds, err)
		}
		if err := s.ResolveDispute(a.ctx, dispute, "已核实", nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("resolving the other district's dispute: %v, want not found", err)
		}
		if err := s.ResolveDispute(b.ctx, dispute, "已核实", nil); err != nil {
			t.Error(err)
		}

		// Uploads.
		up, err := s.StageUpload(a.ctx, plan.RegSMEs, "入库.xlsx", strings.NewReader("PK…"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if up.Org != a.org {
			t.Errorf("upload in organisation %d, want %d", up.Org, a.org)
		}
		if _, err := s.Upload(b.ctx, up.ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("the other district's upload: %v, want not found", err)
		}
		if err := s.CopyUpload(b.ctx, up.ID, store.PartFile, &strings.Builder{}); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("copying the other district's upload: %v, want not found", err)
		}
		if _, err := s.ClaimUpload(b.ctx, up.ID, false); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("claiming the other district's upload: %v, want not found", err)
		}
		if got, err := s.Upload(cityCtx, up.ID); err != nil || got.Org != a.org {
			t.Errorf("the city reading the upload: %+v %v", got, err)
		}
		// A city user importing a district's upload imports into the
		// district, not the city.
		if _, err := s.ImportRegister(b.ctx, store.ImportMeta{Kind: plan.RegSMEs, File: "x.xlsx", Org: a.org}, listRows("x.xlsx", revoked...), nil, nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("importing into the other district: %v, want not found", err)
		}
		res, err = s.ImportRegister(cityCtx, store.ImportMeta{Kind: plan.RegSMEs, File: "smes-3.xlsx", Org: a.org}, listRows("smes-3.xlsx", revoked...), nil, nil)
		if err != nil || res.Unchanged != 3 || !batches(a.ctx)[res.BatchID] {
			t.Errorf("the city importing into org %d: %+v %v", a.org, res, err)
		}

		// Keywords and decisions: per organisation, the same words in both.
		for _, d := range []*district{a, b} {
			if _, err := s.AddAttributionKeyword(d.ctx, d.unit, "洪都大道"); err != nil {
				t.Errorf("org %d: keyword: %v", d.org, err)
			}
		}
		if _, err := s.AddAttributionKeyword(a.ctx, b.unit, "京山路"); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a keyword for the other district's unit: %v, want not found", err)
		}
		kws, err := s.AttributionKeywords(a.ctx)
		if err != nil || len(kws) != 1 || kws[0].UnitID != a.unit {
			t.Errorf("org %d's keywords: %+v %v", a.org, kws, err)
		}
		if err := s.DeleteAttributionKeyword(b.ctx, kws[0].ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("deleting the other district's keyword: %v, want not found", err)
		}
		if kws, err := s.AttributionKeywords(cityCtx); err != nil || len(kws) != 2 {
			t.Errorf("the city's keywords: %+v %v", kws, err)
		}
		if err := s.SetAttribution(a.ctx, store.AttributionKey{USCC: uscc(1)}, b.unit, "", nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("attributing to the other district's unit: %v, want not found", err)
		}
		if got := figures(b, "2022-07-31"); strings.Join(got, "|") != strings.Join(fb, "|") {
			t.Errorf("the other district's figures moved with one's keywords: %v, were %v", got, fb)
		}

		// Header mappings.
		if err := s.SaveHeaderMapping(a.ctx, plan.RegSMEs, "shape-1", map[string]string{"代码": "uscc"}); err != nil {
			t.Fatal(err)
		}
		if _, _, found, err := s.HeaderMapping(b.ctx, "shape-1"); found || err != nil {
			t.Errorf("the other district's mapping: found %v, %v", found, err)
		}
		if _, _, found, err := s.HeaderMapping(a.ctx, "shape-1"); !found || err != nil {
			t.Errorf("one's own mapping: found %v, %v", found, err)
		}
	})
}

// countIn counts an organisation's rows of a register table.
func countIn(t *testing.T, s *store.Store, table string, org int64) int {
	t.Helper()
	rows, err := s.QueryForTest(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE org_id = $1`, org)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(rows[0][0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
