package sqlem

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// Scan runs the query and scans its rows into values of the caller's type
// R: a struct whose fields take the selected columns by name (a `db:"name"`
// tag, or the field's name compared case-insensitively, or its snake_case
// form), or a single-column type (string, int64, time.Time, a
// sql.Scanner...) when one column is selected. Without Select, the root
// entity's columns are selected. A column without a field is an error.
//
//	type row struct{ Year int; N int64 }
//	rows, err := sqlem.Scan[row](ctx, sqlem.QB[Book](m, "b").Select("year", "count(*) as n").GroupBy("year"))
func Scan[R, T any](ctx context.Context, qb *QueryBuilder[T]) ([]R, error) {
	if err := qb.ready(); err != nil {
		return nil, err
	}
	core, err := qb.coreFor(ctx, "Scan")
	if err != nil {
		return nil, err
	}
	rows, pl, err := qb.query(ctx, core, selRows)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	plan, err := scanPlanOf(reflect.TypeFor[R](), pl.outs)
	if err != nil {
		return nil, err
	}
	out := []R{}
	dests := make([]any, len(pl.outs))
	for rows.Next() {
		var zero R
		out = append(out, zero)
		plan.dests(reflect.ValueOf(&out[len(out)-1]).Elem(), dests)
		if err := rows.Scan(dests...); err != nil {
			return nil, fmt.Errorf("gomikro: scan %s rows into %s: %w", pl.sc.rootE.Name, reflect.TypeFor[R](), err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, qb.m.drv.wrapErr(err, pl.sc.rootE, "select")
	}
	return out, rows.Close()
}

// Scalar runs the query and returns the one column of its first row as a
// V: Scalar[int64](ctx, qb.Select("max(b.year)")). No row is an error
// matching gomikro.ErrNotFound.
func Scalar[V, T any](ctx context.Context, qb *QueryBuilder[T]) (V, error) {
	var v V
	if err := qb.ready(); err != nil {
		return v, err
	}
	core, err := qb.coreFor(ctx, "Scalar")
	if err != nil {
		return v, err
	}
	rows, pl, err := qb.query(ctx, core, selRows)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	if len(pl.outs) != 1 {
		return v, fmt.Errorf("gomikro: Scalar on %s: the query selects %d columns; Select one", pl.sc.rootE.Name, len(pl.outs))
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return v, qb.m.drv.wrapErr(err, pl.sc.rootE, "select")
		}
		return v, fmt.Errorf("%w: Scalar on %s: no row", gomikro.ErrNotFound, pl.sc.rootE.Name)
	}
	if err := rows.Scan(&v); err != nil {
		return v, fmt.Errorf("gomikro: Scalar on %s into %s: %w", pl.sc.rootE.Name, reflect.TypeFor[V](), err)
	}
	return v, rows.Close()
}

// scanPlan maps the columns of a result to the fields of a struct (or to
// the value itself).
type scanPlan struct {
	whole  bool
	fields [][]int
}

type scanKey struct {
	t    reflect.Type
	outs string
}

var scanPlans sync.Map // scanKey → *scanPlan

var (
	timeType    = reflect.TypeFor[time.Time]()
	scannerType = reflect.TypeFor[sql.Scanner]()
)

func scanPlanOf(t reflect.Type, outs []string) (*scanPlan, error) {
	key := scanKey{t, strings.Join(outs, "\x00")}
	if p, ok := scanPlans.Load(key); ok {
		return p.(*scanPlan), nil
	}
	p := &scanPlan{}
	if t.Kind() != reflect.Struct || t == timeType || reflect.PointerTo(t).Implements(scannerType) {
		if len(outs) != 1 {
			return nil, fmt.Errorf("gomikro: Scan into %s: %d columns selected; a %s takes one", t, len(outs), t)
		}
		p.whole = true
	} else {
		for _, o := range outs {
			idx, ok := fieldFor(t, o)
			if !ok {
				return nil, fmt.Errorf("gomikro: Scan into %s: no field for the column %q (name one %s, or tag it `db:\"%s\"`)", t, o, o, o)
			}
			p.fields = append(p.fields, idx)
		}
	}
	scanPlans.Store(key, p)
	return p, nil
}

// fieldFor finds the exported field of t that takes the column name.
func fieldFor(t reflect.Type, name string) ([]int, bool) {
	var byName []int
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue
		}
		if tag, _, _ := strings.Cut(f.Tag.Get("db"), ","); tag != "" {
			if tag == name {
				return f.Index, true
			}
			continue
		}
		if byName == nil && (strings.EqualFold(f.Name, name) || meta.ToSnake(f.Name) == strings.ToLower(name)) {
			byName = f.Index
		}
	}
	return byName, byName != nil
}

// dests points dests at the fields of v.
func (p *scanPlan) dests(v reflect.Value, dests []any) {
	if p.whole {
		dests[0] = v.Addr().Interface()
		return
	}
	for i, idx := range p.fields {
		dests[i] = v.FieldByIndex(idx).Addr().Interface()
	}
}
