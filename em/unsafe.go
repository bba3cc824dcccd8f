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

// typedOps are the typed operations of T for tracking.SetTyped; being of
// zero size, a typedOps[T]{} makes an interface value without allocating.
type typedOps[T any] struct{}

// Copy copies a T.
func (typedOps[T]) Copy(dst, src unsafe.Pointer) { *(*T)(dst) = *(*T)(src) }

// AllocPairs allocates n > 0 object/snapshot pairs of T and returns the
// first.
func (typedOps[T]) AllocPairs(n int) unsafe.Pointer {
	s := make([][2]T, n)
	return unsafe.Pointer(&s[0])
}
