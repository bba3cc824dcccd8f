package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/sqltest"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// openFresh opens an ORM on a new database file with the tables of cfg's
// entities created.
func openFresh(t testing.TB, cfg gomikro.Config) *sqlem.ORM {
	t.Helper()
	if cfg.DSN == "" {
		cfg.DSN = filepath.Join(t.TempDir(), "test.db")
	}
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, cfg)
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
		Name: "sqlite",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg).EM().EntityManager
		},
		Skip: map[string]string{
			"RequiresNewCommitsIndependently": "SQLite has one writer at a time: REQUIRES_NEW inside a transaction is refused (TestRequiresNewRefused)",
			"NotSupportedRunsOutside":         "SQLite has one writer at a time: a write outside the running transaction would wait for its lock",
		},
	})
}

func TestSQL(t *testing.T) {
	sqltest.Run(t, sqltest.Backend{
		Open: func(t *testing.T, cfg gomikro.Config) *sqlem.ORM {
			// A short wait, so that the lock-timeout test is quick.
			cfg.DSN = filepath.Join(t.TempDir(), "test.db") + "?_pragma=busy_timeout(200)"
			return openFresh(t, cfg)
		},
	})
}
