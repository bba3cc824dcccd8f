package sqlem

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// TxOptioner is implemented by dialects that start transactions with an
// isolation level or read-only (em.WithIsolation, em.ReadOnly), and by
// those that cannot run an independent transaction beside another
// (em.PropagationRequiresNew, o.Independent).
type TxOptioner interface {
	// BeginTx returns the statements that start a transaction with o on
	// a connection, and those that restore the connection once the
	// transaction ended (nil: none). An error says what the dialect
	// cannot do.
	BeginTx(o em.TxOptions) (begin, end []string, err error)
}

var _ em.TxBeginner = (*driver)(nil)

// BeginTx implements em.TxBeginner.
func (drv *driver) BeginTx(ctx context.Context, o em.TxOptions) (em.Tx, error) {
	begin, end := []string{beginSQL(drv.d)}, []string(nil)
	if to, ok := drv.d.(TxOptioner); ok {
		var err error
		if begin, end, err = to.BeginTx(o); err != nil {
			return nil, &gomikro.ValidationError{Msg: "begin: " + err.Error()}
		}
	} else if o.Isolation != em.IsolationDefault || o.ReadOnly {
		return nil, &gomikro.ValidationError{Msg: "begin: the dialect cannot set an isolation level or read-only mode"}
	}
	c, err := drv.pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	x := drv.log.wrap(c)
	for _, st := range begin {
		if _, err := x.Exec(ctx, st); err != nil {
			drv.restore(ctx, x, end)
			c.Release()
			return nil, drv.txErr("begin", err)
		}
	}
	return &session{drv: drv, x: x, conn: c, depth: 1, tx: &txState{}, end: end}, nil
}

// restore runs the statements that restore a transaction's connection
// before it goes back to the pool.
func (drv *driver) restore(ctx context.Context, x Executor, end []string) {
	for _, st := range end {
		_, _ = x.Exec(context.WithoutCancel(ctx), st)
	}
}

// release gives a transaction's connection back to the pool.
func (s *session) release(ctx context.Context) {
	s.drv.restore(ctx, s.x, s.end)
	s.conn.Release()
}

// lockOutsideTx is the error of a locking read outside a transaction.
func lockOutsideTx(what string) error {
	return fmt.Errorf("gomikro: %s takes a row lock outside a transaction, where it would end with the statement and lock nothing; "+
		"run it inside Transactional or Begin: %w", what, em.ErrNoTransaction)
}
