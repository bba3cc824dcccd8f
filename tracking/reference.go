package tracking

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// References (GetReference, a relation's key, never loaded) carry no
// snapshot: their baseline is the object they were made as, the key and
// every other column zero. Changes made to one are written by the next
// flush as an UPDATE of the changed columns by key, as MikroORM does;
// refChanged finds them without a snapshot, and refBaseline gives the
// entry a snapshot of that baseline when they are planned, so that the
// update path and the snapshot after the flush are the managed ones.

// refChanged appends to buf the columns of the unloaded reference en
// that differ from the zero value: the columns set since GetReference.
// Key columns are never reported.
func (s *shape) refChanged(en *Entry, buf []*meta.Field) ([]*meta.Field, error) {
	for i := range s.cols {
		c := &s.cols[i]
		if c.f.PK {
			continue
		}
		var eq bool
		if c.kind == cmpJSON {
			cur, err := encodeJSON(c.f, c.f.Ptr(en.Obj))
			if err != nil {
				return buf, err
			}
			eq = string(cur) == string(s.zeroJSON[c.slot])
		} else {
			var err error
			if eq, err = c.equal(en, en.Obj, s.zero); err != nil {
				return buf, err
			}
		}
		if !eq {
			buf = append(buf, c.f)
		}
	}
	return buf, nil
}

// refBaseline gives the unloaded reference en the snapshot of its
// baseline: its key (and its version, when set: the version the caller
// expects the row to have), every other column zero.
func (t *Tracker) refBaseline(en *Entry) {
	s := t.shape(en.E)
	if en.Snap == nil {
		if en.paired {
			en.Snap = pairSnap(en.Obj, s.snapOff)
		} else {
			en.Snap = reflect.New(s.box).UnsafePointer()
		}
	}
	reflect.NewAt(en.E.Type, en.Snap).Elem().SetZero()
	for _, f := range en.E.PK {
		f.Value(en.Snap).Set(f.Value(en.Obj))
	}
	if v := en.E.Version; v != nil {
		v.Value(en.Snap).Set(v.Value(en.Obj))
	}
	for i := range s.cols {
		if c := &s.cols[i]; c.kind == cmpJSON {
			*snapJSON(en.Snap, c) = s.zeroJSON[c.slot]
		}
	}
}

// planRef decides what the flush writes for the unloaded reference en:
// nothing when no column was set, else the changed columns into buf,
// after giving en the snapshot of its baseline. A versioned entity's
// reference needs its version set, the version the caller expects.
func (t *Tracker) planRef(en *Entry, buf []*meta.Field) ([]*meta.Field, error) {
	buf, err := t.Changed(en, buf)
	if err != nil || len(buf) == 0 {
		return buf, err
	}
	if en.Snap != nil {
		return buf, nil // written before: compared with its snapshot
	}
	v := en.E.Version
	if v != nil {
		buf = slices.DeleteFunc(buf, func(f *meta.Field) bool { return f == v })
		if len(buf) == 0 {
			return buf, nil // a version alone is for checking a delete
		}
		if v.Value(en.Obj).IsZero() {
			return buf[:0], &gomikro.ValidationError{Msg: fmt.Sprintf(
				"%s with primary key %s is a reference that was never loaded and has changes (%s), but its version is unknown: "+
					"set %s on it to the version you expect, or load it (Refresh) before changing it", en.E.Name, en.Key, fieldNames(buf), v)}
		}
	}
	t.refBaseline(en)
	return buf, nil
}

func fieldNames(fs []*meta.Field) string {
	b := make([]byte, 0, 16*len(fs))
	for i, f := range fs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, f.Name...)
	}
	return string(b)
}
