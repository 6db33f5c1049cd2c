package api_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"testing"

	"github.com/valyala/fasthttp"

	"makerlink"
	"makerlink/api"
	"makerlink/store/storetest"
)

// benchServer returns the fasthttp handler of a server on a SQLite or
// PostgreSQL store holding one startup, and that startup's id. The access
// log is at Warn, as in load tests.
func benchServer(b *testing.B, open func(testing.TB) makerlink.Store) (fasthttp.RequestHandler, string) {
	b.Helper()
	st := open(b)
	u := storetest.NewUser(b, st, makerlink.RoleFounder)
	ps := make([]makerlink.Profile, 0, 200)
	for i := range 200 {
		ps = append(ps, storetest.Startup(u.ID, i))
	}
	if err := st.CreateProfiles(context.Background(), ps); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := api.New(api.Config{Store: st, Logger: log})
	return s.App().Handler(), ps[100].Base().ID
}

// runHandler serves GET path on h b.N times, in parallel, without a network.
func runHandler(b *testing.B, h fasthttp.RequestHandler, path string, want int) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		var req fasthttp.Request
		req.Header.SetMethod("GET")
		req.SetRequestURI(path)
		ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
		for pb.Next() {
			ctx.Response.Reset()
			h(&ctx)
			if sc := ctx.Response.StatusCode(); sc != want {
				b.Errorf("GET %s: status %d: %s", path, sc, ctx.Response.Body())
				return
			}
		}
	})
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchServer(b, func(tb testing.TB) makerlink.Store { return storetest.OpenSQLite(tb) })
	runHandler(b, h, "/healthz", 200)
}

func BenchmarkGetStartup(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			h, id := benchServer(b, e.open)
			runHandler(b, h, "/api/v1/startups/"+id, 200)
		})
	}
}

func BenchmarkListStartups(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			h, _ := benchServer(b, e.open)
			runHandler(b, h, "/api/v1/startups?sector=biotech&limit=20", 200)
		})
	}
}
