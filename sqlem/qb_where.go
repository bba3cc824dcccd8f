package sqlem

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// rawFragment writes sql with its ? placeholders bound to args.
func rawFragment(b *builder, sql string, args []any) error {
	var out strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		if quote != 0 {
			out.WriteByte(c)
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"', '`':
			quote = c
			out.WriteByte(c)
		case '?':
			if i+1 < len(sql) && sql[i+1] == '?' {
				out.WriteByte('?')
				i++
				continue
			}
			if n >= len(args) {
				return fmt.Errorf("gomikro: raw fragment %q: more ? placeholders than its %d arguments", sql, len(args))
			}
			out.WriteString(b.param(args[n]))
			n++
		default:
			out.WriteByte(c)
		}
	}
	if n != len(args) {
		return fmt.Errorf("gomikro: raw fragment %q: %d ? placeholders for %d arguments", sql, n, len(args))
	}
	b.w(out.String())
	return nil
}

// truth is what can be known of a condition without the rows: it holds
// for every row, for none, or it depends on the row.
type truth int8

const (
	never  truth = -1
	maybe  truth = 0
	always truth = 1
)

func (t truth) and(u truth) truth { return min(t, u) }
func (t truth) or(u truth) truth  { return max(t, u) }
func (t truth) not() truth        { return -t }

// conds writes conditions joined left to right by AND or OR:
// ((c0 AND c1) OR c2), and reports whether they hold for every row, for
// none, or it depends.
func (sc *scope) conds(b *builder, cs []qbCond, clause string) (truth, error) {
	b.w(strings.Repeat("(", len(cs)-1))
	t := always
	for i, c := range cs {
		if i > 0 {
			if c.or {
				b.w(" OR ")
			} else {
				b.w(" AND ")
			}
		}
		b.w("(")
		v, err := sc.cond(b, c, clause)
		if err != nil {
			return maybe, err
		}
		b.w(")")
		if i > 0 {
			b.w(")")
		}
		switch {
		case i == 0:
			t = v
		case c.or:
			t = t.or(v)
		default:
			t = t.and(v)
		}
	}
	return t, nil
}

var columnOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (sc *scope) cond(b *builder, c qbCond, clause string) (truth, error) {
	switch c.kind {
	case condFilter:
		pc, err := query.Parse(c.filter)
		if err != nil {
			return maybe, fmt.Errorf("gomikro: query builder %s on %s: %w", clause, sc.rootE.Name, err)
		}
		if pc == nil {
			b.w("TRUE")
			return always, nil
		}
		return sc.filter(b, pc, clause)
	case condRaw:
		return maybe, rawFragment(b, c.sql, c.args)
	case condExpr:
		return sc.render(b, sc.root, c.expr)
	case condGroup:
		return sc.conds(b, c.group, clause)
	case condColumns:
		if !columnOps[c.op] {
			return maybe, fmt.Errorf("gomikro: query builder %s: WhereColumns: unsupported operator %q", clause, c.op)
		}
		l, lf, err := sc.column(b, c.path, clause)
		if err != nil {
			return maybe, err
		}
		r, _, err := sc.column(b, c.right, clause)
		if err != nil {
			return maybe, err
		}
		op := c.op
		if op == "!=" {
			op = "<>"
		}
		b.w(l, " ", op, " ", r)
		if l != r || lf.Nullable {
			return maybe, nil
		}
		// A NOT NULL column compared with itself.
		if op == "=" || op == "<=" || op == ">=" {
			return always, nil
		}
		return never, nil
	case condIn:
		col, _, err := sc.column(b, c.path, clause)
		if err != nil {
			return maybe, err
		}
		if c.sub == nil {
			return maybe, fmt.Errorf("gomikro: query builder %s: WhereIn(%q) without a sub-query", clause, c.path)
		}
		b.w(col)
		if c.not {
			b.w(" NOT")
		}
		b.w(" IN (")
		if err := c.sub.subquery(b, sc, true); err != nil {
			return maybe, err
		}
		b.w(")")
		return maybe, nil
	case condExists:
		if c.sub == nil {
			return maybe, fmt.Errorf("gomikro: query builder %s: WhereExists without a sub-query", clause)
		}
		if c.not {
			b.w("NOT ")
		}
		b.w("EXISTS (")
		if err := c.sub.subquery(b, sc, false); err != nil {
			return maybe, err
		}
		b.w(")")
		return maybe, nil
	}
	return maybe, fmt.Errorf("gomikro: query builder: unknown condition kind %d", c.kind)
}

// filter renders a parsed filter: groups whose key is an alias apply to
// that alias's entity, everything else to the root entity.
func (sc *scope) filter(b *builder, c query.Cond, clause string) (truth, error) {
	list := func(cs []query.Cond, sep, empty string, or bool) (truth, error) {
		if len(cs) == 0 {
			b.w(empty)
			if or {
				return never, nil
			}
			return always, nil
		}
		t := always
		if or {
			t = never
		}
		b.w("(")
		for i, x := range cs {
			if i > 0 {
				b.w(sep)
			}
			v, err := sc.filter(b, x, clause)
			if err != nil {
				return maybe, err
			}
			if or {
				t = t.or(v)
			} else {
				t = t.and(v)
			}
		}
		b.w(")")
		return t, nil
	}
	switch c := c.(type) {
	case query.AndCond:
		return list(c, " AND ", "TRUE", false)
	case query.OrCond:
		return list(c, " OR ", "FALSE", true)
	case query.NotCond:
		b.w("NOT (")
		t, err := sc.filter(b, c.C, clause)
		if err != nil {
			return maybe, err
		}
		b.w(")")
		return t.not(), nil
	case query.RelCond:
		// An alias wins over a relation of the same name, as in MikroORM.
		if e, ok := sc.lookup(c.Path); ok {
			return sc.resolved(b, e, c.Path, c.C, clause)
		}
	}
	return sc.resolved(b, sc.rootE, sc.root, c, clause)
}

// resolved resolves c against e and renders it on alias.
func (sc *scope) resolved(b *builder, e *meta.Entity, alias string, c query.Cond, clause string) (truth, error) {
	if c == nil {
		b.w("TRUE")
		return always, nil
	}
	x, err := query.Resolve(e, c)
	if err != nil {
		return maybe, fmt.Errorf("gomikro: query builder %s: %w", clause, err)
	}
	return sc.render(b, alias, x)
}

// render writes the resolved condition x on the entity aliased alias.
func (sc *scope) render(b *builder, alias string, x query.Expr) (truth, error) {
	name := b.q(alias)
	for s := sc; s != nil; s = s.parent {
		if _, ok := s.byAlias[alias]; ok {
			name = s.sqlName(b, alias)
			break
		}
	}
	if err := b.where(name, x); err != nil {
		return maybe, err
	}
	return exprTruth(x), nil
}

// exprTruth reports whether x holds for every row, for none, or it
// depends: empty lists, NULL tests of NOT NULL columns and the logic
// around them, as rendered.
func exprTruth(x query.Expr) truth {
	switch x := x.(type) {
	case nil:
		return always
	case query.AndExpr:
		t := always
		for _, y := range x {
			t = t.and(exprTruth(y))
		}
		return t
	case query.OrExpr:
		t := never
		for _, y := range x {
			t = t.or(exprTruth(y))
		}
		return t
	case query.NotExpr:
		return exprTruth(x.E).not()
	case query.FieldCmp:
		return cmpTruth(x)
	case query.RelExpr:
		inner := exprTruth(x.E)
		switch {
		case inner == never:
			return never // no related row satisfies it
		case inner == always && x.Field.Storage == meta.StoreRef && !x.Field.Nullable:
			return always // every row references an existing one
		}
	}
	return maybe
}

// cmpTruth is exprTruth of one comparison.
func cmpTruth(c query.FieldCmp) truth {
	notNull := !c.Field.Nullable
	switch c.Op {
	case query.OpIn, query.OpNin:
		rv := reflect.ValueOf(c.Value)
		if (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Len() == 0 {
			if c.Op == query.OpIn {
				return never
			}
			return always
		}
	case query.OpEq, query.OpNe:
		if c.Value == nil && notNull {
			if c.Op == query.OpEq {
				return never // IS NULL
			}
			return always // IS NOT NULL
		}
	case query.OpExists:
		if yes, ok := c.Value.(bool); ok && notNull {
			if yes {
				return always
			}
			return never
		}
	}
	return maybe
}

// join writes one JOIN clause.
func (sc *scope) join(b *builder, j *rjoin) error {
	kw := " JOIN "
	if j.left {
		kw = " LEFT JOIN "
	}
	pa, a := b.q(j.parent), b.q(j.alias)
	f, t := j.field, j.target
	switch {
	case f.Storage == meta.StoreRef:
		b.w(kw, b.q(t.Table), " ", a, " ON ", b.col(a, t.PK[0]), " = ", b.col(pa, f))
	case f.Rel.Kind == meta.OneToOne || f.Rel.Kind == meta.OneToMany:
		b.w(kw, b.q(t.Table), " ", a, " ON ", b.col(a, f.Rel.MappedBy), " = ", b.col(pa, f.Entity.PK[0]))
	case f.Rel.Kind == meta.ManyToMany:
		pv := f.Rel.Pivot
		self, other := pv.OwnerColumn, pv.TargetColumn
		if !f.Rel.Owner {
			self, other = other, self
		}
		p := b.nextAlias()
		b.w(kw, b.q(pv.Table), " ", p, " ON ", p, ".", b.q(self), " = ", b.col(pa, f.Entity.PK[0]),
			kw, b.q(t.Table), " ", a, " ON ", b.col(a, t.PK[0]), " = ", p, ".", b.q(other))
	default:
		return fmt.Errorf("gomikro: query builder: join %q: unsupported relation %s", j.path, f)
	}
	if j.on != nil {
		x, err := query.Resolve(t, j.on)
		if err != nil {
			return fmt.Errorf("gomikro: query builder join %q: %w", j.path, err)
		}
		if x != nil {
			b.w(" AND ")
			if err := b.where(a, x); err != nil {
				return err
			}
		}
	}
	return nil
}
