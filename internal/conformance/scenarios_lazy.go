package conformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var lazies = []Scenario{
	scenario(LazyFieldsLoadOnPopulate),
	scenario(LazyFieldsAreNeverLostOrOverwritten),
	scenario(LazyFieldsThroughRelations),
}

// Biography has large lazy fields: finds leave them out.
type Biography struct {
	ID    int64 `orm:"pk"`
	Name  string
	Text  string            `orm:"lazy"`
	Photo []byte            `orm:"lazy"`
	Notes map[string]string `orm:"lazy"`
	Team  ref.Ref[Squad]    `orm:"nullable"`
}

// Squad owns biographies.
type Squad struct {
	ID      int64 `orm:"pk"`
	Name    string
	Members ref.Collection[Biography] `orm:"mappedBy=Team"`
}

func openLazy(t *testing.T, h *Harness) (*em.EntityManager, *Biography) {
	t.Helper()
	g := h.openCounted(gomikro.Config{Entities: []any{Biography{}, Squad{}}})
	m := g.Fork()
	sq := &Squad{Name: "blue"}
	b := &Biography{Name: "Ann", Text: strings.Repeat("long text ", 100), Photo: []byte{1, 2, 3}, Notes: map[string]string{"k": "v"}, Team: ref.To(sq)}
	must(t, m.Persist(sq, b, &Biography{Name: "Bob", Text: "bob's", Team: ref.To(sq)}))
	must(t, m.Flush(h.Ctx))
	return g, b
}

// LazyFieldsLoadOnPopulate checks that finds leave lazy fields out, that
// Populate naming them loads them (one query, only for what is not
// loaded), that a loaded lazy field is not a change, and that Refresh
// reads them too.
func LazyFieldsLoadOnPopulate(t *testing.T, h *Harness) {
	g, want := openLazy(t, h)
	m := g.Fork()
	got, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("name", "Ann"))
	must(t, err)
	if got.Name != "Ann" || got.Text != "" || got.Photo != nil || got.Notes != nil {
		t.Fatalf("a find read lazy fields: %+v", got)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush after a find without lazy fields sent %d statements", n)
	}

	// Populate on a managed entity (answered from the identity map): one
	// query, for the named field only.
	before = h.Count()
	again, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Populate("Text"))
	must(t, err)
	if n := h.Count() - before; again != got || n != 1 {
		t.Fatalf("Populate(Text) on a managed entity: same object %v, %d queries, want 1", again == got, n)
	}
	if got.Text != want.Text || got.Photo != nil {
		t.Fatalf("Populate(Text): text %q, photo %v", got.Text[:min(len(got.Text), 20)], got.Photo)
	}
	before = h.Count()
	_, err = em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Populate("Text"))
	must(t, err)
	if n := h.Count() - before; n != 0 {
		t.Fatalf("Populate(Text) of a loaded field sent %d queries", n)
	}
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush after loading a lazy field sent %d statements", n)
	}

	// Find with Populate of several lazy fields, on every row.
	m = g.Fork()
	all, err := em.Find[Biography](h.Ctx, m, nil, em.OrderBy("name"), em.Populate("photo", "Notes", "Text"))
	must(t, err)
	if len(all) != 2 || !bytes.Equal(all[0].Photo, want.Photo) || all[0].Notes["k"] != "v" || all[1].Text != "bob's" || all[1].Photo != nil {
		t.Fatalf("Find with Populate of lazy fields: %+v", all)
	}
	before = h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush after Populate of lazy fields sent %d statements", n)
	}
	// A changed byte of a loaded lazy []byte is a change.
	all[0].Photo[0] = 9
	must(t, m.Flush(h.Ctx))
	fresh, err := em.FindOneOrFail[Biography](h.Ctx, g.Fork(), query.Eq("id", want.ID), em.Populate("Photo"))
	must(t, err)
	if !bytes.Equal(fresh.Photo, []byte{9, 2, 3}) {
		t.Fatalf("the photo after an in-place change: %v", fresh.Photo)
	}

	// Refresh reads lazy fields too.
	m = g.Fork()
	r, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID))
	must(t, err)
	r2, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Refresh())
	must(t, err)
	if r2 != r || r.Text != want.Text {
		t.Fatalf("Refresh did not read the lazy field: %q", r.Text)
	}

	// A refreshing populate of a relation reads its lazy fields too: what
	// was loaded stays loaded.
	m = g.Fork()
	loaded, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Populate("Text"))
	must(t, err)
	_, err = em.Find[Squad](h.Ctx, m, nil, em.Populate("Members"), em.Refresh())
	must(t, err)
	if loaded.Text != want.Text {
		t.Fatalf("a refreshing populate blanked a loaded lazy field: %q", loaded.Text)
	}

	// A lazy field is not a relation to go through, and must exist.
	if _, err := em.Find[Biography](h.Ctx, m, nil, em.Populate("Text.Foo")); err == nil {
		t.Fatalf("Populate through a lazy field: no error")
	}
	if _, err := em.Find[Biography](h.Ctx, m, nil, em.Populate("Name")); err == nil || !strings.Contains(err.Error(), "Biography.Name") {
		t.Fatalf("Populate of a plain field: %v, want an error naming Biography.Name", err)
	}
}

// LazyFieldsAreNeverLostOrOverwritten checks that an entity changed while
// its lazy fields are not loaded keeps them in the database, that a lazy
// field set before it is loaded is written (and kept by a later
// Populate), and that other unflushed changes survive a Populate.
func LazyFieldsAreNeverLostOrOverwritten(t *testing.T, h *Harness) {
	g, want := openLazy(t, h)
	m := g.Fork()
	b, err := em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID))
	must(t, err)
	b.Name = "Ann B."
	must(t, m.Flush(h.Ctx))
	check, err := em.FindOneOrFail[Biography](h.Ctx, g.Fork(), query.Eq("id", want.ID), em.Populate("Text", "Photo", "Notes"))
	must(t, err)
	if check.Name != "Ann B." || check.Text != want.Text || !bytes.Equal(check.Photo, want.Photo) || check.Notes["k"] != "v" {
		t.Fatalf("lazy fields after an update of another field: %+v", check)
	}

	// Set before it is loaded: written by the flush.
	b.Text = "rewritten"
	must(t, m.Flush(h.Ctx))
	check, err = em.FindOneOrFail[Biography](h.Ctx, g.Fork(), query.Eq("id", want.ID), em.Populate("Text"))
	must(t, err)
	if check.Text != "rewritten" {
		t.Fatalf("a lazy field set without loading it was not written: %q", check.Text)
	}

	// Set, then populated before the flush: the caller's value stays, and
	// so does another unflushed change.
	m = g.Fork()
	b, err = em.FindOneOrFail[Biography](h.Ctx, m, query.Eq("id", want.ID))
	must(t, err)
	b.Text, b.Name = "mine", "Ann C."
	_, err = em.Find[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Populate("Text", "Photo"), em.WithFlushMode(gomikro.FlushCommit))
	must(t, err)
	if b.Text != "mine" || b.Name != "Ann C." || !bytes.Equal(b.Photo, want.Photo) {
		t.Fatalf("Populate overwrote unflushed changes: %q %q %v", b.Text, b.Name, b.Photo)
	}
	must(t, m.Flush(h.Ctx))
	check, err = em.FindOneOrFail[Biography](h.Ctx, g.Fork(), query.Eq("id", want.ID), em.Populate("Text", "Photo"))
	must(t, err)
	if check.Text != "mine" || check.Name != "Ann C." || !bytes.Equal(check.Photo, want.Photo) {
		t.Fatalf("after the flush: %+v", check)
	}

	// An upsert writes the lazy field and keeps it on the object.
	m = g.Fork()
	up, err := em.Upsert(h.Ctx, m, &Biography{ID: want.ID, Name: "Ann U.", Text: "upserted", Team: ref.FromID[Squad](want.Team.ID())})
	must(t, err)
	if up.Text != "upserted" || up.Name != "Ann U." {
		t.Fatalf("the upserted object: %q %q", up.Text, up.Name)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush after an upsert sent %d statements", n)
	}
	check, err = em.FindOneOrFail[Biography](h.Ctx, g.Fork(), query.Eq("id", want.ID), em.Populate("Text"))
	must(t, err)
	if check.Text != "upserted" {
		t.Fatalf("after the upsert: %q", check.Text)
	}
}

// LazyFieldsThroughRelations checks Populate paths that end in a lazy
// field of a related entity, for a 1:m collection and an m:1 reference.
func LazyFieldsThroughRelations(t *testing.T, h *Harness) {
	g, want := openLazy(t, h)
	m := g.Fork()
	sq, err := em.FindOneOrFail[Squad](h.Ctx, m, query.Eq("name", "blue"), em.Populate("Members.Text"))
	must(t, err)
	items := sq.Members.Items()
	if len(items) != 2 {
		t.Fatalf("members: %d", len(items))
	}
	for _, b := range items {
		if b.Text == "" || b.Photo != nil {
			t.Fatalf("Members.Text: %q, photo %v", b.Text, b.Photo)
		}
	}
	m = g.Fork()
	bs, err := em.Find[Biography](h.Ctx, m, query.Eq("id", want.ID), em.Populate("Team", "Team.Members.Photo"))
	must(t, err)
	if len(bs) != 1 || !bytes.Equal(bs[0].Photo, want.Photo) || bs[0].Text != "" {
		t.Fatalf("Team.Members.Photo: %+v", bs)
	}
}
