package search_test

import (
	"context"
	"testing"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
)

// churnedIndex indexes the demo profiles in batches of 40, then deletes
// every seventh and re-indexes others, so the index has many segments
// holding deleted and updated documents. It returns the index and three
// viewers who see different documents: anonymous, an investor, and the
// owner of a demo startup.
func churnedIndex(t *testing.T) (*search.Index, map[string]*makerlink.User) {
	t.Helper()
	ps := seed.Generate(seed.Options{Seed: 1}).Profiles
	idx, err := search.Open(t.TempDir(), search.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for i, p := range ps {
		if err := b.Put(p); err != nil {
			t.Fatal(err)
		}
		if b.Len() >= 40 || i == len(ps)-1 {
			if err := b.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// updates and deletes leave deleted documents in old segments
	for i, p := range ps {
		switch i % 7 {
		case 0:
			if err := idx.Delete(p.Kind(), p.Base().ID); err != nil {
				t.Fatal(err)
			}
		case 3:
			if err := idx.Index(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := search.SegmentCountForTest(idx); n >= 0 && n < 2 {
		t.Logf("only %d segment(s): the test is weaker", n)
	}
	viewers := map[string]*makerlink.User{
		"anonymous": nil,
		"investor":  {ID: "u-inv", Roles: []makerlink.Role{makerlink.RoleInvestor}},
		"owner":     {ID: ps[1].Base().OwnerID, Roles: []makerlink.Role{makerlink.RoleFounder}},
	}
	return idx, viewers
}
