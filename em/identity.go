package em

import (
	"context"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// fromMap answers FindOne from the identity map when expr is exactly the
// primary key's equality and the entity is managed (hit, with the object)
// or removed and not flushed yet (hit, nil). Populate loads what is not
// loaded yet. A refresh, a lock or an offset always query.
func (m *EntityManager) fromMap(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr) (unsafe.Pointer, bool, error) {
	if o.refresh || o.lock != nil || o.offset != 0 {
		return nil, false, nil
	}
	en, ok := m.lookupByFilter(e, expr)
	if !ok {
		return nil, false, nil
	}
	switch en.State {
	case tracking.StateRemoved:
		return nil, true, nil
	case tracking.StateManaged:
	default:
		return nil, false, nil // new (not in the database) or a bare reference: query
	}
	if len(o.populate) > 0 {
		if err := m.autoFlushPaths(ctx, o.flushMode, e, o.populate); err != nil {
			return nil, true, err
		}
		if err := m.populate(ctx, e, []unsafe.Pointer{en.Obj}, o.populate, false, o.filters); err != nil {
			return nil, true, err
		}
	}
	return en.Obj, true, nil
}

// autoFlushPaths is autoFlush for the types Populate paths reach only.
func (m *EntityManager) autoFlushPaths(ctx context.Context, mode gomikro.FlushMode, e *meta.Entity, paths []string) error {
	if m.flushing {
		return nil
	}
	if mode == 0 {
		mode = m.FlushMode()
	}
	if mode == gomikro.FlushAlways {
		return m.queryFlush(ctx)
	}
	if mode != gomikro.FlushAuto {
		return nil
	}
	for _, p := range paths {
		hit, err := m.pendingOnPath(e, p)
		if err != nil {
			return err
		}
		if hit {
			return m.queryFlush(ctx)
		}
	}
	return nil
}

// lookupByFilter returns the identity map's entry of the row expr names
// when expr is exactly the primary key's equality.
func (m *EntityManager) lookupByFilter(e *meta.Entity, expr query.Expr) (*tracking.Entry, bool) {
	switch x := expr.(type) {
	case query.FieldCmp:
		if len(e.PK) != 1 || x.Field != e.PK[0] || x.Op != query.OpEq || x.Value == nil {
			return nil, false
		}
		if k, ok := tracking.ValueKey(x.Value); ok && e.PK[0].Storage != meta.StoreRef {
			if en, found := m.t.Lookup(e, k); found {
				return en, true
			}
		}
		var one [1]any
		one[0] = x.Value
		return m.lookupValues(e, one[:])
	case query.AndExpr:
		if len(x) != len(e.PK) || len(e.PK) < 2 {
			return nil, false
		}
		vals := make([]any, len(e.PK))
		for _, c := range x {
			fc, ok := c.(query.FieldCmp)
			if !ok || fc.Op != query.OpEq || fc.Value == nil {
				return nil, false
			}
			i := pkIndex(e, fc.Field)
			if i < 0 || vals[i] != nil {
				return nil, false
			}
			vals[i] = fc.Value
		}
		return m.lookupValues(e, vals)
	}
	return nil, false
}

func pkIndex(e *meta.Entity, f *meta.Field) int {
	for i, pk := range e.PK {
		if pk == f {
			return i
		}
	}
	return -1
}

// lookupValues keys the primary-key values vals (in e.PK order) as a row
// of e is keyed, and looks the row up.
func (m *EntityManager) lookupValues(e *meta.Entity, vals []any) (*tracking.Entry, bool) {
	obj := e.New()
	for i, f := range e.PK {
		if f.Storage == meta.StoreRef {
			t := f.Rel.Target
			if len(t.PK) != 1 {
				return nil, false
			}
			tobj := t.New()
			if err := tracking.SetPK(t, tobj, vals[i]); err != nil {
				return nil, false
			}
			rel.RefAt(f.Ptr(obj)).Ptr = tobj
			continue
		}
		if err := tracking.Assign(f, obj, vals[i]); err != nil {
			return nil, false
		}
	}
	k, ok := tracking.KeyOf(e, obj)
	if !ok {
		return nil, false
	}
	return m.t.Lookup(e, k)
}
