// Package store keeps kechuang's data in SQLite or PostgreSQL with
// hand-written SQL shared by both: every query uses $N placeholders, which
// both drivers accept; only the migrations differ per database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDSN is where kechuang keeps its data when told nothing else.
const DefaultDSN = "sqlite:data/kechuang.db"

// Store is kechuang's storage. For SQLite it holds one writer connection and
// a pool of readers (SQLite allows one writer at a time; queuing writers in
// Go avoids SQLITE_BUSY); for PostgreSQL both are the same pool.
type Store struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	auth    *authCache
	// authRecheck is how often auth_version is read (authcache.go).
	authRecheck time.Duration
	formTurns   [256]formTurn
	pool        *pgxpool.Pool // PostgreSQL's connections, behind write and read
}

// Open connects to the database named by dsn: "sqlite:PATH" (or a bare
// path), or a "postgres://" / "postgresql://" URL. It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("store: unsupported database %q: use sqlite:PATH or postgres://…", redact(dsn))
	case dsn == "":
		return nil, errors.New("store: no database given")
	}
	return openSQLite(ctx, dsn)
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: unable to create %s: %w", dir, err)
		}
	}
	// busy_timeout comes first so that the pragmas after it wait for a
	// writer in another process (the CLI while the server runs) instead of
	// failing.
	params := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	u := url.URL{Scheme: "file", Opaque: path}
	// The writer keeps 64 MB of pages, so that an import of a national
	// register does not spill its indexes' pages to the WAL over and over.
	write, err := openCachingSQLite(u.String() + "?" + params + "&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := openCachingSQLite(u.String() + "?" + params + "&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	// Every reader stays open: database/sql keeps two idle by default, and
	// under load the others were closed and opened again request after
	// request, each opening running the pragmas and losing its prepared
	// statements.
	readers := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	s := &Store{dialect: SQLite, write: write, read: read, now: time.Now, auth: newAuthCache(), authRecheck: authRecheck}
	if err := write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	return s, nil
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, pool, err := OpenPostgresPool(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &Store{dialect: Postgres, write: db, read: db, pool: pool, now: time.Now, auth: newAuthCache(), authRecheck: authRecheck}, nil
}

// PostgresConns is how many connections an instance keeps to PostgreSQL.
const PostgresConns = 20

// OpenPostgresPool opens PostgreSQL as the store does: PostgresConns
// connections held by pgxpool, each use passing a gate that serves the
// oldest request first (conngate.go). database/sql's own pool hands a
// freed connection to a waiter picked at random, and under load that made
// the tail: a request waited as long as its luck, up to four or five
// times the median (docs/BENCHMARKS.md). database/sql keeps nothing idle
// here: each use takes a connection from pgxpool and gives it back.
func OpenPostgresPool(ctx context.Context, dsn string) (*sql.DB, *pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to open %s: %w", redact(dsn), err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = PostgresConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to open %s: %w", redact(dsn), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("store: unable to connect to %s: %w", redact(dsn), err)
	}
	db := sql.OpenDB(gatedConnector{stdlib.GetPoolConnector(pool), newConnGate(int(cfg.MaxConns))})
	db.SetMaxIdleConns(0)
	return db, pool, nil
}

// redact hides the password of a database URL for logs and errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// Dialect says which database the store is on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the connections.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// Ping checks that the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

// inTx runs fn in a write transaction, committing only when it returns nil:
// every store method that writes is one transaction, all-or-nothing. A
// constraint violation comes back as an error for users (constraintError).
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin: %w", err)
	}
	defer s.txDone(tx)
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return constraintError(err)
	}
	if err := tx.Commit(); err != nil {
		return constraintError(fmt.Errorf("store: unable to commit: %w", err))
	}
	return nil
}

// nowUTC is the current time in UTC, truncated to microseconds so that it
// reads back the same from both databases.
func (s *Store) nowUTC() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// PoolStats are the connection pools' figures for monitoring: "write" and
// "read" on SQLite, one "pool" on PostgreSQL.
func (s *Store) PoolStats() map[string]PoolStat {
	if s.pool != nil {
		st := s.pool.Stat()
		return map[string]PoolStat{"pool": {InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()),
			WaitCount: st.EmptyAcquireCount(), WaitDuration: st.EmptyAcquireWaitTime()}}
	}
	stat := func(db *sql.DB) PoolStat {
		st := db.Stats()
		return PoolStat{InUse: st.InUse, Idle: st.Idle, WaitCount: st.WaitCount, WaitDuration: st.WaitDuration}
	}
	return map[string]PoolStat{"write": stat(s.write), "read": stat(s.read)}
}

// PoolStat is one pool's connections: in use, idle, and the waits for
// one since the start.
type PoolStat struct {
	InUse, Idle  int
	WaitCount    int64
	WaitDuration time.Duration
}
