package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"makerlink"
	"makerlink/api"
	"makerlink/store"
)

// connEnv is an API on a fresh store whose clock is the test clock, so
// that the store's timestamps and the API's rules agree.
func connEnv(t *testing.T, open func(testing.TB) makerlink.Store, adjust ...func(*api.Config)) *env {
	t.Helper()
	e := newEnv(t, open, adjust...)
	e.store.(*store.DB).Now = func() time.Time { return e.clock.Now().UTC() }
	return e
}

// shanghai formats a Shanghai wall-clock time as RFC 3339.
func shanghai(y int, m time.Month, d, hh, mm int) string {
	return time.Date(y, m, d, hh, mm, 0, 0, makerlink.Shanghai()).Format(time.RFC3339)
}

type introReply struct {
	ID          string             `json:"id"`
	Status      string             `json:"status"`
	StartupName string             `json:"startup_name"`
	ToName      string             `json:"to_name"`
	Contact     *makerlink.Contact `json:"contact"`
}

// notificationTypes lists the types of a user's notifications, newest first.
func (e *env) notificationTypes(userID string) []string {
	e.t.Helper()
	ns, _, err := e.store.(makerlink.NotificationStore).FindNotifications(context.Background(), makerlink.NotificationFilter{UserID: userID, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.Type)
	}
	return out
}

// login signs the account in again (a session lasts 30 days).
func (e *env) login(a account) account {
	e.t.Helper()
	var r struct{ Token string }
	e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "correct horse 马"}}), 200, "").JSON(e.t, &r)
	a.Token = r.Token
	return a
}

// profiles of the connection tests.
func (e *env) startup(owner account) string {
	return e.create(owner.Token, makerlink.KindStartup, sampleBody(e.t, makerlink.KindStartup))
}

func (e *env) investor(owner account, accepting bool) string {
	b := sampleBody(e.t, makerlink.KindInvestor)
	b["accepting"] = accepting
	return e.create(owner.Token, makerlink.KindInvestor, b)
}

func (e *env) mentor(owner account, capacity int) string {
	b := sampleBody(e.t, makerlink.KindMentor)
	b["capacity"] = capacity
	return e.create(owner.Token, makerlink.KindMentor, b)
}

func (e *env) intro(founder account, startupID, kind, toID string) reply {
	return e.do(req{method: "POST", path: "/api/v1/intros", token: founder.Token,
		body: map[string]any{"startup_id": startupID, "to_kind": kind, "to_id": toID, "message": "您好，我们在做枸杞冷链。"}})
}

func TestIntroDoubleOptIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := connEnv(t, open)
		founder := e.register(makerlink.RoleFounder)
		inv := e.register(makerlink.RoleInvestor)
		stranger := e.register(makerlink.RoleInvestor)
		sid := e.startup(founder)
		iid := e.investor(inv, true)

		var in introReply
		e.want(e.intro(founder, sid, "investor", iid), 201, "").JSON(t, &in)
		if in.Status != "pending" || in.Contact != nil {
			t.Fatalf("created %+v", in)
		}
		// Before acceptance neither side sees the other's e-mail anywhere.
		for _, r := range []reply{
			e.do(req{method: "GET", path: "/api/v1/intros?box=in", token: inv.Token}),
			e.do(req{method: "GET", path: "/api/v1/intros?box=out", token: founder.Token}),
			e.do(req{method: "GET", path: "/api/v1/intros/" + in.ID, token: inv.Token}),
			e.do(req{method: "GET", path: "/api/v1/intros/" + in.ID, token: founder.Token}),
		} {
			e.want(r, 200, "")
			if strings.Contains(string(r.Body), inv.Email) || strings.Contains(string(r.Body), founder.Email) || strings.Contains(string(r.Body), `"contact"`) {
				t.Fatalf("contact details before acceptance: %s", r.Body)
			}
		}
		var inbox struct{ Items []introReply }
		e.want(e.do(req{method: "GET", path: "/api/v1/intros?box=in", token: inv.Token}), 200, "").JSON(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != in.ID {
			t.Fatalf("inbox %+v", inbox)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/intros/" + in.ID, token: stranger.Token}), 404, "not_found")
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + in.ID + "/accept", token: stranger.Token}), 404, "not_found")
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + in.ID + "/accept", token: founder.Token}), 403, "forbidden")
		if got := e.notificationTypes(inv.User.ID); len(got) != 1 || got[0] != makerlink.NotifyIntroRequested {
			t.Fatalf("investor notifications %v", got)
		}

		e.clock.Advance(3 * time.Hour)
		var acc introReply
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + in.ID + "/accept", token: inv.Token}), 200, "").JSON(t, &acc)
		if acc.Status != "accepted" || acc.Contact == nil || acc.Contact.Email != founder.Email {
			t.Fatalf("accepted, seen by the investor: %+v", acc)
		}
		var out introReply
		e.want(e.do(req{method: "GET", path: "/api/v1/intros/" + in.ID, token: founder.Token}), 200, "").JSON(t, &out)
		if out.Contact == nil || out.Contact.Email != inv.Email {
			t.Fatalf("accepted, seen by the founder: %+v", out)
		}
		if got := e.notificationTypes(founder.User.ID); len(got) != 1 || got[0] != makerlink.NotifyIntroAccepted {
			t.Fatalf("founder notifications %v", got)
		}
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + in.ID + "/decline", token: inv.Token}), 409, "conflict")

		// The accepted intro landed on the investor's pipeline.
		var board struct{ Items []makerlink.PipelineEntry }
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline", token: inv.Token}), 200, "").JSON(t, &board)
		if len(board.Items) != 1 || board.Items[0].StartupID != sid || board.Items[0].Stage != "contacted" || board.Items[0].Source != "intro" {
			t.Fatalf("pipeline %+v", board.Items)
		}
	})
}

func TestIntroLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := connEnv(t, open, func(c *api.Config) { c.Connections.MaxOpenIntros = 3 })
		founder := e.register(makerlink.RoleFounder)
		sid := e.startup(founder)
		var mentors []string
		var owners []account
		for range 4 {
			m := e.register(makerlink.RoleMentor)
			owners = append(owners, m)
			mentors = append(mentors, e.mentor(m, 3))
		}
		var ids []string
		for i := range 3 {
			var in introReply
			e.want(e.intro(founder, sid, "mentor", mentors[i]), 201, "").JSON(t, &in)
			ids = append(ids, in.ID)
		}
		e.want(e.intro(founder, sid, "mentor", mentors[3]), 429, makerlink.EIntroLimit)

		// An answer frees a slot; the same person cannot be asked again
		// for 30 days.
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + ids[0] + "/decline", token: owners[0].Token}), 200, "")
		e.want(e.intro(founder, sid, "mentor", mentors[0]), 409, makerlink.EAskedRecently)
		e.want(e.intro(founder, sid, "mentor", mentors[3]), 201, "")

		// Validation and refusals.
		other := e.register(makerlink.RoleFounder)
		e.want(e.intro(other, sid, "mentor", mentors[0]), 403, "forbidden")
		e.want(e.intro(founder, sid, "equipment", mentors[0]), 422, "validation_failed")
		e.want(e.intro(founder, sid, "investor", mentors[0]), 404, "not_found")
		self := e.mentor(founder, 2)
		r := e.want(e.intro(founder, sid, "mentor", self), 422, "validation_failed")
		if p := r.Problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "to_id" {
			t.Fatalf("self intro %s", r.Body)
		}
		closed := e.register(makerlink.RoleInvestor)
		e.want(e.intro(founder, sid, "investor", e.investor(closed, false)), 409, makerlink.ENotAccepting)

		// 14 days without an answer: the requests expire, the founder is
		// told and pointed to mentors with a free slot.
		e.clock.Advance(14*24*time.Hour + time.Minute)
		var outbox struct{ Items []introReply }
		e.want(e.do(req{method: "GET", path: "/api/v1/intros?box=out&status=expired", token: founder.Token}), 200, "").JSON(t, &outbox)
		if len(outbox.Items) != 3 {
			t.Fatalf("expired %+v", outbox.Items)
		}
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + ids[1] + "/accept", token: owners[1].Token}), 409, makerlink.EExpired)
		ns, _, _ := e.store.(makerlink.NotificationStore).FindNotifications(context.Background(),
			makerlink.NotificationFilter{UserID: founder.User.ID, Limit: 100})
		expired := 0
		for _, n := range ns {
			if n.Type != makerlink.NotifyIntroExpired {
				continue
			}
			expired++
			var d struct {
				Suggested []string `json:"suggested_mentors"`
			}
			if err := json.Unmarshal(n.Data, &d); err != nil || len(d.Suggested) == 0 {
				t.Fatalf("expiry notification without other mentors: %s", n.Data)
			}
		}
		if expired != 3 {
			t.Fatalf("%d expiry notifications, want 3", expired)
		}
		// Expired requests no longer count as open; after 30 days the
		// first mentor may be asked again.
		e.clock.Advance(16 * 24 * time.Hour)
		founder = e.login(founder)
		e.want(e.intro(founder, sid, "mentor", mentors[0]), 201, "")
	})
}

func TestMentoring(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := connEnv(t, open)
		mentor := e.register(makerlink.RoleMentor)
		mid := e.mentor(mentor, 1)
		f1, f2, f3 := e.register(makerlink.RoleFounder), e.register(makerlink.RoleFounder), e.register(makerlink.RoleFounder)
		s1, s2, s3 := e.startup(f1), e.startup(f2), e.startup(f3)
		var a, b introReply
		e.want(e.intro(f1, s1, "mentor", mid), 201, "").JSON(t, &a)
		e.want(e.intro(f2, s2, "mentor", mid), 201, "").JSON(t, &b)

		e.clock.Advance(2 * time.Hour)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + a.ID + "/accept", token: mentor.Token}), 200, "")
		e.clock.Advance(4 * time.Hour)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + b.ID + "/accept", token: mentor.Token}), 409, makerlink.EMentorFull)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + b.ID + "/decline", token: mentor.Token}), 200, "")

		var st makerlink.MentorState
		e.want(e.do(req{method: "GET", path: "/api/v1/mentors/" + mid + "/mentoring"}), 200, "").JSON(t, &st)
		if st.Active != 1 || st.Open != 0 || st.Accepting || st.Answered != 2 || st.Rate == nil || *st.Rate != 1 ||
			st.MedianHours == nil || *st.MedianHours != 4 {
			t.Fatalf("state %+v", st)
		}
		e.want(e.intro(f3, s3, "mentor", mid), 409, makerlink.EMentorFull)

		// The founder ends the mentorship; the mentor pauses.
		e.want(e.do(req{method: "POST", path: "/api/v1/mentors/" + mid + "/mentees/" + s1 + "/end", token: f2.Token}), 404, "not_found")
		e.want(e.do(req{method: "POST", path: "/api/v1/mentors/" + mid + "/mentees/" + s1 + "/end", token: f1.Token}), 200, "")
		// The mentor hears of it; the founder who ended it gets nothing.
		ended := func(a account) int {
			t.Helper()
			var ns struct{ Items []makerlink.Notification }
			e.want(e.do(req{method: "GET", path: "/api/v1/notifications?limit=100", token: a.Token}), 200, "").JSON(t, &ns)
			n := 0
			for _, x := range ns.Items {
				if x.Type == makerlink.NotifyMentorshipEnded {
					n++
				}
			}
			return n
		}
		if ended(mentor) != 1 || ended(f1) != 0 {
			t.Errorf("mentorship-ended notifications: mentor %d, founder %d; want 1, 0", ended(mentor), ended(f1))
		}
		e.want(e.do(req{method: "PUT", path: "/api/v1/mentors/" + mid + "/mentoring", token: f1.Token, body: map[string]any{"paused": true}}), 403, "forbidden")
		e.want(e.do(req{method: "PUT", path: "/api/v1/mentors/" + mid + "/mentoring", token: mentor.Token, body: map[string]any{"paused": true}}), 200, "").JSON(t, &st)
		if !st.Paused || st.Accepting || st.Open != 1 {
			t.Fatalf("paused state %+v", st)
		}
		e.want(e.intro(f3, s3, "mentor", mid), 409, makerlink.EMentorPaused)
		e.want(e.do(req{method: "PUT", path: "/api/v1/mentors/" + mid + "/mentoring", token: mentor.Token, body: map[string]any{"paused": false}}), 200, "")
		e.want(e.intro(f3, s3, "mentor", mid), 201, "")

		var mentees struct{ Items []makerlink.Mentorship }
		e.want(e.do(req{method: "GET", path: "/api/v1/mentors/" + mid + "/mentees", token: mentor.Token}), 200, "").JSON(t, &mentees)
		if len(mentees.Items) != 1 || mentees.Items[0].Status != "ended" || mentees.Items[0].StartupID != s1 {
			t.Fatalf("mentees %+v", mentees.Items)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/mentors/" + mid + "/mentees", token: f1.Token}), 403, "forbidden")

		// A mentorship is a relation for the conflict-of-interest rules.
		rel, err := e.store.(makerlink.RelationFinder).StartupRelations(context.Background(), mentor.User.ID, s1)
		if err != nil || len(rel) != 0 {
			t.Fatalf("ended mentorship still a relation: %v %v", rel, err)
		}

		// The mentor ends one: the founder hears of it.
		var pending struct{ Items []introReply }
		e.want(e.do(req{method: "GET", path: "/api/v1/intros?box=in&status=pending", token: mentor.Token}), 200, "").JSON(t, &pending)
		if len(pending.Items) != 1 {
			t.Fatalf("pending intros %+v", pending.Items)
		}
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + pending.Items[0].ID + "/accept", token: mentor.Token}), 200, "")
		e.want(e.do(req{method: "POST", path: "/api/v1/mentors/" + mid + "/mentees/" + s3 + "/end", token: mentor.Token}), 200, "")
		if ended(f3) != 1 || ended(mentor) != 1 {
			t.Errorf("after the mentor ended one: founder %d, mentor %d; want 1, 1", ended(f3), ended(mentor))
		}
	})
}

func TestPipelinePrivacyAndFeedback(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := connEnv(t, open)
		founder := e.register(makerlink.RoleFounder)
		sid := e.startup(founder)
		var invs []account
		for range 4 {
			invs = append(invs, e.register(makerlink.RoleInvestor))
		}
		a, b := invs[0], invs[1]
		put := func(who account, body map[string]any) reply {
			return e.do(req{method: "PUT", path: "/api/v1/pipeline/" + sid, token: who.Token, body: body})
		}
		var entry makerlink.PipelineEntry
		e.want(put(a, map[string]any{"stage": "meeting", "note": "=HYPERLINK(\"http://x\")"}), 200, "").JSON(t, &entry)
		if entry.Stage != "meeting" || entry.Source != "manual" || entry.StartupName == "" {
			t.Fatalf("entry %+v", entry)
		}
		// Another investor does not see it, not even that it exists.
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline/" + sid, token: b.Token}), 404, "not_found")
		var board struct{ Items []makerlink.PipelineEntry }
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline", token: b.Token}), 200, "").JSON(t, &board)
		if len(board.Items) != 0 {
			t.Fatalf("investor b sees %+v", board.Items)
		}
		e.want(e.do(req{method: "DELETE", path: "/api/v1/pipeline/" + sid, token: b.Token}), 404, "not_found")
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline", token: founder.Token}), 403, "forbidden")
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline"}), 401, "unauthorized")
		// The contract's body is {stage, note}: passing needs no reason,
		// but a given one must be known, and only passing takes one.
		e.want(put(a, map[string]any{"stage": "passed", "note": "=HYPERLINK(\"http://x\")"}), 200, "").JSON(t, &entry)
		if entry.Stage != "passed" || entry.PassReason != "" || entry.Note == "" {
			t.Fatalf("passed without a reason: %+v", entry)
		}
		e.want(put(a, map[string]any{"stage": "passed", "pass_reason": "dislike"}), 422, "validation_failed")
		e.want(put(a, map[string]any{"stage": "meeting", "pass_reason": "team"}), 422, "validation_failed")
		e.want(e.do(req{method: "PUT", path: "/api/v1/pipeline/nope", token: a.Token, body: map[string]any{"stage": "new"}}), 404, "not_found")

		// An omitted note is kept.
		e.want(put(a, map[string]any{"stage": "diligence"}), 200, "").JSON(t, &entry)
		if entry.Note == "" {
			t.Fatal("note lost")
		}
		r := e.want(e.do(req{method: "GET", path: "/api/v1/pipeline.csv", token: a.Token}), 200, "")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %s", ct)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil || len(rows) != 2 || rows[0][0] != "startup_id" || rows[1][0] != sid || rows[1][2] != "diligence" {
			t.Fatalf("csv %q %v", rows, err)
		}
		if !strings.HasPrefix(rows[1][3], "'=") {
			t.Fatalf("formula not neutralised: %q", rows[1][3])
		}

		// Feedback: hidden below three passes, then counts without names.
		feedback := func() makerlink.PassFeedback {
			var f makerlink.PassFeedback
			r := e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + sid + "/feedback", token: founder.Token}), 200, "")
			for _, inv := range invs {
				if strings.Contains(string(r.Body), inv.User.ID) || strings.Contains(string(r.Body), inv.Email) {
					t.Fatalf("feedback names an investor: %s", r.Body)
				}
			}
			r.JSON(t, &f)
			return f
		}
		e.want(put(a, map[string]any{"stage": "passed", "pass_reason": "valuation"}), 200, "")
		e.want(put(b, map[string]any{"stage": "passed", "pass_reason": "team"}), 200, "")
		if f := feedback(); f.Shown || f.Passed != 2 || len(f.Reasons) != 0 {
			t.Fatalf("two passes %+v", f)
		}
		e.want(put(invs[2], map[string]any{"stage": "passed", "pass_reason": "valuation"}), 200, "")
		e.want(put(invs[3], map[string]any{"stage": "meeting"}), 200, "")
		f := feedback()
		if !f.Shown || f.Passed != 3 || len(f.Reasons) != 2 || f.Reasons[0].Code != "valuation" || f.Reasons[0].Count != 2 {
			t.Fatalf("three passes %+v", f)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + sid + "/feedback", token: a.Token}), 403, "forbidden")

		// Intent cards from events land on the pipeline (stage new).
		other := e.startup(founder)
		if err := e.store.(interface {
			AddIntent(ctx context.Context, investorID, startupID, note string) error
		}).AddIntent(context.Background(), b.User.ID, other, "路演很精彩"); err != nil {
			t.Fatal(err)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline/" + other, token: b.Token}), 200, "").JSON(t, &entry)
		if entry.Stage != "new" || entry.Source != "intent" || entry.Note != "路演很精彩" {
			t.Fatalf("intent entry %+v", entry)
		}
		e.want(e.do(req{method: "DELETE", path: "/api/v1/pipeline/" + other, token: b.Token}), 204, "")
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline/" + other, token: b.Token}), 404, "not_found")
	})
}

// labEnv is an instrument open Mon 20:00-24:00 and Tue 00:00-02:00 (a
// session across midnight), Mon 09:00-17:00 and Sat 17:00-22:00, bookable
// 60 to 240 minutes, 60 minutes ahead, at 600 yuan an hour. The clock
// stands at Sat 2025-03-01 17:00 in Shanghai.
type labEnv struct {
	*env
	owner, user, untrained account
	eq                     string
}

func newLabEnv(t *testing.T, open func(testing.TB) makerlink.Store, approval bool) *labEnv {
	e := connEnv(t, open)
	l := &labEnv{env: e, owner: e.register(makerlink.RoleLab), user: e.register(makerlink.RoleFounder), untrained: e.register(makerlink.RoleFounder)}
	body := sampleBody(t, makerlink.KindEquipment)
	body["open_hours"] = []map[string]any{{"day": 1, "from": "09:00", "to": "17:00"}, {"day": 1, "from": "20:00", "to": "24:00"},
		{"day": 2, "from": "00:00", "to": "02:00"}, {"day": 6, "from": "17:00", "to": "22:00"}}
	body["min_minutes"], body["max_minutes"], body["lead_minutes"] = 60, 240, 60
	body["price_per_hour_cny"], body["requires_approval"] = 600, approval
	l.eq = e.create(l.owner.Token, makerlink.KindEquipment, body)
	e.want(e.do(req{method: "POST", path: "/api/v1/equipment/" + l.eq + "/trained", token: l.owner.Token,
		body: map[string]any{"email": l.user.Email}}), 201, "")
	return l
}

func (l *labEnv) book(who account, start, end string, extra ...map[string]any) reply {
	body := map[string]any{"start": start, "end": end, "purpose": "测量样品形貌"}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	return l.do(req{method: "POST", path: "/api/v1/equipment/" + l.eq + "/bookings", token: who.Token, body: body})
}

func TestBookingRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, false)
		tests := []struct {
			name       string
			start, end string
			status     int
			code       string
			field      string // on 422: the field of the one entry of errors
		}{
			{"across midnight", shanghai(2025, 3, 3, 22, 0), shanghai(2025, 3, 4, 1, 0), 201, "", ""},
			{"given in UTC", "2025-03-03T01:00:00Z", "2025-03-03T02:00:00Z", 201, "", ""}, // Mon 09:00-10:00 in Shanghai
			{"UTC wall clock", "2025-03-03T10:00:00Z", "2025-03-03T11:00:00Z", 422, makerlink.EOutsideOpenHours, "start"},
			{"past 02:00", shanghai(2025, 3, 4, 1, 0), shanghai(2025, 3, 4, 3, 0), 422, makerlink.EOutsideOpenHours, "end"},
			{"closed evening", shanghai(2025, 3, 3, 17, 0), shanghai(2025, 3, 3, 18, 0), 422, makerlink.EOutsideOpenHours, "start"},
			{"too long", shanghai(2025, 3, 3, 9, 0), shanghai(2025, 3, 3, 13, 30), 422, makerlink.EBookingTooLong, "end"},
			{"too short", shanghai(2025, 3, 3, 11, 0), shanghai(2025, 3, 3, 11, 30), 422, makerlink.EBookingTooShort, "end"},
			{"inside lead time", shanghai(2025, 3, 1, 17, 30), shanghai(2025, 3, 1, 18, 30), 422, makerlink.ETooSoon, "start"},
			{"too far ahead", shanghai(2026, 3, 9, 9, 0), shanghai(2026, 3, 9, 10, 0), 422, makerlink.ETooFarAhead, "start"},
			{"overlap", shanghai(2025, 3, 3, 23, 0), shanghai(2025, 3, 4, 0, 30), 409, makerlink.ESlotTaken, ""},
			{"touching", shanghai(2025, 3, 3, 20, 0), shanghai(2025, 3, 3, 22, 0), 201, "", ""},
			{"not a time", "Monday 9am", shanghai(2025, 3, 3, 10, 0), 422, makerlink.EValidation, "start"},
			{"seconds", "2025-03-03T12:00:30+08:00", shanghai(2025, 3, 3, 13, 0), 422, makerlink.EValidation, "start"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := l.want(l.book(l.user, tc.start, tc.end), tc.status, tc.code)
				switch tc.status {
				case 201:
					var b makerlink.Booking
					r.JSON(t, &b)
					if b.Status != "confirmed" || b.ID == "" || b.CostCNY != int64(b.End.Sub(b.Start).Hours()*600) || b.Untrained {
						t.Fatalf("booking %+v", b)
					}
				case 422:
					// The contract: every 422 carries errors [{field, code, message}].
					var p struct {
						Code   string
						Errors []makerlink.FieldError
					}
					r.JSON(t, &p)
					if p.Code != tc.code || len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Code == "" || p.Errors[0].Message == "" {
						t.Fatalf("problem %s, want one error on %s", r.Body, tc.field)
					}
				}
			})
		}
		// An untrained user's booking waits for the owner even though the
		// instrument needs no approval; it says why and holds its slot.
		var plain makerlink.Booking
		l.want(l.book(l.untrained, shanghai(2025, 3, 3, 12, 0), shanghai(2025, 3, 3, 13, 0)), 201, "").JSON(t, &plain)
		if plain.Status != "pending" || !plain.Untrained || plain.Assisted {
			t.Fatalf("untrained %+v", plain)
		}
		if got := l.notificationTypes(l.owner.User.ID); len(got) != 1 || got[0] != makerlink.NotifyBookingCreated {
			t.Fatalf("owner notifications %v", got)
		}
		// An assisted session keeps its meaning: pending, assisted.
		var b makerlink.Booking
		l.want(l.book(l.untrained, shanghai(2025, 3, 3, 14, 0), shanghai(2025, 3, 3, 15, 0), map[string]any{"assisted": true}), 201, "").JSON(t, &b)
		if b.Status != "pending" || !b.Assisted || !b.Untrained {
			t.Fatalf("assisted %+v", b)
		}
		// The owner sees which bookers are untrained; the booker too.
		var owned struct{ Items []makerlink.Booking }
		l.want(l.do(req{method: "GET", path: "/api/v1/equipment/" + l.eq + "/bookings?from=2025-03-03&to=2025-03-05", token: l.owner.Token}), 200, "").JSON(t, &owned)
		untrained := map[string]bool{}
		for _, x := range owned.Items {
			untrained[x.ID] = x.Untrained
			if x.UserID == l.user.User.ID && x.Untrained {
				t.Fatalf("trained booker shown untrained: %+v", x)
			}
		}
		if len(owned.Items) != 5 || !untrained[plain.ID] || !untrained[b.ID] {
			t.Fatalf("owner's view %+v", owned.Items)
		}
		var got makerlink.Booking
		l.want(l.do(req{method: "GET", path: "/api/v1/bookings/" + plain.ID, token: l.untrained.Token}), 200, "").JSON(t, &got)
		if !got.Untrained {
			t.Fatalf("booker's view %+v", got)
		}
		// Once trained, the booker is no longer flagged.
		l.want(l.do(req{method: "POST", path: "/api/v1/equipment/" + l.eq + "/trained", token: l.owner.Token,
			body: map[string]any{"user_id": l.untrained.User.ID}}), 201, "")
		l.want(l.do(req{method: "POST", path: "/api/v1/bookings/" + plain.ID + "/approve", token: l.owner.Token}), 200, "").JSON(t, &got)
		if got.Untrained || got.Status != "confirmed" {
			t.Fatalf("approved %+v", got)
		}
		// A pending booking holds its slot too.
		l.want(l.book(l.user, shanghai(2025, 3, 3, 12, 30), shanghai(2025, 3, 3, 13, 30)), 409, makerlink.ESlotTaken)
		l.want(l.book(l.user, shanghai(2025, 3, 3, 12, 0), shanghai(2025, 3, 3, 13, 0), map[string]any{"startup_id": "not-mine"}), 422, makerlink.EValidation)
		l.want(l.do(req{method: "POST", path: "/api/v1/equipment/nope/bookings", token: l.user.Token,
			body: map[string]any{"start": shanghai(2025, 3, 3, 14, 0), "end": shanghai(2025, 3, 3, 15, 0)}}), 404, "not_found")
	})
}

func TestBookingLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, true)
		sid := l.startup(l.user)
		var b1, b2 makerlink.Booking
		l.want(l.book(l.user, shanghai(2025, 3, 3, 9, 0), shanghai(2025, 3, 3, 11, 0), map[string]any{"startup_id": sid}), 201, "").JSON(t, &b1)
		l.want(l.book(l.user, shanghai(2025, 3, 3, 13, 0), shanghai(2025, 3, 3, 14, 0)), 201, "").JSON(t, &b2)
		if b1.Status != "pending" {
			t.Fatalf("needs approval: %+v", b1)
		}
		if got := l.notificationTypes(l.owner.User.ID); len(got) != 2 || got[0] != makerlink.NotifyBookingCreated {
			t.Fatalf("owner notifications %v", got)
		}
		act := func(who account, id, action string) reply {
			return l.do(req{method: "POST", path: "/api/v1/bookings/" + id + "/" + action, token: who.Token})
		}
		l.want(act(l.user, b1.ID, "approve"), 403, "forbidden")
		l.want(act(l.untrained, b1.ID, "approve"), 404, "not_found")
		l.want(act(l.owner, b1.ID, "approve"), 200, "")
		l.want(act(l.owner, b1.ID, "approve"), 409, "conflict")
		l.want(act(l.owner, b2.ID, "reject"), 200, "")
		if got := l.notificationTypes(l.user.User.ID); len(got) != 2 || !slices.Contains(got, makerlink.NotifyBookingRejected) ||
			!slices.Contains(got, makerlink.NotifyBookingApproved) {
			t.Fatalf("booker notifications %v", got)
		}
		// The rejected slot is free again.
		var b3 makerlink.Booking
		l.want(l.book(l.user, shanghai(2025, 3, 3, 13, 0), shanghai(2025, 3, 3, 14, 0)), 201, "").JSON(t, &b3)
		l.want(act(l.user, b3.ID, "cancel"), 200, "")

		// What others see: taken slots only. The owner sees everything.
		list := func(who *account) []map[string]any {
			var out struct{ Items []map[string]any }
			r := req{method: "GET", path: "/api/v1/equipment/" + l.eq + "/bookings?from=2025-03-03&to=2025-03-04"}
			if who != nil {
				r.token = who.Token
			}
			l.want(l.do(r), 200, "").JSON(t, &out)
			return out.Items
		}
		for _, who := range []*account{nil, &l.untrained} {
			items := list(who)
			if len(items) != 1 || items[0]["status"] != "confirmed" || len(items[0]) != 3 {
				t.Fatalf("public view %v", items)
			}
		}
		if items := list(&l.owner); len(items) != 3 || items[0]["purpose"] == nil {
			t.Fatalf("owner view %v", items)
		}
		if items := list(&l.user); len(items) != 3 || items[0]["id"] != b1.ID {
			t.Fatalf("booker view %v", items)
		}

		// The public calendar: valid, and nothing personal in it.
		r := l.want(l.do(req{method: "GET", path: "/api/v1/equipment/" + l.eq + "/calendar.ics"}), 200, "")
		ics := string(r.Body)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") ||
			!strings.HasSuffix(ics, "END:VCALENDAR\r\n") || strings.Count(ics, "BEGIN:VEVENT\r\n") != 1 ||
			strings.Count(ics, "END:VEVENT\r\n") != 1 || !strings.Contains(ics, "DTSTART:20250303T010000Z\r\n") {
			t.Fatalf("calendar %q", ics)
		}
		for _, secret := range []string{"测量样品", l.user.Email, "马小明", l.user.User.ID, sid} {
			if strings.Contains(ics, secret) {
				t.Fatalf("calendar leaks %q", secret)
			}
		}

		// Check in 10 minutes late, use 2.5 hours of a 2 hour booking.
		l.clock.Advance(time.Date(2025, 3, 3, 1, 10, 0, 0, time.UTC).Sub(l.clock.Now()))
		l.want(act(l.user, b1.ID, "checkin"), 403, "forbidden")
		l.want(act(l.owner, b1.ID, "checkin"), 200, "")
		l.clock.Advance(150 * time.Minute)
		var done makerlink.Booking
		l.want(act(l.owner, b1.ID, "checkout"), 200, "").JSON(t, &done)
		if done.Status != "completed" || done.CostCNY != 1500 {
			t.Fatalf("completed %+v", done)
		}

		// A confirmed booking nobody started is a no-show 30 minutes in.
		var b4 makerlink.Booking
		l.want(l.book(l.owner, shanghai(2025, 3, 3, 20, 0), shanghai(2025, 3, 3, 21, 0)), 201, "").JSON(t, &b4)
		if b4.Status != "confirmed" {
			t.Fatalf("the owner's own booking needs no approval: %+v", b4)
		}
		l.clock.Advance(time.Date(2025, 3, 3, 12, 29, 0, 0, time.UTC).Sub(l.clock.Now()))
		l.want(act(l.owner, b4.ID, "no-show"), 409, "conflict")
		l.clock.Advance(time.Minute)
		var got makerlink.Booking
		l.want(l.do(req{method: "GET", path: "/api/v1/bookings/" + b4.ID, token: l.owner.Token}), 200, "").JSON(t, &got)
		if got.Status != "no_show" || got.CostCNY != 600 {
			t.Fatalf("no-show %+v", got)
		}
		l.want(l.do(req{method: "GET", path: "/api/v1/bookings/" + b4.ID, token: l.untrained.Token}), 404, "not_found")
		var mine struct{ Items []makerlink.Booking }
		l.want(l.do(req{method: "GET", path: "/api/v1/bookings?from=2025-03-01", token: l.user.Token}), 200, "").JSON(t, &mine)
		if len(mine.Items) != 3 { // the no-show was the owner's
			t.Fatalf("my bookings %+v", mine.Items)
		}

		// Monthly usage, JSON and CSV, for the owner and admins.
		var rep struct {
			Items []makerlink.UsageRow
		}
		l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly?from=2025-03&by=startup", token: l.owner.Token}), 200, "").JSON(t, &rep)
		if len(rep.Items) != 2 || rep.Items[1].Key != sid || rep.Items[1].CostCNY != 1500 || rep.Items[1].Name == "" ||
			rep.Items[0].Key != "" || rep.Items[0].Cancelled != 1 || rep.Items[0].NoShows != 1 {
			t.Fatalf("usage by startup %+v", rep.Items)
		}
		admin := l.admin()
		r = l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly.csv?from=2025-03&to=2025-03", token: admin.Token}), 200, "")
		rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil || len(rows) != 2 || rows[0][1] != "institution" || rows[1][0] != "2025-03" || rows[1][3] != "2" || rows[1][11] != "2100" {
			t.Fatalf("usage csv %q %v", rows, err)
		}
		l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly", token: l.user.Token}), 403, "forbidden")
		l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly?from=March", token: l.owner.Token}), 400, "bad_request")

		// A confirmed booking not yet held counts as booked, not billed.
		var before struct{ Items []makerlink.UsageRow }
		l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly?from=2025-03&by=equipment", token: l.owner.Token}), 200, "").JSON(t, &before)
		var b5 makerlink.Booking
		l.want(l.book(l.owner, shanghai(2025, 3, 10, 9, 0), shanghai(2025, 3, 10, 11, 0)), 201, "").JSON(t, &b5)
		if b5.Status != "confirmed" || b5.CostCNY != 1200 {
			t.Fatalf("future booking %+v", b5)
		}
		var after struct{ Items []makerlink.UsageRow }
		l.want(l.do(req{method: "GET", path: "/api/v1/usage/monthly?from=2025-03&by=equipment", token: l.owner.Token}), 200, "").JSON(t, &after)
		if len(before.Items) != 1 || len(after.Items) != 1 {
			t.Fatalf("usage by equipment before %+v after %+v", before.Items, after.Items)
		}
		x, y := before.Items[0], after.Items[0]
		if y.Bookings != x.Bookings+1 || y.BookedMinutes != x.BookedMinutes+120 || y.BilledMinutes != x.BilledMinutes || y.CostCNY != x.CostCNY {
			t.Fatalf("a future booking changed the bill: before %+v after %+v", x, y)
		}
	})
}

// TestConcurrentBookings sends 200 requests for overlapping slots of one
// instrument at once, over real connections: exactly one is confirmed,
// the other 199 get 409 slot_taken.
func TestConcurrentBookings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, false)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = l.srv.Listener(ln) }()
		t.Cleanup(func() { _ = l.srv.Shutdown(context.Background()) })
		users := []account{l.user, l.owner}
		for range 8 {
			u := l.register(makerlink.RoleFounder)
			if err := l.store.(makerlink.BookingStore).AddTrainedUser(context.Background(), l.eq, u.User.ID); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}, Timeout: 60 * time.Second}
		const n = 200
		codes := make([]int, n)
		bodies := make([]string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Starts from 09:00 to 09:58, each two hours long: all overlap.
				s := time.Date(2025, 3, 3, 9, i%59, 0, 0, makerlink.Shanghai())
				body := fmt.Sprintf(`{"start":%q,"end":%q}`, s.Format(time.RFC3339), s.Add(2*time.Hour).Format(time.RFC3339))
				hr, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/api/v1/equipment/"+l.eq+"/bookings", strings.NewReader(body))
				hr.Header.Set("Content-Type", "application/json")
				hr.Header.Set("Authorization", "Bearer "+users[i%len(users)].Token)
				<-start
				resp, err := client.Do(hr)
				if err != nil {
					bodies[i] = err.Error()
					return
				}
				defer resp.Body.Close()
				var p struct{ Code string }
				_ = json.NewDecoder(resp.Body).Decode(&p)
				codes[i], bodies[i] = resp.StatusCode, p.Code
			}()
		}
		t0 := time.Now()
		close(start)
		wg.Wait()
		client.CloseIdleConnections()
		t.Logf("%d requests answered in %s", n, time.Since(t0))
		created := 0
		for i := range n {
			switch {
			case codes[i] == 201:
				created++
			case codes[i] == 409 && bodies[i] == makerlink.ESlotTaken:
			default:
				t.Fatalf("request %d: %d %s", i, codes[i], bodies[i])
			}
		}
		if created != 1 {
			t.Fatalf("%d bookings confirmed, want exactly 1", created)
		}
		held, err := l.store.(makerlink.BookingStore).FindBookings(context.Background(), makerlink.BookingFilter{EquipmentID: l.eq,
			Statuses: []string{makerlink.BookingPending, makerlink.BookingConfirmed}})
		if err != nil || len(held) != 1 {
			t.Fatalf("stored %d held bookings (%v)", len(held), err)
		}
	})
}

// TestConnectionRoutesSayNo checks every route of issue 6 refuses those
// it must: anonymous callers (401) and signed-in users without the right
// (403, or 404 where existence is private).
func TestConnectionRoutesSayNo(t *testing.T) {
	l := newLabEnv(t, engines[0].open, true)
	founder, inv, mentor, stranger := l.user, l.register(makerlink.RoleInvestor), l.register(makerlink.RoleMentor), l.untrained
	sid := l.startup(founder)
	iid := l.investor(inv, true)
	mid := l.mentor(mentor, 2)
	var in introReply
	l.want(l.intro(founder, sid, "investor", iid), 201, "").JSON(t, &in)
	var mi introReply
	l.want(l.intro(founder, sid, "mentor", mid), 201, "").JSON(t, &mi)
	l.want(l.do(req{method: "POST", path: "/api/v1/intros/" + mi.ID + "/accept", token: mentor.Token}), 200, "")
	var b makerlink.Booking
	l.want(l.book(founder, shanghai(2025, 3, 3, 9, 0), shanghai(2025, 3, 3, 10, 0)), 201, "").JSON(t, &b)
	l.want(l.do(req{method: "PUT", path: "/api/v1/pipeline/" + sid, token: inv.Token, body: map[string]any{"stage": "new"}}), 200, "")

	slot := map[string]any{"start": shanghai(2025, 3, 3, 11, 0), "end": shanghai(2025, 3, 3, 12, 0)}
	tests := []struct {
		method, path string
		body         any
		who          *account // nil: anonymous
		status       int
		code         string
	}{
		{"POST", "/api/v1/intros", map[string]any{"startup_id": sid, "to_kind": "investor", "to_id": iid}, nil, 401, "unauthorized"},
		{"POST", "/api/v1/intros", map[string]any{"startup_id": sid, "to_kind": "mentor", "to_id": mid}, &stranger, 403, "forbidden"},
		{"GET", "/api/v1/intros", nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/intros?box=sideways", nil, &founder, 400, "bad_request"},
		{"GET", "/api/v1/intros/" + in.ID, nil, &stranger, 404, "not_found"},
		{"POST", "/api/v1/intros/" + in.ID + "/accept", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/intros/" + in.ID + "/decline", nil, &stranger, 404, "not_found"},
		{"POST", "/api/v1/intros/" + in.ID + "/decline", nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/pipeline", nil, &founder, 403, "forbidden"},
		{"GET", "/api/v1/pipeline.csv", nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/pipeline.csv", nil, &mentor, 403, "forbidden"},
		{"PUT", "/api/v1/pipeline/" + sid, map[string]any{"stage": "new"}, &founder, 403, "forbidden"},
		{"GET", "/api/v1/pipeline/" + sid, nil, &stranger, 403, "forbidden"},
		{"DELETE", "/api/v1/pipeline/" + sid, nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/startups/" + sid + "/feedback", nil, &inv, 403, "forbidden"},
		{"GET", "/api/v1/startups/" + sid + "/feedback", nil, nil, 401, "unauthorized"},
		{"PUT", "/api/v1/mentors/" + mid + "/mentoring", map[string]any{"paused": true}, &founder, 403, "forbidden"},
		{"PUT", "/api/v1/mentors/" + mid + "/mentoring", map[string]any{"paused": true}, nil, 401, "unauthorized"},
		{"GET", "/api/v1/mentors/" + mid + "/mentees", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/mentors/" + mid + "/mentees/" + sid + "/end", nil, &stranger, 404, "not_found"},
		{"GET", "/api/v1/mentors/nope/mentoring", nil, nil, 404, "not_found"},
		{"GET", "/api/v1/equipment/" + l.eq + "/trained", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/equipment/" + l.eq + "/trained", map[string]any{"user_id": stranger.User.ID}, &stranger, 403, "forbidden"},
		{"DELETE", "/api/v1/equipment/" + l.eq + "/trained/" + founder.User.ID, nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/equipment/" + l.eq + "/bookings", slot, nil, 401, "unauthorized"},
		{"GET", "/api/v1/equipment/" + l.eq + "/bookings?limit=0", nil, nil, 400, "bad_request"},
		{"GET", "/api/v1/bookings?limit=10000", nil, &founder, 400, "bad_request"},
		{"GET", "/api/v1/pipeline?cursor=garbage", nil, &inv, 400, "bad_request"},
		{"GET", "/api/v1/bookings", nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/bookings/" + b.ID, nil, &stranger, 404, "not_found"},
		{"POST", "/api/v1/bookings/" + b.ID + "/approve", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/bookings/" + b.ID + "/reject", nil, &stranger, 404, "not_found"},
		{"POST", "/api/v1/bookings/" + b.ID + "/cancel", nil, &stranger, 404, "not_found"},
		{"POST", "/api/v1/bookings/" + b.ID + "/checkin", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/bookings/" + b.ID + "/checkout", nil, &founder, 403, "forbidden"},
		{"POST", "/api/v1/bookings/" + b.ID + "/no-show", nil, &founder, 403, "forbidden"},
		{"PUT", "/api/v1/bookings/" + b.ID + "/usage", map[string]any{"actual_start": "2025-03-03T01:00:00Z", "actual_end": "2025-03-03T02:00:00Z"}, &founder, 403, "forbidden"},
		{"GET", "/api/v1/usage/monthly", nil, &founder, 403, "forbidden"},
		{"GET", "/api/v1/usage/monthly.csv", nil, nil, 401, "unauthorized"},
		{"GET", "/api/v1/equipment/" + l.eq + "/bookings?from=tomorrow", nil, nil, 400, "bad_request"},
		{"GET", "/api/v1/equipment/nope/calendar.ics", nil, nil, 404, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := req{method: tc.method, path: tc.path, body: tc.body}
			if tc.who != nil {
				r.token = tc.who.Token
			}
			l.want(l.do(r), tc.status, tc.code)
		})
	}
	// An untrained user is not refused: the booking waits for the owner.
	var sb makerlink.Booking
	l.want(l.book(stranger, slot["start"].(string), slot["end"].(string)), 201, "").JSON(t, &sb)
	if sb.Status != "pending" || !sb.Untrained {
		t.Fatalf("untrained booking %+v", sb)
	}
	// And a bad token is 401 even on the public routes.
	l.want(l.do(req{method: "GET", path: "/api/v1/equipment/" + l.eq + "/calendar.ics", token: "bad"}), 401, "unauthorized")
}

// TestNoShowFreesTheRestOfTheSlot: 30 minutes after the start of a
// confirmed booking nobody checked in, the rest of its time can be booked.
func TestNoShowFreesTheRestOfTheSlot(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, false)
		var b makerlink.Booking
		l.want(l.book(l.owner, shanghai(2025, 3, 3, 9, 0), shanghai(2025, 3, 3, 13, 0)), 201, "").JSON(t, &b)
		l.clock.Advance(time.Date(2025, 3, 3, 1, 29, 0, 0, time.UTC).Sub(l.clock.Now()))
		l.want(l.book(l.user, shanghai(2025, 3, 3, 11, 0), shanghai(2025, 3, 3, 12, 0)), 409, makerlink.ESlotTaken)
		l.clock.Advance(time.Minute)
		l.want(l.book(l.user, shanghai(2025, 3, 3, 11, 0), shanghai(2025, 3, 3, 12, 0)), 201, "")
		var got makerlink.Booking
		l.want(l.do(req{method: "GET", path: "/api/v1/bookings/" + b.ID, token: l.owner.Token}), 200, "").JSON(t, &got)
		if got.Status != makerlink.BookingNoShow || got.CostCNY != 4*600 {
			t.Fatalf("no-show %+v", got)
		}
	})
}

// TestPendingBookingLapses: a booking still waiting for approval when its
// start comes stops holding its slot; the booker is told. A booking
// approved in time is not touched.
func TestPendingBookingLapses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, true)
		at := func(h, m int) { // Monday 2025-03-03 in Shanghai
			l.clock.Advance(time.Date(2025, 3, 3, h-8, m, 0, 0, time.UTC).Sub(l.clock.Now()))
		}
		status := func(id string) string {
			var b makerlink.Booking
			l.want(l.do(req{method: "GET", path: "/api/v1/bookings/" + id, token: l.owner.Token}), 200, "").JSON(t, &b)
			return b.Status
		}
		var early, late, approved makerlink.Booking
		l.want(l.book(l.user, shanghai(2025, 3, 3, 10, 0), shanghai(2025, 3, 3, 12, 0)), 201, "").JSON(t, &early)
		l.want(l.book(l.user, shanghai(2025, 3, 3, 13, 0), shanghai(2025, 3, 3, 14, 0)), 201, "").JSON(t, &late)
		l.want(l.book(l.user, shanghai(2025, 3, 3, 15, 0), shanghai(2025, 3, 3, 16, 0)), 201, "").JSON(t, &approved)
		if early.Status != makerlink.BookingPending || late.Status != makerlink.BookingPending {
			t.Fatalf("statuses %s, %s; want pending", early.Status, late.Status)
		}
		l.want(l.do(req{method: "POST", path: "/api/v1/bookings/" + approved.ID + "/approve", token: l.owner.Token}), 200, "")

		// Before its start the request holds its slot.
		at(8, 59)
		l.want(l.book(l.owner, shanghai(2025, 3, 3, 11, 0), shanghai(2025, 3, 3, 12, 0)), 409, makerlink.ESlotTaken)
		// From its start it has lapsed: the slot is free at once, before any sweep.
		at(10, 0)
		l.want(l.book(l.owner, shanghai(2025, 3, 3, 11, 0), shanghai(2025, 3, 3, 12, 0)), 201, "")
		if got := status(early.ID); got != makerlink.BookingRejected {
			t.Fatalf("lapsed request is %s, want %s", got, makerlink.BookingRejected)
		}
		if got := status(late.ID); got != makerlink.BookingPending {
			t.Fatalf("a request whose start has not come is %s, want pending", got)
		}

		// The sweeper lapses the others; an approved booking stays.
		at(15, 5)
		if err := l.srv.SweepConnections(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := status(late.ID); got != makerlink.BookingRejected {
			t.Fatalf("swept request is %s, want %s", got, makerlink.BookingRejected)
		}
		if got := status(approved.ID); got != makerlink.BookingConfirmed {
			t.Fatalf("approved booking is %s after the sweep, want confirmed", got)
		}
		// Sweeping again changes nothing and tells nobody twice.
		if err := l.srv.SweepConnections(context.Background()); err != nil {
			t.Fatal(err)
		}
		rejected := 0
		for _, typ := range l.notificationTypes(l.user.User.ID) {
			if typ == makerlink.NotifyBookingRejected {
				rejected++
			}
		}
		if rejected != 2 {
			t.Fatalf("%d lapse notifications, want 2: %v", rejected, l.notificationTypes(l.user.User.ID))
		}
	})
}

// TestIntroToDeletedStartup: a request whose startup was deleted cannot be
// accepted (409 conflict, nothing changes: no mentee, no place taken, no
// pipeline entry); it can still be declined.
func TestIntroToDeletedStartup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := connEnv(t, open)
		founder, mentor, inv := e.register(makerlink.RoleFounder), e.register(makerlink.RoleMentor), e.register(makerlink.RoleInvestor)
		mid, iid := e.mentor(mentor, 1), e.investor(inv, true)
		gone, kept := e.startup(founder), e.startup(founder)
		var toMentor, toInvestor introReply
		e.want(e.intro(founder, gone, "mentor", mid), 201, "").JSON(t, &toMentor)
		e.want(e.intro(founder, gone, "investor", iid), 201, "").JSON(t, &toInvestor)
		e.want(e.do(req{method: "DELETE", path: "/api/v1/startups/" + gone, token: founder.Token}), 204, "")

		e.clock.Advance(time.Hour)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + toMentor.ID + "/accept", token: mentor.Token}), 409, "conflict")
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + toInvestor.ID + "/accept", token: inv.Token}), 409, "conflict")
		var st makerlink.MentorState
		e.want(e.do(req{method: "GET", path: "/api/v1/mentors/" + mid + "/mentoring"}), 200, "").JSON(t, &st)
		if st.Active != 0 || !st.Accepting {
			t.Fatalf("mentor lost a place: %+v", st)
		}
		var board struct{ Items []makerlink.PipelineEntry }
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline", token: inv.Token}), 200, "").JSON(t, &board)
		if len(board.Items) != 0 {
			t.Fatalf("pipeline %+v", board.Items)
		}
		var in introReply
		e.want(e.do(req{method: "GET", path: "/api/v1/intros/" + toMentor.ID, token: mentor.Token}), 200, "").JSON(t, &in)
		if in.Status != "pending" || in.Contact != nil {
			t.Fatalf("intro changed: %+v", in)
		}
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + toMentor.ID + "/decline", token: mentor.Token}), 200, "")

		// The place is still free for a startup that exists.
		var ok introReply
		e.want(e.intro(founder, kept, "mentor", mid), 201, "").JSON(t, &ok)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + ok.ID + "/accept", token: mentor.Token}), 200, "")
	})
}

// TestListDefaultPage: GET /pipeline, GET /bookings and GET
// /equipment/{id}/bookings take limit and cursor like every list: bad
// values are 400, and without limit a page holds 20 items (the contract's
// default) with a next_cursor to the rest. Pages follow each other with
// no duplicates and no gaps, and walking them with any limit gives the
// same list as one page of 100.
func TestListDefaultPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		l := newLabEnv(t, open, false)
		inv := l.register(makerlink.RoleInvestor)
		const boardSize = 25
		for range boardSize {
			sid := l.startup(l.user)
			l.want(l.do(req{method: "PUT", path: "/api/v1/pipeline/" + sid, token: inv.Token, body: map[string]any{"stage": "new"}}), 200, "")
			l.clock.Advance(time.Second)
		}
		// Two Mondays of one-hour bookings: 09:00-17:00, 20:00-24:00 and
		// Tuesday 00:00-02:00 are 14 slots a week, 28 in all.
		booked := 0
		for _, day := range []int{3, 10} {
			for h := 9; h < 17; h++ {
				l.want(l.book(l.user, shanghai(2025, 3, day, h, 0), shanghai(2025, 3, day, h+1, 0)), 201, "")
				booked++
			}
			for h := 20; h < 26; h++ {
				l.want(l.book(l.user, shanghai(2025, 3, day, h, 0), shanghai(2025, 3, day, h+1, 0)), 201, "")
				booked++
			}
		}
		window := "from=2025-03-03&to=2025-03-12"
		lists := []struct {
			name, path string
			who        account
			total      int
		}{
			{"pipeline", "/api/v1/pipeline?", inv, boardSize},
			{"my bookings", "/api/v1/bookings?" + window + "&", l.user, booked},
			{"equipment bookings (owner)", "/api/v1/equipment/" + l.eq + "/bookings?" + window + "&", l.owner, booked},
			{"equipment bookings (others)", "/api/v1/equipment/" + l.eq + "/bookings?" + window + "&", l.untrained, booked},
		}
		type page struct {
			Items      []json.RawMessage
			NextCursor *string `json:"next_cursor"`
		}
		for _, tc := range lists {
			t.Run(tc.name, func(t *testing.T) {
				get := func(q string) page {
					t.Helper()
					var p page
					l.want(l.do(req{method: "GET", path: tc.path + q, token: tc.who.Token}), 200, "").JSON(t, &p)
					return p
				}
				for _, bad := range []string{"limit=0", "limit=101", "limit=10000", "limit=-1", "limit=x", "cursor=garbage", "cursor=%25%25", "cursor=" + strings.Repeat("A", 30)} {
					l.want(l.do(req{method: "GET", path: tc.path + bad, token: tc.who.Token}), 400, "bad_request")
				}
				all := get("limit=100")
				if len(all.Items) != tc.total || all.NextCursor != nil {
					t.Fatalf("limit=100: %d items, cursor %v; want %d and none", len(all.Items), all.NextCursor, tc.total)
				}
				var want []string
				for _, it := range all.Items {
					want = append(want, string(it))
				}

				first := get("")
				if len(first.Items) != api.DefaultListLimit || first.NextCursor == nil {
					t.Fatalf("default page: %d items, cursor %v; want %d and a cursor", len(first.Items), first.NextCursor, api.DefaultListLimit)
				}
				second := get("cursor=" + url.QueryEscape(*first.NextCursor))
				if len(second.Items) != tc.total-api.DefaultListLimit || second.NextCursor != nil {
					t.Fatalf("second page: %d items, cursor %v; want %d and none", len(second.Items), second.NextCursor, tc.total-api.DefaultListLimit)
				}
				var seen []string
				for _, it := range append(first.Items, second.Items...) {
					seen = append(seen, string(it))
				}
				if !slices.Equal(seen, want) {
					t.Fatalf("default pages %v\nwant %v", seen, want)
				}

				// Small pages walk the same list.
				seen = nil
				q := "limit=7"
				for range tc.total {
					p := get(q)
					for _, it := range p.Items {
						seen = append(seen, string(it))
					}
					if p.NextCursor == nil {
						break
					}
					if len(p.Items) != 7 {
						t.Fatalf("page of %d before the end", len(p.Items))
					}
					q = "limit=7&cursor=" + url.QueryEscape(*p.NextCursor)
				}
				if !slices.Equal(seen, want) {
					t.Fatalf("pages of 7 %v\nwant %v", seen, want)
				}
				if dup := firstDuplicate(seen); dup != "" {
					t.Fatalf("%s twice", dup)
				}
			})
		}
	})
}

// TestListDefaultPageDocumented: the OpenAPI document gives these lists
// the shared limit parameter, whose default is the 20 they now page by.
func TestListDefaultPageDocumented(t *testing.T) {
	e := newEnv(t, engines[0].open)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []map[string]string
		}
		Components struct {
			Parameters map[string]struct {
				Name   string
				Schema struct{ Default, Maximum int }
			}
		}
	}
	e.want(e.do(req{method: "GET", path: "/api/v1/openapi.json"}), 200, "").JSON(t, &doc)
	for _, path := range []string{"/api/v1/pipeline", "/api/v1/bookings", "/api/v1/equipment/{id}/bookings", "/api/v1/events/{id}/questions"} {
		found := false
		for _, p := range doc.Paths[path]["get"].Parameters {
			cp := doc.Components.Parameters[strings.TrimPrefix(p["$ref"], "#/components/parameters/")]
			if cp.Name != "limit" {
				continue
			}
			found = true
			if cp.Schema.Default != api.DefaultListLimit || cp.Schema.Maximum != api.MaxListLimit {
				t.Errorf("GET %s: limit default %d, maximum %d", path, cp.Schema.Default, cp.Schema.Maximum)
			}
		}
		if !found {
			t.Errorf("GET %s: no limit parameter", path)
		}
	}
}

// firstDuplicate returns the first string that occurs twice in list, or "".
func firstDuplicate(list []string) string {
	set := make(map[string]bool, len(list))
	for _, s := range list {
		if set[s] {
			return s
		}
		set[s] = true
	}
	return ""
}
