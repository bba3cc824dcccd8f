package conformance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var relations = []Scenario{
	scenario(ManyToOnePopulate),
	scenario(OneToManyPopulate),
	scenario(OneToManyAddRemove),
	scenario(ManyToManyOwnerAndInverse),
	scenario(OneToOneOwnerAndInverse),
	scenario(PivotEntityWithCompositeKey),
	scenario(CompositePlainKey),
	scenario(SelfReferenceTree),
	scenario(LazyLoading),
}

// bookTitles returns the sorted titles of books.
func bookTitles(books []*Book) []string {
	out := make([]string, len(books))
	for i, b := range books {
		out[i] = b.Title
	}
	slices.Sort(out)
	return out
}

// tagNames returns the sorted names of tags.
func tagNames(tags []*Tag) []string {
	out := make([]string, len(tags))
	for i, g := range tags {
		out[i] = g.Name
	}
	slices.Sort(out)
	return out
}

// tagsOf reloads the book with key id in a fresh EntityManager and returns
// the sorted names of its tags, duplicates kept.
func tagsOf(t *testing.T, h *Harness, id int64) []string {
	t.Helper()
	b, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", id), em.Populate("Tags"))
	must(t, err)
	if !b.Tags.IsLoaded() {
		t.Fatalf("Populate(\"Tags\") left book %d's tags unloaded", id)
	}
	return tagNames(b.Tags.Items())
}

// authorsWithBooks persists authors, each with books titled "<name> 1",
// "<name> 2", ... up to the count given for it, and returns the authors.
func authorsWithBooks(t *testing.T, h *Harness, m *em.EntityManager, counts map[string]int) map[string]*Author {
	t.Helper()
	out := map[string]*Author{}
	for name, n := range counts {
		a := &Author{Name: name, Email: name + "@example.com"}
		must(t, m.Persist(a))
		for i := 1; i <= n; i++ {
			must(t, m.Persist(&Book{Title: fmt.Sprintf("%s %d", name, i), Year: 2000 + i, Author: ref.To(a)}))
		}
		out[name] = a
	}
	must(t, m.Flush(h.Ctx))
	return out
}

// ManyToOnePopulate checks that populating the m:1 Author of many books costs one
// statement in all, and every reference to one author is the same object.
func ManyToOnePopulate(t *testing.T, h *Harness) {
	m := h.EM()
	authors := authorsWithBooks(t, h, m, map[string]int{"Ann": 4, "Bob": 3, "Cid": 3})

	m2 := h.EM()
	before := h.Count()
	books, err := em.FindAll[Book](h.Ctx, m2, em.Populate("Author"), em.OrderBy("id"))
	must(t, err)
	if n := h.Count() - before; n != 2 {
		t.Fatalf("finding 10 books of 3 authors with Populate(\"Author\") sent %d statements, want 2", n)
	}
	if len(books) != 10 {
		t.Fatalf("found %d books, want 10", len(books))
	}
	byName := map[string]*Author{}
	for _, b := range books {
		if !b.Author.IsLoaded() {
			t.Fatalf("book %q: the populated author is not loaded", b.Title)
		}
		a := b.Author.Get()
		if a == nil {
			t.Fatalf("book %q: no author after Populate", b.Title)
		}
		want := authors[a.Name]
		if want == nil || a.ID != want.ID || !strings.HasPrefix(b.Title, a.Name+" ") {
			t.Fatalf("book %q points to author %q (id %d)", b.Title, a.Name, a.ID)
		}
		if prev, ok := byName[a.Name]; ok && prev != a {
			t.Fatalf("two references to author %q are different objects", a.Name)
		}
		byName[a.Name] = a
		if a.Email != a.Name+"@example.com" {
			t.Fatalf("populated author %q has email %q", a.Name, a.Email)
		}
	}
	if len(byName) != 3 {
		t.Fatalf("%d distinct authors, want 3", len(byName))
	}
	// Loading a populated reference costs nothing and returns the same object.
	before = h.Count()
	got, err := books[0].Author.Load(h.Ctx)
	must(t, err)
	if got != books[0].Author.Get() || h.Count() != before {
		t.Fatal("Load of a populated reference queried or returned another object")
	}
	// A find of the authors in the same fork returns the populated objects.
	ann, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("name", "Ann"))
	must(t, err)
	if ann != byName["Ann"] {
		t.Fatal("the populated author is not the identity map's object")
	}
}

// OneToManyPopulate checks that populating a 1:m collection of several owners costs
// one statement, and nested populates cost one statement per level, however
// many rows they load.
func OneToManyPopulate(t *testing.T, h *Harness) {
	m := h.EM()
	authorsWithBooks(t, h, m, map[string]int{"Ann": 3, "Bob": 2, "Cid": 0})

	m2 := h.EM()
	before := h.Count()
	authors, err := em.FindAll[Author](h.Ctx, m2, em.Populate("Books"), em.OrderBy("name"))
	must(t, err)
	if n := h.Count() - before; n != 2 {
		t.Fatalf("finding 3 authors with Populate(\"Books\") sent %d statements, want 2", n)
	}
	want := map[string][]string{
		"Ann": {"Ann 1", "Ann 2", "Ann 3"},
		"Bob": {"Bob 1", "Bob 2"},
		"Cid": {},
	}
	if len(authors) != 3 {
		t.Fatalf("found %d authors, want 3", len(authors))
	}
	for _, a := range authors {
		if !a.Books.IsLoaded() {
			t.Fatalf("%s's books are not loaded after Populate", a.Name)
		}
		items := a.Books.Items()
		if got := bookTitles(items); !slices.Equal(got, want[a.Name]) {
			t.Fatalf("%s's books: %q, want %q", a.Name, got, want[a.Name])
		}
		for _, b := range items {
			if b.Author.Get() != a {
				t.Fatalf("book %q in %s's collection does not point back to the same author object", b.Title, a.Name)
			}
		}
	}

	// Nested populate: the cost does not grow with the number of books.
	tags := []*Tag{{Name: "go"}, {Name: "db"}, {Name: "web"}}
	small := &Author{Name: "Small", Email: "small@example.com"}
	big := &Author{Name: "Big", Email: "big@example.com"}
	for i := range 2 {
		must(t, m.Persist(&Book{Title: fmt.Sprintf("Small %d", i), Author: ref.To(small), Tags: ref.NewCollection(tags[i%3])}))
	}
	for i := range 6 {
		must(t, m.Persist(&Book{Title: fmt.Sprintf("Big %d", i), Author: ref.To(big), Tags: ref.NewCollection(tags[i%3], tags[(i+1)%3])}))
	}
	must(t, m.Flush(h.Ctx))
	cost := func(a *Author, books, tagsPerBook int) int64 {
		t.Helper()
		before := h.Count()
		got, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID), em.Populate("Books.Tags"))
		must(t, err)
		n := h.Count() - before
		if !got.Books.IsLoaded() || got.Books.Len() != books {
			t.Fatalf("%s: %d books loaded (loaded %v), want %d", a.Name, got.Books.Len(), got.Books.IsLoaded(), books)
		}
		for b := range got.Books.All() {
			if !b.Tags.IsLoaded() || b.Tags.Len() != tagsPerBook {
				t.Fatalf("%s: book %q has %d tags (loaded %v), want %d", a.Name, b.Title, b.Tags.Len(), b.Tags.IsLoaded(), tagsPerBook)
			}
		}
		return n
	}
	n2, n6 := cost(small, 2, 1), cost(big, 6, 2)
	if want := 2 + h.ManyToManyLoads; n2 != n6 || n6 != want {
		t.Fatalf("Populate(\"Books.Tags\") sent %d statements for 2 books and %d for 6, want %d for both", n2, n6, want)
	}
}

// OneToManyAddRemove checks that adding to a loaded 1:m collection sets the child's
// reference; moving a child between owners' collections rewrites its
// foreign key; with orphanRemoval, taking a child out deletes it.
func OneToManyAddRemove(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	bob := &Author{Name: "Bob", Email: "bob@example.com"}
	must(t, m.Persist(bob))
	must(t, m.Flush(h.Ctx))
	titlesOf := func(author int64) []string {
		t.Helper()
		bs, err := em.Find[Book](h.Ctx, h.EM(), query.Eq("author", author))
		must(t, err)
		return bookTitles(bs)
	}

	// Add a new book to a loaded collection.
	m2 := h.EM()
	ga, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("id", a.ID), em.Populate("Books"))
	must(t, err)
	nb := &Book{Title: "Added", Year: 2024}
	ga.Books.Add(nb)
	must(t, m2.Flush(h.Ctx))
	if nb.ID == 0 || nb.Author.Get() != ga {
		t.Fatalf("the added book: id %d, author %p, want the owner %p", nb.ID, nb.Author.Get(), ga)
	}
	if got := titlesOf(a.ID); !slices.Equal(got, []string{"Added", "Go", "Rust"}) {
		t.Fatalf("Ann's books in the database: %q", got)
	}

	// Move a book from one owner's collection to the other's, and back:
	// whichever owner the flush visits first, the move must work.
	m3 := h.EM()
	both, err := em.Find[Author](h.Ctx, m3, query.In("id", a.ID, bob.ID), em.Populate("Books"), em.OrderBy("id"))
	must(t, err)
	if len(both) != 2 {
		t.Fatalf("found %d authors, want 2", len(both))
	}
	ann, gb := both[0], both[1]
	var moved *Book
	for b := range ann.Books.All() {
		if b.Title == "Rust" {
			moved = b
		}
	}
	if moved == nil {
		t.Fatal("Rust is not in Ann's populated books")
	}
	ann.Books.Remove(moved)
	gb.Books.Add(moved)
	must(t, m3.Flush(h.Ctx))
	if moved.Author.Get() != gb {
		t.Fatalf("the moved book points to %p, want Bob %p", moved.Author.Get(), gb)
	}
	if got, got2 := titlesOf(a.ID), titlesOf(bob.ID); !slices.Equal(got, []string{"Added", "Go"}) || !slices.Equal(got2, []string{"Rust"}) {
		t.Fatalf("after moving Rust to Bob: Ann has %q, Bob has %q", got, got2)
	}
	gb.Books.Remove(moved)
	ann.Books.Add(moved)
	must(t, m3.Flush(h.Ctx))
	if got, got2 := titlesOf(a.ID), titlesOf(bob.ID); !slices.Equal(got, []string{"Added", "Go", "Rust"}) || len(got2) != 0 {
		t.Fatalf("after moving Rust back to Ann: Ann has %q, Bob has %q", got, got2)
	}

	// orphanRemoval: a review taken out of Book.Reviews is deleted.
	keep := &Review{Book: ref.To(b1), Reviewer: ref.To(a), Stars: 4}
	drop := &Review{Book: ref.To(b1), Reviewer: ref.To(bob), Stars: 2}
	must(t, m.Persist(keep, drop))
	must(t, m.Flush(h.Ctx))
	m4 := h.EM()
	book, err := em.FindOneOrFail[Book](h.Ctx, m4, query.Eq("id", b1.ID), em.Populate("Reviews"))
	must(t, err)
	if !book.Reviews.IsLoaded() || book.Reviews.Len() != 2 {
		t.Fatalf("populated %d reviews (loaded %v), want 2", book.Reviews.Len(), book.Reviews.IsLoaded())
	}
	var orphan *Review
	for r := range book.Reviews.All() {
		if r.Book.Get() != book {
			t.Fatal("a populated review does not point back to its book object")
		}
		if r.Stars == 2 {
			orphan = r
		}
	}
	book.Reviews.Remove(orphan)
	must(t, m4.Flush(h.Ctx))
	if m4.Contains(orphan) {
		t.Fatal("the orphan is still managed after the flush")
	}
	left, err := em.Find[Review](h.Ctx, h.EM(), query.Eq("book", b1.ID))
	must(t, err)
	if len(left) != 1 || left[0].Stars != 4 || left[0].Reviewer.ID() != a.ID {
		t.Fatalf("%d reviews left after removing the orphan, want only Ann's", len(left))
	}
}

// ManyToManyOwnerAndInverse checks that m:n changes on either side become pivot rows,
// and adding one pair from both sides writes one row.
func ManyToManyOwnerAndInverse(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, b2 := seed(t, h, m)
	goTag, sqlTag := &Tag{Name: "go"}, &Tag{Name: "sql"}
	b1.Tags.Add(goTag, sqlTag)
	must(t, m.Flush(h.Ctx))
	if goTag.ID == 0 || sqlTag.ID == 0 || goTag.ID == sqlTag.ID {
		t.Fatalf("tags reached through a collection were not inserted: %d %d", goTag.ID, sqlTag.ID)
	}
	if got := tagsOf(t, h, b1.ID); !slices.Equal(got, []string{"go", "sql"}) {
		t.Fatalf("b1's tags after Add: %q", got)
	}

	b1.Tags.Remove(goTag)
	must(t, m.Flush(h.Ctx))
	if got := tagsOf(t, h, b1.ID); !slices.Equal(got, []string{"sql"}) {
		t.Fatalf("b1's tags after Remove: %q", got)
	}
	if n, err := em.Count[Tag](h.Ctx, h.EM(), nil); err != nil || n != 2 {
		t.Fatalf("%d tags (%v) after removing a pivot row: the tag itself must stay", n, err)
	}

	// The inverse side reads and writes the same pivot.
	m2 := h.EM()
	st, err := em.FindOneOrFail[Tag](h.Ctx, m2, query.Eq("name", "sql"), em.Populate("Books"))
	must(t, err)
	if !st.Books.IsLoaded() || !slices.Equal(bookTitles(st.Books.Items()), []string{"Go"}) {
		t.Fatalf("the inverse side shows %q (loaded %v), want [Go]", bookTitles(st.Books.Items()), st.Books.IsLoaded())
	}
	rust, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b2.ID))
	must(t, err)
	st.Books.Add(rust)
	must(t, m2.Flush(h.Ctx))
	if got := tagsOf(t, h, b2.ID); !slices.Equal(got, []string{"sql"}) {
		t.Fatalf("b2's tags after adding it on the inverse side: %q", got)
	}

	// The same pair added on both sides in one flush: one pivot row (a
	// second one would fail the flush or show up twice when populated).
	m3 := h.EM()
	rust, err = em.FindOneOrFail[Book](h.Ctx, m3, query.Eq("id", b2.ID), em.Populate("Tags"))
	must(t, err)
	gt, err := em.FindOneOrFail[Tag](h.Ctx, m3, query.Eq("name", "go"), em.Populate("Books"))
	must(t, err)
	db := &Tag{Name: "db"}
	rust.Tags.Add(gt, db)
	gt.Books.Add(rust)
	db.Books.Add(rust)
	must(t, m3.Flush(h.Ctx))
	if got := tagsOf(t, h, b2.ID); !slices.Equal(got, []string{"db", "go", "sql"}) {
		t.Fatalf("b2's tags after adding from both sides: %q", got)
	}
	inv, err := em.FindOneOrFail[Tag](h.Ctx, h.EM(), query.Eq("name", "go"), em.Populate("Books"))
	must(t, err)
	if got := bookTitles(inv.Books.Items()); !slices.Equal(got, []string{"Rust"}) {
		t.Fatalf("the go tag's books: %q, want [Rust]", got)
	}
	before := h.Count()
	must(t, m3.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("the collections were not recorded as flushed: a second flush wrote again")
	}
}

// OneToOneOwnerAndInverse checks that a 1:1 populates from both sides, and its
// foreign key is unique.
func OneToOneOwnerAndInverse(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	solo := &Author{Name: "Solo", Email: "solo@example.com"}
	p := &Profile{Bio: "Writes about Go", Author: ref.To(a)}
	must(t, m.Persist(p, solo))
	must(t, m.Flush(h.Ctx))
	if p.ID == 0 || a.ID == 0 {
		t.Fatalf("keys not assigned: profile %d, author %d", p.ID, a.ID)
	}

	// The inverse side.
	m2 := h.EM()
	before := h.Count()
	authors, err := em.FindAll[Author](h.Ctx, m2, em.Populate("Profile"), em.OrderBy("name"))
	must(t, err)
	if n := h.Count() - before; n != 2 {
		t.Fatalf("Populate(\"Profile\") on 2 authors sent %d statements, want 2", n)
	}
	if len(authors) != 2 {
		t.Fatalf("found %d authors, want 2", len(authors))
	}
	ga, gs := authors[0], authors[1]
	gp := ga.Profile.Get()
	if gp == nil || !ga.Profile.IsLoaded() || gp.ID != p.ID || gp.Bio != "Writes about Go" {
		t.Fatalf("Ann's populated profile: %+v (loaded %v)", gp, ga.Profile.IsLoaded())
	}
	if gp.Author.Get() != ga {
		t.Fatal("the profile does not point back to the same author object")
	}
	if !gs.Profile.IsNil() || gs.Profile.Get() != nil {
		t.Fatal("an author without a profile got one")
	}

	// The owning side.
	m3 := h.EM()
	op, err := em.FindOneOrFail[Profile](h.Ctx, m3, query.Eq("author", a.ID), em.Populate("Author"))
	must(t, err)
	if op.ID != p.ID || !op.Author.IsLoaded() || op.Author.Get() == nil || op.Author.Get().Name != "Ann" {
		t.Fatalf("the profile's populated author: %+v", op.Author.Get())
	}

	// One profile per author.
	m4 := h.EM()
	ra, err := em.GetReference[Author](m4, a.ID)
	must(t, err)
	must(t, m4.Persist(&Profile{Bio: "second", Author: ref.To(ra)}))
	if err := m4.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("a second profile for one author: %v, want ErrUniqueViolation", err)
	}
}

// PivotEntityWithCompositeKey checks that an entity keyed by two references is found,
// identity-mapped, updated and removed by its composite key.
func PivotEntityWithCompositeKey(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, b2 := seed(t, h, m)
	r1 := &Review{Book: ref.To(b1), Reviewer: ref.To(a), Stars: 3}
	r2 := &Review{Book: ref.To(b2), Reviewer: ref.To(a), Stars: 4}
	must(t, m.Persist(r1, r2))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	x, err := em.FindOneOrFail[Review](h.Ctx, m2, query.M{"book": b1.ID, "reviewer": a.ID})
	must(t, err)
	if x.Stars != 3 || x.Note == nil || *x.Note != "none" || x.Book.ID() != b1.ID || x.Reviewer.ID() != a.ID {
		t.Fatalf("review read back: stars %d note %v book %v reviewer %v", x.Stars, x.Note, x.Book.ID(), x.Reviewer.ID())
	}
	y, err := em.FindOneOrFail[Review](h.Ctx, m2, query.And(query.Eq("reviewer", a), query.Eq("book", b1)), em.Populate("Book", "Reviewer"))
	must(t, err)
	if x != y {
		t.Fatal("finding a composite-key row twice gave two objects")
	}
	if !x.Book.IsLoaded() || x.Book.Get().Title != "Go" || x.Reviewer.Get().Name != "Ann" {
		t.Fatal("the review's references were not populated")
	}
	all, err := em.FindAll[Review](h.Ctx, m2, em.OrderBy("stars"))
	must(t, err)
	if len(all) != 2 || all[0] != x || all[1].Stars != 4 {
		t.Fatalf("FindAll gave %d reviews (first is the found one: %v)", len(all), len(all) > 0 && all[0] == x)
	}

	x.Stars = 5
	must(t, m2.Flush(h.Ctx))
	m3 := h.EM()
	got, err := em.Find[Review](h.Ctx, m3, nil, em.OrderBy("stars"))
	must(t, err)
	if len(got) != 2 || got[0].Stars != 4 || got[0].Book.ID() != b2.ID || got[1].Stars != 5 || got[1].Book.ID() != b1.ID {
		t.Fatalf("after updating one review: %d reviews, want b2 with 4 stars and b1 with 5", len(got))
	}

	must(t, m2.Remove(x))
	must(t, m2.Flush(h.Ctx))
	gone, err := em.FindOne[Review](h.Ctx, h.EM(), query.M{"book": b1.ID, "reviewer": a.ID})
	must(t, err)
	if gone != nil {
		t.Fatal("the removed review is still there")
	}
	if n, err := em.Count[Review](h.Ctx, h.EM(), nil); err != nil || n != 1 {
		t.Fatalf("%d reviews (%v) after removing one of two", n, err)
	}
}

// CompositePlainKey checks that an entity keyed by two plain columns is inserted,
// found, updated and deleted one row at a time.
func CompositePlainKey(t *testing.T, h *Harness) {
	m := h.EM()
	first := &Edition{ISBN: "978-0134190440", Printing: 1, Copies: 100}
	second := &Edition{ISBN: "978-0134190440", Printing: 2, Copies: 50}
	must(t, m.Persist(first, second))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	e, err := em.FindOneOrFail[Edition](h.Ctx, m2, query.M{"isbn": "978-0134190440", "printing": 2})
	must(t, err)
	if e.Copies != 50 || e.Printing != 2 {
		t.Fatalf("found %+v, want the second printing", e)
	}
	again, err := em.FindOneOrFail[Edition](h.Ctx, m2, query.And(query.Eq("printing", 2), query.Eq("isbn", "978-0134190440")))
	must(t, err)
	if again != e {
		t.Fatal("finding a composite-key row twice gave two objects")
	}
	e.Copies = 60
	must(t, m2.Flush(h.Ctx))
	check := func(printing, copies int) {
		t.Helper()
		got, err := em.FindOneOrFail[Edition](h.Ctx, h.EM(), query.M{"isbn": "978-0134190440", "printing": printing})
		must(t, err)
		if got.Copies != copies {
			t.Fatalf("printing %d has %d copies, want %d", printing, got.Copies, copies)
		}
	}
	check(2, 60)
	check(1, 100)

	p1, err := em.FindOneOrFail[Edition](h.Ctx, m2, query.M{"isbn": "978-0134190440", "printing": 1})
	must(t, err)
	must(t, m2.Remove(p1))
	must(t, m2.Flush(h.Ctx))
	left, err := em.FindAll[Edition](h.Ctx, h.EM())
	must(t, err)
	if len(left) != 1 || left[0].Printing != 2 || left[0].Copies != 60 {
		t.Fatalf("%d editions left after deleting printing 1, want only printing 2", len(left))
	}
}

// SelfReferenceTree checks that a tree of new objects goes in one flush, parents
// first; a cycle through nullable references is closed by a follow-up
// update; nested populates rebuild the tree.
func SelfReferenceTree(t *testing.T, h *Harness) {
	m := h.EM()
	root := &Category{Name: "root"}
	child := &Category{Name: "child", Parent: ref.To(root)}
	leaf := &Category{Name: "leaf", Parent: ref.To(root)}
	grand := &Category{Name: "grandchild", Parent: ref.To(child)}
	must(t, m.Persist(grand, leaf)) // root and child come along through the references
	must(t, m.Flush(h.Ctx))
	if root.ID == 0 || child.ID == 0 || grand.ID == 0 || leaf.ID == 0 {
		t.Fatalf("keys not assigned: %d %d %d %d", root.ID, child.ID, grand.ID, leaf.ID)
	}

	m2 := h.EM()
	before := h.Count()
	r, err := em.FindOneOrFail[Category](h.Ctx, m2, query.Eq("name", "root"), em.Populate("Children.Children"))
	must(t, err)
	if n := h.Count() - before; n != 3 {
		t.Fatalf("Populate(\"Children.Children\") sent %d statements, want 3", n)
	}
	if !r.Parent.IsNil() || !r.Children.IsLoaded() || r.Children.Len() != 2 {
		t.Fatalf("root: parent %v, %d children (loaded %v)", r.Parent.ID(), r.Children.Len(), r.Children.IsLoaded())
	}
	var gc, gl *Category
	for c := range r.Children.All() {
		if c.Parent.Get() != r {
			t.Fatalf("%s does not point to the root object", c.Name)
		}
		switch c.Name {
		case "child":
			gc = c
		case "leaf":
			gl = c
		}
	}
	if gc == nil || gl == nil {
		t.Fatal("the root's children are not child and leaf")
	}
	if !gl.Children.IsLoaded() || gl.Children.Len() != 0 {
		t.Fatalf("leaf: %d children (loaded %v), want a loaded empty collection", gl.Children.Len(), gl.Children.IsLoaded())
	}
	if !gc.Children.IsLoaded() || gc.Children.Len() != 1 {
		t.Fatalf("child: %d children (loaded %v), want 1", gc.Children.Len(), gc.Children.IsLoaded())
	}
	gg := gc.Children.Items()[0]
	if gg.Name != "grandchild" || gg.ID != grand.ID || gg.Parent.Get() != gc {
		t.Fatalf("grandchild read back as %q (id %d)", gg.Name, gg.ID)
	}
	if gg.Children.IsLoaded() {
		t.Fatal("the third level claims to be loaded though only two were populated")
	}

	// A cycle: two new categories, each the other's parent.
	x := &Category{Name: "x"}
	y := &Category{Name: "y", Parent: ref.To(x)}
	x.Parent = ref.To(y)
	must(t, m.Persist(x))
	must(t, m.Flush(h.Ctx))
	if x.ID == 0 || y.ID == 0 {
		t.Fatalf("keys not assigned in a cycle: %d %d", x.ID, y.ID)
	}
	before = h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("the follow-up update was not recorded: a second flush wrote again")
	}
	cs, err := em.Find[Category](h.Ctx, h.EM(), query.In("name", "x", "y"), em.Populate("Parent"), em.OrderBy("name"))
	must(t, err)
	if len(cs) != 2 || cs[0].Parent.Get() != cs[1] || cs[1].Parent.Get() != cs[0] {
		t.Fatalf("the cycle read back wrong (%d rows)", len(cs))
	}
	if cs[0].ID != x.ID || !cs[0].Parent.IsLoaded() {
		t.Fatal("the cycle's parents were not populated")
	}
}

// LazyLoading checks that references and collections of entities found without
// populate load on demand, once; empty references load as nil; detached
// ones report ref.ErrDetached.
func LazyLoading(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)

	m2 := h.EM()
	b, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b1.ID))
	must(t, err)
	if b.Author.IsLoaded() {
		t.Fatal("an unpopulated reference claims to be loaded")
	}
	before := h.Count()
	ga, err := b.Author.Load(h.Ctx)
	must(t, err)
	if n := h.Count() - before; n != 1 {
		t.Fatalf("Ref.Load sent %d statements, want 1", n)
	}
	if ga == nil || ga.ID != a.ID || ga.Name != "Ann" || !b.Author.IsLoaded() || b.Author.Get() != ga {
		t.Fatalf("Ref.Load gave %+v", ga)
	}
	before = h.Count()
	again, err := b.Author.Load(h.Ctx)
	must(t, err)
	if again != ga || h.Count() != before {
		t.Fatal("a second Ref.Load queried or returned another object")
	}

	if ga.Books.IsLoaded() || ga.Books.Len() != 0 {
		t.Fatalf("an unpopulated collection: loaded %v, %d items", ga.Books.IsLoaded(), ga.Books.Len())
	}
	before = h.Count()
	items, err := ga.Books.Load(h.Ctx)
	must(t, err)
	if n := h.Count() - before; n != 1 {
		t.Fatalf("Collection.Load sent %d statements, want 1", n)
	}
	if !ga.Books.IsLoaded() || !slices.Equal(bookTitles(items), []string{"Go", "Rust"}) || !ga.Books.Contains(b) {
		t.Fatalf("Collection.Load gave %q (contains the managed book: %v)", bookTitles(items), ga.Books.Contains(b))
	}
	before = h.Count()
	items2, err := ga.Books.Load(h.Ctx)
	must(t, err)
	if h.Count() != before || len(items2) != 2 {
		t.Fatal("a second Collection.Load queried")
	}

	// Empty references load as nil without a statement.
	before = h.Count()
	if p, err := b.Publisher.Load(h.Ctx); p != nil || err != nil || !b.Publisher.IsNil() {
		t.Fatalf("Load of a NULL reference: %v, %v", p, err)
	}
	var zero ref.Ref[Author]
	if p, err := zero.Load(h.Ctx); p != nil || err != nil {
		t.Fatalf("Load of a zero Ref: %v, %v", p, err)
	}
	if h.Count() != before {
		t.Fatal("loading an empty reference queried")
	}

	// A reference by id that no EntityManager manages cannot load.
	loose := ref.FromID[Author](a.ID)
	if p, err := loose.Load(h.Ctx); p != nil || !errors.Is(err, ref.ErrDetached) {
		t.Fatalf("Load of a detached reference: %v, %v, want ref.ErrDetached", p, err)
	}
	var unowned ref.Collection[Book]
	if _, err := unowned.Load(h.Ctx); !errors.Is(err, ref.ErrDetached) {
		t.Fatalf("Load of a collection without an owner: %v, want ref.ErrDetached", err)
	}

	// A reference by id on a persisted entity loads through its EntityManager.
	nb := &Book{Title: "By id", Author: ref.FromID[Author](a.ID)}
	must(t, m2.Persist(nb))
	if !nb.Reviews.IsLoaded() || nb.Reviews.Len() != 0 {
		t.Fatal("the collection of a new entity is not loaded and empty")
	}
	got, err := nb.Author.Load(h.Ctx)
	must(t, err)
	if got != ga {
		t.Fatalf("Load of a reference by id gave %p, want the managed author %p", got, ga)
	}
}
