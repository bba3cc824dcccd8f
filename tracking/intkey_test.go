package tracking_test

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

type kInt64 struct {
	ID int64 `orm:"pk"`
}

type kInt struct {
	ID int `orm:"pk"`
}

type kUint64 struct {
	ID uint64 `orm:"pk"`
}

type kAssigned struct {
	ID int64 `orm:"pk,autoincrement=false"`
}

type kInt32 struct {
	ID int32 `orm:"pk"`
}

type kString struct {
	ID string `orm:"pk"`
}

type kPair struct {
	A int64 `orm:"pk"`
	B int64 `orm:"pk"`
}

// IntKeyAt reads the same Key as KeyOf, with the same answer for a zero
// generated key, for the entities IntKey accepts; IntKey refuses the
// others (narrower integers, strings, composite keys).
func TestIntKeyMatchesKeyOf(t *testing.T) {
	reg, err := newReg(kInt64{}, kInt{}, kUint64{}, kAssigned{}, kInt32{}, kString{}, kPair{})
	if err != nil {
		t.Fatal(err)
	}
	of := func(v any) *meta.Entity {
		e, ok := reg.Of(reflect.TypeOf(v))
		if !ok {
			t.Fatalf("%T not registered", v)
		}
		return e
	}
	accepted := []struct {
		e    *meta.Entity
		objs []unsafe.Pointer
	}{
		{of(kInt64{}), []unsafe.Pointer{unsafe.Pointer(&kInt64{}), unsafe.Pointer(&kInt64{ID: 7}), unsafe.Pointer(&kInt64{ID: -3})}},
		{of(kInt{}), []unsafe.Pointer{unsafe.Pointer(&kInt{}), unsafe.Pointer(&kInt{ID: 1 << 40})}},
		{of(kUint64{}), []unsafe.Pointer{unsafe.Pointer(&kUint64{}), unsafe.Pointer(&kUint64{ID: 1<<64 - 1})}},
		{of(kAssigned{}), []unsafe.Pointer{unsafe.Pointer(&kAssigned{}), unsafe.Pointer(&kAssigned{ID: 9})}},
	}
	for _, c := range accepted {
		f := tracking.IntKey(c.e)
		if f == nil {
			t.Fatalf("IntKey(%s) = nil", c.e.Name)
		}
		for _, obj := range c.objs {
			k1, ok1 := tracking.KeyOf(c.e, obj)
			k2, ok2 := tracking.IntKeyAt(f, obj)
			if k1 != k2 || ok1 != ok2 {
				t.Errorf("%s: IntKeyAt = %v, %v; KeyOf = %v, %v", c.e.Name, k2, ok2, k1, ok1)
			}
		}
	}
	if _, ok := tracking.IntKeyAt(tracking.IntKey(of(kAssigned{})), unsafe.Pointer(&kAssigned{})); !ok {
		t.Error("a zero key the database does not generate is a key")
	}
	for _, v := range []any{kInt32{}, kString{}, kPair{}} {
		if f := tracking.IntKey(of(v)); f != nil {
			t.Errorf("IntKey(%T) = %s, want nil", v, f.Name)
		}
	}
}
