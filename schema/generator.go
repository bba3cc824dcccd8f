package schema

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// Dialect is what the generator needs from a SQL dialect.
type Dialect interface {
	// QuoteIdent quotes an identifier.
	QuoteIdent(name string) string
	// ColumnType is the full column type of f (an explicit `type=` wins).
	ColumnType(f *meta.Field) string
	// IdentityClause is appended to a generated key's column type.
	IdentityClause(f *meta.Field) string
	// DefaultClause renders f's default as an SQL expression ("" for none).
	DefaultClause(f *meta.Field) string
	// DropTable drops a table if it exists, whatever references it.
	DropTable(table string) []string
	// SupportsTransactionalDDL reports whether DDL can run in a transaction.
	SupportsTransactionalDDL() bool
}

// InlineForeignKeys is implemented by dialects that can declare foreign
// keys only inside CREATE TABLE (SQLite has no ALTER TABLE ... ADD
// CONSTRAINT); such dialects must accept a reference to a table that does
// not exist yet.
type InlineForeignKeys interface {
	InlineForeignKeys() bool
}

// DropGuard is implemented by dialects that must switch foreign-key
// checks off to drop tables that reference each other (MySQL), or defer
// them (SQLite). Drop runs the prologue first and the epilogue last.
type DropGuard interface {
	DropPrologue() []string
	DropEpilogue() []string
}

// UniqueIndexes is implemented by dialects that declare unique
// constraints as named unique indexes (SQLite, whose inline UNIQUE
// constraints become unnamed automatic indexes).
type UniqueIndexes interface {
	UniqueIndexes() bool
}

// TableOptions is implemented by dialects that append options to CREATE
// TABLE (MySQL's engine, character set and collation).
type TableOptions interface {
	TableOptions() string
}

// Execer runs one DDL statement.
type Execer interface {
	ExecDDL(ctx context.Context, sql string) error
}

// Generator renders the DDL of a registry's entities.
type Generator struct {
	reg *meta.Registry
	d   Dialect
}

// New returns a generator for the entities of reg in dialect d.
func New(reg *meta.Registry, d Dialect) *Generator { return &Generator{reg: reg, d: d} }

// maxIdent bounds constraint and index names (PostgreSQL's limit is 63).
const maxIdent = 63

// Name shortens a generated identifier deterministically when it is too long.
func Name(parts ...string) string {
	n := strings.Join(parts, "_")
	if len(n) <= maxIdent {
		return n
	}
	h := sha1.Sum([]byte(n))
	return n[:maxIdent-9] + "_" + hex.EncodeToString(h[:4])
}

// CreateSQL returns the statements that create every table: tables first
// (entities in registration order, then pivots), then indexes, then
// foreign keys, so that cycles and self-references work.
func (g *Generator) CreateSQL() []string {
	var tables, indexes, fks []string
	q := g.d.QuoteIdent
	il, _ := g.d.(InlineForeignKeys)
	inline := il != nil && il.InlineForeignKeys()
	ui, _ := g.d.(UniqueIndexes)
	uniqueIdx := ui != nil && ui.UniqueIndexes()
	opts := ""
	if to, ok := g.d.(TableOptions); ok {
		opts = to.TableOptions()
	}
	for _, e := range g.reg.Tables() {
		var cols []string
		for _, f := range e.Columns {
			c := q(f.Column) + " " + g.d.ColumnType(f)
			if f.Generated {
				c += g.d.IdentityClause(f)
			}
			if !f.Nullable {
				c += " NOT NULL"
			}
			if d := g.d.DefaultClause(f); d != "" {
				c += " DEFAULT " + d
			}
			cols = append(cols, c)
		}
		pk := make([]string, len(e.PK))
		for i, f := range e.PK {
			pk[i] = q(f.Column)
		}
		cols = append(cols, "CONSTRAINT "+q(Name("pk", e.Table))+" PRIMARY KEY ("+strings.Join(pk, ", ")+")")
		for _, c := range g.enumChecks(e) {
			cols = append(cols, "CONSTRAINT "+q(c.name)+" CHECK ("+c.expr+")")
		}
		var entityIndexes []string
		for _, k := range uniqueGroups(e) {
			if uniqueIdx || k.qualified {
				entityIndexes = append(entityIndexes, g.createIndex(k, e.Table, true))
				continue
			}
			cols = append(cols, "CONSTRAINT "+q(k.name)+" UNIQUE ("+g.columnList(k.fields)+")")
		}
		for _, k := range indexGroups(e) {
			entityIndexes = append(entityIndexes, g.createIndex(k, e.Table, false))
		}
		for _, f := range e.Columns {
			if f.Storage != meta.StoreRef {
				continue
			}
			t := f.Rel.Target
			fk := "CONSTRAINT " + q(Name("fk", e.Table, f.Column)) +
				" FOREIGN KEY (" + q(f.Column) + ") REFERENCES " + q(t.Table) + " (" + q(t.PK[0].Column) + ")"
			if f.Rel.OnDelete != "" {
				fk += " ON DELETE " + strings.ToUpper(f.Rel.OnDelete)
			}
			if inline {
				cols = append(cols, fk)
			} else {
				fks = append(fks, "ALTER TABLE "+q(e.Table)+" ADD "+fk)
			}
		}
		tables = append(tables, "CREATE TABLE "+q(e.Table)+" (\n  "+strings.Join(cols, ",\n  ")+"\n)"+opts)
		indexes = append(indexes, entityIndexes...)
	}
	for _, pv := range g.reg.Pivots() {
		ok, tk := pv.Owner.PK[0], pv.Target.PK[0]
		cols := []string{
			q(pv.OwnerColumn) + " " + g.d.ColumnType(ok) + " NOT NULL",
			q(pv.TargetColumn) + " " + g.d.ColumnType(tk) + " NOT NULL",
			"CONSTRAINT " + q(Name("pk", pv.Table)) + " PRIMARY KEY (" + q(pv.OwnerColumn) + ", " + q(pv.TargetColumn) + ")",
		}
		pfks := []string{
			"CONSTRAINT " + q(Name("fk", pv.Table, pv.OwnerColumn)) +
				" FOREIGN KEY (" + q(pv.OwnerColumn) + ") REFERENCES " + q(pv.Owner.Table) + " (" + q(ok.Column) + ") ON DELETE CASCADE",
			"CONSTRAINT " + q(Name("fk", pv.Table, pv.TargetColumn)) +
				" FOREIGN KEY (" + q(pv.TargetColumn) + ") REFERENCES " + q(pv.Target.Table) + " (" + q(tk.Column) + ") ON DELETE CASCADE",
		}
		if inline {
			cols = append(cols, pfks...)
		} else {
			for _, fk := range pfks {
				fks = append(fks, "ALTER TABLE "+q(pv.Table)+" ADD "+fk)
			}
		}
		tables = append(tables, "CREATE TABLE "+q(pv.Table)+" (\n  "+strings.Join(cols, ",\n  ")+"\n)"+opts)
		indexes = append(indexes, "CREATE INDEX "+q(Name("idx", pv.Table, pv.TargetColumn))+" ON "+q(pv.Table)+" ("+q(pv.TargetColumn)+")")
	}
	return append(append(tables, indexes...), fks...)
}

func (g *Generator) columnList(fs []*meta.Field) string {
	cols := make([]string, len(fs))
	for i, f := range fs {
		cols[i] = g.d.QuoteIdent(f.Column)
	}
	return strings.Join(cols, ", ")
}

// DropSQL returns the statements that drop every table: pivots first,
// then entities in reverse registration order.
func (g *Generator) DropSQL() []string {
	var out []string
	guard, _ := g.d.(DropGuard)
	if guard != nil {
		out = append(out, guard.DropPrologue()...)
	}
	pv := g.reg.Pivots()
	for i := len(pv) - 1; i >= 0; i-- {
		out = append(out, g.d.DropTable(pv[i].Table)...)
	}
	es := g.reg.Tables()
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Virtual {
			continue
		}
		out = append(out, g.d.DropTable(es[i].Table)...)
	}
	if guard != nil {
		out = append(out, guard.DropEpilogue()...)
	}
	return out
}

// Create runs CreateSQL on x.
func (g *Generator) Create(ctx context.Context, x Execer) error { return run(ctx, x, g.CreateSQL()) }

// Drop runs DropSQL on x.
func (g *Generator) Drop(ctx context.Context, x Execer) error { return run(ctx, x, g.DropSQL()) }

func run(ctx context.Context, x Execer, stmts []string) error {
	for _, s := range stmts {
		if err := x.ExecDDL(ctx, s); err != nil {
			return fmt.Errorf("gomikro: schema: %s: %w", s, err)
		}
	}
	return nil
}

// Dump writes the create (or drop) statements as an SQL script.
func (g *Generator) Dump(w io.Writer, create bool) error {
	stmts := g.DropSQL()
	if create {
		stmts = g.CreateSQL()
	}
	for _, s := range stmts {
		if _, err := io.WriteString(w, s+";\n\n"); err != nil {
			return err
		}
	}
	return nil
}
