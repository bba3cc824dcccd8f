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
// those); with none, it costs two map lookups.
func (t *Tracker) Pending(e *meta.Entity) (bool, error) {
	x := t.byKey[e]
	if x == nil || len(x.ints)+len(x.strs) == 0 {
		return false, nil
	}
	s := t.shape(e)
	var buf [4]*meta.Field
	for _, en := range x.ints {
		if hit, err := s.pending(en, buf[:0]); hit || err != nil {
			return hit, err
		}
	}
	for _, en := range x.strs {
		if hit, err := s.pending(en, buf[:0]); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
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
		c := rel.CollectionAt(f.Ptr(en.Obj))
		if !c.Tracked {
			if len(c.Items) > 0 {
				return true, nil
			}
			continue
		}
		if len(c.Items) != len(c.Snapshot) || len(c.Items) > 0 && &c.Items[0] != &c.Snapshot[0] {
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
