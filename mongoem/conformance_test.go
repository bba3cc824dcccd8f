package mongoem_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

// openFresh opens an ORM on a fresh database with the collections and
// indexes of cfg's entities created.
func openFresh(t testing.TB, cfg gomikro.Config) *mongoem.ORM {
	t.Helper()
	cfg.DSN = testdb.MongoDatabase(t)
	ctx := context.Background()
	orm, err := mongoem.Open(ctx, cfg)
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
	orm := openFresh(t, gomikro.Config{Entities: []any{conformance.Sample{}}})
	name, skip := conformance.Mongo(orm.IsFerretDB(), orm.SupportsTransactions())
	conformance.Run(t, conformance.Backend{
		Name: name,
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg).EM().EntityManager
		},
		Skip:            skip,
		ManyToManyLoads: 2,
	})
}
