package sqlem

import (
	"database/sql"
	"fmt"
	"reflect"
	"unsafe"
)

// This file holds the package's unsafe conversions. The invariants they
// rely on:
//
//   - An object pointer handed around as unsafe.Pointer points to a whole
//     value of its entity's Go type T, and a []unsafe.Pointer of such
//     objects has the layout of a []*T.
//   - An interface value is two pointer words: its type word, then a data
//     word that for a pointer type *X is the pointer itself (the gc
//     runtime's eface; TestIfaceOf checks it against reflect). ifaceOf
//     only builds interfaces holding a *X pointing to an X, with the type
//     word typeWord took from a real *X, so both words hold pointers of
//     the kind the runtime expects. This saves a reflect.NewAt per column
//     and row when hydrating.
//   - For a type T that is not pointer-shaped (string, the integers,
//     float64, bool) the data word points at a T that is never written
//     while the interface is in use (the gc runtime boxes such a value by
//     copying it to the heap). ifaceOf builds those only with the type
//     word valueTypeWord took from a real T and a pointer to a T in a
//     []T allocated as such, written once before the interface is made
//     and never again (see slab); TestSlabIface checks it against
//     ordinary boxing. This saves an allocation per value bound by a
//     multi-row insert.

// typedObjects returns the objects of type T in objs as a []*T sharing
// objs' array (unsafe.Pointer rule 1: *unsafe.Pointer to **T, both one
// pointer word). The caller does not use objs again.
func typedObjects[T any](objs []unsafe.Pointer) []*T {
	return unsafe.Slice((**T)(unsafe.Pointer(unsafe.SliceData(objs))), len(objs))
}

// typeWord returns the type word of an interface holding a *t.
func typeWord(t reflect.Type) unsafe.Pointer {
	x := reflect.New(t).Interface()
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&x))[0]
}

// valueTypeWord returns the type word of an interface holding a T.
func valueTypeWord[T any]() unsafe.Pointer {
	x := any(*new(T))
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&x))[0]
}

// ifaceOf builds the interface value (type word typ, pointer p) without
// reflection.
func ifaceOf(typ, p unsafe.Pointer) any {
	var x any
	w := (*[2]unsafe.Pointer)(unsafe.Pointer(&x))
	w[0], w[1] = typ, p
	return x
}

// storeVal stores the driver value v of column c at p, which points at
// a value of kind c.kind (int64 or float64): the field itself, or the
// key scratch of a reference.
func storeVal(c *scanCol, p unsafe.Pointer, v any) error {
	switch x := v.(type) {
	case int64:
		if c.kind == reflect.Int64 {
			*(*int64)(p) = x
			return nil
		}
	case float64:
		if c.kind == reflect.Float64 {
			*(*float64)(p) = x
			return nil
		}
	case nil:
		return fmt.Errorf("converting NULL to %s is unsupported", c.kind)
	}
	// Any other value: database/sql's conversion, as Scan into the field
	// itself would make it.
	if c.kind == reflect.Int64 {
		var n sql.Null[int64]
		if err := n.Scan(v); err != nil {
			return err
		}
		*(*int64)(p) = n.V
		return nil
	}
	var n sql.Null[float64]
	if err := n.Scan(v); err != nil {
		return err
	}
	*(*float64)(p) = n.V
	return nil
}
