package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/api"
	"makerlink/ratelimit"
	"makerlink/realtime/realtimetest"
)

func TestRegister(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)

		t.Run("OK", func(t *testing.T) {
			r := e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]any{
				"email": "  Founder@NingXia.CN ", "password": "枸杞枸杞枸杞枸杞", "name": " 马小明 ",
				"roles": []string{"founder", "investor", "founder"},
			}}), 201, "")
			var got api.AuthReply
			r.JSON(t, &got)
			if got.User.Email != "founder@ningxia.cn" || got.User.Name != "马小明" || got.User.ID == "" {
				t.Errorf("user = %+v", got.User)
			}
			if len(got.User.Roles) != 2 || got.User.Roles[0] != "founder" || got.User.Roles[1] != "investor" {
				t.Errorf("roles = %v, want [founder investor]", got.User.Roles)
			}
			if len(got.Token) != 43 || strings.ContainsAny(got.Token, "+/=") {
				t.Errorf("token %q is not 32 bytes of base64url", got.Token)
			}
			if want := e.clock.Now().Add(30 * 24 * time.Hour); !got.ExpiresAt.Equal(want) {
				t.Errorf("expires_at = %v, want %v", got.ExpiresAt, want)
			}
			// The token works.
			me := e.want(e.do(req{method: "GET", path: "/api/v1/me", token: got.Token}), 200, "").Map(t)
			if me["user"].(map[string]any)["id"] != got.User.ID {
				t.Errorf("/me = %v", me)
			}
		})

		t.Run("ErrEmailTaken", func(t *testing.T) {
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]any{
				"email": "FOUNDER@ningxia.cn", "password": "another password", "name": "x",
			}}), 409, makerlink.EConflict)
		})

		bad := []struct {
			name, field, code string
			body              map[string]any
		}{
			{"ErrAdmin", "roles[0]", makerlink.FInvalid, map[string]any{"email": "a1@x.cn", "password": "12345678", "name": "a", "roles": []string{"admin"}}},
			{"ErrUnknownRole", "roles[1]", makerlink.FUnknown, map[string]any{"email": "a2@x.cn", "password": "12345678", "name": "a", "roles": []string{"founder", "king"}}},
			{"ErrEmail", "email", makerlink.FInvalid, map[string]any{"email": "not-an-email", "password": "12345678", "name": "a"}},
			{"ErrEmailDisplayName", "email", makerlink.FInvalid, map[string]any{"email": "Ma <ma@x.cn>", "password": "12345678", "name": "a"}},
			{"ErrEmailRequired", "email", makerlink.FRequired, map[string]any{"password": "12345678", "name": "a"}},
			{"ErrShortPassword", "password", makerlink.FInvalid, map[string]any{"email": "a3@x.cn", "password": "1234567", "name": "a"}},
			{"ErrLongPassword", "password", makerlink.FTooLong, map[string]any{"email": "a4@x.cn", "password": strings.Repeat("p", 73), "name": "a"}},
			{"ErrNameRequired", "name", makerlink.FRequired, map[string]any{"email": "a5@x.cn", "password": "12345678", "name": "  "}},
			{"ErrNameControl", "name", makerlink.FInvalid, map[string]any{"email": "a6@x.cn", "password": "12345678", "name": "a\u0007b"}},
			{"ErrNameTooLong", "name", makerlink.FTooLong, map[string]any{"email": "a7@x.cn", "password": "12345678", "name": strings.Repeat("名", 121)}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				p := e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: tc.body}), 422, makerlink.EValidation).Problem(t)
				if !hasField(p.Errors, tc.field, tc.code) {
					t.Errorf("errors = %+v, want %s/%s", p.Errors, tc.field, tc.code)
				}
				if email, _ := tc.body["email"].(string); email != "" {
					if _, _, err := e.store.FindUserByEmail(context.Background(), email); makerlink.ErrorCode(err) != makerlink.ENotFound {
						t.Errorf("account %s stored after a rejected registration (err %v)", email, err)
					}
				}
			})
		}
		t.Run("ErrBadJSON", func(t *testing.T) {
			for _, body := range []string{`{"email":`, `[]`, `{"email":"a@b.cn","password":12345678,"name":"x"}`, `{"email":"a@b.cn","password":"12345678","name":"x","role":"founder"}`} {
				e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: body}), 400, makerlink.EBadJSON)
			}
		})
	})
}

func hasField(fs []makerlink.FieldError, field, code string) bool {
	for _, f := range fs {
		if f.Field == field && f.Code == code {
			return true
		}
	}
	return false
}

func TestPasswordsUseBcryptCost10ByDefault(t *testing.T) {
	e := newEnv(t, engines[0].open, func(c *api.Config) { c.PasswordCost = 0 })
	a := e.register()
	_, hash, err := e.store.FindUserByEmail(context.Background(), a.Email)
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != 10 {
		t.Errorf("bcrypt cost = %d (%v), want 10", cost, err)
	}
	if strings.Contains(hash, "correct horse") {
		t.Error("password stored in clear")
	}
}

func TestLoginLogoutMe(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		a := e.register(makerlink.RoleFounder)
		login := func(email, pw string) reply {
			return e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": email, "password": pw}})
		}

		t.Run("OK", func(t *testing.T) {
			// The email is matched case-insensitively.
			r := e.want(login(strings.ToUpper(a.Email), "correct horse 马"), 200, "")
			var got api.AuthReply
			r.JSON(t, &got)
			if got.User.ID != a.User.ID || got.Token == "" || got.Token == a.Token {
				t.Errorf("login = %+v", got)
			}
		})
		t.Run("ErrWrongPassword", func(t *testing.T) {
			e.want(login(a.Email, "wrong password"), 401, makerlink.EUnauthorized)
		})
		t.Run("ErrUnknownEmail", func(t *testing.T) {
			p := e.want(login("nobody@example.cn", "wrong password"), 401, makerlink.EUnauthorized).Problem(t)
			// Same message as a wrong password: no account enumeration.
			if p.Detail != "Wrong email or password." {
				t.Errorf("detail = %q", p.Detail)
			}
		})
		t.Run("ErrMissingFields", func(t *testing.T) {
			e.want(login("", ""), 422, makerlink.EValidation)
		})

		t.Run("Me", func(t *testing.T) {
			id := e.create(a.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
			var me api.MeReply
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: a.Token}), 200, "").JSON(t, &me)
			if me.User.ID != a.User.ID || me.User.Email != a.Email {
				t.Errorf("me.user = %+v", me.User)
			}
			if len(me.Profiles) != 1 || me.Profiles[0].ID != id || me.Profiles[0].Kind != makerlink.KindStartup || me.Profiles[0].Name == "" {
				t.Errorf("me.profiles = %+v, want the startup %s", me.Profiles, id)
			}
		})
		t.Run("ErrMeAnonymous", func(t *testing.T) {
			e.want(e.do(req{method: "GET", path: "/api/v1/me"}), 401, makerlink.EUnauthorized)
		})

		t.Run("LogoutRevokes", func(t *testing.T) {
			var s api.AuthReply
			e.want(login(a.Email, "correct horse 马"), 200, "").JSON(t, &s)
			// Used once, the token's session is in the server's cache:
			// logout must take it out.
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: s.Token}), 200, "")
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/logout", token: s.Token}), 204, "")
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: s.Token}), 401, makerlink.EUnauthorized)
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/logout", token: s.Token}), 401, makerlink.EUnauthorized)
			// Other sessions of the account survive.
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: a.Token}), 200, "")
		})
		t.Run("ErrLogoutAnonymous", func(t *testing.T) {
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/logout"}), 401, makerlink.EUnauthorized)
		})
	})
}

func TestBadTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		a := e.register()
		unknown := strings.Repeat("A", 43)
		cases := []struct{ name, header string }{
			{"Unknown", "Bearer " + unknown},
			{"NotBearer", "Basic " + a.Token},
			{"Malformed", "Bearer not a token"},
			{"Empty", "Bearer "},
			{"Truncated", "Bearer " + a.Token[:20]},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// A bad token is refused on public routes too, never
				// silently treated as anonymous.
				for _, path := range []string{"/api/v1/me", "/api/v1/startups", "/api/v1/sectors"} {
					e.want(e.do(req{method: "GET", path: path, header: map[string]string{"Authorization": tc.header}}), 401, makerlink.EUnauthorized)
				}
			})
		}
		t.Run("BearerIsCaseInsensitive", func(t *testing.T) {
			e.want(e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": "bearer " + a.Token}}), 200, "")
		})
		t.Run("Expired", func(t *testing.T) {
			e.clock.Advance(30*24*time.Hour - time.Second)
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: a.Token}), 200, "")
			e.clock.Advance(time.Second)
			e.want(e.do(req{method: "GET", path: "/api/v1/me", token: a.Token}), 401, makerlink.EUnauthorized)
			e.want(e.do(req{method: "GET", path: "/api/v1/startups", token: a.Token}), 401, makerlink.EUnauthorized)
		})
	})
}

func TestLoginThrottle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		t.Run("PerAccount", func(t *testing.T) {
			e := newEnv(t, open)
			a := e.register()
			login := func(pw string) reply {
				return e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": pw}})
			}
			for i := range 10 {
				if r := login("wrong password"); r.Status != 401 {
					t.Fatalf("failure %d: status %d, want 401", i+1, r.Status)
				}
			}
			r := e.want(login("correct horse 马"), 429, makerlink.ERateLimited)
			if ra := r.Header.Get("Retry-After"); ra != "90" {
				t.Errorf("Retry-After = %q, want 90 (10 failures per 15 minutes)", ra)
			}
			e.clock.Advance(89 * time.Second)
			e.want(login("correct horse 马"), 429, makerlink.ERateLimited)
			e.clock.Advance(time.Second)
			// One attempt has refilled; a success resets the account.
			e.want(login("correct horse 马"), 200, "")
			for range 10 {
				e.want(login("wrong password"), 401, makerlink.EUnauthorized)
			}
			e.want(login("wrong password"), 429, makerlink.ERateLimited)
			// Other accounts are not affected.
			b := e.register()
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": b.Email, "password": "correct horse 马"}}), 200, "")
		})

		t.Run("PerAccountUnknownEmail", func(t *testing.T) {
			e := newEnv(t, open)
			for range 10 {
				e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ghost@x.cn", "password": "guess guess"}}), 401, "")
			}
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "GHOST@x.cn", "password": "guess guess"}}), 429, makerlink.ERateLimited)
		})

		t.Run("PerAddressFailures", func(t *testing.T) {
			e := newEnv(t, open, func(c *api.Config) {
				c.Limits.LoginFailuresPerAddress = api.Limit{Events: 5, Per: time.Minute}
			})
			a := e.register()
			for i := range 5 {
				e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "x" + string(rune('a'+i)) + "@x.cn", "password": "guess guess"}}), 401, "")
			}
			r := e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "correct horse 马"}}), 429, makerlink.ERateLimited)
			if r.Header.Get("Retry-After") != "12" {
				t.Errorf("Retry-After = %q, want 12", r.Header.Get("Retry-After"))
			}
			e.clock.Advance(12 * time.Second)
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "correct horse 马"}}), 200, "")
		})

		t.Run("PerAddressAttempts", func(t *testing.T) {
			e := newEnv(t, open, func(c *api.Config) {
				c.Limits.AuthPerAddress = api.Limit{Events: 3, Per: time.Minute}
			})
			e.register()
			e.register()
			e.register()
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]any{"email": "late@x.cn", "password": "12345678", "name": "x"}}), 429, makerlink.ERateLimited)
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "late@x.cn", "password": "12345678"}}), 429, makerlink.ERateLimited)
			e.clock.Advance(20 * time.Second)
			e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]any{"email": "late@x.cn", "password": "12345678", "name": "x"}}), 201, "")
		})

		// Behind a load balancer with the limiters in Redis, failures
		// through any node count against the account.
		t.Run("PerAccountAcrossNodes", func(t *testing.T) {
			rdb, prefix := realtimetest.RedisClient(t)
			shared := func(c *api.Config) {
				c.RateLimiter = func(name string, l api.Limit) ratelimit.Limiter {
					return ratelimit.NewRedis(rdb, prefix+name+":", l, nil)
				}
			}
			e := newEnv(t, open, shared)
			a := e.register()
			cfg := api.Config{Store: e.store, Now: e.clock.Now, PasswordCost: bcrypt.MinCost}
			shared(&cfg)
			nodeB := &env{t: t, srv: api.New(cfg), store: e.store, clock: e.clock}
			for i := range 10 {
				node := e
				if i%2 == 1 {
					node = nodeB
				}
				node.want(node.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "guess guess"}}), 401, "")
			}
			for _, node := range []*env{e, nodeB} {
				node.want(node.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "correct horse 马"}}), 429, makerlink.ERateLimited)
			}
		})

		// An event venue puts hundreds of people behind one address: the
		// default limits let 600 registrations and logins a minute through.
		t.Run("VenueDefaults", func(t *testing.T) {
			if testing.Short() {
				t.Skip("600 requests; skipped with -short")
			}
			e := newEnv(t, open)
			var a account
			for range 300 {
				a = e.register()
			}
			for i := range 300 {
				r := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": a.Email, "password": "correct horse 马"}})
				if r.Status != 200 {
					t.Fatalf("login %d after 300 registrations: status %d %s", i+1, r.Status, r.Body)
				}
			}
		})
	})
}
