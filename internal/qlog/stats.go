package qlog

import (
	"context"
	"reflect"
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

// Counting is a context carrying a Stats that its owner keeps and hands
// out (WithStatsIn) instead of allocating a new context per operation.
// The zero value is unused.
type Counting struct {
	context.Context
	s *Stats
	// state: countFree, countSetting (one caller is setting it), or
	// countSet (set for good: the fields never change again).
	state atomic.Int32
}

const (
	countFree int32 = iota
	countSetting
	countSet
)

// Value implements context.Context.
func (c *Counting) Value(key any) any {
	if key == (statsKey{}) {
		return c.s
	}
	return c.Context.Value(key)
}

// WithStatsIn is WithStats that returns c, set to carry s over ctx, when c
// is unused or carries s over ctx already; otherwise (or while another
// goroutine is setting c) it allocates as WithStats does. c is set once
// and never changed afterwards, so a context handed out earlier stays
// what it was.
func WithStatsIn(ctx context.Context, s *Stats, c *Counting) context.Context {
	if cur, _ := ctx.Value(statsKey{}).(*Stats); cur == s {
		return ctx
	}
	switch c.state.Load() {
	case countFree:
		if c.state.CompareAndSwap(countFree, countSetting) {
			c.Context, c.s = ctx, s
			c.state.Store(countSet)
			return c
		}
	case countSet:
		if c.s == s && sameContext(c.Context, ctx) {
			return c
		}
	}
	return context.WithValue(ctx, statsKey{}, s)
}

// sameContext reports whether a and b are the same context. It compares
// only pointers and empty structs (context.Background): == on another
// type may panic (a struct holding an incomparable value).
func sameContext(a, b context.Context) bool {
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || ta == nil {
		return false
	}
	if ta.Kind() != reflect.Pointer && (ta.Kind() != reflect.Struct || ta.Size() != 0) {
		return false
	}
	return a == b
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
