package api

import (
	"github.com/gofiber/fiber/v2"

	"makerlink"
)

// routes registers every route. Keep this the one place that lists them:
// later features add their lines here and describe them in openapi.go
// (TestOpenAPIDescribesEveryRoute fails otherwise). Protected routes put
// requireUser first; there are no group middlewares, so that metrics label
// every request with its route pattern.
func (s *Server) routes() {
	app := s.app
	app.Use(s.core)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())

	v1 := app.Group("/api/v1")
	v1.Get("/openapi.json", s.serveOpenAPI)
	v1.Get("/sectors", s.sectors)

	v1.Post("/auth/register", s.register)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", requireUser, s.logout)
	v1.Get("/me", requireUser, s.me)

	for _, k := range makerlink.Kinds {
		p := "/" + k.Plural()
		v1.Get(p, s.listProfiles(k))
		v1.Post(p, requireUser, s.createProfile(k))
		v1.Get(p+"/:id", s.getProfile(k))
		v1.Patch(p+"/:id", requireUser, s.patchProfile(k))
		v1.Delete(p+"/:id", requireUser, s.deleteProfile(k))
	}

	s.searchRoutes(v1)     // search.go
	s.matchRoutes(v1)      // matches.go
	s.eventRoutes(app, v1) // events.go: events, notifications, GET /ws

	s.connectionRoutes(v1) // connections.go: intros, pipeline, mentoring, bookings

	if s.pages != nil {
		s.pages.Register(app) // the web app: /, /static/*, page routes
	}
}

// serveOpenAPI serves the OpenAPI 3 document built by buildOpenAPI.
func (s *Server) serveOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(s.openAPI)
}
