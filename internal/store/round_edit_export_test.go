package store

import "context"

// CountForTest runs a COUNT query on the writer: round tests check that a
// deleted round leaves no rows behind in any table.
func (s *Store) CountForTest(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
