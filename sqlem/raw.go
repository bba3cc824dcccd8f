package sqlem

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// ColumnNamer is implemented by Rows that name their result columns, as
// database/sql's *sql.Rows does; Raw needs it.
type ColumnNamer interface {
	Columns() ([]string, error)
}

var errNoColumns = errors.New("gomikro: the driver's rows do not name their columns")

// Raw runs a raw SELECT (in m's transaction when it has one) and returns
// its rows as values of type T. Bind every value as a parameter, in the
// dialect's placeholder form as for Execute: $1, $2 on PostgreSQL, ? on
// MySQL/MariaDB and SQLite.
//
// When T is a registered entity, the rows become entities managed by m,
// exactly as a Find's do: a row already in the identity map yields the
// object already there (unchanged, with its unflushed changes), the
// others are loaded and tracked, references point to managed objects and
// OnLoad hooks run. The result must hold every column of T's table (a
// partial row would look loaded with zero values), named as the table's
// columns are ("SELECT b.* FROM book b JOIN ..."); a result column that is
// not one of them is an error naming the struct and the column.
//
// Any other struct T is filled by column name, as Scan fills one (a
// `db:"name"` tag, the field's name case-insensitively, or its snake_case
// form), and is not managed; so is a single-column type such as int64 or
// string.
//
//	books, err := sqlem.Raw[Book](ctx, m, "SELECT * FROM book WHERE year > ? ORDER BY id", 2000)
func Raw[T any](ctx context.Context, m *EntityManager, sql string, args ...any) ([]*T, error) {
	if m == nil || m.EntityManager == nil || m.drv == nil {
		return nil, &gomikro.ValidationError{Msg: "Raw: nil EntityManager"}
	}
	if strings.TrimSpace(sql) == "" {
		return nil, &gomikro.ValidationError{Msg: "Raw: empty statement"}
	}
	t := reflect.TypeFor[T]()
	if e, ok := m.Registry().Of(t); ok && e.Type == t {
		return rawEntities[T](ctx, m, e, sql, args)
	}
	return rawValues[T](ctx, m, sql, args)
}

// rawQuery runs the statement on core's session, with the parameters in
// the dialect's form, and returns the rows and their column names.
func rawQuery(ctx context.Context, m *EntityManager, core *em.EntityManager, what, sql string, args []any) (Rows, []string, error) {
	x, err := sessionExecutor(core)
	if err != nil {
		return nil, nil, err
	}
	if pc, ok := m.drv.d.(ParamConverter); ok && len(args) > 0 {
		conv := make([]any, len(args))
		for i, a := range args {
			conv[i] = pc.ConvertParam(a)
		}
		args = conv
	}
	rows, err := x.Query(ctx, sql, args...)
	if err != nil {
		if constraint, _, kind := m.drv.d.Classify(err); kind != nil {
			err = &gomikro.ConstraintError{Kind: kind, Constraint: constraint, Err: err}
		}
		return nil, nil, fmt.Errorf("gomikro: Raw[%s]: %w", what, err)
	}
	cn, ok := rows.(ColumnNamer)
	if !ok {
		rows.Close()
		return nil, nil, fmt.Errorf("gomikro: Raw[%s]: %w", what, errNoColumns)
	}
	cols, err := cn.Columns()
	if err != nil {
		rows.Close()
		return nil, nil, fmt.Errorf("gomikro: Raw[%s]: %w", what, err)
	}
	return rows, cols, nil
}

// rawEntities is Raw for an entity type.
func rawEntities[T any](ctx context.Context, m *EntityManager, e *meta.Entity, sql string, args []any) ([]*T, error) {
	sink, _, err := em.RowSinkFor[T](ctx, m, "Raw", false)
	if err != nil {
		return nil, err
	}
	rows, cols, err := rawQuery(ctx, m, sink.Manager(), e.Name, sql, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rr, err := newRawReader(e, cols)
	if err != nil {
		return nil, err
	}
	var out []unsafe.Pointer
	for rows.Next() {
		obj, err := rr.row(rows, sink)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	if err := rows.Err(); err != nil {
		return nil, m.drv.wrapErr(err, e, "select")
	}
	if err := rows.Close(); err != nil {
		return nil, m.drv.wrapErr(err, e, "select")
	}
	if err := sink.Finish(ctx); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return []*T{}, nil
	}
	return typedObjects[T](out), nil
}

// rawReader scans result columns into the fields of an entity.
type rawReader struct {
	e     *meta.Entity
	cols  []rawCol
	dests []any
}

type rawCol struct {
	f   *meta.Field
	key *keyDest // a reference's key
}

// newRawReader maps the result columns to e's columns: each must be one
// of them, and every one of them must be there.
func newRawReader(e *meta.Entity, names []string) (*rawReader, error) {
	byCol := make(map[string]*meta.Field, len(e.ReadsAll))
	for _, f := range e.ReadsAll {
		byCol[strings.ToLower(f.Column)] = f
	}
	rr := &rawReader{e: e, dests: make([]any, len(names))}
	seen := make(map[*meta.Field]bool, len(names))
	for _, n := range names {
		f, ok := byCol[strings.ToLower(n)]
		if !ok {
			return nil, fmt.Errorf("gomikro: Raw[%s]: the result column %q is not a column of %s (table %s: %s); "+
				"select the table's columns, or scan into a struct of your own", e.Name, n, e.Name, e.Table, columnNames(e))
		}
		if seen[f] {
			return nil, fmt.Errorf("gomikro: Raw[%s]: the result has the column %q twice (a join? select only %s's columns, as t.*)", e.Name, n, e.Name)
		}
		seen[f] = true
		c := rawCol{f: f}
		if f.Storage == meta.StoreRef {
			c.key = newKeyDest(f.Rel.Target.PK[0].GoType)
		}
		rr.cols = append(rr.cols, c)
	}
	var missing []string
	for _, f := range e.Columns {
		if !seen[f] && !f.Lazy {
			missing = append(missing, f.Column)
		}
	}
	if len(missing) > 0 {
		what := "columns"
		if slices.ContainsFunc(e.PK, func(f *meta.Field) bool { return !seen[f] }) {
			what = "columns (its primary key among them)"
		}
		return nil, fmt.Errorf("gomikro: Raw[%s]: the result lacks the %s %s of %s: a managed entity is loaded whole; "+
			"select them all (SELECT %s.* ...), or scan into a struct of your own", e.Name, what, strings.Join(missing, ", "), e.Name, e.Table)
	}
	return rr, nil
}

// columnNames lists the column names of e, unquoted, for messages.
func columnNames(e *meta.Entity) string {
	names := make([]string, len(e.Columns))
	for i, f := range e.Columns {
		names[i] = f.Column
	}
	return strings.Join(names, ", ")
}

// row scans one row into a new object and merges it into the sink.
func (rr *rawReader) row(rows Rows, sink *em.RowSink) (unsafe.Pointer, error) {
	obj := sink.Alloc(rr.e)
	for i := range rr.cols {
		c := &rr.cols[i]
		switch {
		case c.key != nil:
			rr.dests[i] = c.key
		case encoded(c.f):
			rr.dests[i] = &encodedDest{f: c.f, p: c.f.Ptr(obj)}
		default:
			rr.dests[i] = reflect.NewAt(c.f.GoType, c.f.Ptr(obj)).Interface()
		}
	}
	if err := rows.Scan(rr.dests...); err != nil {
		return nil, fmt.Errorf("gomikro: Raw[%s]: scan: %w", rr.e.Name, err)
	}
	for i := range rr.cols {
		c := &rr.cols[i]
		if c.key != nil && c.key.valid {
			refAt(c.f, obj).Ptr = sink.Ref(c.f.Rel.Target, c.key.v.UnsafePointer())
		}
	}
	return sink.Row(rr.e, obj)
}

// rawValues is Raw for a type that is not an entity: filled by column
// name, not managed.
func rawValues[T any](ctx context.Context, m *EntityManager, sql string, args []any) ([]*T, error) {
	t := reflect.TypeFor[T]()
	core := m.EntityManager
	if core.IsGlobal() {
		if f := em.FromContext(ctx); f != nil {
			core = f
		}
	}
	rows, cols, err := rawQuery(ctx, m, core, t.String(), sql, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	plan, err := scanPlanOf(t, cols)
	if err != nil {
		return nil, fmt.Errorf("gomikro: Raw[%s]: %s", t, strings.TrimPrefix(err.Error(), "gomikro: "))
	}
	out := []*T{}
	dests := make([]any, len(cols))
	for rows.Next() {
		v := new(T)
		plan.dests(reflect.ValueOf(v).Elem(), dests)
		if err := rows.Scan(dests...); err != nil {
			return nil, fmt.Errorf("gomikro: Raw[%s]: scan: %w", t, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gomikro: Raw[%s]: %w", t, err)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("gomikro: Raw[%s]: %w", t, err)
	}
	return out, nil
}
