package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
)

// findChromium returns the path of a Chromium for printing PDF, "" when
// the machine has none.
func findChromium(getenv func(string) string) string {
	if p := getenv("KECHUANG_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// runBulletin writes a closed round's bulletin (调度通报).
func runBulletin(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "bulletin")
	format := fs.String("format", "docx", "格式：docx、xlsx 或 pdf")
	out := fs.String("o", "", "写入文件（默认：调度名称通报.格式）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang bulletin ROUND --format docx|xlsx|pdf [-o FILE]")
	}
	roundID, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("调度编号 %q 不是数字", pos[0])
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	b, d, err := progress.RoundBulletin(ctx, s, roundID, func(plan.ProgressSettings) auth.Sight { return auth.SightOf(&auth.User{Role: auth.RoleAdmin}, false) }, time.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := progress.WriteBulletin(ctx, &buf, b, *format, findChromium(e.getenv)); err != nil {
		return err
	}
	name := *out
	if name == "" {
		name = d.Round.Label + "通报." + *format
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成 %s（%d 字节）\n", name, buf.Len())
	return nil
}
