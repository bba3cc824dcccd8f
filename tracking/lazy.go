package tracking

import (
	"reflect"

	"github.com/gomikro/gomikro/meta"
)

// SnapshotField records the current value of the column f of the managed
// entity en as the value it was loaded with, leaving the rest of the
// snapshot as it is: a lazy field loaded after its entity is then not a
// change, while what was changed elsewhere stays a change to flush. It
// does nothing for an entry without a snapshot.
func (t *Tracker) SnapshotField(en *Entry, f *meta.Field) error {
	if en.Snap == nil {
		return nil
	}
	s := t.shape(en.E)
	for i := range s.cols {
		c := &s.cols[i]
		if c.f != f {
			continue
		}
		reflect.NewAt(f.GoType, f.Ptr(en.Snap)).Elem().Set(reflect.NewAt(f.GoType, f.Ptr(en.Obj)).Elem())
		switch c.kind {
		case cmpBytes, cmpPtr:
			c.deepCopy(en.Snap)
		case cmpJSON:
			b, err := encodeJSON(f, f.Ptr(en.Obj))
			if err != nil {
				return err
			}
			*snapJSON(en.Snap, c) = b
		}
		return nil
	}
	return nil
}
