package em

import (
	"context"
	"fmt"
)

// TransactionEvent is passed to transaction subscribers (MikroORM's
// beforeTransactionStart ... afterTransactionRollback). They are called
// for the transactions of Transactional and Begin (savepoints included),
// not for the one a Flush opens for itself.
type TransactionEvent struct {
	// EM is the EntityManager the transaction belongs to: the fork
	// Transactional hands to its function, or the one Begin was called
	// on.
	EM *EntityManager
	// Nested is set for a savepoint inside a running transaction.
	Nested bool
}

// BeforeTransactionStartSubscriber is called before a transaction starts;
// an error stops it from starting.
type BeforeTransactionStartSubscriber interface {
	BeforeTransactionStart(ctx context.Context, ev *TransactionEvent) error
}

// AfterTransactionStartSubscriber is called once a transaction started; an
// error rolls it back.
type AfterTransactionStartSubscriber interface {
	AfterTransactionStart(ctx context.Context, ev *TransactionEvent) error
}

// BeforeTransactionCommitSubscriber is called after the transaction's
// last flush, before COMMIT; an error rolls the transaction back instead.
type BeforeTransactionCommitSubscriber interface {
	BeforeTransactionCommit(ctx context.Context, ev *TransactionEvent) error
}

// AfterTransactionCommitSubscriber is called after the transaction
// committed; its error is returned, the transaction stays committed.
type AfterTransactionCommitSubscriber interface {
	AfterTransactionCommit(ctx context.Context, ev *TransactionEvent) error
}

// BeforeTransactionRollbackSubscriber is called before a rollback; the
// rollback happens whatever it returns.
type BeforeTransactionRollbackSubscriber interface {
	BeforeTransactionRollback(ctx context.Context, ev *TransactionEvent) error
}

// AfterTransactionRollbackSubscriber is called after a rollback.
type AfterTransactionRollbackSubscriber interface {
	AfterTransactionRollback(ctx context.Context, ev *TransactionEvent) error
}

// txSubscribers are the transaction subscribers of Config.Subscribers.
type txSubscribers struct {
	beforeStart    []BeforeTransactionStartSubscriber
	afterStart     []AfterTransactionStartSubscriber
	beforeCommit   []BeforeTransactionCommitSubscriber
	afterCommit    []AfterTransactionCommitSubscriber
	beforeRollback []BeforeTransactionRollbackSubscriber
	afterRollback  []AfterTransactionRollbackSubscriber
}

// add registers s for the transaction events it implements and reports
// whether it implements any.
func (ts *txSubscribers) add(s any) bool {
	ok := false
	if x, is := s.(BeforeTransactionStartSubscriber); is {
		ts.beforeStart, ok = append(ts.beforeStart, x), true
	}
	if x, is := s.(AfterTransactionStartSubscriber); is {
		ts.afterStart, ok = append(ts.afterStart, x), true
	}
	if x, is := s.(BeforeTransactionCommitSubscriber); is {
		ts.beforeCommit, ok = append(ts.beforeCommit, x), true
	}
	if x, is := s.(AfterTransactionCommitSubscriber); is {
		ts.afterCommit, ok = append(ts.afterCommit, x), true
	}
	if x, is := s.(BeforeTransactionRollbackSubscriber); is {
		ts.beforeRollback, ok = append(ts.beforeRollback, x), true
	}
	if x, is := s.(AfterTransactionRollbackSubscriber); is {
		ts.afterRollback, ok = append(ts.afterRollback, x), true
	}
	return ok
}

// txEvent names the six transaction events.
type txEvent uint8

const (
	evBeforeStart txEvent = iota
	evAfterStart
	evBeforeCommit
	evAfterCommit
	evBeforeRollback
	evAfterRollback
)

var txEventNames = [...]string{"BeforeTransactionStart", "AfterTransactionStart", "BeforeTransactionCommit",
	"AfterTransactionCommit", "BeforeTransactionRollback", "AfterTransactionRollback"}

// fire calls the subscribers of event k, stopping at the first error.
func (m *EntityManager) fire(ctx context.Context, k txEvent, ev *TransactionEvent) error {
	ts := &m.c.tx
	hctx := WithContext(ctx, ev.EM)
	call := func(fn func() error) error {
		if err := ev.EM.user(fn); err != nil {
			return fmt.Errorf("gomikro: %s: %w", txEventNames[k], err)
		}
		return nil
	}
	switch k {
	case evBeforeStart:
		for _, s := range ts.beforeStart {
			if err := call(func() error { return s.BeforeTransactionStart(hctx, ev) }); err != nil {
				return err
			}
		}
	case evAfterStart:
		for _, s := range ts.afterStart {
			if err := call(func() error { return s.AfterTransactionStart(hctx, ev) }); err != nil {
				return err
			}
		}
	case evBeforeCommit:
		for _, s := range ts.beforeCommit {
			if err := call(func() error { return s.BeforeTransactionCommit(hctx, ev) }); err != nil {
				return err
			}
		}
	case evAfterCommit:
		for _, s := range ts.afterCommit {
			if err := call(func() error { return s.AfterTransactionCommit(hctx, ev) }); err != nil {
				return err
			}
		}
	case evBeforeRollback:
		for _, s := range ts.beforeRollback {
			if err := call(func() error { return s.BeforeTransactionRollback(hctx, ev) }); err != nil {
				return err
			}
		}
	case evAfterRollback:
		for _, s := range ts.afterRollback {
			if err := call(func() error { return s.AfterTransactionRollback(hctx, ev) }); err != nil {
				return err
			}
		}
	}
	return nil
}
