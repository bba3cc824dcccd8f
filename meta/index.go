package meta

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// IndexOptions qualify the index or unique constraint of a field (its
// group's, when the name is shared): `where=COND` makes it a partial
// index over the rows where COND holds, `expr=EXPR` indexes the SQL
// expression EXPR in place of the field's column. Both are SQL text,
// passed to the database as written (a tag cannot hold a comma). Only
// dialects with partial and expression indexes accept them (PostgreSQL,
// SQLite); others refuse them at Open.
type IndexOptions struct {
	Where, Expr string
}

// Hash is a short hash of the options, part of the index's generated
// name, so that a changed condition or expression is a new index to a
// schema update (servers rewrite the SQL text they are given).
func (o *IndexOptions) Hash() string {
	h := sha1.Sum([]byte(o.Where + "\x00" + o.Expr))
	return hex.EncodeToString(h[:4])
}

// indexOpts takes the where= and expr= items out of a field's tag.
func indexOpts(items []tagItem) ([]tagItem, *IndexOptions, error) {
	var o *IndexOptions
	rest := items[:0:0]
	for _, it := range items {
		switch it.key {
		case "where", "expr":
			if it.val == "" {
				return nil, nil, fmt.Errorf("%s= needs an SQL %s", it.key, map[string]string{"where": "condition", "expr": "expression"}[it.key])
			}
			if o == nil {
				o = &IndexOptions{}
			}
			if it.key == "where" {
				o.Where = it.val
			} else {
				o.Expr = it.val
			}
		default:
			rest = append(rest, it)
		}
	}
	return rest, o, nil
}

// setIndexOpts attaches o to f, which must have an index or a unique
// constraint (not both: the options would be ambiguous).
func setIndexOpts(f *Field, o *IndexOptions) error {
	if o == nil {
		return nil
	}
	switch {
	case f.Rel != nil && f.Storage != StoreRef:
		return fieldErr(f.Entity.Name, f.Name, "where= and expr= apply to indexed columns, not to collections")
	case !f.Indexed && !f.Unique:
		return fieldErr(f.Entity.Name, f.Name, "where= and expr= qualify an index: add index or unique")
	case f.Indexed && f.Unique:
		return fieldErr(f.Entity.Name, f.Name, "where= and expr= with both index and unique: say which one they qualify (keep one of them)")
	}
	f.IndexOpts = o
	return nil
}

// checkIndexOpts refuses a group of fields (an index or unique
// constraint of one name) whose fields give different conditions.
func checkIndexOpts(e *Entity) error {
	where := map[string]*Field{}
	for _, f := range e.Columns {
		if f.IndexOpts == nil || f.IndexOpts.Where == "" {
			continue
		}
		key := "i" + f.IndexName
		if f.Unique {
			key = "u" + f.UniqueName
		}
		if key == "i" || key == "u" {
			continue // an index of its own
		}
		if prev, ok := where[key]; ok && prev.IndexOpts.Where != f.IndexOpts.Where {
			return fieldErr(e.Name, f.Name, "where=%s differs from where=%s of %s in the same index", f.IndexOpts.Where, prev.IndexOpts.Where, prev.Name)
		}
		where[key] = f
	}
	return nil
}
