package meta

import (
	"bytes"
	"reflect"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
)

// Embedded describes an embeddable: a struct-typed field tagged
// `orm:"embedded"`, a value object stored inside its entity. On SQL its
// fields are columns of the entity's table, named with a prefix
// (`address_city`); on MongoDB they are a sub-document (`address.city`).
//
// The embeddable's own fields are ordinary Fields of the entity (in
// Entity.Fields and Entity.Columns) whose Embed points here; their Name is
// the dotted property path ("Address.City"), which filters and OrderBy
// accept as written or in lowerCamel form ("address.city").
type Embedded struct {
	// Entity is the entity the embeddable belongs to.
	Entity *Entity
	// Parent is the embeddable this one is nested in, or nil.
	Parent *Embedded
	// Name is the Go field name.
	Name string
	// Path is the dotted property path from the entity ("Address",
	// "Shipping.Address").
	Path string
	// Prefix is the column prefix of its fields, the parents' prefixes
	// included.
	Prefix string
	// DocPath is the dotted path of its sub-document on MongoDB.
	DocPath string
	// GoType is the struct type (for a nullable embeddable, the type its
	// pointer points to).
	GoType reflect.Type
	// Offset is the field's byte offset in the entity struct; inside a
	// nullable embeddable, in the struct that one points to.
	Offset uintptr
	// Nullable: the field is a pointer (*Address); nil is NULL in every
	// column, and a row whose columns are all NULL reads back as nil.
	Nullable bool
	// Fields are the columns declared in this embeddable (not those of
	// the embeddables nested in it), in declaration order.
	Fields []*Field
	// Children are the embeddables nested in this one.
	Children []*Embedded
}

// String returns Entity.Path, the name used in error messages.
func (m *Embedded) String() string { return m.Entity.Name + "." + m.Path }

// DocPath returns the dotted path of the embedded field f inside the
// entity's document on MongoDB: its embeddable's DocPath and its column
// name without the prefix ("address.city"). For other fields it returns
// f.Column.
func (f *Field) DocPath() string {
	if f.Embed == nil {
		return f.Column
	}
	return f.Embed.DocPath + "." + strings.TrimPrefix(f.Column, f.Embed.Prefix)
}

// Embedded returns the embeddable at the property path ("address",
// "Shipping.Address"), compared case-insensitively.
func (e *Entity) Embedded(path string) (*Embedded, bool) {
	m, ok := e.embeds[strings.ToLower(path)]
	return m, ok
}

// NullableRoots returns the outermost nullable embeddables of e (those
// with no nullable parent): the pointers a row sets or leaves nil.
func (e *Entity) NullableRoots() []*Embedded {
	var out []*Embedded
	for _, m := range e.Embeddeds {
		if !m.Nullable {
			continue
		}
		root := true
		for p := m.Parent; p != nil; p = p.Parent {
			root = root && !p.Nullable
		}
		if root {
			out = append(out, m)
		}
	}
	return out
}

// embedTag handles a field tagged `orm:"embedded"`. An embedded struct is
// read into its own Embedded (handled is true); an embedded slice of
// structs is an ordinary field stored as JSON (rest are its tag items,
// with json in place of embedded). A field without the tag is left alone.
func embedTag(e *Entity, parent *Embedded, sf reflect.StructField, items []tagItem, base uintptr, idx []int, naming NamingStrategy, pend *[]pending) (handled bool, rest []tagItem, err error) {
	embedded, prefixSet, prefix := false, false, ""
	var others, json []tagItem
	for _, it := range items {
		switch it.key {
		case "embedded":
			if it.val != "" {
				return false, nil, fieldErr(e.Name, fieldPath(parent, sf.Name), "embedded takes no value (use prefix= for the column prefix)")
			}
			embedded = true
		case "prefix":
			prefixSet, prefix = true, it.val
		case "groups", "hidden":
			// For JSON (ref.Marshal): checked here, nothing to store.
			json = append(json, it)
		default:
			others = append(others, it)
		}
	}
	name := fieldPath(parent, sf.Name)
	if !embedded {
		if prefixSet {
			return false, nil, fieldErr(e.Name, name, "prefix= applies only to fields tagged embedded")
		}
		return false, items, nil
	}
	if err := embedJSONTags(e, name, json); err != nil {
		return false, nil, err
	}
	if !sf.IsExported() {
		return false, nil, fieldErr(e.Name, name, "unexported fields cannot be persisted; export it or tag it `orm:\"-\"`")
	}
	ft := sf.Type
	switch {
	case ft.Kind() == reflect.Slice && isEmbeddable(ft.Elem()):
		if prefixSet {
			return false, nil, fieldErr(e.Name, name, "prefix= applies to an embedded struct; an array of embeddables is one column")
		}
		return false, append(append(others, json...), tagItem{key: "json"}), nil
	case ft.Kind() == reflect.Pointer && isEmbeddable(ft.Elem()):
	case !isEmbeddable(ft):
		return false, nil, fieldErr(e.Name, name, "embedded needs a struct of persistent fields or a slice of them, not %s", ft)
	}
	if len(others) > 0 {
		return false, nil, fieldErr(e.Name, name, "tag %q does not apply to an embedded struct (only prefix=, and groups= or hidden for JSON)", others[0].key)
	}
	m := &Embedded{Entity: e, Parent: parent, Name: sf.Name, Path: name, GoType: ft, Offset: base + sf.Offset}
	inner := m.Offset
	if ft.Kind() == reflect.Pointer {
		// The fields lie in the struct the pointer points to.
		m.GoType, m.Nullable, inner = ft.Elem(), true, 0
	}
	own := naming.ColumnName(sf.Name)
	if !prefixSet {
		prefix = own + "_"
	}
	m.Prefix, m.DocPath = prefix, own
	if parent != nil {
		m.Prefix, m.DocPath = parent.Prefix+prefix, parent.DocPath+"."+own
		parent.Children = append(parent.Children, m)
	}
	key := strings.ToLower(m.Path)
	if prev, dup := e.byName[key]; dup {
		return false, nil, fieldErr(e.Name, name, "duplicate property name (also %s)", prev.Name)
	}
	if _, dup := e.embeds[key]; dup {
		return false, nil, fieldErr(e.Name, name, "duplicate embedded property name")
	}
	if e.embeds == nil {
		e.embeds = map[string]*Embedded{}
	}
	e.embeds[key] = m
	e.Embeddeds = append(e.Embeddeds, m)
	n := len(e.Fields)
	if err := parseFields(e, m.GoType, inner, idx, m, naming, pend); err != nil {
		return false, nil, err
	}
	if len(e.Fields) == n && len(m.Children) == 0 {
		return false, nil, fieldErr(e.Name, name, "the embeddable %s has no persistent fields", m.GoType)
	}
	return true, nil, nil
}

// embedJSONTags checks the JSON tags (groups=, hidden) of the embedded
// field name.
func embedJSONTags(e *Entity, name string, items []tagItem) error {
	hidden, groups := false, false
	for _, it := range items {
		switch it.key {
		case "hidden":
			hidden = true
		case "groups":
			if _, err := parseGroups(it.val); err != nil {
				return fieldErr(e.Name, name, "tag %q: %v", it.key, err)
			}
			groups = true
		}
	}
	if hidden && groups {
		return fieldErr(e.Name, name, "hidden and groups= together: hidden leaves the field out of every JSON, so its groups would never apply (drop one)")
	}
	return nil
}

// isEmbeddable reports whether t can be embedded: a struct that is not a
// column type of its own (time.Time, a driver.Valuer, a relation).
func isEmbeddable(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t == timeType {
		return false
	}
	if _, _, ok := rel.TargetOf(t); ok {
		return false
	}
	return !t.Implements(valuerType) && !reflect.PointerTo(t).Implements(valuerType)
}

// fieldPath is the property path of the Go field name inside parent.
func fieldPath(parent *Embedded, name string) string {
	if parent == nil {
		return name
	}
	return parent.Path + "." + name
}

// embedField finishes a field read inside the embeddable m: its column
// gets the prefix, and what an embeddable cannot hold is an error.
func embedField(m *Embedded, f *Field) error {
	e := m.Entity
	switch {
	case f.Rel != nil:
		return fieldErr(e.Name, f.Name, "an embeddable cannot hold a relation; put the reference on the entity")
	case f.PK:
		return fieldErr(e.Name, f.Name, "a primary key cannot be inside an embeddable")
	case f.Version:
		return fieldErr(e.Name, f.Name, "a version field cannot be inside an embeddable")
	case f.Generated:
		return fieldErr(e.Name, f.Name, "autoincrement does not apply inside an embeddable")
	}
	f.Embed = m
	f.Column = m.Prefix + f.Column
	m.Fields = append(m.Fields, f)
	return nullableLeaf(m, f)
}

// nullableLeaf turns f, a field of the embeddable m, into a StoreEmbedded
// field when m or one of its parents is nullable: its Offset becomes the
// outermost pointer's, and the path through the pointers is kept.
func nullableLeaf(m *Embedded, f *Field) error {
	var ptrs []*Embedded // outermost first
	for x := m; x != nil; x = x.Parent {
		if x.Nullable {
			ptrs = append([]*Embedded{x}, ptrs...)
		}
	}
	if len(ptrs) == 0 {
		return nil
	}
	e := m.Entity
	switch {
	case f.Storage != StorePlain && f.Storage != StorePointer && f.Storage != StoreValuer:
		return fieldErr(e.Name, f.Name, "a nullable embeddable holds plain, pointer and driver.Valuer fields, not %s", f.GoType)
	case f.Storage == StoreValuer && !f.GoType.Comparable():
		return fieldErr(e.Name, f.Name, "a nullable embeddable holds comparable driver.Valuer types, not %s", f.GoType)
	case f.Default != nil:
		return fieldErr(e.Name, f.Name, "default= does not apply inside a nullable embeddable")
	}
	inner := *f
	inner.Offset, inner.Path = 0, nil
	l := &leafPath{}
	for i, x := range ptrs {
		l.types = append(l.types, x.GoType)
		if i > 0 {
			l.hops = append(l.hops, x.Offset)
		}
	}
	l.hops = append(l.hops, f.Offset)
	f.Offset = ptrs[0].Offset
	f.Storage, f.Nullable, f.Inner, f.leaf = StoreEmbedded, true, &inner, l
	return nil
}

// leafPath is the way from the pointer of a nullable embeddable to one
// of its fields: through each pointer (to a struct of types[i]), then
// hops[i] bytes into that struct.
type leafPath struct {
	types []reflect.Type
	hops  []uintptr
}

// LeafAt returns the address of the StoreEmbedded field f's value, given
// pp, the address of the outermost pointer (f.Ptr of the entity): nil
// when a pointer on the way is nil, unless alloc, which allocates the
// missing structs.
func (f *Field) LeafAt(pp unsafe.Pointer, alloc bool) unsafe.Pointer {
	l := f.leaf
	p := pp
	for i, t := range l.types {
		s := *(*unsafe.Pointer)(p)
		if s == nil {
			if !alloc {
				return nil
			}
			s = reflect.New(t).UnsafePointer()
			*(*unsafe.Pointer)(p) = s
		}
		p = unsafe.Add(s, l.hops[i])
	}
	return p
}

// ClearAt sets the pointer of the nullable embeddable m to nil in the
// entity at obj; m must be one of the entity's NullableRoots (whose
// Offset is from the entity's start).
func (m *Embedded) ClearAt(obj unsafe.Pointer) {
	*(*unsafe.Pointer)(unsafe.Add(obj, m.Offset)) = nil
}

// CloneAt replaces the pointer at pp, of the nullable embeddable m, by a
// deep copy of what it points to (its nested pointers and byte slices
// copied too), so that a snapshot does not share it with the object.
func (m *Embedded) CloneAt(pp unsafe.Pointer) {
	v := reflect.NewAt(reflect.PointerTo(m.GoType), pp).Elem()
	if !v.IsNil() {
		v.Set(deepCopy(v))
	}
}

// deepCopy returns a copy of v (a pointer, a []byte or a struct) that
// shares no pointer or slice memory with it.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() != reflect.Uint8 {
			return v
		}
		return reflect.ValueOf(bytes.Clone(v.Bytes())).Convert(v.Type())
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range n.NumField() {
			if fv := n.Field(i); fv.CanSet() {
				fv.Set(deepCopy(fv))
			}
		}
		return n
	}
	return v
}
