package em

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
)

// Transactional runs fn in a transaction on a fork of m (a savepoint when
// m is in a transaction already), flushes the fork and commits. When fn
// returns an error or panics, or the flush fails, the transaction rolls
// back and the fork is dropped, leaving m untouched.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tx *EntityManager) error) (err error) {
	mm, err := m.use(ctx, "Transactional")
	if err != nil {
		return err
	}
	if fn == nil {
		return &gomikro.ValidationError{Msg: "Transactional: nil function"}
	}
	ctx = mm.counted(ctx)
	var t Tx
	if mm.tx != nil {
		t, err = mm.tx.Begin(ctx)
	} else {
		t, err = mm.c.driver.Begin(ctx)
	}
	if err != nil {
		return fmt.Errorf("gomikro: begin: %w", err)
	}
	f := mm.Fork()
	f.tx, f.stats = t, mm.stats
	done := false
	defer func() {
		if done {
			return
		}
		rerr := t.Rollback(context.WithoutCancel(ctx))
		if p := recover(); p != nil {
			panic(p)
		}
		if rerr != nil {
			err = errors.Join(err, fmt.Errorf("gomikro: rollback: %w", rerr))
		}
	}()
	if err = fn(WithContext(ctx, f), f); err != nil {
		return err
	}
	if err = f.flush(ctx); err != nil {
		return err
	}
	if err = t.Commit(ctx); err != nil {
		done = true
		if errors.Is(err, gomikro.ErrCommitUnknown) {
			return err
		}
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	done = true
	return nil
}

// Begin starts a transaction on m (a savepoint when m is in one already):
// flushes and finds run in it until Commit or Rollback.
func (m *EntityManager) Begin(ctx context.Context) error {
	ctx = m.counted(ctx)
	mm, err := m.use(ctx, "Begin")
	if err != nil {
		return err
	}
	if mm != m {
		return &gomikro.ValidationError{Msg: "Begin on the global EntityManager; call it on the fork (em.FromContext(ctx))"}
	}
	entered, err := m.enter("Begin")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	var t Tx
	if m.tx != nil {
		t, err = m.tx.Begin(ctx)
	} else {
		t, err = m.c.driver.Begin(ctx)
	}
	if err != nil {
		return fmt.Errorf("gomikro: begin: %w", err)
	}
	m.txStack = append(m.txStack, m.tx)
	m.tx = t
	return nil
}

// Commit flushes pending changes and commits the transaction Begin started.
func (m *EntityManager) Commit(ctx context.Context) error {
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
	t := m.tx
	m.tx, m.txStack = m.txStack[len(m.txStack)-1], m.txStack[:len(m.txStack)-1]
	if err := t.Commit(ctx); err != nil {
		if errors.Is(err, gomikro.ErrCommitUnknown) {
			m.inDoubt = err
			return err
		}
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	return nil
}

// Rollback rolls back the transaction Begin started. Entities flushed in it
// no longer match the database, so the identity map is cleared.
func (m *EntityManager) Rollback(ctx context.Context) error {
	ctx = m.counted(ctx)
	entered, err := m.enter("Rollback")
	if err != nil {
		return err
	}
	defer m.leave(entered)
	if m.tx == nil || len(m.txStack) == 0 {
		return &gomikro.ValidationError{Msg: "Rollback without Begin"}
	}
	t := m.tx
	m.tx, m.txStack = m.txStack[len(m.txStack)-1], m.txStack[:len(m.txStack)-1]
	m.t.Clear()
	if err := t.Rollback(ctx); err != nil {
		return fmt.Errorf("gomikro: rollback: %w", err)
	}
	return nil
}

// InTransaction reports whether m runs in a transaction.
func (m *EntityManager) InTransaction() bool { return m.tx != nil }
