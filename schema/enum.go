package schema

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"

	aschema "ariga.io/atlas/sql/schema"

	"github.com/gomikro/gomikro/meta"
)

// NativeEnums is implemented by dialects whose column type can hold an
// enum field's value set itself (MySQL's ENUM('a', 'b') for string
// enums); the generator adds a CHECK constraint for the other enum
// fields.
type NativeEnums interface {
	// NativeEnum reports whether ColumnType(f) holds f.Enum's values.
	NativeEnum(f *meta.Field) bool
}

// check is a named CHECK constraint of an entity's table.
type check struct{ name, expr string }

// enumChecks lists the CHECK constraints of e's enum fields that the
// dialect's column types do not enforce: `col IN (values)`. The name ends
// with a hash of the values, so that a changed set is a new constraint
// to a schema update (a constraint is compared by name: servers rewrite
// the expression).
func (g *Generator) enumChecks(e *meta.Entity) []check {
	var out []check
	native, _ := g.d.(NativeEnums)
	for _, f := range e.Columns {
		if f.Enum == nil || native != nil && native.NativeEnum(f) {
			continue
		}
		lits := strings.Join(f.Enum.Literals(), ", ")
		h := sha1.Sum([]byte(lits))
		out = append(out, check{
			name: Name("ck", e.Table, f.Column, hex.EncodeToString(h[:4])),
			expr: g.d.QuoteIdent(f.Column) + " IN (" + lits + ")",
		})
	}
	return out
}

// addChecks adds e's CHECK constraints to its table model.
func (g *Generator) addChecks(e *meta.Entity, t *aschema.Table) {
	for _, c := range g.enumChecks(e) {
		t.AddChecks(&aschema.Check{Name: c.name, Expr: c.expr})
	}
}
