package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

const userColumns = `id, username, display_name, role, COALESCE(unit_id, 0), disabled, created_at, email, org_id`

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	u := &auth.User{}
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt, &u.Email, &u.OrgID)
	return u, err
}

// NewUser is what creating a user takes.
type NewUser struct {
	Username     string
	DisplayName  string
	Role         auth.Role
	UnitID       int64
	Email        string
	PasswordHash string
	// OrgID is the user's organisation: 0 for the caller's own (the root
	// organisation for the CLI). A reporter's is its unit's, whatever
	// this says.
	OrgID int64
}

// CreateUser adds a user. A reporter must be bound to a unit, and belongs
// to the unit's organisation; the organisation must be in the caller's
// scope.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (*auth.User, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	switch {
	case nu.Username == "":
		return nil, plan.Errorf(plan.EINVALID, "用户名不能为空")
	case !nu.Role.Valid():
		return nil, plan.Errorf(plan.EINVALID, "角色“%s”无效，应为 admin、leader 或 reporter", nu.Role)
	case nu.Role == auth.RoleReporter && nu.UnitID == 0:
		return nil, plan.Errorf(plan.EINVALID, "填报员必须绑定一个单位")
	}
	if err := checkUsername(nu.Username); err != nil {
		return nil, err
	}
	if err := checkUserTexts(nu.DisplayName, nu.Email); err != nil {
		return nil, err
	}
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = $1`, nu.Username).Scan(&n); err != nil {
			return fmt.Errorf("store: unable to check user %q: %w", nu.Username, err)
		}
		if n > 0 {
			return plan.Errorf(plan.ECONFLICT, "用户名“%s”已存在", nu.Username)
		}
		org, err := userOrg(ctx, tx, nu.OrgID, nu.UnitID)
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `
			INSERT INTO users (username, display_name, role, unit_id, email, password_hash, disabled, created_at, org_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+userColumns,
			nu.Username, nu.DisplayName, string(nu.Role), nullID(nu.UnitID), strings.TrimSpace(nu.Email), nu.PasswordHash, false, s.nowUTC(), org))
		if err != nil {
			return fmt.Errorf("store: unable to create user %q: %w", nu.Username, err)
		}
		after, err := auditUser(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "user.create", userObject(u.ID), nil, after)
	})
	if err != nil {
		return nil, err
	}
	return u, s.fillScope(ctx, u)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// userOrg is the organisation a user bound to unitID (0: none) is to be
// in: the unit's when bound to one (org, when given, must agree), else org,
// else the caller's own. Both the unit and the organisation must be in the
// caller's scope.
func userOrg(ctx context.Context, tx *sql.Tx, org, unitID int64) (int64, error) {
	if unitID != 0 {
		var unitOrg int64
		err := tx.QueryRowContext(ctx, `SELECT org_id FROM units WHERE id = $1`, unitID).Scan(&unitOrg)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, unitOrg) {
			return 0, plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", unitID)
		}
		if err != nil {
			return 0, wrap(err, "read unit %d", unitID)
		}
		if org != 0 && org != unitOrg {
			return 0, plan.Errorf(plan.EINVALID, "用户的组织须与其单位的组织一致。")
		}
		return unitOrg, nil
	}
	if org == 0 {
		return homeOrg(ctx, tx)
	}
	if !reaches(ctx, org) {
		return 0, plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", org)
	}
	if err := mustExist(ctx, tx, "orgs", org, "组织"); err != nil {
		return 0, err
	}
	return org, nil
}

// User returns a user by ID (within the caller's scope).
func (s *Store) User(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err == nil && !reaches(ctx, u.OrgID) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "用户不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read user %d: %w", id, err)
	}
	return u, s.fillScope(ctx, u)
}

// Users lists every user in the caller's scope by role then name.
func (s *Store) Users(ctx context.Context) ([]*auth.User, error) {
	var out []*auth.User
	cond, args := scopeFilter(ctx, "org_id", nil)
	err := eachRow(ctx, s.read, `SELECT `+userColumns+` FROM users WHERE 1 = 1`+cond+` ORDER BY role, username`, func(r *sql.Rows) error {
		u, err := scanUser(r)
		if err != nil {
			return err
		}
		out = append(out, u)
		return nil
	}, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	tree, err := s.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range out {
		u.Scope = tree.Descendants(u.OrgID)
	}
	return out, nil
}

// CountUsers returns how many users exist; an empty database has none.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to count users: %w", err)
	}
	return n, nil
}

// SetPasswordHash replaces a user's password, ends their sessions and
// revokes their API tokens.
func (s *Store) SetPasswordHash(ctx context.Context, username, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "用户“%s”不存在", username)
		}
		if err != nil {
			return fmt.Errorf("store: unable to find user %q: %w", username, err)
		}
		return s.setPasswordHash(ctx, tx, id, hash)
	})
}

// SetPasswordHashByID is SetPasswordHash for a user known by ID.
func (s *Store) SetPasswordHashByID(ctx context.Context, id int64, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setPasswordHash(ctx, tx, id, hash)
	})
}

// setPasswordHash replaces the password, ends the sessions, revokes the
// tokens and records the change, without the hash.
func (s *Store) setPasswordHash(ctx context.Context, tx *sql.Tx, id int64, hash string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id)
	if err != nil {
		return fmt.Errorf("store: unable to set the password of user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return plan.Errorf(plan.ENOTFOUND, "用户不存在")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("store: unable to end the sessions of user %d: %w", id, err)
	}
	if err := revokeTokens(ctx, tx, id); err != nil {
		return err
	}
	return s.audit(ctx, tx, "user.password", userObject(id), nil, nil)
}

// UserUpdate is what an administrator may change of a user; the username
// and the password are changed elsewhere.
type UserUpdate struct {
	DisplayName string
	Role        auth.Role
	UnitID      int64 // 0 for none
	Email       string
	Disabled    bool
}

// UpdateUser changes a user. An enabled reporter must be bound to a unit;
// at least one enabled administrator must remain. Disabling a user ends
// their sessions and revokes their API tokens.
func (s *Store) UpdateUser(ctx context.Context, id int64, uu UserUpdate) (*auth.User, error) {
	uu.DisplayName, uu.Email = strings.TrimSpace(uu.DisplayName), strings.TrimSpace(uu.Email)
	switch {
	case !uu.Role.Valid():
		return nil, plan.Errorf(plan.EINVALID, "角色“%s”无效，应为 admin、leader 或 reporter", uu.Role)
	case uu.Role == auth.RoleReporter && uu.UnitID == 0 && !uu.Disabled:
		return nil, plan.Errorf(plan.EINVALID, "填报员必须绑定一个单位")
	}
	if err := checkUserTexts(uu.DisplayName, uu.Email); err != nil {
		return nil, err
	}
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var cur int64
		if err := tx.QueryRowContext(ctx, `SELECT org_id FROM users WHERE id = $1`, id).Scan(&cur); err != nil || !reaches(ctx, cur) {
			return plan.Errorf(plan.ENOTFOUND, "用户不存在")
		}
		before, err := auditUser(ctx, tx, id)
		if err != nil {
			return err
		}
		// A user bound to a unit moves with it into the unit's organisation.
		org := cur
		if uu.UnitID != 0 {
			if org, err = userOrg(ctx, tx, 0, uu.UnitID); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `
			UPDATE users SET display_name = $1, role = $2, unit_id = $3, email = $4, disabled = $5, org_id = $6
			WHERE id = $7 RETURNING `+userColumns,
			uu.DisplayName, string(uu.Role), nullID(uu.UnitID), uu.Email, uu.Disabled, org, id))
		if err != nil {
			return fmt.Errorf("store: unable to update user %d: %w", id, err)
		}
		// Every organisation keeps an administrator of its own: a district
		// is not left to its city to run.
		if before.Role == auth.RoleAdmin && !before.Disabled && (!auth.Allowed(u, auth.PermAdmin) || org != cur) {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = $1 AND NOT disabled AND org_id = $2`,
				string(auth.RoleAdmin), cur).Scan(&admins); err != nil {
				return fmt.Errorf("store: unable to count administrators: %w", err)
			}
			if admins == 0 {
				return plan.Errorf(plan.ECONFLICT, "本组织至少要保留一个可用的管理员")
			}
		}
		if uu.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("store: unable to end the sessions of user %d: %w", id, err)
			}
			if err := revokeTokens(ctx, tx, id); err != nil {
				return err
			}
		}
		after, err := auditUser(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "user.update", userObject(id), before, after)
	})
	if err != nil {
		return nil, err
	}
	return u, s.fillScope(ctx, u)
}

// MaxUsername bounds a username; a login with a longer one is refused
// before any work is done.
const MaxUsername = 64

// checkUsername: a username is what people type to log in, so it has no
// control characters and fits MaxUsername.
func checkUsername(name string) error {
	if strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0 {
		return plan.Errorf(plan.EINVALID, "用户名不能含控制字符")
	}
	return plan.CheckLength("用户名", name, MaxUsername)
}

// checkUserTexts holds a display name to plan.MaxName and checks the email.
func checkUserTexts(displayName, email string) error {
	if err := plan.CheckLength("姓名", displayName, plan.MaxName); err != nil {
		return err
	}
	return checkEmail(email)
}

// checkEmail accepts "" or a plain address of at most 254 characters.
func checkEmail(email string) error {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil
	}
	if err := plan.CheckLength("邮箱", email, 254); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return plan.Errorf(plan.EINVALID, "邮箱“%s”格式不正确", email)
	}
	return nil
}

func userObject(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// userRecord is a user as the audit log records it: never the password.
type userRecord struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        auth.Role `json:"role"`
	UnitID      int64     `json:"unit_id,omitempty"`
	Unit        string    `json:"unit,omitempty"`
	Email       string    `json:"email"`
	Disabled    bool      `json:"disabled"`
}

// auditUser reads a user for the audit log, with the name of their unit.
func auditUser(ctx context.Context, tx *sql.Tx, id int64) (*userRecord, error) {
	var r userRecord
	err := tx.QueryRowContext(ctx, `
		SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.unit_id, 0), COALESCE(n.name, ''), u.email, u.disabled
		FROM users u LEFT JOIN units n ON n.id = u.unit_id WHERE u.id = $1`, id).
		Scan(&r.ID, &r.Username, &r.DisplayName, &r.Role, &r.UnitID, &r.Unit, &r.Email, &r.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "用户不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read user %d: %w", id, err)
	}
	return &r, nil
}

// CreateSession starts a session for the user and returns its secret, which
// only the browser keeps; the database holds its hash.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	secret := auth.NewSecret()
	now := s.nowUTC()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Sweep expired sessions here rather than in a background job, so
		// that no instance has to be the one that sweeps.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return fmt.Errorf("store: unable to sweep sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			auth.HashSecret(secret), userID, now, now.Add(ttl)); err != nil {
			return fmt.Errorf("store: unable to create a session: %w", err)
		}
		return nil
	})
	return secret, err
}

// SessionUser returns the user of a live session, or ENOTFOUND. The user
// is kept in memory while it holds (authcache.go).
func (s *Store) SessionUser(ctx context.Context, secret string) (*auth.User, error) {
	hash := auth.HashSecret(secret)
	gen, err := s.authGen(ctx)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	if id, ok := s.cachedIdentity("s"+hash, gen, now); ok {
		u := id.user
		return &u, nil
	}
	var expires time.Time
	u := &auth.User{}
	err = s.read.QueryRowContext(ctx, `
		SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.unit_id, 0), u.disabled, u.created_at, u.email, u.org_id, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, hash, now).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt, &u.Email, &u.OrgID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "会话已过期，请重新登录。")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read a session: %w", err)
	}
	if err := s.fillScope(ctx, u); err != nil {
		return nil, err
	}
	s.keepIdentity("s"+hash, identity{gen: gen, user: *u, expires: expires})
	return u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, auth.HashSecret(secret)); err != nil {
			return fmt.Errorf("store: unable to delete a session: %w", err)
		}
		return s.authChanged(ctx, tx)
	})
}
