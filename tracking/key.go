package tracking

import (
	"database/sql"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// Key identifies a row of one entity: an integer key in I, any other key
// (strings, composite keys) encoded in S. It is comparable and built
// without allocating for integer keys.
type Key struct {
	I int64
	S string
}

// KeyOf reads the primary key of the entity at obj. ok is false when a
// part of it is unknown: a zero generated key (not inserted yet) or a
// reference to an object whose own key is unknown.
func KeyOf(e *meta.Entity, obj unsafe.Pointer) (Key, bool) {
	if len(e.PK) == 1 {
		f := e.PK[0]
		if f.Storage == meta.StorePlain && f.GoType.Kind() == reflect.Int64 {
			// The common key, read directly (as valueKeyAt reads it).
			i := *(*int64)(f.Ptr(obj))
			return Key{I: i}, i != 0 || !f.Generated
		}
		k, ok := FieldKey(f, f.Ptr(obj))
		if ok && f.Generated && (k.I == 0 && k.S == "" || k.S == "s" && f.GoType.Kind() == reflect.String ||
			f.Storage == meta.StoreText && f.Value(obj).IsZero()) {
			// Not generated yet (a zero integer, or an empty string key a
			// backend generates, such as MongoDB's ObjectIDs).
			return k, false
		}
		return k, ok
	}
	var parts [4]Key
	ps := parts[:0]
	for _, f := range e.PK {
		k, ok := FieldKey(f, f.Ptr(obj))
		if !ok {
			return Key{}, false
		}
		ps = append(ps, k)
	}
	return JoinKey(ps), true
}

// IntKey returns the primary-key field of e when that key is one field
// of an 8-byte integer kind, whose Key (FieldKey) is Key{I: its bits}; nil
// otherwise. Loops over the rows of one type look it up once and read
// the key with IntKeyAt instead of KeyOf.
func IntKey(e *meta.Entity) *meta.Field {
	if len(e.PK) != 1 {
		return nil
	}
	f := e.PK[0]
	if f.Storage == meta.StoreRef || f.GoType.Size() != 8 {
		return nil
	}
	switch f.GoType.Kind() {
	case reflect.Int64, reflect.Int, reflect.Uint64, reflect.Uint:
		return f
	}
	return nil
}

// IntKeyAt is KeyOf for an entity whose key field f is given by IntKey.
func IntKeyAt(f *meta.Field, obj unsafe.Pointer) (Key, bool) {
	k := Key{I: *(*int64)(f.Ptr(obj))}
	return k, k.I != 0 || !f.Generated
}

// JoinKey combines the keys of the columns of a composite primary key.
func JoinKey(parts []Key) Key {
	if len(parts) == 1 {
		return parts[0]
	}
	var b strings.Builder
	b.WriteByte('c')
	for i, k := range parts {
		if i > 0 {
			b.WriteByte(0)
		}
		if k.S != "" {
			b.WriteString(k.S)
		} else {
			b.WriteString(strconv.FormatInt(k.I, 10))
		}
	}
	return Key{S: b.String()}
}

// FieldKey turns the value at p of a key field (or a reference to a row)
// into a Key.
func FieldKey(f *meta.Field, p unsafe.Pointer) (Key, bool) {
	if f.Storage == meta.StoreRef {
		r := rel.RefAt(p)
		if r.Ptr != nil {
			return KeyOf(f.Rel.Target, r.Ptr)
		}
		if r.ID == nil {
			return Key{}, false
		}
		return ValueKey(r.ID)
	}
	return valueKeyAt(f.GoType, p)
}

// ValueKey turns a primary-key value given by a caller (an id in a filter,
// ref.FromID, GetReference) into a Key, so that 1, int32(1) and uint(1)
// name the same row.
func ValueKey(v any) (Key, bool) {
	switch x := v.(type) {
	case nil:
		return Key{}, false
	case int64:
		return Key{I: x}, true
	case int:
		return Key{I: int64(x)}, true
	case int32:
		return Key{I: int64(x)}, true
	case int16:
		return Key{I: int64(x)}, true
	case int8:
		return Key{I: int64(x)}, true
	case uint64:
		return Key{I: int64(x)}, true
	case uint:
		return Key{I: int64(x)}, true
	case uint32:
		return Key{I: int64(x)}, true
	case uint16:
		return Key{I: int64(x)}, true
	case uint8:
		return Key{I: int64(x)}, true
	case string:
		return Key{S: "s" + x}, true
	case time.Time:
		return Key{S: "t" + x.UTC().Format(time.RFC3339Nano)}, true
	case encoding.TextMarshaler:
		// A key type with a text form (meta.StoreText) is named by it, so
		// that an id given as that text names the same row.
		if reflect.TypeOf(v).Kind() == reflect.Array {
			if b, err := x.MarshalText(); err == nil {
				return Key{S: "s" + string(b)}, true
			}
		}
		if s, ok := v.(fmt.Stringer); ok {
			return Key{S: "v" + s.String()}, true
		}
	case fmt.Stringer:
		return Key{S: "v" + x.String()}, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Key{I: rv.Int()}, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Key{I: int64(rv.Uint())}, true
	case reflect.String:
		return Key{S: "s" + rv.String()}, true
	}
	return Key{S: fmt.Sprintf("%T:%v", v, v)}, true
}

// SetPK writes the key value v (as given by a caller or read back from the
// database) into the entity's single-column primary-key field.
func SetPK(e *meta.Entity, obj unsafe.Pointer, v any) error {
	return Assign(e.PK[0], obj, v)
}

// Assign converts v to the Go type of the scalar field f and stores it in
// the entity at obj.
func Assign(f *meta.Field, obj unsafe.Pointer, v any) error {
	if f.Storage == meta.StoreEmbedded {
		// Allocates the embeddable, unless the value is NULL.
		p := f.LeafAt(f.Ptr(obj), v != nil)
		if p == nil {
			return nil
		}
		return Assign(f.Inner, p, v)
	}
	if x, ok := v.(int64); ok && setInt64At(f, obj, x) {
		return nil
	}
	dst := f.Value(obj)
	if v == nil {
		dst.SetZero()
		return nil
	}
	if s, ok := v.(string); ok && f.Storage == meta.StoreText {
		return f.ParseText(f.Ptr(obj), s)
	}
	sv := reflect.ValueOf(v)
	if sv.Type().AssignableTo(dst.Type()) {
		dst.Set(sv)
		return nil
	}
	if sv.Type().ConvertibleTo(dst.Type()) && convertibleKind(sv.Kind(), dst.Kind()) {
		cv := sv.Convert(dst.Type())
		if !lossless(sv, cv) {
			return fmt.Errorf("%s: %v does not fit in %s", f, v, dst.Type())
		}
		dst.Set(cv)
		return nil
	}
	if dst.Kind() == reflect.Pointer && sv.Type().ConvertibleTo(dst.Type().Elem()) && convertibleKind(sv.Kind(), dst.Type().Elem().Kind()) {
		cv := sv.Convert(dst.Type().Elem())
		if !lossless(sv, cv) {
			return fmt.Errorf("%s: %v does not fit in %s", f, v, dst.Type().Elem())
		}
		nv := reflect.New(dst.Type().Elem())
		nv.Elem().Set(cv)
		dst.Set(nv)
		return nil
	}
	if sc, ok := dst.Addr().Interface().(sql.Scanner); ok && f.Storage == meta.StoreValuer {
		// sql.Null[T] and friends, other scanners: as a driver value.
		if err := sc.Scan(v); err != nil {
			return fmt.Errorf("%s: cannot assign %T to %s: %w", f, v, dst.Type(), err)
		}
		return nil
	}
	return fmt.Errorf("%s: cannot assign %T to %s", f, v, dst.Type())
}

// lossless reports whether the numeric conversion of from gave to the
// same number: no fraction dropped, no overflow, no change of sign.
// Other kinds convert without loss.
func lossless(from, to reflect.Value) bool {
	num := func(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Float64 }
	if !num(from.Kind()) || !num(to.Kind()) {
		return true
	}
	neg := func(v reflect.Value) bool {
		switch {
		case v.CanInt():
			return v.Int() < 0
		case v.CanFloat():
			return v.Float() < 0
		}
		return false
	}
	if neg(from) != neg(to) {
		return false
	}
	if from.CanFloat() && (math.IsNaN(from.Float()) || math.IsInf(from.Float(), 0)) {
		return to.CanFloat()
	}
	return to.Convert(from.Type()).Equal(from)
}

// convertibleKind refuses the conversions reflect allows but that lose
// meaning, such as int to string.
func convertibleKind(from, to reflect.Kind) bool {
	num := func(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Float64 }
	switch {
	case num(from) && num(to):
		return true
	case from == to:
		return true
	}
	return false
}
