package sqlite

import (
	"errors"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.TxOptioner = Dialect{}

// BeginTx implements sqlem.TxOptioner. SQLite's transactions are
// serializable: READ COMMITTED and REPEATABLE READ run as SERIALIZABLE
// (SQL lets a database give a stronger level than asked), READ
// UNCOMMITTED (which needs a shared cache) is refused. A read-only
// transaction is BEGIN DEFERRED with PRAGMA query_only on its connection
// for its duration. SQLite has one writer at a time, so an independent
// transaction beside a running one (em.PropagationRequiresNew) is
// refused: it would wait for the other's write lock until busy_timeout.
func (d Dialect) BeginTx(o em.TxOptions) (begin, end []string, err error) {
	if o.Independent {
		return nil, nil, errors.New("SQLite has one writer at a time: an independent transaction (REQUIRES_NEW) beside a running one " +
			"would wait for its write lock; use NESTED (a savepoint) or run it after the outer transaction")
	}
	if o.Isolation == em.ReadUncommitted {
		return nil, nil, errors.New("SQLite runs READ UNCOMMITTED only in shared-cache mode, which gomikro does not use; " +
			"its transactions are SERIALIZABLE (ask for that, READ COMMITTED or REPEATABLE READ, or the default)")
	}
	if o.ReadOnly {
		return []string{"PRAGMA query_only = ON", "BEGIN DEFERRED"}, []string{"PRAGMA query_only = OFF"}, nil
	}
	return []string{d.BeginSQL()}, nil, nil
}
