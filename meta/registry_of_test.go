package meta_test

import (
	"reflect"
	"testing"

	"github.com/gomikro/gomikro/meta"
)

type of1 struct {
	ID int64 `orm:"pk"`
}
type of2 struct {
	ID int64 `orm:"pk"`
}
type of3 struct {
	ID int64 `orm:"pk"`
}
type of4 struct {
	ID int64 `orm:"pk"`
}
type of5 struct {
	ID int64 `orm:"pk"`
}
type of6 struct {
	ID int64 `orm:"pk"`
}
type of7 struct {
	ID int64 `orm:"pk"`
}
type of8 struct {
	ID int64 `orm:"pk"`
}
type of9 struct {
	ID int64 `orm:"pk"`
}
type ofNone struct {
	ID int64 `orm:"pk"`
}

// TestRegistryOf looks entities up by type in a small registry (compared
// in turn) and a bigger one (hashed): by the struct, by pointers to it,
// and not at all for a type that is not registered.
func TestRegistryOf(t *testing.T) {
	all := []any{of1{}, of2{}, of3{}, of4{}, of5{}, of6{}, of7{}, of8{}, of9{}}
	for _, n := range []int{1, 2, 8, 9} {
		reg, err := meta.NewRegistry(nil, all[:n]...)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range all {
			typ := reflect.TypeOf(v)
			for _, q := range []reflect.Type{typ, reflect.PointerTo(typ), reflect.PointerTo(reflect.PointerTo(typ))} {
				e, ok := reg.Of(q)
				if want := i < n; ok != want {
					t.Fatalf("%d entities: Of(%s) found %v, want %v", n, q, ok, want)
				}
				if ok && e.Type != typ {
					t.Fatalf("%d entities: Of(%s) = %s", n, q, e.Type)
				}
			}
		}
		if e, ok := reg.Of(reflect.TypeFor[ofNone]()); ok || e != nil {
			t.Fatalf("%d entities: Of(ofNone) = %v, %v", n, e, ok)
		}
	}
}
