package mongoem_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

// TestFaults injects connection cuts and cancelled contexts into large
// flushes (internal/faults). Without transactions (FerretDB, a standalone
// server) a failed flush is undone by compensating writes, which must
// leave nothing of it.
func TestFaults(t *testing.T) {
	u, err := url.Parse(testdb.Lookup(t, testdb.MongoEnv))
	if err != nil || u.Host == "" {
		t.Fatalf("%s: the fault tests need a mongodb:// URI with one host: %v", testdb.MongoEnv, err)
	}
	faults.Run(t, faults.Backend{
		Name:   "mongodb",
		Target: u.Host,
		// FerretDB on SQLite finds a document by an integer _id by reading
		// the whole collection, so each update costs a scan of every row
		// the run wrote: a small shape keeps the run to a minute.
		Rows:     200,
		Seed:     30,
		Updates:  10,
		Deletes:  5,
		NoCommit: true,
		Open: func(t *testing.T, cfg gomikro.Config, proxyAddr string) (*em.EntityManager, *em.EntityManager) {
			direct := openFresh(t, cfg)
			pu, err := url.Parse(direct.EM().Config().DSN)
			if err != nil {
				t.Fatal(err)
			}
			pu.Host = proxyAddr
			cfg.DSN = pu.String()
			proxied, err := mongoem.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = proxied.Close() })
			if proxied.SupportsTransactions() {
				t.Skip("a server with transactions: the COMMIT faults need a real MongoDB replica set, which this run does not have")
			}
			return direct.EM().EntityManager, proxied.EM().EntityManager
		},
	})
}
