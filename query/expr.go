package query

import (
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// Expr is a resolved filter: every property is a field of metadata, every
// operator fits its column and every value its column's type. Its nodes
// are [FieldCmp], [RelExpr], [AndExpr], [OrExpr] and [NotExpr]; a nil
// Expr matches every row. Backends render it (SQL, Mongo).
type Expr interface {
	expr()
	// String renders the expression for debugging and tests.
	String() string
}

// FieldCmp compares a column of the entity: a scalar, or an owning m:1 or
// 1:1 reference's foreign key (Value is then the raw key). With OpIn and
// OpNin, Value is a slice or an array, possibly empty.
type FieldCmp struct {
	Field *meta.Field
	Op    Op
	Value any
}

// RelExpr holds when an entity related through Field (of any relation
// kind) satisfies E, resolved against Field.Rel.Target. All of E applies
// to one related row. A nil E holds when a related row exists.
type RelExpr struct {
	Field *meta.Field
	E     Expr
}

// AndExpr holds when every expression holds; an empty one always holds.
type AndExpr []Expr

// OrExpr holds when any expression holds; an empty one never holds.
type OrExpr []Expr

// NotExpr negates E.
type NotExpr struct{ E Expr }

func (FieldCmp) expr() {}
func (RelExpr) expr()  {}
func (AndExpr) expr()  {}
func (OrExpr) expr()   {}
func (NotExpr) expr()  {}

func fieldName(f *meta.Field) string {
	if f == nil || f.Entity == nil {
		return "?"
	}
	return f.String()
}

// String renders `Entity.Field $op value`.
func (c FieldCmp) String() string {
	return fieldName(c.Field) + " " + c.Op.String() + " " + formatValue(c.Value)
}

// String renders `Entity.Field{expression}`, or `Entity.Field{exists}`.
func (r RelExpr) String() string {
	if r.E == nil {
		return fieldName(r.Field) + "{exists}"
	}
	return fieldName(r.Field) + "{" + r.E.String() + "}"
}

// String renders `(a AND b)`, or TRUE when empty.
func (a AndExpr) String() string { return joinExprs(a, " AND ", "TRUE") }

// String renders `(a OR b)`, or FALSE when empty.
func (o OrExpr) String() string { return joinExprs(o, " OR ", "FALSE") }

// String renders `NOT e`.
func (n NotExpr) String() string { return "NOT " + exprString(n.E) }

func exprString(x Expr) string {
	if x == nil {
		return "TRUE"
	}
	return x.String()
}

func joinExprs(xs []Expr, sep, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = exprString(x)
	}
	return "(" + strings.Join(parts, sep) + ")"
}
