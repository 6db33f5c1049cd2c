package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"makerlink"
	"makerlink/search/internal/segbuild"
)

// SyncOptions configure a [Syncer]. Zero fields take the defaults.
type SyncOptions struct {
	// Interval between polls of the change feed (default 200 ms).
	Interval time.Duration
	// GapWait is how long a missing sequence number may hold back the
	// recorded position in the feed (default 5 s). Changes after a gap are
	// applied at once; only the position waits, so a transaction that took
	// a lower number but commits late is still seen. After GapWait the gap
	// is taken as a rolled-back transaction and skipped.
	GapWait time.Duration
	// Batch is the number of changes read per call (default 1000).
	Batch int
	// Now returns the current time (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Syncer keeps an [Index] up to date with a store's change feed. Run it
// in a goroutine on every node; each node keeps its own index. Its methods
// are safe for concurrent use.
type Syncer struct {
	idx   *Index
	store makerlink.ProfileStore
	opt   SyncOptions
	log   *slog.Logger
	kick  chan struct{}

	mu      sync.Mutex // one poll, rebuild or swap at a time
	loaded  bool
	cursor  int64               // every change <= cursor is applied (or skipped)
	applied map[int64]bool      // changes > cursor already applied
	gapAt   map[int64]time.Time // when a gap starting at the key was first seen
}

// NewSyncer returns a syncer of idx from st.
func NewSyncer(idx *Index, st makerlink.ProfileStore, opt SyncOptions) *Syncer {
	if opt.Interval <= 0 {
		opt.Interval = 200 * time.Millisecond
	}
	if opt.GapWait <= 0 {
		opt.GapWait = 5 * time.Second
	}
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = idx.log
	}
	return &Syncer{idx: idx, store: st, opt: opt, log: opt.Logger, kick: make(chan struct{}, 1),
		applied: map[int64]bool{}, gapAt: map[int64]time.Time{}}
}

// Run fills a fresh index from the store, then follows the change feed
// until ctx ends. It also adopts a generation built by [Rebuild] in another
// process. Errors of single polls are logged and retried.
func (s *Syncer) Run(ctx context.Context) error {
	if err := s.Init(ctx); err != nil {
		return err
	}
	t := time.NewTicker(s.opt.Interval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.kick:
		}
		if err := s.adopt(ctx); err != nil {
			s.log.Error("search: adopt rebuilt index", "err", err)
		}
		if _, err := s.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failures++
			if failures == 1 || failures%50 == 0 {
				s.log.Error("search: follow change feed", "err", err, "failures", failures)
			}
			continue
		}
		if failures > 0 {
			s.log.Info("search: change feed reachable again", "after_failures", failures)
			failures = 0
		}
	}
}

// Kick asks a running [Syncer.Run] to poll now, e.g. right after a write
// on this node.
func (s *Syncer) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Init fills the index from the store when it is fresh (see
// [Index.Fresh]): it builds a new generation with the offline builder and
// swaps it in, as [Syncer.Reindex] does. Otherwise it only loads the feed
// position.
func (s *Syncer) Init(ctx context.Context) error {
	s.mu.Lock()
	if !s.idx.Fresh() {
		defer s.mu.Unlock()
		return s.loadCursor()
	}
	s.mu.Unlock()
	t := time.Now()
	n, seq, err := s.rebuild(ctx)
	if err != nil {
		return err
	}
	s.log.Info("search: index built from the database", "profiles", n, "seq", seq, "took", time.Since(t).Round(time.Millisecond))
	return nil
}

func (s *Syncer) loadCursor() error {
	if s.loaded {
		return nil
	}
	seq, err := s.idx.Seq()
	if err != nil {
		return err
	}
	s.resetCursor(seq)
	return nil
}

func (s *Syncer) resetCursor(seq int64) {
	s.cursor, s.loaded = seq, true
	clear(s.applied)
	clear(s.gapAt)
}

// Sync applies every change of the feed not applied yet and returns how
// many profiles it indexed or removed.
func (s *Syncer) Sync(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.loadCursor(); err != nil {
		return 0, err
	}
	bi, sug, release, err := s.idx.currentGen()
	if err != nil {
		return 0, err
	}
	defer release()
	return s.syncLocked(ctx, bi, sug)
}

// syncLocked reads the feed after the cursor (again, past applied changes:
// a gap may fill in), applies what is new to bi and its suggestions sug
// and advances the cursor.
func (s *Syncer) syncLocked(ctx context.Context, bi bleve.Index, sug *suggester) (int, error) {
	total := 0
	after := s.cursor
	for {
		cs, err := s.store.ProfileChanges(ctx, after, s.opt.Batch)
		if err != nil {
			return total, fmt.Errorf("search: read change feed: %w", err)
		}
		var todo []makerlink.ProfileChange
		for _, c := range cs {
			if c.Seq > s.cursor && !s.applied[c.Seq] {
				todo = append(todo, c)
			}
		}
		if len(todo) > 0 {
			n, err := apply(ctx, s.store, bi, sug, planFor(s.idx.opts.Mode), todo)
			s.idx.invalidate()
			total += n
			if err != nil {
				return total, err
			}
			for _, c := range todo {
				s.applied[c.Seq] = true
			}
		}
		if len(cs) < s.opt.Batch {
			break
		}
		after = cs[len(cs)-1].Seq
	}
	before := s.cursor
	s.advance()
	if s.cursor != before {
		if err := bi.SetInternal(keySeq, []byte(strconv.FormatInt(s.cursor, 10))); err != nil {
			return total, fmt.Errorf("search: record feed position: %w", err)
		}
	}
	return total, nil
}

// advance moves the cursor over applied changes, and over gaps older than
// GapWait.
func (s *Syncer) advance() {
	now := s.opt.Now()
	for {
		next := s.cursor + 1
		if s.applied[next] {
			delete(s.applied, next)
			s.cursor = next
			continue
		}
		if len(s.applied) == 0 {
			clear(s.gapAt)
			return
		}
		// a gap: next is missing but later changes are applied
		first, seen := s.gapAt[next]
		if !seen {
			s.gapAt[next] = now
			return
		}
		if now.Sub(first) < s.opt.GapWait {
			return
		}
		low := int64(-1)
		for q := range s.applied {
			if low < 0 || q < low {
				low = q
			}
		}
		s.log.Warn("search: skipping a gap in the change feed", "from", next, "to", low-1, "waited", now.Sub(first).Round(time.Millisecond))
		delete(s.gapAt, next)
		s.cursor = low - 1
	}
}

// Position returns the feed position recorded by the syncer: every change
// up to it is in the index.
func (s *Syncer) Position() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor
}

// apply indexes the current state of the profiles named by changes.
func apply(ctx context.Context, st makerlink.ProfileStore, bi bleve.Index, sug *suggester, plan fieldPlan, cs []makerlink.ProfileChange) (int, error) {
	type key struct {
		k  makerlink.Kind
		id string
	}
	last := map[key]makerlink.ProfileChange{}
	var order []key
	for _, c := range cs {
		k := key{c.Kind, c.ID}
		if _, ok := last[k]; !ok {
			order = append(order, k)
		}
		last[k] = c
	}
	ops := make([]batchOp, 0, len(order))
	for _, k := range order {
		c := last[k]
		id := docID(c.Kind, c.ID)
		if c.Deleted {
			ops = append(ops, batchOp{id: id})
			continue
		}
		p, err := st.FindProfile(ctx, c.Kind, c.ID)
		switch {
		case makerlink.ErrorCode(err) == makerlink.ENotFound:
			ops = append(ops, batchOp{id: id}) // deleted since
			continue
		case err != nil:
			return 0, fmt.Errorf("search: load %s: %w", id, err)
		}
		ops = append(ops, batchOp{id: id, p: p})
	}
	if err := applyOps(bi, sug, plan, ops, nil); err != nil {
		return 0, fmt.Errorf("search: apply changes: %w", err)
	}
	return len(order), nil
}

// systemViewer sees every profile.
var systemViewer = &makerlink.User{ID: "system:search", Roles: []makerlink.Role{makerlink.RoleAdmin}}

// buildBatch is the number of profiles per batch of a full build: each
// batch's documents are built on every core, then analysed into one run
// of the segment (segbuild.Run), whose term dictionaries stay small.
const buildBatch = 1250

// buildIndex writes an index of every profile of st into the new
// directory path (see [buildFrom]). A goroutine lists the database and
// builds and analyses the documents of the next batch on every core while
// the builder writes the segment of the previous one. The index records
// the feed position it is complete up to (read before listing, so changes
// made meanwhile are applied again by the syncer), which buildIndex
// returns.
func buildIndex(ctx context.Context, st makerlink.ProfileStore, path string, mode TextMode) (int, int64, *suggester, error) {
	head, err := makerlink.FeedHead(ctx, st)
	if err != nil {
		return 0, 0, nil, err
	}
	plan := planFor(mode)
	n, sug, err := buildFrom(ctx, path, mode, head, func(ctx context.Context, emit func([]batchOp) bool) error {
		ops := make([]batchOp, 0, buildBatch)
		cursor := ""
		for {
			recs, next, err := st.FindProfiles(ctx, makerlink.ProfileFilter{Viewer: systemViewer, Limit: 100, Cursor: cursor})
			if err != nil {
				return fmt.Errorf("search: list profiles: %w", err)
			}
			for _, rec := range recs {
				p, err := rec.Decode()
				if err != nil {
					return err
				}
				ops = append(ops, batchOp{id: docID(rec.Kind, rec.ID), p: p})
			}
			if len(ops) >= buildBatch || (next == "" && len(ops) > 0) {
				buildDocuments(ops, plan)
				if !emit(ops) {
					return ctx.Err()
				}
				ops = make([]batchOp, 0, buildBatch)
			}
			if next == "" {
				return nil
			}
			cursor = next
		}
	})
	if err != nil {
		return n, 0, nil, err
	}
	return n, head, sug, nil
}

// buildFrom writes a new index into directory path with the offline
// builder, from the batches of built documents that list emits (it runs
// in its own goroutine; emit reports false when the build is abandoned).
// Each batch becomes a run of the index's single segment, written once at
// the end, without the persister and merger of a live index (a live index
// merges as it goes, then needs a forced merge). The index records the
// feed position seq. The suggestions of the built index are made while the
// segment is written, and returned.
func buildFrom(ctx context.Context, path string, mode TextMode, seq int64, list func(ctx context.Context, emit func([]batchOp) bool) error) (int, *suggester, error) {
	m := newMapping(mode)
	internal := map[string][]byte{
		string(keyVersion): []byte(strconv.Itoa(MappingVersion)),
		string(keyMode):    []byte(mode.String()),
		string(keySeq):     []byte(strconv.FormatInt(seq, 10)),
	}
	defer bulkGC()()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []batchOp, 1)
	var listErr error
	go func() {
		defer close(batches)
		listErr = list(ctx, func(ops []batchOp) bool {
			select {
			case batches <- ops:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	drain := func() {
		cancel()
		for range batches { // let the lister finish
		}
	}
	// the batches are analysed into segment runs at once, one per core
	// (the lister builds the next batch's documents on every core too);
	// the runs are added to the segment in the order listed
	schema := schemaOf(planFor(mode))
	var (
		mu       sync.Mutex
		b        *offlineBuilder
		runs     []*segbuild.Run // nil: not made yet, or (before written) written
		written  int             // runs before it were written as parts
		sops     [][]sugOp       // suggestions, by batch
		firstErr error
		n        int
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if firstErr != nil {
					mu.Unlock()
					return
				}
				ops, ok := <-batches
				if !ok {
					mu.Unlock()
					return
				}
				if b == nil {
					var err error
					if b, err = newOfflineBuilder(path, m, schema, internal); err != nil {
						fail(err)
						mu.Unlock()
						return
					}
				}
				k := len(runs)
				runs, sops = append(runs, nil), append(sops, nil)
				mu.Unlock()
				r, err := run(schema, ops)
				so := sugOps(ops)
				mu.Lock()
				if err != nil {
					fail(err)
					mu.Unlock()
					return
				}
				runs[k], sops[k] = r, so
				n += len(ops)
				// past the memory bound, the runs made so far in a row
				// are written as a part
				first, end, size := written, written, 0
				for end < len(runs) && runs[end] != nil {
					size += runs[end].Size()
					end++
				}
				var part []*segbuild.Run
				if size >= buildMemory {
					part = slices.Clone(runs[first:end])
					clear(runs[first:end])
					written = end
				}
				mu.Unlock()
				if part != nil {
					if err := b.writePart(first, part); err != nil {
						mu.Lock()
						fail(err)
						mu.Unlock()
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		drain()
		return n, nil, firstErr
	}
	if listErr == nil {
		listErr = ctx.Err()
	}
	if listErr != nil {
		return n, nil, listErr
	}
	if b == nil {
		// nothing to build: an empty live index (the builder needs a
		// segment)
		bi, err := newBleve(path, m)
		if err != nil {
			return 0, nil, fmt.Errorf("search: create index: %w", err)
		}
		bb := bi.NewBatch()
		for k, v := range internal {
			bb.SetInternal([]byte(k), v)
		}
		if err := bi.Batch(bb); err != nil {
			bi.Close()
			return 0, nil, fmt.Errorf("search: create index: %w", err)
		}
		return 0, newSuggester(), closeBleve(bi)
	}
	// the suggestions on one core while the segment is written on another
	sug := newSuggester()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sug.update(slices.Concat(sops...))
	}()
	err := b.finish(written, runs[written:])
	<-done
	if err != nil {
		return n, nil, err
	}
	return n, sug, nil
}

// rebuild builds a new generation from the store, catches it up with the
// feed and swaps it in. When another process made a generation current
// meanwhile ([Rebuild]), its generation is adopted and this one dropped.
func (s *Syncer) rebuild(ctx context.Context) (int, int64, error) {
	cur, err := readCurrent(s.idx.dir)
	if err != nil {
		return 0, 0, err
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 10)
	path := filepath.Join(s.idx.dir, "build-"+stamp)
	n, seq, sug, err := buildIndex(ctx, s.store, path, s.idx.opts.Mode)
	if err != nil {
		os.RemoveAll(path)
		return n, 0, err
	}
	gen := "gen-" + stamp
	if err := os.Rename(path, filepath.Join(s.idx.dir, gen)); err != nil {
		os.RemoveAll(path)
		return n, 0, fmt.Errorf("search: built index: %w", err)
	}
	bi, err := openBleve(filepath.Join(s.idx.dir, gen))
	if err != nil {
		os.RemoveAll(filepath.Join(s.idx.dir, gen))
		return n, 0, fmt.Errorf("search: open built index: %w", err)
	}
	err = s.swap(ctx, gen, bi, sug, seq, cur)
	if errors.Is(err, errSuperseded) {
		s.log.Info("search: another process rebuilt the index meanwhile: adopting it", "dropped", gen)
		return n, seq, s.adopt(ctx)
	}
	if err != nil {
		return n, 0, err
	}
	return n, seq, nil
}

// errSuperseded is returned by swap when another process made another
// generation current meanwhile.
var errSuperseded = errors.New("search: another generation became current")

// Reindex builds a new generation of the index from the store while the
// live one keeps answering, catches it up with the feed and swaps it in.
func (s *Syncer) Reindex(ctx context.Context) error {
	t := time.Now()
	n, seq, err := s.rebuild(ctx)
	if err != nil {
		return err
	}
	s.log.Info("search: reindexed", "profiles", n, "seq", seq, "took", time.Since(t).Round(time.Millisecond))
	return nil
}

// swap catches bi (generation gen, complete up to seq, with the
// suggestions sug, or nil to load them) up with the feed, makes it the
// live index and removes the old one. Unless expect is "", it gives up
// with errSuperseded (dropping gen) when CURRENT no longer names expect.
func (s *Syncer) swap(ctx context.Context, gen string, bi bleve.Index, sug *suggester, seq int64, expect string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if expect != "" {
		if cur, err := readCurrent(s.idx.dir); err == nil && cur != expect {
			bi.Close()
			os.RemoveAll(filepath.Join(s.idx.dir, gen))
			return errSuperseded
		}
	}
	if sug == nil {
		var err error
		if sug, err = loadSuggester(bi); err != nil {
			bi.Close()
			os.RemoveAll(filepath.Join(s.idx.dir, gen))
			return err
		}
	}
	s.resetCursor(seq)
	if _, err := s.syncLocked(ctx, bi, sug); err != nil {
		bi.Close()
		os.RemoveAll(filepath.Join(s.idx.dir, gen))
		s.loaded = false // reload the live index's position
		return err
	}
	if err := swapCurrent(s.idx.dir, gen, expect); err != nil {
		bi.Close()
		os.RemoveAll(filepath.Join(s.idx.dir, gen))
		s.loaded = false
		return err
	}
	x := s.idx
	x.mu.Lock()
	old, oldGen := x.idx, x.gen
	x.idx, x.sug, x.gen, x.fresh = bi, sug, gen, false
	x.invalidate()
	x.mu.Unlock()
	if old != nil {
		if err := closeBleve(old); err != nil {
			s.log.Warn("search: close old index", "err", err)
		}
		os.RemoveAll(filepath.Join(x.dir, oldGen))
	}
	return nil
}

// adopt switches to a generation that [Rebuild] made in another process.
func (s *Syncer) adopt(ctx context.Context) error {
	gen, err := readCurrent(s.idx.dir)
	if err != nil || gen == "" {
		return err
	}
	s.idx.mu.RLock()
	same := gen == s.idx.gen
	s.idx.mu.RUnlock()
	if same {
		return nil
	}
	bi, err := openBleve(filepath.Join(s.idx.dir, gen))
	if err != nil {
		return fmt.Errorf("search: open rebuilt index %s: %w", gen, err)
	}
	if !s.idx.compatible(bi) {
		bi.Close()
		return fmt.Errorf("search: rebuilt index %s has another mapping", gen)
	}
	seq, err := readSeq(bi)
	if err != nil {
		bi.Close()
		return err
	}
	s.log.Info("search: adopting rebuilt index", "gen", gen, "seq", seq)
	return s.swap(ctx, gen, bi, nil, seq, "")
}

// Rebuild builds a new generation of the index in dir from the store and
// makes it current, for the `makerlink reindex` command. A server running
// on the same directory adopts it within a poll interval and removes its
// old generation; otherwise the next [Open] does.
func Rebuild(ctx context.Context, dir string, st makerlink.ProfileStore, opts Options) (int, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("search: create index directory: %w", err)
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 10)
	build := filepath.Join(dir, "build-"+stamp)
	n, _, _, err := buildIndex(ctx, st, build, opts.Mode)
	if err != nil {
		os.RemoveAll(build)
		return n, err
	}
	gen := "gen-" + stamp
	if err := os.Rename(build, filepath.Join(dir, gen)); err != nil {
		os.RemoveAll(build)
		return n, fmt.Errorf("search: rebuilt index: %w", err)
	}
	return n, writeCurrent(dir, gen)
}
