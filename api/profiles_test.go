package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"makerlink"
)

func TestProfileLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		owner := e.register(makerlink.RoleFounder)
		for _, k := range makerlink.Kinds {
			t.Run(string(k), func(t *testing.T) {
				base := "/api/v1/" + k.Plural()
				body := sampleBody(t, k)
				// Clients cannot set the metadata.
				body["id"], body["owner_id"], body["version"] = "chosen-id", "someone-else", 7
				r := e.want(e.do(req{method: "POST", path: base, body: body, token: owner.Token}), 201, "")
				got := r.Map(t)
				id, _ := got["id"].(string)
				if id == "" || id == "chosen-id" || got["owner_id"] != owner.User.ID || got["version"] != 1.0 {
					t.Fatalf("created %v: want a fresh id, owner %s, version 1", got, owner.User.ID)
				}
				if got["name"] != body["name"] || got["created_at"] == "" || got["updated_at"] == "" {
					t.Errorf("created %v", got)
				}
				if loc := r.Header.Get("Location"); loc != base+"/"+id {
					t.Errorf("Location = %q", loc)
				}
				if et := r.Header.Get("ETag"); et != `"1"` {
					t.Errorf("ETag = %q", et)
				}

				// GET one sends the stored document.
				g := e.want(e.do(req{method: "GET", path: base + "/" + id}), 200, "")
				doc, _ := e.stored(k, id)
				if string(g.Body) != doc || g.Header.Get("ETag") != `"1"` || g.Header.Get("Content-Type") != "application/json" {
					t.Errorf("GET = %s %v, want stored %s", g.Body, g.Header, doc)
				}
				e.want(e.do(req{method: "GET", path: base + "/" + id, header: map[string]string{"If-None-Match": `"1"`}}), 304, "")

				// PATCH with If-Match merges the body.
				p := e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"name": "新名字 New name"}}), 200, "")
				pm := p.Map(t)
				if pm["name"] != "新名字 New name" || pm["version"] != 2.0 || p.Header.Get("ETag") != `"2"` {
					t.Errorf("PATCH = %v %v", pm, p.Header)
				}
				for f, v := range body {
					if f == "name" || f == "id" || f == "owner_id" || f == "version" {
						continue
					}
					if fmt.Sprint(pm[f]) != fmt.Sprint(v) {
						t.Errorf("PATCH changed %s: %v, was %v", f, pm[f], v)
					}
				}
				// PATCH with a version field instead.
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					body: map[string]any{"version": 2, "name": "第三版"}}), 200, "")
				// Stale versions are 412 and change nothing.
				before, v := e.stored(k, id)
				if v != 3 {
					t.Fatalf("version %d, want 3", v)
				}
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					header: map[string]string{"If-Match": `"2"`}, body: map[string]any{"name": "lost update"}}), 412, makerlink.EVersionMismatch)
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					body: map[string]any{"version": 1, "name": "lost update"}}), 412, makerlink.EVersionMismatch)
				// Neither If-Match nor version: 428.
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					body: map[string]any{"name": "blind write"}}), 428, "precondition_required")
				// Both, disagreeing.
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					header: map[string]string{"If-Match": `"3"`}, body: map[string]any{"version": 2}}), 400, makerlink.EBadRequest)
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token,
					header: map[string]string{"If-Match": `W/"x"`}, body: map[string]any{"name": "x"}}), 400, makerlink.EBadRequest)
				if after, _ := e.stored(k, id); after != before {
					t.Errorf("rejected PATCHes changed the profile:\n%s\n%s", before, after)
				}

				// DELETE: a stale If-Match is 412, then 204, then 404.
				e.want(e.do(req{method: "DELETE", path: base + "/" + id, token: owner.Token, header: map[string]string{"If-Match": `"1"`}}), 412, makerlink.EVersionMismatch)
				e.want(e.do(req{method: "DELETE", path: base + "/" + id, token: owner.Token, header: map[string]string{"If-Match": `"3"`}}), 204, "")
				e.want(e.do(req{method: "GET", path: base + "/" + id}), 404, makerlink.ENotFound)
				e.want(e.do(req{method: "DELETE", path: base + "/" + id, token: owner.Token}), 404, makerlink.ENotFound)
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: owner.Token, body: map[string]any{"version": 3}}), 404, makerlink.ENotFound)
			})
		}
		t.Run("DeleteWithoutIfMatch", func(t *testing.T) {
			id := e.create(owner.Token, makerlink.KindSpace, sampleBody(t, makerlink.KindSpace))
			e.want(e.do(req{method: "DELETE", path: "/api/v1/spaces/" + id, token: owner.Token}), 204, "")
		})
		t.Run("ErrWrongKind", func(t *testing.T) {
			id := e.create(owner.Token, makerlink.KindMentor, sampleBody(t, makerlink.KindMentor))
			e.want(e.do(req{method: "GET", path: "/api/v1/investors/" + id}), 404, makerlink.ENotFound)
		})
	})
}

func TestProfileAuthorization(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		owner := e.register(makerlink.RoleFounder)
		other := e.register(makerlink.RoleFounder)
		investor := e.register(makerlink.RoleInvestor)
		admin := e.admin()

		for _, k := range makerlink.Kinds {
			t.Run(string(k), func(t *testing.T) {
				base := "/api/v1/" + k.Plural()
				id := e.create(owner.Token, k, sampleBody(t, k))
				before, _ := e.stored(k, id)
				// Anonymous callers cannot write.
				e.want(e.do(req{method: "POST", path: base, body: sampleBody(t, k)}), 401, makerlink.EUnauthorized)
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, body: map[string]any{"version": 1, "name": "x"}}), 401, makerlink.EUnauthorized)
				e.want(e.do(req{method: "DELETE", path: base + "/" + id}), 401, makerlink.EUnauthorized)
				// Another user sees it but cannot change it.
				e.want(e.do(req{method: "GET", path: base + "/" + id, token: other.Token}), 200, "")
				e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: other.Token, body: map[string]any{"version": 1, "name": "x"}}), 403, makerlink.EForbidden)
				e.want(e.do(req{method: "DELETE", path: base + "/" + id, token: other.Token}), 403, makerlink.EForbidden)
				if after, _ := e.stored(k, id); after != before {
					t.Fatalf("refused writes changed the profile")
				}
				// An admin may edit and delete others' profiles, and the
				// owner stays the owner.
				r := e.want(e.do(req{method: "PATCH", path: base + "/" + id, token: admin.Token, body: map[string]any{"version": 1, "name": "管理员修改"}}), 200, "").Map(t)
				if r["owner_id"] != owner.User.ID || r["name"] != "管理员修改" {
					t.Errorf("admin PATCH = %v", r)
				}
				e.want(e.do(req{method: "DELETE", path: base + "/" + id, token: admin.Token}), 204, "")
			})
		}

		t.Run("InvestorsOnlyStartup", func(t *testing.T) {
			body := sampleBody(t, makerlink.KindStartup)
			body["visibility"] = "investors"
			body["name"] = "隐身初创 Stealth"
			id := e.create(owner.Token, makerlink.KindStartup, body)
			path := "/api/v1/startups/" + id
			for _, who := range []struct {
				name, token string
				see         bool
			}{
				{"anonymous", "", false},
				{"other founder", other.Token, false},
				{"owner", owner.Token, true},
				{"investor", investor.Token, true},
				{"admin", admin.Token, true},
			} {
				r := e.do(req{method: "GET", path: path, token: who.token})
				if (r.Status == 200) != who.see {
					t.Errorf("%s: GET status %d, see = %v", who.name, r.Status, who.see)
				}
				if !who.see {
					e.want(r, 404, makerlink.ENotFound)
				}
				list := e.want(e.do(req{method: "GET", path: "/api/v1/startups?limit=100", token: who.token}), 200, "")
				if bytes.Contains(list.Body, []byte(id)) != who.see {
					t.Errorf("%s: list shows the hidden startup: %v, want %v", who.name, !who.see, who.see)
				}
			}
			// Someone who cannot see it gets 404 on writes too, not 403, and
			// every refusal reads exactly as for an id that does not exist.
			missing := "/api/v1/startups/06560zfwg0g2aehedg0qw7tz"
			for _, c := range []struct {
				method string
				body   any
			}{{"GET", nil}, {"PATCH", map[string]any{"version": 1, "name": "x"}}, {"DELETE", nil}} {
				hid := e.want(e.do(req{method: c.method, path: path, token: other.Token, body: c.body}), 404, makerlink.ENotFound)
				gone := e.want(e.do(req{method: c.method, path: missing, token: other.Token, body: c.body}), 404, makerlink.ENotFound)
				if h, g := hid.Problem(t), gone.Problem(t); h.Detail != g.Detail || h.Title != g.Title {
					t.Errorf("%s: a hidden startup reads %q, a missing one %q", c.method, h.Detail, g.Detail)
				}
			}
			// An investor sees it but may not change it.
			e.want(e.do(req{method: "PATCH", path: path, token: investor.Token, body: map[string]any{"version": 1, "name": "x"}}), 403, makerlink.EForbidden)
		})
	})
}

// TestBadBodies sends malformed and invalid bodies to create and PATCH and
// checks each gets its 4xx and leaves the stored data as it was.
func TestBadBodies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		owner := e.register(makerlink.RoleFounder)
		id := e.create(owner.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
		before, _ := e.stored(makerlink.KindStartup, id)

		valid := sampleBody(t, makerlink.KindStartup)
		with := func(field string, v any) map[string]any {
			m := map[string]any{}
			for k, x := range valid {
				m[k] = x
			}
			m[field] = v
			return m
		}
		cases := []struct {
			name   string
			body   any
			status int
			code   string
			field  string // a field expected in errors on 422
		}{
			{"Empty", "", 400, makerlink.EBadJSON, ""},
			{"Whitespace", " \n ", 400, makerlink.EBadJSON, ""},
			{"Truncated", `{"name":"a"`, 400, makerlink.EBadJSON, ""},
			{"NotJSON", `name=a`, 400, makerlink.EBadJSON, ""},
			{"Array", `[{"name":"a"}]`, 400, makerlink.EBadJSON, ""},
			{"Null", `null`, 400, makerlink.EBadJSON, ""},
			{"TrailingGarbage", `{"name":"a"} xyz`, 400, makerlink.EBadJSON, ""},
			{"TwoObjects", `{"name":"a"}{"name":"b"}`, 400, makerlink.EBadJSON, ""},
			{"WrongTypeString", with("team_size", "five"), 400, makerlink.EBadJSON, ""},
			{"WrongTypeArray", with("sectors", "biotech"), 400, makerlink.EBadJSON, ""},
			{"WrongTypeFloat", with("funding_ask_cny", 1.5), 400, makerlink.EBadJSON, ""},
			{"Overflow", `{"funding_ask_cny": 1e40}`, 400, makerlink.EBadJSON, ""},
			{"UnknownField", with("valuation", 5), 400, makerlink.EBadJSON, ""},
			{"InvalidUTF8", []byte("{\"name\":\"\xff\xfe\"}"), 400, makerlink.EBadJSON, ""},
			{"InvalidUTF8Latin1", []byte("{\"name\":\"Ningxia caf\xe9\"}"), 400, makerlink.EBadJSON, ""},
			{"RawControlChar", "{\"name\":\"a\x01b\"}", 400, makerlink.EBadJSON, ""},
			{"EscapedControlChar", with("name", "a\u0001b"), 422, makerlink.EValidation, "name"},
			{"UnknownSector", with("sectors", []string{"biotech", "crypto"}), 422, makerlink.EValidation, "sectors[1]"},
			{"UnknownStage", with("stage", "series_z"), 422, makerlink.EValidation, "stage"},
			{"NegativeMoney", with("funding_ask_cny", -1), 422, makerlink.EValidation, "funding_ask_cny"},
			{"BadVisibility", with("visibility", "friends"), 422, makerlink.EValidation, "visibility"},
			{"BadDate", with("founded_on", "2023-13-45"), 422, makerlink.EValidation, "founded_on"},
			{"NameRequired", with("name", ""), 422, makerlink.EValidation, "name"},
			{"NoSuchSpace", with("space_id", "no-such-space"), 422, makerlink.EValidation, "space_id"},
			{"FutureFounding", with("founded_on", "2999-01-01"), 422, makerlink.EValidation, "founded_on"},
			{"SectorTwice", with("sectors", []string{"biotech", "biotech"}), 422, makerlink.EValidation, "sectors[1]"},
			{"OneMegabyteField", with("description", strings.Repeat("x", 1_000_000)), 422, makerlink.EValidation, "description"},
			{"TooManyNeeds", with("needs", make([]string, 51)), 422, makerlink.EValidation, "needs"},
		}
		count := func() int {
			recs, _, err := e.store.FindProfiles(context.Background(), makerlink.ProfileFilter{Kind: makerlink.KindStartup, Limit: 100, Viewer: &owner.User})
			if err != nil {
				t.Fatal(err)
			}
			return len(recs)
		}
		n := count()
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, method := range []string{"POST", "PATCH"} {
					path, hdr := "/api/v1/startups", map[string]string(nil)
					if method == "PATCH" {
						path, hdr = path+"/"+id, map[string]string{"If-Match": `"1"`}
					}
					r := e.want(e.do(req{method: method, path: path, body: tc.body, token: owner.Token, header: hdr}), tc.status, tc.code)
					if tc.name == "OneMegabyteField" && !hasField(r.Problem(t).Errors, "description", makerlink.FTooLong) {
						t.Errorf("%s: errors %.200s, want description too_long", method, r.Body)
					}
					if tc.field != "" && !hasFieldName(r.Problem(t).Errors, tc.field) {
						t.Errorf("%s: errors %s do not name %s", method, r.Body, tc.field)
					}
					if bytes.Contains(r.Body, []byte("xxxxxxxxxx")) {
						t.Errorf("%s: the problem echoes the body", method)
					}
				}
				if after, _ := e.stored(makerlink.KindStartup, id); after != before {
					t.Errorf("the stored startup changed:\n%s\n%s", before, after)
				}
				if got := count(); got != n {
					t.Errorf("%d startups stored, want %d", got, n)
				}
			})
		}
		// id and owner_id: sent back unchanged is fine (a client PATCHes the
		// document it read); a change is refused, not silently ignored.
		for _, f := range []string{"id", "owner_id"} {
			r := e.want(e.do(req{method: "PATCH", path: "/api/v1/startups/" + id, token: owner.Token,
				body: map[string]any{"version": 1, f: "someone-else"}}), 422, makerlink.EValidation)
			if !hasFieldName(r.Problem(t).Errors, f) {
				t.Errorf("PATCH %s: errors %s do not name it", f, r.Body)
			}
		}
		if after, _ := e.stored(makerlink.KindStartup, id); after != before {
			t.Errorf("the stored startup changed:\n%s\n%s", before, after)
		}
		doc := e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + id, token: owner.Token}), 200, "").Map(t)
		doc["name"] = "改名科技"
		if got := e.want(e.do(req{method: "PATCH", path: "/api/v1/startups/" + id, token: owner.Token, body: doc}), 200, "").Map(t); got["name"] != "改名科技" || got["owner_id"] != owner.User.ID {
			t.Errorf("PATCH of the document as read: %v", got)
		}
		// The service keeps serving.
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + id}), 200, "")
	})
}

func hasFieldName(fs []makerlink.FieldError, field string) bool {
	for _, f := range fs {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestListProfiles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		owner := e.register(makerlink.RoleFounder)
		other := e.register(makerlink.RoleFounder)
		// 25 startups: sector i%10 and (i+3)%10, stage i%6, city i%5.
		var ps []makerlink.Profile
		for i := range 25 {
			s := sampleStartup(owner.User.ID, i)
			if i == 24 {
				s.OwnerID = other.User.ID
			}
			ps = append(ps, s)
		}
		if err := e.store.CreateProfiles(context.Background(), ps); err != nil {
			t.Fatal(err)
		}

		type page struct {
			Items []struct {
				ID, City, Stage string
				OwnerID         string `json:"owner_id"`
				Sectors         []string
			}
			NextCursor *string `json:"next_cursor"`
		}
		list := func(q string) page {
			var p page
			e.want(e.do(req{method: "GET", path: "/api/v1/startups" + q}), 200, "").JSON(t, &p)
			return p
		}

		t.Run("PagesCoverAllOnce", func(t *testing.T) {
			seen := map[string]bool{}
			q := "?limit=7"
			pages := 0
			for {
				p := list(q)
				pages++
				for _, it := range p.Items {
					if seen[it.ID] {
						t.Fatalf("%s listed twice", it.ID)
					}
					seen[it.ID] = true
				}
				if p.NextCursor == nil {
					break
				}
				if len(p.Items) != 7 {
					t.Fatalf("a non-final page has %d items", len(p.Items))
				}
				q = "?limit=7&cursor=" + *p.NextCursor
			}
			if len(seen) != 25 || pages != 4 {
				t.Errorf("saw %d startups in %d pages, want 25 in 4", len(seen), pages)
			}
		})
		t.Run("DefaultLimit", func(t *testing.T) {
			if p := list(""); len(p.Items) != 20 || p.NextCursor == nil {
				t.Errorf("default page: %d items, next %v", len(p.Items), p.NextCursor)
			}
		})
		t.Run("Filters", func(t *testing.T) {
			for _, tc := range []struct {
				q    string
				want int
				ok   func(sectors []string, stage, city string) bool
			}{
				{"?sector=biotech&limit=100", 5, func(s []string, _, _ string) bool { return contains(s, "biotech") }},
				{"?stage=seed&limit=100", 4, func(_ []string, st, _ string) bool { return st == "seed" }},
				{"?city=Yinchuan&limit=100", 5, func(_ []string, _, c string) bool { return c == "银川" }},
				{"?city=%E9%93%B6%E5%B7%9D%E5%B8%82&limit=100", 5, func(_ []string, _, c string) bool { return c == "银川" }},
				{"?sector=electronic_info&city=%E9%93%B6%E5%B7%9D", 3, func(s []string, _, c string) bool { return c == "银川" && contains(s, "electronic_info") }},
				{"?owner_id=" + other.User.ID, 1, func([]string, string, string) bool { return true }},
			} {
				p := list(tc.q)
				if len(p.Items) != tc.want {
					t.Errorf("%s: %d items, want %d", tc.q, len(p.Items), tc.want)
				}
				for _, it := range p.Items {
					if !tc.ok(it.Sectors, it.Stage, it.City) {
						t.Errorf("%s: item %+v does not match", tc.q, it)
					}
				}
			}
		})
		t.Run("Empty", func(t *testing.T) {
			r := e.want(e.do(req{method: "GET", path: "/api/v1/mentors"}), 200, "")
			if string(r.Body) != `{"items":[],"next_cursor":null}` {
				t.Errorf("empty list = %s", r.Body)
			}
		})
		t.Run("BadQuery", func(t *testing.T) {
			for _, q := range []string{"?limit=0", "?limit=101", "?limit=-3", "?limit=ten", "?limit=1.5",
				"?sector=crypto", "?stage=series_z", "?cursor=%%%not-a-cursor"} {
				e.want(e.do(req{method: "GET", path: "/api/v1/startups" + q}), 400, makerlink.EBadRequest)
			}
			if p := list("?limit=100"); len(p.Items) != 25 {
				t.Errorf("limit=100: %d items", len(p.Items))
			}
			if p := list("?limit=1"); len(p.Items) != 1 {
				t.Errorf("limit=1: %d items", len(p.Items))
			}
		})
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sampleStartup(owner string, i int) *makerlink.Startup {
	city := makerlink.Cities[i%len(makerlink.Cities)]
	return &makerlink.Startup{
		Meta:       makerlink.Meta{OwnerID: owner},
		Name:       "初创" + strconv.Itoa(i),
		Sectors:    []string{makerlink.Sectors[i%10].Code, makerlink.Sectors[(i+3)%10].Code},
		Stage:      makerlink.Stages[i%6].Code,
		City:       city.ZH,
		Needs:      []string{},
		Visibility: makerlink.VisibilityPublic,
	}
}

func TestSectors(t *testing.T) {
	e := newEnv(t, engines[0].open)
	var v struct {
		Sectors, Stages []makerlink.Label
		Cities          []makerlink.City
	}
	e.want(e.do(req{method: "GET", path: "/api/v1/sectors"}), 200, "").JSON(t, &v)
	if len(v.Sectors) != 10 || v.Sectors[0].Code != "electronic_info" || v.Sectors[0].ZH != "电子信息" || v.Sectors[0].EN == "" {
		t.Errorf("sectors = %+v", v.Sectors)
	}
	if len(v.Stages) != 6 || v.Stages[5].Code != "b_plus" {
		t.Errorf("stages = %+v", v.Stages)
	}
	if len(v.Cities) != 5 || v.Cities[0].ZH != "银川" || len(v.Cities[0].Districts) == 0 {
		t.Errorf("cities = %+v", v.Cities)
	}
}

// TestConcurrentEditsNeverLoseAnUpdate sends PATCHes of the same version at
// once: exactly one wins, the others get 412.
func TestConcurrentEditsNeverLoseAnUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		owner := e.register(makerlink.RoleFounder)
		id := e.create(owner.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
		const n = 8
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hr := httptest.NewRequest("PATCH", "/api/v1/startups/"+id,
					strings.NewReader(fmt.Sprintf(`{"tagline":"writer %d"}`, i)))
				hr.Header.Set("Authorization", "Bearer "+owner.Token)
				hr.Header.Set("If-Match", `"1"`)
				resp, err := e.srv.App().Test(hr, -1)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}()
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[200] != 1 || count[412] != n-1 {
			t.Errorf("statuses %v, want one 200 and %d 412", count, n-1)
		}
		if _, v := e.stored(makerlink.KindStartup, id); v != 2 {
			t.Errorf("version %d, want 2", v)
		}
	})
}

// TestProfileListsAndOptionalFields: lists a profile was created without
// read [] (never null), and the contract's optional startup fields are
// always present, null when unset.
func TestProfileListsAndOptionalFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		u := e.register(makerlink.RoleFounder, makerlink.RoleMentor, makerlink.RoleInvestor)
		for _, c := range []struct {
			kind  makerlink.Kind
			body  map[string]any
			lists []string
		}{
			{makerlink.KindMentor, map[string]any{"name": "X"}, []string{"expertise", "sectors", "languages"}},
			{makerlink.KindInvestor, map[string]any{"name": "X", "kind": "angel"}, []string{"sectors", "stages", "regions", "portfolio"}},
			{makerlink.KindStartup, map[string]any{"name": "N", "sectors": []string{"biotech"}, "stage": "idea", "city": "银川"}, []string{"needs"}},
		} {
			created := e.want(e.do(req{method: "POST", path: "/api/v1/" + c.kind.Plural(), body: c.body, token: u.Token}), 201, "").Map(t)
			got := e.want(e.do(req{method: "GET", path: "/api/v1/" + c.kind.Plural() + "/" + created["id"].(string), token: u.Token}), 200, "").Map(t)
			for _, m := range []map[string]any{created, got} {
				for _, f := range c.lists {
					if l, ok := m[f].([]any); !ok || len(l) != 0 {
						t.Errorf("%s %s = %#v, want []", c.kind, f, m[f])
					}
				}
				if c.kind == makerlink.KindStartup {
					for _, f := range []string{"founded_on", "space_id"} {
						if v, ok := m[f]; !ok || v != nil {
							t.Errorf("startup %s = %#v (present %v), want null", f, v, ok)
						}
					}
				}
			}
		}
		body := map[string]any{"name": "N", "sectors": []string{"biotech"}, "stage": "idea", "city": "银川", "founded_on": "2020-05-01"}
		m := e.want(e.do(req{method: "POST", path: "/api/v1/startups", body: body, token: u.Token}), 201, "").Map(t)
		if m["founded_on"] != "2020-05-01" {
			t.Errorf("founded_on = %#v", m["founded_on"])
		}
		body["founded_on"] = "May 2020"
		e.want(e.do(req{method: "POST", path: "/api/v1/startups", body: body, token: u.Token}), 422, makerlink.EValidation)
		// A county typed as the city is stored as its city, and so filters.
		zn := e.create(u.Token, makerlink.KindStartup, map[string]any{"name": "中宁枸杞", "sectors": []string{"modern_agriculture"}, "stage": "seed", "city": "中宁县"})
		for _, c := range []string{"中宁县", "中宁", "中卫", "Zhongwei"} {
			l := e.want(e.do(req{method: "GET", path: "/api/v1/startups?limit=100&city=" + url.QueryEscape(c), token: u.Token}), 200, "")
			if !strings.Contains(string(l.Body), zn) {
				t.Errorf("city=%s does not list the startup created in 中宁县", c)
			}
		}
		// A space that exists may be named; the key then holds its id.
		space := e.create(u.Token, makerlink.KindSpace, sampleBody(t, makerlink.KindSpace))
		body["founded_on"], body["space_id"] = "2020-05-01", space
		if m := e.want(e.do(req{method: "POST", path: "/api/v1/startups", body: body, token: u.Token}), 201, "").Map(t); m["space_id"] != space {
			t.Errorf("space_id = %#v, want %s", m["space_id"], space)
		}
	})
}
