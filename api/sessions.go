package api

import (
	"sync"
	"time"

	"makerlink"
)

// Session cache settings.
const (
	// sessionCacheTTL is how long a token's session and account, once read,
	// answer requests without the store: a burst of requests with one token
	// (a page's API calls, an audience member voting on several pitches)
	// costs one look-up. A token revoked through another node (logout
	// there) or a role granted outside the API is seen within this time;
	// logout through this node takes effect at once.
	sessionCacheTTL = time.Second
	// sessionCacheMax bounds the entries; a full cache drops the expired
	// ones, then everything.
	sessionCacheMax = 100_000
)

// sessionCache remembers recent token look-ups by token hash, and runs one
// store look-up for concurrent requests with the same token. Ages are
// measured on the monotonic clock, not the server's injectable one; the
// session's own expiry is still checked against the server's clock on
// every request.
type sessionCache struct {
	ttl      time.Duration
	mu       sync.Mutex
	entries  map[string]sessionEntry
	inflight map[string]*sessionCall
}

type sessionEntry struct {
	sess *makerlink.Session
	user *makerlink.User
	at   time.Time
}

// sessionCall is a store look-up under way; requests with the same token
// wait for it instead of repeating it.
type sessionCall struct {
	done  chan struct{}
	sess  *makerlink.Session
	user  *makerlink.User
	err   error
	stale bool // the token was logged out meanwhile: do not cache the result
}

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, entries: map[string]sessionEntry{}, inflight: map[string]*sessionCall{}}
}

// lookup returns the session of a token hash and a copy of its user (the
// caller may change it), from the cache or from find. Errors are not
// cached.
func (c *sessionCache) lookup(hash string, find func() (*makerlink.Session, *makerlink.User, error)) (*makerlink.Session, *makerlink.User, error) {
	if c.ttl <= 0 {
		return find()
	}
	c.mu.Lock()
	if e, ok := c.entries[hash]; ok && time.Since(e.at) < c.ttl {
		c.mu.Unlock()
		return e.sess, copyUser(e.user), nil
	}
	call, waiting := c.inflight[hash]
	if !waiting {
		call = &sessionCall{done: make(chan struct{})}
		c.inflight[hash] = call
	}
	c.mu.Unlock()

	if waiting {
		<-call.done
	} else {
		call.sess, call.user, call.err = find()
		c.mu.Lock()
		if c.inflight[hash] == call {
			delete(c.inflight, hash)
		}
		if call.err == nil && !call.stale {
			c.putLocked(hash, sessionEntry{sess: call.sess, user: copyUser(call.user), at: time.Now()})
		}
		c.mu.Unlock()
		close(call.done)
	}
	if call.err != nil {
		return nil, nil, call.err
	}
	return call.sess, copyUser(call.user), nil
}

func (c *sessionCache) putLocked(hash string, e sessionEntry) {
	if len(c.entries) >= sessionCacheMax {
		for k, old := range c.entries {
			if e.at.Sub(old.at) >= c.ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= sessionCacheMax {
			clear(c.entries)
		}
	}
	c.entries[hash] = e
}

// forget drops a token hash (logout), including a look-up under way.
func (c *sessionCache) forget(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	if call, ok := c.inflight[hash]; ok {
		call.stale = true
		delete(c.inflight, hash)
	}
	c.mu.Unlock()
}

func copyUser(u *makerlink.User) *makerlink.User {
	cu := *u
	cu.Roles = append([]makerlink.Role(nil), u.Roles...)
	return &cu
}
