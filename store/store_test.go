package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) makerlink.Store { return storetest.OpenSQLite(t) })
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) makerlink.Store { return storetest.OpenPostgres(t) })
}

func TestSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) makerlink.Store {
		db, err := store.Open(context.Background(), ":memory:", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestMemoryDatabasesAreSeparate(t *testing.T) {
	ctx := context.Background()
	a, err := store.Open(ctx, ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, "sqlite::memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	u := storetest.NewUser(t, a)
	if _, err := a.FindUserByID(ctx, u.ID); err != nil {
		t.Fatalf("the reader pool does not see the writer's database: %v", err)
	}
	if _, err := b.FindUserByID(ctx, u.ID); makerlink.ErrorCode(err) != makerlink.ENotFound {
		t.Fatalf("a second :memory: store sees the first one's user: %v", err)
	}
}

func TestIsPostgres(t *testing.T) {
	tests := []struct {
		dsn  string
		want bool
	}{
		{"postgres://u@localhost/db", true},
		{"postgresql://u@localhost/db?sslmode=disable", true},
		{"  POSTGRES://u@h/db", true},
		{"data/makerlink.db", false},
		{"sqlite:data/makerlink.db", false},
		{":memory:", false},
		{"postgres.db", false},
	}
	for _, tt := range tests {
		if got := store.IsPostgres(tt.dsn); got != tt.want {
			t.Errorf("IsPostgres(%q) = %v, want %v", tt.dsn, got, tt.want)
		}
	}
}

func TestOpenSQLiteForms(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, dsn := range []string{
		filepath.Join(dir, "a.db"),
		"sqlite:" + filepath.Join(dir, "b.db"),
		filepath.Join(dir, "nested", "dir", "c.db") + "?_pragma=cache_size(-4000)",
	} {
		db, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatalf("Open(%q): %v", dsn, err)
		}
		if db.Engine() != store.EngineSQLite || db.SQL() == nil {
			t.Errorf("Open(%q): engine %q", dsn, db.Engine())
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		var mode string
		if err := db.SQL().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	if _, err := store.Open(ctx, "", nil); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := store.Open(ctx, "/proc/forbidden/x.db", nil); err == nil {
		t.Error("Open of an uncreatable path succeeded")
	}
}

func TestOpenPostgresUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := store.Open(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", nil)
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
}

// migrateTwice runs Migrate twice on dsn, then checks that each migration
// is recorded once and that the schema works.
func migrateTwice(t *testing.T, dsn string) {
	ctx := context.Background()
	for range 2 {
		if err := store.Migrate(ctx, dsn, nil); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct int
	if err := db.SQL().QueryRowContext(ctx,
		"SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != distinct {
		t.Errorf("goose_db_version has %d rows for %d versions", rows, distinct)
	}
	storetest.NewUser(t, db)
}

func TestMigrateTwiceSQLite(t *testing.T) {
	migrateTwice(t, filepath.Join(t.TempDir(), "m.db"))
}

func TestMigrateTwicePostgres(t *testing.T) {
	migrateTwice(t, storetest.PostgresDSN(t))
}

func TestClock(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite, "postgres": storetest.OpenPostgres} {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			at := time.Date(2025, 9, 10, 8, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
			db.Now = func() time.Time { return at }
			want := at.UTC().Truncate(time.Microsecond)
			u := storetest.NewUser(t, db)
			if !u.CreatedAt.Equal(want) || u.CreatedAt.Location() != time.UTC {
				t.Errorf("user created_at = %v, want %v", u.CreatedAt, want)
			}
			p := storetest.Startup(u.ID, 1)
			if err := db.CreateProfile(ctx, p); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindProfile(ctx, makerlink.KindStartup, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m := got.Base(); !m.CreatedAt.Equal(want) || !m.UpdatedAt.Equal(want) {
				t.Errorf("profile times = %v, %v; want %v", m.CreatedAt, m.UpdatedAt, want)
			}
			later := at.Add(90 * time.Minute)
			db.Now = func() time.Time { return later }
			if err := db.UpdateProfile(ctx, got); err != nil {
				t.Fatal(err)
			}
			if m := got.Base(); !m.UpdatedAt.Equal(later.UTC().Truncate(time.Microsecond)) || !m.CreatedAt.Equal(want) {
				t.Errorf("after update times = %v, %v", m.CreatedAt, m.UpdatedAt)
			}
			feed, err := db.ProfileChanges(ctx, 0, 0)
			if err != nil || len(feed) != 2 || !feed[0].At.Equal(want) {
				t.Errorf("feed = %+v, %v", feed, err)
			}
		})
	}
}

// TestSQLiteWritersNeverLocked runs many writers and readers at once on a
// SQLite file: none may fail with "database is locked".
func TestSQLiteWritersNeverLocked(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	owner := storetest.NewUser(t, db, makerlink.RoleFounder)
	const writers, each = 16, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*3)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				p := storetest.Startup(owner.ID, w*each+i)
				if err := db.CreateProfile(ctx, p); err != nil {
					errs <- fmt.Errorf("create: %w", err)
					continue
				}
				if _, err := db.FindProfileRecord(ctx, makerlink.KindStartup, p.ID); err != nil {
					errs <- fmt.Errorf("read own write: %w", err)
				}
				if _, _, err := db.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "biotech"}); err != nil {
					errs <- fmt.Errorf("list: %w", err)
				}
				u := &makerlink.User{Email: fmt.Sprintf("w%d-%d@example.cn", w, i), Name: "并发"}
				if err := db.CreateUser(ctx, u, "h"); err != nil {
					errs <- fmt.Errorf("create user: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestUpgradeFrom0001 fills a database at migration 1, then opens it with
// the current code: later migrations must carry the data along.
func TestUpgradeFrom0001(t *testing.T) {
	for _, e := range []struct {
		name, driver string
		dialect      goose.Dialect
		dsn          func(t *testing.T) string
	}{
		{"sqlite", "sqlite", goose.DialectSQLite3, func(t *testing.T) string { return filepath.Join(t.TempDir(), "old.db") }},
		{"postgres", "pgx", goose.DialectPostgres, func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.dsn(t)
			raw, err := sql.Open(e.driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			p, err := goose.NewProvider(e.dialect, raw, os.DirFS(filepath.Join("migrations", e.name)), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES ('u1', 'a@example.cn', 'A', 'h', 'founder', 0)`,
				`INSERT INTO profiles (id, kind, owner_id, version, name, visibility, created_at, updated_at, doc)
				 VALUES ('p1', 'startup', 'u1', 1, 'Old', 'public', 0, 0, '{"id":"p1","name":"Old"}')`,
				`INSERT INTO profile_tags (tag, value, profile_id) VALUES ('sector', 'biotech', 'p1'), ('city', '银川', 'p1')`,
			} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db, err := store.Open(ctx, dsn, nil)
			if err != nil {
				t.Fatalf("Open after 0001: %v", err)
			}
			defer db.Close()
			recs, _, err := db.FindProfiles(ctx, makerlink.ProfileFilter{Kind: makerlink.KindStartup, Sector: "biotech", City: "银川"})
			if err != nil || len(recs) != 1 || recs[0].ID != "p1" {
				t.Fatalf("filtered list after upgrade = %+v, %v", recs, err)
			}
		})
	}
}
