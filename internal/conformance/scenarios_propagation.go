package conformance

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var propagation = []Scenario{
	scenario(PropagationWithoutTransaction),
	scenario(PropagationInsideTransaction),
	scenario(RequiresNewCommitsIndependently),
	scenario(NotSupportedRunsOutside),
	scenario(NestedFlushFailureKeepsOuter),
	scenario(TransactionEventsInOrder),
	scenario(ReadOnlyRefusesWrites),
}

func storedAuthors(t *testing.T, h *Harness) string {
	t.Helper()
	got, err := em.FindAll[Author](h.Ctx, h.EM(), em.OrderBy("Name"))
	must(t, err)
	names := make([]string, len(got))
	for i, a := range got {
		names[i] = a.Name
	}
	return strings.Join(names, ",")
}

// PropagationWithoutTransaction checks the modes outside a transaction:
// MANDATORY fails with em.ErrNoTransaction; NEVER, SUPPORTS and
// NOT_SUPPORTED run fn on a fork without one and flush it.
func PropagationWithoutTransaction(t *testing.T, h *Harness) {
	m := h.EM()
	called := false
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		called = true
		return nil
	}, em.WithPropagation(em.PropagationMandatory))
	if !errors.Is(err, em.ErrNoTransaction) || called {
		t.Fatalf("MANDATORY outside a transaction: %v (fn called: %v)", err, called)
	}
	for i, p := range []em.Propagation{em.PropagationNever, em.PropagationSupports, em.PropagationNotSupported} {
		err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
			if tx.InTransaction() || tx == m {
				t.Errorf("%v: fn got a transaction or the caller's EntityManager", p)
			}
			return tx.Persist(&Author{Name: p.String(), Email: string(rune('a'+i)) + "@example.com"})
		}, em.WithPropagation(p))
		must(t, err)
	}
	if got := storedAuthors(t, h); got != "NEVER,NOT_SUPPORTED,SUPPORTS" {
		t.Fatalf("authors %q", got)
	}
	var ve *gomikro.ValidationError
	err = m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error { return nil },
		em.WithPropagation(em.PropagationNever), em.ReadOnly())
	if !errors.As(err, &ve) {
		t.Errorf("ReadOnly without a transaction: %v", err)
	}
	if err := m.Begin(h.Ctx, em.WithPropagation(em.PropagationRequired)); !errors.As(err, &ve) {
		t.Errorf("Begin with REQUIRED: %v", err)
	}
	if err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error { return nil },
		em.WithPropagation(em.Propagation(99))); !errors.As(err, &ve) {
		t.Errorf("an unknown propagation: %v", err)
	}
}

// PropagationInsideTransaction checks the modes inside a transaction:
// NEVER fails with em.ErrTransactionExists; REQUIRED, SUPPORTS and
// MANDATORY join it (fn gets the same EntityManager, and the outer
// rollback takes their writes).
func PropagationInsideTransaction(t *testing.T, h *Harness) {
	boom := errors.New("outer fails")
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, outer *em.EntityManager) error {
		err := outer.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error { return nil },
			em.WithPropagation(em.PropagationNever))
		if !errors.Is(err, em.ErrTransactionExists) {
			t.Errorf("NEVER inside a transaction: %v", err)
		}
		for i, p := range []em.Propagation{em.PropagationRequired, em.PropagationSupports, em.PropagationMandatory} {
			err := outer.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
				if tx != outer {
					t.Errorf("%v: fn got another EntityManager than the running transaction's", p)
				}
				return tx.Persist(&Author{Name: p.String(), Email: string(rune('a'+i)) + "@example.com"})
			}, em.WithPropagation(p))
			must(t, err)
		}
		if n, err := em.Count[Author](ctx, outer, nil); err != nil || n != 3 {
			t.Errorf("inside: %d authors (%v), want the 3 joined writes", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional: %v", err)
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after the outer rollback, want 0 (the joined work rolls back with it)", n)
	}
}

// RequiresNewCommitsIndependently checks that REQUIRES_NEW commits on
// its own: another connection sees its row while the outer transaction
// runs, and it stays when the outer one rolls back.
func RequiresNewCommitsIndependently(t *testing.T, h *Harness) {
	boom := errors.New("outer fails")
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, outer *em.EntityManager) error {
		must(t, outer.Persist(&Author{Name: "Outer", Email: "outer@example.com"}))
		must(t, outer.Flush(ctx))
		err := outer.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
			if tx == outer || !tx.InTransaction() {
				t.Error("REQUIRES_NEW did not get a transaction of its own")
			}
			return tx.Persist(&Author{Name: "Independent", Email: "ind@example.com"})
		}, em.WithPropagation(em.PropagationRequiresNew))
		must(t, err)
		// A second connection sees the independent row, not the outer one.
		if got := storedAuthors(t, h); got != "Independent" {
			t.Errorf("another connection sees %q while the outer transaction runs", got)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional: %v", err)
	}
	if got := storedAuthors(t, h); got != "Independent" {
		t.Fatalf("authors %q after the outer rollback, want Independent", got)
	}
	// Begin takes REQUIRES_NEW too.
	m := h.EM()
	must(t, m.Begin(h.Ctx))
	must(t, m.Begin(h.Ctx, em.WithPropagation(em.PropagationRequiresNew)))
	must(t, m.Persist(&Author{Name: "Begun", Email: "begun@example.com"}))
	must(t, m.Commit(h.Ctx))
	must(t, m.Rollback(h.Ctx))
	if got := storedAuthors(t, h); got != "Begun,Independent" {
		t.Fatalf("authors %q after Begin(REQUIRES_NEW)/Commit in a rolled-back transaction", got)
	}
}

// NotSupportedRunsOutside checks that NOT_SUPPORTED inside a transaction
// runs without it: its writes commit even when the outer one rolls back.
func NotSupportedRunsOutside(t *testing.T, h *Harness) {
	boom := errors.New("outer fails")
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, outer *em.EntityManager) error {
		return errors.Join(outer.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
			if tx.InTransaction() {
				t.Error("NOT_SUPPORTED got a transaction")
			}
			return tx.Persist(&Author{Name: "Outside", Email: "out@example.com"})
		}, em.WithPropagation(em.PropagationNotSupported)), boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional: %v", err)
	}
	if got := storedAuthors(t, h); got != "Outside" {
		t.Fatalf("authors %q, want Outside", got)
	}
}

// NestedFlushFailureKeepsOuter checks that a NESTED transaction whose
// flush fails rolls back to its savepoint only: the outer unit of work
// keeps its identity map and flushes and commits afterwards.
func NestedFlushFailureKeepsOuter(t *testing.T, h *Harness) {
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, outer *em.EntityManager) error {
		a := &Author{Name: "Kept", Email: "kept@example.com"}
		must(t, outer.Persist(a))
		must(t, outer.Flush(ctx))
		inner := outer.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
			must(t, tx.Persist(&Author{Name: "Fine", Email: "fine@example.com"}))
			must(t, tx.Flush(ctx))
			// The same email: the inner flush fails.
			return tx.Persist(&Author{Name: "Dup", Email: "kept@example.com"})
		}, em.WithPropagation(em.PropagationNested))
		if !errors.Is(inner, gomikro.ErrUniqueViolation) {
			t.Errorf("the nested transaction: %v, want a unique violation", inner)
		}
		if !outer.Contains(a) || outer.Len() != 1 {
			t.Errorf("the outer identity map changed: contains %v, %d entries", outer.Contains(a), outer.Len())
		}
		a.Name = "Kept 2"
		return outer.Persist(&Author{Name: "After", Email: "after@example.com"})
	})
	must(t, err)
	if got := storedAuthors(t, h); got != "After,Kept 2" {
		t.Fatalf("authors %q, want After,Kept 2 (the nested work rolled back)", got)
	}
}

// txRecorder records the transaction events.
type txRecorder struct {
	mu     sync.Mutex
	events []string
	// failCommit makes BeforeTransactionCommit fail.
	failCommit bool
}

func (r *txRecorder) add(name string, ev *em.TransactionEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.EM == nil {
		name += "(no EM)"
	}
	if ev.Nested {
		name = "nested " + name
	}
	r.events = append(r.events, name)
}

func (r *txRecorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Join(r.events, ",")
	r.events = nil
	return s
}

func (r *txRecorder) BeforeTransactionStart(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("BeforeStart", ev)
	return nil
}
func (r *txRecorder) AfterTransactionStart(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("AfterStart", ev)
	return nil
}
func (r *txRecorder) BeforeTransactionCommit(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("BeforeCommit", ev)
	if r.failCommit {
		return errors.New("veto")
	}
	return nil
}
func (r *txRecorder) AfterTransactionCommit(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("AfterCommit", ev)
	return nil
}
func (r *txRecorder) BeforeTransactionRollback(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("BeforeRollback", ev)
	return nil
}
func (r *txRecorder) AfterTransactionRollback(ctx context.Context, ev *em.TransactionEvent) error {
	r.add("AfterRollback", ev)
	return nil
}

// TransactionEventsInOrder checks the begin, commit and rollback events of
// Transactional and Begin, nested ones flagged, and that a
// BeforeTransactionCommit error rolls back.
func TransactionEventsInOrder(t *testing.T, h *Harness) {
	rec := &txRecorder{}
	g := h.Open(gomikro.Config{Subscribers: []any{rec}})
	m := g.Fork()
	must(t, m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		return tx.Persist(&Author{Name: "E", Email: "e@example.com"})
	}))
	if got := rec.take(); got != "BeforeStart,AfterStart,BeforeCommit,AfterCommit" {
		t.Errorf("commit: %s", got)
	}
	_ = m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		_ = tx.Transactional(ctx, func(ctx context.Context, tx2 *em.EntityManager) error { return errors.New("inner") })
		return errors.New("outer")
	})
	if got := rec.take(); got != "BeforeStart,AfterStart,nested BeforeStart,nested AfterStart,nested BeforeRollback,nested AfterRollback,BeforeRollback,AfterRollback" {
		t.Errorf("rollback: %s", got)
	}
	must(t, m.Begin(h.Ctx))
	must(t, m.Commit(h.Ctx))
	must(t, m.Begin(h.Ctx))
	must(t, m.Rollback(h.Ctx))
	if got := rec.take(); got != "BeforeStart,AfterStart,BeforeCommit,AfterCommit,BeforeStart,AfterStart,BeforeRollback,AfterRollback" {
		t.Errorf("Begin: %s", got)
	}
	rec.failCommit = true
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		return tx.Persist(&Author{Name: "Vetoed", Email: "v@example.com"})
	})
	if err == nil || !strings.Contains(err.Error(), "veto") {
		t.Errorf("a failing BeforeTransactionCommit: %v", err)
	}
	if got := rec.take(); got != "BeforeStart,AfterStart,BeforeCommit,BeforeRollback,AfterRollback" {
		t.Errorf("vetoed commit: %s", got)
	}
	n, err := em.Count[Author](h.Ctx, g.Fork(), query.Eq("Name", "Vetoed"))
	must(t, err)
	if n != 0 {
		t.Error("the vetoed transaction committed")
	}
}

// ReadOnlyRefusesWrites checks that a read-only transaction reads and
// refuses a flush of changes.
func ReadOnlyRefusesWrites(t *testing.T, h *Harness) {
	seed := h.EM()
	must(t, seed.Persist(&Author{Name: "R", Email: "r@example.com"}))
	must(t, seed.Flush(h.Ctx))
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		a, err := em.FindOneOrFail[Author](ctx, tx, query.Eq("Email", "r@example.com"))
		if err != nil {
			return err
		}
		a.Name = "Written"
		return nil
	}, em.ReadOnly())
	if err == nil {
		t.Fatal("a read-only transaction flushed a change")
	}
	if got := storedAuthors(t, h); got != "R" {
		t.Fatalf("authors %q after a refused write", got)
	}
	// The connection is writable again afterwards.
	m := h.EM()
	must(t, m.Persist(&Author{Name: "S", Email: "s@example.com"}))
	must(t, m.Flush(h.Ctx))
}
