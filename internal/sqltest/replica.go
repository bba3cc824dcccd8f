package sqltest

import (
	"context"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// replica: the query builder's selects and Stream read the replica;
// the query builder's writes and raw Execute make the fork read the
// primary (and drop the cached results of the type written); Raw reads
// the primary; Close closes the replicas' pools too.
func replica(t *testing.T, b Backend) {
	ctx := context.Background()
	cfg := gomikro.Config{Entities: conformance.Entities()}
	rep := b.Open(t, cfg)
	cfg.Replicas = []string{rep.DSN()}
	orm := b.Open(t, cfg)
	put := func(m *sqlem.EntityManager, id int64, name string) {
		t.Helper()
		f := m.Fork()
		must(t, f.Persist(&conformance.Publisher{ID: id, Name: name}))
		must(t, f.Flush(ctx))
	}
	put(orm.EM(), 1, "primary")
	put(rep.EM(), 1001, "replica")
	names := func(ps []*conformance.Publisher) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.Name
		}
		return out
	}

	m := orm.EM().Fork()
	ps, err := sqlem.QB[conformance.Publisher](m, "p").GetResult(ctx)
	must(t, err)
	if len(ps) != 1 || ps[0].Name != "replica" {
		t.Fatalf("query builder select: %v, want the replica's", names(ps))
	}
	n, err := sqlem.QB[conformance.Publisher](m, "p").Count(ctx)
	must(t, err)
	if n != 1 {
		t.Fatalf("query builder count: %d", n)
	}
	for p, err := range em.Stream[conformance.Publisher](ctx, m, nil) {
		must(t, err)
		if p.Name != "replica" {
			t.Fatalf("stream: %q, want the replica's", p.Name)
		}
	}
	raw, err := sqlem.Raw[conformance.Publisher](ctx, m, "SELECT * FROM publisher")
	must(t, err)
	if len(raw) != 1 || raw[0].Name != "primary" {
		t.Fatalf("Raw: %v, want the primary's", names(raw))
	}

	// A query builder's write: the fork reads the primary, the cached
	// results of publishers go.
	_, err = em.Find[conformance.Publisher](ctx, orm.EM().Fork(), nil, em.FromPrimary(), em.Cache(time.Minute))
	must(t, err)
	w := orm.EM().Fork()
	if _, err := sqlem.QB[conformance.Publisher](w, "p").Update(map[string]any{"name": "primary 2"}).Where(query.Eq("id", 1)).Execute(ctx); err != nil {
		t.Fatal(err)
	}
	if !w.ReadsPrimary() {
		t.Fatal("a fork that ran a query builder's update must read the primary")
	}
	ps, err = em.Find[conformance.Publisher](ctx, orm.EM().Fork(), nil, em.FromPrimary(), em.Cache(time.Minute))
	must(t, err)
	if len(ps) != 1 || ps[0].Name != "primary 2" {
		t.Fatalf("cached find after a query builder's update: %v", names(ps))
	}
	x := orm.EM().Fork()
	if _, err := x.Execute(ctx, "UPDATE publisher SET name = name"); err != nil {
		t.Fatal(err)
	}
	if !x.ReadsPrimary() {
		t.Fatal("a fork that ran a raw statement must read the primary")
	}

	must(t, orm.Close())
	if _, err := em.Find[conformance.Publisher](ctx, orm.EM().Fork(), nil); err == nil {
		t.Fatal("a read from the replica after Close must fail: its pool is closed")
	}
}
