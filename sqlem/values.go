package sqlem

import (
	"database/sql"
	sqldriver "database/sql/driver"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// values reads column values from objects for a dialect.
type values struct {
	d Dialect
	// gets caches getters per field; nil builds them on every call.
	gets *getterCache
}

// Value implements ValueReader.
func (v values) Value(f *meta.Field, row *tracking.Entry) (any, error) {
	return v.value(f, row.Obj)
}

func (v values) value(f *meta.Field, obj unsafe.Pointer) (any, error) {
	p := f.Ptr(obj)
	switch f.Storage {
	case meta.StorePlain:
		x := reflect.NewAt(f.GoType, p).Elem()
		if err := v.check(f, x); err != nil {
			return nil, err
		}
		return x.Interface(), nil
	case meta.StoreValuer:
		return v.driverValue(f, reflect.NewAt(f.GoType, p).Elem().Interface())
	case meta.StorePointer:
		x := reflect.NewAt(f.GoType, p).Elem()
		if x.IsNil() {
			return nil, nil
		}
		if err := v.check(f, x.Elem()); err != nil {
			return nil, err
		}
		return x.Elem().Interface(), nil
	case meta.StoreJSON:
		x := reflect.NewAt(f.GoType, p).Elem()
		if f.Nullable && x.IsZero() && (x.Kind() == reflect.Map || x.Kind() == reflect.Slice || x.Kind() == reflect.Pointer || x.Kind() == reflect.Interface) {
			return nil, nil
		}
		b, err := json.Marshal(x.Interface())
		if err != nil {
			return nil, valcheck.Refuse(f, "encode JSON: %w", err)
		}
		if err := valcheck.CheckJSON(f, b, limitsOf(v.d)); err != nil {
			return nil, err
		}
		return v.d.EncodeJSON(b), nil
	case meta.StoreText:
		return f.TextOf(p)
	case meta.StoreRef:
		return refValue(f, p)
	case meta.StoreEmbedded:
		lp := f.LeafAt(p, false)
		if lp == nil {
			return nil, nil // the embeddable is nil
		}
		return v.value(f.Inner, lp)
	}
	return nil, fmt.Errorf("%s has no column", f)
}

// driverValue returns the driver value of the driver.Valuer x of field
// f, checked as a plain value is: the dialect's ParamConverter then
// sees a time.Time of an sql.NullTime as any other.
func (v values) driverValue(f *meta.Field, x any) (any, error) {
	dv, ok := x.(sqldriver.Valuer)
	if !ok {
		return x, nil
	}
	val, err := dv.Value()
	if err != nil {
		return nil, valcheck.Refuse(f, "%w", err)
	}
	if err := valcheck.CheckDriverValue(f, val, limitsOf(v.d)); err != nil {
		return nil, err
	}
	if f.Type == meta.TypeDecimal {
		if err := checkRange(f, reflect.ValueOf(val)); err != nil {
			return nil, err
		}
	}
	return val, nil
}

// limitsOf returns what dialect d's columns cannot hold.
func limitsOf(d Dialect) valcheck.Limits {
	if l, ok := d.(LimitedValues); ok {
		return valcheck.Limits(l.ValueLimits())
	}
	return valcheck.Limits{}
}

// check refuses, naming the field and before anything is sent, a plain
// value that column f cannot hold or that could not be read back: text
// too long for its varchar or not UTF-8, a number beyond a decimal's
// precision, an unsigned integer above the signed 64-bit range, NaN or
// ±Inf where the dialect has none, a time outside the years 1 to 9999.
func (v values) check(f *meta.Field, x reflect.Value) error {
	if err := checkLength(f, x); err != nil {
		return err
	}
	if f.Enum != nil {
		if err := valcheck.CheckEnum(f, x); err != nil {
			return err
		}
	}
	switch x.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Slice,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return nil
	}
	return valcheck.Check(f, x, limitsOf(v.d))
}

// refValue returns the foreign-key value a reference holds.
func refValue(f *meta.Field, p unsafe.Pointer) (any, error) {
	r := rel.RefAt(p)
	pk := f.Rel.Target.PK[0]
	if r.Ptr != nil {
		if pk.Storage == meta.StoreText {
			return pk.TextOf(pk.Ptr(r.Ptr))
		}
		if pk.GoType == reflect.TypeFor[int64]() {
			// Boxed as hand-written code boxes it (small keys allocate
			// nothing), not through reflect.
			return *(*int64)(pk.Ptr(r.Ptr)), nil
		}
		return pk.Value(r.Ptr).Interface(), nil
	}
	if r.ID == nil {
		return nil, nil
	}
	if pk.Storage == meta.StoreText {
		if s, ok := r.ID.(string); ok {
			// The text form of a key: it must parse as one.
			if err := pk.ParseText(reflect.New(pk.GoType).UnsafePointer(), s); err != nil {
				return nil, &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
					Err: fmt.Errorf("reference id is not a key of %s: %w", f.Rel.Target.Name, err)}
			}
		}
		return textParam(pk, r.ID)
	}
	return refKey(f, r.ID)
}

// refKey converts id, the raw key of a reference (ref.FromID) held by f,
// to the Go type of the target's key, refusing what is no such key (a
// string for an integer key, a fraction, a number out of range) with an
// error naming f.
func refKey(f *meta.Field, id any) (any, error) {
	pk := f.Rel.Target.PK[0]
	if reflect.TypeOf(id) == pk.GoType {
		return id, nil
	}
	obj := reflect.New(f.Rel.Target.Type).UnsafePointer()
	if err := tracking.Assign(pk, obj, id); err != nil {
		return nil, &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
			Err: fmt.Errorf("reference id of type %T is not a key of %s: %w", id, f.Rel.Target.Name, err)}
	}
	return pk.Value(obj).Interface(), nil
}

// paramValue converts a value a caller gave for column f (a filter, a
// query builder SET or INSERT) to what the driver binds: the text form
// for a meta.StoreText column (or a reference to such a key), the
// dialect's JSON encoding for a JSON column (driver.Valuers pass as
// they are), the value itself otherwise.
func paramValue(d Dialect, f *meta.Field, v any) (any, error) {
	if tf := keyField(f); tf.Storage == meta.StoreText {
		return textParam(tf, v)
	}
	if f.Storage != meta.StoreJSON || v == nil {
		return v, nil
	}
	if _, ok := v.(sqldriver.Valuer); ok {
		return v, nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: encode JSON: %w", f, err)
	}
	return d.EncodeJSON(enc), nil
}

// writeParam converts a value a caller gave to write into column f (a
// query builder SET or INSERT) as paramValue does, refusing first, as a
// flush would, a value the column cannot hold or could not read back.
func writeParam(d Dialect, f *meta.Field, v any) (any, error) {
	if err := checkParam(d, f, v); err != nil {
		return nil, err
	}
	return paramValue(d, f, v)
}

// checkParam applies the checks of values.check to a caller's value.
func checkParam(d Dialect, f *meta.Field, v any) error {
	if v == nil || f.Storage == meta.StoreJSON || f.Storage == meta.StoreRef || f.Storage == meta.StoreText {
		return nil
	}
	if dv, ok := v.(sqldriver.Valuer); ok {
		val, err := dv.Value()
		if err != nil {
			return valcheck.Refuse(f, "%w", err)
		}
		return valcheck.CheckDriverValue(f, val, limitsOf(d))
	}
	x := reflect.ValueOf(v)
	if x.Kind() == reflect.Pointer {
		if x.IsNil() {
			return nil
		}
		x = x.Elem()
	}
	if err := checkLength(f, x); err != nil {
		return err
	}
	return valcheck.Check(f, x, limitsOf(d))
}

// textParam turns a value given for the column of key or field f into its
// text form when f is a meta.StoreText field; other values pass as they are.
func textParam(f *meta.Field, v any) (any, error) {
	if f.Storage != meta.StoreText || v == nil {
		return v, nil
	}
	if _, ok := v.(string); ok {
		return v, nil
	}
	tm, ok := v.(encoding.TextMarshaler)
	if !ok {
		return nil, fmt.Errorf("%s: %v (%T) is neither a %s nor its text form", f, v, v, f.GoType)
	}
	b, err := tm.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return string(b), nil
}

// Column implements ValueReader.
func (v values) Column(f *meta.Field, rows []*tracking.Entry) (any, error) {
	if out, ok, err := fastColumn(f, rows, limitsOf(v.d)); ok {
		return out, err
	}
	switch f.Storage {
	case meta.StorePlain, meta.StorePointer:
		out := reflect.MakeSlice(reflect.SliceOf(f.GoType), len(rows), len(rows))
		lim := limitsOf(v.d)
		check := needsCheck(f)
		for i, r := range rows {
			x := f.Value(r.Obj)
			if f.Length > 0 || f.Type == meta.TypeDecimal {
				y := x
				if f.Storage == meta.StorePointer {
					if x.IsNil() {
						continue
					}
					y = x.Elem()
				}
				if err := checkLength(f, y); err != nil {
					return nil, err
				}
			}
			if check {
				y := x
				if f.Storage == meta.StorePointer {
					if x.IsNil() {
						out.Index(i).Set(x)
						continue
					}
					y = x.Elem()
				}
				if err := valcheck.Check(f, y, lim); err != nil {
					return nil, err
				}
			}
			out.Index(i).Set(x)
		}
		return out.Interface(), nil
	case meta.StoreRef:
		pk := f.Rel.Target.PK[0]
		if pk.Storage == meta.StoreText {
			break // text forms, below
		}
		if !f.Nullable && pk.GoType == reflect.TypeFor[int64]() {
			return refColumn(f, rows)
		}
		if !f.Nullable {
			out := reflect.MakeSlice(reflect.SliceOf(pk.GoType), len(rows), len(rows))
			for i, r := range rows {
				x := rel.RefAt(f.Ptr(r.Obj))
				if x.Ptr != nil {
					out.Index(i).Set(pk.Value(x.Ptr))
				} else if x.ID != nil {
					id, err := refKey(f, x.ID)
					if err != nil {
						return nil, err
					}
					out.Index(i).Set(reflect.ValueOf(id))
				}
			}
			return out.Interface(), nil
		}
		out := reflect.MakeSlice(reflect.SliceOf(reflect.PointerTo(pk.GoType)), len(rows), len(rows))
		for i, r := range rows {
			val, err := refValue(f, f.Ptr(r.Obj))
			if err != nil {
				return nil, err
			}
			if val != nil {
				nv := reflect.New(pk.GoType)
				nv.Elem().Set(reflect.ValueOf(val))
				out.Index(i).Set(nv)
			}
		}
		return out.Interface(), nil
	}
	out := make([]any, len(rows))
	for i, r := range rows {
		x, err := v.value(f, r.Obj)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// needsCheck reports whether values of plain or pointer field f may be
// refused by valcheck.Check.
func needsCheck(f *meta.Field) bool {
	t := f.GoType
	if f.Storage == meta.StorePointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Slice,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return false
	}
	return true
}

// checkLength refuses a string longer than its varchar column, naming the
// field, before anything is sent.
func checkLength(f *meta.Field, x reflect.Value) error {
	if f.Type == meta.TypeDecimal {
		return checkRange(f, x)
	}
	if f.Length == 0 || f.Type != meta.TypeString || x.Kind() != reflect.String || f.ColumnType != "" {
		return nil
	}
	s := x.String()
	if len(s) <= f.Length {
		return nil
	}
	if n := utf8.RuneCountInString(s); n > f.Length {
		return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
			Err: fmt.Errorf("a value of %d characters does not fit %s's %d", n, f, f.Length)}
	}
	return nil
}

// checkRange fails for a number whose integer part has more digits than a
// decimal column's precision leaves it (some databases would store it
// anyway, others fail without naming the column).
func checkRange(f *meta.Field, x reflect.Value) error {
	if f.Precision == 0 || f.ColumnType != "" {
		return nil
	}
	var v float64
	switch {
	case x.CanFloat():
		v = math.Abs(x.Float())
	case x.CanInt():
		v = math.Abs(float64(x.Int()))
	case x.CanUint():
		v = float64(x.Uint())
	default:
		return nil // a Valuer or a decimal type: the database checks
	}
	limit := math.Pow10(f.Precision - f.Scale)
	// Rounding to the scale may carry into the next digit.
	if math.Round(v*math.Pow10(f.Scale))/math.Pow10(f.Scale) < limit {
		return nil
	}
	return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
		Err: fmt.Errorf("%v is out of range for %s's numeric(%d,%d)", x.Interface(), f, f.Precision, f.Scale)}
}

// encoded reports whether field f's column holds an encoding of its Go
// value (JSON, or the text form of a meta.StoreText type), read through
// an encodedDest.
func encoded(f *meta.Field) bool {
	return f.Storage == meta.StoreJSON || f.Storage == meta.StoreText
}

// encodedDest scans a JSON or text-form column into a field.
type encodedDest struct {
	f *meta.Field
	p unsafe.Pointer
}

func (j *encodedDest) Scan(src any) error {
	dst := reflect.NewAt(j.f.GoType, j.p)
	if j.f.Storage == meta.StoreText {
		switch s := src.(type) {
		case nil:
			dst.Elem().SetZero()
			return nil
		case []byte:
			return j.f.ParseText(j.p, string(s))
		case string:
			return j.f.ParseText(j.p, s)
		}
		return fmt.Errorf("%s: cannot read a %T as text", j.f, src)
	}
	var b []byte
	switch s := src.(type) {
	case nil:
		dst.Elem().SetZero()
		return nil
	case []byte:
		b = s
	case string:
		b = []byte(s)
	default:
		// Drivers that decode JSON themselves hand over Go values.
		var err error
		if b, err = json.Marshal(s); err != nil {
			return err
		}
	}
	dst.Elem().SetZero()
	if err := json.Unmarshal(b, dst.Interface()); err != nil {
		return fmt.Errorf("%s: decode JSON: %w", j.f, err)
	}
	return nil
}

// keyDest scans a foreign key into a scratch value of the target's key
// type, tolerating NULL.
type keyDest struct {
	t     reflect.Type
	v     reflect.Value // *T scratch
	valid bool
}

func newKeyDest(t reflect.Type) *keyDest { return &keyDest{t: t, v: reflect.New(t)} }

func (k *keyDest) Scan(src any) error {
	if src == nil {
		k.valid = false
		return nil
	}
	k.valid = true
	dst := k.v.Elem()
	switch s := src.(type) {
	case int64:
		switch dst.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if dst.OverflowInt(s) {
				return fmt.Errorf("key %d does not fit a %s", s, k.t)
			}
			dst.SetInt(s)
			return nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if s < 0 || dst.OverflowUint(uint64(s)) {
				return fmt.Errorf("key %d does not fit a %s", s, k.t)
			}
			dst.SetUint(uint64(s))
			return nil
		case reflect.String:
			dst.SetString(strconv.FormatInt(s, 10))
			return nil
		}
	case []byte:
		return k.fromString(string(s))
	case string:
		return k.fromString(s)
	}
	if sc, ok := k.v.Interface().(sql.Scanner); ok {
		return sc.Scan(src)
	}
	sv := reflect.ValueOf(src)
	if sv.Type().ConvertibleTo(k.t) && sameKind(sv.Kind(), k.t.Kind()) {
		cv := sv.Convert(k.t)
		if !exactConversion(sv, cv) {
			return fmt.Errorf("key %v does not fit a %s", src, k.t)
		}
		dst.Set(cv)
		return nil
	}
	return fmt.Errorf("cannot scan %T into a %s key", src, k.t)
}

// sameKind reports whether a value of kind from may convert to kind to
// keeping its meaning: numbers to numbers, or the same kind (reflect
// also converts an integer to a string, as a rune).
func sameKind(from, to reflect.Kind) bool {
	num := func(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Float64 }
	return from == to || (num(from) && num(to))
}

// exactConversion reports whether the number to, converted from from,
// has the same value: no fraction dropped, no overflow, no sign change.
func exactConversion(from, to reflect.Value) bool {
	switch {
	case from.CanFloat() && (math.IsNaN(from.Float()) || math.IsInf(from.Float(), 0)):
		return to.CanFloat()
	case from.CanInt() && to.CanUint():
		return from.Int() >= 0 && to.Uint() == uint64(from.Int())
	case from.CanUint() && to.CanInt():
		return to.Int() >= 0 && uint64(to.Int()) == from.Uint()
	case from.CanFloat() && (to.CanInt() || to.CanUint()):
		return to.Convert(from.Type()).Float() == from.Float() && (from.Float() < 0) == (to.CanInt() && to.Int() < 0)
	}
	return to.Convert(from.Type()).Equal(from)
}

func (k *keyDest) fromString(s string) error {
	dst := k.v.Elem()
	switch dst.Kind() {
	case reflect.String:
		dst.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, k.t.Bits())
		if err != nil {
			return err
		}
		dst.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, k.t.Bits())
		if err != nil {
			return err
		}
		dst.SetUint(n)
	default:
		if sc, ok := k.v.Interface().(sql.Scanner); ok {
			return sc.Scan(s)
		}
		if tu, ok := k.v.Interface().(encoding.TextUnmarshaler); ok {
			return tu.UnmarshalText([]byte(s))
		}
		return fmt.Errorf("cannot scan a string into a %s key", k.t)
	}
	return nil
}

// keyField is the field whose values a column of f holds: the target's
// key for a reference, f itself otherwise.
func keyField(f *meta.Field) *meta.Field {
	if f.Storage == meta.StoreRef {
		return f.Rel.Target.PK[0]
	}
	return f
}
