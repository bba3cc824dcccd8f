package sqltest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// Crate has formula fields: computed by the database on every read,
// never written.
type Crate struct {
	ID         int64 `orm:"pk"`
	Label      *string
	PriceCents int64
	Qty        int64
	Depot      ref.Ref[Depot] `orm:"nullable"`
	// Total is computed from two columns of the row.
	Total int64 `orm:"formula={alias}.price_cents * {alias}.qty"`
	// Shown has commas in its expression (formula= takes the rest of the tag).
	Shown string `orm:"formula=COALESCE({alias}.label, 'none')"`
}

// Depot owns crates.
type Depot struct {
	ID     int64 `orm:"pk"`
	Name   string
	Crates ref.Collection[Crate] `orm:"mappedBy=Depot"`
	// Stock is a correlated sub-query.
	Stock int64 `orm:"formula=(SELECT COALESCE(SUM(c.qty), 0) FROM crate c WHERE c.depot_id = {alias}.id)"`
}

// DepotValue is a virtual entity: the value held in each depot.
type DepotValue struct {
	Depot  string
	Crates int64
	Value  int64
}

// Expression implements meta.Virtual.
func (DepotValue) Expression() string {
	return "SELECT d.name AS depot, COUNT(c.id) AS crates, COALESCE(SUM(c.price_cents * c.qty), 0) AS value " +
		"FROM depot d LEFT JOIN crate c ON c.depot_id = d.id GROUP BY d.name"
}

func seedCrates(t *testing.T, b Backend) (*sqlem.ORM, []*Crate) {
	t.Helper()
	orm := b.Open(t, gomikro.Config{Entities: []any{Crate{}, Depot{}, DepotValue{}}})
	m := orm.EM().Fork()
	north, south, empty := &Depot{Name: "north"}, &Depot{Name: "south"}, &Depot{Name: "empty"}
	label := "big"
	crates := []*Crate{
		{Label: &label, PriceCents: 250, Qty: 4, Depot: ref.To(north)},
		{PriceCents: 100, Qty: 3, Depot: ref.To(north)},
		{PriceCents: 1000, Qty: 1, Depot: ref.To(south)},
	}
	must(t, m.Persist(north, south, empty))
	for _, c := range crates {
		must(t, m.Persist(c))
	}
	must(t, m.Flush(t.Context()))
	return orm, crates
}

// formulas checks that formula fields are read with finds and query
// builder selects, filter and sort, are never written, and that writing
// one through the query builder is refused.
func formulas(t *testing.T, b Backend) {
	ctx := t.Context()
	orm, crates := seedCrates(t, b)
	if crates[0].Total != 0 {
		t.Fatalf("a formula was read back by the insert: %d", crates[0].Total)
	}
	m := orm.EM().Fork()
	totals := func(cs []*Crate) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.Total)
		}
		return out
	}
	got, err := em.Find[Crate](ctx, m, query.Gt("total", 300), em.OrderBy("-total", "id"))
	must(t, err)
	if !slices.Equal(totals(got), []int64{1000, 1000}) || got[0].Shown != "big" || got[1].Shown != "none" {
		t.Fatalf("crates with total > 300: %v (%q, %q)", totals(got), got[0].Shown, got[1].Shown)
	}
	n, err := em.Count[Crate](ctx, m, query.Lte("total", 300))
	must(t, err)
	if n != 1 {
		t.Fatalf("count of total <= 300: %d", n)
	}

	// An update never writes the formula; a refresh reads it again.
	got[0].Qty = 10
	got[0].Total = 1
	must(t, m.Flush(ctx))
	again, err := em.FindOneOrFail[Crate](ctx, m, query.Eq("id", got[0].ID), em.Refresh())
	must(t, err)
	if again.Total != again.PriceCents*10 {
		t.Fatalf("total after the update: %d", again.Total)
	}

	// A formula of a related entity, in a relation filter and a populate.
	ds, err := em.Find[Depot](ctx, orm.EM().Fork(), query.M{"stock": query.M{"$gt": 0}}, em.OrderBy("-stock"), em.Populate("Crates"))
	must(t, err)
	if len(ds) != 2 || ds[0].Name != "north" || ds[0].Stock != 13 || ds[1].Stock != 1 || len(ds[0].Crates.Items()) != 2 || ds[0].Crates.Items()[0].Total == 0 {
		t.Fatalf("depots by stock: %+v", ds)
	}
	cs, err := em.Find[Crate](ctx, orm.EM().Fork(), query.M{"depot.stock": query.M{"$gt": 5}})
	must(t, err)
	if len(cs) != 2 {
		t.Fatalf("crates of depots with stock > 5: %d", len(cs))
	}

	// The query builder: formulas in where, order and select, qualified
	// by the alias of their entity (the root and a join).
	qm := orm.EM().Fork()
	res, err := sqlem.QB[Crate](qm, "c").JoinAndSelect("c.depot", "d").Where(query.M{"d.stock": query.M{"$gt": 5}}).OrderBy("c.total", "c.id").GetResult(ctx)
	must(t, err)
	if len(res) != 2 || res[0].Total != 300 || res[0].Depot.Get().Stock != 13 {
		t.Fatalf("query builder with formulas: %+v", res)
	}
	type row struct {
		Depot string
		Total int64
	}
	rows, err := sqlem.Scan[row](ctx, sqlem.QB[Crate](qm, "c").Join("c.depot", "d").Select("d.name AS depot", "SUM(c.total) AS total").GroupBy("d.name").OrderBy("d.name"))
	must(t, err)
	if len(rows) != 2 || rows[0] != (row{"north", 300 + 2500}) || rows[1] != (row{"south", 1000}) {
		t.Fatalf("sums of a formula: %+v", rows)
	}
	_, err = sqlem.QB[Crate](qm, "c").Set("total", 5).Where(query.Eq("id", 1)).Execute(ctx)
	if err == nil || !strings.Contains(err.Error(), "Crate.Total") {
		t.Fatalf("setting a formula in a query builder update: %v, want an error naming Crate.Total", err)
	}
	for _, stmt := range orm.Schema().CreateSQL() {
		if strings.Contains(stmt, "total") || strings.Contains(stmt, "stock") {
			t.Fatalf("the schema has a formula column: %s", stmt)
		}
	}
}

// virtualEntities checks that a virtual entity is read through its
// expression with filters, order, paging and counts, is not managed, is
// refused by every write, and has no table in the schema.
func virtualEntities(t *testing.T, b Backend) {
	ctx := t.Context()
	orm, _ := seedCrates(t, b)
	m := orm.EM().Fork()
	all, err := em.Find[DepotValue](ctx, m, nil, em.OrderBy("-value", "depot"))
	must(t, err)
	if len(all) != 3 || *all[0] != (DepotValue{"north", 2, 1300}) || *all[1] != (DepotValue{"south", 1, 1000}) || *all[2] != (DepotValue{"empty", 0, 0}) {
		t.Fatalf("depot values: %+v", all)
	}
	page, n, err := em.FindAndCount[DepotValue](ctx, m, query.Gt("crates", 0), em.OrderBy("depot"), em.Limit(1), em.Offset(1))
	must(t, err)
	if n != 2 || len(page) != 1 || page[0].Depot != "south" {
		t.Fatalf("page 2 of depots with crates: %+v of %d", page, n)
	}
	one, err := em.FindOne[DepotValue](ctx, m, query.Eq("depot", "north"))
	must(t, err)
	if one == nil || one == all[0] || one.Value != 1300 {
		t.Fatalf("FindOne: %+v (a virtual entity is a fresh object each time)", one)
	}
	var streamed []string
	for v, err := range em.Stream[DepotValue](ctx, m, query.Ne("depot", "empty"), em.OrderBy("depot")) {
		must(t, err)
		streamed = append(streamed, v.Depot)
	}
	if !slices.Equal(streamed, []string{"north", "south"}) {
		t.Fatalf("streamed: %v", streamed)
	}
	qb, err := sqlem.QB[DepotValue](m, "v").Where(query.M{"v.value": query.M{"$gte": 1000}}).OrderBy("v.depot").GetResult(ctx)
	must(t, err)
	if len(qb) != 2 || qb[1].Depot != "south" {
		t.Fatalf("query builder on a virtual entity: %+v", qb)
	}
	readOnly := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, gomikro.ErrReadOnly) || !strings.Contains(err.Error(), "DepotValue") {
			t.Fatalf("%s of a virtual entity: %v, want ErrReadOnly naming DepotValue", op, err)
		}
	}
	readOnly("Persist", m.Persist(&DepotValue{Depot: "x"}))
	readOnly("Remove", m.Remove(one))
	_, err = em.Upsert(ctx, m, &DepotValue{Depot: "x"})
	readOnly("Upsert", err)
	_, err = sqlem.QB[DepotValue](m, "v").Delete().All().Execute(ctx)
	readOnly("query builder Delete", err)
	_, err = sqlem.QB[DepotValue](m, "v").Insert(DepotValue{Depot: "x"}).Execute(ctx)
	readOnly("query builder Insert", err)
	one.Value = 5
	must(t, m.Flush(ctx)) // nothing to write: it is not managed
	for _, stmt := range orm.Schema().CreateSQL() {
		if strings.Contains(stmt, "depot_value") {
			t.Fatalf("the schema creates the virtual entity: %s", stmt)
		}
	}
}

// lazyQueryBuilder checks that query-builder selects leave lazy fields
// out (the root's and a joined entity's), and that its Populate loads
// them.
func lazyQueryBuilder(t *testing.T, b Backend) {
	ctx := t.Context()
	orm := b.Open(t, gomikro.Config{Entities: []any{conformance.Biography{}, conformance.Squad{}}})
	m := orm.EM().Fork()
	sq := &conformance.Squad{Name: "red"}
	must(t, m.Persist(sq, &conformance.Biography{Name: "Ann", Text: "long", Photo: []byte{7}, Team: ref.To(sq)}))
	must(t, m.Flush(ctx))

	res, err := sqlem.QB[conformance.Biography](orm.EM().Fork(), "b").Where(query.Eq("b.name", "Ann")).GetResult(ctx)
	must(t, err)
	if len(res) != 1 || res[0].Name != "Ann" || res[0].Text != "" || res[0].Photo != nil {
		t.Fatalf("query builder read lazy fields: %+v", res)
	}
	res, err = sqlem.QB[conformance.Biography](orm.EM().Fork(), "b").Populate("Text").GetResult(ctx)
	must(t, err)
	if len(res) != 1 || res[0].Text != "long" || res[0].Photo != nil {
		t.Fatalf("query builder Populate(Text): %+v", res)
	}
	sqs, err := sqlem.QB[conformance.Squad](orm.EM().Fork(), "s").JoinAndSelect("s.members", "b").GetResult(ctx)
	must(t, err)
	if len(sqs) != 1 || len(sqs[0].Members.Items()) != 1 || sqs[0].Members.Items()[0].Text != "" {
		t.Fatalf("a joined entity's lazy field was read: %+v", sqs)
	}
	type row struct{ Name, Text string }
	rows, err := sqlem.Scan[row](ctx, sqlem.QB[conformance.Biography](orm.EM().Fork(), "b").Select("b.name", "b.text"))
	must(t, err)
	if len(rows) != 1 || rows[0].Text != "long" {
		t.Fatalf("a lazy field selected by name: %+v", rows)
	}
}
