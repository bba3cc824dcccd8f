package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/repo"
)

var upserts = []Scenario{
	scenario(UpsertInsertsAndReadsBack),
	scenario(UpsertUpdatesOnUniqueKey),
	scenario(UpsertByPrimaryKey),
	scenario(UpsertMergesIntoManaged),
	scenario(UpsertMergeOptions),
	scenario(UpsertManyThousand),
	scenario(UpsertBadOptions),
	scenario(UpsertHooksAndVersion),
	scenario(UpsertInTransaction),
}

// UpsertInsertsAndReadsBack checks the insert path: the generated key and
// the database default come back, the entity is managed, and a later
// change flushes as an UPDATE of that row.
func UpsertInsertsAndReadsBack(t *testing.T, h *Harness) {
	m := h.EM()
	a, err := em.Upsert(h.Ctx, m, &Author{Name: "Ann", Email: "ann@example.com"})
	must(t, err)
	if a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("after the upsert: ID %d, CreatedAt %v; want both read back", a.ID, a.CreatedAt)
	}
	if !m.Contains(a) {
		t.Fatal("the upserted entity is not managed")
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if n := h.Count() - before; n != 0 {
		t.Fatalf("a flush with no change after the upsert sent %d statements", n)
	}
	a.Name = "Ann 2"
	must(t, m.Flush(h.Ctx))
	got, err := em.FindAll[Author](h.Ctx, h.EM())
	must(t, err)
	if len(got) != 1 || got[0].ID != a.ID || got[0].Name != "Ann 2" {
		t.Fatalf("after changing the upserted entity: %+v, want one row %d named Ann 2", got, a.ID)
	}
}

// UpsertUpdatesOnUniqueKey checks the update path through the only unique
// key: the row keeps its key and the default it was created with.
func UpsertUpdatesOnUniqueKey(t *testing.T, h *Harness) {
	seed := h.EM()
	old := &Author{Name: "Old", Email: "u@example.com", Age: ptr(30)}
	must(t, seed.Persist(old))
	must(t, seed.Flush(h.Ctx))
	stored, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("ID", old.ID))
	must(t, err)

	m := h.EM()
	a, err := repo.Of[Author](m).Upsert(h.Ctx, &Author{Name: "New", Email: "u@example.com"})
	must(t, err)
	if a.ID != old.ID || a.Name != "New" || a.Age != nil {
		t.Fatalf("upserted %+v; want ID %d, Name New, Age nil (merged)", a, old.ID)
	}
	if !a.CreatedAt.Equal(stored.CreatedAt) {
		t.Fatalf("CreatedAt %v, want the row's own %v (a default is not overwritten)", a.CreatedAt, stored.CreatedAt)
	}
	if n := authorCount(t, h); n != 1 {
		t.Fatalf("%d authors, want 1", n)
	}
	// A key differing in case: one row or two, as the collation decides,
	// and the entity returned holds the row.
	c, err := em.Upsert(h.Ctx, h.EM(), &Author{Name: "Case", Email: "U@example.com"})
	must(t, err)
	if c.ID == 0 || c.Name != "Case" {
		t.Fatalf("upsert of a key differing in case: %+v", c)
	}
}

// UpsertByPrimaryKey checks upserts matched by primary key: a composite
// key of plain columns and a key with a reference to another row.
func UpsertByPrimaryKey(t *testing.T, h *Harness) {
	m := h.EM()
	e1, err := em.Upsert(h.Ctx, m, &Edition{ISBN: "978-1", Printing: 1, Copies: 100})
	must(t, err)
	e2, err := em.Upsert(h.Ctx, m, &Edition{ISBN: "978-1", Printing: 1, Copies: 250})
	must(t, err)
	if e1 != e2 || e1.Copies != 250 {
		t.Fatalf("the second upsert of one key returned %p (Copies %d), want the managed %p with 250", e2, e2.Copies, e1)
	}
	got, err := em.FindAll[Edition](h.Ctx, h.EM())
	must(t, err)
	if len(got) != 1 || got[0].Copies != 250 {
		t.Fatalf("editions %+v", got)
	}

	seed := h.EM()
	a := &Author{Name: "A", Email: "a@example.com"}
	b := &Book{Title: "T", Author: ref.To(a)}
	must(t, seed.Persist(b))
	must(t, seed.Flush(h.Ctx))
	m2 := h.EM()
	up, err := em.Upsert(h.Ctx, m2, &Book{ID: b.ID, Title: "T2", Price: 9.5, Author: ref.FromID[Author](a.ID)})
	must(t, err)
	if up.Title != "T2" || up.Author.ID() != a.ID || up.Version != 2 {
		t.Fatalf("upserted book %+v (version %d), want title T2, author %d, version 2", up, up.Version, a.ID)
	}
	loaded, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("ID", b.ID))
	must(t, err)
	if loaded.Title != "T2" || loaded.Price != 9.5 || loaded.Version != 2 {
		t.Fatalf("stored book %+v", loaded)
	}
}

// UpsertMergesIntoManaged checks that an upsert of a row the
// EntityManager manages updates and returns that object (one object per
// row).
func UpsertMergesIntoManaged(t *testing.T, h *Harness) {
	seed := h.EM()
	must(t, seed.Persist(&Author{Name: "M", Email: "m@example.com"}))
	must(t, seed.Flush(h.Ctx))
	m := h.EM()
	managed, err := em.FindOneOrFail[Author](h.Ctx, m, query.Eq("Email", "m@example.com"))
	must(t, err)
	n := m.Len()
	in := &Author{Name: "Merged", Email: "m@example.com"}
	got, err := em.Upsert(h.Ctx, m, in)
	must(t, err)
	if got != managed || managed.Name != "Merged" || m.Len() != n {
		t.Fatalf("upsert returned %p (managed %p), name %q, identity map %d (was %d)", got, managed, managed.Name, m.Len(), n)
	}
	if in.ID != managed.ID {
		t.Fatalf("the given object has ID %d, want the row's %d", in.ID, managed.ID)
	}
	managed.Active = true
	must(t, m.Flush(h.Ctx))
	again, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("ID", managed.ID))
	must(t, err)
	if !again.Active || again.Name != "Merged" {
		t.Fatalf("stored %+v", again)
	}
}

// UpsertMergeOptions checks MergeFields, ExcludeFields and
// IgnoreConflict.
func UpsertMergeOptions(t *testing.T, h *Harness) {
	seed := h.EM()
	must(t, seed.Persist(&Author{Name: "Orig", Email: "o@example.com", Age: ptr(40), Active: true}))
	must(t, seed.Flush(h.Ctx))
	load := func() *Author {
		a, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("Email", "o@example.com"))
		must(t, err)
		return a
	}
	_, err := em.Upsert(h.Ctx, h.EM(), &Author{Name: "Only name", Email: "o@example.com"}, em.MergeFields("Name"))
	must(t, err)
	if a := load(); a.Name != "Only name" || a.Age == nil || *a.Age != 40 || !a.Active {
		t.Fatalf("MergeFields(Name) wrote %+v", a)
	}
	_, err = em.Upsert(h.Ctx, h.EM(), &Author{Name: "Excluded", Email: "o@example.com", Age: ptr(41), Active: true}, em.ExcludeFields("Name"))
	must(t, err)
	if a := load(); a.Name != "Only name" || a.Age == nil || *a.Age != 41 {
		t.Fatalf("ExcludeFields(Name) wrote %+v", a)
	}
	kept, err := em.Upsert(h.Ctx, h.EM(), &Author{Name: "Ignored", Email: "o@example.com"}, em.IgnoreConflict())
	must(t, err)
	if kept.Name != "Only name" || kept.Age == nil || *kept.Age != 41 {
		t.Fatalf("IgnoreConflict returned %+v, want the row as it was", kept)
	}
	fresh, err := em.Upsert(h.Ctx, h.EM(), &Author{Name: "Fresh", Email: "f@example.com"}, em.IgnoreConflict())
	must(t, err)
	if fresh.ID == 0 || fresh.Name != "Fresh" {
		t.Fatalf("IgnoreConflict without a conflict returned %+v", fresh)
	}
}

// UpsertManyThousand checks a batched UpsertMany of 1,000 entities, half
// of them rows that exist: every entity comes back managed with its key,
// in few statements.
func UpsertManyThousand(t *testing.T, h *Harness) {
	n := 1000
	if strings.Contains(h.Backend, "FerretDB") {
		// FerretDB runs each upserting update of a bulkWrite as a scan of
		// the collection (tens of milliseconds each): 1,000 take a minute
		// or more on a loaded machine. The batching is the same.
		n = 200
	}
	seed := h.EM()
	ids := map[string]int64{}
	var existing []*Author
	for i := range n / 2 {
		a := &Author{Name: "old", Email: fmt.Sprintf("u%04d@example.com", i*2)}
		existing = append(existing, a)
		must(t, seed.Persist(a))
	}
	must(t, seed.Flush(h.Ctx))
	for _, a := range existing {
		ids[a.Email] = a.ID
	}
	var in []*Author
	for i := range n {
		in = append(in, &Author{Name: fmt.Sprintf("new %d", i), Email: fmt.Sprintf("u%04d@example.com", i)})
	}
	m := h.EM()
	before := h.Count()
	out, err := em.UpsertMany(h.Ctx, m, in)
	must(t, err)
	if sent := h.Count() - before; sent > 20 {
		t.Errorf("UpsertMany of %d sent %d statements, want a few batches", n, sent)
	}
	if len(out) != n {
		t.Fatalf("%d results for %d", len(out), n)
	}
	seen := map[int64]bool{}
	for i, a := range out {
		if a.ID == 0 || seen[a.ID] || a.Name != fmt.Sprintf("new %d", i) || !m.Contains(a) {
			t.Fatalf("result #%d: %+v (managed %v)", i, a, m.Contains(a))
		}
		seen[a.ID] = true
		if id, ok := ids[a.Email]; ok && id != a.ID {
			t.Fatalf("%s: ID %d, want the existing row's %d", a.Email, a.ID, id)
		}
	}
	if got := authorCount(t, h); got != int64(n) {
		t.Fatalf("%d authors, want %d", got, n)
	}
}

// UpsertBadOptions checks that bad options and entities are refused
// before anything is sent, naming the entity and field.
func UpsertBadOptions(t *testing.T, h *Harness) {
	m := h.EM()
	ctx := h.Ctx
	var ve *gomikro.ValidationError
	_, err := em.Upsert(ctx, m, &Author{Name: "x", Email: "x@example.com"}, em.OnConflict("Emial"))
	if !errors.Is(err, query.ErrUnknownProperty) || !strings.Contains(err.Error(), "Author") {
		t.Errorf("OnConflict(unknown): %v", err)
	}
	_, err = em.Upsert(ctx, m, &Author{Name: "x", Email: "x@example.com"}, em.OnConflict("Name"))
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Author.Name") {
		t.Errorf("OnConflict(not unique): %v", err)
	}
	_, err = em.Upsert(ctx, m, &Author{Name: "x", Email: "x@example.com"}, em.MergeFields("Email"))
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Author.Email") {
		t.Errorf("MergeFields(the conflict key): %v", err)
	}
	_, err = em.Upsert(ctx, m, &Author{Name: "x", Email: "x@example.com"}, em.MergeFields("Nme"))
	if !errors.Is(err, query.ErrUnknownProperty) {
		t.Errorf("MergeFields(unknown): %v", err)
	}
	_, err = em.Upsert(ctx, m, &Author{Name: "x", Email: "x@example.com"}, em.IgnoreConflict(), em.MergeFields("Name"))
	if !errors.As(err, &ve) {
		t.Errorf("IgnoreConflict with MergeFields: %v", err)
	}
	_, err = em.Upsert(ctx, m, &Account{Login: "l", Email: "l@example.com"})
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Account.Login") || !strings.Contains(err.Error(), "Account.Email") {
		t.Errorf("two unique keys without OnConflict: %v", err)
	}
	_, err = em.UpsertMany(ctx, m, []*Author{{Email: "d@example.com"}, {Email: "d@example.com"}})
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Author.Email") {
		t.Errorf("two entities with one key: %v", err)
	}
	_, err = em.UpsertMany(ctx, m, []*Author{{ID: 5, Email: "p@example.com"}, {Email: "q@example.com"}})
	if !errors.As(err, &ve) {
		t.Errorf("some with a primary key and some without: %v", err)
	}
	_, err = em.UpsertMany(ctx, m, []*Author{nil})
	if !errors.As(err, &ve) {
		t.Errorf("a nil entity: %v", err)
	}
	pending := &Author{Name: "p", Email: "pending@example.com"}
	must(t, m.Persist(pending))
	if _, err := em.Upsert(ctx, m, pending); !errors.As(err, &ve) {
		t.Errorf("upsert of a persisted, unflushed entity: %v", err)
	}
	newAuthor := &Author{Name: "n", Email: "n@example.com"}
	if _, err := em.Upsert(ctx, h.EM(), &Book{Title: "b", Author: ref.To(newAuthor)}, em.OnConflict("ID")); err == nil {
		t.Error("an upsert referencing an unflushed entity was accepted")
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors written by refused upserts", n)
	}
}

// UpsertHooksAndVersion checks BeforeUpsert and AfterUpsert, a chosen
// unique key among two, the default read back and the version: 1 on
// insert, +1 on update.
func UpsertHooksAndVersion(t *testing.T, h *Harness) {
	m := h.EM()
	a, err := em.Upsert(h.Ctx, m, &Account{Login: "ANN", Email: "ann@example.com", Balance: 5}, em.OnConflict("Login"))
	must(t, err)
	if a.Login != "ann" || a.Plan == nil || *a.Plan != "free" || a.Version != 1 || strings.Join(a.Hooks, ",") != "BeforeUpsert,AfterUpsert:true" {
		t.Fatalf("after the insert: %+v", a)
	}
	m2 := h.EM()
	b, err := em.Upsert(h.Ctx, m2, &Account{Login: "Ann", Email: "ann2@example.com", Balance: 7}, em.OnConflict("Login"))
	must(t, err)
	if b.ID != a.ID || b.Email != "ann2@example.com" || b.Balance != 7 || b.Plan == nil || *b.Plan != "free" || b.Version != 2 {
		t.Fatalf("after the update: %+v, want ID %d, version 2", b, a.ID)
	}
	// The version the upsert read back is the one a later flush checks.
	b.Balance = 8
	must(t, m2.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Account](h.Ctx, h.EM(), query.Eq("ID", a.ID))
	must(t, err)
	if got.Balance != 8 || got.Version != 3 {
		t.Fatalf("after a flush of the upserted entity: %+v, want balance 8, version 3", got)
	}
}

// UpsertInTransaction checks that an upsert inside a transaction rolls
// back with it.
func UpsertInTransaction(t *testing.T, h *Harness) {
	boom := errors.New("boom")
	err := h.EM().Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		a, err := em.Upsert(ctx, tx, &Author{Name: "T", Email: "t@example.com"})
		must(t, err)
		if n, err := em.Count[Author](ctx, tx, nil); err != nil || n != 1 || a.ID == 0 {
			t.Errorf("inside the transaction: %d authors (%v), ID %d", n, err, a.ID)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transactional: %v", err)
	}
	if n := authorCount(t, h); n != 0 {
		t.Fatalf("%d authors after the rollback", n)
	}
}
