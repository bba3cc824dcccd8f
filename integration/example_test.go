package integration_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/repo"
)

// Note is an entity of the examples.
type Note struct {
	ID   int64 `orm:"pk"`
	Text string
}

// A test that needs PostgreSQL: a container started once for the test
// binary (or the server of GOMIKRO_POSTGRES_DSN), a fresh database per
// test with Note's table, dropped afterwards.
func ExamplePostgres() {
	// func TestNotes(t *testing.T) {
	test := func(t *testing.T) {
		ctx := context.Background()
		orm := integration.Postgres(t, gomikro.Config{Entities: []any{Note{}}})
		m := orm.EM().Fork()
		if err := m.Persist(&Note{Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := repo.Of[Note](orm.EM().Fork()).Count(ctx, query.Eq("text", "hello"))
		if err != nil || n != 1 {
			t.Fatalf("count = %d, %v", n, err)
		}
	}
	_ = test
}

// MongoDB the same way: the official image runs as a one-node replica
// set, so transactions work.
func ExampleMongo() {
	test := func(t *testing.T) {
		orm := integration.Mongo(t, gomikro.Config{Entities: []any{Note{}}})
		_ = orm.EM().Fork()
	}
	_ = test
}

// The lower-level form: a DSN of a fresh, empty database, for code that
// opens its own connection or runs its own migrations.
func ExampleMySQLDSN() {
	test := func(t *testing.T) {
		dsn := integration.MySQLDSN(t, integration.WithImage("mariadb:11"))
		_ = dsn // root:test@tcp(localhost:32768)/gm_test_...
	}
	_ = test
}

// Start every backend's container concurrently before the tests run, and
// remove them afterwards.
func ExampleMain() {
	// func TestMain(m *testing.M) {
	//	os.Exit(integration.Main(m, integration.BackendPostgres, integration.BackendMySQL))
	// }
}
