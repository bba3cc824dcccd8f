package sqlite

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"
)

// writers is the line of one database's writers: a lock that a context
// can leave.
//
// When the writer in turn is done, the lock is freed and the first writer
// in line woken, but a writer that comes meanwhile may take it first (the
// woken one stays first in line). Handing the lock over in strict order
// makes every writer wait until the woken goroutine gets a processor, and
// once a stall (the holder's thread descheduled) has lined writers up,
// the line never drains: every later write waits behind it (a lock
// convoy; measured, it made four times as many single-row saves wait a
// millisecond or more). A writer that has waited longer than starveAfter
// is handed the lock directly, which bounds the wait.
type writers struct {
	// wait is how long a writer waits for its turn before it goes on to
	// SQLite's own lock (the busy timeout).
	wait time.Duration

	// ckpt, when not nil, is told of every turn that ends.
	ckpt *checkpointer

	mu    sync.Mutex
	held  bool
	queue []*waiter // in arrival order
}

// waiter is a writer in line.
type waiter struct {
	wake    chan struct{} // buffered 1: the lock was freed or handed over
	since   time.Time
	granted bool // handed over: the waiter holds the lock
}

// starveAfter is how long the first writer in line waits before the lock
// is handed to it rather than freed for whoever comes first. SQLite's own
// busy handler lets a writer wait up to the busy timeout (seconds) behind
// luckier ones. 1 ms, as sync.Mutex's starvation mode: against 50 ms it
// kept the throughput (benchmarks conc-single and conc-batch, K = 2, 8, 16,
// two interleaved rounds) and halved the single saves' p99 (K = 16: 4.7 ms
// against 18 ms; the 100-book saves' 0.10-0.15x the hand-written code's).
const starveAfter = 1 * time.Millisecond

func newWriters(wait time.Duration) *writers {
	return &writers{wait: wait}
}

// acquire waits for the turn to write. It reports false with a nil error
// when the wait outlasted w.wait (the caller writes without the turn and
// SQLite's lock decides), and false with a *WaitError when ctx ended
// first.
func (w *writers) acquire(ctx context.Context) (bool, error) {
	w.mu.Lock()
	if !w.held {
		w.held = true
		w.mu.Unlock()
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		w.mu.Unlock()
		return false, &WaitError{Err: err}
	}
	me := &waiter{wake: make(chan struct{}, 1), since: time.Now()}
	w.queue = append(w.queue, me)
	w.mu.Unlock()
	t := time.NewTimer(w.wait)
	defer t.Stop()
	for {
		select {
		case <-me.wake:
			w.mu.Lock()
			if me.granted {
				w.mu.Unlock()
				return true, nil
			}
			if !w.held {
				w.held = true
				w.leave(me)
				w.mu.Unlock()
				return true, nil
			}
			w.mu.Unlock() // taken by a newcomer: wait on, first in line
		case <-ctx.Done():
			w.give(me)
			return false, &WaitError{Err: ctx.Err()}
		case <-t.C:
			w.give(me)
			return false, nil
		}
	}
}

// give leaves the line; a lock handed over meanwhile goes on to the next.
func (w *writers) give(me *waiter) {
	w.mu.Lock()
	if me.granted {
		w.mu.Unlock()
		w.release()
		return
	}
	w.leave(me)
	if !w.held && len(w.queue) > 0 {
		// The lock was freed and me woken for it: wake the next instead.
		signal(w.queue[0])
	}
	w.mu.Unlock()
}

// leave removes me from the line (w.mu held).
func (w *writers) leave(me *waiter) {
	if i := slices.Index(w.queue, me); i >= 0 {
		w.queue = slices.Delete(w.queue, i, i+1)
	}
}

func signal(x *waiter) {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// release ends the turn.
func (w *writers) release() {
	if w.ckpt != nil {
		w.ckpt.wrote()
	}
	w.mu.Lock()
	if len(w.queue) == 0 {
		w.held = false
		w.mu.Unlock()
		return
	}
	first := w.queue[0]
	if time.Since(first.since) < starveAfter {
		w.held = false
	} else {
		w.queue = slices.Delete(w.queue, 0, 1)
		first.granted = true
	}
	signal(first)
	w.mu.Unlock()
	// The woken writer is made ready on this goroutine's processor, to
	// run when this goroutine blocks; but a writer that ended its turn
	// rarely blocks before it comes for the next one (SQLite runs in Go:
	// no I/O wait), so it took the lock again before the woken one ran,
	// time after time, until starveAfter handed the lock over: a writer
	// that waited at all waited a millisecond or more. Measured, single-row
	// saves, 0.7 s, two runs each on a loaded machine: K = 2, 6 % of the
	// saves waited, 93 % of those longer than 0.5 ms (p50 1.07 ms), the
	// saves' p99 4x the hand-written code's; K = 4, 30 % of the saves
	// waited longer than 0.5 ms. Yielding runs the woken writer now: K = 2,
	// waits p50 75 µs, 0.4-0.8 % of the saves waited longer than 0.5 ms;
	// K = 4, 3-7 %.
	runtime.Gosched()
}
