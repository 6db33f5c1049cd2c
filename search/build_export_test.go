package search

import (
	"context"
	"path/filepath"

	"makerlink"
)

// BuildForTest builds an index of ps in directory dir the way a full
// build does (offline builder, batches of buildBatch documents built on
// every core while earlier batches are analysed into runs of the
// segment), but from ps instead of a database, and opens it with the
// suggestions the build made.
func BuildForTest(dir string, ps []makerlink.Profile) (*Index, error) {
	return BuildBatchesForTest(dir, ps, buildBatch)
}

// BuildBatchesForTest is [BuildForTest] with segments of batch profiles.
func BuildBatchesForTest(dir string, ps []makerlink.Profile, batch int) (*Index, error) {
	const gen = "gen-1"
	plan := planFor(TextWords)
	_, sug, err := buildFrom(context.Background(), filepath.Join(dir, gen), TextWords, 0, func(ctx context.Context, emit func([]batchOp) bool) error {
		for len(ps) > 0 {
			k := min(batch, len(ps))
			ops := make([]batchOp, k)
			for i, p := range ps[:k] {
				ops[i] = batchOp{id: docID(p.Kind(), p.Base().ID), p: p}
			}
			ps = ps[k:]
			buildDocuments(ops, plan)
			if !emit(ops) {
				return ctx.Err()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := writeCurrent(dir, gen); err != nil {
		return nil, err
	}
	return open(dir, Options{}, gen, sug)
}
