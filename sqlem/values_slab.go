package sqlem

import (
	"math"
	"reflect"
	"slices"
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
	// fill binds the column's values of rows: the i-th at out[i*stride],
	// read with the checks and errors of the column's getter g, which
	// reads the values the slab does not hold (a reference without its
	// target).
	fill func(rows []*tracking.Entry, out []any, stride int, g getter) error
}

// checkedSlab is the slab of a column of Go type T whose value read
// gives for obj, or ok false where the getter must read it.
func checkedSlab[T any](read func(obj unsafe.Pointer) (x T, ok bool, err error)) *slab {
	typ := valueTypeWord[T]()
	return &slab{fill: func(rows []*tracking.Entry, out []any, stride int, g getter) error {
		vals := make([]T, len(rows))
		for i, r := range rows {
			x, ok, err := read(r.Obj)
			if err != nil {
				return err
			}
			if !ok {
				if out[i*stride], err = g(r.Obj); err != nil {
					return err
				}
				continue
			}
			vals[i] = x
			out[i*stride] = ifaceOf(typ, unsafe.Pointer(&vals[i]))
		}
		return nil
	}}
}

// plainSlab is the slab of a plain field of type T at offset off that
// any value of T fits.
func plainSlab[T any](off uintptr) *slab {
	typ := valueTypeWord[T]()
	return &slab{fill: func(rows []*tracking.Entry, out []any, stride int, _ getter) error {
		vals := make([]T, len(rows))
		for i, r := range rows {
			vals[i] = *(*T)(unsafe.Add(r.Obj, off))
			out[i*stride] = ifaceOf(typ, unsafe.Pointer(&vals[i]))
		}
		return nil
	}}
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
		return checkedSlab(func(obj unsafe.Pointer) (int64, bool, error) {
			r := rel.RefAt(f.Ptr(obj))
			if r.Ptr == nil {
				return 0, false, nil
			}
			return *(*int64)(pk.Ptr(r.Ptr)), true, nil
		})
	}
	if !fastPlain(f) {
		return nil
	}
	off := f.Offset
	switch f.GoType {
	case reflect.TypeFor[string]():
		limit := textLimit(f)
		return checkedSlab(func(obj unsafe.Pointer) (string, bool, error) {
			s := *(*string)(unsafe.Add(obj, off))
			if err := checkText(f, s, limit, lim); err != nil {
				return "", false, err
			}
			return s, true, nil
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
		if !lim.NoNaN && !lim.NoInf {
			return plainSlab[float64](off)
		}
		return checkedSlab(func(obj unsafe.Pointer) (float64, bool, error) {
			x := *(*float64)(unsafe.Add(obj, off))
			if (lim.NoNaN && math.IsNaN(x)) || (lim.NoInf && math.IsInf(x, 0)) {
				return 0, false, valcheck.Check(f, reflect.ValueOf(x), lim)
			}
			return x, true, nil
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

// appendArgs appends the values of rows, read by the getters gets of
// cols, to args, row after row: what insertRows binds. The dialect's
// ParamConverter sees the values of the columns that are not scalar
// (see ParamConverter); those of several rows of a scalar column are
// bound from a slab.
func (v values) appendArgs(args []any, rows []*tracking.Entry, cols []*meta.Field, gets []getter) ([]any, error) {
	conv, _ := v.d.(ParamConverter)
	var convs uint64
	if conv != nil {
		convs = convColumns(cols)
	}
	if len(rows) > 1 && len(cols) <= 64 {
		if out, ok := v.columnArgs(args, rows, cols, gets, conv, convs); ok {
			return out, nil
		}
	}
	// One row, or a value refused: row after row, so that the error is
	// that of the first row and column refused, as every path reports it.
	for _, r := range rows {
		for j, g := range gets {
			x, err := g(r.Obj)
			if err != nil {
				return nil, err
			}
			if convs&(1<<min(j, 63)) != 0 {
				x = conv.ConvertParam(x)
			}
			args = append(args, x)
		}
	}
	return args, nil
}

// columnArgs is appendArgs for several rows of at most 64 columns,
// column after column (each scalar column from its slab); ok false when
// a value is refused, with args as they were.
func (v values) columnArgs(args []any, rows []*tracking.Entry, cols []*meta.Field, gets []getter, conv ParamConverter, convs uint64) ([]any, bool) {
	n0, stride := len(args), len(cols)
	args = slices.Grow(args, len(rows)*stride)[:n0+len(rows)*stride]
	out := args[n0:]
	for j, f := range cols {
		if convs&(1<<j) == 0 {
			if s := v.slab(f); s != nil {
				if s.fill(rows, out[j:], stride, gets[j]) != nil {
					clear(out)
					return args[:n0], false
				}
				continue
			}
		}
		g := gets[j]
		for i, r := range rows {
			x, err := g(r.Obj)
			if err != nil {
				clear(out)
				return args[:n0], false
			}
			if convs&(1<<j) != 0 {
				x = conv.ConvertParam(x)
			}
			out[i*stride+j] = x
		}
	}
	return args, true
}
