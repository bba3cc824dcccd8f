package mongoem_test

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
)

// TestAggregateFilters: the active filters (soft delete, a tenant filter)
// come first in an aggregation pipeline, as a $match stage, and follow the
// EntityManager's switches.
func TestAggregateFilters(t *testing.T) {
	ctx := ctxT(t)
	tenant := gomikro.Filter{
		Name:   "tenant",
		Params: []string{"tenant"},
		Cond: func(e *meta.Entity, p gomikro.FilterParams) (query.Filter, error) {
			return query.Eq("tenant", p["tenant"]), nil
		},
		Entities: []any{conformance.Doc{}},
	}
	orm := openFresh(t, gomikro.Config{Entities: []any{conformance.Folder{}, conformance.Doc{}, conformance.Marker{}}, Filters: []gomikro.Filter{tenant}})
	m := orm.EM().Fork()
	docs := []*conformance.Doc{{Tenant: "a", Title: "a1"}, {Tenant: "a", Title: "a2"}, {Tenant: "b", Title: "b1"}}
	for _, d := range docs {
		must(t, m.Persist(d))
	}
	must(t, m.Flush(ctx))
	must(t, m.Remove(docs[1]))
	must(t, m.Flush(ctx))

	sortByTitle := mongoem.Pipeline{{{Key: "$sort", Value: bson.D{{Key: "title", Value: 1}}}}}
	f := orm.EM().Fork()
	got, err := mongoem.AggregateEntities[conformance.Doc](ctx, f, sortByTitle)
	must(t, err)
	if len(got) != 2 || got[0].Title != "a1" || got[1].Title != "b1" {
		t.Fatalf("AggregateEntities without the soft-deleted one: %d", len(got))
	}
	if f.QueryCount() != 1 {
		t.Fatalf("QueryCount after AggregateEntities: %d", f.QueryCount())
	}
	var raw []bson.M
	must(t, f.Aggregate(ctx, conformance.Doc{}, bson.A{bson.D{{Key: "$sort", Value: bson.D{{Key: "title", Value: 1}}}}}, &raw))
	if len(raw) != 2 {
		t.Fatalf("Aggregate: %d documents", len(raw))
	}
	must(t, f.EnableFilter("tenant", gomikro.FilterParams{"tenant": "a"}))
	got, err = mongoem.AggregateEntities[conformance.Doc](ctx, f, sortByTitle)
	must(t, err)
	if len(got) != 1 || got[0].Title != "a1" {
		t.Fatalf("AggregateEntities for tenant a: %d", len(got))
	}
	must(t, f.DisableFilter(gomikro.SoftDeleteFilter))
	out, err := mongoem.AggregateAs[bson.M, conformance.Doc](ctx, f, sortByTitle)
	must(t, err)
	if len(out) != 2 {
		t.Fatalf("AggregateAs for tenant a with deleted: %d", len(out))
	}
	x := orm.EM().Fork()
	must(t, x.EnableFilter("tenant", nil))
	if _, err := mongoem.AggregateAs[bson.M, conformance.Doc](ctx, x, sortByTitle); err == nil {
		t.Fatal("a missing filter parameter was not refused")
	}
	if _, err := mongoem.AggregateAs[bson.M, conformance.Doc](ctx, f, bson.D{{Key: "$sort", Value: 1}}); err == nil || !strings.Contains(err.Error(), "list of stages") {
		t.Fatal("a pipeline that is not a list was accepted with filters active")
	}
}
