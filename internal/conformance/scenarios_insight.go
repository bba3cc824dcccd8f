package conformance

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/em/emtest"
	"github.com/gomikro/gomikro/internal/qlog"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var insight = []Scenario{
	scenario(QueryCountMatchesTheLog),
	scenario(NPlusOneIsDetected),
	scenario(SlowQueriesLogAtWarn),
}

// QueryCountMatchesTheLog: an EntityManager's QueryCount counts the
// statements it sent — flushes, finds, counts, populate, lazy loads — as
// many as the query log shows, and none of another fork's.
func QueryCountMatchesTheLog(t *testing.T, h *Harness) {
	stock(t, h)
	m := h.EM()
	other := h.EM()
	if m.QueryCount() != 0 {
		t.Fatalf("a new fork's QueryCount: %d", m.QueryCount())
	}
	n0 := h.Count()
	books, err := em.FindAll[Book](h.Ctx, m, em.Populate("Author", "Tags"))
	must(t, err)
	if _, err := em.Count[Author](h.Ctx, m, query.Eq("active", true)); err != nil {
		t.Fatal(err)
	}
	b := books[0]
	_, err = b.Reviews.Load(h.Ctx)
	must(t, err)
	b.Title += " (2nd edition)"
	must(t, m.Persist(&Publisher{Name: "Counted"}))
	must(t, m.Flush(h.Ctx))
	sent := h.Count() - n0
	if sent < 6 || m.QueryCount() != sent {
		t.Fatalf("QueryCount %d, the log shows %d statements", m.QueryCount(), sent)
	}
	if other.QueryCount() != 0 {
		t.Fatalf("another fork's QueryCount: %d", other.QueryCount())
	}
	// Without a Logger, the count is the same as with one.
	work := func(g *em.EntityManager) int64 {
		m := g.Fork()
		f := &Folder{Tenant: "a", Name: "F", Labels: newLabels("p", "q")}
		must(t, m.Persist(f, &Doc{Tenant: "a", Title: "d", Folder: refTo(f)}))
		must(t, m.Flush(h.Ctx))
		_, err := em.FindAll[Folder](h.Ctx, m, em.Populate("Docs", "Labels"))
		must(t, err)
		_, err = em.Count[Doc](h.Ctx, m, nil)
		must(t, err)
		return m.QueryCount()
	}
	logged := work(h.openCounted(gomikro.Config{Entities: filterEntities()}))
	quiet := work(h.Open(gomikro.Config{Entities: filterEntities()}))
	if logged < 4 || quiet != logged {
		t.Fatalf("QueryCount without a Logger %d, with one %d", quiet, logged)
	}
	// A statement of the global EntityManager's request fork counts there.
	ctx := em.WithContext(h.Ctx, other)
	if _, err := em.FindAll[Tag](ctx, h.Global); err != nil {
		t.Fatal(err)
	}
	if other.QueryCount() != 1 {
		t.Fatalf("the request fork's QueryCount: %d", other.QueryCount())
	}
}

// recorder is an emtest.TB that records failures.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// NPlusOneIsDetected: loading each book's author one by one is an N+1
// pattern that emtest.AssertNoNPlusOne reports; Populate is not;
// AssertMaxQueries holds a block to a number of statements.
func NPlusOneIsDetected(t *testing.T, h *Harness) {
	stock(t, h)
	m := h.EM()
	books, err := em.FindAll[Book](h.Ctx, m)
	must(t, err)
	var r recorder
	emtest.AssertNoNPlusOne(&r, m, 1, func() {
		for _, b := range books {
			if _, err := b.Author.Load(h.Ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "N+1") || !strings.Contains(r.errs[0], "3×") {
		t.Fatalf("N+1 of three authors not reported: %q", r.errs)
	}

	p := h.EM()
	r = recorder{}
	emtest.AssertNoNPlusOne(&r, p, 1, func() {
		if _, err := em.FindAll[Book](h.Ctx, p, em.Populate("Author", "Tags", "Publisher")); err != nil {
			t.Fatal(err)
		}
	})
	if len(r.errs) != 0 {
		t.Fatalf("Populate reported as N+1: %q", r.errs)
	}
	q := h.EM()
	want := 1 + 1 + h.ManyToManyLoads // books, authors, tags
	emtest.AssertMaxQueries(t, q, int(want), func() {
		if _, err := em.FindAll[Book](h.Ctx, q, em.Populate("Author", "Tags")); err != nil {
			t.Fatal(err)
		}
	})
	r = recorder{}
	emtest.AssertMaxQueries(&r, q, 0, func() {
		if _, err := em.Count[Book](h.Ctx, q, nil); err != nil {
			t.Fatal(err)
		}
	})
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "1 statements, at most 0") {
		t.Fatalf("AssertMaxQueries(0) around a count: %q", r.errs)
	}
	// Queries lists the shapes: the same for the same statement with
	// other values.
	shapes := emtest.Queries(q, func() {
		for _, title := range []string{tDune, tSQL} {
			if _, err := em.FindOne[Book](h.Ctx, q, query.Eq("title", title)); err != nil {
				t.Fatal(err)
			}
		}
	})
	if len(shapes) != 2 || shapes[0] != shapes[1] || shapes[0] == "" || strings.Contains(shapes[0], tDune) {
		t.Fatalf("shapes: %q", shapes)
	}
}

// levels is a slog handler recording the query records' levels and
// whether they were marked slow.
type levels struct {
	mu   *sync.Mutex
	recs *[]string
}

func (l levels) Enabled(context.Context, slog.Level) bool { return true }
func (l levels) Handle(_ context.Context, r slog.Record) error {
	if r.Message != qlog.Message {
		return nil
	}
	slow := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "slow" {
			slow = a.Value.Bool()
		}
		return true
	})
	l.mu.Lock()
	*l.recs = append(*l.recs, fmt.Sprintf("%s slow=%v", r.Level, slow))
	l.mu.Unlock()
	return nil
}
func (l levels) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l levels) WithGroup(string) slog.Handler      { return l }

// SlowQueriesLogAtWarn: with Config.SlowQuery, a statement that takes
// that long is logged at Warn with slow=true; the others stay at Debug.
func SlowQueriesLogAtWarn(t *testing.T, h *Harness) {
	for _, c := range []struct {
		slow time.Duration
		want string
	}{{time.Nanosecond, "WARN slow=true"}, {time.Hour, "DEBUG slow=false"}, {0, "DEBUG slow=false"}} {
		var recs []string
		g := h.Open(gomikro.Config{Entities: []any{Marker{}}, SlowQuery: c.slow, Logger: slog.New(levels{&sync.Mutex{}, &recs})})
		m := g.Fork()
		must(t, m.Persist(&Marker{Name: "x"}))
		must(t, m.Flush(h.Ctx))
		if _, err := em.FindAll[Marker](h.Ctx, m); err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			t.Fatalf("SlowQuery %v: nothing logged", c.slow)
		}
		for _, r := range recs {
			if r != c.want {
				t.Fatalf("SlowQuery %v: a record %q, want %q (all: %q)", c.slow, r, c.want, recs)
			}
		}
	}
}

func newLabels(names ...string) ref.Collection[Marker] {
	ls := make([]*Marker, len(names))
	for i, n := range names {
		ls[i] = &Marker{Name: n}
	}
	return ref.NewCollection(ls...)
}

func refTo[T any](p *T) ref.Ref[T] { return ref.To(p) }
