package sqlem

import (
	"context"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// Rows is a result set.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Executor runs statements: a dedicated connection or a transaction.
type Executor interface {
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// Exec runs a statement and returns the rows it affected.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
}

// Stmt is one statement of a pipeline.
type Stmt struct {
	SQL  string
	Args []any
	// Scan, when set, reads the statement's rows.
	Scan func(Rows) error
	// oneKey, when set (and Scan is not), is the entity of the one row
	// the statement inserts, whose generated key the flush reads into
	// the object (readOneKey).
	oneKey *meta.Entity
	// Affected is set to the rows the statement affected.
	Affected int64

	// idRows, when set, are the inserted rows that receive the generated
	// keys the driver reports (the first key, then idStep apart), for
	// dialects without RETURNING.
	idRows []*tracking.Entry
	idStep int64
	// run, when set, makes idRows take the first key from a guard query
	// (see runGuarded).
	run *idRun
	// reuse marks a chunk of a big insert whose text other chunks share:
	// it runs on a prepared statement.
	reuse bool

	owner *meta.Entity // what the statement writes, for error messages
	op    string
}

// StmtError is returned by a Pipeliner for the statement that failed.
type StmtError struct {
	Stmt *Stmt
	Err  error
}

func (e *StmtError) Error() string { return e.Err.Error() }

// Unwrap returns the driver's error.
func (e *StmtError) Unwrap() error { return e.Err }

// Pipeliner is implemented by executors that can send several statements
// in one round trip. Statements run in order; the first error stops the
// rest (and aborts an open transaction).
type Pipeliner interface {
	Pipeline(ctx context.Context, stmts []*Stmt) error
}

// Conn is a connection taken from the pool for the duration of one unit
// of work.
type Conn interface {
	Executor
	Release()
}

// Pool is a dialect's connection pool.
type Pool interface {
	Executor
	// Conn takes a dedicated connection.
	Conn(ctx context.Context) (Conn, error)
	Ping(ctx context.Context) error
	Close() error
}

// IDExecutor is implemented by executors whose driver reports the key an
// insert generated (database/sql's LastInsertId).
type IDExecutor interface {
	// ExecID runs a statement and returns the first generated key and the
	// rows it affected.
	ExecID(ctx context.Context, sql string, args ...any) (lastID, affected int64, err error)
}

// preparer is implemented by executors that can compile a statement once
// and run it several times (database/sql connections): the chunks of a
// big insert share their text, and SQLite spends as long compiling a
// 1,000-row INSERT as running it.
type preparer interface {
	prepare(ctx context.Context, sql string) (prepared, error)
}

// prepared is a statement compiled by a preparer.
type prepared interface {
	ExecID(ctx context.Context, args ...any) (lastID, affected int64, err error)
	Close() error
}

// insertPreparer is implemented by dialects whose big inserts run their
// chunks of the same size on one prepared statement: SQLite compiles
// statements in the process, and a 1,000-row INSERT takes about as long
// to compile as to run; MySQL's binary protocol spares the client
// interpolating every value into the text. (PostgreSQL binds its values
// in binary and caches statements already.)
type insertPreparer interface {
	PrepareInserts() bool
}

func preparesInserts(d Dialect) bool {
	p, ok := d.(insertPreparer)
	return ok && p.PrepareInserts()
}
