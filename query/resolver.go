package query

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/gomikro/gomikro/meta"
)

// Expr is a resolved filter: properties are fields of metadata.
type Expr interface {
	expr()
	String() string
}

// FieldCmp compares a column of the entity: a scalar, or an owning
// reference's foreign key (Value is then the raw key).
type FieldCmp struct {
	Field *meta.Field
	Op    Op
	Value any
}

// RelExpr holds when a row related through Field satisfies E (E nil: when
// a related row exists).
type RelExpr struct {
	Field *meta.Field
	E     Expr
}

// AndExpr holds when all hold.
type AndExpr []Expr

// OrExpr holds when any holds.
type OrExpr []Expr

// NotExpr negates E.
type NotExpr struct{ E Expr }

func (FieldCmp) expr() {}
func (RelExpr) expr()  {}
func (AndExpr) expr()  {}
func (OrExpr) expr()   {}
func (NotExpr) expr()  {}

func (c FieldCmp) String() string { return fmt.Sprintf("%s %s %v", c.Field, c.Op, c.Value) }
func (r RelExpr) String() string {
	if r.E == nil {
		return fmt.Sprintf("%s{exists}", r.Field)
	}
	return fmt.Sprintf("%s{%v}", r.Field, r.E)
}
func (a AndExpr) String() string { return "(" + joinE(a, " AND ") + ")" }
func (o OrExpr) String() string  { return "(" + joinE(o, " OR ") + ")" }
func (n NotExpr) String() string { return fmt.Sprintf("NOT %v", n.E) }

func joinE(xs []Expr, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, sep)
}

// Resolve parses f and checks it against the entity e: every property
// must exist, operators must fit the column type, and values must be of a
// Go type the column holds. nil (or an empty map) resolves to nil: every
// row.
func Resolve(e *meta.Entity, f Filter) (Expr, error) {
	c, err := Parse(f)
	if err != nil || c == nil {
		return nil, err
	}
	return resolve(e, c)
}

func unknown(e *meta.Entity, name string) error {
	return fmt.Errorf("%w: %s has no property %q", ErrUnknownProperty, e.Name, name)
}

func resolve(e *meta.Entity, c Cond) (Expr, error) {
	switch c := c.(type) {
	case mapCond:
		p, err := parseMap(c.m)
		if err != nil || p == nil {
			return AndExpr{}, err
		}
		return resolve(e, p)
	case Cmp:
		head, rest, dotted := strings.Cut(c.Path, ".")
		f, ok := e.Field(head)
		if !ok {
			return nil, unknown(e, head)
		}
		if dotted {
			if f.Rel == nil {
				return nil, fmt.Errorf("query: %s is not a relation, so %q cannot go through it", f, c.Path)
			}
			inner, err := resolve(f.Rel.Target, Cmp{rest, c.Op, c.Value})
			if err != nil {
				return nil, err
			}
			return RelExpr{f, inner}, nil
		}
		return compare(f, c.Op, c.Value)
	case RelCond:
		head, rest, dotted := strings.Cut(c.Path, ".")
		f, ok := e.Field(head)
		if !ok {
			return nil, unknown(e, head)
		}
		if dotted {
			if f.Rel == nil {
				return nil, fmt.Errorf("query: %s is not a relation, so %q cannot go through it", f, c.Path)
			}
			inner, err := resolve(f.Rel.Target, RelCond{Path: rest, C: c.C, raw: c.raw})
			if err != nil {
				return nil, err
			}
			return RelExpr{f, inner}, nil
		}
		if f.Rel == nil {
			if f.Storage == meta.StoreJSON && c.raw != nil {
				return FieldCmp{f, OpEq, map[string]any(c.raw)}, nil
			}
			return nil, fmt.Errorf("query: %s is not a relation; compare it with an operator map such as {\"$eq\": ...}", f)
		}
		inner, err := resolve(f.Rel.Target, c.C)
		if err != nil {
			return nil, err
		}
		return RelExpr{f, inner}, nil
	case AndCond:
		out, err := mapAll(c, func(x Cond) (Expr, error) { return resolve(e, x) })
		return AndExpr(out), err
	case OrCond:
		out, err := mapAll(c, func(x Cond) (Expr, error) { return resolve(e, x) })
		return OrExpr(out), err
	case NotCond:
		y, err := resolve(e, c.C)
		if err != nil {
			return nil, err
		}
		return NotExpr{y}, nil
	case badCond:
		return nil, fmt.Errorf("query: unsupported filter type %T", c.f)
	}
	return nil, fmt.Errorf("query: unsupported condition %T", c)
}

// mapAll applies fn to every element, stopping at the first error.
func mapAll[T, U any](xs []T, fn func(T) (U, error)) ([]U, error) {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		y, err := fn(x)
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, nil
}

// compare resolves a comparison on the property f itself.
func compare(f *meta.Field, op Op, v any) (Expr, error) {
	if err := checkShape(f.Name, op, v); err != nil {
		return nil, err
	}
	if f.Rel != nil && f.Storage != meta.StoreRef {
		// A collection or inverse side: compare the related rows' keys.
		if op == OpExists {
			if v.(bool) {
				return RelExpr{f, nil}, nil
			}
			return NotExpr{RelExpr{f, nil}}, nil
		}
		pk := f.Rel.Target.PK
		if len(pk) != 1 {
			return nil, fmt.Errorf("query: %s: compare a property of the related %s instead of its composite key", f, f.Rel.Target.Name)
		}
		inner, err := compare(pk[0], op, v)
		if err != nil {
			return nil, err
		}
		return RelExpr{f, inner}, nil
	}
	if op == OpExists {
		if !f.Nullable {
			return nil, fmt.Errorf("query: %s $exists: the column is NOT NULL, so it always exists", f)
		}
		return FieldCmp{f, op, v}, nil
	}
	if f.Storage == meta.StoreRef {
		conv, err := refValue(f, op, v)
		if err != nil {
			return nil, err
		}
		v = conv
	}
	if err := checkValue(f, op, v); err != nil {
		return nil, err
	}
	return FieldCmp{f, op, v}, nil
}

// refValue turns what a reference is compared with into the raw key:
// entities give their key, ref.Ref values their ID.
func refValue(f *meta.Field, op Op, v any) (any, error) {
	if op == OpIn || op == OpNin {
		rv := reflect.ValueOf(v)
		out := make([]any, rv.Len())
		for i := range out {
			x, err := refValue(f, OpEq, rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case interface{ ID() any }:
		return x.ID(), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.Type().Elem() == f.Rel.Target.Type {
		if rv.IsNil() {
			return nil, nil
		}
		id, _ := meta.PKOf(v)
		return id, nil
	}
	return v, nil
}

var timeType = reflect.TypeFor[time.Time]()

// checkValue refuses values of a Go type the column cannot hold, and
// operators that do not apply to the column's type.
func checkValue(f *meta.Field, op Op, v any) error {
	t := f.Type
	switch op {
	case OpLike, OpIlike, OpRe:
		if t != meta.TypeString {
			return fmt.Errorf("query: %s %s applies to string columns, %s is %s", f, op, f.Name, t)
		}
	case OpGt, OpGte, OpLt, OpLte:
		if t == meta.TypeBool || t == meta.TypeJSON {
			return fmt.Errorf("query: %s %s does not apply to a %s column", f, op, t)
		}
	}
	if op == OpIn || op == OpNin {
		rv := reflect.ValueOf(v)
		for i := range rv.Len() {
			if err := checkValue(f, OpEq, rv.Index(i).Interface()); err != nil {
				return err
			}
		}
		return nil
	}
	if v == nil || t == meta.TypeJSON {
		return nil
	}
	if _, ok := v.(driver.Valuer); ok {
		return nil
	}
	rt := reflect.TypeOf(v)
	if rt.AssignableTo(f.GoType) || f.Storage == meta.StorePointer && rt.AssignableTo(f.GoType.Elem()) {
		return nil
	}
	k := rt.Kind()
	ok := false
	switch t {
	case meta.TypeBool:
		ok = k == reflect.Bool
	case meta.TypeInt16, meta.TypeInt32, meta.TypeInt64:
		ok = k >= reflect.Int && k <= reflect.Uint64
	case meta.TypeFloat32, meta.TypeFloat64, meta.TypeDecimal:
		ok = k >= reflect.Int && k <= reflect.Float64 || t == meta.TypeDecimal && k == reflect.String
	case meta.TypeString:
		ok = k == reflect.String
	case meta.TypeBytes:
		ok = k == reflect.Slice && rt.Elem().Kind() == reflect.Uint8 || k == reflect.String
	case meta.TypeTime:
		ok = rt == timeType
	}
	if !ok {
		return fmt.Errorf("query: %s is a %s column; cannot compare it with %v (%T)", f, t, v, v)
	}
	return nil
}
