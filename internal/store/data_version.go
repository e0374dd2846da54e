package store

import (
	"context"
	"database/sql"
	"strings"
)

// The data version counts the changes that can move what the dashboard
// shows: approvals, submissions, rounds, plan and directory edits,
// settings, register imports and attribution. Every change is audited in
// its transaction, so the audit log bumps it (touchData) in the same
// transaction, and a cached dashboard (progress.Cache) is good exactly as
// long as the version it was computed at is current — on every instance,
// since the version is in the database. The figures version beside it
// counts the changes that can move a figure (all but reportingOnly): an
// overview computed at the current figures version still holds, whatever
// was submitted since.

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

// reportingOnly lists the audited actions that move the data version but
// no figure: a submission and a return change what the round's forms and
// the units' task reports say — not the approved values, the registers,
// the plan or the directory the overview is computed from — and a
// supervision notice is listed on the dashboard beside the figures. They
// leave the figures version alone (SaveForm counts a draft's change of
// state the same way).
var reportingOnly = []string{"form.submit", "form.return", "supervision.notice."}

func touchData(ctx context.Context, tx *sql.Tx, action string) error {
	for _, p := range unchanging {
		if strings.HasPrefix(action, p) {
			return nil
		}
	}
	for _, p := range reportingOnly {
		if strings.HasPrefix(action, p) {
			return bumpDataVersion(ctx, tx, false)
		}
	}
	return bumpDataVersion(ctx, tx, true)
}

// bumpDataVersion counts a change: the data version always, the figures
// version when the change can move a figure.
func bumpDataVersion(ctx context.Context, tx *sql.Tx, figures bool) error {
	q := `UPDATE data_version SET version = version + 1 WHERE id = 1`
	if figures {
		q = `UPDATE data_version SET version = version + 1, figures = figures + 1 WHERE id = 1`
	}
	_, err := tx.ExecContext(ctx, q)
	return wrap(err, "count the change")
}

// Versions are the data version and the figures version as read together.
type Versions struct{ Data, Figures int64 }

// Versions reads the data version and the figures version.
func (s *Store) Versions(ctx context.Context) (Versions, error) {
	d, f, err := dataVersions(ctx, s.read)
	return Versions{d, f}, err
}

// dataVersions are the data version and the figures version, read together.
func dataVersions(ctx context.Context, q queryer) (version, figures int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT version, figures FROM data_version WHERE id = 1`).Scan(&version, &figures)
	return version, figures, wrap(err, "read the data version")
}
