package mysql_test

import (
	"context"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

// TestFaults injects connection cuts and cancelled contexts into large
// flushes (internal/faults). MySQL cannot say whether a transaction whose
// COMMIT reply was lost committed: such faults must answer
// gomikro.ErrCommitUnknown (or the truth).
func TestFaults(t *testing.T) {
	mc, err := gomysql.ParseDSN(testdb.Lookup(t, testdb.MySQLEnv))
	if err != nil || mc.Net != "tcp" {
		t.Fatalf("%s: the fault tests need a tcp DSN: %v", testdb.MySQLEnv, err)
	}
	faults.Run(t, faults.Backend{
		Name:       "mysql",
		Target:     mc.Addr,
		Rows:       10000,
		SingleRows: 1000,
		Open: func(t *testing.T, cfg gomikro.Config, proxyAddr string) (*em.EntityManager, *em.EntityManager) {
			direct := openFresh(t, cfg)
			pc, err := gomysql.ParseDSN(direct.DSN())
			if err != nil {
				t.Fatal(err)
			}
			pc.Addr = proxyAddr
			cfg.DSN = pc.FormatDSN()
			proxied, err := mysql.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = proxied.Close() })
			return direct.EM().EntityManager, proxied.EM().EntityManager
		},
	})
}
