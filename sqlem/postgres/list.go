package postgres

import (
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.ListBinder = Dialect{}

// ListMin implements sqlem.ListBinder: every IN list is one array
// parameter, so a statement's text (and its prepared statement) does not
// depend on the list's length, and any length fits.
func (Dialect) ListMin() int { return 1 }

// ListParam implements sqlem.ListBinder: the values as an array, whose
// element type the server takes from the column compared (pgx encodes
// each value as it would encode it alone).
func (Dialect) ListParam(f *meta.Field, vals []any) (any, bool) {
	if f.Storage == meta.StoreJSON {
		return nil, false
	}
	return typedList(vals), true
}

// typedList returns vals as a []int64 or []string when every value is
// one (cheaper to encode), else as they are.
func typedList(vals []any) any {
	switch vals[0].(type) {
	case int64:
		out := make([]int64, len(vals))
		for i, v := range vals {
			x, ok := v.(int64)
			if !ok {
				return vals
			}
			out[i] = x
		}
		return out
	case string:
		out := make([]string, len(vals))
		for i, v := range vals {
			x, ok := v.(string)
			if !ok {
				return vals
			}
			out[i] = x
		}
		return out
	}
	return vals
}

// InList implements sqlem.ListBinder: lhs = ANY($n), or lhs <> ALL($n).
func (Dialect) InList(lhs, p string, _ *meta.Field, not bool) string {
	if not {
		return lhs + " <> ALL(" + p + ")"
	}
	return lhs + " = ANY(" + p + ")"
}
