package cli

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// readPasswordHash takes a password from the first line of standard input
// (passwords never go on the command line, where ps and shell history
// would keep them), checks it against the rule and returns its hash.
func readPasswordHash(e *env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("未从标准输入读到密码")
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.CheckPassword(pw); err != nil {
		return "", err
	}
	return auth.HashPassword(pw)
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "user add")
	role := fs.String("role", "", "角色：admin（管理员）、leader（领导）、reporter（填报员）")
	unit := fs.String("unit", "", "填报员所属单位（名称、简称或别名）")
	display := fs.String("display-name", "", "显示名")
	org := fs.String("org", "", "用户所属组织（只有一个组织时可不填）")
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !*stdin {
		return fmt.Errorf("用法: kechuang user add NAME --role admin|leader|reporter [--org NAME] [--unit UNIT] --password-stdin")
	}
	hash, err := readPasswordHash(e)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if ctx, err = inOrg(ctx, s, *org, true); err != nil {
		return err
	}
	var unitID int64
	if *unit != "" {
		dir, err := s.Directory(ctx)
		if err != nil {
			return err
		}
		ref, ok := dir.Index()[plan.CleanName(*unit)]
		if !ok || ref.UnitID == 0 {
			return fmt.Errorf("单位“%s”不在单位名录中", *unit)
		}
		unitID = ref.UnitID
	}
	u, err := s.CreateUser(ctx, store.NewUser{Username: pos[0], DisplayName: *display, Role: auth.Role(*role), UnitID: unitID, PasswordHash: hash})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已添加用户 %s（%s）\n", u.Username, u.Role.Label())
	return nil
}

func runUserPasswd(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "user passwd")
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !*stdin {
		return fmt.Errorf("用法: kechuang user passwd NAME --password-stdin")
	}
	hash, err := readPasswordHash(e)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.SetPasswordHash(ctx, pos[0], hash); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已重设 %s 的密码，其所有会话已退出\n", pos[0])
	return nil
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "token create")
	label := fs.String("label", "", "令牌用途说明")
	expires := fs.String("expires", "90d", "有效期：天数（如 30d）或小时（如 12h），最长 366d")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang token create USERNAME [--label TEXT] [--expires 30d]")
	}
	ttl, err := parseTTL(*expires)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	token, err := s.CreateAPIToken(ctx, pos[0], *label, ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, token)
	fmt.Fprintf(e.stderr, "令牌只显示这一次，%s 前有效；请求时使用 Authorization: Bearer <令牌>，权限与该用户相同。\n",
		time.Now().Add(ttl).In(plan.Zone).Format("2006-01-02 15:04"))
	return nil
}

// parseTTL reads a token's lifetime: whole days ("30d") or a Go duration
// ("12h").
func parseTTL(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("有效期“%s”无效：写作天数（如 30d）或小时（如 12h）", v)
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "token list")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("用法: kechuang token list [USERNAME]")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var userID int64
	if len(pos) == 1 {
		u, err := userByName(ctx, s, pos[0])
		if err != nil {
			return err
		}
		userID = u.ID
	}
	tokens, err := s.APITokens(ctx, userID)
	if err != nil {
		return err
	}
	now := time.Now()
	when := func(t time.Time) string { return t.In(plan.Zone).Format("2006-01-02 15:04") }
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "编号\t用户\t用途\t创建时间\t最近使用\t有效期至")
	for _, t := range tokens {
		used, expires := "-", when(t.ExpiresAt)
		if t.LastUsedAt != nil {
			used = when(*t.LastUsedAt)
		}
		if t.Expired(now) {
			expires += "（已过期）"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Username, dash(t.Label), when(t.CreatedAt), used, expires)
	}
	return tw.Flush()
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "token revoke")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var id int64
	if len(pos) == 1 {
		id, err = strconv.ParseInt(pos[0], 10, 64)
	}
	if len(pos) != 1 || err != nil {
		return fmt.Errorf("用法: kechuang token revoke ID（编号见 kechuang token list）")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeAPIToken(ctx, 0, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已作废令牌 %d\n", id)
	return nil
}

func runUserUnlock(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "user unlock")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang user unlock NAME")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := userByName(ctx, s, pos[0])
	if err != nil {
		return err
	}
	if err := s.UnlockLogin(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已解除 %s 的登录锁定\n", u.Username)
	return nil
}

// userByName finds a user by username.
func userByName(ctx context.Context, s *store.Store, name string) (*auth.User, error) {
	users, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(users, func(u *auth.User) bool { return u.Username == name })
	if i < 0 {
		return nil, fmt.Errorf("用户“%s”不存在", name)
	}
	return users[i], nil
}

func runUserList(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "user list")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	users, err := s.Users(ctx)
	if err != nil {
		return err
	}
	dir, err := s.Directory(ctx)
	if err != nil {
		return err
	}
	units := map[int64]string{}
	for _, u := range dir.Units {
		units[u.ID] = u.Label()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名\t姓名\t角色\t单位\t邮箱\t状态\t创建时间")
	for _, u := range users {
		state := "正常"
		if u.Disabled {
			state = "已停用"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, dash(u.DisplayName), u.Role.Label(), dash(units[u.UnitID]),
			dash(u.Email), state, u.CreatedAt.In(plan.Zone).Format(time.DateOnly))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	fs, db := flags(e, "user disable")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang user disable NAME")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := userByName(ctx, s, pos[0])
	if err != nil {
		return err
	}
	if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{DisplayName: u.DisplayName, Role: u.Role, UnitID: u.UnitID, Email: u.Email, Disabled: true}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已停用用户 %s，其所有会话已退出\n", u.Username)
	return nil
}
