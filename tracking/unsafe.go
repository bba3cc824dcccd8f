package tracking

import (
	"reflect"
	"unsafe"
)

// This file holds the pointer arithmetic of the package. The invariant it
// relies on: every pointer it computes stays inside the allocation it
// was derived from (unsafe.Pointer rule 3), so the race detector's
// checkptr instrumentation accepts it; objects handed out in pairs are
// the two elements of one [2]T.

// slots hands out, one at a time, the elements of an array allocated in
// one piece. Its cursor never moves past the last element.
type slots struct {
	next   unsafe.Pointer // the element take returns next
	stride uintptr        // distance between elements
	free   int            // elements left, next included
}

// newSlots allocates n zero elements of type t (n > 0).
func newSlots(t reflect.Type, n int) slots {
	return slotsAt(reflect.MakeSlice(reflect.SliceOf(t), n, n).UnsafePointer(), t.Size(), n)
}

// slotsAt hands out the n elements, size bytes each, of the array at p.
func slotsAt(p unsafe.Pointer, size uintptr, n int) slots {
	return slots{next: p, stride: size, free: n}
}

// take returns the next element. The caller checks free > 0 first.
func (s *slots) take() unsafe.Pointer {
	p := s.next
	s.free--
	if s.free > 0 {
		s.next = unsafe.Add(s.next, s.stride)
	} else {
		s.next = nil // no pointer one past the end
	}
	return p
}

// pairSnap returns the second element of the [2]T pair whose first
// element is obj (size is T's size).
func pairSnap(obj unsafe.Pointer, size uintptr) unsafe.Pointer { return unsafe.Add(obj, size) }
