package api

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"makerlink"
)

func TestSessionCache(t *testing.T) {
	sess := &makerlink.Session{TokenHash: "h", UserID: "u1"}
	user := &makerlink.User{ID: "u1", Roles: []makerlink.Role{makerlink.RoleFounder}}
	found := func(n *atomic.Int64) func() (*makerlink.Session, *makerlink.User, error) {
		return func() (*makerlink.Session, *makerlink.User, error) { n.Add(1); return sess, user, nil }
	}

	t.Run("OneLookupForABurst", func(t *testing.T) {
		c := newSessionCache(time.Hour)
		var n atomic.Int64
		release := make(chan struct{})
		slow := func() (*makerlink.Session, *makerlink.User, error) {
			<-release
			return found(&n)()
		}
		var wg sync.WaitGroup
		lookup := func() {
			defer wg.Done()
			if _, u, err := c.lookup("h", slow); err != nil || u.ID != "u1" {
				t.Errorf("lookup = %v, %v", u, err)
			}
		}
		wg.Add(1)
		go lookup()
		for { // the first request is reading the store
			c.mu.Lock()
			_, ok := c.inflight["h"]
			c.mu.Unlock()
			if ok {
				break
			}
			time.Sleep(time.Millisecond)
		}
		for range 19 {
			wg.Add(1)
			go lookup()
		}
		close(release)
		wg.Wait()
		c.lookup("h", slow)
		if n.Load() != 1 {
			t.Errorf("%d store look-ups for 21 requests with one token, want 1", n.Load())
		}
	})

	t.Run("CopiesTheUser", func(t *testing.T) {
		c := newSessionCache(time.Hour)
		var n atomic.Int64
		_, u, _ := c.lookup("h", found(&n))
		u.Roles[0] = makerlink.RoleAdmin
		_, u2, _ := c.lookup("h", found(&n))
		if u2.IsAdmin() || user.IsAdmin() {
			t.Errorf("a request's change to its user reached the cache")
		}
	})

	t.Run("ErrorsAreNotCached", func(t *testing.T) {
		c := newSessionCache(time.Hour)
		notFound := makerlink.Errorf(makerlink.ENotFound, "Session not found.")
		if _, _, err := c.lookup("h", func() (*makerlink.Session, *makerlink.User, error) { return nil, nil, notFound }); !errors.Is(err, notFound) {
			t.Fatalf("err = %v", err)
		}
		var n atomic.Int64
		if _, _, err := c.lookup("h", found(&n)); err != nil || n.Load() != 1 {
			t.Errorf("after an error: err %v, %d look-ups", err, n.Load())
		}
	})

	t.Run("ForgetDuringLookup", func(t *testing.T) {
		// A logout while a request is reading the session: the old
		// session must not land in the cache.
		c := newSessionCache(time.Hour)
		var n atomic.Int64
		if _, _, err := c.lookup("h", func() (*makerlink.Session, *makerlink.User, error) {
			c.forget("h")
			return found(&n)()
		}); err != nil {
			t.Fatal(err)
		}
		c.lookup("h", found(&n))
		if n.Load() != 2 {
			t.Errorf("%d store look-ups, want 2: the session read before the logout was cached", n.Load())
		}
	})

	t.Run("Expires", func(t *testing.T) {
		c := newSessionCache(time.Nanosecond)
		var n atomic.Int64
		c.lookup("h", found(&n))
		time.Sleep(time.Millisecond)
		c.lookup("h", found(&n))
		if n.Load() != 2 {
			t.Errorf("%d store look-ups after the TTL, want 2", n.Load())
		}
	})
}
