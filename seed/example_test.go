package seed_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/seed"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Writer struct {
	ID    int64                 `orm:"pk"`
	Name  string                `orm:"length=100"`
	Email string                `orm:"unique,length=200"`
	Books ref.Collection[Novel] `orm:"mappedBy=Writer"`
}

type Novel struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=200"`
	Pages  int
	Writer ref.Ref[Writer]
}

func open(ctx context.Context) *sqlem.ORM {
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Writer{}, Novel{}}})
	if err != nil {
		panic(err)
	}
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	return orm
}

var writers = seed.NewFactory(func(g *seed.Gen) Writer {
	return Writer{Name: g.Name(), Email: g.Email()}
})

// Each novel gets a new writer of its own unless an override or an Each
// hook sets another.
var novels = seed.NewFactory(func(g *seed.Gen) Novel {
	return Novel{Title: g.Sentence(2), Pages: g.Int(100, 900), Writer: ref.To(writers.MakeOne())}
})

// A factory makes valid objects: Make leaves them unpersisted, Create
// persists and flushes them, overrides set fields, Each fills relations.
func ExampleFactory() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()
	m := orm.EM().Fork()

	// Three writers with two novels each.
	ws, err := writers.Each(func(g *seed.Gen, w *Writer) {
		w.Books.Add(novels.Make(2, func(n *Novel) { n.Writer = ref.To(w) })...)
	}).Create(ctx, m, 3)
	if err != nil {
		panic(err)
	}
	// Ten more novels by writers picked from those three.
	if _, err := novels.Each(func(g *seed.Gen, n *Novel) { n.Writer = ref.To(seed.Pick(g, ws)) }).Create(ctx, m, 10); err != nil {
		panic(err)
	}
	// One with a given title.
	if _, err := novels.CreateOne(ctx, m, func(n *Novel) { n.Title = "Dune" }); err != nil {
		panic(err)
	}
	nw, _ := em.Count[Writer](ctx, orm.EM().Fork(), nil)
	nn, _ := em.Count[Novel](ctx, orm.EM().Fork(), nil)
	dune, _ := em.FindOne[Novel](ctx, orm.EM().Fork(), query.Eq("title", "Dune"), em.Populate("Writer"))
	fmt.Println(nw, "writers,", nn, "novels; Dune by a writer of its own:", dune.Writer.Get().Email != ws[0].Email)
	// Output:
	// 4 writers, 17 novels; Dune by a writer of its own: true
}

// The same seed makes the same objects.
func ExampleFactory_WithSeed() {
	a := writers.WithSeed(7).Make(2)
	b := writers.WithSeed(7).Make(2)
	fmt.Println(a[0].Email == b[0].Email && a[1].Name == b[1].Name, a[0].Email != a[1].Email)
	// Output: true true
}

// A DatabaseSeeder calls the application's other seeders; Run runs them
// in one transaction, so a failure leaves nothing.
func ExampleRun() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	writerSeeder := seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		_, err := writers.Create(ctx, m, 5)
		return err
	})
	novelSeeder := seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		_, err := novels.Create(ctx, m, 20)
		return err
	})
	database := seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		return seed.Call(ctx, m, writerSeeder, novelSeeder)
	})
	if err := seed.Run(ctx, orm.EM().Fork(), database); err != nil {
		panic(err)
	}
	n, _ := em.Count[Writer](ctx, orm.EM().Fork(), nil)
	fmt.Println(n, "writers")

	broken := seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		if err := seed.Call(ctx, m, writerSeeder); err != nil {
			return err
		}
		return errors.New("out of ideas")
	})
	err := seed.Run(ctx, orm.EM().Fork(), broken)
	n, _ = em.Count[Writer](ctx, orm.EM().Fork(), nil)
	fmt.Println(err)
	fmt.Println(n, "writers")
	// Output:
	// 25 writers
	// seed: out of ideas
	// 25 writers
}
