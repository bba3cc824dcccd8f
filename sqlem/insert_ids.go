package sqlem

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gomikro/gomikro/meta"
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
	if _, ok := d.(insertIDRun); ok {
		return true
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
func (c detached) String() string            { return "gomikro.uncancelable" }

// insertIDRun is implemented by InsertIDs dialects (SQLite) whose
// multi-row insert gives its rows consecutive keys after the table's
// largest key, ending at the insert id, as long as a guard query run just
// before the statement finds nothing that could break the run (see
// runGuarded).
type insertIDRun interface {
	// InsertIDGuard returns a query (and its arguments) of one row on
	// table: its largest key (0 when empty) and 1 when something other
	// than the statement may choose or add keys (a trigger,
	// AUTOINCREMENT), else 0.
	InsertIDGuard(table string) (string, []any)
}

// idRun is how a multi-row insert of a dialect with insertIDRun reads its
// keys: by the guard and the insert id, or else by RETURNING.
type idRun struct {
	guard     string // the dialect's InsertIDGuard
	guardArgs []any
	returning string // " RETURNING key", for when the guard refuses
	prefix    string // "INSERT INTO t (cols) VALUES ", for one row at a time
	rows      []*tracking.Entry
	entity    *meta.Entity
}

// runGuarded runs the multi-row insert st of r.rows. With no trigger or
// AUTOINCREMENT on the table, SQLite gives each row the largest rowid
// before it plus one (https://sqlite.org/autoinc.html) unless that largest
// is 2^63-1, where it picks at random: below max-n, the rows get max+1 ..
// max+n, in order, which the insert id (the last row's) and the row count
// confirm. A trigger may insert rows of the table between ours, and
// AUTOINCREMENT need not start at max+1: RETURNING reads the keys then
// (ascending in insertion order as long as no key reaches 2^63-1). Near
// 2^63-1 the rows go one at a time, each with its own insert id.
func (fx *flushExec) runGuarded(ctx context.Context, st *Stmt, ix IDExecutor) error {
	r := st.run
	n := int64(len(r.rows))
	rows, err := fx.x.Query(ctx, r.guard, r.guardArgs...)
	if err != nil {
		return err
	}
	var top, other int64
	if !rows.Next() {
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("gomikro: no row from the key guard")
	}
	if err := rows.Scan(&top, &other); err != nil {
		_ = rows.Close()
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	switch {
	case top > math.MaxInt64-n:
		return fx.insertOneByOne(ctx, st, ix)
	case other != 0:
		q, err := fx.x.Query(ctx, st.SQL+r.returning, st.Args...)
		if err != nil {
			return err
		}
		defer q.Close()
		if err := readKeys(r.entity, r.rows, new([1]any))(q); err != nil {
			return err
		}
		st.Affected = n
		return q.Close()
	}
	last, got, err := fx.execID(ctx, st, ix)
	st.Affected = got
	if err != nil {
		return err
	}
	if got != n || last != top+n {
		return fmt.Errorf("gomikro: insert %s: %d rows got keys up to %d after %d, not %d consecutive keys",
			r.entity.Name, got, last, top, n)
	}
	return assignIDs(r.entity, st.idRows, st.idStep, top+1, got)
}

// insertOneByOne inserts the rows of the multi-row insert st one
// statement each, reading each key from its insert id.
func (fx *flushExec) insertOneByOne(ctx context.Context, st *Stmt, ix IDExecutor) error {
	r := st.run
	d := fx.s.drv.d
	w := len(st.Args) / len(r.rows)
	var b strings.Builder
	b.WriteString(r.prefix)
	b.WriteString("(")
	for k := range w {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Placeholder(k + 1))
	}
	b.WriteString(")")
	one := b.String()
	pk := r.entity.PK[0]
	for j, row := range r.rows {
		id, n, err := ix.ExecID(ctx, one, st.Args[j*w:(j+1)*w]...)
		st.Affected += n
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("gomikro: insert %s: %d rows inserted for 1 object", r.entity.Name, n)
		}
		if v := pk.Value(row.Obj); v.CanInt() {
			v.SetInt(id)
		} else {
			v.SetUint(uint64(id))
		}
	}
	return nil
}

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
