package mongoem

import (
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro/meta"
)

// Validator settings gomikro applies with a $jsonSchema validator: every
// insert and update is checked, and a document that fails is refused.
const (
	validationLevel  = "strict"
	validationAction = "error"
)

// Server codes of a command the server does not run (FerretDB answers
// validators and collMod with NotImplemented).
var unsupportedCodes = []int32{
	238, // NotImplemented
	59,  // CommandNotFound
	115, // CommandNotSupported
}

// Validators returns the validator ({$jsonSchema: ...}) of each entity's
// collection, by collection name, as CreateSchema with WithValidators and
// UpdateSchema with UpdateOptions.Validators apply it. The schema
// requires _id and the fields gomikro always writes (non-nullable
// scalars, including those with defaults or generated values; not
// references, which a flush may set after the insert, nor m:n arrays),
// and gives each field the BSON types the codec writes for it ("null"
// added for nullable fields; int and long both accepted for integers).
// Fields whose encoding the metadata cannot tell (driver.Valuer types
// outside database/sql, JSON types with their own MarshalJSON or
// MarshalText) are listed without a type.
func (s *Schema) Validators() map[string]bson.D {
	out := map[string]bson.D{}
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		in := s.d.info[e]
		out[in.coll] = bson.D{{Key: "$jsonSchema", Value: jsonSchema(in)}}
	}
	return out
}

// jsonSchema builds the $jsonSchema of in's collection.
func jsonSchema(in *entInfo) bson.D {
	var props bson.D
	required := bson.A{idField}
	if len(in.e.PK) > 1 {
		var idProps bson.D
		idReq := bson.A{}
		for _, f := range in.e.PK {
			idProps = append(idProps, bson.E{Key: f.Column, Value: fieldSchema(f)})
			idReq = append(idReq, f.Column)
		}
		props = append(props, bson.E{Key: idField, Value: bson.D{
			{Key: "bsonType", Value: "object"},
			{Key: "required", Value: idReq},
			{Key: "properties", Value: idProps},
		}})
	}
	var subs *subSchema
	for _, f := range in.e.Columns {
		if f.PK && len(in.e.PK) > 1 {
			continue
		}
		if f.Embed != nil {
			if subs == nil {
				subs = &subSchema{}
			}
			subs.add(in.nested[f], f)
			continue
		}
		props = append(props, bson.E{Key: in.path[f], Value: fieldSchema(f)})
		if !f.PK && alwaysWritten(f) {
			required = append(required, in.path[f])
		}
	}
	for _, f := range in.arrays {
		arr := bson.D{{Key: "bsonType", Value: "array"}}
		if t := keyTypes(f.Rel.Target); t != nil {
			arr = append(arr, bson.E{Key: "items", Value: bson.D{{Key: "bsonType", Value: typeValue(t)}}})
		}
		props = append(props, bson.E{Key: in.path[f], Value: arr})
	}
	if subs != nil {
		for _, k := range subs.keys {
			sub := subs.sub[k]
			props = append(props, bson.E{Key: k, Value: sub.schema()})
			if len(sub.required) > 0 {
				required = append(required, k)
			}
		}
	}
	return bson.D{
		{Key: "bsonType", Value: "object"},
		{Key: "required", Value: required},
		{Key: "properties", Value: props},
	}
}

// subSchema gathers the $jsonSchema of an embeddable's sub-document.
type subSchema struct {
	props    bson.D
	required bson.A
	keys     []string // sub-documents in order of appearance
	sub      map[string]*subSchema
}

// add adds field f at the path keys below this sub-document.
func (s *subSchema) add(keys []string, f *meta.Field) {
	if len(keys) == 1 {
		s.props = append(s.props, bson.E{Key: keys[0], Value: fieldSchema(f)})
		if alwaysWritten(f) {
			s.required = append(s.required, keys[0])
		}
		return
	}
	if s.sub == nil {
		s.sub = map[string]*subSchema{}
	}
	c := s.sub[keys[0]]
	if c == nil {
		c = &subSchema{}
		s.sub[keys[0]] = c
		s.keys = append(s.keys, keys[0])
	}
	c.add(keys[1:], f)
}

// schema is the $jsonSchema of the sub-document: an object holding the
// embeddable's fields and its nested embeddables, those always written
// required.
func (s *subSchema) schema() bson.D {
	props := s.props
	required := s.required
	for _, k := range s.keys {
		c := s.sub[k]
		props = append(props, bson.E{Key: k, Value: c.schema()})
		if len(c.required) > 0 {
			required = append(required, k)
		}
	}
	d := bson.D{{Key: "bsonType", Value: "object"}}
	if len(required) > 0 {
		d = append(d, bson.E{Key: "required", Value: required})
	}
	return append(d, bson.E{Key: "properties", Value: props})
}

// alwaysWritten reports whether every document holds field f: a
// non-nullable value (a pointer tagged nullable=false included: nil is
// then refused as NULL is by a NOT NULL column). References are not (a flush
// inserts a document before a reference to a pending entity is set), nor
// are driver.Valuer types, whose Value may be nil.
func alwaysWritten(f *meta.Field) bool {
	if f.Nullable {
		return false
	}
	switch f.Storage {
	case meta.StorePlain, meta.StoreText, meta.StoreJSON:
		return f.GoType.Kind() != reflect.Slice && f.GoType.Kind() != reflect.Map && f.GoType.Kind() != reflect.Interface
	case meta.StorePointer:
		// `nullable=false` on a pointer (a defaulted field: nil takes the
		// default at insert): required, as the SQL column is NOT NULL.
		return true
	}
	return false
}

// fieldSchema is the $jsonSchema of one field.
func fieldSchema(f *meta.Field) bson.D {
	t := fieldTypes(f)
	if t == nil {
		return bson.D{}
	}
	if f.Nullable {
		t = append(t, "null")
	}
	d := bson.D{{Key: "bsonType", Value: typeValue(t)}}
	if f.Length > 0 && slices.Contains(t, "string") && f.Storage != meta.StoreRef {
		d = append(d, bson.E{Key: "maxLength", Value: int64(f.Length)})
	}
	return d
}

// typeValue is one bsonType as a string, several as an array.
func typeValue(t []string) any {
	if len(t) == 1 {
		return t[0]
	}
	a := make(bson.A, len(t))
	for i, s := range t {
		a[i] = s
	}
	return a
}

// keyTypes are the BSON types of the key of e (a reference to it, an
// item of an m:n array); nil for a composite key.
func keyTypes(e *meta.Entity) []string {
	if len(e.PK) != 1 {
		return nil
	}
	return fieldTypes(e.PK[0])
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	timeType          = reflect.TypeFor[time.Time]()
)

// fieldTypes are the BSON types the codec writes for a non-null value of
// f (see encodeGo); nil when the metadata cannot tell.
func fieldTypes(f *meta.Field) []string {
	switch f.Storage {
	case meta.StoreRef:
		return keyTypes(f.Rel.Target)
	case meta.StoreText:
		if f.GoType == objectIDType {
			return []string{"objectId"}
		}
		return []string{"string"}
	case meta.StoreJSON:
		t := f.GoType
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) ||
			t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
			return nil
		}
		switch t.Kind() {
		case reflect.Map, reflect.Struct:
			return []string{"object"}
		case reflect.Slice, reflect.Array:
			return []string{"array"}
		}
		return nil
	case meta.StoreValuer:
		// database/sql's Null types hand over the value of their logical
		// type; other Valuers choose theirs at run time.
		if f.GoType.PkgPath() != "database/sql" {
			return nil
		}
		return logicalTypes(f.Type)
	case meta.StorePlain, meta.StorePointer:
		if f.PK && f.Generated && f.GoType.Kind() == reflect.String && len(f.Entity.PK) == 1 {
			// An ObjectID, or the string given when it is no ObjectID's hex.
			return []string{"objectId", "string"}
		}
		t := f.GoType
		if f.Storage == meta.StorePointer {
			t = t.Elem()
		}
		if t == timeType {
			return []string{"date"}
		}
		switch t.Kind() {
		case reflect.Bool:
			return []string{"bool"}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return []string{"int", "long"}
		case reflect.Float32, reflect.Float64:
			return []string{"double"}
		case reflect.String:
			return []string{"string"}
		case reflect.Slice:
			return []string{"binData"}
		}
	}
	return nil
}

// logicalTypes maps a logical column type to BSON types.
func logicalTypes(t meta.Type) []string {
	switch t {
	case meta.TypeBool:
		return []string{"bool"}
	case meta.TypeInt16, meta.TypeInt32, meta.TypeInt64:
		return []string{"int", "long"}
	case meta.TypeFloat32, meta.TypeFloat64:
		return []string{"double"}
	case meta.TypeString:
		return []string{"string"}
	case meta.TypeBytes:
		return []string{"binData"}
	case meta.TypeTime:
		return []string{"date"}
	}
	return nil
}

// collValidator is a collection's stored validator settings.
type collValidator struct {
	Name    string `bson:"name"`
	Options struct {
		Validator        bson.Raw `bson:"validator"`
		ValidationLevel  string   `bson:"validationLevel"`
		ValidationAction string   `bson:"validationAction"`
	} `bson:"options"`
}

// storedValidators reads the validators of the collections names.
func (s *Schema) storedValidators(ctx context.Context, names []string) (map[string]collValidator, error) {
	in := bson.A{}
	for _, n := range names {
		in = append(in, n)
	}
	cur, err := s.d.db.ListCollections(ctx, bson.D{{Key: "name", Value: bson.D{{Key: "$in", Value: in}}}})
	if err != nil {
		return nil, fmt.Errorf("gomikro: schema: list collections: %w", err)
	}
	var specs []collValidator
	if err := cur.All(ctx, &specs); err != nil {
		return nil, fmt.Errorf("gomikro: schema: list collections: %w", err)
	}
	out := map[string]collValidator{}
	for _, sp := range specs {
		out[sp.Name] = sp
	}
	return out, nil
}

// sameValidator reports whether the stored validator is want, applied
// strictly with errors (compared as relaxed extended JSON, so that the
// server's choice of integer width does not matter).
func sameValidator(stored collValidator, want bson.D) bool {
	if stored.Options.ValidationLevel != validationLevel && stored.Options.ValidationLevel != "" ||
		stored.Options.ValidationAction != validationAction && stored.Options.ValidationAction != "" {
		return false
	}
	if len(stored.Options.Validator) == 0 {
		return false
	}
	a, err1 := bson.MarshalExtJSON(stored.Options.Validator, false, false)
	b, err2 := bson.MarshalExtJSON(want, false, false)
	return err1 == nil && err2 == nil && string(a) == string(b)
}

// refused wraps err of a validator command on coll: a server that does
// not run it (FerretDB) makes it match errors.ErrUnsupported.
func refused(what, coll string, err error) error {
	var ce mongo.CommandError
	if errors.As(err, &ce) && slices.Contains(unsupportedCodes, ce.Code) {
		return fmt.Errorf("gomikro: schema: %s on %s: the server does not support validators (%w): %w", what, coll, errors.ErrUnsupported, err)
	}
	return fmt.Errorf("gomikro: schema: %s on %s: %w", what, coll, err)
}

// syncValidators sets the validator of each entity's collection that
// lacks it or holds another (set), or removes the validators of the
// entities' collections (drop, when not set). It returns the collections
// changed and those whose validator was removed.
func (s *Schema) syncValidators(ctx context.Context, set, drop bool) (changed, dropped []string, err error) {
	if !set && !drop {
		return nil, nil, nil
	}
	want := s.Validators()
	var names []string
	for _, e := range s.d.reg.Entities() {
		if e.Virtual {
			continue // no collection of its own (see VirtualPipeline)
		}
		names = append(names, s.d.info[e].coll)
	}
	stored, err := s.storedValidators(ctx, names)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range names {
		st := stored[c]
		var cmd bson.D
		switch {
		case set && !sameValidator(st, want[c]):
			cmd = bson.D{{Key: "collMod", Value: c}, {Key: "validator", Value: want[c]},
				{Key: "validationLevel", Value: validationLevel}, {Key: "validationAction", Value: validationAction}}
		case !set && len(st.Options.Validator) > 0 && !emptyDoc(st.Options.Validator):
			cmd = bson.D{{Key: "collMod", Value: c}, {Key: "validator", Value: bson.D{}}}
		default:
			continue
		}
		start := time.Now()
		err := s.d.db.RunCommand(ctx, cmd).Err()
		s.d.log.log(ctx, "collMod", c, cmd, start, -1, err)
		if err != nil {
			return changed, dropped, refused("collMod validator", c, err)
		}
		if set {
			changed = append(changed, c)
		} else {
			dropped = append(dropped, c)
		}
	}
	return changed, dropped, nil
}

func emptyDoc(r bson.Raw) bool {
	el, err := r.Elements()
	return err == nil && len(el) == 0
}
