package conformance

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// replicaKeys numbers the authors written to replicas.
var replicaKeys atomic.Int64

var replicaScenarios = []Scenario{
	scenario(ReplicaServesReads),
	scenario(ReplicaNotAfterWrite),
	scenario(ReplicaNotInTransaction),
	scenario(ReplicaAndCache),
}

// withReplica opens a fresh database standing in for a replica and an
// ORM whose Config.Replicas names it. Rows written through the replica's
// own ORM are seen only by reads that went to the replica.
func withReplica(t *testing.T, h *Harness) (primary, replica *em.EntityManager) {
	t.Helper()
	replica = h.Open(gomikro.Config{})
	primary = h.openCounted(gomikro.Config{Replicas: []string{replica.Config().DSN}})
	if len(primary.Replicas()) != 1 {
		t.Fatalf("%d replicas, want 1", len(primary.Replicas()))
	}
	return primary, replica
}

// readNames returns the names of the authors m finds.
func readNames(t *testing.T, ctx context.Context, m *em.EntityManager, opts ...em.FindOption) []string {
	t.Helper()
	as, err := em.Find[Author](ctx, m, nil, append(opts, em.OrderBy("name"))...)
	must(t, err)
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}

// putAuthor writes an author through a fork of m; those of the replica
// get keys from 1000 on, so that they are not the primary's.
func putAuthor(t *testing.T, ctx context.Context, m *em.EntityManager, name string) *Author {
	t.Helper()
	f := m.Fork()
	a := &Author{Name: name, Email: name + "@example.com"}
	if strings.Contains(name, "Replica") {
		a.ID = 1000 + replicaKeys.Add(1)
	}
	must(t, f.Persist(a))
	must(t, f.Flush(ctx))
	return a
}

// ReplicaServesReads: finds, counts, populate and lazy loads of a fork
// that has not written go to the replica; FromPrimary and UsePrimary
// read the primary.
func ReplicaServesReads(t *testing.T, h *Harness) {
	g, rep := withReplica(t, h)
	putAuthor(t, h.Ctx, g, "OnPrimary")
	ra := putAuthor(t, h.Ctx, rep, "OnReplica")
	rf := rep.Fork()
	must(t, rf.Persist(&Book{ID: 1000, Title: "Replica book", Author: ref.FromID[Author](ra.ID)}))
	must(t, rf.Flush(h.Ctx))

	m := g.Fork()
	if m.ReadsPrimary() {
		t.Fatal("a new fork of an ORM with replicas must read from them")
	}
	if got := readNames(t, h.Ctx, m); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("find on a fork that did not write: %v, want the replica's [OnReplica]", got)
	}
	n, err := em.Count[Author](h.Ctx, m, nil)
	must(t, err)
	if n != 1 {
		t.Fatalf("count: %d, want the replica's 1", n)
	}
	bs, err := em.Find[Book](h.Ctx, m, nil, em.Populate("Author"))
	must(t, err)
	if len(bs) != 1 || bs[0].Author.Get() == nil || bs[0].Author.Get().Name != "OnReplica" {
		t.Fatalf("find with populate on the replica: %v", bs)
	}
	lazy := g.Fork()
	bs, err = em.Find[Book](h.Ctx, lazy, nil)
	must(t, err)
	a, err := bs[0].Author.Load(h.Ctx)
	must(t, err)
	if a.Name != "OnReplica" {
		t.Fatalf("lazy load from the replica: %q", a.Name)
	}
	if got := readNames(t, h.Ctx, m, em.FromPrimary()); len(got) != 1 || got[0] != "OnPrimary" {
		t.Fatalf("find with FromPrimary: %v, want [OnPrimary]", got)
	}
	n, err = em.Count[Author](h.Ctx, m, query.Eq("name", "OnPrimary"), em.FromPrimary())
	must(t, err)
	if n != 1 {
		t.Fatalf("count with FromPrimary: %d, want 1", n)
	}
	if got := readNames(t, h.Ctx, m); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("FromPrimary must apply to its query only: %v", got)
	}
	m.UsePrimary()
	if !m.ReadsPrimary() {
		t.Fatal("ReadsPrimary after UsePrimary")
	}
	if got := readNames(t, h.Ctx, m); len(got) != 1 || got[0] != "OnPrimary" {
		t.Fatalf("find after UsePrimary: %v, want [OnPrimary]", got)
	}
	if got := readNames(t, h.Ctx, m.Fork()); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("a fork of a fork that reads the primary reads the replicas again: %v", got)
	}
}

// ReplicaNotAfterWrite: once a fork has flushed, it reads the primary,
// so that it sees its own writes; other forks still read the replica.
func ReplicaNotAfterWrite(t *testing.T, h *Harness) {
	g, rep := withReplica(t, h)
	putAuthor(t, h.Ctx, rep, "OnReplica")
	m := g.Fork()
	if got := readNames(t, h.Ctx, m); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("before the write: %v", got)
	}
	must(t, m.Persist(&Author{Name: "Mine", Email: "mine@example.com"}))
	must(t, m.Flush(h.Ctx))
	if !m.ReadsPrimary() {
		t.Fatal("a fork that flushed must read the primary")
	}
	if got := readNames(t, h.Ctx, m); len(got) != 1 || got[0] != "Mine" {
		t.Fatalf("after the write: %v, want the primary's [Mine]", got)
	}
	if got := readNames(t, h.Ctx, g.Fork()); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("another fork: %v, want the replica's [OnReplica]", got)
	}
	// An empty flush writes nothing and changes nothing.
	f := g.Fork()
	must(t, f.Flush(h.Ctx))
	if f.ReadsPrimary() {
		t.Fatal("a flush that wrote nothing must not switch to the primary")
	}
}

// ReplicaNotInTransaction: reads inside a transaction go to the primary
// (in the transaction); after it committed, the fork reads the primary.
func ReplicaNotInTransaction(t *testing.T, h *Harness) {
	g, rep := withReplica(t, h)
	putAuthor(t, h.Ctx, rep, "OnReplica")
	putAuthor(t, h.Ctx, g, "OnPrimary")
	m := g.Fork()
	must(t, m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		if got := readNames(t, ctx, tx); len(got) != 1 || got[0] != "OnPrimary" {
			t.Errorf("find in a transaction: %v, want the primary's [OnPrimary]", got)
		}
		return tx.Persist(&Author{Name: "InTx", Email: "intx@example.com"})
	}))
	if got := readNames(t, h.Ctx, m); len(got) != 2 {
		t.Fatalf("after a transaction that wrote: %v, want the primary's two authors", got)
	}
}

// ReplicaAndCache: a cached result read from the replica is served from
// the cache to forks that read the replica, and a write through the ORM
// drops it.
func ReplicaAndCache(t *testing.T, h *Harness) {
	g, rep := withReplica(t, h)
	putAuthor(t, h.Ctx, rep, "OnReplica")
	if got := readNames(t, h.Ctx, g.Fork(), em.CacheAs("all", 60e9)); len(got) != 1 || got[0] != "OnReplica" {
		t.Fatalf("cached find on the replica: %v", got)
	}
	before := h.Count()
	if got := readNames(t, h.Ctx, g.Fork(), em.CacheAs("all", 60e9)); len(got) != 1 || h.Count() != before {
		t.Fatalf("cache hit: %v, %d statements", got, h.Count()-before)
	}
	putAuthor(t, h.Ctx, g, "OnPrimary") // drops the authors' results
	if got := readNames(t, h.Ctx, g.Fork(), em.CacheAs("all", 60e9), em.FromPrimary()); len(got) != 1 || got[0] != "OnPrimary" {
		t.Fatalf("after a write, from the primary: %v", got)
	}
}
