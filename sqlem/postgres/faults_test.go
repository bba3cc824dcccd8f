package postgres_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

// TestFaults injects connection cuts and cancelled contexts into large
// flushes (internal/faults); a lost COMMIT reply must be resolved.
func TestFaults(t *testing.T) {
	u, err := url.Parse(testdb.Lookup(t, testdb.PostgresEnv))
	if err != nil || u.Host == "" {
		t.Fatalf("%s: the fault tests need a URL DSN with a host: %v", testdb.PostgresEnv, err)
	}
	faults.Run(t, faults.Backend{
		Name:       "postgres",
		Target:     u.Host,
		Resolves:   true,
		Rows:       30000,
		SingleRows: 10000,
		Open: func(t *testing.T, cfg gomikro.Config, proxyAddr string) (*em.EntityManager, *em.EntityManager) {
			direct := openFresh(t, cfg)
			pu, err := url.Parse(direct.DSN())
			if err != nil {
				t.Fatal(err)
			}
			pu.Host = proxyAddr
			cfg.DSN = pu.String()
			proxied, err := postgres.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = proxied.Close() })
			return direct.EM().EntityManager, proxied.EM().EntityManager
		},
	})
}
