package mongoem_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
)

type Deal struct {
	ID     int64 `orm:"pk"`
	Region string
	Amount int64
}

// RegionTotal is a virtual entity computed by an aggregation pipeline;
// its key is the _id of the $group stage.
type RegionTotal struct {
	_      struct{} `orm:"virtual"`
	Region string   `orm:"pk"`
	Total  int64
}

func (RegionTotal) Pipeline() (any, mongoem.Pipeline) {
	return Deal{}, mongoem.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$region"}, {Key: "total", Value: bson.D{{Key: "$sum", Value: "$amount"}}}}}},
	}
}

func TestVirtualPipeline(t *testing.T) {
	ctx := ctxT(t)
	orm := openFresh(t, gomikro.Config{Entities: []any{Deal{}, RegionTotal{}}})
	m := orm.EM().Fork()
	for i, s := range []struct {
		r string
		a int64
	}{{"north", 5}, {"north", 7}, {"south", 3}, {"east", 20}} {
		must(t, m.Persist(&Deal{ID: int64(i + 1), Region: s.r, Amount: s.a}))
	}
	must(t, m.Flush(ctx))

	all, err := em.Find[RegionTotal](ctx, m, nil, em.OrderBy("-total"))
	must(t, err)
	if len(all) != 3 || all[0].Region != "east" || all[0].Total != 20 || all[1].Region != "north" || all[1].Total != 12 || all[2].Total != 3 {
		for _, r := range all {
			t.Logf("%+v", *r)
		}
		t.Fatalf("region totals: %d", len(all))
	}
	page, n, err := em.FindAndCount[RegionTotal](ctx, m, query.Gt("total", 4), em.OrderBy("region"), em.Limit(1), em.Offset(1))
	must(t, err)
	if n != 2 || len(page) != 1 || page[0].Region != "north" {
		t.Fatalf("page 2 of totals > 4: %+v of %d", page, n)
	}
	one, err := em.FindOne[RegionTotal](ctx, m, query.Eq("region", "south"))
	must(t, err)
	if one == nil || one.Total != 3 {
		t.Fatalf("FindOne: %+v", one)
	}
	err = m.Persist(&RegionTotal{Region: "west"})
	if !errors.Is(err, gomikro.ErrReadOnly) || !strings.Contains(err.Error(), "RegionTotal") {
		t.Fatalf("Persist of a virtual entity: %v, want ErrReadOnly naming RegionTotal", err)
	}
	if err := m.Remove(one); !errors.Is(err, gomikro.ErrReadOnly) {
		t.Fatalf("Remove of a virtual entity: %v", err)
	}
	names, err := orm.Database().ListCollectionNames(ctx, bson.D{})
	must(t, err)
	if slices.Contains(names, "region_total") {
		t.Fatalf("the schema created a collection for the virtual entity: %v", names)
	}
}

type Priced struct {
	ID    int64 `orm:"pk"`
	Price int64
	Gross int64 `orm:"formula={alias}.price * 2"`
}

type NoPipeline struct {
	_    struct{} `orm:"virtual"`
	Name string
}

type UntaggedPipeline struct {
	ID   int64 `orm:"pk"`
	Name string
}

func (UntaggedPipeline) Pipeline() (any, mongoem.Pipeline) { return Deal{}, nil }

// TestReadsRefusedAtOpen checks that what MongoDB cannot read is refused
// by Open, naming the entity: formulas (SQL expressions) and virtual
// entities without a pipeline (or a pipeline on a type not marked virtual).
func TestReadsRefusedAtOpen(t *testing.T) {
	for _, c := range []struct {
		name   string
		entity any
		want   []string
	}{
		{"Formula", Priced{}, []string{"Priced.Gross", "formula"}},
		{"VirtualWithoutPipeline", NoPipeline{}, []string{"NoPipeline", "VirtualPipeline"}},
		{"PipelineNotVirtual", UntaggedPipeline{}, []string{"UntaggedPipeline", "virtual"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := gomikro.Config{DSN: testdb.MongoDatabase(t), Entities: []any{Deal{}, c.entity}}
			orm, err := mongoem.Open(context.Background(), cfg)
			if err == nil {
				_ = orm.Close()
				t.Fatalf("Open accepted %T", c.entity)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("Open: %v, want it to name %q", err, w)
				}
			}
		})
	}
}
