package conformance

import (
	"errors"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var hooks = []Scenario{
	scenario(LifecycleHooks),
	scenario(FlushSubscribers),
	scenario(FlushInsideHookIsRefused),
}

// LifecycleHooks checks that Before* changes are written by the same flush; After*
// and OnLoad run.
func LifecycleHooks(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Article{Title: "Hello World"}
	must(t, m.Persist(a))
	must(t, m.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Article](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Slug != "hello-world" || len(got.Log) != 1 || !got.Loaded {
		t.Fatalf("BeforeCreate changes not flushed or OnLoad not run: %+v", got)
	}
	a.Title = "Second Title"
	must(t, m.Flush(h.Ctx))
	got, err = em.FindOneOrFail[Article](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Edits != 1 || got.Slug != "second-title" {
		t.Fatalf("BeforeUpdate changes not flushed: %+v", got)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before || a.Edits != 1 {
		t.Fatal("BeforeUpdate ran for an unchanged entity")
	}
	must(t, m.Remove(a))
	must(t, m.Flush(h.Ctx))
	if !a.Deleted {
		t.Fatal("AfterDelete did not run")
	}
	bad := &Article{}
	must(t, m.Persist(bad))
	if err := m.Flush(h.Ctx); !errors.Is(err, ErrBadTitle) {
		t.Fatalf("a failing BeforeCreate: %v", err)
	}
}

// FlushSubscribers checks that BeforeFlush, OnFlush (with the change sets) and
// AfterFlush are called.
func FlushSubscribers(t *testing.T, h *Harness) {
	m := h.EM()
	seed(t, h, m)
	if h.Events.Before.Load() != 1 || h.Events.On.Load() != 1 || h.Events.After.Load() != 1 {
		t.Fatalf("subscriber calls %d %d %d", h.Events.Before.Load(), h.Events.On.Load(), h.Events.After.Load())
	}
	if n := h.Events.LastChanges.Load(); n != 3 {
		t.Fatalf("OnFlush saw %d change sets, want 3", n)
	}
}

// FlushInsideHookIsRefused checks that Flush from inside a flush is a ValidationError
// that says what to do instead; the outer flush still succeeds.
func FlushInsideHookIsRefused(t *testing.T, h *Harness) {
	m := h.EM()
	n := &Note{Text: "x"}
	must(t, m.Persist(n))
	must(t, m.Flush(h.Ctx))
	var ve *gomikro.ValidationError
	if !errors.As(n.FlushErr, &ve) {
		t.Fatalf("Flush inside BeforeCreate returned %v, want a ValidationError", n.FlushErr)
	}
	if n.ID == 0 {
		t.Fatal("the outer flush did not insert")
	}
}
