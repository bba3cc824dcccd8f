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
