package sqlem

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// selMode is what a SELECT is rendered for.
type selMode uint8

const (
	selEntities selMode = iota // GetResult: the entities' columns
	selRows                    // Scan, Scalar: the Select list or the root's columns
	selCount                   // Count
	selIn                      // a sub-query of WhereIn: one column
	selExists                  // a sub-query of WhereExists
)

// qpart is one entity a row of selEntities holds: the root or a selected
// join, whose columns start at first.
type qpart struct {
	e      *meta.Entity
	alias  string
	j      *rjoin
	parent int // the part of the join's parent alias, or -1
	first  int
}

// selPlan is what the rows of a SELECT hold.
type selPlan struct {
	sc    *scope
	parts []qpart
	outs  []string // column names, in selRows
}

// selectSQL renders the builder as a SELECT for mode inside parent.
func (s *qbState) selectSQL(b *builder, parent *scope, mode selMode) (*selPlan, error) {
	sc, err := s.newScope(parent)
	if err != nil {
		return nil, err
	}
	if s.op != opSelect && parent != nil {
		return nil, fmt.Errorf("gomikro: query builder on %s: a sub-query must be a select, not an %s", sc.rootE.Name, s.op)
	}
	pl := &selPlan{sc: sc}
	if mode == selCount && (sc.toMany || s.distinct || len(s.groupBy) > 0) {
		// Count what the query returns: its distinct roots, or groups.
		b.w("SELECT COUNT(*) FROM (")
		inner := *s
		inner.orderBy, inner.limit, inner.offset, inner.lock = nil, 0, 0, LockNone
		if len(inner.sel) == 0 && len(inner.groupBy) > 0 {
			for _, g := range inner.groupBy {
				inner.sel = append(inner.sel, selItem{expr: g})
			}
		} else if len(inner.sel) == 0 {
			inner.distinct = true
			for _, f := range sc.rootE.PK {
				inner.sel = append(inner.sel, selItem{expr: s.alias + "." + f.Name})
			}
		}
		if _, err := inner.selectSQL(b, parent, selRows); err != nil {
			return nil, err
		}
		b.w(") ", b.nextAlias())
		return pl, nil
	}
	b.w("SELECT ")
	if s.distinct && mode != selCount {
		b.w("DISTINCT ")
	}
	switch mode {
	case selCount:
		b.w("COUNT(*)")
	case selExists:
		b.w("1")
	case selEntities:
		if len(s.sel) > 0 {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: entities are loaded whole; Select is for Scan, Scalar and sub-queries", sc.rootE.Name)}
		}
		n := 0
		byAlias := map[string]int{s.alias: 0}
		pl.parts = append(pl.parts, qpart{e: sc.rootE, alias: s.alias, parent: -1})
		for _, j := range sc.joins {
			if !j.sel {
				continue
			}
			pi, ok := byAlias[j.parent]
			if !ok {
				pi = -1
			}
			byAlias[j.alias] = len(pl.parts)
			pl.parts = append(pl.parts, qpart{e: j.target, alias: j.alias, j: j, parent: pi})
		}
		for i := range pl.parts {
			p := &pl.parts[i]
			p.first = n
			a := b.q(p.alias)
			for _, f := range p.e.Reads {
				if n > 0 {
					b.w(", ")
				}
				b.wcol(a, f)
				n++
			}
		}
	default: // selRows, selIn
		if len(s.sel) == 0 {
			fields := sc.rootE.Reads
			if mode == selIn {
				if len(sc.rootE.PK) != 1 {
					return nil, fmt.Errorf("gomikro: query builder on %s: a sub-query of WhereIn needs one Select item (the key is composite)", sc.rootE.Name)
				}
				fields = sc.rootE.PK
			}
			a := b.q(s.alias)
			for i, f := range fields {
				if i > 0 {
					b.w(", ")
				}
				b.wcol(a, f)
				pl.outs = append(pl.outs, f.Column)
			}
			break
		}
		if mode == selIn && len(s.sel) != 1 {
			return nil, fmt.Errorf("gomikro: query builder on %s: a sub-query of WhereIn selects one column, not %d", sc.rootE.Name, len(s.sel))
		}
		for i, it := range s.sel {
			if i > 0 {
				b.w(", ")
			}
			expr, as := it.expr, it.as
			if it.raw {
				if err := rawFragment(b, expr, it.args); err != nil {
					return nil, err
				}
			} else {
				if m := asRe.FindStringSubmatch(expr); m != nil {
					expr, as = m[1], m[2]
				}
				sql, name, err := sc.expr(b, expr, "select")
				if err != nil {
					return nil, err
				}
				b.w(sql)
				if as == "" {
					as = name
				}
			}
			if as != "" {
				b.w(" AS ", b.q(as))
			}
			pl.outs = append(pl.outs, as)
		}
	}
	b.w(" FROM ", b.table(sc.rootE), " ", b.q(s.alias))
	for _, j := range sc.joins {
		if err := sc.join(b, j); err != nil {
			return nil, err
		}
	}
	// Entities through a to-many join come on several rows each: a page
	// (Limit, Offset) is one of root entities, chosen by a sub-query.
	page := mode == selEntities && parent == nil && sc.toMany && (s.limit > 0 || s.offset > 0)
	if len(s.where) > 0 || page {
		b.w(" WHERE ")
		if len(s.where) > 0 {
			if _, err := sc.conds(b, s.where, "where"); err != nil {
				return nil, err
			}
		}
		if page {
			if len(s.where) > 0 {
				b.w(" AND ")
			}
			if err := s.pageFilter(b, sc); err != nil {
				return nil, err
			}
		}
	}
	if len(s.groupBy) > 0 {
		b.w(" GROUP BY ")
		for i, g := range s.groupBy {
			if i > 0 {
				b.w(", ")
			}
			col, _, err := sc.column(b, g, "group by")
			if err != nil {
				return nil, err
			}
			b.w(col)
		}
	}
	if len(s.having) > 0 {
		b.w(" HAVING ")
		if _, err := sc.conds(b, s.having, "having"); err != nil {
			return nil, err
		}
	}
	if mode == selCount {
		return pl, nil
	}
	if len(s.orderBy) > 0 {
		b.w(" ORDER BY ")
		for i, o := range s.orderBy {
			if i > 0 {
				b.w(", ")
			}
			if err := s.order(b, sc, o, pl.outs); err != nil {
				return nil, err
			}
		}
	}
	if (s.limit > 0 || s.offset > 0) && !page {
		b.w(b.d.LimitOffset(s.limit, s.offset))
	}
	if s.lock != LockNone && parent == nil {
		b.w(b.d.Lock(s.lock))
	}
	return pl, nil
}

// pageFilter writes the condition that keeps the root entities of the
// page Limit and Offset ask for, when to-many joins repeat them:
//
//	r.id IN (SELECT k FROM (SELECT r.id AS k FROM ... WHERE ...
//	         GROUP BY r.id ORDER BY MIN(x), MAX(y) DESC, r.id LIMIT n) p)
//
// A root sorts by its smallest value of an ascending term and its largest
// of a descending one (a root column has one value per root). The
// derived table is there for MySQL, which refuses LIMIT directly in IN.
func (s *qbState) pageFilter(b *builder, sc *scope) error {
	e := sc.rootE
	if len(e.PK) != 1 {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: Limit and Offset with a joined collection page by root entity, which needs a single-column primary key", e.Name)}
	}
	if len(s.groupBy) > 0 || len(s.having) > 0 {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: Limit and Offset with a joined collection cannot be combined with GroupBy or Having", e.Name)}
	}
	root := b.q(s.alias)
	pk := b.col(root, e.PK[0])
	key, page := b.q("k"), b.nextAlias()
	b.w(pk, " IN (SELECT ", key, " FROM (SELECT ", pk, " AS ", key, " FROM ", b.table(e), " ", root)
	for _, j := range sc.joins {
		if err := sc.join(b, j); err != nil {
			return err
		}
	}
	if len(s.where) > 0 {
		b.w(" WHERE ")
		if _, err := sc.conds(b, s.where, "where"); err != nil {
			return err
		}
	}
	b.w(" GROUP BY ", pk, " ORDER BY ")
	for _, o := range s.orderBy {
		expr, desc := orderTerm(o)
		if strings.Contains(expr, "(") {
			return &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: Limit and Offset with a joined collection cannot order by the aggregate %q", e.Name, o)}
		}
		sql, _, err := sc.expr(b, expr, "order by")
		if err != nil {
			return err
		}
		if desc {
			b.w("MAX(", sql, ") DESC, ")
		} else {
			b.w("MIN(", sql, "), ")
		}
	}
	b.w(pk, b.d.LimitOffset(s.limit, s.offset), ") ", page, ")")
	return nil
}

// orderTerm splits an OrderBy item into its expression and direction.
func orderTerm(o string) (expr string, desc bool) {
	o = strings.TrimSpace(o)
	if rest, ok := strings.CutPrefix(o, "-"); ok {
		return strings.TrimSpace(rest), true
	}
	if m := dirRe.FindStringSubmatch(o); m != nil {
		return m[1], strings.EqualFold(m[2], "desc")
	}
	return o, false
}

// order writes one ORDER BY term.
func (s *qbState) order(b *builder, sc *scope, o string, outs []string) error {
	o, desc := orderTerm(o)
	if slices.Contains(outs, o) && !strings.Contains(o, ".") {
		b.w(b.q(o))
	} else {
		sql, _, err := sc.expr(b, o, "order by")
		if err != nil {
			return err
		}
		b.w(sql)
	}
	if desc {
		b.w(" DESC")
	}
	return nil
}

// subquery implements Subquery.
func (qb *QueryBuilder[T]) subquery(b *builder, parent *scope, one bool) error {
	if qb == nil {
		return &gomikro.ValidationError{Msg: "query builder: a nil sub-query"}
	}
	if qb.m == nil || parent == nil || qb.m.drv != parent.drv {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("query builder: the sub-query on %v comes from another ORM (build it on the same EntityManager's ORM)", qb.entity)}
	}
	return qb.sub(b, parent, one)
}

func (s *qbState) sub(b *builder, parent *scope, one bool) error {
	mode := selExists
	if one {
		mode = selIn
	}
	_, err := s.selectSQL(b, parent, mode)
	return err
}
