package search_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
	"makerlink/store"
	"makerlink/store/storetest"
)

// engine is a store under test with raw SQL access to its tables.
type engine struct {
	name string
	open func(t *testing.T) (*store.DB, *sql.DB)
}

var engines = []engine{
	{"sqlite", func(t *testing.T) (*store.DB, *sql.DB) {
		path := filepath.Join(t.TempDir(), "makerlink.db")
		db, err := store.Open(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return db, raw
	}},
	{"postgres", func(t *testing.T) (*store.DB, *sql.DB) {
		dsn := storetest.PostgresDSN(t)
		db, err := store.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return db, raw
	}},
}

func forEachEngine(t *testing.T, f func(t *testing.T, db *store.DB, raw *sql.DB)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			db, raw := e.open(t)
			f(t, db, raw)
		})
	}
}

// storeFixtures writes the fixtures to db under fresh owners and returns
// them with their stored ids.
func storeFixtures(t *testing.T, db *store.DB) []makerlink.Profile {
	t.Helper()
	owner := storetest.NewUser(t, db, makerlink.RoleFounder)
	ps := fixtures()
	for _, p := range ps {
		p.Base().OwnerID = owner.ID
	}
	if err := db.CreateProfiles(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

func hitIDs(t *testing.T, idx *search.Index, q string) []string {
	t.Helper()
	r, err := idx.Search(context.Background(), search.Query{Q: q, Viewer: &makerlink.User{ID: "admin", Roles: []makerlink.Role{makerlink.RoleAdmin}}})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return ids(r)
}

// suggestIDs returns the ids of the suggestions for q to an admin.
func suggestIDs(t *testing.T, idx *search.Index, q string) []string {
	t.Helper()
	ss, err := idx.Suggest(context.Background(), q, &makerlink.User{ID: "admin", Roles: []makerlink.Role{makerlink.RoleAdmin}})
	if err != nil {
		t.Fatalf("Suggest(%q): %v", q, err)
	}
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func TestSyncerFollowsTheDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		ps := storeFixtures(t, db)
		dir := filepath.Join(t.TempDir(), "search.bleve")
		idx, err := search.Open(dir, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !idx.Fresh() {
			t.Fatal("a new index is not fresh")
		}
		sy := search.NewSyncer(idx, db, search.SyncOptions{})
		if err := sy.Init(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := idx.DocCount(); n != uint64(len(ps)) {
			t.Fatalf("built %d docs, want %d", n, len(ps))
		}
		goji := ps[0].(*makerlink.Startup)
		if got := hitIDs(t, idx, "枸杞原浆"); len(got) == 0 || got[0] != goji.ID {
			t.Fatalf("after build: %v", got)
		}

		// create, update and delete through the store; one Sync applies them
		owner := storetest.NewUser(t, db, makerlink.RoleFounder)
		created := storetest.Startup(owner.ID, 1)
		created.Name = "沙湖无人船"
		if err := db.CreateProfile(ctx, created); err != nil {
			t.Fatal(err)
		}
		goji.Name = "红宝枸杞"
		if err := db.UpdateProfile(ctx, goji); err != nil {
			t.Fatal(err)
		}
		solar := ps[1]
		if err := db.DeleteProfile(ctx, makerlink.KindStartup, solar.Base().ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(t, idx, "无人船"); !slices.Contains(got, created.ID) {
			t.Errorf("created profile not found: %v", got)
		}
		if got := hitIDs(t, idx, "红宝"); len(got) == 0 || got[0] != goji.ID {
			t.Errorf("updated name not found: %v", got)
		}
		if got := hitIDs(t, idx, "塞上光伏储能"); slices.Contains(got, solar.Base().ID) {
			t.Errorf("deleted profile still found")
		}
		// suggestions follow the same changes
		if got := suggestIDs(t, idx, "shahu"); !slices.Contains(got, created.ID) {
			t.Errorf("created profile not suggested: %v", got)
		}
		if got := suggestIDs(t, idx, "红宝"); !slices.Contains(got, goji.ID) {
			t.Errorf("renamed profile not suggested: %v", got)
		}
		if got := suggestIDs(t, idx, "红枸杞"); slices.Contains(got, goji.ID) {
			t.Errorf("old name still suggested: %v", got)
		}
		if got := suggestIDs(t, idx, "塞上"); slices.Contains(got, solar.Base().ID) {
			t.Errorf("deleted profile still suggested: %v", got)
		}
		pos := sy.Position()
		if pos == 0 {
			t.Fatal("feed position not recorded")
		}

		// restart: the index is kept and continues from its position
		idx.Close()
		idx, err = search.Open(dir, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		if idx.Fresh() {
			t.Fatal("reopened index is fresh")
		}
		if seq, _ := idx.Seq(); seq != pos {
			t.Errorf("stored seq %d, want %d", seq, pos)
		}
		// suggestions are loaded with the index
		if got := suggestIDs(t, idx, "沙湖"); !slices.Contains(got, created.ID) {
			t.Errorf("after restart, created profile not suggested: %v", got)
		}
		if got := suggestIDs(t, idx, "塞上"); slices.Contains(got, solar.Base().ID) {
			t.Errorf("after restart, deleted profile suggested: %v", got)
		}
		created.Name = "沙湖无人船二代"
		if err := db.UpdateProfile(ctx, created); err != nil {
			t.Fatal(err)
		}
		sy = search.NewSyncer(idx, db, search.SyncOptions{})
		if err := sy.Init(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := sy.Sync(ctx); err != nil || n != 1 {
			t.Errorf("Sync after restart applied %d (%v), want 1", n, err)
		}
		if got := suggestIDs(t, idx, "沙湖无人船二"); !slices.Contains(got, created.ID) {
			t.Errorf("after restart, renamed profile not suggested: %v", got)
		}
	})
}

func TestOpenRebuildsBrokenOrOldIndex(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ps := storeFixtures(t, db)
	ctx := context.Background()
	build := func(dir string, opts search.Options) (*search.Index, bool) {
		idx, err := search.Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		fresh := idx.Fresh()
		if err := search.NewSyncer(idx, db, search.SyncOptions{}).Init(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := idx.DocCount(); n != uint64(len(ps)) {
			t.Fatalf("%d docs, want %d", n, len(ps))
		}
		return idx, fresh
	}
	dir := filepath.Join(t.TempDir(), "search.bleve")
	idx, _ := build(dir, search.Options{})
	idx.Close()

	t.Run("another mapping", func(t *testing.T) {
		idx, fresh := build(dir, search.Options{Mode: search.TextBigrams})
		idx.Close()
		if !fresh {
			t.Error("index of another text mode was reused")
		}
		idx, fresh = build(dir, search.Options{Mode: search.TextBigrams})
		idx.Close()
		if fresh {
			t.Error("index of the same mode was rebuilt")
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
		if err != nil {
			t.Fatal(err)
		}
		gen := filepath.Join(dir, string(cur[:len(cur)-1]))
		err = filepath.Walk(gen, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				return os.WriteFile(p, []byte("garbage"), 0o644)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		idx, fresh := build(dir, search.Options{Mode: search.TextBigrams})
		idx.Close()
		if !fresh {
			t.Error("corrupt index was reused")
		}
		if _, err := os.Stat(gen); !os.IsNotExist(err) {
			t.Error("corrupt generation left behind")
		}
	})
	t.Run("missing", func(t *testing.T) {
		os.RemoveAll(dir)
		idx, fresh := build(dir, search.Options{Mode: search.TextBigrams})
		idx.Close()
		if !fresh {
			t.Error("missing index not rebuilt")
		}
	})
}

func TestReindexOnline(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ps := storeFixtures(t, db)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "search.bleve")
	idx, err := search.Open(dir, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	sy := search.NewSyncer(idx, db, search.SyncOptions{})
	if err := sy.Init(ctx); err != nil {
		t.Fatal(err)
	}
	// searches keep answering, with the same results, during reindexing
	var wg sync.WaitGroup
	var searches, failures atomic.Int64
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := idx.Search(ctx, search.Query{Q: "枸杞"})
				searches.Add(1)
				if err != nil || len(r.Hits) == 0 || r.Hits[0].ID != ps[0].Base().ID {
					failures.Add(1)
				}
				ss, err := idx.Suggest(ctx, "红枸", nil)
				if err != nil || len(ss) != 1 || ss[0].ID != ps[0].Base().ID {
					failures.Add(1)
				}
			}
		}()
	}
	for range 3 {
		if err := sy.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || searches.Load() == 0 {
		t.Errorf("%d of %d searches failed during reindex", failures.Load(), searches.Load())
	}
	if n, _ := idx.DocCount(); n != uint64(len(ps)) {
		t.Errorf("%d docs after reindex", n)
	}
	ents, _ := os.ReadDir(dir)
	gens := 0
	for _, e := range ents {
		if e.IsDir() {
			gens++
		}
	}
	if gens != 1 {
		t.Errorf("%d generations left, want 1", gens)
	}
}

func TestRebuildIsAdoptedByRunningSyncer(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ps := storeFixtures(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "search.bleve")
	idx, err := search.Open(dir, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	sy := search.NewSyncer(idx, db, search.SyncOptions{Interval: 20 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- sy.Run(ctx) }()

	// what `makerlink reindex` does, in another process
	n, err := search.Rebuild(ctx, dir, db, search.Options{})
	if err != nil || n != len(ps) {
		t.Fatalf("Rebuild = %d, %v", n, err)
	}
	want, _ := os.ReadFile(filepath.Join(dir, "CURRENT"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, _ := os.ReadDir(dir)
		dirs := 0
		for _, e := range ents {
			if e.IsDir() {
				dirs++
			}
		}
		if dirs == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("old generation not removed: %v", ents)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(dir, string(want[:len(want)-1]))); err != nil {
		t.Fatalf("adopted generation missing: %v", err)
	}
	if got := hitIDs(t, idx, "枸杞"); len(got) == 0 {
		t.Error("no hits after adoption")
	}
	if got := suggestIDs(t, idx, "honggou"); len(got) == 0 {
		t.Error("no suggestions after adoption")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSyncerGaps covers a transaction that takes a sequence number and
// commits after a higher one is visible (a late commit), and one that rolls
// back (a permanent gap).
func TestSyncerGaps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		ctx := context.Background()
		owner := storetest.NewUser(t, db, makerlink.RoleFounder)
		dir := filepath.Join(t.TempDir(), "search.bleve")
		idx, err := search.Open(dir, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		var now atomic.Int64
		now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
		clock := func() time.Time { return time.Unix(0, now.Load()) }
		sy := search.NewSyncer(idx, db, search.SyncOptions{GapWait: 5 * time.Second, Now: clock})
		if err := sy.Init(ctx); err != nil {
			t.Fatal(err)
		}
		create := func(name string) *makerlink.Startup {
			s := storetest.Startup(owner.ID, 2)
			s.Name = name
			if err := db.CreateProfile(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		first := create("甲乙丙公司")
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		base := sy.Position()

		// the late profile is in the table but its change row (base+1) is
		// not visible yet; a later change (base+2) is
		late := storetest.Startup(owner.ID, 3)
		late.Name = "迟到公司"
		if err := db.CreateProfile(ctx, late); err != nil { // takes base+1
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `DELETE FROM profile_changes WHERE seq = $1`, base+1); err != nil {
			t.Fatal(err)
		}
		second := create("丁戊己公司") // base+2
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(t, idx, "丁戊己"); !slices.Contains(got, second.ID) {
			t.Errorf("change after a gap not applied at once: %v", got)
		}
		if got := sy.Position(); got != base {
			t.Errorf("position %d moved past the gap at %d", got, base+1)
		}
		// the transaction commits: its change appears below the head
		now.Add(int64(time.Second))
		if _, err := raw.ExecContext(ctx, `INSERT INTO profile_changes (seq, kind, profile_id, deleted, at) VALUES ($1, 'startup', $2, $3, 0)`,
			base+1, late.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(t, idx, "迟到"); !slices.Contains(got, late.ID) {
			t.Errorf("late commit missed: %v", got)
		}
		if got := sy.Position(); got != base+2 {
			t.Errorf("position %d, want %d", got, base+2)
		}

		// a rolled-back transaction leaves a permanent gap: skipped after GapWait
		if _, err := raw.ExecContext(ctx, `DELETE FROM profile_changes WHERE seq = $1`, base+2); err != nil {
			t.Fatal(err)
		}
		third := create("庚辛壬公司") // base+3
		_ = third
		// make base+3 look like base+4 after a lost base+3: burn a number
		if _, err := raw.ExecContext(ctx, `UPDATE profile_changes SET seq = seq + 1 WHERE seq = $1`, base+3); err != nil {
			t.Fatal(err)
		}
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := sy.Position(); got != base+2 {
			t.Errorf("position %d, want %d while the gap is young", got, base+2)
		}
		now.Add(int64(6 * time.Second))
		if _, err := sy.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got := sy.Position(); got != base+4 {
			t.Errorf("position %d, want %d after the gap aged", got, base+4)
		}
		if got := hitIDs(t, idx, "甲乙丙"); !slices.Contains(got, first.ID) {
			t.Errorf("first profile lost: %v", got)
		}
	})
}

// TestBuildMatchesOneSegment checks that a full build whose batches are
// analysed concurrently into runs of the segment, or written in parts
// merged at the end when the runs pass the memory bound, gives the index
// a build of one batch gives: the same documents, and the same hits,
// totals, scores and order for the relevance set's queries.
func TestBuildMatchesOneSegment(t *testing.T) {
	ps := seed.Generate(seed.Options{Seed: 1}).Profiles
	one, err := search.BuildBatchesForTest(t.TempDir(), ps, len(ps))
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	many, err := search.BuildBatchesForTest(t.TempDir(), ps, 37) // 14 runs
	if err != nil {
		t.Fatal(err)
	}
	defer many.Close()
	restore := search.SetBuildMemoryForTest(100 << 10) // parts of a few runs
	dir := t.TempDir()
	parts, err := search.BuildBatchesForTest(dir, ps, 37)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	defer parts.Close()
	if _, err := os.Stat(filepath.Join(dir, "gen-1", "parts")); !os.IsNotExist(err) {
		t.Errorf("the parts were left behind (%v)", err)
	}
	for name, idx := range map[string]*search.Index{"one run": one, "many runs": many, "in parts": parts} {
		if n, err := idx.DocCount(); err != nil || n != uint64(len(ps)) {
			t.Fatalf("%s: DocCount = %d, %v; want %d", name, n, err, len(ps))
		}
		if n := search.SegmentCountForTest(idx); n != 1 {
			t.Fatalf("%s: %d segments, want 1", name, n)
		}
	}
	for _, other := range []*search.Index{many, parts} {
		compareSearches(t, one, other)
	}
}

// compareSearches checks that the relevance set's queries give the same
// hits, totals, scores and order on two indexes.
func compareSearches(t *testing.T, one, many *search.Index) {
	t.Helper()
	for _, rq := range relevanceSet {
		q := search.Query{Q: rq.q, Limit: 20}
		want, got := mustSearch(t, one, q), mustSearch(t, many, q)
		if want.Total != got.Total || len(want.Hits) != len(got.Hits) {
			t.Fatalf("%q: %d hits of %d, want %d of %d", rq.q, len(got.Hits), got.Total, len(want.Hits), want.Total)
		}
		for i := range want.Hits {
			w, g := want.Hits[i], got.Hits[i]
			if w.Kind != g.Kind || w.ID != g.ID || w.Score != g.Score {
				t.Errorf("%q: hit %d = %s/%s %v, want %s/%s %v", rq.q, i, g.Kind, g.ID, g.Score, w.Kind, w.ID, w.Score)
			}
		}
	}
}

// TestBuiltSuggestionsMatchStored: a full build makes its suggestions
// while it writes the segment instead of reading them back from the
// index; they are those read back, for every viewer.
func TestBuiltSuggestionsMatchStored(t *testing.T) {
	ps := seed.Generate(seed.Options{Seed: 1}).Profiles
	idx, err := search.BuildBatchesForTest(t.TempDir(), ps, 37)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	viewers := []*makerlink.User{nil, {ID: ps[0].Base().OwnerID, Roles: []makerlink.Role{makerlink.RoleFounder}}, {ID: "inv", Roles: []makerlink.Role{makerlink.RoleInvestor}}}
	prefixes := []string{"宁", "银川", "ning", "nx", "a", "s", "创", "x", "智能"}
	suggest := func() []string {
		var out []string
		for _, v := range viewers {
			for _, p := range prefixes {
				got, err := idx.Suggest(context.Background(), p, v)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprint(p, got))
			}
		}
		return out
	}
	built := suggest()
	if _, _, err := search.ReloadSuggestionsForTest(idx); err != nil {
		t.Fatal(err)
	}
	if stored := suggest(); !slices.Equal(built, stored) {
		t.Errorf("suggestions after the build differ from those read back:\n%v\n%v", built, stored)
	}
}
