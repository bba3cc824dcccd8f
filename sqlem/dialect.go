package sqlem

import (
	"context"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/tracking"
)

// Dialect is what differs between SQL databases. Core code never asks a
// dialect's name: it asks for SQL, shapes and capabilities.
type Dialect interface {
	schema.Dialect
	// Placeholder returns the n-th (1-based) parameter marker.
	Placeholder(n int) string
	// Returning reports whether INSERT/UPDATE ... RETURNING works.
	Returning() bool
	// Classify maps a driver error to the constraint or column it names
	// and a gomikro sentinel error (gomikro.ErrUniqueViolation, ...); kind
	// is nil for other errors.
	Classify(err error) (constraint, column string, kind error)
	// EncodeJSON turns an encoded JSON value into the parameter the driver
	// expects for a JSON column.
	EncodeJSON(b []byte) any
	// ILike renders a case-insensitive LIKE of lhs against the parameter p.
	ILike(lhs, p string) string
	// Regexp renders a regular-expression match of lhs against p.
	Regexp(lhs, p string) string
	// LimitOffset renders the LIMIT/OFFSET clause (with a leading space)
	// for limit > 0 or offset > 0.
	LimitOffset(limit, offset int) string
	// Lock renders the locking clause of a SELECT (with a leading space),
	// or "" where the dialect has no such lock.
	Lock(mode LockMode) string
	// MaxParams is the number of bound parameters one statement may carry.
	MaxParams() int
}

// LockMode is a pessimistic lock taken by a find inside a transaction.
type LockMode uint8

// Lock modes.
const (
	LockNone LockMode = iota
	// LockForUpdate: SELECT ... FOR UPDATE.
	LockForUpdate
	// LockForShare: SELECT ... FOR SHARE (or the dialect's equivalent).
	LockForShare
	// LockForUpdateSkipLocked skips rows other transactions locked.
	LockForUpdateSkipLocked
	// LockForUpdateNoWait fails at once when a row is locked.
	LockForUpdateNoWait
)

// BulkInserter is implemented by dialects with a better shape than
// multi-row VALUES for inserting many rows (PostgreSQL's unnest arrays).
// It returns the statement, or ok false to use the default shape.
type BulkInserter interface {
	BulkInsert(b *tracking.InsertBatch, rows []*tracking.Entry, values ValueReader) (sql string, args []any, ok bool, err error)
}

// BulkUpdater is implemented by dialects that can update many rows with
// different values in one statement (UPDATE ... FROM unnest on
// PostgreSQL). The statement returns the primary keys of the rows it
// updated when versioned.
type BulkUpdater interface {
	BulkUpdate(b *tracking.UpdateBatch, rows []*tracking.Entry, values ValueReader) (sql string, args []any, ok bool, err error)
}

// BulkUpdateSizer is implemented by bulk updaters whose statements run
// best with fewer rows than the parameter limit allows: a flush splits its
// bulk updates into statements of at most BulkUpdateRows rows.
type BulkUpdateSizer interface {
	// BulkUpdateRows returns the most rows one bulk update carries when
	// it sets cols columns.
	BulkUpdateRows(cols int) int
}

// ValueReader reads the parameter value of a column from an object.
type ValueReader interface {
	// Value returns the driver value of column f of the row.
	Value(f *meta.Field, row *tracking.Entry) (any, error)
	// Column returns the values of column f for the rows as a typed slice
	// (for array parameters).
	Column(f *meta.Field, rows []*tracking.Entry) (any, error)
	// Getter returns a reader of column f's driver value (what Value
	// returns), looked up once for the many rows of a batch.
	Getter(f *meta.Field) func(row *tracking.Entry) (any, error)
}

// TxStarter is implemented by dialects whose transactions should start
// with something other than BEGIN (SQLite's BEGIN IMMEDIATE takes the
// write lock up front, so two writers wait instead of failing).
type TxStarter interface {
	BeginSQL() string
}

// ParamConverter is implemented by dialects that store some Go values in
// a form of their own (SQLite keeps times as UTC text that sorts). It is
// applied to every bound parameter of the statements gomikro renders,
// except the values of types bool, int, int16, int32, int64, float64 and
// string that a bulk insert reads from its objects: ConvertParam must
// return those unchanged.
type ParamConverter interface {
	ConvertParam(v any) any
}

// LimitedValues is implemented by dialects whose columns cannot hold
// some values of the Go types they map (NaN in a MySQL DOUBLE, NUL in
// PostgreSQL text): a flush refuses such a value before it sends
// anything, with a *gomikro.ConstraintError (ErrCheckViolation) naming
// Entity.Field. Limits every backend shares (times in the years 1 to
// 9999, unsigned integers up to MaxInt64, UTF-8 text) need no method.
type LimitedValues interface {
	ValueLimits() ValueLimits
}

// ValueLimits lists the values of the mapped Go types that a dialect's
// columns cannot hold.
type ValueLimits struct {
	// NoNaN: float columns cannot hold NaN.
	NoNaN bool
	// NoInf: float columns cannot hold +Inf and -Inf.
	NoInf bool
	// NoNUL: text columns cannot hold the NUL character.
	NoNUL bool
}

// InsertIDs is implemented by dialects whose driver reports the first key
// a multi-row insert generated (MySQL's LAST_INSERT_ID, SQLite's
// last_insert_rowid). Step returns the distance between the keys of one
// statement's rows, or 0 when they may not be consecutive, in which case
// a dialect without RETURNING inserts rows one per statement, and one
// with RETURNING uses the insert id for one-row batches only. Where the
// dialect has RETURNING too, the insert id is used when the generated key
// is the only value to read back (no result rows to send and decode), and
// when the dialect's InsertIDKey, if it has one, accepts the key.
type InsertIDs interface {
	InsertIDStep() int64
}

// insertIDKeyer is implemented by InsertIDs dialects whose insert id is
// the generated key of some key columns only (SQLite: an INTEGER PRIMARY
// KEY, the rowid).
type insertIDKeyer interface {
	InsertIDKey(f *meta.Field) bool
}

// InProcess is implemented by dialects whose database runs inside the
// process (SQLite). Their driver may report the context's error for a
// statement that completed (modernc's SQLite driver does, when the
// context ends while the statement runs), so a context is not allowed to
// cut a statement whose answer must be the truth: a flush's only
// statement (run without a transaction) and COMMIT run to their end once
// started — they cannot hang on a network, and wait for a lock at most
// the busy timeout. A context that ended before they start still means
// "not committed"; statements inside a flush's transaction stay
// cancellable, since a failure there is rolled back. A pool that waits
// for a lock of its own before such a statement starts can end that wait
// with the caller's context, which WaitContext returns.
type InProcess interface {
	InProcess() bool
}

// inProcess reports whether d is an InProcess dialect.
func inProcess(d Dialect) bool {
	p, ok := d.(InProcess)
	return ok && p.InProcess()
}

// FailureClassifier is implemented by dialects whose driver errors tell
// whether a failed statement surely took no effect: the server answered
// with an error, or the driver never sent the statement. A COMMIT (or a
// flush's only statement) that failed with any other error has an
// unknown outcome; without this interface every such failure is unknown.
type FailureClassifier interface {
	NotApplied(err error) bool
}

// TxResolver is implemented by dialects whose server can tell, after the
// fact, whether a transaction committed (PostgreSQL's txid_status). A
// flush records the transaction id inside its transaction and asks on a
// fresh connection when the reply to COMMIT is lost.
type TxResolver interface {
	// TxIDSQL is a query, run inside a transaction, that returns the
	// transaction's id as one integer column.
	TxIDSQL() string
	// TxStatus asks, on x (outside the transaction), what became of the
	// transaction id: done is false while the server still runs it.
	TxStatus(ctx context.Context, x Executor, id int64) (committed, done bool, err error)
}

// beginSQL is the statement that starts a transaction in dialect d.
func beginSQL(d Dialect) string {
	if t, ok := d.(TxStarter); ok {
		return t.BeginSQL()
	}
	return "BEGIN"
}

// ListBinder is implemented by dialects that bind a whole list of values
// as one parameter, so that an IN list of any length is one statement:
// PostgreSQL's = ANY($1) over an array, SQLite's json_each and MariaDB's
// JSON_TABLE over a JSON array. Without it (or when ListParam refuses the
// values) every value is its own parameter, up to MaxParams.
type ListBinder interface {
	// ListMin is the shortest list bound as one parameter; shorter ones
	// get a parameter per value (1: always one parameter).
	ListMin() int
	// ListParam returns vals, the driver values of a column holding field
	// f's values, as one parameter, or ok false when they cannot be bound
	// so (a type the list form does not carry, a NULL).
	ListParam(f *meta.Field, vals []any) (param any, ok bool)
	// InList renders lhs IN the list bound at placeholder p, or NOT IN
	// when not. NULL values of lhs are the caller's concern.
	InList(lhs, p string, f *meta.Field, not bool) string
}
