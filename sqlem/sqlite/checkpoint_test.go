package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// TestBackgroundCheckpoint: the writes of a flush are copied from the WAL
// into the database file by the pool's checkpointer soon after the flush,
// although the WAL is far below the size at which a commit checkpoints
// itself; the rows are all there after the pool closes and opens again.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "ckpt.db")
	orm := openNotes(t, dsn)
	size := func() int64 {
		fi, err := os.Stat(dsn)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// The schema's pages reach the file first.
	deadline := time.Now().Add(10 * time.Second)
	before := size()
	for before < 3*4096 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		before = size()
	}
	m := orm.EM().Fork()
	const n = 2000
	for i := range n {
		if err := m.Persist(&Note{Body: "a note long enough to fill pages " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes: the flush's pages were not checkpointed", before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := orm.Close(); err != nil {
		t.Fatal(err)
	}
	if err := orm.Close(); err != nil { // a second Close does not wait forever
		t.Log(err)
	}
	again, err := sqlite.Open(ctx, gomikro.Config{DSN: dsn, Entities: []any{Note{}, Pad{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, err := em.Count[Note](ctx, again.EM().Fork(), nil); err != nil || got != n {
		t.Fatalf("%d notes after reopening (%v), want %d", got, err, n)
	}
}
