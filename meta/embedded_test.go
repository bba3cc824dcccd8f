package meta_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

type Geo struct {
	Lat, Lng float64
}

type PostAddress struct {
	Street string `orm:"length=80"`
	City   string `orm:"index"`
	Zip    *string
	Geo    Geo `orm:"embedded,prefix=pos_"`
}

type Stamp struct {
	At time.Time
}

type Customer struct {
	ID       int64 `orm:"pk"`
	Name     string
	Address  PostAddress   `orm:"embedded"`
	Billing  PostAddress   `orm:"embedded,prefix=bill_"`
	Bare     Geo           `orm:"embedded,prefix="`
	History  []PostAddress `orm:"embedded"`
	Settings Geo           // a named struct without the tag stays one JSON column
	Stamp                  // anonymous, untagged: flattened without prefix
}

func TestEmbeddedColumns(t *testing.T) {
	r, err := meta.NewRegistry(nil, Customer{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.Of(reflect.TypeFor[Customer]())
	var cols []string
	for _, f := range e.Columns {
		cols = append(cols, f.Name+"="+f.Column)
	}
	want := "ID=id Name=name Address.Street=address_street Address.City=address_city Address.Zip=address_zip " +
		"Address.Geo.Lat=address_pos_lat Address.Geo.Lng=address_pos_lng " +
		"Billing.Street=bill_street Billing.City=bill_city Billing.Zip=bill_zip Billing.Geo.Lat=bill_pos_lat Billing.Geo.Lng=bill_pos_lng " +
		"Bare.Lat=lat Bare.Lng=lng History=history Settings=settings At=at"
	if got := strings.Join(cols, " "); got != want {
		t.Fatalf("columns:\n got %s\nwant %s", got, want)
	}

	f, ok := e.Field("address.city")
	if !ok || f.Name != "Address.City" || !f.Indexed || f.Embed == nil || f.Embed.Path != "Address" {
		t.Fatalf("address.city: %+v %v", f, ok)
	}
	if f.String() != "Customer.Address.City" {
		t.Fatalf("String: %s", f)
	}
	if f, _ := e.Field("Address.Street"); f.Length != 80 || f.Type != meta.TypeString || f.Nullable {
		t.Fatalf("Address.Street: %+v", f)
	}
	if f, _ := e.Field("address.zip"); !f.Nullable || f.Storage != meta.StorePointer {
		t.Fatalf("Address.Zip: %+v", f)
	}
	lat, ok := e.Field("address.geo.lat")
	if !ok || lat.DocPath() != "address.geo.lat" || lat.Embed.Path != "Address.Geo" || lat.Embed.Parent.Path != "Address" {
		t.Fatalf("address.geo.lat: %+v", lat)
	}
	if f, _ := e.Field("bill_city"); f.Name != "Billing.City" || f.DocPath() != "billing.city" {
		t.Fatalf("by column bill_city: %+v", f)
	}
	if f, _ := e.Field("bare.lat"); f.Column != "lat" || f.DocPath() != "bare.lat" {
		t.Fatalf("bare.lat: %+v", f)
	}
	if f, _ := e.Field("history"); f.Storage != meta.StoreJSON || f.Embed != nil {
		t.Fatalf("history: %+v", f)
	}
	if f, _ := e.Field("settings"); f.Storage != meta.StoreJSON {
		t.Fatalf("settings: %+v", f)
	}

	// The offsets reach the values.
	c := &Customer{Address: PostAddress{City: "Oslo", Geo: Geo{Lat: 59.9}}}
	city, _ := e.Field("address.city")
	if got := *(*string)(city.Ptr(unsafe.Pointer(c))); got != "Oslo" {
		t.Fatalf("address.city at its offset: %q", got)
	}
	if got := *(*float64)(lat.Ptr(unsafe.Pointer(c))); got != 59.9 {
		t.Fatalf("address.geo.lat at its offset: %v", got)
	}

	var paths []string
	for _, m := range e.Embeddeds {
		paths = append(paths, m.Path+"="+m.Prefix+"|"+m.DocPath)
	}
	if got := strings.Join(paths, " "); got != "Address=address_|address Address.Geo=address_pos_|address.geo Billing=bill_|billing Billing.Geo=bill_pos_|billing.geo Bare=|bare" {
		t.Fatalf("embeddeds: %s", got)
	}
	if m, ok := e.Embedded("address.GEO"); !ok || len(m.Fields) != 2 || m.String() != "Customer.Address.Geo" {
		t.Fatalf("Embedded(address.GEO): %+v", m)
	}
	if _, ok := e.Embedded("history"); ok {
		t.Fatal("an array of embeddables is a column, not an Embedded")
	}
}

type embBadRel struct {
	ID int64 `orm:"pk"`
	In struct {
		Owner ref.Ref[Customer]
	} `orm:"embedded"`
}

type embBadPK struct {
	ID int64 `orm:"pk"`
	In struct {
		Key int64 `orm:"pk"`
	} `orm:"embedded"`
}

type embBadPtr struct {
	ID int64 `orm:"pk"`
	A  *struct {
		Tags []string
	} `orm:"embedded"`
}

type embBadPtrDefault struct {
	ID int64 `orm:"pk"`
	A  *struct {
		N *int `orm:"default=3"`
	} `orm:"embedded"`
}

type embBadType struct {
	ID int64  `orm:"pk"`
	A  string `orm:"embedded"`
}

type embBadTime struct {
	ID int64     `orm:"pk"`
	A  time.Time `orm:"embedded"`
}

type embBadPrefix struct {
	ID int64  `orm:"pk"`
	A  string `orm:"prefix=x_"`
}

type embBadArrayPrefix struct {
	ID int64         `orm:"pk"`
	A  []PostAddress `orm:"embedded,prefix=x_"`
}

type embBadOther struct {
	ID int64       `orm:"pk"`
	A  PostAddress `orm:"embedded,nullable"`
}

type embEmpty struct {
	ID int64 `orm:"pk"`
	A  struct {
		x int
	} `orm:"embedded"`
}

type embClash struct {
	ID         int64 `orm:"pk"`
	AddressZip string
	Address    PostAddress `orm:"embedded"`
}

type embBadLeaf struct {
	ID int64 `orm:"pk"`
	A  struct {
		N int `orm:"length=3"`
	} `orm:"embedded"`
}

type embBadVersion struct {
	ID int64 `orm:"pk"`
	A  struct {
		V int `orm:"version"`
	} `orm:"embedded"`
}

func TestEmbeddedErrors(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{embBadRel{}, "embBadRel.In.Owner: an embeddable cannot hold a relation"},
		{embBadPK{}, "embBadPK.In.Key: a primary key cannot be inside an embeddable"},
		{embBadVersion{}, "embBadVersion.A.V: a version field cannot be inside an embeddable"},
		{embBadPtr{}, "embBadPtr.A.Tags: a nullable embeddable holds plain, pointer and driver.Valuer fields, not []string"},
		{embBadPtrDefault{}, "embBadPtrDefault.A.N: default= does not apply inside a nullable embeddable"},
		{embBadType{}, "embBadType.A: embedded needs a struct of persistent fields or a slice of them, not string"},
		{embBadTime{}, "embBadTime.A: embedded needs a struct"},
		{embBadPrefix{}, "embBadPrefix.A: prefix= applies only to fields tagged embedded"},
		{embBadArrayPrefix{}, "embBadArrayPrefix.A: prefix= applies to an embedded struct"},
		{embBadOther{}, `embBadOther.A: tag "nullable" does not apply to an embedded struct`},
		{embEmpty{}, "embEmpty.A: the embeddable struct { x int } has no persistent fields"},
		{embClash{}, `embClash.Address.Zip: column "address_zip" is also used by AddressZip`},
		{embBadLeaf{}, "embBadLeaf.A.N: length= applies to strings and bytes"},
	} {
		_, err := meta.NewRegistry(nil, c.v)
		var me *meta.Error
		if !errors.As(err, &me) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: got %v, want a *meta.Error containing %q", c.v, err, c.want)
		}
	}
}

type Mood string

func (Mood) Values() []Mood { return []Mood{"happy", "sad"} }

type Level uint8

func (Level) Values() []Level { return []Level{1, 2, 5} }

type badValues string

func (badValues) Values() []string { return nil }

type emptyValues string

func (emptyValues) Values() []emptyValues { return nil }

type dupValues int

func (dupValues) Values() []dupValues { return []dupValues{1, 1} }

type ptrValues string

func (*ptrValues) Values() []ptrValues { return nil }

type longValues string

func (longValues) Values() []longValues { return []longValues{"toolong"} }

type enumOK struct {
	ID    int64 `orm:"pk"`
	Mood  Mood
	Maybe *Mood
	Level Level
	Plain string
}

type enumBadSig struct {
	ID int64 `orm:"pk"`
	V  badValues
}
type enumEmpty struct {
	ID int64 `orm:"pk"`
	V  emptyValues
}
type enumDup struct {
	ID int64 `orm:"pk"`
	V  dupValues
}
type enumPtr struct {
	ID int64 `orm:"pk"`
	V  ptrValues
}
type enumLong struct {
	ID int64      `orm:"pk"`
	V  longValues `orm:"length=3"`
}

func TestEnums(t *testing.T) {
	r, err := meta.NewRegistry(nil, enumOK{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.Of(reflect.TypeFor[enumOK]())
	mood, _ := e.Field("mood")
	maybe, _ := e.Field("maybe")
	level, _ := e.Field("level")
	plain, _ := e.Field("plain")
	if mood.Enum == nil || mood.Enum.Name != "mood" || !mood.Enum.IsString() || maybe.Enum == nil || maybe.Enum.Type != mood.Enum.Type || plain.Enum != nil {
		t.Fatalf("string enums: %+v %+v %+v", mood.Enum, maybe.Enum, plain.Enum)
	}
	if got := mood.Enum.String(); got != "mood('happy', 'sad')" {
		t.Errorf("Mood: %s", got)
	}
	if got := level.Enum.String(); got != "level(1, 2, 5)" || level.Enum.IsString() {
		t.Errorf("Level: %s", got)
	}
	for _, c := range []struct {
		f    *meta.Field
		v    any
		want bool
	}{
		{mood, Mood("happy"), true}, {mood, Mood("Happy"), false}, {mood, Mood(""), false},
		{level, Level(5), true}, {level, Level(3), false}, {level, Level(0), false},
	} {
		if got := c.f.Enum.Has(reflect.ValueOf(c.v)); got != c.want {
			t.Errorf("%s Has(%v) = %v", c.f, c.v, got)
		}
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{enumBadSig{}, "enumBadSig.V: badValues.Values declares an enum and must be func() []badValues"},
		{enumEmpty{}, "enumEmpty.V: emptyValues.Values returns no values"},
		{enumDup{}, "enumDup.V: dupValues.Values lists 1 twice"},
		{enumPtr{}, "enumPtr.V: ptrValues.Values has a pointer receiver"},
		{enumLong{}, `enumLong.V: longValues.Values: "toolong" is longer than length=3`},
	} {
		_, err := meta.NewRegistry(nil, c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: %v, want %q", c.v, err, c.want)
		}
	}
}

type ixNoIndex struct {
	ID int64  `orm:"pk"`
	A  string `orm:"where=a <> ''"`
}
type ixBoth struct {
	ID int64  `orm:"pk"`
	A  string `orm:"index,unique,expr=lower(a)"`
}
type ixEmpty struct {
	ID int64  `orm:"pk"`
	A  string `orm:"index,where="`
}
type ixConflict struct {
	ID int64  `orm:"pk"`
	A  string `orm:"index=ab,where=a <> ''"`
	B  string `orm:"index=ab,where=b <> ''"`
}
type ixOK struct {
	ID int64  `orm:"pk"`
	A  string `orm:"unique,where=a <> ''"`
	B  string `orm:"index,expr=lower(b)"`
}

func TestIndexOptions(t *testing.T) {
	r, err := meta.NewRegistry(nil, ixOK{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.Of(reflect.TypeFor[ixOK]())
	a, _ := e.Field("a")
	b, _ := e.Field("b")
	if a.IndexOpts == nil || a.IndexOpts.Where != "a <> ''" || b.IndexOpts == nil || b.IndexOpts.Expr != "lower(b)" || a.IndexOpts.Hash() == b.IndexOpts.Hash() {
		t.Fatalf("options: %+v %+v", a.IndexOpts, b.IndexOpts)
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{ixNoIndex{}, "ixNoIndex.A: where= and expr= qualify an index: add index or unique"},
		{ixBoth{}, "ixBoth.A: where= and expr= with both index and unique"},
		{ixEmpty{}, "ixEmpty.A: where= needs an SQL condition"},
		{ixConflict{}, "ixConflict.B: where=b <> '' differs from where=a <> '' of A in the same index"},
	} {
		_, err := meta.NewRegistry(nil, c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: %v, want %q", c.v, err, c.want)
		}
	}
}

type NullableHolder struct {
	ID    int64        `orm:"pk"`
	Ship  *PostAddress `orm:"embedded"`
	Inner PostWrap     `orm:"embedded"`
}

type PostWrap struct {
	Label string
	Geo   *Geo `orm:"embedded"`
}

func TestNullableEmbedded(t *testing.T) {
	r, err := meta.NewRegistry(nil, NullableHolder{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.Of(reflect.TypeFor[NullableHolder]())
	city, _ := e.Field("ship.city")
	lat, _ := e.Field("ship.geo.lat")
	label, _ := e.Field("inner.label")
	ilat, _ := e.Field("inner.geo.lat")
	if city.Storage != meta.StoreEmbedded || !city.Nullable || city.Inner == nil || city.Inner.Storage != meta.StorePlain || city.Column != "ship_city" {
		t.Fatalf("ship.city: %+v", city)
	}
	if label.Storage != meta.StorePlain || ilat.Storage != meta.StoreEmbedded || lat.Storage != meta.StoreEmbedded {
		t.Fatalf("storages: label %v, inner.geo.lat %v, ship.geo.lat %v", label.Storage, ilat.Storage, lat.Storage)
	}
	roots := e.NullableRoots()
	if len(roots) != 2 || roots[0].Path != "Ship" || roots[1].Path != "Inner.Geo" {
		t.Fatalf("roots: %v", roots)
	}
	h := &NullableHolder{}
	obj := unsafe.Pointer(h)
	if city.LeafAt(city.Ptr(obj), false) != nil || lat.LeafAt(lat.Ptr(obj), false) != nil {
		t.Fatal("a leaf of a nil embeddable")
	}
	if v := city.Value(obj); v.String() != "" || v.CanSet() && h.Ship != nil {
		t.Fatalf("Value of a nil embeddable: %v, ship %v", v, h.Ship)
	}
	*(*float64)(ilat.LeafAt(ilat.Ptr(obj), true)) = 1.5
	*(*string)(city.LeafAt(city.Ptr(obj), true)) = "Oslo"
	if h.Inner.Geo == nil || h.Inner.Geo.Lat != 1.5 || h.Ship == nil || h.Ship.City != "Oslo" {
		t.Fatalf("after LeafAt(alloc): %+v %+v", h.Inner.Geo, h.Ship)
	}
	// CloneAt copies deeply: a change through the object does not show.
	zip := "0150"
	h.Ship.Zip = &zip
	cp := *h
	roots[0].CloneAt(unsafe.Add(unsafe.Pointer(&cp), roots[0].Offset))
	h.Ship.City, *h.Ship.Zip = "Bergen", "5003"
	if cp.Ship == h.Ship || cp.Ship.City != "Oslo" || *cp.Ship.Zip != "0150" {
		t.Fatalf("CloneAt shares memory: %+v", cp.Ship)
	}
}
