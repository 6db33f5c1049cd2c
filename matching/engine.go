package matching

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"makerlink"
)

// Factor is one component of a match score. [Factor.Code] is the stable
// reason code clients see.
type Factor int

// The factors. Exposure is a penalty (never a reason); the others are in
// [0,1] per candidate and raise the score by weight × value.
const (
	FactorSector    Factor = iota // sector fit through the sector-similarity matrix
	FactorStage                   // the startup's stage among the investor's stages
	FactorTicket                  // the ask against the ticket range, on a log scale
	FactorLocation                // same city (or region), other Ningxia cities count a quarter
	FactorText                    // TF-IDF cosine of description and thesis/expertise
	FactorPortfolio               // similarity to the startups it backed, saved or mentored
	FactorCapacity                // mentor places left
	FactorNeeds                   // the startup's stated needs against expertise or instrument
	FactorExposure                // penalty for candidates with many open requests
	NumFactors
)

var factorCodes = [NumFactors]string{"sector", "stage", "ticket", "location", "text", "portfolio", "capacity", "needs", "exposure"}

// Code returns the factor's reason code.
func (f Factor) Code() string {
	if f < 0 || f >= NumFactors {
		return ""
	}
	return factorCodes[f]
}

// Direction is the kind of the querying profile and the kind it asks for.
type Direction struct {
	From, To makerlink.Kind
}

// Directions lists the supported queries: a startup asks for investors,
// mentors or equipment; an investor or a mentor asks for startups.
var Directions = []Direction{
	{makerlink.KindStartup, makerlink.KindInvestor},
	{makerlink.KindStartup, makerlink.KindMentor},
	{makerlink.KindStartup, makerlink.KindEquipment},
	{makerlink.KindInvestor, makerlink.KindStartup},
	{makerlink.KindMentor, makerlink.KindStartup},
}

// Weights are the factor weights of one direction. Score weights rank and
// explain; they already include the other side's criteria so both sides see
// matches likely to be returned. Mutual weights give mutual_score: the match
// as the other side would judge it.
type Weights struct {
	Score  [NumFactors]float32
	Mutual [NumFactors]float32
}

func w(pairs ...any) [NumFactors]float32 {
	var out [NumFactors]float32
	for i := 0; i < len(pairs); i += 2 {
		out[pairs[i].(Factor)] = float32(pairs[i+1].(float64))
	}
	return out
}

// DefaultWeights are the weights of each direction.
var DefaultWeights = map[Direction]Weights{
	{makerlink.KindStartup, makerlink.KindInvestor}: {
		Score:  w(FactorSector, 4.0, FactorStage, 3.5, FactorTicket, 3.5, FactorLocation, 1.5, FactorText, 3.0, FactorPortfolio, 3.0, FactorExposure, 2.0),
		Mutual: w(FactorSector, 2.0, FactorStage, 3.0, FactorTicket, 3.0, FactorLocation, 1.0, FactorText, 2.0, FactorPortfolio, 2.0),
	},
	{makerlink.KindStartup, makerlink.KindMentor}: {
		Score:  w(FactorSector, 4.0, FactorText, 3.0, FactorNeeds, 4.0, FactorLocation, 1.5, FactorPortfolio, 1.5, FactorCapacity, 1.5, FactorExposure, 2.0),
		Mutual: w(FactorSector, 3.0, FactorText, 3.0, FactorLocation, 1.0, FactorPortfolio, 1.0),
	},
	{makerlink.KindStartup, makerlink.KindEquipment}: {
		Score:  w(FactorNeeds, 5.0, FactorText, 2.0, FactorLocation, 2.0, FactorExposure, 1.0),
		Mutual: w(FactorNeeds, 5.0, FactorText, 2.0, FactorLocation, 2.0),
	},
	{makerlink.KindInvestor, makerlink.KindStartup}: {
		Score:  w(FactorSector, 4.0, FactorStage, 3.5, FactorTicket, 3.5, FactorLocation, 1.5, FactorText, 3.0, FactorPortfolio, 3.0, FactorExposure, 1.0),
		Mutual: w(FactorSector, 2.0, FactorStage, 2.0, FactorTicket, 3.0, FactorLocation, 1.0, FactorText, 2.0),
	},
	{makerlink.KindMentor, makerlink.KindStartup}: {
		Score:  w(FactorSector, 4.0, FactorText, 3.0, FactorLocation, 1.5, FactorPortfolio, 2.0, FactorExposure, 1.0),
		Mutual: w(FactorSector, 3.0, FactorText, 3.0, FactorLocation, 1.0),
	},
}

// Options configure an [Engine]. The zero value is ready to use.
type Options struct {
	// Tokenizer splits profile texts; nil means [DefaultTokens].
	Tokenizer Tokenizer
	// Weights override [DefaultWeights] per direction.
	Weights map[Direction]Weights
	// FreeRequests is the number of open requests a candidate may have before
	// the exposure penalty starts; 0 means 3.
	FreeRequests int
	// Parallel splits the scoring of large tables (a million values and
	// more) over this many goroutines; 0 or 1 scores on the caller's.
	Parallel int
}

// Query asks for the matches of one profile (see [makerlink.MatchQuery]).
// Limit: 0 means 20, more than 100 means 100, negative is an error (the
// contract's list limits). Viewer: when set, only the profile's owner or an
// admin may ask (else EForbidden, or ENotFound for an investors-only
// startup the viewer may not see), and investors-only startups are listed
// only when the viewer may see them. When nil the call is trusted:
// investors see investors-only startups, mentors do not.
type Query = makerlink.MatchQuery

// Reason explains a match in Chinese and English.
type Reason = makerlink.MatchReason

// Match is one ranked candidate; Factors holds each factor's contribution
// to the score, the whole score and not only the reasons.
type Match = makerlink.Match

// Feedback actions of [Engine.SetFeedback].
const (
	ActionSave    = "save"    // keep in the list; an investor's or mentor's saves feed its portfolio signal
	ActionDismiss = "dismiss" // never show this candidate to this profile again
	ActionAccept  = "accept"  // an accepted introduction: like save
	ActionClear   = "clear"   // forget an earlier save or dismiss
)

type ref struct {
	kind makerlink.Kind
	id   string
}

type pair struct{ from, to ref }

// item is what the engine keeps of a profile besides its row: what filters,
// access checks and reasons need.
type item struct {
	kind       makerlink.Kind
	id, owner  string
	name       string
	sectors    []string
	stage      string            // startup
	stages     []string          // investor
	ask        int64             // startup
	tmin, tmax int64             // investor
	city       string            // startup, mentor, equipment
	regions    []string          // investor
	visibility string            // startup
	accepting  bool              // investor
	capacity   int               // mentor
	needs      []string          // startup
	spaceID    string            // startup
	hashes     []uint64          // distinct term hashes of its text (document frequencies)
	top        []string          // heaviest terms, for reasons
	surface    map[string]string // a top term -> the word it came from, when they differ (stemming)
	portfolio  []string          // investor: raw portfolio entries (ids or names)
	pf         []pfEntry
	pfKeys     []string // keys under which it is registered in Engine.pfRefs
}

// pfEntry is a startup in a preference profile's portfolio centroid.
type pfEntry struct {
	id  string
	src pfSource
}

// pfSource says where a startup of a portfolio centroid comes from.
type pfSource uint8

const (
	fromPortfolio pfSource = iota // the investor's stated portfolio
	fromSaved                     // saved or accepted in the match list
	fromInterest                  // an accepted intro, a mentorship or a pipeline entry
)

// Engine ranks candidates for profiles. It keeps one [Table] per candidate
// kind, updated in place by [Engine.Upsert] and [Engine.Remove]. It is safe
// for concurrent use: queries share a read lock, updates take the write lock
// for the time of one row (well under a millisecond).
type Engine struct {
	mu     sync.RWMutex
	tok    Tokenizer
	wts    map[Direction]Weights
	free   int
	text   *textModel
	tables map[makerlink.Kind]*Table
	items  map[makerlink.Kind]map[string]*item

	names     map[string][]string         // lowercased startup name -> ids
	pfRefs    map[string]map[ref]struct{} // portfolio key (startup id or lowercased name) -> profiles using it
	dismissed map[pair]struct{}           // from -> to
	saved     map[ref]map[string]struct{} // investor/mentor -> saved or accepted startup ids
	interest  map[ref]map[string]struct{} // investor/mentor -> startups it engaged with on the platform
	open      map[ref]int                 // open requests per candidate
	mentees   map[string]int              // active mentees per mentor
	paused    map[string]bool             // mentors who paused mentoring
	passed    map[string]map[string]bool  // investor -> startups its pipeline passed on
	savedRev  map[string]map[ref]struct{} // startup id -> profiles that saved it
}

// NewEngine returns an empty engine.
func NewEngine(opts Options) *Engine {
	e := &Engine{
		tok:       opts.Tokenizer,
		wts:       map[Direction]Weights{},
		free:      opts.FreeRequests,
		text:      newTextModel(TextDims),
		tables:    map[makerlink.Kind]*Table{},
		items:     map[makerlink.Kind]map[string]*item{},
		names:     map[string][]string{},
		pfRefs:    map[string]map[ref]struct{}{},
		dismissed: map[pair]struct{}{},
		saved:     map[ref]map[string]struct{}{},
		interest:  map[ref]map[string]struct{}{},
		open:      map[ref]int{},
		mentees:   map[string]int{},
		paused:    map[string]bool{},
		passed:    map[string]map[string]bool{},
		savedRev:  map[string]map[ref]struct{}{},
	}
	if e.tok == nil {
		e.tok = DefaultTokens
	}
	if e.free <= 0 {
		e.free = 3
	}
	for d, x := range DefaultWeights {
		e.wts[d] = x
	}
	for d, x := range opts.Weights {
		e.wts[d] = x
	}
	e.tables[makerlink.KindStartup] = NewTable(StartupWidth)
	for _, k := range []makerlink.Kind{makerlink.KindInvestor, makerlink.KindMentor, makerlink.KindEquipment} {
		e.tables[k] = NewTable(PrefWidth)
	}
	for k, t := range e.tables {
		e.items[k] = map[string]*item{}
		t.SetParallel(opts.Parallel)
	}
	return e
}

// TableStats are the sizes of the table of one kind: live rows, allocated
// rows (live and free) and the row width.
type TableStats struct {
	Live, Rows, Width int
}

// Stats returns the sizes of the table of a kind (zero for kinds that are
// not matched).
func (e *Engine) Stats(k makerlink.Kind) TableStats {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.tables[k]
	if t == nil {
		return TableStats{}
	}
	return TableStats{Live: t.Len(), Rows: t.Rows(), Width: t.Width()}
}

// prepared is a profile analysed outside the lock.
type prepared struct {
	it      *item
	text    doc
	surface map[string]string // term -> first Latin word that gives it, when they differ
}

func (e *Engine) prepare(p makerlink.Profile) (*prepared, error) {
	if p == nil {
		return nil, makerlink.Errorf(makerlink.EValidation, "no profile")
	}
	m := p.Base()
	if m == nil || m.ID == "" {
		return nil, makerlink.Errorf(makerlink.EValidation, "profile has no id")
	}
	it := &item{kind: p.Kind(), id: m.ID, owner: m.OwnerID}
	var txt []string
	switch v := p.(type) {
	case *makerlink.Startup:
		it.name, it.sectors, it.stage, it.ask = v.Name, slices.Clone(v.Sectors), v.Stage, v.FundingAskCNY
		it.city, it.visibility, it.needs = makerlink.CanonicalCity(v.City), v.Visibility, slices.Clone(v.Needs)
		it.spaceID = string(v.SpaceID)
		txt = append([]string{v.Tagline, v.Description}, v.Needs...)
	case *makerlink.Investor:
		it.name, it.sectors, it.stages = v.Name, slices.Clone(v.Sectors), slices.Clone(v.Stages)
		it.tmin, it.tmax, it.accepting = v.TicketMinCNY, v.TicketMaxCNY, v.Accepting
		for _, r := range v.Regions {
			it.regions = append(it.regions, makerlink.CanonicalCity(r))
		}
		it.portfolio = slices.Clone(v.Portfolio)
		txt = []string{v.Thesis}
	case *makerlink.Mentor:
		it.name, it.sectors, it.capacity, it.city = v.Name, slices.Clone(v.Sectors), v.Capacity, makerlink.CanonicalCity(v.City)
		txt = append([]string{v.Bio}, v.Expertise...)
	case *makerlink.Equipment:
		it.name, it.city = v.Name, makerlink.CanonicalCity(v.City)
		txt = []string{v.Name, v.Category, v.Description, v.Specs}
	default:
		return nil, nil // spaces and unknown kinds are not matched
	}
	var tokens []string
	for _, t := range txt {
		tokens = append(tokens, e.tok(t)...)
	}
	return &prepared{it: it, text: analyse(tokens), surface: e.surfaces(txt)}, nil
}

// surfaces maps the terms a tokenizer makes of single Latin words back to
// the words when they differ (a stemmer turns "storage" into "storag"), so
// that reasons show words people wrote.
func (e *Engine) surfaces(txt []string) map[string]string {
	var out map[string]string
	for _, t := range txt {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
			w = strings.ToLower(w)
			terms := e.tok(w)
			if len(terms) != 1 || terms[0] == w {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			if _, ok := out[terms[0]]; !ok {
				out[terms[0]] = w
			}
		}
	}
	return out
}

// Upsert adds a profile or replaces the stored one, rewriting its row in
// place. Spaces are ignored (they are not matched). It returns EValidation
// for a profile without an id.
//
// A row's text vector is weighted with the document frequencies of the
// moment it is written, so two identical profiles written at different
// times may differ slightly; load many profiles at once with
// [Engine.UpsertAll], which weighs them all with the same frequencies.
func (e *Engine) Upsert(p makerlink.Profile) error {
	return e.UpsertAll([]makerlink.Profile{p})
}

// UpsertAll adds or replaces many profiles under one lock: it counts all
// their texts first, then writes the rows (startups before the profiles
// whose portfolio centroids use them). It stops at the first invalid
// profile, before changing anything.
func (e *Engine) UpsertAll(ps []makerlink.Profile) error {
	prs := make([]*prepared, 0, len(ps))
	for _, p := range ps {
		pr, err := e.prepare(p)
		if err != nil {
			return err
		}
		if pr != nil {
			prs = append(prs, pr)
		}
	}
	// The last of several versions of one profile wins.
	last := map[ref]int{}
	for i, pr := range prs {
		last[ref{pr.it.kind, pr.it.id}] = i
	}
	kept := prs[:0]
	for i, pr := range prs {
		if last[ref{pr.it.kind, pr.it.id}] == i {
			kept = append(kept, pr)
		}
	}
	prs = kept
	slices.SortStableFunc(prs, func(a, b *prepared) int {
		as, bs := a.it.kind == makerlink.KindStartup, b.it.kind == makerlink.KindStartup
		switch {
		case as && !bs:
			return -1
		case bs && !as:
			return 1
		}
		return 0
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, pr := range prs {
		it := pr.it
		if old := e.items[it.kind][it.id]; old != nil {
			e.text.remove(old.hashes)
			if it.kind == makerlink.KindStartup {
				e.unindexName(old)
			}
			e.unregisterPortfolio(old)
			delete(e.items[it.kind], it.id)
		}
		e.text.add(pr.text.hashes)
		it.hashes = pr.text.hashes
	}
	for _, pr := range prs {
		e.write(pr)
	}
	return nil
}

// write stores an analysed profile and its row; the caller holds the lock
// and has counted its text.
func (e *Engine) write(pr *prepared) {
	it := pr.it
	ws := e.text.weighted(pr.text)
	it.top = topTerms(ws, 24)
	for _, t := range it.top {
		if w, ok := pr.surface[t]; ok {
			if it.surface == nil {
				it.surface = map[string]string{}
			}
			it.surface[t] = w
		}
	}
	e.items[it.kind][it.id] = it
	t := e.tables[it.kind]
	row := make([]float32, t.Width())
	if it.kind == makerlink.KindStartup {
		e.startupRow(it, ws, row)
		t.Set(it.id, row)
		key := strings.ToLower(strings.TrimSpace(it.name))
		e.names[key] = append(e.names[key], it.id)
		e.refreshReferrers(it.id, it.name)
		return
	}
	e.prefRow(it, ws, row)
	t.Set(it.id, row)
}

// startupRow writes the S part and the bias of a startup row.
func (e *Engine) startupRow(it *item, ws []termWeight, row []float32) {
	sectorOneHot(row[colSector:colStage], it.sectors)
	stageOneHot(row[colStage:colMoney], it.stage)
	askRBF(row[colMoney:colCity], it.ask)
	cityOneHot(row[colCity:colText], it.city)
	vector(ws, row[colText:descWidth])
	row[colSBias+biasExposure] = e.exposure(ref{it.kind, it.id})
}

// prefRow writes the P part, the portfolio centroid and the bias of an
// investor, mentor or equipment row.
func (e *Engine) prefRow(it *item, ws []termWeight, row []float32) {
	sectorPref(row[colSector:colStage], it.sectors)
	stagePref(row[colStage:colMoney], it.stages)
	ticketMembership(row[colMoney:colCity], it.tmin, it.tmax)
	if it.kind == makerlink.KindInvestor {
		cityPref(row[colCity:colText], it.regions)
	} else if it.city != "" {
		cityPref(row[colCity:colText], []string{it.city})
	}
	vector(ws, row[colText:descWidth])
	e.centroid(it, row[colCentroid:colPBias])
	r := ref{it.kind, it.id}
	row[colPBias+biasExposure] = e.exposure(r)
	if it.kind == makerlink.KindMentor {
		row[colPBias+biasCapacity] = e.capacityLeft(it)
	}
}

// exposure is the penalty value of a candidate: 0 up to the free requests,
// then falling with the log of the excess to -1 at 20 more.
func (e *Engine) exposure(r ref) float32 {
	n := e.open[r] - e.free
	if n <= 0 {
		return 0
	}
	return -float32(min(1, math.Log1p(float64(n))/math.Log1p(20)))
}

// capacityLeft is the share of a mentor's places still free.
func (e *Engine) capacityLeft(it *item) float32 {
	if it.capacity <= 0 {
		return 0
	}
	return float32(e.placesLeft(it.id, it.capacity)) / float32(it.capacity)
}

// centroid writes the mean S vector of the startups in a profile's portfolio
// (stated ids or names, and saved or accepted startups) into dst, records
// them in it.pf and registers it under their keys so that a change of one
// of them refreshes the centroid.
func (e *Engine) centroid(it *item, dst []float32) {
	clear(dst)
	e.unregisterPortfolio(it)
	it.pf = it.pf[:0]
	seen := map[string]bool{}
	st := e.tables[makerlink.KindStartup]
	add := func(id string, src pfSource) {
		if seen[id] {
			return
		}
		seen[id] = true
		it.pf = append(it.pf, pfEntry{id, src})
	}
	register := func(key string) {
		set := e.pfRefs[key]
		if set == nil {
			set = map[ref]struct{}{}
			e.pfRefs[key] = set
		}
		set[ref{it.kind, it.id}] = struct{}{}
		it.pfKeys = append(it.pfKeys, key)
	}
	for _, entry := range it.portfolio {
		key := strings.ToLower(strings.TrimSpace(entry))
		if key == "" {
			continue
		}
		register(key)
		if _, ok := e.items[makerlink.KindStartup][entry]; ok {
			add(entry, fromPortfolio)
			continue
		}
		if ids := e.names[key]; len(ids) > 0 {
			add(ids[0], fromPortfolio)
		}
	}
	for _, m := range []struct {
		set map[string]struct{}
		src pfSource
	}{{e.interest[ref{it.kind, it.id}], fromInterest}, {e.saved[ref{it.kind, it.id}], fromSaved}} {
		for id := range m.set {
			if _, ok := e.items[makerlink.KindStartup][id]; ok {
				add(id, m.src)
			} else {
				register(strings.ToLower(id)) // refresh when it arrives
			}
		}
	}
	slices.SortFunc(it.pf, func(a, b pfEntry) int { return strings.Compare(a.id, b.id) })
	if len(it.pf) == 0 {
		return
	}
	for _, p := range it.pf {
		r, _ := st.Lookup(p.id)
		for i, v := range st.Row(r)[:descWidth] {
			dst[i] += v
		}
		register(strings.ToLower(p.id))
	}
	inv := 1 / float32(len(it.pf))
	for i := range dst {
		dst[i] *= inv
	}
}

func (e *Engine) unregisterPortfolio(it *item) {
	for _, k := range it.pfKeys {
		if set := e.pfRefs[k]; set != nil {
			delete(set, ref{it.kind, it.id})
			if len(set) == 0 {
				delete(e.pfRefs, k)
			}
		}
	}
	it.pfKeys = it.pfKeys[:0]
}

// refreshReferrers recomputes the centroids that use a startup (by id or name).
func (e *Engine) refreshReferrers(id, name string) {
	keys := []string{strings.ToLower(id)}
	if n := strings.ToLower(strings.TrimSpace(name)); n != "" {
		keys = append(keys, n)
	}
	var todo []ref
	for _, k := range keys {
		for r := range e.pfRefs[k] {
			todo = append(todo, r)
		}
	}
	slices.SortFunc(todo, func(a, b ref) int { return strings.Compare(string(a.kind)+a.id, string(b.kind)+b.id) })
	todo = slices.Compact(todo)
	for _, r := range todo {
		e.refreshCentroid(r)
	}
}

func (e *Engine) refreshCentroid(r ref) {
	it := e.items[r.kind][r.id]
	t := e.tables[r.kind]
	if it == nil || t == nil {
		return
	}
	row, ok := t.Lookup(r.id)
	if !ok {
		return
	}
	e.centroid(it, t.Row(row)[colCentroid:colPBias])
}

func (e *Engine) unindexName(it *item) {
	k := strings.ToLower(strings.TrimSpace(it.name))
	ids := slices.DeleteFunc(e.names[k], func(s string) bool { return s == it.id })
	if len(ids) == 0 {
		delete(e.names, k)
	} else {
		e.names[k] = ids
	}
}

// Remove deletes a profile and frees its row. Removing an unknown profile
// is not an error.
func (e *Engine) Remove(k makerlink.Kind, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	it := e.items[k][id]
	if it == nil {
		return
	}
	delete(e.items[k], id)
	e.tables[k].Delete(id)
	e.text.remove(it.hashes)
	e.unregisterPortfolio(it)
	if k == makerlink.KindStartup {
		e.unindexName(it)
		e.refreshReferrers(id, it.name)
	}
}

func validKind(k makerlink.Kind) bool { return slices.Contains(makerlink.Kinds, k) }

// SetFeedback records a save, dismiss, accept or clear of the match from one
// profile to another. Dismissed candidates never come back for that profile
// (until cleared); saves and accepts by an investor or mentor of a startup
// feed its portfolio signal. The profiles need not be known yet (feedback
// may be replayed before profiles are loaded). Returns EValidation for an
// unknown action or kinds that are never matched together.
func (e *Engine) SetFeedback(fromKind makerlink.Kind, fromID string, toKind makerlink.Kind, toID, action string) error {
	var v makerlink.Validation
	if !slices.Contains(Directions, Direction{fromKind, toKind}) {
		v.Add("to_kind", makerlink.FInvalid, "profiles of kind "+string(fromKind)+" are not matched with "+string(toKind))
	}
	if fromID == "" {
		v.Add("from_id", makerlink.FRequired, "is required")
	}
	if toID == "" {
		v.Add("to_id", makerlink.FRequired, "is required")
	}
	switch action {
	case ActionSave, ActionDismiss, ActionAccept, ActionClear:
	default:
		v.Add("action", makerlink.FUnknown, "must be one of save, dismiss, accept, clear")
	}
	if err := v.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	from, to := ref{fromKind, fromID}, ref{toKind, toID}
	p := pair{from, to}
	changed := false
	switch action {
	case ActionDismiss:
		e.dismissed[p] = struct{}{}
		changed = e.unsave(from, toID)
	case ActionSave, ActionAccept:
		delete(e.dismissed, p)
		if toKind == makerlink.KindStartup {
			set := e.saved[from]
			if set == nil {
				set = map[string]struct{}{}
				e.saved[from] = set
			}
			if _, ok := set[toID]; !ok {
				set[toID] = struct{}{}
				changed = true
			}
		}
	case ActionClear:
		delete(e.dismissed, p)
		changed = e.unsave(from, toID)
	}
	if changed {
		e.refreshCentroid(from)
	}
	return nil
}

func (e *Engine) unsave(from ref, startupID string) bool {
	set := e.saved[from]
	if _, ok := set[startupID]; !ok {
		return false
	}
	delete(set, startupID)
	if len(set) == 0 {
		delete(e.saved, from)
	}
	return true
}

// SetInterest replaces the startups an investor or mentor engaged with on
// the platform (accepted introductions, mentorships, pipeline entries):
// they feed its portfolio signal and leave its list of startups.
func (e *Engine) SetInterest(k makerlink.Kind, id string, startupIDs []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := ref{k, id}
	old := e.interest[r]
	if len(startupIDs) == 0 {
		if len(old) == 0 {
			return
		}
		delete(e.interest, r)
	} else {
		set := make(map[string]struct{}, len(startupIDs))
		for _, s := range startupIDs {
			set[s] = struct{}{}
		}
		if len(set) == len(old) {
			same := true
			for s := range set {
				if _, ok := old[s]; !ok {
					same = false
					break
				}
			}
			if same {
				return
			}
		}
		e.interest[r] = set
	}
	e.refreshCentroid(r)
}

// StartupsInSpace lists the startups of a space (their space_id), in id order.
func (e *Engine) StartupsInSpace(spaceID string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []string
	for id, it := range e.items[makerlink.KindStartup] {
		if it.spaceID == spaceID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// MentorsWithPlaces lists the mentors with a free place, in id order.
func (e *Engine) MentorsWithPlaces() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []string
	for id, it := range e.items[makerlink.KindMentor] {
		if e.placesLeft(id, it.capacity) > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ProfilesOf lists the ids of a kind's profiles owned by a user, in id order.
func (e *Engine) ProfilesOf(k makerlink.Kind, ownerID string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []string
	for id, it := range e.items[k] {
		if it.owner == ownerID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// CanView reports whether viewer may see the profile k/id (see
// [makerlink.CanView]); false for a profile the engine does not hold.
func (e *Engine) CanView(viewer *makerlink.User, k makerlink.Kind, id string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	it := e.items[k][id]
	return it != nil && makerlink.CanView(viewer, it.owner, makerlink.Tags{Visibility: it.visibility})
}

// Owner returns the owner of a profile the engine holds.
func (e *Engine) Owner(k makerlink.Kind, id string) (string, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	it := e.items[k][id]
	if it == nil {
		return "", false
	}
	return it.owner, true
}

// SetOpenRequests sets the number of open (unanswered) requests of a
// candidate. Beyond [Options.FreeRequests] it pushes the candidate down,
// so the few most popular investors and mentors are not at the top of
// everyone's list. It may be called before the profile is known.
func (e *Engine) SetOpenRequests(k makerlink.Kind, id string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := ref{k, id}
	if n <= 0 {
		delete(e.open, r)
	} else {
		e.open[r] = n
	}
	t := e.tables[k]
	if t == nil {
		return
	}
	if row, ok := t.Lookup(id); ok {
		col := colPBias + biasExposure
		if k == makerlink.KindStartup {
			col = colSBias + biasExposure
		}
		t.Row(row)[col] = e.exposure(r)
	}
}

// SetPassed records the startups an investor's pipeline passed on: they
// leave its deal flow (until the pipeline moves them again).
func (e *Engine) SetPassed(investorID string, startupIDs []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(startupIDs) == 0 {
		delete(e.passed, investorID)
		return
	}
	set := make(map[string]bool, len(startupIDs))
	for _, s := range startupIDs {
		set[s] = true
	}
	e.passed[investorID] = set
}

// SetPaused records whether a mentor paused mentoring: a paused mentor
// has no place left, whatever its capacity.
func (e *Engine) SetPaused(mentorID string, paused bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if paused {
		e.paused[mentorID] = true
	} else {
		delete(e.paused, mentorID)
	}
	it := e.items[makerlink.KindMentor][mentorID]
	t := e.tables[makerlink.KindMentor]
	if row, ok := t.Lookup(mentorID); ok && it != nil {
		t.Row(row)[colPBias+biasCapacity] = e.capacityLeft(it)
	}
}

// placesLeft is how many more mentees the mentor id of the given capacity
// takes: none while paused. Callers hold e.mu.
func (e *Engine) placesLeft(id string, capacity int) int {
	if e.paused[id] {
		return 0
	}
	return max(0, capacity-e.mentees[id])
}

// SetMentees sets the number of startups a mentor currently mentors. A
// mentor at capacity is not matched; the places left raise the score.
func (e *Engine) SetMentees(mentorID string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n <= 0 {
		delete(e.mentees, mentorID)
	} else {
		e.mentees[mentorID] = n
	}
	it := e.items[makerlink.KindMentor][mentorID]
	t := e.tables[makerlink.KindMentor]
	if row, ok := t.Lookup(mentorID); ok && it != nil {
		t.Row(row)[colPBias+biasCapacity] = e.capacityLeft(it)
	}
}
