package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"makerlink"
)

// Engine names returned by [DB.Engine].
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// DB is a [makerlink.Store] on SQLite or PostgreSQL. Create one with [Open].
// Its methods are safe for concurrent use.
type DB struct {
	// Now returns the current time. The store uses it for the times it sets
	// (created_at, updated_at, change times) and truncates them to
	// microseconds. The default is time.Now().UTC(); tests may replace it
	// right after Open.
	Now func() time.Time

	engine string
	d      *dialect
	w      *sql.DB // writer (SQLite: one connection) or the only pool (PostgreSQL)
	r      *sql.DB // read-only pool on SQLite; the same as w on PostgreSQL
	anchor *sql.Conn
	log    *slog.Logger

	getRecord  *sql.Stmt // on r
	getSession *sql.Stmt // on r

	votes voteQueue // events.go: group commit of audience votes
}

var _ makerlink.Store = (*DB)(nil)

// IsPostgres reports whether dsn names a PostgreSQL database: a URL with the
// scheme postgres:// or postgresql://. Anything else is a SQLite path.
func IsPostgres(dsn string) bool {
	s := strings.ToLower(strings.TrimSpace(dsn))
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database named by dsn and applies pending
// migrations. dsn is a PostgreSQL URL (see [IsPostgres]) or a SQLite file
// path, optionally prefixed with "sqlite:"; the file and its directory are
// created when missing. ":memory:" opens a private in-memory SQLite
// database that lives until [DB.Close]. A nil log discards messages.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{Now: defaultNow, log: log}
	var err error
	if IsPostgres(dsn) {
		err = db.openPostgres(ctx, strings.TrimSpace(dsn))
	} else {
		err = db.openSQLite(ctx, dsn)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Migrate applies pending migrations to the database named by dsn and closes
// it. It is what `makerlink migrate` runs; [Open] does the same on start.
func Migrate(ctx context.Context, dsn string, log *slog.Logger) error {
	db, err := Open(ctx, dsn, log)
	if err != nil {
		return err
	}
	return db.Close()
}

func defaultNow() time.Time { return time.Now().UTC() }

// now returns the store clock in UTC truncated to microseconds, the
// precision of stored times.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// Engine returns EngineSQLite or EnginePostgres.
func (db *DB) Engine() string { return db.engine }

// SQL returns the primary handle, which every write must use: on SQLite the
// single writer connection (transactions begin IMMEDIATE), on PostgreSQL the
// pool. Packages with their own tables run their statements on it.
func (db *DB) SQL() *sql.DB { return db.w }

// Reader returns the pool for reads that need not see the caller's
// uncommitted writes: on SQLite a read-only pool that reads in parallel with
// the writer, on PostgreSQL the same pool as [DB.SQL].
func (db *DB) Reader() *sql.DB { return db.r }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return &makerlink.Error{Code: makerlink.EUnavailable, Message: "The database is unavailable.", Op: "store.Ping", Err: err}
	}
	if db.r != db.w {
		if err := db.r.PingContext(ctx); err != nil {
			return &makerlink.Error{Code: makerlink.EUnavailable, Message: "The database is unavailable.", Op: "store.Ping", Err: err}
		}
	}
	return nil
}

// Close releases the database. It waits for running statements.
func (db *DB) Close() error {
	var errs []error
	for _, s := range []*sql.Stmt{db.getRecord, db.getSession, db.votes.insert, db.votes.count} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	if db.anchor != nil {
		errs = append(errs, db.anchor.Close())
	}
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.engine = EnginePostgres
	db.d = postgresDialect
	w, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	n := max(8, 4*runtime.GOMAXPROCS(0))
	w.SetMaxOpenConns(n)
	w.SetMaxIdleConns(n)
	w.SetConnMaxIdleTime(5 * time.Minute)
	db.w, db.r = w, w
	if err := w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: connect to postgres: %w", err)
	}
	if err := migrate(ctx, db.w, db.d, db.log); err != nil {
		return err
	}
	return db.prepare(ctx)
}

func (db *DB) openSQLite(ctx context.Context, dsn string) error {
	db.engine = EngineSQLite
	db.d = sqliteDialect
	name, query, memory, err := sqliteTarget(dsn)
	if err != nil {
		return err
	}
	if !memory {
		if dir := filepath.Dir(name); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return fmt.Errorf("store: create database directory: %w", err)
			}
		}
	}
	writerQ := cloneValues(query)
	setDefault(writerQ, "_busy_timeout", "10000")
	setDefault(writerQ, "_foreign_keys", "1")
	setDefault(writerQ, "_txlock", "immediate")
	if !hasPragma(writerQ, "cache_size") {
		// 64 MiB of page cache for the writer (allocated as used): bulk
		// loads and index maintenance stay out of the file.
		writerQ.Add("_pragma", "cache_size(-65536)")
	}
	if !hasPragma(writerQ, "temp_store") {
		// Statement journals (a multi-row INSERT ... ON CONFLICT inside a
		// transaction, as each vote batch) stay in memory instead of
		// spilling to a temporary file at 64 KiB: one pwrite per page.
		writerQ.Add("_pragma", "temp_store(memory)")
	}
	if !memory && !hasPragma(writerQ, "journal_size_limit") {
		// After a bulk load, checkpoints shrink the WAL back to 64 MiB.
		writerQ.Add("_pragma", "journal_size_limit(67108864)")
	}
	readerQ := cloneValues(query)
	setDefault(readerQ, "_busy_timeout", "10000")
	if !memory && !hasPragma(readerQ, "mmap_size") {
		// Readers map the file instead of copying pages through a 2 MB
		// cache per connection: random reads over a database larger than
		// the cache stay off the read system call.
		readerQ.Add("_pragma", "mmap_size(1073741824)")
	}
	setDefault(readerQ, "_query_only", "1")
	if memory {
		// A memdb database whose name starts with "/" is shared by every
		// connection of this process that opens the same name, and it has
		// real locks, so the writer and reader pools work as on a file.
		writerQ.Set("vfs", "memdb")
		readerQ.Set("vfs", "memdb")
	} else {
		setDefault(writerQ, "_journal_mode", "WAL")
		setDefault(writerQ, "_synchronous", "NORMAL")
	}

	w, err := sql.Open("sqlite", name+"?"+writerQ.Encode())
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.w = w
	if err := w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open sqlite %s: %w", name, err)
	}
	r, err := sql.Open("sqlite", name+"?"+readerQ.Encode())
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n + 1)
	r.SetMaxIdleConns(n + 1)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	db.r = r
	if memory {
		// Keep one connection open for the life of the DB: a memdb
		// database disappears when its last connection closes.
		if db.anchor, err = r.Conn(ctx); err != nil {
			return fmt.Errorf("store: open sqlite memory database: %w", err)
		}
	}
	if err := migrate(ctx, db.w, db.d, db.log); err != nil {
		return err
	}
	return db.prepare(ctx)
}

// sqliteTarget splits a SQLite DSN into the name to open and its query
// parameters, and reports whether it names a private in-memory database.
func sqliteTarget(dsn string) (name string, q url.Values, memory bool, err error) {
	s := strings.TrimSpace(dsn)
	s = strings.TrimPrefix(s, "sqlite://")
	s = strings.TrimPrefix(s, "sqlite:")
	rawQuery := ""
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s, rawQuery = s[:i], s[i+1:]
	}
	if q, err = url.ParseQuery(rawQuery); err != nil {
		return "", nil, false, fmt.Errorf("store: bad sqlite dsn %q: %w", dsn, err)
	}
	if s == "" {
		return "", nil, false, fmt.Errorf("store: empty database path")
	}
	if s == ":memory:" || s == "file::memory:" || q.Get("mode") == "memory" {
		q.Del("mode")
		q.Del("cache")
		var b [8]byte
		_, _ = rand.Read(b[:])
		return "file:/makerlink-" + hex.EncodeToString(b[:]), q, true, nil
	}
	return s, q, false, nil
}

// hasPragma reports whether q sets the PRAGMA name through _pragma.
func hasPragma(q url.Values, name string) bool {
	return slices.ContainsFunc(q["_pragma"], func(p string) bool {
		return strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name)
	})
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

func setDefault(v url.Values, key, value string) {
	if _, ok := v[key]; !ok {
		v.Set(key, value)
	}
}

// prepare readies the statements of the hot read paths on the read pool.
func (db *DB) prepare(ctx context.Context) error {
	var err error
	if db.getRecord, err = db.r.PrepareContext(ctx, qFindRecord); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	if db.getSession, err = db.r.PrepareContext(ctx, qFindSession); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	return db.prepareVotes(ctx)
}

// inTx runs fn in a transaction on the writer and commits when fn returns
// nil. Statements inside fn must use tx only: on SQLite the writer has one
// connection, which the transaction holds.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func toMicros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
