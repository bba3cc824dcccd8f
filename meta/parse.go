package meta

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gomikro/gomikro/internal/rel"
)

var (
	timeType    = reflect.TypeFor[time.Time]()
	bytesType   = reflect.TypeFor[[]byte]()
	valuerType  = reflect.TypeFor[driver.Valuer]()
	scannerType = reflect.TypeFor[sql.Scanner]()

	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	ctxType             = reflect.TypeFor[context.Context]()
	errType             = reflect.TypeFor[error]()
)

// tagOf returns the orm tag of a struct field. The tag fuzz test replaces
// it, to parse many tags without making a struct type for each (types
// made by reflect.StructOf are never freed).
var tagOf = func(sf reflect.StructField) (string, bool) { return sf.Tag.Lookup("orm") }

// tagItem is one item of an `orm:"..."` tag.
type tagItem struct{ key, val string }

func parseTag(tag string) []tagItem {
	if tag == "" {
		return nil
	}
	parts := strings.Split(tag, ",")
	items := make([]tagItem, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if k = strings.TrimSpace(k); k == "formula" {
			// An SQL expression may hold commas: formula= takes the rest
			// of the tag.
			v = strings.Join(append([]string{v}, parts[i+1:]...), ",")
			items = append(items, tagItem{k, strings.TrimSpace(v)})
			break
		}
		items = append(items, tagItem{k, strings.TrimSpace(v)})
	}
	return items
}

// fieldErr builds the error for a bad field.
func fieldErr(ent, field, format string, args ...any) error {
	return &Error{Entity: ent, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Error is an invalid-metadata error; it names the struct and field.
type Error struct {
	Entity, Field, Msg string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return "gomikro: entity " + e.Entity + ": " + e.Msg
	}
	return "gomikro: entity " + e.Entity + "." + e.Field + ": " + e.Msg
}

// pending carries what parse found that only the Registry can resolve.
type pending struct {
	f        *Field
	target   reflect.Type
	kindTag  RelKind // explicit m:n or 1:1 from the tag, 0 if none
	pivot    string
	override string // column= on a Ref
}

// parseEntity reads the struct t. Relations are resolved later by the
// Registry.
func parseEntity(t reflect.Type, naming NamingStrategy) (*Entity, []pending, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, nil, &Error{Entity: t.String(), Msg: "an entity must be a struct"}
	}
	if t.Name() == "" {
		return nil, nil, &Error{Entity: t.String(), Msg: "an entity must be a named struct type"}
	}
	return parseStruct(t, t.Name(), naming)
}

// parseStruct reads the struct t as the entity called name.
func parseStruct(t reflect.Type, name string, naming NamingStrategy) (*Entity, []pending, error) {
	e := &Entity{Name: name, Type: t, byName: map[string]*Field{}}
	var pend []pending
	if err := parseFields(e, t, 0, nil, nil, naming, &pend); err != nil {
		return nil, nil, err
	}
	if e.Table == "" {
		e.Table = naming.TableName(e.Name)
	}
	if err := virtualOf(e, t); err != nil {
		return nil, nil, err
	}
	if len(e.PK) == 0 && !e.Virtual {
		return nil, nil, &Error{Entity: e.Name, Msg: "no primary key: tag a field `orm:\"pk\"`"}
	}
	for _, f := range e.PK {
		if f.Storage == StoreRef {
			continue
		}
		if f.Nullable {
			return nil, nil, fieldErr(e.Name, f.Name, "a primary key cannot be nullable")
		}
		if f.Storage == StoreJSON {
			return nil, nil, fieldErr(e.Name, f.Name, "a primary key cannot be stored as JSON")
		}
	}
	if len(e.PK) == 1 && isInteger(e.PK[0].Type) && e.PK[0].Storage == StorePlain && !e.PK[0].Generated && !e.Virtual {
		// Single integer keys are generated unless autoincrement=false said otherwise.
		if !e.PK[0].noAutoIncrement {
			e.PK[0].Generated = true
		}
	}
	for _, f := range e.Fields {
		if f.Generated && (len(e.PK) != 1 || !f.PK) {
			return nil, nil, fieldErr(e.Name, f.Name, "autoincrement applies only to a single-column primary key")
		}
	}
	h, err := hooksOf(t)
	if err != nil {
		return nil, nil, err
	}
	e.Hooks = h
	return e, pend, nil
}

func isInteger(t Type) bool { return t == TypeInt16 || t == TypeInt32 || t == TypeInt64 }

// parseFields reads the fields of struct t, which lies at base in the
// entity, inside the embeddable emb (nil at the entity's top level).
func parseFields(e *Entity, t reflect.Type, base uintptr, path []int, emb *Embedded, naming NamingStrategy, pend *[]pending) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, hasTag := tagOf(sf)
		items := parseTag(tag)
		if sf.Name == "_" {
			for _, it := range items {
				switch it.key {
				case "table":
					if it.val == "" {
						return fieldErr(e.Name, "_", "table= needs a name")
					}
					e.Table = it.val
					e.tableSet = e.tableSet || len(path) == 0
				case "renamedFrom", "renamedfrom":
					if it.val == "" {
						return fieldErr(e.Name, "_", "renamedFrom= needs the old table name")
					}
					e.RenamedFrom = it.val
				case "discriminator":
					if it.val == "" {
						return fieldErr(e.Name, "_", "discriminator= needs the value that marks this entity's rows")
					}
					if len(path) == 0 { // a base's own value is not its subtypes'
						e.ownDisc(it.val)
					}
				case "virtual":
					e.Virtual = true
				default:
					return fieldErr(e.Name, "_", "unknown entity option %q (known: table, renamedFrom, discriminator, virtual)", it.key)
				}
			}
			continue
		}
		if tag == "-" {
			continue
		}
		idx := append(append([]int(nil), path...), i)
		if hasTag && hasKey(items, "extends") {
			if err := extendsField(e, sf, items, len(path) == 0 && emb == nil); err != nil {
				return err
			}
			if err := parseFields(e, sf.Type, base+sf.Offset, idx, emb, naming, pend); err != nil {
				return err
			}
			continue
		}
		if hasTag {
			handled, rest, err := embedTag(e, emb, sf, items, base, idx, naming, pend)
			if err != nil {
				return err
			}
			if handled {
				continue
			}
			items = rest
		}
		items, ixo, err := indexOpts(items)
		if err != nil {
			return fieldErr(e.Name, fieldPath(emb, sf.Name), "%v", err)
		}
		if sf.Anonymous && !hasTag {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				return fieldErr(e.Name, sf.Name, "embedded pointer structs are not supported; embed the struct by value")
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				if _, _, ok := rel.TargetOf(ft); !ok {
					if err := parseFields(e, ft, base+sf.Offset, idx, emb, naming, pend); err != nil {
						return err
					}
					continue
				}
			}
		}
		if !sf.IsExported() {
			if hasTag {
				return fieldErr(e.Name, sf.Name, "unexported fields cannot be persisted; export it or tag it `orm:\"-\"`")
			}
			continue
		}
		f := &Field{Entity: e, Name: fieldPath(emb, sf.Name), GoType: sf.Type, Offset: base + sf.Offset, Path: idx}
		if prev, dup := e.byName[strings.ToLower(f.Name)]; dup {
			return fieldErr(e.Name, f.Name, "duplicate property name (also %s)", prev.Name)
		}
		p, err := parseField(e, f, sf, items, naming)
		if err != nil {
			return err
		}
		if err := enumOf(f); err != nil {
			return err
		}
		if emb != nil {
			if f.Lazy || f.Formula != "" {
				return fieldErr(e.Name, f.Name, "lazy and formula do not apply to the fields of an embeddable")
			}
			if err := embedField(emb, f); err != nil {
				return err
			}
		}
		if err := setIndexOpts(f, ixo); err != nil {
			return err
		}
		if p != nil {
			*pend = append(*pend, *p)
		}
		e.Fields = append(e.Fields, f)
		if f.PK {
			e.PK = append(e.PK, f)
		}
		if f.Version {
			if e.Version != nil {
				return fieldErr(e.Name, f.Name, "a second version field (the first is %s)", e.Version.Name)
			}
			e.Version = f
		}
		if f.Discriminator {
			if e.discField != nil {
				return fieldErr(e.Name, f.Name, "a second discriminator field (the first is %s)", e.discField.Name)
			}
			if f.GoType.Kind() != reflect.String || f.Storage != StorePlain || f.Embed != nil || f.PK {
				return fieldErr(e.Name, f.Name, "a discriminator field must be a plain string field of the entity, not %s", f.GoType)
			}
			e.discField = f
		}
		if f.SoftDelete {
			if e.SoftDelete != nil {
				return fieldErr(e.Name, f.Name, "a second softDelete field (the first is %s)", e.SoftDelete.Name)
			}
			e.SoftDelete = f
		}
		if f.Rel != nil {
			e.Relations = append(e.Relations, f)
			if f.Rel.Collection {
				e.Collections = append(e.Collections, f)
			}
		}
		e.byName[strings.ToLower(f.Name)] = f
		if lc := lowerCamel(f.Name); lc != f.Name {
			e.byName[strings.ToLower(lc)] = f
		}
	}
	return nil
}

func lowerCamel(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func parseField(e *Entity, f *Field, sf reflect.StructField, items []tagItem, naming NamingStrategy) (*pending, error) {
	ft := sf.Type
	var p *pending
	if target, isColl, ok := rel.TargetOf(ft); ok {
		if target.Kind() != reflect.Struct {
			return nil, fieldErr(e.Name, f.Name, "relation target must be a struct type, got %s", target)
		}
		f.Rel = &Relation{Collection: isColl}
		p = &pending{f: f, target: target}
		if isColl {
			f.Storage = StoreNone
		} else {
			f.Storage = StoreRef
			f.Rel.Kind = ManyToOne
			f.Rel.Owner = true
		}
	} else {
		classify(f, ft)
	}
	jsonForced, nullableTag, hidden := false, false, false
	for _, it := range items {
		var err error
		switch it.key {
		case "pk":
			f.PK = true
		case "autoincrement":
			b := true
			if it.val != "" {
				b, err = strconv.ParseBool(it.val)
			}
			f.Generated = b
			f.noAutoIncrement = !b
		case "unique":
			f.Unique, f.UniqueName = true, it.val
		case "index":
			f.Indexed, f.IndexName = true, it.val
		case "nullable":
			b := true
			if it.val != "" {
				b, err = strconv.ParseBool(it.val)
			}
			f.Nullable, nullableTag = b, true
		case "length":
			f.Length, err = positive(it.val)
		case "precision":
			f.Precision, err = positive(it.val)
		case "scale":
			f.Scale, err = strconv.Atoi(it.val)
		case "default":
			if it.val == "" {
				err = fmt.Errorf("default= needs a value")
			} else if it.val == "now" {
				f.Default = &Default{Now: true}
			} else {
				f.Default = &Default{Value: it.val}
			}
		case "version":
			f.Version = true
		case "hidden":
			// Left out of JSON by ref's marshalling; nothing to store.
			hidden = true
		case "groups":
			f.Groups, err = parseGroups(it.val)
		case "softDelete", "softdelete":
			f.SoftDelete = true
		case "discriminator":
			if it.val != "" {
				err = fmt.Errorf("takes no value on a field (a base's own value goes on `_ struct{} orm:\"discriminator=VALUE\"`, a subtype's on its extends tag)")
			}
			f.Discriminator = true
		case "column":
			if it.val == "" {
				err = fmt.Errorf("column= needs a name")
			}
			f.Column = it.val
		case "renamedFrom", "renamedfrom":
			if it.val == "" {
				err = fmt.Errorf("renamedFrom= needs the old column name")
			}
			f.RenamedFrom = it.val
		case "type":
			if it.val == "" {
				err = fmt.Errorf("type= needs a column type")
			}
			f.ColumnType = it.val
		case "json":
			jsonForced = true
		case "lazy":
			f.Lazy = true
		case "formula":
			if it.val == "" {
				err = fmt.Errorf("formula= needs an SQL expression, e.g. formula={alias}.price * 2")
			}
			f.Formula = it.val
		case "mappedBy", "mappedby", "inversedBy", "inversedby", "m:n", "1:1", "m:1", "1:m", "pivot", "cascade", "orphanRemoval", "orphanremoval", "onDelete", "ondelete":
			if f.Rel == nil {
				return nil, fieldErr(e.Name, f.Name, "%q applies only to ref.Ref or ref.Collection fields", it.key)
			}
			err = relationTag(f, p, it)
		default:
			return nil, fieldErr(e.Name, f.Name, "unknown tag key %q", it.key)
		}
		if err != nil {
			return nil, fieldErr(e.Name, f.Name, "tag %q: %v", it.key, err)
		}
	}
	if hidden && f.Groups != nil {
		return nil, fieldErr(e.Name, f.Name, "hidden and groups= together: hidden leaves the field out of every JSON, so its groups would never apply (drop one)")
	}
	if err := checkLazyFormula(f); err != nil {
		return nil, err
	}
	if f.PK && !nullableTag && f.Storage == StorePlain {
		f.Nullable = false // a []byte key is never NULL
	}
	if jsonForced {
		if f.Rel != nil {
			return nil, fieldErr(e.Name, f.Name, "a relation cannot be stored as JSON")
		}
		f.Storage, f.Type = StoreJSON, TypeJSON
	}
	if f.Rel == nil {
		if f.kind != nil {
			if err := applyKind(f, *f.kind); err != nil {
				return nil, fieldErr(e.Name, f.Name, "%s.ColumnKind() = %q: %v", ft, *f.kind, err)
			}
		}
		if f.Type == TypeInvalid && f.Storage == StoreValuer {
			if f.ColumnType == "" {
				return nil, fieldErr(e.Name, f.Name, "%s is a driver.Valuer whose column type cannot be told from its Go type (%s): "+
					"give %s a method `ColumnKind() string` returning the portable kind it stores "+
					"(bool, int16, int32, int64, float32, float64, decimal(P,S), string, varchar(N), bytes, time, json), "+
					"or tag the field `orm:\"type=SQLTYPE\"`", ft, ft.Kind(), ft)
			}
			f.Type = TypeString // the column is the type= one; values travel as the valuer gives them
		}
		if f.Type == TypeInvalid {
			return nil, fieldErr(e.Name, f.Name, "unsupported Go type %s (use `orm:\"json\"` or a driver.Valuer)", ft)
		}
		if f.Column == "" {
			f.Column = naming.ColumnName(sf.Name)
		}
		if f.Type == TypeFloat64 && f.Precision > 0 {
			f.Type = TypeDecimal
		}
		if f.Scale != 0 && f.Precision == 0 {
			return nil, fieldErr(e.Name, f.Name, "scale= needs precision=")
		}
		if f.Length > 0 && f.Type != TypeString && f.Type != TypeBytes {
			return nil, fieldErr(e.Name, f.Name, "length= applies to strings and bytes, not %s", f.Type)
		}
		if f.Version && (!isInteger(f.Type) || f.Storage != StorePlain || !IsIntKind(ft.Kind())) {
			return nil, fieldErr(e.Name, f.Name, "a version field must be a plain integer (int, int8 to int64, uint, uint8 to uint64), not %s", ft)
		}
		if f.SoftDelete && ft != reflect.TypeFor[*time.Time]() {
			return nil, fieldErr(e.Name, f.Name, "a softDelete field must be a *time.Time, not %s", ft)
		}
		if f.Default != nil {
			if err := checkDefault(f); err != nil {
				v := f.Default.Value
				if f.Default.Now {
					v = "now"
				}
				return nil, fieldErr(e.Name, f.Name, "default=%s: %v", v, err)
			}
			if zeroTrap(f) {
				return nil, fieldErr(e.Name, f.Name, "default=%s on a plain %s makes an explicit %s impossible to write "+
					"(a zero field is left out of the INSERT, so the database default replaces it): "+
					"declare it as *%s or sql.Null[%s] (nil or !Valid takes the default), or drop default=",
					f.Default.Value, ft, zeroText(ft), ft, ft)
			}
		}
	} else {
		if f.Rel.Collection && f.PK {
			return nil, fieldErr(e.Name, f.Name, "a collection cannot be a primary key")
		}
		if f.Default != nil || f.Version || f.SoftDelete || f.Length > 0 || f.ColumnType != "" {
			return nil, fieldErr(e.Name, f.Name, "default, version, softDelete, length and type do not apply to relations")
		}
		if f.Column != "" {
			if f.Rel.Collection {
				return nil, fieldErr(e.Name, f.Name, "column= does not apply to collections")
			}
			p.override = f.Column
		}
	}
	return p, nil
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err == nil && n <= 0 {
		err = fmt.Errorf("must be positive")
	}
	return n, err
}

// zeroTrap reports whether a default on f would silently replace an
// explicit zero: the field is a plain bool, number or string, whose zero
// is a value a caller may mean. (A time.Time with default=now is not: its
// zero, year 1, is taken to mean "not set".)
func zeroTrap(f *Field) bool {
	if f.Storage != StorePlain || f.Default == nil || f.Default.Now {
		return false
	}
	switch f.Type {
	case TypeBool, TypeInt16, TypeInt32, TypeInt64, TypeFloat32, TypeFloat64, TypeDecimal, TypeString:
		return true
	}
	return false
}

// zeroText names the zero value of t for messages.
func zeroText(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "false"
	case reflect.String:
		return `""`
	}
	return "0"
}

func checkDefault(f *Field) error {
	d := f.Default
	if d.Now {
		if f.Type != TypeTime {
			return fmt.Errorf("now applies to time fields")
		}
		return nil
	}
	var err error
	switch f.Type {
	case TypeBool:
		_, err = strconv.ParseBool(d.Value)
	case TypeInt16, TypeInt32, TypeInt64:
		_, err = strconv.ParseInt(d.Value, 10, 64)
	case TypeFloat32, TypeFloat64, TypeDecimal:
		_, err = strconv.ParseFloat(d.Value, 64)
	case TypeString:
	default:
		err = fmt.Errorf("defaults are supported on bool, number and string columns (and now on time)")
	}
	return err
}

func relationTag(f *Field, p *pending, it tagItem) error {
	r := f.Rel
	switch strings.ToLower(it.key) {
	case "mappedby":
		if it.val == "" {
			return fmt.Errorf("needs the owning field's name")
		}
		r.mappedByName = it.val
	case "inversedby":
		if it.val == "" {
			return fmt.Errorf("needs the inverse field's name")
		}
		r.inversedByName = it.val
	case "m:n":
		if !r.Collection {
			return fmt.Errorf("m:n needs a ref.Collection field")
		}
		p.kindTag = ManyToMany
	case "1:1":
		if r.Collection {
			return fmt.Errorf("1:1 needs a ref.Ref field")
		}
		p.kindTag = OneToOne
	case "m:1":
		if r.Collection {
			return fmt.Errorf("m:1 needs a ref.Ref field")
		}
	case "1:m":
		if !r.Collection {
			return fmt.Errorf("1:m needs a ref.Collection field")
		}
	case "pivot":
		if it.val == "" {
			return fmt.Errorf("needs a table name")
		}
		p.pivot = it.val
	case "cascade":
		for _, c := range strings.Split(it.val, "|") {
			switch strings.TrimSpace(c) {
			case "persist":
				r.Cascade |= CascadePersist
			case "remove":
				r.Cascade |= CascadeRemove
			case "all":
				r.Cascade |= CascadePersist | CascadeRemove
			default:
				return fmt.Errorf("unknown cascade %q (persist, remove, all; join with |)", c)
			}
		}
	case "orphanremoval":
		r.OrphanRemoval = it.val == "" || it.val == "true"
	case "ondelete":
		switch v := strings.ToLower(it.val); v {
		case "cascade", "set null", "restrict", "no action":
			r.OnDelete = v
		default:
			return fmt.Errorf("unknown action %q (cascade, set null, restrict, no action)", it.val)
		}
	}
	return nil
}

// classify sets Type, Storage and Nullable from the Go type alone.
func classify(f *Field, t reflect.Type) {
	if t == timeType {
		f.Type, f.Storage = TypeTime, StorePlain
		return
	}
	if t.Implements(valuerType) || reflect.PointerTo(t).Implements(valuerType) {
		if reflect.PointerTo(t).Implements(scannerType) {
			f.Storage = StoreValuer
			if inner, ok := nullInner(t); ok {
				f.Nullable = true
				f.Type = plainType(inner)
				return
			}
			if kind, ok := declaredKind(t); ok {
				f.kind = kind
				return
			}
			f.Type = plainType(t)
			if f.Type == TypeInvalid && t.Implements(textMarshalerType) {
				f.Type = TypeString // a type with a text form stores its text
			}
			// Otherwise TypeInvalid: parseField asks for a declared kind.
			return
		}
	}
	if t.Kind() == reflect.Pointer {
		inner := t.Elem()
		if inner == timeType || plainType(inner) != TypeInvalid && inner.Kind() != reflect.Slice {
			f.Storage, f.Nullable = StorePointer, true
			if inner == timeType {
				f.Type = TypeTime
			} else {
				f.Type = plainType(inner)
			}
			return
		}
		f.Storage, f.Type, f.Nullable = StoreJSON, TypeJSON, true
		return
	}
	if t == bytesType || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		// A nil slice is NULL, as for the JSON-stored slices below.
		f.Storage, f.Type, f.Nullable = StorePlain, TypeBytes, true
		return
	}
	if pt := plainType(t); pt != TypeInvalid {
		f.Storage, f.Type = StorePlain, pt
		return
	}
	if t.Kind() == reflect.Array && t.Implements(textMarshalerType) && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		f.Storage, f.Type = StoreText, TypeString
		return
	}
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Struct, reflect.Array, reflect.Interface:
		f.Storage, f.Type = StoreJSON, TypeJSON
		f.Nullable = t.Kind() != reflect.Struct && t.Kind() != reflect.Array
	}
}

// ColumnKinder is implemented by a custom value type (a driver.Valuer
// whose *T is an sql.Scanner) that declares the kind of column it is
// stored in, in portable terms every dialect maps to its own type:
// "bool", "int16", "int32", "int64", "float32", "float64",
// "decimal(P,S)", "string", "varchar(N)", "bytes", "time" or "json".
// Its Value must return what that kind holds (an int64 for the integer
// kinds, a string or []byte for decimal, string and json, ...). The
// method is called on the zero value (or a pointer to it) at Open.
//
// Without it, a Valuer whose Go kind names no column type (a struct, say)
// is refused at Open, unless its field has a `type=` tag.
type ColumnKinder interface {
	ColumnKind() string
}

var columnKinderType = reflect.TypeFor[ColumnKinder]()

// declaredKind returns the kind t declares through ColumnKinder.
func declaredKind(t reflect.Type) (*string, bool) {
	var k string
	switch {
	case t.Implements(columnKinderType):
		k = reflect.Zero(t).Interface().(ColumnKinder).ColumnKind()
	case reflect.PointerTo(t).Implements(columnKinderType):
		k = reflect.New(t).Interface().(ColumnKinder).ColumnKind()
	default:
		return nil, false
	}
	return &k, true
}

// applyKind sets f's column type from a declared kind.
func applyKind(f *Field, kind string) error {
	k := strings.ToLower(strings.TrimSpace(kind))
	name, args, hasArgs := strings.Cut(k, "(")
	if hasArgs {
		if !strings.HasSuffix(args, ")") {
			return fmt.Errorf("unbalanced parentheses")
		}
		args = strings.TrimSuffix(args, ")")
	}
	simple := map[string]Type{"bool": TypeBool, "int16": TypeInt16, "int32": TypeInt32, "int64": TypeInt64,
		"float32": TypeFloat32, "float64": TypeFloat64, "string": TypeString, "text": TypeString,
		"bytes": TypeBytes, "time": TypeTime, "json": TypeJSON}
	if t, ok := simple[name]; ok && !hasArgs {
		f.Type = t
		return nil
	}
	switch name {
	case "varchar":
		n, err := positive(args)
		if err != nil {
			return fmt.Errorf("varchar(N) needs a positive length")
		}
		f.Type = TypeString
		if f.Length == 0 {
			f.Length = n
		}
		return nil
	case "decimal", "numeric":
		ps, ss, ok := strings.Cut(args, ",")
		p, err1 := positive(strings.TrimSpace(ps))
		sc, err2 := strconv.Atoi(strings.TrimSpace(ss))
		if !ok || err1 != nil || err2 != nil || sc < 0 || sc > p {
			return fmt.Errorf("decimal(P,S) needs a precision and a scale (0 <= S <= P)")
		}
		f.Type = TypeDecimal
		if f.Precision == 0 {
			f.Precision, f.Scale = p, sc
		}
		return nil
	}
	return fmt.Errorf("unknown kind (bool, int16, int32, int64, float32, float64, decimal(P,S), string, varchar(N), bytes, time, json)")
}

// plainType maps a Go kind to a column type; TypeInvalid when it has none.
func plainType(t reflect.Type) Type {
	if t == timeType {
		return TypeTime
	}
	switch t.Kind() {
	case reflect.Bool:
		return TypeBool
	case reflect.Int8, reflect.Int16, reflect.Uint8:
		return TypeInt16
	case reflect.Int32, reflect.Uint16:
		return TypeInt32
	case reflect.Int, reflect.Int64, reflect.Uint32, reflect.Uint, reflect.Uint64:
		return TypeInt64
	case reflect.Float32:
		return TypeFloat32
	case reflect.Float64:
		return TypeFloat64
	case reflect.String:
		return TypeString
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return TypeBytes
		}
	}
	return TypeInvalid
}

// nullInner recognises sql.NullString and friends, and sql.Null[T]: a
// struct of a value and a Valid bool. It returns the value's type.
func nullInner(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != "database/sql" || t.NumField() != 2 {
		return nil, false
	}
	if t.Field(1).Name != "Valid" || t.Field(1).Type.Kind() != reflect.Bool {
		return nil, false
	}
	return t.Field(0).Type, true
}

var hookNames = []struct {
	name string
	h    Hooks
}{
	{"BeforeCreate", HookBeforeCreate}, {"AfterCreate", HookAfterCreate},
	{"BeforeUpdate", HookBeforeUpdate}, {"AfterUpdate", HookAfterUpdate},
	{"BeforeDelete", HookBeforeDelete}, {"AfterDelete", HookAfterDelete},
	{"OnLoad", HookOnLoad},
	{"BeforeUpsert", HookBeforeUpsert}, {"AfterUpsert", HookAfterUpsert},
}

// hooksOf finds the lifecycle methods func(ctx context.Context) error on
// *T. A method with a hook's name and another signature is an error, so
// that a typo never turns a hook off silently.
func hooksOf(t reflect.Type) (Hooks, error) {
	var h Hooks
	pt := reflect.PointerTo(t)
	for _, hn := range hookNames {
		m, ok := pt.MethodByName(hn.name)
		if !ok {
			continue
		}
		mt := m.Type // includes the receiver
		if mt.NumIn() != 2 || mt.In(1) != ctxType || mt.NumOut() != 1 || mt.Out(0) != errType {
			return 0, fieldErr(t.Name(), hn.name, "a lifecycle hook must have the signature func(ctx context.Context) error, not %s", mt)
		}
		h |= hn.h
	}
	return h, nil
}

// parseGroups reads the serialization groups of groups=a|b: names of
// letters, digits, '_', '-', '.' and ':', each once.
func parseGroups(v string) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("groups= needs group names (groups=public|admin)")
	}
	var out []string
	for _, g := range strings.Split(v, "|") {
		g = strings.TrimSpace(g)
		if g == "" {
			return nil, fmt.Errorf("an empty group name in %q", v)
		}
		for _, r := range g {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-.:", r) {
				return nil, fmt.Errorf("group name %q: use letters, digits, '_', '-', '.' and ':' (names are separated by |)", g)
			}
		}
		if slices.Contains(out, g) {
			return nil, fmt.Errorf("group %q is listed twice", g)
		}
		out = append(out, g)
	}
	return out, nil
}
