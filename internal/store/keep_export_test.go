package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MigrateToForTest applies the migrations up to version: the migration
// test lays out data in an older schema and migrates it.
func (s *Store) MigrateToForTest(ctx context.Context, version int) (int, error) {
	return s.migrate(ctx, version)
}

// ConstraintErrorForTest is constraintError, for the mapping's table test.
func ConstraintErrorForTest(err error) error { return constraintError(err) }

// RegisterRaceMessageForTest is what an import that met another at a
// register's key is told.
const RegisterRaceMessageForTest = registerRaceMessage

// QueryForTest runs a query on the writer and returns every row as text.
func (s *Store) QueryForTest(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := s.write.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
