package sqlite_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Account struct {
	ID    int64  `orm:"pk"`
	Kind  string `orm:"discriminator"`
	Owner string
}

type Savings struct {
	Account `orm:"extends,tpt"`
	Rate    float64
}

type Deposit struct {
	Savings `orm:"extends,tpt"`
	Months  int
}

// Table-per-type inheritance: each subtype's own columns in its own
// table, joined to its parent's by the key.
func Example_tablePerType() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Account{}, Savings{}, Deposit{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	s := &Savings{Account: Account{Owner: "Bob"}, Rate: 0.01}
	d := &Deposit{Savings: Savings{Account: Account{Owner: "Ann"}, Rate: 0.03}, Months: 12}
	if err := m.Persist(s, d, &Account{Owner: "Cy"}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	m = orm.EM().Fork()
	long, err := em.Find[Deposit](ctx, m, query.Gte("months", 6), em.OrderBy("rate"))
	if err != nil {
		panic(err)
	}
	long[0].Months = 24
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	savings, err := em.Find[Savings](ctx, orm.EM().Fork(), nil, em.OrderBy("-rate"))
	if err != nil {
		panic(err)
	}
	for _, x := range savings {
		fmt.Println(x.Kind, x.Owner, x.Rate)
	}
	all, err := em.Find[Account](ctx, m, nil, em.OrderBy("owner"))
	if err != nil {
		panic(err)
	}
	for _, a := range all {
		if x, ok := em.As[Deposit](m, a); ok {
			fmt.Println(x.Owner, x.Rate, x.Months)
		}
	}
	// Output:
	// deposit Ann 0.03
	// savings Bob 0.01
	// Ann 0.03 24
}
