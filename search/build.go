package search

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/util"
)

// offlineBuilder writes a new index with Bleve's offline builder: what
// bleve.NewBuilder does, but fed with documents the index analysed itself
// (bleve.NewBuilder maps Go values with reflection and analyses every
// field on the builder's single goroutine).
type offlineBuilder struct {
	b *scorch.Builder
}

// builderMergeMax is the number of segments the builder merges at once:
// all of them for up to 64 x buildBatch profiles (each document is
// merged once).
const builderMergeMax = 64

// indexMeta is the index_meta.json of a scorch index, as Bleve writes it.
const indexMeta = `{"storage":"scorch","index_type":"scorch"}`

// newOfflineBuilder starts an index in the new directory path with
// mapping m and the internal values internal.
func newOfflineBuilder(path string, m mapping.IndexMapping, internal map[string][]byte) (*offlineBuilder, error) {
	mb, err := util.MarshalJSON(m)
	if err != nil {
		return nil, fmt.Errorf("search: build index: encode mapping: %w", err)
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("search: build index: %w", err)
	}
	if err := os.WriteFile(filepath.Join(path, "index_meta.json"), []byte(indexMeta), 0o644); err != nil {
		return nil, fmt.Errorf("search: build index: %w", err)
	}
	in := maps.Clone(internal)
	in[string(util.MappingInternalKey)] = mb
	b, err := scorch.NewBuilder(map[string]interface{}{
		"path":            filepath.Join(path, "store"),
		"buildPathPrefix": path, // segments in the making on the same file system
		"batchSize":       buildBatch,
		"mergeMax":        builderMergeMax,
		"internal":        in,
	})
	if err != nil {
		return nil, fmt.Errorf("search: build index: %w", err)
	}
	return &offlineBuilder{b: b}, nil
}

// add adds the built documents of ops (every op has a profile).
func (o *offlineBuilder) add(ops []batchOp) error {
	for i := range ops {
		if err := o.b.Index(ops[i].doc); err != nil {
			return fmt.Errorf("search: build index: %s: %w", ops[i].id, err)
		}
	}
	return nil
}

// finish writes the last segment, merges the segments into one and
// writes the index's snapshot.
func (o *offlineBuilder) finish() error {
	if err := o.b.Close(); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	return nil
}
