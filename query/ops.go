package query

import "strconv"

// Op is a comparison operator.
type Op uint8

// The comparison operators; String gives their names in filter maps.
const (
	OpEq     Op = iota + 1 // $eq: equal (nil: IS NULL)
	OpNe                   // $ne: not equal (nil: IS NOT NULL)
	OpIn                   // $in: one of a list (empty: nothing)
	OpNin                  // $nin: none of a list (empty: everything)
	OpGt                   // $gt: greater than
	OpGte                  // $gte: greater than or equal
	OpLt                   // $lt: less than
	OpLte                  // $lte: less than or equal
	OpLike                 // $like: SQL LIKE pattern (% and _)
	OpIlike                // $ilike: case-insensitive LIKE
	OpRe                   // $re: regular expression
	OpExists               // $exists: set (true) or NULL (false); on a relation, a related row exists
)

var opNames = [...]string{
	OpEq: "$eq", OpNe: "$ne", OpIn: "$in", OpNin: "$nin",
	OpGt: "$gt", OpGte: "$gte", OpLt: "$lt", OpLte: "$lte",
	OpLike: "$like", OpIlike: "$ilike", OpRe: "$re", OpExists: "$exists",
}

var opByName = func() map[string]Op {
	m := make(map[string]Op, len(opNames))
	for op, n := range opNames {
		if n != "" {
			m[n] = Op(op)
		}
	}
	return m
}()

// String returns the operator's name: "$eq", "$in", ...
func (o Op) String() string {
	if o.Valid() {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Valid reports whether o is one of the defined operators.
func (o Op) Valid() bool { return o >= OpEq && o <= OpExists }

// isList reports whether the operator takes a list.
func (o Op) isList() bool { return o == OpIn || o == OpNin }

// isOrder reports whether the operator compares by order.
func (o Op) isOrder() bool { return o >= OpGt && o <= OpLte }

// isPattern reports whether the operator matches a string pattern.
func (o Op) isPattern() bool { return o == OpLike || o == OpIlike || o == OpRe }

// Logical operators: keys of a filter map that combine filters rather than
// compare a property.
const (
	keyAnd = "$and"
	keyOr  = "$or"
	keyNot = "$not"
)
