package tracking

import (
	"reflect"
	"time"

	"github.com/gomikro/gomikro/meta"
)

// leafShape is how the value of a field of a nullable embeddable is
// compared (f is its Inner: plain, pointer or driver.Valuer, at offset 0).
func leafShape(f *meta.Field) *colShape {
	c := &colShape{f: f, size: f.GoType.Size()}
	switch {
	case f.Storage == meta.StorePointer:
		c.kind = cmpPtr
	case f.GoType == reflect.TypeFor[time.Time]():
		c.kind = cmpTime
	case f.GoType.Kind() == reflect.String:
		c.kind = cmpString
	case f.GoType.Kind() == reflect.Slice && f.GoType.Elem().Kind() == reflect.Uint8:
		c.kind = cmpBytes
	case isPlainMem(f.GoType) && (c.size == 1 || c.size == 2 || c.size == 4 || c.size == 8):
		c.kind = cmpMem
	default:
		c.kind = cmpEqual
	}
	return c
}
