package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// SQLite copies the WAL back into the database file (a checkpoint) in the
// commit that takes the WAL past wal_autocheckpoint pages (1,000 by
// default): that commit writes the pages and waits for two fsyncs before
// it returns, milliseconds where a commit takes tens of microseconds, and
// a writer of a pool keeps its turn (writers) till then, so every writer
// in line waits too. Measured (execution traces, 1,000 single-row saves
// one after another): every save slower than 2 ms (4-16 ms, one in ~500)
// waited in a checkpoint's fsync, 23 ms in all; with 16 writers, 37
// fsyncs in 0.5 s held the turn for 130 ms.
//
// Continuous writes keep SQLite from starting the WAL over after a
// checkpoint that runs beside them (a write transaction started before
// it ended still reads the WAL): the WAL then grows until a commit's own
// checkpoint, at fallbackCheckpointPages, runs with the turn held and
// lets the next writer start it over.
//
// The pool of a database file therefore checkpoints on a goroutine of its
// own: its connections run with a wal_autocheckpoint of
// fallbackCheckpointPages (a bound on the WAL should the goroutine fall
// behind), and every write turn that ends wakes the checkpointer, which
// runs PRAGMA wal_checkpoint(PASSIVE) at most every checkpointEvery. A
// passive checkpoint takes neither the write lock nor a turn: writers and
// readers go on beside it. A DSN that sets wal_autocheckpoint keeps
// SQLite's own checkpoints and gets no checkpointer.

// checkpointEvery is the shortest time between two checkpoints of the
// checkpointer: the writes of that time are copied in one go.
const checkpointEvery = 100 * time.Millisecond

// fallbackCheckpointPages is the WAL size (pages) at which a commit
// checkpoints itself, as SQLite does without the checkpointer.
const fallbackCheckpointPages = 10_000

// checkpointer runs the WAL checkpoints of one database file.
type checkpointer struct {
	db     *sql.DB
	kick   chan struct{} // buffered 1: a write ended
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func newCheckpointer(db *sql.DB) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go c.run()
	return c
}

// wrote tells the checkpointer that a write ended.
func (c *checkpointer) wrote() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTimer(0)
	<-t.C
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.kick:
		}
		// The writes that come in the next checkpointEvery go into the
		// same checkpoint.
		t.Reset(checkpointEvery)
		select {
		case <-c.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		select {
		case <-c.kick: // covered by this checkpoint
		default:
		}
		var busy, log, done int64
		// An error (SQLITE_BUSY: another process checkpoints) leaves the
		// pages to the next checkpoint or to a commit's own.
		_ = c.db.QueryRowContext(c.ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done)
	}
}

// close stops the checkpointer and waits for it.
func (c *checkpointer) close() {
	c.once.Do(func() {
		c.cancel()
		<-c.done
	})
}
