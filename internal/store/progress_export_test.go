package store

import (
	"context"
	"database/sql"
)

// countingQueryer counts the statements sent through it: on PostgreSQL
// each is a round trip.
type countingQueryer struct {
	q queryer
	n int
}

func (c *countingQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n++
	return c.q.QueryContext(ctx, query, args...)
}

func (c *countingQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n++
	return c.q.QueryRowContext(ctx, query, args...)
}

// ProgressSourceStatementsForTest reads a plan's progress source as
// ProgressSourceSince does, in one read-only transaction, and returns how
// many statements it sent.
func (s *Store) ProgressSourceStatementsForTest(ctx context.Context, planID, roundID int64, prev *ProgressSource) (*ProgressSource, int, error) {
	var src *ProgressSource
	c := &countingQueryer{}
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		c.q = tx
		var err error
		src, err = progressSource(ctx, c, planID, roundID, prev)
		return err
	})
	return src, c.n, err
}
