package postgres_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/sqltest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

// openFresh opens an ORM on a fresh schema with the tables of cfg's
// entities created.
func openFresh(t testing.TB, cfg gomikro.Config) *sqlem.ORM {
	t.Helper()
	cfg.DSN = testdb.PostgresSchema(t)
	ctx := context.Background()
	orm, err := postgres.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return orm
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "postgres",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg).EM().EntityManager
		},
	})
}

func TestSQL(t *testing.T) {
	sqltest.Run(t, sqltest.Backend{
		Open:     func(t *testing.T, cfg gomikro.Config) *sqlem.ORM { return openFresh(t, cfg) },
		RowLocks: true,
		// The level of the running transaction, as the server reports it.
		IsolationSQL: "current_setting('transaction_isolation')",
	})
}
