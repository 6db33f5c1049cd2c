package matching_test

import (
	"context"
	"testing"

	"makerlink"
	"makerlink/matching"
	"makerlink/seed"
)

// BenchmarkServiceMatches prices what a match query pays to answer from
// fresh data ([matching.Service.Matches] catches up with the change feed
// and, at most once a second, the connection signals) against the
// engine's ranking alone, in the same run: a founder's investor matches
// over the demo data, on both engines.
//
//	go test -run X -bench ServiceMatches -benchtime 2000x ./matching/
func BenchmarkServiceMatches(b *testing.B) {
	for name, open := range engines() {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := open(b)
			d := seed.Generate(seed.Options{Seed: 1, Total: 5000})
			if err := seed.Load(ctx, db, d, "$2a$04$bench-hash-not-a-real-bcrypt-hash-00000000000000000000"); err != nil {
				b.Fatal(err)
			}
			svc := matching.NewService(matching.ServiceOptions{Store: db, Feedback: db})
			if err := svc.Load(ctx); err != nil {
				b.Fatal(err)
			}
			var id string
			for _, p := range d.Profiles {
				if s, ok := p.(*makerlink.Startup); ok {
					id = s.ID
					break
				}
			}
			q := makerlink.MatchQuery{FromKind: makerlink.KindStartup, FromID: id, ToKind: makerlink.KindInvestor}
			b.Run("engine", func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.Engine().Match(q); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("service", func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.Matches(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
