package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"kechuang/internal/plan"
)

// progressKey is where a plan's progress settings are kept.
func progressKey(planID int64) string { return fmt.Sprintf("progress.plan.%d", planID) }

// ProgressSettings returns a plan's progress settings, the defaults when
// none were saved.
func (s *Store) ProgressSettings(ctx context.Context, planID int64) (plan.ProgressSettings, error) {
	return loadProgressSettings(ctx, s.read, planID)
}

func loadProgressSettings(ctx context.Context, q queryer, planID int64) (plan.ProgressSettings, error) {
	var ps plan.ProgressSettings
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, progressKey(planID)).Scan(&raw)
	switch {
	case err == sql.ErrNoRows:
		return ps, nil
	case err != nil:
		return ps, wrap(err, "read the progress settings of plan %d", planID)
	}
	if err := json.Unmarshal([]byte(raw), &ps); err != nil {
		return ps, wrap(err, "decode the progress settings of plan %d", planID)
	}
	return ps, nil
}

// SaveProgressSettings validates and keeps a plan's progress settings.
func (s *Store) SaveProgressSettings(ctx context.Context, planID int64, ps plan.ProgressSettings) error {
	if err := ps.Check(); err != nil {
		return err
	}
	b, err := json.Marshal(ps)
	if err != nil {
		return wrap(err, "encode progress settings")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "plans", planID, "方案"); err != nil {
			return err
		}
		var old string
		tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, progressKey(planID)).Scan(&old)
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, progressKey(planID)); err != nil {
			return wrap(err, "save progress settings")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, progressKey(planID), string(b)); err != nil {
			return wrap(err, "save progress settings")
		}
		return s.audit(ctx, tx, "settings.progress", fmt.Sprintf("plan:%d", planID), json.RawMessage(orNull(old)), json.RawMessage(b))
	})
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
