package mysql_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/sqltest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

// openFresh opens an ORM on a new database with the tables of cfg's
// entities created.
func openFresh(t testing.TB, cfg gomikro.Config, opts ...mysql.Option) *sqlem.ORM {
	t.Helper()
	cfg.DSN = testdb.MySQLDatabase(t)
	ctx := context.Background()
	orm, err := mysql.Open(ctx, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return orm
}

// TestConformance runs the suite as the server is (MariaDB: keys of
// multi-row inserts from LAST_INSERT_ID when consecutive, bulk updates
// joined to a table value constructor).
func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "mysql",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg).EM().EntityManager
		},
	})
}

// largeKeys skips the scenarios of 70,000-row tables in the variants
// that differ from TestConformance only in how inserts read keys back:
// they read lists, not keys, and 70,000 single-row inserts take minutes.
func largeKeys(variant string) map[string]string {
	why := "run by TestConformance: " + variant + " changes how inserts read keys back, which these read-side scenarios do not test"
	return map[string]string{"PopulateLargeKeyLists": why, "PopulateLargeKeyListsTwoLevels": why, "FlushDeletesLargeKeyLists": why}
}

// TestConformanceWithoutReturning runs the suite as on MySQL 8: keys from
// LAST_INSERT_ID, defaults read back by key.
func TestConformanceWithoutReturning(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "mysql-lastinsertid",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg, mysql.WithoutReturning()).EM().EntityManager
		},
		Skip: largeKeys("WithoutReturning"),
	})
}

// TestConformanceOneRowPerInsert runs the suite as on a server whose keys
// of one statement may not be consecutive (innodb_autoinc_lock_mode=2).
func TestConformanceOneRowPerInsert(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "mysql-rowperinsert",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg, mysql.OneRowPerInsert()).EM().EntityManager
		},
		Skip: largeKeys("OneRowPerInsert"),
	})
}

func TestSQL(t *testing.T) {
	sqltest.Run(t, sqltest.Backend{
		Open:     func(t *testing.T, cfg gomikro.Config) *sqlem.ORM { return openFresh(t, cfg) },
		RowLocks: true,
		// @@tx_isolation is the session's level, not the one SET TRANSACTION
		// gives the next transaction, and information_schema.innodb_trx is a
		// cache: the levels are checked by what they do.
		SerializableLocksReads: true,
	})
}

// TestConformanceReturning runs the suite as on a MariaDB whose keys of
// one statement may not be consecutive: multi-row inserts read their keys
// with INSERT ... RETURNING.
func TestConformanceReturning(t *testing.T) {
	conformance.Run(t, conformance.Backend{
		Name: "mysql-returning",
		Open: func(t *testing.T, cfg gomikro.Config) *em.EntityManager {
			return openFresh(t, cfg, mysql.ReturningNoStep()).EM().EntityManager
		},
		Skip: largeKeys("Returning"),
	})
}
