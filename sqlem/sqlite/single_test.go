package sqlite_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

type saveAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

type saveBook struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author ref.Ref[saveAuthor]
}

var forkSink *sqlem.EntityManager

// TestSingleSaveAllocs: the generic single-save path allocates what it
// must and no more: a fork is one allocation, a reference one more (its
// object), and a unit of work that passes one context to each of its
// operations counts them all without a context per operation.
func TestSingleSaveAllocs(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{saveAuthor{}, saveBook{}}})
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { forkSink = orm.EM().Fork() }); n != 1 {
		t.Errorf("Fork: %v allocations, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := em.GetReference[saveAuthor](orm.EM().Fork(), int64(1)); err != nil {
			t.Fatal(err)
		}
	}); n != 2 {
		t.Errorf("Fork and GetReference: %v allocations, want 2", n)
	}
	m := orm.EM().Fork()
	a := &saveAuthor{Name: "Ann"}
	if err := m.Persist(a); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Another context, then the first again: each counted.
	other, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := m.Persist(&saveBook{Title: "Go", Author: ref.To(a)}); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(other); err != nil {
		t.Fatal(err)
	}
	if _, err := em.Find[saveBook](ctx, m, nil); err != nil {
		t.Fatal(err)
	}
	if got := m.QueryCount(); got != 3 {
		t.Errorf("QueryCount %d, want 3", got)
	}
	if a.ID == 0 {
		t.Error("the generated key was not read back")
	}
}
