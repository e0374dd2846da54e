package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/progress"
)

// runActuals prints a plan's goals computed from the registers at a date:
// the same answer as GET /api/v1/plans/{id}/actuals (for an operator, every
// unit).
func runActuals(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "actuals")
	asOf := fs.String("as-of", time.Now().In(plan.Zone).Format(time.DateOnly), "截至日期 YYYY-MM-DD（默认今天）")
	asJSON := fs.Bool("json", false, "输出 JSON（与 API 相同）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang actuals PLAN_ID [--as-of YYYY-MM-DD] [--json]")
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
	a, err := progress.LoadActuals(ctx, s, id, *asOf)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	if len(a.Goals) == 0 {
		fmt.Fprintf(e.stdout, "方案 %d 没有由台账计算的目标。\n", id)
		return nil
	}
	fmt.Fprintf(e.stdout, "截至 %s\n", a.AsOf)
	for _, g := range a.Goals {
		fmt.Fprintf(e.stdout, "\n%s：%s\n  口径：%s\n", g.Indicator, valueText(g.Value), g.Definition)
		var parts []string
		for _, u := range g.Units {
			parts = append(parts, u.Unit+" "+valueText(u.Value))
		}
		if len(parts) > 0 {
			fmt.Fprintf(e.stdout, "  %s\n", strings.Join(parts, "，"))
		}
	}
	return nil
}

func valueText(v *string) string {
	if v == nil {
		return "不可评估"
	}
	return *v
}
