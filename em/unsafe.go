package em

import "unsafe"

// This file holds the package's unsafe conversions. The invariants they
// rely on: an object pointer handed around as unsafe.Pointer points to a
// whole value of its entity's Go type T (meta.Entity.Type), and a
// []unsafe.Pointer of such objects has the layout of a []*T (a pointer
// word per element, each a *T).

// typedObjects returns the objects of type T in objs as a []*T sharing
// objs' array (unsafe.Pointer rule 1: *unsafe.Pointer to **T, both one
// pointer word). The caller does not use objs again.
func typedObjects[T any](objs []unsafe.Pointer) []*T {
	return unsafe.Slice((**T)(unsafe.Pointer(unsafe.SliceData(objs))), len(objs))
}

// copyOf copies a T: the typed snapshot copy of tracking.SetTyped.
func copyOf[T any](dst, src unsafe.Pointer) { *(*T)(dst) = *(*T)(src) }

// allocPairs allocates n > 0 object/snapshot pairs of T and returns the
// first: the typed allocation of tracking.SetTyped.
func allocPairs[T any](n int) unsafe.Pointer {
	s := make([][2]T, n)
	return unsafe.Pointer(&s[0])
}
