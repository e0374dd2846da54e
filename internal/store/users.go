package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

const userColumns = `id, username, display_name, role, COALESCE(unit_id, 0), disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (*auth.User, error) {
	u := &auth.User{}
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt)
	return u, err
}

// NewUser is what creating a user takes.
type NewUser struct {
	Username     string
	DisplayName  string
	Role         auth.Role
	UnitID       int64
	PasswordHash string
}

// CreateUser adds a user. A reporter must be bound to a unit.
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
	var u *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = $1`, nu.Username).Scan(&n); err != nil {
			return fmt.Errorf("store: unable to check user %q: %w", nu.Username, err)
		}
		if n > 0 {
			return plan.Errorf(plan.ECONFLICT, "用户名“%s”已存在", nu.Username)
		}
		if nu.UnitID != 0 {
			if err := mustExist(ctx, tx, "units", nu.UnitID, "单位"); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `
			INSERT INTO users (username, display_name, role, unit_id, password_hash, disabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+userColumns,
			nu.Username, nu.DisplayName, string(nu.Role), nullID(nu.UnitID), nu.PasswordHash, false, s.nowUTC()))
		if err != nil {
			return fmt.Errorf("store: unable to create user %q: %w", nu.Username, err)
		}
		return nil
	})
	return u, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// User returns a user by ID.
func (s *Store) User(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "用户不存在")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read user %d: %w", id, err)
	}
	return u, nil
}

// Users lists every user by role then name.
func (s *Store) Users(ctx context.Context) ([]*auth.User, error) {
	var out []*auth.User
	err := eachRow(ctx, s.read, `SELECT `+userColumns+` FROM users ORDER BY role, username`, func(r *sql.Rows) error {
		u, err := scanUser(r)
		if err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
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

// SetPasswordHash replaces a user's password and ends their sessions.
func (s *Store) SetPasswordHash(ctx context.Context, username, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE username = $2`, hash, username)
		if err != nil {
			return fmt.Errorf("store: unable to set the password of %q: %w", username, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return plan.Errorf(plan.ENOTFOUND, "用户“%s”不存在", username)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)`, username); err != nil {
			return fmt.Errorf("store: unable to end the sessions of %q: %w", username, err)
		}
		return nil
	})
}

// Login backoff: after maxFreeFailures wrong passwords a username is locked
// for a time that doubles with each further failure, up to maxLock.
const (
	maxFreeFailures = 5
	firstLock       = 30 * time.Second
	maxLock         = 30 * time.Minute
)

// Authenticate checks a username and password. Wrong credentials and unknown
// users get the same answer; repeated failures lock the username for a while
// (EFORBIDDEN, saying how long).
func (s *Store) Authenticate(ctx context.Context, username, password string) (*auth.User, error) {
	now := s.nowUTC()
	var lockedUntil time.Time
	err := s.read.QueryRowContext(ctx, `SELECT locked_until FROM login_failures WHERE username = $1`, username).Scan(&lockedUntil)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: unable to read login failures: %w", err)
	}
	if now.Before(lockedUntil) {
		wait := lockedUntil.Sub(now).Round(time.Second)
		return nil, plan.Errorf(plan.EFORBIDDEN, "登录失败次数过多，请 %s 后再试。", wait)
	}
	var hash string
	u := &auth.User{}
	err = s.read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`, username).Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: unable to read user %q: %w", username, err)
	}
	ok := err == nil && !u.Disabled && auth.VerifyPassword(hash, password)
	if !ok {
		if err := s.recordFailure(ctx, username, now); err != nil {
			return nil, err
		}
		return nil, plan.Errorf(plan.EUNAUTHORIZED, "用户名或密码错误。")
	}
	if _, err := s.write.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, username); err != nil {
		return nil, fmt.Errorf("store: unable to clear login failures: %w", err)
	}
	return u, nil
}

func (s *Store) recordFailure(ctx context.Context, username string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var failures int
		err := tx.QueryRowContext(ctx, `SELECT failures FROM login_failures WHERE username = $1`, username).Scan(&failures)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: unable to read login failures: %w", err)
		}
		failures++
		locked := now
		if failures >= maxFreeFailures {
			d := firstLock << min(failures-maxFreeFailures, 16)
			locked = now.Add(min(d, maxLock))
		}
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.ExecContext(ctx, `INSERT INTO login_failures (username, failures, locked_until) VALUES ($1, $2, $3)`, username, failures, locked)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE login_failures SET failures = $1, locked_until = $2 WHERE username = $3`, failures, locked, username)
		}
		if err != nil {
			return fmt.Errorf("store: unable to record a login failure: %w", err)
		}
		return nil
	})
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

// SessionUser returns the user of a live session, or ENOTFOUND.
func (s *Store) SessionUser(ctx context.Context, secret string) (*auth.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `
		SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.unit_id, 0), u.disabled, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, auth.HashSecret(secret), s.nowUTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "会话已过期，请重新登录。")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read a session: %w", err)
	}
	return u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, auth.HashSecret(secret)); err != nil {
		return fmt.Errorf("store: unable to delete a session: %w", err)
	}
	return nil
}

// CreateAPIToken makes an API token acting as the named user and returns it;
// it cannot be shown again.
func (s *Store) CreateAPIToken(ctx context.Context, username, label string) (string, error) {
	token := auth.NewAPIToken()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "用户“%s”不存在", username)
		}
		if err != nil {
			return fmt.Errorf("store: unable to find user %q: %w", username, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4)`,
			userID, label, auth.HashSecret(token), s.nowUTC()); err != nil {
			return fmt.Errorf("store: unable to create a token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// TokenUser returns the user an API token acts as, or ENOTFOUND.
func (s *Store) TokenUser(ctx context.Context, token string) (*auth.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `
		SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.unit_id, 0), u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, auth.HashSecret(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "API 令牌无效。")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read a token: %w", err)
	}
	return u, nil
}
