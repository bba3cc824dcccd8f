package conformance

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var queries = []Scenario{
	scenario(FilterOperators),
	scenario(RelationPathFilters),
	scenario(OrderLimitOffset),
	scenario(CountAndFindOne),
	scenario(UnknownPropertyIsAnError),
	scenario(EmptyInMatchesNothing),
	scenario(ValuesAreBound),
	scenario(TypedFilters),
	scenario(TextFormKeys),
}

// The titles of the books stock persists. The filters below avoid relying
// on case sensitivity of $like, $re and ORDER BY, which differ between
// databases and collations.
const (
	tAction    = "Go in Action"                // 2015, 30.00, Ann, Acme, [go]
	tInternals = "Database Internals"          // 2019, 45.50, Ann, -, [db]
	tGoPL      = "The Go Programming Language" // 2015, 35.00, Bob, Acme, [go classic]
	tSQL       = "SQL Antipatterns"            // 2010, 25.00, Bob, Books Inc, [db]
	tDune      = "Dune"                        // 1965, 9.99, Cid, Books Inc, [fiction classic]
	tFast      = "go fast"                     // 2021, 15.00, Cid, -, []
)

// shelf is the data of the query scenarios.
type shelf struct {
	ann, bob, cid *Author
	acme, binc    *Publisher
	books         map[string]*Book
}

// stock persists three authors (Bob without an age), two publishers, four
// tags and the six books above, and returns them flushed.
func stock(t *testing.T, h *Harness) *shelf {
	t.Helper()
	m := h.EM()
	s := &shelf{
		ann:   &Author{Name: "Ann", Email: "ann@example.com", Age: ptr(40), Active: true},
		bob:   &Author{Name: "Bob", Email: "bob@example.com"},
		cid:   &Author{Name: "Cid", Email: "cid@example.com", Age: ptr(25), Active: true},
		acme:  &Publisher{Name: "Acme"},
		binc:  &Publisher{Name: "Books Inc"},
		books: map[string]*Book{},
	}
	goTag, db, fiction, classic := &Tag{Name: "go"}, &Tag{Name: "db"}, &Tag{Name: "fiction"}, &Tag{Name: "classic"}
	add := func(title string, year int, price float64, a *Author, p *Publisher, tags ...*Tag) {
		b := &Book{Title: title, Year: year, Price: price, Author: ref.To(a), Publisher: ref.To(p), Tags: ref.NewCollection(tags...)}
		s.books[title] = b
		must(t, m.Persist(b))
	}
	add(tAction, 2015, 30, s.ann, s.acme, goTag)
	add(tInternals, 2019, 45.5, s.ann, nil, db)
	add(tGoPL, 2015, 35, s.bob, s.acme, goTag, classic)
	add(tSQL, 2010, 25, s.bob, s.binc, db)
	add(tDune, 1965, 9.99, s.cid, s.binc, fiction, classic)
	add(tFast, 2021, 15, s.cid, nil)
	must(t, m.Flush(h.Ctx))
	return s
}

// sorted returns a sorted copy of ss.
func sorted(ss ...string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

// inOrder returns the titles of books in the order given.
func inOrder(books []*Book) []string {
	out := make([]string, len(books))
	for i, b := range books {
		out[i] = b.Title
	}
	return out
}

// authorNames returns the names of authors, sorted, duplicates kept.
func authorNames(authors []*Author) []string {
	out := make([]string, len(authors))
	for i, a := range authors {
		out[i] = a.Name
	}
	slices.Sort(out)
	return out
}

// filterCase is a filter and the sorted titles or names it must match.
type filterCase struct {
	name string
	f    query.Filter
	want []string
}

// checkBooks runs each case as a Book filter in a fresh EntityManager.
func checkBooks(t *testing.T, h *Harness, cases []filterCase) {
	t.Helper()
	for _, c := range cases {
		bs, err := em.Find[Book](h.Ctx, h.EM(), c.f)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got, want := bookTitles(bs), sorted(c.want...); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
}

// checkAuthors runs each case as an Author filter in a fresh EntityManager.
func checkAuthors(t *testing.T, h *Harness, cases []filterCase) {
	t.Helper()
	for _, c := range cases {
		as, err := em.Find[Author](h.Ctx, h.EM(), c.f)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got, want := authorNames(as), sorted(c.want...); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
}

// FilterOperators checks that every operator, in the map form and the helper form,
// matches exactly the expected rows.
func FilterOperators(t *testing.T, h *Harness) {
	s := stock(t, h)
	type M = query.M
	checkBooks(t, h, []filterCase{
		{"map eq", M{"year": 2015}, []string{tAction, tGoPL}},
		{"map $eq", M{"year": M{"$eq": 2015}}, []string{tAction, tGoPL}},
		{"Eq", query.Eq("year", 2015), []string{tAction, tGoPL}},
		{"Eq string", query.Eq("title", tDune), []string{tDune}},
		{"Eq decimal", query.Eq("price", 9.99), []string{tDune}},
		{"map $ne", M{"year": M{"$ne": 2015}}, []string{tInternals, tSQL, tDune, tFast}},
		{"Ne", query.Ne("year", 2015), []string{tInternals, tSQL, tDune, tFast}},
		{"Ne on a nullable reference keeps NULLs", query.Ne("publisher", s.acme.ID), []string{tInternals, tSQL, tDune, tFast}},
		{"map $in", M{"year": M{"$in": []int{2010, 2019}}}, []string{tInternals, tSQL}},
		{"In", query.In("year", 2010, 2019), []string{tInternals, tSQL}},
		{"In with a slice", query.In("year", []int{2010, 2019}), []string{tInternals, tSQL}},
		{"map $nin", M{"year": M{"$nin": []any{2015, 1965}}}, []string{tInternals, tSQL, tFast}},
		{"Nin", query.Nin("year", 2015, 1965), []string{tInternals, tSQL, tFast}},
		{"map $gt", M{"price": M{"$gt": 30}}, []string{tInternals, tGoPL}},
		{"Gt", query.Gt("price", 30), []string{tInternals, tGoPL}},
		{"map $gte", M{"price": M{"$gte": 30}}, []string{tInternals, tGoPL, tAction}},
		{"Gte", query.Gte("price", 30), []string{tInternals, tGoPL, tAction}},
		{"map $lt", M{"year": M{"$lt": 2015}}, []string{tSQL, tDune}},
		{"Lt", query.Lt("year", 2015), []string{tSQL, tDune}},
		{"map $lte", M{"year": M{"$lte": 2015}}, []string{tAction, tGoPL, tSQL, tDune}},
		{"Lte", query.Lte("year", 2015), []string{tAction, tGoPL, tSQL, tDune}},
		{"map range", M{"year": M{"$gte": 2010, "$lt": 2020}}, []string{tAction, tInternals, tGoPL, tSQL}},
		{"map $like", M{"title": M{"$like": "The %"}}, []string{tGoPL}},
		{"Like", query.Like("title", "%Internals"), []string{tInternals}},
		{"map $ilike", M{"title": M{"$ilike": "%GO%"}}, []string{tAction, tGoPL, tFast}},
		{"ILike", query.ILike("title", "dUNE"), []string{tDune}},
		{"map $re", M{"title": M{"$re": "^(Dune|SQL)"}}, []string{tDune, tSQL}},
		{"Re", query.Re("title", "Language$"), []string{tGoPL}},
		{"map $exists false", M{"publisher": M{"$exists": false}}, []string{tInternals, tFast}},
		{"Exists true", query.Exists("publisher", true), []string{tAction, tGoPL, tSQL, tDune}},
		{"map nil", M{"publisher": nil}, []string{tInternals, tFast}},
		{"IsNull", query.IsNull("publisher"), []string{tInternals, tFast}},
		{"Eq nil", query.Eq("publisher", nil), []string{tInternals, tFast}},
		{"map $ne nil", M{"publisher": M{"$ne": nil}}, []string{tAction, tGoPL, tSQL, tDune}},
		{"map implicit and", M{"year": 2015, "price": M{"$gt": 30}}, []string{tGoPL}},
		{"map $and", M{"$and": []M{{"year": 2015}, {"price": M{"$gt": 30}}}}, []string{tGoPL}},
		{"And", query.And(query.Eq("year", 2015), query.Gt("price", 30)), []string{tGoPL}},
		{"map $or", M{"$or": []any{M{"year": M{"$lt": 2000}}, M{"price": M{"$gt": 40}}}}, []string{tDune, tInternals}},
		{"Or", query.Or(query.Lt("year", 2000), query.Gt("price", 40)), []string{tDune, tInternals}},
		{"map $not", M{"$not": M{"year": 2015}}, []string{tInternals, tSQL, tDune, tFast}},
		{"Not", query.Not(query.Eq("year", 2015)), []string{tInternals, tSQL, tDune, tFast}},
		{"Not Or", query.Not(query.Or(query.Lt("year", 2000), query.Gt("price", 40))), []string{tAction, tGoPL, tSQL, tFast}},
		{"And Or Not", query.And(query.Or(query.Eq("year", 2015), query.Eq("year", 2010)), query.Not(query.Like("title", "The %"))), []string{tAction, tSQL}},
		{"nil filter", nil, []string{tAction, tInternals, tGoPL, tSQL, tDune, tFast}},
	})
	checkAuthors(t, h, []filterCase{
		{"map $exists false", query.M{"age": query.M{"$exists": false}}, []string{"Bob"}},
		{"Exists true", query.Exists("age", true), []string{"Ann", "Cid"}},
		{"map nil", query.M{"age": nil}, []string{"Bob"}},
		{"IsNull", query.IsNull("age"), []string{"Bob"}},
		{"Gt skips NULL", query.Gt("age", 30), []string{"Ann"}},
		{"map $in", query.M{"age": query.M{"$in": []int{25, 40}}}, []string{"Ann", "Cid"}},
		{"Eq bool", query.Eq("active", false), []string{"Bob"}},
	})
}

// RelationPathFilters checks that conditions across m:1, 1:m and m:n relations, by
// dotted path or nested map, match each row once; a reference compares by
// raw key or by entity.
func RelationPathFilters(t *testing.T, h *Harness) {
	s := stock(t, h)
	type M = query.M
	checkBooks(t, h, []filterCase{
		{"m:1 path", query.Eq("author.name", "Ann"), []string{tAction, tInternals}},
		{"m:1 path map", M{"author.name": "Bob"}, []string{tGoPL, tSQL}},
		{"m:1 nested map", M{"author": M{"name": "Cid"}}, []string{tDune, tFast}},
		{"m:1 nested operator", M{"author": M{"name": M{"$in": []string{"Ann", "Cid"}}}}, []string{tAction, tInternals, tDune, tFast}},
		{"m:1 nullable column", M{"author": M{"age": M{"$gt": 30}}}, []string{tAction, tInternals}},
		{"nullable m:1 path", query.Eq("publisher.name", "Acme"), []string{tAction, tGoPL}},
		{"raw id", M{"author": s.ann.ID}, []string{tAction, tInternals}},
		{"entity", M{"author": s.ann}, []string{tAction, tInternals}},
		{"Eq entity", query.Eq("author", s.bob), []string{tGoPL, tSQL}},
		{"In raw ids", query.In("author", s.ann.ID, s.cid.ID), []string{tAction, tInternals, tDune, tFast}},
		{"$in entities", M{"author": M{"$in": []*Author{s.ann, s.bob}}}, []string{tAction, tInternals, tGoPL, tSQL}},
		{"m:n path", query.Eq("tags.name", "go"), []string{tAction, tGoPL}},
		{"m:n nested map", M{"tags": M{"name": "db"}}, []string{tInternals, tSQL}},
		{"m:n once per row", query.In("tags.name", "go", "classic"), []string{tAction, tGoPL, tDune}},
		{"m:n and m:1", query.And(query.Eq("tags.name", "go"), query.Eq("author.name", "Bob")), []string{tGoPL}},
		{"not across m:n", query.Not(query.Eq("tags.name", "go")), []string{tInternals, tSQL, tDune, tFast}},
	})
	checkAuthors(t, h, []filterCase{
		{"1:m path", M{"books.title": M{"$in": []string{tAction, tInternals, tGoPL}}}, []string{"Ann", "Bob"}},
		{"1:m nested map", M{"books": M{"year": 2015}}, []string{"Ann", "Bob"}},
		{"1:m then m:n", query.Eq("books.tags.name", "fiction"), []string{"Cid"}},
		{"1:m then m:1", query.Eq("books.publisher.name", "Books Inc"), []string{"Bob", "Cid"}},
		{"1:m none", query.Eq("books.year", 1900), nil},
	})
	for _, c := range []filterCase{
		{"inverse m:n", query.Eq("books.year", 2015), []string{"classic", "go"}},
		{"inverse m:n then m:1", M{"books.author.name": "Ann"}, []string{"db", "go"}},
	} {
		tags, err := em.Find[Tag](h.Ctx, h.EM(), c.f)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := tagNames(tags); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// OrderLimitOffset checks ordering by several properties in both directions,
// pages by Limit and Offset, and FindAndCount's total.
func OrderLimitOffset(t *testing.T, h *Harness) {
	stock(t, h)
	m := h.EM()
	cases := []struct {
		name string
		opts []em.FindOption
		want []string
	}{
		{"-year, title", []em.FindOption{em.OrderBy("-year", "title")}, []string{tFast, tInternals, tAction, tGoPL, tSQL, tDune}},
		{"year, -price", []em.FindOption{em.OrderBy("year", "-price")}, []string{tDune, tSQL, tGoPL, tAction, tInternals, tFast}},
		{"page", []em.FindOption{em.OrderBy("-year", "title"), em.Limit(2), em.Offset(2)}, []string{tAction, tGoPL}},
		{"limit", []em.FindOption{em.OrderBy("price"), em.Limit(3)}, []string{tDune, tFast, tSQL}},
		{"offset alone", []em.FindOption{em.OrderBy("-price"), em.Offset(5)}, []string{tDune}},
		{"past the end", []em.FindOption{em.OrderBy("price"), em.Offset(10)}, []string{}},
	}
	for _, c := range cases {
		bs, err := em.FindAll[Book](h.Ctx, m, c.opts...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := inOrder(bs); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	bs, err := em.Find[Book](h.Ctx, m, query.Eq("author.name", "Ann"), em.OrderBy("-price"))
	must(t, err)
	if got := inOrder(bs); !slices.Equal(got, []string{tInternals, tAction}) {
		t.Fatalf("ordered relation filter: %q", got)
	}

	page, total, err := em.FindAndCount[Book](h.Ctx, m, query.Gte("year", 2010), em.OrderBy("price"), em.Limit(2), em.Offset(1))
	must(t, err)
	if got := inOrder(page); total != 5 || !slices.Equal(got, []string{tSQL, tAction}) {
		t.Fatalf("FindAndCount: page %q, total %d; want [%s %s] of 5", got, total, tSQL, tAction)
	}
	page, total, err = em.FindAndCount[Book](h.Ctx, m, query.Gte("year", 2010), em.OrderBy("price"), em.Limit(2), em.Offset(6))
	must(t, err)
	if len(page) != 0 || total != 5 {
		t.Fatalf("FindAndCount past the end: %d rows, total %d; want none of 5", len(page), total)
	}
}

// CountAndFindOne checks Count with and without filters; FindOne returns nil
// without an error when nothing matches, FindOneOrFail ErrNotFound.
func CountAndFindOne(t *testing.T, h *Harness) {
	stock(t, h)
	m := h.EM()
	for _, c := range []struct {
		name string
		f    query.Filter
		want int64
	}{
		{"all", nil, 6},
		{"year", query.Eq("year", 2015), 2},
		{"relation path", query.Eq("author.name", "Cid"), 2},
		{"m:n path", query.Eq("tags.name", "classic"), 2},
		{"none", query.Gt("year", 3000), 0},
	} {
		n, err := em.Count[Book](h.Ctx, m, c.f)
		if err != nil || n != c.want {
			t.Errorf("Count %s: %d (%v), want %d", c.name, n, err, c.want)
		}
	}
	if n, err := em.Count[Author](h.Ctx, m, query.Exists("age", true)); err != nil || n != 2 {
		t.Errorf("Count of authors with an age: %d (%v), want 2", n, err)
	}
	if m.Len() != 0 {
		t.Errorf("Count loaded %d entities into the identity map", m.Len())
	}

	none, err := em.FindOne[Book](h.Ctx, m, query.Eq("title", "Nope"))
	if none != nil || err != nil {
		t.Fatalf("FindOne without a match: %v, %v; want nil, nil", none, err)
	}
	top, err := em.FindOne[Book](h.Ctx, m, query.Eq("year", 2015), em.OrderBy("-price"))
	must(t, err)
	if top == nil || top.Title != tGoPL {
		t.Fatalf("FindOne with an order: %v, want %q", top, tGoPL)
	}
	got, err := em.FindOneOrFail[Book](h.Ctx, m, query.Eq("title", "Nope"))
	if got != nil || !errors.Is(err, gomikro.ErrNotFound) {
		t.Fatalf("FindOneOrFail without a match: %v, %v; want ErrNotFound", got, err)
	}
	if !strings.Contains(err.Error(), "Book") {
		t.Fatalf("the not-found error does not name the entity: %v", err)
	}
	same, err := em.FindOneOrFail[Book](h.Ctx, m, query.Eq("title", tGoPL))
	must(t, err)
	if same != top {
		t.Fatal("FindOneOrFail returned another object for a managed row")
	}
}

// UnknownPropertyIsAnError checks that bad property names in filters, orderings and
// populates are errors naming the entity and the name, sent to no
// database.
func UnknownPropertyIsAnError(t *testing.T, h *Harness) {
	stock(t, h)
	m := h.EM()
	for _, c := range []struct {
		name   string
		f      query.Filter
		entity string
		prop   string
	}{
		{"Eq", query.Eq("titel", "Dune"), "Book", "titel"},
		{"map", query.M{"titel": "Dune"}, "Book", "titel"},
		{"inside Or", query.Or(query.Eq("title", "Dune"), query.Gt("yaer", 2000)), "Book", "yaer"},
		{"path", query.Eq("author.nmae", "Ann"), "Author", "nmae"},
		{"nested map", query.M{"author": query.M{"nmae": "Ann"}}, "Author", "nmae"},
		{"unknown relation", query.Eq("writer.name", "Ann"), "Book", "writer"},
	} {
		before := h.Count()
		_, err := em.Find[Book](h.Ctx, m, c.f)
		if err == nil {
			t.Errorf("%s: a filter on %s.%s succeeded", c.name, c.entity, c.prop)
			continue
		}
		if !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), c.entity) || !strings.Contains(err.Error(), c.prop) {
			t.Errorf("%s: %v; want ErrUnknownProperty naming %s and %q", c.name, err, c.entity, c.prop)
		}
		if h.Count() != before {
			t.Errorf("%s: a statement was sent for an invalid filter", c.name)
		}
		if _, err := em.Count[Book](h.Ctx, m, c.f); !errors.Is(err, query.ErrUnknownProperty) {
			t.Errorf("%s: Count: %v; want ErrUnknownProperty", c.name, err)
		}
	}
	if _, err := em.Find[Book](h.Ctx, m, query.Eq("title.length", 3)); err == nil {
		t.Error("a path through a scalar property succeeded")
	}
	if _, err := em.Find[Book](h.Ctx, m, query.M{"year": query.M{"$between": []int{1, 2}}}); err == nil || !strings.Contains(err.Error(), "$between") {
		t.Errorf("an unknown operator: %v; want an error naming it", err)
	}
	if _, err := em.FindAll[Book](h.Ctx, m, em.OrderBy("-titel")); !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), "titel") {
		t.Errorf("OrderBy an unknown property: %v; want ErrUnknownProperty naming it", err)
	}
	for _, p := range []string{"Nope", "Author.Nope"} {
		if _, err := em.FindAll[Book](h.Ctx, m, em.Populate(p)); !errors.Is(err, query.ErrUnknownProperty) {
			t.Errorf("Populate(%q): %v; want ErrUnknownProperty", p, err)
		}
	}
	if b, err := em.FindOne[Book](h.Ctx, m, nil); err != nil || b == nil {
		t.Fatalf("a book: %v", err)
	} else if err := m.Assign(b, map[string]any{"titel": "x"}); !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), "titel") {
		t.Errorf("Assign an unknown property: %v; want ErrUnknownProperty naming it", err)
	}
	if _, err := em.Create[Book](m, map[string]any{"titel": "x"}); !errors.Is(err, query.ErrUnknownProperty) {
		t.Errorf("Create with an unknown property: %v; want ErrUnknownProperty", err)
	}
	if _, err := em.FindAll[Author](h.Ctx, m, em.OrderBy("books")); err == nil {
		t.Error("OrderBy a collection succeeded")
	}
	for _, p := range []string{"Title", "Nope", "Author.Nope"} {
		if _, err := em.FindAll[Book](h.Ctx, m, em.Populate(p)); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(p, "Author.")) {
			t.Errorf("Populate(%q): %v; want an error naming it", p, err)
		}
	}
	// The EntityManager still works.
	if n, err := em.Count[Book](h.Ctx, m, nil); err != nil || n != 6 {
		t.Fatalf("after the errors: %d books (%v)", n, err)
	}
}

// EmptyInMatchesNothing checks that $in with an empty list matches no row, never
// every row; $nin with an empty list matches every row.
func EmptyInMatchesNothing(t *testing.T, h *Harness) {
	stock(t, h)
	var none []int64
	all := []string{tAction, tInternals, tGoPL, tSQL, tDune, tFast}
	checkBooks(t, h, []filterCase{
		{"In no values", query.In("id"), nil},
		{"In empty slice", query.In("id", []int64{}), nil},
		{"In nil slice", query.In("id", none), nil},
		{"map $in empty", query.M{"id": query.M{"$in": []int64{}}}, nil},
		{"map $in nil", query.M{"title": query.M{"$in": []string(nil)}}, nil},
		{"In on a reference", query.In("author", []int64{}), nil},
		{"In on a path", query.In("author.name"), nil},
		{"empty In inside Or", query.Or(query.In("id"), query.Eq("title", tDune)), []string{tDune}},
		{"Not empty In", query.Not(query.In("id")), all},
		{"Nin no values", query.Nin("id"), all},
		{"map $nin empty", query.M{"id": query.M{"$nin": []any{}}}, all},
		{"Nin empty on a nullable reference", query.Nin("publisher", []int64{}), all},
	})
	if n, err := em.Count[Book](h.Ctx, h.EM(), query.In("id", none)); err != nil || n != 0 {
		t.Fatalf("Count with an empty $in: %d (%v), want 0", n, err)
	}
}

// ValuesAreBound checks that quotes, backslashes and SQL in values round-trip through
// inserts and filters unchanged and run nothing.
func ValuesAreBound(t *testing.T, h *Harness) {
	m := h.EM()
	nasty := `O'Reilly"; DROP TABLE book; --`
	slash := `back\slash\'; DELETE FROM book; --`
	a := &Author{Name: "D'Arcy", Email: "o'hara@example.com"}
	b1 := &Book{Title: nasty, Author: ref.To(a), Meta: map[string]any{"note": nasty}}
	b2 := &Book{Title: slash, Author: ref.To(a)}
	b3 := &Book{Title: "Plain", Author: ref.To(a)}
	must(t, m.Persist(b1, b2, b3))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	got, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("title", nasty))
	must(t, err)
	if got.ID != b1.ID || got.Title != nasty || got.Meta["note"] != nasty {
		t.Fatalf("read back title %q meta %v", got.Title, got.Meta)
	}
	again, err := em.FindOneOrFail[Book](h.Ctx, m2, query.M{"title": slash})
	must(t, err)
	if again.ID != b2.ID || again.Title != slash {
		t.Fatalf("read back %q", again.Title)
	}
	checkBooks(t, h, []filterCase{
		{"In", query.In("title", nasty, slash), []string{nasty, slash}},
		{"Like", query.Like("title", "O'Reilly%"), []string{nasty}},
		{"relation path", query.Eq("author.name", "D'Arcy"), []string{nasty, slash, "Plain"}},
		{"injection attempt", query.Eq("title", "x' OR '1'='1"), nil},
		{"injection attempt in a path", query.Eq("author.email", "' OR 1=1 --"), nil},
	})
	if n, err := em.Count[Book](h.Ctx, h.EM(), nil); err != nil || n != 3 {
		t.Fatalf("%d books (%v) after the round trips, want 3", n, err)
	}
	got.Title = nasty + " 2"
	must(t, m2.Flush(h.Ctx))
	check, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b1.ID))
	must(t, err)
	if check.Title != nasty+" 2" {
		t.Fatalf("updated title read back as %q", check.Title)
	}
}

// TypedFilters checks that conditions built from typed references to an entity's
// fields (by name and by selector, through a reference and a collection)
// match the same rows as the map filters they stand for, mixed with them,
// and a typed condition written for another entity or naming no field is
// an error naming the entity.
func TypedFilters(t *testing.T, h *Harness) {
	stock(t, h)
	title := query.Field[Book, string]("title")
	year := query.FieldOf(func(b *Book) *int { return &b.Year })
	price := query.FieldOf(func(b *Book) *float64 { return &b.Price })
	author := func(c query.Typed[Author]) query.Typed[Book] {
		return query.Related(func(b *Book) *ref.Ref[Author] { return &b.Author }, c)
	}
	tags := func(c query.Typed[Tag]) query.Typed[Book] {
		return query.Some(func(b *Book) *ref.Collection[Tag] { return &b.Tags }, c)
	}
	name := query.FieldOf(func(a *Author) *string { return &a.Name })
	age := query.FieldOf(func(a *Author) **int { return &a.Age })
	tagName := query.Field[Tag, string]("name")
	checkBooks(t, h, []filterCase{
		{"eq by name", title.Eq(tDune), []string{tDune}},
		{"range by selector", query.All(year.Gte(2015), price.Lt(40)), []string{tAction, tGoPL, tFast}},
		{"in", year.In(1965, 2010), []string{tDune, tSQL}},
		{"or, and", query.Any(year.Lt(2000), title.Eq(tAction)).And(price.Ne(30)), []string{tDune}},
		{"not", year.Gte(2015).Not(), []string{tDune, tSQL}},
		{"through a reference", author(name.Eq("Bob")), []string{tGoPL, tSQL}},
		{"through a collection", tags(tagName.Eq("classic")), []string{tGoPL, tDune}},
		{"mixed with a map", query.And(year.Eq(2015), query.M{"author.name": "Ann"}), []string{tAction}},
	})
	checkAuthors(t, h, []filterCase{
		{"nullable", age.IsNull(), []string{"Bob"}},
		{"some book", query.Some(func(a *Author) *ref.Collection[Book] { return &a.Books }, year.Lt(2000)), []string{"Cid"}},
	})
	if _, err := em.Find[Author](h.Ctx, h.EM(), title.Eq("x")); err == nil || !strings.Contains(err.Error(), "Book") {
		t.Fatalf("a Book condition applied to Author: %v", err)
	}
	if _, err := em.Find[Book](h.Ctx, h.EM(), query.Field[Book, string]("titel").Eq("x")); err == nil || !strings.Contains(err.Error(), "titel") {
		t.Fatalf("an unknown typed property: %v", err)
	}
}
