package seed_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"makerlink"
	"makerlink/seed"
)

// demoStore is what the demo content tests read: the store implements
// every optional interface Load looks for.
type demoStore interface {
	makerlink.Store
	makerlink.ConnectionStore
	makerlink.EventStore
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func mustUser(t *testing.T, st makerlink.Store, email string) *makerlink.User {
	t.Helper()
	u, _, err := st.FindUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	return u
}

// ownedOf returns the demo account's profiles of kind k in the data set.
func ownedOf(d *seed.Dataset, email string, k makerlink.Kind) []makerlink.Profile {
	var out []makerlink.Profile
	for _, p := range d.OwnedBy(d.UserByEmail(email).ID) {
		if p.Kind() == k {
			out = append(out, p)
		}
	}
	return out
}

func intros(t *testing.T, cs makerlink.ConnectionStore, f makerlink.IntroFilter) []*makerlink.Intro {
	t.Helper()
	f.Limit = 100
	list, _, err := cs.FindIntros(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// contentSummary lists the demo content in a stable order: two loads of
// the same data set give the same summary.
func contentSummary(t *testing.T, st demoStore, d *seed.Dataset) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	founder := d.UserByEmail(seed.FounderEmail)
	for _, in := range intros(t, st, makerlink.IntroFilter{FromUserID: founder.ID}) {
		lines = append(lines, fmt.Sprintf("intro %s -> %s %s %s", in.StartupName, in.ToName, in.Status, in.Message))
	}
	inv := d.UserByEmail(seed.InvestorEmail)
	entries, err := st.FindPipeline(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		lines = append(lines, fmt.Sprintf("pipeline %s %s %s %s %s", e.StartupName, e.Stage, e.Note, e.PassReason, e.Source))
	}
	evs, _, err := st.FindEvents(ctx, makerlink.EventFilter{OrganizerID: d.UserByEmail(seed.OrganizerEmail).ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		lines = append(lines, fmt.Sprintf("event %s %v %d+%d published=%v", e.Name, e.Rubric, e.PitchSeconds, e.QASeconds, e.ResultsPublishedAt != nil))
		ps, _ := st.FindPitches(ctx, e.ID)
		votes, _ := st.CountVotes(ctx, e.ID)
		for _, p := range ps {
			lines = append(lines, fmt.Sprintf("pitch %s %d %s %s votes=%d", e.Name, p.Order, p.StartupName, p.State, votes[p.ID]))
		}
		scores, _ := st.FindScores(ctx, e.ID)
		for _, s := range scores {
			lines = append(lines, fmt.Sprintf("score %s %s %s %v %s", e.Name, s.PitchID, s.JudgeID, s.Scores, s.Comment))
		}
		rs, _ := st.FindRecusals(ctx, e.ID)
		for _, r := range rs {
			lines = append(lines, fmt.Sprintf("recusal %s %s %s %s", e.Name, r.PitchID, r.JudgeID, r.Reason))
		}
	}
	lines = append(lines, bookingSummary(t, st, d)...)
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestLoadDemoContent: the demo logins see what README.md and
// seed/README.md promise: introductions, the investor's pipeline and the
// organizer's pitch events, stored through the domain rules, and a second
// Load adds none of it again.
func TestLoadDemoContent(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			st, ok := e.open(t).(demoStore)
			if !ok {
				t.Fatal("the store keeps no connections or events")
			}
			d := seed.Generate(seed.Options{Seed: 1})
			start := time.Now()
			if err := seed.Load(ctx, st, d, demoHash); err != nil {
				t.Fatal(err)
			}
			founder := mustUser(t, st, seed.FounderEmail)
			investor := mustUser(t, st, seed.InvestorEmail)
			mentor := mustUser(t, st, seed.MentorEmail)
			organizer := mustUser(t, st, seed.OrganizerEmail)
			fStartups := ownedOf(d, seed.FounderEmail, makerlink.KindStartup)
			invProfile := ownedOf(d, seed.InvestorEmail, makerlink.KindInvestor)[0]
			menProfile := ownedOf(d, seed.MentorEmail, makerlink.KindMentor)[0]
			isFounders := func(id string) bool {
				return slices.ContainsFunc(fStartups, func(p makerlink.Profile) bool { return p.Base().ID == id })
			}

			t.Run("FounderIntros", func(t *testing.T) {
				out := intros(t, st, makerlink.IntroFilter{FromUserID: founder.ID})
				var pendingInv, acceptedMen, declinedOther int
				for _, in := range out {
					if !isFounders(in.StartupID) {
						t.Errorf("the founder's outbox holds %s", in.StartupName)
					}
					if !hasHan(in.Message) {
						t.Errorf("intro message %q is not Chinese", in.Message)
					}
					switch {
					case in.ToID == invProfile.Base().ID && in.Status == makerlink.IntroPending:
						pendingInv++
						if in.ViewFor(founder.ID).Contact != nil {
							t.Error("a pending intro shares contact details")
						}
					case in.ToID == menProfile.Base().ID && in.Status == makerlink.IntroAccepted:
						acceptedMen++
						c := in.ViewFor(founder.ID).Contact
						if c == nil || c.Email != seed.MentorEmail {
							t.Errorf("the founder sees the mentor's contact %+v, want %s", c, seed.MentorEmail)
						}
					case in.ToKind == makerlink.KindInvestor && in.ToUserID != investor.ID && in.Status == makerlink.IntroDeclined:
						declinedOther++
					default:
						t.Errorf("unexpected intro %s -> %s (%s)", in.StartupName, in.ToName, in.Status)
					}
				}
				if pendingInv != 1 || acceptedMen != 1 || declinedOther != 1 {
					t.Errorf("founder's intros: %d pending to the investor, %d accepted by the mentor, %d declined by another investor; want 1 each",
						pendingInv, acceptedMen, declinedOther)
				}
			})

			t.Run("InvestorInbox", func(t *testing.T) {
				in := intros(t, st, makerlink.IntroFilter{ToUserID: investor.ID, Status: makerlink.IntroPending})
				if !slices.ContainsFunc(in, func(x *makerlink.Intro) bool { return x.FromUserID == founder.ID }) {
					t.Errorf("the investor's inbox has no pending request of the founder: %d requests", len(in))
				}
			})

			t.Run("MentorInboxAndMentee", func(t *testing.T) {
				in := intros(t, st, makerlink.IntroFilter{ToUserID: mentor.ID})
				if !slices.ContainsFunc(in, func(x *makerlink.Intro) bool {
					return x.FromUserID == founder.ID && x.Status == makerlink.IntroAccepted
				}) {
					t.Error("the mentor's inbox lacks the founder's accepted request")
				}
				if !slices.ContainsFunc(in, func(x *makerlink.Intro) bool { return x.Status == makerlink.IntroPending }) {
					t.Error("the mentor has no request to answer")
				}
				ms, err := st.FindMentorships(ctx, menProfile.Base().ID, true)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 1 || !isFounders(ms[0].StartupID) {
					t.Errorf("mentees %+v, want the founder's startup", ms)
				}
			})

			t.Run("Pipeline", func(t *testing.T) {
				entries, err := st.FindPipeline(ctx, investor.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) < 4 || len(entries) > 6 {
					t.Fatalf("pipeline has %d entries, want 4-6", len(entries))
				}
				stages := map[string]bool{}
				founders := 0
				for _, e := range entries {
					stages[e.Stage] = true
					if isFounders(e.StartupID) {
						founders++
					}
					if !hasHan(e.Note) || len([]rune(e.Note)) > 80 {
						t.Errorf("note of %s is not a short Chinese note: %q", e.StartupName, e.Note)
					}
					if (e.Stage == makerlink.StagePassed) != (e.PassReason != "") {
						t.Errorf("%s at %s with pass reason %q", e.StartupName, e.Stage, e.PassReason)
					}
				}
				for _, s := range []string{makerlink.StageNew, makerlink.StageContacted, makerlink.StageMeeting, makerlink.StageDiligence, makerlink.StagePassed} {
					if !stages[s] {
						t.Errorf("no pipeline entry at stage %s", s)
					}
				}
				if founders != len(fStartups) {
					t.Errorf("%d of the founder's %d startups are on the pipeline", founders, len(fStartups))
				}
				// the board is the investor's: nobody else has one
				for _, u := range []*makerlink.User{founder, mentor, organizer} {
					if other, err := st.FindPipeline(ctx, u.ID); err != nil || len(other) != 0 {
						t.Errorf("%s has pipeline %d, %v", u.Email, len(other), err)
					}
					if _, err := st.FindPipelineEntry(ctx, u.ID, entries[0].StartupID); makerlink.ErrorCode(err) != makerlink.ENotFound {
						t.Errorf("%s reads the investor's entry: %v", u.Email, err)
					}
				}
			})

			evs, _, err := st.FindEvents(ctx, makerlink.EventFilter{OrganizerID: organizer.ID, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*makerlink.Event{}
			for _, e := range evs {
				byName[e.Name] = e
			}
			if len(evs) != 2 {
				t.Errorf("the organizer runs %d events, want 2", len(evs))
			}
			checkEvent := func(t *testing.T, e *makerlink.Event) []*makerlink.Pitch {
				t.Helper()
				if n := len(e.Rubric); n < 3 || n > 4 {
					t.Errorf("rubric of %d criteria, want 3-4", n)
				}
				for _, r := range e.Rubric {
					if !hasHan(r.Label) || r.Weight <= 0 {
						t.Errorf("criterion %+v", r)
					}
				}
				ps, err := st.FindPitches(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) < 4 || len(ps) > 6 {
					t.Errorf("%d pitches, want 4-6", len(ps))
				}
				for _, p := range ps {
					rec, err := st.FindProfileRecord(ctx, makerlink.KindStartup, p.StartupID)
					if err != nil || rec.Visibility != makerlink.VisibilityPublic {
						t.Errorf("pitch of %s: %v, visibility %v", p.StartupName, err, rec)
					}
				}
				js, err := st.FindJudges(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, j := range js {
					ids = append(ids, j.UserID)
				}
				slices.Sort(ids)
				want := []string{investor.ID, mentor.ID}
				slices.Sort(want)
				if !slices.Equal(ids, want) {
					t.Errorf("judges %v, want the demo investor and mentor %v", ids, want)
				}
				return ps
			}

			t.Run("UpcomingEvent", func(t *testing.T) {
				e := byName[seed.UpcomingEventName]
				if e == nil {
					t.Fatalf("no event %s", seed.UpcomingEventName)
				}
				if !e.StartsAt.After(start) || e.ResultsPublishedAt != nil {
					t.Errorf("starts at %v (load at %v), published %v", e.StartsAt, start, e.ResultsPublishedAt)
				}
				for _, p := range checkEvent(t, e) {
					if p.State != makerlink.PitchScheduled {
						t.Errorf("pitch of %s is %s", p.StartupName, p.State)
					}
				}
				// the conflict rules ran: the judges linked to the founder's startup sit it out
				rs, err := st.FindRecusals(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				reasons := map[string]bool{}
				for _, r := range rs {
					reasons[r.Reason] = true
				}
				if !reasons[makerlink.RecusePipeline] || !reasons[makerlink.RecuseMentor] {
					t.Errorf("recusal reasons %v, want pipeline and mentor among them", reasons)
				}
			})

			t.Run("FinishedEvent", func(t *testing.T) {
				e := byName[seed.FinishedEventName]
				if e == nil {
					t.Fatalf("no event %s", seed.FinishedEventName)
				}
				if !e.StartsAt.Before(start) || e.ResultsPublishedAt == nil {
					t.Errorf("starts at %v (load at %v), published %v", e.StartsAt, start, e.ResultsPublishedAt)
				}
				ps := checkEvent(t, e)
				votes, err := st.CountVotes(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				scores, err := st.FindScores(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				rs, err := st.FindRecusals(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					if p.State != makerlink.PitchEnded || !p.VotingClosed || !p.ScoringClosed {
						t.Errorf("pitch of %s: %s, voting closed %v, scoring closed %v", p.StartupName, p.State, p.VotingClosed, p.ScoringClosed)
					}
					if votes[p.ID] < 3 {
						t.Errorf("pitch of %s has %d audience votes", p.StartupName, votes[p.ID])
					}
					// every judge scored every pitch they are not recused from
					for _, j := range []string{investor.ID, mentor.ID} {
						scored := slices.ContainsFunc(scores, func(s *makerlink.Score) bool { return s.PitchID == p.ID && s.JudgeID == j })
						recused := slices.ContainsFunc(rs, func(r *makerlink.Recusal) bool { return r.PitchID == p.ID && r.JudgeID == j })
						if scored == recused {
							t.Errorf("pitch of %s, judge %s: scored %v, recused %v", p.StartupName, j, scored, recused)
						}
					}
				}
				for _, s := range scores {
					if !hasHan(s.Comment) || s.Total <= 0 {
						t.Errorf("score %+v", s)
					}
				}
				// The demo judges share the demo's mail domain with the demo
				// founders; that is no conflict, so both scored.
				for _, j := range []string{investor.ID, mentor.ID} {
					if !slices.ContainsFunc(scores, func(s *makerlink.Score) bool { return s.JudgeID == j }) {
						t.Errorf("judge %s scored no pitch of the finished event", j)
					}
				}
			})

			t.Run("NotLoadedTwice", func(t *testing.T) {
				before := contentSummary(t, st, d)
				if err := seed.Load(ctx, st, seed.Generate(seed.Options{Seed: 1}), demoHash); err != nil {
					t.Fatal(err)
				}
				if after := contentSummary(t, st, d); after != before {
					t.Errorf("a second Load changed the demo content:\n%s\n---\n%s", before, after)
				}
			})
		})
	}
}

// TestLoadDemoContentDeterministic: the same data set loads the same
// content into another store.
func TestLoadDemoContentDeterministic(t *testing.T) {
	ctx := context.Background()
	var sums []string
	for range 2 {
		st := engines[0].open(t).(demoStore)
		d := seed.Generate(seed.Options{Seed: 1, Total: 200})
		if err := seed.Load(ctx, st, d, demoHash); err != nil {
			t.Fatal(err)
		}
		// ids of pitches and judges differ per store: compare by name
		sums = append(sums, stripIDs(contentSummary(t, st, d)))
	}
	if sums[0] != sums[1] {
		t.Errorf("two loads differ:\n%s\n---\n%s", sums[0], sums[1])
	}
	if !strings.Contains(sums[0], "event ") || !strings.Contains(sums[0], "pipeline ") {
		t.Errorf("a small data set has no demo content:\n%s", sums[0])
	}
}

// stripIDs drops the per-store ids (pitches) from score and recusal lines
// of a content summary, keeping their count.
func stripIDs(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "score ") || strings.HasPrefix(l, "recusal ") {
			f := strings.Fields(l)
			lines[i] = f[0] + " " + strings.Join(f[3:], " ") // without the event name and the pitch id
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
