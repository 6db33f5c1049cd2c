// Package store implements [makerlink.Store] on SQLite (modernc.org/sqlite,
// pure Go, the embedded default) and on PostgreSQL (pgx through
// database/sql), with one body of portable SQL and a narrow dialect seam.
//
// Open a store with [Open]; the DSN picks the engine (see [IsPostgres]).
// Migrations are embedded SQL files under migrations/sqlite and
// migrations/postgres, with the same numbers in both, applied by goose on
// every [Open] and by [Migrate]. Packages that add their own tables add
// files to both folders and use [DB.SQL] for their statements.
//
// # Representation
//
//   - Times are BIGINT (INTEGER on SQLite) microseconds since the Unix epoch,
//     UTC. The store truncates the times it sets to microseconds, so a time
//     read back equals the time written.
//   - A profile row keeps the attributes lists and access checks need (kind,
//     owner, version, name, visibility) and doc, the exact bytes of
//     json.Marshal(profile) with its Meta, which reads return untouched.
//     PostgreSQL stores doc as TEXT, not JSONB, to keep those bytes verbatim.
//   - profile_tags holds one row per sector, stage and city of a profile, for
//     the list filters.
//   - profile_changes is the change feed: one row per create, update and
//     delete, written in the same transaction. On PostgreSQL writers lock the
//     table before inserting so that sequence numbers commit in order and a
//     follower reading "seq > last" never skips a change.
//   - Ids sort by bytes on both engines (the "C" collation on PostgreSQL).
//
// # Concurrency
//
// On SQLite the store keeps two pools: a writer with a single connection
// whose transactions begin IMMEDIATE (so concurrent writers queue in the
// process instead of failing with "database is locked"), and a read-only
// pool of several connections that read in parallel through WAL. PostgreSQL
// uses one pool. Updates and deletes are optimistic: they apply only when the
// stored version equals the caller's, so concurrent writers never lose an
// update.
package store
