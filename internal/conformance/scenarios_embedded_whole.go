package conformance

import (
	"strings"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// EmbeddablesAsAWhole checks filters on an embeddable as a whole: a
// nullable one compared with nil ($eq, $ne, $exists, the typed IsNull),
// an embeddable (nested ones too) compared with a struct value field by
// field ($eq, $ne, a pointer, nil fields inside), under $not and $or, in
// Find and Count; and operators that do not apply refused, naming the
// embeddable and listing its properties.
func EmbeddablesAsAWhole(t *testing.T, h *Harness) {
	g, _, _, _ := embedded(t, h)
	customers(t, h, g.Fork()) // Ann, Bob, Cid: Ship nil
	m := g.Fork()
	must(t, m.Persist(
		&Customer{Name: "Dan", Home: Address{City: "Oslo"}, Ship: &Address{Street: "7 Quay", City: "Tromsø", Zip: ptr("9008"), Geo: Geo{Lat: 69.6, Lng: 18.9}}},
		&Customer{Name: "Eve", Home: Address{City: "Oslo"}, Ship: &Address{City: "Tromsø"}},
		&Customer{Name: "Fay", Home: Address{City: "Oslo"}, Ship: &Address{}},
	))
	must(t, m.Flush(h.Ctx))

	names := func(f query.Filter) string {
		t.Helper()
		cs, err := em.Find[Customer](h.Ctx, g.Fork(), f, em.OrderBy("name"))
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	annHome := Address{Street: "1 Main St", City: "Oslo", Zip: ptr("0150"), Geo: Geo{Lat: 59.91, Lng: 10.75}}
	ship := func(c *Customer) **Address { return &c.Ship }
	for _, c := range []struct {
		name string
		f    query.Filter
		want string
	}{
		{"nil", query.Eq("ship", nil), "Ann Bob Cid"},
		{"not nil", query.M{"ship": query.M{"$ne": nil}}, "Dan Eve Fay"},
		{"exists", query.Exists("ship", true), "Dan Eve Fay"},
		{"not exists", query.Exists("ship", false), "Ann Bob Cid"},
		{"typed IsNull", query.FieldOf(ship).IsNull(), "Ann Bob Cid"},
		{"typed NotNull", query.FieldOf(ship).NotNull(), "Dan Eve Fay"},
		{"a zero value is not nil", query.Eq("ship", &Address{}), "Fay"},
		{"a value, nil inside", query.Eq("ship", Address{City: "Tromsø"}), "Eve"},
		{"a full value", query.Eq("ship", &Address{Street: "7 Quay", City: "Tromsø", Zip: ptr("9008"), Geo: Geo{Lat: 69.6, Lng: 18.9}}), "Dan"},
		{"not a value: nil ones too", query.Ne("ship", Address{City: "Tromsø"}), "Ann Bob Cid Dan Fay"},
		{"a struct embeddable", query.Eq("home", annHome), "Ann"},
		{"not it", query.Ne("home", annHome), "Bob Cid Dan Eve Fay"},
		{"a nested embeddable", query.Eq("work.geo", Geo{Lat: 60.39, Lng: 5.32}), "Ann"},
		{"nested in a map", query.M{"home": query.M{"geo": Geo{Lat: 60.39, Lng: 5.32}}}, "Bob"},
		{"typed", query.FieldOf(func(c *Customer) *Geo { return &c.Spot }).Eq(Geo{Lat: 1.5, Lng: -2.25}), "Ann"},
		{"under $not", query.Not(query.Eq("ship", nil)), "Dan Eve Fay"},
		{"in $or", query.Or(query.Eq("ship", Address{}), query.Eq("home.city", "Alta")), "Cid Fay"},
		{"with a field inside", query.And(query.Ne("ship", nil), query.Eq("ship.city", "Tromsø")), "Dan Eve"},
	} {
		if got := names(c.f); got != c.want {
			t.Errorf("%s: got [%s], want [%s]", c.name, got, c.want)
		}
	}
	n, err := em.Count[Customer](h.Ctx, g.Fork(), query.Eq("ship", nil))
	must(t, err)
	if n != 3 {
		t.Errorf("count ship = nil: %d, want 3", n)
	}
	for _, c := range []struct {
		f    query.Filter
		want string
	}{
		{query.Gt("home", annHome), "Customer.Home is an embeddable: $gt does not apply to it as a whole"},
		{query.In("ship", Address{}), "Customer.Ship is an embeddable: $in does not apply"},
		{query.Eq("home", nil), "Customer.Home is an embeddable: $eq nil: it is not nullable"},
		{query.Eq("home", Geo{}), "Customer.Home is an embeddable: $eq takes a conformance.Address"},
	} {
		_, err := em.Find[Customer](h.Ctx, g.Fork(), c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "home.street, home.city, home.zip, home.geo.lat, home.geo.lng") &&
			!strings.Contains(err.Error(), "ship.street, ship.city, ship.zip, ship.geo.lat, ship.geo.lng") {
			t.Errorf("%v: got %v, want an error containing %q and the embeddable's properties", c.f, err, c.want)
		}
	}
}
