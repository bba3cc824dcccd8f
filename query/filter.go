// Package query is gomikro's filter language, one for every backend, with
// MikroORM's operators: $eq $ne $in $nin $gt $gte $lt $lte $like $ilike
// $re $exists $and $or $not, and relation paths such as "author.name".
//
// A filter is a map or a tree built with helpers; both mean the same:
//
//	query.M{"title": "Go", "year": query.M{"$gte": 2000}}
//	query.And(query.Eq("title", "Go"), query.Gte("year", 2000))
//
// Conditions on a relation nest (applied to the same related row) or use
// dotted paths: query.M{"author": query.M{"name": "Ann"}}, query.Eq("author.name", "Ann").
// A reference compares with a raw key, an entity pointer or a ref.Ref:
// query.M{"author": 1}.
//
// $ne and $nin on a nullable column also match NULL, as on MongoDB; an
// empty $in matches nothing and an empty $nin everything.
//
// Resolve checks every property against metadata and returns the Expr the
// backends render. Values stay values: backends bind them as parameters.
package query

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnknownProperty is matched by errors for properties an entity lacks.
var ErrUnknownProperty = errors.New("query: unknown property")

// Filter is a filter: an M, a Cond built by the helpers, or nil for all rows.
type Filter interface{ filter() }

// M is a filter written as a map, MikroORM style.
type M map[string]any

func (M) filter() {}

// String renders the map deterministically.
func (m M) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Op is a comparison operator.
type Op uint8

// Operators.
const (
	OpEq Op = iota + 1
	OpNe
	OpIn
	OpNin
	OpGt
	OpGte
	OpLt
	OpLte
	OpLike
	OpIlike
	OpRe
	OpExists
)

var opNames = map[Op]string{OpEq: "$eq", OpNe: "$ne", OpIn: "$in", OpNin: "$nin", OpGt: "$gt", OpGte: "$gte",
	OpLt: "$lt", OpLte: "$lte", OpLike: "$like", OpIlike: "$ilike", OpRe: "$re", OpExists: "$exists"}

var opByName = func() map[string]Op {
	m := map[string]Op{}
	for op, n := range opNames {
		m[n] = op
	}
	return m
}()

func (o Op) String() string {
	if n, ok := opNames[o]; ok {
		return n
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Cond is an unresolved condition tree: paths are strings.
type Cond interface {
	Filter
	cond()
	String() string
}

// Cmp compares the property at Path (possibly dotted) with Value.
type Cmp struct {
	Path  string
	Op    Op
	Value any
}

// RelCond applies C to the entities related through the property Path;
// all of C applies to the same related row.
type RelCond struct {
	Path string
	C    Cond

	raw M // the nested map it came from, for JSON properties
}

// AndCond holds when every condition holds (an empty one always holds).
type AndCond []Cond

// OrCond holds when any condition holds (an empty one never holds).
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

func (c Cmp) String() string     { return fmt.Sprintf("%s %s %v", c.Path, c.Op, c.Value) }
func (c RelCond) String() string { return fmt.Sprintf("%s{%v}", c.Path, c.C) }
func (c AndCond) String() string { return "(" + join(c, " AND ") + ")" }
func (c OrCond) String() string  { return "(" + join(c, " OR ") + ")" }
func (c NotCond) String() string { return fmt.Sprintf("NOT %v", c.C) }

func join(cs []Cond, sep string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, sep)
}
