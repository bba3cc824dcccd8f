package query

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

var timeType = reflect.TypeFor[time.Time]()

// identified is what ref.Ref[T] offers: the referenced entity's key.
type identified interface{ ID() any }

// keyValue turns what the relation f is compared with into raw primary
// keys of f's target: element by element for $in and $nin. A list is
// kept as given unless an element had to be converted.
func keyValue(f *meta.Field, op Op, v any) (any, error) {
	if !op.isList() {
		k, _, err := keyOf(f, v)
		return k, err
	}
	rv := reflect.ValueOf(v)
	var out []any
	for i := range rv.Len() {
		k, converted, err := keyOf(f, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		if converted && out == nil {
			out = make([]any, rv.Len())
			for j := range i {
				out[j] = rv.Index(j).Interface()
			}
		}
		if out != nil {
			out[i] = k
		}
	}
	if out == nil {
		return v, nil
	}
	return out, nil
}

// keyOf returns the raw key for v compared with the relation f: the
// primary key of an entity (pointer or value) of f's target type, the
// ID() of a ref.Ref, or v itself; converted tells whether it changed.
func keyOf(f *meta.Field, v any) (key any, converted bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	target := f.Rel.Target
	rv := reflect.ValueOf(v)
	t := rv.Type()
	if t.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, true, nil
	}
	bare := t
	if bare.Kind() == reflect.Pointer {
		bare = bare.Elem()
	}
	if bare == target.Type {
		p := rv
		if t.Kind() != reflect.Pointer {
			p = reflect.New(t)
			p.Elem().Set(rv)
		}
		id, ok := meta.PKOf(p.Interface())
		if !ok {
			return nil, false, fmt.Errorf("query: %s: cannot read the primary key of %s", f, t)
		}
		if _, composite := id.([]any); composite {
			return nil, false, fmt.Errorf("query: %s: %s has a composite primary key; compare its properties instead (a nested map)", f, target.Name)
		}
		return id, true, nil
	}
	if rt, isColl, ok := rel.TargetOf(bare); ok {
		if isColl {
			return nil, false, fmt.Errorf("query: %s references %s; a collection (%s) is not a key", f, target.Name, t)
		}
		if rt != target.Type {
			return nil, false, fmt.Errorf("query: %s references %s, got a reference to %s", f, target.Name, rt.Name())
		}
	}
	if x, ok := v.(identified); ok {
		return x.ID(), true, nil
	}
	if bare.Kind() == reflect.Struct && bare != timeType {
		if _, valuer := v.(driver.Valuer); !valuer {
			return nil, false, fmt.Errorf("query: %s references %s, got %s", f, target.Name, t)
		}
	}
	return v, false, nil
}

// checkValue checks that op applies to the column f and that v is a value
// of a Go type the column holds. It returns v, or nil for a typed nil
// pointer.
func checkValue(f *meta.Field, op Op, v any) (any, error) {
	switch {
	case op.isPattern() && f.Type != meta.TypeString:
		return nil, fmt.Errorf("query: %s %s: the operator applies to string columns, not %s", f, op, f.Type)
	case op.isOrder() && (f.Type == meta.TypeBool || f.Type == meta.TypeJSON):
		return nil, fmt.Errorf("query: %s %s: %s column has no order", f, op, article(f.Type))
	}
	if op.isList() {
		rv := reflect.ValueOf(v)
		for i := range rv.Len() {
			x := rv.Index(i).Interface()
			if isNil(x) && !f.Nullable {
				return nil, fmt.Errorf("query: %s %s: the list holds null, but the column is NOT NULL", f, op)
			}
			if err := checkType(f, op, x); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
	if isNil(v) {
		return nil, nil
	}
	return v, checkType(f, op, v)
}

// isNil reports whether v is nil or a nil pointer that is not a
// driver.Valuer (a Valuer decides itself what nil means).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	if _, ok := v.(driver.Valuer); ok {
		return false
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// checkType checks one non-nil value's Go type against the column f.
func checkType(f *meta.Field, op Op, v any) error {
	if isNil(v) || f.Type == meta.TypeJSON {
		return nil
	}
	if _, ok := v.(driver.Valuer); ok {
		return nil
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if f.Storage == meta.StoreRef && len(f.Rel.Target.PK) == 1 && t.AssignableTo(f.Rel.Target.PK[0].GoType) {
		return nil // the target's key, of its own Go type
	}
	if f.GoType != nil && f.Storage != meta.StoreRef {
		gt := f.GoType
		if f.Storage == meta.StorePointer {
			gt = gt.Elem()
		}
		if t.AssignableTo(gt) {
			return nil
		}
	}
	ok := false
	k := t.Kind()
	isInt := k >= reflect.Int && k <= reflect.Int64 || k >= reflect.Uint && k <= reflect.Uint64
	switch f.Type {
	case meta.TypeBool:
		ok = k == reflect.Bool
	case meta.TypeInt16, meta.TypeInt32, meta.TypeInt64:
		ok = isInt
	case meta.TypeFloat32, meta.TypeFloat64:
		ok = isInt || k == reflect.Float32 || k == reflect.Float64
	case meta.TypeDecimal:
		ok = isInt || k == reflect.Float32 || k == reflect.Float64
		if k == reflect.String {
			s := reflect.ValueOf(v)
			if s.Kind() == reflect.Pointer {
				s = s.Elem()
			}
			if _, err := strconv.ParseFloat(s.String(), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
				return fmt.Errorf("query: %s %s: %q is not a decimal number", f, op, s.String())
			}
			ok = true
		}
	case meta.TypeString:
		ok = k == reflect.String
	case meta.TypeBytes:
		ok = k == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case meta.TypeTime:
		ok = t == timeType || k == reflect.Struct && t.ConvertibleTo(timeType)
	}
	if !ok {
		what := "value"
		if op.isList() {
			what = "list element"
		}
		return fmt.Errorf("query: %s %s: want %s value, got %s %s", f, op, article(f.Type), what, reflect.TypeOf(v))
	}
	return nil
}

// article returns "a t" or "an t".
func article(t meta.Type) string {
	s := t.String()
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
