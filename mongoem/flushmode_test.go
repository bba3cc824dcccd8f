package mongoem_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
)

// TestAggregateFlushMode: under FlushAuto an aggregation on a collection
// with pending changes flushes first, in every Aggregate form; under
// FlushCommit it does not.
func TestAggregateFlushMode(t *testing.T) {
	ctx := ctxT(t)
	_, m := openShop(t)
	type count struct {
		N int64 `bson:"n"`
	}
	pipe := mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "name", Value: "Pending"}}}}, {{Key: "$count", Value: "n"}}}
	counted := func(f *mongoem.EntityManager) int64 {
		t.Helper()
		res, err := mongoem.AggregateAs[count, Customer](ctx, f, pipe)
		must(t, err)
		if len(res) == 0 {
			return 0
		}
		return res[0].N
	}

	commit := m.Fork(em.ForkFlushMode(gomikro.FlushCommit))
	must(t, commit.Persist(&Customer{Name: "Pending"}))
	if n := counted(commit); n != 0 {
		t.Fatalf("COMMIT: the aggregation saw %d pending customers", n)
	}
	auto := m.Fork()
	c := &Customer{Name: "Pending"}
	must(t, auto.Persist(c))
	if n := counted(auto); n != 1 || c.ID == "" {
		t.Fatalf("AUTO: the aggregation counted %d, id %q; want 1 and the customer flushed", n, c.ID)
	}
	c.Name = "Renamed"
	got, err := mongoem.AggregateEntities[Customer](ctx, auto, mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "name", Value: "Renamed"}}}}})
	must(t, err)
	if len(got) != 1 || got[0] != c {
		t.Fatalf("AUTO: AggregateEntities after a change: %d customers", len(got))
	}
	// Another type's pending changes are not flushed.
	must(t, auto.Persist(&Label{Name: "x"}))
	if n := counted(auto); n != 0 {
		t.Fatalf("count %d", n)
	}
	if n, _ := em.Count[Label](ctx, m.Fork(), nil, em.WithFlushMode(gomikro.FlushCommit)); n != 0 {
		t.Fatal("an aggregation of customers flushed a pending label")
	}
}
