package tracking

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
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
	// JSON holds the encodings of JSON columns as of the snapshot.
	JSON  [][]byte
	Key   Key
	State State
	// HasKey reports whether Key is known (false for new entities whose
	// key the database generates).
	HasKey bool
	// paired: Snap lives right after Obj in one [2]T allocation.
	paired bool
	idx    int
}

type idKey struct {
	e *meta.Entity
	k Key
}

// Tracker is the identity map and the set of tracked entities of one
// EntityManager. It is not safe for concurrent use.
type Tracker struct {
	byKey   map[idKey]*Entry
	byObj   map[unsafe.Pointer]*Entry
	entries []*Entry
	live    int
	shapes  map[*meta.Entity]*shape
	chunk   []Entry
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{
		byKey:  map[idKey]*Entry{},
		byObj:  map[unsafe.Pointer]*Entry{},
		shapes: map[*meta.Entity]*shape{},
	}
}

func (t *Tracker) shape(e *meta.Entity) *shape {
	s := t.shapes[e]
	if s == nil {
		s = newShape(e)
		t.shapes[e] = s
	}
	return s
}

func (t *Tracker) newEntry() *Entry {
	if len(t.chunk) == 0 {
		t.chunk = make([]Entry, 256)
	}
	en := &t.chunk[0]
	t.chunk = t.chunk[1:]
	return en
}

// Alloc returns a zero object of e whose snapshot shares its allocation;
// backends hydrate rows into such objects.
func (t *Tracker) Alloc(e *meta.Entity) unsafe.Pointer {
	return reflect.New(t.shape(e).pair).UnsafePointer()
}

// Lookup returns the entry of e's row with key k.
func (t *Tracker) Lookup(e *meta.Entity, k Key) (*Entry, bool) {
	en, ok := t.byKey[idKey{e, k}]
	return en, ok
}

// Entry returns the entry of the object obj.
func (t *Tracker) Entry(obj unsafe.Pointer) (*Entry, bool) {
	en, ok := t.byObj[obj]
	return en, ok
}

func (t *Tracker) add(en *Entry) {
	en.idx = len(t.entries)
	t.entries = append(t.entries, en)
	t.byObj[en.Obj] = en
	t.live++
	if en.HasKey {
		t.byKey[idKey{en.E, en.Key}] = en
	}
}

// AddLoaded registers an object hydrated from the database (allocated by
// Alloc when paired is true) as managed and snapshots it.
func (t *Tracker) AddLoaded(e *meta.Entity, obj unsafe.Pointer, k Key, paired bool) (*Entry, error) {
	en := t.newEntry()
	*en = Entry{E: e, Obj: obj, Key: k, HasKey: true, State: StateManaged, paired: paired}
	if paired {
		en.Snap = unsafe.Add(obj, t.shape(e).size)
	}
	if err := t.shape(e).takeSnapshot(en); err != nil {
		return nil, err
	}
	t.add(en)
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
		if other, dup := t.byKey[idKey{e, k}]; dup && other.Obj != obj {
			return nil, fmt.Errorf("gomikro: %s with primary key %s is already managed by this EntityManager as another object", e.Name, k)
		}
		en.Key, en.HasKey = k, true
	}
	t.add(en)
	return en, nil
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
		en.Snap = unsafe.Add(en.Obj, t.shape(en.E).size)
	}
	return t.shape(en.E).takeSnapshot(en)
}

// SetKey records the key of a new entity once the database assigned it.
func (t *Tracker) SetKey(en *Entry, k Key) {
	if en.HasKey {
		if cur, ok := t.byKey[idKey{en.E, en.Key}]; ok && cur == en {
			delete(t.byKey, idKey{en.E, en.Key})
		}
	}
	en.Key, en.HasKey = k, true
	t.byKey[idKey{en.E, k}] = en
}

// Detach stops tracking en.
func (t *Tracker) Detach(en *Entry) {
	if t.byObj[en.Obj] != en {
		return
	}
	delete(t.byObj, en.Obj)
	if en.HasKey {
		if cur, ok := t.byKey[idKey{en.E, en.Key}]; ok && cur == en {
			delete(t.byKey, idKey{en.E, en.Key})
		}
	}
	t.entries[en.idx] = nil
	t.live--
	if t.live < len(t.entries)/2 && len(t.entries) > 64 {
		t.compact()
	}
}

func (t *Tracker) compact() {
	out := t.entries[:0]
	for _, en := range t.entries {
		if en != nil {
			en.idx = len(out)
			out = append(out, en)
		}
	}
	clear(t.entries[len(out):])
	t.entries = out
}

// Entries iterates over the tracked entries in registration order.
func (t *Tracker) Entries() []*Entry {
	return t.entries
}

// Len returns the number of tracked objects.
func (t *Tracker) Len() int { return t.live }

// Clear forgets every tracked object.
func (t *Tracker) Clear() {
	clear(t.byKey)
	clear(t.byObj)
	t.entries = nil
	t.live = 0
	t.chunk = nil
}

// Changed appends to buf the columns of the managed entity en that differ
// from its snapshot.
func (t *Tracker) Changed(en *Entry, buf []*meta.Field) ([]*meta.Field, error) {
	if en.State != StateManaged || en.Snap == nil {
		return buf, nil
	}
	return t.shape(en.E).changed(en, buf)
}

// SnapshotValue returns the snapshot of field f of the managed entity en
// as an addressable value (the value last loaded or flushed).
func (t *Tracker) SnapshotValue(en *Entry, f *meta.Field) reflect.Value {
	return f.Value(en.Snap)
}

// collectionsOf returns the collection states of obj.
func collectionsOf(s *shape, obj unsafe.Pointer) []*rel.Collection {
	out := make([]*rel.Collection, len(s.colls))
	for i, f := range s.colls {
		out[i] = rel.CollectionAt(f.Ptr(obj))
	}
	return out
}
