package conformance

import (
	"errors"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// Gauge has a version field of an unsigned kind.
type Gauge struct {
	ID      int64 `orm:"pk"`
	Level   int
	Version uint32 `orm:"version"`
}

// UnsignedVersion checks that a uint32 version field is set on insert, bumped
// by an update, checked by a stale update and a stale delete, and
// matched by a delete.
func UnsignedVersion(t *testing.T, h *Harness) {
	m := h.EM()
	g1, g2 := &Gauge{Level: 1}, &Gauge{Level: 2, Version: 7}
	must(t, m.Persist(g1, g2))
	must(t, m.Flush(h.Ctx))
	if g1.Version != 1 || g2.Version != 7 {
		t.Fatalf("versions after insert: %d %d, want 1 7", g1.Version, g2.Version)
	}
	g1.Level, g2.Level = 10, 20
	must(t, m.Flush(h.Ctx))
	if g1.Version != 2 || g2.Version != 8 {
		t.Fatalf("versions after update: %d %d, want 2 8", g1.Version, g2.Version)
	}
	got, err := em.FindOneOrFail[Gauge](h.Ctx, h.EM(), query.Eq("id", g2.ID))
	must(t, err)
	if got.Version != 8 || got.Level != 20 {
		t.Fatalf("read back %+v, want level 20 version 8", *got)
	}

	// Another fork updates both rows: this fork's versions are stale.
	other := h.EM()
	for _, id := range []int64{g1.ID, g2.ID} {
		o, err := em.FindOneOrFail[Gauge](h.Ctx, other, query.Eq("id", id))
		must(t, err)
		o.Level++
	}
	must(t, other.Flush(h.Ctx))
	g1.Level = 100
	if err := m.Flush(h.Ctx); !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("stale update: %v, want ErrOptimisticLock", err)
	}
	if g1.Version != 2 {
		t.Fatalf("version %d after the failed update, want 2 (restored)", g1.Version)
	}
	must(t, m.Refresh(h.Ctx, g1))
	if g1.Version != 3 || g1.Level != 11 {
		t.Fatalf("refreshed %+v, want level 11 version 3", *g1)
	}
	must(t, m.Remove(g2))
	if err := m.Flush(h.Ctx); !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("stale delete: %v, want ErrOptimisticLock", err)
	}
	if g2.Version != 8 {
		t.Fatalf("version %d after the failed delete, want 8", g2.Version)
	}
	fresh := h.EM()
	gs, err := em.Find[Gauge](h.Ctx, fresh, nil, em.OrderBy("id"))
	must(t, err)
	if len(gs) != 2 || gs[0].Version != 3 || gs[1].Version != 9 {
		t.Fatalf("found %d gauges, want 2 with versions 3 and 9", len(gs))
	}
	for _, g := range gs {
		must(t, fresh.Remove(g))
	}
	must(t, fresh.Flush(h.Ctx))
	if n, err := em.Count[Gauge](h.Ctx, h.EM(), nil); err != nil || n != 0 {
		t.Fatalf("%d gauges left after the delete (%v)", n, err)
	}
}
