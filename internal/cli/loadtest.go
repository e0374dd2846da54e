package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"kechuang/internal/loadtest"
)

// runLoadtest drives a deployment with simulated reporters, leaders and
// reviewers (internal/loadtest), prints what it measured, and fails when
// the server answered with errors or lost an acknowledged write. It is
// meant for the operator's own deployment, on loopback or their network.
func runLoadtest(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("kechuang loadtest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c loadtest.Config
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8080", "服务地址")
	fs.IntVar(&c.Reporters, "reporters", 20, "同时填报的人数（分配到各填报账号）")
	fs.IntVar(&c.Leaders, "leaders", 5, "同时查看总览、方案、调度的领导人数")
	fs.IntVar(&c.Reviewers, "reviewers", 0, "同时退回已报送表的审核人数（管理员账号）")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "持续时间")
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Second, "单个请求的超时")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", 0, "同时在途的请求上限（默认为总人数）")
	fs.IntVar(&c.SubmitEvery, "submit-every", 3, "每几次填报（编辑）报送一次")
	fs.Int64Var(&c.PlanID, "plan", 0, "方案编号（默认：第一个有进行中调度的方案）")
	fs.StringVar(&c.Password, "password", "", "各账号共用的密码（演示数据如此；亦可用 --password-stdin）")
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码")
	tokenFile := fs.String("token-file", "", "令牌文件：每行“角色 令牌”，角色为 reporter、leader 或 admin")
	fs.StringVar(&c.LeaderUser, "leader-user", "leader", "领导账号")
	fs.StringVar(&c.AdminUser, "admin-user", "admin", "审核用的管理员账号")
	users := fs.String("reporter-users", "", "填报账号，逗号分隔（默认：按单位简称，即 serve --demo 的账号）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("用法: kechuang loadtest --url URL --reporters N --leaders M --duration 30s [--password-stdin | --token-file FILE]")
	}
	if *stdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("未从标准输入读到密码")
		}
		c.Password = strings.TrimRight(line, "\r\n")
	}
	if *tokenFile != "" {
		f, err := os.Open(*tokenFile)
		if err != nil {
			return err
		}
		c.Tokens, err = loadtest.ParseTokenFile(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s：%w", *tokenFile, err)
		}
	}
	if *users != "" {
		c.ReporterUsers = strings.Split(*users, ",")
	}
	res, err := loadtest.Run(ctx, c, e.stderr)
	if err != nil {
		return err
	}
	res.Print(e.stdout)
	if n := res.ServerErrors(); n > 0 || res.Lost > 0 {
		return &exitError{code: 1, err: fmt.Errorf("服务器错误 %d 次，丢失已确认的写入 %d 张表", n, res.Lost)}
	}
	return nil
}
