package meta

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Strategy is how an inheritance hierarchy is stored.
type Strategy uint8

// Inheritance strategies.
const (
	// SingleTable (STI): one table (one collection on MongoDB) holds the
	// rows of every entity of the hierarchy, with the union of their
	// columns; a subtype's own columns are nullable there.
	SingleTable Strategy = iota + 1
	// TablePerType: the base table holds the base's columns and the
	// discriminator; each subtype has a table of its own columns, keyed
	// by the base's primary key (also a foreign key to its parent's
	// table, ON DELETE CASCADE). SQL backends only: MongoDB refuses it
	// at Open.
	TablePerType
)

func (s Strategy) String() string {
	switch s {
	case SingleTable:
		return "single table"
	case TablePerType:
		return "table per type"
	}
	return "?"
}

// Inheritance places an entity in an inheritance hierarchy: a base entity
// with a discriminator field, and subtypes that embed it, first field,
// tagged `orm:"extends"`:
//
//	type Animal struct {
//		ID   int64  `orm:"pk"`
//		Kind string `orm:"discriminator"`
//		Name string
//	}
//	type Dog struct {
//		Animal `orm:"extends,discriminator=dog"`
//		Barks  bool
//	}
//
// Every entity of the hierarchy is registered; each has a discriminator
// value (by default its name in snake case; a base sets its own with
// `_ struct{} orm:"discriminator=VALUE"`), which Persist writes into the
// discriminator field.
//
// `orm:"extends,tpt"` stores the hierarchy table per type instead (SQL
// only): each subtype's own columns in a table of its own, keyed by the
// base's key (see Tables, Levels and Field.Level).
type Inheritance struct {
	// Strategy is how the hierarchy is stored.
	Strategy Strategy
	// Root is the base of the hierarchy (the entity itself for the base).
	Root *Entity
	// Parent is the entity this one extends; nil for the root.
	Parent *Entity
	// Children are the entities that extend this one directly.
	Children []*Entity
	// Discriminator is the entity's discriminator field.
	Discriminator *Field
	// Value is the discriminator value of the entity's own rows.
	Value string
	// Values are the discriminator values of the entity and of every
	// entity below it: a query of the entity matches rows with these.
	Values []any
	// Tables are, for table per type, the tables holding an entity's
	// columns, root first: Tables[f.Level] holds the column of f.
	Tables []string
	// Levels are, for table per type, one entity per table of Tables
	// (same name and object layout, Table set to that table, Columns
	// the key and that table's columns): what writes of each table use.
	Levels []*Entity

	byValue map[string]*Entity // shared by the whole hierarchy
}

// extendsTag is what parse found on an `orm:"extends"` field.
type extendsTag struct {
	base  reflect.Type
	field string
	value string
	tpt   bool
}

func hasKey(items []tagItem, key string) bool {
	return slices.ContainsFunc(items, func(it tagItem) bool { return it.key == key })
}

func (e *Entity) ownDisc(v string) { e.discValue = v }

// extendsField reads the tag of an embedded base struct. Only the
// entity's own (top) one counts: the base's own extends tag, met while
// its fields are flattened into a sub-subtype, is its parent's business.
func extendsField(e *Entity, sf reflect.StructField, items []tagItem, top bool) error {
	if !sf.Anonymous || sf.Type.Kind() != reflect.Struct {
		return fieldErr(e.Name, sf.Name, "extends applies to an embedded base entity struct (`Animal `+"+"`orm:\"extends\"`)")
	}
	x := &extendsTag{base: sf.Type, field: sf.Name}
	for _, it := range items {
		switch it.key {
		case "extends":
			if it.val != "" {
				return fieldErr(e.Name, sf.Name, "extends takes no value (the base is the embedded struct)")
			}
		case "discriminator":
			if it.val == "" {
				return fieldErr(e.Name, sf.Name, "discriminator= needs the value that marks %s rows", e.Name)
			}
			x.value = it.val
		case "tpt":
			x.tpt = true
		default:
			return fieldErr(e.Name, sf.Name, "tag %q does not apply to an extends field (only discriminator= and tpt)", it.key)
		}
	}
	if !top {
		return nil
	}
	if sf.Offset != 0 {
		return fieldErr(e.Name, sf.Name, "the base an entity extends must be its first field")
	}
	e.ext = x
	return nil
}

// IsA reports whether e is base or one of its subtypes (at any depth).
func (e *Entity) IsA(base *Entity) bool {
	for x := e; x != nil; {
		if x == base {
			return true
		}
		if x.Inheritance == nil {
			return false
		}
		x = x.Inheritance.Parent
	}
	return false
}

// Polymorphic reports whether rows of e may be of its subtypes: e has
// entities that extend it. A query of e returns each row as its own type.
func (e *Entity) Polymorphic() bool {
	return e.Inheritance != nil && len(e.Inheritance.Children) > 0
}

// IdentityRoot returns the entity whose key space e shares: the root of
// its hierarchy, or e itself.
func (e *Entity) IdentityRoot() *Entity {
	if e.Inheritance != nil {
		return e.Inheritance.Root
	}
	return e
}

// ByDiscriminator returns the entity of e's hierarchy whose rows carry the
// discriminator value v, when it is e or one of its subtypes.
func (e *Entity) ByDiscriminator(v string) (*Entity, bool) {
	if e.Inheritance == nil {
		return nil, false
	}
	x, ok := e.Inheritance.byValue[v]
	if !ok || !x.IsA(e) {
		return nil, false
	}
	return x, true
}

// Descendants returns the entities below e in its hierarchy, depth first.
func (e *Entity) Descendants() []*Entity {
	if e.Inheritance == nil {
		return nil
	}
	var out []*Entity
	for _, c := range e.Inheritance.Children {
		out = append(out, c)
		out = append(out, c.Descendants()...)
	}
	return out
}

// inherit links the entities that extend others, before relations are
// resolved (subtypes take their root's table).
func (r *Registry) inherit() error {
	for _, e := range r.entities {
		if e.ext == nil {
			continue
		}
		base, ok := r.byType[e.ext.base]
		if !ok {
			return fieldErr(e.Name, e.ext.field, "extends %s, which is not a registered entity (add it to Config.Entities)", e.ext.base)
		}
		strat := SingleTable
		if e.ext.tpt {
			strat = TablePerType
		}
		if base.Inheritance == nil {
			base.Inheritance = &Inheritance{Strategy: strat}
		}
		if e.Inheritance == nil {
			e.Inheritance = &Inheritance{Strategy: strat}
		}
		if base.Inheritance.Strategy != strat || e.Inheritance.Strategy != strat {
			return fieldErr(e.Name, e.ext.field, "a hierarchy is stored one way: every subtype of %s is tpt, or none is", base.Name)
		}
		e.Inheritance.Parent = base
		base.Inheritance.Children = append(base.Inheritance.Children, e)
	}
	for _, e := range r.entities {
		in := e.Inheritance
		if in == nil || in.Parent != nil {
			continue
		}
		// e is a root.
		if e.discField == nil {
			return &Error{Entity: e.Name, Msg: fmt.Sprintf("%s extends it, but it has no discriminator field: tag a string field `orm:\"discriminator\"`", in.Children[0].Name)}
		}
		byValue := map[string]*Entity{}
		var walk func(x, root *Entity) error
		walk = func(x, root *Entity) error {
			xi := x.Inheritance
			xi.Root, xi.byValue, xi.Discriminator = root, byValue, x.discField
			if x.discField == nil || x.discField.Column != root.discField.Column {
				return &Error{Entity: x.Name, Msg: "its discriminator field must be the one of " + root.Name}
			}
			if xi.Strategy == TablePerType {
				if err := tptTables(x, root); err != nil {
					return err
				}
			} else if x != root && x.Table != root.Table && x.tableSet {
				return &Error{Entity: x.Name, Msg: fmt.Sprintf("table=%s: a subtype is stored in its base's table %q", x.Table, root.Table)}
			}
			x.Table = root.Table
			xi.Value = x.discValue
			if x != root && x.ext.value != "" {
				xi.Value = x.ext.value
			}
			if xi.Value == "" {
				xi.Value = ToSnake(x.Name)
			}
			if prev, dup := byValue[xi.Value]; dup {
				return fieldErr(x.Name, x.discField.Name, "discriminator value %q is also %s's", xi.Value, prev.Name)
			}
			byValue[xi.Value] = x
			for _, c := range xi.Children {
				if err := walk(c, root); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk(e, e); err != nil {
			return err
		}
		for _, x := range append([]*Entity{e}, e.Descendants()...) {
			xi := x.Inheritance
			xi.Values = []any{xi.Value}
			for _, d := range x.Descendants() {
				xi.Values = append(xi.Values, d.Inheritance.Value)
			}
		}
	}
	return nil
}

// tptTables sets the tables of x, a table-per-type entity whose parent
// (if any) has its own set: its parent's, then its own.
func tptTables(x, root *Entity) error {
	xi := x.Inheritance
	if x == root {
		xi.Tables = []string{x.Table}
		return nil
	}
	if len(x.PK) != 1 || len(root.PK) != 1 {
		return &Error{Entity: x.Name, Msg: "table-per-type inheritance needs a single-column primary key"}
	}
	pi := xi.Parent.Inheritance
	if len(pi.Tables) > 250 {
		return &Error{Entity: x.Name, Msg: "inheritance hierarchy too deep"}
	}
	for _, t := range pi.Tables {
		if t == x.Table {
			return &Error{Entity: x.Name, Msg: fmt.Sprintf("table %q is also %s's table: a tpt subtype has a table of its own", t, xi.Parent.Name)}
		}
	}
	xi.Tables = append(slices.Clone(pi.Tables), x.Table)
	return nil
}

// tptLevels sets, once columns are resolved, the levels of the columns
// of x and of its subtypes: x's columns that its parent has are at the
// parent's level, the others in x's own table, one level below.
func tptLevels(x *Entity) {
	xi := x.Inheritance
	l0 := len(xi.Tables) - 1
	if xi.Parent != nil {
		level := map[string]uint8{}
		for _, f := range xi.Parent.Columns {
			level[f.Column] = f.Level
		}
		for _, f := range x.Columns {
			if f.Formula != "" {
				continue // an expression on the root's alias
			}
			if l, ok := level[f.Column]; ok {
				f.Level = l
			} else {
				f.Level = uint8(l0)
			}
		}
	}
	xi.Levels = make([]*Entity, len(xi.Tables))
	for l := range xi.Tables {
		lv := *x
		lv.Table = xi.Tables[l]
		lv.Columns, lv.Fields, lv.Relations = nil, nil, nil
		if l > 0 {
			pk := *x.PK[0]
			pk.Generated, pk.Default, pk.Level = false, nil, uint8(l)
			lv.PK = []*Field{&pk}
			lv.Columns = append(lv.Columns, &pk)
		}
		for _, f := range x.Columns {
			if int(f.Level) == l {
				lv.Columns = append(lv.Columns, f)
			}
		}
		lv.Fields = lv.Columns
		xi.Levels[l] = &lv
	}
	for _, c := range xi.Children {
		tptLevels(c)
	}
}

// tablesOf returns the entities that describe the tables (collections)
// of the registered entities: an entity outside any hierarchy as it is,
// one entity per single-table hierarchy (a copy of its root whose
// Columns and Fields are the union of the hierarchy's, the subtypes' own
// nullable).
func (r *Registry) tablesOf() ([]*Entity, error) {
	var out []*Entity
	made := map[*Entity]*Entity{}
	for _, e := range r.entities {
		if in := e.Inheritance; in != nil && in.Strategy == TablePerType && in.Root == e {
			tptLevels(e)
		}
	}
	for _, e := range r.entities {
		if e.Virtual {
			continue // no table or collection of its own (see Virtual)
		}
		in := e.Inheritance
		if in == nil {
			out = append(out, e)
			continue
		}
		if in.Strategy == TablePerType {
			if in.Root == e {
				out = append(out, e)
				continue
			}
			out = append(out, tptTable(e, made))
			continue
		}
		if in.Root != e {
			continue
		}
		t := *e
		t.Columns = slices.Clone(e.Columns)
		t.Fields = slices.Clone(e.Fields)
		t.Relations = slices.Clone(e.Relations)
		byCol := map[string]*Field{}
		for _, f := range e.Columns {
			byCol[f.Column] = f
		}
		for _, d := range e.Descendants() {
			for _, f := range d.Columns {
				if prev, ok := byCol[f.Column]; ok {
					if prev.Type != f.Type || prev.Storage != f.Storage && !(f.Rel != nil && prev.Rel != nil) ||
						(f.Rel != nil) != (prev.Rel != nil) || f.Rel != nil && f.Rel.Target != prev.Rel.Target {
						return nil, fieldErr(d.Name, f.Name, "column %q of table %q is also %s, of another type", f.Column, e.Table, prev)
					}
					continue
				}
				c := *f
				c.Nullable = true
				c.Entity = &t
				byCol[f.Column] = &c
				t.Columns = append(t.Columns, &c)
				t.Fields = append(t.Fields, &c)
				if c.Rel != nil {
					t.Relations = append(t.Relations, &c)
				}
			}
		}
		out = append(out, &t)
	}
	return out, nil
}

// tptTable returns the entity describing the own table of the tpt
// subtype e: its key, a foreign key to its parent's table (ON DELETE
// CASCADE), and its own columns.
func tptTable(e *Entity, made map[*Entity]*Entity) *Entity {
	if t, ok := made[e]; ok {
		return t
	}
	in := e.Inheritance
	own := in.Levels[len(in.Levels)-1]
	t := *own
	parent := in.Parent
	if parent.Inheritance.Parent != nil {
		parent = tptTable(parent, made)
	}
	pk := *own.PK[0]
	pk.Entity = &t
	pk.Storage = StoreRef
	pk.Rel = &Relation{Kind: ManyToOne, Target: parent, Owner: true, OnDelete: "cascade"}
	t.PK = []*Field{&pk}
	t.Columns = append([]*Field{&pk}, own.Columns[1:]...)
	t.Fields = t.Columns
	t.Relations = nil
	for _, f := range t.Columns {
		if f.Storage == StoreRef {
			t.Relations = append(t.Relations, f)
		}
	}
	t.Inheritance = nil
	made[e] = &t
	return &t
}

// Tables returns the entities that describe the tables (collections) to
// create: each registered entity outside an inheritance hierarchy (but
// the virtual ones), and
// for each single-table hierarchy one entity with the union of its
// columns (the subtypes' own nullable). Schema generators iterate over
// these instead of Entities.
func (r *Registry) Tables() []*Entity { return r.tables }

// DiscriminatorError returns the error for a row of e whose discriminator
// value v maps to no entity of e's hierarchy at or below e.
func DiscriminatorError(e *Entity, v string) error {
	var known []string
	for _, x := range append([]*Entity{e}, e.Descendants()...) {
		known = append(known, x.Inheritance.Value)
	}
	return &Error{Entity: e.Name, Field: e.Inheritance.Discriminator.Name,
		Msg: fmt.Sprintf("a row has the discriminator value %q, which is none of %s (%s)", v, e.Name, strings.Join(known, ", "))}
}
