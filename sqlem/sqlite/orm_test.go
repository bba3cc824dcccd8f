package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// TestInMemory: ":memory:" is one database shared by
// every EntityManager of the ORM, transactions included.
func TestInMemory(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{":memory:", "file::memory:"} {
		orm := openFresh(t, gomikro.Config{DSN: dsn, Entities: conformance.Entities()})
		if st := orm.CheckConnection(ctx); !st.OK {
			t.Fatal(st.Reason)
		}
		err := orm.EM().Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
			return tx.Persist(&conformance.Publisher{Name: "Mem"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := em.Count[conformance.Publisher](ctx, orm.EM().Fork(), nil); err != nil || n != 1 {
			t.Fatalf("%q: %d publishers, %v", dsn, n, err)
		}
	}
}

// TestOpenFailsClearly: a database that cannot be opened is an error of
// Open naming the DSN.
func TestOpenFailsClearly(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	_, err := sqlite.Open(context.Background(), gomikro.Config{DSN: dsn, Entities: conformance.Entities()})
	if err == nil || !strings.Contains(err.Error(), dsn) {
		t.Fatalf("Open(%q): %v", dsn, err)
	}
}

type Event struct {
	ID int64 `orm:"pk"`
	At time.Time
}

// TestTimesCompareAcrossZones: times are stored as UTC text, so filters
// compare instants, whatever zone the values were in.
func TestTimesCompareAcrossZones(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: []any{Event{}}})
	m := orm.EM().Fork()
	east := time.FixedZone("east", 9*3600)
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	early := &Event{At: base.In(east)}             // 21:00 in its zone
	late := &Event{At: base.Add(90 * time.Minute)} // 13:30 UTC
	if err := m.Persist(early, late); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := em.Find[Event](ctx, orm.EM().Fork(), query.Gt("at", base.Add(time.Hour).In(east)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != late.ID {
		t.Fatalf("after 13:00 UTC: %v", got)
	}
	if !got[0].At.Equal(late.At) {
		t.Fatalf("read back %v, want %v", got[0].At, late.At)
	}
}

// TestRegexpUsesGoSyntax: $re runs Go's regexp inside SQLite.
func TestRegexpUsesGoSyntax(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	m := orm.EM().Fork()
	if err := m.Persist(&conformance.Publisher{Name: "Penguin 42"}, &conformance.Publisher{Name: "penguin"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := em.Find[conformance.Publisher](ctx, orm.EM().Fork(), query.Re("name", `^P\w+ \d+$`))
	if err != nil || len(got) != 1 || got[0].Name != "Penguin 42" {
		t.Fatalf("$re: %v, %v", got, err)
	}
}

// TestRequiresNewRefused: SQLite has one writer at a time, so an
// independent transaction beside a running one is refused at once (it
// would wait for the other's write lock until busy_timeout).
func TestRequiresNewRefused(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: conformance.Entities()})
	m := orm.EM().Fork()
	err := m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		return tx.Transactional(ctx, func(ctx context.Context, tx2 *sqlem.EntityManager) error { return nil },
			em.WithPropagation(em.PropagationRequiresNew))
	})
	if err == nil || !strings.Contains(err.Error(), "one writer") {
		t.Fatalf("REQUIRES_NEW inside a transaction on SQLite: %v", err)
	}
	// Outside a transaction it is an ordinary one.
	if err := m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		return tx.Persist(&conformance.Author{Name: "n", Email: "n@example.com"})
	}, em.WithPropagation(em.PropagationRequiresNew)); err != nil {
		t.Fatal(err)
	}
}
