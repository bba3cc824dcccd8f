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

// uncancelable returns ctx without its cancellation and deadline, as
// context.WithoutCancel does, but whose Value asks ctx directly (the
// statement statistics are looked up per statement; WithoutCancel's Value
// allocates on every call).
func uncancelable(ctx context.Context) context.Context { return detached{ctx} }

type detached struct{ parent context.Context }

func (detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (detached) Done() <-chan struct{}       { return nil }
func (detached) Err() error                  { return nil }
func (c detached) String() string            { return "gomikro.uncancelable" }

func (c detached) Value(key any) any {
	if key == (waitKey{}) {
		return c.parent
	}
	return c.parent.Value(key)
}

// waitKey is the context key under which an uncancelable context keeps
// the caller's context (see WaitContext).
type waitKey struct{}

// WaitContext returns the context that bounds a wait before a statement
// starts (for a lock of the pool's own, say). A statement that must run
// to its end once started (see InProcess) gets a context without
// cancellation; WaitContext returns the caller's context behind it, whose
// end means the statement was never sent, so that a pool can stop
// waiting and report "not committed". For any other context it returns
// ctx.
func WaitContext(ctx context.Context) context.Context {
	if p, ok := ctx.Value(waitKey{}).(context.Context); ok {
		return p
	}
	return ctx
}
