package search

import (
	"container/list"
	"maps"
	"strconv"
	"strings"
	"sync"

	"makerlink"
)

// cacheSize is the number of results the cache of an [Index] keeps.
const cacheSize = 1024

// resultCache is a small LRU cache of search results. An entry is valid
// only for the index version it was computed at: every change to the live
// index bumps the version (see [Index.invalidate]), so a cached result
// never outlives the data it was computed from.
type resultCache struct {
	mu  sync.Mutex
	max int
	ll  *list.List // front: most recently used
	m   map[string]*list.Element
}

type cacheEntry struct {
	key string
	ver uint64
	res *Result
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, ll: list.New(), m: map[string]*list.Element{}}
}

// get returns a copy of the result cached under key at version ver.
func (c *resultCache) get(key string, ver uint64) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	ent := e.Value.(*cacheEntry)
	if ent.ver != ver {
		c.ll.Remove(e)
		delete(c.m, key)
		return nil, false
	}
	c.ll.MoveToFront(e)
	return copyResult(ent.res), true
}

// put caches a copy of res under key at version ver.
func (c *resultCache) put(key string, ver uint64, res *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		ent := e.Value.(*cacheEntry)
		if ver < ent.ver {
			return
		}
		ent.ver, ent.res = ver, copyResult(res)
		c.ll.MoveToFront(e)
		return
	}
	c.m[key] = c.ll.PushFront(&cacheEntry{key: key, ver: ver, res: copyResult(res)})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.m, last.Value.(*cacheEntry).key)
	}
}

// clear drops every entry.
func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	clear(c.m)
}

// copyResult copies a result deeply enough that a caller changing it does
// not change the cache.
func copyResult(r *Result) *Result {
	out := &Result{Total: r.Total, Hits: append([]Hit(nil), r.Hits...), Facets: make(map[string]map[string]int, len(r.Facets))}
	if out.Hits == nil {
		out.Hits = []Hit{}
	}
	for k, v := range r.Facets {
		out.Facets[k] = maps.Clone(v)
	}
	return out
}

// writeViewerClass writes what viewer may see to b: anonymous viewers
// share one class, viewers who see everything another, and any other
// signed-in viewer has a class of its own (their own investors-only
// startups are visible to them).
func writeViewerClass(b *strings.Builder, viewer *makerlink.User) {
	switch {
	case makerlink.SeesHidden(viewer):
		b.WriteString("all")
	case viewer == nil || viewer.ID == "":
		b.WriteString("anon")
	default:
		b.WriteString("u:")
		b.WriteString(viewer.ID)
	}
}

// cacheKey identifies a normalised query together with what the viewer
// may see: anonymous viewers share one class, viewers who see everything
// another, and any other signed-in viewer has a class of its own (their
// own investors-only startups are visible to them).
func cacheKey(n *normalized, viewer *makerlink.User) string {
	var b strings.Builder
	writeViewerClass(&b, viewer)
	b.WriteByte(0)
	b.WriteString(n.q)
	for _, l := range [][]string{n.kinds, n.sectors, n.stages, n.cities, n.facets} {
		b.WriteByte(0)
		b.WriteString(strings.Join(l, "\x01"))
	}
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(n.offset))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(n.limit))
	return b.String()
}
