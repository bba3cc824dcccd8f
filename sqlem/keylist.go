package sqlem

import (
	sqldriver "database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// inList writes col IN (the n values at(i) for column f), or NOT IN when
// not: one list parameter where the dialect binds lists (ListBinder),
// else one parameter per value, refused with a clear error beyond the
// dialect's MaxParams.
func (s *builder) inList(col string, f *meta.Field, n int, at func(int) any, not bool) error {
	vals := make([]any, n)
	for i := range n {
		v, err := paramValue(s.d, f, at(i))
		if err != nil {
			return err
		}
		vals[i] = convertParam(s.d, v)
	}
	if p, ok := listParam(s.d, keyField(f), vals); ok {
		lb := s.d.(ListBinder)
		s.args = append(s.args, p)
		s.w(lb.InList(col, s.d.Placeholder(len(s.args)), keyField(f), not))
		return nil
	}
	if len(s.args)+n > s.d.MaxParams() {
		op := "IN"
		if not {
			op = "NOT IN"
		}
		return fmt.Errorf("gomikro: %s %s a list of %d values: more than the %d parameters one statement may carry on this database, "+
			"and the values cannot be bound as one list", f, op, n, s.d.MaxParams())
	}
	s.w(col)
	if not {
		s.w(" NOT")
	}
	s.w(" IN (")
	for i, v := range vals {
		if i > 0 {
			s.w(", ")
		}
		s.args = append(s.args, v)
		s.w(s.d.Placeholder(len(s.args)))
	}
	s.w(")")
	return nil
}

// listParam returns vals (driver values of a column holding f's values)
// as one parameter when dialect d binds such a list as one.
func listParam(d Dialect, f *meta.Field, vals []any) (any, bool) {
	lb, ok := d.(ListBinder)
	if !ok || len(vals) < max(1, lb.ListMin()) {
		return nil, false
	}
	return lb.ListParam(f, vals)
}

// keyBatch is how many of keys, values of field f, one statement can
// filter on in dialect d: all of them (0) when they fit its parameters or
// bind as one list, else what its parameter limit leaves.
func keyBatch(d Dialect, f *meta.Field, keys []any) int {
	// Room for the statement's other parameters.
	room := max(1, d.MaxParams()-100)
	if len(keys) <= room {
		return 0
	}
	if _, ok := d.(ListBinder); ok {
		vals := make([]any, len(keys))
		for i, k := range keys {
			v, err := paramValue(d, f, k)
			if err != nil {
				return room // the statement reports it
			}
			vals[i] = convertParam(d, v)
		}
		if _, ok := listParam(d, keyField(f), vals); ok {
			return 0
		}
	}
	return room
}

// JSONList encodes vals, driver values, as a JSON array for dialects
// that read a list parameter with a JSON table function. ok is false when
// a value is not an integer of int64's range, a finite float, a string or
// a bool (NULL included: a NULL in an IN list does not mean what it
// means in a JSON array), or a string is not valid UTF-8.
func JSONList(vals []any) (string, bool) {
	b := make([]byte, 0, 2+len(vals)*8)
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		if dv, ok := v.(sqldriver.Valuer); ok {
			var err error
			if v, err = dv.Value(); err != nil {
				return "", false
			}
		}
		switch x := v.(type) {
		case int64:
			b = strconv.AppendInt(b, x, 10)
			continue
		case string:
			if !utf8.ValidString(x) {
				return "", false
			}
			b = appendJSONString(b, x)
			continue
		}
		rv := reflect.ValueOf(v)
		if !rv.IsValid() {
			return "", false
		}
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			b = strconv.AppendInt(b, rv.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if rv.Uint() > math.MaxInt64 {
				return "", false
			}
			b = strconv.AppendUint(b, rv.Uint(), 10)
		case reflect.Float32, reflect.Float64:
			x := rv.Float()
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "", false
			}
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		case reflect.String:
			if !utf8.ValidString(rv.String()) {
				return "", false
			}
			b = appendJSONString(b, rv.String())
		case reflect.Bool:
			b = strconv.AppendBool(b, rv.Bool())
		default:
			return "", false
		}
	}
	return string(append(b, ']')), true
}

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// deleteList renders the delete of rows of e (one key column) with their
// keys bound as one list, when the dialect binds such a list.
func (fx *flushExec) deleteList(e *meta.Entity, rows []*tracking.Entry) (*Stmt, bool) {
	d := fx.s.drv.d
	if lb, ok := d.(ListBinder); !ok || len(rows) < max(1, lb.ListMin()) {
		return nil, false
	}
	pk := e.PK[0]
	vals := make([]any, len(rows))
	for i, row := range rows {
		v, err := fx.vals.Value(pk, row)
		if err != nil {
			return nil, false
		}
		vals[i] = convertParam(d, v)
	}
	p, ok := listParam(d, pk, vals)
	if !ok {
		return nil, false
	}
	bl := newBuilder(d)
	bl.w("DELETE FROM ", bl.q(e.Table), " WHERE ")
	bl.args = append(bl.args, p)
	bl.w(d.(ListBinder).InList(bl.q(pk.Column), d.Placeholder(1), pk, false))
	return &Stmt{SQL: bl.String(), Args: bl.args}, true
}
