package sqlem

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// refuseAll is the error of an UPDATE or DELETE without a condition, or
// with one that holds for every row.
func refuseAll(e *meta.Entity, op qbOp, empty bool) error {
	what := "without a condition"
	if !empty {
		what = "without a condition that narrows it (the one given holds for every row)"
	}
	return &gomikro.ValidationError{Msg: fmt.Sprintf("%s of %s %s would change every row: add a Where, or call All() to mean it", op, e.Name, what)}
}

// dmlScope checks what an UPDATE or DELETE cannot have.
func (s *qbState) dmlScope() (*scope, error) {
	sc, err := s.newScope(nil)
	if err != nil {
		return nil, err
	}
	switch {
	case sc.rootE.Virtual:
		return nil, fmt.Errorf("%w: %s of %s: it is a virtual entity (backed by a query, not a table)", gomikro.ErrReadOnly, s.op, sc.rootE.Name)
	case len(s.joins) > 0:
		return nil, fmt.Errorf("gomikro: %s of %s: joins are not supported; filter on relation paths (sub-queries) or use WhereIn", s.op, sc.rootE.Name)
	case len(s.sel) > 0 || len(s.groupBy) > 0 || len(s.having) > 0 || len(s.orderBy) > 0 || s.limit > 0 || s.offset > 0 || s.distinct:
		return nil, fmt.Errorf("gomikro: %s of %s: Select, GroupBy, Having, OrderBy, Limit, Offset and Distinct apply to selects only", s.op, sc.rootE.Name)
	}
	return sc, nil
}

// dmlWhere writes the WHERE clause of an UPDATE or DELETE, refusing an
// empty one, or one that holds for every row (an empty $nin, NOT of an
// empty $or, ...), unless All was called.
func (s *qbState) dmlWhere(b *builder, sc *scope) error {
	t := always
	if len(s.where) > 0 {
		b.w(" WHERE ")
		var err error
		if t, err = sc.conds(b, s.where, "where"); err != nil {
			return err
		}
	}
	if t == always && !s.all {
		return refuseAll(sc.rootE, s.op, len(s.where) == 0)
	}
	return nil
}

// columnValue resolves prop of e and checks and converts v for it as a
// filter value: references take keys, entity pointers or ref.Refs.
func columnValue(e *meta.Entity, prop string, v any) (*meta.Field, any, error) {
	x, err := query.Resolve(e, query.Eq(prop, v))
	if err != nil {
		return nil, nil, err
	}
	fc, ok := x.(query.FieldCmp)
	if !ok || fc.Field.Column == "" {
		return nil, nil, fmt.Errorf("gomikro: %s.%s has no column to set (a collection or an inverse relation)", e.Name, prop)
	}
	if fc.Field.Formula != "" {
		return nil, nil, fmt.Errorf("gomikro: %s is a formula (read-only): it has no column to set", fc.Field)
	}
	return fc.Field, fc.Value, nil
}

func (s *qbState) updateSQL(b *builder) error {
	sc, err := s.dmlScope()
	if err != nil {
		return err
	}
	e := sc.rootE
	if len(s.set) == 0 {
		return fmt.Errorf("gomikro: update of %s: nothing to set", e.Name)
	}
	b.w("UPDATE ", b.q(e.Table), " AS ", b.q(s.alias), " SET ")
	for i, it := range s.set {
		if i > 0 {
			b.w(", ")
		}
		if it.raw {
			f, ok := e.Field(it.prop)
			if !ok {
				return fmt.Errorf("gomikro: update of %s: %s has no property %q: %w", e.Name, e.Name, it.prop, query.ErrUnknownProperty)
			}
			if f.Column == "" || f.Formula != "" {
				return fmt.Errorf("gomikro: update of %s: %s has no column to set", e.Name, f)
			}
			b.w(b.q(f.Column), " = ")
			if err := rawFragment(b, it.sql, it.args); err != nil {
				return err
			}
			continue
		}
		f, v, err := columnValue(e, it.prop, it.val)
		if err != nil {
			return fmt.Errorf("gomikro: update of %s: %w", e.Name, err)
		}
		v, err = writeParam(b.d, f, v)
		if err != nil {
			return err
		}
		b.w(b.q(f.Column), " = ", b.param(v))
	}
	return s.dmlWhere(b, sc)
}

func (s *qbState) deleteSQL(b *builder) error {
	sc, err := s.dmlScope()
	if err != nil {
		return err
	}
	if len(s.set) > 0 {
		return fmt.Errorf("gomikro: delete of %s: Set and Update do not go with Delete", sc.rootE.Name)
	}
	// The table is not aliased (MySQL and MariaDB have no alias in a
	// single-table DELETE): conditions name it by its table name.
	sc.rootSQL = b.q(sc.rootE.Table)
	b.w("DELETE FROM ", sc.rootSQL)
	return s.dmlWhere(b, sc)
}

// insertSQL renders an INSERT (or an upsert) of the builder's rows.
func (s *qbState) insertSQL(b *builder) error {
	e, err := s.rootEntity()
	if err != nil {
		return err
	}
	if e.Virtual {
		return fmt.Errorf("%w: insert of %s: it is a virtual entity (backed by a query, not a table)", gomikro.ErrReadOnly, e.Name)
	}
	if len(s.rows) == 0 {
		return fmt.Errorf("gomikro: insert of %s: no rows", e.Name)
	}
	if len(s.where) > 0 || len(s.joins) > 0 || len(s.set) > 0 {
		return fmt.Errorf("gomikro: insert of %s: Where, joins and Set do not go with Insert", e.Name)
	}
	var cols []*meta.Field
	rows := make([][]any, len(s.rows))
	for i, r := range s.rows {
		fs, vals, err := s.insertRow(b, e, r)
		if err != nil {
			return fmt.Errorf("gomikro: insert of %s, row %d: %w", e.Name, i, err)
		}
		if i == 0 {
			cols = fs
		} else if !slices.Equal(cols, fs) {
			return fmt.Errorf("gomikro: insert of %s: row %d sets %s, row 0 sets %s; every row must set the same properties", e.Name, i, fieldNames(fs), fieldNames(cols))
		}
		rows[i] = vals
	}
	if len(cols) == 0 {
		return fmt.Errorf("gomikro: insert of %s: no columns to insert", e.Name)
	}
	var ins builder
	ins.d = b.d
	ins.w("INSERT INTO ", b.q(e.Table), " (")
	for i, f := range cols {
		if i > 0 {
			ins.w(", ")
		}
		ins.w(b.q(f.Column))
	}
	ins.w(") VALUES ")
	for i, vals := range rows {
		if i > 0 {
			ins.w(", ")
		}
		ins.w("(")
		for j, v := range vals {
			if j > 0 {
				ins.w(", ")
			}
			ins.w(b.param(v))
		}
		ins.w(")")
	}
	if s.conflict == nil {
		b.w(ins.String())
		return nil
	}
	up, ok := b.d.(Upserter)
	if !ok {
		return fmt.Errorf("gomikro: insert of %s: the dialect %T has no upsert (it does not implement sqlem.Upserter)", e.Name, b.d)
	}
	var target, update []string
	var keys []*meta.Field
	for _, p := range s.conflict.target {
		f, ok := e.Field(p)
		if !ok || f.Column == "" {
			return fmt.Errorf("gomikro: upsert of %s: OnConflict: %s has no column property %q: %w", e.Name, e.Name, p, query.ErrUnknownProperty)
		}
		keys = append(keys, f)
		target = append(target, b.q(f.Column))
	}
	if !s.conflict.ignore {
		if s.conflict.all {
			for _, f := range cols {
				if !slices.Contains(keys, f) && !f.PK {
					update = append(update, b.q(f.Column))
				}
			}
		} else {
			for _, p := range s.conflict.merge {
				f, ok := e.Field(p)
				if !ok || f.Column == "" {
					return fmt.Errorf("gomikro: upsert of %s: Merge: %s has no column property %q: %w", e.Name, e.Name, p, query.ErrUnknownProperty)
				}
				if !slices.Contains(cols, f) {
					return fmt.Errorf("gomikro: upsert of %s: Merge: %s is not among the inserted columns", e.Name, f)
				}
				update = append(update, b.q(f.Column))
			}
		}
		if len(update) == 0 {
			return fmt.Errorf("gomikro: upsert of %s: nothing to update on conflict (use Ignore to keep the existing row)", e.Name)
		}
	}
	sql, err := up.Upsert(ins.String(), target, update)
	if err != nil {
		return fmt.Errorf("gomikro: upsert of %s: %w", e.Name, err)
	}
	b.w(sql)
	return nil
}

func fieldNames(fs []*meta.Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return "[" + strings.Join(names, " ") + "]"
}

// insertRow returns the columns and parameter values of one row to
// insert: an entity pointer or a map of properties.
func (s *qbState) insertRow(b *builder, e *meta.Entity, r any) ([]*meta.Field, []any, error) {
	var m map[string]any
	switch r := r.(type) {
	case map[string]any:
		m = r
	case query.M:
		m = r
	}
	if m != nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var fs []*meta.Field
		var vals []any
		for _, k := range keys {
			f, v, err := columnValue(e, k, m[k])
			if err != nil {
				return nil, nil, err
			}
			if v, err = writeParam(b.d, f, v); err != nil {
				return nil, nil, err
			}
			fs = append(fs, f)
			vals = append(vals, v)
		}
		// The same columns in the same order whatever the keys' spelling.
		idx := make([]int, len(fs))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(x, y int) int { return slices.Index(e.Columns, fs[x]) - slices.Index(e.Columns, fs[y]) })
		sf, sv := make([]*meta.Field, len(fs)), make([]any, len(fs))
		for i, j := range idx {
			sf[i], sv[i] = fs[j], vals[j]
		}
		return sf, sv, nil
	}
	rv := reflect.ValueOf(r)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem() != e.Type {
		return nil, nil, fmt.Errorf("want a *%s or a map of properties, got %T", e.Name, r)
	}
	obj := rv.UnsafePointer()
	var fs []*meta.Field
	var vals []any
	vr := values{d: b.d}
	for _, f := range e.Columns {
		zero := f.Value(obj).IsZero()
		if zero && (f.Generated || f.Default != nil) {
			continue
		}
		v, err := vr.value(f, obj)
		if err != nil {
			return nil, nil, err
		}
		fs = append(fs, f)
		vals = append(vals, v)
	}
	return fs, vals, nil
}

// render renders the builder's statement: the SELECT of GetResult (or of
// Scan when it has a Select list), or its UPDATE, DELETE or INSERT.
func (s *qbState) render() (*builder, *selPlan, error) {
	if err := s.ready(); err != nil {
		return nil, nil, err
	}
	s, err := s.filtered(s.m.EntityManager)
	if err != nil {
		return nil, nil, err
	}
	b := newBuilder(s.m.drv.d)
	var pl *selPlan
	switch s.op {
	case opSelect:
		mode := selEntities
		if len(s.sel) > 0 {
			mode = selRows
		}
		pl, err = s.selectSQL(b, nil, mode)
	case opUpdate:
		err = s.updateSQL(b)
	case opDelete:
		err = s.deleteSQL(b)
	case opInsert:
		err = s.insertSQL(b)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, pl, nil
}
