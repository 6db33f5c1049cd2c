package seed

import (
	"context"
	"testing"
	"time"

	"makerlink"
	"makerlink/store/storetest"
)

// profilesOnly hides the store's optional interfaces: Load stores the
// accounts and profiles and no demo activity.
type profilesOnly struct{ makerlink.Store }

// TestFinishedEventScores: both demo judges score every pitch of the
// finished event (no conflict: the demo mail domain counts as public), and the leaderboard's
// published results rank by their scores. Loading the content a second
// time (a resumed load) changes nothing.
func TestFinishedEventScores(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	d := Generate(Options{Seed: 1})
	hash := "$2a$04$demo-content-test-hash-not-a-real-bcrypt-hash-000000000"
	if err := Load(ctx, profilesOnly{db}, d, hash); err != nil {
		t.Fatal(err)
	}
	if evs, _, _ := db.FindEvents(ctx, makerlink.EventFilter{Limit: 10}); len(evs) != 0 {
		t.Fatalf("a store without EventStore got %d events", len(evs))
	}
	st := db
	if err := loadContent(ctx, st, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, _ := castOf(d)
	e, err := findEventByName(ctx, db, c.organizer.ID, FinishedEventName)
	if err != nil || e == nil {
		t.Fatalf("finished event: %v, %v", e, err)
	}
	pitches, _ := db.FindPitches(ctx, e.ID)
	scores, _ := db.FindScores(ctx, e.ID)
	if rs, _ := db.FindRecusals(ctx, e.ID); len(rs) != 0 {
		t.Errorf("judges recused from the finished event's pitches: %+v", rs)
	}
	if len(scores) != 2*len(pitches) {
		t.Errorf("%d scores of %d pitches by 2 judges", len(scores), len(pitches))
	}
	for _, s := range scores {
		if s.Total < 30 || s.Total > 100 {
			t.Errorf("score total %v", s.Total)
		}
	}
	votes, _ := db.CountVotes(ctx, e.ID)
	recusals, _ := db.FindRecusals(ctx, e.ID)
	lb := makerlink.BuildLeaderboard(e, pitches, scores, recusals, votes)
	if !lb.Final || lb.Items[0].JudgeScore == nil {
		t.Errorf("leaderboard %+v", lb)
	}
	// the upcoming event still recuses the judges linked to the goji startup
	up, _ := findEventByName(ctx, db, c.organizer.ID, UpcomingEventName)
	if rs, _ := db.FindRecusals(ctx, up.ID); len(rs) != 2 {
		t.Errorf("upcoming event recusals %+v, want pipeline and mentor on the goji pitch", rs)
	}

	audit := func() int {
		es, err := db.FindAudit(ctx, makerlink.AuditFilter{EventID: e.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	n := audit()
	if err := loadContent(ctx, st, d, time.Now()); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.FindScores(ctx, e.ID); len(again) != len(scores) || audit() != n {
		t.Errorf("a second content load wrote: %d scores (was %d), %d audit entries (was %d)", len(again), len(scores), audit(), n)
	}
}
