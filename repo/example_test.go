package repo_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/repo"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Account struct {
	ID      int64  `orm:"pk"`
	Owner   string `orm:"unique,length=50"`
	Balance int64
	Version int `orm:"version"`
}

// Accounts is a domain service built on a typed repository.
type Accounts struct {
	repo.Repository[Account]
}

var errFunds = errors.New("insufficient funds")

// Transfer moves money between two accounts in the service's unit of work.
func (s Accounts) Transfer(ctx context.Context, from, to string, amount int64) error {
	a, err := s.FindOneOrFail(ctx, query.Eq("owner", from))
	if err != nil {
		return err
	}
	b, err := s.FindOneOrFail(ctx, query.Eq("owner", to))
	if err != nil {
		return err
	}
	if a.Balance < amount {
		return errFunds
	}
	a.Balance -= amount
	b.Balance += amount
	return s.Flush(ctx) // both rows in one transaction, version-checked
}

// A repository gives typed access to one entity in a unit of work; a
// service embeds it and adds the domain's operations.
func ExampleOf() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Account{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}

	m := orm.EM().Fork()
	accounts := Accounts{repo.Of[Account](m)}
	if err := accounts.Persist(&Account{Owner: "ann", Balance: 100}, &Account{Owner: "bob"}); err != nil {
		panic(err)
	}
	if err := accounts.Flush(ctx); err != nil {
		panic(err)
	}
	fmt.Println(accounts.Transfer(ctx, "ann", "bob", 30))
	fmt.Println(accounts.Transfer(ctx, "bob", "ann", 50))

	all, _ := em.FindAll[Account](ctx, orm.EM().Fork(), em.OrderBy("owner"))
	for _, a := range all {
		fmt.Println(a.Owner, a.Balance, "version", a.Version)
	}
	// Output:
	// <nil>
	// insufficient funds
	// ann 70 version 2
	// bob 30 version 2
}
