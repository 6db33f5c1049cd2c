package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"makerlink"
)

// dialect is the narrow seam where the engines differ. Everything else is
// portable SQL with $N placeholders, which both drivers bind by number.
type dialect struct {
	name string
	// lockFeed, when set, runs in a write transaction before it inserts
	// into profile_changes, so that sequence numbers commit in order.
	lockFeed string
	// classify reports what kind of constraint err violated.
	classify func(err error) violation
	// numbered is true when bulk statements number their placeholders
	// ($1, $2, ...). SQLite's bulk statements use plain "?" instead: it
	// resolves each $N through a linear list, which makes a statement with
	// thousands of them quadratic to prepare and bind.
	numbered bool
}

// violation is the kind of constraint a failed statement broke.
type violation int

const (
	violationNone violation = iota
	violationUnique
	violationForeignKey
)

var sqliteDialect = &dialect{
	name: EngineSQLite,
	// The single writer connection already serialises writes.
	lockFeed: "",
	classify: func(err error) violation {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return violationNone
		}
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return violationUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return violationForeignKey
		}
		return violationNone
	},
}

var postgresDialect = &dialect{
	name:     EnginePostgres,
	numbered: true,
	// EXCLUSIVE conflicts with the ROW EXCLUSIVE lock of other inserts but
	// not with readers; held to commit, it makes seq order commit order.
	lockFeed: "LOCK TABLE profile_changes IN EXCLUSIVE MODE",
	classify: func(err error) violation {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return violationNone
		}
		switch e.Code {
		case "23505": // unique_violation
			return violationUnique
		case "23503": // foreign_key_violation
			return violationForeignKey
		}
		return violationNone
	},
}

// lockChanges takes the change-feed lock of the dialect, if any.
func (d *dialect) lockChanges(ctx context.Context, tx *sql.Tx) error {
	if d.lockFeed == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, d.lockFeed); err != nil {
		return fmt.Errorf("store: lock change feed: %w", err)
	}
	return nil
}

// placeholders appends "($k,$k+1,...)" groups (or "(?,?,...)" groups
// when the dialect does not number them) for rows of cols columns,
// separated by commas.
func (d *dialect) placeholders(b *strings.Builder, rows, cols int) {
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if d.numbered {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
			} else {
				b.WriteByte('?')
			}
			n++
		}
		b.WriteByte(')')
	}
}

// storable reports whether s can be stored in a TEXT column of both
// engines: valid UTF-8 without NUL bytes (PostgreSQL rejects both).
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func errNotFound(what string) error {
	return makerlink.Errorf(makerlink.ENotFound, "%s not found.", what)
}

func errVersion(what string) error {
	return makerlink.Errorf(makerlink.EVersionMismatch, "The %s was changed by someone else; reload it and try again.", what)
}

func errInvalidText(field string) error {
	return &makerlink.Error{
		Code:    makerlink.EValidation,
		Message: "Some fields are invalid.",
		Fields:  []makerlink.FieldError{{Field: field, Code: makerlink.FInvalid, Message: "contains invalid characters"}},
	}
}
