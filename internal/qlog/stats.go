package qlog

import (
	"context"
	"sync/atomic"
)

// Stats counts the statements (MongoDB operations) of one EntityManager.
// The EntityManager puts it in the context of the statements it runs
// (WithStats); backends report each statement to the Stats of its
// context (Note).
type Stats struct {
	n     atomic.Int64
	watch atomic.Pointer[func(shape string)]
}

type statsKey struct{}

// WithStats returns ctx carrying s (ctx itself when it carries s already).
func WithStats(ctx context.Context, s *Stats) context.Context {
	if cur, _ := ctx.Value(statsKey{}).(*Stats); cur == s {
		return ctx
	}
	return context.WithValue(ctx, statsKey{}, s)
}

// StatsOf returns the Stats ctx carries, or nil.
func StatsOf(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// Count returns the number of statements noted.
func (s *Stats) Count() int64 { return s.n.Load() }

// Watching reports whether a watcher wants the statements' shapes.
func (s *Stats) Watching() bool { return s.watch.Load() != nil }

// Note counts one statement and hands its shape (the SQL text, or the
// operation, collection and filter keys) to the watcher, if any.
func (s *Stats) Note(shape string) {
	s.n.Add(1)
	if w := s.watch.Load(); w != nil {
		(*w)(shape)
	}
}

// Watch sets fn as the watcher (nil: none) and returns the previous one.
func (s *Stats) Watch(fn func(shape string)) func(shape string) {
	var p *func(string)
	if fn != nil {
		p = &fn
	}
	if old := s.watch.Swap(p); old != nil {
		return *old
	}
	return nil
}
