package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ExecForTest runs a statement on the writer. Reminder tests use it to lay
// out rounds, forms and e-mail addresses with plain SQL, the schema being
// the contract.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	if _, err := s.write.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	return nil
}

// QueryRowForTest runs a query on the writer (which sees every commit).
func (s *Store) QueryRowForTest(ctx context.Context, query string, args ...any) *sql.Row {
	return s.write.QueryRowContext(ctx, query, args...)
}
