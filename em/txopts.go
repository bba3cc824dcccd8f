package em

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
)

// ErrNoTransaction is matched by the error of an operation that needs a
// running transaction and has none: Transactional or Begin with
// PropagationMandatory, and a locking find (sqlem.ForUpdate, ...) outside a
// transaction, whose lock would end with its own statement.
var ErrNoTransaction = errors.New("gomikro: no transaction is running")

// ErrTransactionExists is matched by the error of Transactional or Begin
// with PropagationNever when a transaction is running.
var ErrTransactionExists = errors.New("gomikro: a transaction is running")

// Propagation says how Transactional (or Begin) relates to a transaction
// already running on the EntityManager it is called on; the modes are
// MikroORM's (TransactionPropagation).
type Propagation uint8

// Propagation modes. The zero value is PropagationNested, MikroORM's
// default.
const (
	// PropagationNested runs in a savepoint of the running transaction
	// (a failure rolls back to it and leaves the outer transaction
	// usable), or in a new transaction when none runs.
	PropagationNested Propagation = iota
	// PropagationRequired joins the running transaction (fn gets the
	// EntityManager itself, and its error is left to the outer
	// transaction to act on), or starts a new one when none runs.
	PropagationRequired
	// PropagationRequiresNew always starts an independent transaction on
	// its own connection, which commits or rolls back on its own; a
	// running one is left as it is meanwhile.
	PropagationRequiresNew
	// PropagationSupports joins the running transaction, or runs without
	// one (each flush in its own) when none runs.
	PropagationSupports
	// PropagationNotSupported runs without a transaction, on a fork that
	// does not see the running one.
	PropagationNotSupported
	// PropagationNever runs without a transaction and fails with
	// ErrTransactionExists when one runs.
	PropagationNever
	// PropagationMandatory joins the running transaction and fails with
	// ErrNoTransaction when none runs.
	PropagationMandatory
)

var propagationNames = [...]string{"NESTED", "REQUIRED", "REQUIRES_NEW", "SUPPORTS", "NOT_SUPPORTED", "NEVER", "MANDATORY"}

// String returns MikroORM's name of the mode.
func (p Propagation) String() string {
	if int(p) < len(propagationNames) {
		return propagationNames[p]
	}
	return fmt.Sprintf("Propagation(%d)", uint8(p))
}

// IsolationLevel is a transaction isolation level. The zero value leaves
// the database's default.
type IsolationLevel uint8

// Isolation levels, as SQL names them.
const (
	IsolationDefault IsolationLevel = iota
	ReadUncommitted
	ReadCommitted
	RepeatableRead
	Serializable
)

var isolationNames = [...]string{"DEFAULT", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}

// String returns the SQL name of the level.
func (l IsolationLevel) String() string {
	if int(l) < len(isolationNames) {
		return isolationNames[l]
	}
	return fmt.Sprintf("IsolationLevel(%d)", uint8(l))
}

// TxOptions are the settings of a transaction a backend starts.
type TxOptions struct {
	// Isolation is the isolation level (IsolationDefault: the
	// database's).
	Isolation IsolationLevel
	// ReadOnly refuses writes in the transaction.
	ReadOnly bool
	// Independent is set when the transaction starts while another runs
	// on the same EntityManager (PropagationRequiresNew): a backend that
	// cannot run two at once refuses it.
	Independent bool
}

// TxBeginner is implemented by drivers that start transactions with
// options (an isolation level, read-only). Without it, only transactions
// without options can be started.
type TxBeginner interface {
	BeginTx(ctx context.Context, o TxOptions) (Tx, error)
}

// TxOption configures Transactional and Begin.
type TxOption func(*txConfig)

type txConfig struct {
	prop Propagation
	TxOptions
}

// WithPropagation sets how the transaction relates to one already
// running (default PropagationNested).
func WithPropagation(p Propagation) TxOption { return func(c *txConfig) { c.prop = p } }

// WithIsolation sets the isolation level of a new transaction. A nested
// transaction (a savepoint) or a joined one runs at its outer
// transaction's level, so asking for one there is an error.
func WithIsolation(l IsolationLevel) TxOption { return func(c *txConfig) { c.Isolation = l } }

// ReadOnly makes a new transaction read-only: the database refuses its
// writes (a flush of changes fails).
func ReadOnly() TxOption { return func(c *txConfig) { c.ReadOnly = true } }

func txOptions(op string, opts []TxOption) (txConfig, error) {
	var c txConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.prop > PropagationMandatory {
		return c, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: unknown %v", op, c.prop)}
	}
	if c.Isolation > Serializable {
		return c, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: unknown %v", op, c.Isolation)}
	}
	return c, nil
}

// begin starts a transaction of m (a savepoint when m runs one, unless
// independent) with the options c.
func (m *EntityManager) beginTx(ctx context.Context, op string, c txConfig, independent bool) (Tx, error) {
	if m.tx != nil && !independent {
		if c.Isolation != IsolationDefault || c.ReadOnly {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: a %v transaction is a savepoint of the running one and takes its isolation level and read-only setting; "+
				"use PropagationRequiresNew for a transaction of its own", op, c.prop)}
		}
		t, err := m.tx.Begin(ctx)
		if err != nil {
			return nil, fmt.Errorf("gomikro: begin: %w", err)
		}
		return t, nil
	}
	o := c.TxOptions
	o.Independent = independent && m.tx != nil
	var t Tx
	var err error
	if b, ok := m.c.driver.(TxBeginner); ok {
		t, err = b.BeginTx(ctx, o)
	} else if o != (TxOptions{}) {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: this backend cannot set a transaction's isolation level or read-only mode", op)}
	} else {
		t, err = m.c.driver.Begin(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("gomikro: begin: %w", err)
	}
	return t, nil
}
