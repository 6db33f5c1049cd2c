// Package seed generates deterministic demo data for makerlink: startups,
// investors, mentors, lab instruments and spaces across the five cities of
// Ningxia, with their owner accounts and a few well-known demo logins.
//
// [Generate] builds a [Dataset] from a seed number: the same [Options]
// always give byte-identical data (ids, texts and timestamps come from a
// seeded PCG generator and a fixed base date, never from the clock or
// crypto/rand). [Load] stores a data set through [makerlink.Store]; it is
// idempotent, and [Loaded] tells whether the demo data is there.
// With the profiles it stores what the demo logins have done (content.go):
// introductions, the demo investor's pipeline, the demo organizer's
// pitch events and the demo lab's bookings (bookings.go), through the same
// domain rules as the API; those records
// are dated relative to the load, not the fixed base date.
//
//	d := seed.Generate(seed.Options{Seed: 1})             // the demo data
//	hash, _ := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), bcrypt.DefaultCost)
//	err := seed.Load(ctx, st, d, string(hash))
//
// The texts are Chinese, as Ningxia founders write them, with English where
// a bilingual founder would add it (about 30% of startups). They come from
// the tables in topics.go (what startups do, per sector), texts.go (what
// investors and mentors say), instruments.go and places.go (the region's
// institutions, instruments, incubators and maker spaces, including those
// named by the regional plan in ../shared/seeds).
//
// Stability: search relevance sets and matching fixtures are built on the
// default data (seed 1). Changing the tables or the generators changes that
// data; do it only on purpose and update those fixtures in the same commit.
// Each profile kind draws from its own random stream, so a change to mentors
// or instruments leaves spaces, startups and investors unchanged.
package seed
