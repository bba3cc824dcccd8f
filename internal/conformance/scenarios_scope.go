package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var scopes = []Scenario{
	scenario(ScopeGuardOnEveryMethod),
	scenario(ScopeAssignKeepsGlobalMapEmpty),
	scenario(ScopeForksOfTwoORMs),
	scenario(ScopeMiddlewareRollsBackBegin),
}

// scopeOp is one operation of the core EntityManager, run on m with ctx.
type scopeOp struct {
	name string
	// takesCtx: the operation takes a context, so the global
	// EntityManager runs it on the fork the context carries. The others
	// cannot find that fork and are refused on the global one.
	takesCtx bool
	// own: the operation works on the EntityManager itself (Begin, Commit,
	// Rollback), so the global one refuses it even for a fork in ctx.
	own bool
	run func(ctx context.Context, m *em.EntityManager, a *Author) error
}

// scopeOps lists every operation of the core EntityManager that touches
// its identity map or its session. a is an author the fork in ctx manages.
func scopeOps() []scopeOp {
	return []scopeOp{
		{"Persist", false, false, func(_ context.Context, m *em.EntityManager, _ *Author) error {
			return m.Persist(&Author{Name: "P", Email: "p@example.com"})
		}},
		{"Remove", false, false, func(_ context.Context, m *em.EntityManager, a *Author) error { return m.Remove(a) }},
		{"Create", false, false, func(_ context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.Create[Author](m, map[string]any{"name": "C", "email": "c@example.com"})
			return err
		}},
		{"GetReference", false, false, func(_ context.Context, m *em.EntityManager, a *Author) error {
			_, err := em.GetReference[Author](m, a.ID)
			return err
		}},
		{"Assign", false, false, func(_ context.Context, m *em.EntityManager, a *Author) error {
			return m.Assign(&Book{}, map[string]any{"title": "A", "author": a.ID})
		}},
		{"Flush", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error { return m.Flush(ctx) }},
		{"Find", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.Find[Author](ctx, m, query.Eq("name", "Scope"))
			return err
		}},
		{"FindAll", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.FindAll[Author](ctx, m)
			return err
		}},
		{"FindOne", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.FindOne[Author](ctx, m, query.Eq("name", "Scope"))
			return err
		}},
		{"FindOneOrFail", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.FindOneOrFail[Author](ctx, m, query.Eq("name", "Scope"))
			return err
		}},
		{"Count", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.Count[Author](ctx, m, nil)
			return err
		}},
		{"FindAndCount", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, _, err := em.FindAndCount[Author](ctx, m, nil, em.Limit(1))
			return err
		}},
		{"Refresh", true, false, func(ctx context.Context, m *em.EntityManager, a *Author) error { return m.Refresh(ctx, a) }},
		{"RowSink", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, _, err := em.RowSinkFor[Author](ctx, m, "RowSink", false)
			return err
		}},
		{"Resolve", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			_, err := em.Resolve(ctx, m, "Resolve")
			return err
		}},
		{"Transactional", true, false, func(ctx context.Context, m *em.EntityManager, _ *Author) error {
			return m.Transactional(ctx, func(context.Context, *em.EntityManager) error { return nil })
		}},
		{"Begin", true, true, func(ctx context.Context, m *em.EntityManager, _ *Author) error { return m.Begin(ctx) }},
		{"Commit", true, true, func(ctx context.Context, m *em.EntityManager, _ *Author) error { return m.Commit(ctx) }},
		{"Rollback", true, true, func(ctx context.Context, m *em.EntityManager, _ *Author) error { return m.Rollback(ctx) }},
	}
}

// refusedAsGlobal reports whether err is the global EntityManager's
// refusal.
func refusedAsGlobal(err error) bool {
	var ve *gomikro.ValidationError
	return errors.As(err, &ve) && strings.Contains(err.Error(), "on the global EntityManager")
}

// ScopeGuardOnEveryMethod runs every operation on the global EntityManager:
// without a fork in the context each is refused, the same way; with one,
// those that take the context run on the fork and the others are still
// refused, their error naming FromContext; nothing lands in the global
// identity map; and a fork runs them all.
func ScopeGuardOnEveryMethod(t *testing.T, h *Harness) {
	g := h.Global
	seed := h.EM()
	a := &Author{Name: "Scope", Email: "scope@example.com"}
	must(t, seed.Persist(a))
	must(t, seed.Flush(h.Ctx))
	for _, op := range scopeOps() {
		t.Run(op.name, func(t *testing.T) {
			err := op.run(h.Ctx, g, a)
			if !refusedAsGlobal(err) {
				t.Fatalf("%s on the global EntityManager without a fork: %v", op.name, err)
			}
			if !strings.Contains(err.Error(), "FromContext") {
				t.Errorf("%s: the refusal does not say how to get the fork: %v", op.name, err)
			}
			// A fork is never refused.
			f2 := h.EM()
			fa2, err := em.FindOneOrFail[Author](h.Ctx, f2, query.Eq("id", a.ID))
			must(t, err)
			forkErr := op.run(h.Ctx, f2, fa2)
			if refusedAsGlobal(forkErr) {
				t.Fatalf("%s on a fork: %v", op.name, forkErr)
			}
			if f2.InTransaction() {
				must(t, f2.Rollback(h.Ctx))
			}
			f := h.EM()
			fa, err := em.FindOneOrFail[Author](h.Ctx, f, query.Eq("id", a.ID))
			must(t, err)
			ctx := em.WithContext(h.Ctx, f)
			err = op.run(ctx, g, fa)
			switch {
			case op.takesCtx && !op.own:
				// It runs on the fork: the same answer as the fork's own.
				if fmt.Sprint(err) != fmt.Sprint(forkErr) {
					t.Fatalf("%s on the global EntityManager with a fork in ctx: %v; on the fork: %v", op.name, err, forkErr)
				}
			default:
				if !refusedAsGlobal(err) {
					t.Fatalf("%s on the global EntityManager with a fork in ctx: %v (want the refusal)", op.name, err)
				}
			}
			if f.InTransaction() {
				must(t, f.Rollback(h.Ctx))
			}
			if n := g.Len(); n != 0 {
				t.Fatalf("%s left %d objects in the global identity map", op.name, n)
			}
		})
	}
	// With Config.AllowGlobalContext, the global EntityManager runs them.
	ga := h.Open(gomikro.Config{AllowGlobalContext: true})
	for i, op := range scopeOps() {
		seed := ga.Fork()
		a := &Author{Name: "Scope", Email: fmt.Sprintf("scope%d@example.com", i)}
		must(t, seed.Persist(a))
		must(t, seed.Flush(h.Ctx))
		ga.Clear()
		aa, err := em.FindOneOrFail[Author](h.Ctx, ga, query.Eq("id", a.ID))
		must(t, err)
		if err := op.run(h.Ctx, ga, aa); refusedAsGlobal(err) {
			t.Fatalf("%s with AllowGlobalContext: %v", op.name, err)
		}
		if ga.InTransaction() {
			must(t, ga.Rollback(h.Ctx))
		}
	}
}

// ScopeAssignKeepsGlobalMapEmpty checks that Assign passes the guard: on the
// global EntityManager it is refused before it can put a reference in the
// global identity map, and on a fork the reference it makes is the fork's.
func ScopeAssignKeepsGlobalMapEmpty(t *testing.T, h *Harness) {
	g := h.Global
	m := h.EM()
	a := &Author{Name: "Ann", Email: "ann@example.com"}
	must(t, m.Persist(a))
	must(t, m.Flush(h.Ctx))

	b := &Book{}
	if err := g.Assign(b, map[string]any{"title": "Go", "author": a.ID}); !refusedAsGlobal(err) {
		t.Fatalf("Assign on the global EntityManager: %v", err)
	}
	if g.Len() != 0 || b.Title != "" {
		t.Fatalf("the refused Assign left %d objects in the global map, title %q", g.Len(), b.Title)
	}
	// Behind a request scope too: Assign has no context to find the fork.
	f := h.EM()
	if err := g.Assign(b, map[string]any{"author": a.ID}); !refusedAsGlobal(err) || g.Len() != 0 {
		t.Fatalf("Assign on the global EntityManager: %v, %d objects in its map", err, g.Len())
	}
	// On the fork, the reference is the fork's.
	must(t, f.Assign(b, map[string]any{"title": "Go", "author": a.ID}))
	ref, err := em.GetReference[Author](f, a.ID)
	must(t, err)
	if b.Author.Get() != ref && b.Author.ID() != a.ID {
		t.Fatalf("Assign did not set the reference: %+v", b.Author)
	}
	if g.Len() != 0 {
		t.Fatalf("Assign on a fork put %d objects in the global map", g.Len())
	}
	must(t, f.Persist(b))
	must(t, f.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("title", "Go"), em.Populate("Author"))
	must(t, err)
	if got.Author.Get() == nil || got.Author.Get().Name != "Ann" {
		t.Fatalf("the assigned reference was not written: %+v", got.Author)
	}
}

// ScopeForksOfTwoORMs puts forks of two ORMs in one context: each global
// EntityManager runs on its own ORM's fork, however they are nested, and
// FromContext returns the innermost.
func ScopeForksOfTwoORMs(t *testing.T, h *Harness) {
	g1 := h.Global
	g2 := h.Open(gomikro.Config{})
	f1, f2 := g1.Fork(), g2.Fork()
	must(t, f1.Persist(&Author{Name: "One", Email: "one@example.com"}))
	must(t, f1.Flush(h.Ctx))
	must(t, f2.Persist(&Author{Name: "Two", Email: "two@example.com"}))
	must(t, f2.Flush(h.Ctx))
	f1.Clear()
	f2.Clear()
	ctx := em.WithContext(em.WithContext(h.Ctx, f1), f2)
	if em.FromContext(ctx) != f2 {
		t.Fatal("FromContext does not return the innermost EntityManager")
	}
	if em.FromContext(h.Ctx) != nil {
		t.Fatal("FromContext of a context without an EntityManager is not nil")
	}
	for _, c := range []struct {
		g    *em.EntityManager
		f    *em.EntityManager
		name string
	}{{g1, f1, "One"}, {g2, f2, "Two"}} {
		got, err := em.FindAll[Author](ctx, c.g)
		must(t, err)
		if len(got) != 1 || got[0].Name != c.name || !c.f.Contains(got[0]) {
			t.Fatalf("the global EntityManager of ORM %q did not run on its own fork: %v", c.name, got)
		}
	}
	// Lookup walks out to the outer one.
	found, ok := em.Lookup(ctx, func(m em.Manager) bool { return em.Core(m) == f1 })
	if !ok || em.Core(found) != f1 {
		t.Fatal("Lookup did not find the outer fork")
	}
	if em.WithContext(h.Ctx, nil) != h.Ctx {
		t.Fatal("WithContext with a nil EntityManager changed the context")
	}
}

// ScopeMiddlewareRollsBackBegin checks that the middleware gives each request
// a fork and rolls back a transaction the handler began and left open, so
// that it neither commits nor keeps its connection.
func ScopeMiddlewareRollsBackBegin(t *testing.T, h *Harness) {
	var forks []*em.EntityManager
	handler := em.Middleware(h.Global)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := em.FromContext(r.Context())
		forks = append(forks, f)
		if err := f.Begin(r.Context()); err != nil {
			t.Error(err)
			return
		}
		if err := f.Persist(&Author{Name: "Left", Email: r.URL.Query().Get("email")}); err != nil {
			t.Error(err)
			return
		}
		if err := f.Flush(r.Context()); err != nil {
			t.Error(err)
		}
		// returns with the transaction open
	}))
	for _, email := range []string{"l1@example.com", "l2@example.com"} {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/?email="+email, nil))
	}
	if len(forks) != 2 || forks[0] == forks[1] || forks[0] == h.Global {
		t.Fatal("the requests did not get forks of their own")
	}
	for _, f := range forks {
		if f.InTransaction() {
			t.Fatal("the middleware left the handler's transaction open")
		}
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after the handlers' open transactions", n)
	}
}
