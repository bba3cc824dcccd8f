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

// skips returns the scenarios that cannot run on this server, with why.
func skips(t *testing.T) map[string]string {
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	skip := map[string]string{
		"ForeignKeyViolation":             "MongoDB has no foreign keys: a reference to a missing document is stored as it is",
		"NestedTransactionsUseSavepoints": "MongoDB has no savepoints: a transaction begun inside another fails with mongoem.ErrNoSavepoints",
	}
	if orm.IsFerretDB() {
		slowIn := "FerretDB evaluates $in by walking the list for every document it scans, without the _id index: " +
			"70,000 keys over 70,000 documents are billions of comparisons (minutes)"
		skip["PopulateLargeKeyListsTwoLevels"] = slowIn
		skip["PopulateLargeKeyLists"] = slowIn + "; the $in list's size is bounded by TestKeyBatchBoundsTheDocumentSize"
		skip["FlushDeletesLargeKeyLists"] = slowIn
	}
	if !orm.SupportsTransactions() {
		server := "this server (a standalone mongod)"
		if orm.IsFerretDB() {
			server = "FerretDB"
		}
		for _, name := range []string{"TransactionalCommits", "TransactionalRollsBack", "ExplicitBeginCommitRollback", "RefusedValueInsideTransaction"} {
			skip[name] = server + " has no multi-document transactions: Transactional and Begin fail with mongoem.ErrNoTransactions (they run on a replica set)"
		}
	}
	return skip
}

func TestConformance(t *testing.T) {
	name := "mongo"
	if openFresh(t, gomikro.Config{Entities: []any{conformance.Sample{}}}).IsFerretDB() {
		name = "mongo (FerretDB)"
	}
	conformance.Run(t, conformance.Backend{
		Name: name,
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg).EM().EntityManager
		},
		Skip:            skips(t),
		ManyToManyLoads: 2,
	})
}
