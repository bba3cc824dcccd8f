package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	seeding "github.com/gomikro/gomikro/seed"
)

var seedScenarios = []Scenario{
	scenario(SeedFactoryRelations),
	scenario(SeedDeterministic),
	scenario(SeederFailureRollsBack),
	scenario(SeederWithoutTransaction),
}

// seedFactories are the scenarios' factories: authors, publishers, and
// books that each get a new author of their own.
func seedFactories() (authors *seeding.Factory[Author], publishers *seeding.Factory[Publisher], books *seeding.Factory[Book]) {
	authors = seeding.NewFactory(func(g *seeding.Gen) Author {
		age := g.Int(20, 80)
		return Author{Name: g.Name(), Email: g.Email(), Age: &age, Active: g.Bool()}
	})
	publishers = seeding.NewFactory(func(g *seeding.Gen) Publisher {
		return Publisher{Name: fmt.Sprintf("%s Press %d", g.LastName(), g.N)}
	})
	books = seeding.NewFactory(func(g *seeding.Gen) Book {
		return Book{Title: g.Sentence(3), Price: float64(g.Int(100, 9999)) / 100, Year: g.Int(1950, 2025),
			Author: ref.To(authors.MakeOne())}
	})
	return authors, publishers, books
}

// SeedFactoryRelations persists factory-made objects with their
// relations (an m:1 from another factory, an m:1 picked from a given
// set, a 1:m collection filled by Each, overrides) and reads them back.
func SeedFactoryRelations(t *testing.T, h *Harness) {
	authors, publishers, books := seedFactories()
	m := h.EM()
	pubs, err := publishers.Create(h.Ctx, m, 2)
	must(t, err)
	// Every book gets a new author of its own and a publisher of the two.
	made, err := books.Each(func(g *seeding.Gen, b *Book) { b.Publisher = ref.To(seeding.Pick(g, pubs)) }).
		Create(h.Ctx, m, 4, func(b *Book) { b.Year = 2001 })
	must(t, err)
	for _, b := range made {
		if b.ID == 0 || b.Author.Get() == nil || b.Author.Get().ID == 0 {
			t.Fatalf("a created book or its author has no key: %+v", b)
		}
	}
	// Authors with two books each, filled by Each.
	prolific, err := authors.Each(func(g *seeding.Gen, a *Author) {
		for _, b := range books.Make(2, func(b *Book) { b.Author = ref.To(a) }) {
			a.Books.Add(b)
		}
	}).Create(h.Ctx, m, 3)
	must(t, err)
	one, err := authors.CreateOne(h.Ctx, m, func(a *Author) { a.Name = "Override" })
	must(t, err)

	r := h.EM()
	if n, err := em.Count[Author](h.Ctx, r, nil); err != nil || n != 4+3+1 {
		// The authors the prolific authors' books' definition made were
		// replaced by the override, so nothing reaches them.
		t.Fatalf("%d authors (%v), want 8: 4 for the first books, 3 prolific, 1 more", n, err)
	}
	got, err := em.Find[Book](h.Ctx, r, query.Eq("year", 2001), em.Populate("Author", "Publisher"), em.OrderBy("id"))
	must(t, err)
	if len(got) != 4 {
		t.Fatalf("%d books of 2001, want 4", len(got))
	}
	emails := map[string]bool{}
	for i, b := range got {
		if b.Title != made[i].Title || b.Author.Get() == nil || b.Author.Get().Email != made[i].Author.Get().Email {
			t.Errorf("book %d read back as %q by %v, want %q by %s", i, b.Title, b.Author.Get(), made[i].Title, made[i].Author.Get().Email)
		}
		if p := b.Publisher.Get(); p == nil || (p.ID != pubs[0].ID && p.ID != pubs[1].ID) {
			t.Errorf("book %d has publisher %v, want one of the two created", i, p)
		}
		emails[b.Author.Get().Email] = true
	}
	if len(emails) != 4 {
		t.Errorf("the 4 books have %d distinct author emails, want 4 (the sequence keeps them unique)", len(emails))
	}
	for _, a := range prolific {
		back, err := em.FindOneOrFail[Author](h.Ctx, r, query.Eq("id", a.ID), em.Populate("Books"))
		must(t, err)
		if back.Books.Len() != 2 {
			t.Errorf("author %s has %d books, want 2", a.Email, back.Books.Len())
		}
	}
	if back, err := em.FindOneOrFail[Author](h.Ctx, r, query.Eq("id", one.ID)); err != nil || back.Name != "Override" {
		t.Errorf("CreateOne with an override read back as %v (%v)", back, err)
	}
}

// SeedDeterministic checks that factories with the same seed make the
// same objects, and that what Create persisted is what a new factory
// with that seed makes.
func SeedDeterministic(t *testing.T, h *Harness) {
	authors, _, _ := seedFactories()
	a, b := authors.WithSeed(42).Make(5), authors.WithSeed(42).Make(5)
	other := authors.WithSeed(43).Make(5)
	same := true
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Email != b[i].Email || *a[i].Age != *b[i].Age || a[i].Active != b[i].Active {
			t.Errorf("object %d differs with the same seed: %+v and %+v", i, a[i], b[i])
		}
		same = same && a[i].Name == other[i].Name && *a[i].Age == *other[i].Age
	}
	if same {
		t.Error("seeds 42 and 43 made the same five authors")
	}
	created, err := authors.WithSeed(42).Create(h.Ctx, h.EM(), 5)
	must(t, err)
	back, err := em.FindAll[Author](h.Ctx, h.EM(), em.OrderBy("id"))
	must(t, err)
	if len(back) != 5 {
		t.Fatalf("%d authors read back, want 5", len(back))
	}
	for i := range back {
		if back[i].ID != created[i].ID || back[i].Name != a[i].Name || back[i].Email != a[i].Email || back[i].Age == nil || *back[i].Age != *a[i].Age {
			t.Errorf("author %d read back as %+v, want %+v", i, back[i], a[i])
		}
	}
}

// SeederFailureRollsBack checks that seeding.Run runs the seeders in one
// transaction: a seeder that fails after others flushed leaves nothing.
func SeederFailureRollsBack(t *testing.T, h *Harness) {
	authors, _, books := seedFactories()
	boom := errors.New("boom")
	writers := seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		_, err := authors.Create(ctx, m, 3)
		return err
	})
	failing := seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		if _, err := books.Create(ctx, m, 2); err != nil {
			return err
		}
		return boom
	})
	database := seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		return seeding.Call(ctx, m, writers, failing)
	})
	err := seeding.Run(h.Ctx, h.EM(), database)
	if !errors.Is(err, boom) {
		t.Fatalf("seeding.Run returned %v, want the seeder's error", err)
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after a failed seeder, want 0", n)
	}
	if n, err := em.Count[Book](h.Ctx, h.EM(), nil); err != nil || n != 0 {
		t.Fatalf("%d books after a failed seeder (%v), want 0", n, err)
	}
	// A duplicate key in the last flush rolls back the earlier ones too.
	dup := seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		if _, err := authors.Create(ctx, m, 2); err != nil {
			return err
		}
		return m.Persist(&Author{Name: "A", Email: "same@example.com"}, &Author{Name: "B", Email: "same@example.com"})
	})
	if err := seeding.Run(h.Ctx, h.EM(), dup); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("seeding.Run with a duplicate email returned %v, want ErrUniqueViolation", err)
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after a seeder's failed flush, want 0", n)
	}
	// The same seeders without the failure commit.
	must(t, seeding.Run(h.Ctx, h.EM(), seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		return seeding.Call(ctx, m, writers, writers)
	})))
	if n := authorCount(t, h); n != 6 {
		t.Fatalf("%d authors after two seeders of 3, want 6", n)
	}
}

// SeederWithoutTransaction runs a seeder with seeding.WithoutTransaction,
// the mode for servers without transactions: its work is flushed, and a
// failure leaves what was flushed before it.
func SeederWithoutTransaction(t *testing.T, h *Harness) {
	authors, _, _ := seedFactories()
	must(t, seeding.Run(h.Ctx, h.EM(), seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		// Persisted only: the end of the seeder flushes it.
		return m.Persist(authors.Make(2)[0], authors.MakeOne())
	}), seeding.WithoutTransaction()))
	if n := authorCount(t, h); n != 2 {
		t.Fatalf("%d authors, want 2", n)
	}
	boom := errors.New("boom")
	err := seeding.Run(h.Ctx, h.EM(), seeding.Func(func(ctx context.Context, m *em.EntityManager) error {
		if _, err := authors.Create(ctx, m, 1); err != nil {
			return err
		}
		must(t, m.Persist(authors.MakeOne()))
		return boom
	}), seeding.WithoutTransaction())
	if !errors.Is(err, boom) {
		t.Fatalf("seeding.Run returned %v, want the seeder's error", err)
	}
	if n := authorCount(t, h); n != 3 {
		t.Fatalf("%d authors, want 3: the one Create flushed stays, the one only persisted does not", n)
	}
}
