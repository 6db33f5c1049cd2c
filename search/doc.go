// Package search keeps one Bleve index of all five profile kinds (startups,
// investors, mentors, equipment and spaces) and answers ranked, faceted,
// visibility-aware searches and type-ahead suggestions over it.
// Suggestions are served from a sorted list of name keys in memory, one per
// index generation, loaded from the generation's stored fields when it is
// opened and updated by every batch (suggest.go).
//
// The index lives in a directory (by convention <data>/search.bleve) that
// holds generations of the index, gen-NNN, and a CURRENT file naming the
// live one. [Open] starts a fresh generation when the index is missing,
// unreadable or built with an older [MappingVersion]; [Index.Fresh] then
// reports that it must be filled from the database.
//
// The database holds the truth. A [Syncer] follows the store's change feed
// ([makerlink.ProfileStore.ProfileChanges]), applies changes in batches and
// records the last applied sequence number inside the index, so every node
// of a cluster keeps its own index from the shared database. [Syncer.Reindex]
// and [Rebuild] build a new generation online and swap it in while searches
// keep answering.
//
// User text never reaches Bleve's query-string syntax: queries are built
// from the terms of package analysis, lengths are capped, and bad input
// gives a *makerlink.Error with code bad_request.
package search
