package sqlem

import (
	"context"
	"fmt"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// EntityManager is the SQL EntityManager: the core one plus what only SQL
// has (raw statements, locking; the query builder comes with it too).
type EntityManager struct {
	*em.EntityManager
	drv *driver
}

// Fork returns a new SQL EntityManager with an empty identity map
// (options as for em.EntityManager.Fork).
func (m *EntityManager) Fork(opts ...em.ForkOption) *EntityManager {
	// One allocation for both EntityManagers.
	f := &struct {
		EntityManager
		s em.ForkSpace
	}{}
	f.EntityManager = EntityManager{EntityManager: m.EntityManager.ForkIn(&f.s, opts...), drv: m.drv}
	return &f.EntityManager
}

// Transactional runs fn in a transaction on a fork of m and commits after
// flushing the fork; options set the propagation, isolation level and
// read-only mode. See em.EntityManager.Transactional.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tx *EntityManager) error, opts ...em.TxOption) error {
	if fn == nil {
		return m.EntityManager.Transactional(ctx, nil, opts...)
	}
	return m.EntityManager.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
		if tx == m.EntityManager {
			return fn(ctx, m) // a joined transaction: m itself
		}
		return fn(ctx, &EntityManager{EntityManager: tx, drv: m.drv})
	}, opts...)
}

// Execute runs a raw statement with bound parameters (in m's transaction
// when it has one) and returns the rows it affected. On the global
// EntityManager it runs on the request's fork (and in its transaction)
// that ctx carries, as every operation does (em.Resolve). Use placeholders of
// the dialect ($1 on PostgreSQL, ? elsewhere); never build SQL from user
// values. A constraint failure matches gomikro.ErrUniqueViolation and the
// other constraint errors, as a flush's does.
func (m *EntityManager) Execute(ctx context.Context, sql string, args ...any) (int64, error) {
	if strings.TrimSpace(sql) == "" {
		return 0, &gomikro.ValidationError{Msg: "Execute: empty statement"}
	}
	core, err := em.Resolve(ctx, m, "Execute")
	if err != nil {
		return 0, err
	}
	x, err := sessionExecutor(core)
	if err != nil {
		return 0, err
	}
	n, err := x.Exec(m.CountingContext(ctx), sql, args...)
	if err != nil {
		if constraint, _, kind := m.drv.d.Classify(err); kind != nil {
			err = &gomikro.ConstraintError{Kind: kind, Constraint: constraint, Err: err}
		}
		return 0, fmt.Errorf("gomikro: execute: %w", err)
	}
	if err := em.Wrote(ctx, core); err != nil {
		return n, err
	}
	return n, nil
}

// ForUpdate locks the rows a find returns until the transaction ends.
func ForUpdate() em.FindOption { return em.WithLock(LockForUpdate) }

// ForShare takes a shared lock on the rows a find returns.
func ForShare() em.FindOption { return em.WithLock(LockForShare) }

// ForUpdateSkipLocked locks the rows a find returns, skipping rows other
// transactions hold (for job queues).
func ForUpdateSkipLocked() em.FindOption { return em.WithLock(LockForUpdateSkipLocked) }

// ForUpdateNoWait locks the rows or fails at once when one is locked.
func ForUpdateNoWait() em.FindOption { return em.WithLock(LockForUpdateNoWait) }
