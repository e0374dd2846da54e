// Package cli is kechuang's command line: one binary whose subcommands serve
// the web application and manage its data.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Version is set at build time with -ldflags "-X kechuang/internal/cli.Version=…".
var Version = "dev"

// env is what a command runs with; tests swap the streams.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	name    string // "plan import"
	args    string // usage after the name
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "[--addr 127.0.0.1:8080] [--demo]", "启动网页服务", runServe},
		{"migrate", "", "升级数据库结构", runMigrate},
		{"notice parse", "FILE [--json]", "识别通知（.txt/.docx，- 为标准输入），--json 输出方案文档", runNoticeParse},
		{"plan list", "", "列出方案", runPlanList},
		{"plan import", "FILE.json [--org NAME]", "导入方案文档（全有或全无）", runPlanImport},
		{"plan export", "ID [-o FILE]", "导出方案文档 JSON", runPlanExport},
		{"plan next-year", "ID [--year 2023]", "以上年方案为基础新建下一年度方案（草稿）", runPlanNextYear},
		{"units import", "FILE.json [--org NAME]", "导入单位名录（按名称合并）", runUnitsImport},
		{"org add", "NAME [--parent NAME] [--kind city|district|county|province]", "添加组织（市、区县）", runOrgAdd},
		{"org move", "NAME --parent NAME", "把组织移到另一组织之下", runOrgMove},
		{"org rename", "NAME NEW_NAME", "组织改名（如迁移后的“本级”）", runOrgRename},
		{"org list", "", "列出组织", runOrgList},
		{"user add", "NAME --role admin|leader|reporter [--org NAME] [--unit UNIT] --password-stdin", "添加用户", runUserAdd},
		{"user passwd", "NAME --password-stdin", "重设密码", runUserPasswd},
		{"user list", "", "列出用户", runUserList},
		{"user disable", "NAME", "停用用户（立即退出登录）", runUserDisable},
		{"bulletin", "ROUND --format docx|xlsx|pdf [-o FILE]", "生成已结束调度的调度通报", runBulletin},
		{"user unlock", "NAME", "解除登录锁定", runUserUnlock},
		{"register import", "KIND FILE [--org NAME] [--skip-invalid] [--map '表头=字段,…'] [--rejected OUT.xlsx]", "导入台账名单（.xlsx/.csv，默认全有或全无）", runRegisterImport},
		{"actuals", "PLAN_ID [--as-of YYYY-MM-DD] [--json]", "按台账口径计算目标完成数（全区及各单位）", runActuals},
		{"token create", "USERNAME [--label TEXT] [--expires 90d]", "为用户生成 API 令牌（默认 90 天有效）", runTokenCreate},
		{"token list", "[USERNAME]", "列出 API 令牌", runTokenList},
		{"token revoke", "ID", "作废 API 令牌", runTokenRevoke},
		{"loadtest", "--url URL --reporters N --leaders M --duration 30s [--password-stdin | --token-file FILE]", "压力测试：模拟填报、报送与查看，核对已确认的写入", runLoadtest},
		{"version", "", "显示版本", runVersion},
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string) int {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	return run(ctx, e, args)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		return 0
	}
	// Changes made from the command line are recorded as the OS user's.
	actor := "cli"
	if u := e.getenv("USER"); u != "" {
		actor += ":" + u
	}
	ctx = store.WithActor(ctx, store.Actor{Username: actor})
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return len(cmds[i].name) > len(cmds[j].name) })
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(ctx, e, args[len(words):])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "kechuang %s: %s\n", c.name, message(err))
				return exitCode(err)
			}
			return 0
		}
	}
	fmt.Fprintf(e.stderr, "kechuang: 未知命令 %q\n\n", strings.Join(args, " "))
	usage(e.stderr)
	return 2
}

// exitError carries a specific exit code (notice parse: 1 when no plan).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// message is the text a person sees: a domain error's message as it is,
// anything else in full (the CLI user is the operator).
func message(err error) string {
	var pe *plan.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kechuang — 科技创新工作要点调度系统")
	fmt.Fprintln(w, "\n用法: kechuang 命令 [参数]\n\n命令:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %-s\n  %14s %s\n", c.name, c.summary, "", c.args)
	}
	fmt.Fprintf(w, "\n每个命令都接受 --db（或环境变量 KECHUANG_DB）：sqlite:路径 或 postgres://…，默认 %s。\n", store.DefaultDSN)
}

// flags makes a flag set with the --db flag every command takes.
func flags(e *env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("kechuang "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("KECHUANG_DB")
	if def == "" {
		def = store.DefaultDSN
	}
	db := fs.String("db", def, "数据库：sqlite:路径 或 postgres://…（环境变量 KECHUANG_DB）")
	return fs, db
}

// parse parses flags that may come before or after positional arguments
// (kechuang user add NAME --role admin) and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func runVersion(ctx context.Context, e *env, args []string) error {
	fmt.Fprintln(e.stdout, "kechuang", Version)
	return nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "migrate")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已应用 %d 个迁移，数据库结构版本 %d（%s）\n", n, v, s.Dialect())
	return nil
}
