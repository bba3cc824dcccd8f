package qlog

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	ctx := context.Background()
	if StatsOf(ctx) != nil {
		t.Fatal("a bare context carries Stats")
	}
	s := &Stats{}
	c := WithStats(ctx, s)
	if StatsOf(c) != s || WithStats(c, s) != c {
		t.Fatal("WithStats: not carried, or wrapped twice")
	}
	StatsOf(c).Note("a")
	var got []string
	prev := s.Watch(func(shape string) { got = append(got, shape) })
	if prev != nil || !s.Watching() {
		t.Fatal("Watch")
	}
	s.Note("b")
	s.Watch(prev)
	s.Note("c")
	if s.Count() != 3 || len(got) != 1 || got[0] != "b" || s.Watching() {
		t.Fatalf("Count %d, watched %q", s.Count(), got)
	}
}

func TestSlow(t *testing.T) {
	var b strings.Builder
	l := New(slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), false)
	l.Slow = time.Hour
	l.Log(context.Background(), time.Now(), 1, nil)
	l.Slow = time.Millisecond
	l.Log(context.Background(), time.Now().Add(-time.Second), 1, nil)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "level=DEBUG") || strings.Contains(lines[0], "slow") ||
		!strings.Contains(lines[1], "level=WARN") || !strings.Contains(lines[1], "slow=true") {
		t.Fatalf("log:\n%s", b.String())
	}
}

// mapCtx is a context of a type == panics on (it holds a map).
type mapCtx struct {
	context.Context
	m map[string]int
}

func TestWithStatsIn(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	s := &Stats{}
	var c Counting
	got := WithStatsIn(parent, s, &c)
	if got != &c || StatsOf(got) != s || got.Value(key{}) != "v" {
		t.Fatal("an unused Counting is not used, or does not carry s and the parent's values")
	}
	if WithStatsIn(parent, s, &c) != &c || WithStatsIn(got, s, &c) != got {
		t.Fatal("the same parent again: a new context")
	}
	// Another parent: a context of its own; the Counting handed out keeps
	// its parent.
	other := context.Background()
	o := WithStatsIn(other, s, &c)
	if o == &c || StatsOf(o) != s || c.Context != parent {
		t.Fatal("another parent changed the Counting, or was not carried")
	}
	// Cancellation reaches through it, and children see it.
	child, stop := context.WithCancel(got)
	defer stop()
	cancel()
	<-child.Done()
	if got.Err() == nil || StatsOf(child) != s {
		t.Fatal("cancellation or values not passed through")
	}
	// Contexts == cannot compare are never compared.
	var c2 Counting
	m1 := mapCtx{context.Background(), map[string]int{}}
	WithStatsIn(m1, s, &c2)
	if x := WithStatsIn(mapCtx{context.Background(), map[string]int{}}, s, &c2); x == &c2 || StatsOf(x) != s {
		t.Fatal("an incomparable context: reused or not carried")
	}
	// A Counting carries one Stats: another gets a context of its own.
	if x := WithStatsIn(m1, &Stats{}, &c2); x == &c2 {
		t.Fatal("a Counting reused for other Stats")
	}
}

// TestWithStatsInConcurrent: goroutines sharing a Counting (an
// EntityManager misused from several at once) race on nothing.
func TestWithStatsInConcurrent(t *testing.T) {
	s := &Stats{}
	var c Counting
	ctx := context.Background()
	done := make(chan context.Context, 8)
	for range 8 {
		go func() { done <- WithStatsIn(ctx, s, &c) }()
	}
	for range 8 {
		if got := <-done; StatsOf(got) != s {
			t.Fatal("a context without the Stats")
		}
	}
}
