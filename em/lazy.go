package em

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// Lazy fields (`orm:"lazy"`) are left out of finds (Entity.Reads) and
// loaded by Populate naming them, in one query per batch of keys that
// reads only the key and those fields. What the query reads goes into
// the managed objects and their snapshots field by field, so that a lazy
// field never loaded is never a change (its zero value stays as it was
// "loaded"), a loaded one is not a change either, and the rest of the
// object keeps its unflushed changes. A lazy field the caller set before
// it was loaded keeps the caller's value, still a change to flush: a
// load never overwrites what was set. (As for references never loaded, a
// lazy field set to its zero value before it is loaded is not seen.)

// readOnly is the error of a write op refused on the virtual entity e.
func readOnly(e *meta.Entity, op string) error {
	return fmt.Errorf("%w: %s: %s is a virtual entity (backed by a query, not a table) and cannot be written", gomikro.ErrReadOnly, op, e.Name)
}

// lazyReads returns what a find of e reads: nil (the backend reads
// e.Reads) unless a refresh must read the lazy fields too.
func lazyReads(e *meta.Entity, refresh bool) []*meta.Field {
	if refresh && len(e.Lazy) > 0 {
		return e.ReadsAll
	}
	return nil
}

// Read returns the fields the backend reads for q: q.Fields, or the
// entity's default read list.
func (q *Query) Read() []*meta.Field {
	if q.Fields != nil {
		return q.Fields
	}
	return q.Entity.Reads
}

// populateLazy loads the lazy fields lazy of the managed objects objs
// (entities of e) that do not hold a value for one of them yet (all of
// them with refresh).
func (m *EntityManager) populateLazy(ctx context.Context, e *meta.Entity, objs []unsafe.Pointer, lazy []*meta.Field, refresh bool) error {
	if len(e.PK) == 0 {
		return fmt.Errorf("gomikro: Populate %s: lazy fields need a primary key", e.Name)
	}
	var todo []unsafe.Pointer
	for _, o := range objs {
		en, ok := m.t.Entry(e, o)
		if !ok || en.State != tracking.StateManaged {
			continue
		}
		if refresh || slices.ContainsFunc(lazy, func(f *meta.Field) bool { return f.Value(o).IsZero() }) {
			todo = append(todo, o)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	fields := append(slices.Clip(e.PK), lazy...)
	s := &lazySink{m: m, lazy: lazy}
	if len(e.PK) > 1 {
		for part := range slices.Chunk(todo, 100) {
			ors := make(query.OrExpr, 0, len(part))
			for _, o := range part {
				and := make(query.AndExpr, 0, len(e.PK))
				for _, f := range e.PK {
					and = append(and, query.FieldCmp{Field: f, Op: query.OpEq, Value: f.Value(o).Interface()})
				}
				ors = append(ors, and)
			}
			if err := m.readSession().Find(ctx, &Query{Entity: e, Where: ors, Fields: fields}, s); err != nil {
				return fmt.Errorf("gomikro: populate %s.%s: %w", e.Name, lazy[0].Name, err)
			}
		}
		return nil
	}
	keys, _ := ownerKeys(e, todo)
	for _, chunk := range m.keyChunks(e.PK[0], keys) {
		q := &Query{Entity: e, Where: query.FieldCmp{Field: e.PK[0], Op: query.OpIn, Value: chunk}, Fields: fields}
		if err := m.readSession().Find(ctx, q, s); err != nil {
			return fmt.Errorf("gomikro: populate %s.%s: %w", e.Name, lazy[0].Name, err)
		}
	}
	return nil
}

// lazySink takes rows holding a key and lazy fields and copies the fields
// into the managed objects of those keys.
type lazySink struct {
	m    *EntityManager
	lazy []*meta.Field
	buf  []*meta.Field
}

func (s *lazySink) Alloc(e *meta.Entity) unsafe.Pointer { return e.New() }

func (s *lazySink) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	return nil // lazy fields are never references
}

func (s *lazySink) Link(owner any, obj unsafe.Pointer) {}

func (s *lazySink) Row(e *meta.Entity, row unsafe.Pointer) (unsafe.Pointer, error) {
	k, ok := tracking.KeyOf(e, row)
	if !ok {
		return nil, fmt.Errorf("gomikro: %s row without a primary key", e.Name)
	}
	en, found := s.m.t.Lookup(e, k)
	if !found || en.State != tracking.StateManaged {
		return row, nil
	}
	changed, err := s.m.t.Changed(en, s.buf[:0])
	s.buf = changed
	if err != nil {
		return nil, err
	}
	for _, f := range s.lazy {
		if slices.Contains(changed, f) {
			continue // set by the caller: keep it, still to flush
		}
		dst := reflect.NewAt(f.GoType, f.Ptr(en.Obj)).Elem()
		dst.Set(reflect.NewAt(f.GoType, f.Ptr(row)).Elem())
		if err := s.m.t.SnapshotField(en, f); err != nil {
			return nil, err
		}
	}
	return en.Obj, nil
}

// NewEntityRowSink is NewRowSink for rows of e: a virtual entity's rows
// become detached objects (virtual entities are not managed).
func NewEntityRowSink(ctx context.Context, m Manager, op string, e *meta.Entity, refresh bool) (*RowSink, error) {
	s, err := NewRowSink(ctx, m, op, refresh)
	if err == nil && e.Virtual {
		s.h.detached = true
	}
	return s, err
}

// virtualSink collects the rows of a virtual entity as detached objects.
type virtualSink struct{ *hydrator }

func (s virtualSink) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	s.push(s.detachedRow(e, obj))
	return obj, nil
}
