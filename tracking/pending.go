package tracking

import (
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// Pending reports whether an entity of e with a known key has a change a
// flush would write: it is new or removed, its columns differ from its
// snapshot, or a loaded collection of it changed since it was loaded or
// flushed. Only e's entities are looked at (in the key index, so a new
// entity whose key the database generates is not seen: the caller tracks
// those); with none, it costs a look at the tracker's types.
func (t *Tracker) Pending(e *meta.Entity) (bool, error) {
	t.settleMap()
	s := t.find(e)
	if s == nil {
		return false, nil
	}
	var buf [4]*meta.Field
	return s.idx.any(func(en *Entry) (bool, error) { return s.pending(en, buf[:0]) })
}

func (s *shape) pending(en *Entry, buf []*meta.Field) (bool, error) {
	switch en.State {
	case StateNew, StateRemoved:
		return true, nil
	case StateManaged:
	default:
		return false, nil
	}
	for _, f := range s.colls {
		if collectionChanged(rel.CollectionAt(f.Ptr(en.Obj))) {
			return true, nil
		}
	}
	if en.Snap == nil {
		return false, nil
	}
	if len(s.deepCols) == 0 && s.bitsEqual(en.Obj, en.Snap) {
		return false, nil
	}
	buf, err := s.changed(en, buf)
	return len(buf) > 0, err
}

// PendingIn is Pending narrowed to the fields a query reads: it reports
// whether a managed entity of e differs from its snapshot in one of
// fields (a column, or a collection whose items changed), or an entity
// of e with a known key is new or removed. With no fields it looks at
// nothing and reports false: the caller tracks new and removed entities
// itself.
func (t *Tracker) PendingIn(e *meta.Entity, fields []*meta.Field) (bool, error) {
	if len(fields) == 0 {
		return false, nil
	}
	t.settleMap()
	s := t.find(e)
	if s == nil {
		return false, nil
	}
	var colBuf [8]*colShape
	cols := colBuf[:0]
	var collBuf [4]*meta.Field
	colls := collBuf[:0]
	for _, f := range fields {
		if f.Rel != nil && f.Rel.Collection {
			colls = append(colls, f)
			continue
		}
		for i := range s.cols {
			if s.cols[i].f == f {
				cols = append(cols, &s.cols[i])
				break
			}
		}
	}
	check := func(en *Entry) (bool, error) {
		switch en.State {
		case StateNew, StateRemoved:
			return true, nil
		case StateManaged:
		default:
			return false, nil
		}
		for _, f := range colls {
			if collectionChanged(rel.CollectionAt(f.Ptr(en.Obj))) {
				return true, nil
			}
		}
		if en.Snap == nil {
			return false, nil
		}
		for _, c := range cols {
			eq, err := c.equal(en, en.Obj, en.Snap)
			if err != nil || !eq {
				return !eq, err
			}
		}
		return false, nil
	}
	return s.idx.any(check)
}

// collectionChanged reports whether a collection's items differ from its
// snapshot (or, never snapshotted, whether it has items).
func collectionChanged(c *rel.Collection) bool {
	if !c.Tracked {
		return len(c.Items) > 0
	}
	return len(c.Items) != len(c.Snapshot) || len(c.Items) > 0 && &c.Items[0] != &c.Snapshot[0]
}
