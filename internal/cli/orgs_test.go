package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestOrgCommands: a district that ran alone joins a city beside another;
// each district's directory, plan and users go to it by --org; an unknown
// organisation is named in Chinese; once there are several, user add needs
// --org.
func TestOrgCommands(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		ex, _ := examples.Qingyunpu2022()
		units, _ := json.Marshal(ex.Directory)
		unitsFile := filepath.Join(dir, "units.json")
		os.WriteFile(unitsFile, units, 0o644)
		docJSON, _ := json.Marshal(ex.Document)
		planFile := filepath.Join(dir, "plan.json")
		os.WriteFile(planFile, docJSON, 0o644)
		contracts := filepath.Join(dir, "合同.csv")
		os.WriteFile(contracts, []byte("合同登记号,项目名称,卖方名称,卖方所在地区,成交额（万元）,登记日期\n"+
			"2022360104000001,传感器开发,青云甲科技有限公司,三家店街道,12500,2022-04-01\n"), 0o644)

		// One organisation: user add needs no --org.
		if code, _, errOut := kc(t, dsn, "good password 1\n", "user", "add", "admin", "--role", "admin", "--password-stdin"); code != 0 {
			t.Fatalf("user add without --org, one organisation: %s", errOut)
		}
		steps := []struct {
			args   []string
			stdin  string
			code   int
			output string // in stdout on success, in stderr on failure
		}{
			{[]string{"org", "add", "南昌市"}, "", 0, "已添加组织 2：南昌市（市）"},
			{[]string{"org", "move", "本级", "--parent", "南昌市"}, "", 0, "已将 本级 移到 南昌市 之下"},
			{[]string{"org", "add", "西湖区", "--parent", "南昌市"}, "", 0, "已添加组织 3：西湖区（区）"},
			{[]string{"org", "add", "西湖区", "--parent", "南昌市"}, "", 1, "组织“西湖区”已存在"},
			{[]string{"org", "add", "东湖区", "--parent", "赣州市"}, "", 1, "组织“赣州市”不存在"},
			{[]string{"org", "add", "东湖区", "--kind", "village"}, "", 1, "组织类型“village”无效"},
			{[]string{"org", "move", "南昌市", "--parent", "西湖区"}, "", 1, "不能移到自己或下级组织之下"},
			{[]string{"units", "import", unitsFile, "--org", "西湖区"}, "", 0, "19 个单位"},
			{[]string{"units", "import", unitsFile, "--org", "本级"}, "", 0, "19 个单位"},
			{[]string{"units", "import", unitsFile, "--org", "青山湖区"}, "", 1, "组织“青山湖区”不存在"},
			{[]string{"plan", "import", planFile, "--org", "西湖区"}, "", 0, "已导入方案 1"},
			{[]string{"user", "add", "xh", "--role", "reporter", "--unit", "三家店街道", "--password-stdin"}, "good password 1\n", 1, "请用 --org 指明所属组织"},
			{[]string{"user", "add", "xh", "--role", "reporter", "--org", "西湖区", "--unit", "三家店街道", "--password-stdin"}, "good password 1\n", 0, "已添加用户 xh"},
			{[]string{"user", "add", "city", "--role", "leader", "--org", "南昌市", "--password-stdin"}, "good password 1\n", 0, "已添加用户 city"},
			{[]string{"user", "add", "nc", "--role", "reporter", "--org", "南昌市", "--unit", "三家店街道", "--password-stdin"}, "good password 1\n", 1, "单位“三家店街道”不在单位名录中"},
			// Each organisation imports its own registers; with several, --org is needed.
			{[]string{"register", "import", "contracts", contracts}, "", 1, "请用 --org 指明所属组织"},
			{[]string{"register", "import", "contracts", contracts, "--org", "西湖区"}, "", 0, "新增 1"},
			{[]string{"register", "import", "contracts", contracts, "--org", "本级"}, "", 0, "新增 1"},
			{[]string{"register", "import", "contracts", contracts, "--org", "西湖区"}, "", 0, "未变 1"},
		}
		for _, st := range steps {
			code, out, errOut := kc(t, dsn, st.stdin, st.args...)
			got := out
			if st.code != 0 {
				got = errOut
			}
			if code != st.code || !strings.Contains(got, st.output) {
				t.Errorf("%s: %d %q %q, want %d and %q", strings.Join(st.args, " "), code, out, errOut, st.code, st.output)
			}
		}
		for _, st := range []struct {
			args   []string
			code   int
			output string
		}{
			{[]string{"org", "rename", "本级", "西湖区"}, 1, "组织“西湖区”已存在"},
			{[]string{"org", "rename", "本级", " "}, 1, "名称"},
			{[]string{"org", "rename", "本级", "青云谱区"}, 0, "已将组织 本级 改名为 青云谱区"},
		} {
			code, out, errOut := kc(t, dsn, "", st.args...)
			if got := out + errOut; code != st.code || !strings.Contains(got, st.output) {
				t.Errorf("%s: %d %q, want %d and %q", strings.Join(st.args, " "), code, got, st.code, st.output)
			}
		}
		code, out, _ := kc(t, dsn, "", "org", "list")
		if code != 0 || !strings.Contains(out, "南昌市") || !strings.Contains(out, "  青云谱区") || !strings.Contains(out, "  西湖区") {
			t.Errorf("org list: %s", out)
		}

		// What went where: 西湖区's plan, directory and reporter are its own.
		s := storetest.Open(t, dsn)
		ctx := context.Background()
		xh, err := s.OrgByName(ctx, "西湖区")
		if err != nil {
			t.Fatal(err)
		}
		in := store.WithScope(ctx, store.Scope{Org: xh.ID, Orgs: []int64{xh.ID}})
		plans, err := s.Plans(in)
		if err != nil || len(plans) != 1 || plans[0].Org != "西湖区" {
			t.Errorf("西湖区's plans: %+v %v", plans, err)
		}
		own := store.WithScope(ctx, store.Scope{Org: 1, Orgs: []int64{1}})
		if plans, err := s.Plans(own); err != nil || len(plans) != 0 {
			t.Errorf("本级's plans: %+v %v", plans, err)
		}
		users, err := s.Users(in)
		if err != nil || len(users) != 1 || users[0].Username != "xh" {
			t.Errorf("西湖区's users: %+v %v", users, err)
		}
		d, err := s.Directory(in)
		if err != nil || len(d.Units) != 19 {
			t.Errorf("西湖区's directory: %d units, %v", len(d.Units), err)
		}
	})
}
