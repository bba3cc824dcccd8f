package em

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/ref"
)

// Marshal writes v — an entity pointer or a slice of them, of a
// registered entity type, managed by m — as JSON for an API response, as
// ref.Marshal does with o, after loading through m the relations on the
// o.Populate paths that are not loaded yet: in batches (one query per
// relation and level, as Populate on a find), with m's active filters,
// after the flush the flush mode owes to the types they reach. So a
// handler needs no DTO and no Populate of its own:
//
//	books, err := em.Find[Book](ctx, m, query.Eq("year", 2024))
//	body, err := em.Marshal(ctx, m, books, ref.JSONOptions{
//		Populate: []string{"Author", "Tags"}, Groups: []string{"public"}})
//
// A relation that o leaves out (Exclude, Groups, json:"-",
// orm:"hidden") is not loaded, nor is anything below it. Populate and
// Exclude paths are checked first: one naming no field (or, in
// Populate, no relation) is a *gomikro.ValidationError naming the entity.
func Marshal(ctx context.Context, m Manager, v any, o ref.JSONOptions) ([]byte, error) {
	mm, err := m.manager().use(ctx, "Marshal")
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v)
	var t reflect.Type
	var objs []unsafe.Pointer
	switch {
	case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct:
		t = rv.Type().Elem()
		objs = []unsafe.Pointer{rv.UnsafePointer()}
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Pointer:
		t = rv.Type().Elem().Elem()
		for i := range rv.Len() {
			if p := rv.Index(i); !p.IsNil() {
				objs = append(objs, p.UnsafePointer())
			}
		}
	default:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Marshal: %T is neither an entity pointer nor a slice of them", v)}
	}
	e, ok := mm.c.reg.Of(t)
	if !ok || t != e.Type {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Marshal: %s is not a registered entity (add it to Config.Entities)", t)}
	}
	paths, err := o.Expanded(t)
	if err != nil {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Marshal %s: %v", e.Name, err)}
	}
	if len(paths) > 0 && len(objs) > 0 {
		entered, err := mm.enter("Marshal")
		if err != nil {
			return nil, err
		}
		defer mm.leave(entered)
		if err := mm.autoFlushPaths(ctx, 0, e, paths); err != nil {
			return nil, err
		}
		if err := mm.populate(ctx, e, objs, paths, false, nil); err != nil {
			return nil, err
		}
	}
	return ref.Marshal(v, o)
}
