package mongoem

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/query"
)

// TestUndoFailsCommitUnknown loses the reply to a flush's update and
// the server with it: the undo cannot run, so the database holds part of
// the flush, and the error must say so (gomikro.ErrCommitUnknown, naming
// what was not undone) instead of claiming nothing was written; the
// EntityManager then refuses to flush again.
func TestUndoFailsCommitUnknown(t *testing.T) {
	defer func(d time.Duration) { undoBound = d }(undoBound)
	undoBound = 2 * time.Second
	dsn := testdb.MongoDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := nettest.Listen(t, u.Host)
	ctx := context.Background()
	cfg := gomikro.Config{DSN: dsn, Entities: []any{faults.Note{}}}
	direct, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = direct.Close() })
	if err := direct.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	u.Host = px.Addr()
	cfg.DSN = u.String()
	proxied, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxied.Close() })
	if proxied.SupportsTransactions() {
		t.Skip("a server with transactions: flushes run in a transaction")
	}
	seed := direct.EM().Fork()
	for i := range 5 {
		if err := seed.Persist(&faults.Note{Batch: 1, Body: fmt.Sprint("seed ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m := proxied.EM().Fork()
	rows, err := em.Find[faults.Note](ctx, m, query.M{"batch": 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rows[:2] {
		n.Mark = 2
	}
	for i := range 10 {
		if err := m.Persist(&faults.Note{Batch: 1, Mark: 1, Body: fmt.Sprint("new ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// The update reaches the server; its reply is lost and the proxy
	// goes away, so nothing can be undone.
	px.Arm(nettest.Trigger{Pattern: []byte("\x02update\x00"), DropReply: true, Then: func() { go px.Close() }})
	ferr := m.Flush(ctx)
	if !errors.Is(ferr, gomikro.ErrCommitUnknown) {
		t.Fatalf("Flush answered %v, want an error matching gomikro.ErrCommitUnknown", ferr)
	}
	if msg := ferr.Error(); !strings.Contains(msg, "update of 2 Note documents") {
		t.Fatalf("the error does not name the update that was not undone: %v", ferr)
	}
	if msg := ferr.Error(); !strings.Contains(msg, "insert of 10 documents into note") {
		t.Fatalf("the error does not name the insert that was not undone: %v", ferr)
	}
	n, err := em.Count[faults.Note](ctx, direct.EM().Fork(), query.M{"batch": 1, "mark": 1})
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Fatalf("the database holds %d of the 10 inserted rows, want all (nothing could be undone)", n)
	}
	if err := m.Flush(ctx); !errors.Is(err, gomikro.ErrCommitUnknown) {
		t.Fatalf("a flush after an unknown outcome answered %v instead of refusing", err)
	}
}
