package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
	"unicode/utf8"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Login backoff. Failures are counted per username and client: a browser
// that has logged in as that user before (it holds a device cookie, see
// RememberDevice) is a client of its own; any other caller is counted by
// its address. After maxFreeFailures failures a client is locked out of
// that username for a time that doubles with each further failure, up to
// maxLock. So a stranger guessing the administrator's password locks out
// strangers (everyone at that address, or everyone behind the same proxy),
// never the administrator's own browser; and an administrator can lift a
// lockout (UnlockLogin, the users page, `kechuang user unlock`).
//
// An attempt is counted before its password is checked, in one
// transaction with the lock check (the row is locked by the upsert on
// PostgreSQL; SQLite has one writer), so concurrent attempts cannot all
// slip in under the limit; a right password clears its client's count.
// Failures with no new failure for failureMemory are forgotten.
const (
	maxFreeFailures = 5
	firstLock       = 30 * time.Second
	maxLock         = 30 * time.Minute
	failureMemory   = time.Hour // longer than maxLock, so a locked row is never forgotten early
	maxLoginBytes   = 1024      // a password longer than this is wrong without a check (auth hashes at most 512)
)

// DeviceTTL is how long a browser stays remembered as a user's device
// after its last login.
const DeviceTTL = 180 * 24 * time.Hour

// Login is a login attempt: the credentials, and where it comes from.
type Login struct {
	Username string
	Password string
	Address  string // the client's address
	Device   string // the secret of the browser's device cookie; "" when it has none
}

// Authenticate checks a username and password. Wrong credentials, unknown
// and disabled users get the same answer, after the same work (a password
// check); repeated failures lock the client out for a while (EFORBIDDEN,
// saying how long).
func (s *Store) Authenticate(ctx context.Context, l Login) (*auth.User, error) {
	wrong := plan.Errorf(plan.EUNAUTHORIZED, "用户名或密码错误。")
	if l.Username == "" || utf8.RuneCountInString(l.Username) > MaxUsername || !utf8.ValidString(l.Username) {
		return nil, wrong // no such user can exist: nothing to count
	}
	now := s.nowUTC()
	client := s.loginClient(ctx, l, now)
	locked, err := s.countAttempt(ctx, l.Username, client, now)
	if err != nil {
		return nil, err
	}
	if now.Before(locked) {
		wait := locked.Sub(now).Round(time.Second)
		if err := s.auditLogin(ctx, "user.login.refused", "login:"+l.Username, nil, map[string]any{"client": client, "locked_until": locked}); err != nil {
			return nil, err
		}
		return nil, plan.Errorf(plan.EFORBIDDEN, "登录失败次数过多，请 %s 后再试，或请管理员解除锁定。", wait)
	}
	var hash string
	u := &auth.User{}
	err = s.read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`, l.Username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt, &u.Email, &u.OrgID, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrap(err, "read user %q", l.Username)
	}
	found := err == nil
	if len(l.Password) > maxLoginBytes {
		l.Password = ""
	}
	// Unknown and disabled users are checked against no hash, which costs
	// what a real check does.
	if !found || u.Disabled {
		hash = ""
	}
	if ok := auth.VerifyPassword(hash, l.Password); !ok || !found || u.Disabled {
		reason := "wrong_password"
		switch {
		case !found:
			reason = "unknown_user"
		case u.Disabled:
			reason = "disabled"
		}
		if err := s.auditLogin(ctx, "user.login.failed", "login:"+l.Username, nil, map[string]any{"client": client, "reason": reason}); err != nil {
			return nil, err
		}
		return nil, wrong
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1 AND client = $2`, l.Username, client); err != nil {
			return wrap(err, "clear the login failures of %q", l.Username)
		}
		// The entry is the user's own: who logged in, from where.
		actor, _ := ActorFrom(ctx)
		actor.UserID, actor.Username = u.ID, u.Username
		return s.audit(WithActor(ctx, actor), tx, "user.login.ok", userObject(u.ID), nil, map[string]any{"client": client})
	})
	if err != nil {
		return nil, err
	}
	return u, s.fillScope(ctx, u)
}

// auditLogin records a login that did not get in, in a transaction of its
// own: the attempt is already counted (countAttempt), and the log says
// who tried, from where and why it failed. Login entries move no figure
// (data_version.go's unchanging lists "user.").
func (s *Store) auditLogin(ctx context.Context, action, object string, before, after any) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, action, object, before, after) })
}

// loginClient is what an attempt's failures are counted against: the
// device when its cookie belongs to the user, the address otherwise.
func (s *Store) loginClient(ctx context.Context, l Login, now time.Time) string {
	if l.Device != "" {
		hash := auth.HashSecret(l.Device)
		var n int
		err := s.read.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM login_devices d JOIN users u ON u.id = d.user_id
			WHERE d.token_hash = $1 AND d.expires_at > $2 AND u.username = $3`, hash, now, l.Username).Scan(&n)
		if err == nil && n > 0 {
			return "device:" + hash[:16]
		}
	}
	return "address:" + l.Address
}

// countAttempt counts an attempt as a failure before its password is
// checked, unless the client is locked out, and returns until when it is
// locked (a time past when it is not). The attempt that reaches
// maxFreeFailures starts the lock; it is still checked, and clears the
// count if its password is right.
func (s *Store) countAttempt(ctx context.Context, username, client string, now time.Time) (time.Time, error) {
	var locked time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failure_at < $1`, now.Add(-failureMemory)); err != nil {
			return wrap(err, "forget old login failures")
		}
		var failures int
		err := tx.QueryRowContext(ctx, `
			INSERT INTO login_failures (username, client, failures, locked_until, last_failure_at) VALUES ($1, $2, 1, $3, $3)
			ON CONFLICT (username, client) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = $3
			WHERE login_failures.locked_until <= $3
			RETURNING failures`, username, client, now).Scan(&failures)
		if errors.Is(err, sql.ErrNoRows) { // locked: the update's condition failed
			err = tx.QueryRowContext(ctx, `SELECT locked_until FROM login_failures WHERE username = $1 AND client = $2`, username, client).Scan(&locked)
			return wrap(err, "read the lock of %q", username)
		}
		if err != nil {
			return wrap(err, "count a login attempt for %q", username)
		}
		if failures < maxFreeFailures {
			return nil
		}
		until := now.Add(min(firstLock<<min(failures-maxFreeFailures, 16), maxLock))
		if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET locked_until = $1 WHERE username = $2 AND client = $3`, until, username, client); err != nil {
			return wrap(err, "lock %q", username)
		}
		// A lockout starts (failures are not changes; a lock is).
		return s.audit(ctx, tx, "user.login.locked", "login:"+username, nil,
			map[string]any{"failures": failures, "locked_until": until, "client": client})
	})
	return locked, err
}

// LoginLocks returns the usernames locked out for at least one client now,
// with the latest end of their locks.
func (s *Store) LoginLocks(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := eachRow(ctx, s.read, `SELECT username, locked_until FROM login_failures WHERE locked_until > $1`, func(r *sql.Rows) error {
		var name string
		var until time.Time
		if err := r.Scan(&name, &until); err != nil {
			return err
		}
		if until.After(out[name]) {
			out[name] = until
		}
		return nil
	}, s.nowUTC())
	if err != nil {
		return nil, wrap(err, "list login locks")
	}
	return out, nil
}

// UnlockLogin lifts every lockout of a user's username and forgets its
// failures.
func (s *Store) UnlockLogin(ctx context.Context, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var username string
		err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE id = $1`, userID).Scan(&username)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "用户不存在")
		}
		if err != nil {
			return wrap(err, "read user %d", userID)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, username)
		if err != nil {
			return wrap(err, "unlock %q", username)
		}
		n, _ := res.RowsAffected()
		return s.audit(ctx, tx, "user.login.unlock", userObject(userID), map[string]any{"clients": n}, nil)
	})
}

// RememberDevice marks the browser that just logged in as the user's
// device, and returns the secret for its cookie; the secret it held
// before (old, "" for none) is forgotten. Failures from a remembered
// device are counted apart from a stranger's.
func (s *Store) RememberDevice(ctx context.Context, userID int64, old string) (string, error) {
	secret := auth.NewSecret()
	now := s.nowUTC()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_devices WHERE expires_at < $1 OR token_hash = $2`, now, auth.HashSecret(old)); err != nil {
			return wrap(err, "forget old devices")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			auth.HashSecret(secret), userID, now, now.Add(DeviceTTL))
		return wrap(err, "remember a device of user %d", userID)
	})
	return secret, err
}
