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

// A unit disputes a register record its figure counts (该企业已迁出, 重复
// 登记); the bureau looks into it and resolves it, by SetAttribution or by
// correcting the list, and writes down what it did.

// Dispute states.
const (
	DisputeOpen     = "open"     // 待处理
	DisputeResolved = "resolved" // 已处理
)

// RecordRef names a register record: its register and ID.
type RecordRef struct {
	Kind plan.RegisterKind `json:"kind"`
	ID   int64             `json:"id"`
}

// Dispute is a unit's objection to a record.
type Dispute struct {
	ID         int64      `json:"id"`
	UnitID     int64      `json:"unit_id"`
	Unit       string     `json:"unit"`
	Record     RecordRef  `json:"record"`
	RecordKey  string     `json:"record_key"`  // USCC, 证书编号, 合同登记号 … as when flagged
	RecordName string     `json:"record_name"` // the enterprise, project, patent … as when flagged
	Reason     string     `json:"reason"`
	State      string     `json:"state"`
	Resolution string     `json:"resolution,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// recordLabels select a record's key and name by ID and organisation, per
// register.
var recordLabels = map[plan.RegisterKind]string{
	plan.RegEnterprises: `SELECT uscc, name FROM enterprises WHERE id = $1 AND org_id = $2`,
	plan.RegSMEs:        `SELECT CASE WHEN uscc <> '' THEN uscc ELSE reg_no END, name FROM smes WHERE id = $1 AND org_id = $2`,
	plan.RegHighTech:    `SELECT cert_no, name FROM hightech_certs WHERE id = $1 AND org_id = $2`,
	plan.RegContracts:   `SELECT reg_no, project FROM contracts WHERE id = $1 AND org_id = $2`,
	plan.RegPatents:     `SELECT number, title FROM patents WHERE id = $1 AND org_id = $2`,
	plan.RegPlatforms:   `SELECT level, name FROM platforms WHERE id = $1 AND org_id = $2`,
	plan.RegStatistics:  `SELECT indicator || ' ' || CAST(year AS TEXT), area FROM statistics WHERE id = $1 AND org_id = $2`,
}

// unitOrg is the organisation of a unit the caller reaches; ENOTFOUND for
// another.
func unitOrg(ctx context.Context, q queryer, unitID int64) (int64, error) {
	var org int64
	err := q.QueryRowContext(ctx, `SELECT org_id FROM units WHERE id = $1`, unitID).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, org) {
		return 0, plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", unitID)
	}
	if err != nil {
		return 0, wrap(err, "read unit %d", unitID)
	}
	return org, nil
}

// FlagRecord records that a unit disputes a record of its organisation's
// registers, and why.
func (s *Store) FlagRecord(ctx context.Context, unitID int64, ref RecordRef, reason string, by *auth.User) (int64, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return 0, plan.Errorf(plan.EINVALID, "请写明异议的理由")
	}
	q, ok := recordLabels[ref.Kind]
	if !ok {
		return 0, plan.Errorf(plan.EINVALID, "台账类型“%s”不存在", ref.Kind)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		org, err := unitOrg(ctx, tx, unitID)
		if err != nil {
			return err
		}
		var key, name string
		err = tx.QueryRowContext(ctx, q, ref.ID, org).Scan(&key, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return plan.Errorf(plan.ENOTFOUND, "%s中没有这条记录（编号 %d）", ref.Kind.Label(), ref.ID)
		}
		if err != nil {
			return wrap(err, "read %s %d", ref.Kind, ref.ID)
		}
		var userID int64
		if by != nil {
			userID = by.ID
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO register_disputes (unit_id, kind, record_id, record_key, record_name, reason, state, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			unitID, string(ref.Kind), ref.ID, key, name, reason, DisputeOpen, nullID(userID), s.nowUTC()).Scan(&id); err != nil {
			return wrap(err, "flag %s %d", ref.Kind, ref.ID)
		}
		return s.audit(ctx, tx, "register.dispute.create", fmt.Sprintf("dispute:%d", id), nil,
			map[string]any{"unit_id": unitID, "record": ref, "key": key, "name": name, "reason": reason})
	})
	return id, err
}

// ResolveDispute closes a dispute with what the bureau did about it.
func (s *Store) ResolveDispute(ctx context.Context, id int64, resolution string, by *auth.User) error {
	resolution = strings.TrimSpace(resolution)
	if resolution == "" {
		return plan.Errorf(plan.EINVALID, "请写明处理结果")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var state string
		var org int64
		err := tx.QueryRowContext(ctx, `SELECT d.state, u.org_id FROM register_disputes d JOIN units u ON u.id = d.unit_id WHERE d.id = $1`, id).Scan(&state, &org)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !reaches(ctx, org) {
			return plan.Errorf(plan.ENOTFOUND, "异议不存在（编号 %d）", id)
		}
		if err != nil {
			return wrap(err, "read dispute %d", id)
		}
		if state != DisputeOpen {
			return plan.Errorf(plan.ECONFLICT, "此异议已处理")
		}
		var userID int64
		if by != nil {
			userID = by.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE register_disputes SET state = $1, resolution = $2, resolved_by = $3, resolved_at = $4 WHERE id = $5`,
			DisputeResolved, resolution, nullID(userID), s.nowUTC(), id); err != nil {
			return wrap(err, "resolve dispute %d", id)
		}
		return s.audit(ctx, tx, "register.dispute.resolve", fmt.Sprintf("dispute:%d", id),
			map[string]any{"state": state}, map[string]any{"state": DisputeResolved, "resolution": resolution})
	})
}

// DisputeFilter selects disputes; zero fields select all.
type DisputeFilter struct {
	UnitID int64
	State  string
	Record RecordRef // Kind and ID together, or neither
}

// Disputes lists disputes, newest first.
func (s *Store) Disputes(ctx context.Context, f DisputeFilter) ([]Dispute, error) {
	var out []Dispute
	cond, args := scopeFilter(ctx, "u.org_id", []any{f.UnitID, f.State, string(f.Record.Kind), f.Record.ID})
	err := eachRow(ctx, s.read, `
		SELECT d.id, d.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, d.kind, d.record_id, d.record_key, d.record_name,
		       d.reason, d.state, d.resolution, d.created_at, d.resolved_at
		FROM register_disputes d JOIN units u ON u.id = d.unit_id
		WHERE (d.unit_id = $1 OR $1 = 0) AND (d.state = $2 OR $2 = '') AND ((d.kind = $3 AND d.record_id = $4) OR $3 = '')`+cond+`
		ORDER BY d.id DESC`, func(r *sql.Rows) error {
		var d Dispute
		var resolved sql.NullTime
		if err := r.Scan(&d.ID, &d.UnitID, &d.Unit, &d.Record.Kind, &d.Record.ID, &d.RecordKey, &d.RecordName,
			&d.Reason, &d.State, &d.Resolution, &d.CreatedAt, &resolved); err != nil {
			return err
		}
		if resolved.Valid {
			t := resolved.Time
			d.ResolvedAt = &t
		}
		out = append(out, d)
		return nil
	}, args...)
	if err != nil {
		return nil, wrap(err, "list disputes")
	}
	return out, nil
}
