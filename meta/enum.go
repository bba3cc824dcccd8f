package meta

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Enum is the declared set of values of a field whose Go type is an
// enumeration: a named string or integer type with a method listing
// every value the type may hold, such as
//
//	type Status string
//
//	func (Status) Values() []Status { return []Status{"open", "closed"} }
//
// A flush refuses a value outside the set before anything is sent, and
// the schema holds the set (an ENUM column for a string type on MySQL, a
// CHECK constraint elsewhere).
type Enum struct {
	// Type is the Go type (never a pointer).
	Type reflect.Type
	// Name is the type's name in snake_case.
	Name string
	// Values are the declared values in declaration order: strings for a
	// string type, int64 for an integer type.
	Values []any

	strs map[string]struct{}
	ints map[int64]struct{}
}

// IsString reports whether the enum's values are strings.
func (en *Enum) IsString() bool { return en.strs != nil }

// Has reports whether x, a value of the enum's Go type (or of its kind),
// is one of the declared values.
func (en *Enum) Has(x reflect.Value) bool {
	switch {
	case x.Kind() == reflect.String:
		_, ok := en.strs[x.String()]
		return ok
	case x.CanInt():
		_, ok := en.ints[x.Int()]
		return ok
	case x.CanUint():
		_, ok := en.ints[int64(x.Uint())]
		return ok
	}
	return false
}

// Literals returns the values as SQL literals ('draft', 3), for DDL.
func (en *Enum) Literals() []string {
	out := make([]string, len(en.Values))
	for i, v := range en.Values {
		switch v := v.(type) {
		case string:
			out[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case int64:
			out[i] = strconv.FormatInt(v, 10)
		}
	}
	return out
}

// enumOf reads the value set of field f's type, when the type declares
// one; a Values method of another shape is an error, so that a typo never
// turns the check off silently.
func enumOf(f *Field) error {
	t := f.GoType
	if f.Storage == StorePointer {
		t = t.Elem()
	} else if f.Storage != StorePlain {
		return nil
	}
	m, ok := t.MethodByName("Values")
	if !ok {
		if _, onPtr := reflect.PointerTo(t).MethodByName("Values"); onPtr && (t.Kind() == reflect.String || IsIntKind(t.Kind())) {
			return fieldErr(f.Entity.Name, f.Name, "%s.Values has a pointer receiver; declare it on the value (func (%s) Values() []%s) to make %s an enum", t.Name(), t.Name(), t.Name(), t.Name())
		}
		return nil
	}
	str := t.Kind() == reflect.String
	if !str && !IsIntKind(t.Kind()) {
		return nil
	}
	mt := m.Type // includes the receiver
	if mt.NumIn() != 1 || mt.NumOut() != 1 || mt.Out(0) != reflect.SliceOf(t) {
		return fieldErr(f.Entity.Name, f.Name, "%s.Values declares an enum and must be func() []%s, not %s", t.Name(), t.Name(), mt)
	}
	if t.Name() == "" {
		return nil
	}
	vals := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	if vals.Len() == 0 {
		return fieldErr(f.Entity.Name, f.Name, "%s.Values returns no values", t.Name())
	}
	en := &Enum{Type: t, Name: ToSnake(t.Name())}
	if str {
		en.strs = make(map[string]struct{}, vals.Len())
	} else {
		en.ints = make(map[int64]struct{}, vals.Len())
	}
	for i := range vals.Len() {
		v := vals.Index(i)
		var key any
		if str {
			s := v.String()
			if _, dup := en.strs[s]; dup {
				return fieldErr(f.Entity.Name, f.Name, "%s.Values lists %q twice", t.Name(), s)
			}
			en.strs[s] = struct{}{}
			key = s
		} else {
			var k int64
			if v.CanInt() {
				k = v.Int()
			} else {
				k = int64(v.Uint())
			}
			if _, dup := en.ints[k]; dup {
				return fieldErr(f.Entity.Name, f.Name, "%s.Values lists %d twice", t.Name(), k)
			}
			en.ints[k] = struct{}{}
			key = k
		}
		en.Values = append(en.Values, key)
	}
	if f.Length > 0 && str {
		for _, v := range en.Values {
			if n := len([]rune(v.(string))); n > f.Length {
				return fieldErr(f.Entity.Name, f.Name, "%s.Values: %q is longer than length=%d", t.Name(), v, f.Length)
			}
		}
	}
	f.Enum = en
	return nil
}

// checkEnums refuses two enum types of one name with different values:
// on PostgreSQL they would be one type.
func checkEnums(entities []*Entity) error {
	seen := map[string]*Field{}
	for _, e := range entities {
		for _, f := range e.Columns {
			if f.Enum == nil {
				continue
			}
			prev, ok := seen[f.Enum.Name]
			if !ok {
				seen[f.Enum.Name] = f
				continue
			}
			if prev.Enum.Type != f.Enum.Type {
				return fieldErr(e.Name, f.Name, "%s and %s (the type of %s) are two enum types of one name %q", f.Enum.Type, prev.Enum.Type, prev, f.Enum.Name)
			}
		}
	}
	return nil
}

// String describes the enum: its name and values.
func (en *Enum) String() string {
	return fmt.Sprintf("%s(%s)", en.Name, strings.Join(en.Literals(), ", "))
}
