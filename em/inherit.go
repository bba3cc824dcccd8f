package em

import (
	"context"

	"fmt"
	"github.com/gomikro/gomikro"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// As returns the managed entity base (an entity of an inheritance
// hierarchy, as a query of a base type returns it) as its subtype T: the
// object itself, typed, when it is a T (or a subtype of T); nil and false
// otherwise, and for objects m does not manage.
//
// A query of a base type returns each row as its own subtype: the
// elements of a []*Animal are the Animal inside a *Dog, a *Cat, ... (the
// base is their first field), and As gets the *Dog back without a cast,
// as in `if d, ok := em.As[Dog](m, a); ok { ... }`.
func As[T any, B any](m Manager, base *B) (*T, bool) {
	if base == nil {
		return nil, false
	}
	mm := m.manager()
	reg := mm.c.reg
	be, ok := reg.Of(reflect.TypeFor[B]())
	if !ok || be.Type != reflect.TypeFor[B]() {
		return nil, false
	}
	te, ok := reg.Of(reflect.TypeFor[T]())
	if !ok || te.Type != reflect.TypeFor[T]() || !te.IsA(be) && !be.IsA(te) {
		return nil, false
	}
	p := unsafe.Pointer(base)
	en, ok := mm.t.Entry(be, p)
	if !ok || !en.E.IsA(te) {
		return nil, false
	}
	// en.Obj is p, an object of en.E, which is T or embeds T as its first
	// field (at offset 0, checked at Open): a *T to it is valid.
	return (*T)(en.Obj), true
}

// setDiscriminator writes e's discriminator value into the new object p.
func setDiscriminator(e *meta.Entity, p unsafe.Pointer) {
	in := e.Inheritance
	*(*string)(in.Discriminator.Ptr(p)) = in.Value
}

// discExpr is the condition a query of the subtype e adds: its rows and
// those of its own subtypes. nil for a root (its table holds only rows of
// its hierarchy) and outside hierarchies.
func discExpr(e *meta.Entity) query.Expr {
	in := e.Inheritance
	if in == nil || in.Parent == nil {
		return nil
	}
	if len(in.Values) == 1 {
		return query.FieldCmp{Field: in.Discriminator, Op: query.OpEq, Value: in.Value}
	}
	return query.FieldCmp{Field: in.Discriminator, Op: query.OpIn, Value: in.Values}
}

// fetch runs q into h: a query of a type with subtypes goes by fetchPoly.
func (m *EntityManager) fetch(ctx context.Context, q *Query, h *hydrator) error {
	if q.Entity.Polymorphic() {
		return m.fetchPoly(ctx, q, h)
	}
	return m.readSession().Find(ctx, q, h)
}

// polyRows collects the detached rows of the first step of fetchPoly.
type polyRows struct {
	*hydrator
	rows []unsafe.Pointer
}

// Row implements Sink.
func (s *polyRows) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	p := s.detachedRow(e, obj)
	s.rows = append(s.rows, p)
	return p, nil
}

// fetchPoly runs a query of a base type with subtypes. The rows come
// first as the base (the query's filter, order, limit and lock apply
// there), detached; their discriminators tell their types, and each
// type's rows not managed yet are loaded by key, as that type, into h.
// h receives the managed objects in the query's order (and the links of
// q.Via): each is the subtype's object, whose first field is the base.
func (m *EntityManager) fetchPoly(ctx context.Context, q *Query, h *hydrator) error {
	e := q.Entity
	first := &polyRows{hydrator: m.hydrator(false)}
	first.detached = true
	if err := m.readSession().Find(ctx, q, first); err != nil {
		return err
	}
	if len(first.rows) == 0 {
		return nil
	}
	disc := e.Inheritance.Discriminator
	types := make([]*meta.Entity, len(first.rows))
	keys := make([]tracking.Key, len(first.rows))
	objs := make([]unsafe.Pointer, len(first.rows))
	todo := map[*meta.Entity][]any{}
	var order []*meta.Entity
	queued := map[tracking.Key]bool{}
	for i, row := range first.rows {
		v := *(*string)(disc.Ptr(row))
		t, ok := e.ByDiscriminator(v)
		if !ok {
			return meta.DiscriminatorError(e, v)
		}
		k, ok := tracking.KeyOf(e, row)
		if !ok {
			return fmt.Errorf("gomikro: %s row without a primary key", e.Name)
		}
		types[i], keys[i] = t, k
		if !h.refresh {
			if en, found := m.t.Lookup(t, k); found && en.State == tracking.StateManaged {
				objs[i] = en.Obj
				continue
			}
		}
		if queued[k] {
			continue
		}
		queued[k] = true
		if _, ok := todo[t]; !ok {
			order = append(order, t)
		}
		todo[t] = append(todo[t], e.PK[0].Value(row).Interface())
	}
	for _, t := range order {
		for _, chunk := range m.keyChunks(t.PK[0], todo[t]) {
			sub := m.hydrator(h.refresh)
			sub.unique = true
			tq := &Query{Entity: t, Where: query.FieldCmp{Field: t.PK[0], Op: query.OpIn, Value: chunk}, Lock: q.Lock, Fields: lazyReads(t, h.refresh)}
			if err := m.readSession().Find(ctx, tq, sub); err != nil {
				m.t.IndexPending()
				return fmt.Errorf("%s rows: %w", t.Name, err)
			}
			if err := sub.finish(ctx); err != nil {
				return err
			}
		}
	}
	for i := range objs {
		if objs[i] != nil {
			continue
		}
		en, found := m.t.Lookup(types[i], keys[i])
		if !found {
			// Deleted between the two queries: left out.
			continue
		}
		objs[i] = en.Obj
	}
	for _, p := range objs {
		if p != nil {
			h.push(p)
		}
	}
	if q.Via != nil {
		at := make(map[unsafe.Pointer]unsafe.Pointer, len(first.rows))
		for i, row := range first.rows {
			at[row] = objs[i]
		}
		for _, l := range first.links {
			if p := at[l.obj]; p != nil {
				h.links = append(h.links, link{l.owner, p})
			}
		}
	}
	return nil
}

// polyRef returns, for a reference to the base target with subtypes whose
// row is not managed, an object holding only the key at pk: which type
// the row has is known only when it is loaded, so Row turns the reference
// into a raw key (ref.Ref's ID), which Load and Populate resolve.
func (h *hydrator) polyRef(target *meta.Entity, f *meta.Field, pk unsafe.Pointer) unsafe.Pointer {
	return h.detachedRef(target, f, pk)
}

// rawKeys turns the references of obj to objects made by polyRef or
// detachedRef into raw keys.
func (h *hydrator) rawKeys(e *meta.Entity, obj unsafe.Pointer) {
	for _, f := range e.Columns {
		if f.Storage != meta.StoreRef {
			continue
		}
		r := rel.RefAt(f.Ptr(obj))
		if r.Ptr == nil {
			continue
		}
		for _, k := range h.keyOnly {
			if k == r.Ptr {
				t := f.Rel.Target
				r.ID, r.Ptr = t.PK[0].Value(k).Interface(), nil
				break
			}
		}
	}
	h.keyOnly = h.keyOnly[:0]
}

// pendingBelow reports whether a subtype of e has changes a flush would
// write (a query of e returns its rows too).
func (m *EntityManager) pendingBelow(e *meta.Entity) (bool, error) {
	for _, d := range e.Descendants() {
		if hit, err := m.pendingFor(d); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
}

// ownRow refuses a row of a subtype hydrated as its base e, outside Find
// (a query builder's result, a stream): the object would be a base whose
// subtype's fields are lost, and the identity map would keep it as such.
func ownRow(e *meta.Entity, obj unsafe.Pointer) error {
	in := e.Inheritance
	v := *(*string)(in.Discriminator.Ptr(obj))
	if v == in.Value {
		return nil
	}
	what := "an unknown type"
	if x, ok := e.ByDiscriminator(v); ok {
		what = "a " + x.Name
	}
	return &gomikro.ValidationError{Msg: fmt.Sprintf("a %s row (discriminator %q) is %s: rows of subtypes come back as their type from em.Find, FindOne and relations; "+
		"a query builder, raw query or stream of %s reads %s rows only (query a subtype, or filter on %s)", e.Name, v, what, e.Name, in.Value, in.Discriminator.Name)}
}

// unpersistedSubtype is the error for a new object reached through f, a
// relation to a base with subtypes: its type cannot be told from the
// pointer, so it is not persisted by cascade.
func unpersistedSubtype(f *meta.Field) error {
	return &gomikro.ValidationError{Msg: fmt.Sprintf("%s references a new %s (or subtype) that is not persisted: "+
		"%s has subtypes, so the object's type cannot be told from the reference; persist it first (as its own type)", f, f.Rel.Target.Name, f.Rel.Target.Name)}
}
