package search

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"

	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/util"
	index "github.com/blevesearch/bleve_index_api"

	"makerlink/search/internal/segbuild"
)

// offlineBuilder writes a new index the way Bleve's offline builder
// (scorch.Builder) does, one segment straight to disk without the
// persister and merger of a live index, but fed with documents the index
// analysed itself and written by segbuild: zap builds a segment slower
// per document the larger it is, so scorch.Builder (and this builder
// before it) wrote many small segments and merged them at the end, on
// one core; segbuild adds every document to one segment at a cost
// proportional to its terms and writes the segment zap would write.
//
// The snapshot file (root.bolt) is written by a scorch.Builder over an
// empty document, whose segment the built one then replaces: the
// snapshot records the segment type and version scorch uses (zapx v17,
// see scorch's segment_plugin.go), so an index whose segment does not
// match fails to open (TestBuildMatchesOneSegment), and a Bleve upgrade
// that moves to another zap version cannot go unnoticed.
//
// The runs are held in memory until the segment is written, about 4 KB
// per profile; past buildMemory, the runs so far are written as a part of
// their own and the parts are merged by zap at the end (on one core, as
// builds did before segbuild).
type offlineBuilder struct {
	path     string // the index directory
	internal map[string][]byte
	schema   *segbuild.Schema

	mu    sync.Mutex
	parts map[int]string // part files by the number of their first run
}

// buildMemory bounds the bytes of runs a full build holds before it
// writes them as a part (a variable for tests).
var buildMemory = 1 << 30

// indexMeta is the index_meta.json of a scorch index, as Bleve writes it.
const indexMeta = `{"storage":"scorch","index_type":"scorch"}`

// newOfflineBuilder starts an index in the new directory path with
// mapping m and the internal values internal.
func newOfflineBuilder(path string, m mapping.IndexMapping, s *segbuild.Schema, internal map[string][]byte) (*offlineBuilder, error) {
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
	return &offlineBuilder{path: path, internal: in, schema: s, parts: map[int]string{}}, nil
}

// schemaOf returns the segment schema of the fields of plan.
func schemaOf(plan fieldPlan) *segbuild.Schema {
	return segbuild.NewSchema(slices.Collect(maps.Keys(plan))...)
}

// run analyses the built documents of ops (every op has a profile) into
// a run of a segment of schema s; runs of different batches may be made
// concurrently.
func run(s *segbuild.Schema, ops []batchOp) (*segbuild.Run, error) {
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
		docs[i] = d
	}
	r, err := segbuild.NewRun(s, docs)
	if err != nil {
		return nil, fmt.Errorf("search: build index: %w", err)
	}
	return r, nil
}

// writePart writes runs, which start with run number first, as a part of
// the index's segment.
func (o *offlineBuilder) writePart(first int, runs []*segbuild.Run) error {
	dir := filepath.Join(o.path, "parts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	path := filepath.Join(dir, strconv.Itoa(first)+".zap")
	if err := writeSegment(o.schema, runs, path); err != nil {
		return err
	}
	o.mu.Lock()
	o.parts[first] = path
	o.mu.Unlock()
	return nil
}

// writeSegment writes runs as one segment file at path.
func writeSegment(s *segbuild.Schema, runs []*segbuild.Run, path string) error {
	b := segbuild.New(s)
	b.OneHit = true // as zap's merge writes segments
	for _, r := range runs {
		if err := b.Add(r); err != nil {
			return fmt.Errorf("search: build index: %w", err)
		}
	}
	if err := b.WriteFile(path); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	return nil
}

// finish writes the runs not written as a part, which start with run
// number first, and the index's snapshot: a scorch.Builder indexes an
// empty document into the index's only segment and writes the snapshot,
// then the built segment (the parts merged, if there are parts) replaces
// that one.
func (o *offlineBuilder) finish(first int, runs []*segbuild.Run) error {
	store := filepath.Join(o.path, "store")
	b, err := scorch.NewBuilder(map[string]interface{}{
		"path":            store,
		"buildPathPrefix": o.path,
		"internal":        o.internal,
	})
	if err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	if err := b.Index(bdoc.NewDocument("")); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	final := filepath.Join(store, "000000000002.zap") // scorch.Builder's name
	if _, err := os.Stat(final); err != nil {
		return fmt.Errorf("search: build index: %w", err)
	}
	tmp := final + ".new"
	if len(o.parts) == 0 {
		err = writeSegment(o.schema, runs, tmp)
	} else {
		if len(runs) > 0 {
			if err := o.writePart(first, runs); err != nil {
				return err
			}
		}
		err = o.mergeParts(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("search: build index: %w", err)
	}
	return nil
}

// mergeParts merges the part files, in the order of their runs, into one
// segment file out, and removes them.
func (o *offlineBuilder) mergeParts(out string) error {
	firsts := slices.Sorted(maps.Keys(o.parts))
	var plugin zap.ZapPlugin
	segs := make([]segment.Segment, 0, len(firsts))
	defer func() {
		for _, s := range segs {
			s.Close()
		}
		os.RemoveAll(filepath.Join(o.path, "parts"))
	}()
	for _, f := range firsts {
		s, err := plugin.Open(o.parts[f])
		if err != nil {
			return fmt.Errorf("search: build index: open part: %w", err)
		}
		segs = append(segs, s)
	}
	if _, _, err := plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), out, nil, nil); err != nil {
		return fmt.Errorf("search: build index: merge parts: %w", err)
	}
	return nil
}
