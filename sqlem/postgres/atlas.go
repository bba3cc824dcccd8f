package postgres

import (
	"context"
	"database/sql"
	"strings"

	"ariga.io/atlas/sql/migrate"
	apg "ariga.io/atlas/sql/postgres"
	aschema "ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

var _ schema.Inspector = Dialect{}

// AtlasDriver implements schema.Inspector with Atlas's PostgreSQL driver.
func (Dialect) AtlasDriver(db aschema.ExecQuerier) (migrate.Driver, error) { return apg.Open(db) }

// AtlasColumn implements schema.Inspector: a generated key is an
// identity column.
func (Dialect) AtlasColumn(f *meta.Field, c *aschema.Column) {
	if f.Generated {
		c.AddAttrs(&apg.Identity{Generation: "BY DEFAULT", Sequence: &apg.Sequence{Start: 1, Increment: 1}})
	}
}

// AtlasTable implements schema.Inspector.
func (Dialect) AtlasTable(*aschema.Table) {}

// SQLDB returns a database/sql handle over the pool (closing it leaves
// the pool open).
func (p *pool) SQLDB() *sql.DB { return stdlib.OpenDBFromPool(p.p) }

var _ schema.Migrations = Dialect{}

// GooseDialect implements schema.Migrations.
func (Dialect) GooseDialect() goose.Dialect { return goose.DialectPostgres }

// MigrationLock implements schema.Migrations: a session-level advisory
// lock; a second process waits for it (until its context ends).
func (Dialect) MigrationLock() (lock.SessionLocker, error) { return advisoryLock{}, nil }

// migrationLockID is the advisory lock's key (goose's default).
const migrationLockID = lock.DefaultLockID

type advisoryLock struct{}

func (advisoryLock) SessionLock(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID)
	return err
}

func (advisoryLock) SessionUnlock(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockID)
	return err
}

var _ schema.GeneratedKey = Dialect{}

// AtlasGenerated implements schema.GeneratedKey: identity and serial
// columns.
func (Dialect) AtlasGenerated(_ *aschema.Table, c *aschema.Column) bool {
	for _, a := range c.Attrs {
		if _, ok := a.(*apg.Identity); ok {
			return true
		}
	}
	if x, ok := c.Default.(*aschema.RawExpr); ok && strings.HasPrefix(x.X, "nextval(") {
		return true
	}
	return false
}
