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

// AtlasDriver implements schema.Inspector with Atlas's PostgreSQL driver,
// over a connection that makes two of its catalog queries cheaper (see
// catalogRewrites).
func (Dialect) AtlasDriver(db aschema.ExecQuerier) (migrate.Driver, error) {
	return apg.Open(fastCatalog{db})
}

// catalogRewrites replace parts of Atlas's introspection queries that
// cost seconds on a 200-table schema (BenchmarkDiff200):
//
//   - the column query reads each identity column's sequence through the
//     pg_sequences view, a scan of pg_class per identity column (about
//     18 ms each); the value (the sequence's last value) is not used by
//     the comparison, so it is NULL;
//   - the index query joins an aggregate over every constraint of the
//     database, which the planner repeats for every index row when the
//     catalogs' statistics are stale (a server where tests create and
//     drop schemas all day); a LATERAL sub-select reads only the
//     index's own table's constraints through pg_constraint's conrelid
//     index. It leaves out the foreign keys of other tables that use the
//     index, which Atlas reads only for unique and exclusion constraints
//     (contype u and x), always on the index's own table.
//
// TestCatalogRewrites fails when an Atlas upgrade changes the text.
var catalogRewrites = strings.NewReplacer(
	`(CASE WHEN t1.is_identity = 'YES' THEN (SELECT last_value FROM pg_sequences WHERE quote_ident(schemaname) || '.' || quote_ident(sequencename) = pg_get_serial_sequence(quote_ident(t1.table_schema) || '.' || quote_ident(t1.table_name), t1.column_name)) END)`,
	`NULL::bigint`,
	"LEFT JOIN (\n\t    select conindid, jsonb_object_agg(conname, contype) AS nametypes\n\t    from pg_constraint\n\t    group by conindid\n\t) con ON con.conindid = idx.indexrelid",
	"LEFT JOIN LATERAL (SELECT jsonb_object_agg(c2.conname, c2.contype) AS nametypes FROM pg_constraint c2 WHERE c2.conrelid = idx.indrelid AND c2.conindid = idx.indexrelid) con ON true",
)

type fastCatalog struct{ aschema.ExecQuerier }

func (f fastCatalog) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return f.ExecQuerier.QueryContext(ctx, catalogRewrites.Replace(query), args...)
}

// AtlasColumn implements schema.Inspector: a generated key is an
// identity column.
func (Dialect) AtlasColumn(f *meta.Field, c *aschema.Column) {
	if f.Generated {
		c.AddAttrs(&apg.Identity{Generation: "BY DEFAULT", Sequence: &apg.Sequence{Start: 1, Increment: 1}})
	}
}

// AtlasTable implements schema.Inspector.
func (Dialect) AtlasTable(*aschema.Table) {}

// SQLDB implements sqlem.SQLDBer: a database/sql handle over the pool
// (closing it leaves the pool open).
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

// AtlasIndexPredicate implements schema.PartialIndexes.
func (Dialect) AtlasIndexPredicate(where string) aschema.Attr {
	return &apg.IndexPredicate{P: where}
}
