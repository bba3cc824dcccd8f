package conformance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var transactions = []Scenario{
	scenario(TransactionalCommits),
	scenario(TransactionalRollsBack),
	scenario(NestedTransactionsUseSavepoints),
	scenario(ExplicitBeginCommitRollback),
	scenario(GlobalContextGuard),
}

func authorCount(t *testing.T, h *Harness) int64 {
	t.Helper()
	n, err := em.Count[Author](h.Ctx, h.EM(), nil)
	must(t, err)
	return n
}

// TransactionalCommits checks that work done in the callback is flushed and committed.
func TransactionalCommits(t *testing.T, h *Harness) {
	m := h.EM()
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		return tx.Persist(&Author{Name: "Tx", Email: "tx@example.com"})
	})
	must(t, err)
	if n := authorCount(t, h); n != 1 {
		t.Fatalf("%d authors after a committed transaction", n)
	}
}

// TransactionalRollsBack checks that an error from the callback rolls back writes
// already flushed inside it.
func TransactionalRollsBack(t *testing.T, h *Harness) {
	m := h.EM()
	boom := errors.New("boom")
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		must(t, tx.Persist(&Author{Name: "Gone", Email: "gone@example.com"}))
		must(t, tx.Flush(ctx))
		if n, err := em.Count[Author](ctx, tx, nil); err != nil || n != 1 {
			t.Errorf("inside the transaction: %d authors (%v)", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional returned %v, want the callback's error", err)
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after a rolled-back transaction", n)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a panic in the callback was swallowed")
			}
		}()
		_ = m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
			must(t, tx.Persist(&Author{Name: "Panic", Email: "panic@example.com"}))
			must(t, tx.Flush(ctx))
			panic("boom")
		})
	}()
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after a panicking transaction", n)
	}
}

// NestedTransactionsUseSavepoints checks that an inner failure rolls back only the
// inner work.
func NestedTransactionsUseSavepoints(t *testing.T, h *Harness) {
	m := h.EM()
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		must(t, tx.Persist(&Author{Name: "Outer", Email: "outer@example.com"}))
		inner := tx.Transactional(ctx, func(ctx context.Context, tx2 *em.EntityManager) error {
			must(t, tx2.Persist(&Author{Name: "Inner", Email: "inner@example.com"}))
			must(t, tx2.Flush(ctx))
			return errors.New("inner fails")
		})
		if inner == nil {
			t.Error("the inner transaction's error was lost")
		}
		return tx.Transactional(ctx, func(ctx context.Context, tx2 *em.EntityManager) error {
			return tx2.Persist(&Author{Name: "Inner2", Email: "inner2@example.com"})
		})
	})
	must(t, err)
	got, err := em.FindAll[Author](h.Ctx, h.EM(), em.OrderBy("name"))
	must(t, err)
	if len(got) != 2 || got[0].Name != "Inner2" || got[1].Name != "Outer" {
		names := []string{}
		for _, a := range got {
			names = append(names, a.Name)
		}
		t.Fatalf("authors %v, want [Inner2 Outer]", names)
	}
}

// ExplicitBeginCommitRollback checks that Begin binds the EntityManager to a
// transaction until Commit or Rollback.
func ExplicitBeginCommitRollback(t *testing.T, h *Harness) {
	m := h.EM()
	must(t, m.Begin(h.Ctx))
	must(t, m.Persist(&Author{Name: "B1", Email: "b1@example.com"}))
	must(t, m.Commit(h.Ctx))
	if n := authorCount(t, h); n != 1 {
		t.Fatalf("%d authors after Commit", n)
	}
	must(t, m.Begin(h.Ctx))
	must(t, m.Persist(&Author{Name: "B2", Email: "b2@example.com"}))
	must(t, m.Flush(h.Ctx))
	must(t, m.Rollback(h.Ctx))
	if n := authorCount(t, h); n != 1 {
		t.Fatalf("%d authors after Rollback", n)
	}
	var ve *gomikro.ValidationError
	if err := m.Commit(h.Ctx); !errors.As(err, &ve) {
		t.Fatalf("Commit without Begin: %v", err)
	}
}

// GlobalContextGuard checks that the global EntityManager refuses work unless the
// context carries a fork.
func GlobalContextGuard(t *testing.T, h *Harness) {
	g := h.Global
	var ve *gomikro.ValidationError
	if err := g.Persist(&Author{Name: "G", Email: "g@example.com"}); !errors.As(err, &ve) {
		t.Fatalf("Persist on the global EntityManager: %v", err)
	}
	if _, err := em.FindAll[Author](h.Ctx, g); !errors.As(err, &ve) {
		t.Fatalf("Find on the global EntityManager: %v", err)
	}
	if err := g.Flush(h.Ctx); !errors.As(err, &ve) {
		t.Fatalf("Flush on the global EntityManager: %v", err)
	}
	fork := h.EM()
	ctx := em.WithContext(h.Ctx, fork)
	if em.FromContext(ctx) != fork {
		t.Fatal("FromContext lost the fork")
	}
	must(t, fork.Persist(&Author{Name: "Ctx", Email: "ctx@example.com"}))
	must(t, g.Flush(ctx)) // runs on the fork
	got, err := em.FindAll[Author](ctx, g)
	must(t, err)
	if len(got) != 1 || !fork.Contains(got[0]) {
		t.Fatal("the global EntityManager did not delegate to the context's fork")
	}
	// The middleware forks per request.
	var seen []*em.EntityManager
	handler := em.Middleware(g)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := em.FromContext(r.Context())
		if f == nil || f == g {
			t.Error("no fork in the request context")
		}
		seen = append(seen, f)
		if _, err := em.FindAll[Author](r.Context(), g); err != nil {
			t.Error(err)
		}
	}))
	for range 2 {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Fatal("requests shared an EntityManager")
	}
	_ = query.M{}
}
