package sqlite_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type LazyProduct struct {
	ID         int64 `orm:"pk"`
	Name       string
	PriceCents int64
	Manual     string `orm:"lazy"`                                    // not read unless populated
	GrossCents int64  `orm:"formula={alias}.price_cents * 119 / 100"` // computed on read
}

// LazyProductStats is virtual: rows of its SQL expression, never written.
type LazyProductStats struct {
	Products int64
	Cheapest int64
}

func (LazyProductStats) Expression() string {
	return "SELECT COUNT(*) AS products, MIN(price_cents) AS cheapest FROM lazy_product"
}

// Lazy fields are read by Populate, formulas on every read; a virtual
// entity is read through its SQL expression and never written.
func Example_lazyFormulaVirtual() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{LazyProduct{}, LazyProductStats{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	if err := m.Persist(&LazyProduct{Name: "lamp", PriceCents: 1000, Manual: "a long manual"}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	m = orm.EM().Fork()
	p, err := em.FindOneOrFail[LazyProduct](ctx, m, query.Gt("grossCents", 1000))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %d %q\n", p.Name, p.GrossCents, p.Manual) // lamp 1190 ""
	p, err = em.FindOneOrFail[LazyProduct](ctx, m, query.Eq("id", p.ID), em.Populate("Manual"))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", p.Manual) // "a long manual"

	stats, err := em.FindOneOrFail[LazyProductStats](ctx, m, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(stats.Products, stats.Cheapest) // 1 1000
	fmt.Println(m.Persist(stats))
	// Output:
	// lamp 1190 ""
	// "a long manual"
	// 1 1000
	// gomikro: read-only entity: Persist: LazyProductStats is a virtual entity (backed by a query, not a table) and cannot be written
}
