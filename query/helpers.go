package query

import (
	"database/sql/driver"
	"reflect"
	"slices"
)

// Eq holds when the property at path equals v; Eq(path, nil) when it is
// NULL. On a reference, v may be a raw key, an entity pointer or a
// ref.Ref.
func Eq(path string, v any) Cond { return Cmp{path, OpEq, v} }

// Ne holds when the property differs from v (on a nullable column, also
// when it is NULL); Ne(path, nil) when it is not NULL.
func Ne(path string, v any) Cond { return Cmp{path, OpNe, v} }

// Gt holds when the property is greater than v.
func Gt(path string, v any) Cond { return Cmp{path, OpGt, v} }

// Gte holds when the property is greater than or equal to v.
func Gte(path string, v any) Cond { return Cmp{path, OpGte, v} }

// Lt holds when the property is less than v.
func Lt(path string, v any) Cond { return Cmp{path, OpLt, v} }

// Lte holds when the property is less than or equal to v.
func Lte(path string, v any) Cond { return Cmp{path, OpLte, v} }

// Like holds when the string property matches the LIKE pattern (% and _).
func Like(path, pattern string) Cond { return Cmp{path, OpLike, pattern} }

// ILike is Like ignoring case.
func ILike(path, pattern string) Cond { return Cmp{path, OpIlike, pattern} }

// Re holds when the string property matches the regular expression.
func Re(path, pattern string) Cond { return Cmp{path, OpRe, pattern} }

// Exists holds when the property is set (exists) or NULL (!exists). On a
// relation it tests whether a related row exists.
func Exists(path string, exists bool) Cond { return Cmp{path, OpExists, exists} }

// IsNull is Eq(path, nil).
func IsNull(path string) Cond { return Eq(path, nil) }

// In holds when the property is one of vs. A single slice argument is
// the list: In("id", []int64{1, 2}). An empty list matches nothing.
func In(path string, vs ...any) Cond { return Cmp{path, OpIn, list(vs)} }

// Nin holds when the property is none of vs (on a nullable column, also
// when it is NULL). A single slice argument is the list. An empty list
// matches everything.
func Nin(path string, vs ...any) Cond { return Cmp{path, OpNin, list(vs)} }

// list returns the operand of In and Nin: the single slice argument as
// given, or a copy of the arguments (so that the caller's variadic slice
// is not shared by the condition).
func list(vs []any) any {
	if len(vs) == 1 && isImplicitList(vs[0]) {
		return vs[0]
	}
	if vs == nil {
		return []any{}
	}
	return slices.Clone(vs)
}

// isList reports whether v is a list operand: a slice or an array, but
// not a slice or array of bytes ([]byte, json.RawMessage, a UUID), which
// is one value.
func isList(v any) bool {
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	if k := t.Kind(); k != reflect.Slice && k != reflect.Array {
		return false
	}
	return t.Elem().Kind() != reflect.Uint8
}

// isImplicitList reports whether a plain value in a map means $in: a list
// that is not a driver.Valuer (such as a database array type).
func isImplicitList(v any) bool {
	if !isList(v) {
		return false
	}
	_, valuer := v.(driver.Valuer)
	return !valuer
}

// And holds when every filter holds. Maps and conditions mix; a nil
// filter holds for every row.
func And(fs ...Filter) Cond { return AndCond(conds(fs)) }

// Or holds when any filter holds. Or() with no filters never holds.
func Or(fs ...Filter) Cond { return OrCond(conds(fs)) }

// Not negates f.
func Not(f Filter) Cond { return NotCond{C: asCond(f)} }

func conds(fs []Filter) []Cond {
	out := make([]Cond, len(fs))
	for i, f := range fs {
		out[i] = asCond(f)
	}
	return out
}

// asCond makes a Cond of any Filter; Parse expands or rejects what it wraps.
func asCond(f Filter) Cond {
	switch f := f.(type) {
	case nil:
		return AndCond{}
	case Cond:
		return f
	case M:
		return mapCond{f}
	}
	return badCond{f}
}

// mapCond is an M inside a condition tree; Parse expands it.
type mapCond struct{ m M }

func (mapCond) filter()          {}
func (mapCond) cond()            {}
func (c mapCond) String() string { return c.m.String() }

// badCond carries a Filter of a foreign type (a struct embedding M, say)
// to Parse, which rejects it.
type badCond struct{ f Filter }

func (badCond) filter()          {}
func (badCond) cond()            {}
func (c badCond) String() string { return "?" }
