// Package api is the HTTP API of makerlink, built on Fiber v2.
//
// [New] registers every route (routes.go) on a Fiber app whose single
// ErrorHandler (errors.go) turns any returned error into an
// application/problem+json reply: the error's makerlink code picks the
// status from the one code-to-status table, internal errors are logged with
// the request id and shown as "Internal error.". Handlers are grouped by
// topic: auth.go (register, login, logout, /me, bearer tokens, throttling
// in throttle.go), profiles.go (the five profile kinds), ops.go (health,
// readiness, metrics, request ids, the access log), openapi.go (the
// OpenAPI 3 document, checked against the routes by a test).
//
// Every request passes one middleware (core in ops.go) that sets the
// X-Request-ID, bounds the request's context (SetUserContext), recovers
// panics, resolves the bearer token when there is one (anonymous requests
// cost no lookup), and records metrics and one access log line.
//
// Throttles are in memory, per node (see [Limits]).
package api
