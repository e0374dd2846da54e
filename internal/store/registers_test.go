package store_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/register/registertest"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// listRows yields records as rows of a sheet, from row 2 (below the header).
func listRows(file string, records ...any) iter.Seq2[plan.RegisterRow, error] {
	return func(yield func(plan.RegisterRow, error) bool) {
		for i, r := range records {
			row := plan.RegisterRow{Origin: plan.Origin{File: file, Sheet: "Sheet1", Row: i + 2}}
			if p, ok := r.([]plan.RowProblem); ok {
				row.Problems = p
			} else {
				row.Record = r
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

func importList(t *testing.T, s *store.Store, kind plan.RegisterKind, file string, skip bool, records ...any) (*store.ImportResult, error) {
	t.Helper()
	return s.ImportRegister(context.Background(), store.ImportMeta{Kind: kind, File: file, SHA256: "sha-" + file, Size: int64(len(records)), SkipInvalid: skip},
		listRows(file, records...), nil, nil)
}

func mustImport(t *testing.T, s *store.Store, kind plan.RegisterKind, file string, records ...any) *store.ImportResult {
	t.Helper()
	res, err := importList(t, s, kind, file, false, records...)
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return res
}

func countRows(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	n, err := s.CountRowsForTest(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func loadDirectory(t testing.TB, s *store.Store) *examples.Example {
	t.Helper()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportDirectory(context.Background(), ex.Directory); err != nil {
		t.Fatal(err)
	}
	return ex
}

func uscc(i int) string { return fmt.Sprintf("91360104MA%08d", i) }

func enterprises(n int) []any {
	units := []string{"三家店街道", "洪都街道", "徐家坊街道", "京山街道", "岱山街道", "青云谱镇", "新经济产业集聚区"}
	var out []any
	for i := 0; i < n; i++ {
		out = append(out, &plan.Enterprise{USCC: uscc(i), Name: fmt.Sprintf("企业%03d有限公司", i), Area: units[i%len(units)], Industry: "制造业"})
	}
	return out
}

func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		rows := enterprises(100)
		rows[56] = []plan.RowProblem{{Column: "统一社会信用代码（C列）", Message: "应为18位"}} // sheet row 58
		rows[80] = &plan.Enterprise{Name: "没有代码的企业"}                             // the store's own check, row 82
		rows[90] = &plan.Enterprise{USCC: uscc(3), Name: "重复"}                   // duplicate of row 5
		var rejected []store.Rejection
		res, err := s.ImportRegister(context.Background(),
			store.ImportMeta{Kind: plan.RegEnterprises, File: "企业库.xlsx", OnReject: func(r store.Rejection) { rejected = append(rejected, r) }},
			listRows("企业库.xlsx", rows...), nil, nil)
		if plan.ErrorCode(err) != plan.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
		if !strings.Contains(err.Error(), "企业库.xlsx") || !strings.Contains(err.Error(), "第58行") || !strings.Contains(err.Error(), "统一社会信用代码（C列）") {
			t.Errorf("error does not name file, row and column: %v", err)
		}
		if res.Rejected != 3 || res.New != 0 || res.BatchID != 0 || len(res.Rejections) != 3 || len(rejected) != 3 {
			t.Fatalf("result = %+v", res)
		}
		want := []string{
			"企业库.xlsx 工作表“Sheet1” 第58行：统一社会信用代码（C列）应为18位",
			"企业库.xlsx 工作表“Sheet1” 第82行：统一社会信用代码不能为空",
			"企业库.xlsx 工作表“Sheet1” 第92行：统一社会信用代码“91360104MA00000003”与本文件工作表“Sheet1”第5行重复",
		}
		for i, w := range want {
			if got := res.Rejections[i].String(); got != w {
				t.Errorf("rejection %d = %s, want %s", i, got, w)
			}
		}
		for _, table := range []string{"enterprises", "enterprise_names", "import_batches"} {
			if n := countRows(t, s, table); n != 0 {
				t.Errorf("%s has %d rows after a refused import", table, n)
			}
		}
		entries, _, err := s.AuditLog(context.Background(), store.AuditFilter{Action: "register.import"})
		if err != nil || len(entries) != 0 {
			t.Errorf("audit of a refused import: %v %v", entries, err)
		}
	})
}

func TestImportSkipInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		rows := enterprises(100)
		rows[9] = []plan.RowProblem{{Column: "企业名称（B列）", Message: "不能为空"}}
		res, err := importList(t, s, plan.RegEnterprises, "企业库.xlsx", true, rows...)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 99 || res.Rejected != 1 || res.Read != 100 || res.BatchID == 0 {
			t.Fatalf("result = %+v", res)
		}
		if r := res.Rejections[0]; r.Origin.Row != 11 || r.Origin.Sheet != "Sheet1" || r.Problems[0].Column != "企业名称（B列）" {
			t.Errorf("rejection = %+v", r)
		}
		if n := countRows(t, s, "enterprises"); n != 99 {
			t.Errorf("%d enterprises, want 99", n)
		}
		batches, err := s.ImportBatches(context.Background(), plan.RegEnterprises, 0)
		if err != nil || len(batches) != 1 || batches[0].New != 99 || batches[0].Rejected != 1 || !batches[0].SkipInvalid {
			t.Errorf("batches = %+v %v", batches, err)
		}
		entries, _, err := s.AuditLog(context.Background(), store.AuditFilter{Action: "register.import"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"new":99`) {
			t.Errorf("one audit entry per batch with its counts: %+v %v", entries, err)
		}
	})
}

// sampleLists is one small list of each register.
func sampleLists() map[plan.RegisterKind][]any {
	d := plan.MustDecimal
	dp := func(s string) *plan.Decimal { v := plan.MustDecimal(s); return &v }
	return map[plan.RegisterKind][]any{
		plan.RegEnterprises: append(enterprises(5), &plan.Enterprise{USCC: uscc(50), Name: "研发企业", Address: "南昌市青云谱区徐家坊街道1号",
			FormerNames: []string{"旧名"}, RDInstitute: true, RDKind: "企业技术中心", RDLevel: plan.LevelCity,
			Years:       []plan.EnterpriseYear{{Year: 2021, Revenue: dp("32000"), RD: dp("900.5")}},
			Memberships: []plan.Membership{{List: plan.ListIncubation, Entered: "2021-06-01"}, {List: plan.ListGazelle, Entered: "2020-01-01", Left: "2022-01-01"}}}),
		plan.RegSMEs: {
			&plan.SMERecord{USCC: uscc(1), Name: "企业001有限公司", Year: 2022, RegNo: "2022360104A0001", Date: "2022-04-10"},
			&plan.SMERecord{USCC: uscc(2), Name: "企业002有限公司", Year: 2022, RegNo: "2022360104A0002", Date: "2022-04-10", Revoked: "2022-09-01"},
			&plan.SMERecord{Name: "无代码企业", Year: 2022, RegNo: "2022360104A0003", Date: "2022-05-10", Area: "京山街道"},
		},
		plan.RegHighTech: {
			&plan.HighTechCert{USCC: uscc(1), Name: "企业001有限公司", CertNo: "GR202136000001", Issued: "2021-11-03"},
			&plan.HighTechCert{USCC: uscc(60), Name: "新企业", CertNo: "GR202036000002", Issued: "2020-12-02", Area: "岱山街道"},
		},
		plan.RegContracts: {
			&plan.Contract{RegNo: "2022360104000001", Project: "甲技术开发", Seller: plan.ContractParty{Name: "企业001有限公司", USCC: uscc(1)},
				Buyer: plan.ContractParty{Name: "北京某公司", Area: "北京市海淀区"}, Type: "开发", Amount: d("120.5"), TechAmount: dp("100"), Registered: "2022-03-01"},
		},
		plan.RegPatents: {
			&plan.Patent{Number: "ZL202010000001.1", Title: "一种装置", Type: plan.PatentInvention, Granted: "2021-05-01",
				Holders: []plan.PatentHolder{{Name: "企业002有限公司", USCC: uscc(2), Domestic: true}, {Name: "某大学", Domestic: true}}},
		},
		plan.RegPlatforms: {
			&plan.Platform{Name: "甲技术中心", Kind: "企业技术中心", Level: plan.LevelCity, Mode: "认定", Decided: "2022-05-01", HostUSCC: uscc(3), HostName: "企业003有限公司"},
		},
		plan.RegStatistics: {
			&plan.Statistic{Area: "青云谱区", Indicator: plan.StatPopulation, Year: 2021, Value: d("33.52"), Source: "统计年鉴", Final: true},
			&plan.Statistic{Area: "洪都街道", Indicator: plan.StatPopulation, Year: 2021, Value: d("5.1")},
		},
	}
}

var registerTables = []string{"enterprises", "enterprise_names", "enterprise_years", "memberships", "smes", "hightech_certs",
	"contracts", "patents", "patent_holders", "platforms", "statistics"}

func TestImportIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		lists := sampleLists()
		for _, kind := range plan.RegisterKinds {
			res := mustImport(t, s, kind, string(kind)+".xlsx", lists[kind]...)
			if res.New != len(lists[kind]) || res.Updated != 0 || res.Unchanged != 0 {
				t.Errorf("%s first import: %+v", kind, res)
			}
		}
		before := map[string]int{}
		for _, table := range registerTables {
			before[table] = countRows(t, s, table)
		}
		for _, kind := range plan.RegisterKinds {
			res := mustImport(t, s, kind, string(kind)+".xlsx", lists[kind]...)
			if res.New != 0 || res.Updated != 0 || res.Unchanged != len(lists[kind]) || res.SameFileBatch == 0 {
				t.Errorf("%s second import: %+v", kind, res)
			}
		}
		for _, table := range registerTables {
			if n := countRows(t, s, table); n != before[table] {
				t.Errorf("%s: %d rows after re-import, %d before", table, n, before[table])
			}
		}
		// The SME and certificate lists added their unknown firms as stubs.
		if before["enterprises"] != 7 {
			t.Errorf("enterprises = %d, want 6 listed + 1 stub from the 高新 list", before["enterprises"])
		}
		counts, err := s.ListCounts(context.Background(), "2022-07-31")
		if err != nil || counts[plan.ListIncubation] != 1 || counts[plan.ListGazelle] != 0 {
			t.Errorf("ListCounts = %v %v", counts, err)
		}
	})
}

func TestImportUpdatesByKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		mustImport(t, s, plan.RegEnterprises, "企业库2021.xlsx", enterprises(10)...)
		later := enterprises(12)
		later[4] = &plan.Enterprise{USCC: uscc(4), Name: "企业004股份有限公司", Address: "南昌市青云谱区京山街道8号"} // renamed, area left empty
		res := mustImport(t, s, plan.RegEnterprises, "企业库2022.xlsx", later...)
		if res.New != 2 || res.Updated != 1 || res.Unchanged != 9 {
			t.Fatalf("result = %+v", res)
		}
		got, _, err := s.Unattributed(context.Background(), plan.RegEnterprises, store.Page{})
		if err != nil || len(got) != 0 {
			t.Errorf("the empty 属地 cell kept the stored one: unattributed %+v %v", got, err)
		}
		// A 取消 list names only the certificate and its date.
		mustImport(t, s, plan.RegHighTech, "认定.xlsx", &plan.HighTechCert{USCC: uscc(1), Name: "企业001有限公司", CertNo: "GR202136000001", Issued: "2021-11-03"})
		res = mustImport(t, s, plan.RegHighTech, "取消.xlsx", &plan.HighTechCert{CertNo: "gr202136000001", Cancelled: "2022-06-30"})
		if res.Updated != 1 {
			t.Fatalf("取消 list: %+v", res)
		}
		regs, err := s.LoadRegistersForTest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c := regs.Certs[0]
		if c.Issued != "2021-11-03" || c.Cancelled != "2022-06-30" || c.USCC != uscc(1) {
			t.Errorf("certificate after 取消 = %+v", c)
		}
		// The rename is remembered: a contract naming the old name finds the firm.
		mustImport(t, s, plan.RegContracts, "合同.xlsx", &plan.Contract{RegNo: "2022360104000009", Project: "乙",
			Seller: plan.ContractParty{Name: "企业004有限公司"}, Buyer: plan.ContractParty{Name: "外地", Area: "上海市"}, Amount: plan.MustDecimal("1"), Registered: "2022-02-02"})
		regs, _ = s.LoadRegistersForTest(context.Background())
		if u := regs.Contracts[0].Seller.UnitID; u != unitID(t, s, "岱山街道") {
			t.Errorf("seller by former name: unit %d", u)
		}
		if regs.Contracts[0].Buyer.InArea {
			t.Error("a buyer in 上海市 is in the area")
		}
	})
}

func TestAttribution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDirectory(t, s)
		hongdu, xujiafang, jingshan, zone := unitID(t, s, "洪都街道"), unitID(t, s, "徐家坊街道"), unitID(t, s, "京山街道"), unitID(t, s, "新经济产业集聚区")
		list := []any{
			&plan.Enterprise{USCC: uscc(1), Name: "属地企业", Area: "洪都街道"},
			&plan.Enterprise{USCC: uscc(2), Name: "大道企业", Address: "南昌市青云谱区洪都大道599号"},
			&plan.Enterprise{USCC: uscc(3), Name: "地址企业", Address: "江西省南昌市青云谱区徐家坊街道解放西路8号"},
			&plan.Enterprise{USCC: uscc(4), Name: "园区企业", Address: "南昌市昌南工业园12栋"},
			&plan.Enterprise{USCC: uscc(5), Name: "别名企业", Area: "京山街办"},
		}
		res := mustImport(t, s, plan.RegEnterprises, "企业库.xlsx", list...)
		if res.Unattributed != 3 {
			t.Errorf("unattributed after import = %d, want 3 (洪都大道, 昌南工业园, 京山街办)", res.Unattributed)
		}
		units := func() map[string]int64 {
			t.Helper()
			out := map[string]int64{}
			recs, _, err := s.Unattributed(ctx, plan.RegEnterprises, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				out[r.Name] = 0
			}
			regs, err := s.LoadRegistersForTest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range regs.SMEs {
				out["sme:"+r.Name] = r.UnitID
			}
			return out
		}
		// SMEs follow their enterprise.
		mustImport(t, s, plan.RegSMEs, "入库.xlsx",
			&plan.SMERecord{USCC: uscc(1), Name: "属地企业", Year: 2022, Date: "2022-03-01"},
			&plan.SMERecord{USCC: uscc(2), Name: "大道企业", Year: 2022, Date: "2022-03-01"},
			&plan.SMERecord{USCC: uscc(3), Name: "地址企业", Year: 2022, Date: "2022-03-01"})
		u := units()
		if _, ok := u["大道企业"]; !ok || u["sme:属地企业"] != hongdu || u["sme:地址企业"] != xujiafang || u["sme:大道企业"] != 0 {
			t.Errorf("after import: %v", u)
		}
		// An alias and a keyword resolve the others at once.
		dir, _ := s.Directory(ctx)
		jsUnit, _ := dir.Unit(jingshan)
		jsUnit.Aliases = append(jsUnit.Aliases, "京山街办")
		if _, err := s.SaveUnit(ctx, jsUnit); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAttributionKeyword(ctx, zone, "昌南工业园"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAttributionKeyword(ctx, zone, "昌南工业园"); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("duplicate keyword: %v", err)
		}
		recs, total, err := s.Unattributed(ctx, plan.RegEnterprises, store.Page{})
		if err != nil || total != 1 || recs[0].USCC != uscc(2) || recs[0].Origin.File != "企业库.xlsx" || recs[0].Origin.Row != 3 {
			t.Fatalf("unattributed = %+v (%d) %v", recs, total, err)
		}
		// Staff resolve 大道企业 once; the decision holds for its SMEs and
		// for later lists, even one whose 属地 column says otherwise.
		if err := s.SetAttribution(ctx, store.AttributionKey{USCC: uscc(2)}, jingshan, "实地核实", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAttribution(ctx, store.AttributionKey{USCC: uscc(2)}, unitID(t, s, "区科工局"), "", nil); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("attributing to a department: %v", err)
		}
		if u := units(); u["sme:大道企业"] != jingshan {
			t.Errorf("SME after SetAttribution: %v", u)
		}
		mustImport(t, s, plan.RegEnterprises, "企业库2.xlsx", &plan.Enterprise{USCC: uscc(2), Name: "大道企业", Area: "洪都街道"})
		if u := units(); u["sme:大道企业"] != jingshan {
			t.Errorf("the decision did not hold on re-import: %v", u)
		}
		// Records of a firm the 企业库 lacks are decided by name.
		mustImport(t, s, plan.RegContracts, "合同.xlsx", &plan.Contract{RegNo: "2022360104000001", Project: "甲",
			Seller: plan.ContractParty{Name: "某研究院"}, Buyer: plan.ContractParty{Name: "属地企业"}, Amount: plan.MustDecimal("10"), Registered: "2022-02-01"})
		crecs, _, err := s.Unattributed(ctx, plan.RegContracts, store.Page{})
		if err != nil || len(crecs) != 1 || crecs[0].Role != "卖方" || crecs[0].Name != "某研究院" {
			t.Fatalf("unattributed contracts = %+v %v", crecs, err)
		}
		if err := s.SetAttribution(ctx, store.AttributionKey{Name: "某研究院"}, hongdu, "", nil); err != nil {
			t.Fatal(err)
		}
		regs, _ := s.LoadRegistersForTest(ctx)
		if c := regs.Contracts[0]; c.Seller.UnitID != hongdu || c.Buyer.UnitID != hongdu || !c.Buyer.InArea {
			t.Errorf("contract = %+v", c)
		}
		// Forgetting a decision attributes by the lists again.
		if err := s.ForgetAttribution(ctx, store.AttributionKey{USCC: uscc(2)}); err != nil {
			t.Fatal(err)
		}
		if u := units(); u["sme:大道企业"] != hongdu {
			t.Errorf("after ForgetAttribution (属地 now 洪都街道): %v", u)
		}
		kws, err := s.AttributionKeywords(ctx)
		if err != nil || len(kws) != 1 {
			t.Fatalf("keywords = %v %v", kws, err)
		}
		if err := s.DeleteAttributionKeyword(ctx, kws[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := s.Unattributed(ctx, plan.RegEnterprises, store.Page{}); total != 1 {
			t.Errorf("after deleting the keyword: %d unattributed, want 1 (园区企业)", total)
		}
	})
}

func TestStatisticsAreas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		res, err := importList(t, s, plan.RegStatistics, "统计.xlsx", false,
			&plan.Statistic{Area: "南昌市青云谱区", Indicator: plan.StatGDP, Year: 2021, Value: plan.MustDecimal("1")},
			&plan.Statistic{Area: "", Indicator: plan.StatRD, Year: 2021, Value: plan.MustDecimal("1")},
			&plan.Statistic{Area: "洪都街道", Indicator: plan.StatGDP, Year: 2021, Value: plan.MustDecimal("1")},
			&plan.Statistic{Area: "南昌市", Indicator: plan.StatGDP, Year: 2021, Value: plan.MustDecimal("1")},
			&plan.Statistic{Area: "青云谱区", Indicator: plan.StatGDP, Year: 2021, Value: plan.MustDecimal("2")}) // the same as row 2
		if plan.ErrorCode(err) != plan.EINVALID || res.Rejected != 2 {
			t.Fatalf("err = %v, result %+v", err, res)
		}
		if !strings.Contains(res.Rejections[0].String(), "第5行：地区“南昌市”不是本区") || !strings.Contains(res.Rejections[1].String(), "第2行重复") {
			t.Errorf("rejections = %v", res.Rejections)
		}
	})
}

// TestImportLinksFirmsAcrossBatches: a list longer than a batch names the
// same firms in every batch, by USCC and by name only; the import asks
// about each firm once (fetchFirms' cache) and every batch's records are
// linked as the first batch's: to the enterprise, in its unit; a name no
// enterprise bears stays unlinked in every batch.
func TestImportLinksFirmsAcrossBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.ImportDirectory(ctx, registertest.Directory(3)); err != nil {
			t.Fatal(err)
		}
		const firms, contracts = 300, 12_000 // three batches
		var ents []any
		for i := range firms {
			ents = append(ents, &plan.Enterprise{USCC: uscc(i), Name: fmt.Sprintf("企业%d", i), Area: registertest.UnitName(1 + i%3)})
		}
		mustImport(t, s, plan.RegEnterprises, "企业库.xlsx", ents...)
		var recs []any
		for i := range contracts {
			seller := plan.ContractParty{Name: fmt.Sprintf("企业%d", i%firms)}
			switch i % 3 {
			case 0:
				seller.USCC = uscc(i % firms)
			case 2:
				seller.Name = fmt.Sprintf("外地企业%d", i%firms) // no such enterprise
			}
			recs = append(recs, &plan.Contract{RegNo: fmt.Sprintf("2022360104%06d", i), Seller: seller, Buyer: plan.ContractParty{Name: "买方", Area: "北京市"},
				Type: "开发", Amount: plan.NewDecimal(1), Registered: "2022-03-01"})
		}
		if res := mustImport(t, s, plan.RegContracts, "合同.xlsx", recs...); res.New != contracts {
			t.Fatalf("%+v", res)
		}
		rows, err := s.QueryForTest(ctx, `SELECT
			SUM(CASE WHEN e.id IS NOT NULL AND e.name = c.seller_name AND c.seller_unit_id = e.unit_id AND e.unit_id IS NOT NULL THEN 1 ELSE 0 END),
			SUM(CASE WHEN c.seller_enterprise_id IS NULL AND c.seller_name LIKE '外地%' THEN 1 ELSE 0 END)
			FROM contracts c LEFT JOIN enterprises e ON e.id = c.seller_enterprise_id`)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{strconv.Itoa(contracts * 2 / 3), strconv.Itoa(contracts / 3)}; rows[0][0] != want[0] || rows[0][1] != want[1] {
			t.Errorf("linked in their firm's unit, unlinked strangers: %v, want %v", rows[0], want)
		}
	})
}

// TestImportAnalyzesAsItGrows: on PostgreSQL an import that has read
// 20,000 rows has refreshed the statistics of the columns its batches look
// records up by (without them each batch read the whole register); on
// SQLite there is nothing to refresh. Both import every row.
func TestImportAnalyzesAsItGrows(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 20,000 contracts")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 20_000
		var recs []any
		for i := range n {
			recs = append(recs, &plan.Contract{RegNo: fmt.Sprintf("2022360104%06d", i), Seller: plan.ContractParty{Name: "卖方"},
				Type: "开发", Amount: plan.NewDecimal(1), Registered: "2022-03-01"})
		}
		if res := mustImport(t, s, plan.RegContracts, "合同.xlsx", recs...); res.New != n {
			t.Fatalf("%+v", res)
		}
		if s.Dialect() != store.Postgres {
			return
		}
		rows, err := s.QueryForTest(ctx, `SELECT COUNT(*) FROM pg_stats WHERE tablename = 'contracts' AND attname IN ('org_id', 'reg_no')`)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "2" {
			t.Errorf("statistics of contracts' org_id and reg_no: %s columns, want 2", rows[0][0])
		}
	})
}

// TestConcurrentImportsAnalyze: imports past the first ANALYZE run at
// once on PostgreSQL — contracts in two districts (the same table), SMEs
// beside certificates in the city (both analyse the 企业库, in the same
// order) — and every one completes with all its rows: ANALYZE's locks
// make them wait, never deadlock.
func TestConcurrentImportsAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 82,000 rows")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("only PostgreSQL analyses (SQLite has one writer)")
		}
		city, a, b := twoDistricts(t, s)
		cityCtx := store.WithScope(context.Background(), store.Scope{Org: city, Orgs: []int64{city}})
		const n = 20_500
		type job struct {
			ctx  context.Context
			kind plan.RegisterKind
			recs []any
		}
		jobs := []job{{a.ctx, plan.RegContracts, nil}, {b.ctx, plan.RegContracts, nil}, {cityCtx, plan.RegSMEs, nil}, {cityCtx, plan.RegHighTech, nil}}
		for i := range n {
			for k := range jobs[:2] {
				jobs[k].recs = append(jobs[k].recs, &plan.Contract{RegNo: fmt.Sprintf("2022360104%06d", i), Seller: plan.ContractParty{Name: "卖方"},
					Type: "开发", Amount: plan.NewDecimal(1), Registered: "2022-03-01"})
			}
			jobs[2].recs = append(jobs[2].recs, &plan.SMERecord{USCC: registertest.USCC(i), Name: fmt.Sprintf("企业%d", i), RegNo: fmt.Sprintf("20223601%08d", i), Year: 2022, Date: "2022-03-01"})
			jobs[3].recs = append(jobs[3].recs, &plan.HighTechCert{USCC: registertest.USCC(n + i), Name: fmt.Sprintf("企业%d", n+i), CertNo: fmt.Sprintf("GR202236%06d", i), Issued: "2022-03-01"})
		}
		errs := make(chan error, len(jobs))
		for _, j := range jobs {
			go func() {
				res, err := s.ImportRegister(j.ctx, store.ImportMeta{Kind: j.kind, File: string(j.kind) + ".xlsx"}, listRows(string(j.kind)+".xlsx", j.recs...), nil, nil)
				if err == nil && (res.New != n || res.Rejected != 0) {
					err = fmt.Errorf("%s: %d new, %d rejected", j.kind, res.New, res.Rejected)
				}
				errs <- err
			}()
		}
		for range jobs {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		for table, want := range map[string]int{"contracts": 2 * n, "smes": n, "hightech_certs": n, "enterprises": 2 * n} {
			if got := countRows(t, s, table); got != want {
				t.Errorf("%s: %d records, want %d", table, got, want)
			}
		}
	})
}

// TestSMEsAfterTheirContracts: an SME list adding 20,500 firms after the
// contracts naming them (by USCC) links every contract to its firm when
// it ends. On PostgreSQL the planner took the batch's marked firms
// (register_pending) for one row and read the contracts once for each:
// minutes, until the import analysed them too.
func TestSMEsAfterTheirContracts(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 41,000 rows")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n = 20_500
		var cs, ss []any
		for i := range n {
			cs = append(cs, &plan.Contract{RegNo: fmt.Sprintf("2022360104%06d", i), Seller: plan.ContractParty{Name: fmt.Sprintf("企业%d", i), USCC: registertest.USCC(i)},
				Type: "开发", Amount: plan.NewDecimal(1), Registered: "2022-03-01"})
			ss = append(ss, &plan.SMERecord{USCC: registertest.USCC(i), Name: fmt.Sprintf("企业%d", i), RegNo: fmt.Sprintf("20223601%08d", i), Year: 2022, Date: "2022-03-01"})
		}
		mustImport(t, s, plan.RegContracts, "合同.xlsx", cs...)
		mustImport(t, s, plan.RegSMEs, "入库.xlsx", ss...)
		rows, err := s.QueryForTest(context.Background(), `SELECT COUNT(*) FROM contracts c JOIN enterprises e ON e.id = c.seller_enterprise_id AND e.uscc = c.seller_uscc`)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != strconv.Itoa(n) {
			t.Errorf("%s contracts linked to their firm, want %d", rows[0][0], n)
		}
	})
}

// A later patent list replaces the holders of the patents it changes and
// adds those of new ones in the same batch, leaving unchanged ones' alone:
// on PostgreSQL new patents' holders are copied in by ids taken first.
func TestImportReplacesPatentHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		mustImport(t, s, plan.RegEnterprises, "企业库.xlsx", enterprises(10)...)
		holder := func(i int) plan.PatentHolder {
			return plan.PatentHolder{Name: fmt.Sprintf("企业%03d有限公司", i), USCC: uscc(i), Domestic: true}
		}
		patent := func(no string, holders ...plan.PatentHolder) *plan.Patent {
			return &plan.Patent{Number: no, Title: "一种装置", Type: plan.PatentInvention, Granted: "2021-05-01", Holders: holders}
		}
		mustImport(t, s, plan.RegPatents, "专利2021.xlsx",
			patent("ZL202010000001.1", holder(1), plan.PatentHolder{Name: "某大学", Domestic: true}), patent("ZL202010000002.1", holder(2)))
		res := mustImport(t, s, plan.RegPatents, "专利2022.xlsx",
			patent("ZL202010000001.1", holder(3)), patent("ZL202010000002.1", holder(2)), patent("ZL202010000003.1", holder(4), holder(5)))
		if res.New != 1 || res.Updated != 1 || res.Unchanged != 1 {
			t.Fatalf("result = %+v", res)
		}
		if n := countRows(t, s, "patent_holders"); n != 4 {
			t.Errorf("%d holders, want 4", n)
		}
		regs, err := s.LoadRegistersForTest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{"ZL202010000001.1": {uscc(3)}, "ZL202010000002.1": {uscc(2)}, "ZL202010000003.1": {uscc(4), uscc(5)}}
		for _, p := range regs.Patents {
			var got []string
			for _, h := range p.Holders {
				got = append(got, h.USCC)
				if h.UnitID == 0 {
					t.Errorf("%s: holder %s has no unit", p.Number, h.Name)
				}
			}
			if !slices.Equal(got, want[p.Number]) {
				t.Errorf("%s: holders %v, want %v", p.Number, got, want[p.Number])
			}
		}
	})
}

// Two imports of one patent list at once: on SQLite the second waits for
// the first and finds every patent unchanged; on PostgreSQL it may also
// meet the first's patents at their key and is refused as a conflict,
// writing nothing. Either way each patent and holder is stored once.
func TestConcurrentImportsOfOneList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		const n = 6_000 // more than a batch
		var recs []any
		for i := range n {
			recs = append(recs, &plan.Patent{Number: fmt.Sprintf("ZL2020100%05d.1", i), Title: "一种装置", Type: plan.PatentInvention, Granted: "2021-05-01",
				Holders: []plan.PatentHolder{{Name: "某大学", Domestic: true}, {Name: fmt.Sprintf("企业%d", i%7), Domestic: true}}})
		}
		type result struct {
			res *store.ImportResult
			err error
		}
		out := make(chan result, 2)
		for range 2 {
			go func() {
				res, err := s.ImportRegister(context.Background(), store.ImportMeta{Kind: plan.RegPatents, File: "专利.xlsx"}, listRows("专利.xlsx", recs...), nil, nil)
				out <- result{res, err}
			}()
		}
		news := 0
		for range 2 {
			r := <-out
			switch {
			case r.err == nil:
				news += r.res.New
				if r.res.New+r.res.Unchanged != n {
					t.Errorf("result = %+v", r.res)
				}
			case plan.ErrorCode(r.err) != plan.ECONFLICT || !strings.Contains(r.err.Error(), "另一次导入同时写入"):
				t.Errorf("the second import: %v (code %s), want a conflict", r.err, plan.ErrorCode(r.err))
			}
		}
		if news != n {
			t.Errorf("%d patents new in all, want %d", news, n)
		}
		if got := countRows(t, s, "patents"); got != n {
			t.Errorf("%d patents, want %d", got, n)
		}
		if got := countRows(t, s, "patent_holders"); got != 2*n {
			t.Errorf("%d holders, want %d", got, 2*n)
		}
	})
}
