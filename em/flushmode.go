package em

import (
	"context"
	"fmt"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// ForkOption configures a fork (see EntityManager.Fork).
type ForkOption func(*EntityManager)

// ForkFlushMode sets the flush mode of the fork (by default it inherits
// the mode of the EntityManager it is forked from, the ORM's
// Config.FlushMode for the global one).
func ForkFlushMode(mode gomikro.FlushMode) ForkOption {
	return func(f *EntityManager) { f.flushMode = mode }
}

// WithFlushMode sets the flush mode of one query, overriding the
// EntityManager's.
func WithFlushMode(mode gomikro.FlushMode) FindOption {
	return func(o *findOptions) { o.flushMode = mode }
}

// FlushMode returns the flush mode queries on m use: its own, else the
// ORM's Config.FlushMode, else gomikro.FlushAuto.
func (m *EntityManager) FlushMode() gomikro.FlushMode {
	if m.flushMode != 0 {
		return m.flushMode
	}
	if m.c.cfg.FlushMode != 0 {
		return m.c.cfg.FlushMode
	}
	return gomikro.FlushAuto
}

func checkFlushMode(mode gomikro.FlushMode) error {
	if mode > gomikro.FlushAlways {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("unknown flush mode %d: use gomikro.FlushAuto, FlushCommit or FlushAlways", mode)}
	}
	return nil
}

// typeInfo is what the core knows of an entity type for auto flush: its
// ordinal, and the types a persist of it can reach through relations
// (itself included), as a bit set of ordinals.
type typeInfo struct {
	ord   int
	reach []uint64
}

// buildTypeInfo computes the type infos of every registered entity.
func buildTypeInfo(reg *meta.Registry) map[*meta.Entity]*typeInfo {
	es := reg.Entities()
	out := make(map[*meta.Entity]*typeInfo, len(es))
	words := (len(es) + 63) / 64
	for i, e := range es {
		out[e] = &typeInfo{ord: i, reach: make([]uint64, words)}
	}
	for _, e := range es {
		ti := out[e]
		stack := []*meta.Entity{e}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			xi, ok := out[x]
			if !ok || ti.reach[xi.ord/64]&(1<<(xi.ord%64)) != 0 {
				continue
			}
			ti.reach[xi.ord/64] |= 1 << (xi.ord % 64)
			for _, f := range x.Relations {
				stack = append(stack, f.Rel.Target)
			}
		}
	}
	return out
}

// markNew records that a new entity of e was persisted: a query touching
// e, or a type a cascade from e can persist, flushes first under
// FlushAuto.
func (m *EntityManager) markNew(e *meta.Entity) {
	if e == m.lastMarked {
		return // objects come in runs of a type
	}
	ti := m.c.types[e]
	if ti == nil {
		return
	}
	if m.pending == nil {
		m.initPending(len(ti.reach))
	}
	for i, w := range ti.reach {
		m.pending[i] |= w
	}
	m.lastMarked = e
}

// markRemoved records that an entity of e was removed.
func (m *EntityManager) markRemoved(e *meta.Entity) {
	ti := m.c.types[e]
	if ti == nil {
		return
	}
	if m.pending == nil {
		m.initPending(len(ti.reach))
	}
	m.pending[ti.ord/64] |= 1 << (ti.ord % 64)
}

func (m *EntityManager) initPending(words int) {
	if words <= len(m.pendBuf) {
		m.pending = m.pendBuf[:words]
		return
	}
	m.pending = make([]uint64, words)
}

// flushedAll forgets the pending marks once a flush wrote everything.
func (m *EntityManager) flushedAll() { clear(m.pending); m.lastMarked = nil }

// pendingFor reports whether e has changes a flush would write: a new or
// removed entity marked since the last flush, or a managed entity of e
// that differs from its snapshot. It looks at e's entities only.
func (m *EntityManager) pendingFor(e *meta.Entity) (bool, error) {
	if m.marked(e) {
		return true, nil
	}
	return m.t.Pending(e)
}

// autoFlush flushes m before a query on e (with filter where, order and
// populate paths) when the flush mode asks for it: always under
// FlushAlways; under FlushAuto when a pending change could change what
// the query returns. mode overrides m's mode when not zero.
//
// What FlushAuto looks at: new and removed entities of e and of the
// related types the query reaches (marked on Persist and Remove, a bit
// test each); the entities of e, compared with their snapshots in the
// fields the query reads only (its filter's columns and relations at the
// root, its order; not the primary key, which never changes), so that a
// query by key, or a query with no filter, costs nothing however many
// entities of e are managed; every managed entity of the related types
// (whole entities). A change in a field the query does not read cannot
// change which rows it returns or their order, and the rows it returns
// that are managed come back as the managed objects, with the change.
func (m *EntityManager) autoFlush(ctx context.Context, mode gomikro.FlushMode, e *meta.Entity, where query.Expr, order []Order, populate []string) error {
	if m.flushing {
		return nil // a query from a hook during a flush
	}
	if mode == 0 {
		mode = m.FlushMode()
	}
	switch mode {
	case gomikro.FlushCommit:
		return nil
	case gomikro.FlushAlways:
		return m.queryFlush(ctx)
	case gomikro.FlushAuto:
	default:
		return checkFlushMode(mode)
	}
	hit := m.marked(e)
	var err error
	if !hit {
		var buf [8]*meta.Field
		fields := readFields(buf[:0], e, where)
		for _, o := range order {
			if !o.Field.PK {
				fields = append(fields, o.Field)
			}
		}
		for _, p := range populate {
			head, _, _ := strings.Cut(p, ".")
			if f, ok := e.Field(head); ok && f.Rel != nil && f.Rel.Kind == meta.ManyToMany && f.Rel.Owner {
				fields = append(fields, f) // the pivot rows come from e's collection
			}
		}
		hit, err = m.t.PendingIn(e, fields)
	}
	if err == nil && !hit && e.Polymorphic() {
		hit, err = m.pendingBelow(e)
	}
	if err == nil && !hit && where != nil {
		hit, err = m.pendingInExpr(where)
	}
	if err == nil && !hit {
		for _, p := range populate {
			if hit, err = m.pendingOnPath(e, p); hit || err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if hit {
		return m.queryFlush(ctx)
	}
	return nil
}

// marked reports whether e is marked as having new or removed entities.
func (m *EntityManager) marked(e *meta.Entity) bool {
	if m.pending == nil {
		return false
	}
	ti := m.c.types[e]
	return ti != nil && m.pending[ti.ord/64]&(1<<(ti.ord%64)) != 0
}

// readFields appends the fields of e a filter reads at its root: the
// columns it compares and the relations it follows (not what it reads of
// the related entities), the primary key left out.
func readFields(out []*meta.Field, e *meta.Entity, x query.Expr) []*meta.Field {
	switch x := x.(type) {
	case query.FieldCmp:
		if !x.Field.PK {
			out = append(out, x.Field)
		}
	case query.RelExpr:
		if !x.Field.PK {
			out = append(out, x.Field)
		}
	case query.AndExpr:
		for _, y := range x {
			out = readFields(out, e, y)
		}
	case query.OrExpr:
		for _, y := range x {
			out = readFields(out, e, y)
		}
	case query.NotExpr:
		out = readFields(out, e, x.E)
	}
	return out
}

// queryFlush is the flush a query runs first.
func (m *EntityManager) queryFlush(ctx context.Context) error {
	if err := m.flush(ctx); err != nil {
		return fmt.Errorf("gomikro: flush before the query (flush mode %s): %w", m.FlushMode(), err)
	}
	return nil
}

// pendingInExpr reports whether an entity type a filter reaches through
// relations has pending changes.
func (m *EntityManager) pendingInExpr(x query.Expr) (bool, error) {
	switch x := x.(type) {
	case query.RelExpr:
		if hit, err := m.pendingFor(x.Field.Rel.Target); hit || err != nil {
			return hit, err
		}
		if x.E != nil {
			return m.pendingInExpr(x.E)
		}
	case query.AndExpr:
		return m.pendingInList(x)
	case query.OrExpr:
		return m.pendingInList(x)
	case query.NotExpr:
		return m.pendingInExpr(x.E)
	}
	return false, nil
}

func (m *EntityManager) pendingInList(xs []query.Expr) (bool, error) {
	for _, x := range xs {
		if hit, err := m.pendingInExpr(x); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
}

// pendingOnPath reports whether a type a populate path reaches has
// pending changes.
func (m *EntityManager) pendingOnPath(e *meta.Entity, path string) (bool, error) {
	cur := e
	for rest, more := path, true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, ".")
		f, ok := cur.Field(seg)
		if !ok || f.Rel == nil {
			return false, nil // checkPopulate reports it
		}
		cur = f.Rel.Target
		if hit, err := m.pendingFor(cur); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
}

// AutoFlush runs the flush a query of a backend's own (a query builder's
// select, an aggregation) owes to the flush mode: mode (0: m's) decides,
// and under gomikro.FlushAuto the query flushes first when one of the
// entity types it touches has pending changes. Backends call it; it runs
// on the request's fork when m is the global EntityManager, and in m's
// transaction when it has one.
func (m *EntityManager) AutoFlush(ctx context.Context, mode gomikro.FlushMode, touched ...*meta.Entity) error {
	if m.global && FromContext(ctx) == nil && !m.c.cfg.AllowGlobalContext {
		return nil // the global EntityManager holds no unit of work then
	}
	mm, err := m.use(ctx, "query")
	if err != nil {
		return err
	}
	if mode == gomikro.FlushCommit || mode == 0 && mm.FlushMode() == gomikro.FlushCommit {
		return nil
	}
	entered, err := mm.enter("query")
	if err != nil {
		return err
	}
	defer mm.leave(entered)
	if mm.flushing {
		return nil
	}
	if len(touched) == 0 {
		if mode == gomikro.FlushAlways || mode == 0 && mm.FlushMode() == gomikro.FlushAlways {
			return mm.queryFlush(ctx)
		}
		return nil
	}
	if mode == gomikro.FlushAuto || mode == 0 && mm.FlushMode() == gomikro.FlushAuto {
		for _, e := range touched[1:] {
			hit, err := mm.pendingFor(e)
			if err != nil {
				return err
			}
			if hit {
				return mm.queryFlush(ctx)
			}
		}
	}
	if mode == gomikro.FlushAuto || mode == 0 && mm.FlushMode() == gomikro.FlushAuto {
		// A query of the backend's own (raw fragments included) may read
		// any field: every entity of its root type is compared.
		hit, err := mm.pendingFor(touched[0])
		if err != nil {
			return err
		}
		if hit {
			return mm.queryFlush(ctx)
		}
		return nil
	}
	return mm.autoFlush(ctx, mode, touched[0], nil, nil, nil)
}
