package em

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/gomikro/gomikro"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// RowSink merges rows that a backend loads by its own means (the SQL
// query builder, say) into the identity map of an EntityManager, exactly
// as Find does: a row whose key is managed already yields the managed
// object, references point to managed objects, OnLoad hooks run. It
// implements [Sink]. Backends use it; applications do not need it.
type RowSink struct {
	m *EntityManager
	h *hydrator
	// rec, when set, records the rows for the result cache (CachedLoad).
	rec *recorder
}

// NewRowSink returns a sink into the EntityManager that an operation op
// on m runs on (the request's fork when m is the global one, as for
// Find; the global one is refused unless the config allows it). With
// refresh, rows overwrite managed entities.
func NewRowSink(ctx context.Context, m Manager, op string, refresh bool) (*RowSink, error) {
	mm, err := m.manager().use(ctx, op)
	if err != nil {
		return nil, err
	}
	return &RowSink{m: mm, h: mm.hydrator(refresh)}, nil
}

// RowSinkFor is NewRowSink for rows of entity type T, which must be
// registered; it returns T's metadata and prepares the identity map for
// T as Find[T] does.
func RowSinkFor[T any](ctx context.Context, m Manager, op string, refresh bool) (*RowSink, *meta.Entity, error) {
	mm, e, err := typed[T](ctx, m.manager(), op)
	if err != nil {
		return nil, nil, err
	}
	mm.t.SetTyped(e, typedOps[T]{})
	h := mm.hydrator(refresh)
	h.detached = e.Virtual // not managed (see meta.Virtual)
	return &RowSink{m: mm, h: h}, e, nil
}

// Manager returns the EntityManager the rows go to.
func (s *RowSink) Manager() *EntityManager { return s.m }

// Alloc implements Sink.
func (s *RowSink) Alloc(e *meta.Entity) unsafe.Pointer { return s.h.Alloc(e) }

// Ref implements Sink.
func (s *RowSink) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	return s.h.Ref(target, pk)
}

// Row implements Sink. The sink keeps no list of the rows it merged, so
// that a stream of rows does not accumulate in it.
func (s *RowSink) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	if s.rec != nil {
		return s.rec.Row(e, obj)
	}
	p, err := s.h.Row(e, obj)
	s.h.out = s.h.out[:0]
	return p, err
}

// Detached reports whether the sink makes detached objects (see
// DetachedRowSinkFor).
func (s *RowSink) Detached() bool { return s.h.detached }

// Link implements Sink.
func (s *RowSink) Link(owner any, obj unsafe.Pointer) { s.h.Link(owner, obj) }

// Managed returns the managed object of e holding the row whose primary
// key is in obj, when the identity map has that row loaded and Row would
// keep it as it is (no refresh): a backend can then skip hydrating the
// row. obj is not retained.
func (s *RowSink) Managed(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, bool) {
	if s.h.refresh || s.h.detached {
		return nil, false
	}
	k, ok := tracking.KeyOf(e, obj)
	if !ok {
		return nil, false
	}
	en, found := s.m.t.Lookup(e, k)
	if !found || en.State == tracking.StateRef {
		return nil, false
	}
	return en.Obj, true
}

// SetCollection records that the collection f of the managed owner holds
// items (managed objects of f's target), as if populated, unless the
// collection is loaded already and the sink does not refresh (its
// unflushed changes are kept then).
func (s *RowSink) SetCollection(f *meta.Field, owner unsafe.Pointer, items []unsafe.Pointer) {
	c := rel.CollectionAt(f.Ptr(owner))
	if c.Initialized && !s.h.refresh {
		return
	}
	setLoaded(c, items)
}

// Populate loads the relations named by paths for the managed objects
// objs of e, as the Populate option of Find does.
func (s *RowSink) Populate(ctx context.Context, e *meta.Entity, objs []unsafe.Pointer, paths []string) error {
	if len(paths) == 0 || len(objs) == 0 {
		return nil
	}
	if err := checkPopulate(e, paths); err != nil {
		return err
	}
	if s.h.detached {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: detached entities cannot be populated", e.Name)}
	}
	return s.m.populate(s.m.counted(ctx), e, objs, paths, s.h.refresh, nil)
}

// Finish runs the OnLoad hooks of the entities loaded since the last
// call. Call it when the rows are in (and, for a stream, before handing
// an entity to the caller).
func (s *RowSink) Finish(ctx context.Context) error {
	err := s.h.finish(ctx)
	s.h.loaded = s.h.loaded[:0]
	return err
}
