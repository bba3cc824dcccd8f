package tracking

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
)

// State is the lifecycle state of a tracked entity.
type State uint8

// Entity states.
const (
	// StateNew: persisted, not inserted yet.
	StateNew State = iota + 1
	// StateManaged: loaded or flushed; has a snapshot.
	StateManaged
	// StateRef: a reference that holds only its primary key (not loaded).
	StateRef
	// StateRemoved: managed and marked for deletion.
	StateRemoved
)

// Entry is the tracking record of one object.
type Entry struct {
	E   *meta.Entity
	Obj unsafe.Pointer
	// Snap is the snapshot (an object of the same type) of a managed
	// entity; nil for new entities and references.
	Snap unsafe.Pointer
	// (The encodings of JSON columns as of the snapshot are kept in
	// the snapshot's memory, after the object: see layout.box.)
	Key   Key
	State State
	// HasKey reports whether Key is known (false for new entities whose
	// key the database generates).
	HasKey bool
	// paired: Snap lives right after Obj in one [2]T allocation.
	paired bool
	// unindexed: added by AddLoadedLater, not in the key index yet.
	unindexed bool
	idx       int32
}

// index maps the keys of one entity's rows to their entries; integer keys
// take a table of their own (intTable). The first row sits in one (key
// oneK) until a second comes: a unit of work that touches one row of a
// type makes no table.
type index struct {
	one  *Entry
	oneK Key
	ints intTable
	strs map[string]*Entry
}

func (x *index) get(k Key) (*Entry, bool) {
	if x.one != nil {
		if x.oneK == k {
			return x.one, true
		}
		return nil, false
	}
	if k.S == "" {
		return x.ints.get(k.I)
	}
	en, ok := x.strs[k.S]
	return en, ok
}

// any reports whether fn answers true (or an error) for an indexed
// entry, stopping at the first that does.
func (x *index) any(fn func(*Entry) (bool, error)) (bool, error) {
	if x.one != nil {
		return fn(x.one)
	}
	if hit, err := x.ints.any(fn); hit || err != nil {
		return hit, err
	}
	for _, en := range x.strs {
		if hit, err := fn(en); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
}

// spill moves the entry in one to the tables.
func (x *index) spill() {
	if x.one != nil {
		en, k := x.one, x.oneK
		x.one, x.oneK = nil, Key{}
		x.putMap(k, en)
	}
}

func (x *index) put(k Key, en *Entry) {
	if k.S == "" && x.ints.n > 0 {
		x.ints.put(k.I, en) // (one is empty once the table holds a key)
		return
	}
	if x.ints.n == 0 && x.strs == nil && (x.one == nil || x.oneK == k) {
		x.one, x.oneK = en, k
		return
	}
	x.spill()
	x.putMap(k, en)
}

// reserve makes room for n more keys of the kind of k, so that a flush
// inserting many rows does not grow the table step by step.
func (x *index) reserve(k Key, n int) {
	if n < 8 {
		return
	}
	if k.S == "" {
		x.ints.reserve(n + 1)
	} else if x.strs == nil || len(x.strs) < n {
		m := make(map[string]*Entry, len(x.strs)+n+1)
		for s, en := range x.strs {
			m[s] = en
		}
		x.strs = m
	}
	x.spill()
}

func (x *index) putMap(k Key, en *Entry) {
	if k.S == "" {
		x.ints.put(k.I, en)
		return
	}
	if x.strs == nil {
		x.strs = make(map[string]*Entry)
	}
	x.strs[k.S] = en
}

func (x *index) del(k Key, en *Entry) {
	if cur, ok := x.get(k); !ok || cur != en {
		return
	}
	if x.one != nil {
		x.one, x.oneK = nil, Key{}
		return
	}
	if k.S == "" {
		x.ints.del(k.I)
	} else {
		delete(x.strs, k.S)
	}
}

// Tracker is the identity map and the set of tracked entities of one
// EntityManager. It is not safe for concurrent use.
type Tracker struct {
	// byObj finds new entries by address (made on first use); until
	// more than len(news) entries need it, they sit in news.
	byObj   *objTable
	news    [2]*Entry
	entries []*Entry
	live    int
	// The per-type state (key index included) of the first entity types
	// seen sits in few, of the others in shapes (made on first use): a
	// small unit of work allocates no map for them.
	few     [4]*shape
	shapes  map[*meta.Entity]*shape
	layouts *Layouts
	chunk   []Entry // entries are handed out from chunk[used:]
	used    int
	// pending are the chunks holding the entries added by AddLoadedLater
	// that IndexPending has not indexed yet (see batch.go); nPending
	// counts those entries.
	pending  [][]Entry
	nPending int
	// deferred: the pending entries belong to finds that have ended
	// (DeferIndex); the first call that looks at the list of entries
	// lists them (settleList), the first that looks at the key index
	// indexes them too (settleMap). unmapped is the range of entries
	// listed but not indexed yet.
	deferred bool
	unmapped listed
	last     *shape // the shape asked for last: rows come in runs of one type
	// marks has a bit per entry of the list, set for the managed entries
	// the last Sweep found unchanged; marksOK says whether they still
	// hold (see sweep.go). moved counts the times the list was compacted
	// or cleared, which moves entries to other indexes.
	marks   []uint64
	marksOK bool
	moved   uint32

	// A small unit of work (a request that saves one entity) takes its
	// first entries, entry list and per-type states from these, with the
	// tracker's own allocation. Each is used once in the tracker's life:
	// after Clear, entries and shapes come from the heap.
	entryBuf  [2]Entry
	entBuf    [2]*Entry
	shapeBuf  [2]shape
	bufUsed   bool  // entryBuf was handed out
	entUsed   bool  // entBuf was handed out
	shapeUsed uint8 // shapeBuf[:shapeUsed] were handed out
}

// NewTracker returns an empty tracker that takes the comparison layouts
// of entity types from l (nil: it builds its own).
func NewTracker(l *Layouts) *Tracker {
	return &Tracker{layouts: l}
}

// InitTracker makes t an empty tracker as NewTracker does, for a caller
// that allocates the Tracker inside a larger object (t must be zero and
// must not move afterwards).
func InitTracker(t *Tracker, l *Layouts) {
	t.layouts = l
}

// find returns the state of entity type e, nil when the tracker has none.
func (t *Tracker) find(e *meta.Entity) *shape {
	if t.last != nil && t.last.e == e {
		return t.last
	}
	for _, s := range t.few {
		if s == nil {
			return nil
		}
		if s.e == e {
			t.last = s
			return s
		}
	}
	if s := t.shapes[e]; s != nil {
		t.last = s
		return s
	}
	return nil
}

// shape returns the state of entity type e, made on first use. (Small
// enough to inline: rows come in runs of one type.)
func (t *Tracker) shape(e *meta.Entity) *shape {
	if s := t.last; s != nil && s.e == e {
		return s
	}
	return t.newShape(e)
}

func (t *Tracker) newShape(e *meta.Entity) *shape {
	if s := t.find(e); s != nil {
		return s
	}
	var s *shape
	if int(t.shapeUsed) < len(t.shapeBuf) {
		s = &t.shapeBuf[t.shapeUsed]
		t.shapeUsed++
		s.layout = t.layouts.of(e)
	} else {
		s = &shape{layout: t.layouts.of(e)}
	}
	if i := slices.Index(t.few[:], nil); i >= 0 {
		t.few[i] = s
	} else {
		if t.shapes == nil {
			t.shapes = map[*meta.Entity]*shape{}
		}
		t.shapes[e] = s
	}
	t.last = s
	return s
}

func (t *Tracker) newEntry() *Entry {
	if t.used == len(t.chunk) {
		if !t.bufUsed {
			t.bufUsed = true
			t.chunk, t.used = t.entryBuf[:], 0
		} else {
			// Chunks grow with the unit of work: small forks stay small.
			t.chunk, t.used = make([]Entry, entryChunk(len(t.entries)+t.nPending)), 0
		}
	}
	// An index, not a reslice: no pointer write per entry.
	en := &t.chunk[t.used]
	t.used++
	return en
}

// Alloc returns a zero object of e whose snapshot shares its allocation;
// backends hydrate rows into such objects. Objects come from chunks of
// up to chunkPairs pairs, one allocation (and one reflect call) per chunk.
func (t *Tracker) Alloc(e *meta.Entity) unsafe.Pointer {
	s := t.shape(e)
	if s.chunk.free == 0 {
		n := min(chunkPairs(s.stride), 1+s.allocated/2)
		if s.allocTyped {
			s.chunk = slots{next: s.typed.AllocPairs(n), free: n}
		} else {
			s.chunk = newSlots(s.pairs, n)
		}
		s.allocated += n
	}
	return s.chunk.take(s.stride)
}

// Typed is what the typed layer knows of an entity type T, so that
// hydration copies snapshots and allocates objects without reflection.
// An implementation is best a zero-size type: making the interface value
// then allocates nothing.
type Typed interface {
	// Copy copies the T at src to dst.
	Copy(dst, src unsafe.Pointer)
	// AllocPairs returns the first of n > 0 new zero [2]T pairs.
	AllocPairs(n int) unsafe.Pointer
}

// SetTyped gives the tracker the typed operations of entity e.
func (t *Tracker) SetTyped(e *meta.Entity, ops Typed) {
	s := t.shape(e)
	s.typed = ops
	s.allocTyped = s.nJSON == 0 // else the pairs hold boxes, not Ts
}

// index returns the key index of e: the entities of an inheritance
// hierarchy share their root's, as they share its key space.
func (t *Tracker) index(e *meta.Entity) *index {
	if e.Inheritance != nil {
		e = e.Inheritance.Root
	}
	return &t.shape(e).idx
}

// Lookup returns the entry of e's row with key k. For an entity of an
// inheritance hierarchy, it is the entry of e or of one of its subtypes
// holding that key.
func (t *Tracker) Lookup(e *meta.Entity, k Key) (*Entry, bool) {
	if t.deferred || t.unmapped.to > t.unmapped.from {
		t.settleMap()
	}
	if e.Inheritance != nil {
		return t.lookupIn(e, k)
	}
	s := t.find(e)
	if s == nil {
		return nil, false
	}
	return s.idx.get(k)
}

// lookupIn is Lookup for an entity of an inheritance hierarchy.
func (t *Tracker) lookupIn(e *meta.Entity, k Key) (*Entry, bool) {
	s := t.find(e.Inheritance.Root)
	if s == nil {
		return nil, false
	}
	en, ok := s.idx.get(k)
	if !ok || en.E != e && !en.E.IsA(e) {
		return nil, false
	}
	return en, true
}

// Entry returns the entry of the object obj of entity e. Objects that were
// new when tracked are found by address; loaded ones by their key (and
// then must be the very object tracked).
func (t *Tracker) Entry(e *meta.Entity, obj unsafe.Pointer) (*Entry, bool) {
	if t.byObj == nil {
		for _, en := range t.news {
			if en != nil && en.Obj == obj {
				return en, true
			}
		}
	} else if en, ok := t.byObj.get(obj); ok {
		return en, true
	}
	k, ok := KeyOf(e, obj)
	if !ok {
		return nil, false
	}
	en, ok := t.Lookup(e, k)
	if !ok || en.Obj != obj {
		return nil, false
	}
	return en, true
}

// add tracks en; only entries that may lack a key (new objects) are found
// by address.
func (t *Tracker) add(en *Entry) {
	t.settleList() // registration order
	en.idx = int32(len(t.entries))
	if t.entries == nil {
		if !t.entUsed {
			t.entUsed = true
			t.entries = t.entBuf[:0]
		} else {
			t.entries = make([]*Entry, 0, 8)
		}
	} else if len(t.entries) == cap(t.entries) && cap(t.entries) < 8 {
		// Out of entBuf: grow as the list would have started.
		t.entries = append(make([]*Entry, 0, 8), t.entries...)
	}
	t.entries = append(t.entries, en)
	if en.State == StateNew {
		t.addByObj(en)
	}
	t.live++
	if en.HasKey {
		t.index(en.E).put(en.Key, en)
	}
}

// addByObj makes en found by its address.
func (t *Tracker) addByObj(en *Entry) {
	if t.byObj == nil {
		for i, o := range t.news {
			if o == nil || o.Obj == en.Obj {
				t.news[i] = en
				return
			}
		}
		t.byObj = &objTable{}
		for i, o := range t.news {
			t.byObj.put(o)
			t.news[i] = nil
		}
	}
	t.byObj.put(en)
}

// AddLoaded registers an object hydrated from the database (allocated by
// Alloc when paired is true) as managed and snapshots it.
func (t *Tracker) AddLoaded(e *meta.Entity, obj unsafe.Pointer, k Key, paired bool) (*Entry, error) {
	en, err := t.loaded(e, obj, k, paired)
	if err != nil {
		return nil, err
	}
	t.add(en)
	return en, nil
}

func (t *Tracker) loaded(e *meta.Entity, obj unsafe.Pointer, k Key, paired bool) (*Entry, error) {
	en := t.newEntry() // zero: set the fields one by one
	s := t.shape(e)
	// Field by field, and the key's string only when there is one: en is
	// zero, and each pointer word written costs a write barrier while
	// the garbage collector marks.
	en.E, en.Obj, en.Key.I, en.HasKey, en.State, en.paired = e, obj, k.I, true, StateManaged, paired
	if k.S != "" {
		en.Key.S = k.S
	}
	if paired {
		en.Snap = pairSnap(obj, s.snapOff)
	}
	if err := s.takeSnapshot(en); err != nil {
		return nil, err
	}
	return en, nil
}

// AddRef registers an unloaded reference object carrying only its key.
func (t *Tracker) AddRef(e *meta.Entity, obj unsafe.Pointer, k Key, paired bool) *Entry {
	en := t.newEntry()
	*en = Entry{E: e, Obj: obj, Key: k, HasKey: true, State: StateRef, paired: paired}
	t.add(en)
	return en
}

// AddNew registers a persisted object that is not in the database yet.
func (t *Tracker) AddNew(e *meta.Entity, obj unsafe.Pointer) (*Entry, error) {
	en := t.newEntry()
	*en = Entry{E: e, Obj: obj, State: StateNew}
	if k, ok := KeyOf(e, obj); ok {
		if other, dup := t.Lookup(e, k); dup && other.Obj != obj {
			return nil, fmt.Errorf("gomikro: %s with primary key %s is already managed by this EntityManager as another object", e.Name, k)
		}
		en.Key, en.HasKey = k, true
	}
	t.add(en)
	return en, nil
}

// Persist returns the entry of the object obj of entity e as Entry does,
// or, when obj is not tracked, tracks it as new as AddNew does (added
// reports which). It reads the object's key once for both.
func (t *Tracker) Persist(e *meta.Entity, obj unsafe.Pointer) (en *Entry, added bool, err error) {
	if t.byObj == nil {
		for _, en := range t.news {
			if en != nil && en.Obj == obj {
				return en, false, nil
			}
		}
	} else if en, ok := t.byObj.get(obj); ok {
		return en, false, nil
	}
	k, hasKey := KeyOf(e, obj)
	if hasKey {
		if other, ok := t.Lookup(e, k); ok {
			if other.Obj == obj {
				return other, false, nil
			}
			return nil, false, fmt.Errorf("gomikro: %s with primary key %s is already managed by this EntityManager as another object", e.Name, k)
		}
	}
	en = t.newEntry() // zero: set the fields one by one
	en.E, en.Obj, en.State = e, obj, StateNew
	if hasKey {
		en.Key, en.HasKey = k, true
	}
	t.add(en)
	return en, true, nil
}

// String formats a key for messages.
func (k Key) String() string {
	if k.S == "" {
		return fmt.Sprint(k.I)
	}
	if k.S[0] == 's' || k.S[0] == 'v' || k.S[0] == 't' {
		return k.S[1:]
	}
	return k.S
}

// Loaded marks a reference entry as loaded: obj now holds its row.
func (t *Tracker) Loaded(en *Entry) error {
	en.State = StateManaged
	return t.Snapshot(en)
}

// Snapshot takes a new snapshot of en (after a load or a flush).
func (t *Tracker) Snapshot(en *Entry) error {
	if en.Snap == nil && en.paired {
		en.Snap = pairSnap(en.Obj, t.shape(en.E).snapOff)
	}
	return t.shape(en.E).takeSnapshot(en)
}

// SetKey records the key of a new entity once the database assigned it.
func (t *Tracker) SetKey(en *Entry, k Key) {
	t.settleMap()
	if en.HasKey {
		t.index(en.E).del(en.Key, en)
	}
	en.Key, en.HasKey = k, true
	t.index(en.E).put(k, en)
}

// Detach stops tracking en.
func (t *Tracker) Detach(en *Entry) {
	t.settleMap()
	if cur, ok := t.Entry(en.E, en.Obj); !ok || cur != en {
		return
	}
	if t.byObj == nil {
		for i, o := range t.news {
			if o != nil && o.Obj == en.Obj {
				t.news[i] = nil
			}
		}
	} else {
		t.byObj.del(en.Obj)
	}
	if en.HasKey {
		t.index(en.E).del(en.Key, en)
	}
	t.entries[en.idx] = nil
	t.live--
	if t.live < len(t.entries)/2 && len(t.entries) > 64 {
		t.compact()
	}
}

func (t *Tracker) compact() {
	t.moved++
	t.marksOK = false
	out := t.entries[:0]
	for _, en := range t.entries {
		if en != nil {
			en.idx = int32(len(out))
			out = append(out, en)
		}
	}
	clear(t.entries[len(out):])
	t.entries = out
}

// Entries iterates over the tracked entries in registration order.
func (t *Tracker) Entries() []*Entry {
	t.settleList()
	return t.entries
}

// Len returns the number of tracked objects.
func (t *Tracker) Len() int { return t.live }

// Clear forgets every tracked object.
func (t *Tracker) Clear() {
	t.pending, t.nPending, t.deferred, t.unmapped = nil, 0, false, listed{}
	t.moved++
	t.marksOK = false
	for _, s := range t.few {
		if s != nil {
			s.idx = index{}
		}
	}
	for _, s := range t.shapes {
		s.idx = index{}
	}
	if t.byObj != nil {
		t.byObj.clear()
	}
	t.news = [2]*Entry{}
	t.entries = nil
	t.live = 0
	t.chunk, t.used = nil, 0
}

// Changed appends to buf the columns of the managed entity en that differ
// from its snapshot.
//
// A reference (GetReference, never loaded) is compared with what it was
// made from: its key, every other column zero. A column set to a non-zero
// value is a change; one set to its zero value is not seen.
func (t *Tracker) Changed(en *Entry, buf []*meta.Field) ([]*meta.Field, error) {
	switch {
	case en.State == StateRef && en.Snap == nil:
		return t.shape(en.E).refChanged(en, buf)
	case en.State != StateManaged && en.State != StateRef || en.Snap == nil:
		return buf, nil
	}
	return t.shape(en.E).changed(en, buf)
}

// SnapshotValue returns the snapshot of field f of the managed entity en
// as an addressable value (the value last loaded or flushed).
func (t *Tracker) SnapshotValue(en *Entry, f *meta.Field) reflect.Value {
	return f.Value(en.Snap)
}
