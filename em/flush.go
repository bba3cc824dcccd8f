package em

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// Flush writes every change of the unit of work in one transaction (the
// EntityManager's own when it is in one): inserts of persisted entities
// (new objects reachable from them included), updates of the columns
// that changed, deletes of removed entities, pivot rows of m:n
// collections. When nothing changed, nothing is sent.
//
// A flush that fails rolls back and leaves the unit of work as it was:
// fix the data and flush again. The exception is an error matching
// gomikro.ErrCommitUnknown, when the database may hold the writes: the
// objects stay as the flush left them and further flushes are refused
// until Clear.
func (m *EntityManager) Flush(ctx context.Context) error {
	mm, err := m.use(ctx, "Flush")
	if err != nil {
		return err
	}
	entered, err := mm.enter("Flush")
	if err != nil {
		return err
	}
	defer mm.leave(entered)
	return mm.flush(ctx)
}

func (m *EntityManager) flush(ctx context.Context) error {
	ctx = m.counted(ctx)
	if m.flushing {
		return &gomikro.ValidationError{Msg: "Flush called during a flush (from a lifecycle hook or subscriber). " +
			"Change the entity in the hook instead: changes made in Before* hooks and BeforeFlush are written by the running flush; " +
			"for follow-up work, flush again after Flush returns"}
	}
	if m.inDoubt != nil {
		return fmt.Errorf("gomikro: Flush refused: an earlier flush may or may not have committed; "+
			"call Clear and load what the database holds before writing again: %w", m.inDoubt)
	}
	m.flushing = true
	// The defers live in functions with one return each, where the
	// compiler inlines them (in a function with many returns each
	// defer costs a runtime call and a deferreturn at every exit).
	defer func() { m.flushing = false }()
	return m.flushHooked(ctx)
}

// flushHooked is flush once m is marked as flushing.
func (m *EntityManager) flushHooked(ctx context.Context) error {
	// Hooks and subscribers get a context carrying m and the event; a
	// flush with neither makes none.
	var hctx context.Context
	var ev *FlushEvent
	if m.c.hooks != 0 || len(m.c.before)+len(m.c.on)+len(m.c.after) > 0 {
		hctx, ev = WithContext(ctx, m), &FlushEvent{EM: m}
	}
	for _, s := range m.c.before {
		if err := m.user(func() error { return s.BeforeFlush(hctx, ev) }); err != nil {
			return fmt.Errorf("gomikro: BeforeFlush: %w", err)
		}
	}
	if err := m.cascadePersist(); err != nil {
		return err
	}
	var pivots []pivotOp
	if m.c.colls {
		var err error
		var wrote bool
		if pivots, wrote, err = m.syncCollections(); err != nil {
			return err
		}
		if wrote {
			// References set or cleared, orphans removed: what the
			// sweep found unchanged may not be any more.
			m.t.DropMarks()
		}
	}
	if m.c.hooks&beforeWrite != 0 {
		ran, err := m.beforeHooks(hctx)
		if err != nil {
			return err
		}
		if ran {
			// Hooks may have persisted more.
			if err := m.cascadePersist(); err != nil {
				return err
			}
		}
	}
	// Removed entities with a soft-delete field are written as updates (after
	// hooks and orphan removal, which may remove more);
	// a flush that surely failed puts them back as they were.
	if sd := m.softDeletes(); sd != nil {
		err := m.write(ctx, hctx, ev, pivots)
		if err != nil && m.inDoubt == nil {
			m.undoSoftDeletes(sd)
		}
		return err
	}
	return m.write(ctx, hctx, ev, pivots)
}

// write plans and executes the flush once the hooks before it have run,
// then runs the hooks after it.
func (m *EntityManager) write(ctx, hctx context.Context, ev *FlushEvent, pivots []pivotOp) error {
	plan, err := m.t.Build()
	if err != nil {
		return err
	}
	if err := checkKeys(plan); err != nil {
		plan.Restore()
		return err
	}
	for _, pv := range pivots {
		plan.AddPivot(pv.pivot, pv.owner, pv.target, pv.add)
	}
	if plan.Empty() {
		plan.Restore()
		if m.c.colls {
			m.commitCollections()
		}
		m.flushedAll()
		return nil
	}
	if ev != nil && (len(m.c.on)+len(m.c.after) > 0 || afterHooks(plan)) {
		ev.ChangeSets = changeSets(plan)
	}
	for _, s := range m.c.on {
		if err := m.user(func() error { return s.OnFlush(hctx, ev) }); err != nil {
			plan.Restore()
			return fmt.Errorf("gomikro: OnFlush: %w", err)
		}
	}
	if err := m.Session().Execute(ctx, plan); err != nil {
		if errors.Is(err, gomikro.ErrCommitUnknown) {
			// The rows may be in the database: keep the objects as the
			// flush left them and refuse to write them again until Clear.
			m.inDoubt = err
			return err
		}
		plan.Restore()
		return err
	}
	if err := plan.Committed(); err != nil {
		return err
	}
	m.flushedAll()
	if m.c.colls {
		m.unlinkDeleted(plan)
		m.commitCollections()
	}
	if m.c.replicas != nil || m.c.cache.used.Load() {
		if err := m.wrote(ctx, plan); err != nil {
			return err
		}
	}
	// Nothing refers to the plan any more (the change sets of the events
	// were copied out of it).
	plan.Release()
	if ev == nil {
		return nil
	}
	for _, cs := range ev.ChangeSets {
		var h meta.Hooks
		switch cs.Kind {
		case Created:
			h = meta.HookAfterCreate
		case Updated:
			h = meta.HookAfterUpdate
		case Deleted:
			h = meta.HookAfterDelete
		}
		if err := m.user(func() error { return callHook(hctx, cs.Meta, ptrOf(cs.Entity), h) }); err != nil {
			return fmt.Errorf("gomikro: %s after flush: %w", cs.Meta.Name, err)
		}
	}
	for _, s := range m.c.after {
		if err := m.user(func() error { return s.AfterFlush(hctx, ev) }); err != nil {
			return fmt.Errorf("gomikro: AfterFlush: %w", err)
		}
	}
	return nil
}

// ptrOf returns the pointer an any holding *T carries.
func ptrOf(v any) unsafe.Pointer { return reflect.ValueOf(v).UnsafePointer() }

// afterHooks reports whether an entity of the plan has an After* hook.
func afterHooks(p *tracking.Plan) bool {
	const after = meta.HookAfterCreate | meta.HookAfterUpdate | meta.HookAfterDelete
	for _, b := range p.Inserts {
		if b.Entity.Hooks&after != 0 {
			return true
		}
	}
	for _, b := range p.Updates {
		if b.Entity.Hooks&after != 0 {
			return true
		}
	}
	for _, b := range p.Deletes {
		if b.Entity.Hooks&after != 0 {
			return true
		}
	}
	return false
}

func changeSets(p *tracking.Plan) []ChangeSet {
	n := 0
	for _, b := range p.Inserts {
		n += len(b.Rows)
	}
	for _, b := range p.Updates {
		n += len(b.Rows)
	}
	for _, b := range p.Deletes {
		n += len(b.Rows)
	}
	out := make([]ChangeSet, 0, n)
	for _, b := range p.Inserts {
		for _, en := range b.Rows {
			out = append(out, ChangeSet{Kind: Created, Entity: en.E.Interface(en.Obj), Meta: en.E})
		}
	}
	for _, b := range p.Updates {
		names := make([]string, len(b.Columns))
		for i, f := range b.Columns {
			names[i] = f.Name
		}
		for _, en := range b.Rows {
			out = append(out, ChangeSet{Kind: Updated, Entity: en.E.Interface(en.Obj), Meta: en.E, Changed: names})
		}
	}
	for _, b := range p.Deletes {
		for _, en := range b.Rows {
			out = append(out, ChangeSet{Kind: Deleted, Entity: en.E.Interface(en.Obj), Meta: en.E})
		}
	}
	return out
}

// cascadePersist persists new objects reachable from new and managed
// entities (and references that were given some) through references and
// loaded collections. Its walk (Tracker.Sweep) also finds the managed
// entities that did not change, for Build to skip.
func (m *EntityManager) cascadePersist() error {
	// The object reached last through a reference is managed now: rows
	// that share it (children of one parent) need not look it up again.
	var lastT *meta.Entity
	var lastP unsafe.Pointer
	return m.t.Sweep(func(en *tracking.Entry) error { // entries grow while we persist
		for _, f := range en.E.Relations {
			if f.Rel.Collection {
				c := rel.CollectionAt(f.Ptr(en.Obj))
				items := c.Items
				if c.Tracked && len(items) == len(c.Snapshot) && (len(items) == 0 || &items[0] == &c.Snapshot[0]) {
					continue // unchanged since loaded or flushed
				}
				for _, it := range items {
					if err := m.reach(f, it); err != nil {
						return err
					}
				}
				continue
			}
			p := rel.RefAt(f.Ptr(en.Obj)).Ptr
			if p == nil {
				continue
			}
			if en.Snap != nil && en.State == tracking.StateManaged && f.Storage == meta.StoreRef && rel.RefAt(f.Ptr(en.Snap)).Ptr == p {
				continue // the same object as when it was last loaded or flushed
			}
			if p == lastP && f.Rel.Target == lastT {
				continue
			}
			if err := m.reach(f, p); err != nil {
				return err
			}
			lastT, lastP = f.Rel.Target, p
		}
		return nil
	})
}

// reach persists obj, found through f, unless it is managed already. An
// object carrying a key the database did not generate for it is taken as
// new too: the insert fails loudly if the row exists.
func (m *EntityManager) reach(f *meta.Field, obj unsafe.Pointer) error {
	if _, ok := m.t.Entry(f.Rel.Target, obj); ok {
		return nil
	}
	if f.Rel.Target.Polymorphic() {
		return unpersistedSubtype(f)
	}
	_, err := m.persist(f.Rel.Target, obj)
	return err
}

type pivotOp struct {
	pivot         *meta.Pivot
	owner, target unsafe.Pointer
	add           bool
}

// syncCollections turns collection changes into writes: 1:m adds set the
// child's reference, 1:m removals unset it (or remove the orphan), m:n
// changes become pivot rows. Every add is applied before any removal, so
// that moving a child between two collections does not depend on order.
//
// wrote reports whether it changed a reference or removed an entity.
func (m *EntityManager) syncCollections() (ops []pivotOp, wrote bool, err error) {
	type removal struct {
		f     *meta.Field
		owner unsafe.Pointer
		c     *rel.Collection
		items []unsafe.Pointer
	}
	var removals []removal
	m.linkNewChildren()
	for _, en := range m.t.Entries() {
		if en == nil || (en.State != tracking.StateNew && en.State != tracking.StateManaged) {
			continue
		}
		for _, f := range en.E.Collections {
			c := rel.CollectionAt(f.Ptr(en.Obj))
			added, removed := diff(c)
			if len(added) == 0 && len(removed) == 0 {
				continue
			}
			switch f.Rel.Kind {
			case meta.OneToMany:
				back := f.Rel.MappedBy
				for _, it := range added {
					r := rel.RefAt(back.Ptr(it))
					if r.Ptr != en.Obj {
						r.Ptr, r.ID = en.Obj, nil
						wrote = true
					}
				}
				if len(removed) > 0 {
					removals = append(removals, removal{f, en.Obj, c, removed})
				}
			case meta.ManyToMany:
				for _, it := range added {
					ops = append(ops, m2n(f, en.Obj, it, true))
				}
				for _, it := range removed {
					ops = append(ops, m2n(f, en.Obj, it, false))
				}
			}
		}
	}
	for _, rm := range removals {
		f, back := rm.f, rm.f.Rel.MappedBy
		for _, it := range rm.items {
			r := rel.RefAt(back.Ptr(it))
			if r.Ptr != rm.owner {
				continue // moved to another owner
			}
			wrote = true
			if f.Rel.OrphanRemoval {
				if _, ok := m.t.Entry(f.Rel.Target, it); ok {
					if err := m.remove(f.Rel.Target, it); err != nil {
						return nil, wrote, err
					}
				}
				continue
			}
			if !back.Nullable {
				return nil, wrote, fmt.Errorf("gomikro: %s: a %s removed from the collection would have no %s (the column is NOT NULL); remove the %s, mark %s orphanRemoval, or make %s nullable",
					f, f.Rel.Target.Name, back.Name, f.Rel.Target.Name, f.Name, back)
			}
			r.Ptr, r.ID = nil, nil
		}
	}
	return ops, wrote, nil
}

// linkNewChildren adds each new entity to the loaded 1:m collection of the
// owner its reference points to, as MikroORM does, so that
// author.Books shows a book persisted with Author: ref.To(author).
func (m *EntityManager) linkNewChildren() {
	var members map[*rel.Collection]map[unsafe.Pointer]bool
	for _, en := range m.t.Entries() {
		if en == nil || en.State != tracking.StateNew {
			continue
		}
		for _, f := range en.E.Columns {
			inv := f.Rel
			if f.Storage != meta.StoreRef || inv.InversedBy == nil || !inv.InversedBy.Rel.Collection {
				continue
			}
			owner := rel.RefAt(f.Ptr(en.Obj)).Ptr
			if owner == nil {
				continue
			}
			c := rel.CollectionAt(inv.InversedBy.Ptr(owner))
			if !c.Initialized {
				continue
			}
			if members == nil {
				members = map[*rel.Collection]map[unsafe.Pointer]bool{}
			}
			set := members[c]
			if set == nil {
				set = make(map[unsafe.Pointer]bool, len(c.Items))
				for _, it := range c.Items {
					set[it] = true
				}
				members[c] = set
			}
			if !set[en.Obj] {
				set[en.Obj] = true
				c.Items = append(c.Items[:len(c.Items):len(c.Items)], en.Obj)
			}
		}
	}
}

func m2n(f *meta.Field, self, other unsafe.Pointer, add bool) pivotOp {
	if f.Rel.Owner {
		return pivotOp{f.Rel.Pivot, self, other, add}
	}
	return pivotOp{f.Rel.Pivot, other, self, add}
}

// diff compares a collection with its snapshot.
func diff(c *rel.Collection) (added, removed []unsafe.Pointer) {
	if !c.Tracked {
		return c.Items, nil
	}
	if len(c.Items) == len(c.Snapshot) && (len(c.Items) == 0 || &c.Items[0] == &c.Snapshot[0]) {
		return nil, nil
	}
	for _, it := range c.Items {
		if !slices.Contains(c.Snapshot, it) {
			added = append(added, it)
		}
	}
	for _, it := range c.Snapshot {
		if !slices.Contains(c.Items, it) {
			removed = append(removed, it)
		}
	}
	return added, removed
}

// unlinkDeleted takes the rows a flush deleted out of the loaded
// collections that hold them, so that no later flush sees them again.
func (m *EntityManager) unlinkDeleted(p *tracking.Plan) {
	if len(p.Deletes) == 0 {
		return
	}
	gone := map[unsafe.Pointer]bool{}
	for _, b := range p.Deletes {
		for _, en := range b.Rows {
			gone[en.Obj] = true
		}
	}
	drop := func(items []unsafe.Pointer) []unsafe.Pointer {
		out := items[:0:0]
		for _, it := range items {
			if !gone[it] {
				out = append(out, it)
			}
		}
		return out
	}
	for _, en := range m.t.Entries() {
		if en == nil {
			continue
		}
		for _, f := range en.E.Collections {
			c := rel.CollectionAt(f.Ptr(en.Obj))
			if !c.Initialized || len(c.Items) == 0 {
				continue
			}
			for _, it := range c.Items {
				if gone[it] {
					c.Items = drop(c.Items)
					c.Snapshot = drop(c.Snapshot)
					break
				}
			}
		}
	}
}

// commitCollections records every loaded collection as flushed.
func (m *EntityManager) commitCollections() {
	for _, en := range m.t.Entries() {
		if en == nil {
			continue
		}
		for _, f := range en.E.Collections {
			if c := rel.CollectionAt(f.Ptr(en.Obj)); c.Initialized {
				c.Snapshot, c.Tracked = c.Items, true
			}
		}
	}
}

// beforeWrite are the hooks beforeHooks runs.
const beforeWrite = meta.HookBeforeCreate | meta.HookBeforeUpdate | meta.HookBeforeDelete

// beforeHooks runs BeforeCreate, BeforeUpdate and BeforeDelete; ran
// reports whether it called any.
func (m *EntityManager) beforeHooks(ctx context.Context) (ran bool, err error) {
	var buf []*meta.Field
	for _, en := range m.t.Entries() {
		if en == nil || en.E.Hooks&beforeWrite == 0 {
			continue
		}
		var h meta.Hooks
		switch en.State {
		case tracking.StateNew:
			h = meta.HookBeforeCreate
		case tracking.StateRemoved:
			h = meta.HookBeforeDelete
		case tracking.StateManaged, tracking.StateRef:
			if !en.E.Hooks.Has(meta.HookBeforeUpdate) {
				continue
			}
			if buf, err = m.t.Changed(en, buf[:0]); err != nil {
				return ran, err
			}
			if len(buf) == 0 {
				continue
			}
			h = meta.HookBeforeUpdate
		default:
			continue
		}
		ran = true
		if err := m.user(func() error { return callHook(ctx, en.E, en.Obj, h) }); err != nil {
			return ran, fmt.Errorf("gomikro: %s before flush: %w", en.E.Name, err)
		}
	}
	return ran, nil
}
