// Command httpservice is gomikro's HTTP example: a small shop API on
// net/http whose handlers get their unit of work from the request
// (sqlem.FromContext behind orm.Middleware), use a domain service that
// embeds repo.Repository[Book], run a query builder and sell in a
// transaction. See package shop.
//
// It serves on :8080 with an in-memory SQLite database unless told
// otherwise:
//
//	go run ./examples/httpservice
//	go run ./examples/httpservice -addr :9000 -dsn shop.db
//	go run ./examples/httpservice -dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
//	curl -d '{"title":"Go","year":2015,"stock":3,"author":"Ann"}' localhost:8080/books
//	curl localhost:8080/authors/Ann/books
//	curl -d '{"quantity":2}' localhost:8080/books/1/orders
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/examples/httpservice/shop"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

func main() {
	addr := flag.String("addr", ":8080", "address to serve on")
	dsn := flag.String("dsn", ":memory:", "database: a SQLite file or :memory:, or a postgres:// URL")
	flag.Parse()
	ctx := context.Background()
	orm, err := open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer orm.Close()
	srv := &http.Server{Addr: *addr, Handler: shop.Handler(orm), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("serving on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}

// open opens the database of dsn and creates the shop's tables when they
// are missing.
func open(ctx context.Context, dsn string) (*sqlem.ORM, error) {
	cfg := gomikro.Config{DSN: dsn, Entities: shop.Entities()}
	var orm *sqlem.ORM
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		orm, err = postgres.Open(ctx, cfg)
	} else {
		orm, err = sqlite.Open(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if err := createTables(ctx, orm); err != nil {
		_ = orm.Close()
		return nil, err
	}
	return orm, nil
}

// createTables brings the database's schema to the entities' (creating
// the tables on first run).
func createTables(ctx context.Context, orm *sqlem.ORM) error {
	sy, err := orm.Syncer()
	if err != nil {
		return err
	}
	plan, err := sy.Diff(ctx, schema.Options{})
	if err != nil {
		return err
	}
	return sy.Apply(ctx, plan)
}
