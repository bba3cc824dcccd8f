// Package examples is a test file to copy into your own repository: it
// tests a small model against PostgreSQL, MySQL/MariaDB and MongoDB,
// each in a container started by testcontainers-go (or the server of
// GOMIKRO_POSTGRES_DSN, GOMIKRO_MYSQL_DSN, GOMIKRO_MONGO_URI), with a
// fresh database per test.
//
//	go get github.com/gomikro/gomikro/integration
//	go test ./...
package examples

import (
	"context"
	"os"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
)

// Author writes books.
type Author struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"length=100"`
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

// Book has one author.
type Book struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=200"`
	Author ref.Ref[Author]
}

var config = gomikro.Config{Entities: []any{Author{}, Book{}}}

// TestMain starts the containers concurrently, once for all the tests of
// this package, and removes them at the end.
func TestMain(m *testing.M) {
	os.Exit(integration.Main(m, integration.BackendPostgres, integration.BackendMySQL, integration.BackendMongo))
}

// writeAndRead is the test body every backend runs.
func writeAndRead(t *testing.T, m *em.EntityManager) {
	ctx := context.Background()
	a := &Author{Name: "Ann"}
	if err := m.Persist(a, &Book{Title: "Go", Author: ref.To(a)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m.Clear()
	b, err := repo.Of[Book](m).FindOneOrFail(ctx, query.Eq("title", "Go"), em.Populate("Author"))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Author.Get().Name; got != "Ann" {
		t.Fatalf("author = %q", got)
	}
}

func TestBooksOnPostgres(t *testing.T) {
	t.Parallel()
	writeAndRead(t, integration.Postgres(t, config).EM().Fork().EntityManager)
}

func TestBooksOnMySQL(t *testing.T) {
	t.Parallel()
	writeAndRead(t, integration.MySQL(t, config).EM().Fork().EntityManager)
}

func TestBooksOnMongo(t *testing.T) {
	t.Parallel()
	writeAndRead(t, integration.Mongo(t, config).EM().Fork().EntityManager)
}
