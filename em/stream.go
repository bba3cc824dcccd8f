package em

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// Stream yields the entities of type T matching where (nil: all) one by
// one as the backend reads them, in bounded memory: the entities are
// detached — plain objects that the EntityManager does not manage, so
// nothing accumulates in the identity map however long the stream. They
// are fresh objects even for rows the identity map holds; their
// references carry the related keys (Ref.ID) without objects, and their
// collections are not loaded (loading them fails with ref.ErrDetached).
// Changes to them are not flushed: to change a row, find it (FindOne by
// its key) and change the managed object.
//
// OrderBy, Limit, Offset, WithFlushMode and lock options apply; Populate
// is refused. The flush mode's flush runs first, as for Find. OnLoad
// hooks run for every entity before it is yielded. Stop early by
// breaking out of the loop. On SQL backends the connection is busy until
// the loop ends, so inside a transaction the loop body cannot query.
//
//	for b, err := range em.Stream[Book](ctx, m, query.Gt("year", 2000)) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(b.Title)
//	}
func Stream[T any](ctx context.Context, m Manager, where query.Filter, opts ...FindOption) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		mm, e, err := typed[T](ctx, m.manager(), "Stream")
		if err != nil {
			yield(nil, err)
			return
		}
		entered, err := mm.enter("Stream")
		if err != nil {
			yield(nil, err)
			return
		}
		defer mm.leave(entered)
		o, expr, order, err := mm.prepare(e, where, opts)
		if err == nil && len(o.populate) > 0 {
			err = &gomikro.ValidationError{Msg: fmt.Sprintf("Stream[%s]: detached entities cannot be populated; use Find (or Find per batch of keys)", e.Name)}
		}
		if err == nil {
			err = mm.autoFlush(ctx, o.flushMode, e, expr, order, nil)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		h := mm.hydrator(false)
		h.detached = true
		s := &streamSink[T]{h: h, ctx: ctx, yield: yield}
		q := &Query{Entity: e, Where: expr, OrderBy: order, Limit: o.limit, Offset: o.offset, Lock: o.lock}
		err = mm.reader(&o).Find(ctx, q, s)
		if err != nil && !s.stopped && !errors.Is(err, errStreamStopped) {
			yield(nil, fmt.Errorf("gomikro: stream %s: %w", e.Name, err))
		}
	}
}

// errStreamStopped ends a backend's row loop when the consumer of a
// Stream stops.
var errStreamStopped = errors.New("gomikro: stream stopped")

// streamSink hands each detached row to the consumer of a Stream.
type streamSink[T any] struct {
	h     *hydrator
	ctx   context.Context
	yield func(*T, error) bool
	// stopped: the consumer stopped, or an error was yielded; yield must
	// not be called again.
	stopped bool
}

func (s *streamSink[T]) Alloc(e *meta.Entity) unsafe.Pointer { return s.h.Alloc(e) }

func (s *streamSink[T]) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	return s.h.Ref(target, pk)
}

func (s *streamSink[T]) Link(owner any, obj unsafe.Pointer) {}

func (s *streamSink[T]) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	p, _ := s.h.Row(e, obj)
	if err := s.h.finish(s.ctx); err != nil {
		s.stopped = true
		s.yield(nil, err)
		return nil, errStreamStopped
	}
	s.h.loaded = s.h.loaded[:0]
	m := s.h.m
	prev := m.userCode()
	more := s.yield((*T)(p), nil)
	m.endUserCode(prev)
	if !more {
		s.stopped = true
		return nil, errStreamStopped
	}
	return p, nil
}

// detachedRef returns a reference object holding only the key at pk,
// which Row turns into a raw key.
func (h *hydrator) detachedRef(target *meta.Entity, f *meta.Field, pk unsafe.Pointer) unsafe.Pointer {
	obj := target.New()
	reflect.NewAt(f.GoType, f.Ptr(obj)).Elem().Set(reflect.NewAt(f.GoType, pk).Elem())
	h.keyOnly = append(h.keyOnly, obj)
	return obj
}

// detachedRow finishes a detached row: references made by detachedRef
// become raw keys, OnLoad is queued.
func (h *hydrator) detachedRow(e *meta.Entity, obj unsafe.Pointer) unsafe.Pointer {
	if len(h.keyOnly) > 0 {
		h.rawKeys(e, obj)
	}
	if e.Hooks.Has(meta.HookOnLoad) {
		h.loaded = append(h.loaded, loadedObj{e, obj})
	}
	return obj
}

// DetachedRowSinkFor is RowSinkFor for a detached result (see Stream):
// rows become plain objects outside the identity map. It returns T's
// metadata.
func DetachedRowSinkFor[T any](ctx context.Context, m Manager, op string) (*RowSink, *meta.Entity, error) {
	mm, e, err := typed[T](ctx, m.manager(), op)
	if err != nil {
		return nil, nil, err
	}
	h := mm.hydrator(false)
	h.detached = true
	return &RowSink{m: mm, h: h}, e, nil
}
