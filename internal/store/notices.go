package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Notice is a supervision notice (督办单): the bureau tells a unit lagging
// on a task why it is chased and what it must do by when; the unit replies
// with its measures (落实措施), with an evidence file if it has one.
type Notice struct {
	PublicID    string // random, as forms' are: a unit cannot reach another's by counting
	PlanID      int64
	TaskID      int64
	TaskNumber  string
	TaskTitle   string
	UnitID      int64
	UnitName    string
	Reason      string // 督办事由
	Requirement string // 工作要求
	ReplyBy     string // 反馈期限, YYYY-MM-DD
	IssuedBy    string
	IssuedAt    time.Time
	Reply       string // 落实措施
	RepliedBy   string
	RepliedAt   *time.Time
	File        *NoticeFile // the reply's evidence, without its contents; nil for none
}

// NoticeFile is the evidence file of a reply.
type NoticeFile struct {
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	Data        []byte // only from NoticeFileData
}

// Replied reports whether the unit has replied.
func (n Notice) Replied() bool { return n.RepliedAt != nil }

// Overdue reports whether the notice is 督办逾期 at now (plan.NoticeOverdue).
func (n Notice) Overdue(now time.Time) bool { return plan.NoticeOverdue(n.ReplyBy, n.Replied(), now) }

// LateReply reports whether the reply came after the reply-by date.
func (n Notice) LateReply() bool { return n.RepliedAt != nil && plan.Late(n.ReplyBy, *n.RepliedAt) }

// NoticeDraft is a notice as the bureau writes it.
type NoticeDraft struct {
	PlanID, TaskID, UnitID int64
	Reason, Requirement    string
	ReplyBy                string
}

func noticeObject(publicID string) string { return "notice:" + publicID }

// NoticeLink is where a notice is read and replied to; in-app reminders
// end with it (notify.SplitLink shows it as a link).
func NoticeLink(publicID string) string { return "/notices/" + publicID }

// linkLabel comes before an address at the end of an in-app reminder, as
// notify writes it.
const linkLabel = "填报地址："

// IssueNotice issues a supervision notice to a unit that leads or shares a
// task (not archived, not closed), and leaves the unit a reminder, in one
// transaction.
func (s *Store) IssueNotice(ctx context.Context, d NoticeDraft, by *auth.User) (string, error) {
	d.Reason, d.Requirement, d.ReplyBy = strings.TrimSpace(d.Reason), strings.TrimSpace(d.Requirement), strings.TrimSpace(d.ReplyBy)
	if err := plan.CheckNotice(d.Reason, d.Requirement, d.ReplyBy, s.now()); err != nil {
		return "", err
	}
	publicID := newPublicID()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := loadTaskRef(ctx, tx, d.PlanID, d.TaskID)
		if err != nil {
			return err
		}
		if t.Archived {
			return plan.Errorf(plan.ECONFLICT, "任务%s已归档，不能督办。", t.Number)
		}
		if closed, err := taskClosed(ctx, tx, t.ID); err != nil || closed {
			if err == nil {
				err = plan.Errorf(plan.ECONFLICT, "任务%s已销号，不能督办。", t.Number)
			}
			return err
		}
		if err := unitOfTask(ctx, tx, t, d.UnitID); err != nil {
			return err
		}
		now := s.nowUTC()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO supervision_notices (public_id, plan_id, task_id, unit_id, reason, requirement, reply_by, issued_by, issued_by_name, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			publicID, d.PlanID, d.TaskID, d.UnitID, d.Reason, d.Requirement, d.ReplyBy, userID(by), actorName(by), now); err != nil {
			return wrap(err, "issue a notice on task %d", d.TaskID)
		}
		msg := fmt.Sprintf("督办单：任务%s“%s”，%s。请于%s前反馈落实措施。%s%s", t.Number, t.Title, d.Requirement, d.ReplyBy, linkLabel, NoticeLink(publicID))
		if err := addNotification(ctx, tx, d.UnitID, 0, msg, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, "supervision.notice.issue", noticeObject(publicID), nil, d)
	})
	return publicID, err
}

// unitOfTask refuses a unit that does not lead or share the task, or is
// archived.
func unitOfTask(ctx context.Context, tx *sql.Tx, t *taskRef, unitID int64) error {
	var archived bool
	err := tx.QueryRowContext(ctx, `SELECT archived_at IS NOT NULL FROM units WHERE id = $1`, unitID).Scan(&archived)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", unitID)
	}
	if err != nil {
		return wrap(err, "read unit %d", unitID)
	}
	if archived {
		return plan.Errorf(plan.ECONFLICT, "该单位已归档。")
	}
	units, err := taskUnits(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	if !units[unitID] {
		return plan.Errorf(plan.EINVALID, "该单位不是任务%s的牵头或责任单位。", t.Number)
	}
	return nil
}

// NoticeReply is a unit's reply to a notice.
type NoticeReply struct {
	Text string      // 落实措施
	File *NoticeFile // optional evidence; the caller has sniffed its type and sanitised its name
}

// ReplyNotice records the unit's reply, once: only the unit's own reporters
// reply, and a reply stands as given.
func (s *Store) ReplyNotice(ctx context.Context, publicID string, reply NoticeReply, by *auth.User) error {
	reply.Text = strings.TrimSpace(reply.Text)
	if err := plan.CheckText("落实措施", reply.Text, plan.MaxEntry); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		n, err := loadNotice(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if by == nil || by.Role != auth.RoleReporter || by.UnitID != n.UnitID {
			return plan.Errorf(plan.EFORBIDDEN, "只有被督办单位的填报员可以反馈。")
		}
		if n.Replied() {
			return plan.Errorf(plan.ECONFLICT, "此督办单已于 %s 反馈。", n.RepliedAt.In(plan.Zone).Format("2006-01-02 15:04"))
		}
		now := s.nowUTC()
		var name, ct, sum string
		var size int64
		var data []byte
		if f := reply.File; f != nil {
			h := sha256.Sum256(f.Data)
			name, ct, size, sum, data = f.Name, f.ContentType, int64(len(f.Data)), hex.EncodeToString(h[:]), f.Data
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE supervision_notices SET reply = $1, replied_by = $2, replied_by_name = $3, replied_at = $4,
			       file_name = $5, file_type = $6, file_size = $7, file_sha256 = $8, file_data = $9
			WHERE public_id = $10 AND replied_at IS NULL`,
			reply.Text, userID(by), actorName(by), now, name, ct, size, sum, data, publicID); err != nil {
			return wrap(err, "reply to notice %s", publicID)
		}
		after := map[string]any{"reply": reply.Text, "late": plan.Late(n.ReplyBy, now)}
		if reply.File != nil {
			after["file"] = map[string]any{"name": name, "type": ct, "size": size, "sha256": sum}
		}
		return s.audit(ctx, tx, "supervision.notice.reply", noticeObject(publicID), nil, after)
	})
}

const noticeColumns = `n.public_id, n.plan_id, n.task_id, t.number, t.title, n.unit_id,
	CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END,
	n.reason, n.requirement, n.reply_by, n.issued_by_name, n.issued_at, n.reply, n.replied_by_name, n.replied_at,
	n.file_name, n.file_type, n.file_size, n.file_sha256`

const noticeFrom = ` FROM supervision_notices n JOIN tasks t ON t.id = n.task_id JOIN units u ON u.id = n.unit_id`

func scanNotice(row interface{ Scan(...any) error }) (*Notice, error) {
	n := &Notice{}
	var replied sql.NullTime
	f := &NoticeFile{}
	if err := row.Scan(&n.PublicID, &n.PlanID, &n.TaskID, &n.TaskNumber, &n.TaskTitle, &n.UnitID, &n.UnitName,
		&n.Reason, &n.Requirement, &n.ReplyBy, &n.IssuedBy, &n.IssuedAt, &n.Reply, &n.RepliedBy, &replied,
		&f.Name, &f.ContentType, &f.Size, &f.SHA256); err != nil {
		return nil, err
	}
	if replied.Valid {
		n.RepliedAt = &replied.Time
	}
	if f.Name != "" {
		n.File = f
	}
	return n, nil
}

// Notice returns one notice by its public ID.
func (s *Store) Notice(ctx context.Context, publicID string) (*Notice, error) {
	return loadNotice(ctx, s.read, publicID)
}

func loadNotice(ctx context.Context, q queryer, publicID string) (*Notice, error) {
	n, err := scanNotice(q.QueryRowContext(ctx, `SELECT `+noticeColumns+noticeFrom+` WHERE n.public_id = $1`, publicID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "督办单不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read notice %s", publicID)
	}
	return n, nil
}

// NoticeFileData returns a reply's evidence file with its contents.
func (s *Store) NoticeFileData(ctx context.Context, publicID string) (*NoticeFile, error) {
	f := &NoticeFile{}
	err := s.read.QueryRowContext(ctx, `SELECT file_name, file_type, file_size, file_sha256, file_data FROM supervision_notices
		WHERE public_id = $1 AND file_name <> ''`, publicID).Scan(&f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "附件不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read the file of notice %s", publicID)
	}
	return f, nil
}

// NoticeResource is the authorization resource of a notice: the unit it is
// addressed to (auth.PermUnitRead, auth.PermUnitReply).
func (s *Store) NoticeResource(ctx context.Context, publicID string) (*auth.Resource, error) {
	res := &auth.Resource{}
	err := s.read.QueryRowContext(ctx, `
		SELECT n.unit_id, p.org_id FROM supervision_notices n JOIN plans p ON p.id = n.plan_id
		WHERE n.public_id = $1`, publicID).Scan(&res.UnitID, &res.Org)
	if err == nil && !reaches(ctx, res.Org) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "督办单不存在。")
	}
	return res, wrap(err, "read notice %s", publicID)
}

// NoticeFilter selects notices; zero fields select all.
type NoticeFilter struct {
	PlanID, TaskID, UnitID int64
	Open                   bool // not replied to yet
}

// Notices lists notices, those not replied to first, then newest first.
func (s *Store) Notices(ctx context.Context, f NoticeFilter) ([]Notice, error) {
	return loadNotices(ctx, s.read, f)
}

func loadNotices(ctx context.Context, q queryer, f NoticeFilter) ([]Notice, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		col string
		v   int64
	}{{"n.plan_id", f.PlanID}, {"n.task_id", f.TaskID}, {"n.unit_id", f.UnitID}} {
		if c.v != 0 {
			args = append(args, c.v)
			where = append(where, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	if f.Open {
		where = append(where, "n.replied_at IS NULL")
	}
	if cond, a := scopeFilter(ctx, "u.org_id", args); cond != "" {
		where, args = append(where, "1 = 1"+cond), a
	}
	query := `SELECT ` + noticeColumns + noticeFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY CASE WHEN n.replied_at IS NULL THEN 0 ELSE 1 END, n.issued_at DESC, n.id DESC`
	var out []Notice
	err := eachRow(ctx, q, query, func(rows *sql.Rows) error {
		n, err := scanNotice(rows)
		if err != nil {
			return err
		}
		out = append(out, *n)
		return nil
	}, args...)
	return out, wrap(err, "list notices")
}
