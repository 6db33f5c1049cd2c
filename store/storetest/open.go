// Package storetest holds the contract suite of [makerlink.Store] ([Run])
// and helpers that give tests a fresh store on SQLite or PostgreSQL.
//
// Tests of other packages use [OpenSQLite] (always available) and
// [OpenPostgres] (a fresh schema in the local test database; skipped when
// PostgreSQL is unreachable, a failure under CI=true).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"makerlink/store"
)

// DefaultPostgres is the database the PostgreSQL helpers use unless the
// environment variable MAKERLINK_TEST_PG names another.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// OpenSQLite opens a store on a SQLite file in a temporary directory and
// closes it when the test ends.
func OpenSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "makerlink.db"), quietLogger())
	if err != nil {
		tb.Fatalf("storetest: open sqlite: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storetest: close sqlite: %v", err)
		}
	})
	return db
}

// OpenPostgres opens a store on a fresh schema of the test database (see
// [PostgresDSN]) and closes it, then drops the schema, when the test ends.
func OpenPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	dsn := PostgresDSN(tb)
	db, err := store.Open(context.Background(), dsn, quietLogger())
	if err != nil {
		tb.Fatalf("storetest: open postgres: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storetest: close postgres: %v", err)
		}
	})
	return db
}

var pg struct {
	once  sync.Once
	base  string
	admin *sql.DB
	err   error
}

// PostgresDSN creates a schema with a random name in the test database
// ($MAKERLINK_TEST_PG, default [DefaultPostgres]) and returns a DSN whose
// search_path points at it, for tests that start a server process. The
// schema is dropped when the test ends; stop users of the DSN first. When
// PostgreSQL is unreachable the test is skipped, or fails when the
// environment has CI=true. The reachability check runs once per process.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	pg.once.Do(func() {
		pg.base = os.Getenv("MAKERLINK_TEST_PG")
		if pg.base == "" {
			pg.base = DefaultPostgres
		}
		pg.admin, pg.err = sql.Open("pgx", pg.base)
		if pg.err != nil {
			return
		}
		pg.admin.SetMaxOpenConns(2)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if pg.err = pg.admin.PingContext(ctx); pg.err == nil {
			dropStaleSchemas(ctx)
		}
	})
	if pg.err != nil {
		msg := fmt.Sprintf("storetest: PostgreSQL unreachable at %s (set MAKERLINK_TEST_PG to use another): %v", redact(pg.base), pg.err)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := fmt.Sprintf("mltest_%d_%s", time.Now().Unix(), hex.EncodeToString(b[:]))
	if _, err := pg.admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := pg.admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Logf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(pg.base)
	if err != nil {
		tb.Fatalf("storetest: bad PostgreSQL URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// dropStaleSchemas drops test schemas created more than a day ago, left
// behind by test processes that were killed before their cleanup ran.
func dropStaleSchemas(ctx context.Context) {
	rows, err := pg.admin.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'mltest\_%'`)
	if err != nil {
		return
	}
	var stale []string
	cutoff := time.Now().Add(-24 * time.Hour).Unix()
	for rows.Next() {
		var name string
		var created int64
		if rows.Scan(&name) != nil {
			continue
		}
		if _, err := fmt.Sscanf(name, "mltest_%d_", &created); err == nil && created < cutoff {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = pg.admin.ExecContext(ctx, `DROP SCHEMA "`+name+`" CASCADE`)
	}
}

// redact hides a password in a URL for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
