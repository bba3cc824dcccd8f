package ref

import (
	"bytes"
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
// orm:"hidden" are left out.
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
type JSONOptions struct {
	// Populate lists the relation paths written as entities ("Author",
	// "Author.Books", by Go or JSON field name); the other relations are
	// written as keys. A path implies its prefixes.
	Populate []string
	// Exclude lists the field paths left out ("Author.Email", "Meta").
	Exclude []string
}

// Marshal writes v — an entity pointer, or a slice of them — as JSON for
// an API response: scalar fields as encoding/json writes them (json tags
// honoured), fields tagged json:"-" or orm:"hidden" and the paths of
// o.Exclude left out, relations on o.Populate paths written as entities
// when loaded, every other relation as keys (a reference not loaded:
// its key; a collection not loaded: null). An entity met again inside
// itself (a cycle) is written as its key.
func Marshal(v any, o JSONOptions) ([]byte, error) {
	w := &jsonWriter{populate: map[string]bool{}, exclude: map[string]bool{}}
	for _, p := range o.Populate {
		parts := strings.Split(p, ".")
		for i := range parts {
			w.populate[strings.ToLower(strings.Join(parts[:i+1], "."))] = true
		}
	}
	for _, p := range o.Exclude {
		w.exclude[strings.ToLower(p)] = true
	}
	var b bytes.Buffer
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct:
		if err := w.entity(&b, rv.Elem(), ""); err != nil {
			return nil, err
		}
	case rv.Kind() == reflect.Slice:
		b.WriteByte('[')
		for i := range rv.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			el := rv.Index(i)
			if el.Kind() != reflect.Pointer || el.Type().Elem().Kind() != reflect.Struct {
				return nil, fmt.Errorf("ref.Marshal: element %d is a %s, not an entity pointer", i, el.Type())
			}
			if el.IsNil() {
				b.WriteString("null")
				continue
			}
			if err := w.entity(&b, el.Elem(), ""); err != nil {
				return nil, err
			}
		}
		b.WriteByte(']')
	default:
		return nil, fmt.Errorf("ref.Marshal: %T is neither an entity pointer nor a slice of them", v)
	}
	return b.Bytes(), nil
}

// jsonWriter writes entities; a nil *jsonWriter writes one level deep (the
// encoding/json methods).
type jsonWriter struct {
	populate, exclude map[string]bool
	stack             []unsafe.Pointer // entities being written, for cycles
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonField is one field of an entity as JSON writes it.
type jsonField struct {
	index     []int
	name      string // JSON name
	goName    string
	omitEmpty bool
	quoted    bool
	relation  bool
}

var jsonFields sync.Map // reflect.Type → []jsonField

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
			if tag == "-" || slices.Contains(strings.Split(sf.Tag.Get("orm"), ","), "hidden") {
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
			out = append(out, jsonField{index: idx, name: name, goName: sf.Name,
				omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
				quoted:    strings.Contains(","+opts+",", ",string,"), relation: isRel})
		}
	}
	walk(t, nil)
	fs, _ := jsonFields.LoadOrStore(t, out)
	return fs.([]jsonField)
}

// entity writes the struct v (an entity) at path.
func (w *jsonWriter) entity(b *bytes.Buffer, v reflect.Value, path string) error {
	if w != nil {
		p := v.Addr().UnsafePointer()
		if slices.Contains(w.stack, p) {
			return writeKey(b, v.Addr().Interface())
		}
		w.stack = append(w.stack, p)
		defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	}
	b.WriteByte('{')
	first := true
	for _, f := range fieldsOf(v.Type()) {
		fv, err := v.FieldByIndexErr(f.index)
		if err != nil {
			continue // through a nil embedded pointer
		}
		fp := join(path, f.name)
		if w != nil && (w.exclude[strings.ToLower(fp)] || w.exclude[strings.ToLower(join(path, f.goName))]) {
			continue
		}
		if f.omitEmpty && !f.relation && fv.IsZero() {
			continue
		}
		var val []byte
		if f.relation {
			var vb bytes.Buffer
			target, isColl, _ := rel.TargetOf(fv.Type())
			var sub *jsonWriter
			if w != nil && (w.populate[strings.ToLower(fp)] || w.populate[strings.ToLower(join(path, f.goName))]) {
				sub = w
			}
			if isColl {
				err = writeCollection(&vb, rel.CollectionAt(fv.Addr().UnsafePointer()), target, sub.at(fp), false)
			} else {
				err = writeRef(&vb, rel.RefAt(fv.Addr().UnsafePointer()), target, sub.at(fp), false)
			}
			val = vb.Bytes()
		} else {
			val, err = json.Marshal(fv.Interface())
			if err == nil && f.quoted && isQuotable(fv.Kind()) {
				val, err = json.Marshal(string(val))
			}
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
		b.Write(val)
	}
	b.WriteByte('}')
	return nil
}

func isQuotable(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// nested is where a populated relation's entities are written: the writer
// and the path of the relation.
type nested struct {
	w    *jsonWriter
	path string
}

// at returns how to write the entities of the relation at path: expanded
// by w (nil: as keys, beyond the first level of encoding/json).
func (w *jsonWriter) at(path string) *nested {
	if w == nil {
		return nil
	}
	return &nested{w: w, path: path}
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
		return n.w.entity(b, v.Elem(), n.path)
	case top:
		return (*jsonWriter)(nil).entity(b, v.Elem(), "")
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
