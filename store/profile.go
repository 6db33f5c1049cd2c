package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"makerlink"
)

const qFindRecord = `SELECT owner_id, version, visibility, doc FROM profiles WHERE id = $1 AND kind = $2`

// Limits of list calls.
const (
	DefaultLimit        = 20    // profiles per page when ProfileFilter.Limit is 0
	MaxLimit            = 100   // the largest page of FindProfiles
	DefaultChangesLimit = 100   // changes per call when the limit is 0
	MaxChangesLimit     = 10000 // the most changes one ProfileChanges call returns
)

// Multi-row insert sizes; they keep every statement far below the bound
// parameter limits of both engines (32766 on SQLite, 65535 on PostgreSQL).
const (
	batchProfiles = 500
	batchTags     = 2000
	batchChanges  = 1000
)

// Tag names in profile_tags.
const (
	tagSector = "sector"
	tagStage  = "stage"
	tagCity   = "city"
)

// pending is a profile on its way into the database.
type pending struct {
	p    makerlink.Profile
	m    *makerlink.Meta
	old  makerlink.Meta // to restore on failure
	tags makerlink.Tags
	doc  []byte
}

type tagRow struct{ kind, tag, value, id string }

func validKind(k makerlink.Kind) bool { return slices.Contains(makerlink.Kinds, k) }

// CreateProfile implements [makerlink.ProfileStore]. The owner must be an
// existing user. Returns EConflict when the id exists and EValidation when
// the owner is missing or unknown. On error p is left as it was.
func (db *DB) CreateProfile(ctx context.Context, p makerlink.Profile) error {
	return db.createProfiles(ctx, []makerlink.Profile{p})
}

// CreateProfiles implements [makerlink.ProfileStore]: it stores all of ps in
// one transaction with multi-row inserts, or none of them.
func (db *DB) CreateProfiles(ctx context.Context, ps []makerlink.Profile) error {
	if len(ps) == 0 {
		return nil
	}
	return db.createProfiles(ctx, ps)
}

func (db *DB) createProfiles(ctx context.Context, ps []makerlink.Profile) error {
	now := db.now()
	rows := make([]pending, 0, len(ps))
	restore := func() {
		for i := range rows {
			*rows[i].m = rows[i].old
		}
	}
	for i, p := range ps {
		if p == nil || !validKind(p.Kind()) {
			restore()
			return fmt.Errorf("store: create profile %d: nil or unknown profile", i)
		}
		m := p.Base()
		rows = append(rows, pending{p: p, m: m, old: *m})
		if m.OwnerID == "" {
			restore()
			return &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
				Fields: []makerlink.FieldError{{Field: "owner_id", Code: makerlink.FRequired, Message: "is required"}}}
		}
		if !storable(m.ID) || !storable(m.OwnerID) {
			restore()
			return errInvalidText("id")
		}
		if m.ID == "" {
			m.ID = makerlink.NewID(now)
		}
		m.Version = 1
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		m.CreatedAt = fromMicros(toMicros(m.CreatedAt))
		if m.UpdatedAt.IsZero() {
			m.UpdatedAt = m.CreatedAt
		}
		m.UpdatedAt = fromMicros(toMicros(m.UpdatedAt))
		r := &rows[len(rows)-1]
		var err error
		if r.tags, err = profileTags(p); err == nil {
			r.doc, err = json.Marshal(p)
		}
		if err != nil {
			restore()
			return err
		}
	}
	// Insert in id order: b-tree indexes then grow at their ends instead of
	// at random pages, which keeps a 100,000-profile load in cache.
	byID := make([]pending, len(rows))
	copy(byID, rows)
	slices.SortFunc(byID, func(a, b pending) int { return strings.Compare(a.m.ID, b.m.ID) })
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertProfiles(ctx, tx, byID); err != nil {
			return err
		}
		var tags []tagRow
		for i := range byID {
			tags = appendTags(tags, byID[i].p.Kind(), byID[i].m.ID, byID[i].tags)
		}
		if err := db.insertTags(ctx, tx, tags); err != nil {
			return err
		}
		changes := make([]makerlink.ProfileChange, len(rows))
		for i := range rows {
			changes[i] = makerlink.ProfileChange{Kind: rows[i].p.Kind(), ID: rows[i].m.ID, At: now}
		}
		return db.insertChanges(ctx, tx, changes)
	})
	if err != nil {
		restore()
		return err
	}
	if len(rows) >= analyzeAfter {
		db.analyze(ctx)
	}
	return nil
}

// analyzeAfter is the size of a bulk load after which the store refreshes
// the planner statistics of PostgreSQL. Without them a freshly loaded
// schema gets nested-loop plans for filtered lists that take seconds;
// autovacuum would refresh them only later.
const analyzeAfter = 500

// analyze refreshes planner statistics of the profile tables on PostgreSQL.
// SQLite needs none: its list queries fix the join order themselves.
func (db *DB) analyze(ctx context.Context) {
	if db.d != postgresDialect {
		return
	}
	if _, err := db.w.ExecContext(ctx, `ANALYZE profiles, profile_tags`); err != nil {
		db.log.Warn("store: analyze after bulk load", "err", err)
	}
}

// profileTags returns the tags of p with the defaults the store relies on,
// or EValidation when one cannot be stored.
func profileTags(p makerlink.Profile) (makerlink.Tags, error) {
	t := p.Tags()
	if t.Visibility == "" {
		t.Visibility = makerlink.VisibilityPublic
	}
	if !storable(t.Name) {
		return t, errInvalidText("name")
	}
	for _, l := range [][]string{t.Sectors, t.Stages, t.Cities} {
		for _, v := range l {
			if !storable(v) {
				return t, errInvalidText("tags")
			}
		}
	}
	if !storable(t.Visibility) {
		return t, errInvalidText("visibility")
	}
	return t, nil
}

// appendTags appends the distinct non-empty tag rows of profile id.
func appendTags(dst []tagRow, k makerlink.Kind, id string, t makerlink.Tags) []tagRow {
	add := func(tag string, values []string) {
		for i, v := range values {
			if v == "" || slices.Contains(values[:i], v) {
				continue
			}
			dst = append(dst, tagRow{string(k), tag, v, id})
		}
	}
	add(tagSector, t.Sectors)
	add(tagStage, t.Stages)
	add(tagCity, t.Cities)
	return dst
}

func (db *DB) insertProfiles(ctx context.Context, tx *sql.Tx, rows []pending) error {
	const head = `INSERT INTO profiles (id, kind, owner_id, version, name, visibility, created_at, updated_at, doc) VALUES `
	return db.d.execBatched(ctx, tx, head, 9, len(rows), batchProfiles, func(i int, args []any) []any {
		r := &rows[i]
		return append(args, r.m.ID, string(r.p.Kind()), r.m.OwnerID, r.m.Version, r.tags.Name,
			r.tags.Visibility, toMicros(r.m.CreatedAt), toMicros(r.m.UpdatedAt), string(r.doc))
	}, func(err error) error {
		switch db.d.classify(err) {
		case violationUnique:
			return makerlink.Errorf(makerlink.EConflict, "A profile with this id exists.")
		case violationForeignKey:
			return &makerlink.Error{Code: makerlink.EValidation, Message: "Some fields are invalid.",
				Fields: []makerlink.FieldError{{Field: "owner_id", Code: makerlink.FInvalid, Message: "no such user"}}}
		}
		return fmt.Errorf("store: insert profiles: %w", err)
	})
}

func (db *DB) insertTags(ctx context.Context, tx *sql.Tx, tags []tagRow) error {
	const head = `INSERT INTO profile_tags (kind, tag, value, profile_id) VALUES `
	return db.d.execBatched(ctx, tx, head, 4, len(tags), batchTags, func(i int, args []any) []any {
		return append(args, tags[i].kind, tags[i].tag, tags[i].value, tags[i].id)
	}, func(err error) error { return fmt.Errorf("store: insert profile tags: %w", err) })
}

// insertChanges appends to the change feed, in order, under the feed lock.
func (db *DB) insertChanges(ctx context.Context, tx *sql.Tx, cs []makerlink.ProfileChange) error {
	if err := db.d.lockChanges(ctx, tx); err != nil {
		return err
	}
	const head = `INSERT INTO profile_changes (kind, profile_id, deleted, at) VALUES `
	return db.d.execBatched(ctx, tx, head, 4, len(cs), batchChanges, func(i int, args []any) []any {
		return append(args, string(cs[i].Kind), cs[i].ID, cs[i].Deleted, toMicros(cs[i].At))
	}, func(err error) error { return fmt.Errorf("store: insert profile changes: %w", err) })
}

// execBatched inserts n rows of cols columns with multi-row INSERT
// statements of at most per rows each. fill appends row i's values to args;
// wrap converts a statement error.
func (d *dialect) execBatched(ctx context.Context, tx *sql.Tx, head string, cols, n, per int,
	fill func(i int, args []any) []any, wrap func(error) error) error {
	args := make([]any, 0, min(n, per)*cols)
	var full string // the statement text of a full batch, built once
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var q string
		if end-start == per && full != "" {
			q = full
		} else {
			var b strings.Builder
			b.Grow(len(head) + (end-start)*cols*6)
			b.WriteString(head)
			d.placeholders(&b, end-start, cols)
			q = b.String()
			if end-start == per {
				full = q
			}
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = fill(i, args)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return wrap(err)
		}
	}
	return nil
}

// FindProfileRecord implements [makerlink.ProfileStore]. It is the hot read
// path: one primary-key lookup on a statement prepared on the read pool.
func (db *DB) FindProfileRecord(ctx context.Context, k makerlink.Kind, id string) (*makerlink.ProfileRecord, error) {
	if !validKind(k) || !storable(id) {
		return nil, errNotFound("Profile")
	}
	rec := &makerlink.ProfileRecord{Kind: k, ID: id}
	err := db.getRecord.QueryRowContext(ctx, id, string(k)).Scan(&rec.OwnerID, &rec.Version, &rec.Visibility, &rec.Doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Profile")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find profile: %w", err)
	}
	return rec, nil
}

// FindProfile implements [makerlink.ProfileStore].
func (db *DB) FindProfile(ctx context.Context, k makerlink.Kind, id string) (makerlink.Profile, error) {
	rec, err := db.FindProfileRecord(ctx, k, id)
	if err != nil {
		return nil, err
	}
	return DecodeProfile(rec)
}

// DecodeProfile decodes the document of a stored profile; see
// [makerlink.ProfileRecord.Decode].
func DecodeProfile(rec *makerlink.ProfileRecord) (makerlink.Profile, error) { return rec.Decode() }

// UpdateProfile implements [makerlink.ProfileStore]. The stored owner and
// creation time win over p's: they are copied into p before it is encoded.
// Returns ENotFound or EVersionMismatch; on error p is left as it was.
func (db *DB) UpdateProfile(ctx context.Context, p makerlink.Profile) error {
	if p == nil || !validKind(p.Kind()) {
		return errNotFound("Profile")
	}
	m := p.Base()
	if m.ID == "" || !storable(m.ID) {
		return errNotFound("Profile")
	}
	tags, err := profileTags(p)
	if err != nil {
		return err
	}
	old := *m
	now := db.now()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var version, created int64
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT version, owner_id, created_at FROM profiles WHERE id = $1 AND kind = $2`,
			m.ID, string(p.Kind())).Scan(&version, &owner, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Profile")
		}
		if err != nil {
			return fmt.Errorf("store: update profile: %w", err)
		}
		if version != old.Version {
			return errVersion("profile")
		}
		m.Version, m.OwnerID, m.CreatedAt, m.UpdatedAt = version+1, owner, fromMicros(created), now
		doc, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("store: encode profile: %w", err)
		}
		// The version condition holds the line on PostgreSQL, where a
		// concurrent writer may commit between the SELECT and here.
		res, err := tx.ExecContext(ctx, `UPDATE profiles SET version = $1, name = $2, visibility = $3, updated_at = $4, doc = $5
WHERE id = $6 AND kind = $7 AND version = $8`,
			m.Version, tags.Name, tags.Visibility, toMicros(now), string(doc), m.ID, string(p.Kind()), version)
		if err != nil {
			return fmt.Errorf("store: update profile: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: update profile: %w", err)
		} else if n == 0 {
			return errVersion("profile")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM profile_tags WHERE profile_id = $1`, m.ID); err != nil {
			return fmt.Errorf("store: update profile tags: %w", err)
		}
		if err := db.insertTags(ctx, tx, appendTags(nil, p.Kind(), m.ID, tags)); err != nil {
			return err
		}
		return db.insertChanges(ctx, tx, []makerlink.ProfileChange{{Kind: p.Kind(), ID: m.ID, At: now}})
	})
	if err != nil {
		*m = old
		return err
	}
	return nil
}

// DeleteProfile implements [makerlink.ProfileStore]. A version of 0 skips
// the version check. Returns ENotFound, EVersionMismatch, or EConflict when
// other records still refer to the profile.
func (db *DB) DeleteProfile(ctx context.Context, k makerlink.Kind, id string, version int64) error {
	if !validKind(k) || id == "" || !storable(id) {
		return errNotFound("Profile")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if version == 0 {
			res, err = tx.ExecContext(ctx, `DELETE FROM profiles WHERE id = $1 AND kind = $2`, id, string(k))
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM profiles WHERE id = $1 AND kind = $2 AND version = $3`, id, string(k), version)
		}
		if err != nil {
			if db.d.classify(err) == violationForeignKey {
				return makerlink.Errorf(makerlink.EConflict, "Other records still refer to this profile.")
			}
			return fmt.Errorf("store: delete profile: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: delete profile: %w", err)
		}
		if n == 0 {
			var v int64
			err := tx.QueryRowContext(ctx, `SELECT version FROM profiles WHERE id = $1 AND kind = $2`, id, string(k)).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				return errNotFound("Profile")
			}
			if err != nil {
				return fmt.Errorf("store: delete profile: %w", err)
			}
			return errVersion("profile")
		}
		return db.insertChanges(ctx, tx, []makerlink.ProfileChange{{Kind: k, ID: id, Deleted: true, At: db.now()}})
	})
}

// FindProfiles implements [makerlink.ProfileStore]: one query, keyset
// paginated by id. Limit is clamped to 1..[MaxLimit] (0 and below mean
// [DefaultLimit]). The cursor is the unpadded base64url encoding of the last
// id of the previous page; a malformed one gives EBadRequest, an unknown
// kind too.
//
// Without a tag filter the query walks the (kind, id) index. With one, it
// walks the tag index of the first of sector, stage and city in id order
// and probes the others per candidate before it reads the profile row, so
// the work is bounded by the profiles carrying that tag, not by all
// profiles of the kind.
func (db *DB) FindProfiles(ctx context.Context, f makerlink.ProfileFilter) ([]*makerlink.ProfileRecord, string, error) {
	limit := clampLimit(f.Limit)
	if f.Kind != "" && !validKind(f.Kind) {
		return nil, "", makerlink.Errorf(makerlink.EBadRequest, "Unknown profile kind.")
	}
	after := ""
	if f.Cursor != "" {
		var err error
		if after, err = DecodeCursor(f.Cursor); err != nil {
			return nil, "", err
		}
	}
	type tagFilter struct{ tag, value string }
	var tags []tagFilter
	for _, t := range []tagFilter{{tagSector, f.Sector}, {tagStage, f.Stage}, {tagCity, makerlink.PlaceCity(f.City)}} {
		if t.value == "" {
			continue
		}
		if !storable(t.value) {
			return []*makerlink.ProfileRecord{}, "", nil
		}
		tags = append(tags, t)
	}
	if f.OwnerID != "" && !storable(f.OwnerID) {
		return []*makerlink.ProfileRecord{}, "", nil
	}

	var b strings.Builder
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	idCol := "p.id" // the column pages are ordered by
	b.WriteString(`SELECT p.kind, p.id, p.owner_id, p.version, p.visibility, p.doc FROM `)
	if len(tags) == 0 {
		b.WriteString(`profiles p WHERE 1 = 1`)
		if f.Kind != "" {
			b.WriteString(" AND p.kind = " + arg(string(f.Kind)))
		}
	} else {
		// CROSS JOIN makes SQLite keep d as the outer loop; PostgreSQL
		// plans it as any inner join.
		idCol = "d.profile_id"
		b.WriteString(`profile_tags d CROSS JOIN profiles p WHERE p.id = d.profile_id`)
		if f.Kind != "" {
			b.WriteString(" AND d.kind = " + arg(string(f.Kind)))
		}
		b.WriteString(" AND d.tag = '" + tags[0].tag + "' AND d.value = " + arg(tags[0].value))
		for _, t := range tags[1:] {
			b.WriteString(" AND EXISTS (SELECT 1 FROM profile_tags t WHERE t.profile_id = d.profile_id AND t.tag = '" +
				t.tag + "' AND t.value = " + arg(t.value) + ")")
		}
		if f.Kind != "" {
			b.WriteString(" AND p.kind = d.kind")
		}
	}
	if after != "" {
		b.WriteString(" AND " + idCol + " > " + arg(after))
	}
	if f.OwnerID != "" {
		b.WriteString(" AND p.owner_id = " + arg(f.OwnerID))
	}
	if !makerlink.SeesHidden(f.Viewer) {
		if f.Viewer != nil && f.Viewer.ID != "" && storable(f.Viewer.ID) {
			b.WriteString(" AND (p.visibility <> " + arg(makerlink.VisibilityInvestors) + " OR p.owner_id = " + arg(f.Viewer.ID) + ")")
		} else {
			b.WriteString(" AND p.visibility <> " + arg(makerlink.VisibilityInvestors))
		}
	}
	b.WriteString(" ORDER BY " + idCol + " LIMIT " + arg(limit+1))

	rows, err := db.r.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: find profiles: %w", err)
	}
	defer rows.Close()
	out := make([]*makerlink.ProfileRecord, 0, limit+1)
	for rows.Next() {
		rec := &makerlink.ProfileRecord{}
		var kind string
		if err := rows.Scan(&kind, &rec.ID, &rec.OwnerID, &rec.Version, &rec.Visibility, &rec.Doc); err != nil {
			return nil, "", fmt.Errorf("store: find profiles: %w", err)
		}
		rec.Kind = makerlink.Kind(kind)
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: find profiles: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = EncodeCursor(out[limit-1].ID)
	}
	return out, next, nil
}

// EncodeCursor returns the opaque cursor that makes FindProfiles continue
// after the profile id.
func EncodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// DecodeCursor returns the id inside a cursor, or an EBadRequest error.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 512 || !storable(string(b)) {
		return "", makerlink.Errorf(makerlink.EBadRequest, "Invalid cursor.")
	}
	return string(b), nil
}

// ProfilesByOwner implements [makerlink.ProfileStore]: the owner's profiles
// ordered by kind, then id. It returns an empty slice, not nil, when there
// are none.
func (db *DB) ProfilesByOwner(ctx context.Context, ownerID string) ([]makerlink.ProfileRef, error) {
	out := []makerlink.ProfileRef{}
	if !storable(ownerID) {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT kind, id, name FROM profiles WHERE owner_id = $1 ORDER BY kind, id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("store: profiles by owner: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r makerlink.ProfileRef
		var kind string
		if err := rows.Scan(&kind, &r.ID, &r.Name); err != nil {
			return nil, fmt.Errorf("store: profiles by owner: %w", err)
		}
		r.Kind = makerlink.Kind(kind)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: profiles by owner: %w", err)
	}
	return out, nil
}

// ProfileChanges implements [makerlink.ProfileStore]. A limit of 0 or below
// means [DefaultChangesLimit]; it is capped at [MaxChangesLimit].
func (db *DB) ProfileChanges(ctx context.Context, after int64, limit int) ([]makerlink.ProfileChange, error) {
	if limit <= 0 {
		limit = DefaultChangesLimit
	}
	limit = min(limit, MaxChangesLimit)
	rows, err := db.r.QueryContext(ctx,
		`SELECT seq, kind, profile_id, deleted, at FROM profile_changes WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: profile changes: %w", err)
	}
	defer rows.Close()
	out := []makerlink.ProfileChange{}
	for rows.Next() {
		var c makerlink.ProfileChange
		var kind string
		var at int64
		if err := rows.Scan(&c.Seq, &kind, &c.ID, &c.Deleted, &at); err != nil {
			return nil, fmt.Errorf("store: profile changes: %w", err)
		}
		c.Kind, c.At = makerlink.Kind(kind), fromMicros(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: profile changes: %w", err)
	}
	return out, nil
}
