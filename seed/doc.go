// Package seed fills a database with data: entity factories that make
// valid objects, and seeders that persist them, as MikroORM's seeding
// does.
//
// A Factory[T] makes objects of an entity type from a definition, with a
// sequence number (so that unique fields stay unique) and a
// deterministic random source (the same seed makes the same objects):
//
//	authors := seed.NewFactory(func(g *seed.Gen) Author {
//		return Author{Name: g.Name(), Email: g.Email()}
//	})
//	books := seed.NewFactory(func(g *seed.Gen) Book {
//		return Book{Title: g.Sentence(3), Author: ref.To(authors.MakeOne())}
//	})
//	made := books.Make(10)                       // not persisted
//	list, err := books.Create(ctx, m, 10)        // persisted and flushed
//	one, err := books.CreateOne(ctx, m, func(b *Book) { b.Title = "Go" })
//
// Overrides are functions on *T applied after the definition; Each adds
// a hook that runs for every object after them (to fill a 1:m collection
// or pick a related entity from a given set with Pick).
//
// A Seeder persists data through the EntityManager it is given; Run runs
// one in a transaction on a fork (a failure leaves nothing), and Call
// lets a seeder run others, as a DatabaseSeeder calls the application's
// other seeders. A Registry names seeders for the CLI's seeder:run and
// schema:fresh --seed (package cli, Config.Seeders).
//
// The package works over em.EntityManager only, so the same factories
// and seeders run on every backend. On a MongoDB server without
// transactions (a standalone mongod, FerretDB) Run fails with the
// backend's error; WithoutTransaction runs the seeder without one.
package seed
