package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"makerlink"
	"makerlink/analysis"
)

// Limits of a [Query].
const (
	MaxQueryRunes   = 200   // longer q is refused
	DefaultLimit    = 20    // hits per page when Limit is 0
	MaxLimit        = 100   // larger limits are lowered to it
	MaxOffset       = 10000 // deeper pages are refused
	MaxFilterValues = 20    // values of one filter
	searchTimeout   = 5 * time.Second
)

// FacetNames lists the facets a search can count, in reply order.
var FacetNames = []string{"kind", "sector", "stage", "city"}

var facetSizes = map[string]int{"kind": 5, "sector": 10, "stage": 6, "city": 30}

// Query is a search request (see [makerlink.SearchQuery]).
type Query = makerlink.SearchQuery

// Hit is one search result.
type Hit = makerlink.SearchHit

// Result is a page of hits with facet counts.
type Result = makerlink.SearchResult

// Suggestion is a type-ahead entry.
type Suggestion = makerlink.Suggestion

var _ makerlink.SearchService = (*Index)(nil)

func badRequest(format string, args ...any) error {
	e := makerlink.Errorf(makerlink.EBadRequest, format, args...)
	e.Op = "search"
	return e
}

// checkText validates user text: valid UTF-8, no control characters
// other than white space, at most max runes.
func checkText(name, s string, max int) error {
	if !utf8.ValidString(s) {
		return badRequest("%s is not valid UTF-8.", name)
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return badRequest("%s contains control characters.", name)
		}
	}
	if n > max {
		return badRequest("%s is too long (at most %d characters).", name, max)
	}
	return nil
}

// normalized holds a validated query.
type normalized struct {
	q                              string
	kinds, sectors, stages, cities []string
	facets                         []string
	offset, limit                  int
}

// filtered reports whether n narrows by kind, sector, stage or city.
func (n *normalized) filtered() bool {
	return len(n.kinds)+len(n.sectors)+len(n.stages)+len(n.cities) > 0
}

// unfiltered returns n without those filters and facets, for a count.
func (n *normalized) unfiltered() *normalized {
	return &normalized{q: n.q, limit: 1}
}

func normalize(q Query) (*normalized, error) {
	n := &normalized{q: strings.TrimSpace(q.Q), offset: q.Offset, limit: q.Limit}
	if err := checkText("q", q.Q, MaxQueryRunes); err != nil {
		return nil, err
	}
	switch {
	case n.limit < 0:
		return nil, badRequest("limit must not be negative.")
	case n.limit == 0:
		n.limit = DefaultLimit
	case n.limit > MaxLimit:
		n.limit = MaxLimit
	}
	if n.offset < 0 || n.offset > MaxOffset {
		return nil, badRequest("offset must be between 0 and %d.", MaxOffset)
	}
	list := func(name string, vals []string, canon func(string) (string, bool)) ([]string, error) {
		var out []string
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if err := checkText(name, v, makerlink.MaxName); err != nil {
				return nil, err
			}
			c, ok := canon(v)
			if !ok {
				return nil, badRequest("Unknown %s %q.", name, truncate(v, 40))
			}
			out = append(out, c)
		}
		if len(out) > MaxFilterValues {
			return nil, badRequest("Too many values of %s (at most %d).", name, MaxFilterValues)
		}
		return out, nil
	}
	var err error
	if n.kinds, err = list("kind", q.Kinds, func(s string) (string, bool) {
		if k, ok := makerlink.KindFromPlural(s); ok {
			return string(k), true
		}
		for _, k := range makerlink.Kinds {
			if string(k) == s {
				return s, true
			}
		}
		return "", false
	}); err != nil {
		return nil, err
	}
	if n.sectors, err = list("sector", q.Sectors, func(s string) (string, bool) {
		_, ok := makerlink.SectorByCode(s)
		return s, ok
	}); err != nil {
		return nil, err
	}
	if n.stages, err = list("stage", q.Stages, func(s string) (string, bool) {
		_, ok := makerlink.StageByCode(s)
		return s, ok
	}); err != nil {
		return nil, err
	}
	if n.cities, err = list("city", q.Cities, func(s string) (string, bool) {
		return makerlink.PlaceCity(s), true
	}); err != nil {
		return nil, err
	}
	if q.Facets == nil {
		n.facets = FacetNames
	}
	for _, f := range q.Facets {
		f = strings.TrimSpace(f)
		if _, ok := facetSizes[f]; !ok {
			return nil, badRequest("Unknown facet %q: use %s.", truncate(f, 40), strings.Join(FacetNames, ", "))
		}
		n.facets = append(n.facets, f)
	}
	if n.q == "" && len(n.kinds)+len(n.sectors)+len(n.stages)+len(n.cities) == 0 {
		return nil, badRequest("Type something to search for, or choose a filter.")
	}
	return n, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Search runs a query. Bad input gives a *makerlink.Error with code
// EBadRequest; a query without any searchable characters (such as "*:*")
// gives an empty result.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	n, err := normalize(q)
	if err != nil {
		return nil, err
	}
	var key string
	ver := x.ver.Load() // before searching: a change during the search makes the result stale
	if x.cache != nil {
		key = cacheKey(n, q.Viewer)
		if res, ok := x.cache.get(key, ver); ok {
			return res, nil
		}
	}
	out, err := x.search(ctx, n, q.Viewer)
	if err != nil {
		return nil, err
	}
	if x.cache != nil {
		x.cache.put(key, ver, out)
	}
	return out, nil
}

// search runs a normalised query without the cache.
func (x *Index) search(ctx context.Context, n *normalized, viewer *makerlink.User) (*Result, error) {
	amode := analysis.ModeWords
	if x.opts.Mode == TextBigrams {
		amode = analysis.ModeBigrams
	}
	var parts []analysis.QueryPart
	var main query.Query
	switch {
	case n.q == "":
		main = bleve.NewMatchAllQuery()
	case x.opts.Mode == TextStockCJK:
		main = stockQuery(n.q)
		parts = analysis.ParseQuery(n.q, amode)
	default:
		parts = analysis.ParseQuery(n.q, amode)
		if len(parts) == 0 {
			return emptyResult(n.facets), nil
		}
		// exact words first: fuzzy term searchers walk the term
		// dictionary and match many documents, so they run only when
		// the exact query finds too little
		main = x.partsQueryOpt(parts, firstMin(len(parts)), false, 1, false)
	}
	res, err := x.run(ctx, n, main, viewer)
	if err != nil {
		return nil, err
	}
	// The looser queries below run when the strict one finds too little
	// before the kind, sector, stage and city filters: the facet counts
	// the unfiltered page shows are then what a click on a facet gets.
	total := res.Total
	if n.filtered() && total < max(fuzzyBelow, relaxBelow) && len(parts) > 0 && x.opts.Mode != TextStockCJK {
		all, err := x.run(ctx, n.unfiltered(), main, viewer)
		if err != nil {
			return nil, err
		}
		total = all.Total
	}
	if total < fuzzyBelow && hasTypoParts(parts) && x.opts.Mode != TextStockCJK {
		if res, err = x.run(ctx, n, x.partsQuery(parts, firstMin(len(parts)), false, 1), viewer); err != nil {
			return nil, err
		}
		total = max(total, res.Total)
	}
	if total < relaxBelow && len(parts) > 0 && x.opts.Mode != TextStockCJK {
		// few documents have every part: settle for half of them,
		// and for the subwords of compound words; what matched the strict
		// query stays on top
		relaxed := bleve.NewBooleanQuery()
		relaxed.AddMust(x.partsQuery(parts, relaxedMin(len(parts)), true, 1))
		relaxed.AddShould(x.partsQuery(parts, firstMin(len(parts)), false, wStrict))
		if res, err = x.run(ctx, n, relaxed, viewer); err != nil {
			return nil, err
		}
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits)), Facets: facets(n.facets, res)}
	nds := snippetNeedles(parts)
	for _, h := range res.Hits {
		k, id := splitDocID(h.ID)
		title, _ := h.Fields[fTitle].(string)
		snip, _ := h.Fields[fSnip].(string)
		out.Hits = append(out.Hits, Hit{Kind: k, ID: id, Title: title, Snippet: snippet(snip, nds, snippetRunes), Score: h.Score})
	}
	return out, nil
}

func emptyResult(names []string) *Result {
	return &Result{Hits: []Hit{}, Facets: facets(names, nil)}
}

// run executes a query with the filters and visibility of n.
func (x *Index) run(ctx context.Context, n *normalized, main query.Query, viewer *makerlink.User) (*bleve.SearchResult, error) {
	// Filters join the query as required clauses that score nothing
	// rather than as Bleve's post-filter: a conjunction leaps over the
	// postings of its rarest clause, so a selective filter makes the
	// whole search cheaper.
	q := main
	if f := filterQuery(n, viewer); len(f) > 0 {
		q = query.NewConjunctionQuery(append([]query.Query{main}, f...))
	}
	if !x.bleveExec && !x.bleveFacets {
		if plan, ok := compile(q); ok {
			res, ok, err := x.execute(ctx, plan, n.offset, n.limit, len(n.facets) > 0)
			if err != nil || ok {
				return res, err
			}
		}
	}
	bleveRuns.Add(1)
	req := bleve.NewSearchRequestOptions(q, n.limit, n.offset, false)
	req.Fields = []string{fTitle, fSnip}
	req.SortBy([]string{"-_score"})
	if len(n.facets) == 0 {
		return x.exec(ctx, req)
	}
	if x.bleveFacets {
		req.AddFacet(fFacet, bleve.NewFacetRequest(fFacet, maxFacetTerms))
		return x.exec(ctx, req)
	}
	// count facets from in-memory tables of the segments (facets.go);
	// Bleve's facet builder is the fallback
	fc := &facetCounter{}
	res, err := x.exec(withFacetCounter(ctx, fc), req)
	if err != nil {
		return nil, err
	}
	if fc.ok && fc.counts != nil {
		res.Facets = search.FacetResults{fFacet: termsFacet(fc.counts, res.Total)}
		return res, nil
	}
	req.AddFacet(fFacet, bleve.NewFacetRequest(fFacet, maxFacetTerms))
	return x.exec(ctx, req)
}

// execute runs a compiled query with the executor of exec.go and puts
// what it found in Bleve's form; ok is false when the index cannot be
// searched that way.
func (x *Index) execute(ctx context.Context, plan *pnode, offset, limit int, wantFacets bool) (*bleve.SearchResult, bool, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, searchTimeout)
		defer cancel()
	}
	bi, release, err := x.current()
	if err != nil {
		return nil, true, err
	}
	defer release()
	er, ok, err := execute(ctx, bi, plan, offset, limit, wantFacets)
	if err != nil {
		if ctx.Err() != nil {
			return nil, true, &makerlink.Error{Code: makerlink.EUnavailable, Message: "The search took too long.", Op: "search", Err: err}
		}
		return nil, true, err
	}
	if !ok {
		return nil, false, nil
	}
	res := &bleve.SearchResult{Total: er.total, Hits: make(search.DocumentMatchCollection, len(er.hits))}
	for i, h := range er.hits {
		res.Hits[i] = &search.DocumentMatch{ID: h.id, Score: h.score, Fields: map[string]interface{}{fTitle: h.title, fSnip: h.snip}}
	}
	if wantFacets {
		res.Facets = search.FacetResults{fFacet: termsFacet(er.counts, er.total)}
	}
	return res, true, nil
}

// termsFacet puts counted facet terms in Bleve's form.
func termsFacet(counts map[string]int, total uint64) *search.FacetResult {
	fr := &search.FacetResult{Field: fFacet, Total: int(total), Terms: &search.TermFacets{}}
	for t, c := range counts {
		fr.Terms.Add(&search.TermFacet{Term: t, Count: c})
	}
	sort.Sort(fr.Terms) // most frequent first, ties in term order, as Bleve's

	return fr
}

func (x *Index) exec(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, searchTimeout)
		defer cancel()
	}
	bi, release, err := x.current()
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := bi.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &makerlink.Error{Code: makerlink.EUnavailable, Message: "The search took too long.", Op: "search", Err: err}
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// maxFacetTerms bounds the distinct facet values counted in one search.
const maxFacetTerms = 2000

// facets splits the counts of the facet field into the requested facets,
// keeping the facetSizes most frequent values of each.
func facets(names []string, res *bleve.SearchResult) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, n := range FacetNames {
		out[n] = map[string]int{}
	}
	if res == nil || res.Facets[fFacet] == nil || res.Facets[fFacet].Terms == nil {
		return out
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	// terms come most frequent first
	for _, t := range res.Facets[fFacet].Terms.Terms() {
		name, value, ok := strings.Cut(t.Term, ":")
		if !ok || !want[name] || len(out[name]) >= facetSizes[name] {
			continue
		}
		out[name][value] = t.Count
	}
	return out
}

// filterQuery returns the filters and the visibility rule as clauses that
// score nothing, or nil when nothing is filtered.
func filterQuery(n *normalized, viewer *makerlink.User) []query.Query {
	var must []query.Query
	anyOf := func(facet string, vals []string) {
		if len(vals) == 0 {
			return
		}
		var qs []query.Query
		for _, v := range vals {
			qs = append(qs, term(fFacet, facetTerm(facet, v), 0))
		}
		if len(qs) == 1 {
			must = append(must, qs[0])
			return
		}
		must = append(must, query.NewDisjunctionQuery(qs))
	}
	anyOf("kind", n.kinds)
	anyOf("sector", n.sectors)
	anyOf("stage", n.stages)
	anyOf("city", n.cities)
	if v := visibilityQuery(viewer); v != nil {
		must = append(must, v)
	}
	return must
}

// visibilityQuery keeps investors-only startups away from viewers who may
// not see them: the public ones, plus the viewer's own. It is nil for
// viewers who see everything.
func visibilityQuery(viewer *makerlink.User) query.Query {
	if makerlink.SeesHidden(viewer) {
		return nil
	}
	pub := term(fVis, makerlink.VisibilityPublic, 0)
	if viewer == nil || viewer.ID == "" {
		return pub
	}
	return query.NewDisjunctionQuery([]query.Query{pub, term(fOwner, viewer.ID, 0)})
}

func term(field, t string, boost float64) *query.TermQuery {
	q := query.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func phrase(field string, terms []string, boost float64) *query.PhraseQuery {
	q := query.NewPhraseQuery(terms, field)
	q.SetBoost(boost)
	return q
}

// Field weights.
const (
	wName    = 3.0
	wLabels  = 1.5
	wHead    = 2.0
	wText    = 1.0
	wPinyin  = 2.0
	wPinyinO = 0.8
	wFuzzy   = 0.3
	wPhrase  = 0.3 // a phrase of characters, relative to the word
	wSynonym = 0.8 // a synonym, relative to the words as typed
	wSubword = 0.5 // the subwords of a word found apart, relative to the word
	wStrict  = 3.0 // in a relaxed query, for the documents the strict one found
)

// partsQuery matches documents that match at least min of the parts.
// A relaxed query also finds the subwords of compound words apart. Boost
// multiplies the weights of every leaf query: Bleve applies boosts only
// to leaves (term, phrase, fuzzy), not to conjunctions or disjunctions.
func (x *Index) partsQuery(parts []analysis.QueryPart, min int, relaxed bool, boost float64) query.Query {
	return x.partsQueryOpt(parts, min, relaxed, boost, true)
}

// partsQueryOpt is partsQuery; typos sets whether Latin words may be
// misspelt (words the user typed may, synonyms from the list may not).
func (x *Index) partsQueryOpt(parts []analysis.QueryPart, min int, relaxed bool, boost float64, typos bool) query.Query {
	if len(parts) == 1 {
		return x.partQuery(parts[0], relaxed, boost, typos)
	}
	qs := make([]query.Query, len(parts))
	for i, p := range parts {
		qs[i] = x.partQuery(p, relaxed, boost, typos)
	}
	if min >= len(parts) {
		return query.NewConjunctionQuery(qs)
	}
	d := query.NewDisjunctionQuery(qs)
	d.SetMin(float64(min))
	return d
}

// partQuery matches one part of a query in any field.
func (x *Index) partQuery(p analysis.QueryPart, relaxed bool, boost float64, typos bool) query.Query {
	var qs []query.Query
	switch p.Kind {
	case analysis.PartSynonym:
		if p.Corrected && x.knownWord(p.Alternatives[0][0].Raw) {
			return x.partQuery(p.Alternatives[0][0], relaxed, boost, typos) // a real word, not a typo
		}
		for i, alt := range p.Alternatives {
			b := boost
			if i > 0 {
				b *= wSynonym
			}
			qs = append(qs, x.partsQueryOpt(alt, len(alt), relaxed, b, typos && i == 0))
		}
	case analysis.PartLatin:
		qs = append(qs,
			term(fName, p.Term, boost*wName),
			term(fLabels, p.Term, boost*wLabels),
			term(fHead, p.Term, boost*wHead),
			term(fText, p.Term, boost*wText),
			// the name's pinyin is in the name's typo field
			term(fLatinN, p.Raw, boost*wPinyin),
			term(fPinyinO, p.Raw, boost*wPinyinO),
		)
		if f := fuzziness(p.Raw); typos && f > 0 {
			for _, fb := range []struct {
				field string
				boost float64
			}{{fLatinN, wName * wFuzzy}, {fLatin, wFuzzy}} {
				fq := query.NewFuzzyQuery(p.Raw)
				fq.SetField(fb.field)
				fq.SetFuzziness(f)
				fq.SetBoost(boost * fb.boost)
				qs = append(qs, fq)
			}
		}
	case analysis.PartHan:
		qs = append(qs,
			term(fName, p.Term, boost*wName),
			term(fLabels, p.Term, boost*wLabels),
			term(fHead, p.Term, boost*wHead),
			term(fText, p.Term, boost*wText),
		)
		if x.opts.Mode == TextWords && !p.Known && len(p.Chars) >= 2 {
			// only the name is indexed with positions
			qs = append(qs, phrase(fName, p.Chars, boost*wName*wPhrase))
		}
		if relaxed && x.opts.Mode == TextWords && len(p.Subwords) > 0 {
			b := boost * wSubword
			var sub []query.Query
			for _, w := range p.Subwords {
				sub = append(sub, query.NewDisjunctionQuery([]query.Query{
					term(fName, w, b*wName),
					term(fLabels, w, b*wLabels),
					term(fHead, w, b*wHead),
					term(fText, w, b*wText),
				}))
			}
			qs = append(qs, query.NewConjunctionQuery(sub))
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// fuzziness returns the edit distance tolerated in a Latin word: none for
// short words and words with digits or other scripts, 1 from four letters,
// 2 from eight.
func fuzziness(w string) int {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return 0
		}
	}
	switch {
	case len(w) >= 8:
		return 2
	case len(w) >= 4:
		return 1
	}
	return 0
}

// stockQuery is the baseline: Bleve match queries analysed by the stock
// cjk analyzer, any term matching.
func stockQuery(q string) query.Query {
	var qs []query.Query
	for _, f := range []struct {
		field string
		boost float64
	}{{fName, wName}, {fLabels, wLabels}, {fHead, wHead}, {fText, wText}} {
		m := query.NewMatchQuery(q)
		m.SetField(f.field)
		m.SetBoost(f.boost)
		qs = append(qs, m)
	}
	return query.NewDisjunctionQuery(qs)
}

// MaxSuggestRunes caps the text of [Index.Suggest]; longer text gives no
// suggestions.
const MaxSuggestRunes = 50

// MaxSuggestions is the most suggestions [Index.Suggest] returns.
const MaxSuggestions = 10

// Suggest returns up to [MaxSuggestions] profiles whose name, a word of
// their name, or its pinyin (full or initials) starts with q. Visibility
// is enforced as in [Index.Search].
func (x *Index) Suggest(ctx context.Context, q string, viewer *makerlink.User) ([]Suggestion, error) {
	if err := checkText("q", q, MaxQueryRunes); err != nil {
		return nil, err
	}
	s := analysis.Normalize(q)
	compact := strings.Join(strings.Fields(s), "")
	out := []Suggestion{}
	if compact == "" || utf8.RuneCountInString(compact) > MaxSuggestRunes {
		return out, nil
	}
	if utf8.RuneCountInString(compact) > maxPrefix {
		compact = string([]rune(compact)[:maxPrefix])
	}
	_, sug, release, err := x.currentGen()
	if err != nil {
		return nil, err
	}
	defer release()
	return sug.suggest(compact, len(compact) >= 2, viewer, MaxSuggestions, x.cache != nil), nil
}

// knownWord reports whether a Latin word occurs in the index as typed.
func (x *Index) knownWord(w string) bool {
	if !x.bleveExec {
		for _, f := range []string{fLatin, fLatinN} {
			res, ok, err := x.execute(context.Background(), &pnode{op: pTerm, field: f, term: w, boost: 1}, 0, 0, false)
			if err != nil || (ok && res.Total > 0) {
				return true
			}
			if !ok {
				break // not a scorch index: ask Bleve
			}
			if f == fLatinN {
				return false
			}
		}
	}
	req := bleve.NewSearchRequestOptions(term(fLatin, w, 1), 0, 0, false)
	res, err := x.exec(context.Background(), req)
	if err != nil || res.Total > 0 {
		return true
	}
	req = bleve.NewSearchRequestOptions(term(fLatinN, w, 1), 0, 0, false)
	res, err = x.exec(context.Background(), req)
	return err != nil || res.Total > 0
}

// firstMin is the number of parts of a query of n parts a document must
// match in the first pass: all of them. (Requiring any part, or half of
// them, from the start ranked a little worse on the relevance set.)
func firstMin(n int) int { return n }

// relaxBelow is the number of hits below which a query that requires
// every part is run again requiring only relaxedMin of them: a long query
// should not come back nearly empty because one word is missing. The
// ranking still puts documents with every part first.
var relaxBelow uint64 = 10

// fuzzyBelow is the number of hits below which a query is run again
// with typo-tolerant (fuzzy) matching of its Latin words.
var fuzzyBelow uint64 = 10

// hasTypoParts reports whether a query has a Latin word that may be
// misspelt, i.e. whether a typo-tolerant query differs from the exact one.
func hasTypoParts(parts []analysis.QueryPart) bool {
	for _, p := range parts {
		switch p.Kind {
		case analysis.PartLatin:
			if fuzziness(p.Raw) > 0 {
				return true
			}
		case analysis.PartSynonym:
			if len(p.Alternatives) > 0 && (p.Corrected || hasTypoParts(p.Alternatives[0])) {
				return true
			}
		}
	}
	return false
}

// relaxedMin is the number of parts required by a relaxed query.
func relaxedMin(n int) int { return max(1, (n+1)/2) }
