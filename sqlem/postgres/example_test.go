package postgres_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

type Author struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"length=100"`
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

type Book struct {
	ID      int64 `orm:"pk"`
	Title   string
	Author  ref.Ref[Author]
	Version int `orm:"version"`
}

// Open a PostgreSQL backend, persist an object graph in one flush and
// query it back in a new unit of work. (Needs a server: compiled, not run.)
func ExampleOpen() {
	ctx := context.Background()
	orm, err := postgres.Open(ctx, gomikro.Config{
		DSN:      "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		Entities: []any{Author{}, Book{}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		log.Fatal(err)
	}

	m := orm.EM().Fork() // one unit of work per request
	ann := &Author{Name: "Ann"}
	if err := m.Persist(&Book{Title: "Go", Author: ref.To(ann)}); err != nil { // ann comes along
		log.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil { // one transaction, FK order, keys read back
		log.Fatal(err)
	}

	books := repo.Of[Book](orm.EM().Fork())
	b, err := books.FindOneOrFail(ctx, query.Eq("author.name", "Ann"), em.Populate("Author"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Title, "by", b.Author.Get().Name)
	b.Title = "Go, 2nd ed."
	if err := books.Flush(ctx); err != nil { // UPDATE only the title (and the version)
		log.Fatal(err)
	}
}

// Transactional flushes and commits the work of the callback, or rolls it
// all back when the callback fails.
func ExampleOpen_transactional() {
	ctx := context.Background()
	orm, err := postgres.Open(ctx, gomikro.Config{DSN: "postgres://postgres@127.0.0.1:5432/test", Entities: []any{Author{}, Book{}}})
	if err != nil {
		log.Fatal(err)
	}
	err = orm.EM().Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		a, err := em.FindOneOrFail[Author](ctx, tx, query.Eq("name", "Ann"), sqlem.ForUpdate())
		if err != nil {
			return err
		}
		a.Name = "Anne"
		return nil // flushed and committed by Transactional
	})
	if err != nil {
		log.Fatal(err)
	}
}
