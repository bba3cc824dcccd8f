package sqlem

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// A getter reads the driver value of one column from an object, as
// values.value does: the same value, the same checks, the same errors.
//
// Getters are built once per field (and dialect limits) for the columns
// whose Go type is a plain scalar: they read the field at its offset with
// the static type instead of walking a reflect.Value per value, and box
// the value as hand-written code boxes it. Other columns get a getter
// that calls values.value.
type getter func(obj unsafe.Pointer) (any, error)

// getterCache keeps the getter of each field for one driver (so one
// dialect and its limits), and goes with the ORM that owns it: metadata
// of a closed ORM is not kept alive by a cache of the package.
type getterCache struct {
	m     sync.Map // *meta.Field -> getter
	slabs sync.Map // *meta.Field -> *slab (nil: none)
}

// getter returns the getter of column f, from v's cache when it has one.
func (v values) getter(f *meta.Field) getter {
	if v.gets != nil {
		if g, ok := v.gets.m.Load(f); ok {
			return g.(getter)
		}
	}
	g := fastGetter(f, limitsOf(v.d))
	if g == nil {
		g = func(obj unsafe.Pointer) (any, error) { return v.value(f, obj) }
	}
	if v.gets != nil {
		v.gets.m.Store(f, g)
	}
	return g
}

// Getter implements ValueReader.
func (v values) Getter(f *meta.Field) func(row *tracking.Entry) (any, error) {
	g := v.getter(f)
	return func(row *tracking.Entry) (any, error) { return g(row.Obj) }
}

// fastPlain reports whether plain field f may be read by its static type
// (fastGetter, fastSlab): no enum, no decimal, stored as the field is.
func fastPlain(f *meta.Field) bool {
	return f.Storage == meta.StorePlain && f.Enum == nil && f.Type != meta.TypeDecimal
}

// textLimit returns the length a string column f may not exceed, or 0
// when nothing is checked here.
func textLimit(f *meta.Field) int {
	if f.Length > 0 && f.Type == meta.TypeString && f.ColumnType == "" {
		return f.Length
	}
	return 0
}

// checkText checks the text s of string column f against its length
// limit (textLimit) and the text limits lim.
func checkText(f *meta.Field, s string, limit int, lim valcheck.Limits) error {
	if limit > 0 && len(s) > limit {
		if err := checkLength(f, reflect.ValueOf(s)); err != nil {
			return err
		}
	}
	return valcheck.CheckString(f, s, lim)
}

// fastGetter returns a getter reading plain field f by its static type,
// or nil where values.value must do it.
func fastGetter(f *meta.Field, lim valcheck.Limits) getter {
	if !fastPlain(f) {
		return nil
	}
	off := f.Offset
	switch f.GoType {
	case reflect.TypeFor[string]():
		limit := textLimit(f)
		return func(obj unsafe.Pointer) (any, error) {
			s := *(*string)(unsafe.Add(obj, off))
			if err := checkText(f, s, limit, lim); err != nil {
				return nil, err
			}
			return s, nil
		}
	case reflect.TypeFor[int64]():
		return func(obj unsafe.Pointer) (any, error) { return *(*int64)(unsafe.Add(obj, off)), nil }
	case reflect.TypeFor[int]():
		return func(obj unsafe.Pointer) (any, error) { return *(*int)(unsafe.Add(obj, off)), nil }
	case reflect.TypeFor[int32]():
		return func(obj unsafe.Pointer) (any, error) { return *(*int32)(unsafe.Add(obj, off)), nil }
	case reflect.TypeFor[int16]():
		return func(obj unsafe.Pointer) (any, error) { return *(*int16)(unsafe.Add(obj, off)), nil }
	case reflect.TypeFor[bool]():
		return func(obj unsafe.Pointer) (any, error) { return *(*bool)(unsafe.Add(obj, off)), nil }
	case reflect.TypeFor[float64]():
		return func(obj unsafe.Pointer) (any, error) {
			x := *(*float64)(unsafe.Add(obj, off))
			if (lim.NoNaN && math.IsNaN(x)) || (lim.NoInf && math.IsInf(x, 0)) {
				return nil, valcheck.Check(f, reflect.ValueOf(x), lim)
			}
			return x, nil
		}
	case reflect.TypeFor[time.Time]():
		return func(obj unsafe.Pointer) (any, error) {
			t := *(*time.Time)(unsafe.Add(obj, off))
			if err := valcheck.CheckTime(f, t); err != nil {
				return nil, err
			}
			return t, nil
		}
	}
	return nil
}

// fastColumn returns the values of plain field f of rows as a typed
// slice, reading each by its static type, or ok false where Column must
// walk them by reflection.
func fastColumn(f *meta.Field, rows []*tracking.Entry, lim valcheck.Limits) (any, bool, error) {
	if f.Storage != meta.StorePlain || f.Enum != nil || f.Type == meta.TypeDecimal {
		return nil, false, nil
	}
	off := f.Offset
	switch f.GoType {
	case reflect.TypeFor[int64]():
		return column[int64](rows, off), true, nil
	case reflect.TypeFor[int32]():
		return column[int32](rows, off), true, nil
	case reflect.TypeFor[int]():
		return column[int](rows, off), true, nil
	case reflect.TypeFor[bool]():
		return column[bool](rows, off), true, nil
	case reflect.TypeFor[float64]():
		out := column[float64](rows, off)
		if lim.NoNaN || lim.NoInf {
			for _, x := range out {
				if (lim.NoNaN && math.IsNaN(x)) || (lim.NoInf && math.IsInf(x, 0)) {
					return nil, true, valcheck.Check(f, reflect.ValueOf(x), lim)
				}
			}
		}
		return out, true, nil
	case reflect.TypeFor[string]():
		limit := 0
		if f.Length > 0 && f.Type == meta.TypeString && f.ColumnType == "" {
			limit = f.Length
		}
		out := column[string](rows, off)
		for _, s := range out {
			if limit > 0 && len(s) > limit {
				if err := checkLength(f, reflect.ValueOf(s)); err != nil {
					return nil, true, err
				}
			}
			if err := valcheck.CheckString(f, s, lim); err != nil {
				return nil, true, err
			}
		}
		return out, true, nil
	case reflect.TypeFor[time.Time]():
		out := column[time.Time](rows, off)
		for _, t := range out {
			if err := valcheck.CheckTime(f, t); err != nil {
				return nil, true, err
			}
		}
		return out, true, nil
	}
	return nil, false, nil
}

// column copies the T at offset off of each row's object.
func column[T any](rows []*tracking.Entry, off uintptr) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = *(*T)(unsafe.Add(r.Obj, off))
	}
	return out
}

// getters returns the getters of cols.
func (v values) getters(cols []*meta.Field) []getter {
	gets := make([]getter, len(cols))
	for i, f := range cols {
		gets[i] = v.getter(f)
	}
	return gets
}

// insertRows renders the VALUES rows of a multi-row insert, binding each
// column's value read by its getter.
func (fx *flushExec) insertRows(bl *builder, rows []*tracking.Entry, cols []*meta.Field, gets []getter) error {
	if len(rows) > 1 && len(gets) > 0 && bl.d.Placeholder(1) == bl.d.Placeholder(2) {
		// Placeholders without a number (?): every row has the same text,
		// written whole.
		var err error
		if bl.args, err = fx.insertArgs(bl.args, rows, cols, gets); err != nil {
			return err
		}
		row := rowText(bl.d.Placeholder(1), len(gets))
		bl.b.WriteString(row[2:])
		for range len(rows) - 1 {
			bl.b.WriteString(row)
		}
		return nil
	}
	conv, _ := bl.d.(ParamConverter)
	for i, r := range rows {
		if i > 0 {
			bl.w(", ")
		}
		bl.w("(")
		for j, g := range gets {
			if j > 0 {
				bl.w(", ")
			}
			v, err := g(r.Obj)
			if err != nil {
				return err
			}
			if conv != nil {
				v = conv.ConvertParam(v)
			}
			bl.args = append(bl.args, v)
			bl.w(bl.d.Placeholder(len(bl.args)))
		}
		bl.w(")")
	}
	return nil
}

// rowText returns ", (p, p, ...)": the text of a row of n values whose
// placeholders are all p.
func rowText(p string, n int) string {
	var b strings.Builder
	b.Grow(4 + n*(len(p)+2))
	b.WriteString(", (")
	for j := range n {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p)
	}
	b.WriteString(")")
	return b.String()
}

// insertArgs appends the values of rows read by their getters to args,
// as insertRows binds them (see values.appendArgs).
func (fx *flushExec) insertArgs(args []any, rows []*tracking.Entry, cols []*meta.Field, gets []getter) ([]any, error) {
	return fx.vals.appendArgs(args, rows, cols, gets)
}

// convColumns returns the columns of cols whose values a ParamConverter
// may change, bit j for cols[j] (bit 63 for it and all after it); the
// others (scalars: see ParamConverter) are bound as read.
func convColumns(cols []*meta.Field) uint64 {
	var convs uint64
	for j, f := range cols {
		if j >= 64 || !scalarValues(f) {
			convs |= 1 << min(j, 63)
		}
	}
	return convs
}

// scalarValues reports whether the getter of column f gives only nil,
// bool, int, int16, int32, int64, float64 or string values: a plain field
// of one of those types that fastGetter reads, or a reference to an
// entity with such a key.
func scalarValues(f *meta.Field) bool {
	if f.Storage == meta.StoreRef {
		if len(f.Rel.Target.PK) != 1 {
			return false
		}
		f = f.Rel.Target.PK[0]
	}
	if f.Storage != meta.StorePlain || f.Enum != nil || f.Type == meta.TypeDecimal {
		return false
	}
	switch f.GoType {
	case reflect.TypeFor[string](), reflect.TypeFor[int64](), reflect.TypeFor[int](), reflect.TypeFor[int32](),
		reflect.TypeFor[int16](), reflect.TypeFor[bool](), reflect.TypeFor[float64]():
		return true
	}
	return false
}

// refColumn returns the foreign keys of the NOT NULL reference f of rows
// to an entity with an int64 key, read without reflection (an empty
// reference gives 0, as Column's reflective form does; the plan refused
// it already).
func refColumn(f *meta.Field, rows []*tracking.Entry) ([]int64, error) {
	pk := f.Rel.Target.PK[0]
	out := make([]int64, len(rows))
	for i, r := range rows {
		x := rel.RefAt(f.Ptr(r.Obj))
		switch {
		case x.Ptr != nil:
			out[i] = *(*int64)(pk.Ptr(x.Ptr))
		case x.ID != nil:
			if id, ok := x.ID.(int64); ok {
				out[i] = id
				continue
			}
			id, err := refKey(f, x.ID)
			if err != nil {
				return nil, err
			}
			n, ok := id.(int64)
			if !ok {
				return nil, fmt.Errorf("gomikro: %s: reference id of type %T is not an int64 key", f, id)
			}
			out[i] = n
		}
	}
	return out, nil
}
