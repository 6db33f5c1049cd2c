// Package makerlink holds the domain of the makerlink service: accounts, the
// five profile kinds (startups, investors, mentors, lab equipment and spaces),
// the sector, stage and city vocabularies, and the errors every layer shares.
//
// The package imports only the standard library. Adapters live in their own
// packages (store for SQL, api for HTTP, search for Bleve, realtime for rooms)
// and depend on this package, never on each other; cmd/makerlink wires them.
package makerlink
