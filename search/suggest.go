package search

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
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
// quarter to a third of the CPU of a full build and 14% of the index on
// disk (docs/benchmarks.md, Indexing, round 4). Here a profile costs about
// 17 keys, one sorted 12-byte entry each, and a prefix is a range of them.
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

// sugHidden marks, in the class of a key in a suggester, the keys of a
// profile that is not public (only its owner and investors see it).
const sugHidden uint8 = 0x80

// nameKey is a key a name is suggested under.
type nameKey struct {
	key   string // at most maxPrefix runes
	class uint8
}

// sugKey is a key of a profile in a suggester. Its bytes are in the
// suggester's blob, so that the 1.7 million keys of 100,000 profiles hold
// no pointer for the garbage collector to scan; it also carries what a
// search needs to filter and rank it without reading the profile (a
// random access per key: on 100,000 profiles that was most of the time).
type sugKey struct {
	off   uint32 // the key is blob[off : off+n]
	slot  uint32 // the profile, an index into suggester.docs
	runes uint16 // the profile's name length
	n     uint8
	class uint8 // with sugHidden
}

// keyOf returns the key of k in blob, without copying it (a blob's bytes
// never change).
func keyOf(blob []byte, k sugKey) string {
	return unsafe.String(&blob[k.off], int(k.n))
}

// sugDoc is a profile as suggestions need it.
type sugDoc struct {
	id, title, owner, vis string
	runes                 int // of the name: shorter names first among equals
	nkeys                 int // its keys in the suggester
}

// suggester holds the sorted keys of one index generation.
type suggester struct {
	wmu sync.Mutex // one update at a time

	mu sync.RWMutex // guards the fields below
	// the keys, sorted by key, in two arrays: most of them in keys, those
	// added since keys was last rebuilt in delta, so that an update copies
	// the small array and only now and then the large one; neither is
	// changed in place (readers keep old slices)
	keys, delta []sugKey
	blob        []byte   // the bytes of the keys; only appended to
	memo        *sugMemo // answers for these keys
	docs        []sugDoc // by slot; only appended to (a replaced or deleted profile's slot is dead)
	gone        []uint64 // the dead slots, a bitset; copied by every update
	slot        map[string]uint32
	dead        int // dead slots
	// keys of dead slots still in keys: searches skip them (gone), and an
	// update drops them once they are an eighth of the keys
	deadKeys int
}

// sugCompactMin is the number of dead slots from which an update
// renumbers the live ones (when they are also more than half the slots).
var sugCompactMin = 1024

// An update merges delta into keys when delta has more than sugDeltaMin
// keys and more than a sugDeltaShare-th of those of keys: each key is
// copied a bounded number of times on average, and a live batch at
// 100,000 profiles copies tens of kilobytes instead of 20 MB.
var (
	sugDeltaMin   = 4096
	sugDeltaShare = 16
)

func newSuggester() *suggester {
	return &suggester{slot: map[string]uint32{}, memo: newSugMemo()}
}

// sugMemo remembers the answers to prefixes that matched many keys ("宁",
// "ningx" match a fifth of the names): type-ahead sends the same short
// prefixes over and over. Every update starts a new one.
type sugMemo struct {
	mu sync.Mutex
	m  map[string][]Suggestion
}

// Bounds of a sugMemo: answers that scanned at least sugMemoScan keys are
// kept, at most sugMemoMax of them (then it starts again empty).
var (
	sugMemoScan = 512
	sugMemoMax  = 4096
)

func newSugMemo() *sugMemo { return &sugMemo{m: map[string][]Suggestion{}} }

func (m *sugMemo) get(key string) ([]Suggestion, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.m[key]
	return r, ok
}

func (m *sugMemo) put(key string, r []Suggestion) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= sugMemoMax {
		clear(m.m)
	}
	m.m[key] = r
}

// memoKey identifies a prefix and what the viewer may see, as cacheKey
// does for searches.
func memoKey(prefix string, withPinyin bool, viewer *makerlink.User) string {
	var b strings.Builder
	writeViewerClass(&b, viewer)
	if withPinyin {
		b.WriteString("+py")
	}
	b.WriteByte(0)
	b.WriteString(prefix)
	return b.String()
}

// sugEntry is a profile to add: its document id and what it is suggested
// under.
type sugEntry struct {
	id   string
	doc  sugDoc
	keys []nameKey
}

// newSugDoc returns the suggestion of a profile.
func newSugDoc(id, name, owner, vis string) sugDoc {
	return sugDoc{id: id, title: name, owner: owner, vis: vis, runes: utf8.RuneCountInString(name)}
}

// suggestKeys returns the keys a name is suggested under: the whole name
// without spaces, each word (Latin words and gse words) and each pinyin
// spelling of namePy (full and initials), cut to maxPrefix runes.
func suggestKeys(name string, namePy []string) []nameKey {
	var keys []nameKey
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
		keys = append(keys, nameKey{key: k, class: class})
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
func encodeSugKeys(keys []nameKey) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteByte(k.class)
		b.WriteString(k.key)
		b.WriteByte(0)
	}
	return b.String()
}

// decodeSugKeys decodes what encodeSugKeys made.
func decodeSugKeys(s string) ([]nameKey, error) {
	if len(s) > 0 && s[len(s)-1] != 0 {
		return nil, fmt.Errorf("search: bad suggest keys %q", s)
	}
	keys := make([]nameKey, 0, strings.Count(s, "\x00"))
	for s != "" {
		i := strings.IndexByte(s, 0)
		if i < 1 {
			return nil, fmt.Errorf("search: bad suggest keys %q", s)
		}
		if i > 256 {
			return nil, fmt.Errorf("search: suggest key too long in %q", s)
		}
		keys = append(keys, nameKey{class: s[0], key: s[1:i]})
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
	s.wmu.Lock() // only writers change slot, so reading it needs no mu
	defer s.wmu.Unlock()
	s.mu.RLock()
	main, delta, docs, blob, gone := s.keys, s.delta, s.docs, s.blob, s.gone
	s.mu.RUnlock()

	// New slots and keys (sorted apart, then merged with the old keys).
	// Their bytes and profiles are appended to the blob and the docs, past
	// what readers look at; a killed slot is marked in a copy of gone.
	nk := 0
	for _, op := range ops {
		if op.entry != nil {
			nk += len(op.entry.keys)
		}
	}
	fresh := make([]sugKey, 0, nk)
	newDocs := docs
	slots := map[string]uint32{} // ids this update places or removes
	var killed []uint32
	for _, op := range ops {
		prev, ok := slots[op.id]
		if !ok {
			prev, ok = s.slot[op.id]
		}
		if ok && prev != noSlot {
			killed = append(killed, prev)
		}
		if op.entry == nil {
			slots[op.id] = noSlot
			continue
		}
		slot := uint32(len(newDocs))
		slots[op.id] = slot
		d := op.entry.doc
		d.nkeys = len(op.entry.keys)
		newDocs = append(newDocs, d)
		var flag uint8
		if d.vis != makerlink.VisibilityPublic {
			flag = sugHidden
		}
		for _, k := range op.entry.keys {
			fresh = append(fresh, sugKey{off: uint32(len(blob)), n: uint8(len(k.key)), slot: slot, runes: uint16(min(d.runes, 1<<16-1)), class: k.class | flag})
			blob = append(blob, k.key...)
		}
	}
	sortKeys(fresh, blob)
	newGone := make([]uint64, (len(newDocs)+63)/64)
	copy(newGone, gone)
	deadKeys := s.deadKeys
	for _, sl := range killed {
		newGone[sl/64] |= 1 << (sl % 64)
		deadKeys += newDocs[sl].nkeys
	}
	delta = mergeKeys(delta, fresh, blob)
	fold := func() {
		switch {
		case len(main) == 0:
			main, delta = delta, nil
		case len(delta) > 0:
			main, delta = mergeKeys(main, delta, blob), nil
		}
	}
	if len(delta) > sugDeltaMin && len(delta) > len(main)/sugDeltaShare {
		fold()
	}
	dead := s.dead + len(killed)
	var renum []uint32
	switch {
	case dead > sugCompactMin && dead > len(newDocs)/2:
		fold()
		newDocs, main, blob, renum = compactSlots(newDocs, main, blob, newGone)
		newGone = make([]uint64, (len(newDocs)+63)/64)
		dead, deadKeys = 0, 0
	case deadKeys > (len(main)+len(delta))/8:
		fold()
		live := make([]sugKey, 0, len(main))
		for _, k := range main {
			if !isGone(newGone, k.slot) {
				live = append(live, k)
			}
		}
		main, deadKeys = live, 0
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.delta, s.docs, s.blob, s.gone, s.memo = main, delta, newDocs, blob, newGone, newSugMemo()
	s.dead, s.deadKeys = dead, deadKeys
	for id, sl := range slots {
		if sl == noSlot {
			delete(s.slot, id)
		} else {
			s.slot[id] = sl
		}
	}
	if renum != nil {
		for id, sl := range s.slot {
			s.slot[id] = renum[sl]
		}
	}
}

// isGone reports whether slot is in the bitset gone.
func isGone(gone []uint64, slot uint32) bool { return gone[slot/64]&(1<<(slot%64)) != 0 }

// noSlot marks, in update, an id removed.
const noSlot = ^uint32(0)

// sugOp is an update of a suggester: a profile to add or replace (entry),
// or to remove (entry nil).
type sugOp struct {
	id    string
	entry *sugEntry
}

// compactSlots returns the docs not in gone, renumbered, their keys in a
// new blob, and the new number of every old slot.
func compactSlots(docs []sugDoc, keys []sugKey, blob []byte, gone []uint64) ([]sugDoc, []sugKey, []byte, []uint32) {
	renum := make([]uint32, len(docs))
	live := make([]sugDoc, 0, len(docs)/2)
	for i, d := range docs {
		if !isGone(gone, uint32(i)) {
			renum[i] = uint32(len(live))
			live = append(live, d)
		}
	}
	out := make([]sugKey, 0, len(keys))
	nb := make([]byte, 0, len(blob)/2)
	for _, k := range keys {
		if isGone(gone, k.slot) {
			continue
		}
		off := uint32(len(nb))
		nb = append(nb, keyOf(blob, k)...)
		k.slot, k.off = renum[k.slot], off
		out = append(out, k)
	}
	return live, out, nb, renum
}

// sortKeys sorts keys by key; large lists in two halves on two cores,
// then merged.
func sortKeys(ks []sugKey, blob []byte) {
	byKey := func(a, b sugKey) int { return strings.Compare(keyOf(blob, a), keyOf(blob, b)) }
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
	merged := mergeKeys(a, b, blob)
	copy(ks, merged)
}

// mergeKeys merges two sorted key lists into a new one. b is usually a
// handful of keys and a a million: a's runs between b's keys are found by
// binary search and copied whole.
func mergeKeys(a, b []sugKey, blob []byte) []sugKey {
	out := make([]sugKey, 0, len(a)+len(b))
	add := func(run []sugKey) { out = append(out, run...) }
	i := 0
	if len(b) > len(a)/16 { // comparable sizes: one pass over both
		j := 0
		for i < len(a) || j < len(b) {
			if j == len(b) || (i < len(a) && keyOf(blob, a[i]) <= keyOf(blob, b[j])) {
				add(a[i : i+1])
				i++
			} else {
				add(b[j : j+1])
				j++
			}
		}
		return out
	}
	for j, k := range b {
		key := keyOf(blob, k)
		// the first of a[i:] after key (equal keys of a go first)
		n := sort.Search(len(a)-i, func(x int) bool { return keyOf(blob, a[i+x]) > key })
		add(a[i : i+n])
		i += n
		add(b[j : j+1])
	}
	add(a[i:])
	return out
}

// sugScratch is the per-slot class marks of one suggest call.
type sugScratch struct {
	mark    []uint8
	touched []uint32
	runes   []uint16 // of the touched slots
}

var sugScratchPool = sync.Pool{New: func() any { return &sugScratch{} }}

// suggest returns up to limit profiles that viewer may see with a key
// starting with prefix (at most maxPrefix runes); pinyin keys only when
// withPinyin. With memo, answers that took a long scan are remembered
// until the next update.
func (s *suggester) suggest(prefix string, withPinyin bool, viewer *makerlink.User, limit int, memo bool) []Suggestion {
	s.mu.RLock()
	main, delta, docs, blob, gone, m := s.keys, s.delta, s.docs, s.blob, s.gone, s.memo
	s.mu.RUnlock()
	var mk string
	if memo {
		mk = memoKey(prefix, withPinyin, viewer) + "\x00" + strconv.Itoa(limit)
		if r, ok := m.get(mk); ok {
			return slices.Clone(r)
		}
	}
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
	scanned := 0
	for _, keys := range [2][]sugKey{main, delta} {
		lo, _ := slices.BinarySearchFunc(keys, prefix, func(k sugKey, p string) int { return strings.Compare(keyOf(blob, k), p) })
		i := lo
		for ; i < len(keys) && strings.HasPrefix(keyOf(blob, keys[i]), prefix); i++ {
			k := &keys[i]
			class := k.class &^ sugHidden
			if class == sugPinyin && !withPinyin {
				continue
			}
			if k.class&sugHidden != 0 && !hidden && (viewerID == "" || docs[k.slot].owner != viewerID) {
				continue
			}
			if isGone(gone, k.slot) {
				continue
			}
			if sc.mark[k.slot] == 0 {
				sc.touched = append(sc.touched, k.slot)
				sc.runes = append(sc.runes, k.runes)
			}
			sc.mark[k.slot] |= class
		}
		scanned += i - lo
	}
	type hit struct {
		w     int
		runes uint16
		slot  uint32
	}
	better := func(a, b hit) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		if c := cmp.Compare(a.runes, b.runes); c != 0 {
			return c
		}
		return strings.Compare(docs[a.slot].id, docs[b.slot].id)
	}
	top := make([]hit, 0, limit+1)
	for i, slot := range sc.touched {
		h := hit{sugWeight(sc.mark[slot]), sc.runes[i], slot}
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
	sc.touched, sc.runes = sc.touched[:0], sc.runes[:0]
	out := make([]Suggestion, 0, len(top))
	for _, h := range top {
		d := &docs[h.slot]
		k, id := splitDocID(d.id)
		out = append(out, Suggestion{Kind: k, ID: id, Title: d.title})
	}
	if memo && scanned >= sugMemoScan {
		m.put(mk, slices.Clone(out))
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
	n := (len(s.keys)+len(s.delta))*int(unsafe.Sizeof(sugKey{})) + len(s.blob)
	for _, d := range s.docs {
		n += int(unsafe.Sizeof(d)) + len(d.id) + len(d.title) + len(d.owner) + len(d.vis)
	}
	return n + len(s.slot)*48
}
