package qbtest

import (
	"errors"
	"slices"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// iterateDetached checks Iterate with Detached: the entities are not
// managed, joined m:1 entities come along (detached too), plain
// references hold keys, and GetResult refuses it.
func iterateDetached(e *env) {
	m := e.fork()
	var got []string
	for b, err := range sqlem.QB[QBook](m, "b").JoinAndSelect("b.author", "a").OrderBy("b.year", "b.title").Detached().Iterate(e.ctx) {
		e.must(err)
		a := b.Author.Get()
		if a == nil || a.Name == "" || !b.Author.IsLoaded() {
			e.t.Fatalf("a detached book's joined author: %+v", a)
		}
		got = append(got, b.Title)
	}
	if !slices.Equal(got, []string{"Go 1", "Bob's", "Go 2", "SQL", "Go 3"}) {
		e.t.Fatalf("iterated %q", got)
	}
	if m.Len() != 0 {
		t := m.Len()
		e.t.Fatalf("a detached stream filled the identity map with %d objects", t)
	}
	n := 0
	for b, err := range sqlem.QB[QBook](m, "b").Where(query.M{"title": "SQL"}).Detached().Iterate(e.ctx) {
		e.must(err)
		if b.Author.IsLoaded() || b.Author.ID() == nil {
			e.t.Fatalf("a detached reference: loaded %v, id %v", b.Author.IsLoaded(), b.Author.ID())
		}
		if _, err := b.Author.Load(e.ctx); !errors.Is(err, ref.ErrDetached) {
			e.t.Fatalf("Load on a detached reference: %v", err)
		}
		if m.Contains(b) {
			e.t.Fatal("a detached book is managed")
		}
		n++
	}
	if n != 1 || m.Len() != 0 {
		e.t.Fatalf("%d books, identity map %d", n, m.Len())
	}
	if _, err := sqlem.QB[QBook](m, "b").Detached().GetResult(e.ctx); err == nil {
		e.t.Fatal("GetResult with Detached was accepted")
	}
}

// qbFlushMode checks the flush mode for query-builder selects: AUTO
// flushes pending changes of the root and joined types, COMMIT does not,
// the builder's FlushMode overrides the EntityManager's.
func qbFlushMode(e *env) {
	m := e.fork()
	a := &QAuthor{Name: "Zed", Email: "zed@example.com"}
	must := e.must
	must(m.Persist(&QBook{Title: "Pending", Author: ref.To(a)}))
	c, err := sqlem.QB[QBook](m, "b").Where(query.M{"title": "Pending"}).FlushMode(gomikro.FlushCommit).Count(e.ctx)
	must(err)
	if c != 0 || a.ID != 0 {
		e.t.Fatalf("COMMIT select: count %d, author id %d", c, a.ID)
	}
	// A select on authors joined to books: the pending author is flushed.
	as, err := sqlem.QB[QAuthor](m, "a").Where(query.M{"name": "Zed"}).GetResult(e.ctx)
	must(err)
	if len(as) != 1 || as[0] != a {
		e.t.Fatalf("AUTO select after Persist: %d authors", len(as))
	}
	// Changes found by change tracking, seen through a join.
	a.Name = "Zoe"
	bs, err := sqlem.QB[QBook](m, "b").Join("b.author", "a").Where(query.M{"a.name": "Zoe"}).GetResult(e.ctx)
	must(err)
	if len(bs) != 1 {
		e.t.Fatalf("AUTO select through a join after a change: %d books", len(bs))
	}
	cm := e.orm.EM().Fork(em.ForkFlushMode(gomikro.FlushCommit))
	must(cm.Persist(&QAuthor{Name: "Yan", Email: "yan@example.com"}))
	n, err := sqlem.QB[QAuthor](cm, "a").Where(query.M{"name": "Yan"}).Count(e.ctx)
	must(err)
	if n != 0 {
		e.t.Fatalf("COMMIT fork: count %d", n)
	}
	n, err = sqlem.QB[QAuthor](cm, "a").Where(query.M{"name": "Yan"}).FlushMode(gomikro.FlushAuto).Count(e.ctx)
	must(err)
	if n != 1 {
		e.t.Fatalf("COMMIT fork, AUTO select: count %d", n)
	}
}
