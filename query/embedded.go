package query

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// Comparisons of an embeddable as a whole. They become comparisons of its
// columns, so every backend and every consumer of an Expr (SQL, the query
// builder, MongoDB, the identity map's key test) sees only FieldCmp:
//
//   - nil with $eq (a nullable embeddable is nil): every column IS NULL,
//     which is what a nil embeddable is stored as and what reads back nil;
//     with $ne: some column is not NULL. $exists true and false are the
//     same as $ne nil and $eq nil.
//   - a struct value (or a pointer to one) with $eq: each column equals
//     the value's field (a nil pointer field: IS NULL), nested
//     embeddables included; on MongoDB each field of the sub-document is
//     compared, so the order of its fields does not matter. With $ne: some
//     column differs (a NULL one too), the same rows $not would exclude.
//
// Other operators, and other values, are refused with an error that
// names the embeddable and lists the properties to compare instead.

// embeddedLeaves returns the columns of the embeddable m, those of the
// embeddables nested in it included, in declaration order.
func embeddedLeaves(m *meta.Embedded) []*meta.Field {
	var out []*meta.Field
	for _, f := range m.Entity.Fields {
		for x := f.Embed; x != nil; x = x.Parent {
			if x == m {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// embeddedProps lists the property paths of m's columns for messages
// ("home.street, home.city, home.geo.lat").
func embeddedProps(m *meta.Embedded) string {
	leaves := embeddedLeaves(m)
	names := make([]string, len(leaves))
	for i, f := range leaves {
		names[i] = lowerPath(f.Name)
	}
	return strings.Join(names, ", ")
}

// embeddedErr is the error for a comparison of m as a whole that cannot
// be made; why says what was wrong.
func embeddedErr(m *meta.Embedded, why string) error {
	return fmt.Errorf("query: %s is an embeddable: %s; or compare its properties: %s", m, why, embeddedProps(m))
}

// compareEmbedded resolves a comparison of the embeddable m itself.
func compareEmbedded(m *meta.Embedded, op Op, v any) (Expr, error) {
	switch op {
	case OpEq, OpNe:
	case OpExists:
		yes, _ := v.(bool)
		op, v = OpEq, nil
		if yes {
			op = OpNe
		}
	default:
		return nil, embeddedErr(m, fmt.Sprintf("%s does not apply to it as a whole (it compares with $eq and $ne: a %s value or nil, and $exists)", op, m.GoType))
	}
	var sv reflect.Value // the struct compared with; invalid for nil
	if v != nil {
		rv := reflect.ValueOf(v)
		switch {
		case rv.Type() == m.GoType:
			sv = rv
		case rv.Type() == reflect.PointerTo(m.GoType):
			if !rv.IsNil() {
				sv = rv.Elem()
			}
		default:
			return nil, embeddedErr(m, fmt.Sprintf("%s takes a %s, a *%s or nil, not %s", op, m.GoType, m.GoType, typeName(v)))
		}
	}
	leaves := embeddedLeaves(m)
	if !sv.IsValid() {
		if !m.Nullable {
			return nil, embeddedErr(m, fmt.Sprintf("%s nil: it is not nullable (a %s, not a pointer), so it is never nil", op, m.GoType))
		}
		out := make([]Expr, len(leaves))
		for i, f := range leaves {
			out[i] = FieldCmp{f, op, nil}
		}
		return joined(op, out), nil
	}
	out := make([]Expr, 0, len(leaves))
	for _, f := range leaves {
		if f.Storage == meta.StoreJSON {
			return nil, embeddedErr(m, fmt.Sprintf("%s with a value: its property %s is stored as JSON, which is not compared as a whole", op, lowerPath(f.Name)))
		}
		fv, err := leafValue(sv, strings.TrimPrefix(f.Name, m.Path+"."))
		if err != nil {
			return nil, fmt.Errorf("query: %s %s: %w", m, op, err)
		}
		x, err := compare(f, op, fv)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return joined(op, out), nil
}

// joined is the AND of the columns' $eq comparisons, or the OR of their
// $ne ones.
func joined(op Op, xs []Expr) Expr {
	if op == OpNe {
		return OrExpr(xs)
	}
	return AndExpr(xs)
}

// leafValue returns the field at the dotted path inside the struct v: nil
// when the field, or a pointer to a nested embeddable on the way, is nil.
func leafValue(v reflect.Value, path string) (any, error) {
	for _, seg := range strings.Split(path, ".") {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil, nil
			}
			v = v.Elem()
		}
		v = v.FieldByName(seg)
		if !v.IsValid() {
			return nil, fmt.Errorf("no field %s in the value", path)
		}
	}
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice) && v.IsNil() {
		return nil, nil // NULL, as it is stored
	}
	if v.Kind() == reflect.Pointer && !v.Type().Implements(reflect.TypeFor[driver.Valuer]()) {
		v = v.Elem()
	}
	return v.Interface(), nil
}
