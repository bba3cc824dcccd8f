package query_test

import (
	"fmt"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Typed filters name a field with its Go type: comparing it with a value
// of another type does not compile, and they resolve to the same trees as
// the map filters.
func ExampleField() {
	reg, err := meta.NewRegistry(nil, Author{}, Book{}, Tag{})
	if err != nil {
		panic(err)
	}
	book, _ := reg.ByName("Book")

	title := query.Field[Book, string]("title")
	year := query.FieldOf(func(b *Book) *int { return &b.Year }) // follows renames
	// year.Gte("2000") would not compile: the value must be an int.
	authorName := query.Field[Author, string]("name")

	for _, f := range []query.Filter{
		query.All(title.Like("Go%"), year.Gte(2000)),
		query.M{"title": query.M{"$like": "Go%"}, "year": query.M{"$gte": 2000}},
		query.Related(func(b *Book) *ref.Ref[Author] { return &b.Author }, authorName.In("Ann", "Bob")),
		title.Eq("Go").Or(year.Lt(1990)).Not(),
		query.Field[Book, string]("titel").Eq("Go"),
		authorName.Eq("Ann"), // a condition on Author, applied to Book
	} {
		x, err := query.Resolve(book, f)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(x)
	}
	// Output:
	// (Book.Title $like "Go%" AND Book.Year $gte 2000)
	// (Book.Title $like "Go%" AND Book.Year $gte 2000)
	// Book.Author{Author.Name $in ["Ann", "Bob"]}
	// NOT (Book.Title $eq "Go" OR Book.Year $lt 1990)
	// query: Book has no property "titel"
	// query: a typed condition on Author applied to Book
}
