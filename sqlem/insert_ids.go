package sqlem

import (
	"slices"

	"github.com/gomikro/gomikro/tracking"
)

// useInsertIDs reports whether the values an insert batch b reads back
// come from the driver's last insert id (InsertIDs) rather than from
// RETURNING rows.
//
// A dialect without RETURNING has no choice. One with both takes the
// insert id when the generated key is all there is to read back and the
// keys of the batch's statements are known from their first: one row a
// batch, or consecutive keys (a step). No result rows are then sent,
// decoded or allocated, as hand-written code does it.
func useInsertIDs(d Dialect, b *tracking.InsertBatch) bool {
	if len(b.Return) == 0 {
		return false
	}
	if !d.Returning() {
		return true
	}
	ids, ok := d.(InsertIDs)
	if !ok {
		return false
	}
	e := b.Entity
	if len(b.Return) != 1 || !e.GeneratedPK() || !slices.Contains(b.Return, e.PK[0]) {
		return false
	}
	if k, ok := d.(insertIDKeyer); ok && !k.InsertIDKey(e.PK[0]) {
		return false
	}
	return len(b.Rows) == 1 || ids.InsertIDStep() > 0
}
