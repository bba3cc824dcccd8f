package sqlem

import (
	"math"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// A slab binds one scalar column of a multi-row insert without an
// allocation per value.
//
// Boxing a string, an int64 or a float64 into an any allocates a copy of
// it: a row of four such columns costs four allocations, which
// hand-written database/sql code pays as well. A chunk of rows instead
// copies each such column's values into one slice of the column's Go
// type, allocated once for the chunk, and binds interfaces whose data
// word points into that slice (ifaceOf): the same dynamic types and
// values the getters give, so the driver sees no difference. The slice
// is never written again once a value is bound, as the runtime expects
// of an interface's data, and lives as long as the statement's
// arguments refer to it.
type slab struct {
	typ   unsafe.Pointer             // type word of an interface holding a T
	size  uintptr                    // size of a T
	alloc func(n int) unsafe.Pointer // a new array of n Ts
	// read copies the column's value of obj to dst, a T of the slab,
	// with the checks and errors of the column's getter; ok false
	// leaves this value to the getter (a reference without its target).
	read func(obj, dst unsafe.Pointer) (ok bool, err error)
}

// slabOf returns the slab of a column of Go type T read by read.
func slabOf[T any](read func(obj, dst unsafe.Pointer) (bool, error)) *slab {
	return &slab{typ: valueTypeWord[T](), size: unsafe.Sizeof(*new(T)), read: read,
		alloc: func(n int) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(make([]T, n))) }}
}

// plainSlab is the slab of a plain field of type T at offset off that
// any value of T fits.
func plainSlab[T any](off uintptr) *slab {
	return slabOf[T](func(obj, dst unsafe.Pointer) (bool, error) {
		*(*T)(dst) = *(*T)(unsafe.Add(obj, off))
		return true, nil
	})
}

// fastSlab returns the slab of column f: a plain field of a type
// scalarValues accepts and fastGetter reads, or a reference to an entity
// with an int64 key; nil for the other columns. Its values are those of
// f's getter, with the same checks.
func fastSlab(f *meta.Field, lim valcheck.Limits) *slab {
	if f.Storage == meta.StoreRef {
		if f.Rel == nil || len(f.Rel.Target.PK) != 1 {
			return nil
		}
		pk := f.Rel.Target.PK[0]
		if pk.Storage != meta.StorePlain || pk.GoType != reflect.TypeFor[int64]() {
			return nil
		}
		// As refValue: the key of the target object when the reference
		// holds one; a reference by key alone goes to the getter.
		return slabOf[int64](func(obj, dst unsafe.Pointer) (bool, error) {
			r := rel.RefAt(f.Ptr(obj))
			if r.Ptr == nil {
				return false, nil
			}
			*(*int64)(dst) = *(*int64)(pk.Ptr(r.Ptr))
			return true, nil
		})
	}
	if f.Storage != meta.StorePlain || f.Enum != nil || f.Type == meta.TypeDecimal {
		return nil
	}
	off := f.Offset
	switch f.GoType {
	case reflect.TypeFor[string]():
		limit := 0
		if f.Length > 0 && f.Type == meta.TypeString && f.ColumnType == "" {
			limit = f.Length
		}
		return slabOf[string](func(obj, dst unsafe.Pointer) (bool, error) {
			s := *(*string)(unsafe.Add(obj, off))
			if limit > 0 && len(s) > limit {
				if err := checkLength(f, reflect.ValueOf(s)); err != nil {
					return false, err
				}
			}
			if err := valcheck.CheckString(f, s, lim); err != nil {
				return false, err
			}
			*(*string)(dst) = s
			return true, nil
		})
	case reflect.TypeFor[int64]():
		return plainSlab[int64](off)
	case reflect.TypeFor[int]():
		return plainSlab[int](off)
	case reflect.TypeFor[int32]():
		return plainSlab[int32](off)
	case reflect.TypeFor[int16]():
		return plainSlab[int16](off)
	case reflect.TypeFor[bool]():
		return plainSlab[bool](off)
	case reflect.TypeFor[float64]():
		return slabOf[float64](func(obj, dst unsafe.Pointer) (bool, error) {
			x := *(*float64)(unsafe.Add(obj, off))
			if (lim.NoNaN && math.IsNaN(x)) || (lim.NoInf && math.IsInf(x, 0)) {
				return false, valcheck.Check(f, reflect.ValueOf(x), lim)
			}
			*(*float64)(dst) = x
			return true, nil
		})
	}
	return nil
}

// slab returns the slab of column f (nil if it has none), from v's
// cache when it has one.
func (v values) slab(f *meta.Field) *slab {
	if v.gets != nil {
		if s, ok := v.gets.slabs.Load(f); ok {
			return s.(*slab)
		}
	}
	s := fastSlab(f, limitsOf(v.d))
	if v.gets != nil {
		v.gets.slabs.Store(f, s)
	}
	return s
}

// slabCol is a column of a chunk bound from a slab: its slab and array.
type slabCol struct {
	s    *slab
	base unsafe.Pointer
}

// appendArgs appends the values of rows, read by the getters gets of
// cols, to args, row after row: what insertRows binds. The dialect's
// ParamConverter sees the values of the columns that are not scalar
// (see ParamConverter); those of several rows of a scalar column are
// bound from a slab.
func (v values) appendArgs(args []any, rows []*tracking.Entry, cols []*meta.Field, gets []getter) ([]any, error) {
	conv, _ := v.d.(ParamConverter)
	// The columns whose values the converter may change; the others
	// (scalars: see ParamConverter) are bound as read.
	var convs uint64
	if conv != nil {
		for j, f := range cols {
			if j >= 64 || !scalarValues(f) {
				convs |= 1 << min(j, 63)
			}
		}
	}
	var slabs []slabCol
	if len(rows) > 1 {
		for j, f := range cols {
			if j >= 64 || convs&(1<<j) != 0 {
				continue
			}
			if s := v.slab(f); s != nil {
				if slabs == nil {
					slabs = make([]slabCol, len(cols))
				}
				slabs[j] = slabCol{s, s.alloc(len(rows))}
			}
		}
	}
	for i, r := range rows {
		for j, g := range gets {
			if slabs != nil {
				if c := slabs[j]; c.s != nil {
					dst := unsafe.Add(c.base, uintptr(i)*c.s.size)
					ok, err := c.s.read(r.Obj, dst)
					if err != nil {
						return nil, err
					}
					if ok {
						args = append(args, ifaceOf(c.s.typ, dst))
						continue
					}
				}
			}
			x, err := g(r.Obj)
			if err != nil {
				return nil, err
			}
			if convs != 0 && convs&(1<<min(j, 63)) != 0 {
				x = conv.ConvertParam(x)
			}
			args = append(args, x)
		}
	}
	return args, nil
}
