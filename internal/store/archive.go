package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kechuang/internal/plan"
)

// Nothing reported is destroyed. A unit, task or goal that forms refer to
// cannot be deleted (the database refuses too: the foreign keys into forms
// and their entries restrict); it is archived (归档) instead, which keeps it
// in plans, forms and history and leaves it out of new rounds. The checks
// here run before a delete so that the refusal names what refers to it.

// usage is what refers to a unit or a part of a plan: the forms holding it,
// by round.
type usage struct {
	forms  int
	rounds []string // round labels, oldest first
}

// roundList names the rounds a usage spans, for a message: three at most.
func (u usage) roundList() string {
	if len(u.rounds) <= 3 {
		return strings.Join(u.rounds, "、")
	}
	return fmt.Sprintf("%s等 %d 轮调度", strings.Join(u.rounds[:3], "、"), len(u.rounds))
}

// Conditions on a form f (joined with its round r) for formsUsing; $1 is
// the ID of what is looked for. Each is answered from the index on the
// referring column.
const (
	formsOfUnit = `f.unit_id = $1`
	formsOfPlan = `r.plan_id = $1`
	formsOfGoal = `f.id IN (SELECT form_id FROM form_values WHERE goal_id = $1)`
)

// formsOfTasks is the condition for forms holding an entry, evidence or a
// comment on one of the tasks the subquery selects.
func formsOfTasks(tasks string) string {
	return `f.id IN (SELECT form_id FROM form_tasks WHERE task_id IN (` + tasks + `)
		UNION SELECT form_id FROM attachments WHERE task_id IN (` + tasks + `)
		UNION SELECT form_id FROM form_comments WHERE task_id IN (` + tasks + `))`
}

const (
	oneTask      = `SELECT id FROM tasks WHERE id = $1`
	sectionTasks = `SELECT id FROM tasks WHERE section_id = $1`
)

// formsUsing counts the forms meeting cond (a constant of this package),
// by round.
func formsUsing(ctx context.Context, tx *sql.Tx, cond string, id int64) (usage, error) {
	var u usage
	err := eachRow(ctx, tx, `
		SELECT r.label, COUNT(*) FROM forms f JOIN rounds r ON r.id = f.round_id
		WHERE `+cond+`
		GROUP BY r.id, r.label, r.as_of ORDER BY r.as_of, r.id`, func(rows *sql.Rows) error {
		var label string
		var n int
		if err := rows.Scan(&label, &n); err != nil {
			return err
		}
		u.forms += n
		u.rounds = append(u.rounds, label)
		return nil
	}, id)
	return u, wrap(err, "find the forms referring to %d", id)
}

const archiveHint = "可改为归档：归档后不再出现在新的调度中，历史填报和数据保留。"

// unitUnused refuses the deletion of a unit that has forms.
func unitUnused(ctx context.Context, tx *sql.Tx, id int64) error {
	u, err := formsUsing(ctx, tx, formsOfUnit, id)
	if err != nil || u.forms == 0 {
		return err
	}
	var label string
	if err := tx.QueryRowContext(ctx, `SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END FROM units WHERE id = $1`, id).Scan(&label); err != nil {
		return wrap(err, "read unit %d", id)
	}
	return plan.Errorf(plan.ECONFLICT, "%s已有 %d 份填报表（%s），不能删除；%s", label, u.forms, u.roundList(), archiveHint)
}

// taskUnused refuses the deletion of a task that forms hold entries,
// evidence or comments for. A task not in the plan passes: the delete
// then finds nothing.
func taskUnused(ctx context.Context, tx *sql.Tx, planID, taskID int64) error {
	u, err := formsUsing(ctx, tx, formsOfTasks(oneTask), taskID)
	if err != nil || u.forms == 0 {
		return err
	}
	var number, title string
	err = tx.QueryRowContext(ctx, `SELECT number, title FROM tasks WHERE id = $1 AND plan_id = $2`, taskID, planID).Scan(&number, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return wrap(err, "read task %d", taskID)
	}
	return plan.Errorf(plan.ECONFLICT, "任务 %s“%s”已在 %d 份填报表中（%s），不能删除；%s", number, title, u.forms, u.roundList(), archiveHint)
}

// goalUnused refuses the deletion of a goal that forms hold values for.
func goalUnused(ctx context.Context, tx *sql.Tx, planID, goalID int64) error {
	if err := notLinkedTo(ctx, tx, `l.parent_goal_id = $1`, goalID, "此目标"); err != nil {
		return err
	}
	u, err := formsUsing(ctx, tx, formsOfGoal, goalID)
	if err != nil || u.forms == 0 {
		return err
	}
	var indicator string
	err = tx.QueryRowContext(ctx, `SELECT indicator FROM goals WHERE id = $1 AND plan_id = $2`, goalID, planID).Scan(&indicator)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return wrap(err, "read goal %d", goalID)
	}
	return plan.Errorf(plan.ECONFLICT, "目标“%s”已在 %d 份填报表中（%s），不能删除；%s", indicator, u.forms, u.roundList(), archiveHint)
}

// notLinkedTo refuses deleting goals other plans' goals take their targets
// from (goal_links: the parent goal, cond on l, pg the parent goal and g
// the linked one): the district's targets and roll-up would be cut off
// without a word. It names the plans linked.
func notLinkedTo(ctx context.Context, tx *sql.Tx, cond string, id int64, what string) error {
	var titles []string
	err := eachRow(ctx, tx, `SELECT DISTINCT p.title FROM goal_links l JOIN goals pg ON pg.id = l.parent_goal_id
		JOIN goals g ON g.id = l.goal_id JOIN plans p ON p.id = g.plan_id WHERE `+cond+` ORDER BY p.title`, func(r *sql.Rows) error {
		var t string
		if err := r.Scan(&t); err != nil {
			return err
		}
		titles = append(titles, "《"+t+"》")
		return nil
	}, id)
	if err != nil {
		return wrap(err, "find the links to %s", what)
	}
	if len(titles) == 0 {
		return nil
	}
	return plan.Errorf(plan.ECONFLICT, "%s已被%s关联（目标取自这里），不能删除；请先在这些方案中解除关联。", what, strings.Join(titles, "、"))
}

// sectionUnused refuses the deletion of an action whose tasks forms refer
// to, naming those tasks.
func sectionUnused(ctx context.Context, tx *sql.Tx, planID, sectionID int64) error {
	u, err := formsUsing(ctx, tx, formsOfTasks(sectionTasks), sectionID)
	if err != nil || u.forms == 0 {
		return err
	}
	var number, title string
	err = tx.QueryRowContext(ctx, `SELECT number, title FROM sections WHERE id = $1 AND plan_id = $2`, sectionID, planID).Scan(&number, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return wrap(err, "read section %d", sectionID)
	}
	var used []string
	if err := eachRow(ctx, tx, `
		SELECT t.number FROM tasks t WHERE t.section_id = $1 AND (
			EXISTS (SELECT 1 FROM form_tasks ft WHERE ft.task_id = t.id)
			OR EXISTS (SELECT 1 FROM attachments a WHERE a.task_id = t.id)
			OR EXISTS (SELECT 1 FROM form_comments c WHERE c.task_id = t.id))
		ORDER BY t.position, t.id`, func(rows *sql.Rows) error {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		used = append(used, n)
		return nil
	}, sectionID); err != nil {
		return wrap(err, "find the reported tasks of section %d", sectionID)
	}
	if number != "" {
		title = "（" + number + "）" + title
	}
	return plan.Errorf(plan.ECONFLICT, "行动“%s”下的任务 %s 已在 %d 份填报表中（%s），不能删除；可把这些任务改为归档：归档后不再出现在新的调度中，历史填报和数据保留。",
		title, strings.Join(used, "、"), u.forms, u.roundList())
}

// planUnused refuses the deletion of a plan that has forms.
func planUnused(ctx context.Context, tx *sql.Tx, planID int64, title string) error {
	if err := notLinkedTo(ctx, tx, `pg.plan_id = $1 AND g.plan_id <> $1`, planID, "方案“"+title+"”的目标"); err != nil {
		return err
	}
	u, err := formsUsing(ctx, tx, formsOfPlan, planID)
	if err != nil || u.forms == 0 {
		return err
	}
	return plan.Errorf(plan.ECONFLICT, "方案“%s”已有 %d 份填报表（%s），不能删除：填报和数据需要保留。不再执行的方案可把状态改为“%s”。",
		title, u.forms, u.roundList(), plan.StatusClosed.Label())
}

// SetUnitArchived archives a unit (归档) or restores it (恢复). An archived
// unit keeps its name in the directory, its forms and its history; new
// rounds leave it out.
func (s *Store) SetUnitArchived(ctx context.Context, id int64, archived bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "units", id, "单位"); err != nil {
			return err
		}
		pick := func(d *plan.Directory) any { return unitByID(d, id) }
		before, err := directoryPart(ctx, tx, pick)
		if err != nil {
			return err
		}
		if err := setArchived(ctx, tx, "units", id, archived, s.nowUTC()); err != nil {
			return err
		}
		after, err := directoryPart(ctx, tx, pick)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, archiveAction("unit", archived), unitObject(id), before, after)
	})
}

// SetTaskArchived archives a task of a plan or restores it: an archived
// task stays in the plan and on the forms that have it, and new rounds'
// forms leave it out.
func (s *Store) SetTaskArchived(ctx context.Context, planID, taskID int64, archived bool) error {
	ch := planChange{archiveAction("plan.task", archived), func() string { return planObject(planID, "task", taskID) }, func(d *plan.Document) any {
		return taskByID(d, taskID)
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := inPlan(ctx, tx, "tasks", planID, taskID, "任务"); err != nil {
			return err
		}
		return setArchived(ctx, tx, "tasks", taskID, archived, s.nowUTC())
	})
}

// SetGoalArchived archives a goal of a plan or restores it: an archived
// goal stays in the plan and on the forms that have it, and new rounds'
// forms leave it out.
func (s *Store) SetGoalArchived(ctx context.Context, planID, goalID int64, archived bool) error {
	ch := planChange{archiveAction("plan.goal", archived), func() string { return planObject(planID, "goal", goalID) }, func(d *plan.Document) any {
		return partByID(d.Goals, goalID, func(g plan.DocGoal) int64 { return g.ID })
	}}
	return s.editPlan(ctx, planID, ch, func(tx *sql.Tx) error {
		if err := inPlan(ctx, tx, "goals", planID, goalID, "目标"); err != nil {
			return err
		}
		return setArchived(ctx, tx, "goals", goalID, archived, s.nowUTC())
	})
}

func archiveAction(prefix string, archived bool) string {
	if archived {
		return prefix + ".archive"
	}
	return prefix + ".unarchive"
}

// inPlan returns ENOTFOUND unless the plan has a row with the id in table
// (a constant of this package).
func inPlan(ctx context.Context, tx *sql.Tx, table string, planID, id int64, what string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 AND plan_id = $2`, id, planID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Errorf(plan.ENOTFOUND, "%s不存在", what)
	}
	return wrap(err, "find %s %d", table, id)
}

// setArchived marks a row of table (a constant of this package) archived,
// keeping the first time it was, or clears the mark.
func setArchived(ctx context.Context, tx *sql.Tx, table string, id int64, archived bool, now time.Time) error {
	var err error
	if archived {
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET archived_at = COALESCE(archived_at, $1) WHERE id = $2`, now, id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET archived_at = NULL WHERE id = $1`, id)
	}
	return wrap(err, "archive %s %d", table, id)
}

// unitForRound refuses a unit chosen for a new round that does not exist
// or is archived.
func unitForRound(ctx context.Context, tx *sql.Tx, id int64) error {
	var label string
	var archived bool
	err := tx.QueryRowContext(ctx, `SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END, archived_at IS NOT NULL FROM units WHERE id = $1`, id).Scan(&label, &archived)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Errorf(plan.ENOTFOUND, "单位不存在（编号 %d）", id)
	}
	if err != nil {
		return wrap(err, "read unit %d", id)
	}
	if archived {
		return plan.Errorf(plan.EINVALID, "%s已归档，不能参加新的调度；如需参加，请先在单位名录中恢复该单位。", label)
	}
	return nil
}
