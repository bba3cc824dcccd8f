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
	mm.t.SetTyped(e, copyOf[T], allocPairs[T])
	objs, err := mm.find(ctx, e, where, opts)
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
func FindOne[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) (*T, error) {
	res, err := Find[T](ctx, m, where, append(opts, Limit(1))...)
	if err != nil || len(res) == 0 {
		return nil, err
	}
	return res[0], nil
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

// Count counts the entities of type T matching where. Of opts, only the
// filter options (Filter, WithoutFilters, WithDeleted) apply.
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
	return mm.Session().Count(mm.counted(ctx), &Query{Entity: e, Where: expr})
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

func (m *EntityManager) find(ctx context.Context, e *meta.Entity, where query.Filter, opts []FindOption) ([]unsafe.Pointer, error) {
	ctx = m.counted(ctx)
	var o findOptions
	for _, opt := range opts {
		opt(&o)
	}
	expr, err := m.resolveWhere(e, where, o.filters)
	if err != nil {
		return nil, err
	}
	order, err := o.order(e)
	if err != nil {
		return nil, err
	}
	if o.limit < 0 || o.offset < 0 {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("find %s: Limit(%d) and Offset(%d) must not be negative", e.Name, o.limit, o.offset)}
	}
	if err := checkPopulate(e, o.populate); err != nil {
		return nil, err
	}
	q := &Query{Entity: e, Where: expr, OrderBy: order, Limit: o.limit, Offset: o.offset, Lock: o.lock}
	h := m.hydrator(o.refresh)
	h.unique = true // one table, one row per key
	err = m.Session().Find(ctx, q, h)
	if err != nil {
		m.t.IndexPending()
		return nil, fmt.Errorf("gomikro: find %s: %w", e.Name, err)
	}
	if err := h.finish(ctx); err != nil {
		return nil, err
	}
	if len(o.populate) > 0 {
		if err := m.populate(ctx, e, h.out, o.populate, o.refresh, o.filters); err != nil {
			return nil, err
		}
	}
	return h.out, nil
}

// checkPopulate validates populate paths before anything is sent.
func checkPopulate(e *meta.Entity, paths []string) error {
	for _, p := range paths {
		cur := e
		for _, seg := range strings.Split(p, ".") {
			f, ok := cur.Field(seg)
			if !ok || f.Rel == nil {
				return fmt.Errorf("gomikro: Populate(%q): %s has no relation %q", p, cur.Name, seg)
			}
			cur = f.Rel.Target
		}
	}
	return nil
}
