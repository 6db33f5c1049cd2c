package makerlink

import "context"

// SearchQuery is a full-text search over the five profile kinds. Filters
// with several values match any of them; different filters must all match.
type SearchQuery struct {
	Q       string   // the user's text; may be empty when a filter is set
	Kinds   []string // profile kinds ("startup" or "startups")
	Sectors []string // sector codes
	Stages  []string // stage codes
	Cities  []string // cities, in Chinese or English
	Offset  int
	Limit   int // 0 means the default page size
	// Facets to count among "kind", "sector", "stage" and "city": nil
	// means all four; an empty, non-nil slice means none.
	Facets []string
	// Viewer decides which investors-only startups are visible (nil when
	// anonymous), as [CanView] does.
	Viewer *User
}

// SearchHit is one search result.
type SearchHit struct {
	Kind    Kind    `json:"kind"`
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Snippet string  `json:"snippet"` // HTML: matches in <mark>, the rest escaped
	Score   float64 `json:"score"`
}

// SearchResult is a page of hits, the total number of matches and the
// facet counts over all matches (not only this page). Facets always holds
// the keys kind, sector, stage and city.
type SearchResult struct {
	Total  uint64                    `json:"total"`
	Hits   []SearchHit               `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

// Suggestion is a type-ahead entry.
type Suggestion struct {
	Kind  Kind   `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

// SearchService answers searches over profiles; package search implements
// it on Bleve.
type SearchService interface {
	// Search returns a ranked page of hits with facet counts. Bad input
	// (an empty query without filters, over-long text, control
	// characters, unknown codes or facets) is EBadRequest; text without
	// searchable characters gives an empty result.
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
	// Suggest returns up to 10 profiles whose name, a word of it or its
	// pinyin starts with q, for typing ahead.
	Suggest(ctx context.Context, q string, viewer *User) ([]Suggestion, error)
}
