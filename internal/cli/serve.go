package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/metrics"
	"kechuang/internal/notify"
	"kechuang/internal/plan"
	"kechuang/internal/regimport"
	"kechuang/internal/register"
	"kechuang/internal/store"
	"kechuang/internal/web"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "serve")
	defAddr := e.getenv("KECHUANG_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := fs.String("addr", defAddr, "监听地址（环境变量 KECHUANG_ADDR）")
	demo := fs.Bool("demo", false, "演示模式：空库时载入2022年青云谱区工作要点，并创建演示账号")
	secure := fs.Bool("secure-cookies", false, "会话 Cookie 仅经 HTTPS 发送（经 HTTPS 访问时开启）")
	admitted := fs.Int("admitted", 0, "同时处理的请求数，其余按到达先后排队（0：每个 CPU 核 2 个；PostgreSQL 在另一台机器上时可调大）")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log := newLogger(e.stderr)
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()

	var demoPassword string
	if *demo {
		var keep func()
		if demoPassword, keep, err = loadDemo(ctx, s, log); err != nil {
			return fmt.Errorf("演示数据: %w", err)
		}
		if keep != nil {
			go keep()
		}
	} else if n, err := s.CountUsers(ctx); err != nil {
		return err
	} else if n == 0 {
		log.Warn("数据库中还没有用户；请先创建管理员：echo '密码' | kechuang user add admin --role admin --password-stdin")
	}

	reg := metrics.New()
	notifier := notify.New(s, log)
	notifier.Instrument(reg)
	srv, err := web.New(s, log, web.Options{SecureCookies: *secure, Version: Version, Reminder: notifier, Chromium: findChromium(e.getenv), Metrics: reg, Admitted: *admitted})
	if err != nil {
		return err
	}
	go notifier.Run(ctx) // scheduled 催报; one instance at a time holds its lease
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(e.stdout, "kechuang 已启动：http://%s/  （数据库 %s）\n", ln.Addr(), s.Dialect())
	if *demo && demoPassword == "" {
		fmt.Fprintln(e.stdout, "演示账号的密码由正在运行的另一实例设置，见该实例的输出（或用 kechuang user passwd 重设）。")
	} else if *demo {
		fmt.Fprintf(e.stdout, "演示账号（密码均为 %s，仅演示模式）：\n", demoPassword)
		fmt.Fprintln(e.stdout, "  青云谱区：admin（管理员）、leader（领导）、各单位填报员：用户名即单位简称，如 区科工局、三家店街道")
		if _, err := s.OrgByName(ctx, demoCity); err == nil { // not in a demo database older than organisations
			fmt.Fprintln(e.stdout, "  南昌市：cityadmin（管理员）、cityleader（领导）、西湖区和东湖区的填报员 西湖区、东湖区")
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Demo leases: demoLease keeps instances started together on one empty
// database from loading the demo twice (one loads it while the others
// wait); accountsLease is held, renewed, by the running instance whose
// demo password is in force, so that another instance started beside it
// does not replace the password that one printed.
const (
	demoLease     = "demo.load"
	accountsLease = "demo.accounts"
	accountsTTL   = time.Minute
)

// loadDemo loads the 2022 Qingyunpu plan (and its demo registers) when the
// database has no plan, and gives the demo accounts (admin, leader, one
// reporter per unit) a fresh random password, which it returns — unless a
// running instance holds the accounts' lease, whose printed password stays
// in force (it returns ""). keep renews the lease until ctx ends; callers
// run it beside the server.
func loadDemo(ctx context.Context, s *store.Store, log *slog.Logger) (password string, keep func(), err error) {
	holder := demoPassword() // any random name will do
	if err := waitLease(ctx, s, demoLease, holder, 5*time.Minute, func() { log.Info("另一实例正在载入演示数据，等待其完成") }); err != nil {
		return "", nil, err
	}
	defer s.ReleaseLease(context.WithoutCancel(ctx), demoLease, holder)
	plans, err := s.Plans(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(plans) == 0 {
		if err := loadDemoPlans(ctx, s); err != nil {
			return "", nil, err
		}
	}
	got, err := s.AcquireLease(ctx, accountsLease, holder, accountsTTL)
	if err != nil || !got {
		return "", nil, err
	}
	keep = func() {
		for {
			select {
			case <-ctx.Done():
				s.ReleaseLease(context.WithoutCancel(ctx), accountsLease, holder)
				return
			case <-time.After(accountsTTL / 3):
				s.AcquireLease(ctx, accountsLease, holder, accountsTTL)
			}
		}
	}
	password = demoPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", nil, err
	}
	accounts, err := demoAccounts(ctx, s)
	if err != nil {
		return "", nil, err
	}
	for _, a := range accounts {
		a.PasswordHash = hash
		_, err := s.CreateUser(ctx, a)
		if plan.ErrorCode(err) == plan.ECONFLICT {
			err = s.SetPasswordHash(ctx, a.Username, hash)
		}
		if err != nil {
			return "", nil, fmt.Errorf("账号 %s: %w", a.Username, err)
		}
	}
	return password, keep, nil
}

// waitLease takes the named lease, waiting while another holder has it
// (wait is called once, when it first has to).
func waitLease(ctx context.Context, s *store.Store, name, holder string, ttl time.Duration, wait func()) error {
	for waited := false; ; waited = true {
		got, err := s.AcquireLease(ctx, name, holder, ttl)
		if err != nil || got {
			return err
		}
		if !waited {
			wait()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// loadDemoRegisters reads the generated demo lists (examples.DemoRegisters)
// and imports them into the demo plan's organisation as its bureau would
// its own: the same reader, the same all-or-nothing import.
func loadDemoRegisters(ctx context.Context, s *store.Store, planID int64) error {
	org, err := s.ObjectOrg(ctx, "plan", strconv.FormatInt(planID, 10))
	if err != nil {
		return err
	}
	for _, l := range examples.DemoRegisters() {
		rd, err := register.Open(l.Name, bytes.NewReader(l.Data), int64(len(l.Data)), l.Kind, register.Options{})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(l.Data)
		_, err = regimport.Import(ctx, s, rd, store.ImportMeta{Kind: l.Kind, File: l.Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(l.Data)), Org: org}, regimport.Options{}, nil)
		rd.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", l.Name, err)
		}
	}
	return nil
}

// demoPassword is easy to read aloud (no 0/O, 1/l) and passes the password rule.
func demoPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyz"
	const digits = "23456789"
	b := make([]byte, 10)
	rand.Read(b)
	out := []byte("kc")
	for i, x := range b {
		if i%2 == 0 {
			out = append(out, letters[int(x)%len(letters)])
		} else {
			out = append(out, digits[int(x)%len(digits)])
		}
	}
	return string(out)
}
