package sqlem_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Author struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"length=100"`
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

type Book struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=100"`
	Year   int
	Author ref.Ref[Author]
}

// open returns a unit of work on an embedded SQLite database with a few
// books.
func open(ctx context.Context) (*sqlem.ORM, *sqlem.EntityManager) {
	orm, err := sqlite.Open(ctx, gomikro.Config{Entities: []any{Author{}, Book{}}})
	if err != nil {
		log.Fatal(err)
	}
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}
	m := orm.EM().Fork()
	ann, bob := &Author{Name: "Ann"}, &Author{Name: "Bob"}
	for _, b := range []*Book{
		{Title: "Go", Year: 2009, Author: ref.To(ann)},
		{Title: "Go 2", Year: 2020, Author: ref.To(ann)},
		{Title: "SQL", Year: 1995, Author: ref.To(bob)},
	} {
		if err := m.Persist(b); err != nil {
			log.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	return orm, orm.EM().Fork()
}

// The typed query builder: a join whose authors are loaded into the
// identity map with the books, in one query.
func ExampleQB() {
	ctx := context.Background()
	orm, m := open(ctx)
	defer orm.Close()

	books, err := sqlem.QB[Book](m, "b").
		JoinAndSelect("b.author", "a").
		Where(query.M{"a.name": "Ann", "year": query.M{"$gte": 2000}}).
		OrderBy("-b.year").
		GetResult(ctx) // []*Book, managed by m
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range books {
		fmt.Println(b.Title, b.Year, b.Author.Get().Name)
	}
	// Output:
	// Go 2 2020 Ann
	// Go 2009 Ann
}

// CreateQueryBuilder names the entity at run time; ToSQL shows the
// statement with its bound parameters.
func ExampleEntityManager_CreateQueryBuilder() {
	ctx := context.Background()
	orm, m := open(ctx)
	defer orm.Close()

	qb := m.CreateQueryBuilder("Author", "a").
		LeftJoinAndSelect("a.books", "b").
		Where(query.M{"b.year": query.M{"$lt": 2000}}).
		OrderBy("a.name")
	sql, args, err := qb.ToSQL()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sql)
	fmt.Println(args)
	authors, err := qb.GetEntities(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range authors {
		a := a.(*Author)
		fmt.Println(a.Name, a.Books.Len())
	}
	// Output:
	// SELECT "a"."id", "a"."name", "b"."id", "b"."title", "b"."year", "b"."author_id" FROM "author" "a" LEFT JOIN "book" "b" ON "b"."author_id" = "a"."id" WHERE ("b"."year" < ?) ORDER BY "a"."name"
	// [2000]
	// Bob 1
}

// Rows into a type of the caller's, a scalar, and an update by condition.
func ExampleScan() {
	ctx := context.Background()
	orm, m := open(ctx)
	defer orm.Close()

	type perAuthor struct {
		Name  string
		Books int64 `db:"n"`
	}
	rows, err := sqlem.Scan[perAuthor](ctx, sqlem.QB[Book](m, "b").
		Join("b.author", "a").
		Select("a.name", "count(*) as n").
		GroupBy("a.name").
		OrderBy("a.name"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows)

	latest, err := sqlem.Scalar[int](ctx, sqlem.QB[Book](m, "b").Select("max(b.year)"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(latest)

	n, err := sqlem.QB[Book](m, "b").Set("year", 2021).Where(query.M{"title": "Go 2"}).Execute(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = sqlem.QB[Book](m, "b").Delete().Execute(ctx) // no condition: refused
	fmt.Println(n, err)
	// Output:
	// [{Ann 2} {Bob 1}]
	// 2020
	// 1 gomikro: delete of Book without a condition would change every row: add a Where, or call All() to mean it
}

// Iterate streams the results, one managed entity per row.
func ExampleQueryBuilder_Iterate() {
	ctx := context.Background()
	orm, m := open(ctx)
	defer orm.Close()

	for b, err := range sqlem.QB[Book](m, "b").OrderBy("year").Iterate(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Title)
	}
	// Output:
	// SQL
	// Go
	// Go 2
}
