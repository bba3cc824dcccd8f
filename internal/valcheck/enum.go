package valcheck

import (
	"reflect"
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// CheckEnum refuses a value of an enum field (see meta.Enum) that is not
// one of its type's declared values. x is the plain value, never a
// pointer.
func CheckEnum(f *meta.Field, x reflect.Value) error {
	if f.Enum == nil || f.Enum.Has(x) {
		return nil
	}
	var v any
	switch {
	case x.Kind() == reflect.String:
		v = x.String()
	case x.CanInt():
		v = x.Int()
	default:
		v = x.Uint()
	}
	return Refuse(f, "%#v is not a value of %s (%s)", v, f.Enum.Type.Name(), strings.Join(f.Enum.Literals(), ", "))
}
