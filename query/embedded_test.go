package query_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

type qGeo struct{ Lat, Lng float64 }

type qAddress struct {
	Street string
	City   string
	Geo    qGeo `orm:"embedded"`
}

type qShop struct {
	ID      int64 `orm:"pk"`
	Name    string
	Address qAddress   `orm:"embedded"`
	Old     []qAddress `orm:"embedded"`
	Ship    *qParcel   `orm:"embedded"`
}

type qParcel struct {
	Zip  *string
	Note string
	Geo  *qGeo `orm:"embedded"`
}

func shopEntity(t *testing.T) *meta.Entity {
	t.Helper()
	r, err := meta.NewRegistry(nil, qShop{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.ByName("qShop")
	return e
}

func TestResolveEmbedded(t *testing.T) {
	e := shopEntity(t)
	for _, c := range []struct {
		name string
		in   query.Filter
		want string
	}{
		{"dotted", query.Eq("address.city", "Oslo"), `qShop.Address.City $eq "Oslo"`},
		{"Go names", query.Eq("Address.City", "Oslo"), `qShop.Address.City $eq "Oslo"`},
		{"column name", query.Eq("address_city", "Oslo"), `qShop.Address.City $eq "Oslo"`},
		{"nested map", M{"address": M{"city": "Oslo", "street": M{"$like": "A%"}}}, `(qShop.Address.City $eq "Oslo" AND qShop.Address.Street $like "A%")`},
		{"nested embeddable", query.Gt("address.geo.lat", 50.0), `qShop.Address.Geo.Lat $gt 50`},
		{"nested map two levels", M{"address": M{"geo": M{"lng": M{"$lt": 10.0}}}}, `qShop.Address.Geo.Lng $lt 10`},
		{"logic inside", M{"address": M{"$or": []M{{"city": "A"}, {"geo.lat": 1.0}}}}, `(qShop.Address.City $eq "A" OR qShop.Address.Geo.Lat $eq 1)`},
		{"typed", query.FieldOf(func(s *qShop) *string { return &s.Address.City }).Eq("Oslo"), `qShop.Address.City $eq "Oslo"`},
		{"typed nested", query.FieldOf(func(s *qShop) *float64 { return &s.Address.Geo.Lng }).Gte(1.5), `qShop.Address.Geo.Lng $gte 1.5`},
	} {
		x, err := query.Resolve(e, c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := x.String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestResolveEmbeddedErrors(t *testing.T) {
	e := shopEntity(t)
	for _, c := range []struct {
		name    string
		in      query.Filter
		want    string
		unknown bool
	}{
		{"unknown inside", query.Eq("address.town", "x"), `qShop has no property "Address.town"`, true},
		{"unknown nested map", M{"address": M{"geo": M{"alt": 1}}}, `qShop has no property "Address.Geo.alt"`, true},
		{"the embeddable with a string", query.Eq("address", "x"), "qShop.Address is an embeddable: $eq takes a query_test.qAddress, a *query_test.qAddress or nil, not string; or compare its properties: address.street, address.city, address.geo.lat, address.geo.lng", false},
		{"nil on a struct", query.Eq("address", nil), "qShop.Address is an embeddable: $eq nil: it is not nullable", false},
		{"$gt", query.Gt("address", qAddress{}), "qShop.Address is an embeddable: $gt does not apply to it as a whole", false},
		{"$in", query.In("ship", qParcel{}), "qShop.Ship is an embeddable: $in does not apply to it as a whole (it compares with $eq and $ne: a query_test.qParcel value or nil, and $exists); or compare its properties: ship.zip, ship.note, ship.geo.lat, ship.geo.lng", false},
		{"$like nested", query.M{"ship.geo": query.M{"$like": "x"}}, "qShop.Ship.Geo is an embeddable: $like does not apply", false},
		{"the wrong struct", query.Eq("ship.geo", qAddress{}), "qShop.Ship.Geo is an embeddable: $eq takes a query_test.qGeo", false},
		{"a condition through it", query.RelCond{Path: "address"}, "qShop.Address is an embeddable: it is not a relation", false},
		{"type checked", query.Eq("address.city", 3), "qShop.Address.City", false},
		{"array of embeddables is one JSON column", query.Eq("old.city", "x"), "qShop.Old is a json column, not a relation", false},
	} {
		_, err := query.Resolve(e, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, query.ErrUnknownProperty) != c.unknown {
			t.Errorf("%s: got %v, want an error containing %q (unknown property: %v)", c.name, err, c.want, c.unknown)
		}
	}
}

func TestResolveEmbeddedAsAWhole(t *testing.T) {
	e := shopEntity(t)
	zip := "0150"
	for _, c := range []struct {
		name string
		in   query.Filter
		want string
	}{
		{"nil", query.Eq("ship", nil), `(qShop.Ship.Zip $eq null AND qShop.Ship.Note $eq null AND qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"not nil", M{"ship": M{"$ne": nil}}, `(qShop.Ship.Zip $ne null OR qShop.Ship.Note $ne null OR qShop.Ship.Geo.Lat $ne null OR qShop.Ship.Geo.Lng $ne null)`},
		{"exists", query.Exists("ship", true), `(qShop.Ship.Zip $ne null OR qShop.Ship.Note $ne null OR qShop.Ship.Geo.Lat $ne null OR qShop.Ship.Geo.Lng $ne null)`},
		{"nested nil", query.Eq("ship.geo", nil), `(qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"nested nil in a map", M{"ship": M{"geo": nil}}, `(qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"a value", query.Eq("address", qAddress{Street: "Main", City: "Oslo", Geo: qGeo{Lat: 1.5}}),
			`(qShop.Address.Street $eq "Main" AND qShop.Address.City $eq "Oslo" AND qShop.Address.Geo.Lat $eq 1.5 AND qShop.Address.Geo.Lng $eq 0)`},
		{"not a value", query.Ne("address.geo", qGeo{Lat: 1, Lng: 2}), `(qShop.Address.Geo.Lat $ne 1 OR qShop.Address.Geo.Lng $ne 2)`},
		{"a pointer, nil inside", query.Eq("ship", &qParcel{Zip: &zip, Note: "x"}),
			`(qShop.Ship.Zip $eq "0150" AND qShop.Ship.Note $eq "x" AND qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"a nil pointer", query.Eq("ship", (*qParcel)(nil)), `(qShop.Ship.Zip $eq null AND qShop.Ship.Note $eq null AND qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"typed", query.FieldOf(func(s *qShop) *qGeo { return &s.Address.Geo }).Eq(qGeo{Lat: 3, Lng: 4}), `(qShop.Address.Geo.Lat $eq 3 AND qShop.Address.Geo.Lng $eq 4)`},
		{"typed nullable", query.FieldOf(func(s *qShop) **qParcel { return &s.Ship }).IsNull(), `(qShop.Ship.Zip $eq null AND qShop.Ship.Note $eq null AND qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
		{"under $not", query.Not(query.Eq("ship", nil)), `NOT (qShop.Ship.Zip $eq null AND qShop.Ship.Note $eq null AND qShop.Ship.Geo.Lat $eq null AND qShop.Ship.Geo.Lng $eq null)`},
	} {
		x, err := query.Resolve(e, c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := x.String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
