package mongoem_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
)

// TestScopeFromContext: the middleware stores a typed fork per request,
// mongoem.FromContext returns it (and a clear error without one), and the
// fork has MongoDB's own methods.
func TestScopeFromContext(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	g := orm.EM()
	if m, err := mongoem.FromContext(ctx); m != nil || !errors.Is(err, em.ErrNoScope) || !strings.Contains(err.Error(), "Middleware") {
		t.Fatalf("FromContext without a scope: %v, %v", m, err)
	}
	var got []*mongoem.EntityManager
	h := orm.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := mongoem.FromContext(r.Context())
		if err != nil {
			t.Error(err)
			return
		}
		got = append(got, m)
		name := r.URL.Query().Get("name")
		if err := m.Persist(&conformance.Author{Name: name, Email: name + "@example.com"}); err != nil {
			t.Error(err)
		}
		if err := m.Flush(r.Context()); err != nil {
			t.Error(err)
		}
		res, err := mongoem.AggregateEntities[conformance.Author](r.Context(), m, mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "name", Value: name}}}}})
		if err != nil || len(res) != 1 || !m.Contains(res[0]) {
			t.Errorf("AggregateEntities on the request's fork: %v, %v", res, err)
		}
	}))
	for _, name := range []string{"r1", "r2"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/?name="+name, nil))
	}
	if len(got) != 2 || got[0] == got[1] || got[0].IsGlobal() {
		t.Fatal("the requests did not get typed forks of their own")
	}
	if g.Len() != 0 {
		t.Fatalf("the global identity map holds %d objects", g.Len())
	}
	f := g.Fork()
	for _, c := range []em.Manager{f, f.EntityManager} {
		m, err := mongoem.FromContext(em.WithContext(ctx, c))
		if err != nil || m.EntityManager != f.EntityManager {
			t.Fatalf("FromContext of em.WithContext(%T): %v", c, err)
		}
	}
}

// TestScopeGuardOnMongoMethods: MongoDB's own operations pass the guard
// of every operation.
func TestScopeGuardOnMongoMethods(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	g := orm.EM()
	seed := g.Fork()
	if err := seed.Persist(&conformance.Author{Name: "Ann", Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	match := mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "name", Value: "Ann"}}}}}
	ops := []struct {
		name string
		run  func(ctx context.Context, m *mongoem.EntityManager) error
	}{
		{"Aggregate", func(ctx context.Context, m *mongoem.EntityManager) error {
			var out []bson.M
			return m.Aggregate(ctx, conformance.Author{}, match, &out)
		}},
		{"AggregateAs", func(ctx context.Context, m *mongoem.EntityManager) error {
			_, err := mongoem.AggregateAs[bson.M, conformance.Author](ctx, m, match)
			return err
		}},
		{"AggregateEntities", func(ctx context.Context, m *mongoem.EntityManager) error {
			_, err := mongoem.AggregateEntities[conformance.Author](ctx, m, match)
			return err
		}},
		{"Find", func(ctx context.Context, m *mongoem.EntityManager) error {
			_, err := em.Find[conformance.Author](ctx, m, query.Eq("name", "Ann"))
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			err := op.run(ctx, g)
			var ve *gomikro.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), "on the global EntityManager") || !strings.Contains(err.Error(), "FromContext") {
				t.Fatalf("%s on the global EntityManager: %v", op.name, err)
			}
			if err := op.run(em.WithContext(ctx, g.Fork()), g); err != nil {
				t.Fatalf("%s on the global EntityManager with a fork in ctx: %v", op.name, err)
			}
			if err := op.run(ctx, g.Fork()); err != nil {
				t.Fatalf("%s on a fork: %v", op.name, err)
			}
			if g.Len() != 0 {
				t.Fatalf("%s left %d objects in the global identity map", op.name, g.Len())
			}
		})
	}
}

// TestScopeAggregateInForkTransaction: Aggregate on the global
// EntityManager with a request's context runs in the fork's transaction.
func TestScopeAggregateInForkTransaction(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	if !orm.SupportsTransactions() {
		t.Skip("the server has no multi-document transactions (FerretDB, a standalone mongod); runs on a replica set")
	}
	g := orm.EM()
	f := g.Fork()
	rctx := em.WithContext(ctx, f)
	if err := f.Begin(rctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Rollback(rctx) }()
	if err := f.Persist(&conformance.Author{Name: "InTx", Email: "intx@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(rctx); err != nil {
		t.Fatal(err)
	}
	res, err := mongoem.AggregateAs[bson.M, conformance.Author](rctx, g, mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "name", Value: "InTx"}}}}})
	if err != nil || len(res) != 1 {
		t.Fatalf("Aggregate did not run in the fork's transaction: %v, %v", res, err)
	}
}
