package mongoem_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// The model of the Mongo-specific tests: a generated ObjectID key in its
// string form, embedded documents, an m:n array and a compound unique
// index.

type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

type Line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

type Customer struct {
	ID      string `orm:"pk,autoincrement"`
	Name    string
	Country string `orm:"unique=name_country"`
	Region  string `orm:"unique=name_country"`
	Address Address
	Orders  ref.Collection[Order] `orm:"mappedBy=Customer"`
}

type Order struct {
	ID       int64 `orm:"pk"`
	Customer ref.Ref[Customer]
	Lines    []Line
	Total    float64
	Labels   ref.Collection[Label] `orm:"m:n"`
	Version  int                   `orm:"version"`
}

type Label struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"unique"`
}

func openShop(t *testing.T) (*mongoem.ORM, *mongoem.EntityManager) {
	t.Helper()
	orm := openFresh(t, gomikro.Config{Entities: []any{Customer{}, Order{}, Label{}}})
	return orm, orm.EM().Fork()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// seedShop persists two customers with orders and labels.
func seedShop(t *testing.T, ctx context.Context, m *mongoem.EntityManager) (*Customer, *Customer, []*Order) {
	t.Helper()
	rush, gift := &Label{Name: "rush"}, &Label{Name: "gift"}
	ann := &Customer{Name: "Ann", Country: "FR", Region: "IDF", Address: Address{"1 rue A", "Paris"}}
	bob := &Customer{Name: "Bob", Country: "DE", Region: "BE", Address: Address{"2 Strasse B", "Berlin"}}
	orders := []*Order{
		{Customer: ref.To(ann), Lines: []Line{{"a", 1}, {"b", 2}}, Total: 30, Labels: ref.NewCollection(rush, gift)},
		{Customer: ref.To(ann), Lines: []Line{{"c", 1}}, Total: 12.5},
		{Customer: ref.To(bob), Lines: []Line{{"a", 5}}, Total: 50, Labels: ref.NewCollection(gift)},
	}
	for _, o := range orders {
		must(t, m.Persist(o))
	}
	must(t, m.Flush(ctx))
	return ann, bob, orders
}

func TestDocumentShape(t *testing.T) {
	ctx := ctxT(t)
	_, m := openShop(t)
	ann, _, orders := seedShop(t, ctx, m)
	if _, err := bson.ObjectIDFromHex(ann.ID); err != nil {
		t.Fatalf("generated string key %q is not an ObjectID's hex form: %v", ann.ID, err)
	}
	if orders[0].ID == 0 || orders[1].ID != orders[0].ID+1 {
		t.Fatalf("integer keys from the counters collection: %d %d", orders[0].ID, orders[1].ID)
	}
	cust, err := mongoem.CollectionOf[Customer](m)
	must(t, err)
	var raw bson.Raw
	must(t, cust.FindOne(ctx, bson.D{}).Decode(&raw))
	if raw.Lookup("_id").Type != bson.TypeObjectID {
		t.Fatalf("customer _id is %s, want an ObjectID: %s", raw.Lookup("_id").Type, raw)
	}
	if city, ok := raw.Lookup("address", "city").StringValueOK(); !ok || city != "Paris" {
		t.Fatalf("embedded struct is not a sub-document: %s", raw)
	}
	ordColl, err := m.Collection(&Order{})
	must(t, err)
	must(t, ordColl.FindOne(ctx, bson.D{{Key: "_id", Value: orders[0].ID}}).Decode(&raw))
	if id, ok := raw.Lookup("customer_id").ObjectIDOK(); !ok || id.Hex() != ann.ID {
		t.Fatalf("m:1 reference does not store the referenced _id: %s", raw)
	}
	if qty, ok := raw.Lookup("lines", "1", "qty").AsInt64OK(); !ok || qty != 2 {
		t.Fatalf("slice of structs is not an array of sub-documents: %s", raw)
	}
	labels, err := raw.Lookup("labels").Array().Values()
	must(t, err)
	if len(labels) != 2 {
		t.Fatalf("m:n is not an owner-side array of 2 keys: %s", raw)
	}
	if n, _ := m.Database().Collection("order_labels").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Fatal("a pivot collection was written")
	}

	// Round trip, by the string form of the ObjectID key.
	got, err := em.FindOneOrFail[Customer](ctx, m.Fork(), query.Eq("id", ann.ID), em.Populate("Orders.Labels"))
	must(t, err)
	if got.Address != ann.Address || got.Orders.Len() != 2 {
		t.Fatalf("read back %+v with %d orders", got.Address, got.Orders.Len())
	}
	for o := range got.Orders.All() {
		if o.ID == orders[0].ID && (o.Labels.Len() != 2 || !slices.Equal(o.Lines, orders[0].Lines)) {
			t.Fatalf("order read back with %d labels, lines %v", o.Labels.Len(), o.Lines)
		}
	}
	// Filters reach into sub-documents through the JSON property as a whole
	// and through relations (a first query on the related collection).
	byCity, err := em.Find[Order](ctx, m.Fork(), query.Eq("customer.name", "Bob"))
	must(t, err)
	if len(byCity) != 1 || byCity[0].Total != 50 {
		t.Fatalf("relation path filter: %d orders", len(byCity))
	}
	byLabel, err := em.Find[Order](ctx, m.Fork(), query.Eq("labels.name", "gift"), em.OrderBy("total"))
	must(t, err)
	if len(byLabel) != 2 || byLabel[0].Total != 30 || byLabel[1].Total != 50 {
		t.Fatalf("m:n path filter: %d orders", len(byLabel))
	}
}

func TestAggregate(t *testing.T) {
	ctx := ctxT(t)
	_, m := openShop(t)
	ann, _, _ := seedShop(t, ctx, m)

	type total struct {
		Customer bson.ObjectID `bson:"_id"`
		Sum      float64       `bson:"sum"`
	}
	// FerretDB computes only the first accumulator of a $group right: one
	// accumulator per stage.
	pipe := mongoem.Pipeline{
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$customer_id"}, {Key: "sum", Value: bson.D{{Key: "$sum", Value: "$total"}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "sum", Value: -1}}}},
	}
	totals, err := mongoem.AggregateAs[total, Order](ctx, m, pipe)
	must(t, err)
	if len(totals) != 2 || totals[0].Sum != 50 || totals[1].Sum != 42.5 || totals[1].Customer.Hex() != ann.ID {
		t.Fatalf("totals %+v", totals)
	}
	var asMaps []bson.M
	must(t, m.Aggregate(ctx, Order{}, mongoem.Pipeline{{{Key: "$match", Value: bson.D{{Key: "total", Value: bson.D{{Key: "$gt", Value: 20}}}}}}}, &asMaps))
	if len(asMaps) != 2 {
		t.Fatalf("Aggregate into []bson.M: %d results", len(asMaps))
	}

	f := m.Fork()
	big, err := mongoem.AggregateEntities[Order](ctx, f, mongoem.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "total", Value: bson.D{{Key: "$gte", Value: 30}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "total", Value: 1}}}},
	})
	must(t, err)
	if len(big) != 2 || big[0].Total != 30 || big[1].Total != 50 {
		t.Fatalf("AggregateEntities: %d orders", len(big))
	}
	same, err := em.FindOneOrFail[Order](ctx, f, query.Eq("id", big[0].ID))
	must(t, err)
	if same != big[0] {
		t.Fatal("AggregateEntities did not return managed entities")
	}
	big[0].Total = 31
	must(t, f.Flush(ctx))
	check, err := em.FindOneOrFail[Order](ctx, m.Fork(), query.Eq("id", big[0].ID))
	must(t, err)
	if check.Total != 31 || check.Version != 2 {
		t.Fatalf("a change to an aggregated entity was not flushed: total %v version %d", check.Total, check.Version)
	}
	if _, err := mongoem.AggregateEntities[Order](ctx, f, mongoem.Pipeline{{{Key: "$project", Value: bson.D{{Key: "_id", Value: 0}}}}}); err == nil {
		t.Fatal("AggregateEntities accepted results without _id")
	}
}

func TestErrors(t *testing.T) {
	ctx := ctxT(t)
	o, m := openShop(t)
	seedShop(t, ctx, m)

	// Compound unique index: (country, region).
	f := m.Fork()
	keep := &Label{Name: "keep"}
	must(t, f.Persist(keep, &Customer{Name: "Dup", Country: "FR", Region: "IDF"}))
	err := f.Flush(ctx)
	var ce *gomikro.ConstraintError
	if !errors.Is(err, gomikro.ErrUniqueViolation) || !errors.As(err, &ce) || ce.Entity != "Customer" {
		t.Fatalf("duplicate (country, region): %v", err)
	}
	if n, _ := em.Count[Label](ctx, m.Fork(), query.Eq("name", "keep")); n != 0 {
		t.Fatal("the label inserted before the failed insert was not undone")
	}
	if keep.ID != 0 {
		t.Fatal("the key of the failed flush stayed in the object")
	}

	// An update of a document deleted meanwhile is an optimistic-lock
	// failure, and does not bring the document back.
	f = m.Fork()
	orders, err := em.FindAll[Order](ctx, f, em.OrderBy("id"))
	must(t, err)
	coll, _ := f.Collection(Order{})
	_, err = coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: orders[1].ID}})
	must(t, err)
	orders[0].Total, orders[1].Total = 1, 2
	err = f.Flush(ctx)
	var le *gomikro.OptimisticLockError
	if !errors.As(err, &le) || le.PK != orders[1].ID {
		t.Fatalf("update of a deleted document: %v", err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: orders[1].ID}}); n != 0 {
		t.Fatal("the versioned update re-created a deleted document")
	}
	if got, _ := em.FindOneOrFail[Order](ctx, m.Fork(), query.Eq("id", orders[0].ID)); got.Total != 30 || got.Version != 1 {
		t.Fatalf("the other update of the failed flush stayed: total %v version %d", got.Total, got.Version)
	}

	// Relation filters are bounded.
	old := mongoem.MaxRelationKeys
	mongoem.MaxRelationKeys = 1
	t.Cleanup(func() { mongoem.MaxRelationKeys = old })
	if _, err := em.Find[Order](ctx, m.Fork(), query.Like("customer.name", "%")); err == nil {
		t.Fatal("a relation filter over MaxRelationKeys succeeded")
	}
	mongoem.MaxRelationKeys = old

	// Row locks are SQL's.
	if _, err := em.FindAll[Order](ctx, m.Fork(), em.WithLock("update")); err == nil {
		t.Fatal("a lock mode was accepted")
	}

	// Transactions.
	if !o.SupportsTransactions() {
		err := m.Fork().Transactional(ctx, func(ctx context.Context, tx *mongoem.EntityManager) error { return nil })
		if !errors.Is(err, mongoem.ErrNoTransactions) {
			t.Fatalf("Transactional without server transactions: %v", err)
		}
	} else {
		err := m.Fork().Transactional(ctx, func(ctx context.Context, tx *mongoem.EntityManager) error {
			return tx.Transactional(ctx, func(ctx context.Context, inner *mongoem.EntityManager) error { return nil })
		})
		if !errors.Is(err, mongoem.ErrNoSavepoints) {
			t.Fatalf("nested Transactional: %v", err)
		}
	}
}

func TestSchema(t *testing.T) {
	ctx := ctxT(t)
	o, _ := openShop(t)
	var unique []string
	for _, ix := range o.Schema().Indexes() {
		if ix.Unique {
			unique = append(unique, ix.Collection+":"+ix.Name)
		}
	}
	slices.Sort(unique)
	if want := []string{"customer:name_country", "label:uniq_label_name"}; !slices.Equal(unique, want) {
		t.Fatalf("unique indexes %q, want %q", unique, want)
	}
	cur, err := o.Database().Collection("customer").Indexes().List(ctx)
	must(t, err)
	var specs []bson.M
	must(t, cur.All(ctx, &specs))
	found := false
	for _, s := range specs {
		if s["name"] == "name_country" {
			found = true
		}
	}
	if !found {
		t.Fatalf("compound unique index not created: %v", specs)
	}
	must(t, o.Schema().CreateSchema(ctx)) // idempotent
	must(t, o.Schema().DropSchema(ctx))
	names, err := o.Database().ListCollectionNames(ctx, bson.D{})
	must(t, err)
	if len(names) != 0 {
		t.Fatalf("collections left after DropSchema: %q", names)
	}
}

// A flush of more updates than FerretDB answers in one bulkWrite (about
// 100) goes through: the backend splits it there.
func TestLargeFlush(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o, m := openShop(t)
	labels := make([]*Label, 150)
	for i := range labels {
		labels[i] = &Label{Name: "l" + strconv.Itoa(i)}
		must(t, m.Persist(labels[i]))
	}
	must(t, m.Flush(ctx))
	for _, l := range labels {
		l.Name += "!"
	}
	must(t, m.Flush(ctx))
	n, err := em.Count[Label](ctx, o.EM().Fork(), query.Like("name", "%!"))
	must(t, err)
	if n != int64(len(labels)) {
		t.Fatalf("%d of %d labels updated", n, len(labels))
	}
	for _, l := range labels {
		must(t, m.Remove(l))
	}
	must(t, m.Flush(ctx))
	if n, _ := em.Count[Label](ctx, o.EM().Fork(), nil); n != 0 {
		t.Fatalf("%d labels left", n)
	}
}

// Every supported Go type is stored and read back as it was (times at
// MongoDB's millisecond precision, in UTC).
type Kinds struct {
	ID      int64 `orm:"pk"`
	B       bool
	I8      int8
	I16     int16
	I32     int32
	I       int
	U32     uint32
	F32     float32
	F64     float64
	Dec     float64 `orm:"precision=10,scale=2"`
	S       string
	Bytes   []byte
	T       time.Time
	PI      *int
	PS      *string
	PT      *time.Time
	NS      sql.NullString
	NI      sql.NullInt64
	NT      sql.NullTime
	Tags    []string
	Attrs   map[string]any
	Addr    Address
	PAddr   *Address
	Lines   []Line
	Matrix  [][]int
	Nothing map[string]int
}

func TestTypesRoundTrip(t *testing.T) {
	ctx := ctxT(t)
	o := openFresh(t, gomikro.Config{Entities: []any{Kinds{}}})
	at := time.Date(2026, 11, 25, 10, 11, 12, 345_000_000, time.UTC)
	seven, word := 7, "word"
	full := &Kinds{B: true, I8: -8, I16: -16, I32: -32, I: -1 << 40, U32: 1 << 31, F32: 1.5, F64: -2.25, Dec: 12345678.91,
		S: "héllo \x00 wörld", Bytes: []byte{0, 1, 2, 255}, T: at, PI: &seven, PS: &word, PT: &at,
		NS: sql.NullString{String: "ns", Valid: true}, NI: sql.NullInt64{Int64: -5, Valid: true}, NT: sql.NullTime{Time: at, Valid: true},
		Tags: []string{"a", "b"}, Attrs: map[string]any{"n": 1.5, "s": "x", "l": []any{true, nil}},
		Addr: Address{"1 rue A", "Paris"}, PAddr: &Address{"2 B St", "Bath"}, Lines: []Line{{"a", 1}}}
	if !o.IsFerretDB() { // FerretDB refuses nested arrays
		full.Matrix = [][]int{{1, 2}, {3}}
	}
	empty := &Kinds{}
	m := o.EM().Fork()
	must(t, m.Persist(full, empty))
	must(t, m.Flush(ctx))
	for _, want := range []*Kinds{full, empty} {
		got, err := em.FindOneOrFail[Kinds](ctx, o.EM().Fork(), query.Eq("id", want.ID))
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read back\n%+v\nwant\n%+v", *got, *want)
		}
	}
	// Read back and flushed again, nothing changed: nothing is written.
	var writes atomic.Int64
	o2 := openFresh(t, gomikro.Config{Entities: []any{Kinds{}}, Logger: slog.New(opCounter{&writes})})
	m2 := o2.EM().Fork()
	must(t, m2.Persist(&Kinds{S: "x", T: at, Attrs: map[string]any{"k": []any{1.0}}}))
	must(t, m2.Flush(ctx))
	m3 := o2.EM().Fork()
	_, err := em.FindAll[Kinds](ctx, m3)
	must(t, err)
	writes.Store(0)
	must(t, m3.Flush(ctx))
	if n := writes.Load(); n != 0 {
		t.Fatalf("a flush of unchanged entities sent %d operations", n)
	}
	ks, err := em.FindAll[Kinds](ctx, m3)
	must(t, err)
	ks[0].Attrs["k"] = []any{2.0}
	must(t, m3.Flush(ctx))
	if writes.Load() == 0 {
		t.Fatal("a changed JSON value was not written (or the counter counts nothing)")
	}
}

// opCounter counts the operations the query logger records.
type opCounter struct{ n *atomic.Int64 }

func (c opCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c opCounter) Handle(context.Context, slog.Record) error {
	c.n.Add(1)
	return nil
}
func (c opCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c opCounter) WithGroup(string) slog.Handler      { return c }
