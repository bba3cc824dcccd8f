package query_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Typed conditions resolve to exactly the trees of the equivalent maps.
func TestTypedSameTreeAsMaps(t *testing.T) {
	title := query.Field[Book, string]("title")
	year := query.FieldOf(func(b *Book) *int { return &b.Year })
	author := query.FieldOf(func(b *Book) *ref.Ref[Author] { return &b.Author })
	name := query.Field[Author, string]("name")
	ann := &Author{ID: 7, Name: "Ann"}
	cases := []struct {
		typed query.Filter
		m     query.Filter
	}{
		{title.Eq("Go"), M{"title": "Go"}},
		{year.Gte(2000), M{"year": M{"$gte": 2000}}},
		{query.All(title.Like("Go%"), year.Lt(2020)), M{"title": M{"$like": "Go%"}, "year": M{"$lt": 2020}}},
		{query.Any(title.Eq("a"), year.In(1, 2)), M{"$or": []M{{"title": "a"}, {"year": []int{1, 2}}}}},
		{title.Eq("a").Or(title.Eq("b")).Not(), M{"$not": M{"$or": []M{{"title": "a"}, {"title": "b"}}}}},
		{year.Nin(), M{"year": M{"$nin": []int{}}}},
		{title.ILike("go"), M{"title": M{"$ilike": "go"}}},
		{author.Eq(ref.To(ann)), M{"author": 7}},
		{query.Related(func(b *Book) *ref.Ref[Author] { return &b.Author }, name.Eq("Ann")), M{"author": M{"name": "Ann"}}},
		{query.Some(func(a *Author) *ref.Collection[Book] { return &a.Books }, year.Gt(2000)), M{"books": M{"year": M{"$gt": 2000}}}},
		// Typed conditions mix with maps and the untyped helpers.
		{query.And(title.Eq("Go"), query.Gt("year", 1)), M{"title": "Go", "year": M{"$gt": 1}}},
		{M{"author": name.Eq("Ann")}, M{"author.name": "Ann"}},
	}
	for _, c := range cases {
		e := entity(t, "Book")
		if strings.HasPrefix(c.typed.(interface{ String() string }).String(), "Author") {
			e = entity(t, "Author")
		}
		got, err := query.Resolve(e, c.typed)
		if err != nil {
			t.Errorf("%v: %v", c.typed, err)
			continue
		}
		want, err := query.Resolve(e, c.m)
		if err != nil {
			t.Fatalf("%v: %v", c.m, err)
		}
		if got.String() != want.String() {
			t.Errorf("typed %v\n got %s\nwant %s", c.typed, got, want)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	book := entity(t, "Book")
	_, err := query.Resolve(book, query.Field[Book, string]("titel").Eq("Go"))
	if !errors.Is(err, query.ErrUnknownProperty) || err.Error() != `query: Book has no property "titel"` {
		t.Errorf("misspelled typed field: %v", err)
	}
	// Declared with the wrong Go type: the value does not fit the column.
	_, err = query.Resolve(book, query.Field[Book, int]("title").Eq(3))
	if err == nil || !strings.Contains(err.Error(), "Book.Title") {
		t.Errorf("typed field of the wrong type: %v", err)
	}
	// A condition on Author applied to Book.
	_, err = query.Resolve(book, query.Field[Author, string]("name").Eq("Ann"))
	if err == nil || !strings.Contains(err.Error(), "typed condition on Author applied to Book") {
		t.Errorf("condition on another entity: %v", err)
	}
	// ... also under a relation of the wrong target.
	_, err = query.Resolve(book, M{"tags": query.Field[Author, string]("name").Eq("Ann")})
	if err == nil || !strings.Contains(err.Error(), "Author applied to Tag (at tags)") {
		t.Errorf("condition on another entity under a relation: %v", err)
	}
	// A selector that returns something other than a field.
	var other int
	_, err = query.Resolve(book, query.FieldOf(func(*Book) *int { return &other }).Eq(1))
	if err == nil || !strings.Contains(err.Error(), "FieldOf on Book") {
		t.Errorf("selector outside the entity: %v", err)
	}
	_, err = query.Resolve(book, query.FieldOf(func(b *Book) *string { return &b.Author.Get().Name }).Eq("x"))
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("selector that dereferences a relation: %v", err)
	}
	if n := query.FieldOf(func(b *Book) *int64 { return &b.ID }).Name(); n != "ID" {
		t.Errorf("FieldOf(ID).Name() = %q", n)
	}
}

type embeddedBase struct {
	ID      int64 `orm:"pk"`
	Created int64
}

type withEmbedded struct {
	embeddedBase
	Name string
}

func TestFieldOfEmbedded(t *testing.T) {
	if n := query.FieldOf(func(w *withEmbedded) *int64 { return &w.Created }).Name(); n != "Created" {
		t.Errorf("embedded field: %q", n)
	}
	if n := query.FieldOf(func(w *withEmbedded) *int64 { return &w.ID }).Name(); n != "ID" {
		t.Errorf("embedded first field: %q", n)
	}
	if n := query.FieldOf(func(w *withEmbedded) *string { return &w.Name }).Name(); n != "Name" {
		t.Errorf("field after an embedded struct: %q", n)
	}
}
