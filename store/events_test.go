package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"makerlink"
	"makerlink/store"
	"makerlink/store/storetest"
)

var eventEngines = []struct {
	name string
	open func(testing.TB) *store.DB
}{
	{"sqlite", storetest.OpenSQLite},
	{"postgres", storetest.OpenPostgres},
}

func forEventEngines(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, e := range eventEngines {
		t.Run(e.name, func(t *testing.T) { f(t, e.open(t)) })
	}
}

// eventFixture is an event with three pitches and two judges.
type eventFixture struct {
	organizer, judge1, judge2 *makerlink.User
	founders                  []*makerlink.User
	event                     *makerlink.Event
	pitches                   []*makerlink.Pitch
}

func newEventFixture(t *testing.T, db *store.DB) *eventFixture {
	t.Helper()
	ctx := t.Context()
	f := &eventFixture{
		organizer: storetest.NewUser(t, db, makerlink.RoleOrganizer),
		judge1:    storetest.NewUser(t, db, makerlink.RoleInvestor),
		judge2:    storetest.NewUser(t, db, makerlink.RoleMentor),
	}
	f.event = &makerlink.Event{Name: "宁夏创新创业大赛 银川赛区", OrganizerID: f.organizer.ID,
		StartsAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		Rubric:   []makerlink.RubricItem{{Key: "a", Label: "A", Weight: 2, Max: 10}, {Key: "b", Label: "B", Weight: 1, Max: 5}}}
	f.event.Normalize()
	if err := f.event.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateEvent(ctx, f.event); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		u := storetest.NewUser(t, db, makerlink.RoleFounder)
		s := storetest.Startup(u.ID, i)
		if err := db.CreateProfile(ctx, s); err != nil {
			t.Fatal(err)
		}
		p := &makerlink.Pitch{EventID: f.event.ID, StartupID: s.ID}
		if err := db.AddPitch(ctx, p, f.organizer.ID); err != nil {
			t.Fatal(err)
		}
		if p.Order != i+1 || p.FounderID != u.ID || p.StartupName != s.Name {
			t.Fatalf("pitch %d = %+v", i, p)
		}
		f.founders = append(f.founders, u)
		f.pitches = append(f.pitches, p)
	}
	for _, j := range []*makerlink.User{f.judge1, f.judge2} {
		if err := db.AddJudge(ctx, &makerlink.Judge{EventID: f.event.ID, UserID: j.ID}, f.organizer.ID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func control(t *testing.T, db *store.DB, f *eventFixture, action, pitchID string) *makerlink.ControlResult {
	t.Helper()
	res, err := db.Control(t.Context(), makerlink.ControlRequest{EventID: f.event.ID, ActorID: f.organizer.ID, Action: action, PitchID: pitchID})
	if err != nil {
		t.Fatalf("%s %s: %v", action, pitchID, err)
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := makerlink.ErrorCode(err); got != code {
		t.Fatalf("got %v (code %q), want code %q", err, got, code)
	}
}

func TestEventLifecycle(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		p1, p2 := f.pitches[0], f.pitches[1]

		got, err := db.FindEvent(ctx, f.event.ID)
		if err != nil || got.Name != f.event.Name || len(got.Rubric) != 2 || got.PitchSeconds != 480 || got.Ranking != "raw" {
			t.Fatalf("FindEvent = %+v, %v", got, err)
		}
		// Duplicates are refused by the database.
		wantCode(t, db.AddJudge(ctx, &makerlink.Judge{EventID: f.event.ID, UserID: f.judge1.ID}, f.organizer.ID), makerlink.EConflict)
		wantCode(t, db.AddPitch(ctx, &makerlink.Pitch{EventID: f.event.ID, StartupID: p1.StartupID}, f.organizer.ID), makerlink.EConflict)
		wantCode(t, db.AddPitch(ctx, &makerlink.Pitch{EventID: f.event.ID, StartupID: "nope"}, f.organizer.ID), makerlink.ENotFound)

		// State machine.
		_, err = db.Control(ctx, makerlink.ControlRequest{EventID: f.event.ID, ActorID: f.organizer.ID, Action: "start_qa", PitchID: p1.ID})
		wantCode(t, err, makerlink.EConflict)
		res := control(t, db, f, makerlink.ActionStartPitch, p1.ID)
		if res.Pitch.State != makerlink.PitchPitching || res.Pitch.StartedAt == nil || res.Event.CurrentPitchID != p1.ID {
			t.Fatalf("after start_pitch: %+v %+v", res.Pitch, res.Event)
		}
		if len(res.Notifications) != 1 || res.Notifications[0].UserID != f.founders[1].ID || res.Notifications[0].Type != makerlink.NotifyPitchNext {
			t.Fatalf("start_pitch should notify the next founder: %+v", res.Notifications)
		}
		inbox, _, err := db.FindNotifications(ctx, makerlink.NotificationFilter{UserID: f.founders[1].ID})
		if err != nil || len(inbox) != 1 || inbox[0].ID != res.Notifications[0].ID {
			t.Fatalf("the notification is not in the inbox: %v %v", inbox, err)
		}
		_, err = db.Control(ctx, makerlink.ControlRequest{EventID: f.event.ID, ActorID: f.organizer.ID, Action: "start_pitch", PitchID: p2.ID})
		wantCode(t, err, makerlink.EConflict) // another pitch on stage
		res = control(t, db, f, makerlink.ActionStartQA, p1.ID)
		if res.Pitch.State != makerlink.PitchQA || res.Pitch.QAStartedAt == nil {
			t.Fatalf("after start_qa: %+v", res.Pitch)
		}

		// Scores: upsert with an audit trail.
		s := &makerlink.Score{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.judge1.ID, Scores: map[string]float64{"a": 8, "b": 5}, Comment: "好"}
		if err := db.SetScore(ctx, s); err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Total-260.0/3) > 1e-9 { // not rounded
			t.Fatalf("total %v, want 260/3", s.Total)
		}
		s.Scores = map[string]float64{"a": 5, "b": 0}
		if err := db.SetScore(ctx, s); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.SetScore(ctx, &makerlink.Score{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.judge2.ID,
			Scores: map[string]float64{"a": 11, "b": 1}}), makerlink.EValidation)
		wantCode(t, db.SetScore(ctx, &makerlink.Score{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.judge2.ID,
			Scores: map[string]float64{"a": 1, "b": 1, "c": 1}}), makerlink.EValidation)
		wantCode(t, db.SetScore(ctx, &makerlink.Score{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.founders[0].ID,
			Scores: map[string]float64{"a": 1, "b": 1}}), makerlink.EForbidden)
		wantCode(t, db.SetScore(ctx, &makerlink.Score{EventID: f.event.ID, PitchID: p2.ID, JudgeID: f.judge2.ID,
			Scores: map[string]float64{"a": 1, "b": 1}}), makerlink.EConflict) // p2 has not started
		scores, err := db.FindScores(ctx, f.event.ID)
		if err != nil || len(scores) != 1 || math.Abs(scores[0].Total-100.0/3) > 1e-9 || scores[0].Scores["a"] != 5 || scores[0].Comment != "好" {
			t.Fatalf("FindScores = %+v, %v", scores, err)
		}

		// Recusal: the score is refused and the refusal audited.
		added, err := db.Recuse(ctx, []*makerlink.Recusal{{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.judge2.ID,
			Reason: makerlink.RecuseDeclared, Detail: "曾在该公司任职"}}, f.judge2.ID)
		if err != nil || len(added) != 1 {
			t.Fatalf("Recuse = %v, %v", added, err)
		}
		if again, err := db.Recuse(ctx, added, f.judge2.ID); err != nil || len(again) != 0 {
			t.Fatalf("a repeated recusal must be ignored: %v, %v", again, err)
		}
		wantCode(t, db.SetScore(ctx, &makerlink.Score{EventID: f.event.ID, PitchID: p1.ID, JudgeID: f.judge2.ID,
			Scores: map[string]float64{"a": 1, "b": 1}}), makerlink.EConflictOfInterest)

		// Voting window.
		vote := func(p *makerlink.Pitch, u string) error {
			return db.CastVote(ctx, &makerlink.Vote{EventID: f.event.ID, PitchID: p.ID, UserID: u})
		}
		wantCode(t, vote(p1, "audience-1"), makerlink.EConflict)
		control(t, db, f, makerlink.ActionOpenVoting, p1.ID)
		if err := vote(p1, "audience-1"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, vote(p1, "audience-1"), makerlink.EAlreadyVoted)
		wantCode(t, vote(p2, "audience-1"), makerlink.EConflict)
		if err := vote(p1, "audience-2"); err != nil {
			t.Fatal(err)
		}
		control(t, db, f, makerlink.ActionCloseVoting, p1.ID)
		wantCode(t, vote(p1, "audience-3"), makerlink.EConflict)
		_, err = db.Control(ctx, makerlink.ControlRequest{EventID: f.event.ID, ActorID: f.organizer.ID, Action: "open_voting", PitchID: p1.ID})
		wantCode(t, err, makerlink.EConflict) // closed for good
		counts, err := db.CountVotes(ctx, f.event.ID)
		if err != nil || counts[p1.ID] != 2 || len(counts) != 1 {
			t.Fatalf("CountVotes = %v, %v", counts, err)
		}

		control(t, db, f, makerlink.ActionEndPitch, p1.ID)
		v1, _ := db.BoardVersion(ctx, f.event.ID)
		res = control(t, db, f, makerlink.ActionPublishResults, "")
		if res.Event.ResultsPublishedAt == nil || len(res.Notifications) != 3 {
			t.Fatalf("publish_results: %+v, %d notifications", res.Event, len(res.Notifications))
		}
		if v2, _ := db.BoardVersion(ctx, f.event.ID); v2 <= v1 {
			t.Fatalf("board version did not rise: %d -> %d", v1, v2)
		}
		wantCode(t, db.SetScore(ctx, s), makerlink.EConflict)
		_, err = db.Control(ctx, makerlink.ControlRequest{EventID: f.event.ID, ActorID: f.organizer.ID, Action: "start_pitch", PitchID: p2.ID})
		wantCode(t, err, makerlink.EConflict)

		// The audit log has every score change, the refusal and the recusal.
		entries, err := db.FindAudit(ctx, makerlink.AuditFilter{EventID: f.event.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		var lastSeq int64
		for _, a := range entries {
			count[a.Action]++
			if a.Seq <= lastSeq {
				t.Fatalf("audit out of order: %d after %d", a.Seq, lastSeq)
			}
			lastSeq = a.Seq
		}
		if count[makerlink.AuditScoreSet] != 2 || count[makerlink.AuditScoreRefused] != 1 || count[makerlink.AuditRecused] != 1 ||
			count[makerlink.AuditPitchAdded] != 3 || count[makerlink.AuditJudgeAdded] != 2 {
			t.Fatalf("audit counts %v", count)
		}
		for _, a := range entries {
			if a.Action == makerlink.AuditScoreSet && a.Detail != nil {
				var d struct {
					Previous *struct{ Total float64 } `json:"previous"`
				}
				_ = json.Unmarshal(a.Detail, &d)
				if d.Previous != nil && math.Abs(d.Previous.Total-260.0/3) > 1e-9 {
					t.Fatalf("the change should keep the previous score: %s", a.Detail)
				}
			}
		}
		// Append-only, enforced by the database.
		if _, err := db.SQL().ExecContext(ctx, `UPDATE event_audit SET action = 'x'`); err == nil {
			t.Fatal("UPDATE of event_audit succeeded")
		}
		if _, err := db.SQL().ExecContext(ctx, `DELETE FROM event_audit`); err == nil {
			t.Fatal("DELETE of event_audit succeeded")
		}
	})
}

func TestVotesOncePerAccountUnderConcurrency(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		p := f.pitches[0]
		control(t, db, f, makerlink.ActionStartPitch, p.ID)
		control(t, db, f, makerlink.ActionOpenVoting, p.ID)
		const same, others = 40, 60
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for i := range same + others {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := "same-user"
				if i >= same {
					user = fmt.Sprintf("user-%d", i)
				}
				err := db.CastVote(ctx, &makerlink.Vote{EventID: f.event.ID, PitchID: p.ID, UserID: user})
				mu.Lock()
				codes[makerlink.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[""] != others+1 || codes[makerlink.EAlreadyVoted] != same-1 || len(codes) != 2 {
			t.Fatalf("results by code: %v", codes)
		}
		counts, err := db.CountVotes(ctx, f.event.ID)
		if err != nil || counts[p.ID] != others+1 {
			t.Fatalf("CountVotes = %v, %v; want %d", counts, err, others+1)
		}
		if rows := countRows(t, db, f.event.ID); rows != others+1 {
			t.Fatalf("%d vote rows, counters say %d", rows, counts[p.ID])
		}
	})
}

// countRows counts an event's vote rows, bypassing the counters.
func countRows(t *testing.T, db *store.DB, eventID string) int64 {
	t.Helper()
	var n int64
	if err := db.SQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM event_votes WHERE event_id = $1`, eventID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestVotesRacingCloseVoting checks that a vote is never stored after
// close_voting committed: every vote either succeeded (and is counted) or
// was refused.
func TestVotesRacingCloseVoting(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		p := f.pitches[0]
		control(t, db, f, makerlink.ActionStartPitch, p.ID)
		control(t, db, f, makerlink.ActionOpenVoting, p.ID)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range 80 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := db.CastVote(ctx, &makerlink.Vote{EventID: f.event.ID, PitchID: p.ID, UserID: fmt.Sprintf("u%d", i)}); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if makerlink.ErrorCode(err) != makerlink.EConflict {
					t.Errorf("vote: %v", err)
				}
			}()
			if i == 40 {
				control(t, db, f, makerlink.ActionCloseVoting, p.ID)
			}
		}
		wg.Wait()
		counts, err := db.CountVotes(ctx, f.event.ID)
		if err != nil || counts[p.ID] != int64(ok) || countRows(t, db, f.event.ID) != int64(ok) {
			t.Fatalf("counted %d votes, acknowledged %d (%v)", counts[p.ID], ok, err)
		}
	})
}

func TestConflictFacts(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		judge := &makerlink.User{Email: "wang@ningxia-vc.cn", Name: "王", Roles: []makerlink.Role{makerlink.RoleInvestor}}
		founder := &makerlink.User{Email: "li@ningxia-vc.cn", Name: "李", Roles: []makerlink.Role{makerlink.RoleFounder, makerlink.RoleMentor}}
		for _, u := range []*makerlink.User{judge, founder} {
			if err := db.CreateUser(ctx, u, "h"); err != nil {
				t.Fatal(err)
			}
		}
		st := storetest.Startup(founder.ID, 1)
		if err := db.CreateProfile(ctx, st); err != nil {
			t.Fatal(err)
		}
		inv := &makerlink.Investor{Meta: makerlink.Meta{OwnerID: judge.ID}, Name: "贺兰山天使", Type: "angel",
			Organization: "宁夏大学", Portfolio: []string{st.Name}}
		men := &makerlink.Mentor{Meta: makerlink.Meta{OwnerID: founder.ID}, Name: "李老师", Organization: "宁夏 大学", Capacity: 1}
		for _, p := range []makerlink.Profile{inv, men} {
			if err := db.CreateProfile(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		f, err := db.ConflictFacts(ctx, judge.ID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, r := range makerlink.Conflicts(*f) {
			reasons = append(reasons, r.Reason)
		}
		want := []string{makerlink.RecuseInvested, makerlink.RecuseOrganization, makerlink.RecuseEmailDomain}
		if fmt.Sprint(reasons) != fmt.Sprint(want) {
			t.Fatalf("reasons %v, want %v (facts %+v)", reasons, want, f)
		}
	})
}

func TestQuestionsAndIntents(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		q := &makerlink.Question{EventID: f.event.ID, UserID: f.judge1.ID, Text: "你们的毛利率是多少？"}
		if err := db.CreateQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.CreateQuestion(ctx, &makerlink.Question{EventID: "nope", UserID: "u", Text: "x"}), makerlink.ENotFound)
		up, err := db.UpvoteQuestion(ctx, f.event.ID, q.ID, "u1")
		if err != nil || up.Upvotes != 1 {
			t.Fatalf("upvote: %+v, %v", up, err)
		}
		_, err = db.UpvoteQuestion(ctx, f.event.ID, q.ID, "u1")
		wantCode(t, err, makerlink.EAlreadyVoted)
		if _, err := db.HideQuestion(ctx, f.event.ID, q.ID, f.organizer.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = db.UpvoteQuestion(ctx, f.event.ID, q.ID, "u2")
		wantCode(t, err, makerlink.ENotFound)
		if qs, _ := db.FindQuestions(ctx, f.event.ID, false); len(qs) != 0 {
			t.Fatalf("a hidden question is listed: %+v", qs)
		}
		if qs, _ := db.FindQuestions(ctx, f.event.ID, true); len(qs) != 1 || !qs[0].Hidden || qs[0].Upvotes != 1 {
			t.Fatalf("FindQuestions(withHidden) = %+v", qs)
		}

		p := f.pitches[2]
		in := &makerlink.Intent{EventID: f.event.ID, PitchID: p.ID, InvestorID: f.judge1.ID, Note: "希望进一步沟通"}
		created, n, err := db.SaveIntent(ctx, in)
		if err != nil || !created || n == nil || n.UserID != f.founders[2].ID || in.StartupID != p.StartupID {
			t.Fatalf("SaveIntent = %v, %+v, %v", created, n, err)
		}
		again := &makerlink.Intent{EventID: f.event.ID, PitchID: p.ID, InvestorID: f.judge1.ID, Note: "更新"}
		created, n, err = db.SaveIntent(ctx, again)
		if err != nil || created || n != nil || again.ID != in.ID {
			t.Fatalf("second SaveIntent = %v, %+v, %v (id %s vs %s)", created, n, err, again.ID, in.ID)
		}
		if c, _ := db.CountUnread(ctx, f.founders[2].ID); c != 1 {
			t.Fatalf("founder has %d unread notifications, want 1", c)
		}
		list, err := db.FindIntents(ctx, f.event.ID, p.ID)
		if err != nil || len(list) != 1 || list[0].Note != "更新" {
			t.Fatalf("FindIntents = %+v, %v", list, err)
		}
		// An intent card makes the investor a conflicted judge of the startup.
		facts, err := db.ConflictFacts(ctx, f.judge1.ID, p.StartupID)
		if err != nil || !facts.HasIntent {
			t.Fatalf("ConflictFacts.HasIntent = %v, %v", facts, err)
		}
	})
}

func TestFindEventsPages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	org := storetest.NewUser(t, db, makerlink.RoleOrganizer)
	// Ids order by millisecond: step the clock so creation order is id order.
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	for i := range 5 {
		e := &makerlink.Event{Name: fmt.Sprintf("E%d", i), OrganizerID: org.ID, StartsAt: time.Now()}
		e.Normalize()
		if err := db.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	page, next, err := db.FindEvents(ctx, makerlink.EventFilter{Limit: 3})
	if err != nil || len(page) != 3 || next == "" || page[0].Name != "E4" {
		t.Fatalf("page 1: %d, %q, %v", len(page), next, err)
	}
	page, next, err = db.FindEvents(ctx, makerlink.EventFilter{Limit: 3, Cursor: next})
	if err != nil || len(page) != 2 || next != "" {
		t.Fatalf("page 2: %d, %q, %v", len(page), next, err)
	}
	wantCode(t, db.CreateEvent(ctx, &makerlink.Event{Name: "x", OrganizerID: "missing", StartsAt: time.Now(), Ranking: "raw"}), makerlink.ENotFound)
}

// Only a public startup may pitch: an investors-only one is refused with a
// [makerlink.StartupNotPublicError] naming its owner, which unwraps to a
// validation error on startup_id, and nothing is stored.
func TestAddPitchNotPublic(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		owner := storetest.NewUser(t, db, makerlink.RoleFounder)
		s := storetest.Startup(owner.ID, 7)
		s.Visibility = makerlink.VisibilityInvestors
		if err := db.CreateProfile(ctx, s); err != nil {
			t.Fatal(err)
		}
		err := db.AddPitch(ctx, &makerlink.Pitch{EventID: f.event.ID, StartupID: s.ID}, f.organizer.ID)
		var np *makerlink.StartupNotPublicError
		if !errors.As(err, &np) || np.OwnerID != owner.ID || np.Visibility != makerlink.VisibilityInvestors {
			t.Fatalf("AddPitch of an investors-only startup: %v", err)
		}
		wantCode(t, err, makerlink.EValidation)
		if fs := makerlink.ErrorFields(err); len(fs) != 1 || fs[0].Field != "startup_id" {
			t.Fatalf("fields %+v", fs)
		}
		ps, err := db.FindPitches(ctx, f.event.ID)
		if err != nil || len(ps) != len(f.pitches) {
			t.Fatalf("pitches after the refusal: %d, %v", len(ps), err)
		}
	})
}

// After publish_results nothing changes: adding a pitch, a judge or a
// recusal is EConflict and stores nothing.
func TestPublishedEventRefusesChanges(t *testing.T) {
	forEventEngines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newEventFixture(t, db)
		control(t, db, f, makerlink.ActionPublishResults, "")
		version, err := db.BoardVersion(ctx, f.event.ID)
		if err != nil {
			t.Fatal(err)
		}
		u := storetest.NewUser(t, db, makerlink.RoleFounder)
		s := storetest.Startup(u.ID, 9)
		if err := db.CreateProfile(ctx, s); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.AddPitch(ctx, &makerlink.Pitch{EventID: f.event.ID, StartupID: s.ID}, f.organizer.ID), makerlink.EConflict)
		judge := storetest.NewUser(t, db, makerlink.RoleMentor)
		wantCode(t, db.AddJudge(ctx, &makerlink.Judge{EventID: f.event.ID, UserID: judge.ID}, f.organizer.ID), makerlink.EConflict)
		_, err = db.Recuse(ctx, []*makerlink.Recusal{{EventID: f.event.ID, PitchID: f.pitches[0].ID, JudgeID: f.judge1.ID,
			Reason: makerlink.RecuseDeclared, Detail: "late"}}, f.judge1.ID)
		wantCode(t, err, makerlink.EConflict)
		ps, _ := db.FindPitches(ctx, f.event.ID)
		js, _ := db.FindJudges(ctx, f.event.ID)
		rs, _ := db.FindRecusals(ctx, f.event.ID)
		after, _ := db.BoardVersion(ctx, f.event.ID)
		if len(ps) != len(f.pitches) || len(js) != 2 || len(rs) != 0 || after != version {
			t.Fatalf("after refusals: %d pitches, %d judges, %d recusals, version %d -> %d", len(ps), len(js), len(rs), version, after)
		}
	})
}
