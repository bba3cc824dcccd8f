package em

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// checkKeys refuses the key values of a plan that cannot be right.
func checkKeys(p *tracking.Plan) error {
	if err := checkCompositeKeys(p); err != nil {
		return err
	}
	return checkRefIDs(p)
}

// checkCompositeKeys refuses new rows whose composite primary key is
// unset: every part the database does not generate is zero (a reference
// part empty). Such a key is almost surely a forgotten assignment, and
// the row it would write collides with the next one.
func checkCompositeKeys(p *tracking.Plan) error {
	for _, b := range p.Inserts {
		e := b.Entity
		if len(e.PK) < 2 {
			continue
		}
		for _, en := range b.Rows {
			if !zeroKey(e, en) {
				continue
			}
			names := make([]string, len(e.PK))
			for i, f := range e.PK {
				names[i] = f.Name
			}
			return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: the composite primary key (%s) is unset: every part is zero; set the key fields before the flush",
				e.Name, strings.Join(names, ", "))}
		}
	}
	return nil
}

// zeroKey reports whether every part of en's primary key that the
// database does not generate is zero.
func zeroKey(e *meta.Entity, en *tracking.Entry) bool {
	for _, f := range e.PK {
		if f.Generated {
			continue
		}
		if f.Storage == meta.StoreRef {
			r := rel.RefAt(f.Ptr(en.Obj))
			if r.Ptr != nil || (r.ID != nil && !reflect.ValueOf(r.ID).IsZero()) {
				return false
			}
			continue
		}
		if !f.Value(en.Obj).IsZero() {
			return false
		}
	}
	return true
}

// checkRefIDs refuses references built from a raw key (ref.FromID) whose
// key cannot be a key of the target: a string for an integer key, a
// fraction, a number out of the key type's range. The database would
// refuse some of these without naming the field, and store others in a
// form no later read decodes. So are a reference to key zero of an
// entity whose keys are generated, and a required reference emptied on a
// managed entity (a document store would take both).
func checkRefIDs(p *tracking.Plan) error {
	var scratch map[*meta.Entity]unsafe.Pointer // made when a key needs converting
	check := func(cols []*meta.Field, rows []*tracking.Entry) error {
		for _, f := range cols {
			if f.Storage != meta.StoreRef {
				continue
			}
			pk := f.Rel.Target.PK[0]
			for _, en := range rows {
				r := rel.RefAt(f.Ptr(en.Obj))
				if r.Ptr == nil && r.ID == nil && !f.Nullable {
					// Emptied on a managed entity (a new one is checked when planned).
					return &gomikro.ConstraintError{Kind: gomikro.ErrNotNullViolation, Entity: f.Entity.Name, Field: f.Name,
						Err: fmt.Errorf("%s is required (the reference is empty and the column is NOT NULL)", f)}
				}
				if r.Ptr != nil || r.ID == nil || r.IsPending() {
					continue
				}
				if reflect.TypeOf(r.ID) == pk.GoType {
					if pk.Generated && reflect.ValueOf(r.ID).IsZero() {
						return zeroRefErr(f)
					}
					continue
				}
				obj := scratch[f.Rel.Target]
				if obj == nil {
					if scratch == nil {
						scratch = map[*meta.Entity]unsafe.Pointer{}
					}
					obj = reflect.New(f.Rel.Target.Type).UnsafePointer()
					scratch[f.Rel.Target] = obj
				}
				if err := tracking.Assign(pk, obj, r.ID); err != nil {
					return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: reference id %s is not a key of %s: %v", f, describeValue(r.ID), f.Rel.Target.Name, err)}
				}
				if pk.Generated && pk.Value(obj).IsZero() {
					return zeroRefErr(f)
				}
			}
		}
		return nil
	}
	for _, b := range p.Inserts {
		if err := check(b.Columns, b.Rows); err != nil {
			return err
		}
	}
	for _, b := range p.Updates {
		if err := check(b.Columns, b.Rows); err != nil {
			return err
		}
	}
	return nil
}

// describeValue names a value in a message: its text and type for a scalar,
// its type alone for anything bigger.
func describeValue(v any) string {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array, reflect.Chan, reflect.Func, reflect.Interface:
		return fmt.Sprintf("of type %T", v)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

// zeroRefErr is the error of a reference to key zero of an entity whose
// keys the database generates: no row has it.
func zeroRefErr(f *meta.Field) error {
	return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: reference id 0 names no %s (their keys are generated); leave the reference empty for none", f, f.Rel.Target.Name)}
}
