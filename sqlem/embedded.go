package sqlem

import (
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
)

// embDest scans a column of a nullable embeddable (meta.StoreEmbedded):
// into a nullable scratch first, so that NULL leaves the embeddable
// alone and a value allocates it (a row whose columns are all NULL reads
// back as a nil embeddable).
type embDest struct {
	f *meta.Field
	// v is a *(*T) for a field of type T, a *(*E) for a field of type *E.
	v reflect.Value
}

func newEmbDest(f *meta.Field) *embDest {
	t := f.GoType
	if t.Kind() != reflect.Pointer {
		t = reflect.PointerTo(t)
	}
	return &embDest{f: f, v: reflect.New(t)}
}

// dest is the scan destination.
func (d *embDest) dest() any { return d.v.Interface() }

// store writes the scanned value into the entity at obj, allocating the
// embeddable when the value is not NULL, and clears the scratch.
func (d *embDest) store(obj unsafe.Pointer) {
	x := d.v.Elem()
	if x.IsNil() {
		return
	}
	lp := d.f.LeafAt(d.f.Ptr(obj), true)
	dst := reflect.NewAt(d.f.GoType, lp).Elem()
	if d.f.GoType.Kind() == reflect.Pointer {
		dst.Set(x)
	} else {
		dst.Set(x.Elem())
	}
	x.SetZero()
}
