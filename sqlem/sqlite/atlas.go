package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	aschema "ariga.io/atlas/sql/schema"
	asqlite "ariga.io/atlas/sql/sqlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

var (
	_ schema.Inspector  = Dialect{}
	_ schema.ApplyGuard = Dialect{}
)

// AtlasDriver implements schema.Inspector with Atlas's SQLite driver,
// which rebuilds a table where ALTER TABLE cannot change it.
func (Dialect) AtlasDriver(db aschema.ExecQuerier) (migrate.Driver, error) { return asqlite.Open(db) }

// AtlasColumn implements schema.Inspector: SQLite reports an expression
// default without the parentheses DefaultClause wraps it in.
func (Dialect) AtlasColumn(_ *meta.Field, c *aschema.Column) {
	if x, ok := c.Default.(*aschema.RawExpr); ok && strings.HasPrefix(x.X, "(") && strings.HasSuffix(x.X, ")") {
		x.X = x.X[1 : len(x.X)-1]
	}
}

// UniqueIndexes implements schema.UniqueIndexes: SQLite's inline UNIQUE
// constraints would be unnamed automatic indexes.
func (Dialect) UniqueIndexes() bool { return true }

// AtlasTable implements schema.Inspector.
func (Dialect) AtlasTable(*aschema.Table) {}

// ApplyPrologue implements schema.ApplyGuard: foreign keys are off while
// tables are rebuilt (the pragma does nothing inside a transaction), and
// checked before the transaction commits.
func (Dialect) ApplyPrologue() []string { return []string{"PRAGMA foreign_keys = off"} }

// ApplyEpilogue implements schema.ApplyGuard.
func (Dialect) ApplyEpilogue() []string { return []string{"PRAGMA foreign_keys = on"} }

var _ schema.Migrations = Dialect{}

// GooseDialect implements schema.Migrations.
func (Dialect) GooseDialect() goose.Dialect { return goose.DialectSQLite3 }

// MigrationLock implements schema.Migrations: a row in
// schema.LockTable, taken in a BEGIN IMMEDIATE transaction (SQLite has
// no session lock that outlives a transaction).
func (Dialect) MigrationLock() (lock.SessionLocker, error) { return rowLock{}, nil }

type rowLock struct{}

func (rowLock) SessionLock(ctx context.Context, c *sql.Conn) error {
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS "`+schema.LockTable+`" ("id" INTEGER NOT NULL PRIMARY KEY, "since" TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("gomikro: sqlite: migration lock: %w", err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		n, err := tryLock(ctx, c)
		if err != nil {
			return fmt.Errorf("gomikro: sqlite: migration lock: %w", err)
		}
		if n == 1 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gomikro: sqlite: migration lock: another process held it for 5 minutes (a crashed one leaves a row in %s: delete it)", schema.LockTable)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tryLock inserts the lock row unless it exists; it returns the rows
// inserted.
func tryLock(ctx context.Context, c *sql.Conn) (int64, error) {
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return 0, err
	}
	r, err := c.ExecContext(ctx, `INSERT INTO "`+schema.LockTable+`" ("id", "since") VALUES (1, ?) ON CONFLICT DO NOTHING`, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		_, _ = c.ExecContext(ctx, "ROLLBACK")
		return 0, err
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (rowLock) SessionUnlock(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, `DELETE FROM "`+schema.LockTable+`" WHERE "id" = 1`)
	return err
}

var _ schema.GeneratedKey = Dialect{}

// AtlasGenerated implements schema.GeneratedKey: an INTEGER primary key
// of one column is the rowid.
func (Dialect) AtlasGenerated(t *aschema.Table, c *aschema.Column) bool {
	return t.PrimaryKey != nil && len(t.PrimaryKey.Parts) == 1 && t.PrimaryKey.Parts[0].C == c &&
		strings.EqualFold(c.Type.Raw, "integer")
}

// AtlasIndexPredicate implements schema.PartialIndexes.
func (Dialect) AtlasIndexPredicate(where string) aschema.Attr {
	return &asqlite.IndexPredicate{P: where}
}
