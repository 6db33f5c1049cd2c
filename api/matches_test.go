package api_test

import (
	"slices"
	"strings"
	"testing"

	"makerlink"
	"makerlink/api"
	"makerlink/matching"
)

// matchEnv is an API with the matching service over its store.
func matchEnv(t *testing.T, open func(testing.TB) makerlink.Store) (*env, *matching.Service) {
	t.Helper()
	var svc *matching.Service
	e := newEnv(t, open, func(cfg *api.Config) {
		fb, _ := cfg.Store.(makerlink.MatchStore)
		svc = matching.NewService(matching.ServiceOptions{Store: cfg.Store, Feedback: fb})
		if err := svc.Load(t.Context()); err != nil {
			t.Fatal(err)
		}
		cfg.Matches = svc
	})
	return e, svc
}

func syncMatches(t *testing.T, svc *matching.Service) {
	t.Helper()
	if _, err := svc.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestMatchRoutes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e, svc := matchEnv(t, open)
		founder := e.register(makerlink.RoleFounder)
		inv := e.register(makerlink.RoleInvestor)
		other := e.register(makerlink.RoleFounder)
		startup := e.create(founder.Token, makerlink.KindStartup, map[string]any{
			"name": "光储科技", "description": "储能电池 光伏逆变器", "sectors": []string{"new_energy"}, "stage": "angel",
			"city": "银川", "funding_ask_cny": 2000000, "needs": []string{"电池检测"}, "visibility": "public"})
		var investors []string
		for _, name := range []string{"绿能天使", "新能源基金"} {
			investors = append(investors, e.create(inv.Token, makerlink.KindInvestor, map[string]any{
				"name": name, "kind": "angel", "sectors": []string{"new_energy"}, "stages": []string{"angel"},
				"ticket_min_cny": 1000000, "ticket_max_cny": 5000000, "regions": []string{"银川"}, "thesis": "储能 光伏", "accepting": true}))
		}
		syncMatches(t, svc)
		path := "/api/v1/startups/" + startup + "/matches"

		e.want(e.do(req{method: "GET", path: path}), 401, "unauthorized")
		e.want(e.do(req{method: "GET", path: path, token: other.Token}), 403, "forbidden")
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/nope/matches", token: founder.Token}), 404, "not_found")
		for _, q := range []string{"?kind=space", "?limit=0", "?limit=10000", "?limit=x"} {
			e.want(e.do(req{method: "GET", path: path + q, token: founder.Token}), 400, "bad_request")
		}

		var got api.MatchesReply
		e.want(e.do(req{method: "GET", path: path, token: founder.Token}), 200, "").JSON(t, &got)
		if len(got.Items) != 2 {
			t.Fatalf("%d matches, want 2: %+v", len(got.Items), got)
		}
		m := got.Items[0]
		if m.Kind != makerlink.KindInvestor || m.Score <= 0 || m.Score > 1 || m.MutualScore <= 0 || len(m.Reasons) < 2 {
			t.Errorf("first match %+v", m)
		}
		for _, r := range m.Reasons {
			if r.Code == "" || r.ZH == "" || r.EN == "" {
				t.Errorf("incomplete reason %+v", r)
			}
		}
		for _, k := range []string{"mentor", "equipment"} {
			var r api.MatchesReply
			e.want(e.do(req{method: "GET", path: path + "?kind=" + k, token: founder.Token}), 200, "").JSON(t, &r)
			if r.Items == nil {
				t.Errorf("kind %s: items is null, want []", k)
			}
		}

		// Deal flow for the investor's owner.
		var flow api.MatchesReply
		e.want(e.do(req{method: "GET", path: "/api/v1/investors/" + investors[0] + "/matches?limit=5", token: inv.Token}), 200, "").JSON(t, &flow)
		if len(flow.Items) != 1 || flow.Items[0].ID != startup {
			t.Errorf("deal flow %+v", flow)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/investors/" + investors[0] + "/matches", token: founder.Token}), 403, "forbidden")
		e.want(e.do(req{method: "GET", path: "/api/v1/investors/" + investors[0] + "/matches?kind=investor", token: inv.Token}), 400, "bad_request")

		// Feedback: dismiss never comes back.
		fb := map[string]any{"from_kind": "startup", "from_id": startup, "to_kind": "investor", "to_id": m.ID, "action": "dismiss"}
		e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", body: fb}), 401, "unauthorized")
		e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", body: fb, token: other.Token}), 403, "forbidden")
		e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", body: `{"from_kind":`, token: founder.Token}), 400, "bad_json")
		bad := map[string]any{"from_kind": "startup", "from_id": startup, "to_kind": "investor", "to_id": m.ID, "action": "like"}
		e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", body: bad, token: founder.Token}), 422, "validation_failed")
		e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", body: fb, token: founder.Token}), 204, "")
		e.want(e.do(req{method: "GET", path: path, token: founder.Token}), 200, "").JSON(t, &got)
		if len(got.Items) != 1 || got.Items[0].ID == m.ID {
			t.Errorf("after dismissing %s: %+v", m.ID, got.Items)
		}

		// Mentor assignments: space owner or admin.
		spaceBody := sampleBody(t, makerlink.KindSpace)
		space := e.create(founder.Token, makerlink.KindSpace, spaceBody)
		apath := "/api/v1/spaces/" + space + "/mentor-assignments"
		e.want(e.do(req{method: "POST", path: apath, token: other.Token}), 403, "forbidden")
		e.want(e.do(req{method: "POST", path: "/api/v1/spaces/nope/mentor-assignments", token: founder.Token}), 404, "not_found")
		var as api.AssignmentsReply
		e.want(e.do(req{method: "POST", path: apath, token: founder.Token}), 200, "").JSON(t, &as)
		if as.Items == nil || len(as.Items) != 0 {
			t.Errorf("a space without startups or mentors: %+v", as)
		}
		e.want(e.do(req{method: "POST", path: apath, body: map[string]any{"startup_ids": []string{""}}, token: founder.Token}), 422, "validation_failed")
		e.want(e.do(req{method: "POST", path: apath, body: map[string]any{"startup_ids": []string{"nope"}}, token: founder.Token}), 404, "not_found")
	})
}

func TestMatchRoutesWithoutService(t *testing.T) {
	e := newEnv(t, engines[0].open)
	a := e.register(makerlink.RoleFounder)
	e.want(e.do(req{method: "GET", path: "/api/v1/startups/x/matches", token: a.Token}), 503, "unavailable")
	e.want(e.do(req{method: "POST", path: "/api/v1/matches/feedback", token: a.Token, body: map[string]any{}}), 503, "unavailable")
}

// TestMentorAssignmentsHiddenStartups: a space owner who may not see an
// investors-only startup gets the reply of an unknown id for it (nothing of
// its sector or city), one who may see it gets its assignment, and ids
// listed twice count once.
func TestMentorAssignmentsHiddenStartups(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e, svc := matchEnv(t, open)
		founder := e.register(makerlink.RoleFounder)
		planner := e.register(makerlink.RoleFounder)
		inv := e.register(makerlink.RoleInvestor)
		mentorUser := e.register(makerlink.RoleMentor)
		hidden := e.create(founder.Token, makerlink.KindStartup, map[string]any{
			"name": "隐身储能", "description": "储能电池", "sectors": []string{"new_energy"}, "stage": "angel",
			"city": "吴忠", "visibility": "investors"})
		e.create(mentorUser.Token, makerlink.KindMentor, map[string]any{
			"name": "王导师", "bio": "储能电池 二十年", "expertise": []string{"储能"}, "sectors": []string{"new_energy"},
			"capacity": 2, "city": "吴忠"})
		syncMatches(t, svc)
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + hidden, token: planner.Token}), 404, "not_found")

		mySpace := e.create(planner.Token, makerlink.KindSpace, sampleBody(t, makerlink.KindSpace))
		apath := "/api/v1/spaces/" + mySpace + "/mentor-assignments"
		hid := e.want(e.do(req{method: "POST", path: apath, body: map[string]any{"startup_ids": []string{hidden}}, token: planner.Token}), 404, "not_found")
		made := e.want(e.do(req{method: "POST", path: apath, body: map[string]any{"startup_ids": []string{"made-up"}}, token: planner.Token}), 404, "not_found")
		hp, mp := hid.Problem(t), made.Problem(t)
		if strings.ReplaceAll(hp.Detail, hidden, "made-up") != mp.Detail {
			t.Errorf("a hidden startup reads %q, an unknown one %q", hp.Detail, mp.Detail)
		}
		for _, leak := range []string{"吴忠", "Wuzhong", "new energy", "新能源"} {
			if strings.Contains(string(hid.Body), leak) {
				t.Errorf("the refusal shows %q: %s", leak, hid.Body)
			}
		}

		invSpace := e.create(inv.Token, makerlink.KindSpace, sampleBody(t, makerlink.KindSpace))
		ipath := "/api/v1/spaces/" + invSpace + "/mentor-assignments"
		var one, twice api.AssignmentsReply
		e.want(e.do(req{method: "POST", path: ipath, body: map[string]any{"startup_ids": []string{hidden}}, token: inv.Token}), 200, "").JSON(t, &one)
		if len(one.Items) != 1 || one.Items[0].StartupID != hidden || one.TotalScore <= 0 {
			t.Fatalf("an investor's plan for the startup: %+v", one)
		}
		e.want(e.do(req{method: "POST", path: ipath, body: map[string]any{"startup_ids": []string{hidden, hidden}}, token: inv.Token}), 200, "").JSON(t, &twice)
		if len(twice.Items) != 1 || twice.TotalScore != one.TotalScore {
			t.Errorf("the startup listed twice: %+v, once: %+v", twice, one)
		}
	})
}

// TestMatchesReadYourWrites: matches answer from what was just written,
// without waiting for the service's background poll: a startup created a
// moment ago has matches, an edit shows in the reasons, and a mentor who
// pauses or fills up leaves a founder's list at once.
func TestMatchesReadYourWrites(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e, _ := matchEnv(t, open) // loaded, never polled: every change comes from the queries themselves
		founder := e.register(makerlink.RoleFounder)
		mentorUser := e.register(makerlink.RoleMentor)
		mentor := e.create(mentorUser.Token, makerlink.KindMentor, map[string]any{
			"name": "王导师", "bio": "储能电池 二十年", "expertise": []string{"储能"}, "sectors": []string{"new_energy"}, "capacity": 1, "city": "银川"})
		startup := e.create(founder.Token, makerlink.KindStartup, map[string]any{
			"name": "光储科技", "description": "储能电池", "sectors": []string{"new_energy"}, "stage": "angel", "city": "银川"})
		path := "/api/v1/startups/" + startup + "/matches?kind=mentor"
		has := func(want bool) {
			t.Helper()
			var r api.MatchesReply
			e.want(e.do(req{method: "GET", path: path, token: founder.Token}), 200, "").JSON(t, &r)
			got := slices.ContainsFunc(r.Items, func(m makerlink.Match) bool { return m.ID == mentor })
			if got != want {
				t.Errorf("mentor listed %v, want %v: %+v", got, want, r.Items)
			}
		}
		has(true)

		e.want(e.do(req{method: "PUT", path: "/api/v1/mentors/" + mentor + "/mentoring", token: mentorUser.Token, body: map[string]any{"paused": true}}), 200, "")
		has(false)
		e.want(e.do(req{method: "PUT", path: "/api/v1/mentors/" + mentor + "/mentoring", token: mentorUser.Token, body: map[string]any{"paused": false}}), 200, "")
		has(true)

		// The founder's other startup takes the mentor's only place.
		other := e.create(founder.Token, makerlink.KindStartup, map[string]any{
			"name": "储能二号", "sectors": []string{"new_energy"}, "stage": "seed", "city": "银川"})
		in := e.want(e.do(req{method: "POST", path: "/api/v1/intros", token: founder.Token,
			body: map[string]any{"startup_id": other, "to_kind": "mentor", "to_id": mentor, "message": "请指导"}}), 201, "").Map(t)
		e.want(e.do(req{method: "POST", path: "/api/v1/intros/" + in["id"].(string) + "/accept", token: mentorUser.Token}), 200, "")
		has(false)

		// An investor who passes on a startup stops seeing it in the deal flow.
		invUser := e.register(makerlink.RoleInvestor)
		inv := e.create(invUser.Token, makerlink.KindInvestor, map[string]any{"name": "贺兰山天使", "kind": "angel",
			"sectors": []string{"new_energy"}, "stages": []string{"angel", "seed"}, "thesis": "储能", "accepting": true})
		flow := func() []string {
			var r api.MatchesReply
			e.want(e.do(req{method: "GET", path: "/api/v1/investors/" + inv + "/matches", token: invUser.Token}), 200, "").JSON(t, &r)
			var out []string
			for _, m := range r.Items {
				out = append(out, m.ID)
			}
			return out
		}
		if !slices.Contains(flow(), startup) {
			t.Fatalf("deal flow %v lacks %s", flow(), startup)
		}
		e.want(e.do(req{method: "PUT", path: "/api/v1/pipeline/" + startup, token: invUser.Token, body: map[string]any{"stage": "passed", "note": "估值过高"}}), 200, "")
		if got := flow(); slices.Contains(got, startup) {
			t.Errorf("deal flow %v still shows the startup passed on", got)
		}
	})
}
