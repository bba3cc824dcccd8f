package tracking

import (
	"encoding/json"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
)

// cmpKind says how one column is compared with its snapshot.
type cmpKind uint8

const (
	cmpMem    cmpKind = iota // fixed-size plain memory (bool, ints, floats)
	cmpString                // Go strings are immutable: compare the values
	cmpTime                  // time.Time: same instant
	cmpBytes                 // []byte: deep-copied in the snapshot
	cmpPtr                   // pointer to a plain value: deep-copied
	cmpEqual                 // other comparable types (sql.Null*, valuers): reflect equality
	cmpJSON                  // JSON: compare encodings, kept beside the snapshot
	cmpRef                   // ref.Ref: compare the foreign key
	cmpLeaf                  // a field of a nullable embeddable: through its pointers, then inner
)

type colShape struct {
	f    *meta.Field
	kind cmpKind
	size uintptr
	slot int // index into the snapshot's JSON encodings for cmpJSON
	// jsonAt is the offset of the encoding of a cmpJSON column from the
	// start of the snapshot (see layout.box).
	jsonAt uintptr
	// inner compares the value of a cmpLeaf column.
	inner *colShape
}

// layout is the compiled comparison plan of one entity type. It never
// changes once built, so the trackers of one ORM share it (Layouts).
type layout struct {
	e     *meta.Entity
	cols  []colShape
	nJSON int
	// cp copies an object of the type when fast is set (see copier).
	cp   copier
	fast bool
	// deep lists the columns whose snapshot needs a deep copy.
	deep []int
	// A snapshot is a box: the T itself, followed, for a type with JSON
	// columns, by their encodings as of the snapshot ([nJSON][]byte at
	// jsonOff), so that an entry needs no pointer of its own to them.
	// pairs is []struct{T; box}: objects and their snapshots side by
	// side, stride bytes apart, the snapshot at snapOff from its object,
	// allocated in chunks (see Tracker.Alloc); objs is []box.
	pairs, objs, box reflect.Type
	size, jsonOff    uintptr
	snapOff, stride  uintptr
	// colls are the collection fields, whose items are snapshotted too.
	colls []*meta.Field
	// nullable are the outermost nullable embeddables, deep-copied into
	// the snapshot.
	nullable []*meta.Embedded
	// spans are byte ranges of the columns whose bits, when equal to the
	// snapshot's, prove the value unchanged (plain memory, strings, times,
	// the key part of references); deep are the other columns.
	spans    []span
	deepCols []int
	// plain: a snapshot is a copy of the object and nothing more (no deep
	// columns, nullable embeddables, JSON encodings or collections).
	plain bool
	// markable: every deep column is a []byte or a pointer, whose
	// comparison never fails and runs no user code: Sweep may compare
	// the type's entries and mark the unchanged ones (see sweep.go).
	// refsAreColumns: every relation is a reference column (no
	// collections, no inverse 1:1), so an unchanged entry points where it
	// pointed when last loaded or flushed.
	markable, refsAreColumns bool
	// words, when not zero: the columns are compared by one span of that
	// many 8-byte words at offset wordsAt, a multiple of 8 (see
	// wordsEqual); the layout is then markable.
	words, wordsAt uintptr
	// zero is a zero object of the type and zeroJSON the encodings of its
	// JSON columns: the baseline of a reference that was never loaded.
	zero     unsafe.Pointer
	zeroJSON [][]byte
	// dyn are the columns whose use in an insert depends on the row
	// (dynamicColumns); ins holds the columns of one-row inserts by the
	// uses of dyn (see insertCols).
	dyn []*meta.Field
	ins insColsCache
}

// shape is what one tracker keeps per entity type: the shared layout and
// its own allocation state.
type shape struct {
	*layout
	// idx finds the entity's rows by key.
	idx       index
	chunk     slots
	allocated int
	// typed, when set by the typed layer (SetTyped), replaces reflection
	// on the hydration path: its copies always, its allocations when
	// allocTyped (the pairs hold Ts, not boxes).
	typed      Typed
	allocTyped bool
}

// Layouts caches the comparison layouts of entity types for the trackers
// of one ORM, so that a new unit of work does not compile them again. It
// is safe for concurrent use; the zero value is ready. A lookup is an
// atomic load and a map read (every fork looks up the types it touches);
// the map is copied on the few writes, one per entity type.
type Layouts struct {
	m  atomic.Pointer[map[*meta.Entity]*layout] // never modified once stored
	mu sync.Mutex                               // serializes writes
}

func (l *Layouts) of(e *meta.Entity) *layout {
	if l == nil {
		return newLayout(e)
	}
	if m := l.m.Load(); m != nil {
		if s, ok := (*m)[e]; ok {
			return s
		}
	}
	return l.add(e)
}

// add builds the layout of e and stores it, unless another goroutine did.
func (l *Layouts) add(e *meta.Entity) *layout {
	l.mu.Lock()
	defer l.mu.Unlock()
	var old map[*meta.Entity]*layout
	if m := l.m.Load(); m != nil {
		if s, ok := (*m)[e]; ok {
			return s
		}
		old = *m
	}
	s := newLayout(e)
	next := make(map[*meta.Entity]*layout, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[e] = s
	l.m.Store(&next)
	return s
}

// span is a byte range of the entity struct.
type span struct{ off, n uintptr }

func newLayout(e *meta.Entity) *layout {
	s := &layout{e: e, size: e.Type.Size(), dyn: dynamicColumns(e)}
	s.cp, s.fast = newCopier(e.Type)
	for _, f := range e.Columns {
		c := colShape{f: f, size: f.GoType.Size()}
		switch {
		case f.Storage == meta.StoreEmbedded:
			c.kind = cmpLeaf
			c.inner = leafShape(f.Inner)
		case f.Storage == meta.StoreRef:
			c.kind = cmpRef
		case f.Storage == meta.StoreJSON:
			c.kind, c.slot = cmpJSON, s.nJSON
			s.nJSON++
		case f.Storage == meta.StorePointer:
			c.kind = cmpPtr
			s.deep = append(s.deep, len(s.cols))
		case f.GoType == reflect.TypeFor[time.Time]():
			c.kind = cmpTime
		case f.GoType.Kind() == reflect.String:
			c.kind = cmpString
		case f.GoType.Kind() == reflect.Slice && f.GoType.Elem().Kind() == reflect.Uint8:
			c.kind = cmpBytes
			s.deep = append(s.deep, len(s.cols))
		case isPlainMem(f.GoType) && (c.size == 1 || c.size == 2 || c.size == 4 || c.size == 8):
			c.kind = cmpMem
		case f.GoType.Comparable():
			c.kind = cmpEqual
		default:
			// Non-comparable valuers: compare what they store.
			c.kind = cmpJSON
			c.slot = s.nJSON
			s.nJSON++
		}
		s.cols = append(s.cols, c)
	}
	for _, f := range e.Relations {
		if f.Rel.Collection {
			s.colls = append(s.colls, f)
		}
	}
	s.boxes()
	s.zero = reflect.New(e.Type).UnsafePointer()
	s.zeroJSON = make([][]byte, s.nJSON)
	for _, c := range s.cols {
		if c.kind == cmpJSON {
			s.zeroJSON[c.slot], _ = encodeJSON(c.f, c.f.Ptr(s.zero))
		}
	}
	s.nullable = e.NullableRoots()
	s.plain = len(s.deep) == 0 && len(s.nullable) == 0 && s.nJSON == 0 && len(s.colls) == 0
	s.refsAreColumns = true
	for _, f := range e.Relations {
		if !slices.ContainsFunc(s.cols, func(c colShape) bool { return c.f == f && c.kind == cmpRef }) {
			s.refsAreColumns = false
		}
	}
	for i, c := range s.cols {
		n := c.size
		switch c.kind {
		case cmpMem, cmpString, cmpTime, cmpEqual:
		case cmpRef:
			n = refKeyBytes
		default:
			s.deepCols = append(s.deepCols, i)
			continue
		}
		if k := len(s.spans); k > 0 && s.spans[k-1].off+s.spans[k-1].n == c.f.Offset {
			s.spans[k-1].n += n
		} else {
			s.spans = append(s.spans, span{c.f.Offset, n})
		}
	}
	if len(s.deepCols) == 0 && len(s.spans) == 1 && e.Type.Align() >= 8 && s.spans[0].off%8 == 0 && s.spans[0].n%8 == 0 {
		s.words, s.wordsAt = s.spans[0].n/8, s.spans[0].off
	}
	s.markable = !slices.ContainsFunc(s.deepCols, func(i int) bool { k := s.cols[i].kind; return k != cmpBytes && k != cmpPtr })
	return s
}

// boxes sets the types of the snapshots and pairs (see layout.box) and
// the offsets of the JSON encodings.
func (s *layout) boxes() {
	t := s.e.Type
	if s.nJSON == 0 {
		s.box = t
		s.pairs = reflect.SliceOf(reflect.ArrayOf(2, t))
		s.snapOff, s.stride = t.Size(), 2*t.Size()
	} else {
		s.box = reflect.StructOf([]reflect.StructField{
			{Name: "S", Type: t},
			{Name: "J", Type: reflect.ArrayOf(s.nJSON, reflect.TypeFor[[]byte]())},
		})
		s.jsonOff = s.box.Field(1).Offset
		pair := reflect.StructOf([]reflect.StructField{{Name: "O", Type: t}, {Name: "B", Type: s.box}})
		s.pairs = reflect.SliceOf(pair)
		s.snapOff, s.stride = pair.Field(1).Offset, pair.Size()
	}
	s.objs = reflect.SliceOf(s.box)
	for i := range s.cols {
		if c := &s.cols[i]; c.kind == cmpJSON {
			c.jsonAt = s.jsonOff + uintptr(c.slot)*unsafe.Sizeof([]byte(nil))
		}
	}
}

// refKeyBytes covers rel.Ref's Ptr and ID, not its loader.
var refKeyBytes = unsafe.Offsetof(rel.Ref{}.L)

func isPlainMem(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// encodeJSON encodes a JSON (or non-comparable valuer) column for comparison.
func encodeJSON(f *meta.Field, p unsafe.Pointer) ([]byte, error) {
	v := reflect.NewAt(f.GoType, p).Elem().Interface()
	b, err := json.Marshal(v)
	if err != nil {
		return nil, valcheck.Refuse(f, "encode JSON: %w", err)
	}
	return b, nil
}

// takeSnapshot copies the current state of en.Obj into en.Snap (allocating
// it when needed) and records collection items.
func (s *shape) takeSnapshot(en *Entry) error {
	if en.Snap == nil {
		en.Snap = reflect.New(s.box).UnsafePointer()
	}
	s.copyObj(en.Snap, en.Obj)
	if s.plain {
		return nil
	}
	for _, i := range s.deep {
		s.cols[i].deepCopy(en.Snap)
	}
	for _, m := range s.nullable {
		m.CloneAt(unsafe.Add(en.Snap, m.Offset))
	}
	if s.nJSON > 0 {
		for i := range s.cols {
			c := &s.cols[i]
			if c.kind != cmpJSON {
				continue
			}
			b, err := encodeJSON(c.f, c.f.Ptr(en.Obj))
			if err != nil {
				return err
			}
			*snapJSON(en.Snap, c) = b
		}
	}
	for _, f := range s.colls {
		c := rel.CollectionAt(f.Ptr(en.Obj))
		if c.Initialized {
			c.Snapshot, c.Tracked = c.Items, true
		}
	}
	return nil
}

// copyObj copies the object at src to dst (both of the shape's type).
func (s *shape) copyObj(dst, src unsafe.Pointer) {
	switch {
	case s.typed != nil:
		s.typed.Copy(dst, src)
	case s.fast:
		s.cp.copy(dst, src)
	default:
		reflect.NewAt(s.e.Type, dst).Elem().Set(reflect.NewAt(s.e.Type, src).Elem())
	}
}

// changed appends to buf the columns of en whose value differs from the
// snapshot. It allocates nothing for entities without JSON columns. When
// the spans' bytes equal the snapshot's, only the deep columns are
// compared one by one.
func (s *shape) changed(en *Entry, buf []*meta.Field) ([]*meta.Field, error) {
	if s.bitsEqual(en.Obj, en.Snap) {
		for _, i := range s.deepCols {
			c := &s.cols[i]
			eq, err := c.equal(en, en.Obj, en.Snap)
			if err != nil {
				return buf, err
			}
			if !eq {
				buf = append(buf, c.f)
			}
		}
		return buf, nil
	}
	for i := range s.cols {
		c := &s.cols[i]
		eq, err := c.equal(en, en.Obj, en.Snap)
		if err != nil {
			return buf, err
		}
		if !eq {
			buf = append(buf, c.f)
		}
	}
	return buf, nil
}
