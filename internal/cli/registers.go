package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/regimport"
	"kechuang/internal/register"
	"kechuang/internal/store"
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

// progressFrom is the file size from which `register import` shows its
// progress on stderr.
var progressFrom int64 = 1 << 20

// runRegisterImport imports a list into a register, all or nothing unless
// --skip-invalid: every problem names the file, sheet, row and column, and
// a refused import exits 1 having written nothing.
func runRegisterImport(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "register import")
	skip := fs.Bool("skip-invalid", false, "跳过有问题的行，导入其余的行")
	mapping := fs.String("map", "", "未识别表头与字段的对应关系：表头=字段,…（如 合同编号=reg_no）")
	rejectedPath := fs.String("rejected", "", "把未导入的行（含原因）写入此 .xlsx 文件")
	org := fs.String("org", "", "导入到哪个组织的台账（有多个组织时必填），按该组织的单位名录归属")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("用法: kechuang register import KIND FILE [--skip-invalid] [--map '表头=字段,…'] [--rejected OUT.xlsx]；KIND 为 %s", kindNames())
	}
	kind, path := plan.RegisterKind(pos[0]), pos[1]
	if !kind.Valid() {
		return fmt.Errorf("没有“%s”这种台账；KIND 为 %s", pos[0], kindNames())
	}
	opts := register.Options{}
	if *mapping != "" {
		if opts.Mapping, err = register.ParseMapping(*mapping); err != nil {
			return err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	name := filepath.Base(path)
	rd, err := register.Open(name, f, info.Size(), kind, opts)
	if err != nil {
		return err
	}
	defer rd.Close()
	for _, n := range rd.Header().Notes {
		fmt.Fprintf(e.stderr, "说明：%s\n", n)
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if ctx, err = inOrg(ctx, s, *org, true); err != nil {
		return err
	}

	ro := regimport.Options{SkipInvalid: *skip, Every: 500 * time.Millisecond}
	var rejected *os.File
	if *rejectedPath != "" {
		if rejected, err = os.CreateTemp(filepath.Dir(*rejectedPath), ".rejected-*.xlsx"); err != nil {
			return err
		}
		defer os.Remove(rejected.Name())
		defer rejected.Close()
		ro.Rejected = rejected
	}
	showProgress := info.Size() >= progressFrom
	if showProgress {
		ro.Progress = func(p register.Progress, rows int) {
			line := fmt.Sprintf("已读取 %d 行", rows)
			if p.Total > 0 {
				line += fmt.Sprintf("（%d%%）", p.Done*100/p.Total)
			}
			fmt.Fprintf(e.stderr, "\r%s", line)
		}
	}
	meta := store.ImportMeta{Kind: kind, File: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: info.Size()}
	res, err := regimport.Import(ctx, s, rd, meta, ro, nil)
	if showProgress {
		fmt.Fprintln(e.stderr)
	}
	if res != nil {
		for _, r := range res.Rejections {
			fmt.Fprintf(e.stderr, "未导入：%s\n", r)
		}
		if res.Rejected > len(res.Rejections) {
			fmt.Fprintf(e.stderr, "……另有 %d 行未导入\n", res.Rejected-len(res.Rejections))
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(e.stderr, "提醒：%s\n", w)
		}
		if rejected != nil && res.Rejected > 0 {
			if cerr := rejected.Close(); cerr != nil && err == nil {
				err = cerr
			}
			if rerr := os.Rename(rejected.Name(), *rejectedPath); rerr != nil && err == nil {
				err = rerr
			}
			if err == nil || plan.ErrorCode(err) == plan.EINVALID {
				fmt.Fprintf(e.stderr, "未导入的 %d 行及原因已写入 %s\n", res.Rejected, *rejectedPath)
			}
		}
	}
	if err != nil {
		if plan.ErrorCode(err) == plan.EINVALID && res != nil && !*skip {
			return fmt.Errorf("%s（未导入任何记录；加 --skip-invalid 可只导入没有问题的行）", message(err))
		}
		return err
	}
	fmt.Fprintf(e.stdout, "已导入 %s 到%s（批次 %d）：读取 %d 行，新增 %d，更新 %d，未变 %d，未导入 %d；待归属 %d 条。\n",
		name, kind.Label(), res.BatchID, res.Read, res.New, res.Updated, res.Unchanged, res.Rejected, res.Unattributed)
	if res.SameFileBatch != 0 {
		fmt.Fprintf(e.stdout, "此文件已于批次 %d 导入过，记录没有变化。\n", res.SameFileBatch)
	}
	return nil
}

func kindNames() string {
	var names []string
	for _, k := range plan.RegisterKinds {
		names = append(names, string(k))
	}
	return strings.Join(names, " ")
}
