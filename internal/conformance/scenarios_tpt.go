package conformance

import (
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// tablePerType are the table-per-type inheritance scenarios (SQL only:
// MongoDB refuses tpt at Open, see mongoem's TestTablePerTypeRefused).
var tablePerType = []Scenario{
	scenario(TPTRoundTrip),
	scenario(TPTBaseQueryReturnsSubtypes),
	scenario(TPTSubtypeQueryFilters),
	scenario(TPTRelationToBase),
	scenario(TPTUpdateTouchesChangedTables),
	scenario(TPTRemove),
	scenario(TPTFailedFlushRollsBack),
}

// Aviary owns creatures (a 1:m collection of a table-per-type base).
type Aviary struct {
	ID        int64 `orm:"pk"`
	Name      string
	Creatures ref.Collection[Creature] `orm:"mappedBy=Aviary"`
}

// Creature is the (concrete) base of a table-per-type hierarchy: its
// table holds these columns and the discriminator.
type Creature struct {
	ID      int64  `orm:"pk"`
	Kind    string `orm:"discriminator"`
	Name    string
	Aviary  ref.Ref[Aviary] `orm:"nullable,onDelete=set null"`
	Version int             `orm:"version"`
}

// Bird extends Creature in a table of its own ("bird": the key and Ring).
type Bird struct {
	Creature `orm:"extends,tpt"`
	Ring     string `orm:"unique,length=40"`
	Wingspan int
}

// Parrot extends Bird in its own table ("parrot"), which references
// Bird's.
type Parrot struct {
	Bird  `orm:"extends,tpt"`
	Words int
}

// Fish extends Creature in its own table.
type Fish struct {
	Creature `orm:"extends,tpt,discriminator=fish"`
	Fins     int
}

// Checkup references the table-per-type base.
type Checkup struct {
	ID       int64 `orm:"pk"`
	Creature ref.Ref[Creature]
	Note     string
}

// TablePerTypeEntities is the model of the table-per-type scenarios.
func TablePerTypeEntities() []any {
	return []any{Aviary{}, Creature{}, Bird{}, Parrot{}, Fish{}, Checkup{}}
}

func creatures(t *testing.T, h *Harness, cfg gomikro.Config) (*em.EntityManager, map[string]int64) {
	t.Helper()
	cfg.Entities = TablePerTypeEntities()
	g := h.Open(cfg)
	m := g.Fork()
	a := &Aviary{Name: "North"}
	c := &Creature{Name: "Blob", Aviary: ref.To(a)}
	b := &Bird{Creature: Creature{Name: "Robin", Aviary: ref.To(a)}, Ring: "R1", Wingspan: 20}
	p := &Parrot{Bird: Bird{Creature: Creature{Name: "Polly", Aviary: ref.To(a)}, Ring: "P1", Wingspan: 40}, Words: 12}
	f := &Fish{Creature: Creature{Name: "Nemo"}, Fins: 5}
	must(t, m.Persist(a, c, b, p, f))
	must(t, m.Flush(h.Ctx))
	if c.Kind != "creature" || b.Kind != "bird" || p.Kind != "parrot" || f.Kind != "fish" {
		t.Fatalf("discriminators: %q %q %q %q", c.Kind, b.Kind, p.Kind, f.Kind)
	}
	if c.ID == 0 || b.ID == 0 || p.ID == 0 || f.ID == 0 || b.ID == p.ID {
		t.Fatalf("keys: %d %d %d %d", c.ID, b.ID, p.ID, f.ID)
	}
	return g, map[string]int64{"aviary": a.ID, "creature": c.ID, "bird": b.ID, "parrot": p.ID, "fish": f.ID}
}

// TPTRoundTrip stores an entity of each type (the base row and the
// subtype rows, keyed by the generated key) and reads each back.
func TPTRoundTrip(t *testing.T, h *Harness) {
	g, ids := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	b, err := em.FindOneOrFail[Bird](h.Ctx, m, query.Eq("id", ids["bird"]))
	must(t, err)
	if b.Name != "Robin" || b.Ring != "R1" || b.Wingspan != 20 || b.Kind != "bird" || b.Version != 1 {
		t.Fatalf("bird: %+v", b)
	}
	p, err := em.FindOneOrFail[Parrot](h.Ctx, m, query.Eq("id", ids["parrot"]))
	must(t, err)
	if p.Name != "Polly" || p.Ring != "P1" || p.Words != 12 || p.Wingspan != 40 {
		t.Fatalf("parrot: %+v", p)
	}
	f, err := em.FindOneOrFail[Fish](h.Ctx, m, query.Eq("name", "Nemo"))
	must(t, err)
	if f.Fins != 5 || f.ID != ids["fish"] {
		t.Fatalf("fish: %+v", f)
	}
	if x, err := em.FindOne[Fish](h.Ctx, m, query.Eq("id", ids["bird"])); err != nil || x != nil {
		t.Fatalf("FindOne[Fish] by a bird's key: %v, %v", x, err)
	}
	if x, err := em.FindOne[Bird](h.Ctx, m, query.Eq("id", ids["creature"])); err != nil || x != nil {
		t.Fatalf("FindOne[Bird] by a plain creature's key: %v, %v", x, err)
	}
	// Many rows of every level in one flush, beside other inserts.
	var batch []any
	var last *Parrot
	for i := range 25 {
		last = &Parrot{Bird: Bird{Creature: Creature{Name: "Flock"}, Ring: "F" + strconv.Itoa(i), Wingspan: i}, Words: i}
		batch = append(batch, last, &Fish{Creature: Creature{Name: "School"}, Fins: i})
	}
	must(t, m.Persist(batch...))
	must(t, m.Flush(h.Ctx))
	ps, err := em.Find[Parrot](h.Ctx, g.Fork(), query.Eq("name", "Flock"), em.OrderBy("words"))
	must(t, err)
	if len(ps) != 25 || ps[24].ID != last.ID || ps[24].Ring != "F24" || ps[24].Wingspan != 24 {
		t.Fatalf("flock: %d parrots", len(ps))
	}
	n, err := em.Count[Fish](h.Ctx, g.Fork(), query.Gte("fins", 0))
	must(t, err)
	if n != 26 {
		t.Fatalf("Count[Fish] = %d", n)
	}
}

// TPTBaseQueryReturnsSubtypes: a query of the base returns each row as
// its type, with the subtype's own columns loaded from its tables.
func TPTBaseQueryReturnsSubtypes(t *testing.T, h *Harness) {
	g, ids := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	all, err := em.Find[Creature](h.Ctx, m, nil, em.OrderBy("name"))
	must(t, err)
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"Blob", "Nemo", "Polly", "Robin"}) {
		t.Fatalf("names %v", names)
	}
	if _, ok := em.As[Bird](m, all[0]); ok {
		t.Fatal("As[Bird](Blob): ok")
	}
	if f, ok := em.As[Fish](m, all[1]); !ok || f.Fins != 5 {
		t.Fatalf("As[Fish](Nemo): %v %v", f, ok)
	}
	if p, ok := em.As[Parrot](m, all[2]); !ok || p.Words != 12 || p.Ring != "P1" {
		t.Fatalf("As[Parrot](Polly): %v %v", p, ok)
	}
	if b, ok := em.As[Bird](m, all[3]); !ok || b.Ring != "R1" {
		t.Fatalf("As[Bird](Robin): %v %v", b, ok)
	}
	b2, err := em.FindOneOrFail[Bird](h.Ctx, m, query.Eq("id", ids["bird"]))
	must(t, err)
	if &b2.Creature != all[3] {
		t.Fatal("Find[Bird] returned another object than Find[Creature]")
	}
	c, err := em.FindOneOrFail[Creature](h.Ctx, g.Fork(), query.Eq("id", ids["parrot"]))
	must(t, err)
	if c.Kind != "parrot" {
		t.Fatalf("kind %q", c.Kind)
	}
	n, err := em.Count[Creature](h.Ctx, m, nil)
	must(t, err)
	if n != 4 {
		t.Fatalf("Count[Creature] = %d", n)
	}
}

// TPTSubtypeQueryFilters: a query of a subtype joins its tables, matches
// its rows and its subtypes', and filters and orders on any level.
func TPTSubtypeQueryFilters(t *testing.T, h *Harness) {
	g, _ := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	birds, err := em.Find[Bird](h.Ctx, m, nil, em.OrderBy("-wingspan"))
	must(t, err)
	if len(birds) != 2 || birds[0].Name != "Polly" || birds[1].Name != "Robin" {
		t.Fatalf("Find[Bird] by wingspan: %d rows", len(birds))
	}
	if _, ok := em.As[Parrot](m, &birds[0].Creature); !ok {
		t.Fatal("Find[Bird]: Polly is not a Parrot")
	}
	birds, err = em.Find[Bird](h.Ctx, m, query.And(query.Gt("wingspan", 10), query.Eq("ring", "R1")))
	must(t, err)
	if len(birds) != 1 || birds[0].Name != "Robin" {
		t.Fatalf("Find[Bird] wingspan and ring: %d rows", len(birds))
	}
	ps, err := em.Find[Parrot](h.Ctx, m, query.And(query.Gte("words", 10), query.Eq("ring", "P1"), query.Like("name", "P%")), em.OrderBy("words"))
	must(t, err)
	if len(ps) != 1 || ps[0].Wingspan != 40 {
		t.Fatalf("Find[Parrot]: %d rows", len(ps))
	}
	n, err := em.Count[Bird](h.Ctx, m, query.Lt("wingspan", 30))
	must(t, err)
	if n != 1 {
		t.Fatalf("Count[Bird] wingspan < 30 = %d", n)
	}
	n, err = em.Count[Fish](h.Ctx, m, query.Eq("name", "Robin"))
	must(t, err)
	if n != 0 {
		t.Fatalf("Count[Fish] named Robin = %d", n)
	}
	// A relation filter into the subtype's tables.
	as, err := em.Find[Aviary](h.Ctx, m, query.Eq("creatures.name", "Polly"))
	must(t, err)
	if len(as) != 1 {
		t.Fatalf("aviaries of Polly: %d", len(as))
	}
	if _, err := em.Find[Creature](h.Ctx, m, query.Eq("ring", "R1")); !errors.Is(err, query.ErrUnknownProperty) {
		t.Fatalf("Find[Creature] on ring: %v", err)
	}
}

// TPTRelationToBase: references and collections of the base load each
// row as its type, own columns included.
func TPTRelationToBase(t *testing.T, h *Harness) {
	g, ids := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	b, err := em.FindOneOrFail[Bird](h.Ctx, m, query.Eq("id", ids["bird"]))
	must(t, err)
	f, err := em.FindOneOrFail[Fish](h.Ctx, m, query.Eq("id", ids["fish"]))
	must(t, err)
	must(t, m.Persist(&Checkup{Creature: ref.To(&b.Creature), Note: "a wing"}, &Checkup{Creature: ref.To(&f.Creature), Note: "a fin"}))
	must(t, m.Flush(h.Ctx))

	m = g.Fork()
	cs, err := em.Find[Checkup](h.Ctx, m, nil, em.OrderBy("note"), em.Populate("Creature"))
	must(t, err)
	if len(cs) != 2 {
		t.Fatalf("%d checkups", len(cs))
	}
	if f, ok := em.As[Fish](m, cs[0].Creature.Get()); !ok || f.Fins != 5 {
		t.Fatalf("checkup a fin: %v %v", f, ok)
	}
	if b, ok := em.As[Bird](m, cs[1].Creature.Get()); !ok || b.Ring != "R1" {
		t.Fatalf("checkup a wing: %v %v", b, ok)
	}
	m = g.Fork()
	c, err := em.FindOneOrFail[Checkup](h.Ctx, m, query.Eq("note", "a wing"))
	must(t, err)
	x, err := c.Creature.Load(h.Ctx)
	must(t, err)
	if b, ok := em.As[Bird](m, x); !ok || b.Wingspan != 20 {
		t.Fatalf("Load: %v %v", b, ok)
	}
	a, err := em.FindOneOrFail[Aviary](h.Ctx, m, query.Eq("id", ids["aviary"]), em.Populate("Creatures"))
	must(t, err)
	var kinds []string
	for _, c := range a.Creatures.Items() {
		kinds = append(kinds, c.Kind)
		if c.Kind == "parrot" {
			if p, ok := em.As[Parrot](m, c); !ok || p.Words != 12 {
				t.Fatalf("aviary's parrot: %v %v", p, ok)
			}
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"bird", "creature", "parrot"}) {
		t.Fatalf("aviary's creatures: %v", kinds)
	}
}

// TPTUpdateTouchesChangedTables: an update writes only the tables whose
// columns changed, and the version on the base row with every one.
func TPTUpdateTouchesChangedTables(t *testing.T, h *Harness) {
	var buf testdb.Buffer
	g, ids := creatures(t, h, gomikro.Config{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	m := g.Fork()
	p, err := em.FindOneOrFail[Parrot](h.Ctx, m, query.Eq("id", ids["parrot"]))
	must(t, err)
	updates := func(flush func()) []string {
		t.Helper()
		from := len(buf.String())
		flush()
		var out []string
		for _, line := range strings.Split(buf.String()[from:], "\n") {
			if i := strings.Index(line, "UPDATE "); i >= 0 {
				out = append(out, line[i:])
			}
		}
		return out
	}
	has := func(stmts []string, table string) bool {
		return slices.ContainsFunc(stmts, func(s string) bool {
			w := strings.Fields(s)
			return len(w) > 1 && strings.Trim(w[1], "\"`\\") == table
		})
	}
	got := updates(func() { p.Words = 13; must(t, m.Flush(h.Ctx)) })
	if len(got) != 2 || !has(got, "parrot") || !has(got, "creature") {
		t.Fatalf("own column: %q", got)
	}
	got = updates(func() { p.Name = "Pol"; must(t, m.Flush(h.Ctx)) })
	if len(got) != 1 || !has(got, "creature") {
		t.Fatalf("base column: %q", got)
	}
	got = updates(func() { p.Wingspan, p.Words = 41, 14; must(t, m.Flush(h.Ctx)) })
	if len(got) != 3 {
		t.Fatalf("every level: %q", got)
	}
	if p.Version != 4 {
		t.Fatalf("version %d", p.Version)
	}
	p2, err := em.FindOneOrFail[Parrot](h.Ctx, g.Fork(), query.Eq("id", ids["parrot"]))
	must(t, err)
	if p2.Name != "Pol" || p2.Words != 14 || p2.Wingspan != 41 || p2.Version != 4 || p2.Ring != "P1" {
		t.Fatalf("parrot after updates: %+v", p2)
	}
	// A stale version is refused, own column or not, and writes nothing.
	stale := g.Fork()
	p3, err := em.FindOneOrFail[Parrot](h.Ctx, stale, query.Eq("id", ids["parrot"]))
	must(t, err)
	p.Name = "Polly"
	must(t, m.Flush(h.Ctx))
	p3.Words = 99
	if err := stale.Flush(h.Ctx); !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("stale flush: %v", err)
	}
	p4, err := em.FindOneOrFail[Parrot](h.Ctx, g.Fork(), query.Eq("id", ids["parrot"]))
	must(t, err)
	if p4.Words != 14 {
		t.Fatalf("words after the refused flush: %d", p4.Words)
	}
}

// TPTRemove: removing a subtype deletes its rows in every table.
func TPTRemove(t *testing.T, h *Harness) {
	g, ids := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	p, err := em.FindOneOrFail[Parrot](h.Ctx, m, query.Eq("id", ids["parrot"]))
	must(t, err)
	f, err := em.FindOneOrFail[Creature](h.Ctx, m, query.Eq("id", ids["fish"]))
	must(t, err)
	must(t, m.Remove(p))
	must(t, m.Remove(f))
	must(t, m.Flush(h.Ctx))
	m = g.Fork()
	for _, k := range []string{"parrot", "fish"} {
		if x, err := em.FindOne[Creature](h.Ctx, m, query.Eq("id", ids[k])); err != nil || x != nil {
			t.Fatalf("removed %s: %v %v", k, x, err)
		}
	}
	n, err := em.Count[Bird](h.Ctx, m, nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("Count[Bird] = %d", n)
	}
	// The key is free for a new row of the same type in the same table.
	b := &Parrot{Bird: Bird{Creature: Creature{Name: "Kea"}, Ring: "P1"}, Words: 1}
	must(t, m.Persist(b))
	must(t, m.Flush(h.Ctx))
	n, err = em.Count[Parrot](h.Ctx, g.Fork(), nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("Count[Parrot] = %d", n)
	}
}

// TPTFailedFlushRollsBack: a flush whose subtype row fails (a duplicate
// ring, in the bird table) after its base row was written rolls both
// back, and leaves the unit of work as it was.
func TPTFailedFlushRollsBack(t *testing.T, h *Harness) {
	g, _ := creatures(t, h, gomikro.Config{})
	m := g.Fork()
	dup := &Bird{Creature: Creature{Name: "Copy"}, Ring: "R1"}
	must(t, m.Persist(dup, &Fish{Creature: Creature{Name: "Dory"}, Fins: 2}))
	if err := m.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("flush of a duplicate ring: %v", err)
	}
	n, err := em.Count[Creature](h.Ctx, g.Fork(), nil)
	must(t, err)
	if n != 4 {
		t.Fatalf("Count[Creature] after the failed flush = %d", n)
	}
	dup.Ring = "R2"
	must(t, m.Flush(h.Ctx))
	b, err := em.FindOneOrFail[Bird](h.Ctx, g.Fork(), query.Eq("ring", "R2"))
	must(t, err)
	if b.Name != "Copy" || b.ID != dup.ID {
		t.Fatalf("bird after the retry: %+v", b)
	}
	n, err = em.Count[Creature](h.Ctx, g.Fork(), nil)
	must(t, err)
	if n != 6 {
		t.Fatalf("Count[Creature] after the retry = %d", n)
	}
}
