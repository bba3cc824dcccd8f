package sqlem

import (
	"context"
	"errors"
	"slices"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// tptLevels returns the tables a write of e spans: more than one for a
// table-per-type subtype (meta.Inheritance.Levels), nil otherwise.
func tptLevels(e *meta.Entity) []*meta.Entity {
	if in := e.Inheritance; in != nil && len(in.Levels) > 1 {
		return in.Levels
	}
	return nil
}

// levelCols returns the fields of cols stored at level l.
func levelCols(cols []*meta.Field, l int) []*meta.Field {
	var out []*meta.Field
	for _, f := range cols {
		if int(f.Level) == l {
			out = append(out, f)
		}
	}
	return out
}

// insertTPT queues the insert of rows of a table-per-type subtype: its
// root table's row first (whose generated key the stage returns), then
// the row of each of its own tables, keyed by it.
func (fx *flushExec) insertTPT(ctx context.Context, b *tracking.InsertBatch, levels []*meta.Entity) error {
	for l, lv := range levels {
		lb := &tracking.InsertBatch{Entity: lv, Columns: levelCols(b.Columns, l), Return: levelCols(b.Return, l), Rows: b.Rows}
		if l > 0 {
			if len(fx.unknown) > 0 {
				// The key of the row above is still coming.
				if err := fx.flushStage(ctx); err != nil {
					return err
				}
			}
			lb.Columns = append([]*meta.Field{lv.PK[0]}, lb.Columns...)
		}
		if err := fx.insert(lb); err != nil {
			return err
		}
		if l == 0 && len(lb.Return) > 0 && lv.GeneratedPK() && slices.Contains(lb.Return, lv.PK[0]) {
			fx.unknown = append(fx.unknown, b.Entity)
		}
	}
	return nil
}

// updateTPT queues the update of rows of a table-per-type subtype: one
// statement per table with changed columns (the version, on the root
// table, is checked there).
func (fx *flushExec) updateTPT(b *tracking.UpdateBatch, levels []*meta.Entity) error {
	for l, lv := range levels {
		cols := levelCols(b.Columns, l)
		if len(cols) == 0 {
			continue
		}
		lb := &tracking.UpdateBatch{Entity: lv, Columns: cols, Rows: b.Rows, Versioned: b.Versioned && l == 0}
		if err := fx.update(lb); err != nil {
			return err
		}
	}
	return nil
}

// hasTPT reports whether a write of the plan spans several tables.
func hasTPT(p *tracking.Plan) bool {
	for _, b := range p.Inserts {
		if tptLevels(b.Entity) != nil {
			return true
		}
	}
	for _, b := range p.Updates {
		if tptLevels(b.Entity) != nil {
			return true
		}
	}
	return false
}

// errTPTUnsupported is the error of the query builder and upsert on a
// table-per-type subtype, whose rows span several tables.
var errTPTUnsupported = errors.New("a table-per-type subtype's rows span several tables: use em.Find/FindOne/Persist, or query its base")
