package mongoem_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
)

// The flush benchmarks compare gomikro with hand-written mongo-driver code
// doing the same writes, in the same run, as sub-benchmarks impl=driver
// and impl=gomikro:
//
//	go test -run '^$' -bench . -benchtime 1x -count 5 ./mongoem/ | tee bench.txt
//	benchstat -col /impl bench.txt

// benchDocs is the number of documents per flush: 10,000, or
// GOMIKRO_BENCH_DOCS (FerretDB runs each update of a bulkWrite on its own
// and reads the whole collection for it, which makes 10,000 updates take
// many minutes there).
var benchDocs = func() int {
	if n, err := strconv.Atoi(os.Getenv("GOMIKRO_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}()

// Item is the benchmarks' document.
type Item struct {
	ID    int64 `orm:"pk"`
	Name  string
	Price float64
	Qty   int
	Note  string
}

func benchORM(b *testing.B) *mongoem.ORM {
	return openFresh(b, gomikro.Config{Entities: []any{Item{}}})
}

func clearItems(b *testing.B, ctx context.Context, c *mongo.Collection) {
	if _, err := c.DeleteMany(ctx, bson.D{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInsert10k flushes 10,000 new documents: insertMany of
// documents built by hand against Persist and Flush (keys from the
// counters collection, one findAndModify per flush).
func BenchmarkInsert10k(b *testing.B) {
	ctx := context.Background()
	o := benchORM(b)
	c, err := o.EM().Collection(Item{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=driver", func(b *testing.B) {
		b.ReportAllocs()
		next := int64(1 << 40)
		for b.Loop() {
			b.StopTimer()
			clearItems(b, ctx, c)
			b.StartTimer()
			docs := make([]any, benchDocs)
			for i := range docs {
				next++
				docs[i] = bson.D{{Key: "_id", Value: next}, {Key: "name", Value: fmt.Sprintf("item %d", i)},
					{Key: "price", Value: float64(i) / 10}, {Key: "qty", Value: int64(i)}, {Key: "note", Value: "new"}}
			}
			if _, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			clearItems(b, ctx, c)
			b.StartTimer()
			m := o.EM().Fork()
			for i := range benchDocs {
				if err := m.Persist(&Item{Name: fmt.Sprintf("item %d", i), Price: float64(i) / 10, Qty: i, Note: "new"}); err != nil {
					b.Fatal(err)
				}
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdate10k flushes one changed field of 10,000 loaded
// documents: a bulkWrite of updateOne {$set} built by hand against
// changing the objects and Flush (change detection, then the same
// bulkWrite). Loading is not timed.
func BenchmarkUpdate10k(b *testing.B) {
	ctx := context.Background()
	o := benchORM(b)
	c, err := o.EM().Collection(Item{})
	if err != nil {
		b.Fatal(err)
	}
	seed := func(b *testing.B) {
		clearItems(b, ctx, c)
		m := o.EM().Fork()
		for i := range benchDocs {
			if err := m.Persist(&Item{Name: fmt.Sprintf("item %d", i), Price: float64(i) / 10, Qty: i, Note: "new"}); err != nil {
				b.Fatal(err)
			}
		}
		if err := m.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	round := 0
	// load seeds the collection and loads its items into m, untimed; each
	// round changes qty by a new amount.
	load := func(b *testing.B, m *mongoem.EntityManager) []*Item {
		b.StopTimer()
		defer b.StartTimer()
		seed(b)
		items, err := em.FindAll[Item](ctx, m)
		if err != nil || len(items) != benchDocs {
			b.Fatal(len(items), err)
		}
		round++
		return items
	}
	b.Run("impl=driver", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			items := load(b, o.EM().Fork())
			models := make([]mongo.WriteModel, len(items))
			for i, it := range items {
				models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: it.ID}}).
					SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "qty", Value: int64(it.Qty + round)}}}})
			}
			// FerretDB stops answering a bulkWrite of about 100 updates
			// or more: send it in commands of 50 there, as gomikro does.
			chunk := len(models)
			if o.IsFerretDB() {
				chunk = 50
			}
			for part := range slices.Chunk(models, max(1, chunk)) {
				if _, err := c.BulkWrite(ctx, part, options.BulkWrite().SetOrdered(true)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := o.EM().Fork()
			items := load(b, m)
			for _, it := range items {
				it.Qty += round
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
