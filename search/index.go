package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"makerlink"
	"makerlink/analysis"
)

// MappingVersion is the version of the index layout and analysis. Bump it
// whenever a change needs every document indexed again: [Open] then starts
// a fresh generation and the [Syncer] rebuilds it from the database.
const MappingVersion = 9

// TextMode chooses how the index analyses Chinese text.
type TextMode int

const (
	// TextWords segments Chinese into gse words plus single characters
	// (the default; it ranked best on the relevance set).
	TextWords TextMode = iota
	// TextBigrams indexes character bigrams plus single characters.
	TextBigrams
	// TextStockCJK uses Bleve's stock "cjk" analyzer and plain match
	// queries: the baseline of the relevance comparison, not for production.
	TextStockCJK
)

func (m TextMode) String() string {
	switch m {
	case TextWords:
		return "words"
	case TextBigrams:
		return "bigrams"
	case TextStockCJK:
		return "stock-cjk"
	}
	return "mode" + strconv.Itoa(int(m))
}

// Options configure an [Index]. The zero value is ready to use.
type Options struct {
	Mode   TextMode
	Logger *slog.Logger
	// NoCache turns off the cache of search results (benchmarks of the
	// uncached cost use it).
	NoCache bool
}

// Field names of the index documents.
const (
	fOwner   = "owner"
	fVis     = "vis"
	fFacet   = "fc"     // "kind:startup", "sector:biotech", "stage:seed", "city:银川"
	fTitle   = "title"  // stored only
	fSnip    = "snip"   // stored only: text the snippet is cut from
	fName    = "name"   // the name, analysed
	fLabels  = "labels" // codes and names of sectors, stages, cities, types
	fHead    = "head"   // the one-line summary: tagline, category, expertise, services
	fText    = "text"   // every other searchable text
	fPinyinO = "pyo"    // pinyin of organizations, institutions and districts
	fLatin   = "fz"     // unstemmed Latin words for typo tolerance
	fLatinN  = "fzn"    // the same, of the name only, and the name's pinyin
	fSugKeys = "sgk"    // stored only: the keys the name is suggested under (suggest.go)
)

// Keys of the values kept in the index's internal storage.
var (
	keyVersion = []byte("makerlink.mapping_version")
	keyMode    = []byte("makerlink.text_mode")
	keySeq     = []byte("makerlink.seq")
	keyFlushed = []byte("makerlink.flushed")
)

// Index is a search index of profiles. It is safe for concurrent use; a
// swap to a new generation ([Syncer.Reindex]) waits for running searches.
type Index struct {
	dir  string
	opts Options
	log  *slog.Logger

	mu    sync.RWMutex
	idx   bleve.Index
	sug   *suggester // the suggestions of idx
	gen   string     // directory name of the live generation
	fresh bool       // created empty: must be filled from the database

	cache *resultCache  // nil when Options.NoCache
	ver   atomic.Uint64 // bumped by every change to the live index

	unlock func() // releases the directory's lock

	bleveFacets bool // count facets with Bleve's facet builder (tests)
	bleveExec   bool // run every query on Bleve's searchers (tests)
}

// invalidate marks every cached result stale. It is called after every
// change to the live index and after a swap to another generation.
func (x *Index) invalidate() {
	x.ver.Add(1)
	if x.cache != nil && x.ver.Load()%cacheSize == 0 {
		x.cache.clear() // now and then drop stale entries at once
	}
}

// ErrLocked is returned by [Open] when another process (or another Index
// of this one) has the index directory open.
var ErrLocked = errors.New("search: the index directory is in use by another process (stop it, or give this one its own data directory)")

// lockFile is the index directory's lock, taken by [Open] (not by
// [Rebuild], which builds beside a running server).
const lockFile = "LOCK"

// currentLockFile is held for the moment CURRENT is checked and written,
// by servers and by [Rebuild] alike.
const currentLockFile = "CURRENT.lock"

// Open opens the index in directory dir, creating it when needed. When the
// index is missing, cannot be opened (a crash or a corrupt file) or was
// built with another [MappingVersion] or text mode, Open moves to a new,
// empty generation and [Index.Fresh] reports true. When another process
// has the directory open, Open fails at once with [ErrLocked].
func Open(dir string, opts Options) (*Index, error) {
	return open(dir, opts, "", nil)
}

// open is [Open], with the suggestions builtSug of generation builtGen
// when the caller has them (it built the generation).
func open(dir string, opts Options, builtGen string, builtSug *suggester) (_ *Index, err error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if _, err := analysis.Warm(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: create index directory: %w", err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	x := &Index{dir: dir, opts: opts, log: opts.Logger, unlock: unlock}
	if !opts.NoCache {
		x.cache = newResultCache(cacheSize)
	}
	gen, err := readCurrent(dir)
	if err == nil && gen != "" {
		bi, oerr := openBleve(filepath.Join(dir, gen))
		switch {
		case oerr != nil:
			x.log.Warn("search index unreadable: rebuilding", "dir", dir, "gen", gen, "err", oerr)
		case !x.compatible(bi):
			x.log.Info("search index built with another mapping: rebuilding", "dir", dir, "gen", gen)
			bi.Close()
		case gen == builtGen && builtSug != nil:
			x.idx, x.sug, x.gen = bi, builtSug, gen
		default:
			sug, lerr := loadSuggester(bi)
			if lerr != nil {
				x.log.Warn("search index unreadable: rebuilding", "dir", dir, "gen", gen, "err", lerr)
				bi.Close()
				break
			}
			x.idx, x.sug, x.gen = bi, sug, gen
		}
	}
	if x.idx == nil {
		gen, bi, err := x.newGeneration()
		if err != nil {
			return nil, err
		}
		if err := writeCurrent(dir, gen); err != nil {
			bi.Close()
			return nil, err
		}
		x.idx, x.sug, x.gen, x.fresh = bi, newSuggester(), gen, true
	}
	x.removeStale()
	return x, nil
}

// compatible reports whether an opened index has the current mapping
// version and text mode.
func (x *Index) compatible(bi bleve.Index) bool {
	v, err := bi.GetInternal(keyVersion)
	if err != nil || string(v) != strconv.Itoa(MappingVersion) {
		return false
	}
	m, err := bi.GetInternal(keyMode)
	return err == nil && string(m) == x.opts.Mode.String()
}

// newGeneration creates an empty index in a new generation directory.
func (x *Index) newGeneration() (string, bleve.Index, error) {
	gen := "gen-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	bi, err := newBleve(filepath.Join(x.dir, gen), newMapping(x.opts.Mode))
	if err != nil {
		return "", nil, fmt.Errorf("search: create index: %w", err)
	}
	if err := bi.SetInternal(keyVersion, []byte(strconv.Itoa(MappingVersion))); err != nil {
		bi.Close()
		return "", nil, fmt.Errorf("search: create index: %w", err)
	}
	if err := bi.SetInternal(keyMode, []byte(x.opts.Mode.String())); err != nil {
		bi.Close()
		return "", nil, fmt.Errorf("search: create index: %w", err)
	}
	return gen, bi, nil
}

// removeStale deletes generations other than the live one. Directories of
// a rebuild still running in another process (build-*) are kept for a day.
func (x *Index) removeStale() {
	ents, err := os.ReadDir(x.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		switch {
		case !e.IsDir():
			// a CURRENT.*.tmp left by a process that died while writing
			if strings.HasPrefix(name, currentFile+".") && strings.HasSuffix(name, ".tmp") {
				if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
					os.Remove(filepath.Join(x.dir, name))
				}
			}
		case name == x.gen:
		case strings.HasPrefix(name, "gen-"):
			os.RemoveAll(filepath.Join(x.dir, name))
		case strings.HasPrefix(name, "build-"):
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
				os.RemoveAll(filepath.Join(x.dir, name))
			}
		}
	}
}

// runtimeConfig is the scorch configuration. Batches return once their
// changes are searchable, without waiting for the disk ("unsafe_batch"):
// the persister writes consistent snapshots in the background, and the
// feed position is stored with the changes it covers, so after a crash the
// index resumes from the last persisted snapshot and re-applies the rest
// of the feed.
func runtimeConfig() map[string]interface{} {
	return map[string]interface{}{"unsafe_batch": true}
}

func newBleve(path string, m mapping.IndexMapping) (bleve.Index, error) {
	return bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, runtimeConfig())
}

func openBleve(path string) (bleve.Index, error) { return bleve.OpenUsing(path, runtimeConfig()) }

// flushTimeout bounds how long closing waits for the disk.
const flushTimeout = 2 * time.Minute

// flush waits until everything applied to bi so far is on disk.
func flush(bi bleve.Index) error {
	done := make(chan error, 1)
	b := bi.NewBatch()
	b.SetInternal(keyFlushed, []byte(strconv.FormatInt(time.Now().UnixNano(), 10)))
	b.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("search: flush: %w", err)
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("search: flush: %w", err)
		}
		return nil
	case <-time.After(flushTimeout):
		return fmt.Errorf("search: flush: timed out after %v", flushTimeout)
	}
}

// closeBleve persists and closes bi.
func closeBleve(bi bleve.Index) error {
	ferr := flush(bi)
	if err := bi.Close(); err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return ferr
}

const currentFile = "CURRENT"

func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("search: read %s: %w", currentFile, err)
	}
	gen := strings.TrimSpace(string(b))
	if !strings.HasPrefix(gen, "gen-") || strings.ContainsAny(gen, `/\`) {
		return "", nil
	}
	return gen, nil
}

// writeCurrent atomically points CURRENT at gen.
func writeCurrent(dir, gen string) error {
	return swapCurrent(dir, gen, "")
}

// swapCurrent atomically points CURRENT at gen. Unless expect is "", it
// does so only while CURRENT still names expect, and otherwise returns
// [errSuperseded]. The check and the write hold the directory's CURRENT
// lock, so a server swapping in its own rebuild and `makerlink reindex` in
// another process cannot interleave.
func swapCurrent(dir, gen, expect string) (err error) {
	release, err := lockCurrent(dir)
	if err != nil {
		return err
	}
	defer release()
	if expect != "" {
		cur, err := readCurrent(dir)
		if err != nil {
			return err
		}
		if cur != expect {
			return errSuperseded
		}
	}
	f, err := os.CreateTemp(dir, currentFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("search: write %s: %w", currentFile, err)
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("search: write %s: %w", currentFile, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("search: write %s: %w", currentFile, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("search: write %s: %w", currentFile, err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, currentFile)); err != nil {
		return fmt.Errorf("search: write %s: %w", currentFile, err)
	}
	return nil
}

// Fresh reports whether the index was created empty by [Open] and has not
// been filled from the database yet.
func (x *Index) Fresh() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.fresh
}

// Dir returns the index directory.
func (x *Index) Dir() string { return x.dir }

// Close closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := closeBleve(x.idx)
	x.idx, x.sug = nil, nil
	x.unlock()
	return err
}

// current returns the live Bleve index under the read lock; callers call
// the returned release function when done.
func (x *Index) current() (bleve.Index, func(), error) {
	bi, _, release, err := x.currentGen()
	return bi, release, err
}

// currentGen is [Index.current] with the generation's suggestions.
func (x *Index) currentGen() (bleve.Index, *suggester, func(), error) {
	x.mu.RLock()
	if x.idx == nil {
		x.mu.RUnlock()
		return nil, nil, nil, &makerlink.Error{Code: makerlink.EUnavailable, Message: "The search index is closed.", Op: "search"}
	}
	return x.idx, x.sug, x.mu.RUnlock, nil
}

// Seq returns the sequence number of the last change feed entry applied to
// the index (0 when none).
func (x *Index) Seq() (int64, error) {
	bi, release, err := x.current()
	if err != nil {
		return 0, err
	}
	defer release()
	return readSeq(bi)
}

func readSeq(bi bleve.Index) (int64, error) {
	b, err := bi.GetInternal(keySeq)
	if err != nil {
		return 0, fmt.Errorf("search: read seq: %w", err)
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("search: bad seq %q in index", b)
	}
	return n, nil
}

// DocCount returns the number of indexed profiles.
func (x *Index) DocCount() (uint64, error) {
	bi, release, err := x.current()
	if err != nil {
		return 0, err
	}
	defer release()
	n, err := bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// Index adds or replaces one profile.
func (x *Index) Index(p makerlink.Profile) error {
	b := x.NewBatch()
	if err := b.Put(p); err != nil {
		return err
	}
	return b.Commit(context.Background())
}

// Delete removes a profile. Removing a missing one is not an error.
func (x *Index) Delete(k makerlink.Kind, id string) error {
	b := x.NewBatch()
	b.Delete(k, id)
	return b.Commit(context.Background())
}

// Batch collects index updates applied together by [Batch.Commit].
type Batch struct {
	x    *Index
	ops  []batchOp
	seq  int64
	hasQ bool
}

// batchOp is one update: a profile to index (its document is built at
// commit time, in parallel with the others), or a delete when p is nil.
type batchOp struct {
	id  string
	p   makerlink.Profile
	doc *bdoc.Document // the analysed document of p
	sug *document      // its flattened form (suggestions: name, owner, visibility, pinyin)
}

// build builds and analyses the document of op's profile.
func (op *batchOp) build(plan fieldPlan) {
	d := newDocument(op.p)
	op.doc, op.sug = d.bleveDocument(op.id, plan), d
}

// NewBatch starts an empty batch.
func (x *Index) NewBatch() *Batch { return &Batch{x: x} }

// Put adds or replaces a profile. The batch keeps p until [Batch.Commit]
// returns: the caller must not change it meanwhile.
func (b *Batch) Put(p makerlink.Profile) error {
	if p == nil || p.Base().ID == "" {
		return fmt.Errorf("search: index a profile without an id")
	}
	b.ops = append(b.ops, batchOp{id: docID(p.Kind(), p.Base().ID), p: p})
	return nil
}

// Delete removes a profile.
func (b *Batch) Delete(k makerlink.Kind, id string) {
	b.ops = append(b.ops, batchOp{id: docID(k, id)})
}

// SetSeq records, with the batch, the last change feed entry it applies.
func (b *Batch) SetSeq(seq int64) { b.seq, b.hasQ = seq, true }

// Len returns the number of updates in the batch.
func (b *Batch) Len() int { return len(b.ops) }

// Commit applies the batch to the live index.
func (b *Batch) Commit(ctx context.Context) error {
	bi, sug, release, err := b.x.currentGen()
	if err != nil {
		return err
	}
	defer release()
	return b.commitTo(bi, sug)
}

func (b *Batch) commitTo(bi bleve.Index, sug *suggester) error {
	var internal map[string][]byte
	if b.hasQ {
		internal = map[string][]byte{string(keySeq): []byte(strconv.FormatInt(b.seq, 10))}
	}
	err := applyOps(bi, sug, planFor(b.x.opts.Mode), b.ops, internal)
	b.x.invalidate() // even a failed batch may have changed something
	if err != nil {
		return err
	}
	clear(b.ops)
	b.ops = b.ops[:0]
	b.hasQ = false
	return nil
}

// Tuning of large batches (bulk builds): see docs/benchmarks.md, "Indexing".
var (
	// parallelMin is the number of updates from which a batch builds its
	// documents on every core.
	parallelMin = 256
	// bulkGCPercent is the GC percentage while a large batch is applied:
	// indexing allocates a lot of short-lived memory, and collecting it
	// four times less often saves a good part of the GC's CPU.
	bulkGCPercent = 400
)

// applyOps applies updates and internal values to bi as one Bleve
// batch, then to sug, the suggestions of bi (unless nil). The documents of
// large batches are built on every core. (Bleve builds the segment of a
// batch on one core; splitting a batch into concurrent parts cost more CPU
// in merges than it saved.)
func applyOps(bi bleve.Index, sug *suggester, plan fieldPlan, ops []batchOp, internal map[string][]byte) error {
	if len(ops) >= parallelMin {
		defer bulkGC()()
		buildDocuments(ops, plan)
	}
	bb := bi.NewBatch()
	for i := range ops {
		op := &ops[i]
		if op.p == nil {
			bb.Delete(op.id)
			continue
		}
		if op.doc == nil {
			op.build(plan)
		}
		if err := bb.IndexAdvanced(op.doc); err != nil {
			return fmt.Errorf("search: index %s: %w", op.id, err)
		}
	}
	for k, v := range internal {
		bb.SetInternal([]byte(k), v)
	}
	if err := bi.Batch(bb); err != nil {
		return fmt.Errorf("search: apply batch: %w", err)
	}
	if sug != nil {
		sug.update(sugOps(ops))
	}
	return nil
}

// sugOps returns the suggester's updates of built ops.
func sugOps(ops []batchOp) []sugOp {
	sops := make([]sugOp, len(ops))
	for i := range ops {
		op := &ops[i]
		sops[i].id = op.id
		if d := op.sug; op.p != nil {
			sops[i].entry = &sugEntry{id: op.id, doc: newSugDoc(op.id, d.Name, d.Owner, d.Vis), keys: d.sugKeys}
		}
	}
	return sops
}

// buildDocuments builds and analyses the documents of the profiles of
// ops on every core.
func buildDocuments(ops []batchOp, plan fieldPlan) {
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ops) {
					return
				}
				if ops[i].p != nil && ops[i].doc == nil {
					ops[i].build(plan)
				}
			}
		}()
	}
	wg.Wait()
}

var bulkGCState struct {
	sync.Mutex
	users int
	prev  int
}

// bulkGC raises the GC percentage to bulkGCPercent (unless the GC is off
// or already less eager) until the returned function is called; calls may
// overlap.
func bulkGC() func() {
	s := &bulkGCState
	s.Lock()
	if s.users == 0 {
		s.prev = debug.SetGCPercent(bulkGCPercent)
		if s.prev < 0 || s.prev >= bulkGCPercent {
			debug.SetGCPercent(s.prev)
		}
	}
	s.users++
	s.Unlock()
	return func() {
		s.Lock()
		s.users--
		if s.users == 0 {
			debug.SetGCPercent(s.prev)
		}
		s.Unlock()
	}
}

func docID(k makerlink.Kind, id string) string { return string(k) + "/" + id }

func splitDocID(s string) (makerlink.Kind, string) {
	k, id, _ := strings.Cut(s, "/")
	return makerlink.Kind(k), id
}

// newMapping returns the index mapping for a text mode.
func newMapping(mode TextMode) mapping.IndexMapping {
	text := analysis.AnalyzerTextWords
	switch mode {
	case TextBigrams:
		text = analysis.AnalyzerTextBigrams
	case TextStockCJK:
		text = cjk.AnalyzerName
	}
	kw := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store, f.IncludeTermVectors, f.IncludeInAll = false, false, false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Index, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, false, false
		return f
	}
	analysed := func(analyzer string, vectors bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store, f.IncludeInAll, f.DocValues = false, false, false
		f.IncludeTermVectors = vectors
		return f
	}
	dm := mapping.NewDocumentStaticMapping()
	for _, f := range []string{fOwner, fVis} {
		m := kw()
		m.DocValues = false // filters only
		m.Store = true      // for suggestions (see loadSuggester)
		dm.AddFieldMappingsAt(f, m)
	}
	// one field for every facet: a search visits the doc values of a
	// single field per hit instead of four
	dm.AddFieldMappingsAt(fFacet, kw())
	dm.AddFieldMappingsAt(fTitle, stored())
	dm.AddFieldMappingsAt(fSnip, stored())
	dm.AddFieldMappingsAt(fSugKeys, stored())
	// phrases of characters need positions: only the name keeps them
	// (phrases on labels and heads did not move the relevance set, and
	// positions are a good part of the cost of indexing a term)
	// the long text and the labels without the characters inside words:
	// 40-60% of the terms (single-character queries still find names
	// and heads, and characters the segmenter leaves alone; without them
	// in heads the single-character queries fell from 0.98 to 0.75)
	longText := text
	if mode == TextWords {
		longText = analysis.AnalyzerTextWordsOnly
	}
	dm.AddFieldMappingsAt(fName, analysed(text, mode == TextWords))
	dm.AddFieldMappingsAt(fLabels, analysed(longText, false))
	dm.AddFieldMappingsAt(fHead, analysed(text, false))
	dm.AddFieldMappingsAt(fText, analysed(longText, false))
	dm.AddFieldMappingsAt(fPinyinO, analysed(analysis.AnalyzerKeywords, false))
	dm.AddFieldMappingsAt(fLatin, analysed(analysis.AnalyzerLatin, false))
	dm.AddFieldMappingsAt(fLatinN, analysed(analysis.AnalyzerLatin, false))

	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping()) // no composite field
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	im.ScoringModel = index.BM25Scoring
	return im
}

// document is what the index stores for a profile.
type document struct {
	Owner   string   `json:"owner"`
	Vis     string   `json:"vis"`
	Facet   []string `json:"fc"`
	Title   string   `json:"title"`
	Snip    string   `json:"snip"`
	Name    string   `json:"name"`
	Labels  string   `json:"labels"`
	Head    string   `json:"head"`
	Text    string   `json:"text"`
	Pinyin  string   `json:"-"` // in LatinN (the name's pinyin has no field of its own)
	PinyinO string   `json:"pyo"`
	Latin   string   `json:"fz"`
	LatinN  string   `json:"fzn"`
	SugKeys string   `json:"sgk"`

	// the non-empty parts of Labels and Latin, which are those parts
	// joined by " \n ": labels repeat across documents, so their terms
	// are analysed once (see [fieldPlan.addParts])
	labelParts, latinParts []string
	sugKeys                []nameKey // what the name is suggested under (encoded in SugKeys)
}

// Limits on what one document contributes, in runes.
const (
	maxSnipSource = 2000
	maxPrefix     = 12
)

// facetTerm is the term of a facet value in the facet field.
func facetTerm(facet, value string) string { return facet + ":" + value }

// newDocument flattens a profile into an index document.
func newDocument(p makerlink.Profile) *document {
	t := p.Tags()
	d := &document{
		Owner: p.Base().OwnerID,
		Vis:   t.Visibility,
		Title: t.Name,
		Name:  t.Name,
	}
	if d.Vis == "" {
		d.Vis = makerlink.VisibilityPublic
	}
	var cities []string
	for _, c := range t.Cities {
		cities = append(cities, makerlink.CanonicalCity(c))
	}
	d.Facet = append(d.Facet, facetTerm("kind", string(p.Kind())))
	for _, s := range t.Sectors {
		d.Facet = append(d.Facet, facetTerm("sector", s))
	}
	for _, s := range t.Stages {
		d.Facet = append(d.Facet, facetTerm("stage", s))
	}
	for _, c := range cities {
		d.Facet = append(d.Facet, facetTerm("city", c))
	}
	var labels, head, text, snip, pyOther []string
	labels = append(labels, analysis.TypeText(string(p.Kind())))
	for _, s := range t.Sectors {
		labels = append(labels, analysis.SectorText(s))
	}
	for _, s := range t.Stages {
		labels = append(labels, analysis.StageText(s))
	}
	for _, c := range cities {
		labels = append(labels, analysis.CityText(c))
	}
	switch v := p.(type) {
	case *makerlink.Startup:
		snip = []string{v.Tagline, v.Description}
		head = []string{v.Tagline}
		text = append(text, v.Description, v.District)
		text = append(text, v.Needs...)
		pyOther = append(pyOther, v.District)
	case *makerlink.Investor:
		labels = append(labels, analysis.TypeText(v.Type))
		snip = []string{v.Thesis}
		text = append(text, v.Organization, v.Thesis)
		text = append(text, v.Portfolio...)
		pyOther = append(pyOther, v.Organization)
	case *makerlink.Mentor:
		snip = []string{v.Bio}
		head = v.Expertise
		text = append(text, v.Organization, v.Bio)
		text = append(text, v.Languages...)
		pyOther = append(pyOther, v.Organization)
	case *makerlink.Equipment:
		snip = []string{v.Category, v.Institution, v.Description}
		head = []string{v.Category}
		text = append(text, v.Institution, v.Description, v.Specs, v.District)
		pyOther = append(pyOther, v.Institution, v.District)
	case *makerlink.Space:
		labels = append(labels, analysis.TypeText(v.Type))
		snip = []string{v.Description}
		head = v.Services
		text = append(text, v.Description, v.District)
		pyOther = append(pyOther, v.District)
	}
	d.labelParts = nonEmpty(labels)
	d.Labels = strings.Join(d.labelParts, " \n ")
	d.Head = joinNonEmpty(head, " \n ")
	d.Text = joinNonEmpty(text, " \n ")
	d.Snip = truncateRunes(joinNonEmpty(snip, " · "), maxSnipSource)
	namePy := analysis.PinyinTerms(t.Name)
	d.Pinyin = strings.Join(namePy, " ")
	var py []string
	for _, n := range pyOther {
		py = append(py, analysis.PinyinTerms(n)...)
	}
	d.PinyinO = strings.Join(py, " ")
	d.Latin = d.Labels + " \n " + d.Head + " \n " + d.PinyinO
	d.latinParts = nonEmpty([]string{d.Head, d.PinyinO})
	d.LatinN = t.Name + " \n " + d.Pinyin
	d.sugKeys = suggestKeys(t.Name, namePy)
	d.SugKeys = encodeSugKeys(d.sugKeys)
	return d
}

func joinNonEmpty(ss []string, sep string) string { return strings.Join(nonEmpty(ss), sep) }

// nonEmpty returns the strings of ss that are not blank, trimmed.
func nonEmpty(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// Compact merges the live index into a single segment. Searches keep
// answering meanwhile; it pays after a bulk build, which leaves many
// segments that every query term has to visit.
func (x *Index) Compact(ctx context.Context) error {
	bi, release, err := x.current()
	if err != nil {
		return err
	}
	defer release()
	return compact(ctx, bi)
}

// compact force-merges bi into one segment.
func compact(ctx context.Context, bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// the merger only merges persisted segments: wait for the disk first
	if err := flush(bi); err != nil {
		return err
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	return nil
}

// segmentCount returns the number of segments of the live index, or -1.
func (x *Index) segmentCount() int {
	bi, release, err := x.current()
	if err != nil {
		return -1
	}
	defer release()
	adv, err := bi.Advanced()
	if err != nil {
		return -1
	}
	r, err := adv.Reader()
	if err != nil {
		return -1
	}
	defer r.Close()
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		return len(snap.Segments())
	}
	return -1
}
