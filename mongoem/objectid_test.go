package mongoem_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Keys of type bson.ObjectID: generated at insert when zero, stored as
// native ObjectIDs in _id and in references, and accepted in their hex
// form wherever a key is given.

type Store struct {
	ID    bson.ObjectID `orm:"pk,autoincrement"`
	Name  string
	Sales ref.Collection[Sale] `orm:"mappedBy=Store"`
}

type Sale struct {
	ID     bson.ObjectID `orm:"pk,autoincrement"`
	Store  ref.Ref[Store]
	Amount int
	Batch  bson.ObjectID // a plain column of the same type
}

func TestObjectIDKeys(t *testing.T) {
	ctx := ctxT(t)
	orm := openFresh(t, gomikro.Config{Entities: []any{Store{}, Sale{}}})
	m := orm.EM().Fork()
	batch := bson.NewObjectID()
	paris := &Store{Name: "Paris"}
	lyon := &Store{Name: "Lyon"}
	given := bson.NewObjectID()
	sales := []*Sale{
		{Store: ref.To(paris), Amount: 10, Batch: batch},
		{Store: ref.To(paris), Amount: 20},
		{ID: given, Store: ref.To(lyon), Amount: 30, Batch: batch},
	}
	for _, s := range sales {
		must(t, m.Persist(s))
	}
	must(t, m.Flush(ctx))
	if paris.ID.IsZero() || lyon.ID.IsZero() || sales[0].ID.IsZero() || sales[0].ID == sales[1].ID {
		t.Fatalf("generated keys: %v %v %v %v", paris.ID, lyon.ID, sales[0].ID, sales[1].ID)
	}
	if sales[2].ID != given {
		t.Fatalf("a key given by the caller was replaced: %v, want %v", sales[2].ID, given)
	}

	// The documents hold native ObjectIDs.
	coll, err := mongoem.CollectionOf[Sale](m)
	must(t, err)
	var raw bson.Raw
	must(t, coll.FindOne(ctx, bson.D{{Key: "_id", Value: given}}).Decode(&raw))
	if id, ok := raw.Lookup("store_id").ObjectIDOK(); !ok || id != lyon.ID {
		t.Fatalf("the reference is not the store's ObjectID: %s", raw)
	}
	if b, ok := raw.Lookup("batch").ObjectIDOK(); !ok || b != batch {
		t.Fatalf("an ObjectID column is not stored as an ObjectID: %s", raw)
	}

	// Find by the ObjectID and by its hex form; GetReference by either
	// gives the managed object; populate in both directions.
	f := orm.EM().Fork()
	p, err := em.FindOneOrFail[Store](ctx, f, query.Eq("id", paris.ID.Hex()), em.Populate("Sales"))
	must(t, err)
	if p.Name != "Paris" || p.Sales.Len() != 2 {
		t.Fatalf("Paris with %d sales", p.Sales.Len())
	}
	for _, id := range []any{paris.ID, paris.ID.Hex()} {
		r, err := em.GetReference[Store](f, id)
		must(t, err)
		if r != p {
			t.Fatalf("GetReference(%v) is not the managed object", id)
		}
	}
	got, err := em.Find[Sale](ctx, f, query.M{"store": lyon.ID.Hex(), "batch": batch}, em.Populate("Store"))
	must(t, err)
	if len(got) != 1 || got[0].ID != given || got[0].Store.Get().Name != "Lyon" {
		t.Fatalf("sales of Lyon in batch: %+v", got)
	}
	if n, err := em.Count[Sale](ctx, f, query.In("id", sales[0].ID, sales[1].ID.Hex())); err != nil || n != 2 {
		t.Fatalf("$in by ObjectID and hex: %d, %v", n, err)
	}
	if _, err := em.Find[Sale](ctx, f, query.Eq("batch", "not-hex")); err == nil {
		t.Fatal("a malformed hex ObjectID was accepted in a filter")
	}

	// Updates of ObjectID columns and references.
	got[0].Batch = bson.ObjectID{}
	got[0].Store = ref.To(p)
	must(t, f.Flush(ctx))
	again, err := em.FindOneOrFail[Sale](ctx, orm.EM().Fork(), query.Eq("id", given))
	must(t, err)
	if !again.Batch.IsZero() {
		t.Fatalf("batch after the update: %v", again.Batch)
	}
	if s, err := again.Store.Load(ctx); err != nil || s.ID != paris.ID {
		t.Fatalf("store after the update: %v, %v", s, err)
	}

	// Removal.
	must(t, f.Remove(got[0]))
	must(t, f.Flush(ctx))
	if n, err := em.Count[Sale](ctx, orm.EM().Fork(), nil); err != nil || n != 2 {
		t.Fatalf("sales left: %d, %v", n, err)
	}
}
