// Package sqltest holds the tests every SQL dialect runs beyond the
// conformance suite: row locks, deadlocks and lock timeouts translated
// into gomikro's errors, and raw statements.
package sqltest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// Backend is what a dialect's test hands to Run.
type Backend struct {
	// Open opens an ORM on a fresh database holding the tables of
	// cfg.Entities, closed when the test ends.
	Open func(t *testing.T, cfg gomikro.Config) *sqlem.ORM
	// RowLocks: the dialect locks rows (FOR UPDATE, SKIP LOCKED, NOWAIT)
	// and detects deadlocks; without them (SQLite) a second writer waits
	// for the first and times out.
	RowLocks bool
	// IsolationSQL is an expression giving the isolation level of the
	// running transaction, when the server has one.
	IsolationSQL string
	// SerializableLocksReads: SERIALIZABLE takes shared locks on the rows
	// it reads (InnoDB), which a NOWAIT lock of another transaction hits.
	SerializableLocksReads bool
}

// Run runs the tests on the backend.
func Run(t *testing.T, b Backend) {
	t.Run("RowLocks", func(t *testing.T) {
		if !b.RowLocks {
			t.Skip("the dialect has no row locks; see WriterTimesOut")
		}
		rowLocks(t, b)
	})
	t.Run("Deadlock", func(t *testing.T) {
		if !b.RowLocks {
			t.Skip("the dialect's writers queue for one database lock and cannot deadlock")
		}
		deadlock(t, b)
	})
	t.Run("WriterTimesOut", func(t *testing.T) {
		if b.RowLocks {
			t.Skip("the dialect locks rows; see RowLocks")
		}
		writerTimesOut(t, b)
	})
	t.Run("Execute", func(t *testing.T) { execute(t, b) })
	t.Run("LockOutsideTransaction", func(t *testing.T) { lockOutsideTx(t, b) })
	t.Run("IsolationLevel", func(t *testing.T) { isolation(t, b) })
	t.Run("QBValues", func(t *testing.T) { qbValues(t, b) })
	t.Run("Raw", func(t *testing.T) { raw(t, b) })
	t.Run("Scope", func(t *testing.T) { scope(t, b) })
	t.Run("Formulas", func(t *testing.T) { formulas(t, b) })
	t.Run("VirtualEntities", func(t *testing.T) { virtualEntities(t, b) })
	t.Run("LazyQueryBuilder", func(t *testing.T) { lazyQueryBuilder(t, b) })
	t.Run("Replica", func(t *testing.T) { replica(t, b) })
	t.Run("QBCache", func(t *testing.T) { qbCache(t, b) })
	t.Run("ScanKinds", func(t *testing.T) { scanKinds(t, b) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func seed(t *testing.T, orm *sqlem.ORM, n int) []*conformance.Author {
	t.Helper()
	m := orm.EM().Fork()
	var out []*conformance.Author
	for i := range n {
		a := &conformance.Author{Name: "L", Email: string(rune('a'+i)) + "@example.com"}
		must(t, m.Persist(a))
		out = append(out, a)
	}
	must(t, m.Flush(context.Background()))
	return out
}

// rowLocks: FOR UPDATE holds, SKIP LOCKED skips, NOWAIT fails with
// ErrLockTimeout.
func rowLocks(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	seed(t, orm, 1)
	holder := orm.EM().Fork()
	must(t, holder.Begin(ctx))
	defer func() { _ = holder.Rollback(ctx) }()
	locked, err := em.Find[conformance.Author](ctx, holder, nil, sqlem.ForUpdate())
	if err != nil || len(locked) != 1 {
		t.Fatal(err, len(locked))
	}
	other := orm.EM().Fork()
	must(t, other.Begin(ctx))
	defer func() { _ = other.Rollback(ctx) }()
	skipped, err := em.Find[conformance.Author](ctx, other, nil, sqlem.ForUpdateSkipLocked())
	if err != nil || len(skipped) != 0 {
		t.Fatalf("SKIP LOCKED returned %d rows (%v)", len(skipped), err)
	}
	_, err = em.Find[conformance.Author](ctx, other, nil, sqlem.ForUpdateNoWait())
	if !errors.Is(err, gomikro.ErrLockTimeout) {
		t.Fatalf("NOWAIT on a locked row: %v, want ErrLockTimeout", err)
	}
}

// deadlock: two transactions update two rows in opposite orders; the
// database picks a victim, whose flush fails with ErrDeadlock.
func deadlock(t *testing.T, b Backend) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	ids := seed(t, orm, 2)
	tx1, tx2 := orm.EM().Fork(), orm.EM().Fork()
	must(t, tx1.Begin(ctx))
	defer func() { _ = tx1.Rollback(ctx) }()
	must(t, tx2.Begin(ctx))
	defer func() { _ = tx2.Rollback(ctx) }()
	update := func(m *sqlem.EntityManager, id int64, name string) error {
		a, err := em.FindOneOrFail[conformance.Author](ctx, m, query.Eq("id", id))
		if err != nil {
			return err
		}
		a.Name = name
		return m.Flush(ctx)
	}
	must(t, update(tx1, ids[0].ID, "tx1"))
	must(t, update(tx2, ids[1].ID, "tx2"))
	type result struct {
		m   *sqlem.EntityManager
		err error
	}
	done := make(chan result, 2)
	go func() { done <- result{tx1, update(tx1, ids[1].ID, "tx1")} }()
	go func() { done <- result{tx2, update(tx2, ids[0].ID, "tx2")} }()
	var deadlocked int
	for range 2 {
		r := <-done
		switch {
		case r.err == nil:
		case errors.Is(r.err, gomikro.ErrDeadlock):
			deadlocked++
			// Ending the victim's transaction lets the other one go on.
			_ = r.m.Rollback(ctx)
		default:
			t.Fatalf("a deadlocked flush failed with %v, want ErrDeadlock", r.err)
		}
	}
	if deadlocked == 0 {
		t.Fatal("no flush reported ErrDeadlock")
	}
}

// writerTimesOut: a second writer waits for the first and fails with
// ErrLockTimeout when the wait is over.
func writerTimesOut(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	seed(t, orm, 1)
	holder := orm.EM().Fork()
	must(t, holder.Begin(ctx))
	defer func() { _ = holder.Rollback(ctx) }()
	other := orm.EM().Fork()
	err := other.Begin(ctx)
	if err == nil {
		_ = other.Rollback(ctx)
	}
	if !errors.Is(err, gomikro.ErrLockTimeout) {
		t.Fatalf("a second writer: %v, want ErrLockTimeout", err)
	}
}

// execute: raw statements with bound parameters, on the pool and in a
// transaction.
func execute(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	p := orm.Dialect().Placeholder
	m := orm.EM().Fork()
	n, err := m.Execute(ctx, "INSERT INTO publisher (name) VALUES ("+p(1)+"), ("+p(2)+")", "P1", "Robert'); DROP TABLE book;--")
	if err != nil || n != 2 {
		t.Fatalf("Execute: %d rows, %v", n, err)
	}
	must(t, m.Begin(ctx))
	if n, err := m.Execute(ctx, "DELETE FROM publisher WHERE name = "+p(1), "P1"); err != nil || n != 1 {
		t.Fatalf("Execute in a transaction: %d rows, %v", n, err)
	}
	must(t, m.Rollback(ctx))
	if c, err := em.Count[conformance.Publisher](ctx, orm.EM().Fork(), nil); err != nil || c != 2 {
		t.Fatalf("%d publishers after a rolled-back delete (%v)", c, err)
	}
	if c, err := em.Count[conformance.Book](ctx, orm.EM().Fork(), nil); err != nil || c != 0 {
		t.Fatalf("book table after a hostile value: %d, %v", c, err)
	}
}

// qbValues: the query builder's SET and INSERT refuse, as a flush does,
// values the column cannot hold or could not read back, naming
// Entity.Field, before anything is sent.
func qbValues(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	m := orm.EM().Fork()
	must(t, m.Persist(&conformance.Sample{Case: "row"}))
	must(t, m.Flush(ctx))
	year10000 := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, field string
		qb          *sqlem.QueryBuilder[conformance.Sample]
	}{
		{"insert uint64", "U64", sqlem.QB[conformance.Sample](m, "s").Insert(map[string]any{"case": "x", "u64": uint64(1 << 63)})},
		{"insert time", "Time", sqlem.QB[conformance.Sample](m, "s").Insert(map[string]any{"case": "x", "time": year10000})},
		{"set uint", "U", sqlem.QB[conformance.Sample](m, "s").Set("u", ^uint(0)).All()},
		{"set *time.Time", "PTime", sqlem.QB[conformance.Sample](m, "s").Set("pTime", &year10000).All()},
		{"set sql.NullTime", "NTime", sqlem.QB[conformance.Sample](m, "s").Set("nTime", sql.NullTime{Time: year10000, Valid: true}).All()},
		{"set text", "Str", sqlem.QB[conformance.Sample](m, "s").Set("str", "\xff").All()},
	} {
		_, err := c.qb.Execute(ctx)
		var ce *gomikro.ConstraintError
		if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "Sample" || ce.Field != c.field {
			t.Errorf("%s: %v, want ErrCheckViolation naming Sample.%s", c.name, err, c.field)
		}
	}
	got, err := em.FindOneOrFail[conformance.Sample](ctx, orm.EM().Fork(), query.Eq("case", "row"))
	must(t, err)
	if got.U != 0 || !got.Time.IsZero() || got.PTime != nil || got.NTime.Valid || got.Str != "" {
		t.Fatalf("the row changed: %+v", got)
	}
	if n, err := em.Count[conformance.Sample](ctx, orm.EM().Fork(), nil); err != nil || n != 1 {
		t.Fatalf("%d rows (%v), want 1", n, err)
	}
}

// lockOutsideTx: a locking find outside a transaction (where its lock
// would end with the statement) fails with em.ErrNoTransaction, on the
// core Find and the query builder; inside one it runs.
func lockOutsideTx(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	seed(t, orm, 1)
	m := orm.EM().Fork()
	for _, opt := range []em.FindOption{sqlem.ForUpdate(), sqlem.ForShare(), sqlem.ForUpdateSkipLocked(), sqlem.ForUpdateNoWait()} {
		if _, err := em.Find[conformance.Author](ctx, m, nil, opt); !errors.Is(err, em.ErrNoTransaction) {
			t.Fatalf("a locking find outside a transaction: %v, want em.ErrNoTransaction", err)
		}
	}
	if _, err := sqlem.QB[conformance.Author](m, "a").ForUpdate().GetResult(ctx); !errors.Is(err, em.ErrNoTransaction) {
		t.Fatalf("a locking query builder outside a transaction: %v, want em.ErrNoTransaction", err)
	}
	must(t, m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		if _, err := em.Find[conformance.Author](ctx, tx, nil, sqlem.ForUpdate()); err != nil {
			return err
		}
		_, err := sqlem.QB[conformance.Author](tx, "a").ForUpdate().GetResult(ctx)
		return err
	}))
}

// isolation: the level asked for is the one the transaction runs at, as
// the server reports it inside; a level the dialect cannot give is
// refused before anything is sent.
func isolation(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	seed(t, orm, 1)
	m := orm.EM().Fork()
	if !b.RowLocks {
		// SQLite: one level, SERIALIZABLE.
		var ve *gomikro.ValidationError
		err := m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error { return nil }, em.WithIsolation(em.ReadUncommitted))
		if !errors.As(err, &ve) {
			t.Fatalf("READ UNCOMMITTED on a dialect without it: %v", err)
		}
		must(t, m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
			_, err := em.FindAll[conformance.Author](ctx, tx)
			return err
		}, em.WithIsolation(em.Serializable)))
		return
	}
	isolationEffects(t, b, orm)
	for _, level := range []em.IsolationLevel{em.ReadCommitted, em.RepeatableRead, em.Serializable} {
		if b.IsolationSQL == "" {
			break
		}
		for _, ro := range []bool{false, true} {
			opts := []em.TxOption{em.WithIsolation(level)}
			if ro {
				opts = append(opts, em.ReadOnly())
			}
			must(t, m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
				// A read first: some servers list a transaction once it read.
				if _, err := em.FindAll[conformance.Author](ctx, tx); err != nil {
					return err
				}
				got, err := sqlem.Scalar[string](ctx, sqlem.QB[conformance.Author](tx, "a").SelectRaw("iso", b.IsolationSQL).Limit(1))
				if err != nil {
					return err
				}
				if norm := strings.ToUpper(strings.ReplaceAll(got, "-", " ")); norm != level.String() {
					t.Errorf("inside a %v transaction the server reports %q", level, got)
				}
				return nil
			}, opts...))
		}
	}
	// A savepoint takes its outer transaction's level.
	var ve *gomikro.ValidationError
	err := m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		return tx.Transactional(ctx, func(ctx context.Context, tx2 *sqlem.EntityManager) error { return nil }, em.WithIsolation(em.Serializable))
	})
	if !errors.As(err, &ve) {
		t.Fatalf("an isolation level for a savepoint: %v", err)
	}
}

// isolationEffects checks the levels by what they do: READ COMMITTED sees
// a row another transaction committed meanwhile, REPEATABLE READ does
// not; SERIALIZABLE on InnoDB share-locks what it read.
func isolationEffects(t *testing.T, b Backend, orm *sqlem.ORM) {
	ctx := context.Background()
	p := orm.Dialect().Placeholder
	for _, c := range []struct {
		level em.IsolationLevel
		sees  bool
	}{{em.ReadCommitted, true}, {em.RepeatableRead, false}} {
		m := orm.EM().Fork()
		_, err := m.Execute(ctx, "UPDATE author SET name = "+p(1), "before")
		must(t, err)
		must(t, m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
			if _, err := em.FindAll[conformance.Author](ctx, tx); err != nil {
				return err
			}
			if _, err := orm.EM().Fork().Execute(ctx, "UPDATE author SET name = "+p(1), "after"); err != nil {
				return err
			}
			got, err := em.FindAll[conformance.Author](ctx, tx, em.Refresh())
			if err != nil {
				return err
			}
			if sees := got[0].Name == "after"; sees != c.sees {
				t.Errorf("%v: a row committed meanwhile seen: %v, want %v", c.level, sees, c.sees)
			}
			return nil
		}, em.WithIsolation(c.level)))
	}
	if !b.SerializableLocksReads {
		return
	}
	for _, c := range []struct {
		level  em.IsolationLevel
		locked bool
	}{{em.RepeatableRead, false}, {em.Serializable, true}} {
		m := orm.EM().Fork()
		must(t, m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
			if _, err := em.FindAll[conformance.Author](ctx, tx); err != nil {
				return err
			}
			return orm.EM().Fork().Transactional(ctx, func(ctx context.Context, other *sqlem.EntityManager) error {
				_, err := em.FindAll[conformance.Author](ctx, other, sqlem.ForUpdateNoWait())
				if locked := errors.Is(err, gomikro.ErrLockTimeout); locked != c.locked {
					t.Errorf("%v: rows read are locked: %v (%v), want %v", c.level, locked, err, c.locked)
				}
				return nil
			})
		}, em.WithIsolation(c.level)))
	}
}
