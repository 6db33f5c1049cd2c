package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/crc64"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder of numbered goose SQL files per engine.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrate applies the pending migrations of the dialect to db.
func migrate(ctx context.Context, db *sql.DB, d *dialect, log *slog.Logger) error {
	fsys, err := fs.Sub(migrations, "migrations/"+d.name)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	// Features add numbered files independently; a database that already
	// ran a higher number still gets a lower one added later.
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true)}
	gd := goose.DialectSQLite3
	if d == postgresDialect {
		gd = goose.DialectPostgres
		// Serialise concurrent migrators of the same schema (two servers
		// starting at once) with an advisory lock named after the schema,
		// so that tests migrating their own schemas do not wait for
		// each other.
		var where string
		if err := db.QueryRowContext(ctx, "SELECT current_database() || '.' || coalesce(current_schema(), '')").Scan(&where); err != nil {
			return fmt.Errorf("store: migrations: %w", err)
		}
		id := int64(crc64.Checksum([]byte("makerlink-migrate:"+where), crc64.MakeTable(crc64.ECMA)) >> 1)
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("store: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", d.name, err)
	}
	for _, r := range results {
		log.Info("applied migration", "engine", d.name, "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}
