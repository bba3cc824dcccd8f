package ref

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// MarshalJSON writes the reference for encoding/json: the referenced
// entity when it is loaded, its primary key when not, null when empty.
// The entity is written one level deep: its own references and
// collections are written as keys, so entities that point at each other
// cannot loop (use Marshal to go deeper). Fields tagged json:"-" or
// orm:"hidden", and fields in serialization groups (orm:"groups=..."),
// are left out.
func (r Ref[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	err := writeRef(&b, &r.r, reflect.TypeFor[T](), nil, true)
	return b.Bytes(), err
}

// MarshalJSON writes the collection for encoding/json: a list of its
// entities when it is loaded (each written as Ref's MarshalJSON writes
// one: a loaded entity one level deep, a reference as its key), null when
// it is not.
func (c Collection[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	err := writeCollection(&b, &c.c, reflect.TypeFor[T](), nil, true)
	return b.Bytes(), err
}

// JSONOptions say how Marshal writes entities.
//
// A path is a dotted list of field names from the entity written
// ("Author.Books"); each name is the Go field name or the JSON name
// (json:"books"), compared case-insensitively, and may go into
// embeddables ("Address.City").
type JSONOptions struct {
	// Populate lists the relation paths written as entities ("Author",
	// "Author.Books"); the other relations are written as keys. A path
	// implies its prefixes. A path that names no relation is an error.
	Populate []string
	// Exclude lists the field paths left out ("Author.Email", "Meta"). A
	// path that names no field is an error.
	Exclude []string
	// Groups are the serialization groups written. A field tagged
	// orm:"groups=admin|internal" is written only when Groups holds one
	// of its groups; fields without groups are always written. With no
	// Groups, fields in groups are left out (unlike MikroORM, where no
	// groups means every field: a field is in a group so that it is not
	// written unless asked for). Group names not used by any field are
	// not an error.
	Groups []string
}

// Marshal writes v — an entity pointer, or a slice of them — as JSON for
// an API response: scalar fields as encoding/json writes them (json tags
// honoured), embeddables as objects by the same rules, fields tagged
// json:"-" or orm:"hidden", fields of serialization groups not in
// o.Groups and the paths of o.Exclude left out, relations on o.Populate
// paths written as entities when loaded, every other relation as keys
// (a reference not loaded: its key; a collection not loaded: null). An
// entity met again inside itself (a cycle) is written as its key.
//
// Marshal writes what is loaded; em.Marshal loads the o.Populate paths
// that are not loaded first.
func Marshal(v any, o JSONOptions) ([]byte, error) {
	rv := reflect.ValueOf(v)
	var t reflect.Type
	switch {
	case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct:
		t = rv.Type().Elem()
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Pointer && rv.Type().Elem().Elem().Kind() == reflect.Struct:
		t = rv.Type().Elem().Elem()
	case rv.Kind() == reflect.Slice:
		return nil, fmt.Errorf("ref.Marshal: the elements of %s are not entity pointers", rv.Type())
	default:
		return nil, fmt.Errorf("ref.Marshal: %T is neither an entity pointer nor a slice of them", v)
	}
	w, err := newWriter(t, o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if rv.Kind() == reflect.Pointer {
		if err := w.entity(&b, rv.Elem(), w.root); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	b.WriteByte('[')
	for i := range rv.Len() {
		if i > 0 {
			b.WriteByte(',')
		}
		el := rv.Index(i)
		if el.IsNil() {
			b.WriteString("null")
			continue
		}
		if err := w.entity(&b, el.Elem(), w.root); err != nil {
			return nil, err
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// Expanded returns the relation paths, in Go field names
// ("Author.Books"), that Marshal with o writes as entities for entities
// of struct type t when they are loaded: the Populate paths, each cut
// before the first relation that o leaves out (Exclude, Groups,
// json:"-", orm:"hidden"). Populate them when finding to write them
// whole (em.Marshal does). Paths are checked as Marshal checks them.
func (o JSONOptions) Expanded(t reflect.Type) ([]string, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("ref: %s is not an entity struct", t)
	}
	w, err := newWriter(t, o)
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(t reflect.Type, s *sel, prefix string)
	walk = func(t reflect.Type, s *sel, prefix string) {
		fs := fieldsOf(t)
		for i := range fs {
			f := &fs[i]
			if !f.relation || !w.visible(f, s) {
				continue
			}
			sub := s.child(f)
			if sub == nil || !sub.expand {
				continue
			}
			p := prefix + f.goName
			out = append(out, p)
			target, _, _ := rel.TargetOf(f.typ)
			walk(target, sub, p+".")
		}
	}
	walk(t, w.root, "")
	return out, nil
}

// jsonWriter writes entities; a nil *jsonWriter writes one level deep (the
// encoding/json methods).
type jsonWriter struct {
	root   *sel
	groups map[string]bool
	stack  []unsafe.Pointer // entities being written, for cycles
}

// sel is what the options select at one level of the entity tree: the
// paths that continue below it.
type sel struct {
	expand   bool       // this relation is on a Populate path
	populate [][]string // the rest of the Populate paths, lowercased
	exclude  [][]string // the rest of the Exclude paths, lowercased
}

// matches reports whether the path segment seg names f.
func (f *jsonField) matches(seg string) bool {
	return seg == f.lowerName || seg == f.lowerGo
}

// excluded reports whether s leaves f out.
func (s *sel) excluded(f *jsonField) bool {
	if s == nil {
		return false
	}
	for _, p := range s.exclude {
		if len(p) == 1 && f.matches(p[0]) {
			return true
		}
	}
	return false
}

// child returns what s selects below the field f; nil when nothing.
func (s *sel) child(f *jsonField) *sel {
	if s == nil {
		return nil
	}
	var c *sel
	for _, p := range s.populate {
		if f.matches(p[0]) {
			if c == nil {
				c = &sel{}
			}
			c.expand = true
			if len(p) > 1 {
				c.populate = append(c.populate, p[1:])
			}
		}
	}
	for _, p := range s.exclude {
		if len(p) > 1 && f.matches(p[0]) {
			if c == nil {
				c = &sel{}
			}
			c.exclude = append(c.exclude, p[1:])
		}
	}
	return c
}

// newWriter checks o against the entity type t and returns its writer.
func newWriter(t reflect.Type, o JSONOptions) (*jsonWriter, error) {
	w := &jsonWriter{root: &sel{}, groups: map[string]bool{}}
	for _, g := range o.Groups {
		w.groups[g] = true
	}
	for _, p := range o.Populate {
		segs, err := checkPath(t, p, true)
		if err != nil {
			return nil, fmt.Errorf("ref.Marshal: Populate %q: %w", p, err)
		}
		w.root.populate = append(w.root.populate, segs)
	}
	for _, p := range o.Exclude {
		segs, err := checkPath(t, p, false)
		if err != nil {
			return nil, fmt.Errorf("ref.Marshal: Exclude %q: %w", p, err)
		}
		w.root.exclude = append(w.root.exclude, segs)
	}
	return w, nil
}

// checkPath splits path into lowercased segments and checks that they
// name fields from the struct t, through relations and embeddables: the
// last a relation when rel is set.
func checkPath(t reflect.Type, path string, relation bool) ([]string, error) {
	segs := strings.Split(strings.ToLower(path), ".")
	cur := t
	for i, seg := range segs {
		var f *jsonField
		fs := fieldsOf(cur)
		for j := range fs {
			if fs[j].matches(seg) {
				f = &fs[j]
				break
			}
		}
		if f == nil {
			if i == len(segs)-1 && hasField(cur, seg) {
				return segs, nil // a field never written (json:"-", hidden): nothing to do
			}
			return nil, fmt.Errorf("%s has no field %q written as JSON", cur.Name(), seg)
		}
		switch {
		case f.relation:
			cur, _, _ = rel.TargetOf(f.typ)
		case relation:
			return nil, fmt.Errorf("%s.%s is not a relation", cur.Name(), f.goName)
		case f.embed && i < len(segs)-1:
			cur = embedType(f.typ)
		case i < len(segs)-1:
			return nil, fmt.Errorf("%s.%s is neither a relation nor an embeddable", cur.Name(), f.goName)
		}
	}
	return segs, nil
}

// hasField reports whether the struct t has an exported field named
// name (lowercase) by its Go name or JSON name, embedded ones included.
func hasField(t reflect.Type, name string) bool {
	_, ok := t.FieldByNameFunc(func(n string) bool { return strings.ToLower(n) == name })
	if ok {
		return true
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if j, _, _ := strings.Cut(sf.Tag.Get("json"), ","); sf.IsExported() && strings.ToLower(j) == name {
			return true
		}
	}
	return false
}

// jsonField is one field of an entity or embeddable as JSON writes it.
type jsonField struct {
	index              []int
	typ                reflect.Type
	name               string // JSON name
	goName             string
	lowerName, lowerGo string
	groups             []string
	omitEmpty          bool
	quoted             bool
	relation           bool
	embed              bool // an embeddable (or a slice of them) written by our rules
}

var jsonFields sync.Map // reflect.Type → []jsonField

// groupsOf returns the serialization groups of a struct field's orm tag
// (orm:"groups=admin|internal"), nil when it has none.
func groupsOf(ormTag string) []string {
	for _, item := range strings.Split(ormTag, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		if strings.TrimSpace(k) != "groups" {
			continue
		}
		var out []string
		for _, g := range strings.Split(v, "|") {
			if g = strings.TrimSpace(g); g != "" {
				out = append(out, g)
			}
		}
		return out
	}
	return nil
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// embedType returns the struct type of an embeddable field of type t
// (Address, *Address or []Address).
func embedType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

// writtenByUs reports whether an embeddable of struct type t is written
// field by field (not when it marshals itself).
func writtenByUs(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(marshalerType) || x.Implements(textMarshalerType) {
			return false
		}
	}
	return true
}

// fieldsOf returns the JSON fields of struct type t: exported, not
// json:"-" nor orm:"hidden", embedded structs without a JSON name
// inlined.
func fieldsOf(t reflect.Type) []jsonField {
	if fs, ok := jsonFields.Load(t); ok {
		return fs.([]jsonField)
	}
	var out []jsonField
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			orm := strings.Split(sf.Tag.Get("orm"), ",")
			for j := range orm {
				orm[j] = strings.TrimSpace(orm[j])
			}
			if tag == "-" || slices.Contains(orm, "hidden") {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(slices.Clone(index), i)
			_, _, isRel := rel.TargetOf(sf.Type)
			if sf.Anonymous && name == "" && !isRel {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct && sf.Type.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			embed := slices.Contains(orm, "embedded")
			if embed {
				et := embedType(sf.Type)
				embed = writtenByUs(et) && (sf.Type == et || sf.Type.Elem() == et)
			}
			out = append(out, jsonField{index: idx, typ: sf.Type, name: name, goName: sf.Name,
				lowerName: strings.ToLower(name), lowerGo: strings.ToLower(sf.Name),
				groups:    groupsOf(sf.Tag.Get("orm")),
				omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
				quoted:    strings.Contains(","+opts+",", ",string,"), relation: isRel, embed: embed})
		}
	}
	walk(t, nil)
	fs, _ := jsonFields.LoadOrStore(t, out)
	return fs.([]jsonField)
}

// visible reports whether the field f is written at the level s selects:
// not excluded, and without groups or in one of the groups asked for (a
// nil writer, encoding/json's, asks for none).
func (w *jsonWriter) visible(f *jsonField, s *sel) bool {
	if s.excluded(f) {
		return false
	}
	if len(f.groups) == 0 {
		return true
	}
	if w == nil {
		return false
	}
	for _, g := range f.groups {
		if w.groups[g] {
			return true
		}
	}
	return false
}

// entity writes the struct v (an entity) with what s selects.
func (w *jsonWriter) entity(b *bytes.Buffer, v reflect.Value, s *sel) error {
	if w != nil {
		p := v.Addr().UnsafePointer()
		if slices.Contains(w.stack, p) {
			return writeKey(b, v.Addr().Interface())
		}
		w.stack = append(w.stack, p)
		defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	}
	return w.object(b, v, s)
}

// object writes the fields of the struct v (an entity or an embeddable).
func (w *jsonWriter) object(b *bytes.Buffer, v reflect.Value, s *sel) error {
	b.WriteByte('{')
	first := true
	fs := fieldsOf(v.Type())
	for i := range fs {
		f := &fs[i]
		fv, err := v.FieldByIndexErr(f.index)
		if err != nil {
			continue // through a nil embedded pointer
		}
		if !w.visible(f, s) {
			continue
		}
		if f.omitEmpty && !f.relation && fv.IsZero() {
			continue
		}
		var vb bytes.Buffer
		switch {
		case f.relation:
			target, isColl, _ := rel.TargetOf(fv.Type())
			var n *nested
			if sub := s.child(f); w != nil && sub != nil && sub.expand {
				n = &nested{w: w, s: sub}
			}
			if isColl {
				err = writeCollection(&vb, rel.CollectionAt(fv.Addr().UnsafePointer()), target, n, false)
			} else {
				err = writeRef(&vb, rel.RefAt(fv.Addr().UnsafePointer()), target, n, false)
			}
		case f.embed:
			err = w.embedded(&vb, fv, s.child(f))
		default:
			var val []byte
			val, err = json.Marshal(fv.Interface())
			if err == nil && f.quoted && isQuotable(fv.Kind()) {
				val, err = json.Marshal(string(val))
			}
			vb.Write(val)
		}
		if err != nil {
			return fmt.Errorf("json: %s.%s: %w", v.Type().Name(), f.goName, err)
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(f.name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(vb.Bytes())
	}
	b.WriteByte('}')
	return nil
}

// embedded writes an embeddable field's value v (a struct, a pointer to
// one or a slice of them): null when nil.
func (w *jsonWriter) embedded(b *bytes.Buffer, v reflect.Value, s *sel) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return w.object(b, v.Elem(), s)
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := w.object(b, v.Index(i), s); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	return w.object(b, v, s)
}

func isQuotable(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// nested is how a populated relation's entities are written: the writer
// and what it selects below the relation.
type nested struct {
	w *jsonWriter
	s *sel
}

// writeTarget writes the related object p of type t: expanded when n says
// so (or, from encoding/json, when top is set: one level deep), else its
// key.
func writeTarget(b *bytes.Buffer, p unsafe.Pointer, t reflect.Type, loaded bool, n *nested, top bool) error {
	v := reflect.NewAt(t, p)
	switch {
	case !loaded:
		return writeKey(b, v.Interface())
	case n != nil:
		return n.w.entity(b, v.Elem(), n.s)
	case top:
		return (*jsonWriter)(nil).entity(b, v.Elem(), nil)
	}
	return writeKey(b, v.Interface())
}

func writeKey(b *bytes.Buffer, obj any) error {
	id, ok := meta.PKOf(obj)
	if !ok {
		return fmt.Errorf("json: %T has no primary key", obj)
	}
	k, err := json.Marshal(id)
	b.Write(k)
	return err
}

// writeRef writes a reference: null, its key, or its entity (see
// writeTarget; top: encoding/json's one level).
func writeRef(b *bytes.Buffer, r *rel.Ref, t reflect.Type, n *nested, top bool) error {
	switch {
	case r.Ptr == nil && (r.ID == nil || r.IsPending()):
		b.WriteString("null")
		return nil
	case r.Ptr == nil:
		k, err := json.Marshal(r.ID)
		b.Write(k)
		return err
	}
	loaded := r.L == nil || r.L.Initialized(t, r.Ptr)
	return writeTarget(b, r.Ptr, t, loaded, n, top)
}

// writeCollection writes a collection: null when not loaded, else the
// list of its items (see writeTarget).
func writeCollection(b *bytes.Buffer, c *rel.Collection, t reflect.Type, n *nested, top bool) error {
	if !c.Initialized {
		b.WriteString("null")
		return nil
	}
	b.WriteByte('[')
	for i, p := range c.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		loaded := c.L == nil || c.L.Initialized(t, p)
		if err := writeTarget(b, p, t, loaded, n, top); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}
