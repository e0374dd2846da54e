package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"kechuang/internal/plan"
)

func runPlanList(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "plan list")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	plans, err := s.Plans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		fmt.Fprintf(e.stdout, "%d\t%d\t%s\t%s\t%s\n", p.ID, p.Year, p.Status.Label(), p.DocNumber, p.Title)
	}
	return nil
}

func runPlanImport(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "plan import")
	org := fs.String("org", "", "方案所属组织（默认为顶层组织）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang plan import FILE.json [--org NAME]")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := plan.DecodeDocument(f)
	if err != nil {
		return fmt.Errorf("%s: %s", pos[0], message(err))
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if ctx, err = inOrg(ctx, s, *org, false); err != nil {
		return err
	}
	id, err := s.CreatePlan(ctx, doc, "")
	if err != nil {
		return fmt.Errorf("%s: %s", pos[0], message(err))
	}
	fmt.Fprintf(e.stdout, "已导入方案 %d：%s\n", id, doc.Title)
	return nil
}

func runPlanExport(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "plan export")
	out := fs.String("o", "", "写入文件（默认标准输出）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang plan export ID [-o FILE]")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("方案编号 %q 不是数字", pos[0])
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	doc, err := s.Plan(ctx, id)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = e.stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

func runUnitsImport(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "units import")
	org := fs.String("org", "", "导入到哪个组织的名录（默认为顶层组织）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang units import FILE.json [--org NAME]")
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	var dir plan.Directory
	if err := json.Unmarshal(b, &dir); err != nil {
		return fmt.Errorf("%s: %v", pos[0], err)
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if ctx, err = inOrg(ctx, s, *org, false); err != nil {
		return err
	}
	if err := s.ImportDirectory(ctx, &dir); err != nil {
		return fmt.Errorf("%s: %s", pos[0], message(err))
	}
	fmt.Fprintf(e.stdout, "已导入 %d 个单位、%d 个单位组\n", len(dir.Units), len(dir.Groups))
	return nil
}

// runPlanNextYear starts next year's draft from a plan (以上年方案为基础新建),
// as the plan page's button does: structure, units, definitions and links
// copied, nothing reported; the targets are then set on the new plan's
// targets page.
func runPlanNextYear(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "plan next-year")
	year := fs.Int("year", 0, "新方案的年度（默认上年方案的下一年）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang plan next-year ID [--year 2023]")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("方案编号 %q 不是数字", pos[0])
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	next, err := s.NextYear(ctx, id, *year)
	if err != nil {
		return fmt.Errorf("方案 %d: %s", id, message(err))
	}
	doc, err := s.Plan(ctx, next)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已新建方案 %d：%s（草稿，请在 /plans/%d/targets 设定%d年目标）\n", next, doc.Title, next, doc.Year)
	return nil
}
