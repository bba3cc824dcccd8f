package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// TestTablePerTypeRefusals: the query builder and Upsert refuse a
// table-per-type subtype (its rows span tables) and work on its base;
// a subtype's table may not be another entity's.
func TestTablePerTypeRefusals(t *testing.T) {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: conformance.TablePerTypeEntities()})
	if err != nil {
		t.Fatal(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	m := orm.EM().Fork()
	if _, err := sqlem.QB[conformance.Bird](m, "b").GetResult(ctx); err == nil || !strings.Contains(err.Error(), "Bird") || !strings.Contains(err.Error(), "table-per-type") {
		t.Fatalf("QB[Bird]: %v", err)
	}
	if _, err := sqlem.QB[conformance.Creature](m, "c").GetResult(ctx); err != nil {
		t.Fatalf("QB[Creature]: %v", err)
	}
	b := &conformance.Bird{Ring: "X"}
	if _, err := em.Upsert(ctx, m, b); err == nil || !strings.Contains(err.Error(), "table-per-type") {
		t.Fatalf("Upsert of a Bird: %v", err)
	}
	// Many rows of each level in one flush.
	var birds []any
	for i := range 30 {
		birds = append(birds, &conformance.Parrot{Bird: conformance.Bird{Ring: "P" + strings.Repeat("x", i)}, Words: i})
	}
	if err := m.Persist(birds...); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := em.Count[conformance.Parrot](ctx, orm.EM().Fork(), nil)
	if err != nil || n != 30 {
		t.Fatalf("Count[Parrot] = %d, %v", n, err)
	}
	ps, err := em.Find[conformance.Parrot](ctx, orm.EM().Fork(), nil, em.OrderBy("words"))
	if err != nil || len(ps) != 30 || ps[29].Words != 29 || ps[29].Ring != "P"+strings.Repeat("x", 29) || ps[29].ID != birds[29].(*conformance.Parrot).ID {
		t.Fatalf("Find[Parrot]: %d, %v", len(ps), err)
	}
}

type Clash struct {
	ID int64 `orm:"pk"`
}

type TPTBase struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
}

type TPTSub struct {
	TPTBase `orm:"extends,tpt"`
	_       struct{} `orm:"table=clash"`
	X       int
}

func TestTablePerTypeTableClash(t *testing.T) {
	_, err := sqlite.Open(context.Background(), gomikro.Config{DSN: ":memory:", Entities: []any{Clash{}, TPTBase{}, TPTSub{}}})
	var me *meta.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), `"clash"`) {
		t.Fatalf("Open: %v", err)
	}
}
