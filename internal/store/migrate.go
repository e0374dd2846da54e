package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations are numbered files, one folder per database, applied in order
// and recorded in schema_migrations. Add new files at the end; never edit
// one that has landed.
//
//go:embed migrations
var migrationFiles embed.FS

// migrationLock is the PostgreSQL advisory lock key that keeps several app
// instances starting at once from migrating together ("kechuang" in ASCII).
const migrationLock = 0x6b65636875616e67

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", string(s.dialect))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %s/%s is not named NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: unable to read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// Migrate applies the migrations the database lacks and returns how many it
// applied. Each migration runs in its own transaction.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	return s.migrate(ctx, 0)
}

// migrate applies the migrations up to version upTo (all of them when 0).
func (s *Store) migrate(ctx context.Context, upTo int) (int, error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, err
	}
	if upTo > 0 && upTo < len(ms) {
		ms = ms[:upTo]
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: unable to connect: %w", err)
	}
	defer conn.Close()
	if s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
			return 0, fmt.Errorf("store: unable to take the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: unable to create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return 0, err
	}
	if current > len(ms) && upTo == 0 {
		return 0, fmt.Errorf("store: the database is at schema version %d, newer than this program knows (%d): upgrade kechuang", current, len(ms))
	}
	applied := 0
	for _, m := range ms[min(current, len(ms)):] {
		done, err := s.apply(ctx, conn, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

func schemaVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: unable to read the schema version: %w", err)
	}
	return int(v.Int64), nil
}

// apply runs one migration in its own transaction and records it; it
// reports false when another process applied it meanwhile. (On PostgreSQL
// the advisory lock serialises instances; on SQLite the transaction takes
// the write lock at BEGIN, and the record is read again under it.)
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) (applied bool, err error) {
	if s.dialect == SQLite {
		// SQLite changes a table's foreign keys by rebuilding the table,
		// which must not cascade: foreign keys go off around the
		// transaction (the pragma is a no-op inside one) and are checked
		// as a whole before it commits.
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return false, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		defer func() { err = errors.Join(err, foreignKeysOn(context.WithoutCancel(ctx), conn)) }()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var already int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&already); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if already > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if s.dialect == SQLite {
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return false, fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, s.nowUTC().Format("2006-01-02T15:04:05Z")); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	return true, nil
}

// foreignKeyCheck fails when any row's foreign key points at nothing.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return err
		}
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
		}
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if bad != nil {
		return fmt.Errorf("foreign keys violated: %s", strings.Join(bad, "; "))
	}
	return nil
}

// foreignKeysOn turns foreign keys back on after a migration; a connection
// on which that fails is discarded rather than used without them.
func foreignKeysOn(ctx context.Context, conn *sql.Conn) error {
	var on int
	_, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	if err == nil {
		err = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on)
	}
	if err == nil && on == 1 {
		return nil
	}
	if err == nil {
		err = errors.New("they stay off")
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
	return fmt.Errorf("store: unable to turn foreign keys back on: %w", err)
}

// SchemaVersion returns the number of the last applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: unable to connect: %w", err)
	}
	defer conn.Close()
	return schemaVersion(ctx, conn)
}
