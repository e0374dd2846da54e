package store

import (
	"context"
	"database/sql"

	"kechuang/internal/plan"
)

// RoundTaskEntry is one unit's entry on one task in a round, as its form
// now stands (drafts included): a row of the round's export.
type RoundTaskEntry struct {
	Unit        string
	FormState   plan.FormState
	Section     string // the action's number
	Number      string
	Title       string
	Lead        bool
	Status      plan.TaskStatus
	Progress    string
	Problems    string
	NextSteps   string
	Attachments int
}

// RoundValueEntry is one unit's value for one allocated target in a round.
type RoundValueEntry struct {
	Unit      string
	FormState plan.FormState
	Indicator string
	Measure   string // unit of measure
	Target    plan.Decimal
	Value     *plan.Decimal
	Note      string
}

// EachRoundEntry streams every task entry, then every value, of a round's
// forms as they now stand, in directory and plan order, from one
// read-only transaction: what staff download as the round's forms.
func (s *Store) EachRoundEntry(ctx context.Context, roundID int64, task func(RoundTaskEntry) error, value func(RoundValueEntry) error) error {
	return s.inReadTx(ctx, func(tx *sql.Tx) error {
		if _, err := loadRound(ctx, tx, roundID); err != nil {
			return err
		}
		err := eachRow(ctx, tx, `
			SELECT CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, f.state, s.number, t.number, t.title,
			       EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ft.task_id AND a.unit_id = f.unit_id AND a.role = 'lead'),
			       ft.status, ft.progress, ft.problems, ft.next_steps,
			       (SELECT COUNT(*) FROM attachments at WHERE at.form_id = ft.form_id AND at.task_id = ft.task_id)
			FROM form_tasks ft JOIN forms f ON f.id = ft.form_id JOIN units u ON u.id = f.unit_id
			JOIN tasks t ON t.id = ft.task_id JOIN sections s ON s.id = t.section_id
			WHERE f.round_id = $1
			ORDER BY u.position, u.id, s.position, s.id, t.position, t.id`, func(rows *sql.Rows) error {
			var e RoundTaskEntry
			if err := rows.Scan(&e.Unit, &e.FormState, &e.Section, &e.Number, &e.Title, &e.Lead, &e.Status, &e.Progress, &e.Problems, &e.NextSteps, &e.Attachments); err != nil {
				return err
			}
			return task(e)
		}, roundID)
		if err != nil {
			return wrap(err, "export the task entries of round %d", roundID)
		}
		err = eachRow(ctx, tx, `
			SELECT CASE WHEN u.short_name <> '' THEN u.short_name ELSE u.name END, f.state, g.indicator, g.unit, fv.target, fv.value, fv.note
			FROM form_values fv JOIN forms f ON f.id = fv.form_id JOIN units u ON u.id = f.unit_id JOIN goals g ON g.id = fv.goal_id
			WHERE f.round_id = $1
			ORDER BY u.position, u.id, g.position, g.id`, func(rows *sql.Rows) error {
			var e RoundValueEntry
			var v sql.NullString
			if err := rows.Scan(&e.Unit, &e.FormState, &e.Indicator, &e.Measure, &e.Target, &v, &e.Note); err != nil {
				return err
			}
			if v.Valid {
				d, err := plan.ParseDecimal(v.String)
				if err != nil {
					return err
				}
				e.Value = &d
			}
			return value(e)
		}, roundID)
		return wrap(err, "export the values of round %d", roundID)
	})
}
