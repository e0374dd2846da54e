package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// API tokens act as their user until they expire, are revoked, or the user
// is disabled or given a new password (which revokes them all).
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
	// tokenUseGrain is how stale a token's last use may get before a
	// request writes it again: not a write per API call.
	tokenUseGrain = time.Minute
)

// APIToken is a token as its owner and administrators see it: never the
// secret, which is shown once when it is made.
type APIToken struct {
	ID         int64
	UserID     int64
	Username   string
	Label      string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  time.Time
}

// Expired reports whether the token no longer works at t.
func (t APIToken) Expired(at time.Time) bool { return !at.Before(t.ExpiresAt) }

// CreateAPIToken makes an API token acting as the named user for ttl (0
// for DefaultTokenTTL, at most MaxTokenTTL) and returns it; it cannot be
// shown again.
func (s *Store) CreateAPIToken(ctx context.Context, username, label string, ttl time.Duration) (string, error) {
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Hour || ttl > MaxTokenTTL {
		return "", plan.Errorf(plan.EINVALID, "令牌有效期应在 1 小时到 %d 天之间", int(MaxTokenTTL/(24*time.Hour)))
	}
	if err := plan.CheckLength("用途说明", label, plan.MaxName); err != nil {
		return "", err
	}
	token := auth.NewAPIToken()
	now := s.nowUTC()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT id, disabled FROM users WHERE username = $1`, username).Scan(&userID, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "用户“%s”不存在", username)
		}
		if err != nil {
			return wrap(err, "find user %q", username)
		}
		if disabled {
			return plan.Errorf(plan.ECONFLICT, "用户“%s”已停用，不能生成令牌", username)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, label, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, label, auth.HashSecret(token), now, now.Add(ttl)).Scan(&id); err != nil {
			return wrap(err, "create a token")
		}
		return s.audit(ctx, tx, "user.token.create", userObject(userID), nil, map[string]any{"id": id, "label": label, "expires_at": now.Add(ttl)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// APITokens lists a user's tokens (every user's when userID is 0), newest
// first, expired ones included until they are revoked.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var out []APIToken
	err := eachRow(ctx, s.read, `
		SELECT t.id, t.user_id, u.username, t.label, t.created_at, t.last_used_at, t.expires_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE CAST($1 AS BIGINT) = 0 OR t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC`, func(r *sql.Rows) error {
		var t APIToken
		var used, expires sql.NullTime
		if err := r.Scan(&t.ID, &t.UserID, &t.Username, &t.Label, &t.CreatedAt, &used, &expires); err != nil {
			return err
		}
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		t.ExpiresAt = expires.Time
		out = append(out, t)
		return nil
	}, userID)
	if err != nil {
		return nil, wrap(err, "list tokens")
	}
	return out, nil
}

// RevokeAPIToken ends a token: one of the user's (userID), or anyone's when
// userID is 0 (administrators, the command line).
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var owner int64
		var label string
		err := tx.QueryRowContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND (CAST($2 AS BIGINT) = 0 OR user_id = $2) RETURNING user_id, label`, id, userID).Scan(&owner, &label)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "令牌不存在（编号 %d）", id)
		}
		if err != nil {
			return wrap(err, "revoke token %d", id)
		}
		return s.audit(ctx, tx, "user.token.revoke", userObject(owner), map[string]any{"id": id, "label": label}, nil)
	})
}

// revokeTokens ends every token and remembered device of a user, inside
// the caller's transaction: when the user is disabled or gets a new
// password.
func revokeTokens(ctx context.Context, tx *sql.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, userID); err != nil {
		return wrap(err, "revoke the tokens of user %d", userID)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM login_devices WHERE user_id = $1`, userID)
	return wrap(err, "forget the devices of user %d", userID)
}

// TokenUser returns the user a live API token acts as, or ENOTFOUND, and
// notes when the token was used. The user is kept in memory while it holds
// (authcache.go).
func (s *Store) TokenUser(ctx context.Context, token string) (*auth.User, error) {
	hash := auth.HashSecret(token)
	gen, err := s.authGen(ctx)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	id, ok := s.cachedIdentity("t"+hash, gen, now)
	if !ok {
		u := &id.user
		var used sql.NullTime
		err := s.read.QueryRowContext(ctx, `
			SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.unit_id, 0), u.disabled, u.created_at, u.email, u.org_id, t.id, t.last_used_at, t.expires_at
			FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND t.expires_at > $2 AND NOT u.disabled`, hash, now).
			Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.UnitID, &u.Disabled, &u.CreatedAt, &u.Email, &u.OrgID, &id.tokenID, &used, &id.expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, plan.Errorf(plan.ENOTFOUND, "API 令牌无效或已过期。")
		}
		if err != nil {
			return nil, wrap(err, "read a token")
		}
		if err := s.fillScope(ctx, u); err != nil {
			return nil, err
		}
		id.gen, id.used = gen, used.Time
	}
	if now.Sub(id.used) >= tokenUseGrain {
		if _, err := s.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id.tokenID); err != nil {
			return nil, wrap(err, "note the use of token %d", id.tokenID)
		}
		id.used = now
		ok = false
	}
	if !ok {
		s.keepIdentity("t"+hash, id)
	}
	u := id.user
	return &u, nil
}
