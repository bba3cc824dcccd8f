package meta

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Registry holds the metadata of a set of entities, resolved against each
// other. It is built once by NewRegistry and read-only afterwards.
type Registry struct {
	entities []*Entity
	byType   map[reflect.Type]*Entity
	byName   map[string]*Entity
	pivots   []*Pivot
	naming   NamingStrategy
	tables   []*Entity
}

// NewRegistry reads and validates the entities (struct values or pointers
// to them) and resolves their relations. A nil naming uses SnakeCase.
func NewRegistry(naming NamingStrategy, entities ...any) (*Registry, error) {
	if naming == nil {
		naming = SnakeCase{}
	}
	r := &Registry{byType: map[reflect.Type]*Entity{}, byName: map[string]*Entity{}, naming: naming}
	if len(entities) == 0 {
		return nil, fmt.Errorf("gomikro: no entities registered")
	}
	var pend []pending
	for _, v := range entities {
		if v == nil {
			return nil, fmt.Errorf("gomikro: nil entity in the entity list")
		}
		t := reflect.TypeOf(v)
		if rt, ok := v.(reflect.Type); ok {
			t = rt
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if _, dup := r.byType[t]; dup {
			continue
		}
		e, p, err := parseEntity(t, naming)
		if err != nil {
			return nil, err
		}
		if err := r.add(e, p, &pend); err != nil {
			return nil, err
		}
	}
	if err := r.inherit(); err != nil {
		return nil, err
	}
	if err := r.link(pend); err != nil {
		return nil, err
	}
	tables, err := r.tablesOf()
	if err != nil {
		return nil, err
	}
	r.tables = tables
	if err := checkEnums(r.entities); err != nil {
		return nil, err
	}
	for _, e := range r.entities {
		if err := checkIndexOpts(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// add registers a parsed entity; its relations wait in pend.
func (r *Registry) add(e *Entity, p []pending, pend *[]pending) error {
	if prev, dup := r.byName[strings.ToLower(e.Name)]; dup {
		return &Error{Entity: e.Name, Msg: fmt.Sprintf("two entities share the name (%s and %s)", prev.Type, e.Type)}
	}
	r.entities = append(r.entities, e)
	r.byType[e.Type] = e
	r.byName[strings.ToLower(e.Name)] = e
	*pend = append(*pend, p...)
	return nil
}

// link resolves the relations of the registered entities against each
// other and checks table and column names.
func (r *Registry) link(pend []pending) error {
	// Whatever the order of the entities: owning references first (inverse
	// sides and m:n need their columns), then owning m:n collections (their
	// inverse sides need the pivot), then the inverse sides.
	slices.SortStableFunc(pend, func(a, b pending) int { return resolveRank(a) - resolveRank(b) })
	for _, p := range pend {
		if err := r.resolve(p); err != nil {
			return err
		}
	}
	tables := map[string]string{}
	for _, e := range r.entities {
		switch {
		case e.Virtual:
			// No table of its own: its name is only the query's alias.
		case e.Inheritance != nil && e.Inheritance.Root != e:
			// A subtype shares its root's table.
		default:
			if prev, dup := tables[e.Table]; dup {
				return &Error{Entity: e.Name, Msg: fmt.Sprintf("table %q is also used by %s", e.Table, prev)}
			}
			tables[e.Table] = e.Name
		}
		if in := e.Inheritance; in != nil && in.Strategy == TablePerType && in.Root != e { // and has its own
			own := in.Tables[len(in.Tables)-1]
			if prev, dup := tables[own]; dup {
				return &Error{Entity: e.Name, Msg: fmt.Sprintf("table %q is also used by %s", own, prev)}
			}
			tables[own] = e.Name
		}
		cols := map[string]string{}
		for _, f := range e.Fields {
			if f.Column == "" {
				continue
			}
			if prev, dup := cols[f.Column]; dup {
				return fieldErr(e.Name, f.Name, "column %q is also used by %s", f.Column, prev)
			}
			cols[f.Column] = f.Name
			if f.Formula != "" {
				e.Formulas = append(e.Formulas, f)
			} else {
				e.Columns = append(e.Columns, f)
			}
			if f.Lazy {
				e.Lazy = append(e.Lazy, f)
			}
			// A column name never hides another field's Go name.
			if _, taken := e.byName[strings.ToLower(f.Column)]; !taken {
				e.byName[strings.ToLower(f.Column)] = f
			}
		}
	}
	for _, e := range r.entities {
		if err := checkReads(e); err != nil {
			return err
		}
	}
	for _, pv := range r.pivots {
		if prev, dup := tables[pv.Table]; dup {
			return &Error{Entity: pv.Owner.Name, Msg: fmt.Sprintf("pivot table %q is also used by %s", pv.Table, prev)}
		}
		tables[pv.Table] = "pivot of " + pv.Owner.Name
	}
	return nil
}

// resolveRank orders the relations to resolve: 0 for an owning reference,
// 1 for an owning (or malformed) collection, 2 for an inverse side.
func resolveRank(p pending) int {
	switch {
	case p.f.Rel.mappedByName != "":
		return 2
	case p.f.Rel.Collection:
		return 1
	}
	return 0
}

func (r *Registry) resolve(p pending) error {
	f := p.f
	e := f.Entity
	rl := f.Rel
	target, ok := r.byType[p.target]
	if !ok {
		return fieldErr(e.Name, f.Name, "relation to %s, which is not a registered entity (add it to Config.Entities)", p.target)
	}
	rl.Target = target
	if target.Virtual || e.Virtual {
		return checkReads(e) // it names the relation
	}
	if !rl.Collection {
		if p.kindTag == OneToOne {
			rl.Kind = OneToOne
		}
		if rl.mappedByName != "" {
			// Inverse 1:1: the FK lives in the target's table.
			if rl.Kind != OneToOne {
				return fieldErr(e.Name, f.Name, "mappedBy on a ref.Ref needs 1:1 (an m:1 always owns its column)")
			}
			other, ok := target.Field(rl.mappedByName)
			if !ok || other.Rel == nil || other.Rel.Collection || other.Rel.Target != e {
				return fieldErr(e.Name, f.Name, "mappedBy=%s names no ref.Ref[%s] field of %s", rl.mappedByName, e.Name, target.Name)
			}
			if f.PK {
				return fieldErr(e.Name, f.Name, "an inverse 1:1 cannot be a primary key")
			}
			rl.Owner, rl.MappedBy = false, other
			other.Rel.InversedBy = f
			other.Rel.Kind = OneToOne
			f.Storage = StoreNone
			return nil
		}
		if len(target.PK) != 1 || target.PK[0].Storage == StoreRef {
			return fieldErr(e.Name, f.Name, "references to %s, whose primary key is composite or itself a reference, are not supported", target.Name)
		}
		pk := target.PK[0]
		f.Type = pk.Type
		f.Length = pk.Length
		f.Column = p.override
		if f.Column == "" {
			f.Column = r.naming.JoinColumnName(f.Name, pk.Column)
		}
		if rl.OnDelete == "set null" && !f.Nullable {
			return fieldErr(e.Name, f.Name, "onDelete=set null needs a nullable reference")
		}
		if f.PK && f.Nullable {
			return fieldErr(e.Name, f.Name, "a primary key cannot be nullable")
		}
		if rl.Kind == OneToOne && !f.PK {
			f.Unique = true
		}
		if rl.inversedByName != "" {
			if _, ok := target.Field(rl.inversedByName); !ok {
				return fieldErr(e.Name, f.Name, "inversedBy=%s names no field of %s", rl.inversedByName, target.Name)
			}
		}
		return nil
	}
	// Collections.
	if p.kindTag == ManyToMany && rl.mappedByName == "" {
		rl.Kind, rl.Owner = ManyToMany, true
		if len(e.PK) != 1 || len(target.PK) != 1 || e.PK[0].Storage == StoreRef || target.PK[0].Storage == StoreRef {
			return fieldErr(e.Name, f.Name, "m:n needs single-column primary keys on both sides; model the pivot as an entity instead")
		}
		pv := &Pivot{Owner: e, Target: target, Table: p.pivot}
		if pv.Table == "" {
			pv.Table = r.naming.PivotTableName(e.Table, f.Name)
		}
		// Named from the tables (table= included), not the Go types.
		pv.OwnerColumn = r.naming.JoinColumnName(e.Table, e.PK[0].Column)
		pv.TargetColumn = r.naming.JoinColumnName(target.Table, target.PK[0].Column)
		if pv.OwnerColumn == pv.TargetColumn {
			pv.OwnerColumn = r.naming.JoinColumnName(e.Table+"1", e.PK[0].Column)
			pv.TargetColumn = r.naming.JoinColumnName(target.Table+"2", target.PK[0].Column)
		}
		rl.Pivot = pv
		r.pivots = append(r.pivots, pv)
		if rl.inversedByName != "" {
			inv, ok := target.Field(rl.inversedByName)
			if !ok || inv.Rel == nil || !inv.Rel.Collection {
				return fieldErr(e.Name, f.Name, "inversedBy=%s names no ref.Collection field of %s", rl.inversedByName, target.Name)
			}
		}
		return nil
	}
	if rl.mappedByName == "" {
		return fieldErr(e.Name, f.Name, "a ref.Collection needs mappedBy=<field of %s> (1:m or inverse m:n) or m:n (owning m:n)", target.Name)
	}
	other, ok := target.Field(rl.mappedByName)
	if !ok || other.Rel == nil || other.Rel.Target != e {
		return fieldErr(e.Name, f.Name, "mappedBy=%s names no relation of %s to %s", rl.mappedByName, target.Name, e.Name)
	}
	rl.MappedBy = other
	if other.Rel.Collection {
		if other.Rel.Kind != ManyToMany || !other.Rel.Owner {
			return fieldErr(e.Name, f.Name, "mappedBy=%s: %s.%s is not an owning m:n collection", rl.mappedByName, target.Name, other.Name)
		}
		rl.Kind, rl.Pivot = ManyToMany, other.Rel.Pivot
	} else {
		if other.Rel.Kind != ManyToOne {
			return fieldErr(e.Name, f.Name, "mappedBy=%s: %s.%s is a %s, a 1:m needs an m:1", rl.mappedByName, target.Name, other.Name, other.Rel.Kind)
		}
		rl.Kind = OneToMany
	}
	other.Rel.InversedBy = f
	return nil
}

// Entities returns the registered entities in registration order.
func (r *Registry) Entities() []*Entity { return r.entities }

// Pivots returns the pivot tables of the owning m:n relations.
func (r *Registry) Pivots() []*Pivot { return r.pivots }

// Naming returns the registry's naming strategy.
func (r *Registry) Naming() NamingStrategy { return r.naming }

// Of returns the entity of Go type t (a struct or a pointer to one).
func (r *Registry) Of(t reflect.Type) (*Entity, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if len(r.entities) <= smallRegistry {
		// A few comparisons cost less than hashing an interface key.
		for _, e := range r.entities {
			if e.Type == t {
				return e, true
			}
		}
		return nil, false
	}
	e, ok := r.byType[t]
	return e, ok
}

// smallRegistry is the number of entities up to which Of looks an entity
// up by comparing types in turn rather than in byType, which holds the
// same entities.
const smallRegistry = 8

// ByName returns the entity called name (case-insensitive).
func (r *Registry) ByName(name string) (*Entity, bool) {
	e, ok := r.byName[strings.ToLower(name)]
	return e, ok
}

// pkCache maps struct types to the index paths of their pk fields, for
// PKOf, which works without a Registry.
var pkCache sync.Map // reflect.Type → [][]int

// PKOf returns the primary key of the entity v points to: the single key
// value, or a []any for a composite key. ok is false when v is not a
// pointer to a struct with pk-tagged fields.
func PKOf(v any) (any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	t := rv.Elem().Type()
	paths, ok := pkCache.Load(t)
	if !ok {
		e, _, err := parseEntity(t, SnakeCase{})
		var ps [][]int
		if err == nil {
			for _, f := range e.PK {
				ps = append(ps, f.Path)
			}
		}
		paths, _ = pkCache.LoadOrStore(t, ps)
	}
	ps := paths.([][]int)
	switch len(ps) {
	case 0:
		return nil, false
	case 1:
		return rv.Elem().FieldByIndex(ps[0]).Interface(), true
	}
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = rv.Elem().FieldByIndex(p).Interface()
	}
	return out, true
}
