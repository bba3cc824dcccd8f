package conformance

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var embeddables = []Scenario{
	scenario(EmbeddablesRoundTrip),
	scenario(EmbeddablesFilterAndOrder),
	scenario(EmbeddablesTrackChanges),
	scenario(NullableEmbeddables),
	scenario(EmbeddablesAsAWhole),
}

// Geo is an embeddable nested in Address.
type Geo struct {
	Lat, Lng float64
}

// Address is an embeddable value object.
type Address struct {
	Street string `orm:"length=80"`
	City   string `orm:"index"`
	Zip    *string
	Geo    Geo `orm:"embedded,prefix=geo_"`
}

// Customer holds embeddables: with the default prefix (home_), a
// configured one (office_), none (the Geo's columns lat and lng), an
// array of them (one JSON column on SQL, an array on MongoDB), and a
// nullable one (nil: every ship_ column NULL).
type Customer struct {
	ID     int64 `orm:"pk"`
	Name   string
	Home   Address   `orm:"embedded"`
	Work   Address   `orm:"embedded,prefix=office_"`
	Spot   Geo       `orm:"embedded,prefix="`
	Former []Address `orm:"embedded"`
	Ship   *Address  `orm:"embedded"`
}

// changes is a flush subscriber recording the changed fields of updates.
type changes struct {
	mu  sync.Mutex
	got [][]string
}

// OnFlush implements em.OnFlushSubscriber.
func (c *changes) OnFlush(ctx context.Context, ev *em.FlushEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range ev.ChangeSets {
		if cs.Kind == em.Updated {
			c.got = append(c.got, slices.Clone(cs.Changed))
		}
	}
	return nil
}

// take returns the changed fields recorded so far and forgets them.
func (c *changes) take() [][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.got
	c.got = nil
	return g
}

// embedded opens the embeddables' model with a counter of statements
// (n: all of them; data: those that read or write) and a change recorder.
func embedded(t *testing.T, h *Harness) (g *em.EntityManager, n, data *atomic.Int64, rec *changes) {
	t.Helper()
	n, data = &atomic.Int64{}, &atomic.Int64{}
	rec = &changes{}
	g = h.Open(gomikro.Config{
		Entities:    []any{Customer{}},
		Logger:      slog.New(counter{n, &atomic.Pointer[func()]{}, data}),
		Subscribers: []any{rec},
	})
	return g, n, data, rec
}

// customers persists three customers and returns them flushed.
func customers(t *testing.T, h *Harness, m *em.EntityManager) (ann, bob, cid *Customer) {
	t.Helper()
	ann = &Customer{Name: "Ann",
		Home:   Address{Street: "1 Main St", City: "Oslo", Zip: ptr("0150"), Geo: Geo{Lat: 59.91, Lng: 10.75}},
		Work:   Address{Street: "5 Dock Rd", City: "Bergen", Geo: Geo{Lat: 60.39, Lng: 5.32}},
		Spot:   Geo{Lat: 1.5, Lng: -2.25},
		Former: []Address{{Street: "Old Rd", City: "Tromsø"}, {City: "Bodø", Zip: ptr("8000")}},
	}
	bob = &Customer{Name: "Bob",
		Home: Address{Street: "2 High St", City: "Bergen", Geo: Geo{Lat: 60.39, Lng: 5.32}},
		Work: Address{City: "Oslo"},
	}
	cid = &Customer{Name: "Cid",
		Home: Address{Street: "3 Low St", City: "Alta", Geo: Geo{Lat: 69.97, Lng: 23.27}},
		Work: Address{City: "Bergen", Zip: ptr("5003")},
	}
	must(t, m.Persist(ann, bob, cid))
	must(t, m.Flush(h.Ctx))
	return ann, bob, cid
}

func sameAddress(a, b Address) bool {
	return a.Street == b.Street && a.City == b.City && a.Geo == b.Geo &&
		(a.Zip == nil) == (b.Zip == nil) && (a.Zip == nil || *a.Zip == *b.Zip)
}

func sameCustomer(a, b *Customer) bool {
	if (a.Ship == nil) != (b.Ship == nil) || a.Ship != nil && !sameAddress(*a.Ship, *b.Ship) {
		return false
	}
	if a.ID != b.ID || a.Name != b.Name || !sameAddress(a.Home, b.Home) || !sameAddress(a.Work, b.Work) || a.Spot != b.Spot || len(a.Former) != len(b.Former) {
		return false
	}
	for i := range a.Former {
		if !sameAddress(a.Former[i], b.Former[i]) {
			return false
		}
	}
	return true
}

// EmbeddablesRoundTrip checks that embeddables (prefixed, unprefixed,
// nested, nullable fields inside, arrays of them) are written and read
// back whole, and that an unchanged flush after loading sends nothing.
func EmbeddablesRoundTrip(t *testing.T, h *Harness) {
	g, n, _, _ := embedded(t, h)
	ann, bob, _ := customers(t, h, g.Fork())
	m := g.Fork()
	got, err := em.FindOneOrFail[Customer](h.Ctx, m, query.Eq("id", ann.ID))
	must(t, err)
	if !sameCustomer(got, ann) {
		t.Fatalf("read back %+v\nwant %+v", got, ann)
	}
	gb, err := em.FindOneOrFail[Customer](h.Ctx, m, query.Eq("id", bob.ID))
	must(t, err)
	if !sameCustomer(gb, bob) || gb.Home.Zip != nil || gb.Former != nil {
		t.Fatalf("read back %+v\nwant %+v", gb, bob)
	}
	before := n.Load()
	must(t, m.Flush(h.Ctx))
	if d := n.Load() - before; d != 0 {
		t.Fatalf("a flush with nothing changed sent %d statements", d)
	}
}

// EmbeddablesFilterAndOrder checks filters (dotted paths, nested maps,
// typed selectors, nested embeddables, nullable fields) and ordering
// through embeddables, in Find and Count.
func EmbeddablesFilterAndOrder(t *testing.T, h *Harness) {
	g, _, _, _ := embedded(t, h)
	customers(t, h, g.Fork())
	m := g.Fork()
	names := func(f query.Filter, opts ...em.FindOption) string {
		t.Helper()
		cs, err := em.Find[Customer](h.Ctx, m, f, opts...)
		must(t, err)
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		name string
		f    query.Filter
		want string
	}{
		{"dotted path", query.Eq("home.city", "Bergen"), "Bob"},
		{"other prefix", query.Eq("work.city", "Bergen"), "Ann Cid"},
		{"nested map", query.M{"work": query.M{"city": "Oslo"}}, "Bob"},
		{"nested embeddable", query.Gt("home.geo.lat", 60.0), "Bob Cid"},
		{"unprefixed embeddable", query.Lt("spot.lng", 0.0), "Ann"},
		{"nullable inside", query.M{"work.zip": query.M{"$ne": nil}}, "Cid"},
		{"null inside", query.Eq("home.zip", nil), "Bob Cid"},
		{"typed", query.FieldOf(func(c *Customer) *string { return &c.Home.Street }).Like("%High%"), "Bob"},
		{"mixed", query.Or(query.Eq("home.city", "Alta"), query.M{"work": query.M{"geo": query.M{"lng": query.M{"$gt": 5.0}}}}), "Ann Cid"},
		{"in", query.In("home.city", "Oslo", "Alta"), "Ann Cid"},
	} {
		if got := names(c.f, em.OrderBy("name")); got != c.want {
			t.Errorf("%s: got [%s], want [%s]", c.name, got, c.want)
		}
	}
	if got := names(nil, em.OrderBy("-home.geo.lat")); got != "Cid Bob Ann" {
		t.Errorf("ordered by -home.geo.lat: %s", got)
	}
	if got := names(nil, em.OrderBy("work.city", "-name")); got != "Cid Ann Bob" {
		t.Errorf("ordered by work.city, -name: %s", got)
	}
	cnt, err := em.Count[Customer](h.Ctx, m, query.Eq("work.city", "Bergen"))
	must(t, err)
	if cnt != 2 {
		t.Errorf("count work.city = Bergen: %d, want 2", cnt)
	}
	_, err = em.Find[Customer](h.Ctx, m, query.Eq("home.town", "Oslo"))
	if !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), "Customer") {
		t.Errorf("unknown property inside an embeddable: %v", err)
	}
	_, err = em.Find[Customer](h.Ctx, m, query.Eq("home", "Oslo")) // see EmbeddablesAsAWhole
	if err == nil || !strings.Contains(err.Error(), "Customer.Home is an embeddable") {
		t.Errorf("comparing an embeddable itself: %v", err)
	}
}

// EmbeddablesTrackChanges checks that a change inside an embeddable
// (nested ones included) is found by the flush and writes only that
// field, and that a replaced embeddable writes the fields that differ.
func EmbeddablesTrackChanges(t *testing.T, h *Harness) {
	g, n, data, rec := embedded(t, h)
	ann, _, _ := customers(t, h, g.Fork())
	m := g.Fork()
	a, err := em.FindOneOrFail[Customer](h.Ctx, m, query.Eq("id", ann.ID))
	must(t, err)
	// Another unit of work changes another field of the same embeddable.
	other := g.Fork()
	oa, err := em.FindOneOrFail[Customer](h.Ctx, other, query.Eq("id", ann.ID))
	must(t, err)
	oa.Home.Street = "9 Side St"
	must(t, other.Flush(h.Ctx))
	rec.take()

	a.Home.City = "Trondheim"
	a.Home.Geo.Lng = 10.4
	before := data.Load()
	must(t, m.Flush(h.Ctx))
	if d := data.Load() - before; d != 1 {
		t.Errorf("one changed entity: %d statements, want 1", d)
	}
	if got := rec.take(); len(got) != 1 || strings.Join(got[0], " ") != "Home.City Home.Geo.Lng" {
		t.Fatalf("changed fields: %v, want [[Home.City Home.Geo.Lng]]", got)
	}
	check, err := em.FindOneOrFail[Customer](h.Ctx, g.Fork(), query.Eq("id", ann.ID))
	must(t, err)
	if check.Home.City != "Trondheim" || check.Home.Geo.Lng != 10.4 || check.Home.Street != "9 Side St" || check.Home.Geo.Lat != 59.91 {
		t.Fatalf("after the update: %+v (the update wrote more than the changed fields, or lost one)", check.Home)
	}

	// A replaced embeddable, a nullable field set to nil, an array changed.
	a.Work = Address{Street: "5 Dock Rd", City: "Stavanger", Zip: ptr("4006"), Geo: Geo{Lat: 60.39, Lng: 5.32}}
	a.Home.Zip = nil
	a.Former = a.Former[:1]
	must(t, m.Flush(h.Ctx))
	got := rec.take()
	if len(got) != 1 || strings.Join(got[0], " ") != "Home.Zip Work.City Work.Zip Former" {
		t.Fatalf("changed fields: %v, want [[Home.Zip Work.City Work.Zip Former]]", got)
	}
	check, err = em.FindOneOrFail[Customer](h.Ctx, g.Fork(), query.Eq("id", ann.ID))
	must(t, err)
	want := *a
	want.Home.Street = "9 Side St" // written by the other unit of work
	if !sameCustomer(check, &want) {
		t.Fatalf("read back %+v\nwant %+v", check, &want)
	}
	before = n.Load()
	must(t, m.Flush(h.Ctx))
	if d := n.Load() - before; d != 0 {
		t.Fatalf("a second flush sent %d statements", d)
	}
}

// NullableEmbeddables checks a nullable embeddable (a pointer): nil is
// NULL in every column and reads back nil, a zero embeddable is not nil,
// filters reach its fields, and setting, changing inside and clearing it
// are tracked.
func NullableEmbeddables(t *testing.T, h *Harness) {
	g, n, _, rec := embedded(t, h)
	m := g.Fork()
	none := &Customer{Name: "None"}
	zero := &Customer{Name: "Zero", Ship: &Address{}}
	full := &Customer{Name: "Full", Ship: &Address{Street: "7 Quay", City: "Tromsø", Zip: ptr("9008"), Geo: Geo{Lat: 69.6, Lng: 18.9}}}
	must(t, m.Persist(none, zero, full))
	must(t, m.Flush(h.Ctx))

	read := func(c *Customer) *Customer {
		t.Helper()
		got, err := em.FindOneOrFail[Customer](h.Ctx, g.Fork(), query.Eq("id", c.ID))
		must(t, err)
		return got
	}
	for _, c := range []*Customer{none, zero, full} {
		if got := read(c); !sameCustomer(got, c) {
			t.Fatalf("%s read back with ship %+v, want %+v", c.Name, got.Ship, c.Ship)
		}
	}
	names := func(f query.Filter) string {
		t.Helper()
		cs, err := em.Find[Customer](h.Ctx, g.Fork(), f, em.OrderBy("name"))
		must(t, err)
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	if got := names(query.Eq("ship.city", "Tromsø")); got != "Full" {
		t.Errorf("ship.city = Tromsø: %s", got)
	}
	if got := names(query.Eq("ship.city", nil)); got != "None" {
		t.Errorf("ship.city is NULL: %s", got)
	}
	if got := names(query.Gt("ship.geo.lat", 1.0)); got != "Full" {
		t.Errorf("ship.geo.lat > 1: %s", got)
	}

	// Set, change inside, clear.
	m = g.Fork()
	gn, err := em.FindOneOrFail[Customer](h.Ctx, m, query.Eq("id", none.ID))
	must(t, err)
	gf, err := em.FindOneOrFail[Customer](h.Ctx, m, query.Eq("id", full.ID))
	must(t, err)
	rec.take()
	gn.Ship = &Address{City: "Narvik"}
	gf.Ship.Geo.Lng = 19.0
	must(t, m.Flush(h.Ctx))
	got := rec.take()
	var changed []string
	for _, c := range got {
		changed = append(changed, strings.Join(c, " "))
	}
	slices.Sort(changed)
	if strings.Join(changed, "|") != "Ship.Geo.Lng|Ship.Street Ship.City Ship.Geo.Lat Ship.Geo.Lng" {
		t.Errorf("changed fields: %q", changed)
	}
	if r := read(none); r.Ship == nil || r.Ship.City != "Narvik" || r.Ship.Zip != nil {
		t.Fatalf("after setting the embeddable: %+v", r.Ship)
	}
	if r := read(full); r.Ship == nil || r.Ship.Geo.Lng != 19.0 || r.Ship.City != "Tromsø" {
		t.Fatalf("after a change inside the embeddable: %+v", r.Ship)
	}
	before := n.Load()
	must(t, m.Flush(h.Ctx))
	if d := n.Load() - before; d != 0 {
		t.Fatalf("an unchanged flush sent %d statements", d)
	}
	gf.Ship = nil
	must(t, m.Flush(h.Ctx))
	if r := read(full); r.Ship != nil {
		t.Fatalf("after clearing the embeddable: %+v", r.Ship)
	}
}
