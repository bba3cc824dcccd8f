package tracking

import (
	"bytes"
	"reflect"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// This file holds the package's raw memory access: reading and copying
// entity fields through unsafe.Pointer, and handing out objects from
// arrays allocated in one piece. The invariants it relies on:
//
//   - An object pointer (Entry.Obj, Entry.Snap, the arguments below)
//     points to a whole value of its entity's Go type; a field pointer
//     (meta.Field.Ptr) to the field of that type at its offset. Reads
//     convert to the field's own type, or to an integer type of exactly
//     its size (never larger: no read past the field).
//   - Pointer arithmetic stays inside the allocation it starts from
//     (unsafe.Pointer rule 3): slots never moves its cursor past the last
//     element, and an object allocated by Tracker.Alloc is the first
//     field of a pair whose second is its snapshot box (layout.box); a
//     snapshot is always such a box, so the JSON encodings of a type
//     that has them lie inside its allocation.
//   - Pointer-shaped words are only written with pointers of their own
//     type (a cloned *T into a *T field), or by copier with the word at
//     the same offset of another value of the same type.
//
// go test -race turns on checkptr, which checks the first two at run time.

// slots hands out, one at a time, the elements of an array allocated in
// one piece. Its cursor never moves past the last element. (Two words:
// the element size is the caller's, so that a tracker's per-type state
// stays small.)
type slots struct {
	next unsafe.Pointer // the element take returns next
	free int            // elements left, next included
}

// newSlots allocates n zero elements of the slice type st (n > 0).
func newSlots(st reflect.Type, n int) slots {
	if n == 1 {
		// One element: one allocation (MakeSlice makes two).
		return slots{next: reflect.New(st.Elem()).UnsafePointer(), free: 1}
	}
	return slots{next: reflect.MakeSlice(st, n, n).UnsafePointer(), free: n}
}

// take returns the next element of an array of elements size bytes
// each. The caller checks free > 0 first.
func (s *slots) take(size uintptr) unsafe.Pointer {
	p := s.next
	s.free--
	if s.free > 0 {
		s.next = unsafe.Add(s.next, size)
	} else {
		s.next = nil // no pointer one past the end
	}
	return p
}

// pairSnap returns the snapshot of the pair whose object is obj (off is
// layout.snapOff).
func pairSnap(obj unsafe.Pointer, off uintptr) unsafe.Pointer { return unsafe.Add(obj, off) }

// snapJSON returns the encoding of the cmpJSON column c kept in the
// snapshot box at snap.
func snapJSON(snap unsafe.Pointer, c *colShape) *[]byte {
	return (*[]byte)(unsafe.Add(snap, c.jsonAt))
}

// bitsEqual reports whether every span of the objects a and b holds the
// same bytes. The spans lie inside the entity type, without padding
// between their columns; a span may cover pointer words, which are only
// read.
func (s *shape) bitsEqual(a, b unsafe.Pointer) bool {
	for _, sp := range s.spans {
		x := unsafe.String((*byte)(unsafe.Add(a, sp.off)), sp.n)
		y := unsafe.String((*byte)(unsafe.Add(b, sp.off)), sp.n)
		if x != y {
			return false
		}
	}
	return true
}

// wordAt returns the 8-byte word at offset off of the object at p.
func wordAt(p unsafe.Pointer, off uintptr) uint64 { return *(*uint64)(unsafe.Add(p, off)) }

// wordsEqual reports whether the n > 0 8-byte words at offset off of
// the objects a and b are equal (off a multiple of 8, the objects 8-byte
// aligned): for a short span, loads and XORs inline cost less than the
// call to memequal. (In Go, ^ binds as | does: each XOR in parentheses.)
func wordsEqual(a, b unsafe.Pointer, off, n uintptr) bool {
	var d uint64
	end := off + n*8
	for ; off+32 <= end; off += 32 {
		d |= (wordAt(a, off) ^ wordAt(b, off)) | (wordAt(a, off+8) ^ wordAt(b, off+8)) |
			(wordAt(a, off+16) ^ wordAt(b, off+16)) | (wordAt(a, off+24) ^ wordAt(b, off+24))
	}
	for ; off < end; off += 8 {
		d |= wordAt(a, off) ^ wordAt(b, off)
	}
	return d == 0
}

// sweepRun marks the unchanged rows of sh's type from entries[i] on, for
// a layout compared by words whose references are columns, and returns
// the index of the first entry that is not such a row.
func sweepRun(entries []*Entry, i int, sh *shape, marks []uint64) int {
	e, at, end := sh.e, sh.wordsAt, sh.wordsAt+8*sh.words
	for ; i < len(entries); i++ {
		en := entries[i]
		if en == nil || en.E != e || en.State != StateManaged || en.Snap == nil {
			break
		}
		// wordsEqual, inline (the call costs a fifth of a row).
		a, b := en.Obj, en.Snap
		var d uint64
		off := at
		for ; off+32 <= end; off += 32 {
			d |= (wordAt(a, off) ^ wordAt(b, off)) | (wordAt(a, off+8) ^ wordAt(b, off+8)) |
				(wordAt(a, off+16) ^ wordAt(b, off+16)) | (wordAt(a, off+24) ^ wordAt(b, off+24))
		}
		for ; off < end; off += 8 {
			d |= wordAt(a, off) ^ wordAt(b, off)
		}
		if d != 0 {
			break
		}
		marks[i>>6] |= 1 << (uint(i) & 63)
	}
	return i
}

// equal reports whether column c holds the same value at objects a and b.
func (c *colShape) equal(en *Entry, a, b unsafe.Pointer) (bool, error) {
	pa, pb := c.f.Ptr(a), c.f.Ptr(b)
	switch c.kind {
	case cmpMem:
		switch c.size {
		case 1:
			return *(*uint8)(pa) == *(*uint8)(pb), nil
		case 2:
			return *(*uint16)(pa) == *(*uint16)(pb), nil
		case 4:
			return *(*uint32)(pa) == *(*uint32)(pb), nil
		default:
			return *(*uint64)(pa) == *(*uint64)(pb), nil
		}
	case cmpString:
		return *(*string)(pa) == *(*string)(pb), nil
	case cmpTime:
		return (*time.Time)(pa).Equal(*(*time.Time)(pb)), nil
	case cmpBytes:
		// nil is NULL, an empty slice is not.
		x, y := *(*[]byte)(pa), *(*[]byte)(pb)
		return bytes.Equal(x, y) && (x == nil) == (y == nil), nil
	case cmpPtr:
		xa, xb := *(*unsafe.Pointer)(pa), *(*unsafe.Pointer)(pb)
		if xa == nil || xb == nil {
			return xa == xb, nil
		}
		if xa == xb {
			return true, nil
		}
		et := c.f.GoType.Elem()
		switch {
		case et == reflect.TypeFor[time.Time]():
			return (*time.Time)(xa).Equal(*(*time.Time)(xb)), nil
		case et.Kind() == reflect.String:
			return *(*string)(xa) == *(*string)(xb), nil
		case isPlainMem(et) && et.Size() == 8:
			return *(*uint64)(xa) == *(*uint64)(xb), nil
		case isPlainMem(et) && et.Size() == 4:
			return *(*uint32)(xa) == *(*uint32)(xb), nil
		case isPlainMem(et) && et.Size() == 1:
			return *(*uint8)(xa) == *(*uint8)(xb), nil
		}
		return reflect.NewAt(et, xa).Elem().Equal(reflect.NewAt(et, xb).Elem()), nil
	case cmpEqual:
		return reflect.NewAt(c.f.GoType, pa).Elem().Equal(reflect.NewAt(c.f.GoType, pb).Elem()), nil
	case cmpJSON:
		cur, err := encodeJSON(c.f, pa)
		if err != nil {
			return false, err
		}
		return bytes.Equal(cur, *snapJSON(b, c)), nil
	case cmpLeaf:
		la, lb := c.f.LeafAt(pa, false), c.f.LeafAt(pb, false)
		switch {
		case la == nil && lb == nil:
			return true, nil
		case la == nil || lb == nil:
			// NULL either way when the field that is there is a nil pointer.
			p := la
			if p == nil {
				p = lb
			}
			return c.inner.kind == cmpPtr && *(*unsafe.Pointer)(p) == nil, nil
		}
		return c.inner.equal(en, la, lb)
	case cmpRef:
		ra, rb := rel.RefAt(pa), rel.RefAt(pb)
		if ra.Ptr == rb.Ptr && ra.Ptr != nil {
			return true, nil
		}
		ka, oka := FieldKey(c.f, pa)
		kb, okb := FieldKey(c.f, pb)
		if !oka || !okb {
			// Unknown keys (new targets, empty refs) match only when both
			// sides are empty.
			return !oka && !okb && ra.Ptr == nil && rb.Ptr == nil, nil
		}
		return ka == kb, nil
	}
	return false, nil
}

// deepCopy replaces the []byte or pointer column c of the snapshot at
// snap by a copy of what it points to, so that changes through the
// object's slice or pointer show.
func (c *colShape) deepCopy(snap unsafe.Pointer) {
	p := c.f.Ptr(snap)
	switch c.kind {
	case cmpBytes:
		if b := *(*[]byte)(p); b != nil {
			*(*[]byte)(p) = bytes.Clone(b)
		}
	case cmpPtr:
		if x := *(*unsafe.Pointer)(p); x != nil {
			et := c.f.GoType.Elem()
			nv := reflect.New(et)
			nv.Elem().Set(reflect.NewAt(et, x).Elem())
			*(*unsafe.Pointer)(p) = nv.UnsafePointer()
		}
	}
}

// valueKeyAt turns the key value of type t at p into a Key.
func valueKeyAt(t reflect.Type, p unsafe.Pointer) (Key, bool) {
	switch t.Kind() {
	case reflect.Int64:
		return Key{I: *(*int64)(p)}, true
	case reflect.Int:
		return Key{I: int64(*(*int)(p))}, true
	case reflect.Int32:
		return Key{I: int64(*(*int32)(p))}, true
	case reflect.Int16:
		return Key{I: int64(*(*int16)(p))}, true
	case reflect.Int8:
		return Key{I: int64(*(*int8)(p))}, true
	case reflect.Uint64:
		return Key{I: int64(*(*uint64)(p))}, true
	case reflect.Uint:
		return Key{I: int64(*(*uint)(p))}, true
	case reflect.Uint32:
		return Key{I: int64(*(*uint32)(p))}, true
	case reflect.Uint16:
		return Key{I: int64(*(*uint16)(p))}, true
	case reflect.Uint8:
		return Key{I: int64(*(*uint8)(p))}, true
	case reflect.String:
		s := *(*string)(p)
		return Key{S: "s" + s}, true
	}
	return ValueKey(reflect.NewAt(t, p).Elem().Interface())
}

// copier copies whole values of one Go type without reflection: the
// pointer-shaped words one at a time through *unsafe.Pointer (so that the
// compiler emits the write barrier each needs, as it does for a struct
// assignment), the words between them as plain integers. It is the
// reflect-free form of reflect.Value.Set for the objects of a type, which
// snapshots copy once per row on the bulk insert path.
//
// The words it writes as pointers are exactly those the garbage collector
// sees as pointers in the type (pointers, maps, channels, functions, the
// data words of strings and slices, both words of interfaces); the rest
// holds no pointers and is copied as integers, which needs no barrier.
// A type with pointers is a whole number of aligned words, so every run
// is too.
type copier struct {
	runs []copyRun
	// raw: the type holds no pointers; copy its size in bytes.
	raw  bool
	size uintptr
}

// copyRun is plain words followed by pointer words, from off.
type copyRun struct {
	off         uintptr
	plain, ptrs uint32
}

// maxCopyWords bounds the words of a type with pointers that a copier
// walks; beyond it reflect's bulk copy is as fast.
const maxCopyWords = 512

const wordSize = unsafe.Sizeof(uintptr(0))

// newCopier compiles the copier of type t; ok is false for a type too
// large to walk (the caller copies by reflection then).
func newCopier(t reflect.Type) (c copier, ok bool) {
	if !hasPointers(t) {
		return copier{raw: true, size: t.Size()}, true
	}
	if t.Size()%wordSize != 0 || t.Size()/wordSize > maxCopyWords {
		return copier{}, false
	}
	isPtr := make([]bool, t.Size()/wordSize)
	var walk func(t reflect.Type, off uintptr)
	walk = func(t reflect.Type, off uintptr) {
		switch t.Kind() {
		case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
			reflect.String, reflect.Slice:
			isPtr[off/wordSize] = true
		case reflect.Interface:
			isPtr[off/wordSize] = true
			isPtr[off/wordSize+1] = true
		case reflect.Array:
			if hasPointers(t.Elem()) {
				for i := range t.Len() {
					walk(t.Elem(), off+uintptr(i)*t.Elem().Size())
				}
			}
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				walk(f.Type, off+f.Offset)
			}
		}
	}
	walk(t, 0)
	for w := 0; w < len(isPtr); {
		r := copyRun{off: uintptr(w) * wordSize}
		for ; w < len(isPtr) && !isPtr[w]; w++ {
			r.plain++
		}
		for ; w < len(isPtr) && isPtr[w]; w++ {
			r.ptrs++
		}
		c.runs = append(c.runs, r)
	}
	return c, true
}

// hasPointers reports whether values of t hold pointer-shaped words.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
		reflect.String, reflect.Slice, reflect.Interface:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// copy copies the value at src to dst, both whole values of the
// copier's type.
func (c *copier) copy(dst, src unsafe.Pointer) {
	if c.raw {
		copy(unsafe.Slice((*byte)(dst), c.size), unsafe.Slice((*byte)(src), c.size))
		return
	}
	// Offsets, not moving cursors: no pointer past the value's end.
	for _, r := range c.runs {
		off := r.off
		for range r.plain {
			*(*uintptr)(unsafe.Add(dst, off)) = *(*uintptr)(unsafe.Add(src, off))
			off += wordSize
		}
		for range r.ptrs {
			*(*unsafe.Pointer)(unsafe.Add(dst, off)) = *(*unsafe.Pointer)(unsafe.Add(src, off))
			off += wordSize
		}
	}
}

// isZeroAt reports whether field f of the entity at obj holds its zero
// value, reading integers and strings by their static type (the field
// has that type at f.Offset) and others by reflection.
func isZeroAt(f *meta.Field, obj unsafe.Pointer) bool {
	if f.Storage != meta.StoreEmbedded {
		p := f.Ptr(obj)
		switch f.GoType.Kind() {
		case reflect.Int64, reflect.Uint64, reflect.Int, reflect.Uint, reflect.Int32, reflect.Uint32,
			reflect.Int16, reflect.Uint16, reflect.Int8, reflect.Uint8:
			switch f.GoType.Size() {
			case 8:
				return *(*uint64)(p) == 0
			case 4:
				return *(*uint32)(p) == 0
			case 2:
				return *(*uint16)(p) == 0
			case 1:
				return *(*uint8)(p) == 0
			}
		case reflect.String:
			return len(*(*string)(p)) == 0
		}
	}
	return f.Value(obj).IsZero()
}

// setInt64At stores v into field f of the entity at obj when f is a plain
// int64 field, and reports whether it did.
func setInt64At(f *meta.Field, obj unsafe.Pointer, v int64) bool {
	if f.Storage != meta.StorePlain || f.GoType != int64Type {
		return false
	}
	*(*int64)(f.Ptr(obj)) = v
	return true
}

// copyField copies field f (not in an embeddable) of the entity at src to
// the entity at dst, of the same type.
func copyField(f *meta.Field, dst, src unsafe.Pointer) {
	if f.Storage == meta.StorePlain && f.GoType == int64Type {
		*(*int64)(f.Ptr(dst)) = *(*int64)(f.Ptr(src))
		return
	}
	f.Value(dst).Set(f.Value(src))
}

var int64Type = reflect.TypeFor[int64]()

// hashAddr hashes the address of an object for objTable (MurmurHash3's
// 64-bit finalizer: objects allocated a fixed stride apart spread as
// random keys would, whatever the stride). Only the number is used; it is
// never turned back into a pointer. Go's heap objects do not move, as its
// own maps with pointer keys rely on.
func hashAddr(p unsafe.Pointer) uint64 {
	x := uint64(uintptr(p))
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
