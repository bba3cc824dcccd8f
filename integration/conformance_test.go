package integration_test

import (
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/internal/conformance"
)

// The shared conformance suite, each scenario on a database handed out by
// the helpers: with no DSN variable set, inside the containers.

func TestConformancePostgres(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "postgres",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return integration.Postgres(t, cfg).EM().EntityManager
		},
	})
}

func TestConformanceMySQL(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "mysql",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return integration.MySQL(t, cfg).EM().EntityManager
		},
	})
}

func TestConformanceMongo(t *testing.T) {
	orm := integration.Mongo(t, gomikro.Config{Entities: conformance.Entities()})
	skip := map[string]string{
		"ForeignKeyViolation":             "MongoDB has no foreign keys",
		"NestedTransactionsUseSavepoints": "MongoDB has no savepoints",
	}
	if !orm.SupportsTransactions() {
		for _, name := range []string{"TransactionalCommits", "TransactionalRollsBack", "ExplicitBeginCommitRollback"} {
			skip[name] = "this server has no multi-document transactions (a replica set has)"
		}
	}
	conformance.Run(t, conformance.Backend{
		Name: "mongo",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return integration.Mongo(t, cfg).EM().EntityManager
		},
		Skip:            skip,
		ManyToManyLoads: 2,
	})
}
