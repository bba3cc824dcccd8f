package sqlite

import (
	"strings"

	"ariga.io/atlas/sql/migrate"
	aschema "ariga.io/atlas/sql/schema"
	asqlite "ariga.io/atlas/sql/sqlite"

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
