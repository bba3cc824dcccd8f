package sqlem_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// Raw SQL into managed entities (a row already managed yields the object
// the EntityManager holds) and into a struct of your own, by column name.
// Parameters use the dialect's placeholders (? on SQLite and MySQL, $1 on
// PostgreSQL).
func ExampleRaw() {
	ctx := context.Background()
	orm, m := open(ctx)
	defer orm.Close()

	held, err := em.FindOneOrFail[Book](ctx, m, query.Eq("title", "Go"))
	if err != nil {
		log.Fatal(err)
	}
	books, err := sqlem.Raw[Book](ctx, m,
		"SELECT b.* FROM book b JOIN author a ON a.id = b.author_id WHERE a.name = ? ORDER BY b.year", "Ann")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(books), books[0] == held, books[1].Title)

	type perAuthor struct {
		Name  string
		Books int `db:"n"`
	}
	rows, err := sqlem.Raw[perAuthor](ctx, m,
		"SELECT a.name, count(*) AS n FROM author a JOIN book b ON b.author_id = a.id GROUP BY a.name ORDER BY a.name")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Println(r.Name, r.Books)
	}
	// Output:
	// 2 true Go 2
	// Ann 2
	// Bob 1
}
