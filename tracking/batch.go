package tracking

import (
	"slices"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
)

// A find that cannot repeat a key (one table, one row per key) adds its
// rows with AddLoadedLater and indexes them all at once with IndexPending.
// Until then the entries are neither in the key index nor in the list of
// entries: they are found in the chunks newEntry handed them out from,
// by their unindexed flag. IndexPending then grows the list and the maps
// once, to their final size, instead of by appending row by row (which
// allocates and copies the list about four times over). A find that has
// ended may leave that to the first call that needs the index
// (DeferIndex).

// AddLoadedLater is AddLoaded for a batch of rows that cannot repeat a key:
// the entry is indexed by IndexPending, which sizes the maps once for the
// whole batch. Until then Lookup, Entry and Entries do not see it (after
// DeferIndex they index it first).
func (t *Tracker) AddLoadedLater(e *meta.Entity, obj unsafe.Pointer, k Key, paired bool) (*Entry, error) {
	en, err := t.loaded(e, obj, k, paired)
	if err != nil {
		return nil, err
	}
	en.unindexed = true
	// en is t.chunk[t.used-1]: note its chunk, from en on, unless the
	// chunk is noted already.
	if n := len(t.pending); n == 0 || !inChunk(t.pending[n-1], en) {
		t.pending = append(t.pending, t.chunk[t.used-1:])
	}
	t.live++
	t.nPending++
	return en, nil
}

// inChunk reports whether en is an element of c.
func inChunk(c []Entry, en *Entry) bool {
	if len(c) == 0 {
		return false
	}
	first := uintptr(unsafe.Pointer(&c[0]))
	p := uintptr(unsafe.Pointer(en))
	return p >= first && p < first+uintptr(len(c))*unsafe.Sizeof(Entry{})
}

// DeferIndex is IndexPending for a find that has ended: its entries are
// listed and indexed by the first call that needs them, not now. Entries,
// a flush's plan and an entity added list them (settleList); Lookup,
// Entry, Detach, SetKey and Pending index them by key too (settleMap). A
// unit of work that loads rows and never looks one up by key (a request
// that reads a list and shows it, or changes a few of the rows and
// flushes) never builds their key index.
func (t *Tracker) DeferIndex() {
	if t.nPending > 0 {
		t.deferred = true
	}
}

// settleList lists the entries of the finds that have ended (see
// DeferIndex), without indexing them by key.
func (t *Tracker) settleList() {
	if t.deferred {
		t.listPending()
	}
}

// settleMap lists and indexes the entries of the finds that have ended.
func (t *Tracker) settleMap() {
	if t.deferred {
		t.listPending()
	}
	if t.unmapped.to > t.unmapped.from {
		t.mapListed(nil)
	}
}

// PendingObjs appends to dst the objects of the last n entries added by
// AddLoadedLater that IndexPending has not indexed yet, in the order they
// were added (n ≤ the number of such entries). A find takes its list of
// results from them instead of collecting each object as it comes.
func (t *Tracker) PendingObjs(dst []unsafe.Pointer, n int) []unsafe.Pointer {
	skip := t.nPending - n
	for _, c := range t.pending {
		for i := range c {
			if en := &c[i]; en.unindexed {
				if skip > 0 {
					skip--
					continue
				}
				dst = append(dst, en.Obj)
			}
		}
	}
	return dst
}

// IndexPending indexes the entries added by AddLoadedLater and appends
// them to the list of entries, in the order they were added.
func (t *Tracker) IndexPending() {
	t.listPending()
	if t.unmapped.to > t.unmapped.from {
		t.mapListed(nil)
	}
}

// listPending appends the entries added by AddLoadedLater to the list of
// entries, in the order they were added; mapListed indexes them.
func (t *Tracker) listPending() {
	t.deferred = false
	if t.nPending == 0 {
		return
	}
	from := len(t.entries)
	t.entries = slices.Grow(t.entries, t.nPending)
	for _, c := range t.pending {
		for i := range c {
			if en := &c[i]; en.unindexed {
				en.unindexed = false
				en.idx = int32(len(t.entries))
				t.entries = append(t.entries, en)
			}
		}
	}
	clear(t.pending)
	t.pending, t.nPending = t.pending[:0], 0
	if u := &t.unmapped; u.to > u.from && int(u.to) != from {
		// One range at a time: index the one before.
		t.mapListed(nil)
	}
	if u := &t.unmapped; u.to > u.from {
		u.to = int32(len(t.entries))
	} else {
		*u = listed{int32(from), int32(len(t.entries))}
	}
}

// listed is a range of Tracker.entries not in the key index yet.
type listed struct{ from, to int32 }

// mapListed puts the entries listed by listPending into the key index.
// (The range stays valid: entries move only in compact, after Detach
// settled them.) The tables are made large enough for the rows of more
// too, which the caller indexes next.
func (t *Tracker) mapListed(more []*InsertBatch) {
	// Count per entity (a find returns one type, populate a few).
	type count struct {
		e *meta.Entity
		k Key // of the first entry: its kind (integer or not)
		n int
	}
	var counts []count
	r := t.unmapped
	for _, en := range t.entries[r.from:r.to] {
		if en == nil {
			continue
		}
		if k := len(counts); k > 0 && counts[k-1].e == en.E {
			counts[k-1].n++
			continue
		}
		i := slices.IndexFunc(counts, func(c count) bool { return c.e == en.E })
		if i < 0 {
			counts = append(counts, count{en.E, en.Key, 0})
			i = len(counts) - 1
		}
		counts[i].n++
	}
	for _, c := range counts {
		n := c.n
		for _, b := range more {
			if b.Entity == c.e {
				n += len(b.Rows)
			}
		}
		t.index(c.e).reserve(c.k, n)
	}
	t.unmapped = listed{}
	for _, en := range t.entries[r.from:r.to] {
		if en != nil {
			t.index(en.E).put(en.Key, en)
		}
	}
}

// mallocHeader is the header Go's allocator puts before an object that
// holds pointers and is larger than 512 bytes: a chunk of exactly a power
// of two bytes (256 entries of 64 bytes) takes the next size class, an
// eighth more, with it.
const mallocHeader = 8

// entryChunk is the number of entries newEntry allocates together when
// want are tracked: as many, between 8 and what fits in 16 KiB beside
// the allocator's header.
func entryChunk(want int) int {
	n := min(int((16<<10-mallocHeader)/unsafe.Sizeof(Entry{})), max(8, want))
	if sz := n * int(unsafe.Sizeof(Entry{})); sz > 512 && sz&(sz-1) == 0 {
		n-- // a power of two bytes: leave room for the header
	}
	return n
}

// chunkBytes is the most bytes of object/snapshot pairs Alloc allocates
// in one piece: the largest of Go's small size classes, which such a
// chunk fills to within one pair (a fixed count of pairs, 32 say, leaves
// up to a tenth of its size class unused).
const chunkBytes = 32 << 10

// chunkPairs is the number of pairs stride bytes each (an object and its
// snapshot) that Alloc allocates together once a unit of work has loaded
// a few.
func chunkPairs(stride uintptr) int {
	if stride == 0 {
		return 256
	}
	return int(min(256, max(1, (chunkBytes-mallocHeader)/stride)))
}
