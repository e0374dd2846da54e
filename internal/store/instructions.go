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

// Instruction is a leader's instruction (领导批示) to a unit: on one of its
// reports (a form, or a task of it), on a task it takes part in, or on the
// unit as a whole. The unit answers it once; nothing else changes.
type Instruction struct {
	PublicID   string
	UnitID     int64
	UnitName   string
	PlanID     int64 // 0 for an instruction on the unit
	TaskID     int64 // 0 when not about one task
	TaskNumber string
	TaskTitle  string
	FormID     string // the form's public ID; "" when not on a report
	RoundLabel string
	Body       string
	By         string
	ByRole     auth.Role
	At         time.Time
	Answer     string
	AnsweredBy string
	AnsweredAt *time.Time
}

// Answered reports whether the unit has answered.
func (i Instruction) Answered() bool { return i.AnsweredAt != nil }

// InstructionDraft is an instruction as a leader writes it: on a form
// (FormID, and TaskID for one task of it), on a task (PlanID and TaskID,
// with the unit it is for), or on a unit (UnitID alone).
type InstructionDraft struct {
	UnitID, PlanID, TaskID int64
	FormID                 string
	Body                   string
}

func instructionObject(publicID string) string { return "instruction:" + publicID }

// InstructionLink is where an instruction is read and answered.
func InstructionLink(publicID string) string { return "/instructions/" + publicID }

// IssueInstruction records a leader's (or an administrator's) instruction
// and leaves the unit a reminder. On a form, the unit is the form's and
// the form must have been reported; on a task, the unit must lead or
// share it.
func (s *Store) IssueInstruction(ctx context.Context, d InstructionDraft, by *auth.User) (string, error) {
	d.Body = strings.TrimSpace(d.Body)
	if err := plan.CheckText("批示内容", d.Body, plan.MaxComment); err != nil {
		return "", err
	}
	if !auth.Allowed(by, auth.PermInstruct) {
		return "", plan.Errorf(plan.EFORBIDDEN, "只有领导和管理员可以作出批示。")
	}
	publicID := newPublicID()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var formID sql.NullInt64
		about := ""
		switch {
		case d.FormID != "":
			f, err := loadForm(ctx, tx, d.FormID)
			if err != nil {
				return err
			}
			if f.FirstSubmittedAt == nil {
				return plan.Errorf(plan.ECONFLICT, "该单位尚未报送此表，可对其任务或单位作出批示。")
			}
			if d.TaskID != 0 && !formHasTask(f, d.TaskID) {
				return plan.Errorf(plan.ENOTFOUND, "此表没有该任务。")
			}
			if err := tx.QueryRowContext(ctx, `SELECT plan_id FROM rounds WHERE id = $1`, f.RoundID).Scan(&d.PlanID); err != nil {
				return wrap(err, "read round %d", f.RoundID)
			}
			d.UnitID, formID = f.UnitID, nullID(f.ID)
			about = "对本单位填报"
		case d.TaskID != 0:
			t, err := loadTaskRef(ctx, tx, d.PlanID, d.TaskID)
			if err != nil {
				return err
			}
			if err := unitOfTask(ctx, tx, t, d.UnitID); err != nil {
				return err
			}
			about = fmt.Sprintf("对任务%s“%s”", t.Number, t.Title)
		default:
			d.PlanID = 0
			if err := mustExist(ctx, tx, "units", d.UnitID, "单位"); err != nil {
				return err
			}
			about = "对本单位"
		}
		now := s.nowUTC()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO supervision_instructions (public_id, unit_id, plan_id, task_id, form_id, body, by_user, by_name, by_role, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			publicID, d.UnitID, nullID(d.PlanID), nullID(d.TaskID), formID, d.Body, userID(by), actorName(by), string(by.Role), now); err != nil {
			return wrap(err, "record an instruction for unit %d", d.UnitID)
		}
		msg := fmt.Sprintf("%s%s作出批示：%s 请答复。%s%s", by.Role.Label(), about, d.Body, linkLabel, InstructionLink(publicID))
		if err := addNotification(ctx, tx, d.UnitID, 0, msg, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, "supervision.instruction.create", instructionObject(publicID), nil, d)
	})
	return publicID, err
}

// AnswerInstruction records the unit's answer, once, from its own
// reporters.
func (s *Store) AnswerInstruction(ctx context.Context, publicID, answer string, by *auth.User) error {
	answer = strings.TrimSpace(answer)
	if err := plan.CheckText("答复", answer, plan.MaxComment); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		in, err := loadInstruction(ctx, tx, publicID)
		if err != nil {
			return err
		}
		if by == nil || by.Role != auth.RoleReporter || by.UnitID != in.UnitID {
			return plan.Errorf(plan.EFORBIDDEN, "只有批示所对单位的填报员可以答复。")
		}
		if in.Answered() {
			return plan.Errorf(plan.ECONFLICT, "此批示已于 %s 答复。", in.AnsweredAt.In(plan.Zone).Format("2006-01-02 15:04"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE supervision_instructions SET answer = $1, answered_by = $2, answered_by_name = $3, answered_at = $4
			WHERE public_id = $5 AND answered_at IS NULL`, answer, userID(by), actorName(by), s.nowUTC(), publicID); err != nil {
			return wrap(err, "answer instruction %s", publicID)
		}
		return s.audit(ctx, tx, "supervision.instruction.answer", instructionObject(publicID), nil, map[string]any{"answer": answer})
	})
}

const instructionColumns = `i.public_id, i.unit_id, CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END,
	COALESCE(i.plan_id, 0), COALESCE(i.task_id, 0), COALESCE(t.number, ''), COALESCE(t.title, ''),
	COALESCE(f.public_id, ''), COALESCE(r.label, ''), i.body, i.by_name, i.by_role, i.created_at,
	i.answer, i.answered_by_name, i.answered_at`

const instructionFrom = ` FROM supervision_instructions i JOIN units u ON u.id = i.unit_id
	LEFT JOIN tasks t ON t.id = i.task_id LEFT JOIN forms f ON f.id = i.form_id LEFT JOIN rounds r ON r.id = f.round_id`

func scanInstruction(row interface{ Scan(...any) error }) (*Instruction, error) {
	in := &Instruction{}
	var answered sql.NullTime
	if err := row.Scan(&in.PublicID, &in.UnitID, &in.UnitName, &in.PlanID, &in.TaskID, &in.TaskNumber, &in.TaskTitle,
		&in.FormID, &in.RoundLabel, &in.Body, &in.By, &in.ByRole, &in.At, &in.Answer, &in.AnsweredBy, &answered); err != nil {
		return nil, err
	}
	if answered.Valid {
		in.AnsweredAt = &answered.Time
	}
	return in, nil
}

// Instruction returns one instruction by its public ID.
func (s *Store) Instruction(ctx context.Context, publicID string) (*Instruction, error) {
	return loadInstruction(ctx, s.read, publicID)
}

func loadInstruction(ctx context.Context, q queryer, publicID string) (*Instruction, error) {
	in, err := scanInstruction(q.QueryRowContext(ctx, `SELECT `+instructionColumns+instructionFrom+` WHERE i.public_id = $1`, publicID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "批示不存在。")
	}
	if err != nil {
		return nil, wrap(err, "read instruction %s", publicID)
	}
	return in, nil
}

// InstructionResource is the authorization resource of an instruction: the
// unit it is addressed to.
func (s *Store) InstructionResource(ctx context.Context, publicID string) (*auth.Resource, error) {
	res := &auth.Resource{}
	err := s.read.QueryRowContext(ctx, `
		SELECT i.unit_id, u.org_id FROM supervision_instructions i JOIN units u ON u.id = i.unit_id
		WHERE i.public_id = $1`, publicID).Scan(&res.UnitID, &res.Org)
	if err == nil && !reaches(ctx, res.Org) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, plan.Errorf(plan.ENOTFOUND, "批示不存在。")
	}
	return res, wrap(err, "read instruction %s", publicID)
}

// InstructionFilter selects instructions; zero fields select all.
type InstructionFilter struct {
	UnitID, PlanID, TaskID int64
	Unanswered             bool
	OnUnit                 bool // only those on the unit as a whole (no plan)
}

// Instructions lists instructions, unanswered first, then newest first.
func (s *Store) Instructions(ctx context.Context, f InstructionFilter) ([]Instruction, error) {
	return loadInstructions(ctx, s.read, f)
}

func loadInstructions(ctx context.Context, q queryer, f InstructionFilter) ([]Instruction, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		col string
		v   int64
	}{{"i.unit_id", f.UnitID}, {"i.plan_id", f.PlanID}, {"i.task_id", f.TaskID}} {
		if c.v != 0 {
			args = append(args, c.v)
			where = append(where, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	if f.Unanswered {
		where = append(where, "i.answered_at IS NULL")
	}
	if f.OnUnit {
		where = append(where, "i.plan_id IS NULL")
	}
	if cond, a := scopeFilter(ctx, "u.org_id", args); cond != "" {
		where, args = append(where, "1 = 1"+cond), a
	}
	query := `SELECT ` + instructionColumns + instructionFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY CASE WHEN i.answered_at IS NULL THEN 0 ELSE 1 END, i.created_at DESC, i.id DESC`
	var out []Instruction
	err := eachRow(ctx, q, query, func(rows *sql.Rows) error {
		in, err := scanInstruction(rows)
		if err != nil {
			return err
		}
		out = append(out, *in)
		return nil
	}, args...)
	return out, wrap(err, "list instructions")
}
