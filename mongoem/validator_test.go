package mongoem

import (
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

type vAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

type vTag struct {
	ID   string `orm:"pk,autoincrement"` // a generated ObjectID
	Name string
}

type vPoint struct{ X, Y int }

// vRaw encodes itself: its JSON shape is its own business.
type vRaw struct{ s string }

func (r vRaw) MarshalJSON() ([]byte, error) { return json.Marshal(r.s) }

func (r *vRaw) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &r.s) }

type vEverything struct {
	ID       int64 `orm:"pk"`
	Flag     bool
	I        int
	I16      int16
	I32      int32
	U32      uint32
	F32      float32
	F64      float64
	Price    float64 `orm:"precision=10,scale=2"`
	Text     string
	Short    string `orm:"length=20"`
	Maybe    *string
	MaybeN   *int64
	Blob     []byte
	At       time.Time
	When     *time.Time
	Created  time.Time `orm:"default=now"`
	Status   *string   `orm:"nullable=false,default=new"`
	Version  int64     `orm:"version"`
	OID      bson.ObjectID
	NullStr  sql.NullString
	NullTime sql.NullTime
	NullInt  sql.NullInt64
	Props    map[string]any
	Point    vPoint
	PointP   *vPoint
	List     []string
	Raw      vRaw
	Author   ref.Ref[vAuthor]
	Editor   ref.Ref[vAuthor]     `orm:"nullable"`
	FirstTag ref.Ref[vTag]        `orm:"nullable"`
	Tags     ref.Collection[vTag] `orm:"m:n"`
}

type vPair struct {
	A string `orm:"pk"`
	B int64  `orm:"pk"`
	N string `orm:"nullable,length=5"`
}

// jsonSchema maps every Go type to the BSON types the codec writes for
// it, requires what is always written, and leaves open what the metadata
// cannot tell.
func TestJSONSchema(t *testing.T) {
	reg, err := meta.NewRegistry(meta.SnakeCase{}, vEverything{}, vAuthor{}, vTag{}, vPair{})
	if err != nil {
		t.Fatal(err)
	}
	schemaOf := func(v any) bson.D {
		e, ok := reg.ByName(v.(string))
		if !ok {
			t.Fatalf("no entity %s", v)
		}
		return jsonSchema(newEntInfo(e, reg.Naming()))
	}
	ext := func(v any) string {
		b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
		if err != nil {
			t.Fatal(err)
		}
		return string(b[len(`{"v":`) : len(b)-1])
	}
	lookup := func(d bson.D, key string) any {
		for _, e := range d {
			if e.Key == key {
				return e.Value
			}
		}
		return nil
	}

	s := schemaOf("vEverything")
	if got := lookup(s, "bsonType"); got != "object" {
		t.Errorf("bsonType %v, want object", got)
	}
	props := lookup(s, "properties").(bson.D)
	for _, tc := range []struct{ path, want string }{
		{"_id", `{"bsonType":["int","long"]}`},
		{"flag", `{"bsonType":"bool"}`},
		{"i", `{"bsonType":["int","long"]}`},
		{"i16", `{"bsonType":["int","long"]}`},
		{"i32", `{"bsonType":["int","long"]}`},
		{"u32", `{"bsonType":["int","long"]}`},
		{"f32", `{"bsonType":"double"}`},
		{"f64", `{"bsonType":"double"}`},
		{"price", `{"bsonType":"double"}`},
		{"text", `{"bsonType":"string"}`},
		{"short", `{"bsonType":"string","maxLength":20}`},
		{"maybe", `{"bsonType":["string","null"]}`},
		{"maybe_n", `{"bsonType":["int","long","null"]}`},
		{"blob", `{"bsonType":["binData","null"]}`},
		{"at", `{"bsonType":"date"}`},
		{"when", `{"bsonType":["date","null"]}`},
		{"created", `{"bsonType":"date"}`},
		{"status", `{"bsonType":"string"}`},
		{"version", `{"bsonType":["int","long"]}`},
		{"oid", `{"bsonType":"objectId"}`},
		{"null_str", `{"bsonType":["string","null"]}`},
		{"null_time", `{"bsonType":["date","null"]}`},
		{"null_int", `{"bsonType":["int","long","null"]}`},
		{"props", `{"bsonType":["object","null"]}`},
		{"point", `{"bsonType":"object"}`},
		{"point_p", `{"bsonType":["object","null"]}`},
		{"list", `{"bsonType":["array","null"]}`},
		{"raw", `{}`},
		{"author_id", `{"bsonType":["int","long"]}`},
		{"editor_id", `{"bsonType":["int","long","null"]}`},
		{"first_tag_id", `{"bsonType":["objectId","string","null"]}`},
		{"tags", `{"bsonType":"array","items":{"bsonType":["objectId","string"]}}`},
	} {
		v := lookup(props, tc.path)
		if v == nil {
			t.Errorf("%s: no property (properties %s)", tc.path, ext(props))
			continue
		}
		if got := ext(v); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.path, got, tc.want)
		}
	}
	// Required: _id and the non-nullable scalars gomikro always writes
	// (defaults and versions included); not nullable fields, references
	// (set after the insert when they point to a pending entity), nil-able
	// maps and slices, or m:n arrays.
	wantReq := `["_id","flag","i","i16","i32","u32","f32","f64","price","text","short","at","created","status","version","oid","point","raw"]`
	if got := ext(lookup(s, "required")); got != wantReq {
		t.Errorf("required %s,\nwant %s", got, wantReq)
	}

	// A composite key is an _id document with every part required.
	p := schemaOf("vPair")
	want := `{"bsonType":"object","required":["_id"],"properties":{"_id":{"bsonType":"object","required":["a","b"],"properties":{"a":{"bsonType":"string"},"b":{"bsonType":["int","long"]}}},"n":{"bsonType":["string","null"],"maxLength":5}}}`
	if got := ext(p); got != want {
		t.Errorf("composite key schema\n%s,\nwant %s", got, want)
	}
	// A generated string key is an ObjectID (or the string given).
	tag := schemaOf("vTag")
	if got := ext(lookup(lookup(tag, "properties").(bson.D), "_id")); got != `{"bsonType":["objectId","string"]}` {
		t.Errorf("generated string key: %s", got)
	}
}

// validationPath reads the field of a DocumentValidationFailure from the
// errInfo MongoDB 5.0+ sends: a property that did not match, or a missing
// required one.
func TestValidationPath(t *testing.T) {
	mk := func(js string) bson.Raw {
		var raw bson.Raw
		if err := bson.UnmarshalExtJSON([]byte(js), false, &raw); err != nil {
			t.Fatal(err)
		}
		return raw
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"index":0,"code":121,"errInfo":{"failingDocumentId":1,"details":{"operatorName":"$jsonSchema","schemaRulesNotSatisfied":[{"operatorName":"properties","propertiesNotSatisfied":[{"propertyName":"title","details":[{"operatorName":"maxLength","specifiedAs":{"maxLength":5},"reason":"specified string length was not satisfied","consideredValue":"too long"}]}]}]}},"errmsg":"Document failed validation"}`, "title"},
		{`{"index":0,"code":121,"errInfo":{"failingDocumentId":1,"details":{"operatorName":"$jsonSchema","schemaRulesNotSatisfied":[{"operatorName":"required","specifiedAs":{"required":["_id","slug"]},"missingProperties":["slug"]}]}},"errmsg":"Document failed validation"}`, "slug"},
		{`{"index":0,"code":121,"errmsg":"Document failed validation"}`, ""},
	} {
		if got := validationPath(mk(tc.doc)); got != tc.want {
			t.Errorf("validationPath = %q, want %q", got, tc.want)
		}
	}
}

type vGeo struct{ Lat, Lng float64 }

type vPlace struct {
	City string `orm:"length=40"`
	Zip  *string
	Geo  vGeo `orm:"embedded"`
}

type vVenue struct {
	ID    int64  `orm:"pk"`
	Place vPlace `orm:"embedded,prefix=p_"`
}

// An embeddable's $jsonSchema is a nested object, its always-written
// fields required.
func TestJSONSchemaEmbedded(t *testing.T) {
	reg, err := meta.NewRegistry(meta.SnakeCase{}, vVenue{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.ByName("vVenue")
	b, err := bson.MarshalExtJSON(jsonSchema(newEntInfo(e, reg.Naming())), false, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"bsonType":"object","required":["_id","place"],"properties":{"_id":{"bsonType":["int","long"]},` +
		`"place":{"bsonType":"object","required":["city","geo"],"properties":{"city":{"bsonType":"string","maxLength":40},"zip":{"bsonType":["string","null"]},` +
		`"geo":{"bsonType":"object","required":["lat","lng"],"properties":{"lat":{"bsonType":"double"},"lng":{"bsonType":"double"}}}}}}}`
	if string(b) != want {
		t.Errorf("jsonSchema:\n got %s\nwant %s", b, want)
	}
}
