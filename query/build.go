package query

import "reflect"

// Eq: the property equals v (nil: IS NULL).
func Eq(path string, v any) Cond { return Cmp{path, OpEq, v} }

// Ne: the property differs from v (nil: IS NOT NULL).
func Ne(path string, v any) Cond { return Cmp{path, OpNe, v} }

// Gt: greater than v.
func Gt(path string, v any) Cond { return Cmp{path, OpGt, v} }

// Gte: greater than or equal to v.
func Gte(path string, v any) Cond { return Cmp{path, OpGte, v} }

// Lt: less than v.
func Lt(path string, v any) Cond { return Cmp{path, OpLt, v} }

// Lte: less than or equal to v.
func Lte(path string, v any) Cond { return Cmp{path, OpLte, v} }

// Like: matches the LIKE pattern (% and _).
func Like(path, pattern string) Cond { return Cmp{path, OpLike, pattern} }

// ILike: case-insensitive Like.
func ILike(path, pattern string) Cond { return Cmp{path, OpIlike, pattern} }

// Re: matches the regular expression.
func Re(path, pattern string) Cond { return Cmp{path, OpRe, pattern} }

// Exists: the property is set (true) or NULL (false); on a relation,
// whether a related row exists.
func Exists(path string, exists bool) Cond { return Cmp{path, OpExists, exists} }

// IsNull is Eq(path, nil).
func IsNull(path string) Cond { return Eq(path, nil) }

// In: the property is one of vs. In(path, slice) takes the slice's
// elements. An empty list matches nothing.
func In(path string, vs ...any) Cond { return Cmp{path, OpIn, list(vs)} }

// Nin: the property is none of vs. An empty list matches everything.
func Nin(path string, vs ...any) Cond { return Cmp{path, OpNin, list(vs)} }

func list(vs []any) any {
	if len(vs) == 1 && vs[0] != nil {
		if k := reflect.TypeOf(vs[0]).Kind(); k == reflect.Slice || k == reflect.Array {
			if _, isBytes := vs[0].([]byte); !isBytes {
				return vs[0]
			}
		}
	}
	if vs == nil {
		return []any{}
	}
	return vs
}

// And holds when every filter holds.
func And(fs ...Filter) Cond { return AndCond(conds(fs)) }

// Or holds when any filter holds.
func Or(fs ...Filter) Cond { return OrCond(conds(fs)) }

// Not negates f.
func Not(f Filter) Cond { return NotCond{C: asCond(f)} }

func conds(fs []Filter) []Cond {
	out := make([]Cond, 0, len(fs))
	for _, f := range fs {
		out = append(out, asCond(f))
	}
	return out
}

// asCond wraps an M as a lazily parsed condition.
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

// mapCond is an M inside a Cond tree; Parse expands it.
type mapCond struct{ m M }

func (mapCond) filter()          {}
func (mapCond) cond()            {}
func (c mapCond) String() string { return c.m.String() }

// badCond carries a Filter of a foreign type to Parse, which rejects it.
type badCond struct{ f Filter }

func (badCond) filter()          {}
func (badCond) cond()            {}
func (c badCond) String() string { return "?" }
