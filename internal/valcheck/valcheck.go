// Package valcheck refuses, before anything is sent, the values a
// backend's column cannot hold or could not read back, with an error
// naming Entity.Field. The SQL and MongoDB backends share it; what
// differs between databases is a Limits value from the backend.
package valcheck

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// Limits lists the values of the mapped Go types that a backend's
// columns cannot hold.
type Limits struct {
	// NoNaN: float columns cannot hold NaN.
	NoNaN bool
	// NoInf: float columns cannot hold +Inf and -Inf.
	NoInf bool
	// NoNUL: text columns cannot hold the NUL character.
	NoNUL bool
}

// MinTime and MaxTime bound the times every backend stores: the years 1
// to 9999 in UTC, the range of Go's own text forms of a time (RFC 3339,
// JSON) and of SQL's DATETIME.
var (
	MinTime = time.Time{}
	MaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

var timeType = reflect.TypeFor[time.Time]()

// Refuse returns the error for a value of field f that cannot be stored.
func Refuse(f *meta.Field, format string, args ...any) error {
	return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
		Err: fmt.Errorf("%s: "+format, append([]any{f}, args...)...)}
}

// Check refuses the value x of field f (a plain value, never a pointer,
// or the driver value of a driver.Valuer) when the column cannot hold it.
func Check(f *meta.Field, x reflect.Value, lim Limits) error {
	switch x.Kind() {
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		if u := x.Uint(); u > math.MaxInt64 {
			return Refuse(f, "%d does not fit a signed 64-bit integer column", u)
		}
	case reflect.Float32, reflect.Float64:
		if f.Type == meta.TypeDecimal {
			return nil // checkRange of the backend
		}
		v := x.Float()
		if math.IsNaN(v) && lim.NoNaN {
			return Refuse(f, "NaN cannot be stored in this database")
		}
		if math.IsInf(v, 0) && lim.NoInf {
			return Refuse(f, "%v cannot be stored in this database", v)
		}
	case reflect.String:
		return CheckString(f, x.String(), lim)
	case reflect.Struct:
		if x.Type() == timeType {
			if x.CanAddr() {
				// Read in place: boxing the time allocates, and Addr looks
				// up the pointer type. UnsafeAddr of an addressable value
				// points into the live value it reflects.
				return CheckTime(f, *(*time.Time)(unsafe.Pointer(x.UnsafeAddr())))
			}
			return CheckTime(f, x.Interface().(time.Time))
		}
	}
	return nil
}

// CheckString refuses text that is not valid UTF-8 (store bytes in a
// []byte) and, where the database cannot hold it, a NUL character.
func CheckString(f *meta.Field, s string, lim Limits) error {
	if !validUTF8(s) {
		i := 0
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return Refuse(f, "the text is not valid UTF-8 (byte %d is %#x); store binary data in a []byte", i, s[i])
	}
	if lim.NoNUL {
		if i := strings.IndexByte(s, 0); i >= 0 {
			return Refuse(f, "this database cannot store a NUL character in text (at byte %d)", i)
		}
	}
	return nil
}

// validUTF8 is utf8.ValidString, quicker on the short ASCII strings most
// columns hold: eight bytes a step while they are ASCII (utf8.ValidString
// steps byte by byte through strings of up to 16 bytes), utf8.ValidString
// from the first byte that is not.
func validUTF8(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if w&0x8080808080808080 != 0 {
			return utf8.ValidString(s[i:])
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// CheckJSON refuses encoded JSON holding a NUL character (the escape
// \u0000) where the database cannot store NUL.
func CheckJSON(f *meta.Field, b []byte, lim Limits) error {
	if !lim.NoNUL {
		return nil
	}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`\u0000`))
		if j < 0 {
			return nil
		}
		j += i
		// An escape only if an even number of backslashes precedes it.
		n := 0
		for k := j - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return Refuse(f, "this database cannot store a NUL character (\\u0000) in JSON")
		}
		i = j + 1
	}
}

// CheckTime refuses a time outside the years 1 to 9999 in UTC.
func CheckTime(f *meta.Field, t time.Time) error {
	if t.Before(MinTime) || t.After(MaxTime) {
		return Refuse(f, "%s is outside the years 1 to 9999 (UTC) that times are stored in", t.Format(time.RFC3339Nano))
	}
	return nil
}

// CheckDriverValue checks the value a driver.Valuer of field f gave.
func CheckDriverValue(f *meta.Field, v any, lim Limits) error {
	switch x := v.(type) {
	case nil, int64, bool, []byte:
		return nil
	case string:
		return CheckString(f, x, lim)
	case time.Time:
		return CheckTime(f, x)
	case float64:
		return Check(f, reflect.ValueOf(x), lim)
	}
	return Check(f, reflect.ValueOf(v), lim)
}
