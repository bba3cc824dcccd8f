package sqlem

import (
	"database/sql"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// TestIfaceOf checks the interface layout ifaceOf relies on: the value it
// builds is the very interface reflect builds for the same pointer.
func TestIfaceOf(t *testing.T) {
	type row struct {
		N  int64
		S  string
		T  time.Time
		P  *int
		NS sql.NullString
		B  []byte
		U  uint8
	}
	var r row
	rt := reflect.TypeFor[row]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		p := unsafe.Add(unsafe.Pointer(&r), f.Offset)
		got := ifaceOf(typeWord(f.Type), p)
		want := reflect.NewAt(f.Type, p).Interface()
		if reflect.TypeOf(got) != reflect.TypeOf(want) || got != want {
			t.Errorf("%s: ifaceOf gives %T %v, reflect %T %v", f.Name, got, got, want, want)
		}
	}
}
