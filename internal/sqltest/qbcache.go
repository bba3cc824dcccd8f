package sqltest

import (
	"context"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// qbCache: the query builder's GetResult with Cache is answered from the
// result cache in any fork, hydrated into that fork; a flush writing
// the type drops it; JoinAndSelect and a TTL that is not positive are
// refused.
func qbCache(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	w := orm.EM().Fork()
	a := &conformance.Author{Name: "Ann", Email: "ann@example.com"}
	must(t, w.Persist(&conformance.Book{Title: "Go", Year: 2015, Author: ref.To(a)}, &conformance.Book{Title: "Rust", Year: 2018, Author: ref.To(a)}))
	must(t, w.Flush(ctx))

	get := func(year int, wantN int, wantQ int64, what string) []*conformance.Book {
		t.Helper()
		m := orm.EM().Fork()
		before := m.QueryCount()
		bs, err := sqlem.QB[conformance.Book](m, "b").Where(query.Gte("year", year)).OrderBy("b.title").Cache(time.Minute).GetResult(ctx)
		must(t, err)
		if q := m.QueryCount() - before; len(bs) != wantN || q != wantQ {
			t.Fatalf("%s: %d books, %d statements; want %d, %d", what, len(bs), q, wantN, wantQ)
		}
		for _, x := range bs {
			if !m.Contains(x) {
				t.Fatalf("%s: a cached result is not managed by the fork", what)
			}
		}
		return bs
	}
	get(2000, 2, 1, "first")
	bs := get(2000, 2, 0, "again, another fork")
	if bs[0].Title != "Go" || bs[0].Author.ID() != a.ID {
		t.Fatalf("cache hit: %+v", bs[0])
	}
	get(2016, 1, 1, "other parameters")
	m := orm.EM().Fork()
	must(t, m.Persist(&conformance.Book{Title: "Zig", Year: 2020, Author: ref.FromID[conformance.Author](a.ID)}))
	must(t, m.Flush(ctx))
	get(2000, 3, 1, "after a flush of a book")

	// Populate runs after a hit.
	p := orm.EM().Fork()
	before := p.QueryCount()
	bs, err := sqlem.QB[conformance.Book](p, "b").Where(query.Gte("year", 2000)).OrderBy("b.title").Cache(time.Minute).Populate("Author").GetResult(ctx)
	must(t, err)
	if q := p.QueryCount() - before; q != 1 || bs[0].Author.Get() == nil || bs[0].Author.Get().Name != "Ann" {
		t.Fatalf("hit with Populate: %d statements, want 1", q)
	}
	if _, err := sqlem.QB[conformance.Book](p, "b").JoinAndSelect("b.author", "a").Cache(time.Minute).GetResult(ctx); err == nil {
		t.Fatal("Cache with JoinAndSelect must be refused")
	}
	if _, err := sqlem.QB[conformance.Book](p, "b").Cache(0).GetResult(ctx); err == nil {
		t.Fatal("Cache(0) must be refused")
	}
}
