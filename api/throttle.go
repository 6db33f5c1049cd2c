package api

import (
	"time"

	"makerlink/ratelimit"
)

// Limit allows Events events at once and then refills at Events per Per
// (see [ratelimit.Limit]).
type Limit = ratelimit.Limit

// Limits are the throttles of the sign-in and registration routes. They are
// kept in memory by each node unless Config.RateLimiter shares them (in
// Redis): with N nodes counting apart a client may get up to N times as many
// attempts.
type Limits struct {
	// LoginFailuresPerAccount counts failed logins per email address
	// (existing or not).
	LoginFailuresPerAccount Limit
	// LoginFailuresPerAddress counts failed logins per client IP address.
	LoginFailuresPerAddress Limit
	// AuthPerAddress counts every register and login request per client IP
	// address, successful or not.
	AuthPerAddress Limit
}

// DefaultLimits are the limits used for zero fields of [Config.Limits]. A
// whole event venue may sit behind one address, so the per-address limits
// allow well over 600 requests a minute.
var DefaultLimits = Limits{
	LoginFailuresPerAccount: Limit{Events: 10, Per: 15 * time.Minute},
	LoginFailuresPerAddress: Limit{Events: 600, Per: time.Minute},
	AuthPerAddress:          Limit{Events: 1200, Per: time.Minute},
}

func (l Limits) withDefaults() Limits {
	def := func(x *Limit, d Limit) {
		if x.Events <= 0 || x.Per <= 0 {
			*x = d
		}
	}
	def(&l.LoginFailuresPerAccount, DefaultLimits.LoginFailuresPerAccount)
	def(&l.LoginFailuresPerAddress, DefaultLimits.LoginFailuresPerAddress)
	def(&l.AuthPerAddress, DefaultLimits.AuthPerAddress)
	return l
}

// throttle groups the limiters of the auth routes.
type throttle struct {
	account, addrFail, addrAll ratelimit.Limiter
}

// newThrottle makes the limiters with newLimiter (in memory when nil).
func newThrottle(l Limits, newLimiter func(name string, l Limit) ratelimit.Limiter) *throttle {
	if newLimiter == nil {
		newLimiter = func(_ string, l Limit) ratelimit.Limiter { return ratelimit.NewMemory(l) }
	}
	return &throttle{
		account:  newLimiter("login-account", l.LoginFailuresPerAccount),
		addrFail: newLimiter("login-address", l.LoginFailuresPerAddress),
		addrAll:  newLimiter("auth-address", l.AuthPerAddress),
	}
}
