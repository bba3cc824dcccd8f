package meta

import (
	"reflect"
	"strings"
	"unsafe"
)

// Entity describes one registered entity struct.
type Entity struct {
	// Name is the Go struct name, used in error messages and filters.
	Name string
	// Type is the struct type (not a pointer).
	Type reflect.Type
	// Table is the table (or collection) name.
	Table string
	// RenamedFrom is the table's previous name (`_ struct{} orm:"renamedFrom=old"`):
	// a schema update renames that table instead of creating a new one.
	RenamedFrom string
	// Fields are all persistent properties in declaration order:
	// scalar columns and relations.
	Fields []*Field
	// Columns are the fields stored in this entity's own table: scalars
	// and owning m:1 / 1:1 references, in declaration order.
	Columns []*Field
	// PK are the primary-key fields, in declaration order.
	PK []*Field
	// Version is the optimistic-lock field, or nil.
	Version *Field
	// SoftDelete is the soft-delete field (`orm:"softDelete"` on a
	// *time.Time), or nil: removing the entity sets it instead of deleting
	// the row, and the built-in "softDelete" filter hides rows where it
	// is set.
	SoftDelete *Field
	// Relations are the relation fields (Ref and Collection).
	Relations []*Field
	// Collections are the ref.Collection fields among Relations.
	Collections []*Field
	// Hooks are the lifecycle hooks the entity's pointer type implements.
	Hooks Hooks
	// Embeddeds are the embedded value objects, nested ones after their
	// parent, in declaration order.
	Embeddeds []*Embedded

	// Inheritance is the entity's place in an inheritance hierarchy, or
	// nil when it takes part in none (see Inheritance).
	Inheritance *Inheritance

	// Lazy are the lazy columns (`orm:"lazy"`), Formulas the formula
	// fields (`orm:"formula=..."`), in declaration order.
	Lazy, Formulas []*Field
	// Reads are the fields a find reads by default: Columns without the
	// lazy ones, then the formulas. It is Columns itself when the entity
	// has neither, so that the common case costs nothing.
	Reads []*Field
	// ReadsAll are Columns, lazy ones included, then the formulas: what a
	// refresh reads. It is Columns itself when there are no formulas.
	ReadsAll []*Field
	// Virtual marks a read-only entity backed by a query instead of a
	// table (see Virtual): Expression is its SQL (empty for an entity
	// tagged `orm:"virtual"` whose backend gives the query another way,
	// such as a MongoDB aggregation pipeline).
	Virtual    bool
	Expression string

	byName map[string]*Field
	embeds map[string]*Embedded
	// ext is what parse found of an `orm:"extends"` base, for the Registry.
	ext       *extendsTag
	discField *Field // the field tagged discriminator (also in subtypes)
	discValue string // from `_ struct{} orm:"discriminator=..."`
	tableSet  bool   // table= on the entity's own struct
}

// Field returns the property called name: its Go name, its lowerCamel
// form or its column name, compared case-insensitively.
func (e *Entity) Field(name string) (*Field, bool) {
	f, ok := e.byName[strings.ToLower(name)]
	return f, ok
}

// GeneratedPK reports whether the database generates the entity's
// primary key (a single auto-increment integer key).
func (e *Entity) GeneratedPK() bool { return len(e.PK) == 1 && e.PK[0].Generated }

// New allocates a zero entity and returns a pointer to it.
func (e *Entity) New() unsafe.Pointer { return reflect.New(e.Type).UnsafePointer() }

// Value returns the entity at p as a reflect.Value of type *Struct.
func (e *Entity) Value(p unsafe.Pointer) reflect.Value {
	return reflect.NewAt(e.Type, p)
}

// Interface returns the entity at p as an any holding *Struct.
func (e *Entity) Interface(p unsafe.Pointer) any { return reflect.NewAt(e.Type, p).Interface() }

// Hooks is a set of lifecycle hooks an entity implements.
type Hooks uint16

// The lifecycle hooks. An entity implements one by defining the method
// of the same name on its pointer type; see package em for signatures.
const (
	HookBeforeCreate Hooks = 1 << iota
	HookAfterCreate
	HookBeforeUpdate
	HookAfterUpdate
	HookBeforeDelete
	HookAfterDelete
	HookOnLoad
	HookBeforeUpsert
	HookAfterUpsert
)

// Has reports whether h includes all of x.
func (h Hooks) Has(x Hooks) bool { return h&x == x }
