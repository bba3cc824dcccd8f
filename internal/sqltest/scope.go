package sqltest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// scope: the typed request scope of an SQL ORM — the fork Middleware
// stores, sqlem.FromContext, the guard on the SQL EntityManager's own
// methods, and raw statements in the fork's transaction.
func scope(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	p := orm.Dialect().Placeholder
	g := orm.EM()

	t.Run("FromContext", func(t *testing.T) {
		if m, err := sqlem.FromContext(ctx); m != nil || !errors.Is(err, em.ErrNoScope) || !strings.Contains(err.Error(), "Middleware") {
			t.Fatalf("FromContext without a scope: %v, %v", m, err)
		}
		//lint:ignore SA1012 a nil context is what is tested
		if _, err := sqlem.FromContext(nil); !errors.Is(err, em.ErrNoScope) { //nolint:staticcheck
			t.Fatalf("FromContext(nil): %v", err)
		}
		var got []*sqlem.EntityManager
		h := orm.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m, err := sqlem.FromContext(r.Context())
			if err != nil {
				t.Error(err)
				return
			}
			got = append(got, m)
			// The typed fork has the SQL methods.
			if _, err := m.Execute(r.Context(), "INSERT INTO publisher (name) VALUES ("+p(1)+")", r.URL.Query().Get("name")); err != nil {
				t.Error(err)
			}
			pubs, err := sqlem.QB[conformance.Publisher](m, "p").Where(query.Eq("name", r.URL.Query().Get("name"))).GetResult(r.Context())
			if err != nil || len(pubs) != 1 || !m.Contains(pubs[0]) {
				t.Errorf("query builder on the request's fork: %v, %v", pubs, err)
			}
		}))
		for _, name := range []string{"R1", "R2"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/?name="+name, nil))
		}
		if len(got) != 2 || got[0] == got[1] || got[0].IsGlobal() || got[0].EntityManager == g.EntityManager {
			t.Fatal("the requests did not get typed forks of their own")
		}
		if g.Len() != 0 {
			t.Fatalf("the global identity map holds %d objects", g.Len())
		}
		// em.WithContext with a core fork, and with the typed one.
		f := g.Fork()
		for _, c := range []em.Manager{f, f.EntityManager} {
			m, err := sqlem.FromContext(em.WithContext(ctx, c))
			if err != nil || m.EntityManager != f.EntityManager {
				t.Fatalf("FromContext of em.WithContext(%T): %v", c, err)
			}
		}
	})

	t.Run("TransactionFork", func(t *testing.T) {
		// Inside Transactional, the context's EntityManager is the
		// transaction's fork: code that only has ctx writes in it.
		errRollback := errors.New("roll back")
		err := g.Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
			m, err := sqlem.FromContext(ctx)
			if err != nil {
				return err
			}
			if m.EntityManager != tx.EntityManager || !m.InTransaction() {
				t.Error("FromContext in Transactional is not the transaction's fork")
			}
			if _, err := m.Execute(ctx, "INSERT INTO publisher (name) VALUES ("+p(1)+")", "InTx"); err != nil {
				return err
			}
			// The global EntityManager with this context runs there too.
			if _, err := g.Execute(ctx, "INSERT INTO publisher (name) VALUES ("+p(1)+")", "InTx2"); err != nil {
				return err
			}
			if n, err := sqlem.QB[conformance.Publisher](g, "p").Where(query.In("name", "InTx", "InTx2")).Count(ctx); err != nil || n != 2 {
				t.Errorf("the query builder of the global EntityManager did not see the transaction's rows: %d, %v", n, err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if n := countPublishers(t, orm, "InTx") + countPublishers(t, orm, "InTx2"); n != 0 {
			t.Fatalf("%d rows of a rolled-back transaction", n)
		}
	})

	t.Run("ExecuteInForkTransaction", func(t *testing.T) {
		// The fork began a transaction; Execute on the global
		// EntityManager with the request's context runs in it.
		f := g.Fork()
		rctx := em.WithContext(ctx, f)
		must(t, f.Begin(rctx))
		if _, err := g.Execute(rctx, "INSERT INTO publisher (name) VALUES ("+p(1)+")", "Begun"); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlem.QB[conformance.Publisher](g, "p").Update(map[string]any{"name": "Begun2"}).Where(query.Eq("name", "Begun")).Execute(rctx); err != nil {
			t.Fatal(err)
		}
		must(t, f.Rollback(rctx))
		if n := countPublishers(t, orm, "Begun") + countPublishers(t, orm, "Begun2"); n != 0 {
			t.Fatalf("Execute ran outside the fork's transaction: %d rows survived its rollback", n)
		}
	})

	t.Run("GuardOnSQLMethods", func(t *testing.T) {
		ops := []struct {
			name string
			run  func(ctx context.Context, m *sqlem.EntityManager) error
		}{
			{"Execute", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := m.Execute(ctx, "UPDATE publisher SET name = name WHERE id < 0")
				return err
			}},
			{"CreateQueryBuilder.GetEntities", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := m.CreateQueryBuilder(conformance.Publisher{}, "p").GetEntities(ctx)
				return err
			}},
			{"QB.GetResult", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.QB[conformance.Publisher](m, "p").GetResult(ctx)
				return err
			}},
			{"QB.GetSingleResult", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.QB[conformance.Publisher](m, "p").GetSingleResult(ctx)
				return err
			}},
			{"QB.Iterate", func(ctx context.Context, m *sqlem.EntityManager) error {
				for _, err := range sqlem.QB[conformance.Publisher](m, "p").Iterate(ctx) {
					if err != nil {
						return err
					}
				}
				return nil
			}},
			{"QB.Count", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.QB[conformance.Publisher](m, "p").Count(ctx)
				return err
			}},
			{"QB.Execute", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.QB[conformance.Publisher](m, "p").Update(map[string]any{"name": "x"}).Where(query.Eq("id", -1)).Execute(ctx)
				return err
			}},
			{"Scan", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.Scan[struct{ Name string }](ctx, sqlem.QB[conformance.Publisher](m, "p").Select("p.name"))
				return err
			}},
			{"Scalar", func(ctx context.Context, m *sqlem.EntityManager) error {
				_, err := sqlem.Scalar[int64](ctx, sqlem.QB[conformance.Publisher](m, "p").SelectRaw("n", "COUNT(*)"))
				return err
			}},
			{"Transactional", func(ctx context.Context, m *sqlem.EntityManager) error {
				return m.Transactional(ctx, func(context.Context, *sqlem.EntityManager) error { return nil })
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
	})
}

func countPublishers(t *testing.T, orm *sqlem.ORM, name string) int64 {
	t.Helper()
	n, err := em.Count[conformance.Publisher](context.Background(), orm.EM().Fork(), query.Eq("name", name))
	must(t, err)
	return n
}
