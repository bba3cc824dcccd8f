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
		{"the embeddable itself", query.Eq("address", "x"), "qShop.Address is an embeddable: compare its properties (address.street)", false},
		{"type checked", query.Eq("address.city", 3), "qShop.Address.City", false},
		{"array of embeddables is one JSON column", query.Eq("old.city", "x"), "qShop.Old is a json column, not a relation", false},
	} {
		_, err := query.Resolve(e, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, query.ErrUnknownProperty) != c.unknown {
			t.Errorf("%s: got %v, want an error containing %q (unknown property: %v)", c.name, err, c.want, c.unknown)
		}
	}
}
