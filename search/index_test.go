package search_test

import (
	"context"
	"testing"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
)

// TestLargeBatches checks the path of large batches (documents built on
// every core, applied as concurrent parts): every update lands, the last
// update of a profile in a batch wins, and the feed position is recorded.
func TestLargeBatches(t *testing.T) {
	ps := seed.Generate(seed.Options{Seed: 1}).Profiles
	if len(ps) < 400 {
		t.Fatalf("only %d demo profiles", len(ps))
	}
	idx, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx := context.Background()
	b := idx.NewBatch()
	for _, p := range ps {
		if err := b.Put(p); err != nil {
			t.Fatal(err)
		}
	}
	b.SetSeq(7)
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(ps)) {
		t.Fatalf("DocCount = %d, %v; want %d", n, err, len(ps))
	}
	// second batch: delete 0-99, then put 0-49 back (present at the end);
	// put 100-149 again, then delete them (gone); put 150-399 unchanged
	for _, p := range ps[:100] {
		b.Delete(p.Kind(), p.Base().ID)
	}
	for _, p := range ps[:50] {
		b.Put(p)
	}
	for _, p := range ps[100:150] {
		b.Put(p)
		b.Delete(p.Kind(), p.Base().ID)
	}
	for _, p := range ps[150:400] {
		b.Put(p)
	}
	b.SetSeq(42)
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(ps)-100) {
		t.Errorf("DocCount = %d, %v; want %d", n, err, len(ps)-100)
	}
	if seq, err := idx.Seq(); err != nil || seq != 42 {
		t.Errorf("Seq = %d, %v; want 42", seq, err)
	}
	admin := &makerlink.User{ID: "admin", Roles: []makerlink.Role{makerlink.RoleAdmin}}
	for i, want := range map[int]bool{10: true, 60: false, 120: false, 200: true} {
		p := ps[i]
		r, err := idx.Search(ctx, search.Query{Q: p.Tags().Name, Limit: 100, Viewer: admin})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range r.Hits {
			found = found || (h.Kind == p.Kind() && h.ID == p.Base().ID)
		}
		if found != want {
			t.Errorf("profile %d (%s): found %v, want %v", i, p.Tags().Name, found, want)
		}
	}
}
