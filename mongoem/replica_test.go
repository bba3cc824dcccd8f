package mongoem_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

// TestReplicaConnectError: a replica that does not answer fails Open
// with an error naming it (its index and hosts).
func TestReplicaConnectError(t *testing.T) {
	_, err := mongoem.Open(context.Background(), gomikro.Config{
		DSN:            testdb.MongoDatabase(t),
		Entities:       []any{conformance.Sample{}},
		Replicas:       []string{"mongodb://127.0.0.1:1/replica"},
		ConnectTimeout: 5 * time.Second,
	})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "replica 0 (127.0.0.1:1)") {
		t.Fatalf("Open with a replica that does not answer: %v; want an error naming replica 0 (127.0.0.1:1)", err)
	}
}

// TestReplicaAggregate: aggregations of a fork that has not written read
// the replica; after a write, the primary.
func TestReplicaAggregate(t *testing.T) {
	ctx := context.Background()
	cfg := gomikro.Config{Entities: conformance.Entities()}
	rep := openFresh(t, cfg)
	cfg.Replicas = []string{rep.EM().Config().DSN}
	orm := openFresh(t, cfg)
	for _, x := range []struct {
		orm  *mongoem.ORM
		id   int64
		name string
	}{{orm, 1, "primary"}, {rep, 1001, "replica"}} {
		f := x.orm.EM().Fork()
		if err := f.Persist(&conformance.Publisher{ID: x.id, Name: x.name}); err != nil {
			t.Fatal(err)
		}
		if err := f.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		Name string `bson:"name"`
	}
	m := orm.EM().Fork()
	rows, err := mongoem.AggregateAs[row, conformance.Publisher](ctx, m, mongoem.Pipeline{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "replica" {
		t.Fatalf("aggregate on a fork that did not write: %v, want the replica's", rows)
	}
	m.UsePrimary()
	rows, err = mongoem.AggregateAs[row, conformance.Publisher](ctx, m, mongoem.Pipeline{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "primary" {
		t.Fatalf("aggregate after UsePrimary: %v, want the primary's", rows)
	}
	if err := orm.Close(); err != nil {
		t.Fatal(err)
	}
}
