package conformance

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var inheritance = []Scenario{
	scenario(InheritanceRoundTrip),
	scenario(InheritanceBaseQueryReturnsSubtypes),
	scenario(InheritanceSubtypeQueryFilters),
	scenario(InheritanceRelationToBase),
	scenario(InheritanceUpdateAndRemove),
	scenario(InheritanceCache),
}

// Keeper owns pets (a 1:m collection of the base type).
type Keeper struct {
	ID   int64 `orm:"pk"`
	Name string
	Pets ref.Collection[Pet] `orm:"mappedBy=Keeper"`
}

// Pet is the (concrete) base of a single-table hierarchy.
type Pet struct {
	_       struct{} `orm:"discriminator=pet"`
	ID      int64    `orm:"pk"`
	Kind    string   `orm:"discriminator"`
	Name    string
	Keeper  ref.Ref[Keeper] `orm:"nullable,onDelete=set null"`
	Version int             `orm:"version"`
}

// Dog extends Pet.
type Dog struct {
	Pet   `orm:"extends,discriminator=dog"`
	Barks bool
	Breed string `orm:"length=40"`
}

// Puppy extends Dog (its discriminator value defaults to "puppy").
type Puppy struct {
	Dog `orm:"extends"`
	Age int
}

// Cat extends Pet.
type Cat struct {
	Pet   `orm:"extends,discriminator=cat"`
	Lives int
}

// Visit references the base type.
type Visit struct {
	ID   int64 `orm:"pk"`
	Pet  ref.Ref[Pet]
	Note string
}

// InheritanceEntities is the model of the inheritance scenarios.
func InheritanceEntities() []any {
	return []any{Keeper{}, Pet{}, Dog{}, Puppy{}, Cat{}, Visit{}}
}

// pets opens the inheritance model and stores a keeper with a pet of each
// type; it returns the global EntityManager and the keys.
func pets(t *testing.T, h *Harness) (*em.EntityManager, map[string]int64) {
	t.Helper()
	g := h.Open(gomikro.Config{Entities: InheritanceEntities()})
	m := g.Fork()
	k := &Keeper{Name: "Kim"}
	p := &Pet{Name: "Goldie", Keeper: ref.To(k)}
	d := &Dog{Pet: Pet{Name: "Rex", Keeper: ref.To(k)}, Barks: true, Breed: "collie"}
	u := &Puppy{Dog: Dog{Pet: Pet{Name: "Bit", Keeper: ref.To(k)}, Barks: true}, Age: 1}
	c := &Cat{Pet: Pet{Name: "Tom"}, Lives: 9}
	must(t, m.Persist(k, p, d, u, c))
	must(t, m.Flush(h.Ctx))
	if d.Kind != "dog" || u.Kind != "puppy" || c.Kind != "cat" || p.Kind != "pet" {
		t.Fatalf("discriminators after Persist: %q %q %q %q", p.Kind, d.Kind, u.Kind, c.Kind)
	}
	return g, map[string]int64{"keeper": k.ID, "pet": p.ID, "dog": d.ID, "puppy": u.ID, "cat": c.ID}
}

// InheritanceRoundTrip stores an entity of each type of a hierarchy and
// reads each back as its type.
func InheritanceRoundTrip(t *testing.T, h *Harness) {
	g, ids := pets(t, h)
	m := g.Fork()
	d, err := em.FindOneOrFail[Dog](h.Ctx, m, query.Eq("id", ids["dog"]))
	must(t, err)
	if d.Name != "Rex" || !d.Barks || d.Breed != "collie" || d.Kind != "dog" || d.Version != 1 {
		t.Fatalf("dog: %+v", d)
	}
	u, err := em.FindOneOrFail[Puppy](h.Ctx, m, query.Eq("id", ids["puppy"]))
	must(t, err)
	if u.Name != "Bit" || u.Age != 1 || !u.Barks {
		t.Fatalf("puppy: %+v", u)
	}
	c, err := em.FindOneOrFail[Cat](h.Ctx, m, query.Eq("name", "Tom"))
	must(t, err)
	if c.Lives != 9 || c.ID != ids["cat"] {
		t.Fatalf("cat: %+v", c)
	}
	// The key of a dog is no cat's.
	if x, err := em.FindOne[Cat](h.Ctx, m, query.Eq("id", ids["dog"])); err != nil || x != nil {
		t.Fatalf("FindOne[Cat] by a dog's key: %v, %v", x, err)
	}
}

// InheritanceBaseQueryReturnsSubtypes: a query of the base returns each
// row as its own type, in the query's order, the managed objects.
func InheritanceBaseQueryReturnsSubtypes(t *testing.T, h *Harness) {
	g, ids := pets(t, h)
	m := g.Fork()
	all, err := em.Find[Pet](h.Ctx, m, nil, em.OrderBy("name"))
	must(t, err)
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"Bit", "Goldie", "Rex", "Tom"}) {
		t.Fatalf("names %v", names)
	}
	if u, ok := em.As[Puppy](m, all[0]); !ok || u.Age != 1 {
		t.Fatalf("As[Puppy](Bit): %v %v", u, ok)
	}
	if d, ok := em.As[Dog](m, all[0]); !ok || !d.Barks {
		t.Fatalf("As[Dog](Bit), a puppy: %v %v", d, ok)
	}
	if _, ok := em.As[Dog](m, all[1]); ok {
		t.Fatal("As[Dog](Goldie), a plain pet: ok")
	}
	d, ok := em.As[Dog](m, all[2])
	if !ok || d.Breed != "collie" {
		t.Fatalf("As[Dog](Rex): %v %v", d, ok)
	}
	if _, ok := em.As[Cat](m, all[2]); ok {
		t.Fatal("As[Cat](Rex): ok")
	}
	if c, ok := em.As[Cat](m, all[3]); !ok || c.Lives != 9 {
		t.Fatalf("As[Cat](Tom): %v %v", c, ok)
	}
	// One object per row: the subtype query gives the same one.
	d2, err := em.FindOneOrFail[Dog](h.Ctx, m, query.Eq("id", ids["dog"]))
	must(t, err)
	if d2 != d {
		t.Fatal("Find[Dog] returned another object than Find[Pet]")
	}
	p, err := em.FindOneOrFail[Pet](h.Ctx, m, query.Eq("id", ids["cat"]))
	must(t, err)
	if c, ok := em.As[Cat](m, p); !ok || c.Lives != 9 {
		t.Fatalf("FindOne[Pet] of a cat: %v %v", c, ok)
	}
	// A fresh fork: a base query by key.
	p, err = em.FindOneOrFail[Pet](h.Ctx, g.Fork(), query.Eq("id", ids["puppy"]))
	must(t, err)
	if p.Kind != "puppy" {
		t.Fatalf("kind %q", p.Kind)
	}
	n, err := em.Count[Pet](h.Ctx, m, nil)
	must(t, err)
	if n != 4 {
		t.Fatalf("Count[Pet] = %d", n)
	}
}

// InheritanceSubtypeQueryFilters: a query of a subtype matches its rows
// and those of its subtypes, with filters on base and own fields.
func InheritanceSubtypeQueryFilters(t *testing.T, h *Harness) {
	g, _ := pets(t, h)
	m := g.Fork()
	dogs, err := em.Find[Dog](h.Ctx, m, nil, em.OrderBy("name"))
	must(t, err)
	if len(dogs) != 2 || dogs[0].Name != "Bit" || dogs[1].Name != "Rex" {
		t.Fatalf("Find[Dog]: %d rows", len(dogs))
	}
	if _, ok := em.As[Puppy](m, &dogs[0].Pet); !ok {
		t.Fatal("Find[Dog]: Bit is not a Puppy")
	}
	dogs, err = em.Find[Dog](h.Ctx, m, query.And(query.Eq("barks", true), query.Eq("breed", "collie")))
	must(t, err)
	if len(dogs) != 1 || dogs[0].Name != "Rex" {
		t.Fatalf("Find[Dog] barks and collie: %d rows", len(dogs))
	}
	cats, err := em.Find[Cat](h.Ctx, m, query.Like("name", "T%"))
	must(t, err)
	if len(cats) != 1 || cats[0].Lives != 9 {
		t.Fatalf("Find[Cat]: %d rows", len(cats))
	}
	n, err := em.Count[Dog](h.Ctx, m, nil)
	must(t, err)
	if n != 2 {
		t.Fatalf("Count[Dog] = %d", n)
	}
	n, err = em.Count[Cat](h.Ctx, m, query.Eq("name", "Rex"))
	must(t, err)
	if n != 0 {
		t.Fatalf("Count[Cat] named Rex = %d", n)
	}
	// A base query cannot filter on a subtype's field.
	if _, err := em.Find[Pet](h.Ctx, m, query.Eq("barks", true)); !errors.Is(err, query.ErrUnknownProperty) {
		t.Fatalf("Find[Pet] on barks: %v", err)
	}
}

// InheritanceRelationToBase: references and collections of the base load
// each row as its type.
func InheritanceRelationToBase(t *testing.T, h *Harness) {
	g, ids := pets(t, h)
	m := g.Fork()
	d, err := em.FindOneOrFail[Dog](h.Ctx, m, query.Eq("id", ids["dog"]))
	must(t, err)
	c, err := em.FindOneOrFail[Cat](h.Ctx, m, query.Eq("id", ids["cat"]))
	must(t, err)
	must(t, m.Persist(&Visit{Pet: ref.To(&d.Pet), Note: "shots"}, &Visit{Pet: ref.To(&c.Pet), Note: "claws"}))
	must(t, m.Flush(h.Ctx))

	// Populate.
	m = g.Fork()
	vs, err := em.Find[Visit](h.Ctx, m, nil, em.OrderBy("note"), em.Populate("Pet"))
	must(t, err)
	if len(vs) != 2 {
		t.Fatalf("%d visits", len(vs))
	}
	if c, ok := em.As[Cat](m, vs[0].Pet.Get()); !ok || c.Lives != 9 {
		t.Fatalf("visit claws: %v %v", c, ok)
	}
	if d, ok := em.As[Dog](m, vs[1].Pet.Get()); !ok || d.Breed != "collie" {
		t.Fatalf("visit shots: %v %v", d, ok)
	}
	// Lazy load.
	m = g.Fork()
	v, err := em.FindOneOrFail[Visit](h.Ctx, m, query.Eq("note", "shots"))
	must(t, err)
	p, err := v.Pet.Load(h.Ctx)
	must(t, err)
	if d, ok := em.As[Dog](m, p); !ok || d.Name != "Rex" {
		t.Fatalf("Load: %v %v", d, ok)
	}
	// A new object reached through a reference to the base is not
	// persisted by cascade: its type cannot be told.
	stray := &Dog{Pet: Pet{Name: "Stray"}}
	must(t, m.Persist(&Visit{Pet: ref.To(&stray.Pet), Note: "stray"}))
	var ve *gomikro.ValidationError
	if err := m.Flush(h.Ctx); !errors.As(err, &ve) {
		t.Fatalf("flush of a visit to an unpersisted dog: %v", err)
	}
	must(t, m.Persist(stray))
	must(t, m.Flush(h.Ctx))
	if stray.Kind != "dog" || stray.ID == 0 {
		t.Fatalf("stray: %+v", stray)
	}
	// The collection of the base.
	k, err := em.FindOneOrFail[Keeper](h.Ctx, m, query.Eq("id", ids["keeper"]), em.Populate("Pets"))
	must(t, err)
	var kinds []string
	for _, p := range k.Pets.Items() {
		kinds = append(kinds, p.Kind)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"dog", "pet", "puppy"}) {
		t.Fatalf("keeper's pets: %v", kinds)
	}
	for _, p := range k.Pets.Items() {
		if p.Kind == "dog" {
			if d2, ok := em.As[Dog](m, p); !ok || d2 != mustDog(t, m, p) {
				t.Fatal("keeper's dog is not the managed Dog")
			}
		}
	}
}

func mustDog(t *testing.T, m *em.EntityManager, p *Pet) *Dog {
	t.Helper()
	d, ok := em.As[Dog](m, p)
	if !ok {
		t.Fatal("not a dog")
	}
	return d
}

// InheritanceUpdateAndRemove: changes to a subtype's base and own fields
// are written (with the base's version), removing a subtype deletes it.
func InheritanceUpdateAndRemove(t *testing.T, h *Harness) {
	g, ids := pets(t, h)
	m := g.Fork()
	all, err := em.Find[Pet](h.Ctx, m, nil)
	must(t, err)
	var d *Dog
	var c *Cat
	for _, p := range all {
		if x, ok := em.As[Dog](m, p); ok && p.Kind == "dog" {
			d = x
		}
		if x, ok := em.As[Cat](m, p); ok {
			c = x
		}
	}
	if d == nil || c == nil {
		t.Fatal("no dog or no cat")
	}
	d.Name, d.Breed = "Rexy", "beagle"
	must(t, m.Remove(c))
	must(t, m.Flush(h.Ctx))
	if d.Version != 2 {
		t.Fatalf("version %d after the update", d.Version)
	}

	m = g.Fork()
	d2, err := em.FindOneOrFail[Dog](h.Ctx, m, query.Eq("id", ids["dog"]))
	must(t, err)
	if d2.Name != "Rexy" || d2.Breed != "beagle" || !d2.Barks || d2.Version != 2 {
		t.Fatalf("dog after update: %+v", d2)
	}
	if x, err := em.FindOne[Pet](h.Ctx, m, query.Eq("id", ids["cat"])); err != nil || x != nil {
		t.Fatalf("removed cat: %v %v", x, err)
	}
	// A stale version is refused.
	stale := g.Fork()
	d3, err := em.FindOneOrFail[Dog](h.Ctx, stale, query.Eq("id", ids["dog"]))
	must(t, err)
	d2.Barks = false
	must(t, m.Flush(h.Ctx))
	d3.Breed = "pug"
	if err := stale.Flush(h.Ctx); !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("stale flush: %v", err)
	}
	// A change to a subtype only touches the changed column.
	u, err := em.FindOneOrFail[Puppy](h.Ctx, m, query.Eq("id", ids["puppy"]))
	must(t, err)
	u.Age = 2
	must(t, m.Flush(h.Ctx))
	u2, err := em.FindOneOrFail[Puppy](h.Ctx, g.Fork(), query.Eq("id", ids["puppy"]))
	must(t, err)
	if u2.Age != 2 || u2.Name != "Bit" {
		t.Fatalf("puppy after update: %+v", u2)
	}
}

// InheritanceCache: a cached result of a type of a hierarchy is dropped
// by a flush of any type of it (they share one table or collection), and
// a cached find of a type with subtypes is refused naming it.
func InheritanceCache(t *testing.T, h *Harness) {
	g, _ := pets(t, h)
	m := g.Fork()
	count := func(want int64, wantQ int64, what string) {
		t.Helper()
		before := m.QueryCount()
		n, err := em.Count[Dog](h.Ctx, m, nil, em.Cache(time.Minute))
		must(t, err)
		if q := m.QueryCount() - before; n != want || q != wantQ {
			t.Fatalf("%s: Count[Dog] = %d with %d statements, want %d with %d", what, n, q, want, wantQ)
		}
	}
	count(2, 1, "first")
	count(2, 0, "again (cached)")
	w := g.Fork()
	must(t, w.Persist(&Puppy{Dog: Dog{Pet: Pet{Name: "Nip"}}, Age: 1}))
	must(t, w.Flush(h.Ctx))
	count(3, 1, "after a flush of a Puppy")

	cats := func(want int, what string) {
		t.Helper()
		cs, err := em.Find[Cat](h.Ctx, g.Fork(), nil, em.Cache(time.Minute))
		must(t, err)
		if len(cs) != want {
			t.Fatalf("%s: Find[Cat] = %d rows, want %d", what, len(cs), want)
		}
	}
	cats(1, "first")
	must(t, w.Persist(&Cat{Pet: Pet{Name: "Kit"}, Lives: 7}))
	must(t, w.Flush(h.Ctx))
	cats(2, "after a flush of a Cat")

	_, err := em.Find[Dog](h.Ctx, m, nil, em.Cache(time.Minute))
	var ve *gomikro.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Dog") {
		t.Fatalf("a cached find of Dog (which has subtypes): %v, want a ValidationError naming Dog", err)
	}
}
