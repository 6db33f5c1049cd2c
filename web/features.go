package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// probe is a request a feature needs the server to route.
type probe struct{ method, path string }

// featureProbes names the API features pages depend on and the routes each
// needs. A page whose feature is missing says it is not available yet rather
// than calling an endpoint that does not exist.
var featureProbes = map[string][]probe{
	"auth":           {{"POST", "/api/v1/auth/login"}, {"POST", "/api/v1/auth/register"}},
	"logout":         {{"POST", "/api/v1/auth/logout"}},
	"me":             {{"GET", "/api/v1/me"}},
	"profiles":       {{"GET", "/api/v1/startups/x"}, {"GET", "/api/v1/equipment/x"}},
	"profile_write":  {{"POST", "/api/v1/startups"}, {"PATCH", "/api/v1/startups/x"}},
	"search":         {{"GET", "/api/v1/search"}},
	"suggest":        {{"GET", "/api/v1/search/suggest"}},
	"matches":        {{"GET", "/api/v1/startups/x/matches"}},
	"inv_matches":    {{"GET", "/api/v1/investors/x/matches"}},
	"mentor_matches": {{"GET", "/api/v1/mentors/x/matches"}},
	"feedback":       {{"POST", "/api/v1/matches/feedback"}},
	"intros":         {{"POST", "/api/v1/intros"}, {"GET", "/api/v1/intros"}, {"POST", "/api/v1/intros/x/accept"}, {"POST", "/api/v1/intros/x/decline"}},
	"pipeline":       {{"GET", "/api/v1/pipeline"}, {"PUT", "/api/v1/pipeline/x"}},
	"bookings":       {{"POST", "/api/v1/equipment/x/bookings"}, {"GET", "/api/v1/equipment/x/bookings"}},
	"approvals":      {{"POST", "/api/v1/bookings/x/approve"}, {"POST", "/api/v1/bookings/x/reject"}},
	"mentoring":      {{"GET", "/api/v1/mentors/x/mentoring"}, {"PUT", "/api/v1/mentors/x/mentoring"}, {"GET", "/api/v1/mentors/x/mentees"}, {"POST", "/api/v1/mentors/x/mentees/y/end"}},
	"usage":          {{"GET", "/api/v1/usage/monthly"}, {"GET", "/api/v1/usage/monthly.csv"}},
	"usage_record":   {{"PUT", "/api/v1/bookings/x/usage"}, {"GET", "/api/v1/equipment/x/bookings"}},
	"notifications":  {{"GET", "/api/v1/notifications"}, {"POST", "/api/v1/notifications/x/read"}},
	"events":         {{"GET", "/api/v1/events/x"}, {"GET", "/api/v1/events/x/leaderboard"}},
	"event_admin":    {{"POST", "/api/v1/events"}, {"POST", "/api/v1/events/x/pitches"}, {"POST", "/api/v1/events/x/judges"}, {"POST", "/api/v1/events/x/control"}},
	"scores":         {{"PUT", "/api/v1/events/x/pitches/y/scores/me"}},
	"votes":          {{"POST", "/api/v1/events/x/pitches/y/votes"}},
	"questions":      {{"POST", "/api/v1/events/x/questions"}, {"POST", "/api/v1/events/x/questions/y/upvote"}},
	"intents":        {{"POST", "/api/v1/events/x/pitches/y/intents"}},
	"ws":             {{"GET", "/ws"}},
}

// Features reports which API features the app routes. It is computed once
// per app, on the first page request, when every route is registered.
func (w *Web) Features(app *fiber.App) map[string]bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.features[app]; ok {
		return f
	}
	routes := app.GetRoutes(true)
	f := make(map[string]bool, len(featureProbes))
	for name, probes := range featureProbes {
		ok := true
		for _, p := range probes {
			if !routed(routes, p) {
				ok = false
				break
			}
		}
		f[name] = ok
	}
	w.features[app] = f
	return f
}

func routed(routes []fiber.Route, p probe) bool {
	for _, r := range routes {
		if r.Method == p.method && routeMatches(r.Path, p.path) {
			return true
		}
	}
	return false
}

// routeMatches reports whether a Fiber route pattern matches a concrete
// path. Parameters (":id", ":id?") match one segment; patterns with
// wildcards are ignored, since catch-alls (such as a JSON 404 for /api/*)
// do not mean that a feature exists.
func routeMatches(pattern, p string) bool {
	if strings.ContainsAny(pattern, "*+") {
		return false
	}
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	ss := strings.Split(strings.Trim(p, "/"), "/")
	i := 0
	for _, seg := range ps {
		optional := strings.HasPrefix(seg, ":") && strings.HasSuffix(seg, "?")
		if i >= len(ss) {
			if optional {
				continue
			}
			return false
		}
		switch {
		case strings.HasPrefix(seg, ":"):
			i++
		case strings.EqualFold(seg, ss[i]):
			i++
		default:
			return false
		}
	}
	return i == len(ss)
}
