package faults

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/query"
)

// Note is the entity the fault scenarios write: no unique key but its
// generated one, so a flush that ran twice would show as twice the rows.
type Note struct {
	ID    int64 `orm:"pk"`
	Batch int
	Mark  int
	Body  string
}

// Backend is what a backend's test hands to Run.
type Backend struct {
	// Name names the backend in messages.
	Name string
	// Target is the server's host:port; empty for an embedded database,
	// which gets only the context-cancellation faults.
	Target string
	// Open opens two ORMs on one fresh database holding the tables of
	// cfg.Entities, closed when the test ends: direct connects to the
	// server, proxied to proxyAddr (host:port) in its place (nil when
	// Target is empty). It returns their global EntityManagers.
	Open func(t *testing.T, cfg gomikro.Config, proxyAddr string) (direct, proxied *em.EntityManager)
	// Resolves reports that the backend resolves a lost COMMIT reply, so
	// such a fault must end in a definite answer.
	Resolves bool
	// NoCommit reports that the backend sends no COMMIT (writes without
	// transactions): the faults aimed at COMMIT do not apply.
	NoCommit bool
	// Rows is the number of rows a large flush inserts (default 10,000).
	Rows int
	// Seed, Updates and Deletes are the rows each trial loads, and of
	// those the ones its flush updates and deletes (default 200, 100, 50):
	// fewer for a server whose updates are slow.
	Seed, Updates, Deletes int
	// SingleRows is the number of rows one INSERT statement of the
	// backend carries, for faults in a flush of one statement (which runs
	// without a transaction); 0 skips them.
	SingleRows int
}

// shape is what a trial's unit of work holds.
type shape struct {
	seed, updates, deletes, rows int
}

// Result counts what Run injected and what held.
type Result struct {
	Injected, Survived int
	// Outcomes counts the answers flushes gave: "committed",
	// "not committed", "unknown".
	Outcomes map[string]int
}

// Run injects faults into large flushes on the backend and checks after
// each one that the database holds all or nothing of the flush, that the
// error told the truth (nil: committed; gomikro.ErrCommitUnknown: either;
// any other: not committed), that the unit of work agrees with the
// database, and that a retry writes each row exactly once.
func Run(t *testing.T, b Backend) *Result {
	if b.Rows == 0 {
		b.Rows = 10000
	}
	if b.Seed == 0 {
		b.Seed, b.Updates, b.Deletes = 200, 100, 50
	}
	var px *nettest.Proxy
	addr := ""
	if b.Target != "" {
		px = nettest.Listen(t, b.Target)
		addr = px.Addr()
	}
	direct, proxied := b.Open(t, gomikro.Config{Entities: []any{Note{}}}, addr)
	if proxied == nil {
		proxied = direct
	}
	r := &run{t: t, b: b, px: px, direct: direct, via: proxied, res: &Result{Outcomes: map[string]int{}}}

	if b.SingleRows > 0 {
		// A flush of one statement: no transaction, so a fault while it is
		// in flight leaves an unknown outcome unless the server said no.
		r.sh = shape{rows: b.SingleRows}
		base := r.measure()
		t.Logf("%s: a flush of one INSERT of %d rows takes %v", b.Name, b.SingleRows, base.d)
		for _, f := range []float64{0.1, 0.5, 0.9} {
			r.trial(fmt.Sprintf("one-statement flush, cancel at %.0f%%", f*100), func(ctx context.Context) (context.Context, func()) {
				return context.WithTimeout(ctx, time.Duration(float64(base.d)*f))
			})
		}
		if px != nil {
			for _, d := range []nettest.Direction{nettest.Up, nettest.Down} {
				total := base.up
				if d == nettest.Down {
					total = base.down
				}
				n := total / 2
				r.trial(fmt.Sprintf("one-statement flush, cut after %d bytes %s", n, d), func(ctx context.Context) (context.Context, func()) {
					px.CutAtBytes(d, n)
					return ctx, px.Reset
				})
			}
		}
	}

	// A fault-free flush measures the time and bytes the faults aim at.
	r.sh = shape{seed: b.Seed, updates: b.Updates, deletes: b.Deletes, rows: b.Rows}
	base := r.measure()
	t.Logf("%s: a flush of %d inserts, %d updates and %d deletes takes %v (%d bytes up, %d down)",
		b.Name, r.sh.rows, r.sh.updates, r.sh.deletes, base.d, base.up, base.down)

	for _, f := range []float64{0.05, 0.25, 0.5, 0.75, 0.95, 1.1} {
		r.trial(fmt.Sprintf("cancel at %.0f%% of the flush", f*100), func(ctx context.Context) (context.Context, func()) {
			ctx, cancel := context.WithTimeout(ctx, time.Duration(float64(base.d)*f))
			return ctx, cancel
		})
	}
	if px != nil {
		for _, f := range []float64{0.01, 0.3, 0.7, 0.99} {
			for _, d := range []nettest.Direction{nettest.Up, nettest.Down} {
				total := base.up
				if d == nettest.Down {
					total = base.down
				}
				n := int64(float64(total) * f)
				r.trial(fmt.Sprintf("cut after %d bytes %s (%.0f%%)", n, d, f*100), func(ctx context.Context) (context.Context, func()) {
					px.CutAtBytes(d, n)
					return ctx, px.Reset
				})
			}
		}
		r.trial("cut at a time", func(ctx context.Context) (context.Context, func()) {
			px.CutAfter(base.d / 2)
			return ctx, px.Reset
		})
		if !b.NoCommit {
			r.trial("COMMIT cut before it reaches the server", func(ctx context.Context) (context.Context, func()) {
				px.Arm(nettest.Trigger{Pattern: []byte("COMMIT"), Before: true})
				return ctx, px.Reset
			})
			r.trial("COMMIT's reply lost", func(ctx context.Context) (context.Context, func()) {
				px.Arm(nettest.Trigger{Pattern: []byte("COMMIT"), DropReply: true})
				return ctx, px.Reset
			}, mustCommit)
			r.trial("context cancelled while COMMIT is in flight", func(ctx context.Context) (context.Context, func()) {
				ctx, cancel := context.WithCancel(ctx)
				px.Arm(nettest.Trigger{Pattern: []byte("COMMIT"), Then: cancel, Hold: 100 * time.Millisecond})
				return ctx, func() { cancel(); px.Reset() }
			})
			r.transactionalCommitLost()
		}
	}
	r.settle()
	t.Logf("%s: %d faults injected, %d survived; answers: %v", b.Name, r.res.Injected, r.res.Survived, r.res.Outcomes)
	return r.res
}

// run is one backend's run.
type run struct {
	t         *testing.T
	b         Backend
	px        *nettest.Proxy
	direct    *em.EntityManager
	via       *em.EntityManager
	res       *Result
	sh        shape
	batch     int
	committed []batch // flushes that committed, checked again at the end
}

type batch struct {
	k  int
	sh shape
}

type measured struct {
	d        time.Duration
	up, down int64
}

// unit is one trial's unit of work on a fork of the proxied ORM: seeded
// rows loaded, then inserts, updates and deletes pending.
type unit struct {
	m       *em.EntityManager
	batch   int
	news    []*Note
	updated []*Note
}

func (r *run) prepare(ctx context.Context) *unit {
	r.t.Helper()
	r.batch++
	k := r.batch
	seed := r.direct.Fork()
	for i := range r.sh.seed {
		if err := seed.Persist(&Note{Batch: k, Body: fmt.Sprintf("seed %d", i)}); err != nil {
			r.t.Fatal(err)
		}
	}
	if err := seed.Flush(ctx); err != nil {
		r.t.Fatalf("seed batch %d: %v", k, err)
	}
	m := r.via.Fork()
	rows, err := r.find(ctx, m, query.M{"batch": k})
	if err != nil {
		r.t.Fatalf("load batch %d: %v", k, err)
	}
	u := &unit{m: m, batch: k}
	for i, n := range rows {
		switch {
		case i < r.sh.updates:
			n.Mark = 2
			u.updated = append(u.updated, n)
		case i < r.sh.updates+r.sh.deletes:
			if err := m.Remove(n); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	for i := range r.sh.rows {
		n := &Note{Batch: k, Mark: 1, Body: fmt.Sprintf("note %d of batch %d", i, k)}
		u.news = append(u.news, n)
	}
	for _, n := range u.news {
		if err := m.Persist(n); err != nil {
			r.t.Fatal(err)
		}
	}
	return u
}

// find reads through the proxy, retrying connections a fault left dead
// in the pool.
func (r *run) find(ctx context.Context, m *em.EntityManager, f query.M) ([]*Note, error) {
	var err error
	for range 5 {
		var rows []*Note
		rows, err = em.Find[Note](ctx, m, f)
		if err == nil {
			return rows, nil
		}
	}
	return nil, err
}

func (r *run) measure() measured {
	ctx := context.Background()
	u := r.prepare(ctx)
	if r.px != nil {
		r.px.Reset()
	}
	start := time.Now()
	if err := u.m.Flush(ctx); err != nil {
		r.t.Fatalf("fault-free flush: %v", err)
	}
	m := measured{d: time.Since(start)}
	if r.px != nil {
		m.up, m.down = r.px.Bytes()
	}
	if s := r.state(ctx, u.batch); s != stateAll {
		r.t.Fatalf("fault-free flush of batch %d left %s", u.batch, s)
	}
	return m
}

type state string

const (
	stateNone state = "nothing of the flush"
	stateAll  state = "all of the flush"
)

// state reads batch k directly: all of its flush, nothing of it, or what
// else it holds.
func (r *run) state(ctx context.Context, k int) state {
	r.t.Helper()
	m := r.direct.Fork()
	count := func(f query.M) int64 {
		n, err := em.Count[Note](ctx, m, f)
		if err != nil {
			r.t.Fatalf("count batch %d: %v", k, err)
		}
		return n
	}
	total, news, upd := count(query.M{"batch": k}), count(query.M{"batch": k, "mark": 1}), count(query.M{"batch": k, "mark": 2})
	sh := r.sh
	switch {
	case total == int64(sh.seed) && news == 0 && upd == 0:
		return stateNone
	case total == int64(sh.seed+sh.rows-sh.deletes) && news == int64(sh.rows) && upd == int64(sh.updates):
		return stateAll
	}
	return state(fmt.Sprintf("a partial write: %d rows, %d new, %d updated", total, news, upd))
}

type expect int

// mustCommit: the server committed; a backend that resolves must say so.
const mustCommit expect = 1

// trial runs one fault: fault arms it and returns the context the flush
// runs in and a function that disarms it.
func (r *run) trial(name string, fault func(context.Context) (context.Context, func()), want ...expect) {
	ctx := context.Background()
	u := r.prepare(ctx)
	if r.px != nil {
		r.px.Reset()
	}
	r.res.Injected++
	fctx, disarm := fault(ctx)
	err := u.m.Flush(fctx)
	disarm()
	ok := r.check(name, u, err, want...)
	if ok {
		r.res.Survived++
	}
	r.t.Logf("%s: %s: Flush answered %v; held: %v", r.b.Name, name, err, ok)
}

func (r *run) check(name string, u *unit, err error, want ...expect) bool {
	t := r.t
	ctx := context.Background()
	fail := func(format string, args ...any) bool {
		t.Errorf("%s: %s (batch %d, flush error: %v): %s", r.b.Name, name, u.batch, err, fmt.Sprintf(format, args...))
		return false
	}
	s := r.state(ctx, u.batch)
	switch {
	case err == nil:
		r.res.Outcomes["committed"]++
		if s != stateAll {
			return fail("Flush returned nil but the database holds %s", s)
		}
		for _, n := range u.news {
			if n.ID == 0 {
				return fail("a committed insert has no key")
			}
		}
		r.committed = append(r.committed, batch{u.batch, r.sh})
		// The unit of work is clean: flushing again writes nothing.
		if err := u.m.Flush(ctx); err != nil {
			return fail("a flush after the committed one: %v", err)
		}
		return r.stillAll(name, u)
	case errors.Is(err, gomikro.ErrCommitUnknown):
		r.res.Outcomes["unknown"]++
		if r.b.Resolves && len(want) > 0 && want[0] == mustCommit {
			return fail("the backend resolves lost COMMIT replies, yet answered unknown")
		}
		// The server may still be running what the client gave up on.
		s = r.settled(ctx, u.batch)
		if s != stateAll && s != stateNone {
			return fail("the outcome is unknown but the database holds %s", s)
		}
		// A retry must not write the rows again.
		if ferr := u.m.Flush(ctx); !errors.Is(ferr, gomikro.ErrCommitUnknown) {
			return fail("after an unknown outcome, Flush answered %v instead of refusing", ferr)
		}
		if s == stateAll {
			r.committed = append(r.committed, batch{u.batch, r.sh})
		}
		return true
	default:
		r.res.Outcomes["not committed"]++
		if len(want) > 0 && want[0] == mustCommit && r.b.Resolves {
			return fail("the server committed, yet Flush reported a failure")
		}
		if s != stateNone {
			return fail("Flush reported a failure but the database holds %s", s)
		}
		for _, n := range u.news {
			if n.ID != 0 {
				return fail("a failed flush left a generated key in an object")
			}
		}
		// The retry writes everything exactly once (connections the fault
		// killed may fail a first try, before anything is written).
		var rerr error
		for range 3 {
			if rerr = u.m.Flush(ctx); rerr == nil || errors.Is(rerr, gomikro.ErrCommitUnknown) {
				break
			}
		}
		if rerr != nil {
			return fail("the retry failed: %v", rerr)
		}
		if s := r.state(ctx, u.batch); s != stateAll {
			return fail("after the retry the database holds %s", s)
		}
		r.committed = append(r.committed, batch{u.batch, r.sh})
		return r.stillAll(name, u)
	}
}

// transactionalCommitLost loses the reply to the COMMIT of Transactional
// (the server committed): the answer must be nil where the backend
// resolves, else gomikro.ErrCommitUnknown.
func (r *run) transactionalCommitLost() {
	ctx := context.Background()
	r.res.Injected++
	r.batch++
	k := r.batch
	r.px.Reset()
	r.px.Arm(nettest.Trigger{Pattern: []byte("COMMIT"), DropReply: true})
	err := r.via.Fork().Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
		for i := range 100 {
			if err := tx.Persist(&Note{Batch: k, Mark: 1, Body: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	r.px.Reset()
	n, cerr := em.Count[Note](ctx, r.direct.Fork(), query.M{"batch": k})
	if cerr != nil {
		r.t.Fatal(cerr)
	}
	ok := true
	switch {
	case n != 100:
		ok = false
		r.t.Errorf("%s: Transactional whose COMMIT reply was lost: the server committed, yet the table holds %d rows of 100 (error %v)", r.b.Name, n, err)
	case r.b.Resolves && err != nil:
		ok = false
		r.t.Errorf("%s: Transactional whose COMMIT reply was lost: the server committed and the backend resolves, yet it answered %v", r.b.Name, err)
	case !r.b.Resolves && !errors.Is(err, gomikro.ErrCommitUnknown):
		ok = false
		r.t.Errorf("%s: Transactional whose COMMIT reply was lost answered %v, want gomikro.ErrCommitUnknown", r.b.Name, err)
	}
	if ok {
		r.res.Survived++
	}
	r.t.Logf("%s: Transactional, COMMIT's reply lost: answered %v; held: %v", r.b.Name, err, ok)
}

// settled reads batch k until two reads a little apart agree (at most
// for a few seconds).
func (r *run) settled(ctx context.Context, k int) state {
	s := r.state(ctx, k)
	for range 25 {
		time.Sleep(200 * time.Millisecond)
		next := r.state(ctx, k)
		if next == s && (s == stateAll || s == stateNone) {
			return s
		}
		s = next
	}
	return s
}

// stillAll checks that the unit of work agrees with the database: every
// inserted object is found under its key with its values.
func (r *run) stillAll(name string, u *unit) bool {
	ctx := context.Background()
	m := r.direct.Fork()
	got, err := em.Find[Note](ctx, m, query.M{"batch": u.batch, "mark": 1})
	if err != nil {
		r.t.Fatal(err)
	}
	byID := make(map[int64]*Note, len(got))
	for _, n := range got {
		byID[n.ID] = n
	}
	for _, n := range u.news {
		g := byID[n.ID]
		if g == nil || g.Body != n.Body {
			r.t.Errorf("%s: %s: object with key %d (%q) is not in the database as it is in the unit of work", r.b.Name, name, n.ID, n.Body)
			return false
		}
	}
	return true
}

// settle waits for anything the server might still finish, then checks
// every batch again: a write reported as not committed must not appear
// later (the server running statements after the client gave up).
func (r *run) settle() {
	time.Sleep(1500 * time.Millisecond)
	ctx := context.Background()
	for _, b := range r.committed {
		r.sh = b.sh
		if s := r.state(ctx, b.k); s != stateAll {
			r.t.Errorf("%s: batch %d was committed, and later holds %s", r.b.Name, b.k, s)
		}
	}
}
