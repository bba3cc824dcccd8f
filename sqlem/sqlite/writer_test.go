package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// Note is a one-table entity: a flush of one Note is one statement (run
// without a transaction), a flush of a Pad and its Notes two (in a
// transaction).
type Note struct {
	ID   int64 `orm:"pk"`
	Body string
	Pad  ref.Ref[Pad] `orm:"nullable"`
}

type Pad struct {
	ID   int64 `orm:"pk"`
	Name string
}

func openNotes(t *testing.T, dsn string) *sqlem.ORM {
	t.Helper()
	return openFresh(t, gomikro.Config{DSN: dsn, Entities: []any{Note{}, Pad{}}, MaxConns: 8})
}

func countNotes(t *testing.T, orm *sqlem.ORM) int64 {
	t.Helper()
	n, err := em.Count[Note](context.Background(), orm.EM().Fork(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConcurrentFlushes: K goroutines, each with its own unit of work,
// flush single notes (one statement, no transaction), 100 notes (one
// statement) and a pad with 100 notes (a transaction) at once against one
// pool: every flush succeeds (SQLITE_BUSY never surfaces), every row is
// written, every key is read back once.
func TestConcurrentFlushes(t *testing.T) {
	ctx := context.Background()
	for _, k := range []int{1, 4, 16, 32} {
		t.Run("K="+strconv.Itoa(k), func(t *testing.T) {
			orm := openNotes(t, "")
			const rounds = 6
			var (
				mu   sync.Mutex
				keys = map[int64]bool{}
				want int64
				wg   sync.WaitGroup
				errs = make(chan error, k)
			)
			for w := range k {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var mine []*Note
					for r := range rounds {
						m := orm.EM().Fork()
						var batch []*Note
						switch r % 3 {
						case 0:
							batch = []*Note{{Body: fmt.Sprintf("w%d-r%d", w, r)}}
						case 1, 2:
							var pad *Pad
							if r%3 == 2 {
								pad = &Pad{Name: fmt.Sprintf("w%d-r%d", w, r)}
								if err := m.Persist(pad); err != nil {
									errs <- err
									return
								}
							}
							for i := range 100 {
								n := &Note{Body: fmt.Sprintf("w%d-r%d-%d", w, r, i)}
								if pad != nil {
									n.Pad = ref.To(pad)
								}
								batch = append(batch, n)
							}
						}
						for _, n := range batch {
							if err := m.Persist(n); err != nil {
								errs <- err
								return
							}
						}
						if err := m.Flush(ctx); err != nil {
							errs <- fmt.Errorf("worker %d, round %d: %w", w, r, err)
							return
						}
						mine = append(mine, batch...)
					}
					mu.Lock()
					defer mu.Unlock()
					for _, n := range mine {
						if n.ID == 0 || keys[n.ID] {
							errs <- fmt.Errorf("key %d read back twice or not at all", n.ID)
							return
						}
						keys[n.ID] = true
					}
					want += int64(len(mine))
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if got := countNotes(t, orm); got != want {
				t.Fatalf("%d notes stored, %d flushed", got, want)
			}
		})
	}
}

// TestFlushesBesideTransaction: while a user transaction (Transactional
// and Begin) holds the write lock, flushes of other units of work wait
// for it and then succeed, and reads run beside it (WAL); nothing
// deadlocks.
func TestFlushesBesideTransaction(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orm := openNotes(t, "")
	seed := orm.EM().Fork()
	if err := seed.Persist(&Note{Body: "seed"}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	const k = 8
	run := func(t *testing.T, inTx func(ctx context.Context, body func(tx *sqlem.EntityManager) error) error) {
		before := countNotes(t, orm)
		wrote := make(chan struct{})
		release := make(chan struct{})
		txDone := make(chan error, 1)
		go func() {
			txDone <- inTx(ctx, func(tx *sqlem.EntityManager) error {
				for i := range 10 {
					if err := tx.Persist(&Note{Body: "tx" + strconv.Itoa(i)}); err != nil {
						return err
					}
					if err := tx.Flush(ctx); err != nil { // inside the transaction
						return err
					}
				}
				close(wrote)
				<-release
				return nil
			})
		}()
		select {
		case <-wrote:
		case err := <-txDone:
			t.Fatalf("transaction: %v", err)
		}
		// The transaction holds the write lock: a read runs beside it and
		// sees the committed rows only.
		if got := countNotes(t, orm); got != before {
			t.Fatalf("read beside the transaction: %d notes, want %d", got, before)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*k)
		for w := range k {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := orm.EM().Fork()
				if err := m.Persist(&Note{Body: "single" + strconv.Itoa(w)}); err != nil {
					errs <- err
					return
				}
				errs <- m.Flush(ctx)
				pad := &Pad{Name: "p" + strconv.Itoa(w)}
				if err := m.Persist(pad, &Note{Body: "a", Pad: ref.To(pad)}, &Note{Body: "b", Pad: ref.To(pad)}); err != nil {
					errs <- err
					return
				}
				errs <- m.Flush(ctx)
			}()
		}
		time.Sleep(50 * time.Millisecond) // the flushes queue behind the transaction
		close(release)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("flush beside the transaction: %v", err)
			}
		}
		if err := <-txDone; err != nil {
			t.Fatalf("transaction: %v", err)
		}
		if got, want := countNotes(t, orm), before+10+3*k; got != want {
			t.Fatalf("%d notes, want %d", got, want)
		}
	}
	t.Run("Transactional", func(t *testing.T) {
		run(t, func(ctx context.Context, body func(tx *sqlem.EntityManager) error) error {
			return orm.EM().Fork().Transactional(ctx, func(_ context.Context, tx *sqlem.EntityManager) error { return body(tx) })
		})
	})
	t.Run("Begin", func(t *testing.T) {
		run(t, func(ctx context.Context, body func(tx *sqlem.EntityManager) error) error {
			m := orm.EM().Fork()
			if err := m.Begin(ctx); err != nil {
				return err
			}
			if err := body(m); err != nil {
				return errors.Join(err, m.Rollback(ctx))
			}
			return m.Commit(ctx)
		})
	})
}

// TestWaitForWriterCancelled: a flush whose context ends while it waits
// for the write lock held by a transaction reports "not committed" (not
// gomikro.ErrCommitUnknown), leaves the unit of work as it was, and wrote
// nothing; flushed again after the transaction, it commits.
func TestWaitForWriterCancelled(t *testing.T) {
	ctx := context.Background()
	orm := openNotes(t, "")
	holder := orm.EM().Fork()
	if err := holder.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if err := holder.Persist(&Note{Body: "held"}); err != nil {
		t.Fatal(err)
	}
	if err := holder.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	single := orm.EM().Fork()
	if err := single.Persist(&Note{Body: "single"}); err != nil {
		t.Fatal(err)
	}
	multi := orm.EM().Fork()
	pad := &Pad{Name: "p"}
	if err := multi.Persist(pad, &Note{Body: "in pad", Pad: ref.To(pad)}); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*sqlem.EntityManager{"one statement": single, "transaction": multi} {
		wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		err := m.Flush(wctx)
		cancel()
		var we *sqlite.WaitError
		switch {
		case err == nil:
			t.Fatalf("%s: flushed while another transaction held the write lock", name)
		case errors.Is(err, gomikro.ErrCommitUnknown):
			t.Fatalf("%s: %v, want a not-committed error", name, err)
		case !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &we):
			t.Fatalf("%s: %v, want a *sqlite.WaitError with the context's error", name, err)
		}
	}
	if err := holder.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countNotes(t, orm); got != 1 {
		t.Fatalf("%d notes after the cancelled flushes, want 1", got)
	}
	for name, m := range map[string]*sqlem.EntityManager{"one statement": single, "transaction": multi} {
		if err := m.Flush(ctx); err != nil {
			t.Fatalf("%s, flushed again: %v", name, err)
		}
	}
	if got := countNotes(t, orm); got != 3 {
		t.Fatalf("%d notes, want 3", got)
	}
}

// TestWriterInsideOwnTransaction: a flush of another unit of work inside
// a transaction waits for the transaction's own write lock; it does not
// hang: after the busy timeout it goes to SQLite, which answers
// SQLITE_BUSY (a lock timeout), not committed.
func TestWriterInsideOwnTransaction(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn := filepath.Join(t.TempDir(), "test.db") + "?_pragma=busy_timeout(100)"
	orm := openNotes(t, dsn)
	err := orm.EM().Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		if err := tx.Persist(&Note{Body: "tx"}); err != nil {
			return err
		}
		if err := tx.Flush(ctx); err != nil {
			return err
		}
		other := orm.EM().Fork()
		if err := other.Persist(&Note{Body: "other"}); err != nil {
			return err
		}
		err := other.Flush(ctx)
		if err == nil || errors.Is(err, gomikro.ErrCommitUnknown) || !errors.Is(err, gomikro.ErrLockTimeout) {
			t.Errorf("flush beside its own goroutine's transaction: %v, want a lock timeout", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := countNotes(t, orm); got != 1 {
		t.Fatalf("%d notes, want 1", got)
	}
}
