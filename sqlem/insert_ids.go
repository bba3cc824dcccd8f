package sqlem

import (
	"context"
	"slices"
	"time"

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

// detached is its parent context without its cancellation and deadline,
// as context.WithoutCancel makes, but whose Value asks the parent directly
// (the statement statistics are looked up per statement; WithoutCancel's
// Value allocates on every call). A flush keeps one in its own allocation.
type detached struct{ parent context.Context }

func (detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (detached) Done() <-chan struct{}       { return nil }
func (detached) Err() error                  { return nil }
func (c detached) Value(key any) any         { return c.parent.Value(key) }
func (c detached) String() string            { return "gomikro.uncancelable" }
