package cli

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

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
	stdin := fs.Bool("password-stdin", false, "从标准输入读取密码")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !*stdin {
		return fmt.Errorf("用法: kechuang user add NAME --role admin|leader|reporter [--unit UNIT] --password-stdin")
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
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法: kechuang token create USERNAME [--label TEXT]")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	token, err := s.CreateAPIToken(ctx, pos[0], *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, token)
	fmt.Fprintln(e.stderr, "令牌只显示这一次；请求时使用 Authorization: Bearer <令牌>，权限与该用户相同。")
	return nil
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
			dash(u.Email), state, u.CreatedAt.Format("2006-01-02"))
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
	users, err := s.Users(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(users, func(u *auth.User) bool { return u.Username == pos[0] })
	if i < 0 {
		return fmt.Errorf("用户“%s”不存在", pos[0])
	}
	u := users[i]
	if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{DisplayName: u.DisplayName, Role: u.Role, UnitID: u.UnitID, Email: u.Email, Disabled: true}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已停用用户 %s，其所有会话已退出\n", u.Username)
	return nil
}
