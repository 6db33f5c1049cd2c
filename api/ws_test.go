package api_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/api"
)

// countingUsers counts the session look-ups that reach the store.
type countingUsers struct {
	makerlink.UserStore
	finds atomic.Int64
}

func (c *countingUsers) FindSession(ctx context.Context, hash string) (*makerlink.Session, *makerlink.User, error) {
	c.finds.Add(1)
	return c.UserStore.FindSession(ctx, hash)
}

// The hub's token check: a reconnecting client does not cost a database
// query, a sign-out through this node closes the door at once, and a
// sign-out through another node within TokenCacheTTL.
func TestTokenCache(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open)
		users := &countingUsers{UserStore: e.store}
		tokens := api.NewTokenCache(users, e.clock.Now)
		var signedOut []string // what the hub is asked to close
		tokens.OnSignOut(func(hash string) { signedOut = append(signedOut, hash) })
		// This node's API shares the cache; node B is another server on the
		// same database.
		nodeA := api.New(api.Config{Store: e.store, Now: e.clock.Now, PasswordCost: bcrypt.MinCost, Tokens: tokens})
		nodeB := api.New(api.Config{Store: e.store, Now: e.clock.Now, PasswordCost: bcrypt.MinCost})
		logout := func(srv *api.Server, token string) {
			t.Helper()
			r := httptest.NewRequest("POST", "/api/v1/auth/logout", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			resp, err := srv.App().Test(r, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 204 {
				t.Fatalf("logout: status %d", resp.StatusCode)
			}
		}
		ctx := context.Background()
		wantUser := func(token, id string) {
			t.Helper()
			got, err := tokens.Authenticate(ctx, token)
			if err != nil || got != id {
				t.Fatalf("Authenticate = %q, %v; want %q", got, err, id)
			}
		}
		wantRefused := func(token string) {
			t.Helper()
			got, err := tokens.Authenticate(ctx, token)
			if makerlink.ErrorCode(err) != makerlink.EUnauthorized {
				t.Fatalf("Authenticate = %q, %v; want %s", got, err, makerlink.EUnauthorized)
			}
		}

		a, b := e.register(), e.register()
		wantUser(a.Token, a.User.ID)
		wantUser(b.Token, b.User.ID)
		for range 5 {
			wantUser(a.Token, a.User.ID)
		}
		if n := users.finds.Load(); n != 2 {
			t.Errorf("%d session look-ups for 7 checks of 2 tokens, want 2", n)
		}

		for _, bad := range []string{"", "not-a-token", "x\x00y", a.Token + "x"} {
			wantRefused(bad)
		}

		// Signed out here: refused at once.
		logout(nodeA, a.Token)
		wantRefused(a.Token)
		// and the hub of this node closes the sockets opened with it
		if len(signedOut) == 0 || !slices.Contains(signedOut, api.TokenKey(a.Token)) || slices.ContainsFunc(signedOut, func(h string) bool { return h != api.TokenKey(a.Token) }) {
			t.Errorf("hub asked to close %v, want the key of a's token only", signedOut)
		}
		signedOut = nil

		// Signed out through node B: this node's cache trusts the token
		// until the hub hears of the sign-out (Evict) ...
		logout(nodeB, b.Token)
		if len(signedOut) != 0 {
			t.Errorf("a sign-out through node B closed sockets here: %v", signedOut)
		}
		wantUser(b.Token, b.User.ID)
		tokens.Evict(api.TokenKey(b.Token))
		wantRefused(b.Token)
		if len(signedOut) != 0 {
			t.Errorf("Evict asked the hub to close sockets: %v", signedOut)
		}
		// ... or until its entry expires, when the hub missed it.
		d := e.register()
		wantUser(d.Token, d.User.ID)
		logout(nodeB, d.Token)
		wantUser(d.Token, d.User.ID)
		e.clock.Advance(api.TokenCacheTTL)
		wantRefused(d.Token)

		// A session that expires in the database is refused too.
		c := e.register()
		wantUser(c.Token, c.User.ID)
		e.clock.Advance(api.SessionTTL)
		wantRefused(c.Token)
	})
}
