package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var unitOfWork = []Scenario{
	scenario(PersistFlushAndFind),
	scenario(IdentityMap),
	scenario(NothingChangedSendsNothing),
	scenario(OnlyChangedColumnsAreWritten),
	scenario(ZeroValuesAreWritten),
	scenario(JSONComparesByValue),
	scenario(DefaultsAreReadBack),
	scenario(RemoveDeletes),
	scenario(GetReferenceDoesNotQuery),
	scenario(CreateAndAssign),
	scenario(RefreshClearContains),
	scenario(ForksAreIsolated),
	scenario(CollectionsFollowReferences),
	scenario(CascadeRemove),
	scenario(InverseOneToOneLoads),
}

// seed persists an author with two books and returns them flushed.
func seed(t *testing.T, h *Harness, m *em.EntityManager) (*Author, *Book, *Book) {
	t.Helper()
	a := &Author{Name: "Ann", Email: "ann@example.com", Age: ptr(40), Active: true}
	b1 := &Book{Title: "Go", Price: 10.5, Year: 2015, Author: ref.To(a), Meta: map[string]any{"pages": 300.0}}
	b2 := &Book{Title: "Rust", Price: 20, Year: 2018, Author: ref.To(a)}
	must(t, m.Persist(b1, b2)) // the author comes along through the references
	must(t, m.Flush(h.Ctx))
	return a, b1, b2
}

// PersistFlushAndFind checks that a graph persisted in one flush gets keys, and reads
// back equal from a fresh EntityManager.
func PersistFlushAndFind(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, b2 := seed(t, h, m)
	if a.ID == 0 || b1.ID == 0 || b2.ID == 0 || b1.ID == b2.ID {
		t.Fatalf("keys not assigned: author %d, books %d %d", a.ID, b1.ID, b2.ID)
	}
	if !m.Contains(a) {
		t.Fatal("an author persisted by cascade is not managed")
	}
	m2 := h.EM()
	got, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b1.ID))
	must(t, err)
	if got == b1 {
		t.Fatal("a fork returned the other fork's object")
	}
	if got.Title != "Go" || got.Price != 10.5 || got.Year != 2015 || got.Meta["pages"] != 300.0 || got.Version != 1 {
		t.Fatalf("read back %+v", got)
	}
	if got.Author.ID() != a.ID {
		t.Fatalf("author id %v, want %d", got.Author.ID(), a.ID)
	}
	if got.Author.IsLoaded() {
		t.Fatal("an unpopulated reference claims to be loaded")
	}
	ga, err := got.Author.Load(h.Ctx)
	must(t, err)
	if ga.Name != "Ann" || ga.Age == nil || *ga.Age != 40 || !ga.Active {
		t.Fatalf("author read back %+v", ga)
	}
	all, err := em.FindAll[Book](h.Ctx, m2, em.OrderBy("title"))
	must(t, err)
	if len(all) != 2 || all[0] != got || all[1].Title != "Rust" {
		t.Fatalf("FindAll gave %d books (first is the found one: %v)", len(all), len(all) > 0 && all[0] == got)
	}
}

// IdentityMap checks one object per row per EntityManager.
func IdentityMap(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, _ := seed(t, h, m)
	again, err := em.FindOneOrFail[Book](h.Ctx, m, query.Eq("title", "Go"))
	must(t, err)
	if again != b1 {
		t.Fatal("finding a managed row returned another object")
	}
	m2 := h.EM()
	x, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("title", "Go"))
	must(t, err)
	y, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b1.ID))
	must(t, err)
	if x != y {
		t.Fatal("loading a row twice gave two objects")
	}
	r, err := em.GetReference[Book](m2, b1.ID)
	must(t, err)
	if r != x {
		t.Fatal("GetReference of a managed key did not return the managed object")
	}
	// References to the same author from both books are one object.
	bs, err := em.FindAll[Book](h.Ctx, m2)
	must(t, err)
	if bs[0].Author.Get() != bs[1].Author.Get() || bs[0].Author.Get() == nil {
		t.Fatal("two references to one author are different objects")
	}
}

// NothingChangedSendsNothing checks that a flush without changes sends no statement.
func NothingChangedSendsNothing(t *testing.T, h *Harness) {
	m := h.EM()
	seed(t, h, m)
	_, err := em.FindAll[Book](h.Ctx, m, em.Populate("Author", "Tags"))
	must(t, err)
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush with nothing changed sent %d statements", n)
	}
}

// OnlyChangedColumnsAreWritten checks that a concurrent change to another column
// survives our update.
func OnlyChangedColumnsAreWritten(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	other := h.EM()
	oa, err := em.FindOneOrFail[Author](h.Ctx, other, query.Eq("id", a.ID))
	must(t, err)
	oa.Email = "ann@other.example"
	must(t, other.Flush(h.Ctx))

	a.Name = "Anne"
	must(t, m.Flush(h.Ctx))
	check, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if check.Name != "Anne" || check.Email != "ann@other.example" {
		t.Fatalf("got name %q email %q: the update wrote more than the changed column", check.Name, check.Email)
	}
}

// ZeroValuesAreWritten checks that 0, "", false and nil are real values.
func ZeroValuesAreWritten(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	a.Age = ptr(0)
	a.Active = false
	b1.Year = 0
	b1.Title = ""
	must(t, m.Flush(h.Ctx))
	m2 := h.EM()
	ga, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("id", a.ID))
	must(t, err)
	gb, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b1.ID))
	must(t, err)
	if ga.Age == nil || *ga.Age != 0 || ga.Active || gb.Year != 0 || gb.Title != "" {
		t.Fatalf("zero values not written: age %v active %v year %d title %q", ga.Age, ga.Active, gb.Year, gb.Title)
	}
	a.Age = nil
	must(t, m.Flush(h.Ctx))
	ga, err = em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if ga.Age != nil {
		t.Fatalf("nil not written: %v", *ga.Age)
	}
}

// JSONComparesByValue checks that an equal new map is no change; a changed key is.
func JSONComparesByValue(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, _ := seed(t, h, m)
	b1.Meta = map[string]any{"pages": 300.0}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 || b1.Version != 1 {
		t.Fatalf("an equal JSON value was written (%d statements, version %d)", n, b1.Version)
	}
	b1.Meta["pages"] = 301.0
	b1.Meta["tags"] = []any{"a", "b"}
	must(t, m.Flush(h.Ctx))
	if b1.Version != 2 {
		t.Fatalf("version %d after a JSON change, want 2", b1.Version)
	}
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b1.ID))
	must(t, err)
	if got.Meta["pages"] != 301.0 || len(got.Meta["tags"].([]any)) != 2 {
		t.Fatalf("JSON read back %v", got.Meta)
	}
}

// DefaultsAreReadBack checks that a zero field with a database default is left to the
// database and the value it chose is read back.
func DefaultsAreReadBack(t *testing.T, h *Harness) {
	m := h.EM()
	start := time.Now().Add(-time.Minute)
	a, b1, _ := seed(t, h, m)
	if a.CreatedAt.Before(start) || b1.CreatedAt.Before(start) {
		t.Fatalf("defaulted timestamps not read back: %v %v", a.CreatedAt, b1.CreatedAt)
	}
	r := &Review{Book: ref.To(b1), Reviewer: ref.To(a), Stars: 5}
	must(t, m.Persist(r))
	must(t, m.Flush(h.Ctx))
	if r.Note == nil || *r.Note != "none" {
		t.Fatalf("string default read back as %v", r.Note)
	}
	// An explicit zero of a defaulted field (a pointer: nil takes the
	// default) is written, not replaced by the default.
	empty := ""
	b2 := &Book{Title: "Zero", Author: ref.To(a)}
	r0 := &Review{Book: ref.To(b2), Reviewer: ref.To(a), Stars: 0, Note: &empty}
	must(t, m.Persist(b2, r0))
	must(t, m.Flush(h.Ctx))
	got0, err := em.FindOneOrFail[Review](h.Ctx, h.EM(), query.M{"book": b2.ID, "reviewer": a.ID})
	must(t, err)
	if got0.Note == nil || *got0.Note != "" {
		t.Fatalf("an explicit empty string of a defaulted field was replaced: %v", got0.Note)
	}
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &Author{Name: "Set", Email: "set@example.com", CreatedAt: when}
	must(t, m.Persist(p))
	must(t, m.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", p.ID))
	must(t, err)
	if !got.CreatedAt.Equal(when) {
		t.Fatalf("an explicit value of a defaulted field was replaced: %v", got.CreatedAt)
	}
}

// RemoveDeletes checks that removed entities are deleted and forgotten.
func RemoveDeletes(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, b2 := seed(t, h, m)
	must(t, m.Remove(b1))
	if m.Contains(b1) {
		t.Fatal("a removed entity is still contained")
	}
	must(t, m.Flush(h.Ctx))
	n, err := em.Count[Book](h.Ctx, h.EM(), nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("%d books after removing one of two", n)
	}
	// Removing a new entity just forgets it.
	nb := &Book{Title: "Never", Author: b2.Author}
	must(t, m.Persist(nb))
	must(t, m.Remove(nb))
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("a persisted-then-removed entity was written")
	}
	if err := m.Remove(&Book{}); err == nil {
		t.Fatal("removing an unmanaged entity succeeded")
	}
}

// GetReferenceDoesNotQuery checks that a reference costs no statement and flushes as
// a foreign key.
func GetReferenceDoesNotQuery(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	m2 := h.EM()
	before := h.Count()
	ra, err := em.GetReference[Author](m2, a.ID)
	must(t, err)
	if h.Count() != before {
		t.Fatal("GetReference queried")
	}
	b := &Book{Title: "Ref", Author: ref.To(ra)}
	must(t, m2.Persist(b))
	must(t, m2.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("title", "Ref"), em.Populate("Author"))
	must(t, err)
	if got.Author.Get().Name != "Ann" {
		t.Fatalf("reference flushed to author %+v", got.Author.Get())
	}
	// A reference by raw id.
	b2 := &Book{Title: "Raw", Author: ref.FromID[Author](a.ID)}
	must(t, m2.Persist(b2))
	must(t, m2.Flush(h.Ctx))
	if b2.Author.ID() != a.ID {
		t.Fatalf("raw id reference %v", b2.Author.ID())
	}
}

// CreateAndAssign checks Create and Assign from maps with raw foreign keys and nested data.
func CreateAndAssign(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	b, err := em.Create[Book](m, map[string]any{"title": "Mapped", "year": 2001, "author": a.ID, "meta": map[string]any{"k": "v"}})
	must(t, err)
	must(t, m.Flush(h.Ctx))
	if b.ID == 0 || b.Author.Get() != a {
		t.Fatalf("Create from a map: id %d, author %p want %p", b.ID, b.Author.Get(), a)
	}
	must(t, m.Assign(b, map[string]any{"title": "Assigned", "publisher": map[string]any{"name": "Pub"}}))
	must(t, m.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b.ID), em.Populate("Publisher"))
	must(t, err)
	if got.Title != "Assigned" || got.Publisher.Get() == nil || got.Publisher.Get().Name != "Pub" || got.Meta["k"] != "v" {
		t.Fatalf("assigned book read back %+v", got)
	}
	if err := m.Assign(b, map[string]any{"title": "X", "nope": 1}); err == nil {
		t.Fatal("Assign accepted an unknown property")
	} else if b.Title != "Assigned" {
		t.Fatal("a failed Assign changed the entity")
	}
	var ve *gomikro.ValidationError
	if _, err := em.Create[Book](m, 42); !errors.As(err, &ve) {
		t.Fatalf("Create from an int: %v", err)
	}
}

// RefreshClearContains checks that Refresh drops unflushed changes; Clear empties.
func RefreshClearContains(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	a.Name = "Changed"
	must(t, m.Refresh(h.Ctx, a))
	if a.Name != "Ann" {
		t.Fatalf("Refresh kept %q", a.Name)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("a refreshed entity was written")
	}
	m.Clear()
	if m.Contains(a) || m.Len() != 0 {
		t.Fatal("Clear left entities")
	}
	ga, err := em.FindOneOrFail[Author](h.Ctx, m, query.Eq("id", a.ID))
	must(t, err)
	if ga == a {
		t.Fatal("a cleared object came back from the identity map")
	}
	other := h.EM()
	gone, err := em.FindOneOrFail[Author](h.Ctx, other, query.Eq("id", a.ID))
	must(t, err)
	must(t, other.Remove(gone))
	// Books reference the author: remove them first.
	bs, err := em.Find[Book](h.Ctx, other, query.Eq("author", a.ID))
	must(t, err)
	for _, b := range bs {
		must(t, other.Remove(b))
	}
	must(t, other.Flush(h.Ctx))
	if err := m.Refresh(h.Ctx, ga); !errors.Is(err, gomikro.ErrNotFound) {
		t.Fatalf("Refresh of a deleted row: %v, want ErrNotFound", err)
	}
}

// ForksAreIsolated checks that what one fork loads or changes, another does not see
// until flushed and reloaded.
func ForksAreIsolated(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	f1, f2 := h.EM(), h.EM()
	x, err := em.FindOneOrFail[Author](h.Ctx, f1, query.Eq("id", a.ID))
	must(t, err)
	y, err := em.FindOneOrFail[Author](h.Ctx, f2, query.Eq("id", a.ID))
	must(t, err)
	if x == y {
		t.Fatal("two forks share an object")
	}
	x.Name = "Only f1"
	if y.Name != "Ann" {
		t.Fatal("a change in one fork shows in the other")
	}
	if f2.Contains(x) {
		t.Fatal("a fork contains another fork's object")
	}
}

// CollectionsFollowReferences checks that a new child persisted with a reference to an
// owner whose collection is loaded joins it; a deleted child leaves it and
// is not written again.
func CollectionsFollowReferences(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, b2 := seed(t, h, m)
	if !a.Books.IsLoaded() || a.Books.Len() != 2 || !a.Books.Contains(b1) || !a.Books.Contains(b2) {
		t.Fatalf("a new author's books: loaded %v, %d items", a.Books.IsLoaded(), a.Books.Len())
	}
	must(t, m.Remove(b1))
	must(t, m.Flush(h.Ctx))
	if a.Books.Len() != 1 || a.Books.Contains(b1) {
		t.Fatalf("a deleted book stayed in its author's collection (%d items)", a.Books.Len())
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("a flush after a delete wrote again")
	}
	if n, _ := em.Count[Book](h.Ctx, h.EM(), nil); n != 1 {
		t.Fatalf("%d books, want 1", n)
	}
}

// CascadeRemove checks that removing an entity removes the loaded entities of its
// cascade=remove relations (Category.Children), children first.
func CascadeRemove(t *testing.T, h *Harness) {
	m := h.EM()
	root := &Category{Name: "root"}
	child := &Category{Name: "child", Parent: ref.To(root)}
	grandchild := &Category{Name: "grandchild", Parent: ref.To(child)}
	other := &Category{Name: "other"}
	must(t, m.Persist(grandchild, other))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	r, err := em.FindOneOrFail[Category](h.Ctx, m2, query.Eq("name", "root"), em.Populate("Children.Children"))
	must(t, err)
	must(t, m2.Remove(r))
	must(t, m2.Flush(h.Ctx))
	left, err := em.FindAll[Category](h.Ctx, h.EM())
	must(t, err)
	if len(left) != 1 || left[0].Name != "other" {
		names := []string{}
		for _, c := range left {
			names = append(names, c.Name)
		}
		t.Fatalf("categories left %v, want [other]", names)
	}
}

// InverseOneToOneLoads checks that the inverse side of a 1:1 of a loaded entity is
// looked up by Load, and is known to be empty when there is no row.
func InverseOneToOneLoads(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)
	lonely := &Author{Name: "Lonely", Email: "lonely@example.com"}
	must(t, m.Persist(&Profile{Bio: "bio", Author: ref.To(a)}, lonely))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	ga, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("id", a.ID))
	must(t, err)
	if ga.Profile.IsLoaded() || ga.Profile.Get() != nil {
		t.Fatal("an unpopulated inverse 1:1 claims to be loaded")
	}
	p, err := ga.Profile.Load(h.Ctx)
	must(t, err)
	if p == nil || p.Bio != "bio" || p.Author.Get() != ga {
		t.Fatalf("inverse 1:1 loaded %+v", p)
	}
	gl, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("id", lonely.ID))
	must(t, err)
	p, err = gl.Profile.Load(h.Ctx)
	must(t, err)
	if p != nil || !gl.Profile.IsNil() {
		t.Fatalf("an author without a profile loaded %+v", p)
	}
	before := h.Count()
	must(t, m2.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("loading an inverse 1:1 made the next flush write")
	}
}
