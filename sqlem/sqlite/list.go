package sqlite

import (
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.ListBinder = Dialect{}

// listMin is the shortest IN list bound as one JSON parameter; shorter
// lists keep a placeholder per value.
const listMin = 1000

// ListMin implements sqlem.ListBinder.
func (Dialect) ListMin() int { return listMin }

// ListParam implements sqlem.ListBinder: a JSON array of the values
// (integers, floats, strings; times are text already), read back by
// json_each, so that a list of any length is one parameter.
func (Dialect) ListParam(f *meta.Field, vals []any) (any, bool) {
	if f.Storage == meta.StoreJSON || f.Type == meta.TypeBytes {
		return nil, false
	}
	s, ok := sqlem.JSONList(vals)
	if !ok {
		return nil, false
	}
	return s, true
}

// InList implements sqlem.ListBinder. The column's affinity applies to
// the values as it would to bound ones.
func (Dialect) InList(lhs, p string, _ *meta.Field, not bool) string {
	s := lhs
	if not {
		s += " NOT"
	}
	return s + " IN (SELECT value FROM json_each(" + p + "))"
}
