package api

import (
	"context"
	"sync"
	"time"

	"makerlink"
)

// TokenCacheTTL is how long a [TokenCache] trusts a token it has checked:
// a reconnecting crowd signs in without a database query each. A token
// signed out through the node that holds the cache stops opening websockets
// at once (Config.Tokens), and one signed out through another node as soon
// as its hub hears of it ([TokenCache.Evict]); one revoked otherwise, or
// expired in the database, within this time.
const TokenCacheTTL = 30 * time.Second

// maxCachedTokens bounds the token cache; it is emptied when full.
const maxCachedTokens = 200_000

// TokenCache checks the session tokens of POST /auth/login for the realtime
// hub (realtime.Config.Authenticate: [TokenCache.Authenticate]) as HTTP
// requests are checked, and remembers the answers for TokenCacheTTL. Give
// the same cache to the API (Config.Tokens) so that a sign-out forgets the
// token.
type TokenCache struct {
	users makerlink.UserStore
	now   func() time.Time

	mu        sync.Mutex
	entries   map[string]tokenEntry // by token hash
	onSignOut func(hash string)
}

// TokenKey is the key of a token in a TokenCache and in a realtime hub
// (realtime.Config.TokenKey): the hash the database keeps of it.
func TokenKey(token string) string { return hashToken(token) }

// OnSignOut sets a function called with the token's [TokenKey] when a
// token is signed out through this node: the hub closes the sockets
// opened with it (realtime.Hub.SignOut). Set it before serving.
func (tc *TokenCache) OnSignOut(f func(hash string)) { tc.onSignOut = f }

type tokenEntry struct {
	userID  string
	expires time.Time // the earlier of the cache TTL and the session's expiry
}

// NewTokenCache returns a token cache over users. now may be nil
// (time.Now).
func NewTokenCache(users makerlink.UserStore, now func() time.Time) *TokenCache {
	if now == nil {
		now = time.Now
	}
	return &TokenCache{users: users, now: now, entries: map[string]tokenEntry{}}
}

// TokenAuthenticator returns the Authenticate method of a new TokenCache,
// for a hub whose tokens are never signed out through this process.
func TokenAuthenticator(users makerlink.UserStore, now func() time.Time) func(ctx context.Context, token string) (string, error) {
	return NewTokenCache(users, now).Authenticate
}

// Authenticate returns the id of the user signed in with token, or an
// EUnauthorized error for a malformed, unknown, revoked or expired token.
func (tc *TokenCache) Authenticate(ctx context.Context, token string) (string, error) {
	if !validTokenShape(token) {
		return "", errUnauthorized("The token is invalid; sign in again.")
	}
	hash := hashToken(token)
	t := tc.now()
	tc.mu.Lock()
	e, ok := tc.entries[hash]
	tc.mu.Unlock()
	if ok && t.Before(e.expires) {
		return e.userID, nil
	}
	sess, u, err := tc.users.FindSession(ctx, hash)
	if err != nil {
		if makerlink.ErrorCode(err) == makerlink.ENotFound {
			return "", errUnauthorized("The token is invalid or revoked; sign in again.")
		}
		return "", err
	}
	if !t.Before(sess.ExpiresAt) {
		return "", errUnauthorized("The token has expired; sign in again.")
	}
	exp := t.Add(TokenCacheTTL)
	if sess.ExpiresAt.Before(exp) {
		exp = sess.ExpiresAt
	}
	tc.mu.Lock()
	if len(tc.entries) >= maxCachedTokens {
		clear(tc.entries)
	}
	tc.entries[hash] = tokenEntry{userID: u.ID, expires: exp}
	tc.mu.Unlock()
	return u.ID, nil
}

// forget drops the token with this hash from the cache and closes the
// sockets signed in with it (OnSignOut).
func (tc *TokenCache) forget(hash string) {
	tc.Evict(hash)
	if tc.onSignOut != nil {
		tc.onSignOut(hash)
	}
}

// Evict drops the token whose [TokenKey] is hash from the cache, without
// calling OnSignOut: for sign-outs through other nodes, which the realtime
// hub hears of (realtime.Config.OnSignOut). The next check of the token
// asks the database.
func (tc *TokenCache) Evict(hash string) {
	tc.mu.Lock()
	delete(tc.entries, hash)
	tc.mu.Unlock()
}

// IssueSession stores a new session for an existing account and returns
// its bearer token, valid for ttl (SessionTTL when zero). It is for tools
// that act for many accounts without their passwords (load tests, demo
// scripts); the API itself issues tokens on login.
func IssueSession(ctx context.Context, users makerlink.UserStore, userID string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = SessionTTL
	}
	tok, hash := newToken()
	now := time.Now().UTC()
	if err := users.CreateSession(ctx, &makerlink.Session{TokenHash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		return "", err
	}
	return tok, nil
}
