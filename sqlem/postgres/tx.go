package postgres

import (
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.TxOptioner = Dialect{}

// BeginTx implements sqlem.TxOptioner: BEGIN ISOLATION LEVEL ... READ
// ONLY, the transaction modes pgx's TxOptions send. (PostgreSQL runs READ
// UNCOMMITTED as READ COMMITTED.)
func (Dialect) BeginTx(o em.TxOptions) (begin, end []string, err error) {
	st := "BEGIN"
	if o.Isolation != em.IsolationDefault {
		st += " ISOLATION LEVEL " + o.Isolation.String()
	}
	if o.ReadOnly {
		st += " READ ONLY"
	}
	return []string{st}, nil, nil
}
