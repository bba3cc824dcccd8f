package mongoem

import (
	"context"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

var _ em.TxBeginner = (*driver)(nil)

// BeginTx implements em.TxBeginner. MongoDB has no isolation levels (a
// transaction reads one snapshot), so em.WithIsolation is refused; a
// read-only transaction refuses flushes and upserts itself. Without
// transactions on the server the error matches ErrNoTransactions.
func (d *driver) BeginTx(ctx context.Context, o em.TxOptions) (em.Tx, error) {
	if o.Isolation != em.IsolationDefault {
		return nil, &gomikro.ValidationError{Msg: "begin: MongoDB has no isolation levels (a transaction reads one snapshot); drop em.WithIsolation"}
	}
	t, err := d.Begin(ctx)
	if err != nil {
		return nil, err
	}
	t.(*txSession).readOnly = o.ReadOnly
	return t, nil
}

// errReadOnly is the error of a write in a read-only transaction.
func errReadOnly(op string) error {
	return &gomikro.ValidationError{Msg: op + " in a read-only transaction (em.ReadOnly)"}
}
