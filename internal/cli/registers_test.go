package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kechuang/examples"
	"kechuang/internal/plan"
)

func testUSCC(n int) string {
	first := fmt.Sprintf("91360104MA%07d", n)
	c, _ := plan.USCCCheckChar(first)
	return first + string(c)
}

// TestRegisterImportAndActuals: lists go in from the command line all or
// nothing (problems naming file, row and column, exit 1), with
// --skip-invalid and --rejected, with --map for an unknown header; actuals
// come out in the API's shape.
func TestRegisterImportAndActuals(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		ex, _ := examples.Qingyunpu2022()
		units, _ := json.Marshal(ex.Directory)
		docJSON, _ := json.Marshal(ex.Document)
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(content), 0o644)
			return p
		}
		kc(t, dsn, "", "units", "import", write("units.json", string(units)))
		if code, _, errOut := kc(t, dsn, "", "plan", "import", write("plan.json", string(docJSON))); code != 0 {
			t.Fatal(errOut)
		}
		list := "序号,企业名称,统一社会信用代码,所属街道,入库登记编号,入库日期\n" +
			"1,青云甲科技有限公司," + testUSCC(1) + ",三家店街道,2022360104A00001,2022-03-15\n" +
			"2,青云乙科技有限公司," + testUSCC(2) + ",三家店街道,,2022-05-10\n" +
			"3,青云丙科技有限公司," + testUSCC(3) + ",洪都街道,2022360104A00003,2022-06-01\n"
		smes := write("入库名单.csv", list)

		// All or nothing: refused, exit 1, the problem named.
		code, out, errOut := kc(t, dsn, "", "register", "import", "smes", smes)
		if code != 1 || !strings.Contains(errOut, "入库名单.csv 第3行：入库登记编号（E列）") || !strings.Contains(errOut, "未导入任何记录") || out != "" {
			t.Fatalf("refused import: %d %q %q", code, out, errOut)
		}
		if _, out, _ := kc(t, dsn, "", "actuals", "1", "--as-of", "2022-07-31", "--json"); !strings.Contains(out, `"value": "0"`) {
			t.Errorf("a refused import wrote records: %s", out)
		}
		rejected := filepath.Join(dir, "未导入.xlsx")
		code, out, errOut = kc(t, dsn, "", "register", "import", "smes", smes, "--skip-invalid", "--rejected", rejected)
		if code != 0 || !strings.Contains(out, "新增 2，更新 0，未变 0，未导入 1") || !strings.Contains(errOut, "未导入的 1 行及原因已写入") {
			t.Fatalf("skip-invalid: %d %q %q", code, out, errOut)
		}
		wb, err := excelize.OpenFile(rejected)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(wb.GetSheetList()[0])
		if len(rows) != 2 || rows[1][1] != "青云乙科技有限公司" || !strings.Contains(rows[1][len(rows[1])-1], "入库登记编号") {
			t.Errorf("rejected rows: %q", rows)
		}
		// Again: nothing changes.
		if _, out, _ := kc(t, dsn, "", "register", "import", "smes", smes, "--skip-invalid"); !strings.Contains(out, "新增 0，更新 0，未变 2") || !strings.Contains(out, "已于批次") {
			t.Errorf("re-import: %q", out)
		}

		// An unknown header: refused naming the columns, then read with --map.
		contracts := write("合同.csv", "合同编号,项目名称,卖方名称,卖方所在地区,成交额（万元）,登记日期\n"+
			"2022360104000001,传感器开发,青云甲科技有限公司,三家店街道,12500,2022-04-01\n")
		code, _, errOut = kc(t, dsn, "", "register", "import", "contracts", contracts)
		if code != 1 || !strings.Contains(errOut, "合同登记号") || !strings.Contains(errOut, "合同编号（A列）") {
			t.Errorf("unknown header: %d %q", code, errOut)
		}
		if code, out, errOut := kc(t, dsn, "", "register", "import", "contracts", contracts, "--map", "合同编号=reg_no"); code != 0 || !strings.Contains(out, "新增 1") {
			t.Fatalf("--map: %d %q %q", code, out, errOut)
		}
		if code, _, errOut := kc(t, dsn, "", "register", "import", "patents2", contracts); code == 0 || !strings.Contains(errOut, "enterprises smes hightech contracts patents platforms statistics") {
			t.Errorf("unknown kind: %d %q", code, errOut)
		}

		code, out, errOut = kc(t, dsn, "", "actuals", "1", "--as-of", "2022-07-31", "--json")
		if code != 0 {
			t.Fatal(errOut)
		}
		var a struct {
			PlanID int64  `json:"plan_id"`
			AsOf   string `json:"as_of"`
			Goals  []struct {
				Indicator string  `json:"indicator"`
				Value     *string `json:"value"`
				Units     []struct {
					Unit  string  `json:"unit"`
					Value *string `json:"value"`
				} `json:"units"`
			} `json:"goals"`
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, g := range a.Goals {
			v := "null"
			if g.Value != nil {
				v = *g.Value
			}
			got[g.Indicator] = v
			for _, u := range g.Units {
				if u.Unit == "三家店街道" && u.Value != nil {
					got[g.Indicator+"/三家店街道"] = *u.Value
				}
			}
		}
		if a.PlanID != 1 || a.AsOf != "2022-07-31" || got["科技型中小企业"] != "2" || got["科技型中小企业/三家店街道"] != "1" ||
			got["技术合同成交额"] != "1.25" || got["技术合同成交额/三家店街道"] != "1.25" || got["全社会R&D经费投入占全区GDP比重"] != "null" {
			t.Errorf("actuals: %v\n%s", got, out)
		}
		if _, out, _ := kc(t, dsn, "", "actuals", "1", "--as-of", "2022-07-31"); !strings.Contains(out, "科技型中小企业：2") || !strings.Contains(out, "三家店街道 1") || !strings.Contains(out, "不可评估") {
			t.Errorf("actuals as text: %s", out)
		}
		if code, _, _ := kc(t, dsn, "", "actuals", "1", "--as-of", "7月底"); code != 1 {
			t.Errorf("bad date: exit %d", code)
		}
	})
}

// TestRegisterImportProgress: a large list shows its progress on stderr.
func TestRegisterImportProgress(t *testing.T) {
	defer func(n int64) { progressFrom = n }(progressFrom)
	progressFrom = 0
	dsn := filepath.Join(t.TempDir(), "kc.db")
	dsn = "sqlite:" + dsn
	ex, _ := examples.Qingyunpu2022()
	units, _ := json.Marshal(ex.Directory)
	p := filepath.Join(t.TempDir(), "units.json")
	os.WriteFile(p, units, 0o644)
	kc(t, dsn, "", "units", "import", p)
	var b strings.Builder
	b.WriteString("企业名称,统一社会信用代码,所属街道\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "企业%d,%s,三家店街道\n", i, testUSCC(i))
	}
	list := filepath.Join(t.TempDir(), "企业库.csv")
	os.WriteFile(list, []byte(b.String()), 0o644)
	code, out, errOut := kc(t, dsn, "", "register", "import", "enterprises", list)
	if code != 0 || !strings.Contains(out, "新增 2000") || !strings.Contains(errOut, "\r已读取 2000 行（100%）") {
		t.Errorf("%d %q %q", code, out, errOut)
	}
}
