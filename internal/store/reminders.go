package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
)

// Reminder kinds (催报) as recorded in reminder_sends: scheduled ones are
// claimed once per round, unit and day; manual ones once per minute.
const (
	ReminderBeforeDue = "before_due" // remind_days before the due date
	ReminderDue       = "due"        // on the due date
	ReminderManual    = "manual"     // an administrator's 催报 button
)

// PendingUnit is a unit of an open round that has not reported (未报): its
// form is empty, a draft, or returned for changes.
type PendingUnit struct {
	RoundID      int64
	RoundLabel   string
	PlanTitle    string
	DueOn        string // YYYY-MM-DD, Asia/Shanghai
	UnitID       int64
	UnitName     string // the short name when the unit has one
	Contact      string // the unit's contact person and phone
	Phone        string
	FormPublicID string // "" when the unit has no form yet
	FormState    string
	Emails       []string // of the enabled users bound to the unit
}

// PendingUnits lists the units of an open round that have not reported, in
// directory order. The round's units are those in round_units and those
// with a form in it; a unit without a form counts as not reported. A round
// that is not open has none; a round that does not exist is ENOTFOUND.
func (s *Store) PendingUnits(ctx context.Context, roundID int64) ([]PendingUnit, error) {
	var state string
	err := s.read.QueryRowContext(ctx, `SELECT state FROM rounds WHERE id = $1`, roundID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "调度不存在。")
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read round %d: %w", roundID, err)
	}
	if state != "open" {
		return nil, nil
	}
	var out []PendingUnit
	byUnit := map[int64]int{}
	err = eachRow(ctx, s.read, `
		WITH scope (unit_id) AS (
			SELECT unit_id FROM round_units WHERE round_id = $1
			UNION
			SELECT unit_id FROM forms WHERE round_id = $1
		)
		SELECT r.id, r.label, p.title, r.due_on, u.id,
		       CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, u.contact, u.phone,
		       COALESCE(f.public_id, ''), COALESCE(f.state, 'empty')
		FROM scope
		JOIN units u ON u.id = scope.unit_id
		JOIN rounds r ON r.id = $1
		JOIN plans p ON p.id = r.plan_id
		LEFT JOIN forms f ON f.round_id = r.id AND f.unit_id = u.id
		WHERE r.state = 'open' AND COALESCE(f.state, 'empty') IN ('empty', 'draft', 'returned')
		ORDER BY u.position, u.id`, func(rows *sql.Rows) error {
		var p PendingUnit
		if err := rows.Scan(&p.RoundID, &p.RoundLabel, &p.PlanTitle, &p.DueOn, &p.UnitID, &p.UnitName, &p.Contact, &p.Phone, &p.FormPublicID, &p.FormState); err != nil {
			return err
		}
		byUnit[p.UnitID] = len(out)
		out = append(out, p)
		return nil
	}, roundID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the pending units of round %d: %w", roundID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	err = eachRow(ctx, s.read, `
		SELECT u.unit_id, u.email FROM users u
		WHERE u.unit_id IN (SELECT unit_id FROM round_units WHERE round_id = $1 UNION SELECT unit_id FROM forms WHERE round_id = $1)
		  AND NOT u.disabled AND u.email <> ''
		ORDER BY u.unit_id, u.username`, func(rows *sql.Rows) error {
		var unitID int64
		var email string
		if err := rows.Scan(&unitID, &email); err != nil {
			return err
		}
		if i, ok := byUnit[unitID]; ok {
			out[i].Emails = append(out[i].Emails, strings.TrimSpace(email))
		}
		return nil
	}, roundID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the emails of round %d: %w", roundID, err)
	}
	return out, nil
}

// DueRound is an open round a scheduled reminder is due for today.
type DueRound struct {
	RoundID int64
	Label   string
	DueOn   string
	Kind    string // ReminderBeforeDue or ReminderDue
}

// DueRounds lists the open rounds whose reminder falls on today (a
// YYYY-MM-DD civil date in Asia/Shanghai): remind_days before due_on
// (ReminderBeforeDue), or due_on itself (ReminderDue). A round with
// remind_days 0 gets only the one on the due date. Date arithmetic is done
// here rather than in SQL, where the two databases differ.
func (s *Store) DueRounds(ctx context.Context, today string) ([]DueRound, error) {
	day, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, plan.Errorf(plan.EINVALID, "日期“%s”应为 YYYY-MM-DD", today)
	}
	var out []DueRound
	err = eachRow(ctx, s.read, `
		SELECT id, label, due_on, remind_days FROM rounds
		WHERE state = 'open' AND due_on >= $1
		ORDER BY due_on, id`, func(rows *sql.Rows) error {
		var r DueRound
		var days int
		if err := rows.Scan(&r.RoundID, &r.Label, &r.DueOn, &days); err != nil {
			return err
		}
		due, err := time.Parse(time.DateOnly, r.DueOn)
		if err != nil {
			return nil // a malformed date cannot be reminded of; the round page shows it
		}
		switch {
		case due.Equal(day):
			r.Kind = ReminderDue
		case days > 0 && due.AddDate(0, 0, -days).Equal(day):
			r.Kind = ReminderBeforeDue
		default:
			return nil
		}
		out = append(out, r)
		return nil
	}, today)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the rounds due on %s: %w", today, err)
	}
	return out, nil
}

// ClaimReminder records that the reminder of kind for a unit in a round on
// day is being sent, and reports whether this call was the first to claim
// it: false means another call (or another app instance) already did, and
// the reminder must not be sent again.
func (s *Store) ClaimReminder(ctx context.Context, roundID, unitID int64, kind, day string) (bool, error) {
	var claimed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO reminder_sends (round_id, unit_id, kind, day, sent_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (round_id, unit_id, kind, day) DO NOTHING`, roundID, unitID, kind, day, s.nowUTC())
		if err != nil {
			return fmt.Errorf("store: unable to claim reminder %s/%s of round %d for unit %d: %w", kind, day, roundID, unitID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: unable to claim a reminder: %w", err)
		}
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// Notification is an in-app reminder (站内提醒) to a unit.
type Notification struct {
	ID        int64
	UnitID    int64
	RoundID   int64 // 0 when not about a round
	Message   string
	CreatedAt time.Time
}

// AddNotification adds an in-app reminder for a unit; roundID may be 0.
func (s *Store) AddNotification(ctx context.Context, unitID, roundID int64, message string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return addNotification(ctx, tx, unitID, roundID, message, s.nowUTC()) })
}

// addNotification adds an in-app reminder in the caller's transaction, so
// that what it announces and the reminder land together.
func addNotification(ctx context.Context, tx *sql.Tx, unitID, roundID int64, message string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (unit_id, round_id, message, created_at) VALUES ($1, $2, $3, $4)`,
		unitID, nullID(roundID), message, now); err != nil {
		return fmt.Errorf("store: unable to add a notification for unit %d: %w", unitID, err)
	}
	return nil
}

// LinkLabel comes before a form's address at the end of a reminder's text
// (notify.SplitLink finds it there).
const LinkLabel = "填报地址："

// Notifications returns a unit's latest in-app reminders, newest first.
func (s *Store) Notifications(ctx context.Context, unitID int64, limit int) ([]Notification, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []Notification
	err := eachRow(ctx, s.read, `
		SELECT id, unit_id, COALESCE(round_id, 0), message, created_at FROM notifications
		WHERE unit_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, func(rows *sql.Rows) error {
		var n Notification
		if err := rows.Scan(&n.ID, &n.UnitID, &n.RoundID, &n.Message, &n.CreatedAt); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	}, unitID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the notifications of unit %d: %w", unitID, err)
	}
	return out, nil
}

// CountNotificationsSince counts a unit's in-app reminders created after
// since: the header's badge. One query on the (unit_id, created_at) index.
func (s *Store) CountNotificationsSince(ctx context.Context, unitID int64, since time.Time) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE unit_id = $1 AND created_at > $2`,
		unitID, since.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count the notifications of unit %d: %w", unitID, err)
	}
	return n, nil
}

// AcquireLease takes the named lease for holder, or renews it, for ttl: it
// succeeds when the lease is free, expired, or already held by holder, and
// reports false when another holder has it. App instances use it so that
// one of them runs the reminder scheduler at a time.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var held bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.nowUTC()
		// Both SQLite (3.24+) and PostgreSQL take ON CONFLICT … DO UPDATE
		// … WHERE; when the WHERE fails no row is changed.
		res, err := tx.ExecContext(ctx, `
			INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.expires_at < $4 OR leases.holder = $2`, name, holder, now.Add(ttl), now)
		if err != nil {
			return fmt.Errorf("store: unable to acquire lease %q: %w", name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: unable to acquire lease %q: %w", name, err)
		}
		held = n == 1
		return nil
	})
	return held, err
}

// ReleaseLease gives up the named lease if holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
		return wrap(err, "release lease %q", name)
	})
}

// settingsPrefix is where an organisation's settings are kept in the
// settings table: each district posts to its own group robot and mail
// server.
func settingsPrefix(org int64) string { return "org." + strconv.FormatInt(org, 10) + "." }

// Settings returns an organisation's settings as a map (keys the notify
// package defines); ENOTFOUND outside the caller's scope.
func (s *Store) Settings(ctx context.Context, org int64) (map[string]string, error) {
	if !reaches(ctx, org) {
		return nil, plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", org)
	}
	prefix := settingsPrefix(org)
	out := map[string]string{}
	err := eachRow(ctx, s.read, `SELECT key, value FROM settings WHERE key LIKE $1`, func(rows *sql.Rows) error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		out[strings.TrimPrefix(k, prefix)] = v
		return nil
	}, prefix+"%")
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the settings: %w", err)
	}
	return out, nil
}

// SaveSettings writes the given keys of an organisation's settings, all or
// none; keys not given are kept. The audit log gets the keys that changed,
// with secrets masked.
func (s *Store) SaveSettings(ctx context.Context, org int64, values map[string]string) error {
	if !reaches(ctx, org) {
		return plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", org)
	}
	prefix := settingsPrefix(org)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "orgs", org, "组织"); err != nil {
			return err
		}
		before, after := map[string]string{}, map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(values)) {
			v := values[k]
			var old string
			err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, prefix+k).Scan(&old)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: unable to read setting %q: %w", k, err)
			}
			if err == nil && old == v {
				continue
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, prefix+k, v); err != nil {
				return fmt.Errorf("store: unable to save setting %q: %w", k, err)
			}
			before[k], after[k] = maskSetting(k, old), maskSetting(k, v)
		}
		if len(after) == 0 {
			return nil
		}
		return s.audit(ctx, tx, "settings.update", orgObject(org)+"/settings", before, after)
	})
}

// maskSetting is a setting's value as the audit log shows it: passwords
// and secrets only as set or not, and a URL without its query, which holds
// a robot's key.
func maskSetting(key, value string) string {
	switch {
	case value == "":
		return ""
	case strings.HasSuffix(key, "password"), strings.HasSuffix(key, "secret"):
		return "******"
	}
	if u, err := url.Parse(value); err == nil && u.Scheme != "" && u.RawQuery != "" {
		u.RawQuery = "…"
		return u.String()
	}
	return value
}
