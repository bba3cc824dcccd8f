package query_test

import (
	"fmt"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

func ExampleM() {
	f := query.M{
		"title":       "Go",
		"author.name": query.M{"$like": "A%"},
		"$or":         []query.M{{"year": query.M{"$gt": 2000}}, {"year": nil}},
	}
	c, err := query.Parse(f)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// Output:
	// ((year $gt 2000 OR year $eq null) AND author{name $like "A%"} AND title $eq "Go")
}

func ExampleEq() {
	f := query.And(
		query.Eq("author.name", "Ann"),
		query.In("year", 2015, 2019),
		query.Not(query.Like("title", "The %")),
	)
	c, err := query.Parse(f)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// Output:
	// (author{name $eq "Ann"} AND year $in [2015, 2019] AND NOT title $like "The %")
}

func ExampleResolve() {
	reg, err := meta.NewRegistry(nil, Author{}, Book{}, Tag{})
	if err != nil {
		panic(err)
	}
	book, _ := reg.ByName("Book")
	for _, f := range []query.Filter{
		query.M{"author": &Author{ID: 7}, "tags": query.M{"name": "go"}},
		query.M{"author": query.M{"name": "Ann", "email": query.M{"$exists": true}}},
		query.M{"titel": "Go"},
		query.M{"year": "2015"},
	} {
		x, err := query.Resolve(book, f)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(x)
	}
	// Output:
	// (Book.Author $eq 7 AND Book.Tags{Tag.Name $eq "go"})
	// Book.Author{(Author.Email $exists true AND Author.Name $eq "Ann")}
	// query: Book has no property "titel"
	// query: Book.Year $eq: want an int64 value, got value string
}
