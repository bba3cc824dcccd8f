package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var cache = []Scenario{
	scenario(CacheHitSendsNoStatement),
	scenario(CacheKeepsManagedEntities),
	scenario(CacheInvalidatedByFlushOfItsType),
	scenario(CacheExpires),
	scenario(CacheAsAndClear),
	scenario(CacheBypassedInTransaction),
}

// CacheHitSendsNoStatement: a cached find or count asked again, in any
// fork, is answered without a statement; the rows become managed
// entities of the asking fork, with references and populate as usual.
func CacheHitSendsNoStatement(t *testing.T, h *Harness) {
	a, _, _ := seed(t, h, h.EM())
	where := query.Eq("author", a.ID)
	m1 := h.EM()
	before := h.Count()
	b1, err := em.Find[Book](h.Ctx, m1, where, em.OrderBy("title"), em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 1 || len(b1) != 2 {
		t.Fatalf("first cached find: %d books, %d statements; want 2 books, 1 statement", len(b1), q)
	}
	n, err := em.Count[Book](h.Ctx, m1, where, em.Cache(time.Minute))
	must(t, err)
	if n != 2 {
		t.Fatalf("count %d, want 2", n)
	}

	m2 := h.EM()
	before = h.Count()
	b2, err := em.Find[Book](h.Ctx, m2, where, em.OrderBy("title"), em.Cache(time.Minute))
	must(t, err)
	n, err = em.Count[Book](h.Ctx, m2, where, em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 0 {
		t.Fatalf("cached find and count asked again: %d statements, want 0", q)
	}
	if len(b2) != 2 || n != 2 || b2[0].Title != "Go" || b2[1].Title != "Rust" || b2[0].Meta["pages"] != 300.0 {
		t.Fatalf("cache hit: %d books (%v), count %d", len(b2), b2, n)
	}
	if b2[0] == b1[0] || !m2.Contains(b2[0]) || m1.Contains(b2[0]) {
		t.Fatal("a cache hit must hydrate new objects managed by the fork that asks")
	}
	if b2[0].Author.Get() != b2[1].Author.Get() || b2[0].Author.ID() != a.ID {
		t.Fatal("references of a cache hit must point to one managed reference per key")
	}
	// A change to a hit's mutable values stays in its own object.
	b2[0].Meta["pages"] = 1.0
	b3, err := em.Find[Book](h.Ctx, h.EM(), where, em.OrderBy("title"), em.Cache(time.Minute))
	must(t, err)
	if b3[0].Meta["pages"] != 300.0 {
		t.Fatalf("a change to a cached entity's map leaked into the cache: %v", b3[0].Meta)
	}
	// Populate runs as usual on a hit: one statement for the authors.
	m4 := h.EM()
	before = h.Count()
	b4, err := em.Find[Book](h.Ctx, m4, where, em.OrderBy("title"), em.Cache(time.Minute), em.Populate("Author"))
	must(t, err)
	if q := h.Count() - before; q != 1 || b4[0].Author.Get().Name != "Ann" {
		t.Fatalf("cache hit with Populate: %d statements, want 1 (the populate)", q)
	}
	// Other filter values are another key.
	before = h.Count()
	none, err := em.Find[Book](h.Ctx, h.EM(), query.Eq("author", a.ID+1000), em.OrderBy("title"), em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 1 || len(none) != 0 {
		t.Fatalf("find with another value: %d books, %d statements", len(none), q)
	}
	// FindOne is cached too.
	m5 := h.EM()
	_, err = em.FindOne[Book](h.Ctx, m5, query.Eq("title", "Go"), em.Cache(time.Minute))
	must(t, err)
	before = h.Count()
	one, err := em.FindOne[Book](h.Ctx, h.EM(), query.Eq("title", "Go"), em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 0 || one == nil || one.Title != "Go" {
		t.Fatalf("cached FindOne asked again: %v, %d statements", one, q)
	}
}

// CacheKeepsManagedEntities: a cache hit merges into the identity map
// as a query does: an entity the fork manages keeps its object and its
// unflushed changes.
func CacheKeepsManagedEntities(t *testing.T, h *Harness) {
	a, _, _ := seed(t, h, h.EM())
	_, err := em.Find[Author](h.Ctx, h.EM(), nil, em.Cache(time.Minute))
	must(t, err)
	m := h.EM()
	mine, err := em.FindOne[Author](h.Ctx, m, query.Eq("id", a.ID))
	must(t, err)
	mine.Name = "Unflushed"
	before := h.Count()
	got, err := em.Find[Author](h.Ctx, m, nil, em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 0 {
		t.Fatalf("cache hit: %d statements", q)
	}
	if len(got) != 1 || got[0] != mine || got[0].Name != "Unflushed" {
		t.Fatalf("cache hit replaced the managed entity or its changes: %+v", got)
	}
	// Refresh overwrites it, as a query with Refresh does.
	got, err = em.Find[Author](h.Ctx, m, nil, em.Cache(time.Minute), em.Refresh())
	must(t, err)
	if got[0] != mine || mine.Name != "Ann" {
		t.Fatalf("Refresh with a cache hit: %q, want Ann", mine.Name)
	}
}

// CacheInvalidatedByFlushOfItsType: a committed flush that writes rows
// of a type drops the cached results of that type (and of queries whose
// filter reaches it), not those of other types.
func CacheInvalidatedByFlushOfItsType(t *testing.T, h *Harness) {
	a, _, _ := seed(t, h, h.EM())
	books := func(want int, wantQ int64, what string) []*Book {
		t.Helper()
		before := h.Count()
		bs, err := em.Find[Book](h.Ctx, h.EM(), nil, em.OrderBy("title"), em.Cache(time.Minute))
		must(t, err)
		if q := h.Count() - before; q != wantQ || len(bs) != want {
			t.Fatalf("%s: %d books, %d statements; want %d, %d", what, len(bs), q, want, wantQ)
		}
		return bs
	}
	// A backend may need more than one statement for a filter through a
	// relation (MongoDB reads the authors' keys first): hit or miss.
	byAuthor := func(miss int64, what string) {
		t.Helper()
		before := h.Count()
		_, err := em.Count[Book](h.Ctx, h.EM(), query.Eq("author.name", "Ann"), em.Cache(time.Minute))
		must(t, err)
		if q := h.Count() - before; min(q, 1) != miss {
			t.Fatalf("%s: count by author name: %d statements, want a cache hit: %v", what, q, miss == 0)
		}
	}
	books(2, 1, "first")
	byAuthor(1, "first")
	books(2, 0, "again")

	// A flush of another type leaves the books' results.
	m := h.EM()
	must(t, m.Persist(&Tag{Name: "unrelated"}))
	must(t, m.Flush(h.Ctx))
	books(2, 0, "after a flush of a tag")
	byAuthor(0, "after a flush of a tag")

	// An author's change drops the results whose filter reaches authors.
	au, err := em.FindOne[Author](h.Ctx, m, query.Eq("id", a.ID))
	must(t, err)
	au.Age = ptr(41)
	must(t, m.Flush(h.Ctx))
	books(2, 0, "after an author's update")
	byAuthor(1, "after an author's update")

	// Inserting, updating and deleting books drops the books' results.
	must(t, m.Persist(&Book{Title: "Zig", Year: 2020, Author: ref.To(au)}))
	must(t, m.Flush(h.Ctx))
	bs := books(3, 1, "after an insert")
	m2 := h.EM()
	b, err := em.FindOne[Book](h.Ctx, m2, query.Eq("id", bs[2].ID))
	must(t, err)
	b.Title = "Zig 2"
	must(t, m2.Flush(h.Ctx))
	if bs = books(3, 1, "after an update"); bs[2].Title != "Zig 2" {
		t.Fatalf("after an update: %q", bs[2].Title)
	}
	must(t, m2.Remove(b))
	must(t, m2.Flush(h.Ctx))
	books(2, 1, "after a delete")
	books(2, 0, "again")

	// An upsert writes too.
	tags := func(wantQ int64, what string) {
		t.Helper()
		before := h.Count()
		_, err := em.Find[Tag](h.Ctx, h.EM(), nil, em.Cache(time.Minute))
		must(t, err)
		if q := h.Count() - before; q != wantQ {
			t.Fatalf("%s: find tags: %d statements, want %d", what, q, wantQ)
		}
	}
	tags(1, "first")
	tags(0, "again")
	_, err = em.Upsert(h.Ctx, h.EM(), &Tag{Name: "upserted"}, em.OnConflict("name"))
	must(t, err)
	tags(1, "after an upsert")
}

// CacheExpires: a cached result lives for its time to live.
func CacheExpires(t *testing.T, h *Harness) {
	seed(t, h, h.EM())
	ttl := 300 * time.Millisecond
	_, err := em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(ttl))
	must(t, err)
	before := h.Count()
	_, err = em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(ttl))
	must(t, err)
	hit := h.Count() - before
	time.Sleep(ttl + 100*time.Millisecond)
	before = h.Count()
	_, err = em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(ttl))
	must(t, err)
	if q := h.Count() - before; hit != 0 || q != 1 {
		t.Fatalf("statements within the TTL %d (want 0), after it %d (want 1)", hit, q)
	}
	if _, err := em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(0)); err == nil {
		t.Fatal("Cache(0) must be refused")
	}
}

// CacheAsAndClear: a result cached under a key of the caller's goes with
// ClearCacheKey; ClearCache drops the results of the types named (writes
// the ORM does not see).
func CacheAsAndClear(t *testing.T, h *Harness) {
	seed(t, h, h.EM())
	find := func(wantQ int64, what string) {
		t.Helper()
		before := h.Count()
		_, err := em.Find[Author](h.Ctx, h.EM(), nil, em.CacheAs("authors", time.Minute))
		must(t, err)
		if q := h.Count() - before; q != wantQ {
			t.Fatalf("%s: %d statements, want %d", what, q, wantQ)
		}
	}
	find(1, "first")
	find(0, "again")
	must(t, h.Global.ClearCacheKey(h.Ctx, "authors"))
	find(1, "after ClearCacheKey")
	must(t, h.Global.ClearCache(h.Ctx, Book{}))
	find(0, "after ClearCache of books")
	must(t, h.Global.ClearCache(h.Ctx, &Author{}))
	find(1, "after ClearCache of authors")
	must(t, h.Global.ClearCache(h.Ctx))
	find(1, "after ClearCache of everything")
	if err := h.Global.ClearCache(h.Ctx, 42); err == nil {
		t.Fatal("ClearCache of a type that is no entity must fail")
	}
}

// CacheBypassedInTransaction: inside a transaction the cache is neither
// read nor filled, and the commit drops the results of what it wrote.
func CacheBypassedInTransaction(t *testing.T, h *Harness) {
	seed(t, h, h.EM())
	_, err := em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(time.Minute))
	must(t, err)
	m := h.EM()
	must(t, m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		before := h.Count()
		n, err := em.Count[Book](ctx, tx, nil, em.Cache(time.Minute))
		if err != nil {
			return err
		}
		if q := h.Count() - before; q != 1 || n != 2 {
			t.Errorf("cached count in a transaction: %d, %d statements; want 2, 1 (the cache is not read)", n, q)
		}
		a, err := em.FindOneOrFail[Author](ctx, tx, nil)
		if err != nil {
			return err
		}
		return tx.Persist(&Book{Title: "In tx", Author: ref.To(a)})
	}))
	before := h.Count()
	n, err := em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(time.Minute))
	must(t, err)
	if q := h.Count() - before; q != 1 || n != 3 {
		t.Fatalf("after the commit: %d books, %d statements; want 3, 1", n, q)
	}

	// Begin and Commit: a result cached by another fork between the
	// transaction's flush and its commit goes at the commit.
	m2 := h.EM()
	must(t, m2.Begin(h.Ctx))
	a, err := em.FindOneOrFail[Author](h.Ctx, m2, nil)
	must(t, err)
	must(t, m2.Persist(&Book{Title: "Begun", Author: ref.To(a)}))
	must(t, m2.Flush(h.Ctx))
	if n, err = em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(time.Minute)); err != nil || n != 3 {
		t.Fatalf("count beside the transaction: %d %v, want 3", n, err)
	}
	must(t, m2.Commit(h.Ctx))
	if n, err = em.Count[Book](h.Ctx, h.EM(), nil, em.Cache(time.Minute)); err != nil || n != 4 {
		t.Fatalf("count after the commit: %d %v, want 4 (the cached 3 dropped)", n, err)
	}
}
