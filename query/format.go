package query

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// formatValue renders a filter value for String methods: strings quoted,
// lists element by element, times in RFC 3339, pointers to scalars by
// their value, so that the output is deterministic.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case []byte:
		return fmt.Sprintf("0x%x", x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case *time.Time:
		if x != nil {
			return "&" + x.Format(time.RFC3339Nano)
		}
	case M:
		return x.String()
	case map[string]any:
		return M(x).String()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return "null"
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return "[]"
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = formatValue(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Pointer:
		if k := rv.Elem().Kind(); k != reflect.Struct && k != reflect.Pointer && k != reflect.Interface {
			return "&" + formatValue(rv.Elem().Interface())
		}
	case reflect.String:
		return strconv.Quote(rv.String())
	}
	return fmt.Sprintf("%v", v)
}
