package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/api"
)

// eventEnv is an API with an event: an organizer, two founders with a
// pitch each, a judge, and a judge of another event.
type eventEnv struct {
	*env
	organizer, judge, otherJudge, investor, fan account
	founders                                    []account
	eventID, otherEventID                       string
	pitches                                     []string
}

func newEventEnv(t *testing.T, open func(testing.TB) makerlink.Store, hide bool) *eventEnv {
	t.Helper()
	e := &eventEnv{env: newEnv(t, open)}
	e.organizer = e.register(makerlink.RoleOrganizer)
	e.judge = e.register(makerlink.RoleMentor)
	e.otherJudge = e.register(makerlink.RoleMentor)
	e.investor = e.register(makerlink.RoleInvestor)
	e.fan = e.register()
	body := map[string]any{
		"name": "宁夏创新创业大赛 · 银川赛区", "starts_at": "2026-12-01T09:00:00+08:00", "hide_results_until_close": hide,
		"rubric": []map[string]any{{"key": "team", "label": "团队", "weight": 2, "max": 10}, {"key": "market", "label": "市场", "weight": 1, "max": 5}},
	}
	r := e.want(e.do(req{method: "POST", path: "/api/v1/events", body: body, token: e.organizer.Token}), 201, "")
	var ev struct {
		ID           string `json:"id"`
		PitchSeconds int    `json:"pitch_seconds"`
		QASeconds    int    `json:"qa_seconds"`
		Preset       string `json:"preset"`
	}
	r.JSON(t, &ev)
	if ev.PitchSeconds != 480 || ev.QASeconds != 420 || ev.Preset != "8+7" || r.Header.Get("Location") != "/api/v1/events/"+ev.ID {
		t.Fatalf("created event %s", r.Body)
	}
	e.eventID = ev.ID
	r = e.want(e.do(req{method: "POST", path: "/api/v1/events", token: e.organizer.Token,
		body: map[string]any{"name": "另一场", "starts_at": "2026-12-02T09:00:00+08:00", "pitch_seconds": 300, "qa_seconds": 300}}), 201, "")
	e.otherEventID = r.Map(t)["id"].(string)
	e.want(e.do(req{method: "POST", path: "/api/v1/events/" + e.otherEventID + "/judges", token: e.organizer.Token,
		body: map[string]any{"user_id": e.otherJudge.User.ID}}), 201, "")
	for i := range 2 {
		f := e.register(makerlink.RoleFounder)
		sb := sampleBody(t, makerlink.KindStartup)
		sb["name"] = fmt.Sprintf("贺兰山科技%d号", i)
		sid := e.create(f.Token, makerlink.KindStartup, sb)
		r := e.want(e.do(req{method: "POST", path: "/api/v1/events/" + e.eventID + "/pitches", token: e.organizer.Token,
			body: map[string]any{"startup_id": sid}}), 201, "")
		e.founders = append(e.founders, f)
		e.pitches = append(e.pitches, r.Map(t)["id"].(string))
	}
	e.want(e.do(req{method: "POST", path: "/api/v1/events/" + e.eventID + "/judges", token: e.organizer.Token,
		body: map[string]any{"user_id": e.judge.User.ID}}), 201, "")
	return e
}

func (e *eventEnv) path(rest string) string { return "/api/v1/events/" + e.eventID + rest }

func (e *eventEnv) control(action, pitchID string) reply {
	e.t.Helper()
	return e.want(e.do(req{method: "POST", path: e.path("/control"), token: e.organizer.Token,
		body: map[string]any{"action": action, "pitch_id": pitchID}}), 200, "")
}

// An organizer adds a judge by e-mail address (as typed: any case,
// spaces around); the judge is told and shows in the list.
func TestAddJudgeByEmail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		r := e.want(e.do(req{method: "POST", path: e.path("/judges"), token: e.organizer.Token,
			body: map[string]any{"email": "  " + strings.ToUpper(e.fan.Email) + " "}}), 201, "")
		if got := r.Map(t)["user_id"]; got != e.fan.User.ID {
			t.Fatalf("judge added by e-mail is %v, want %s", got, e.fan.User.ID)
		}
		var list struct {
			Items []struct {
				UserID string `json:"user_id"`
			}
		}
		e.want(e.do(req{method: "GET", path: e.path("/judges")}), 200, "").JSON(t, &list)
		found := false
		for _, j := range list.Items {
			found = found || j.UserID == e.fan.User.ID
		}
		if !found {
			t.Fatalf("judges %+v lack the judge added by e-mail", list.Items)
		}
		if types := e.notificationTypes(e.fan.User.ID); len(types) == 0 || types[0] != makerlink.NotifyJudgeAssigned {
			t.Fatalf("the new judge's notifications %v, want %s first", types, makerlink.NotifyJudgeAssigned)
		}
	})
}

func TestEventsRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		p := e.pitches[0]
		score := map[string]any{"scores": map[string]any{"team": 8, "market": 4}}
		tests := []struct {
			name   string
			r      req
			status int
			code   string
		}{
			{"AnonymousCreate", req{method: "POST", path: "/api/v1/events", body: map[string]any{"name": "x"}}, 401, makerlink.EUnauthorized},
			{"FounderCreate", req{method: "POST", path: "/api/v1/events", token: e.founders[0].Token,
				body: map[string]any{"name": "x", "starts_at": "2026-12-01T09:00:00Z"}}, 403, makerlink.EForbidden},
			{"BadRubric", req{method: "POST", path: "/api/v1/events", token: e.organizer.Token,
				body: map[string]any{"name": "x", "starts_at": "2026-12-01T09:00:00Z", "rubric": []map[string]any{{"key": "a", "label": "A", "weight": 0, "max": 10}}}}, 422, makerlink.EValidation},
			{"BadJSON", req{method: "POST", path: "/api/v1/events", token: e.organizer.Token, body: `{"name":`}, 400, makerlink.EBadJSON},
			{"NoStart", req{method: "POST", path: "/api/v1/events", token: e.organizer.Token, body: map[string]any{"name": "x"}}, 422, makerlink.EValidation},
			{"MissingEvent", req{method: "GET", path: "/api/v1/events/nope"}, 404, makerlink.ENotFound},
			{"NonOrganizerControl", req{method: "POST", path: e.path("/control"), token: e.judge.Token,
				body: map[string]any{"action": "start_pitch", "pitch_id": p}}, 403, makerlink.EForbidden},
			{"AnonymousControl", req{method: "POST", path: e.path("/control"), body: map[string]any{"action": "start_pitch", "pitch_id": p}}, 401, makerlink.EUnauthorized},
			{"UnknownAction", req{method: "POST", path: e.path("/control"), token: e.organizer.Token,
				body: map[string]any{"action": "explode", "pitch_id": p}}, 422, makerlink.EValidation},
			{"NonOrganizerPitch", req{method: "POST", path: e.path("/pitches"), token: e.founders[0].Token,
				body: map[string]any{"startup_id": "x"}}, 403, makerlink.EForbidden},
			{"UnknownStartup", req{method: "POST", path: e.path("/pitches"), token: e.organizer.Token,
				body: map[string]any{"startup_id": "nope"}}, 422, makerlink.EValidation},
			{"NonOrganizerJudge", req{method: "POST", path: e.path("/judges"), token: e.judge.Token,
				body: map[string]any{"user_id": e.fan.User.ID}}, 403, makerlink.EForbidden},
			{"JudgeTwice", req{method: "POST", path: e.path("/judges"), token: e.organizer.Token,
				body: map[string]any{"user_id": e.judge.User.ID}}, 409, makerlink.EConflict},
			// Only the organizer learns whether an address has an account.
			{"NonOrganizerJudgeByEmail", req{method: "POST", path: e.path("/judges"), token: e.judge.Token,
				body: map[string]any{"email": e.fan.Email}}, 403, makerlink.EForbidden},
			{"NonOrganizerJudgeUnknownEmail", req{method: "POST", path: e.path("/judges"), token: e.judge.Token,
				body: map[string]any{"email": "nobody@example.cn"}}, 403, makerlink.EForbidden},
			{"UnknownJudgeEmail", req{method: "POST", path: e.path("/judges"), token: e.organizer.Token,
				body: map[string]any{"email": "nobody@example.cn"}}, 422, makerlink.EValidation},
			{"JudgeTwiceByEmail", req{method: "POST", path: e.path("/judges"), token: e.organizer.Token,
				body: map[string]any{"email": e.judge.Email}}, 409, makerlink.EConflict},
			{"NoJudge", req{method: "POST", path: e.path("/judges"), token: e.organizer.Token, body: map[string]any{}}, 422, makerlink.EValidation},
			{"ScoreBeforeStart", req{method: "PUT", path: e.path("/pitches/" + p + "/scores/me"), token: e.judge.Token, body: score}, 409, makerlink.EConflict},
			{"JudgeOfAnotherEvent", req{method: "PUT", path: e.path("/pitches/" + p + "/scores/me"), token: e.otherJudge.Token, body: score}, 403, makerlink.EForbidden},
			{"AudienceScore", req{method: "PUT", path: e.path("/pitches/" + p + "/scores/me"), token: e.fan.Token, body: score}, 403, makerlink.EForbidden},
			{"AnonymousVote", req{method: "POST", path: e.path("/pitches/" + p + "/votes")}, 401, makerlink.EUnauthorized},
			{"VoteBeforeOpen", req{method: "POST", path: e.path("/pitches/" + p + "/votes"), token: e.fan.Token}, 409, makerlink.EConflict},
			{"VoteUnknownPitch", req{method: "POST", path: e.path("/pitches/nope/votes"), token: e.fan.Token}, 404, makerlink.ENotFound},
			{"JudgeProgress", req{method: "GET", path: e.path("/progress"), token: e.judge.Token}, 403, makerlink.EForbidden},
			{"AudienceAudit", req{method: "GET", path: e.path("/audit"), token: e.fan.Token}, 403, makerlink.EForbidden},
			{"AnonymousAudit", req{method: "GET", path: e.path("/audit")}, 401, makerlink.EUnauthorized},
			{"FanIntent", req{method: "POST", path: e.path("/pitches/" + p + "/intents"), token: e.fan.Token}, 403, makerlink.EForbidden},
			{"EmptyQuestion", req{method: "POST", path: e.path("/questions"), token: e.fan.Token, body: map[string]any{"text": " "}}, 422, makerlink.EValidation},
			{"NotificationsAnonymous", req{method: "GET", path: "/api/v1/notifications"}, 401, makerlink.EUnauthorized},
			{"NotificationsBadLimit", req{method: "GET", path: "/api/v1/notifications?limit=0", token: e.fan.Token}, 400, makerlink.EBadRequest},
			{"NoHub", req{method: "GET", path: "/ws"}, 503, makerlink.EUnavailable},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { e.want(e.do(tt.r), tt.status, tt.code) })
		}

		// Scores outside the rubric: 422 with the field named, nothing stored.
		e.control("start_pitch", p)
		for _, tc := range []struct {
			scores map[string]any
			field  string
		}{
			{map[string]any{"team": 11, "market": 4}, "scores.team"},
			{map[string]any{"team": 1, "market": -1}, "scores.market"},
			{map[string]any{"team": 1, "market": 1, "charisma": 3}, "scores.charisma"},
			{map[string]any{"team": 1}, "scores.market"},
		} {
			r := e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + p + "/scores/me"), token: e.judge.Token,
				body: map[string]any{"scores": tc.scores}}), 422, makerlink.EValidation)
			if errs := r.Problem(t).Errors; len(errs) != 1 || errs[0].Field != tc.field {
				t.Fatalf("scores %v: errors %+v, want %s", tc.scores, errs, tc.field)
			}
		}
		es := e.store.(makerlink.EventStore)
		if sc, _ := es.FindScores(context.Background(), e.eventID); len(sc) != 0 {
			t.Fatalf("a refused score was stored: %+v", sc)
		}
		e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + p + "/scores/me"), token: e.judge.Token,
			body: `{"scores":{"team":"eight","market":4}}`}), 400, makerlink.EBadJSON)
	})
}

func TestEventsFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, true)
		p1, p2 := e.pitches[0], e.pitches[1]

		r := e.control("start_pitch", p1)
		var view struct {
			Now     time.Time `json:"now"`
			Pitches []struct {
				ID               string     `json:"id"`
				State            string     `json:"state"`
				StartedAt        *time.Time `json:"started_at"`
				PhaseEndsAt      *time.Time `json:"phase_ends_at"`
				RemainingSeconds *float64   `json:"remaining_seconds"`
				PhaseSeconds     int        `json:"phase_seconds"`
			} `json:"pitches"`
		}
		r.JSON(t, &view)
		on := view.Pitches[0]
		if on.State != "pitching" || on.PhaseSeconds != 480 || on.PhaseEndsAt == nil || !on.PhaseEndsAt.Equal(on.StartedAt.Add(480*time.Second)) ||
			on.RemainingSeconds == nil || *on.RemainingSeconds > 480 || view.Now.IsZero() {
			t.Fatalf("timer state %s", r.Body)
		}
		// A late joiner gets the same end time and the server's clock.
		var late struct {
			Now     time.Time `json:"now"`
			Pitches []struct {
				PhaseEndsAt *time.Time `json:"phase_ends_at"`
			} `json:"pitches"`
		}
		e.want(e.do(req{method: "GET", path: e.path("")}), 200, "").JSON(t, &late)
		if !late.Pitches[0].PhaseEndsAt.Equal(*on.PhaseEndsAt) || late.Now.Before(view.Now) {
			t.Fatalf("late joiner: %+v", late)
		}
		e.control("start_qa", p1)
		e.want(e.do(req{method: "POST", path: e.path("/control"), token: e.organizer.Token,
			body: map[string]any{"action": "start_pitch", "pitch_id": p2}}), 409, makerlink.EConflict)

		e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + p1 + "/scores/me"), token: e.judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 8, "market": 5}, "comment": "团队扎实"}}), 200, "")
		// Changing it is fine until scoring closes.
		sc := e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + p1 + "/scores/me"), token: e.judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 5, "market": 0}}}), 200, "").Map(t)
		if math.Abs(sc["total"].(float64)-100.0/3) > 1e-9 {
			t.Fatalf("score %v", sc)
		}

		// Votes: stored before the 201, once per account.
		e.control("open_voting", p1)
		es := e.store.(makerlink.EventStore)
		voters := []account{e.fan, e.investor, e.founders[1]}
		for i, a := range voters {
			e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p1 + "/votes"), token: a.Token}), 201, "")
			counts, err := es.CountVotes(context.Background(), e.eventID)
			if err != nil || counts[p1] != int64(i+1) {
				t.Fatalf("after %d acknowledged votes the database holds %v (%v)", i+1, counts, err)
			}
		}
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p1 + "/votes"), token: e.fan.Token}), 409, makerlink.EAlreadyVoted)
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p2 + "/votes"), token: e.fan.Token}), 409, makerlink.EConflict)

		// Hidden from the audience until voting closes; insiders see it.
		var lb struct {
			Version int64 `json:"version"`
			Hidden  bool  `json:"hidden"`
			Items   []struct {
				PitchID    string   `json:"pitch_id"`
				StartupID  string   `json:"startup_id"`
				Rank       int      `json:"rank"`
				JudgeScore *float64 `json:"judge_score"`
				Norm       *float64 `json:"judge_score_normalized"`
				Votes      int64    `json:"votes"`
			} `json:"items"`
		}
		e.want(e.do(req{method: "GET", path: e.path("/leaderboard"), token: e.fan.Token}), 200, "").JSON(t, &lb)
		if !lb.Hidden || len(lb.Items) != 0 {
			t.Fatalf("audience sees hidden results: %+v", lb)
		}
		e.want(e.do(req{method: "GET", path: e.path("/results.csv")}), 403, makerlink.EForbidden)
		e.want(e.do(req{method: "GET", path: e.path("/leaderboard"), token: e.judge.Token}), 200, "").JSON(t, &lb)
		if lb.Hidden || len(lb.Items) != 2 || lb.Items[0].PitchID != p1 || lb.Items[0].Votes != 3 || math.Abs(*lb.Items[0].JudgeScore-100.0/3) > 1e-9 ||
			lb.Items[1].JudgeScore != nil || lb.Version < 3 {
			t.Fatalf("judge's leaderboard %+v", lb)
		}
		e.control("close_voting", p1)
		e.control("end_pitch", p1)

		// Questions.
		q := e.want(e.do(req{method: "POST", path: e.path("/questions"), token: e.fan.Token, body: map[string]any{"text": "明年的营收目标？"}}), 201, "").Map(t)
		qid := q["id"].(string)
		e.want(e.do(req{method: "POST", path: e.path("/questions/" + qid + "/upvote"), token: e.investor.Token}), 200, "")
		e.want(e.do(req{method: "POST", path: e.path("/questions/" + qid + "/upvote"), token: e.investor.Token}), 409, makerlink.EAlreadyVoted)
		e.want(e.do(req{method: "POST", path: e.path("/questions/" + qid + "/hide"), token: e.fan.Token}), 403, makerlink.EForbidden)
		e.want(e.do(req{method: "POST", path: e.path("/questions/" + qid + "/hide"), token: e.organizer.Token}), 200, "")
		if items := e.want(e.do(req{method: "GET", path: e.path("/questions")}), 200, "").Map(t)["items"].([]any); len(items) != 0 {
			t.Fatalf("hidden question listed: %v", items)
		}

		// An intent card notifies the founder, who also got "your pitch is next".
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p2 + "/intents"), token: e.investor.Token,
			body: map[string]any{"note": "想约个时间详谈"}}), 201, "")
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p2 + "/intents"), token: e.investor.Token,
			body: map[string]any{"note": "已约"}}), 200, "")
		e.want(e.do(req{method: "GET", path: e.path("/pitches/" + p2 + "/intents"), token: e.fan.Token}), 403, makerlink.EForbidden)
		var inbox struct {
			Items []struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
			Unread     int     `json:"unread"`
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/notifications?unread=true", token: e.founders[1].Token}), 200, "").JSON(t, &inbox)
		if len(inbox.Items) != 2 || inbox.Unread != 2 || inbox.Items[0].Type != makerlink.NotifyIntentReceived || inbox.Items[1].Type != makerlink.NotifyPitchNext {
			t.Fatalf("founder inbox %+v", inbox)
		}
		nid := inbox.Items[0].ID
		e.want(e.do(req{method: "POST", path: "/api/v1/notifications/" + nid + "/read", token: e.fan.Token}), 404, makerlink.ENotFound)
		rr := e.want(e.do(req{method: "POST", path: "/api/v1/notifications/" + nid + "/read", token: e.founders[1].Token}), 200, "").Map(t)
		if rr["unread"].(float64) != 1 {
			t.Fatalf("read reply %v", rr)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/notifications?unread=true&limit=1", token: e.founders[1].Token}), 200, "").JSON(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].Type != makerlink.NotifyPitchNext || inbox.NextCursor != nil {
			t.Fatalf("unread after reading one: %+v", inbox)
		}

		// The second pitch; then the results are published.
		e.control("start_pitch", p2)
		e.control("open_voting", p2)
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p2 + "/votes"), token: e.fan.Token}), 201, "")
		e.control("end_pitch", p2)
		e.control("publish_results", "")
		e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + p1 + "/scores/me"), token: e.judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 9, "market": 5}}}), 409, makerlink.EConflict)
		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + p2 + "/votes"), token: e.investor.Token}), 409, makerlink.EConflict)
		e.want(e.do(req{method: "GET", path: e.path("/leaderboard")}), 200, "").JSON(t, &lb)
		if lb.Hidden || len(lb.Items) != 2 || lb.Items[1].Votes != 1 {
			t.Fatalf("published leaderboard %+v", lb)
		}

		// CSV export.
		cr := e.want(e.do(req{method: "GET", path: e.path("/results.csv")}), 200, "")
		if ct := cr.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type %q", ct)
		}
		rows, err := csv.NewReader(strings.NewReader(string(cr.Body))).ReadAll()
		if err != nil || len(rows) != 3 || rows[0][0] != "rank" || rows[1][1] != p1 || !strings.HasPrefix(rows[1][5], "33.33333333") || rows[1][7] != "3" {
			t.Fatalf("csv %q, %v", rows, err)
		}
		if b := e.want(e.do(req{method: "GET", path: e.path("/results.csv?bom=1")}), 200, "").Body; !strings.HasPrefix(string(b), "\ufeff") {
			t.Fatal("?bom=1 without a byte-order mark")
		}

		// The audit log: both score versions, in order.
		var audit struct {
			Items []struct {
				Seq     int64  `json:"seq"`
				Action  string `json:"action"`
				JudgeID string `json:"judge_id"`
			} `json:"items"`
		}
		e.want(e.do(req{method: "GET", path: e.path("/audit?limit=1000"), token: e.organizer.Token}), 200, "").JSON(t, &audit)
		n := 0
		for _, a := range audit.Items {
			if a.Action == makerlink.AuditScoreSet && a.JudgeID == e.judge.User.ID {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d score_set entries, want 2: %+v", n, audit.Items)
		}
		var prog struct {
			Judges []struct {
				UserID   string `json:"user_id"`
				Scored   int    `json:"scored"`
				Expected int    `json:"expected"`
			} `json:"judges"`
		}
		e.want(e.do(req{method: "GET", path: e.path("/progress"), token: e.organizer.Token}), 200, "").JSON(t, &prog)
		if len(prog.Judges) != 1 || prog.Judges[0].Scored != 1 || prog.Judges[0].Expected != 2 {
			t.Fatalf("progress %+v", prog)
		}
	})
}

// TestConflictOfInterestOverHTTP: a judge who owns a startup is recused
// from its pitch automatically; a score is 403 conflict_of_interest, the
// audit shows why, and the leaderboard never counts it.
func TestConflictOfInterestOverHTTP(t *testing.T) {
	e := newEventEnv(t, engines[0].open, false)
	// The judge also runs a startup that pitches.
	sb := sampleBody(t, makerlink.KindStartup)
	sb["name"] = "评委自己的公司"
	sid := e.create(e.judge.Token, makerlink.KindStartup, sb)
	pid := e.want(e.do(req{method: "POST", path: e.path("/pitches"), token: e.organizer.Token,
		body: map[string]any{"startup_id": sid}}), 201, "").Map(t)["id"].(string)
	e.control("start_pitch", pid)
	e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + pid + "/scores/me"), token: e.judge.Token,
		body: map[string]any{"scores": map[string]any{"team": 10, "market": 5}}}), 403, makerlink.EConflictOfInterest)
	// A declared recusal works the same way.
	e.control("end_pitch", pid)
	e.control("start_pitch", e.pitches[0])
	e.want(e.do(req{method: "POST", path: e.path("/pitches/" + e.pitches[0] + "/recusals"), token: e.judge.Token,
		body: map[string]any{"reason": "我曾是这家公司的顾问"}}), 201, "")
	e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + e.pitches[0] + "/scores/me"), token: e.judge.Token,
		body: map[string]any{"scores": map[string]any{"team": 10, "market": 5}}}), 403, makerlink.EConflictOfInterest)
	e.want(e.do(req{method: "POST", path: e.path("/pitches/" + e.pitches[0] + "/recusals"), token: e.fan.Token,
		body: map[string]any{"reason": "x"}}), 403, makerlink.EForbidden)

	var audit struct {
		Items []struct {
			Action string         `json:"action"`
			Detail map[string]any `json:"detail"`
		} `json:"items"`
	}
	e.want(e.do(req{method: "GET", path: e.path("/audit?limit=1000"), token: e.organizer.Token}), 200, "").JSON(t, &audit)
	var reasons []string
	refused := 0
	for _, a := range audit.Items {
		switch a.Action {
		case makerlink.AuditRecused:
			reasons = append(reasons, a.Detail["reason"].(string))
		case makerlink.AuditScoreRefused:
			refused++
		}
	}
	if fmt.Sprint(reasons) != fmt.Sprint([]string{makerlink.RecuseOwner, makerlink.RecuseDeclared}) || refused != 2 {
		t.Fatalf("audit: recusals %v, %d refused scores", reasons, refused)
	}
	var lb struct {
		Items []struct {
			Judges int `json:"judges"`
		} `json:"items"`
	}
	e.want(e.do(req{method: "GET", path: e.path("/leaderboard")}), 200, "").JSON(t, &lb)
	for _, it := range lb.Items {
		if it.Judges != 0 {
			t.Fatalf("a recused judge's score counts: %+v", lb)
		}
	}
}

// TestEventsWithPipeline: an investor judge with the startup on their
// pipeline is recused from its pitch; an investor's intent card puts the
// startup on their pipeline (issue 6).
func TestEventsWithPipeline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		judge := e.register(makerlink.RoleInvestor)
		sid := e.want(e.do(req{method: "GET", path: e.path("")}), 200, "").Map(t)["pitches"].([]any)[0].(map[string]any)["startup_id"].(string)
		e.want(e.do(req{method: "PUT", path: "/api/v1/pipeline/" + sid, token: judge.Token,
			body: map[string]any{"stage": "meeting"}}), 200, "")
		e.want(e.do(req{method: "POST", path: e.path("/judges"), token: e.organizer.Token,
			body: map[string]any{"user_id": judge.User.ID}}), 201, "")
		e.control("start_pitch", e.pitches[0])
		e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + e.pitches[0] + "/scores/me"), token: judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 9, "market": 5}}}), 403, makerlink.EConflictOfInterest)
		// The other pitch is fine.
		e.control("end_pitch", e.pitches[0])
		e.control("start_pitch", e.pitches[1])
		e.want(e.do(req{method: "PUT", path: e.path("/pitches/" + e.pitches[1] + "/scores/me"), token: judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 9, "market": 5}}}), 200, "")

		e.want(e.do(req{method: "POST", path: e.path("/pitches/" + e.pitches[1] + "/intents"), token: e.investor.Token,
			body: map[string]any{"note": "下周约见"}}), 201, "")
		var board struct {
			Items []struct {
				StartupID string `json:"startup_id"`
				Stage     string `json:"stage"`
				Source    string `json:"source"`
			} `json:"items"`
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/pipeline", token: e.investor.Token}), 200, "").JSON(t, &board)
		if len(board.Items) != 1 || board.Items[0].Stage != "new" || board.Items[0].Source != makerlink.SourceIntent {
			t.Fatalf("investor's pipeline after an intent card: %+v", board)
		}
	})
}

// TestAddPitchHiddenStartup: event pages are public, so only a public
// startup pitches. An organizer who may not see a startup (GET
// /startups/{id} is 404 for them) gets exactly the reply of an unknown id;
// one who sees it learns that its founder must make it public first.
// Neither adds it, and its name shows nowhere.
func TestAddPitchHiddenStartup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		founder := e.register(makerlink.RoleFounder)
		sb := sampleBody(t, makerlink.KindStartup)
		sb["name"], sb["visibility"] = "隐身科技", makerlink.VisibilityInvestors
		hidden := e.create(founder.Token, makerlink.KindStartup, sb)
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + hidden, token: e.organizer.Token}), 404, makerlink.ENotFound)

		unknown := e.want(e.do(req{method: "POST", path: e.path("/pitches"), token: e.organizer.Token,
			body: map[string]any{"startup_id": "no-such-startup"}}), 422, makerlink.EValidation)
		got := e.want(e.do(req{method: "POST", path: e.path("/pitches"), token: e.organizer.Token,
			body: map[string]any{"startup_id": hidden}}), 422, makerlink.EValidation)
		withoutID := func(r reply) string {
			m := r.Map(t)
			delete(m, "request_id")
			return fmt.Sprint(m)
		}
		if withoutID(got) != withoutID(unknown) || got.Status != unknown.Status {
			t.Fatalf("a startup the organizer may not see: %s; an unknown id: %s", got.Body, unknown.Body)
		}

		// An organizer who is also an investor sees it: told why, not added.
		both := e.register(makerlink.RoleOrganizer, makerlink.RoleInvestor)
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + hidden, token: both.Token}), 200, "")
		ev := e.want(e.do(req{method: "POST", path: "/api/v1/events", token: both.Token,
			body: map[string]any{"name": "投资人路演", "starts_at": "2026-12-03T09:00:00+08:00"}}), 201, "").Map(t)["id"].(string)
		for _, a := range []account{both, e.admin()} {
			p := e.want(e.do(req{method: "POST", path: "/api/v1/events/" + ev + "/pitches", token: a.Token,
				body: map[string]any{"startup_id": hidden}}), 422, makerlink.EValidation).Problem(t)
			if len(p.Errors) != 1 || p.Errors[0].Field != "startup_id" || p.Errors[0].Code != makerlink.FInvalid ||
				!strings.Contains(p.Errors[0].Message, "make it public") {
				t.Fatalf("errors %+v", p.Errors)
			}
		}
		for _, path := range []string{e.path(""), e.path("/leaderboard"), e.path("/results.csv"), "/api/v1/events/" + ev} {
			if b := e.want(e.do(req{method: "GET", path: path}), 200, "").Body; strings.Contains(string(b), "隐身科技") || strings.Contains(string(b), hidden) {
				t.Fatalf("GET %s shows the hidden startup: %s", path, b)
			}
		}
	})
}

// TestEventsPublishedRefusals: once the results are published, adding a
// pitch or a judge (by id or e-mail), declaring a recusal, asking or
// upvoting a question is 409, like any control action, and the final
// leaderboard does not change.
func TestEventsPublishedRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		f := e.register(makerlink.RoleFounder)
		sid := e.create(f.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
		e.control("start_pitch", e.pitches[0])
		qid := e.want(e.do(req{method: "POST", path: e.path("/questions"), token: e.fan.Token, body: map[string]any{"text": "回本周期多久？"}}), 201, "").Map(t)["id"].(string)
		e.control("publish_results", "")
		before := e.want(e.do(req{method: "GET", path: e.path("/leaderboard")}), 200, "").Map(t)
		for _, r := range []req{
			{method: "POST", path: e.path("/control"), token: e.organizer.Token, body: map[string]any{"action": "end_pitch", "pitch_id": e.pitches[0]}},
			{method: "POST", path: e.path("/pitches"), token: e.organizer.Token, body: map[string]any{"startup_id": sid}},
			{method: "POST", path: e.path("/judges"), token: e.organizer.Token, body: map[string]any{"user_id": e.fan.User.ID}},
			{method: "POST", path: e.path("/judges"), token: e.organizer.Token, body: map[string]any{"email": e.fan.Email}},
			{method: "POST", path: e.path("/pitches/" + e.pitches[0] + "/recusals"), token: e.judge.Token, body: map[string]any{"reason": "迟到的声明"}},
			{method: "POST", path: e.path("/questions"), token: e.fan.Token, body: map[string]any{"text": "还能提问吗？"}},
			{method: "POST", path: e.path("/questions/" + qid + "/upvote"), token: e.investor.Token},
		} {
			p := e.want(e.do(r), 409, makerlink.EConflict).Problem(t)
			if !strings.Contains(p.Detail, "The results of this event are published; nothing can change") {
				t.Fatalf("%s %s: %+v", r.method, r.path, p)
			}
		}
		after := e.want(e.do(req{method: "GET", path: e.path("/leaderboard")}), 200, "").Map(t)
		if fmt.Sprint(after["items"]) != fmt.Sprint(before["items"]) || after["final"] != true {
			t.Fatalf("leaderboard changed after publishing: %v -> %v", before, after)
		}
		if js := e.want(e.do(req{method: "GET", path: e.path("/judges")}), 200, "").Map(t)["items"].([]any); len(js) != 1 {
			t.Fatalf("judges after publishing: %v", js)
		}
	})
}

// TestLeaderboardExactMean: weights 0.001 and 1000 (above the old cap of
// 1000 too), maxima 10 and 7; judges {a:10,b:3} and {a:0,b:6.5}. The
// judge_score is 100*sum(w*s/max)/sum(w) averaged over the judges without
// intermediate rounding: 67.857125 to 1e-9 (rounding each judge's score to
// 4 decimals first gave 67.8572).
func TestLeaderboardExactMean(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := &eventEnv{env: newEnv(t, open)}
		org := e.register(makerlink.RoleOrganizer)
		e.want(e.do(req{method: "POST", path: "/api/v1/events", token: org.Token, body: map[string]any{
			"name": "w", "starts_at": "2026-12-01T09:00:00+08:00",
			"rubric": []map[string]any{{"key": "a", "label": "A", "weight": 5000, "max": 10}}}}), 201, "")
		ev := e.want(e.do(req{method: "POST", path: "/api/v1/events", token: org.Token, body: map[string]any{
			"name": "精度", "starts_at": "2026-12-01T09:00:00+08:00",
			"rubric": []map[string]any{{"key": "a", "label": "A", "weight": 0.001, "max": 10}, {"key": "b", "label": "B", "weight": 1000, "max": 7}}}}), 201, "").Map(t)["id"].(string)
		path := "/api/v1/events/" + ev
		f := e.register(makerlink.RoleFounder)
		sid := e.create(f.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
		pid := e.want(e.do(req{method: "POST", path: path + "/pitches", token: org.Token, body: map[string]any{"startup_id": sid}}), 201, "").Map(t)["id"].(string)
		judges := []account{e.register(makerlink.RoleMentor), e.register(makerlink.RoleMentor)}
		for _, j := range judges {
			e.want(e.do(req{method: "POST", path: path + "/judges", token: org.Token, body: map[string]any{"user_id": j.User.ID}}), 201, "")
		}
		e.want(e.do(req{method: "POST", path: path + "/control", token: org.Token, body: map[string]any{"action": "start_pitch", "pitch_id": pid}}), 200, "")
		for i, sc := range []map[string]any{{"a": 10, "b": 3}, {"a": 0, "b": 6.5}} {
			e.want(e.do(req{method: "PUT", path: path + "/pitches/" + pid + "/scores/me", token: judges[i].Token, body: map[string]any{"scores": sc}}), 200, "")
		}
		const want = 67.857125
		rel := func(got float64) float64 { return math.Abs(got-want) / want }
		var lb struct {
			Items []struct {
				JudgeScore *float64 `json:"judge_score"`
				Judges     int      `json:"judges"`
			} `json:"items"`
		}
		e.want(e.do(req{method: "GET", path: path + "/leaderboard"}), 200, "").JSON(t, &lb)
		if len(lb.Items) != 1 || lb.Items[0].JudgeScore == nil || lb.Items[0].Judges != 2 || rel(*lb.Items[0].JudgeScore) > 1e-9 {
			t.Fatalf("leaderboard %+v, want judge_score %v", lb, want)
		}
		rows, err := csv.NewReader(strings.NewReader(string(e.want(e.do(req{method: "GET", path: path + "/results.csv"}), 200, "").Body))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv %q %v", rows, err)
		}
		if got, err := strconv.ParseFloat(rows[1][5], 64); err != nil || rel(got) > 1e-9 {
			t.Fatalf("csv judge_score %q, want %v", rows[1][5], want)
		}
	})
}

// TestRecusalIdempotent: declaring a recusal again returns the stored one
// (200, its first reason and creation time) and stores nothing new.
func TestRecusalIdempotent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		p := e.pitches[0]
		path := e.path("/pitches/" + p + "/recusals")
		var first, second makerlink.Recusal
		e.want(e.do(req{method: "POST", path: path, token: e.judge.Token, body: map[string]any{"reason": "我曾是顾问"}}), 201, "").JSON(t, &first)
		e.want(e.do(req{method: "POST", path: path, token: e.judge.Token, body: map[string]any{"reason": "另一个理由"}}), 200, "").JSON(t, &second)
		if first.CreatedAt.IsZero() || first.CreatedAt.Year() < 2000 || second != first || second.Detail != "我曾是顾问" ||
			second.Reason != makerlink.RecuseDeclared || second.JudgeID != e.judge.User.ID || second.PitchID != p {
			t.Fatalf("first %+v, second %+v", first, second)
		}
		rs, err := e.store.(makerlink.EventStore).FindRecusals(context.Background(), e.eventID)
		if err != nil || len(rs) != 1 || !rs[0].CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("stored recusals %+v, %v", rs, err)
		}
		// Another judge's recusal from the same pitch is new.
		e.want(e.do(req{method: "POST", path: e.path("/judges"), token: e.organizer.Token, body: map[string]any{"user_id": e.fan.User.ID}}), 201, "")
		e.want(e.do(req{method: "POST", path: path, token: e.fan.Token, body: map[string]any{"reason": "x"}}), 201, "")
	})
}

// TestCreateEventStartsAt: starts_at must be an RFC 3339 time with a zone
// (422 invalid otherwise: the body is valid JSON) from 2000 to five years
// ahead (422 out_of_range).
func TestCreateEventStartsAt(t *testing.T) {
	e := newEventEnv(t, engines[0].open, false)
	later := time.Now().AddDate(5, 1, 0).UTC().Format(time.RFC3339)
	tests := []struct {
		name     string
		startsAt any
		status   int
		code     string // the field code of starts_at
	}{
		{"Word", "bad", 422, makerlink.FInvalid},
		{"DateOnly", "2026-12-10", 422, makerlink.FInvalid},
		{"NoZone", "2026-12-10T14:00:00", 422, makerlink.FInvalid},
		{"Empty", "", 422, makerlink.FInvalid},
		{"Number", 1765375200, 422, makerlink.FInvalid},
		{"Null", nil, 422, makerlink.FRequired},
		{"Before2000", "1999-12-31T23:59:59Z", 422, makerlink.FOutOfRange},
		{"MoreThanFiveYears", later, 422, makerlink.FOutOfRange},
		{"Zone", "2026-12-10T14:00:00+08:00", 201, ""},
		{"UTC", "2026-12-10T06:00:00Z", 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(req{method: "POST", path: "/api/v1/events", token: e.organizer.Token,
				body: map[string]any{"name": "起始时间", "starts_at": tt.startsAt}})
			if tt.status == 201 {
				var ev makerlink.Event
				e.want(r, 201, "").JSON(t, &ev)
				if want, _ := time.Parse(time.RFC3339, tt.startsAt.(string)); !ev.StartsAt.Equal(want) {
					t.Fatalf("starts_at %v, want %v", ev.StartsAt, want)
				}
				return
			}
			p := e.want(r, tt.status, makerlink.EValidation).Problem(t)
			if len(p.Errors) != 1 || p.Errors[0].Field != "starts_at" || p.Errors[0].Code != tt.code {
				t.Fatalf("errors %+v, want starts_at %s", p.Errors, tt.code)
			}
		})
	}
	// Broken JSON is still 400.
	e.want(e.do(req{method: "POST", path: "/api/v1/events", token: e.organizer.Token, body: `{"starts_at": "bad"`}), 400, makerlink.EBadJSON)
	e.want(e.do(req{method: "POST", path: "/api/v1/events", token: e.organizer.Token, body: `{"name":"x","starts_at":"2026-12-10T14:00:00Z","bogus":1}`}), 400, makerlink.EBadJSON)
}

// TestQuestionsPaging: GET /events/{id}/questions checks limit and cursor
// like the other lists (400 bad_request) and pages with next_cursor;
// without limit a page holds 20 questions (the contract's default), and
// the next page the rest, with no duplicates and no gaps.
func TestQuestionsPaging(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		const asked = 26
		for i := range asked {
			e.want(e.do(req{method: "POST", path: e.path("/questions"), token: e.fan.Token, body: map[string]any{"text": fmt.Sprintf("问题%d", i)}}), 201, "")
		}
		for _, bad := range []string{"limit=0", "limit=101", "limit=10000", "limit=-1", "limit=abc", "cursor=garbage", "cursor=%21%21", "limit=2&cursor=bad"} {
			t.Run(bad, func(t *testing.T) {
				e.want(e.do(req{method: "GET", path: e.path("/questions?" + bad)}), 400, makerlink.EBadRequest)
			})
		}
		type page struct {
			Items []struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		get := func(q string) page {
			t.Helper()
			var p page
			e.want(e.do(req{method: "GET", path: e.path("/questions" + q)}), 200, "").JSON(t, &p)
			return p
		}
		texts := func(ps ...page) []string {
			var out []string
			for _, p := range ps {
				for _, it := range p.Items {
					out = append(out, it.ID+" "+it.Text)
				}
			}
			return out
		}
		all := get("?limit=100")
		if len(all.Items) != asked || all.NextCursor != nil {
			t.Fatalf("limit=100: %d questions, cursor %v", len(all.Items), all.NextCursor)
		}
		p1 := get("")
		if len(p1.Items) != api.DefaultListLimit || p1.NextCursor == nil {
			t.Fatalf("default page: %d questions, cursor %v", len(p1.Items), p1.NextCursor)
		}
		p2 := get("?cursor=" + url.QueryEscape(*p1.NextCursor))
		if len(p2.Items) != asked-api.DefaultListLimit || p2.NextCursor != nil {
			t.Fatalf("second page: %d questions, cursor %v", len(p2.Items), p2.NextCursor)
		}
		got, want := texts(p1, p2), texts(all)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pages %v\nwant %v", got, want)
		}
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s] {
				t.Fatalf("%s twice", s)
			}
			seen[s] = true
		}
		// Small pages walk the same list.
		var walked []page
		q := "?limit=4"
		for range asked {
			p := get(q)
			walked = append(walked, p)
			if p.NextCursor == nil {
				break
			}
			q = "?limit=4&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		if got := texts(walked...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pages of 4 %v\nwant %v", got, want)
		}
	})
}

// TestPublishBeforeAnyPitch: publishing the results of an event where no
// pitch has started is 409 and leaves the event open; once a pitch has
// started it is allowed.
func TestPublishBeforeAnyPitch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		p := e.want(e.do(req{method: "POST", path: e.path("/control"), token: e.organizer.Token,
			body: map[string]any{"action": "publish_results"}}), 409, makerlink.EConflict).Problem(t)
		if !strings.Contains(p.Detail, "No pitch of this event has started") {
			t.Fatalf("problem %+v", p)
		}
		if ev := e.want(e.do(req{method: "GET", path: e.path("")}), 200, "").Map(t); ev["results_published_at"] != nil {
			t.Fatalf("published after a refusal: %v", ev["results_published_at"])
		}
		e.control("start_pitch", e.pitches[0])
		if ev := e.control("publish_results", "").Map(t); ev["results_published_at"] == nil {
			t.Fatalf("not published: %v", ev)
		}
	})
}

// TestMyScore: a judge reads back their own score of a pitch (204 before
// they scored it); others may not.
func TestMyScore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEventEnv(t, open, false)
		p := e.pitches[0]
		mine := e.path("/pitches/" + p + "/scores/me")
		for _, tc := range []struct {
			name   string
			r      req
			status int
			code   string
		}{
			{"Anonymous", req{method: "GET", path: mine}, 401, makerlink.EUnauthorized},
			{"Audience", req{method: "GET", path: mine, token: e.fan.Token}, 403, makerlink.EForbidden},
			{"JudgeOfAnotherEvent", req{method: "GET", path: mine, token: e.otherJudge.Token}, 403, makerlink.EForbidden},
			{"MissingPitch", req{method: "GET", path: e.path("/pitches/nope/scores/me"), token: e.judge.Token}, 404, makerlink.ENotFound},
			{"MissingEvent", req{method: "GET", path: "/api/v1/events/nope/pitches/" + p + "/scores/me", token: e.judge.Token}, 404, makerlink.ENotFound},
		} {
			t.Run(tc.name, func(t *testing.T) { e.want(e.do(tc.r), tc.status, tc.code) })
		}
		e.want(e.do(req{method: "GET", path: mine, token: e.judge.Token}), 204, "")
		e.control("start_pitch", p)
		e.want(e.do(req{method: "PUT", path: mine, token: e.judge.Token,
			body: map[string]any{"scores": map[string]any{"team": 8, "market": 4}, "comment": "团队扎实"}}), 200, "")
		var sc makerlink.Score
		e.want(e.do(req{method: "GET", path: mine, token: e.judge.Token}), 200, "").JSON(t, &sc)
		if sc.Scores["team"] != 8 || sc.Scores["market"] != 4 || sc.Comment != "团队扎实" || sc.JudgeID != e.judge.User.ID || sc.PitchID != p {
			t.Fatalf("my score %+v", sc)
		}
		e.want(e.do(req{method: "GET", path: e.path("/pitches/" + e.pitches[1] + "/scores/me"), token: e.judge.Token}), 204, "")
	})
}
