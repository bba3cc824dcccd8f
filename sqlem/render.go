package sqlem

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// builder accumulates SQL text and its bound parameters. Values never go
// into the text; identifiers always go through the dialect's quoting.
type builder struct {
	d     Dialect
	b     strings.Builder
	args  []any
	alias int
}

func newBuilder(d Dialect) *builder { return &builder{d: d} }

func (s *builder) w(parts ...string) {
	for _, p := range parts {
		s.b.WriteString(p)
	}
}

// param binds v and returns its placeholder.
func (s *builder) param(v any) string {
	s.args = append(s.args, convertParam(s.d, v))
	return s.d.Placeholder(len(s.args))
}

// convertParam gives a parameter to the dialect's ParamConverter, if any.
func convertParam(d Dialect, v any) any {
	if c, ok := d.(ParamConverter); ok {
		return c.ConvertParam(v)
	}
	return v
}

func (s *builder) q(name string) string { return s.d.QuoteIdent(name) }

// col renders alias.column, or the expression of a formula field on
// alias; a column of a table-per-type subtype's own table is on the
// alias from gives that table. (Kept small enough to inline: a
// concatenation that does not escape stays on the stack.)
func (s *builder) col(alias string, f *meta.Field) string {
	if f.Formula != "" {
		return f.FormulaSQL(alias)
	}
	return alias + levelSuffix[f.Level] + "." + s.q(f.Column)
}

// wcol writes col(alias, f) to the text without making the string.
func (s *builder) wcol(alias string, f *meta.Field) {
	if f.Formula != "" {
		s.b.WriteString(f.FormulaSQL(alias))
		return
	}
	s.b.WriteString(alias)
	s.b.WriteString(levelSuffix[f.Level])
	s.b.WriteByte('.')
	s.b.WriteString(s.q(f.Column))
}

// table renders what a query reads the rows of e from: its quoted table,
// or the parenthesised query of a virtual entity.
func (s *builder) table(e *meta.Entity) string {
	if e.Virtual {
		return "(" + e.Expression + ")"
	}
	return s.q(e.Table)
}

// levelSuffix[l] ends the alias of the table at level l of a
// table-per-type entity ("" for its root's table).
var levelSuffix = func() (out [256]string) {
	for l := 1; l < len(out); l++ {
		out[l] = "_" + strconv.Itoa(l)
	}
	return out
}()

// levelAlias is the alias of the table at level l of a table-per-type
// entity aliased alias.
func levelAlias(alias string, l uint8) string { return alias + levelSuffix[l] }

// from writes the table of e aliased alias (see table): for a
// table-per-type subtype, its root's table joined to its own tables by
// the key.
func (s *builder) from(e *meta.Entity, alias string) {
	in := e.Inheritance
	if in == nil || len(in.Tables) < 2 {
		s.w(s.table(e), " ", alias)
		return
	}
	s.w(s.q(in.Tables[0]), " ", alias)
	pk := s.q(e.PK[0].Column)
	for l := 1; l < len(in.Tables); l++ {
		la := levelAlias(alias, uint8(l))
		s.w(" JOIN ", s.q(in.Tables[l]), " ", la, " ON ", la, ".", pk, " = ", alias, ".", pk)
	}
}

func (s *builder) nextAlias() string {
	s.alias++
	return "t" + strconv.Itoa(s.alias)
}

func (s *builder) String() string { return s.b.String() }

// where renders a resolved filter on the entity aliased alias.
func (s *builder) where(alias string, x query.Expr) error {
	switch x := x.(type) {
	case nil:
		s.w("TRUE")
	case query.FieldCmp:
		return s.cmp(alias, x)
	case query.AndExpr:
		return s.list(alias, []query.Expr(x), " AND ", "TRUE")
	case query.OrExpr:
		return s.list(alias, []query.Expr(x), " OR ", "FALSE")
	case query.NotExpr:
		s.w("NOT (")
		if err := s.where(alias, x.E); err != nil {
			return err
		}
		s.w(")")
	case query.RelExpr:
		return s.relation(alias, x)
	default:
		return fmt.Errorf("gomikro: unsupported filter node %T", x)
	}
	return nil
}

func (s *builder) list(alias string, xs []query.Expr, sep, empty string) error {
	if len(xs) == 0 {
		s.w(empty)
		return nil
	}
	s.w("(")
	for i, x := range xs {
		if i > 0 {
			s.w(sep)
		}
		if err := s.where(alias, x); err != nil {
			return err
		}
	}
	s.w(")")
	return nil
}

// bind converts a filter value for column f and binds it.
func (s *builder) bind(f *meta.Field, v any) (string, error) {
	v, err := paramValue(s.d, f, v)
	if err != nil {
		return "", err
	}
	return s.param(v), nil
}

func (s *builder) cmp(alias string, c query.FieldCmp) error {
	col := s.col(alias, c.Field)
	switch c.Op {
	case query.OpEq, query.OpNe:
		if c.Value == nil {
			if c.Op == query.OpEq {
				s.w(col, " IS NULL")
			} else {
				s.w(col, " IS NOT NULL")
			}
			return nil
		}
		p, err := s.bind(c.Field, c.Value)
		if err != nil {
			return err
		}
		if c.Op == query.OpEq {
			s.w(col, " = ", p)
		} else if c.Field.Nullable {
			s.w("(", col, " <> ", p, " OR ", col, " IS NULL)")
		} else {
			s.w(col, " <> ", p)
		}
	case query.OpIn, query.OpNin:
		rv := reflect.ValueOf(c.Value)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return fmt.Errorf("gomikro: %s %s needs a list, got %T", c.Field, c.Op, c.Value)
		}
		if rv.Len() == 0 {
			if c.Op == query.OpIn {
				s.w("FALSE")
			} else {
				s.w("TRUE")
			}
			return nil
		}
		if c.Op == query.OpNin && c.Field.Nullable {
			s.w("(", col, " IS NULL OR ")
		}
		if err := s.inList(col, c.Field, rv.Len(), func(i int) any { return rv.Index(i).Interface() }, c.Op == query.OpNin); err != nil {
			return err
		}
		if c.Op == query.OpNin && c.Field.Nullable {
			s.w(")")
		}
	case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
		op := map[query.Op]string{query.OpGt: " > ", query.OpGte: " >= ", query.OpLt: " < ", query.OpLte: " <= "}[c.Op]
		p, err := s.bind(c.Field, c.Value)
		if err != nil {
			return err
		}
		s.w(col, op, p)
	case query.OpLike:
		s.w(col, " LIKE ", s.param(c.Value))
	case query.OpIlike:
		s.w(s.d.ILike(col, s.param(c.Value)))
	case query.OpRe:
		s.w(s.d.Regexp(col, s.param(c.Value)))
	case query.OpExists:
		if b, _ := c.Value.(bool); b {
			s.w(col, " IS NOT NULL")
		} else {
			s.w(col, " IS NULL")
		}
	default:
		return fmt.Errorf("gomikro: %s: operator %s is not supported on SQL", c.Field, c.Op)
	}
	return nil
}

// relation renders a condition across a relation as an IN sub-query, so
// that a 1:m or m:n condition never multiplies the outer rows.
func (s *builder) relation(alias string, r query.RelExpr) error {
	f := r.Field
	t := f.Rel.Target
	sub := s.nextAlias()
	var outer, inner *meta.Field
	switch {
	case f.Storage == meta.StoreRef:
		outer, inner = f, t.PK[0]
		s.w(s.col(alias, outer), " IN (SELECT ", s.col(sub, inner), " FROM ")
		s.from(t, sub)
		s.w(" WHERE ")
	case f.Rel.Kind == meta.OneToOne || f.Rel.Kind == meta.OneToMany:
		outer, inner = f.Entity.PK[0], f.Rel.MappedBy
		s.w(s.col(alias, outer), " IN (SELECT ", s.col(sub, inner), " FROM ")
		s.from(t, sub)
		s.w(" WHERE ")
		if inner.Nullable {
			s.w(s.col(sub, inner), " IS NOT NULL AND ")
		}
	case f.Rel.Kind == meta.ManyToMany:
		pv := f.Rel.Pivot
		self, other := pv.OwnerColumn, pv.TargetColumn
		if !f.Rel.Owner {
			self, other = other, self
		}
		pa := s.nextAlias()
		// The target first: a table-per-type target is itself a join.
		s.w(s.col(alias, f.Entity.PK[0]), " IN (SELECT ", pa, ".", s.q(self), " FROM ")
		s.from(t, sub)
		s.w(" JOIN ", s.q(pv.Table), " ", pa, " ON ", pa, ".", s.q(other), " = ", s.col(sub, t.PK[0]), " WHERE ")
	default:
		return fmt.Errorf("gomikro: %s: unsupported relation in a filter", f)
	}
	if err := s.where(sub, r.E); err != nil {
		return err
	}
	s.w(")")
	return nil
}
