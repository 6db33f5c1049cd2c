package api

import (
	"context"
	"sync"
	"time"

	"makerlink"
)

// TokenCacheTTL is how long [TokenAuthenticator] trusts a token it has
// checked: a reconnecting crowd signs in without a database query each,
// and a revoked token stops working on new websocket connections within
// this time.
const TokenCacheTTL = 30 * time.Second

// maxCachedTokens bounds the token cache; it is emptied when full.
const maxCachedTokens = 200_000

// TokenAuthenticator returns the token check of the realtime hub
// (realtime.Config.Authenticate): the session tokens of POST /auth/login,
// checked as on HTTP requests. now may be nil (time.Now).
func TokenAuthenticator(users makerlink.UserStore, now func() time.Time) func(ctx context.Context, token string) (string, error) {
	if now == nil {
		now = time.Now
	}
	type entry struct {
		userID  string
		expires time.Time // the earlier of the cache TTL and the session's expiry
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(ctx context.Context, token string) (string, error) {
		if !validTokenShape(token) {
			return "", errUnauthorized("The token is invalid; sign in again.")
		}
		hash := hashToken(token)
		t := now()
		mu.Lock()
		e, ok := cache[hash]
		mu.Unlock()
		if ok && t.Before(e.expires) {
			return e.userID, nil
		}
		sess, u, err := users.FindSession(ctx, hash)
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
		mu.Lock()
		if len(cache) >= maxCachedTokens {
			clear(cache)
		}
		cache[hash] = entry{userID: u.ID, expires: exp}
		mu.Unlock()
		return u.ID, nil
	}
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
