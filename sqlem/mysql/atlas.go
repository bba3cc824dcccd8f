package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	amysql "ariga.io/atlas/sql/mysql"
	aschema "ariga.io/atlas/sql/schema"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

var _ schema.Inspector = Dialect{}

// AtlasDriver implements schema.Inspector with Atlas's MySQL driver
// (which knows MariaDB).
func (Dialect) AtlasDriver(db aschema.ExecQuerier) (migrate.Driver, error) { return amysql.Open(db) }

// AtlasColumn implements schema.Inspector: a generated key is
// AUTO_INCREMENT.
func (Dialect) AtlasColumn(f *meta.Field, c *aschema.Column) {
	if f.Generated {
		c.AddAttrs(&amysql.AutoIncrement{})
	}
	// A TEXT column's default is the expression ('...'): the server
	// reports the string literal.
	if x, ok := c.Default.(*aschema.Literal); ok && strings.HasPrefix(x.V, "('") && strings.HasSuffix(x.V, "')") {
		// DefaultClause escaped backslashes and doubled quotes; the
		// server escapes quotes with a backslash.
		v := strings.ReplaceAll(x.V[2:len(x.V)-2], "''", "'")
		c.Default = &aschema.Literal{V: "'" + strings.ReplaceAll(v, "'", `\'`) + "'"}
	}
}

// AtlasTable implements schema.Inspector: the engine and character set
// of TableOptions.
func (Dialect) AtlasTable(t *aschema.Table) {
	t.SetCharset("utf8mb4").SetCollation("utf8mb4_bin")
	t.AddAttrs(&amysql.Engine{V: "InnoDB", Default: true})
}

var _ schema.Migrations = Dialect{}

// GooseDialect implements schema.Migrations.
func (Dialect) GooseDialect() goose.Dialect { return goose.DialectMySQL }

// MigrationLock implements schema.Migrations: GET_LOCK, held by the
// migrating connection.
func (Dialect) MigrationLock() (lock.SessionLocker, error) { return getLock{}, nil }

type getLock struct{}

const lockName = "gomikro_migrations"

func (getLock) SessionLock(ctx context.Context, c *sql.Conn) error {
	var got sql.NullInt64
	if err := c.QueryRowContext(ctx, "SELECT GET_LOCK(?, 300)", lockName).Scan(&got); err != nil {
		return fmt.Errorf("gomikro: mysql: migration lock: %w", err)
	}
	if got.Int64 != 1 {
		return fmt.Errorf("gomikro: mysql: migration lock: another process held it for 300 s")
	}
	return nil
}

func (getLock) SessionUnlock(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", lockName)
	return err
}

var _ schema.GeneratedKey = Dialect{}

// AtlasGenerated implements schema.GeneratedKey: AUTO_INCREMENT columns.
func (Dialect) AtlasGenerated(_ *aschema.Table, c *aschema.Column) bool {
	for _, a := range c.Attrs {
		if _, ok := a.(*amysql.AutoIncrement); ok {
			return true
		}
	}
	return false
}
