package meta

import (
	"reflect"
	"strings"
)

// Virtual is implemented (on the value type) by a virtual entity: a
// read-only entity backed by an SQL query instead of a table, as
// MikroORM's expression entities. Expression returns the SELECT whose
// result columns are the entity's columns (by their names); it is called
// once, on the zero value, when the entity is registered, and is used as
// a sub-query (`FROM (expression) alias`), so filters, ordering, paging
// and counts apply to its rows.
//
// Virtual entities are not managed: a find returns fresh objects that are
// not in the identity map, and Persist, Remove and Upsert refuse them.
// The schema generator creates no table for them. They may omit a
// primary key and hold no relations. An entity for a backend without
// SQL (MongoDB) is marked virtual by `_ struct{} orm:"virtual"` and gets
// its query from that backend's own interface.
type Virtual interface {
	Expression() string
}

var virtualType = reflect.TypeFor[Virtual]()

// virtualOf reads whether the struct t is a virtual entity.
func virtualOf(e *Entity, t reflect.Type) error {
	var expr string
	switch {
	case t.Implements(virtualType):
		expr = reflect.Zero(t).Interface().(Virtual).Expression()
	case reflect.PointerTo(t).Implements(virtualType):
		expr = reflect.New(t).Interface().(Virtual).Expression()
	default:
		return nil
	}
	if strings.TrimSpace(expr) == "" {
		return &Error{Entity: e.Name, Msg: "Expression() returns no SQL"}
	}
	e.Virtual, e.Expression = true, strings.TrimSpace(expr)
	return nil
}

// checkLazyFormula checks the lazy and formula options of f.
func checkLazyFormula(f *Field) error {
	e := f.Entity
	if f.Lazy {
		switch {
		case f.Rel != nil:
			return fieldErr(e.Name, f.Name, "lazy applies to scalar fields, not relations (a relation is loaded only when populated already)")
		case f.PK || f.Version || f.SoftDelete:
			return fieldErr(e.Name, f.Name, "a primary key, version or softDelete field cannot be lazy")
		case f.Formula != "":
			return fieldErr(e.Name, f.Name, "a formula cannot be lazy")
		}
	}
	if f.Formula != "" {
		if f.Rel != nil || f.PK || f.Version || f.SoftDelete || f.Default != nil || f.Unique || f.Indexed || f.RenamedFrom != "" || f.Generated {
			return fieldErr(e.Name, f.Name, "a formula is a read-only scalar: pk, version, softDelete, default, unique, index, renamedFrom and autoincrement do not apply")
		}
	}
	return nil
}

// checkReads checks the lazy, formula and virtual properties of e once
// its relations are resolved, and computes Reads and ReadsAll.
func checkReads(e *Entity) error {
	for _, f := range e.Relations {
		if e.Virtual {
			return fieldErr(e.Name, f.Name, "a virtual entity holds no relations (select the key as a plain field)")
		}
		if f.Rel.Target != nil && f.Rel.Target.Virtual {
			return fieldErr(e.Name, f.Name, "relation to %s, a virtual entity (it has no table to reference)", f.Rel.Target.Name)
		}
	}
	if e.Virtual {
		if len(e.Lazy) > 0 {
			return fieldErr(e.Name, e.Lazy[0].Name, "a virtual entity cannot have lazy fields")
		}
		if e.Version != nil || e.SoftDelete != nil {
			return &Error{Entity: e.Name, Msg: "a virtual entity is read-only: version and softDelete do not apply"}
		}
	}
	e.Reads, e.ReadsAll = e.Columns, e.Columns
	if len(e.Lazy) == 0 && len(e.Formulas) == 0 {
		return nil
	}
	e.Reads = make([]*Field, 0, len(e.Columns)+len(e.Formulas))
	for _, f := range e.Columns {
		if !f.Lazy {
			e.Reads = append(e.Reads, f)
		}
	}
	e.Reads = append(e.Reads, e.Formulas...)
	if len(e.Formulas) > 0 {
		e.ReadsAll = append(append(make([]*Field, 0, len(e.Columns)+len(e.Formulas)), e.Columns...), e.Formulas...)
	}
	return nil
}

// FormulaSQL returns the formula of f with {alias} replaced by alias (the
// table alias, quoted as the dialect quotes it), in parentheses.
func (f *Field) FormulaSQL(alias string) string {
	return "(" + strings.ReplaceAll(f.Formula, "{alias}", alias) + ")"
}
