package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
	"kechuang/internal/regimport"
	"kechuang/internal/register"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// testUSCC is the n-th 统一社会信用代码 of the tests, with a valid check
// character.
func testUSCC(n int) string {
	first := fmt.Sprintf("91360104MA%07d", n)
	c, _ := plan.USCCCheckChar(first)
	return first + string(c)
}

// smeList is a 2022 科技型中小企业 list as published: a title row, 序号,
// five firms — two of 三家店街道, one of 洪都街道, one without 属地 (待归属),
// one entered after July.
func smeList() []byte {
	return []byte("2022年科技型中小企业入库名单（第一批）\n" +
		"序号,企业名称,统一社会信用代码,所属街道,入库登记编号,入库日期\n" +
		"1,青云甲科技有限公司," + testUSCC(1) + ",三家店街道,2022360104A00001,2022-03-15\n" +
		"2,青云乙科技有限公司," + testUSCC(2) + ",三家店街道,2022360104A00002,2022-05-10\n" +
		"3,青云丙科技有限公司," + testUSCC(3) + ",洪都街道,2022360104A00003,2022-06-01\n" +
		"4,青云丁科技有限公司," + testUSCC(4) + ",,2022360104A00004,2022-07-01\n" +
		"5,青云戊科技有限公司," + testUSCC(5) + ",三家店街道,2022360104A00005,2022-09-01\n")
}

// statisticsList gives 2021's GDP, R&D and population: R&D/GDP is 2% in
// 2021 and not assessable for 2022.
func statisticsList() []byte {
	return []byte("指标,年份,数值,地区,计量单位\n" +
		"地区生产总值,2021,5000000,青云谱区,万元\n" +
		"R&D经费内部支出,2021,100000,青云谱区,万元\n" +
		"常住人口,2021,35,青云谱区,万人\n")
}

// enterpriseList puts two firms on the 高新技术企业培育库 and one on the 瞪羚.
func enterpriseList() []byte {
	return []byte("企业名称,统一社会信用代码,所属街道,名单,入库日期\n" +
		"青云甲科技有限公司," + testUSCC(1) + ",三家店街道,培育库,2022-01-10\n" +
		"青云丙科技有限公司," + testUSCC(3) + ",洪都街道,培育库,2022-02-10\n" +
		"青云乙科技有限公司," + testUSCC(2) + ",三家店街道,瞪羚,2021-12-01\n")
}

// contractList names its registration numbers 合同编号, which no list of
// the reader's knows: the page asks for the mapping.
func contractList(regNo, amount string) []byte {
	return []byte("合同编号,项目名称,卖方名称,卖方所在地区,买方名称,合同类型,成交额（万元）,登记日期\n" +
		regNo + ",智能传感器开发,青云甲科技有限公司,三家店街道,外省某公司,技术开发," + amount + ",2022-04-01\n")
}

// importCSV imports a list through the reader, as the CLI does.
func importCSV(t *testing.T, st *store.Store, kind plan.RegisterKind, name string, data []byte) *store.ImportResult {
	t.Helper()
	return importCSVIn(context.Background(), t, st, kind, name, data)
}

// importCSVIn imports a list into the registers of the organisation ctx
// works in.
func importCSVIn(ctx context.Context, t *testing.T, st *store.Store, kind plan.RegisterKind, name string, data []byte) *store.ImportResult {
	t.Helper()
	rd, err := register.Open(name, bytes.NewReader(data), int64(len(data)), kind, register.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer rd.Close()
	sum := sha256.Sum256(data)
	res, err := regimport.Import(ctx, st, rd, store.ImportMeta{Kind: kind, File: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}, regimport.Options{}, nil)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

// newRegisterFixture is the web fixture with the 2022 plan's goals bound to
// their default definitions, as a plan is when it is created, and small
// lists in the registers: 科技型中小企业, 2021 statistics, the 企业库's lists.
func newRegisterFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	f := newFixture(t, dsn)
	rebindDefaults(t, f)
	importCSV(t, f.store, plan.RegSMEs, "2022年科技型中小企业入库名单.csv", smeList())
	importCSV(t, f.store, plan.RegStatistics, "2021年统计数据.csv", statisticsList())
	importCSV(t, f.store, plan.RegEnterprises, "企业名单.csv", enterpriseList())
	return f
}

// rebindDefaults binds every goal with a default definition to it again
// (newFixture unbinds them).
func rebindDefaults(t *testing.T, f *fixture) {
	t.Helper()
	for _, g := range f.doc.Goals {
		if def, ok := plan.DefaultDefinitionFor(g); ok {
			if err := f.store.BindGoal(context.Background(), g.ID, def); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (f *fixture) goal(t *testing.T, indicator string) plan.DocGoal {
	t.Helper()
	for _, g := range f.doc.Goals {
		if strings.Contains(g.Indicator, indicator) {
			return g
		}
	}
	t.Fatalf("no goal %s", indicator)
	return plan.DocGoal{}
}

func (f *fixture) unitID(t *testing.T, name string) int64 {
	t.Helper()
	dir, _ := f.store.Directory(context.Background())
	id := dir.Index()[name].UnitID
	if id == 0 {
		t.Fatalf("no unit %s", name)
	}
	return id
}

var uploadPath = regexp.MustCompile(`^/registers/[a-z]+/uploads/[0-9a-f]{20}$`)

// uploadList posts a list to a register's import page and returns its page.
func uploadList(t *testing.T, f *fixture, c *http.Client, kind plan.RegisterKind, name string, data []byte) string {
	t.Helper()
	code, body, loc := postFile(t, c, f.srv.URL+"/registers/"+string(kind)+"/uploads", "file", name, data)
	if code != http.StatusSeeOther || !uploadPath.MatchString(loc) {
		t.Fatalf("upload %s: %d %s %s", name, code, loc, body)
	}
	return loc
}

// TestRegisterImportPage: a list uploaded is checked — its first rows and
// every problem shown, nothing written — then imported on confirmation;
// the same file again changes nothing, and an upload imports once.
func TestRegisterImportPage(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		admin := f.client(t, "admin")
		page := uploadList(t, f, admin, plan.RegSMEs, "2022年科技型中小企业入库名单.csv", smeList())
		code, body := get(t, admin, f.srv.URL+page)
		if code != 200 {
			t.Fatalf("upload page: %d", code)
		}
		for _, want := range []string{"表头在第 2 行", "共 5 行数据：可导入 5 行", "尚未写入任何记录", "青云甲科技有限公司", "入库登记编号", "没有发现问题", `id="import-form"`} {
			if !strings.Contains(body, want) {
				t.Errorf("upload page lacks %q", want)
			}
		}
		if n := countSMEs(t, f); n != 0 {
			t.Fatalf("the check wrote %d records", n)
		}
		code, _, loc := postForm(t, admin, f.srv.URL+page+"/import", url.Values{})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, page) {
			t.Fatalf("import: %d %s", code, loc)
		}
		_, body = get(t, admin, f.srv.URL+page)
		if !strings.Contains(body, "读取 5 行，新增 5，更新 0，未变 0，未导入 0；本台账待归属 1 条") {
			t.Errorf("result page: %s", between(body, `id="result"`, "</section>"))
		}
		if n := countSMEs(t, f); n != 5 {
			t.Errorf("%d records after the import, want 5", n)
		}
		// Confirming again (a second click, another instance) is refused.
		if code, _, _ := postForm(t, admin, f.srv.URL+page+"/import", url.Values{}); code != http.StatusConflict {
			t.Errorf("second import of one upload: %d, want 409", code)
		}
		// The same file uploaded again imports as unchanged.
		page2 := uploadList(t, f, admin, plan.RegSMEs, "2022年科技型中小企业入库名单.csv", smeList())
		postForm(t, admin, f.srv.URL+page2+"/import", url.Values{})
		_, body = get(t, admin, f.srv.URL+page2)
		if !strings.Contains(body, "新增 0，更新 0，未变 5") || !strings.Contains(body, "此文件已于批次") {
			t.Errorf("re-import: %s", between(body, `id="result"`, "</section>"))
		}
		// The register pages list the batches and counts.
		_, body = get(t, admin, f.srv.URL+"/registers")
		if !strings.Contains(body, "2022年科技型中小企业入库名单.csv") || !strings.Contains(body, `<a href="/registers/smes/unattributed">1</a>`) {
			t.Errorf("registers page: %s", between(body, `id="register-smes"`, "</tr>"))
		}
		leader := f.client(t, "leader")
		if code, body := get(t, leader, f.srv.URL+"/registers/smes"); code != 200 || strings.Contains(body, `id="upload-form"`) {
			t.Errorf("a leader's register page: %d, upload form shown: %v", code, strings.Contains(body, `id="upload-form"`))
		}
		if code, _ := get(t, f.client(t, "sjd"), f.srv.URL+"/registers"); code != http.StatusForbidden {
			t.Errorf("a reporter's registers page: %d, want 403", code)
		}
	})
}

func countSMEs(t *testing.T, f *fixture) int {
	t.Helper()
	sums, err := f.store.RegisterSummaries(context.Background(), plan.RegSMEs, 1)
	if err != nil {
		t.Fatal(err)
	}
	return sums[0].Records
}

// between is the part of s from the first from up to the next to, for
// error messages.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return "(" + from + " not found)"
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestRegisterSkipInvalid: problems name file, row and column before
// anything is written; all or nothing refuses the list; 跳过错误行 writes the
// rest and gives the rejected rows back as .xlsx with 原因.
func TestRegisterSkipInvalid(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		admin := f.client(t, "admin")
		list := string(smeList())
		list = strings.Replace(list, ",2022360104A00002,", ",,", 1) // row 4: no 入库登记编号
		list = strings.Replace(list, "2022-06-01", "2022年13月1日", 1) // row 5: no date
		page := uploadList(t, f, admin, plan.RegSMEs, "名单.csv", []byte(list))
		_, body := get(t, admin, f.srv.URL+page)
		issues := between(body, `id="issues"`, "</ul>")
		for _, want := range []string{"名单.csv 第4行 入库登记编号（E列）", "名单.csv 第5行 入库日期（F列）"} {
			if !strings.Contains(issues, want) {
				t.Errorf("problems lack %q: %s", want, issues)
			}
		}
		if !strings.Contains(body, "有问题 2 行") {
			t.Errorf("summary: %s", between(body, `id="check-summary"`, "</p>"))
		}
		// All or nothing: refused, nothing written, the upload can be
		// imported again.
		postForm(t, admin, f.srv.URL+page+"/import", url.Values{})
		_, body = get(t, admin, f.srv.URL+page)
		if !strings.Contains(body, "2 行有问题，未导入任何记录") || countSMEs(t, f) != 0 {
			t.Fatalf("all-or-nothing: %d records; %s", countSMEs(t, f), between(body, `id="result"`, "</section>"))
		}
		postForm(t, admin, f.srv.URL+page+"/import", url.Values{"skip_invalid": {"1"}})
		_, body = get(t, admin, f.srv.URL+page)
		if !strings.Contains(body, "新增 3，更新 0，未变 0，未导入 2") || countSMEs(t, f) != 3 {
			t.Fatalf("skip-invalid: %d records; %s", countSMEs(t, f), between(body, `id="result"`, "</section>"))
		}
		if !strings.Contains(body, `id="rejected-link"`) {
			t.Fatal("no link to the rejected rows")
		}
		res, err := admin.Get(f.srv.URL + page + "/rejected.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), url.PathEscape("名单 未导入的行.xlsx")) {
			t.Fatalf("rejected rows: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		wb, err := excelize.OpenReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(wb.GetSheetList()[0])
		if len(rows) != 3 || rows[0][len(rows[0])-1] != "原因" || rows[1][1] != "青云乙科技有限公司" || !strings.Contains(rows[1][len(rows[1])-1], "入库登记编号") || rows[2][1] != "青云丙科技有限公司" {
			t.Errorf("rejected rows: %q", rows)
		}
	})
}

// TestRegisterMappingRemembered: a list whose required column has an
// unknown header gets a mapping step; the choice is remembered, and the
// next list of the same header shape is read with it at once.
func TestRegisterMappingRemembered(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		admin := f.client(t, "admin")
		page := uploadList(t, f, admin, plan.RegContracts, "技术合同.csv", contractList("2022360104000001", "5000"))
		_, body := get(t, admin, f.srv.URL+page)
		if !strings.Contains(body, "表头缺少必需的列：合同登记号") || !strings.Contains(body, `name="header_0" value="合同编号"`) || strings.Contains(body, `id="import-form"`) {
			t.Fatalf("mapping step: %s", between(body, `id="mapping"`, "</section>"))
		}
		shape := regexp.MustCompile(`name="shape" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if shape == nil {
			t.Fatal("no shape on the mapping form")
		}
		code, _, loc := postForm(t, admin, f.srv.URL+page+"/mapping", url.Values{"shape": {shape[1]}, "header_0": {"合同编号"}, "field_0": {"reg_no"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save mapping: %d", code)
		}
		_, body = get(t, admin, f.srv.URL+loc)
		if !strings.Contains(body, "可导入 1 行") || !strings.Contains(body, `<option value="reg_no" selected>`) {
			t.Fatalf("after mapping: %s", between(body, `id="check"`, "</section>"))
		}
		// NDJSON progress, as the page's script asks for it.
		req, _ := http.NewRequest("POST", f.srv.URL+page+"/import", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/x-ndjson")
		res, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
			t.Fatalf("import answer %d %s", res.StatusCode, ct)
		}
		var last importProgress
		lines := 0
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			lines++
		}
		res.Body.Close()
		if lines < 2 || last.URL != page+"#result" || last.Rows != 1 || last.Done != last.Total || last.Unit != "bytes" {
			t.Errorf("%d lines, last %+v", lines, last)
		}
		// The next list of this shape needs no mapping.
		page2 := uploadList(t, f, admin, plan.RegContracts, "技术合同（二）.csv", contractList("2022360104000002", "2500"))
		_, body = get(t, admin, f.srv.URL+page2)
		if strings.Contains(body, "表头缺少") || !strings.Contains(body, "可导入 1 行") {
			t.Errorf("second list of the shape: %s", between(body, `id="check"`, "</section>"))
		}
		postForm(t, admin, f.srv.URL+page2+"/import", url.Values{})
		a := apiActualsOf(t, f, "leader", "2022-07-31")
		if g := a.goal("技术合同"); g == nil || g.Value == nil || *g.Value != "0.75" {
			t.Errorf("技术合同成交额 after both lists: %+v", g)
		}
	})
}

// TestUnattributedResolve: a firm without 属地 counts in the district only,
// until staff put it in a unit; the choice holds for later lists.
func TestUnattributedResolve(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		admin := f.client(t, "admin")
		_, body := get(t, admin, f.srv.URL+"/registers/smes/unattributed")
		if !strings.Contains(body, "青云丁科技有限公司") || !strings.Contains(body, "1 条") {
			t.Fatalf("待归属: %s", between(body, `id="unattributed"`, "</table>"))
		}
		hd := f.unitID(t, "洪都街道")
		code, _, _ := postForm(t, admin, f.srv.URL+"/registers/smes/unattributed", url.Values{"uscc": {testUSCC(4)}, "name": {"青云丁科技有限公司"}, "unit": {itoa(hd)}})
		if code != http.StatusSeeOther {
			t.Fatalf("resolve: %d", code)
		}
		_, body = get(t, admin, f.srv.URL+"/registers/smes/unattributed")
		if strings.Contains(body, "青云丁科技有限公司") || !strings.Contains(body, "没有待归属的记录") {
			t.Error("the resolved firm is still 待归属")
		}
		if g := apiActualsOf(t, f, "leader", "2022-07-31").goal("科技型中小企业"); g.unit("洪都街道") != "2" || *g.Value != "4" {
			t.Errorf("科技型中小企业 after the decision: %+v", g)
		}
		// A leader reads the list but cannot resolve.
		leader := f.client(t, "leader")
		if code, _ := get(t, leader, f.srv.URL+"/registers/smes/unattributed"); code != 200 {
			t.Errorf("leader reads 待归属: %d", code)
		}
		if code, _, _ := postForm(t, leader, f.srv.URL+"/registers/smes/unattributed", url.Values{"uscc": {testUSCC(4)}, "unit": {itoa(hd)}}); code != http.StatusForbidden {
			t.Errorf("leader resolves: %d", code)
		}
	})
}

// TestDrillDown: each computed figure drills to its records, with the list
// and row each came from, as a page and an .xlsx; a reporter drills into
// its own unit's records only.
func TestDrillDown(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		sme := f.goal(t, "科技型中小企业")
		sjd, hd := f.unitID(t, "三家店街道"), f.unitID(t, "洪都街道")
		base := f.srv.URL + "/plans/" + itoa(f.planID) + "/goals/" + itoa(sme.ID) + "/records"
		leader := f.client(t, "leader")
		code, body := get(t, leader, base+"?as_of=2022-07-31")
		if code != 200 {
			t.Fatalf("district records: %d", code)
		}
		table := between(body, `id="record-table"`, "</table>")
		for _, want := range []string{"记录（4 条）", "青云丁科技有限公司", "待归属", "2022年科技型中小企业入库名单.csv · 第3行", "口径：截至所选日期"} {
			if !strings.Contains(body, want) {
				t.Errorf("district records lack %q", want)
			}
		}
		if strings.Contains(table, "青云戊科技有限公司") {
			t.Error("a firm entered after the as-of date is listed")
		}
		_, body = get(t, leader, base+"?as_of=2022-07-31&unit="+itoa(sjd))
		if !strings.Contains(body, "记录（2 条）") || !strings.Contains(body, "青云乙科技有限公司") || strings.Contains(between(body, `id="record-table"`, "</table>"), "青云丙") {
			t.Errorf("三家店街道's records: %s", between(body, `id="records"`, "</section>"))
		}
		// The .xlsx holds the same records, with their origin.
		res, err := leader.Get(base + ".xlsx?as_of=2022-07-31")
		if err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows("明细")
		if len(rows) != 5 || rows[0][0] != "统一社会信用代码" || rows[0][len(rows[0])-1] != "行号" || rows[1][len(rows[1])-3] != "2022年科技型中小企业入库名单.csv" || rows[1][len(rows[1])-1] != "3" {
			t.Errorf("records.xlsx: %q", rows)
		}
		// A reporter: its own unit's, by default too; not another's, not
		// the district's (which holds every unit's records).
		rep := f.client(t, "sjd")
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"?as_of=2022-07-31", 200},
			{"?as_of=2022-07-31&unit=" + itoa(sjd), 200},
			{"?as_of=2022-07-31&unit=" + itoa(hd), 403},
			{"?as_of=2022-07-31&unit=0", 403},
			{"?as_of=31.7.2022", 400},
		} {
			if code, _ := get(t, rep, base+tt.query); code != tt.want {
				t.Errorf("reporter %s: %d, want %d", tt.query, code, tt.want)
			}
			if code, _ := get(t, rep, base+".xlsx"+tt.query); code != tt.want {
				t.Errorf("reporter .xlsx %s: %d, want %d", tt.query, code, tt.want)
			}
		}
		_, body = get(t, rep, base+"?as_of=2022-07-31")
		if !strings.Contains(body, "记录（2 条）") || strings.Contains(body, `<option value="0">全区</option>`) || strings.Contains(body, ">洪都街道</option>") {
			t.Errorf("reporter's records page: %s", between(body, `id="records-filter"`, "</form>"))
		}
		// A goal of another plan, or reported by units, has no records here.
		rd := f.goal(t, "研发")
		if code, _ := get(t, leader, f.srv.URL+"/plans/999/goals/"+itoa(rd.ID)+"/records"); code != 404 {
			t.Errorf("records of a goal under another plan: %d", code)
		}
	})
}

// TestDisputes: a reporter disputes a record of its figure from the
// drill-down; the bureau sees and resolves it.
func TestDisputes(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		sme := f.goal(t, "科技型中小企业")
		sjd := f.unitID(t, "三家店街道")
		rep := f.client(t, "sjd")
		records := "/plans/" + itoa(f.planID) + "/goals/" + itoa(sme.ID) + "/records?as_of=2022-07-31&unit=" + itoa(sjd)
		_, body := get(t, rep, f.srv.URL+records)
		m := regexp.MustCompile(`name="kind" value="smes"><input type="hidden" name="record" value="(\d+)">`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no dispute form on the reporter's records: %s", between(body, `id="record-table"`, "</table>"))
		}
		code, _, loc := postForm(t, rep, f.srv.URL+"/disputes", url.Values{"kind": {"smes"}, "record": {m[1]}, "reason": {"该企业已迁出"}, "back": {records}})
		if code != http.StatusSeeOther || loc != records+"#records" {
			t.Fatalf("dispute: %d %s", code, loc)
		}
		_, body = get(t, rep, f.srv.URL+records)
		if !strings.Contains(body, "已提出异议") {
			t.Error("the disputed record is not marked")
		}
		// Leaders and admins may not dispute in a unit's name; an offsite
		// back link is not followed.
		if code, _, _ := postForm(t, f.client(t, "leader"), f.srv.URL+"/disputes", url.Values{"kind": {"smes"}, "record": {m[1]}, "reason": {"x"}}); code != http.StatusForbidden {
			t.Errorf("leader disputes: %d", code)
		}
		if _, _, loc := postForm(t, rep, f.srv.URL+"/disputes", url.Values{"kind": {"smes"}, "record": {m[1]}, "reason": {"重复"}, "back": {"//evil.example/"}}); loc != "/#records" {
			t.Errorf("offsite back link followed: %s", loc)
		}
		admin := f.client(t, "admin")
		_, body = get(t, admin, f.srv.URL+"/disputes")
		if !strings.Contains(body, "该企业已迁出") || !strings.Contains(body, "三家店街道") {
			t.Fatalf("disputes page: %s", between(body, `id="dispute-table"`, "</table>"))
		}
		id := regexp.MustCompile(`action="/disputes/(\d+)/resolve"`).FindStringSubmatch(body)
		if code, _, _ := postForm(t, admin, f.srv.URL+"/disputes/"+id[1]+"/resolve", url.Values{"resolution": {"已核实，改归属洪都街道"}}); code != http.StatusSeeOther {
			t.Fatalf("resolve: %d", code)
		}
		_, body = get(t, admin, f.srv.URL+"/disputes?state=resolved")
		if !strings.Contains(body, "已核实，改归属洪都街道") {
			t.Error("the resolution is not listed")
		}
	})
}

// actualsJSON is the API's answer, decoded.
type actualsJSON struct {
	PlanID int64      `json:"plan_id"`
	AsOf   string     `json:"as_of"`
	Goals  []goalJSON `json:"goals"`
}

type goalJSON struct {
	GoalID     int64   `json:"goal_id"`
	Indicator  string  `json:"indicator"`
	Definition string  `json:"definition"`
	Value      *string `json:"value"`
	Units      []struct {
		Unit  string  `json:"unit"`
		Value *string `json:"value"`
	} `json:"units"`
}

func (a *actualsJSON) goal(indicator string) *goalJSON {
	for i := range a.Goals {
		if strings.Contains(a.Goals[i].Indicator, indicator) {
			return &a.Goals[i]
		}
	}
	return nil
}

// unit is the unit's value as written, "null", or "(none)".
func (g *goalJSON) unit(name string) string {
	if g == nil {
		return "(no goal)"
	}
	for _, u := range g.Units {
		if u.Unit == name {
			if u.Value == nil {
				return "null"
			}
			return *u.Value
		}
	}
	return "(none)"
}

// apiActualsOf asks the API for the plan's computed actuals as a user.
func apiActualsOf(t *testing.T, f *fixture, username, asOf string) *actualsJSON {
	t.Helper()
	_, raw := actualsRaw(t, f, username, asOf)
	var a actualsJSON
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("actuals: %v: %s", err, raw)
	}
	return &a
}

func actualsRaw(t *testing.T, f *fixture, username, asOf string) (int, []byte) {
	t.Helper()
	token, err := f.store.CreateAPIToken(context.Background(), username, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/plans/"+itoa(f.planID)+"/actuals?as_of="+asOf, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestActualsAPI: the issue's shape exactly — values as exact decimal
// strings, null where not assessable — and a reporter's units cut to its
// own.
func TestActualsAPI(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		code, raw := actualsRaw(t, f, "leader", "2022-07-31")
		if code != 200 {
			t.Fatalf("actuals: %d %s", code, raw)
		}
		var shape map[string]json.RawMessage
		json.Unmarshal(raw, &shape)
		if len(shape) != 3 || string(shape["plan_id"]) != itoa(f.planID) || string(shape["as_of"]) != `"2022-07-31"` {
			t.Errorf("top level: %s", raw)
		}
		var goals []map[string]json.RawMessage
		json.Unmarshal(shape["goals"], &goals)
		if len(goals) != 6 {
			t.Fatalf("%d goals, want the 6 bound ones: %s", len(goals), raw)
		}
		for _, g := range goals {
			if len(g) != 5 || g["goal_id"] == nil || g["indicator"] == nil || g["definition"] == nil || g["value"] == nil || g["units"] == nil {
				t.Errorf("goal fields: %v", g)
			}
		}
		a := apiActualsOf(t, f, "leader", "2022-07-31")
		sme := a.goal("科技型中小企业")
		if sme == nil || *sme.Value != "4" || sme.unit("三家店街道") != "2" || sme.unit("洪都街道") != "1" || sme.unit("徐家坊街道") != "0" || !strings.Contains(sme.Definition, "科技型中小企业") {
			t.Errorf("科技型中小企业: %+v", sme)
		}
		if rd := a.goal("R&D"); rd == nil || rd.Value != nil {
			t.Errorf("R&D/GDP for 2022 should be null (not assessable): %+v", rd)
		}
		if !strings.Contains(string(raw), `"value":null`) {
			t.Error("null is not written as null")
		}
		// 1 January: nothing entered yet.
		if g := apiActualsOf(t, f, "leader", "2022-01-01").goal("科技型中小企业"); *g.Value != "0" {
			t.Errorf("on 1 January: %s", *g.Value)
		}
		rep := apiActualsOf(t, f, "sjd", "2022-07-31").goal("科技型中小企业")
		if len(rep.Units) != 1 || rep.unit("三家店街道") != "2" || *rep.Value != "4" {
			t.Errorf("a reporter's actuals: %+v", rep)
		}
		if code, _ := actualsRaw(t, f, "leader", "2022-13-01"); code != 400 {
			t.Errorf("bad date: %d", code)
		}
	})
}

// TestComputedOnPages: a bound goal says 由台账计算 with its definition and
// 上年 on the dashboard and the plan page, its cells drill to records, the
// unit's form shows its value read-only, list-tasks show their counts, the
// definition is bound and unbound on its page.
func TestComputedOnPages(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newRegisterFixture(t, dsn)
		sme, rd := f.goal(t, "科技型中小企业"), f.goal(t, "研发")
		sjd := f.unitID(t, "三家店街道")
		leader := f.client(t, "leader")
		_, body := get(t, leader, f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard")
		cards := between(body, `id="goal-cards"`, "</section>")
		for _, want := range []string{"由台账计算", "上年（2021年）2%", "台账数据未齐", "口径：截至所选日期",
			fmt.Sprintf(`/plans/%d/goals/%d/records?as_of=2022-07-31`, f.planID, sme.ID)} {
			if !strings.Contains(cards, want) {
				t.Errorf("goal cards lack %q", want)
			}
		}
		matrix := between(body, `id="matrix"`, "</section>")
		if !strings.Contains(matrix, fmt.Sprintf(`/plans/%d/goals/%d/records?as_of=2022-07-31&amp;unit=%d`, f.planID, sme.ID, sjd)) {
			t.Errorf("matrix cell does not drill to records: %s", matrix)
		}
		// A reporter sees its unit's part beside the district's figure.
		_, body = get(t, f.client(t, "sjd"), f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard")
		if !strings.Contains(between(body, `id="goal-cards"`, "</section>"), "本单位 2家") {
			t.Error("a reporter's card lacks its unit's part")
		}
		_, body = get(t, leader, f.srv.URL+"/plans/"+itoa(f.planID))
		goals := between(body, `id="goal-table"`, "</table>")
		if strings.Count(goals, "由台账计算") != 6 || !strings.Contains(goals, "上年（2021年）2%") || !strings.Contains(goals, "台账明细") {
			t.Errorf("plan page goals: %s", goals)
		}
		if !strings.Contains(body, "高新技术企业培育库 2 家") || !strings.Contains(body, "瞪羚企业 1 家") || !strings.Contains(body, "独角兽企业 0 家") || !strings.Contains(body, "科贷通备选企业 0 家") || !strings.Contains(body, "拟上市后备资源库 0 家") {
			t.Errorf("list-tasks lack their counts: %s", between(body, `id="task-7"`, "</div>"))
		}
		_, body = get(t, leader, f.srv.URL+"/units/"+itoa(sjd))
		if !strings.Contains(body, "高新技术企业培育库 1 家") {
			t.Error("the unit page's task 7 lacks the unit's count")
		}
		// The unit's form: the computed values, read-only, with their records.
		_, body = get(t, f.client(t, "sjd"), f.srv.URL+"/forms/"+f.forms["三家店街道"])
		computed := between(body, `id="computed-values"`, "</table>")
		if !strings.Contains(computed, "科技型中小企业") || !strings.Contains(computed, ">2 家<") || !strings.Contains(computed, "提出异议") {
			t.Errorf("form's computed values: %s", computed)
		}
		// The definition page: unbind, then bind with a parameter.
		admin := f.client(t, "admin")
		defPage := f.srv.URL + "/plans/" + itoa(f.planID) + "/goals/" + itoa(rd.ID) + "/definition"
		if _, body := get(t, admin, defPage); !strings.Contains(body, `id="bound"`) || !strings.Contains(body, "R&amp;D经费投入占GDP比重") {
			t.Errorf("definition page: %s", between(body, `id="binding"`, "</section>"))
		}
		if code, _, _ := postForm(t, admin, defPage+"/unbind", nil); code != http.StatusSeeOther {
			t.Fatalf("unbind: %d", code)
		}
		if _, err := f.store.GoalBinding(context.Background(), rd.ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("after unbind: %v", err)
		}
		tc := f.goal(t, "技术合同")
		tcPage := f.srv.URL + "/plans/" + itoa(f.planID) + "/goals/" + itoa(tc.ID) + "/definition"
		if code, _, _ := postForm(t, admin, tcPage, url.Values{"kind": {"contract_sum"}, "side": {"buyer"}, "amount": {"amount"}, "unit": {"万元"}}); code != http.StatusSeeOther {
			t.Fatalf("bind: %d", code)
		}
		b, _ := f.store.GoalBinding(context.Background(), tc.ID)
		if b.Definition.Params.Side != plan.SideBuyer || b.Definition.Params.Unit != "万元" || b.Default {
			t.Errorf("binding: %+v", b)
		}
		if code, body, _ := postForm(t, admin, tcPage, url.Values{"kind": {"contract_sum"}, "unit": {"美元"}}); code != 400 || !strings.Contains(body, "美元") {
			t.Errorf("a bad parameter: %d", code)
		}
		if code, _ := get(t, leader, tcPage); code != http.StatusForbidden {
			t.Errorf("leader's definition page: %d", code)
		}
		entries, _, _ := f.store.AuditLog(context.Background(), store.AuditFilter{Action: "plan.definition.bind"})
		if len(entries) == 0 {
			t.Error("binding not audited")
		}
	})
}

// TestAddressKeywords: admins add and remove a unit's address keywords on
// its page; leaders see them, reporters do not.
func TestAddressKeywords(t *testing.T) {
	f := newRegisterFixture(t, storetest.SQLiteDSN(t))
	hd := f.unitID(t, "洪都街道")
	admin := f.client(t, "admin")
	if code, _, _ := postForm(t, admin, f.srv.URL+"/units/"+itoa(hd)+"/keywords", url.Values{"keyword": {"迎宾北大道"}}); code != http.StatusSeeOther {
		t.Fatalf("add keyword: %d", code)
	}
	_, body := get(t, admin, f.srv.URL+"/units/"+itoa(hd))
	kw := between(body, `id="keywords"`, "</section>")
	m := regexp.MustCompile(`action="/units/\d+/keywords/(\d+)/delete"`).FindStringSubmatch(kw)
	if !strings.Contains(kw, "迎宾北大道") || m == nil {
		t.Fatalf("keywords: %s", kw)
	}
	if _, body := get(t, f.client(t, "leader"), f.srv.URL+"/units/"+itoa(hd)); !strings.Contains(body, "迎宾北大道") || strings.Contains(between(body, `id="keywords"`, "</section>"), "<form") {
		t.Error("a leader's view of the keywords")
	}
	if _, body := get(t, f.client(t, "hd"), f.srv.URL+"/units/"+itoa(hd)); strings.Contains(body, `id="keywords"`) {
		t.Error("a reporter sees the keywords")
	}
	if code, _, _ := postForm(t, admin, f.srv.URL+"/units/"+itoa(hd)+"/keywords/"+m[1]+"/delete", nil); code != http.StatusSeeOther {
		t.Fatalf("delete keyword: %d", code)
	}
	if _, body := get(t, admin, f.srv.URL+"/units/"+itoa(hd)); strings.Contains(body, "迎宾北大道") {
		t.Error("the keyword is still there")
	}
}
