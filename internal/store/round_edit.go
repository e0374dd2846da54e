package store

import (
	"context"
	"database/sql"

	"kechuang/internal/plan"
)

// checkRoundYear refuses, unless confirmed, a data date outside the year of
// the round's plan (plan.CheckRoundYear).
func checkRoundYear(ctx context.Context, tx *sql.Tx, r *plan.Round) error {
	var year int
	if err := tx.QueryRowContext(ctx, `SELECT year FROM plans WHERE id = $1`, r.PlanID).Scan(&year); err != nil {
		return wrap(err, "read the year of plan %d", r.PlanID)
	}
	return plan.CheckRoundYear(r, year)
}

// roundFields is what an edit may change of a round, as the audit log
// keeps it.
func roundFields(r *plan.Round) map[string]any {
	return map[string]any{"label": r.Label, "as_of": r.AsOf, "opens_on": r.OpensOn, "due_on": r.DueOn, "remind_days": r.RemindDays}
}

// UpdateRound changes a draft or open round's label, data date, reporting
// dates and reminder days; its plan, state and scope stay. Extending the
// deadline is changing DueOn: forms not yet reported stop being overdue,
// and reminders follow the new date. A closed round cannot be edited. A
// data date moved outside the plan's year needs r.ConfirmOutsideYear; one
// left where it was is not asked about again.
func (s *Store) UpdateRound(ctx context.Context, r plan.Round) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := loadRound(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if before.State == plan.RoundClosed {
			return plan.Errorf(plan.ECONFLICT, "调度“%s”已结束，不能再修改。", before.Label)
		}
		r.PlanID, r.State, r.UnitIDs = before.PlanID, before.State, nil
		if err := plan.CheckRound(&r); err != nil {
			return err
		}
		if r.AsOf != before.AsOf {
			if err := checkRoundYear(ctx, tx, &r); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rounds SET label = $1, as_of = $2, opens_on = $3, due_on = $4, remind_days = $5 WHERE id = $6`,
			r.Label, r.AsOf, r.OpensOn, r.DueOn, r.RemindDays, r.ID); err != nil {
			return wrap(err, "update round %d", r.ID)
		}
		return s.audit(ctx, tx, "round.update", roundObject(r.ID), roundFields(before), roundFields(&r))
	})
}

// DeleteRound deletes a round nobody has filled in: a draft, or an open
// round whose every form is still 未填 at its prefilled version with no
// evidence or remark. A round a unit has touched is refused, saying how
// many units have; it can be closed instead. Its forms, their entries and
// versions, its scope and its reminders go with it, deleted here rather
// than left to cascades: the keys into forms restrict deletion.
func (s *Store) DeleteRound(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := loadRound(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State == plan.RoundClosed {
			return plan.Errorf(plan.ECONFLICT, "调度“%s”已结束，不能删除。", r.Label)
		}
		var forms, filled int
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*), COALESCE(SUM(CASE WHEN f.state <> $2 OR f.version > 0
			       OR EXISTS (SELECT 1 FROM attachments a WHERE a.form_id = f.id)
			       OR EXISTS (SELECT 1 FROM form_comments c WHERE c.form_id = f.id) THEN 1 ELSE 0 END), 0)
			FROM forms f WHERE f.round_id = $1`, id, string(plan.FormEmpty)).Scan(&forms, &filled); err != nil {
			return wrap(err, "count the filled forms of round %d", id)
		}
		if filled > 0 {
			return plan.Errorf(plan.ECONFLICT, "已有 %d 个单位填报，不能删除；可结束本轮调度。", filled)
		}
		const ofRound = `form_id IN (SELECT id FROM forms WHERE round_id = $1)`
		for _, q := range []string{
			`DELETE FROM form_comments WHERE ` + ofRound,
			`DELETE FROM attachments WHERE ` + ofRound,
			`DELETE FROM form_versions WHERE ` + ofRound,
			`DELETE FROM form_values WHERE ` + ofRound,
			`DELETE FROM form_tasks WHERE ` + ofRound,
			`DELETE FROM forms WHERE round_id = $1`,
			`DELETE FROM notifications WHERE round_id = $1`,
			`DELETE FROM reminder_sends WHERE round_id = $1`,
			`DELETE FROM round_units WHERE round_id = $1`,
			`DELETE FROM rounds WHERE id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return wrap(err, "delete round %d", id)
			}
		}
		before := roundFields(r)
		before["state"], before["unit_ids"], before["forms"] = r.State, r.UnitIDs, forms
		return s.audit(ctx, tx, "round.delete", roundObject(id), before, nil)
	})
}
