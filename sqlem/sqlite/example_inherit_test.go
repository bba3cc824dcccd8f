package sqlite_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Animal struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
	Name string
}

type Dog struct {
	Animal `orm:"extends,discriminator=dog"`
	Barks  bool
}

type Cat struct {
	Animal `orm:"extends,discriminator=cat"`
	Lives  int
}

type Vet struct {
	ID      int64 `orm:"pk"`
	Patient ref.Ref[Animal]
}

// Single-table inheritance: a query of the base returns each row as its
// own type, which em.As gets back typed; a query of a subtype filters by
// its discriminator.
func Example_inheritance() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Animal{}, Dog{}, Cat{}, Vet{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	rex := &Dog{Animal: Animal{Name: "Rex"}, Barks: true}
	if err := m.Persist(rex, &Cat{Animal: Animal{Name: "Tom"}, Lives: 9}, &Vet{Patient: ref.To(&rex.Animal)}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	m = orm.EM().Fork()
	all, err := em.Find[Animal](ctx, m, nil, em.OrderBy("name"))
	if err != nil {
		panic(err)
	}
	for _, a := range all {
		if d, ok := em.As[Dog](m, a); ok {
			fmt.Println(a.Kind, a.Name, "barks:", d.Barks)
		}
		if c, ok := em.As[Cat](m, a); ok {
			fmt.Println(a.Kind, a.Name, "lives:", c.Lives)
		}
	}
	cats, err := em.Find[Cat](ctx, m, query.Gt("lives", 1))
	if err != nil {
		panic(err)
	}
	fmt.Println("cats:", len(cats))
	v, err := em.FindOneOrFail[Vet](ctx, m, nil, em.Populate("Patient"))
	if err != nil {
		panic(err)
	}
	d, ok := em.As[Dog](m, v.Patient.Get())
	fmt.Println("the vet's patient is a dog:", ok, d == rex)
	// Output:
	// dog Rex barks: true
	// cat Tom lives: 9
	// cats: 1
	// the vet's patient is a dog: true false
}
