package schema

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	aschema "ariga.io/atlas/sql/schema"

	"github.com/gomikro/gomikro/meta"
)

// Inspector is implemented by SQL dialects whose live schema can be read,
// compared with the entities and altered. The dialect hands over the
// engine's driver for its database (Atlas: an inspector, a differ and a
// planner that renders changes in the dialect's SQL) and says what its
// DDL means in the engine's model, so that a schema created by
// Generator.CreateSQL compares equal to the model built from the same
// entities.
type Inspector interface {
	// AtlasDriver opens the engine's driver over db.
	AtlasDriver(db aschema.ExecQuerier) (migrate.Driver, error)
	// AtlasColumn completes the model of f's column: c holds the type
	// parsed from ColumnType, nullability and the default of
	// DefaultClause; the dialect adds what its DDL implies (identity
	// attributes, the type the server reports back, ...).
	AtlasColumn(f *meta.Field, c *aschema.Column)
	// AtlasTable completes the model of a table (table options).
	AtlasTable(t *aschema.Table)
}

// Model builds the entities' schema in the engine's model: the state a
// database created by CreateSQL is in. schemaName names the schema; drv
// parses the dialect's column types.
func (g *Generator) Model(drv migrate.Driver, schemaName string) (*aschema.Schema, error) {
	ins, ok := g.d.(Inspector)
	if !ok {
		return nil, fmt.Errorf("gomikro: schema: the dialect %T cannot inspect a live schema", g.d)
	}
	parser, ok := drv.(aschema.TypeParser)
	if !ok {
		return nil, fmt.Errorf("gomikro: schema: the driver %T parses no column types", drv)
	}
	s := aschema.New(schemaName)
	tables := map[string]*aschema.Table{}
	column := func(f *meta.Field, name, typ string, nullable bool, def string) (*aschema.Column, error) {
		// A constant default is a literal (SQLite adds such a column with
		// ALTER TABLE instead of rebuilding the table); now is an
		// expression.
		if !strings.ContainsAny(typ, `'"`) {
			typ = strings.ToLower(typ) // the engine's parsers know lower-case names
		}
		t, err := parser.ParseType(typ)
		if err != nil {
			return nil, fmt.Errorf("gomikro: schema: %s: column type %q: %w", f, typ, err)
		}
		c := aschema.NewColumn(name).SetType(t).SetNull(nullable)
		c.Type.Raw = typ
		switch {
		case def == "":
		case f.Default != nil && f.Default.Now:
			c.SetDefault(&aschema.RawExpr{X: def})
		default:
			c.SetDefault(&aschema.Literal{V: def})
		}
		ins.AtlasColumn(f, c)
		return c, nil
	}
	// Tables and columns first, so that foreign keys find their targets.
	for _, e := range g.reg.Entities() {
		if e.Virtual {
			continue // no table (see meta.Virtual)
		}
		t := aschema.NewTable(e.Table)
		for _, f := range e.Columns {
			c, err := column(f, f.Column, g.d.ColumnType(f), f.Nullable, g.d.DefaultClause(f))
			if err != nil {
				return nil, err
			}
			t.AddColumns(c)
		}
		ins.AtlasTable(t)
		s.AddTables(t)
		tables[e.Table] = t
	}
	for _, pv := range g.reg.Pivots() {
		t := aschema.NewTable(pv.Table)
		okf, tkf := pv.Owner.PK[0], pv.Target.PK[0]
		oc, err := column(pivotField(okf), pv.OwnerColumn, g.d.ColumnType(okf), false, "")
		if err != nil {
			return nil, err
		}
		tc, err := column(pivotField(tkf), pv.TargetColumn, g.d.ColumnType(tkf), false, "")
		if err != nil {
			return nil, err
		}
		t.AddColumns(oc, tc)
		t.SetPrimaryKey(aschema.NewPrimaryKey(oc, tc).SetName(Name("pk", pv.Table)))
		t.AddIndexes(aschema.NewIndex(Name("idx", pv.Table, pv.TargetColumn)).AddColumns(tc))
		t.AddForeignKeys(
			aschema.NewForeignKey(Name("fk", pv.Table, pv.OwnerColumn)).AddColumns(oc).
				SetRefTable(tables[pv.Owner.Table]).AddRefColumns(colOf(tables[pv.Owner.Table], okf.Column)).
				SetOnDelete(aschema.Cascade),
			aschema.NewForeignKey(Name("fk", pv.Table, pv.TargetColumn)).AddColumns(tc).
				SetRefTable(tables[pv.Target.Table]).AddRefColumns(colOf(tables[pv.Target.Table], tkf.Column)).
				SetOnDelete(aschema.Cascade),
		)
		ins.AtlasTable(t)
		s.AddTables(t)
		tables[pv.Table] = t
	}
	for _, e := range g.reg.Entities() {
		if e.Virtual {
			continue // no table (see meta.Virtual)
		}
		t := tables[e.Table]
		pk := make([]*aschema.Column, len(e.PK))
		for i, f := range e.PK {
			pk[i] = colOf(t, f.Column)
		}
		t.SetPrimaryKey(aschema.NewPrimaryKey(pk...).SetName(Name("pk", e.Table)))
		g.addChecks(e, t)
		for _, k := range uniqueGroups(e) {
			t.AddIndexes(g.atlasIndex(k, t, true))
		}
		for _, k := range indexGroups(e) {
			t.AddIndexes(g.atlasIndex(k, t, false))
		}
		for _, f := range e.Columns {
			if f.Storage != meta.StoreRef {
				continue
			}
			target := f.Rel.Target
			rt := tables[target.Table]
			fk := aschema.NewForeignKey(Name("fk", e.Table, f.Column)).AddColumns(colOf(t, f.Column)).
				SetRefTable(rt).AddRefColumns(colOf(rt, target.PK[0].Column))
			if a := onDelete(f.Rel.OnDelete); a != "" {
				fk.SetOnDelete(a)
			}
			t.AddForeignKeys(fk)
		}
	}
	return s, nil
}

// pivotField is the key field a pivot column copies, seen as a plain,
// non-generated column.
func pivotField(k *meta.Field) *meta.Field {
	c := *k
	c.Generated, c.Default, c.Nullable = false, nil, false
	return &c
}

func colOf(t *aschema.Table, name string) *aschema.Column {
	c, _ := t.Column(name)
	return c
}

func onDelete(s string) aschema.ReferenceOption {
	switch s {
	case "cascade":
		return aschema.Cascade
	case "set null":
		return aschema.SetNull
	case "restrict":
		return aschema.Restrict
	case "no action":
		return aschema.NoAction
	case "set default":
		return aschema.SetDefault
	}
	return ""
}

// group is a named unique constraint or index and its fields, in
// declaration order.
type group struct {
	name   string
	fields []*meta.Field
	// where is the condition of a partial index; qualified is set when
	// the fields have where= or expr= options (see qualified).
	where     string
	qualified bool
}

// uniqueGroups lists an entity's unique constraints as CreateSQL names them.
func uniqueGroups(e *meta.Entity) []group {
	return qualified(fieldGroups(e, func(f *meta.Field) (string, bool) {
		if f.UniqueName != "" {
			return f.UniqueName, f.Unique
		}
		return Name("uq", e.Table, f.Column), f.Unique
	}))
}

// fieldGroups groups the columns of e that name returns ok for by the
// name it returns, in column order (fields sharing a name form one
// composite group).
func fieldGroups(e *meta.Entity, name func(*meta.Field) (string, bool)) []group {
	var out []group
	at := map[string]int{}
	for _, f := range e.Columns {
		n, ok := name(f)
		if !ok {
			continue
		}
		if i, ok := at[n]; ok {
			out[i].fields = append(out[i].fields, f)
			continue
		}
		at[n] = len(out)
		out = append(out, group{name: n, fields: []*meta.Field{f}})
	}
	return out
}

// indexGroups lists an entity's indexes as CreateSQL names them: the
// declared ones, then one per foreign key that no key, unique constraint
// or index leads with.
func indexGroups(e *meta.Entity) []group {
	out := qualified(fieldGroups(e, func(f *meta.Field) (string, bool) {
		if f.IndexName != "" {
			return f.IndexName, f.Indexed
		}
		return Name("idx", e.Table, f.Column), f.Indexed
	}))
	for _, f := range e.Columns {
		if f.Storage != meta.StoreRef || f.Unique || f.Indexed || (len(e.PK) > 0 && e.PK[0] == f) {
			continue
		}
		out = append(out, group{name: Name("idx", e.Table, f.Column), fields: []*meta.Field{f}})
	}
	return out
}
