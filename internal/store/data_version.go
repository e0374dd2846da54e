package store

import (
	"context"
	"database/sql"
	"strings"
)

// The data version counts the changes that can move a figure: approvals,
// submissions, rounds, plan and directory edits, settings, register
// imports and attribution. Every change is audited in its transaction, so
// the audit log bumps it (touchData) in the same transaction, and a cached
// overview (progress.Cache) is good exactly as long as the version it was
// computed at is current — on every instance, since the version is in the
// database.

// unchanging lists the audited actions that move no figure: people and
// their ways in, remarks, evidence, header mappings, uploads waiting to be
// imported (the import itself is register.import), disputes (which change
// no figure until resolved by an attribution), notification settings, and
// draft saves (SaveForm touches the version itself when a form's state
// changes), leaders' instructions and their answers (shown on forms and
// pages read live, never on the dashboard). Supervision notices do count:
// the dashboard lists those overdue.
var unchanging = []string{"user.", "form.comment", "form.attachment.", "form.save", "register.mapping.", "register.dispute.", "register.upload", "settings.update",
	"supervision.instruction."}

func touchData(ctx context.Context, tx *sql.Tx, action string) error {
	for _, p := range unchanging {
		if strings.HasPrefix(action, p) {
			return nil
		}
	}
	return bumpDataVersion(ctx, tx)
}

func bumpDataVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`)
	return wrap(err, "count the change")
}

// DataVersion is the current data version.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	return dataVersion(ctx, s.read)
}

func dataVersion(ctx context.Context, q queryer) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v)
	return v, wrap(err, "read the data version")
}
