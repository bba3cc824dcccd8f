package em

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// GetReference returns the managed object of type T with primary key id
// without querying: the object already in the identity map, or a new
// reference holding only the key (load it with Refresh, or through a
// ref.Ref's Load). A composite key is given as a []any of its parts in
// declaration order, or a map[string]any by property name; a part that
// is a reference takes the target's key or a pointer to the target.
//
// Columns set on a reference that was never loaded are written by the
// next Flush, as an UPDATE of those columns by key (a column set back to
// its zero value is not seen: load the entity to write a zero). A
// versioned entity's reference needs its version set, the version the
// row is expected to have. Loading the reference later keeps what was
// set on it, as changes still to flush; Refresh drops them.
func GetReference[T any](m Manager, id any) (*T, error) {
	mm, e, err := typed[T](noContext, m.manager(), "GetReference")
	if err != nil {
		return nil, err
	}
	entered, err := mm.enter("GetReference")
	if err != nil {
		return nil, err
	}
	defer mm.leave(entered)
	// A new reference is allocated as a typed [2]T, not by reflection.
	mm.t.SetTyped(e, typedOps[T]{})
	p, err := mm.reference(e, id)
	return (*T)(p), err
}

func (m *EntityManager) reference(e *meta.Entity, id any) (unsafe.Pointer, error) {
	if e.Virtual {
		return nil, readOnly(e, "GetReference")
	}
	if len(e.PK) != 1 {
		return m.compositeReference(e, id)
	}
	k, ok := tracking.ValueKey(id)
	if !ok {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): nil primary key", e.Name)}
	}
	if en, found := m.t.Lookup(e, k); found {
		return en.Obj, nil
	}
	obj := m.t.Alloc(e)
	if err := tracking.SetPK(e, obj, id); err != nil {
		return nil, err
	}
	// Key the reference the way rows are keyed (by the PK field's type).
	k, _ = tracking.KeyOf(e, obj)
	if en, found := m.t.Lookup(e, k); found {
		return en.Obj, nil
	}
	m.t.AddRef(e, obj, k, true)
	m.attach(e, obj, false)
	return obj, nil
}

// compositeReference is reference for an entity with a composite key.
func (m *EntityManager) compositeReference(e *meta.Entity, id any) (unsafe.Pointer, error) {
	parts, err := keyParts(e, id)
	if err != nil {
		return nil, err
	}
	obj := m.t.Alloc(e)
	for i, f := range e.PK {
		v := parts[i]
		if v == nil {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): nil key part %s", e.Name, f.Name)}
		}
		if f.Storage != meta.StoreRef {
			if err := tracking.Assign(f, obj, v); err != nil {
				return nil, &gomikro.ValidationError{Msg: "GetReference: " + err.Error()}
			}
			continue
		}
		t := f.Rel.Target
		var p unsafe.Pointer
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.Type().Elem() == t.Type && !rv.IsNil() {
			p = rv.UnsafePointer()
		} else {
			if r, ok := v.(interface{ ID() any }); ok {
				v = r.ID()
			}
			if p, err = m.reference(t, v); err != nil {
				return nil, fmt.Errorf("GetReference(%s): key part %s: %w", e.Name, f.Name, err)
			}
		}
		rel.RefAt(f.Ptr(obj)).Ptr = p
	}
	k, ok := tracking.KeyOf(e, obj)
	if !ok {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): the key %v has a part whose own key is unknown", e.Name, id)}
	}
	if en, found := m.t.Lookup(e, k); found {
		return en.Obj, nil
	}
	m.t.AddRef(e, obj, k, true)
	m.attach(e, obj, false)
	return obj, nil
}

// keyParts splits a composite key given as a []any (or any slice) in
// declaration order, or a map[string]any by property name.
func keyParts(e *meta.Entity, id any) ([]any, error) {
	names := make([]string, len(e.PK))
	for i, f := range e.PK {
		names[i] = f.Name
	}
	want := fmt.Sprintf("a []any{%s} or a map[string]any by property name", strings.Join(names, ", "))
	if mp, ok := id.(map[string]any); ok {
		parts := make([]any, len(e.PK))
		for k, v := range mp {
			f, ok := e.Field(k)
			i := slices.Index(e.PK, f)
			if !ok || i < 0 {
				return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): %q is not a part of the primary key (%s)", e.Name, k, want), Err: query.ErrUnknownProperty}
			}
			parts[i] = v
		}
		for i, p := range parts {
			if p == nil {
				return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): the key lacks %s (%s)", e.Name, names[i], want)}
			}
		}
		return parts, nil
	}
	rv := reflect.ValueOf(id)
	if !rv.IsValid() || rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): a composite primary key is %s, not %T", e.Name, want, id)}
	}
	if rv.Len() != len(e.PK) {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("GetReference(%s): %d key parts given, the key has %d (%s)", e.Name, rv.Len(), len(e.PK), want)}
	}
	parts := make([]any, rv.Len())
	for i := range parts {
		parts[i] = rv.Index(i).Interface()
	}
	return parts, nil
}

// Create builds a new entity of type T from data — a T, a *T, or a
// map[string]any as accepted by Assign — and persists it.
func Create[T any](m Manager, data any) (*T, error) {
	mm, e, err := typed[T](noContext, m.manager(), "Create")
	if err != nil {
		return nil, err
	}
	entered, err := mm.enter("Create")
	if err != nil {
		return nil, err
	}
	defer mm.leave(entered)
	obj := new(T)
	switch d := data.(type) {
	case T:
		*obj = d
	case *T:
		*obj = *d
	case map[string]any:
		if err := mm.assign(e, unsafe.Pointer(obj), d); err != nil {
			return nil, err
		}
	default:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Create[%s]: data must be a %s, *%s or map[string]any, not %T", e.Name, e.Name, e.Name, data)}
	}
	if _, err := mm.persist(e, unsafe.Pointer(obj)); err != nil {
		return nil, err
	}
	return obj, nil
}

// Assign sets the entity's properties from data. Keys are property names
// (as in filters). A reference may be given as a raw primary key
// ({"author": 1}), an entity pointer, nil, or a map: a map holding the
// target's key of an object in the identity map is assigned onto it, any
// other map creates a new related entity. A collection takes a list of
// such values. Unknown keys are an error and nothing is assigned.
func (m *EntityManager) Assign(entity any, data map[string]any) error {
	mm, err := m.use(noContext, "Assign")
	if err != nil {
		return err
	}
	entered, err := mm.enter("Assign")
	if err != nil {
		return err
	}
	defer mm.leave(entered)
	e, p, err := mm.entity(entity)
	if err != nil {
		return err
	}
	return mm.assign(e, p, data)
}

func (m *EntityManager) assign(e *meta.Entity, obj unsafe.Pointer, data map[string]any) error {
	keys := make([]string, 0, len(data))
	for k := range data {
		if _, ok := e.Field(k); !ok {
			return &gomikro.ValidationError{Msg: fmt.Sprintf("Assign: %s has no property %q", e.Name, k), Err: query.ErrUnknownProperty}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Work on a copy so that a failure assigns nothing.
	tmp := reflect.New(e.Type)
	tmp.Elem().Set(reflect.NewAt(e.Type, obj).Elem())
	tp := tmp.UnsafePointer()
	for _, k := range keys {
		f, _ := e.Field(k)
		if err := m.assignField(f, tp, data[k]); err != nil {
			return err
		}
	}
	reflect.NewAt(e.Type, obj).Elem().Set(tmp.Elem())
	return nil
}

func (m *EntityManager) assignField(f *meta.Field, obj unsafe.Pointer, v any) error {
	switch {
	case f.Rel == nil:
		if f.Storage == meta.StoreJSON {
			dst := f.Value(obj)
			if v == nil {
				dst.SetZero()
				return nil
			}
			if rv := reflect.ValueOf(v); rv.Type().AssignableTo(dst.Type()) {
				dst.Set(rv)
				return nil
			}
			b, err := json.Marshal(v)
			if err == nil {
				nv := reflect.New(dst.Type())
				if err = json.Unmarshal(b, nv.Interface()); err == nil {
					dst.Set(nv.Elem())
					return nil
				}
			}
			return &gomikro.ValidationError{Msg: fmt.Sprintf("Assign: %s: %v", f, err)}
		}
		if err := tracking.Assign(f, obj, v); err != nil {
			return &gomikro.ValidationError{Msg: "Assign: " + err.Error()}
		}
		return nil
	case f.Rel.Collection:
		c := rel.CollectionAt(f.Ptr(obj))
		var list []any
		if v != nil {
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.Slice {
				return &gomikro.ValidationError{Msg: fmt.Sprintf("Assign: %s takes a list, not %T", f, v)}
			}
			for i := range rv.Len() {
				list = append(list, rv.Index(i).Interface())
			}
		}
		items := make([]unsafe.Pointer, 0, len(list))
		for _, it := range list {
			p, err := m.relatedFrom(f, it)
			if err != nil {
				return err
			}
			if p != nil {
				items = append(items, p)
			}
		}
		c.Items = items
		if c.Owner == nil {
			c.Initialized = true
		}
		return nil
	default:
		r := rel.RefAt(f.Ptr(obj))
		p, err := m.relatedFrom(f, v)
		if err != nil {
			return err
		}
		r.Ptr, r.ID = p, nil
		return nil
	}
}

// relatedFrom turns an Assign value for relation f into an object.
func (m *EntityManager) relatedFrom(f *meta.Field, v any) (unsafe.Pointer, error) {
	t := f.Rel.Target
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.Type().Elem() == t.Type {
		return rv.UnsafePointer(), nil
	}
	if mp, ok := v.(map[string]any); ok {
		// An object of the identity map when the map names its key.
		if pkf := t.PK[0]; len(t.PK) == 1 {
			for k, val := range mp {
				if fk, ok := t.Field(k); ok && fk == pkf && val != nil {
					p, err := m.reference(t, val)
					if err != nil {
						return nil, err
					}
					if err := m.assign(t, p, mp); err != nil {
						return nil, err
					}
					return p, nil
				}
			}
		}
		p := reflect.New(t.Type).UnsafePointer()
		if err := m.assign(t, p, mp); err != nil {
			return nil, err
		}
		return p, nil
	}
	if id, ok := v.(interface{ ID() any }); ok {
		v = id.ID()
	}
	p, err := m.reference(t, v)
	if err != nil {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Assign: %s: %v", f, err)}
	}
	return p, nil
}

// Refresh reloads entity from the database (by its primary key, composite
// keys included), dropping its unflushed changes. It fails with
// gomikro.ErrNotFound when the row is gone. Filters do not apply: a
// soft-deleted entity is refreshed too.
func (m *EntityManager) Refresh(ctx context.Context, entity any) error {
	mm, err := m.use(ctx, "Refresh")
	if err != nil {
		return err
	}
	entered, err := mm.enter("Refresh")
	if err != nil {
		return err
	}
	defer mm.leave(entered)
	e, p, err := mm.entity(entity)
	if err != nil {
		return err
	}
	id, where, err := keyFilter(e, p)
	if err != nil {
		return err
	}
	objs, err := mm.find(ctx, e, where, []FindOption{Refresh(), WithoutFilters()})
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		return fmt.Errorf("%w: %s with primary key %v", gomikro.ErrNotFound, e.Name, id)
	}
	if objs[0] != p {
		// p was not managed: copy the row into it.
		copyKeepingCollections(e, p, objs[0])
	}
	return nil
}

// keyFilter returns the primary key of the entity at p (for messages) and
// a filter matching its row.
func keyFilter(e *meta.Entity, p unsafe.Pointer) (any, query.Filter, error) {
	if len(e.PK) == 1 {
		id := e.PK[0].Value(p).Interface()
		return id, pkFilter(e, id), nil
	}
	parts := make([]any, len(e.PK))
	conds := make([]query.Filter, len(e.PK))
	for i, f := range e.PK {
		v := f.Value(p).Interface()
		if f.Storage == meta.StoreRef {
			r := rel.RefAt(f.Ptr(p))
			switch {
			case r.Ptr != nil:
				v = f.Rel.Target.PK[0].Value(r.Ptr).Interface()
			case r.ID != nil:
				v = r.ID
			default:
				return nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: the key part %s is empty", e.Name, f.Name)}
			}
		}
		parts[i] = v
		conds[i] = query.Eq(f.Name, v)
	}
	return parts, query.And(conds...), nil
}
