package postgres_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Code has a string column whose type is given (so the client does not
// count its length) and a parent reference.
type Code struct {
	ID     int64  `orm:"pk"`
	Code   string `orm:"length=3,type=varchar(3)"`
	Parent ref.Ref[CodeParent]
}

type CodeParent struct {
	ID   int64 `orm:"pk"`
	Name string
}

// TestBulkInsertRefusesTooLong: a bulk insert (unnest arrays) of a value
// too long for its varchar(n) fails as a one-row insert does, instead of
// storing it cut (an explicit cast to varchar(n) would cut it), and the
// failed flush leaves the objects as they were.
func TestBulkInsertRefusesTooLong(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{Code{}, CodeParent{}}})
	ctx := context.Background()
	m := orm.EM().Fork()
	p := &CodeParent{Name: "p"}
	rows := []*Code{{Code: "abc", Parent: ref.To(p)}, {Code: "abcdef", Parent: ref.To(p)}, {Code: "x", Parent: ref.To(p)}}
	if err := m.Persist(p); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := m.Persist(r); err != nil {
			t.Fatal(err)
		}
	}
	err := m.Flush(ctx)
	var ce *gomikro.ConstraintError
	if !errors.As(err, &ce) {
		t.Fatalf("flush of a value too long for varchar(3): %v, want a ConstraintError", err)
	}
	for _, r := range rows {
		if r.ID != 0 {
			t.Fatalf("a failed flush left key %d in an object", r.ID)
		}
	}
	if p.ID != 0 {
		t.Fatalf("a failed flush left key %d in the parent", p.ID)
	}
	if got, err := em.FindAll[Code](ctx, orm.EM().Fork()); err != nil || len(got) != 0 {
		t.Fatalf("rows stored by a failed flush: %d, %v", len(got), err)
	}
	// Fixed, the same unit of work flushes, keys in insertion order.
	rows[1].Code = "abd"
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || rows[0].ID == 0 || rows[0].ID >= rows[1].ID || rows[1].ID >= rows[2].ID {
		t.Fatalf("keys after the retry: parent %d, rows %d %d %d", p.ID, rows[0].ID, rows[1].ID, rows[2].ID)
	}
	got, err := em.FindAll[Code](ctx, orm.EM().Fork())
	if err != nil || len(got) != 3 {
		t.Fatalf("stored: %d rows, %v", len(got), err)
	}
	for _, g := range got {
		if id, _ := g.Parent.ID().(int64); id != p.ID {
			t.Fatalf("row %d: parent %v, want %d", g.ID, g.Parent.ID(), p.ID)
		}
	}
	// Managed now: a change is an update, nothing else is written.
	rows[2].Code = "yy"
	rows[0].Code = "toolong"
	if err := m.Flush(ctx); err == nil {
		t.Fatal("a bulk update of a value too long for varchar(3) succeeded")
	}
	rows[0].Code = "ok"
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check, err := em.FindOne[Code](ctx, orm.EM().Fork(), query.Eq("id", rows[0].ID))
	if err != nil || check.Code != "ok" {
		t.Fatalf("after the update: %+v, %v", check, err)
	}
}

// Stamped has columns a bulk insert reads back (a generated key, a
// defaulted time) and a version.
type Stamped struct {
	ID        int64 `orm:"pk"`
	Name      string
	CreatedAt time.Time `orm:"default=now"`
	Version   int       `orm:"version"`
}

// Unique has a unique column, for a flush that fails after other
// inserts went through.
type Unique struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"unique"`
}

// TestBulkInsertFailureRestores: a flush whose later insert fails leaves
// every row of the bulk inserts before it as it was (keys, read-back
// defaults, versions, in batches with different read-back columns), and
// the retry inserts them all.
func TestBulkInsertFailureRestores(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{Stamped{}, Unique{}}})
	ctx := context.Background()
	seed := orm.EM().Fork()
	if err := seed.Persist(&Unique{Name: "taken"}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m := orm.EM().Fork()
	set := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	rows := make([]*Stamped, 40)
	for i := range rows {
		rows[i] = &Stamped{Name: "s" + strconv.Itoa(i)}
		switch i % 4 {
		case 1:
			rows[i].CreatedAt = set // written, not read back
		case 2:
			rows[i].Version = 7 // kept
		}
		if err := m.Persist(rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	dups := []*Unique{{Name: "a"}, {Name: "taken"}, {Name: "b"}}
	for _, d := range dups {
		if err := m.Persist(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("flush with a taken name: %v, want ErrUniqueViolation", err)
	}
	for i, r := range rows {
		want := Stamped{Name: r.Name}
		switch i % 4 {
		case 1:
			want.CreatedAt = set
		case 2:
			want.Version = 7
		}
		if *r != want {
			t.Fatalf("row %d after the failed flush: %+v, want %+v", i, *r, want)
		}
	}
	for _, d := range dups {
		if d.ID != 0 {
			t.Fatalf("key %d left by the failed flush", d.ID)
		}
	}
	dups[1].Name = "c"
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, r := range rows {
		wantV := 1
		if i%4 == 2 {
			wantV = 7
		}
		if r.ID == 0 || seen[r.ID] || r.CreatedAt.IsZero() || r.Version != wantV || i%4 == 1 && !r.CreatedAt.Equal(set) {
			t.Fatalf("row %d after the retry: %+v", i, *r)
		}
		seen[r.ID] = true
	}
	// The snapshots are the rows as stored: nothing to write.
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stored, err := em.FindAll[Stamped](ctx, orm.EM().Fork())
	if err != nil || len(stored) != len(rows) {
		t.Fatalf("stored %d rows, %v", len(stored), err)
	}
	byName := map[string]*Stamped{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	for _, st := range stored {
		if r := byName[st.Name]; r == nil || r.ID != st.ID || r.Version != st.Version || !r.CreatedAt.Equal(st.CreatedAt) {
			t.Fatalf("stored %+v, object %+v", *st, r)
		}
	}
	rows[3].Name = "changed"
	if err := m.Flush(ctx); err != nil || rows[3].Version != 2 {
		t.Fatalf("update after the retry: %v, version %d", err, rows[3].Version)
	}
}
