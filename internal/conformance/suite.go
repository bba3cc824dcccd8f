package conformance

import (
	"context"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/qlog"
)

// Backend is what a backend's test hands to Run.
type Backend struct {
	// Name names the backend in messages.
	Name string
	// Open opens an ORM on a fresh, empty database or schema holding the
	// tables (collections) of cfg.Entities, closed when the test ends,
	// and returns its global EntityManager.
	Open func(t *testing.T, cfg gomikro.Config) *em.EntityManager
	// Skip maps scenario names (as in Scenarios) to the reason the backend
	// cannot run them.
	Skip map[string]string
	// ManyToManyLoads is the number of statements the backend sends to
	// load one owning m:n collection for a batch of owners; 0 means 1 (a
	// join through the pivot table). A backend that keeps the target keys
	// in the owners' rows reads those first and then the targets: 2.
	ManyToManyLoads int
}

// Scenario is one conformance test.
type Scenario struct {
	Name string
	Run  func(t *testing.T, h *Harness)
	// Timeout bounds the scenario; 0 means two minutes.
	Timeout time.Duration
}

// Harness is what a scenario works with.
type Harness struct {
	// Global is the ORM's global EntityManager.
	Global *em.EntityManager
	// Queries counts the statements the backend logged.
	Queries *atomic.Int64
	// Ctx is a context bounded by the test.
	Ctx context.Context
	// Backend names the backend.
	Backend string
	// Events records the flush subscriber calls.
	Events *Recorder
	// ManyToManyLoads is Backend.ManyToManyLoads, at least 1.
	ManyToManyLoads int64
	// Open opens another ORM on a fresh database with cfg (Entities
	// defaults to the scenario model), for scenarios that need their own
	// model, logger or settings, and returns its global EntityManager.
	Open func(cfg gomikro.Config) *em.EntityManager
	// onQuery, when set, is called by the query log for every statement,
	// on the goroutine that runs it.
	onQuery *atomic.Pointer[func()]
}

// openCounted is Open with the harness's statement counter as the
// logger, so that Count sees the new ORM's statements.
func (h *Harness) openCounted(cfg gomikro.Config) *em.EntityManager {
	cfg.Logger = slog.New(counter{n: h.Queries, on: h.onQuery})
	return h.Open(cfg)
}

// EM returns a new fork.
func (h *Harness) EM() *em.EntityManager { return h.Global.Fork() }

// Count returns the statements logged so far.
func (h *Harness) Count() int64 { return h.Queries.Load() }

// counter is a slog handler counting gomikro's query records.
type counter struct {
	n  *atomic.Int64
	on *atomic.Pointer[func()]
	// data, when set, counts only the statements that read or write (not
	// BEGIN, COMMIT, ROLLBACK or savepoints).
	data *atomic.Int64
}

func (c counter) Enabled(context.Context, slog.Level) bool { return true }
func (c counter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == qlog.Message {
		c.n.Add(1)
		if c.data != nil && !txControl(r) {
			c.data.Add(1)
		}
		if fn := c.on.Load(); fn != nil {
			(*fn)()
		}
	}
	return nil
}

// txControl reports whether r logs BEGIN, COMMIT, ROLLBACK or a
// savepoint, which a dialect may or may not send around a flush's only
// statement (SQLite does; see sqlem.InProcess).
func txControl(r slog.Record) bool {
	ctl := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "sql" {
			s := strings.ToUpper(strings.TrimSpace(a.Value.String()))
			for _, p := range []string{"BEGIN", "START TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"} {
				if strings.HasPrefix(s, p) {
					ctl = true
				}
			}
			return false
		}
		return true
	})
	return ctl
}

func (c counter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c counter) WithGroup(string) slog.Handler      { return c }

// Run runs every scenario on the backend, each on its own database.
func Run(t *testing.T, b Backend) {
	for _, s := range Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			if reason, ok := b.Skip[s.Name]; ok {
				t.Skipf("%s: %s", b.Name, reason)
			}
			t.Parallel()
			limit := s.Timeout
			if limit == 0 {
				limit = 2 * time.Minute
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			n := &atomic.Int64{}
			on := &atomic.Pointer[func()]{}
			rec := &Recorder{}
			cfg := gomikro.Config{
				Entities:    Entities(),
				Logger:      slog.New(counter{n: n, on: on}),
				Subscribers: []any{rec},
			}
			g := b.Open(t, cfg)
			open := func(cfg gomikro.Config) *em.EntityManager {
				if cfg.Entities == nil {
					cfg.Entities = Entities()
				}
				return b.Open(t, cfg)
			}
			s.Run(t, &Harness{Global: g, Queries: n, Ctx: ctx, Backend: b.Name, Events: rec, ManyToManyLoads: int64(max(1, b.ManyToManyLoads)), Open: open, onQuery: on})
		})
	}
}

// Scenarios lists the scenarios in a stable order.
func Scenarios() []Scenario {
	var out []Scenario
	for _, group := range [][]Scenario{unitOfWork, flushModes, relations, queries, keyLists, transactions, propagation, upserts, scopes, hooks, concurrency, failures, roundTrips, badInput, references, kinds, names, embeddables, enums, filters, cursors, insight, serialization, seedScenarios, inheritance, lazies, loads, cache, replicaScenarios, tablePerType} {
		out = append(out, group...)
	}
	return out
}

func scenario(fn func(t *testing.T, h *Harness)) Scenario {
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	name = name[strings.LastIndexByte(name, '.')+1:]
	return Scenario{Name: name, Run: fn}
}

// Recorder is a flush subscriber the hooks scenarios inspect.
type Recorder struct {
	Before, On, After atomic.Int64
	// LastChanges is the number of change sets of the last OnFlush.
	LastChanges atomic.Int64
}

// BeforeFlush implements em.BeforeFlushSubscriber.
func (r *Recorder) BeforeFlush(ctx context.Context, ev *em.FlushEvent) error {
	r.Before.Add(1)
	return nil
}

// OnFlush implements em.OnFlushSubscriber.
func (r *Recorder) OnFlush(ctx context.Context, ev *em.FlushEvent) error {
	r.On.Add(1)
	r.LastChanges.Store(int64(len(ev.ChangeSets)))
	return nil
}

// AfterFlush implements em.AfterFlushSubscriber.
func (r *Recorder) AfterFlush(ctx context.Context, ev *em.FlushEvent) error {
	r.After.Add(1)
	return nil
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// Mongo describes a MongoDB-wire server for Run: its name (FerretDB is
// named, so scenarios can allow for what it stores differently) and the
// scenarios it cannot run, with why. isFerretDB and transactions say what
// the server is.
func Mongo(isFerretDB, transactions bool) (name string, skip map[string]string) {
	name = "mongo"
	if isFerretDB {
		name = "mongo (FerretDB)"
	}
	skip = map[string]string{
		"ForeignKeyViolation":             "MongoDB has no foreign keys: a reference to a missing document is stored as it is",
		"NestedTransactionsUseSavepoints": "MongoDB has no savepoints: a transaction begun inside another fails with mongoem.ErrNoSavepoints",
		"NestedFlushFailureKeepsOuter":    "MongoDB has no savepoints: a transaction begun inside another fails with mongoem.ErrNoSavepoints",
	}
	for _, sc := range tablePerType {
		skip[sc.Name] = "table-per-type inheritance is for SQL databases: mongoem.Open refuses tpt (TestTablePerTypeRefused)"
	}
	if isFerretDB {
		slowIn := "FerretDB evaluates $in by walking the list for every document it scans, without the _id index: " +
			"70,000 keys over 70,000 documents are billions of comparisons (minutes)"
		skip["PopulateLargeKeyListsTwoLevels"] = slowIn
		skip["PopulateLargeKeyLists"] = slowIn + "; the $in list's size is bounded by TestKeyBatchBoundsTheDocumentSize"
		skip["FlushDeletesLargeKeyLists"] = slowIn
	}
	if !transactions {
		server := "this server (a standalone mongod)"
		if isFerretDB {
			server = "FerretDB"
		}
		for _, s := range []string{"TransactionalCommits", "TransactionalRollsBack", "ExplicitBeginCommitRollback", "RefusedValueInsideTransaction", "ScopeMiddlewareRollsBackBegin",
			"UpsertInTransaction", "PropagationInsideTransaction", "RequiresNewCommitsIndependently", "NotSupportedRunsOutside",
			"NestedFlushFailureKeepsOuter", "TransactionEventsInOrder", "ReadOnlyRefusesWrites", "AutoFlushRunsInTransaction", "SeederFailureRollsBack",
			"CacheBypassedInTransaction", "ReplicaNotInTransaction"} {
			skip[s] = server + " has no multi-document transactions: Transactional and Begin fail with mongoem.ErrNoTransactions (they run on a replica set)"
		}
	}
	return name, skip
}
