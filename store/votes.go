package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"makerlink"
)

// Audience votes (issue 5): group commit into event_votes and the exact
// per-pitch counters of event_vote_counts (migration 0041).

// CastVote implements [makerlink.EventStore]. Votes are group-committed:
// concurrent calls share one INSERT and one commit (at most maxVoteBatch
// votes, with voteWorkers batches in flight on PostgreSQL and one on
// SQLite's single writer), and each call returns only after the commit
// that holds its vote. The INSERT reads the pitch's voting_open under a
// share lock (PostgreSQL), so a vote racing with close_voting is either in
// before the close or refused.
func (db *DB) CastVote(ctx context.Context, v *makerlink.Vote) error {
	if !allStorable(v.EventID, v.PitchID, v.UserID) {
		return errNotFound("Pitch")
	}
	r := &voteReq{v: v, done: make(chan error, 1)}
	db.votes.enqueue(db, r)
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		// The vote may still be committed; the caller was not told so.
		return fmt.Errorf("store: cast vote: %w", ctx.Err())
	}
}

const (
	maxVoteBatch = 500
	// voteLinger is how long a worker waits for more votes before it takes
	// a batch shorter than maxVoteBatch: a transaction's fixed cost (BEGIN,
	// commit, the WAL's locks and writes; on PostgreSQL a commit record
	// and its flush) is then shared by a few more votes. A/B at 5,000
	// votes/s offered: 18% less CPU per vote on SQLite, 20% less in the
	// PostgreSQL backends, for 1 ms more on each acknowledgement.
	voteLinger  = time.Millisecond
	voteTimeout = 15 * time.Second
	// voteShards is the number of counter rows per pitch in
	// event_vote_counts.
	voteShards = 8
)

// voteWorkers is how many batches are in flight: SQLite has one writer.
func voteWorkers(engine string) int {
	if engine == EnginePostgres {
		return 4
	}
	return 1
}

// The statements of a vote batch have a fixed text whatever the batch's
// size (the votes travel as one JSON or array parameter), so they are
// parsed and planned once per connection instead of once per batch: with
// a VALUES list of up to 500 rows, SQLite's parser was a quarter of the
// writer's CPU.
const (
	// qVotesSQLite inserts the votes of $2, a JSON array of [event, pitch,
	// user] triples, into pitches open for voting, and returns the
	// inserted ones.
	qVotesSQLite = `INSERT INTO event_votes (event_id, pitch_id, user_id, created_at)
SELECT p.event_id, p.id, j.value ->> 2, $1 FROM json_each($2) AS j
JOIN event_pitches p ON p.id = j.value ->> 1 AND p.event_id = j.value ->> 0
WHERE p.voting_open
ON CONFLICT (pitch_id, user_id) DO NOTHING RETURNING pitch_id, user_id`
	// qVoteCountsSQLite adds $2, a JSON array of [event, pitch, n], to
	// shard $1 of the pitches' counters.
	qVoteCountsSQLite = `INSERT INTO event_vote_counts (event_id, pitch_id, shard, n)
SELECT j.value ->> 0, j.value ->> 1, $1, j.value ->> 2 FROM json_each($2) AS j WHERE true
ON CONFLICT (pitch_id, shard) DO UPDATE SET n = event_vote_counts.n + excluded.n`
	// qVotesPostgres does both in one statement (one round trip, atomic
	// without BEGIN and COMMIT): the votes are three text arrays, the
	// counters take shard $5; the counter rows are locked in pitch order
	// so that concurrent batches never wait on each other in a cycle.
	qVotesPostgres = `WITH v (event_id, pitch_id, user_id) AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[])),
ins AS (
	INSERT INTO event_votes (event_id, pitch_id, user_id, created_at)
	SELECT p.event_id, p.id, v.user_id, $1 FROM v JOIN event_pitches p ON p.id = v.pitch_id AND p.event_id = v.event_id
	WHERE p.voting_open FOR SHARE OF p
	ON CONFLICT (pitch_id, user_id) DO NOTHING RETURNING event_id, pitch_id, user_id),
counted AS (
	INSERT INTO event_vote_counts (event_id, pitch_id, shard, n)
	SELECT event_id, pitch_id, $5, COUNT(*) FROM ins GROUP BY event_id, pitch_id ORDER BY pitch_id
	ON CONFLICT (pitch_id, shard) DO UPDATE SET n = event_vote_counts.n + excluded.n)
SELECT pitch_id, user_id FROM ins`
)

// voteReq is a vote waiting for its batch.
type voteReq struct {
	v    *makerlink.Vote
	done chan error
}

// voteQueue batches votes. Workers start when votes are queued and fewer
// than the engine's maximum run, and exit when the queue is empty.
type voteQueue struct {
	mu      sync.Mutex
	pending []*voteReq
	active  int
	seq     atomic.Int64 // batches started; picks the counter shard

	// Prepared on the writer by prepareVotes; closed by DB.Close.
	insert, count *sql.Stmt
}

// prepareVotes prepares the vote batch statements on the writer.
func (db *DB) prepareVotes(ctx context.Context) error {
	var err error
	if db.engine == EnginePostgres {
		db.votes.insert, err = db.w.PrepareContext(ctx, qVotesPostgres)
	} else {
		if db.votes.insert, err = db.w.PrepareContext(ctx, qVotesSQLite); err == nil {
			db.votes.count, err = db.w.PrepareContext(ctx, qVoteCountsSQLite)
		}
	}
	if err != nil {
		return fmt.Errorf("store: prepare votes: %w", err)
	}
	return nil
}

func (q *voteQueue) enqueue(db *DB, r *voteReq) {
	q.mu.Lock()
	q.pending = append(q.pending, r)
	start := q.active < voteWorkers(db.engine)
	if start {
		q.active++
	}
	q.mu.Unlock()
	if start {
		go q.work(db)
	}
}

func (q *voteQueue) work(db *DB) {
	for {
		q.mu.Lock()
		short := len(q.pending) < maxVoteBatch
		q.mu.Unlock()
		if short {
			time.Sleep(voteLinger)
		}
		q.mu.Lock()
		n := min(len(q.pending), maxVoteBatch)
		if n == 0 {
			q.active--
			q.mu.Unlock()
			return
		}
		batch := make([]*voteReq, n)
		copy(batch, q.pending)
		q.pending = append(q.pending[:0], q.pending[n:]...)
		q.mu.Unlock()
		errs := db.castVotes(batch)
		for i, r := range batch {
			r.done <- errs[i]
		}
	}
}

// voteKey is a pitch and a voter.
type voteKey struct{ pitch, user string }

// castVotes inserts a batch of votes, adds them to the pitches' counters
// in the same transaction, and returns each vote's outcome.
func (db *DB) castVotes(batch []*voteReq) []error {
	ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
	defer cancel()
	errs := make([]error, len(batch))
	now := db.now()
	shard := int(db.votes.seq.Add(1) % voteShards)
	var inserted map[voteKey]bool
	var err error
	if db.engine == EnginePostgres {
		inserted, err = db.castVotesPostgres(ctx, batch, now, shard)
	} else {
		inserted, err = db.castVotesSQLite(ctx, batch, now, shard)
	}
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("store: cast vote: %w", err)
		}
		return errs
	}
	// Votes that were not inserted: a second vote, a closed window or a
	// missing pitch.
	pitches := map[[2]string]*makerlink.Pitch{}
	for i, r := range batch {
		k := voteKey{r.v.PitchID, r.v.UserID}
		if inserted[k] {
			delete(inserted, k) // a duplicate within the batch is a second vote
			r.v.CreatedAt = now
			continue
		}
		pk := [2]string{r.v.EventID, r.v.PitchID}
		p, ok := pitches[pk]
		if !ok {
			p, err = db.findPitch(ctx, db.w, r.v.EventID, r.v.PitchID)
			if err != nil && makerlink.ErrorCode(err) != makerlink.ENotFound {
				errs[i] = err
				continue
			}
			pitches[pk] = p
		}
		switch {
		case p == nil:
			errs[i] = errNotFound("Pitch")
		case p.VotingOpen:
			errs[i] = makerlink.Errorf(makerlink.EAlreadyVoted, "You have already voted for this pitch.")
		case p.VotingClosed:
			errs[i] = errState("Voting on this pitch has closed.")
		default:
			errs[i] = errState("Voting on this pitch is not open yet.")
		}
	}
	return errs
}

// scanInserted reads the (pitch_id, user_id) rows the insert returned.
func scanInserted(rows *sql.Rows, n int) (map[voteKey]bool, error) {
	defer rows.Close()
	inserted := make(map[voteKey]bool, n)
	var k voteKey
	for rows.Next() {
		if err := rows.Scan(&k.pitch, &k.user); err != nil {
			return nil, err
		}
		inserted[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return inserted, nil
}

// castVotesSQLite runs the batch on SQLite's writer: one insert and one
// counter upsert in a transaction.
func (db *DB) castVotesSQLite(ctx context.Context, batch []*voteReq, now time.Time, shard int) (map[voteKey]bool, error) {
	b := make([]byte, 0, 64+len(batch)*96)
	b = append(b, '[')
	for i, r := range batch {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, r.v.EventID)
		b = append(b, ',')
		b = appendJSONString(b, r.v.PitchID)
		b = append(b, ',')
		b = appendJSONString(b, r.v.UserID)
		b = append(b, ']')
	}
	b = append(b, ']')
	var inserted map[voteKey]bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.StmtContext(ctx, db.votes.insert).QueryContext(ctx, toMicros(now), string(b))
		if err != nil {
			return err
		}
		if inserted, err = scanInserted(rows, len(batch)); err != nil {
			return err
		}
		if len(inserted) == 0 {
			return nil
		}
		// The counters: the event of each inserted vote's pitch is the
		// one the vote named (the insert joined on both).
		type pitchKey struct{ event, pitch string }
		added := map[pitchKey]int64{}
		seen := make(map[voteKey]bool, len(inserted))
		for _, r := range batch {
			k := voteKey{r.v.PitchID, r.v.UserID}
			if inserted[k] && !seen[k] {
				seen[k] = true
				added[pitchKey{r.v.EventID, r.v.PitchID}]++
			}
		}
		b = append(b[:0], '[')
		first := true
		for k, n := range added {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, '[')
			b = appendJSONString(b, k.event)
			b = append(b, ',')
			b = appendJSONString(b, k.pitch)
			b = append(b, ',')
			b = fmt.Appendf(b, "%d]", n)
		}
		b = append(b, ']')
		_, err = tx.StmtContext(ctx, db.votes.count).ExecContext(ctx, shard, string(b))
		return err
	})
	return inserted, err
}

// castVotesPostgres runs the batch as one statement.
func (db *DB) castVotesPostgres(ctx context.Context, batch []*voteReq, now time.Time, shard int) (map[voteKey]bool, error) {
	events := make([]string, len(batch))
	pitches := make([]string, len(batch))
	users := make([]string, len(batch))
	for i, r := range batch {
		events[i], pitches[i], users[i] = r.v.EventID, r.v.PitchID, r.v.UserID
	}
	rows, err := db.votes.insert.QueryContext(ctx, toMicros(now), events, pitches, users, shard)
	if err != nil {
		return nil, err
	}
	return scanInserted(rows, len(batch))
}

// appendJSONString appends s as a JSON string. s is valid UTF-8 without
// NUL bytes (allStorable); ids are plain ASCII and take the fast path.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// CountVotes implements [makerlink.EventStore]. It sums the counters that
// every vote batch updates in its own transaction: exact, and a few rows
// per pitch to read however many votes there are.
func (db *DB) CountVotes(ctx context.Context, eventID string) (map[string]int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT pitch_id, CAST(SUM(n) AS BIGINT) FROM event_vote_counts WHERE event_id = $1 GROUP BY pitch_id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: count votes: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count votes: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count votes: %w", err)
	}
	return out, nil
}
