package mongoem

import (
	"database/sql"
	sqldriver "database/sql/driver"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
)

// idField is MongoDB's primary-key field.
const idField = "_id"

// entInfo is what the backend precomputes for one entity.
type entInfo struct {
	e *meta.Entity
	// coll is the collection name.
	coll string
	// path maps every column field to its document path: "_id" for a
	// single primary key, "_id.<column>" for a part of a composite one,
	// the column name otherwise; owning m:n collections map to the field
	// holding the array of target keys.
	path map[*meta.Field]string
	// arrays are the owning m:n collections.
	arrays []*meta.Field
	// nested maps the fields of embeddables to the keys of their path in
	// the document (["address", "city"]).
	nested map[*meta.Field][]string
	// nullable are the outermost nullable embeddables: nil until a
	// document sets one of their fields.
	nullable []*meta.Embedded
	// objectID: the single primary key is a generated string stored as
	// an ObjectID.
	objectID bool
	// lazyOut is the projection leaving the lazy fields out (nil when
	// there are none); virtual is the query of a virtual entity, or nil.
	lazyOut bson.D
	virtual *virtualInfo
}

func newEntInfo(e *meta.Entity, naming meta.NamingStrategy) *entInfo {
	in := &entInfo{e: e, coll: e.Table, path: map[*meta.Field]string{}}
	for _, f := range e.Columns {
		switch {
		case f.PK && len(e.PK) == 1:
			in.path[f] = idField
		case f.PK:
			in.path[f] = idField + "." + f.Column
		case f.Embed != nil:
			in.path[f] = f.DocPath()
			if in.nested == nil {
				in.nested = map[*meta.Field][]string{}
			}
			in.nested[f] = strings.Split(in.path[f], ".")
		default:
			in.path[f] = f.Column
		}
	}
	for _, f := range e.Collections {
		if f.Rel.Kind == meta.ManyToMany && f.Rel.Owner {
			in.path[f] = naming.ColumnName(f.Name)
			in.arrays = append(in.arrays, f)
		}
	}
	if len(e.PK) == 1 && e.PK[0].Generated && e.PK[0].GoType.Kind() == reflect.String {
		in.objectID = true
	}
	in.nullable = e.NullableRoots()
	return in
}

// objectIDType is stored natively by StoreText fields.
var objectIDType = reflect.TypeFor[bson.ObjectID]()

// isObjectIDKey reports whether f is a generated string key stored as an
// ObjectID.
func (d *driver) isObjectIDKey(f *meta.Field) bool {
	return f.PK && f.Generated && f.GoType.Kind() == reflect.String && len(f.Entity.PK) == 1
}

// encodeDoc encodes the entity at obj as a document: the given columns
// (nil fields left out), with the composite key folded into _id.
func (d *driver) encodeDoc(in *entInfo, obj unsafe.Pointer, cols []*meta.Field) (bson.D, error) {
	doc := make(bson.D, 0, len(cols)+1)
	var id bson.D
	for _, f := range cols {
		v, err := d.encodeField(f, obj)
		if err != nil {
			return nil, err
		}
		if f.PK && len(in.e.PK) > 1 {
			id = append(id, bson.E{Key: f.Column, Value: v})
			continue
		}
		if v == nil {
			continue
		}
		if f.Embed != nil {
			doc = setNested(doc, in.nested[f], v)
			continue
		}
		doc = append(doc, bson.E{Key: in.path[f], Value: v})
	}
	if id != nil {
		doc = append(bson.D{{Key: idField, Value: id}}, doc...)
	}
	return doc, nil
}

// setNested sets the value at the path keys of doc, making the
// sub-documents on the way: an embeddable's fields become one
// sub-document.
func setNested(doc bson.D, keys []string, v any) bson.D {
	if len(keys) == 1 {
		return append(doc, bson.E{Key: keys[0], Value: v})
	}
	for i := range doc {
		if sub, ok := doc[i].Value.(bson.D); ok && doc[i].Key == keys[0] {
			doc[i].Value = setNested(sub, keys[1:], v)
			return doc
		}
	}
	return append(doc, bson.E{Key: keys[0], Value: setNested(nil, keys[1:], v)})
}

// idOf returns the _id value of the entity at obj.
func (d *driver) idOf(in *entInfo, obj unsafe.Pointer) (any, error) {
	if len(in.e.PK) == 1 {
		return d.encodeField(in.e.PK[0], obj)
	}
	id := make(bson.D, 0, len(in.e.PK))
	for _, f := range in.e.PK {
		v, err := d.encodeField(f, obj)
		if err != nil {
			return nil, err
		}
		id = append(id, bson.E{Key: f.Column, Value: v})
	}
	return id, nil
}

// encodeField returns the BSON value of field f of the entity at obj;
// nil for NULL.
func (d *driver) encodeField(f *meta.Field, obj unsafe.Pointer) (any, error) {
	if f.Storage == meta.StoreRef {
		r := rel.RefAt(f.Ptr(obj))
		pk := f.Rel.Target.PK[0]
		if r.Ptr != nil {
			return d.encodeField(pk, r.Ptr)
		}
		if r.ID == nil || r.IsPending() {
			return nil, nil
		}
		return d.encodeKey(pk, r.ID)
	}
	if f.Storage == meta.StoreEmbedded {
		lp := f.LeafAt(f.Ptr(obj), false)
		if lp == nil {
			return nil, nil // the embeddable is nil
		}
		return d.encodeGo(f.Inner, reflect.NewAt(f.GoType, lp).Elem())
	}
	return d.encodeGo(f, f.Value(obj))
}

// encodeKey converts a primary-key value given by a caller (ref.FromID, a
// filter) to the BSON value stored for key field pk.
func (d *driver) encodeKey(pk *meta.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	if s, ok := v.(string); ok && pk.Storage == meta.StoreText {
		// The text form of the key, as an API hands it over.
		nv := reflect.New(pk.GoType)
		if err := pk.ParseText(nv.UnsafePointer(), s); err != nil {
			return nil, fmt.Errorf("gomikro: %w", err)
		}
		rv = nv.Elem()
	}
	if rv.Type() != pk.GoType {
		if !rv.Type().ConvertibleTo(pk.GoType) || (rv.Kind() == reflect.String) != (pk.GoType.Kind() == reflect.String) {
			return nil, fmt.Errorf("gomikro: %s: key %v (%T) does not fit %s", pk, v, v, pk.GoType)
		}
		rv = rv.Convert(pk.GoType)
	}
	return d.encodeGo(pk, rv)
}

// encodeGo converts the Go value v of field f to BSON.
func (d *driver) encodeGo(f *meta.Field, v reflect.Value) (any, error) {
	switch f.Storage {
	case meta.StorePointer:
		if v.IsNil() {
			return nil, nil
		}
		return plainValue(v.Elem())
	case meta.StoreValuer:
		val, ok := v.Interface().(sqldriver.Valuer)
		if !ok {
			val, ok = v.Addr().Interface().(sqldriver.Valuer)
		}
		if !ok {
			return nil, fmt.Errorf("gomikro: %s: %s is no driver.Valuer", f, v.Type())
		}
		return valuerToBSON(f, val)
	case meta.StoreJSON:
		return jsonToBSON(f, v)
	case meta.StoreText:
		if v.Type() == objectIDType {
			return v.Interface(), nil // natively
		}
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, fmt.Errorf("gomikro: %s: %w", f, err)
		}
		return string(b), nil
	}
	if f.PK && d.isObjectIDKey(f) {
		s := v.String()
		if id, err := bson.ObjectIDFromHex(s); err == nil {
			return id, nil
		}
		return s, nil
	}
	return plainValue(v)
}

// valuerToBSON stores the value of a driver.Valuer of field f: times as
// BSON dates, the rest as the driver value it gives.
func valuerToBSON(f *meta.Field, val sqldriver.Valuer) (any, error) {
	x, err := val.Value()
	if err != nil {
		return nil, fmt.Errorf("gomikro: %s: %w", f, err)
	}
	if t, ok := x.(time.Time); ok {
		return bson.NewDateTimeFromTime(t), nil
	}
	return x, nil
}

// plainValue converts a value of a plain column type to BSON.
func plainValue(v reflect.Value) (any, error) {
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := v.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("gomikro: %d does not fit a 64-bit signed integer", u)
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		return bson.Binary{Data: v.Bytes()}, nil
	}
	if t, ok := v.Interface().(time.Time); ok {
		return bson.NewDateTimeFromTime(t), nil
	}
	return nil, fmt.Errorf("gomikro: cannot store %s", v.Type())
}

// jsonToBSON stores a JSON-typed field as a sub-document (or array, or
// scalar): the value goes through encoding/json, so json tags and
// MarshalJSON apply as on SQL backends, and the result is real BSON that
// filters and aggregations can reach into.
func jsonToBSON(f *meta.Field, v reflect.Value) (any, error) {
	if (v.Kind() == reflect.Map || v.Kind() == reflect.Slice || v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return nil, nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, valcheck.Refuse(f, "encode JSON: %w", err)
	}
	return jsonBytesToBSON(f, b)
}

func jsonBytesToBSON(f *meta.Field, b []byte) (any, error) {
	wrapped := make([]byte, 0, len(b)+6)
	wrapped = append(wrapped, `{"v":`...)
	wrapped = append(wrapped, b...)
	wrapped = append(wrapped, '}')
	var doc bson.Raw
	if err := bson.UnmarshalExtJSON(wrapped, false, &doc); err != nil {
		return nil, fmt.Errorf("gomikro: %s: %w", f, err)
	}
	return doc.Lookup("v"), nil
}

// decodeDoc fills the entity at obj from the document raw. References
// point to the objects sink gives for their keys.
func (d *driver) decodeDoc(in *entInfo, raw bson.Raw, obj unsafe.Pointer, sink em.Sink, keys refKeys) error {
	for _, m := range in.nullable {
		m.ClearAt(obj)
	}
	for _, f := range in.e.Columns {
		var rv bson.RawValue
		var err error
		if p := in.path[f]; len(in.e.PK) > 1 && f.PK {
			rv, err = raw.LookupErr(idField, f.Column)
		} else if f.Embed != nil {
			rv, err = raw.LookupErr(in.nested[f]...)
		} else {
			rv, err = raw.LookupErr(p)
		}
		if err != nil {
			continue // a missing field is NULL
		}
		if err := d.decodeField(f, rv, obj, sink, keys); err != nil {
			return fmt.Errorf("gomikro: %s: %w", f, err)
		}
	}
	return nil
}

func isNull(rv bson.RawValue) bool {
	return rv.Type == bson.TypeNull || rv.Type == bson.TypeUndefined || rv.Type == 0
}

// decodeField stores rv into field f of the entity at obj.
// refKeys holds one reusable key value per referenced entity for the
// documents of one cursor: em.Sink.Ref copies the key it is given, so
// one value serves every row.
type refKeys map[*meta.Entity]reflect.Value

// of returns the zeroed scratch key of pk's entity.
func (k refKeys) of(pk *meta.Field) reflect.Value {
	v, ok := k[pk.Entity]
	if !ok {
		v = reflect.New(pk.GoType)
		k[pk.Entity] = v
	}
	v.Elem().SetZero()
	return v
}

func (d *driver) decodeField(f *meta.Field, rv bson.RawValue, obj unsafe.Pointer, sink em.Sink, keys refKeys) error {
	if f.Storage == meta.StoreRef {
		r := rel.RefAt(f.Ptr(obj))
		if isNull(rv) {
			r.Ptr, r.ID = nil, nil
			return nil
		}
		pk := f.Rel.Target.PK[0]
		key := keys.of(pk)
		if err := d.decodeGo(pk, rv, key.Elem()); err != nil {
			return err
		}
		r.Ptr, r.ID = sink.Ref(f.Rel.Target, key.UnsafePointer()), nil
		return nil
	}
	if f.Storage == meta.StoreEmbedded {
		if isNull(rv) {
			return nil // the embeddable stays nil unless another field is set
		}
		lp := f.LeafAt(f.Ptr(obj), true)
		return d.decodeGo(f.Inner, rv, reflect.NewAt(f.GoType, lp).Elem())
	}
	return d.decodeGo(f, rv, f.Value(obj))
}

// decodeGo stores rv into dst, the Go value of field f.
func (d *driver) decodeGo(f *meta.Field, rv bson.RawValue, dst reflect.Value) error {
	switch f.Storage {
	case meta.StorePointer:
		if isNull(rv) {
			dst.SetZero()
			return nil
		}
		nv := reflect.New(dst.Type().Elem())
		if err := plainDecode(rv, nv.Elem()); err != nil {
			return err
		}
		dst.Set(nv)
		return nil
	case meta.StoreValuer:
		sc, ok := dst.Addr().Interface().(sql.Scanner)
		if !ok {
			return fmt.Errorf("%s is no sql.Scanner", dst.Type())
		}
		return sc.Scan(scanValue(rv))
	case meta.StoreText:
		switch {
		case isNull(rv):
			dst.SetZero()
			return nil
		case rv.Type == bson.TypeObjectID && dst.Type() == objectIDType:
			dst.Set(reflect.ValueOf(rv.ObjectID()))
			return nil
		case rv.Type == bson.TypeObjectID:
			return f.ParseText(dst.Addr().UnsafePointer(), rv.ObjectID().Hex())
		case rv.Type == bson.TypeString:
			return f.ParseText(dst.Addr().UnsafePointer(), rv.StringValue())
		}
		return fmt.Errorf("gomikro: %s: cannot read BSON %s as %s", f, rv.Type, dst.Type())
	case meta.StoreJSON:
		if isNull(rv) {
			dst.SetZero()
			return nil
		}
		b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: rv}}, false, false)
		if err != nil {
			return err
		}
		var w struct{ V json.RawMessage }
		if err := json.Unmarshal(b, &w); err != nil {
			return err
		}
		nv := reflect.New(dst.Type())
		if err := json.Unmarshal(w.V, nv.Interface()); err != nil {
			return err
		}
		dst.Set(nv.Elem())
		return nil
	}
	if isNull(rv) {
		dst.SetZero()
		return nil
	}
	if rv.Type == bson.TypeObjectID && dst.Kind() == reflect.String {
		dst.SetString(rv.ObjectID().Hex())
		return nil
	}
	return plainDecode(rv, dst)
}

// plainDecode stores a BSON scalar into a plain Go value.
func plainDecode(rv bson.RawValue, dst reflect.Value) error {
	if dst.Type() == reflect.TypeFor[time.Time]() {
		if rv.Type != bson.TypeDateTime {
			return fmt.Errorf("cannot read BSON %s into time.Time", rv.Type)
		}
		dst.Set(reflect.ValueOf(rv.Time().UTC()))
		return nil
	}
	switch dst.Kind() {
	case reflect.Bool:
		b, ok := rv.BooleanOK()
		if !ok {
			return fmt.Errorf("cannot read BSON %s into bool", rv.Type)
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := rv.AsInt64OK()
		if !ok {
			return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
		}
		if dst.OverflowInt(n) {
			return fmt.Errorf("%d overflows %s", n, dst.Type())
		}
		dst.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := rv.AsInt64OK()
		if !ok || n < 0 || dst.OverflowUint(uint64(n)) {
			return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
		}
		dst.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		x, ok := rv.AsFloat64OK()
		if !ok {
			return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
		}
		dst.SetFloat(x)
	case reflect.String:
		s, ok := rv.StringValueOK()
		if !ok {
			return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
		}
		dst.SetString(s)
	case reflect.Slice:
		_, b, ok := rv.BinaryOK()
		if !ok {
			return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
		}
		// An empty binary is an empty slice; only null is nil.
		nb := make([]byte, len(b))
		copy(nb, b)
		dst.SetBytes(nb)
	default:
		return fmt.Errorf("cannot read BSON %s into %s", rv.Type, dst.Type())
	}
	return nil
}

// scanValue converts rv to a driver.Value for sql.Scanner types.
func scanValue(rv bson.RawValue) any {
	switch rv.Type {
	case bson.TypeBoolean:
		return rv.Boolean()
	case bson.TypeInt32, bson.TypeInt64:
		return rv.AsInt64()
	case bson.TypeDouble:
		return rv.Double()
	case bson.TypeString:
		return rv.StringValue()
	case bson.TypeBinary:
		_, b := rv.Binary()
		return b
	case bson.TypeDateTime:
		return rv.Time().UTC()
	case bson.TypeDecimal128:
		return rv.Decimal128().String()
	case bson.TypeObjectID:
		return rv.ObjectID().Hex()
	}
	return nil
}

// limits returns what the server cannot store: FerretDB refuses
// infinities and drops the connection on a NaN.
func (d *driver) limits() valcheck.Limits {
	return valcheck.Limits{NoNaN: d.ferret, NoInf: d.ferret}
}

// check validates a value before it is written, as a SQL column would:
// strings over their length and numbers beyond their precision are
// ErrCheckViolation naming the field, and so are the values no backend
// stores (valcheck: unsigned integers above MaxInt64, times outside the
// years 1 to 9999, text that is not UTF-8) and those the server lim
// describes cannot hold.
func check(f *meta.Field, obj unsafe.Pointer, lim valcheck.Limits) error {
	if f.Storage == meta.StoreEmbedded {
		if lp := f.LeafAt(f.Ptr(obj), false); lp != nil {
			return check(f.Inner, lp, lim)
		}
		return nil
	}
	switch f.Storage {
	case meta.StorePlain, meta.StorePointer:
	case meta.StoreValuer:
		val, ok := f.Value(obj).Interface().(sqldriver.Valuer)
		if !ok {
			return nil
		}
		x, err := val.Value()
		if err != nil {
			return valcheck.Refuse(f, "%w", err)
		}
		return valcheck.CheckDriverValue(f, x, lim)
	default:
		return nil
	}
	v := f.Value(obj)
	if f.Storage == meta.StorePointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if f.Enum != nil {
		if err := valcheck.CheckEnum(f, v); err != nil {
			return err
		}
	}
	switch {
	case f.Type == meta.TypeString && f.Length > 0:
		if n := utf8.RuneCountInString(v.String()); n > f.Length {
			return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
				Err: fmt.Errorf("%s: value too long for length=%d (%d characters)", f, f.Length, n)}
		}
	case f.Type == meta.TypeDecimal && f.Precision > 0:
		limit := math.Pow10(f.Precision - f.Scale)
		if x := v.Float(); !(math.Abs(x) < limit) {
			return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: f.Entity.Name, Field: f.Name,
				Err: fmt.Errorf("%s: %v out of range for precision=%d, scale=%d", f, x, f.Precision, f.Scale)}
		}
	}
	return valcheck.Check(f, v, lim)
}
