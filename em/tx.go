package em

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
)

// Transactional runs fn in a transaction on a fork of m, flushes the fork
// and commits. When fn returns an error or panics, or the flush fails, the
// transaction rolls back and the fork is dropped, leaving m untouched.
//
// Options set the propagation (how it relates to a transaction m already
// runs; default PropagationNested: a savepoint), the isolation level and
// read-only mode of a new transaction. With PropagationRequired,
// PropagationSupports or PropagationMandatory inside a running
// transaction, fn gets m itself and its changes are flushed into that
// transaction; with PropagationSupports, PropagationNotSupported or
// PropagationNever outside one, fn gets a fork without a transaction,
// flushed when fn returns.
//
// Transaction subscribers (BeforeTransactionStartSubscriber, ...) are
// called around the start, commit and rollback of the transactions it
// starts.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tx *EntityManager) error, opts ...TxOption) (err error) {
	mm, err := m.use(ctx, "Transactional")
	if err != nil {
		return err
	}
	if fn == nil {
		return &gomikro.ValidationError{Msg: "Transactional: nil function"}
	}
	ctx = mm.counted(ctx)
	c, err := txOptions("Transactional", opts)
	if err != nil {
		return err
	}
	inTx := mm.tx != nil
	switch c.prop {
	case PropagationNever:
		if inTx {
			return fmt.Errorf("%w: Transactional with PropagationNever", ErrTransactionExists)
		}
		return mm.withoutTx(ctx, c, fn)
	case PropagationMandatory:
		if !inTx {
			return fmt.Errorf("%w: Transactional with PropagationMandatory needs one (begin it with Transactional or Begin)", ErrNoTransaction)
		}
		return mm.joinTx(ctx, c, fn)
	case PropagationRequired:
		if inTx {
			return mm.joinTx(ctx, c, fn)
		}
	case PropagationSupports:
		if inTx {
			return mm.joinTx(ctx, c, fn)
		}
		return mm.withoutTx(ctx, c, fn)
	case PropagationNotSupported:
		return mm.withoutTx(ctx, c, fn)
	}
	return mm.newTx(ctx, c, fn)
}

// withoutTx runs fn on a fork of m without a transaction and flushes it.
func (m *EntityManager) withoutTx(ctx context.Context, c txConfig, fn func(context.Context, *EntityManager) error) error {
	if c.TxOptions != (TxOptions{}) {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("Transactional: %v runs without a transaction here: an isolation level or read-only mode has nothing to apply to", c.prop)}
	}
	f := m.Fork()
	f.stats = m.stats // counted as m's
	if err := fn(WithContext(ctx, f), f); err != nil {
		return err
	}
	err := f.Flush(ctx)
	m.primary = m.primary || f.primary
	return err
}

// joinTx runs fn on m, in its running transaction, and flushes m.
func (m *EntityManager) joinTx(ctx context.Context, c txConfig, fn func(context.Context, *EntityManager) error) error {
	if c.TxOptions != (TxOptions{}) {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("Transactional: %v joins the running transaction, whose isolation level and read-only mode are set already", c.prop)}
	}
	if err := fn(WithContext(ctx, m), m); err != nil {
		return err
	}
	return m.Flush(ctx)
}

// newTx runs fn in a new transaction (or savepoint) on a fork of m.
func (m *EntityManager) newTx(ctx context.Context, c txConfig, fn func(context.Context, *EntityManager) error) (err error) {
	independent := c.prop == PropagationRequiresNew
	f := m.Fork()
	ev := &TransactionEvent{EM: f, Nested: m.tx != nil && !independent}
	if err := m.fire(ctx, evBeforeStart, ev); err != nil {
		return err
	}
	t, err := m.beginTx(ctx, "Transactional", c, independent)
	if err != nil {
		return err
	}
	f.tx, f.stats = t, m.stats
	done := false
	defer func() {
		if done {
			return
		}
		rerr := f.rollbackTx(context.WithoutCancel(ctx), t, ev)
		if p := recover(); p != nil {
			panic(p)
		}
		if rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	if err = m.fire(ctx, evAfterStart, ev); err != nil {
		return err
	}
	if err = fn(WithContext(ctx, f), f); err != nil {
		return err
	}
	if err = f.flush(ctx); err != nil {
		return err
	}
	if err = m.fire(ctx, evBeforeCommit, ev); err != nil {
		return err
	}
	done = true
	if err = t.Commit(ctx); err != nil {
		if errors.Is(err, gomikro.ErrCommitUnknown) {
			return err
		}
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	if f.primary {
		m.primary = true
		if m.c.cache.used.Load() {
			if err := m.committed(ctx, t, independent); err != nil {
				return err
			}
		}
	}
	return m.fire(ctx, evAfterCommit, ev)
}

// rollbackTx rolls t back between the rollback events.
func (m *EntityManager) rollbackTx(ctx context.Context, t Tx, ev *TransactionEvent) error {
	// The rollback happens whatever a subscriber says.
	serr := m.fire(ctx, evBeforeRollback, ev)
	if m.c.cache.used.Load() {
		m.c.cache.takeTx(t)
	}
	if err := t.Rollback(ctx); err != nil {
		return errors.Join(serr, fmt.Errorf("gomikro: rollback: %w", err))
	}
	return errors.Join(serr, m.fire(ctx, evAfterRollback, ev))
}

// Begin starts a transaction on m (a savepoint when m is in one already):
// flushes and finds run in it until Commit or Rollback. Options set the
// isolation level and read-only mode of a new transaction; of the
// propagation modes, Begin takes PropagationNested (the default),
// PropagationRequiresNew (an independent transaction on its own
// connection, until its Commit or Rollback) and PropagationNever (fails
// with ErrTransactionExists inside a transaction); the others describe
// running a function with or without a transaction: use Transactional.
func (m *EntityManager) Begin(ctx context.Context, opts ...TxOption) error {
	ctx = m.counted(ctx)
	mm, err := m.use(ctx, "Begin")
	if err != nil {
		return err
	}
	if mm != m {
		return &gomikro.ValidationError{Msg: "Begin on the global EntityManager; call it on the fork (sqlem.FromContext(ctx), mongoem.FromContext(ctx))"}
	}
	c, err := txOptions("Begin", opts)
	if err != nil {
		return err
	}
	independent := false
	switch c.prop {
	case PropagationNested:
	case PropagationRequiresNew:
		independent = true
	case PropagationNever:
		if m.tx != nil {
			return fmt.Errorf("%w: Begin with PropagationNever", ErrTransactionExists)
		}
	default:
		return &gomikro.ValidationError{Msg: fmt.Sprintf("Begin: %v describes running a function with or without a transaction; use Transactional with it "+
			"(Begin takes NESTED, REQUIRES_NEW and NEVER)", c.prop)}
	}
	entered, err := m.enter("Begin")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	ev := &TransactionEvent{EM: m, Nested: m.tx != nil && !independent}
	if err := m.fire(ctx, evBeforeStart, ev); err != nil {
		return err
	}
	t, err := m.beginTx(ctx, "Begin", c, independent)
	if err != nil {
		return err
	}
	if err := m.fire(ctx, evAfterStart, ev); err != nil {
		return errors.Join(err, m.rollbackTx(context.WithoutCancel(ctx), t, ev))
	}
	m.txStack = append(m.txStack, m.tx)
	m.txNested = append(m.txNested, ev.Nested)
	m.tx = t
	return nil
}

// pop ends the innermost transaction of Begin and returns it.
func (m *EntityManager) pop() (Tx, *TransactionEvent) {
	t := m.tx
	n := len(m.txStack) - 1
	ev := &TransactionEvent{EM: m, Nested: m.txNested[n]}
	m.tx, m.txStack, m.txNested = m.txStack[n], m.txStack[:n], m.txNested[:n]
	return t, ev
}

// Commit flushes pending changes and commits the transaction Begin started.
func (m *EntityManager) Commit(ctx context.Context) error {
	if err := m.ownTx(ctx, "Commit"); err != nil {
		return err
	}
	ctx = m.counted(ctx)
	entered, err := m.enter("Commit")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx == nil || len(m.txStack) == 0 {
		return &gomikro.ValidationError{Msg: "Commit without Begin"}
	}
	if err := m.flush(ctx); err != nil {
		return err
	}
	ev := &TransactionEvent{EM: m, Nested: m.txNested[len(m.txNested)-1]}
	if err := m.fire(ctx, evBeforeCommit, ev); err != nil {
		t, ev := m.pop()
		m.t.Clear()
		return errors.Join(err, m.rollbackTx(context.WithoutCancel(ctx), t, ev))
	}
	t, ev := m.pop()
	if err := t.Commit(ctx); err != nil {
		if errors.Is(err, gomikro.ErrCommitUnknown) {
			m.inDoubt = err
			return err
		}
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	if m.c.cache.used.Load() {
		if err := m.committed(ctx, t, !ev.Nested); err != nil {
			return err
		}
	}
	return m.fire(ctx, evAfterCommit, ev)
}

// Rollback rolls back the transaction Begin started. Entities flushed in it
// no longer match the database, so the identity map is cleared.
func (m *EntityManager) Rollback(ctx context.Context) error {
	if err := m.ownTx(ctx, "Rollback"); err != nil {
		return err
	}
	ctx = m.counted(ctx)
	entered, err := m.enter("Rollback")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx == nil || len(m.txStack) == 0 {
		return &gomikro.ValidationError{Msg: "Rollback without Begin"}
	}
	t, ev := m.pop()
	m.t.Clear()
	return m.rollbackTx(ctx, t, ev)
}

// InTransaction reports whether m runs in a transaction.
func (m *EntityManager) InTransaction() bool { return m.tx != nil }

// ownTx is the guard of Commit and Rollback: like Begin, they work on the
// EntityManager itself, never on the global one for a request's fork.
func (m *EntityManager) ownTx(ctx context.Context, op string) error {
	mm, err := m.use(ctx, op)
	if err != nil {
		return err
	}
	if mm != m {
		return &gomikro.ValidationError{Msg: op + " on the global EntityManager; call it on the fork (sqlem.FromContext(ctx), mongoem.FromContext(ctx))"}
	}
	return nil
}
