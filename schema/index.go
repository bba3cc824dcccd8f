package schema

import (
	"strings"

	aschema "ariga.io/atlas/sql/schema"

	"github.com/gomikro/gomikro/meta"
)

// PartialIndexes is implemented by dialects with partial indexes
// (CREATE INDEX ... WHERE) and indexes on expressions, the where= and
// expr= options of a field's index or unique constraint.
type PartialIndexes interface {
	// AtlasIndexPredicate is the engine's attribute of a partial
	// index's condition.
	AtlasIndexPredicate(where string) aschema.Attr
}

// qualified applies the where= and expr= options of a group's fields: a
// group with any is renamed with a hash of them (a changed condition or
// expression is then a new index to a schema update, whatever text the
// server keeps), and carries its condition.
func qualified(gs []group) []group {
	for i := range gs {
		var hs []string
		for _, f := range gs[i].fields {
			if o := f.IndexOpts; o != nil {
				hs = append(hs, o.Hash())
				if o.Where != "" {
					gs[i].where = o.Where
				}
			}
		}
		if hs != nil {
			gs[i].qualified = true
			gs[i].name = Name(gs[i].name, (&meta.IndexOptions{Expr: strings.Join(hs, ",")}).Hash())
		}
	}
	return gs
}

// indexParts renders the key parts of a group: the quoted columns, or
// the parenthesised expressions of expr= fields.
func (g *Generator) indexParts(k group) string {
	parts := make([]string, len(k.fields))
	for i, f := range k.fields {
		if f.IndexOpts != nil && f.IndexOpts.Expr != "" {
			parts[i] = "(" + f.IndexOpts.Expr + ")"
		} else {
			parts[i] = g.d.QuoteIdent(f.Column)
		}
	}
	return strings.Join(parts, ", ")
}

// createIndex renders CREATE [UNIQUE] INDEX of a group on table.
func (g *Generator) createIndex(k group, table string, unique bool) string {
	s := "CREATE INDEX "
	if unique {
		s = "CREATE UNIQUE INDEX "
	}
	s += g.d.QuoteIdent(k.name) + " ON " + g.d.QuoteIdent(table) + " (" + g.indexParts(k) + ")"
	if k.where != "" {
		s += " WHERE " + k.where
	}
	return s
}

// atlasIndex builds the engine's model of a group's index on t.
func (g *Generator) atlasIndex(k group, t *aschema.Table, unique bool) *aschema.Index {
	idx := aschema.NewIndex(k.name)
	if unique {
		idx = aschema.NewUniqueIndex(k.name)
	}
	for _, f := range k.fields {
		if f.IndexOpts != nil && f.IndexOpts.Expr != "" {
			idx.AddParts(&aschema.IndexPart{X: &aschema.RawExpr{X: f.IndexOpts.Expr}})
		} else {
			idx.AddColumns(colOf(t, f.Column))
		}
	}
	if k.where != "" {
		if p, ok := g.d.(PartialIndexes); ok {
			idx.AddAttrs(p.AtlasIndexPredicate(k.where))
		}
	}
	return idx
}

// reconcileIndexes copies, into the model want, the condition and
// expressions the live database reports for the partial and expression
// indexes both have: their names carry a hash of the declared text, so a
// name in both means the same declaration, written back by the server in
// its own words.
func reconcileIndexes(live, want *aschema.Schema) {
	for _, wt := range want.Tables {
		lt, ok := live.Table(wt.Name)
		if !ok {
			continue
		}
		for _, wi := range wt.Indexes {
			if !qualifiedIndex(wi) {
				continue
			}
			li, ok := lt.Index(wi.Name)
			if !ok || len(li.Parts) != len(wi.Parts) || li.Unique != wi.Unique {
				continue
			}
			for i, p := range wi.Parts {
				if p.X != nil {
					p.X = li.Parts[i].X
				}
			}
			wi.Attrs = li.Attrs
		}
	}
}

// qualifiedIndex reports whether an index of the model has an expression
// part or a condition.
func qualifiedIndex(idx *aschema.Index) bool {
	for _, p := range idx.Parts {
		if p.X != nil {
			return true
		}
	}
	for _, a := range idx.Attrs {
		if _, ok := a.(*aschema.Comment); !ok {
			return true
		}
	}
	return false
}
