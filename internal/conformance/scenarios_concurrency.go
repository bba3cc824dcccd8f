package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var concurrency = []Scenario{
	scenario(ConcurrentUseIsDetected),
}

// ConcurrentUseIsDetected: while one goroutine is inside an operation of
// a fork (held in the middle of its query), every operation of another
// goroutine on that fork fails with gomikro.ErrConcurrentUse, without
// touching the fork (so -race has nothing to report); the first
// operation then completes, and a Flush from a hook still gets the hook
// message (FlushInsideHookIsRefused).
func ConcurrentUseIsDetected(t *testing.T, h *Harness) {
	m := h.EM()
	must(t, m.Persist(&Tag{Name: "held"}))
	must(t, m.Flush(h.Ctx))

	inside, release := make(chan struct{}), make(chan struct{})
	hold := func() {
		h.onQuery.Store(nil) // once
		close(inside)
		<-release
	}
	h.onQuery.Store(&hold)
	done := make(chan error, 1)
	var got []*Tag
	go func() {
		var err error
		got, err = em.Find[Tag](h.Ctx, m, query.Eq("name", "held"))
		done <- err
	}()
	<-inside

	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, gomikro.ErrConcurrentUse) {
			t.Errorf("%s during another goroutine's Find: %v, want gomikro.ErrConcurrentUse", what, err)
		} else if strings.Contains(err.Error(), "hook") {
			t.Errorf("%s: %v speaks of a hook", what, err)
		}
	}
	check("Flush", m.Flush(h.Ctx))
	check("Persist", m.Persist(&Tag{Name: "other"}))
	_, err := em.Find[Tag](h.Ctx, m, nil)
	check("Find", err)
	_, err = em.Count[Tag](h.Ctx, m, nil)
	check("Count", err)
	_, err = em.GetReference[Tag](m, int64(1))
	check("GetReference", err)
	close(release)
	must(t, <-done)
	if len(got) != 1 || got[0].Name != "held" {
		t.Fatalf("the held Find returned %v", got)
	}
	// Once it is done, the fork works again.
	must(t, m.Persist(&Tag{Name: "after"}))
	must(t, m.Flush(h.Ctx))
}
