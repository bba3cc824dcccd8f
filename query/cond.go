package query

import (
	"slices"
	"strings"
)

// Filter is anything that can be a filter: an [M], a [Cond] built by the
// helpers, or nil, which matches every row.
type Filter interface{ filter() }

// M is a filter written as a map, MikroORM style:
//
//	query.M{"title": "Go", "author.name": query.M{"$like": "A%"},
//		"$or": []query.M{{"year": query.M{"$gt": 2000}}, {"year": nil}}}
//	query.M{"author": query.M{"name": "Ann"}} // a condition on the related Author
//	query.M{"author": 1}                       // by raw key; also *Author or a ref.Ref
//	query.M{"id": []int64{1, 2}}              // a list means $in
type M map[string]any

func (M) filter() {}

// String renders the map with its keys sorted.
func (m M) String() string {
	keys := sortedKeys(m)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(formatValue(m[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func sortedKeys(m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Cond is an unresolved condition tree: properties are named by strings.
// Its nodes are [Cmp], [RelCond], [AndCond], [OrCond] and [NotCond];
// [Parse] returns such a tree with every map expanded and every dotted
// path split into RelCond groups.
type Cond interface {
	Filter
	cond()
	// String renders the condition for debugging and tests.
	String() string
}

// Cmp compares the property at Path with Value. Path may be dotted
// ("author.name"): each dot crosses a relation.
type Cmp struct {
	Path  string
	Op    Op
	Value any
}

// RelCond applies C to the entities related through the property Path:
// all of C holds for one related row (the same row, on a 1:m or m:n
// relation). A nil C only asks for a related row to exist.
type RelCond struct {
	Path string
	C    Cond

	// raw is the nested map RelCond was parsed from; Resolve compares a
	// JSON property with it.
	raw M
}

// AndCond holds when every condition holds; an empty AndCond always holds.
type AndCond []Cond

// OrCond holds when any condition holds; an empty OrCond never holds.
type OrCond []Cond

// NotCond negates C.
type NotCond struct{ C Cond }

func (Cmp) filter()     {}
func (Cmp) cond()       {}
func (RelCond) filter() {}
func (RelCond) cond()   {}
func (AndCond) filter() {}
func (AndCond) cond()   {}
func (OrCond) filter()  {}
func (OrCond) cond()    {}
func (NotCond) filter() {}
func (NotCond) cond()   {}

// String renders `path $op value`.
func (c Cmp) String() string { return c.Path + " " + c.Op.String() + " " + formatValue(c.Value) }

// String renders `path{condition}`.
func (c RelCond) String() string {
	if c.C == nil {
		return c.Path + "{exists}"
	}
	return c.Path + "{" + c.C.String() + "}"
}

// String renders `(a AND b)`, or TRUE when empty.
func (c AndCond) String() string { return joinConds(c, " AND ", "TRUE") }

// String renders `(a OR b)`, or FALSE when empty.
func (c OrCond) String() string { return joinConds(c, " OR ", "FALSE") }

// String renders `NOT c`.
func (c NotCond) String() string { return "NOT " + condString(c.C) }

func condString(c Cond) string {
	if c == nil {
		return "TRUE"
	}
	return c.String()
}

func joinConds(cs []Cond, sep, empty string) string {
	if len(cs) == 0 {
		return empty
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = condString(c)
	}
	return "(" + strings.Join(parts, sep) + ")"
}
