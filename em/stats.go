package em

import (
	"context"

	"github.com/gomikro/gomikro/internal/qlog"
)

// counted returns ctx carrying m's statement statistics, for the
// statements m sends.
func (m *EntityManager) counted(ctx context.Context) context.Context {
	if m.cc != nil {
		// A fork's own context, set on first use: a request that passes
		// the same ctx to each operation allocates none.
		return qlog.WithStatsIn(ctx, m.stats, m.cc)
	}
	return qlog.WithStats(ctx, m.stats)
}

// QueryCount returns the number of statements (MongoDB operations) this
// EntityManager has sent since it was made: finds, counts, populate and
// lazy loads, flushes (every statement, BEGIN and COMMIT included),
// transactions, and the backend's own queries run through it (query
// builder, Execute, Aggregate). A transaction's EntityManager
// (Transactional) counts into the one it was started from. Package
// em/emtest builds test assertions on it.
func (m *EntityManager) QueryCount() int64 { return m.stats.Count() }

// WatchQueries calls fn with the shape of every statement this
// EntityManager sends from now until stop is called: the SQL text (its
// values are bound parameters, so the same statement with other values
// has the same text), or for MongoDB the operation, collection and filter
// with its values replaced by "?". fn runs on the goroutine that sends
// the statement. One watcher at a time: stop restores the one before.
func (m *EntityManager) WatchQueries(fn func(shape string)) (stop func()) {
	prev := m.stats.Watch(fn)
	return func() { m.stats.Watch(prev) }
}

// CountingContext returns ctx carrying the statement statistics of m, for
// backends that run statements of their own for m (query builder,
// Aggregate): what they send is counted by QueryCount.
func (m *EntityManager) CountingContext(ctx context.Context) context.Context {
	return m.counted(ctx)
}
