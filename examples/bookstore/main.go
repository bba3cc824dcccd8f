// Command bookstore shows gomikro's unit of work: it creates the schema,
// persists an object graph in one flush, queries with populate, changes
// and removes entities, sets a foreign key by raw id and runs a
// transaction, logging every statement.
//
// It runs on an in-memory SQLite database unless -dsn names another:
//
//	go run ./examples/bookstore                        # SQLite in memory, no server
//	go run ./examples/bookstore -dsn bookstore.db      # SQLite file
//	go run ./examples/bookstore -dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./examples/bookstore -dsn 'root@tcp(127.0.0.1:3306)/test'
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/examples/bookstore/model"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

func main() {
	dsn := flag.String("dsn", ":memory:", "database: a SQLite file or :memory:, a postgres:// URL, or a MySQL DSN (user@tcp(host:port)/db)")
	quiet := flag.Bool("quiet", false, "do not log SQL")
	flag.Parse()
	if err := run(context.Background(), *dsn, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "bookstore:", err)
		os.Exit(1)
	}
}

// open picks the backend from the form of the DSN.
func open(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) {
	switch {
	case strings.HasPrefix(cfg.DSN, "postgres://"), strings.HasPrefix(cfg.DSN, "postgresql://"):
		return postgres.Open(ctx, cfg)
	case strings.Contains(cfg.DSN, "@tcp("), strings.Contains(cfg.DSN, "@unix("):
		return mysql.Open(ctx, cfg)
	}
	return sqlite.Open(ctx, cfg)
}

func run(ctx context.Context, dsn string, quiet bool) error {
	cfg := gomikro.Config{DSN: dsn, Entities: model.Entities()}
	if !quiet {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	orm, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer orm.Close()
	step("drop and create the schema")
	if err := orm.Schema().DropSchema(ctx); err != nil {
		return err
	}
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		return err
	}

	m := orm.EM().Fork()
	step("persist an author, two books and two tags: one flush")
	ann := &model.Author{Name: "Ann", Email: "ann@example.com"}
	golang, sql := &model.Tag{Name: "go"}, &model.Tag{Name: "sql"}
	b1 := &model.Book{Title: "Go in Practice", Author: ref.To(ann), Tags: ref.NewCollection(golang), Meta: map[string]any{"pages": 300}}
	b2 := &model.Book{Title: "SQL at Work", Author: ref.To(ann), Tags: ref.NewCollection(golang, sql)}
	if err := m.Persist(b1, b2); err != nil {
		return err
	}
	if err := m.Flush(ctx); err != nil {
		return err
	}
	fmt.Printf("ids: author %d, books %d and %d, created at %s\n", ann.ID, b1.ID, b2.ID, b1.CreatedAt.Format(time.RFC3339))

	step("query in a new unit of work, populating author and tags (one query per relation)")
	m = orm.EM().Fork()
	books := repo.Of[model.Book](m)
	found, err := books.Find(ctx, query.Eq("author.name", "Ann"), em.Populate("Author", "Tags"), em.OrderBy("title"))
	if err != nil {
		return err
	}
	for _, b := range found {
		fmt.Printf("%q by %s, %d tags\n", b.Title, b.Author.Get().Name, b.Tags.Len())
	}

	step("change one title: only that column (and the version) is written")
	found[0].Title = "Go in Practice, 2nd ed."
	if err := m.Flush(ctx); err != nil {
		return err
	}

	step("set a foreign key by raw id, through Assign")
	bob := &model.Author{Name: "Bob", Email: "bob@example.com"}
	if err := m.Persist(bob); err != nil {
		return err
	}
	if err := m.Flush(ctx); err != nil {
		return err
	}
	if err := m.Assign(found[1], map[string]any{"author": bob.ID}); err != nil {
		return err
	}
	if err := m.Flush(ctx); err != nil {
		return err
	}

	step("a transaction: remove a book and add a tag, committed together")
	err = orm.EM().Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		b, err := em.FindOneOrFail[model.Book](ctx, tx, query.Eq("id", b2.ID))
		if err != nil {
			return err
		}
		if err := tx.Remove(b); err != nil {
			return err
		}
		return tx.Persist(&model.Tag{Name: "databases"})
	})
	if err != nil {
		return err
	}
	n, err := books.Count(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("books left: %d\n", n)
	return nil
}

func step(s string) { fmt.Printf("\n== %s\n", s) }
