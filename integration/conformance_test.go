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
	orm := integration.Mongo(t, gomikro.Config{Entities: []any{conformance.Sample{}}})
	name, skip := conformance.Mongo(orm.IsFerretDB(), orm.SupportsTransactions())
	conformance.Run(t, conformance.Backend{
		Name: name,
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return integration.Mongo(t, cfg).EM().EntityManager
		},
		Skip:            skip,
		ManyToManyLoads: 2,
	})
}
