package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
)

// flushModes are the scenarios of the identity map asked first, the flush
// modes and detached streams.
var flushModes = []Scenario{
	scenario(FindOneByKeyFromIdentityMap),
	scenario(FindOneByCompositeKeyFromIdentityMap),
	scenario(FlushModeAutoFindSeesPending),
	scenario(FlushModeCommitAndAlways),
	scenario(FlushModePerQueryAndConfig),
	scenario(FailedAutoFlushLeavesUnitOfWork),
	scenario(AutoFlushRunsInTransaction),
	scenario(StreamIsDetached),
}

// queries returns the statements fn sends.
func (h *Harness) queries(t *testing.T, fn func()) int64 {
	t.Helper()
	before := h.Count()
	fn()
	return h.Count() - before
}

// FindOneByKeyFromIdentityMap checks that FindOne, FindOneOrFail and
// Repository.FindOne by primary key answer from the identity map without
// a query, that other filters, Refresh and unmanaged rows query, that a
// removed entity is not found, and that Populate loads only what is not
// loaded.
func FindOneByKeyFromIdentityMap(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, b2 := seed(t, h, m)
	b1.Title = "Go (unflushed)"
	var got *Book
	var err error
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m, query.Eq("id", b1.ID)) }); n != 0 || err != nil || got != b1 {
		t.Fatalf("FindOne by id: %d statements, err %v, same object %v; want 0, nil, true", n, err, got == b1)
	}
	if got.Title != "Go (unflushed)" {
		t.Fatalf("the managed object lost its unflushed change: %q", got.Title)
	}
	if n := h.queries(t, func() {
		got, err = em.FindOneOrFail[Book](h.Ctx, m, query.M{"id": b1.ID}, em.WithFlushMode(gomikro.FlushCommit))
	}); n != 0 || err != nil || got != b1 {
		t.Fatalf("FindOneOrFail by id: %d statements, err %v", n, err)
	}
	if n := h.queries(t, func() { got, err = repo.Of[Book](m).FindOne(h.Ctx, query.Eq("id", int32(b1.ID))) }); n != 0 || err != nil || got != b1 {
		t.Fatalf("Repository.FindOne by id (int32): %d statements, err %v", n, err)
	}
	b1.Tags.Add(&Tag{Name: "go"})
	must(t, m.Flush(h.Ctx))
	// Not the key alone: a query.
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m, query.M{"id": b1.ID, "year": 2015}) }); n != 1 || err != nil || got != b1 {
		t.Fatalf("FindOne by id and year: %d statements, err %v; want 1", n, err)
	}
	// Refresh asks the database.
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m, query.Eq("id", b1.ID), em.Refresh()) }); n != 1 || err != nil || got != b1 {
		t.Fatalf("FindOne by id with Refresh: %d statements, err %v; want 1", n, err)
	}
	// A removed entity is not found, and nothing is asked.
	must(t, m.Remove(b2))
	if n := h.queries(t, func() {
		got, err = em.FindOne[Book](h.Ctx, m, query.Eq("id", b2.ID), em.WithFlushMode(gomikro.FlushCommit))
	}); n != 0 || err != nil || got != nil {
		t.Fatalf("FindOne of a removed book: %d statements, err %v, got %v; want 0, nil, nil", n, err, got)
	}
	if _, err := em.FindOneOrFail[Book](h.Ctx, m, query.Eq("id", b2.ID), em.WithFlushMode(gomikro.FlushCommit)); !errors.Is(err, gomikro.ErrNotFound) {
		t.Fatalf("FindOneOrFail of a removed book: %v, want ErrNotFound", err)
	}
	// Another EntityManager: the first find queries, the second does not.
	m2 := h.EM()
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m2, query.Eq("id", b1.ID)) }); n != 1 || err != nil || got == nil {
		t.Fatalf("first FindOne in a new fork: %d statements, err %v", n, err)
	}
	if n := h.queries(t, func() { _, err = em.FindOne[Book](h.Ctx, m2, query.Eq("id", b1.ID)) }); n != 0 || err != nil {
		t.Fatalf("second FindOne in a new fork: %d statements, err %v", n, err)
	}
	// Populate loads the unloaded relations, not the book again.
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m2, query.Eq("id", b1.ID), em.Populate("Author")) }); n != 1 || err != nil || !got.Author.IsLoaded() {
		t.Fatalf("FindOne by id with Populate(Author): %d statements (want 1), err %v", n, err)
	}
	if n := h.queries(t, func() { got, err = em.FindOne[Book](h.Ctx, m2, query.Eq("id", b1.ID), em.Populate("Tags")) }); n != h.ManyToManyLoads || err != nil || !got.Tags.IsLoaded() {
		t.Fatalf("FindOne by id with Populate(Tags): %d statements (want %d), err %v", n, h.ManyToManyLoads, err)
	}
	if n := h.queries(t, func() { _, err = em.FindOne[Book](h.Ctx, m2, query.Eq("id", b1.ID), em.Populate("Tags", "Author")) }); n != 0 || err != nil {
		t.Fatalf("FindOne by id with loaded relations: %d statements, err %v; want 0", n, err)
	}
	// A bare reference is loaded by FindOne, into the reference object.
	m3 := h.EM()
	r, err := em.GetReference[Author](m3, a.ID)
	must(t, err)
	var ga *Author
	if n := h.queries(t, func() { ga, err = em.FindOne[Author](h.Ctx, m3, query.Eq("id", a.ID)) }); n != 1 || err != nil || ga != r || ga.Name != "Ann" {
		t.Fatalf("FindOne of a reference: %d statements, err %v, same %v, name %q", n, err, ga == r, ga.Name)
	}
}

// FindOneByCompositeKeyFromIdentityMap checks the identity map asked
// first for composite keys of plain columns and of references.
func FindOneByCompositeKeyFromIdentityMap(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	ed := &Edition{ISBN: "978-1", Printing: 2, Copies: 10}
	rv := &Review{Book: ref.To(b1), Reviewer: ref.To(a), Stars: 5}
	must(t, m.Persist(ed, rv))
	must(t, m.Flush(h.Ctx))
	var ge *Edition
	var err error
	if n := h.queries(t, func() { ge, err = em.FindOne[Edition](h.Ctx, m, query.M{"printing": 2, "isbn": "978-1"}) }); n != 0 || err != nil || ge != ed {
		t.Fatalf("FindOne by composite key: %d statements, err %v, same %v", n, err, ge == ed)
	}
	var gr *Review
	if n := h.queries(t, func() { gr, err = em.FindOne[Review](h.Ctx, m, query.M{"book": b1.ID, "reviewer": a.ID}) }); n != 0 || err != nil || gr != rv {
		t.Fatalf("FindOne by a key of references: %d statements, err %v, same %v", n, err, gr == rv)
	}
	// Part of the key: a query.
	if n := h.queries(t, func() { ge, err = em.FindOne[Edition](h.Ctx, m, query.M{"isbn": "978-1"}) }); n != 1 || err != nil || ge != ed {
		t.Fatalf("FindOne by part of a composite key: %d statements, err %v", n, err)
	}
	// Not managed: a query, then the map.
	m2 := h.EM()
	if n := h.queries(t, func() { gr, err = em.FindOne[Review](h.Ctx, m2, query.M{"book": b1.ID, "reviewer": a.ID}) }); n != 1 || err != nil || gr == nil || gr.Stars != 5 {
		t.Fatalf("FindOne by composite key in a new fork: %d statements, err %v", n, err)
	}
	if n := h.queries(t, func() { _, err = em.FindOne[Review](h.Ctx, m2, query.M{"book": b1.ID, "reviewer": a.ID}) }); n != 0 || err != nil {
		t.Fatalf("second FindOne by composite key: %d statements, err %v", n, err)
	}
}

// FlushModeAutoFindSeesPending checks FlushAuto, the default: a query
// touching a type with new, changed or removed entities flushes first; a
// query on an untouched type, or with nothing pending, sends only itself.
func FlushModeAutoFindSeesPending(t *testing.T, h *Harness) {
	m := h.EM()
	if m.FlushMode() != gomikro.FlushAuto {
		t.Fatalf("default flush mode %v, want AUTO", m.FlushMode())
	}
	a := &Author{Name: "Pat", Email: "pat@example.com"}
	must(t, m.Persist(a))
	got, err := em.FindOne[Author](h.Ctx, m, query.Eq("email", "pat@example.com"))
	must(t, err)
	if got != a || a.ID == 0 {
		t.Fatalf("Find after Persist: got %v (same %v), id %d; want the persisted author, flushed", got, got == a, a.ID)
	}
	n, err := em.Count[Author](h.Ctx, m, nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("Count: %d", n)
	}
	// Nothing pending: the query alone.
	if q := h.queries(t, func() { _, err = em.Find[Author](h.Ctx, m, nil) }); q != 1 || err != nil {
		t.Fatalf("Find with nothing pending: %d statements, err %v; want 1", q, err)
	}
	// A change found by change tracking.
	a.Name = "Patricia"
	got, err = em.FindOne[Author](h.Ctx, m, query.Eq("name", "Patricia"))
	must(t, err)
	if got != a {
		t.Fatal("Find after a change did not see it")
	}
	// A change to a field the query does not read cannot change its
	// result: no flush, and the managed object comes back with the change.
	a.Age = ptr(33)
	if q := h.queries(t, func() { got, err = em.FindOne[Author](h.Ctx, m, query.Eq("name", "Patricia")) }); q != 1 || err != nil || got != a || *got.Age != 33 {
		t.Fatalf("Find by name after a change of age: %d statements, err %v; want 1 (no flush)", q, err)
	}
	if n, err := em.Count[Author](h.Ctx, m, query.Eq("age", 33)); err != nil || n != 1 {
		t.Fatalf("Count by age after a change of age: %d, %v; want 1 (flushed)", n, err)
	}
	// Nor can one to the key's entity when the query is by key, or reads
	// no field at all (a removal or a new entity is seen, below).
	a.Active = !a.Active
	if q := h.queries(t, func() { _, err = em.Find[Author](h.Ctx, m, query.Eq("id", a.ID)) }); q != 1 || err != nil {
		t.Fatalf("Find by id after a change: %d statements, err %v; want 1", q, err)
	}
	if q := h.queries(t, func() { _, err = em.Find[Author](h.Ctx, m, nil, em.OrderBy("active")) }); q <= 1 || err != nil {
		t.Fatalf("Find ordered by the changed field: %d statements, err %v; want a flush first", q, err)
	}
	// A removal.
	must(t, m.Remove(a))
	n, err = em.Count[Author](h.Ctx, m, nil)
	must(t, err)
	if n != 0 {
		t.Fatalf("Count after Remove: %d", n)
	}
	// A type the query does not touch is not flushed.
	ed := &Edition{ISBN: "978-2", Printing: 1}
	must(t, m.Persist(ed))
	if q := h.queries(t, func() { _, err = em.Find[Author](h.Ctx, m, nil) }); q != 1 || err != nil {
		t.Fatalf("Find of authors with a pending edition: %d statements, err %v; want 1 (no flush)", q, err)
	}
	if c, _ := em.Count[Edition](h.Ctx, h.EM(), nil); c != 0 {
		t.Fatal("the edition was flushed by a query on authors")
	}
	// A filter through a relation touches the related type.
	b := &Book{Title: "Pending", Author: ref.To(&Author{Name: "Quinn", Email: "quinn@example.com"})}
	m2 := h.EM()
	must(t, m2.Persist(b))
	books, err := em.Find[Book](h.Ctx, m2, query.M{"author.name": "Quinn"})
	must(t, err)
	if len(books) != 1 || books[0] != b {
		t.Fatalf("Find through a relation after Persist: %d books", len(books))
	}
}

// FlushModeCommitAndAlways checks FlushCommit (queries never flush) and
// FlushAlways (every query flushes first) set on a fork.
func FlushModeCommitAndAlways(t *testing.T, h *Harness) {
	m := h.Global.Fork(em.ForkFlushMode(gomikro.FlushCommit))
	a := &Author{Name: "Pat", Email: "pat@example.com"}
	must(t, m.Persist(a))
	got, err := em.FindOne[Author](h.Ctx, m, query.Eq("email", "pat@example.com"))
	must(t, err)
	if got != nil || a.ID != 0 {
		t.Fatalf("COMMIT: Find after Persist saw the pending author (id %d)", a.ID)
	}
	if n, _ := em.Count[Author](h.Ctx, m, nil); n != 0 {
		t.Fatalf("COMMIT: Count %d", n)
	}
	must(t, m.Flush(h.Ctx))
	if n, _ := em.Count[Author](h.Ctx, m, nil); n != 1 {
		t.Fatalf("COMMIT: Count after Flush %d", n)
	}
	if f := m.Fork(); f.FlushMode() != gomikro.FlushCommit {
		t.Fatalf("a fork of a COMMIT fork has mode %v", f.FlushMode())
	}
	// ALWAYS: an unrelated query flushes too.
	al := h.Global.Fork(em.ForkFlushMode(gomikro.FlushAlways))
	ed := &Edition{ISBN: "978-3", Printing: 1}
	must(t, al.Persist(ed))
	_, err = em.Find[Author](h.Ctx, al, nil)
	must(t, err)
	if c, _ := em.Count[Edition](h.Ctx, h.EM(), nil); c != 1 {
		t.Fatal("ALWAYS: a query did not flush the pending edition")
	}
	// ALWAYS with nothing pending sends nothing more than the query.
	if q := h.queries(t, func() { _, err = em.Find[Author](h.Ctx, al, nil) }); q != 1 || err != nil {
		t.Fatalf("ALWAYS with nothing pending: %d statements, err %v; want 1", q, err)
	}
	if _, err := em.Find[Author](h.Ctx, m, nil, em.WithFlushMode(9)); err == nil {
		t.Fatal("an unknown flush mode was accepted")
	}
}

// FlushModePerQueryAndConfig checks the per-query option overriding the
// EntityManager's mode both ways, and Config.FlushMode.
func FlushModePerQueryAndConfig(t *testing.T, h *Harness) {
	m := h.Global.Fork(em.ForkFlushMode(gomikro.FlushCommit))
	a := &Author{Name: "Pat", Email: "pat@example.com"}
	must(t, m.Persist(a))
	got, err := em.FindOne[Author](h.Ctx, m, query.Eq("email", "pat@example.com"), em.WithFlushMode(gomikro.FlushAuto))
	must(t, err)
	if got != a {
		t.Fatal("COMMIT fork, AUTO query: the pending author was not flushed")
	}
	m2 := h.EM()
	b := &Author{Name: "Kim", Email: "kim@example.com"}
	must(t, m2.Persist(b))
	n, err := em.Count[Author](h.Ctx, m2, nil, em.WithFlushMode(gomikro.FlushCommit))
	must(t, err)
	if n != 1 || b.ID != 0 {
		t.Fatalf("AUTO fork, COMMIT query: count %d, id %d; want 1 and no flush", n, b.ID)
	}
	g := h.Open(gomikro.Config{FlushMode: gomikro.FlushCommit})
	f := g.Fork()
	if f.FlushMode() != gomikro.FlushCommit {
		t.Fatalf("a fork of an ORM opened with FlushCommit has mode %v", f.FlushMode())
	}
	c := &Author{Name: "Lee", Email: "lee@example.com"}
	must(t, f.Persist(c))
	if got, err := em.FindOne[Author](h.Ctx, f, query.Eq("email", "lee@example.com")); err != nil || got != nil {
		t.Fatalf("Config FlushCommit: Find after Persist gave %v, %v", got, err)
	}
}

// FailedAutoFlushLeavesUnitOfWork checks that a failing auto flush fails
// the query with the flush's error and leaves the unit of work as it was,
// to be fixed and flushed.
func FailedAutoFlushLeavesUnitOfWork(t *testing.T, h *Harness) {
	m := h.EM()
	seed(t, h, m)
	x := &Author{Name: "X", Email: "ann@example.com"} // taken by the seeded author
	must(t, m.Persist(x))
	_, err := em.Find[Author](h.Ctx, m, nil)
	if !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("Find with a failing auto flush: %v, want ErrUniqueViolation", err)
	}
	if x.ID != 0 || !m.Contains(x) {
		t.Fatalf("after the failed flush: id %d, managed %v; want 0, true", x.ID, m.Contains(x))
	}
	if _, err := em.Count[Author](h.Ctx, m, nil); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("Count with the same pending author: %v", err)
	}
	x.Email = "x@example.com"
	n, err := em.Count[Author](h.Ctx, m, nil)
	must(t, err)
	if n != 2 || x.ID == 0 {
		t.Fatalf("after the fix: count %d, id %d", n, x.ID)
	}
}

// AutoFlushRunsInTransaction checks that inside Transactional the auto
// flush runs in the transaction: the rows it wrote go with a rollback.
func AutoFlushRunsInTransaction(t *testing.T, h *Harness) {
	m := h.EM()
	errStop := errors.New("roll back")
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		a := &Author{Name: "Tx", Email: "tx@example.com"}
		must(t, tx.Persist(a))
		n, err := em.Count[Author](ctx, tx, nil)
		must(t, err)
		if n != 1 || a.ID == 0 {
			t.Errorf("in the transaction: count %d, id %d", n, a.ID)
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Transactional: %v", err)
	}
	if n, _ := em.Count[Author](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("the auto-flushed author outlived the rollback: count %d", n)
	}
}

// StreamIsDetached checks em.Stream: every matching entity, in order,
// none managed (the identity map does not grow), references holding keys,
// OnLoad run, early stop, Populate refused, and the auto flush first.
func StreamIsDetached(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	before := m.Len()
	var titles []string
	for b, err := range em.Stream[Book](h.Ctx, m, nil, em.OrderBy("title")) {
		must(t, err)
		if b == b1 {
			t.Fatal("Stream yielded the managed object")
		}
		if m.Contains(b) {
			t.Fatal("a streamed book is managed")
		}
		if b.Author.ID() != a.ID || b.Author.IsLoaded() {
			t.Fatalf("streamed reference: id %v, loaded %v", b.Author.ID(), b.Author.IsLoaded())
		}
		if _, err := b.Author.Load(h.Ctx); !errors.Is(err, ref.ErrDetached) {
			t.Fatalf("Load on a detached reference: %v", err)
		}
		titles = append(titles, b.Title)
	}
	if len(titles) != 2 || titles[0] != "Go" || titles[1] != "Rust" || m.Len() != before {
		t.Fatalf("streamed %v; identity map %d → %d", titles, before, m.Len())
	}
	f := h.EM()
	n := 0
	for _, err := range em.Stream[Book](h.Ctx, f, query.Gte("year", 2000)) {
		must(t, err)
		n++
		break
	}
	if n != 1 || f.Len() != 0 {
		t.Fatalf("early stop: %d books, identity map %d", n, f.Len())
	}
	for _, err := range em.Stream[Book](h.Ctx, f, nil, em.Populate("Author")) {
		if err == nil {
			t.Fatal("Stream with Populate was accepted")
		}
	}
	art := &Article{Title: "Hello"}
	must(t, f.Persist(art)) // flushed by the stream's auto flush
	got := 0
	for x, err := range em.Stream[Article](h.Ctx, f, nil) {
		must(t, err)
		if !x.Loaded {
			t.Fatal("OnLoad did not run for a streamed article")
		}
		got++
	}
	if got != 1 {
		t.Fatalf("streamed %d articles after Persist, want 1 (auto flush)", got)
	}
}
