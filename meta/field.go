package meta

import (
	"encoding"
	"fmt"
	"reflect"
	"unsafe"
)

// Type is the logical column type of a field; a dialect maps it to its
// own type names.
type Type uint8

// Logical column types.
const (
	TypeInvalid Type = iota
	TypeBool
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeDecimal // numeric(precision, scale)
	TypeString  // varchar(length) when Length > 0, else the dialect's text type
	TypeBytes
	TypeTime // timestamp with time zone
	TypeJSON
)

var typeNames = [...]string{"invalid", "bool", "int16", "int32", "int64", "float32", "float64", "decimal", "string", "bytes", "time", "json"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Storage says how a field's Go value travels to and from the database.
type Storage uint8

// Storage kinds.
const (
	// StorePlain: the Go value is passed to the driver as it is.
	StorePlain Storage = iota
	// StorePointer: a pointer to a plain value; nil is NULL.
	StorePointer
	// StoreValuer: the type implements driver.Valuer and *T sql.Scanner.
	StoreValuer
	// StoreJSON: encoded with encoding/json.
	StoreJSON
	// StoreRef: a ref.Ref[T]; the column holds the target's primary key.
	StoreRef
	// StoreNone: a relation without a column of its own (1:m, m:n,
	// inverse 1:1).
	StoreNone
	// StoreText: a fixed-size array type with a text form (it implements
	// encoding.TextMarshaler and *T encoding.TextUnmarshaler), such as
	// bson.ObjectID or a UUID type without a driver.Valuer. SQL columns
	// hold the text; a backend may store a native form instead (MongoDB
	// stores bson.ObjectID as an ObjectID).
	StoreText
	// StoreEmbedded: a field of a nullable embeddable (a pointer to a
	// struct tagged embedded). Field.Ptr is the address of the outermost
	// pointer, Field.LeafAt reaches the value through the pointers (nil
	// when one is nil: NULL), and Field.Inner describes the value itself
	// (its own storage, at offset 0 of the address LeafAt returns).
	StoreEmbedded
)

// TextOf returns the text form of the StoreText value at p.
func (f *Field) TextOf(p unsafe.Pointer) (string, error) {
	b, err := reflect.NewAt(f.GoType, p).Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return "", fmt.Errorf("%s: %w", f, err)
	}
	return string(b), nil
}

// ParseText stores the value whose text form is s into the StoreText
// value at p.
func (f *Field) ParseText(p unsafe.Pointer, s string) error {
	if err := reflect.NewAt(f.GoType, p).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		return fmt.Errorf("%s: %q is not a %s: %w", f, s, f.GoType, err)
	}
	return nil
}

// Field describes one persistent property of an entity.
type Field struct {
	// Entity is the entity the field belongs to.
	Entity *Entity
	// Name is the Go field name.
	Name string
	// Column is the column name; empty for relations without a column.
	Column string
	// GoType is the field's Go type.
	GoType reflect.Type
	// Offset is the field's byte offset in the entity struct (embedded
	// structs flattened).
	Offset uintptr
	// Level is, in a table-per-type subtype, which of its tables holds
	// the column (Inheritance.Tables[Level]); 0 everywhere else.
	Level uint8
	// Path is the reflect index path of the field.
	Path []int

	// Type is the logical column type.
	Type Type
	// Storage says how the value is converted for the driver.
	Storage Storage
	// ColumnType is an explicit column type from `type=...`, verbatim.
	ColumnType string
	// Nullable reports whether the column accepts NULL.
	Nullable bool
	// PK marks a primary-key field.
	PK bool
	// Generated marks a key the database generates (auto increment).
	Generated bool
	// Unique marks a unique constraint: on this column alone, or with the
	// other fields that share its UniqueName.
	Unique     bool
	UniqueName string
	// Indexed marks an index, named by IndexName when shared.
	Indexed   bool
	IndexName string
	// Length, Precision and Scale qualify string and decimal types.
	Length, Precision, Scale int
	// Default is the database default, applied when the field is zero at
	// insert; nil when there is none.
	Default *Default
	// Version marks the optimistic-lock field.
	Version bool
	// SoftDelete marks the soft-delete timestamp (see Entity.SoftDelete).
	SoftDelete bool
	// Discriminator marks the column that tells the subtypes of an
	// inheritance hierarchy apart (see Inheritance).
	Discriminator bool
	// Rel describes a relation field; nil for scalars.
	Rel *Relation
	// RenamedFrom is the column's previous name (`orm:"renamedFrom=old"`):
	// a schema update renames that column instead of adding a new one.
	RenamedFrom string
	// Groups are the field's serialization groups (`orm:"groups=a|b"`):
	// ref.Marshal writes it only when asked for one of them.
	Groups []string
	// Embed is the embeddable the field is declared in, or nil.
	Embed *Embedded
	// Enum is the value set of the field's type, or nil (see Enum).
	Enum *Enum
	// Inner describes the value of a StoreEmbedded field, or is nil.
	Inner *Field
	leaf  *leafPath
	// IndexOpts qualify the field's index or unique constraint (partial,
	// on an expression), or nil.
	IndexOpts *IndexOptions
	// Lazy marks a column a find leaves out (`orm:"lazy"`): it is read
	// only when populated by name (see Entity.Reads).
	Lazy bool
	// Formula is the SQL expression of a read-only computed property
	// (`orm:"formula=..."`), with {alias} standing for the entity's table
	// alias; empty for stored fields. A formula field is not in
	// Entity.Columns: it is never written and has no column in the schema.
	Formula string

	noAutoIncrement bool
	// kind is the column kind a ColumnKinder value type declared.
	kind *string
}

// Default is a column default.
type Default struct {
	// Now means the current timestamp.
	Now bool
	// Value is the default as written in the tag; the dialect renders it
	// as a literal of the column's type (it is checked to parse as one).
	Value string
}

// Ptr returns the address of the field inside the entity at obj, which
// must point to a whole value of f.Entity.Type (the pointer stays inside
// that allocation: unsafe.Pointer rule 3). It and the walks through the
// pointers of nullable embeddables (LeafAt, Embedded.ClearAt, which stay
// inside the structs the pointers point to) are the package's only
// pointer arithmetic.
func (f *Field) Ptr(obj unsafe.Pointer) unsafe.Pointer { return unsafe.Add(obj, f.Offset) }

// Value returns the field of the entity at obj as an addressable
// reflect.Value. For a StoreEmbedded field whose embeddable is nil it is
// a detached zero value (to set one, use LeafAt with alloc).
func (f *Field) Value(obj unsafe.Pointer) reflect.Value {
	if f.Storage == StoreEmbedded {
		if p := f.LeafAt(f.Ptr(obj), false); p != nil {
			return reflect.NewAt(f.GoType, p).Elem()
		}
		return reflect.New(f.GoType).Elem()
	}
	return reflect.NewAt(f.GoType, f.Ptr(obj)).Elem()
}

// IntAt returns the integer field f (of any signed or unsigned integer
// kind, as version fields and generated keys are) of the entity at obj.
// An unsigned value above math.MaxInt64 comes back wrapped; SetIntAt
// stores it back unchanged. It returns 0 for other kinds.
func (f *Field) IntAt(obj unsafe.Pointer) int64 {
	v := f.Value(obj)
	switch {
	case v.CanInt():
		return v.Int()
	case v.CanUint():
		return int64(v.Uint())
	}
	return 0
}

// SetIntAt stores n into the integer field f (of any signed or unsigned
// integer kind) of the entity at obj, truncated to the field's size as a
// Go conversion would. It does nothing for other kinds.
func (f *Field) SetIntAt(obj unsafe.Pointer, n int64) {
	v := f.Value(obj)
	switch {
	case v.CanInt():
		v.SetInt(n)
	case v.CanUint():
		v.SetUint(uint64(n))
	}
}

// IsIntKind reports whether k is a signed or unsigned integer kind
// (uintptr excluded), the kinds a version field may have.
func IsIntKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64
}

// String returns Entity.Field, the name used in error messages.
func (f *Field) String() string { return f.Entity.Name + "." + f.Name }

// RelKind is the kind of a relation.
type RelKind uint8

// Relation kinds.
const (
	ManyToOne RelKind = iota + 1
	OneToOne
	OneToMany
	ManyToMany
)

func (k RelKind) String() string {
	switch k {
	case ManyToOne:
		return "m:1"
	case OneToOne:
		return "1:1"
	case OneToMany:
		return "1:m"
	case ManyToMany:
		return "m:n"
	}
	return "?"
}

// Cascade is a set of operations propagated along a relation.
type Cascade uint8

// Cascade operations.
const (
	CascadePersist Cascade = 1 << iota
	CascadeRemove
)

// Relation describes a Ref or Collection field.
type Relation struct {
	Kind RelKind
	// Target is the referenced entity.
	Target *Entity
	// Collection is true for ref.Collection fields.
	Collection bool
	// Owner is true for the side that holds the foreign key (m:1, owning
	// 1:1) or the pivot table (owning m:n).
	Owner bool
	// MappedBy is, on an inverse side, the owning field on Target.
	MappedBy *Field
	// InversedBy is, on an owning side, the inverse field on Target (or nil).
	InversedBy *Field
	// Pivot describes the pivot table of an m:n relation (both sides
	// point to the same Pivot).
	Pivot *Pivot
	// Cascade lists the operations propagated to related entities.
	Cascade Cascade
	// OrphanRemoval removes entities taken out of a 1:m collection (or
	// unset from a 1:1).
	OrphanRemoval bool
	// OnDelete is the FK's ON DELETE action ("cascade", "set null",
	// "restrict", or "" for the database default).
	OnDelete string

	mappedByName, inversedByName string
}

// Pivot is the table linking the two sides of an m:n relation.
type Pivot struct {
	Table string
	// OwnerColumn references the owning side's primary key; TargetColumn
	// the other side's.
	OwnerColumn, TargetColumn string
	// Owner and Target are the owning and target entities.
	Owner, Target *Entity
}
