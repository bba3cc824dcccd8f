package gomikro

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned by FindOneOrFail and Refresh when no row
// matches. The backend's own error (such as pgx.ErrNoRows) stays in the
// chain when there is one.
var ErrNotFound = errors.New("gomikro: entity not found")

// ErrOptimisticLock is matched (errors.Is) by *OptimisticLockError.
var ErrOptimisticLock = errors.New("gomikro: optimistic lock failed")

// ErrUniqueViolation is matched (errors.Is) by *ConstraintError of kind
// unique.
var ErrUniqueViolation = errors.New("gomikro: unique constraint violated")

// ErrForeignKeyViolation is matched by *ConstraintError of kind foreign key.
var ErrForeignKeyViolation = errors.New("gomikro: foreign key constraint violated")

// ErrNotNullViolation is matched by *ConstraintError of kind not null.
var ErrNotNullViolation = errors.New("gomikro: not-null constraint violated")

// ErrCheckViolation is matched by errors for values the column cannot
// hold: too long, out of range, or failing a CHECK constraint.
var ErrCheckViolation = errors.New("gomikro: value does not fit its column")

// ErrDeadlock is matched by errors of transactions the server aborted as
// deadlock victims or serialization failures; retrying may succeed.
var ErrDeadlock = errors.New("gomikro: deadlock or serialization failure")

// ErrLockTimeout is matched when a lock could not be acquired in time.
var ErrLockTimeout = errors.New("gomikro: lock timeout")

// ErrCommitUnknown is matched by the error of a flush or commit whose
// outcome cannot be known: COMMIT (or a flush's only statement) was sent
// and its reply was lost, because the connection broke or the context
// ended while it was in flight. The database may or may not hold the
// writes. The cause stays in the chain.
//
// Where the server can tell afterwards (PostgreSQL: gomikro records the
// transaction id and asks txid_status on a fresh connection), the outcome
// is resolved before the error is returned, and a resolved flush is
// reported as committed (nil) or as failed like any other; this error then
// means the server could not be asked in time. MySQL and MariaDB have no
// way to ask.
//
// The EntityManager keeps the objects as the flush left them (generated
// keys included, where the server returned them) and refuses to flush
// again until Clear is called, so a retry cannot write the same rows
// twice: clear it, load what the database holds, and decide.
var ErrCommitUnknown = errors.New("gomikro: commit outcome unknown")

// OptimisticLockError reports a version check that failed: the row
// changed (or went) since it was loaded.
type OptimisticLockError struct {
	Entity string
	PK     any
}

func (e *OptimisticLockError) Error() string {
	return fmt.Sprintf("gomikro: optimistic lock failed: %s with primary key %v was changed or removed since it was loaded", e.Entity, e.PK)
}

// Is makes errors.Is(err, ErrOptimisticLock) true.
func (e *OptimisticLockError) Is(target error) bool { return target == ErrOptimisticLock }

// ValidationError reports a misuse of the API, with what to do instead.
type ValidationError struct {
	Msg string
	// Err, when set, is a sentinel the error also matches (errors.Is),
	// such as query.ErrUnknownProperty for a property that does not exist.
	Err error
}

func (e *ValidationError) Error() string { return "gomikro: " + e.Msg }

// Unwrap returns Err.
func (e *ValidationError) Unwrap() error { return e.Err }

// ConstraintError reports a statement the database refused because of a
// constraint or a value that does not fit; Kind is one of the sentinel
// errors above (ErrUniqueViolation, ...), which errors.Is matches.
type ConstraintError struct {
	Kind error
	// Entity and Field name what was written, when known.
	Entity, Field string
	// Constraint is the database's constraint name, when it gives one.
	Constraint string
	// Err is the driver's error.
	Err error
}

func (e *ConstraintError) Error() string {
	where := e.Entity
	if e.Field != "" {
		where += "." + e.Field
	}
	msg := e.Kind.Error()
	if where != "" {
		msg += " (" + where + ")"
	}
	if e.Constraint != "" {
		msg += " [" + e.Constraint + "]"
	}
	return msg + ": " + e.Err.Error()
}

// Is matches the constraint kind.
func (e *ConstraintError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the driver's error.
func (e *ConstraintError) Unwrap() error { return e.Err }

// ErrConcurrentUse is returned by an operation on an EntityManager that
// another goroutine is using at the same moment: an EntityManager is a
// unit of work for one goroutine at a time (fork one per goroutine). The
// check is cheap and catches most overlaps, not all: while the other
// goroutine runs a lifecycle hook or subscriber (code that may call back
// into the EntityManager), calls are let through.
var ErrConcurrentUse = errors.New("gomikro: EntityManager used by two goroutines at once")
