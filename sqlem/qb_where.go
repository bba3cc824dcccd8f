package sqlem

import (
	"fmt"
	"slices"
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

// conds writes conditions joined left to right by AND or OR:
// ((c0 AND c1) OR c2). vacuous reports whether they hold for every row.
func (sc *scope) conds(b *builder, cs []qbCond, clause string) (vacuous bool, err error) {
	b.w(strings.Repeat("(", len(cs)-1))
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
			return false, err
		}
		b.w(")")
		if i > 0 {
			b.w(")")
		}
		switch {
		case i == 0:
			vacuous = v
		case c.or:
			vacuous = vacuous || v
		default:
			vacuous = vacuous && v
		}
	}
	return vacuous, nil
}

var columnOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

func (sc *scope) cond(b *builder, c qbCond, clause string) (bool, error) {
	switch c.kind {
	case condFilter:
		pc, err := query.Parse(c.filter)
		if err != nil {
			return false, fmt.Errorf("gomikro: query builder %s on %s: %w", clause, sc.rootE.Name, err)
		}
		if pc == nil {
			b.w("TRUE")
			return true, nil
		}
		return sc.filter(b, pc, clause)
	case condRaw:
		return false, rawFragment(b, c.sql, c.args)
	case condColumns:
		if !columnOps[c.op] {
			return false, fmt.Errorf("gomikro: query builder %s: WhereColumns: unsupported operator %q", clause, c.op)
		}
		l, _, err := sc.column(b, c.path, clause)
		if err != nil {
			return false, err
		}
		r, _, err := sc.column(b, c.right, clause)
		if err != nil {
			return false, err
		}
		op := c.op
		if op == "!=" {
			op = "<>"
		}
		b.w(l, " ", op, " ", r)
		return false, nil
	case condIn:
		col, _, err := sc.column(b, c.path, clause)
		if err != nil {
			return false, err
		}
		if c.sub == nil {
			return false, fmt.Errorf("gomikro: query builder %s: WhereIn(%q) without a sub-query", clause, c.path)
		}
		b.w(col)
		if c.not {
			b.w(" NOT")
		}
		b.w(" IN (")
		if err := c.sub.subquery(b, sc, true); err != nil {
			return false, err
		}
		b.w(")")
		return false, nil
	case condExists:
		if c.sub == nil {
			return false, fmt.Errorf("gomikro: query builder %s: WhereExists without a sub-query", clause)
		}
		if c.not {
			b.w("NOT ")
		}
		b.w("EXISTS (")
		if err := c.sub.subquery(b, sc, false); err != nil {
			return false, err
		}
		b.w(")")
		return false, nil
	}
	return false, fmt.Errorf("gomikro: query builder: unknown condition kind %d", c.kind)
}

// filter renders a parsed filter: groups whose key is an alias apply to
// that alias's entity, everything else to the root entity.
func (sc *scope) filter(b *builder, c query.Cond, clause string) (bool, error) {
	list := func(cs []query.Cond, sep, empty string, or bool) (bool, error) {
		if len(cs) == 0 {
			b.w(empty)
			return !or, nil
		}
		vac := !or
		b.w("(")
		for i, x := range cs {
			if i > 0 {
				b.w(sep)
			}
			v, err := sc.filter(b, x, clause)
			if err != nil {
				return false, err
			}
			if or {
				vac = vac || v
			} else {
				vac = vac && v
			}
		}
		b.w(")")
		return vac, nil
	}
	switch c := c.(type) {
	case query.AndCond:
		return list(c, " AND ", "TRUE", false)
	case query.OrCond:
		return list(c, " OR ", "FALSE", true)
	case query.NotCond:
		b.w("NOT (")
		if _, err := sc.filter(b, c.C, clause); err != nil {
			return false, err
		}
		b.w(")")
		return false, nil
	case query.RelCond:
		// An alias wins over a relation of the same name, as in MikroORM.
		if e, ok := sc.lookup(c.Path); ok {
			return sc.resolved(b, e, c.Path, c.C, clause)
		}
	}
	return sc.resolved(b, sc.rootE, sc.root, c, clause)
}

// resolved resolves c against e and renders it on alias.
func (sc *scope) resolved(b *builder, e *meta.Entity, alias string, c query.Cond, clause string) (bool, error) {
	if c == nil {
		b.w("TRUE")
		return true, nil
	}
	x, err := query.Resolve(e, c)
	if err != nil {
		return false, fmt.Errorf("gomikro: query builder %s: %w", clause, err)
	}
	name := b.q(alias)
	for s := sc; s != nil; s = s.parent {
		if _, ok := s.byAlias[alias]; ok {
			name = s.sqlName(b, alias)
			break
		}
	}
	if err := b.where(name, x); err != nil {
		return false, err
	}
	return vacuousExpr(x), nil
}

// vacuousExpr reports whether x holds for every row.
func vacuousExpr(x query.Expr) bool {
	switch x := x.(type) {
	case nil:
		return true
	case query.AndExpr:
		for _, y := range x {
			if !vacuousExpr(y) {
				return false
			}
		}
		return true
	case query.OrExpr:
		return slices.ContainsFunc(x, vacuousExpr)
	}
	return false
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
