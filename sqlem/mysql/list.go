package mysql

import (
	"strconv"
	"unicode/utf8"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.ListBinder = Dialect{}

// maxListString is the longest string a JSON list carries: VARCHAR(768)
// of utf8mb4 is the longest the derived table's key takes. A list with a
// longer string is bound a parameter per value.
const maxListString = 768

// listMin is the shortest IN list bound as one JSON parameter; shorter
// lists keep a placeholder per value.
const listMin = 1000

// ListMin implements sqlem.ListBinder.
func (Dialect) ListMin() int { return listMin }

// jsonTableType is the JSON_TABLE column type that carries values of f
// without loss, or "" when a list of them is not bound as JSON.
func jsonTableType(f *meta.Field) string {
	if f.ColumnType != "" || f.Storage == meta.StoreJSON {
		return ""
	}
	switch f.Type {
	case meta.TypeBool, meta.TypeInt16, meta.TypeInt32, meta.TypeInt64:
		return "BIGINT"
	case meta.TypeFloat32, meta.TypeFloat64:
		return "DOUBLE"
	case meta.TypeString:
		return "VARCHAR(" + strconv.Itoa(maxListString) + ")"
	}
	return ""
}

// ListParam implements sqlem.ListBinder: a JSON array of the values
// (integers, floats, strings), read back by JSON_TABLE (MariaDB 10.6+,
// MySQL 8.0.4+), so that a list of any length is one parameter.
func (Dialect) ListParam(f *meta.Field, vals []any) (any, bool) {
	if jsonTableType(f) == "" {
		return nil, false
	}
	if f.Type == meta.TypeString {
		for _, v := range vals {
			if s, ok := v.(string); ok && utf8.RuneCountInString(s) > maxListString {
				return nil, false
			}
		}
	}
	s, ok := sqlem.JSONList(vals)
	if !ok {
		return nil, false
	}
	return s, true
}

// InList implements sqlem.ListBinder. The distinct values go through a
// derived table, which MariaDB materializes with a key: a DELETE or
// UPDATE (no semi-join there before MariaDB 11) then looks each row up
// instead of scanning the list for it.
func (Dialect) InList(lhs, p string, f *meta.Field, not bool) string {
	s := lhs
	if not {
		s += " NOT"
	}
	return s + " IN (SELECT gomikro_list.v FROM (SELECT DISTINCT j.v FROM JSON_TABLE(" + p + ", '$[*]' COLUMNS (v " +
		jsonTableType(f) + " PATH '$')) j) gomikro_list)"
}
