package em

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

func errNotFound() error { return gomikro.ErrNotFound }

func pkFilter(e *meta.Entity, id any) query.Filter {
	return query.Eq(e.PK[0].Name, id)
}

// keyChunks splits keys, values of field f, into the fewest lists the
// session can send in one query each (one list when it takes any number).
func (m *EntityManager) keyChunks(f *meta.Field, keys []any) [][]any {
	if len(keys) == 0 {
		return nil
	}
	n := 0
	if kb, ok := m.Session().(KeyBatcher); ok {
		n = kb.KeyBatch(f, keys)
	}
	if n <= 0 || n >= len(keys) {
		return [][]any{keys}
	}
	return slices.Collect(slices.Chunk(keys, n))
}

// populate loads the relations named by paths for objs (entities of e).
func (m *EntityManager) populate(ctx context.Context, e *meta.Entity, objs []unsafe.Pointer, paths []string, refresh bool, qf *queryFilters) error {
	tree := map[string][]string{}
	var order []string
	for _, p := range paths {
		head, rest, _ := strings.Cut(p, ".")
		if _, ok := tree[head]; !ok {
			order = append(order, head)
		}
		if rest != "" {
			tree[head] = append(tree[head], rest)
		} else if tree[head] == nil {
			tree[head] = []string{}
		}
	}
	for _, head := range order {
		f, ok := e.Field(head)
		if !ok || f.Rel == nil {
			return fmt.Errorf("gomikro: Populate(%q): %s has no relation %q", head, e.Name, head)
		}
		if err := m.populateField(ctx, f, objs, refresh, qf); err != nil {
			return err
		}
		if sub := tree[head]; len(sub) > 0 {
			related := relatedObjects(f, objs)
			if len(related) > 0 {
				if err := m.populate(ctx, f.Rel.Target, related, sub, refresh, qf); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// relatedObjects returns the distinct objects reachable through f.
func relatedObjects(f *meta.Field, objs []unsafe.Pointer) []unsafe.Pointer {
	seen := map[unsafe.Pointer]bool{}
	var out []unsafe.Pointer
	add := func(p unsafe.Pointer) {
		if p != nil && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, o := range objs {
		if f.Rel.Collection {
			for _, it := range rel.CollectionAt(f.Ptr(o)).Items {
				add(it)
			}
		} else {
			add(rel.RefAt(f.Ptr(o)).Ptr)
		}
	}
	return out
}

// populateField loads relation f of the owners objs in batches.
func (m *EntityManager) populateField(ctx context.Context, f *meta.Field, objs []unsafe.Pointer, refresh bool, qf *queryFilters) error {
	target := f.Rel.Target
	fx, err := m.withFilters(target, nil, qf)
	if err != nil {
		return err
	}
	switch {
	case f.Storage == meta.StoreRef:
		// m:1 or owning 1:1: load the referenced rows not loaded yet.
		var keys []any
		seen := map[unsafe.Pointer]bool{}
		for _, o := range objs {
			r := rel.RefAt(f.Ptr(o))
			if r.Ptr == nil && r.ID != nil {
				// A reference by raw id: point it to the managed object.
				k, ok := tracking.ValueKey(r.ID)
				if !ok {
					continue
				}
				en, found := m.t.Lookup(target, k)
				if !found {
					obj := m.t.Alloc(target)
					if err := tracking.SetPK(target, obj, r.ID); err != nil {
						return err
					}
					en = m.t.AddRef(target, obj, k, true)
					m.attach(target, obj, false)
				}
				r.Ptr, r.ID = en.Obj, nil
			}
			if r.Ptr == nil || seen[r.Ptr] {
				continue
			}
			seen[r.Ptr] = true
			en, ok := m.t.Entry(target, r.Ptr)
			if ok && (en.State == tracking.StateRef || refresh && en.State == tracking.StateManaged) {
				keys = append(keys, target.PK[0].Value(r.Ptr).Interface())
			}
		}
		return m.loadIn(ctx, target, target.PK[0], keys, refresh, fx, nil)
	case f.Rel.Kind == meta.OneToOne:
		// Inverse 1:1: the FK lives on the target.
		owner := f.Rel.MappedBy
		keys, byKey := ownerKeys(f.Entity, objs)
		err := m.loadIn(ctx, target, owner, keys, refresh, fx, func(child unsafe.Pointer) {
			p := rel.RefAt(owner.Ptr(child)).Ptr
			if p == nil {
				return
			}
			if k, ok := tracking.KeyOf(f.Entity, p); ok {
				if o, ok := byKey[k]; ok {
					r := rel.RefAt(f.Ptr(o))
					r.Ptr, r.ID = child, nil
				}
			}
		})
		if err != nil {
			return err
		}
		for _, o := range objs {
			// Owners without a row on the other side: now known to be empty.
			if r := rel.RefAt(f.Ptr(o)); r.IsPending() {
				r.ID = nil
			}
		}
		return nil
	case f.Rel.Kind == meta.OneToMany:
		owner := f.Rel.MappedBy
		pending := unloaded(f, objs, refresh)
		keys, byKey := ownerKeys(f.Entity, pending)
		items := map[unsafe.Pointer][]unsafe.Pointer{}
		err := m.loadIn(ctx, target, owner, keys, refresh, fx, func(child unsafe.Pointer) {
			p := rel.RefAt(owner.Ptr(child)).Ptr
			if p == nil {
				return
			}
			if k, ok := tracking.KeyOf(f.Entity, p); ok {
				if o, ok := byKey[k]; ok {
					items[o] = append(items[o], child)
				}
			}
		})
		if err != nil {
			return err
		}
		for _, o := range pending {
			setLoaded(rel.CollectionAt(f.Ptr(o)), items[o])
		}
		return nil
	default:
		// m:n, either side.
		pending := unloaded(f, objs, refresh)
		keys, byKey := ownerKeys(f.Entity, pending)
		items := map[unsafe.Pointer][]unsafe.Pointer{}
		for _, chunk := range m.keyChunks(f.Entity.PK[0], keys) {
			h := m.hydrator(refresh)
			q := &Query{Entity: target, Where: fx, Via: f, Owners: chunk, OrderBy: []Order{{Field: target.PK[0]}}}
			if err := m.readSession().Find(ctx, q, h); err != nil {
				return fmt.Errorf("gomikro: populate %s: %w", f, err)
			}
			if err := h.finish(ctx); err != nil {
				return err
			}
			for _, l := range h.links {
				k, ok := tracking.ValueKey(l.owner)
				if !ok {
					continue
				}
				if o, ok := byKey[k]; ok {
					items[o] = append(items[o], l.obj)
				}
			}
		}
		for _, o := range pending {
			setLoaded(rel.CollectionAt(f.Ptr(o)), items[o])
		}
		return nil
	}
}

// unloaded returns the owners whose collection f is to be loaded.
func unloaded(f *meta.Field, objs []unsafe.Pointer, refresh bool) []unsafe.Pointer {
	var out []unsafe.Pointer
	for _, o := range objs {
		if c := rel.CollectionAt(f.Ptr(o)); !c.Initialized || refresh {
			out = append(out, o)
		}
	}
	return out
}

func setLoaded(c *rel.Collection, items []unsafe.Pointer) {
	c.Items, c.Snapshot = items, items
	c.Initialized, c.Tracked = true, true
}

// ownerKeys returns the primary keys of objs and a map back to them.
func ownerKeys(e *meta.Entity, objs []unsafe.Pointer) ([]any, map[tracking.Key]unsafe.Pointer) {
	keys := make([]any, 0, len(objs))
	byKey := make(map[tracking.Key]unsafe.Pointer, len(objs))
	for _, o := range objs {
		k, ok := tracking.KeyOf(e, o)
		if !ok {
			continue
		}
		if _, dup := byKey[k]; dup {
			continue
		}
		byKey[k] = o
		keys = append(keys, e.PK[0].Value(o).Interface())
	}
	return keys, byKey
}

// loadIn loads the rows of e whose field f is in keys (and that match
// the filter condition fx), in batches, calling each (if set) with every
// managed row in key order.
func (m *EntityManager) loadIn(ctx context.Context, e *meta.Entity, f *meta.Field, keys []any, refresh bool, fx query.Expr, each func(unsafe.Pointer)) error {
	for _, chunk := range m.keyChunks(f, keys) {
		h := m.hydrator(refresh)
		q := &Query{Entity: e, Where: andExpr(fx, query.FieldCmp{Field: f, Op: query.OpIn, Value: chunk}), OrderBy: []Order{{Field: e.PK[0]}}}
		if err := m.readSession().Find(ctx, q, h); err != nil {
			return fmt.Errorf("gomikro: populate %s: %w", f, err)
		}
		if err := h.finish(ctx); err != nil {
			return err
		}
		if each != nil {
			for _, p := range h.out {
				each(p)
			}
		}
	}
	return nil
}
