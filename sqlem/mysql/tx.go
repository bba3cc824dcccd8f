package mysql

import (
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.TxOptioner = Dialect{}

// BeginTx implements sqlem.TxOptioner: SET TRANSACTION ISOLATION LEVEL
// ... (which applies to the next transaction of the connection only),
// then START TRANSACTION [READ ONLY].
func (Dialect) BeginTx(o em.TxOptions) (begin, end []string, err error) {
	if o.Isolation != em.IsolationDefault {
		begin = append(begin, "SET TRANSACTION ISOLATION LEVEL "+o.Isolation.String())
	}
	st := "START TRANSACTION"
	if o.ReadOnly {
		st += " READ ONLY"
	}
	return append(begin, st), nil, nil
}
