package sqlite_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Coords struct {
	Lat, Lng float64
}

type PostalAddress struct {
	Street string
	City   string `orm:"index"`
	Coords Coords `orm:"embedded,prefix=geo_"` // nested: address_geo_lat
}

type Client struct {
	ID      int64 `orm:"pk"`
	Name    string
	Address PostalAddress   `orm:"embedded"`              // address_street, address_city, ...
	Billing PostalAddress   `orm:"embedded,prefix=bill_"` // bill_street, bill_city, ...
	Former  []PostalAddress `orm:"embedded"`              // one JSON column
}

// Embeddables are value objects stored in their entity's table under a
// column prefix; filters and ordering reach into them, and a change inside
// one is written by the next flush.
func Example_embeddables() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Client{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	if err := m.Persist(
		&Client{Name: "Ann", Address: PostalAddress{Street: "1 Main St", City: "Oslo", Coords: Coords{59.91, 10.75}}},
		&Client{Name: "Bob", Address: PostalAddress{Street: "2 High St", City: "Bergen", Coords: Coords{60.39, 5.32}}},
	); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	m = orm.EM().Fork()
	c, err := em.FindOneOrFail[Client](ctx, m, query.Eq("address.city", "Oslo"))
	if err != nil {
		panic(err)
	}
	c.Address.City = "Trondheim" // UPDATE client SET address_city = ? WHERE id = ?
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	all, err := em.Find[Client](ctx, orm.EM().Fork(), query.Gt("address.coords.lat", 59.0), em.OrderBy("-address.coords.lat"))
	if err != nil {
		panic(err)
	}
	for _, c := range all {
		fmt.Println(c.Name, c.Address.City, c.Address.Coords.Lat)
	}
	// Output:
	// Bob Bergen 60.39
	// Ann Trondheim 59.91
}
