package mongoem_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
	"github.com/gomikro/gomikro/internal/nettest"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
)

// TestFaults injects connection cuts and cancelled contexts into large
// flushes (internal/faults). Without transactions (FerretDB, a standalone
// server) a failed flush is undone by compensating writes, which must
// leave nothing of it.
func TestFaults(t *testing.T) {
	u, err := url.Parse(testdb.Lookup(t, testdb.MongoEnv))
	if err != nil || u.Host == "" {
		t.Fatalf("%s: the fault tests need a mongodb:// URI with one host: %v", testdb.MongoEnv, err)
	}
	faults.Run(t, faults.Backend{
		Name:   "mongodb",
		Target: u.Host,
		// FerretDB on SQLite finds a document by an integer _id by reading
		// the whole collection, so each update (and each count of the
		// checks) costs a scan of every row the run wrote: a small shape
		// keeps the run to minutes.
		Rows:     100,
		Seed:     20,
		Updates:  6,
		Deletes:  3,
		NoCommit: true,
		Open: func(t *testing.T, cfg gomikro.Config, proxyAddr string) (*em.EntityManager, *em.EntityManager) {
			direct := openFresh(t, cfg)
			pu, err := url.Parse(direct.EM().Config().DSN)
			if err != nil {
				t.Fatal(err)
			}
			pu.Host = proxyAddr
			cfg.DSN = pu.String()
			proxied, err := mongoem.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = proxied.Close() })
			if proxied.SupportsTransactions() {
				t.Skip("a server with transactions: the COMMIT faults need a real MongoDB replica set, which this run does not have")
			}
			return direct.EM().EntityManager, proxied.EM().EntityManager
		},
	})
}

// TestFlushReplyLost loses the server's reply to one write of a flush
// without transactions: the write was applied, the client cannot know.
// An insert or update so lost is undone whole (the flush fails and the
// database holds nothing of it); a delete, which cannot be undone, is
// sent again, and the flush completes.
func TestFlushReplyLost(t *testing.T) {
	u, err := url.Parse(testdb.Lookup(t, testdb.MongoEnv))
	if err != nil || u.Host == "" {
		t.Fatalf("%s: the fault tests need a mongodb:// URI with one host: %v", testdb.MongoEnv, err)
	}
	px := nettest.Listen(t, u.Host)
	cfg := gomikro.Config{Entities: []any{faults.Note{}}}
	direct := openFresh(t, cfg)
	pu, err := url.Parse(direct.EM().Config().DSN)
	if err != nil {
		t.Fatal(err)
	}
	pu.Host = px.Addr()
	cfg.DSN = pu.String()
	proxied, err := mongoem.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxied.Close() })
	if proxied.SupportsTransactions() {
		t.Skip("a server with transactions: flushes run in a transaction")
	}
	ctx := context.Background()
	for k, c := range []struct {
		command   string
		committed bool
	}{
		{"insert", false},
		{"update", false},
		{"delete", true},
	} {
		t.Run(c.command, func(t *testing.T) {
			batch := k + 1
			seed := direct.EM().Fork()
			for i := range 10 {
				if err := seed.Persist(&faults.Note{Batch: batch, Body: fmt.Sprint("seed ", i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := seed.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			m := proxied.EM().Fork()
			rows, err := em.Find[faults.Note](ctx, m, query.M{"batch": batch})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range rows[:3] {
				n.Mark = 2
			}
			for _, n := range rows[3:5] {
				if err := m.Remove(n); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 20 {
				if err := m.Persist(&faults.Note{Batch: batch, Mark: 1, Body: fmt.Sprint("new ", i)}); err != nil {
					t.Fatal(err)
				}
			}
			// The command's name is the first key of its document.
			px.Arm(nettest.Trigger{Pattern: []byte("\x02" + c.command + "\x00"), DropReply: true})
			ferr := m.Flush(ctx)
			px.Reset()
			count := func(f query.M) int64 {
				n, err := em.Count[faults.Note](ctx, direct.EM().Fork(), f)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			total, news, upd := count(query.M{"batch": batch}), count(query.M{"batch": batch, "mark": 1}), count(query.M{"batch": batch, "mark": 2})
			if c.committed {
				if ferr != nil || total != 28 || news != 20 || upd != 3 {
					t.Fatalf("Flush answered %v; the database holds %d rows, %d new, %d updated; want nil and 28, 20, 3", ferr, total, news, upd)
				}
				return
			}
			if ferr == nil || errors.Is(ferr, gomikro.ErrCommitUnknown) {
				t.Fatalf("Flush answered %v, want an error saying nothing was written", ferr)
			}
			if total != 10 || news != 0 || upd != 0 {
				t.Fatalf("Flush answered %v, yet the database holds %d rows, %d new, %d updated", ferr, total, news, upd)
			}
		})
	}
}
