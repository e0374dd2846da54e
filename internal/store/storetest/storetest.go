// Package storetest opens real databases for tests: a fresh SQLite file, and
// a fresh database on the PostgreSQL server named by KECHUANG_TEST_POSTGRES
// (which scripts/test starts). Tests skip PostgreSQL only when that is unset.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"kechuang/internal/store"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL server on
// which tests may create and drop databases.
const PostgresEnv = "KECHUANG_TEST_POSTGRES"

// SQLiteDSN returns a fresh SQLite database in the test's temp dir.
func SQLiteDSN(tb testing.TB) string {
	return "sqlite:" + filepath.Join(tb.TempDir(), "kechuang.db")
}

// PostgresDSN creates a database on the server at base and returns its URL;
// it is dropped when the test ends.
func PostgresDSN(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "kt_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatalf("storetest: create database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens and migrates a store on dsn, closed when the test ends.
func Open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("storetest: open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		tb.Fatalf("storetest: migrate: %v", err)
	}
	return s
}

// Each runs fn as a subtest on a fresh, migrated store of each dialect.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	EachDSN(t, func(t *testing.T, dsn string) { fn(t, Open(t, dsn)) })
}

// EachDSN runs fn as a subtest on a fresh, empty database of each dialect.
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			var dsn string
			switch name {
			case "sqlite":
				dsn = SQLiteDSN(t)
			case "postgres":
				base := os.Getenv(PostgresEnv)
				if base == "" {
					t.Skip(PostgresEnv + " is not set: no PostgreSQL server for this run")
				}
				dsn = PostgresDSN(t, base)
			}
			fn(t, dsn)
		})
	}
}

// UnbindAll makes every goal of a plan reported by units again (an admin's
// choice): for scenarios about units' reports on a plan whose goals are
// bound to register definitions by default.
func UnbindAll(tb testing.TB, s *store.Store, planID int64) {
	tb.Helper()
	bs, err := s.GoalBindings(context.Background(), planID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range bs {
		if err := s.UnbindGoal(context.Background(), b.GoalID); err != nil {
			tb.Fatal(err)
		}
	}
}
