package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gomikro/gomikro/sqlem"
)

// SQLite lets one connection write at a time. A writer that finds the
// write lock taken sleeps in the busy handler (1, 2, 5, 10 ... 100 ms) and
// polls again, so under contention the lock is often free while every
// writer sleeps, and a writer can miss it many times in a row: throughput
// drops and the tail latency grows to hundreds of milliseconds (a 100-row
// insert beside 15 others: p99 0.4 s, the slowest save 1 s). The pool of
// a database file therefore lines its writers up in the process (see
// writers) and wakes the next one as soon as the lock is free: a
// statement that writes outside a transaction holds the turn for that
// statement, a write transaction (BEGIN IMMEDIATE) from BEGIN to COMMIT
// or ROLLBACK. Reads do not wait (WAL lets them run beside the writer).
//
// The queue is an optimisation, never the judge: SQLite's lock stays the
// truth. A writer that waited longer than the busy timeout for its turn
// (its own transaction holds the turn on another connection, say) goes
// on to SQLite, whose busy handler decides as it would without the
// queue; a writer whose context ends while it waits sends nothing and
// reports an error that says so (not committed).
//
// A dedicated connection (Conn) is taken from database/sql only when its
// first statement runs, after the turn when that statement writes: a
// writer never holds a connection while it waits for its turn, so those
// waiting cannot take the connections the writer in turn still needs.

// WaitError is the error of a statement whose context ended while it
// waited for its turn to write: it was not sent.
type WaitError struct {
	// Err is the context's error.
	Err error
}

func (e *WaitError) Error() string {
	return "gomikro: sqlite: not committed: the context ended while waiting for the turn to write (nothing was sent): " + e.Err.Error()
}

// Unwrap returns the context's error.
func (e *WaitError) Unwrap() error { return e.Err }

// writerPool is the pool of a database file: database/sql's, with the
// writers queued.
type writerPool struct {
	sqlem.Pool // sqlem.DBPool
	w          *writers
}

var (
	_ sqlem.Pool                       = (*writerPool)(nil)
	_ sqlem.IDExecutor                 = (*writerPool)(nil)
	_ sqlem.IDExecutor                 = (*writerConn)(nil)
	_ sqlem.ColumnNamer                = (*turnRows)(nil)
	_ interface{ Unwrap() sqlem.Pool } = (*writerPool)(nil)
)

// Unwrap returns database/sql's pool (for sqlem.DB).
func (p *writerPool) Unwrap() sqlem.Pool { return p.Pool }

// Exec implements sqlem.Executor.
func (p *writerPool) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	if classify(q) != stmtWrite {
		return p.Pool.Exec(ctx, q, args...)
	}
	held, err := p.w.acquire(sqlem.WaitContext(ctx))
	if err != nil {
		return 0, err
	}
	if held {
		defer p.w.release()
	}
	return p.Pool.Exec(ctx, q, args...)
}

// ExecID implements sqlem.IDExecutor.
func (p *writerPool) ExecID(ctx context.Context, q string, args ...any) (int64, int64, error) {
	ix := p.Pool.(sqlem.IDExecutor)
	if classify(q) != stmtWrite {
		return ix.ExecID(ctx, q, args...)
	}
	held, err := p.w.acquire(sqlem.WaitContext(ctx))
	if err != nil {
		return 0, 0, err
	}
	if held {
		defer p.w.release()
	}
	return ix.ExecID(ctx, q, args...)
}

// Query implements sqlem.Executor. A statement that writes (INSERT ...
// RETURNING) ends when its rows are closed; it keeps the turn till then.
func (p *writerPool) Query(ctx context.Context, q string, args ...any) (sqlem.Rows, error) {
	if classify(q) != stmtWrite {
		return p.Pool.Query(ctx, q, args...)
	}
	held, err := p.w.acquire(sqlem.WaitContext(ctx))
	if err != nil {
		return nil, err
	}
	rows, err := p.Pool.Query(ctx, q, args...)
	if !held {
		return rows, err
	}
	if err != nil {
		p.w.release()
		return nil, err
	}
	return &turnRows{Rows: rows, done: p.w.release}, nil
}

// Close implements sqlem.Pool: the checkpointer stops, then the pool
// closes (SQLite checkpoints when the last connection closes).
func (p *writerPool) Close() error {
	if p.w.ckpt != nil {
		p.w.ckpt.close()
	}
	return p.Pool.Close()
}

// Conn implements sqlem.Pool: a connection taken at its first statement.
func (p *writerPool) Conn(context.Context) (sqlem.Conn, error) {
	return &writerConn{p: p}, nil
}

// turnRows are the rows of a writing statement that has the turn; Close
// (or the end of the rows) gives it back.
type turnRows struct {
	sqlem.Rows
	once sync.Once
	done func()
}

func (r *turnRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	// database/sql closed the statement at the end of the rows.
	r.once.Do(r.done)
	return false
}

func (r *turnRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.done)
	return err
}

// Columns implements sqlem.ColumnNamer.
func (r *turnRows) Columns() ([]string, error) {
	if c, ok := r.Rows.(sqlem.ColumnNamer); ok {
		return c.Columns()
	}
	return nil, errors.New("gomikro: sqlite: the driver's rows do not name their columns")
}

// writerConn is a dedicated connection, taken from database/sql at its
// first statement, which keeps the turn to write while its write
// transaction runs. A writerConn is used by one goroutine at a time.
type writerConn struct {
	p *writerPool
	c sqlem.Conn // nil until the first statement
	// held: the connection has the turn.
	held bool
	tx   txState
}

// txState is what a connection's transaction holds of SQLite's lock.
type txState uint8

const (
	txNone     txState = iota // no transaction
	txDeferred                // BEGIN [DEFERRED]: no write yet
	txWrite                   // BEGIN IMMEDIATE, or a deferred transaction that wrote
)

// before prepares a statement of kind k: it takes the turn when the
// statement starts to write on the connection, then the connection if
// there is none yet. autocommit reports a turn taken for the statement
// alone.
func (c *writerConn) before(ctx context.Context, k stmtKind) (autocommit bool, err error) {
	if !c.held && (k == stmtBeginWrite || k == stmtWrite && c.tx != txWrite) {
		held, err := c.p.w.acquire(sqlem.WaitContext(ctx))
		if err != nil {
			return false, err
		}
		c.held = held
		autocommit = held && c.tx == txNone && k == stmtWrite
	}
	if c.c == nil {
		conn, err := c.p.Pool.Conn(ctx)
		if err != nil {
			c.drop()
			return false, err
		}
		c.c = conn
	}
	return autocommit, nil
}

// after records what a statement of kind k did to the transaction and
// gives the turn back when the connection no longer writes.
func (c *writerConn) after(k stmtKind, autocommit bool, err error) {
	switch {
	case k == stmtBeginWrite || k == stmtBegin:
		switch {
		case err != nil:
			c.tx = txNone
			c.drop()
		case k == stmtBeginWrite:
			c.tx = txWrite
		default:
			c.tx = txDeferred
		}
	case k == stmtRollback || k == stmtCommit && err == nil:
		// A failed ROLLBACK leaves no transaction to end either; a failed
		// COMMIT may leave it open (a deferred foreign key, SQLITE_BUSY):
		// it keeps the turn until ROLLBACK or Release.
		c.tx = txNone
		c.drop()
	case autocommit:
		c.drop()
	case k == stmtWrite && c.tx == txDeferred:
		c.tx = txWrite // SQLite's lock, with the turn or without
	}
}

// drop gives the turn back if the connection has it.
func (c *writerConn) drop() {
	if c.held {
		c.held = false
		c.p.w.release()
	}
}

// Exec implements sqlem.Executor.
func (c *writerConn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	k := classify(q)
	if c.c == nil && k == stmtRollback {
		return 0, nil // nothing ran on this connection: nothing to undo
	}
	auto, err := c.before(ctx, k)
	if err != nil {
		return 0, err
	}
	n, err := c.c.Exec(ctx, q, args...)
	c.after(k, auto, err)
	return n, err
}

// ExecID implements sqlem.IDExecutor.
func (c *writerConn) ExecID(ctx context.Context, q string, args ...any) (int64, int64, error) {
	k := classify(q)
	auto, err := c.before(ctx, k)
	if err != nil {
		return 0, 0, err
	}
	ix, ok := c.c.(sqlem.IDExecutor)
	if !ok {
		c.after(k, auto, nil)
		return 0, 0, fmt.Errorf("gomikro: sqlite: the connection %T reports no insert ids", c.c)
	}
	id, n, err := ix.ExecID(ctx, q, args...)
	c.after(k, auto, err)
	return id, n, err
}

// Query implements sqlem.Executor.
func (c *writerConn) Query(ctx context.Context, q string, args ...any) (sqlem.Rows, error) {
	k := classify(q)
	auto, err := c.before(ctx, k)
	if err != nil {
		return nil, err
	}
	rows, err := c.c.Query(ctx, q, args...)
	if err != nil || !auto {
		c.after(k, auto, err)
		return rows, err
	}
	return &turnRows{Rows: rows, done: func() { c.after(k, true, nil) }}, nil
}

// Release implements sqlem.Conn: the connection goes back to the pool and
// gives the turn back if it still has it.
func (c *writerConn) Release() {
	if c.c != nil {
		c.c.Release()
		c.c = nil
	}
	c.tx = txNone
	c.drop()
}

// stmtKind is what a statement does to the write lock.
type stmtKind uint8

const (
	stmtRead       stmtKind = iota // reads (SELECT, PRAGMA, EXPLAIN, VALUES)
	stmtWrite                      // may write
	stmtBegin                      // BEGIN [DEFERRED]: a transaction that takes the lock when it writes
	stmtBeginWrite                 // BEGIN IMMEDIATE or EXCLUSIVE: the lock from the start
	stmtCommit                     // COMMIT, END
	stmtRollback                   // ROLLBACK (not ROLLBACK TO)
	stmtOther                      // SAVEPOINT, RELEASE, ROLLBACK TO: no change
)

// classify tells what statement q does to the write lock, by its first
// keywords (after blanks and comments). What it does not know may write.
func classify(q string) stmtKind {
	q = skipSpace(q)
	w, rest := keyword(q)
	switch w {
	case "SELECT", "PRAGMA", "EXPLAIN", "VALUES":
		return stmtRead
	case "BEGIN":
		switch w2, _ := keyword(skipSpace(rest)); w2 {
		case "IMMEDIATE", "EXCLUSIVE":
			return stmtBeginWrite
		}
		return stmtBegin
	case "COMMIT", "END":
		return stmtCommit
	case "ROLLBACK":
		rest = skipSpace(rest)
		if w2, r2 := keyword(rest); w2 == "TRANSACTION" {
			rest = skipSpace(r2)
		}
		if w2, _ := keyword(rest); w2 == "TO" {
			return stmtOther
		}
		return stmtRollback
	case "SAVEPOINT", "RELEASE":
		return stmtOther
	}
	return stmtWrite
}

// keyword returns the leading word of q in upper case and what follows.
func keyword(q string) (string, string) {
	i := 0
	for i < len(q) && (q[i] >= 'a' && q[i] <= 'z' || q[i] >= 'A' && q[i] <= 'Z') {
		i++
	}
	if i > 11 {
		return "", q // longer than every keyword classify looks for
	}
	return strings.ToUpper(q[:i]), q[i:]
}

// skipSpace skips blanks and comments.
func skipSpace(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n\f;")
		switch {
		case strings.HasPrefix(q, "--"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q[2:], "*/")
			if i < 0 {
				return ""
			}
			q = q[i+4:]
		default:
			return q
		}
	}
}
