package mysql

import (
	"strings"

	"ariga.io/atlas/sql/migrate"
	amysql "ariga.io/atlas/sql/mysql"
	aschema "ariga.io/atlas/sql/schema"

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
	if x, ok := c.Default.(*aschema.RawExpr); ok && strings.HasPrefix(x.X, "('") && strings.HasSuffix(x.X, "')") {
		// DefaultClause escaped backslashes and doubled quotes; the
		// server escapes quotes with a backslash.
		v := strings.ReplaceAll(x.X[2:len(x.X)-2], "''", "'")
		c.Default = &aschema.Literal{V: "'" + strings.ReplaceAll(v, "'", `\'`) + "'"}
	}
}

// AtlasTable implements schema.Inspector: the engine and character set
// of TableOptions.
func (Dialect) AtlasTable(t *aschema.Table) {
	t.SetCharset("utf8mb4").SetCollation("utf8mb4_bin")
	t.AddAttrs(&amysql.Engine{V: "InnoDB", Default: true})
}
