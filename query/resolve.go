package query

import (
	"fmt"
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// Resolve parses f (see [Parse]) and checks it against the entity e,
// returning the tree the backends render. A nil filter or an empty M
// resolves to nil: every row.
//
// A property is found by e.Field: its Go name, lowerCamel form or column
// name, case-insensitively; an unknown one is an error matching
// [ErrUnknownProperty] that names the entity and the property. Nested maps
// and dotted paths become [RelExpr] across relations of any kind.
//
// Comparisons:
//   - a scalar column: [FieldCmp], the value checked against the column's
//     type (any integer kind for integer columns, integers or floats for
//     float and decimal columns, numeric strings also for decimal,
//     time.Time for time, string for string, []byte for bytes, anything
//     for JSON; named types by their kind; pointers by what they point to;
//     driver.Valuer values unchecked; nil with $eq and $ne, and in $in
//     lists of nullable columns). $like, $ilike and $re need a string
//     column, $gt and friends an ordered one, $exists a nullable one.
//   - an owning m:1 or 1:1 reference: [FieldCmp] on its foreign key, with
//     entity pointers and ref.Ref values (anything with ID() any) replaced
//     by their primary key, also inside $in lists. $exists tests the
//     foreign key when it is nullable, else a related row.
//   - a collection or an inverse 1:1: the related rows' primary keys.
//     {"books": 3} is RelExpr{books, Book.ID $eq 3}; $ne and $nin negate
//     the whole relation (no related row with that key); nil with $eq
//     means no related row and with $ne some; $exists true is RelExpr{books,
//     nil} and false its NotExpr.
//   - a JSON column compared with a nested map of plain keys: FieldCmp
//     $eq with the map.
//   - an embeddable as a whole (Address `orm:"embedded"`): with nil
//     ($eq, $ne, $exists; a nullable embeddable only) the AND of its
//     columns' IS NULL tests, or the OR of their negations; with a value
//     of its struct type (or a pointer to one) the AND of its columns'
//     $eq comparisons with the value's fields, or the OR of their $ne
//     ones. Other operators are refused, naming the embeddable and its
//     properties.
//
// Values are kept as given, except entity and reference keys and typed
// nil pointers, which become nil.
func Resolve(e *meta.Entity, f Filter) (Expr, error) {
	if e == nil {
		return nil, fmt.Errorf("query: Resolve needs an entity")
	}
	c, err := Parse(f)
	if err != nil || c == nil {
		return nil, err
	}
	return resolveCond(e, c, "", nil)
}

// field finds the property name of e, inside the embeddable emb when it
// is not nil; prefix is the path that led to e.
func field(e *meta.Entity, prefix string, emb *meta.Embedded, name string) (*meta.Field, error) {
	if emb != nil {
		name = emb.Path + "." + name
	}
	f, ok := e.Field(name)
	if !ok {
		if m, isEmb := e.Embedded(name); isEmb {
			return nil, embeddedErr(m, "no condition goes through it")
		}
		return nil, &propertyError{entity: e.Name, name: name, path: at(prefix, name)}
	}
	return f, nil
}

// lowerPath is path with each segment in lowerCamel form.
func lowerPath(path string) string {
	segs := strings.Split(path, ".")
	for i, s := range segs {
		if s != "" {
			segs[i] = strings.ToLower(s[:1]) + s[1:]
		}
	}
	return strings.Join(segs, ".")
}

// resolveCond resolves a parsed condition on e; emb, when not nil, is the
// embeddable of e whose properties the condition names.
func resolveCond(e *meta.Entity, c Cond, prefix string, emb *meta.Embedded) (Expr, error) {
	switch c := c.(type) {
	case nil:
		return AndExpr{}, nil
	case Cmp:
		if strings.Contains(c.Path, ".") {
			// Parse splits paths; a Cmp here is always one name.
			return nil, fmt.Errorf("query: internal error: unsplit path %q", c.Path)
		}
		if len(e.Embeddeds) > 0 {
			if m, ok := e.Embedded(embPath(emb, c.Path)); ok {
				return compareEmbedded(m, c.Op, c.Value)
			}
		}
		f, err := field(e, prefix, emb, c.Path)
		if err != nil {
			return nil, err
		}
		return compare(f, c.Op, c.Value)
	case RelCond:
		if m, ok := e.Embedded(embPath(emb, c.Path)); ok {
			if c.C == nil {
				return nil, embeddedErr(m, "it is not a relation, so it has no related rows")
			}
			return resolveCond(e, c.C, prefix, m)
		}
		f, err := field(e, prefix, emb, c.Path)
		if err != nil {
			return nil, err
		}
		if f.Rel == nil {
			return nestedOnScalar(f, c)
		}
		if c.C == nil {
			return RelExpr{f, nil}, nil
		}
		inner, err := resolveCond(f.Rel.Target, c.C, at(prefix, c.Path), nil)
		if err != nil {
			return nil, err
		}
		return RelExpr{f, inner}, nil
	case AndCond:
		out, err := resolveConds(e, c, prefix, emb)
		if err != nil {
			return nil, err
		}
		return AndExpr(out), nil
	case OrCond:
		out, err := resolveConds(e, c, prefix, emb)
		if err != nil {
			return nil, err
		}
		return OrExpr(out), nil
	case NotCond:
		inner, err := resolveCond(e, c.C, prefix, emb)
		if err != nil {
			return nil, err
		}
		return NotExpr{inner}, nil
	case EntityCond:
		if c.Type != e.Type {
			where := ""
			if prefix != "" {
				where = " (at " + prefix + ")"
			}
			return nil, fmt.Errorf("query: a typed condition on %s applied to %s%s", c.Type.Name(), e.Name, where)
		}
		return resolveCond(e, c.C, prefix, emb)
	}
	return nil, fmt.Errorf("query: unsupported condition type %T", c)
}

func resolveConds(e *meta.Entity, cs []Cond, prefix string, emb *meta.Embedded) ([]Expr, error) {
	out := make([]Expr, len(cs))
	for i, c := range cs {
		x, err := resolveCond(e, c, prefix, emb)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// embPath is the property path of name inside the embeddable emb (or at
// the top level when emb is nil).
func embPath(emb *meta.Embedded, name string) string {
	if emb == nil {
		return name
	}
	return emb.Path + "." + name
}

// nestedOnScalar resolves a nested map or path under a property that is
// not a relation: a JSON column equals a map of plain keys; anything else
// is an error.
func nestedOnScalar(f *meta.Field, c RelCond) (Expr, error) {
	if c.raw == nil {
		return nil, fmt.Errorf("query: %s is %s column, not a relation: no condition can go through it", f, article(f.Type))
	}
	if f.Type != meta.TypeJSON {
		return nil, fmt.Errorf("query: %s $eq: want %s value, got a map (%s is not a relation; compare it with operators such as {\"$gt\": ...})", f, article(f.Type), f.Name)
	}
	for k := range c.raw {
		if strings.HasPrefix(k, "$") {
			return nil, fmt.Errorf("query: %s: %s in a map compared with a JSON column; write {\"$eq\": value} to compare with such a map", f, k)
		}
	}
	return FieldCmp{f, OpEq, map[string]any(c.raw)}, nil
}

// compare resolves a comparison of the property f itself.
func compare(f *meta.Field, op Op, v any) (Expr, error) {
	switch {
	case f.Rel != nil && f.Storage != meta.StoreRef:
		return compareRelated(f, op, v)
	case f.Rel != nil:
		// An owning reference: compare its foreign key.
		if op == OpExists {
			if f.Nullable {
				return FieldCmp{f, op, v}, nil
			}
			return exists(f, v.(bool)), nil
		}
		k, err := keyValue(f, op, v)
		if err != nil {
			return nil, err
		}
		v = k
	case op == OpExists:
		if !f.Nullable {
			return nil, fmt.Errorf("query: %s $exists: the column is NOT NULL; $exists applies to nullable columns and relations", f)
		}
		return FieldCmp{f, op, v}, nil
	}
	v, err := checkValue(f, op, v)
	if err != nil {
		return nil, err
	}
	return FieldCmp{f, op, v}, nil
}

// compareRelated resolves a comparison of a collection or an inverse 1:1
// with a value: a condition on the related rows' primary key.
func compareRelated(f *meta.Field, op Op, v any) (Expr, error) {
	switch {
	case op == OpExists:
		return exists(f, v.(bool)), nil
	case v == nil && op == OpEq:
		return exists(f, false), nil
	case v == nil && op == OpNe:
		return exists(f, true), nil
	}
	t := f.Rel.Target
	if len(t.PK) != 1 {
		return nil, fmt.Errorf("query: %s %s: %s has a composite primary key; compare properties of the related %s instead (a nested map)", f, op, t.Name, t.Name)
	}
	k, err := keyValue(f, op, v)
	if err != nil {
		return nil, err
	}
	negate := false
	switch op {
	case OpNe:
		op, negate = OpEq, true
	case OpNin:
		op, negate = OpIn, true
	}
	inner, err := compare(t.PK[0], op, k)
	if err != nil {
		return nil, err
	}
	var x Expr = RelExpr{f, inner}
	if negate {
		x = NotExpr{x}
	}
	return x, nil
}

// exists holds when a row related through f exists (or, !yes, when none does).
func exists(f *meta.Field, yes bool) Expr {
	if yes {
		return RelExpr{f, nil}
	}
	return NotExpr{RelExpr{f, nil}}
}
