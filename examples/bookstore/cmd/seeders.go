package main

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/examples/bookstore/model"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/seed"
)

// The bookstore's factories: valid objects, unique where the schema says so.
var (
	authors = seed.NewFactory(func(g *seed.Gen) model.Author {
		return model.Author{Name: g.Name(), Email: g.Email()}
	})
	books = seed.NewFactory(func(g *seed.Gen) model.Book {
		return model.Book{Title: g.Sentence(3), Author: ref.To(authors.MakeOne()),
			Meta: map[string]any{"pages": g.Int(80, 900)}}
	})
	tags = seed.NewFactory(func(g *seed.Gen) model.Tag {
		return model.Tag{Name: fmt.Sprintf("%s-%d", g.Word(), g.N)}
	})
)

// seeders are the bookstore's seeders by name, for seeder:run --class
// and schema:fresh --seed.
var seeders = seed.Registry{
	// DatabaseSeeder runs the others, as MikroORM's does.
	seed.DefaultName: seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		return seed.Call(ctx, m, seed.Named("TagSeeder", seed.Func(tagSeeder)), seed.Named("AuthorSeeder", seed.Func(authorSeeder)))
	}),
	"TagSeeder":    seed.Func(tagSeeder),
	"AuthorSeeder": seed.Func(authorSeeder),
}

// tagSeeder creates five tags.
func tagSeeder(ctx context.Context, m *em.EntityManager) error {
	_, err := tags.Create(ctx, m, 5)
	return err
}

// authorSeeder creates five authors with three books each, tagged with
// two of the tags in the database.
func authorSeeder(ctx context.Context, m *em.EntityManager) error {
	all, err := em.FindAll[model.Tag](ctx, m)
	if err != nil {
		return err
	}
	_, err = authors.Each(func(g *seed.Gen, a *model.Author) {
		a.Books.Add(books.Make(3, func(b *model.Book) {
			b.Author = ref.To(a)
			if len(all) > 0 {
				b.Tags.Add(seed.Pick(g, all), seed.Pick(g, all))
			}
		})...)
	}).Create(ctx, m, 5)
	return err
}
