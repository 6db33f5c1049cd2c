package search

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"makerlink"
	"makerlink/analysis"
)

// Type-ahead suggestions are served from memory, not from the Bleve
// index. A name is suggested under the prefixes of its whole name, of
// each of its words and of its pinyin (full and initials): up to 12
// prefixes each, about 60 terms per profile, most of them found in no
// other profile. As index terms they were a quarter of the postings, a
// third of the CPU of a full build and 17% of the index on disk
// (docs/benchmarks.md, Indexing, round 4). Here a profile costs one
// sorted entry per key, and a prefix is a range of the sorted keys.
//
// The suggester is derived state of its index generation: it is filled
// from the index's stored fields when a generation is opened (so an index
// rebuilt by another process is served the same way) and follows every
// batch applied to the generation.

// Key classes, in the order of their weight: a name whose whole name
// starts with the text ranks above one with only a word or its pinyin
// starting with it (the boosts the suggest fields had: 3, 2 and 1).
const (
	sugWhole uint8 = 1 << iota
	sugWord
	sugPinyin
)

// sugWeight is the weight of a key class; a name matching in several
// classes adds them up.
func sugWeight(classes uint8) int {
	w := 0
	if classes&sugWhole != 0 {
		w += 3
	}
	if classes&sugWord != 0 {
		w += 2
	}
	if classes&sugPinyin != 0 {
		w++
	}
	return w
}

// sugKey is one key of one profile.
type sugKey struct {
	key   string // at most maxPrefix runes
	slot  uint32 // the profile, an index into suggester.docs
	class uint8
}

// sugDoc is a profile as suggestions need it.
type sugDoc struct {
	id, title, owner, vis string
	runes                 int // of the name: shorter names first among equals
	alive                 bool
}

// suggester holds the sorted keys of one index generation.
type suggester struct {
	wmu sync.Mutex // one update at a time

	mu   sync.RWMutex // guards the fields below
	keys []sugKey     // sorted by key; never changed in place (readers keep old slices)
	docs []sugDoc     // by slot; a replaced or deleted profile's slot is dead
	slot map[string]uint32
	dead int // dead slots
}

// sugCompactMin is the number of dead slots from which an update
// renumbers the live ones (when they are also more than half the slots).
var sugCompactMin = 1024

func newSuggester() *suggester { return &suggester{slot: map[string]uint32{}} }

// sugEntry is a profile to add: its document id and what it is suggested
// under.
type sugEntry struct {
	id   string
	doc  sugDoc
	keys []sugKey // slot unset
}

// newSugDoc returns the suggestion of a profile.
func newSugDoc(id, name, owner, vis string) sugDoc {
	return sugDoc{id: id, title: name, owner: owner, vis: vis, runes: utf8.RuneCountInString(name), alive: true}
}

// suggestKeys returns the keys a name is suggested under: the whole name
// without spaces, each word (Latin words and gse words) and each pinyin
// spelling of namePy (full and initials), cut to maxPrefix runes.
func suggestKeys(name string, namePy []string) []sugKey {
	var keys []sugKey
	add := func(k string, class uint8) {
		k = truncateKey(k)
		if k == "" {
			return
		}
		for _, o := range keys {
			if o.key == k && o.class == class {
				return
			}
		}
		keys = append(keys, sugKey{key: k, class: class})
	}
	n := analysis.Normalize(name)
	fs := strings.Fields(n)
	add(strings.Join(fs, ""), sugWhole)
	if len(fs) > 1 {
		for _, f := range fs {
			add(f, sugWord)
		}
	}
	for _, t := range analysis.Tokens(n) {
		add(t, sugWord)
	}
	for _, t := range namePy {
		add(strings.Join(strings.Fields(t), ""), sugPinyin)
	}
	return keys
}

// encodeSugKeys encodes keys for the stored field fSugKeys: per key its
// class byte, the key and a zero byte.
func encodeSugKeys(keys []sugKey) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteByte(k.class)
		b.WriteString(k.key)
		b.WriteByte(0)
	}
	return b.String()
}

// decodeSugKeys decodes what encodeSugKeys made.
func decodeSugKeys(s string) ([]sugKey, error) {
	keys := make([]sugKey, 0, strings.Count(s, "\x00"))
	for s != "" {
		i := strings.IndexByte(s, 0)
		if i < 1 {
			return nil, fmt.Errorf("search: bad suggest keys %q", s)
		}
		keys = append(keys, sugKey{class: s[0], key: s[1:i]})
		s = s[i+1:]
	}
	return keys, nil
}

// truncateKey cuts k to maxPrefix runes (a query is cut the same way).
func truncateKey(k string) string {
	n := 0
	for i := range k {
		if n == maxPrefix {
			return k[:i]
		}
		n++
	}
	return k
}

// update applies ops in order: an op with an entry adds or replaces the
// profile of its id, one without removes it (the last op on an id wins,
// as in a Bleve batch).
func (s *suggester) update(ops []sugOp) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.RLock()
	old, docs := s.keys, s.docs
	s.mu.RUnlock()

	// new slots and keys (sorted apart, then merged with the old keys)
	nk := 0
	for _, op := range ops {
		if op.entry != nil {
			nk += len(op.entry.keys)
		}
	}
	fresh := make([]sugKey, 0, nk)
	newDocs := slices.Grow(slices.Clone(docs), len(ops)) // readers keep theirs
	slots := make([]uint32, len(ops))
	for i, op := range ops {
		if op.entry == nil {
			continue
		}
		slot := uint32(len(newDocs))
		slots[i] = slot
		newDocs = append(newDocs, op.entry.doc)
		for _, k := range op.entry.keys {
			k.slot = slot
			fresh = append(fresh, k)
		}
	}
	sortKeys(fresh)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs = newDocs
	for i, op := range ops {
		if old, ok := s.slot[op.id]; ok {
			s.docs[old].alive = false
			s.dead++
			delete(s.slot, op.id)
		}
		if op.entry != nil {
			s.slot[op.id] = slots[i]
		}
	}
	if s.dead > sugCompactMin && s.dead > len(s.docs)/2 {
		s.keys = s.compact(old, fresh)
		return
	}
	s.keys = mergeKeys(old, fresh, s.docs)
}

// sugOp is an update of a suggester: a profile to add or replace (entry),
// or to remove (entry nil).
type sugOp struct {
	id    string
	entry *sugEntry
}

// compact renumbers the live slots (called with mu held) and returns the
// live keys of a and b, merged.
func (s *suggester) compact(a, b []sugKey) []sugKey {
	renum := make([]uint32, len(s.docs))
	docs := make([]sugDoc, 0, len(s.docs)-s.dead)
	for i, d := range s.docs {
		if d.alive {
			renum[i] = uint32(len(docs))
			s.slot[d.id] = uint32(len(docs))
			docs = append(docs, d)
		}
	}
	keys := mergeKeys(a, b, s.docs)
	for i := range keys {
		keys[i].slot = renum[keys[i].slot]
	}
	s.docs, s.dead = docs, 0
	return keys
}

// sortKeys sorts keys by key; large lists in two halves on two cores,
// then merged.
func sortKeys(ks []sugKey) {
	byKey := func(a, b sugKey) int { return strings.Compare(a.key, b.key) }
	if len(ks) < 1<<16 || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(ks, byKey)
		return
	}
	h := len(ks) / 2
	a, b := ks[:h], ks[h:]
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		slices.SortFunc(a, byKey)
	}()
	slices.SortFunc(b, byKey)
	wg.Wait()
	merged := mergeKeys(a, b, nil)
	copy(ks, merged)
}

// mergeKeys merges two sorted key lists into a new one, without the keys
// of dead slots (of docs, unless nil).
func mergeKeys(a, b []sugKey, docs []sugDoc) []sugKey {
	out := make([]sugKey, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var k sugKey
		if j == len(b) || (i < len(a) && a[i].key <= b[j].key) {
			k = a[i]
			i++
		} else {
			k = b[j]
			j++
		}
		if docs == nil || docs[k.slot].alive {
			out = append(out, k)
		}
	}
	return out
}

// sugScratch is the per-slot class marks of one suggest call.
type sugScratch struct {
	mark    []uint8
	touched []uint32
}

var sugScratchPool = sync.Pool{New: func() any { return &sugScratch{} }}

// suggest returns up to limit profiles that viewer may see with a key
// starting with prefix (at most maxPrefix runes); pinyin keys only when
// withPinyin.
func (s *suggester) suggest(prefix string, withPinyin bool, viewer *makerlink.User, limit int) []Suggestion {
	s.mu.RLock()
	keys, docs := s.keys, s.docs
	s.mu.RUnlock()
	lo, _ := slices.BinarySearchFunc(keys, prefix, func(k sugKey, p string) int { return strings.Compare(k.key, p) })
	sc := sugScratchPool.Get().(*sugScratch)
	defer sugScratchPool.Put(sc)
	if len(sc.mark) < len(docs) {
		sc.mark = make([]uint8, len(docs))
	}
	hidden := makerlink.SeesHidden(viewer)
	viewerID := ""
	if viewer != nil {
		viewerID = viewer.ID
	}
	for i := lo; i < len(keys) && strings.HasPrefix(keys[i].key, prefix); i++ {
		k := keys[i]
		if k.class == sugPinyin && !withPinyin {
			continue
		}
		d := &docs[k.slot]
		if !d.alive {
			continue
		}
		if !hidden && d.vis != makerlink.VisibilityPublic && (viewerID == "" || d.owner != viewerID) {
			continue
		}
		if sc.mark[k.slot] == 0 {
			sc.touched = append(sc.touched, k.slot)
		}
		sc.mark[k.slot] |= k.class
	}
	type hit struct {
		w    int
		slot uint32
	}
	better := func(a, b hit) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		da, db := &docs[a.slot], &docs[b.slot]
		if c := cmp.Compare(da.runes, db.runes); c != 0 {
			return c
		}
		return strings.Compare(da.id, db.id)
	}
	top := make([]hit, 0, limit+1)
	for _, slot := range sc.touched {
		h := hit{sugWeight(sc.mark[slot]), slot}
		sc.mark[slot] = 0
		if len(top) == limit && better(h, top[limit-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, h, better)
		top = slices.Insert(top, at, h)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	sc.touched = sc.touched[:0]
	out := make([]Suggestion, 0, len(top))
	for _, h := range top {
		d := &docs[h.slot]
		k, id := splitDocID(d.id)
		out = append(out, Suggestion{Kind: k, ID: id, Title: d.title})
	}
	return out
}

// len returns the number of live profiles.
func (s *suggester) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.slot)
}

// loadSuggester fills a suggester from the stored fields of every
// document of bi (the keys computed on every core).
func loadSuggester(bi bleve.Index) (*suggester, error) {
	s := newSuggester()
	adv, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: load suggestions: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: load suggestions: %w", err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: load suggestions: %T is not a scorch index", r)
	}
	var ops []sugOp
	for _, ss := range snap.Segments() {
		seg, del := ss.Segment(), ss.Deleted()
		for n := uint64(0); n < seg.Count(); n++ {
			if del != nil && del.Contains(uint32(n)) {
				continue
			}
			var id, title, owner, vis, keys string
			err := seg.VisitStoredFields(n, func(field string, _ byte, value []byte, _ []uint64) bool {
				switch field {
				case "_id":
					id = string(value)
				case fTitle:
					title = string(value)
				case fOwner:
					owner = string(value)
				case fVis:
					vis = string(value)
				case fSugKeys:
					keys = string(value)
				}
				return true
			})
			if err != nil {
				return nil, fmt.Errorf("search: load suggestions: %w", err)
			}
			e := &sugEntry{id: id, doc: newSugDoc(id, title, owner, vis)}
			if e.keys, err = decodeSugKeys(keys); err != nil {
				return nil, fmt.Errorf("search: load suggestions of %s: %w", id, err)
			}
			ops = append(ops, sugOp{id, e})
		}
	}
	s.update(ops)
	return s, nil
}

// bytes returns the approximate memory of the suggester.
func (s *suggester) bytes() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.keys) * int(unsafe.Sizeof(sugKey{}))
	for _, k := range s.keys {
		n += len(k.key)
	}
	for _, d := range s.docs {
		n += int(unsafe.Sizeof(d)) + len(d.id) + len(d.title) + len(d.owner) + len(d.vis)
	}
	return n + len(s.slot)*48
}
