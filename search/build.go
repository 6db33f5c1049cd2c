package search

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/util"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// offlineBuilder writes a new index the way Bleve's offline builder
// (scorch.Builder) does, segments straight to disk and one merge at the
// end, but fed with documents the index analysed itself and with the
// segments built concurrently: scorch.Builder builds its segments one
// after the other under a lock, which left a core idle for much of a
// build. add may be called from several goroutines.
//
// The segments are zap segments of the version scorch writes by default
// (zapx v17, see scorch's segment_plugin.go); the snapshot file
// (root.bolt) is written by a scorch.Builder, which records the segment
// type and version it uses: an index whose segment does not match fails to
// open (TestBuildMatchesOneSegment), so a Bleve upgrade that moves to another
// zap version cannot go unnoticed.
type offlineBuilder struct {
	path     string // the index directory
	tmp      string // segments in the making, on the same file system
	mapping  []byte
	internal map[string][]byte
	plugin   zap.ZapPlugin

	mu    sync.Mutex
	segs  map[int]string // segment file by the number of its batch
	first *batchOp       // the document the snapshot's builder indexes
}

// builderMergeMax is the number of segments merged at once: all of them
// for up to 128 x buildBatch profiles (each document is merged once).
const builderMergeMax = 128

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
	tmp, err := os.MkdirTemp(path, "segments")
	if err != nil {
		return nil, fmt.Errorf("search: build index: %w", err)
	}
	in := maps.Clone(internal)
	in[string(util.MappingInternalKey)] = mb
	return &offlineBuilder{path: path, tmp: tmp, mapping: mb, internal: in, segs: map[int]string{}}, nil
}

// add writes the built documents of ops (every op has a profile), batch
// number seq of the build, as one segment. The first document of batch 0
// is kept for the snapshot's builder (see finish).
func (o *offlineBuilder) add(seq int, ops []batchOp) error {
	if seq == 0 && len(ops) > 0 {
		o.mu.Lock()
		o.first = &ops[0]
		o.mu.Unlock()
		ops = ops[1:]
	}
	if len(ops) == 0 {
		return nil
	}
	docs := make([]index.Document, len(ops))
	for i := range ops {
		d := ops[i].doc
		d.AddIDField()
		// what scorch.Builder does to a document before building its
		// segment; the pre-analysed fields have nothing left to do
		d.VisitFields(func(f index.Field) {
			if f.Options().IsIndexed() {
				f.Analyze()
			}
		})
		if d.HasComposite() {
			return fmt.Errorf("search: build index: %s: composite fields are not supported", ops[i].id)
		}
		docs[i] = d
	}
	seg, _, err := o.plugin.New(docs)
	if err != nil {
		return fmt.Errorf("search: build index: segment %d: %w", seq, err)
	}
	defer seg.Close()
	us, ok := seg.(segment.UnpersistedSegment)
	if !ok {
		return fmt.Errorf("search: build index: segment %d: %T cannot be persisted", seq, seg)
	}
	path := filepath.Join(o.tmp, strconv.Itoa(seq)+".zap")
	if err := us.Persist(path); err != nil {
		return fmt.Errorf("search: build index: segment %d: %w", seq, err)
	}
	o.mu.Lock()
	o.segs[seq] = path
	o.mu.Unlock()
	return nil
}

// finish merges the segments into one and writes the index's snapshot:
// a scorch.Builder indexes the document kept by add into the index's
// only segment and writes the snapshot, then the merge of that segment
// and all the others replaces it.
func (o *offlineBuilder) finish() error {
	if o.first == nil {
		return fmt.Errorf("search: build index: no document")
	}
	store := filepath.Join(o.path, "store")
	b, err := scorch.NewBuilder(map[string]interface{}{
		"path":            store,
		"buildPathPrefix": o.path,
		"internal":        o.internal,
	})
	if err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	if err := b.Index(o.first.doc); err != nil {
		return fmt.Errorf("search: build index: %s: %w", o.first.id, err)
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	final := filepath.Join(store, "000000000002.zap") // scorch.Builder's name
	if _, err := os.Stat(final); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	seqs := make([]int, 0, len(o.segs))
	for s := range o.segs {
		seqs = append(seqs, s)
	}
	sort.Ints(seqs)
	paths := []string{final} // the first document stays first
	for _, s := range seqs {
		paths = append(paths, o.segs[s])
	}
	for n := 0; len(paths) > 1; n++ {
		k := min(builderMergeMax, len(paths))
		merged := filepath.Join(o.tmp, "merged-"+strconv.Itoa(n)+".zap")
		if err := o.merge(paths[:k], merged); err != nil {
			return err
		}
		paths = append([]string{merged}, paths[k:]...)
	}
	if paths[0] != final {
		if err := os.Rename(paths[0], final); err != nil {
			return fmt.Errorf("search: build index: %w", err)
		}
	}
	if err := os.RemoveAll(o.tmp); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	return nil
}

// merge merges the segment files paths into a new file out and removes
// them.
func (o *offlineBuilder) merge(paths []string, out string) error {
	segs := make([]segment.Segment, 0, len(paths))
	defer func() {
		for _, s := range segs {
			s.Close()
		}
	}()
	for _, p := range paths {
		s, err := o.plugin.Open(p)
		if err != nil {
			return fmt.Errorf("search: build index: open segment: %w", err)
		}
		segs = append(segs, s)
	}
	if _, _, err := o.plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), out, nil, nil); err != nil {
		return fmt.Errorf("search: build index: merge: %w", err)
	}
	for _, s := range segs {
		s.Close()
	}
	segs = nil
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("search: build index: %w", err)
		}
	}
	return nil
}
