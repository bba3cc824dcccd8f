package em

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// hydrator merges rows from a backend into the identity map.
type hydrator struct {
	m       *EntityManager
	refresh bool
	// unique: the rows of this find cannot repeat a key, so new rows are
	// indexed in one batch at the end (see tracking.AddLoadedLater).
	unique  bool
	pending *meta.Entity
	out     []unsafe.Pointer
	loaded  []loadedObj // objects whose data this find loaded, for OnLoad
	links   []link
	// The reference resolved last: rows often point to the same row.
	refE   *meta.Entity
	refK   tracking.Key
	refObj unsafe.Pointer
	// refInt and rowInt are the integer key fields (tracking.IntKey) of
	// refE and rowE, the types of the reference and the row read last;
	// nil when their keys are not one integer.
	refInt *meta.Field
	rowE   *meta.Entity
	rowInt *meta.Field
	// detached: rows become plain objects outside the identity map (see
	// Stream); keyOnly are the reference objects made for the row being
	// read, turned into raw keys by Row.
	detached bool
	keyOnly  []unsafe.Pointer
	// blocks, when set, holds the objects collected before out (see
	// useBlocks).
	blocks *outBlocks
	// lazy counts the objects after out that are those of the tracker's
	// last pending entries (see pushPending).
	lazy int
}

type loadedObj struct {
	e *meta.Entity
	p unsafe.Pointer
}

type link struct {
	owner any
	obj   unsafe.Pointer
}

func (m *EntityManager) hydrator(refresh bool) *hydrator {
	return &hydrator{m: m, refresh: refresh}
}

// Alloc implements Sink.
func (h *hydrator) Alloc(e *meta.Entity) unsafe.Pointer {
	if h.detached {
		return e.New()
	}
	return h.m.t.Alloc(e)
}

// Ref implements Sink.
func (h *hydrator) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	if target == h.pending {
		// A self-reference may point to a row of this very batch.
		if h.lazy > 0 {
			h.unlazy()
		}
		h.m.t.IndexPending()
		h.pending = nil
	}
	f := target.PK[0]
	if h.detached {
		return h.detachedRef(target, f, pk)
	}
	var k tracking.Key
	if target == h.refE && h.refInt != nil {
		// The key at pk has the type of refInt (see Sink.Ref).
		if k = (tracking.Key{I: *(*int64)(pk)}); k == h.refK {
			return h.refObj
		}
	} else if k, _ = tracking.FieldKey(f, pk); target == h.refE && k == h.refK {
		return h.refObj
	}
	if target.Inheritance != nil && target.Polymorphic() {
		if en, ok := h.m.t.Lookup(target, k); ok {
			return en.Obj
		}
		return h.polyRef(target, f, pk)
	}
	obj := h.ref(target, f, pk, k)
	if target != h.refE {
		h.refInt = tracking.IntKey(target)
	}
	h.refE, h.refK, h.refObj = target, k, obj
	return obj
}

// ref returns the managed object of target with key k (the value at pk),
// a new reference when there is none.
func (h *hydrator) ref(target *meta.Entity, f *meta.Field, pk unsafe.Pointer, k tracking.Key) unsafe.Pointer {
	if en, ok := h.m.t.Lookup(target, k); ok {
		return en.Obj
	}
	obj := h.m.t.Alloc(target)
	reflect.NewAt(f.GoType, f.Ptr(obj)).Elem().Set(reflect.NewAt(f.GoType, pk).Elem())
	h.m.t.AddRef(target, obj, k, true)
	h.m.attach(target, obj, false)
	return obj
}

// Row implements Sink.
func (h *hydrator) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	if e.Inheritance != nil && len(e.Inheritance.Children) > 0 {
		if err := ownRow(e, obj); err != nil {
			return nil, err
		}
	}
	if h.detached {
		return h.detachedRow(e, obj), nil
	}
	if len(h.keyOnly) > 0 {
		h.rawKeys(e, obj)
	}
	if e != h.rowE {
		h.rowE, h.rowInt = e, tracking.IntKey(e)
	}
	var k tracking.Key
	var ok bool
	if h.rowInt != nil {
		k, ok = tracking.IntKeyAt(h.rowInt, obj)
	} else {
		k, ok = tracking.KeyOf(e, obj)
	}
	if !ok {
		return nil, fmt.Errorf("gomikro: %s row without a primary key", e.Name)
	}
	t := h.m.t
	if en, found := t.Lookup(e, k); found {
		if en.State == tracking.StateRef || h.refresh && en.State == tracking.StateManaged {
			// A reference loaded now keeps what was set on it since (as
			// MikroORM merges): those columns stay changes to flush.
			var kept unsafe.Pointer
			var changed []*meta.Field
			if en.State == tracking.StateRef && !h.refresh {
				var err error
				if changed, err = t.Changed(en, nil); err != nil {
					return nil, err
				}
				if len(changed) > 0 {
					kept = e.New()
					reflect.NewAt(e.Type, kept).Elem().Set(reflect.NewAt(e.Type, en.Obj).Elem())
				}
			}
			copyKeepingCollections(e, en.Obj, obj)
			h.m.attach(e, en.Obj, false)
			if err := t.Loaded(en); err != nil {
				return nil, err
			}
			for _, f := range changed {
				f.Value(en.Obj).Set(f.Value(kept))
			}
			h.loaded = append(h.loaded, loadedObj{e, en.Obj})
		}
		h.push(en.Obj)
		return en.Obj, nil
	}
	later := h.unique
	if later {
		if _, err := t.AddLoadedLater(e, obj, k, true); err != nil {
			return nil, err
		}
		h.pending = e
	} else if _, err := t.AddLoaded(e, obj, k, true); err != nil {
		return nil, err
	}
	h.m.attach(e, obj, false)
	if e.Hooks.Has(meta.HookOnLoad) {
		h.loaded = append(h.loaded, loadedObj{e, obj})
	}
	if later && h.blocks != nil {
		h.pushPending()
	} else {
		h.push(obj)
	}
	return obj, nil
}

// Link implements Sink.
func (h *hydrator) Link(owner any, obj unsafe.Pointer) {
	h.links = append(h.links, link{owner, obj})
}

// finish hands the rows of the find to the identity map (their key index
// is built when first needed, see tracking.DeferIndex) and runs the
// OnLoad hooks of what it loaded.
func (h *hydrator) finish(ctx context.Context) error {
	if h.lazy > 0 {
		h.unlazy()
	}
	h.m.t.DeferIndex()
	h.pending = nil
	for _, l := range h.loaded {
		e, p := l.e, l.p
		if !e.Hooks.Has(meta.HookOnLoad) {
			continue
		}
		if _, ok := h.m.t.Entry(e, p); !ok && !h.detached {
			continue
		}
		if err := h.m.user(func() error {
			return e.Interface(p).(interface{ OnLoad(context.Context) error }).OnLoad(WithContext(ctx, h.m))
		}); err != nil {
			return fmt.Errorf("gomikro: %s.OnLoad: %w", e.Name, err)
		}
	}
	return nil
}

// copyKeepingCollections copies the row src into the managed object dst,
// keeping what the row does not carry: dst's collections and its inverse
// 1:1 references.
func copyKeepingCollections(e *meta.Entity, dst, src unsafe.Pointer) {
	var colls []rel.Collection
	var refs []rel.Ref
	for _, f := range e.Relations {
		switch {
		case f.Rel.Collection:
			colls = append(colls, *rel.CollectionAt(f.Ptr(dst)))
		case f.Storage == meta.StoreNone:
			refs = append(refs, *rel.RefAt(f.Ptr(dst)))
		}
	}
	reflect.NewAt(e.Type, dst).Elem().Set(reflect.NewAt(e.Type, src).Elem())
	for _, f := range e.Relations {
		switch {
		case f.Rel.Collection:
			*rel.CollectionAt(f.Ptr(dst)), colls = colls[0], colls[1:]
		case f.Storage == meta.StoreNone:
			*rel.RefAt(f.Ptr(dst)), refs = refs[0], refs[1:]
		}
	}
}

// loader implements rel.Loader for the references and collections m manages.
type loader struct{ m *EntityManager }

func (l *loader) Initialized(target reflect.Type, p unsafe.Pointer) bool {
	e, ok := l.m.c.reg.Of(target)
	if !ok {
		return true
	}
	en, ok := l.m.t.Entry(e, p)
	return !ok || en.State != tracking.StateRef
}

func (l *loader) LoadRef(ctx context.Context, r *rel.Ref, target reflect.Type) error {
	m := l.m
	ctx = m.counted(ctx)
	entered, err := m.enter("Ref.Load")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	e, ok := m.c.reg.Of(target)
	if !ok {
		return fmt.Errorf("gomikro: %s is not a registered entity", target)
	}
	if p, ok := r.ID.(*rel.Pending); ok {
		// Inverse 1:1: ask for the row that points back to the owner.
		return m.populateField(ctx, p.Field.(*meta.Field), []unsafe.Pointer{p.Owner}, false, nil)
	}
	var id any
	if r.Ptr != nil {
		id = e.PK[0].Value(r.Ptr).Interface()
	} else {
		id = r.ID
		// The row may be in the identity map already.
		if k, ok := tracking.ValueKey(id); ok {
			if en, found := m.t.Lookup(e, k); found && en.State == tracking.StateManaged {
				r.Ptr, r.ID = en.Obj, nil
				return nil
			}
		}
	}
	objs, err := m.find(ctx, e, pkFilter(e, id), nil)
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		return fmt.Errorf("%w: %s with primary key %v", errNotFound(), e.Name, id)
	}
	r.Ptr = objs[0]
	return nil
}

func (l *loader) LoadCollection(ctx context.Context, c *rel.Collection) error {
	f, ok := c.Field.(*meta.Field)
	if !ok || c.Owner == nil {
		return fmt.Errorf("gomikro: collection without an owner")
	}
	entered, err := l.m.enter("Collection.Load")
	if err != nil {
		return err
	}
	defer l.m.leave(entered)
	return l.m.populateField(l.m.counted(ctx), f, []unsafe.Pointer{c.Owner}, false, nil)
}
