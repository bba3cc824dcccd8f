package sqlite

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for q, want := range map[string]stmtKind{
		"SELECT 1":                           stmtRead,
		"  select * from t":                  stmtRead,
		"/* hint */ SELECT 1":                stmtRead,
		"-- note\nPRAGMA query_only = ON":    stmtRead,
		"EXPLAIN QUERY PLAN SELECT 1":        stmtRead,
		"INSERT INTO t VALUES (1)":           stmtWrite,
		"insert into t values (1) returning": stmtWrite,
		"UPDATE t SET a = 1":                 stmtWrite,
		"DELETE FROM t":                      stmtWrite,
		"WITH x AS (SELECT 1) DELETE FROM t": stmtWrite,
		"CREATE TABLE t (a)":                 stmtWrite,
		"":                                   stmtWrite,
		"BEGIN":                              stmtBegin,
		"BEGIN DEFERRED":                     stmtBegin,
		"BEGIN TRANSACTION":                  stmtBegin,
		"BEGIN IMMEDIATE":                    stmtBeginWrite,
		"begin exclusive transaction":        stmtBeginWrite,
		"COMMIT":                             stmtCommit,
		"END TRANSACTION":                    stmtCommit,
		"ROLLBACK":                           stmtRollback,
		"ROLLBACK TRANSACTION":               stmtRollback,
		"ROLLBACK TO SAVEPOINT gomikro":      stmtOther,
		"ROLLBACK TRANSACTION TO s":          stmtOther,
		"SAVEPOINT s":                        stmtOther,
		"RELEASE SAVEPOINT s":                stmtOther,
	} {
		if got := classify(q); got != want {
			t.Errorf("classify(%q) = %d, want %d", q, got, want)
		}
	}
}

// TestWritersInLine: every waiting writer gets the turn once it is free;
// a wait ends with the context (an error that wraps its error, not
// applied) or, after the busy timeout, without the turn and without an
// error.
func TestWritersInLine(t *testing.T) {
	w := newWriters(time.Minute)
	ctx := context.Background()
	if held, err := w.acquire(ctx); !held || err != nil {
		t.Fatalf("free turn: %v %v", held, err)
	}
	const n = 5
	done := make(chan int, n)
	for i := range n {
		go func() {
			if held, err := w.acquire(ctx); !held || err != nil {
				t.Errorf("writer %d: %v %v", i, held, err)
			}
			done <- i
			w.release()
		}()
	}
	w.release()
	for range n {
		<-done
	}

	if held, err := w.acquire(ctx); !held || err != nil {
		t.Fatal(held, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	held, err := w.acquire(cctx)
	var we *WaitError
	if held || !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v %v", held, err)
	}
	if !(Dialect{}).NotApplied(err) {
		t.Fatal("a cancelled wait must count as not applied")
	}
	w.wait = 10 * time.Millisecond
	if held, err := w.acquire(ctx); held || err != nil {
		t.Fatalf("wait past the busy timeout: %v %v, want false, nil", held, err)
	}
	w.release()
}

// TestCheckpointSettings: the ORM's own file database gets the fallback
// wal_autocheckpoint (its pool checkpoints); a replica, an in-memory
// database and a DSN that sets wal_autocheckpoint itself do not.
func TestCheckpointSettings(t *testing.T) {
	const ours = "wal_autocheckpoint(10000)"
	for _, c := range []struct {
		dsn  string
		main bool
		want bool
	}{
		{"app.db", true, true},
		{"app.db", false, false},
		{":memory:", true, false},
		{"app.db?_pragma=wal_autocheckpoint(500)", true, false},
	} {
		s, _ := connString(c.dsn, c.main)
		if got := strings.Contains(s, ours); got != c.want {
			t.Errorf("connString(%q, %v) = %q: has %s %v, want %v", c.dsn, c.main, s, ours, got, c.want)
		}
		if c.main && !strings.Contains(c.dsn, "memory") && ownCheckpoints(c.dsn) != c.want {
			t.Errorf("ownCheckpoints(%q) = %v, want %v", c.dsn, !c.want, c.want)
		}
	}
}

// TestWritersWokenFirst: a writer that ends its turn and comes straight
// back for the next one lets the writer it woke take the turn first (it
// yields its processor): without that it takes the turn again before the
// woken writer runs, until starveAfter hands the turn over. One processor
// makes the order repeatable (the scheduler's global-queue check every
// 61st turn may still reorder one round).
func TestWritersWokenFirst(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ctx := context.Background()
	woken := 0
	const rounds = 20
	for range rounds {
		w := newWriters(time.Minute)
		if held, err := w.acquire(ctx); !held || err != nil {
			t.Fatalf("free turn: %v %v", held, err)
		}
		var order []string
		done := make(chan struct{})
		go func() {
			defer close(done)
			if held, err := w.acquire(ctx); !held || err != nil {
				t.Errorf("waiter: %v %v", held, err)
				return
			}
			order = append(order, "waiter")
			w.release()
		}()
		for queued := false; !queued; {
			runtime.Gosched()
			w.mu.Lock()
			queued = len(w.queue) == 1
			w.mu.Unlock()
		}
		w.release()
		if held, err := w.acquire(ctx); !held || err != nil {
			t.Fatalf("again: %v %v", held, err)
		}
		order = append(order, "releaser")
		w.release()
		<-done
		if order[0] == "waiter" {
			woken++
		}
	}
	if woken < rounds/2 {
		t.Errorf("the woken writer took the turn first in %d of %d rounds, want most", woken, rounds)
	}
}
