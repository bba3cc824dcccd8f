package mongoem_test

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

type Artist struct {
	ID     string                `orm:"pk,autoincrement"` // an ObjectID, in its hex form
	Name   string                `orm:"unique"`
	Albums ref.Collection[Album] `orm:"mappedBy=Artist"`
}

type Album struct {
	ID     int64 `orm:"pk"` // from the counters collection
	Title  string
	Year   int
	Artist ref.Ref[Artist] // stores the artist's _id
	Tracks []string        // an array in the document
}

// Open a MongoDB database, create its collections and indexes, flush an
// object graph and query it with the same filters as on SQL. Needs a
// server: it compiles only.
func ExampleOpen() {
	ctx := context.Background()
	orm, err := mongoem.Open(ctx, gomikro.Config{
		DSN:      "mongodb://127.0.0.1:27017/music",
		Entities: []any{Artist{}, Album{}},
	})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}

	m := orm.EM().Fork()
	nina := &Artist{Name: "Nina"}
	if err := m.Persist(&Album{Title: "Pastel Blues", Year: 1965, Artist: ref.To(nina), Tracks: []string{"Be My Husband", "Sinnerman"}}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil { // insertMany per collection
		panic(err)
	}

	albums, err := em.Find[Album](ctx, orm.EM().Fork(), query.Eq("artist.name", "Nina"), em.Populate("Artist"))
	if err != nil {
		panic(err)
	}
	for _, a := range albums {
		fmt.Printf("%s (%d) by %s\n", a.Title, a.Year, a.Artist.Get().Name)
	}
}

// Run an aggregation pipeline on an entity's collection and decode the
// results into a type of your own.
func ExampleAggregateAs() {
	ctx := context.Background()
	orm, err := mongoem.Open(ctx, gomikro.Config{DSN: "mongodb://127.0.0.1:27017/music", Entities: []any{Artist{}, Album{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()

	type perYear struct {
		Year   int `bson:"_id"`
		Albums int `bson:"albums"`
	}
	rows, err := mongoem.AggregateAs[perYear, Album](ctx, orm.EM().Fork(), mongoem.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$year"}, {Key: "albums", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}},
	})
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Println(r.Year, r.Albums)
	}
}

// AggregateEntities returns managed entities: changes to them are
// flushed like those of Find's results.
func ExampleAggregateEntities() {
	ctx := context.Background()
	orm, err := mongoem.Open(ctx, gomikro.Config{DSN: "mongodb://127.0.0.1:27017/music", Entities: []any{Artist{}, Album{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()

	m := orm.EM().Fork()
	sample, err := mongoem.AggregateEntities[Album](ctx, m, mongoem.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "year", Value: bson.D{{Key: "$lt", Value: 1970}}}}}},
		{{Key: "$sample", Value: bson.D{{Key: "size", Value: 3}}}},
	})
	if err != nil {
		panic(err)
	}
	for _, a := range sample {
		a.Title += " (remastered)"
	}
	if err := m.Flush(ctx); err != nil { // bulkWrite of $set title
		panic(err)
	}
}
