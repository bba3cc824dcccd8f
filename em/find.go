package em

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// Find returns the entities of type T matching where (nil: all), managed by
// m: a row already in the identity map yields the object already there.
func Find[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) ([]*T, error) {
	mm, e, err := typed[T](ctx, m.manager(), "Find")
	if err != nil {
		return nil, err
	}
	entered, err := mm.enter("Find")
	if err != nil {
		return nil, err
	}
	defer mm.leave(entered)
	mm.t.SetTyped(e, typedOps[T]{})
	o, expr, order, err := mm.prepare(e, where, opts)
	if err != nil {
		return nil, err
	}
	if err := mm.autoFlush(ctx, o.flushMode, e, expr, order, o.populate); err != nil {
		return nil, err
	}
	objs, err := mm.run(ctx, e, &o, expr, order)
	if err != nil {
		return nil, err
	}
	if len(objs) == 0 {
		return []*T{}, nil
	}
	return typedObjects[T](objs), nil
}

// FindAll returns every entity of type T.
func FindAll[T any](ctx context.Context, m Manager, opts ...FindOption) ([]*T, error) {
	return Find[T](ctx, m, nil, opts...)
}

// FindOne returns the first entity matching where, or nil (and no error)
// when none does.
//
// A filter that is exactly the primary key's equality (every column of a
// composite key) is answered from the identity map without a query when
// the entity is managed, as MikroORM does: the managed object, with its
// unflushed changes. An entity removed but not flushed yet is not found
// (nil). Populate still loads the relations named that are not loaded
// (without querying the entity itself again); Refresh, a lock option,
// Offset or an active filter of the entity's type (soft delete included)
// make it query.
func FindOne[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) (*T, error) {
	mm, e, err := typed[T](ctx, m.manager(), "FindOne")
	if err != nil {
		return nil, err
	}
	entered, err := mm.enter("FindOne")
	if err != nil {
		return nil, err
	}
	defer mm.leave(entered)
	mm.t.SetTyped(e, typedOps[T]{})
	o, expr, order, err := mm.prepare(e, where, opts)
	if err != nil {
		return nil, err
	}
	o.limit = 1
	if p, hit, err := mm.fromMap(ctx, e, &o, expr); hit || err != nil {
		return (*T)(p), err
	}
	if err := mm.autoFlush(ctx, o.flushMode, e, expr, order, o.populate); err != nil {
		return nil, err
	}
	objs, err := mm.run(ctx, e, &o, expr, order)
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	return (*T)(objs[0]), nil
}

// FindOneOrFail is FindOne, with an error matching gomikro.ErrNotFound when
// no entity matches.
func FindOneOrFail[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) (*T, error) {
	res, err := FindOne[T](ctx, m, where, opts...)
	if err != nil {
		return nil, err
	}
	if res == nil {
		e, _ := m.manager().c.reg.Of(reflect.TypeFor[T]())
		return nil, fmt.Errorf("%w: %s matching %v", gomikro.ErrNotFound, e.Name, describe(where))
	}
	return res, nil
}

// Count counts the entities of type T matching where. Of opts, only
// WithFlushMode, the filter options (Filter, WithoutFilters,
// WithDeleted), Cache, CacheAs and FromPrimary apply.
func Count[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) (int64, error) {
	mm, e, err := typed[T](ctx, m.manager(), "Count")
	if err != nil {
		return 0, err
	}
	entered, err := mm.enter("Count")
	if err != nil {
		return 0, err
	}
	defer mm.leave(entered)
	var o findOptions
	for _, opt := range opts {
		opt(&o)
	}
	expr, err := mm.resolveWhere(e, where, o.filters)
	if err != nil {
		return 0, err
	}
	if err := mm.autoFlush(ctx, o.flushMode, e, expr, nil, nil); err != nil {
		return 0, err
	}
	if o.cache != nil || o.primary {
		return mm.countSpecial(ctx, e, &o, expr)
	}
	return mm.readSession().Count(mm.counted(ctx), &Query{Entity: e, Where: expr})
}

// FindAndCount returns one page of results and the count of all matches
// (ignoring Limit and Offset), for pagination.
func FindAndCount[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) ([]*T, int64, error) {
	res, err := Find[T](ctx, m, where, opts...)
	if err != nil {
		return nil, 0, err
	}
	n, err := Count[T](ctx, m, where, opts...)
	if err != nil {
		return nil, 0, err
	}
	return res, n, nil
}

func describe(f query.Filter) any {
	if f == nil {
		return "{}"
	}
	if s, ok := f.(fmt.Stringer); ok {
		return s.String()
	}
	return f
}

func typed[T any](ctx context.Context, m *EntityManager, op string) (*EntityManager, *meta.Entity, error) {
	mm, err := m.use(ctx, op)
	if err != nil {
		return nil, nil, err
	}
	t := reflect.TypeFor[T]()
	e, ok := mm.c.reg.Of(t)
	if !ok || t != e.Type {
		return nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s is not a registered entity (add it to Config.Entities)", t)}
	}
	return mm, e, nil
}

// find runs a find without the flush mode's flush (Refresh, lazy loads).
func (m *EntityManager) find(ctx context.Context, e *meta.Entity, where query.Filter, opts []FindOption) ([]unsafe.Pointer, error) {
	o, expr, order, err := m.prepare(e, where, opts)
	if err != nil {
		return nil, err
	}
	return m.run(ctx, e, &o, expr, order)
}

// prepare checks a find's filter and options before anything is sent; the
// active filters are joined to the filter.
func (m *EntityManager) prepare(e *meta.Entity, where query.Filter, opts []FindOption) (o findOptions, expr query.Expr, order []Order, err error) {
	for _, opt := range opts {
		opt(&o)
	}
	if expr, err = m.resolveWhere(e, where, o.filters); err != nil {
		return o, nil, nil, err
	}
	if order, err = o.order(e); err != nil {
		return o, nil, nil, err
	}
	if o.limit < 0 || o.offset < 0 {
		return o, nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("find %s: Limit(%d) and Offset(%d) must not be negative", e.Name, o.limit, o.offset)}
	}
	if err = checkPopulate(e, o.populate); err != nil {
		return o, nil, nil, err
	}
	if err = checkFlushMode(o.flushMode); err != nil {
		return o, nil, nil, err
	}
	return o, expr, order, nil
}

// run sends a prepared find and merges its rows into the identity map.
func (m *EntityManager) run(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr, order []Order) ([]unsafe.Pointer, error) {
	if o.cache != nil || o.primary && !m.primaryOnce {
		return m.runSpecial(ctx, e, o, expr, order)
	}
	ctx = m.counted(ctx)
	q := &Query{Entity: e, Where: expr, OrderBy: order, Limit: o.limit, Offset: o.offset, Lock: o.lock, Fields: lazyReads(e, o.refresh)}
	h := m.hydrator(o.refresh)
	h.unique = true // one table, one row per key
	h.useBlocks()
	var err error
	if e.Virtual {
		h.detached = true
		err = m.readSession().Find(ctx, q, virtualSink{h}) // not managed: fresh objects (see meta.Virtual)
	} else {
		err = m.fetch(ctx, q, h)
	}
	out := h.takeOut()
	if err != nil {
		m.t.IndexPending()
		return nil, fmt.Errorf("gomikro: find %s: %w", e.Name, err)
	}
	if err := h.finish(ctx); err != nil {
		return nil, err
	}
	if len(o.populate) > 0 {
		if err := m.populate(ctx, e, out, o.populate, o.refresh, o.filters); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkPopulate validates populate paths before anything is sent.
func checkPopulate(e *meta.Entity, paths []string) error {
	for _, p := range paths {
		cur := e
		segs := strings.Split(p, ".")
		for i, seg := range segs {
			f, ok := cur.Field(seg)
			if !ok {
				return fmt.Errorf("gomikro: Populate(%q): %s has no property %q: %w", p, cur.Name, seg, query.ErrUnknownProperty)
			}
			if f.Lazy && i < len(segs)-1 {
				return fmt.Errorf("gomikro: Populate(%q): %s.%s is a lazy field, not a relation to go through", p, cur.Name, f.Name)
			}
			if f.Lazy {
				break
			}
			if f.Rel == nil {
				return fmt.Errorf("gomikro: Populate(%q): %s.%s is neither a relation nor a lazy field", p, cur.Name, f.Name)
			}
			cur = f.Rel.Target
		}
	}
	return nil
}
