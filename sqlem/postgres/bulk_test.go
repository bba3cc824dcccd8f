package postgres_test

import (
	"context"
	"errors"
	"testing"

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
