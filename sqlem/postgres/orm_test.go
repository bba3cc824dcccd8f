package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

func TestConnectionChecks(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	ctx := context.Background()
	if !orm.IsConnected(ctx) {
		t.Fatal("IsConnected is false on a live server")
	}
	if st := orm.CheckConnection(ctx); !st.OK || st.Err != nil || st.Reason != "" {
		t.Fatalf("CheckConnection on a live server: %+v", st)
	}
	if err := orm.Close(); err != nil {
		t.Fatal(err)
	}
	if orm.IsConnected(ctx) {
		t.Fatal("IsConnected is true after Close")
	}
	st := orm.CheckConnection(ctx)
	if st.OK || st.Err == nil || st.Reason == "" {
		t.Fatalf("CheckConnection after Close: %+v", st)
	}
}

func TestOpenFailsClearly(t *testing.T) {
	ctx := context.Background()
	_, err := postgres.Open(ctx, gomikro.Config{DSN: "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
		Entities: conformance.Entities(), ConnectTimeout: 3 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("Open on a closed port: %v", err)
	}
	type NoKey struct{ Name string }
	dsn := testdbDSN(t)
	_, err = postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: []any{NoKey{}}})
	var me *meta.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "NoKey") {
		t.Fatalf("Open with an entity without a key: %v", err)
	}
	if _, err := postgres.Open(ctx, gomikro.Config{DSN: "::not a dsn::", Entities: conformance.Entities()}); err == nil {
		t.Fatal("Open accepted a malformed DSN")
	}
	_, err = postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: conformance.Entities(), Subscribers: []any{42}})
	if err == nil || !strings.Contains(err.Error(), "Subscribers[0]") {
		t.Fatalf("Open with a subscriber that implements nothing: %v", err)
	}
}

func testdbDSN(t *testing.T) string {
	t.Helper()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	return orm.DSN()
}

// logRecords opens an ORM logging JSON into a buffer.
func logRecords(t *testing.T, mask bool) (*sqlem.ORM, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities(), Logger: l, MaskParams: mask})
	buf.Reset()
	return orm, &buf
}

func decode(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestQueryLogger(t *testing.T) {
	ctx := context.Background()
	orm, buf := logRecords(t, false)
	m := orm.EM().Fork()
	if err := m.Persist(&conformance.Author{Name: "Log", Email: "secret@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := em.Find[conformance.Author](ctx, m, query.Eq("email", "secret@example.com")); err != nil {
		t.Fatal(err)
	}
	recs := decode(t, buf)
	if len(recs) != 2 {
		t.Fatalf("%d records for one insert and one select: %v", len(recs), recs)
	}
	ins, sel := recs[0], recs[1]
	if ins["msg"] != "gomikro query" || !strings.HasPrefix(ins["sql"].(string), "INSERT INTO") || ins["rows"] != 1.0 {
		t.Fatalf("insert record %v", ins)
	}
	if _, ok := ins["duration"]; !ok {
		t.Fatal("no duration")
	}
	if !strings.Contains(buf.String(), "secret@example.com") {
		t.Fatal("parameters not logged")
	}
	if !strings.HasPrefix(sel["sql"].(string), "SELECT") || sel["rows"] != 1.0 {
		t.Fatalf("select record %v", sel)
	}

	orm2, buf2 := logRecords(t, true)
	m2 := orm2.EM().Fork()
	if _, err := em.Find[conformance.Author](ctx, m2, query.Eq("email", "hidden@example.com")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf2.String(), "hidden@example.com") {
		t.Fatal("MaskParams logged a parameter")
	}
	recs = decode(t, buf2)
	if len(recs) != 1 || recs[0]["params"] != 1.0 {
		t.Fatalf("masked record %v", recs)
	}
}

// TestFlushRoundTrips: a flush of rows of two dependent tables, plus an
// update, is one BEGIN+txid+insert stage and one insert+update stage
// (pipelined), then COMMIT once every result is read; a single insert
// needs no BEGIN/COMMIT at all.
func TestFlushRoundTrips(t *testing.T) {
	ctx := context.Background()
	orm, buf := logRecords(t, false)
	m := orm.EM().Fork()
	a := &conformance.Author{Name: "A", Email: "a@example.com"}
	if err := m.Persist(a); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range decode(t, buf) {
		if s := r["sql"].(string); s == "BEGIN" || s == "COMMIT" {
			t.Fatalf("a single-statement flush sent %s", s)
		}
	}
	buf.Reset()
	a.Name = "A2"
	p := &conformance.Publisher{Name: "P"}
	b := &conformance.Book{Title: "B", Publisher: ref.To(p)}
	b.Author.Set(a)
	if err := m.Persist(b); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var sqls []string
	for _, r := range decode(t, buf) {
		sqls = append(sqls, strings.Fields(r["sql"].(string))[0])
	}
	want := "BEGIN SELECT INSERT INSERT UPDATE COMMIT"
	if got := strings.Join(sqls, " "); got != want {
		t.Fatalf("statements %q, want %q", got, want)
	}
}
