package sqlite_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Writer struct {
	ID    int64                 `orm:"pk"`
	Name  string                `orm:"length=100"`
	Books ref.Collection[Novel] `orm:"mappedBy=Writer"`
}

type Novel struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=200"`
	Writer ref.Ref[Writer]
}

// Open an in-memory database, create the tables, and flush an object
// graph in one transaction.
func ExampleOpen() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Writer{}, Novel{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}

	m := orm.EM().Fork()
	ursula := &Writer{Name: "Ursula"}
	if err := m.Persist(&Novel{Title: "The Dispossessed", Writer: ref.To(ursula)}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	novels, err := em.Find[Novel](ctx, orm.EM().Fork(), query.Eq("writer.name", "Ursula"), em.Populate("Writer"))
	if err != nil {
		panic(err)
	}
	for _, n := range novels {
		fmt.Printf("%s by %s\n", n.Title, n.Writer.Get().Name)
	}
	// Output: The Dispossessed by Ursula
}
