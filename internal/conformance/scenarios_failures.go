package conformance

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var failures = []Scenario{
	scenario(FailedFlushRollsBackAndRetries),
	scenario(FailedSingleInsertRestores),
	scenario(RepeatedSingleInsert),
	scenario(OptimisticLock),
	scenario(ValueTooLongNamesTheField),
	scenario(ForeignKeyViolation),
	scenario(OutOfRangeNamesTheField),
	scenario(NullIntoNotNullNamesTheField),
	scenario(UnsignedVersion),
	scenario(ConcurrentForks),
}

// FailedFlushRollsBackAndRetries checks that a unique violation in the middle of a
// flush writes nothing, leaves the unit of work as it was, and a retry
// after fixing the data succeeds.
func FailedFlushRollsBackAndRetries(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	b1.Title = "Go (2nd)"
	pub := &Publisher{Name: "P"}
	dup := &Author{Name: "Dup", Email: a.Email}
	book := &Book{Title: "New", Author: ref.To(dup), Publisher: ref.To(pub)}
	must(t, m.Persist(book))
	err := m.Flush(h.Ctx)
	if !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("flush with a duplicate email: %v, want ErrUniqueViolation", err)
	}
	var ce *gomikro.ConstraintError
	if !errors.As(err, &ce) || ce.Entity != "Author" || !strings.Contains(err.Error(), "Author") {
		t.Fatalf("the error does not name the entity: %v", err)
	}
	if dup.ID != 0 || pub.ID != 0 || book.ID != 0 || book.Version != 0 || b1.Version != 1 {
		t.Fatalf("keys or versions of the failed flush stayed in the objects: author %d publisher %d book %d (v%d), b1 v%d",
			dup.ID, pub.ID, book.ID, book.Version, b1.Version)
	}
	// Nothing of the failed flush reached the database.
	m2 := h.EM()
	if n, _ := em.Count[Publisher](h.Ctx, m2, nil); n != 0 {
		t.Fatalf("%d publishers written by a failed flush", n)
	}
	if got, _ := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", b1.ID)); got == nil || got.Title != "Go" {
		t.Fatal("an update of the failed flush was written")
	}
	dup.Email = "dup@example.com"
	must(t, m.Flush(h.Ctx))
	if dup.ID == 0 || pub.ID == 0 || book.ID == 0 || b1.Version != 2 {
		t.Fatalf("retry: author %d publisher %d book %d, b1 version %d", dup.ID, pub.ID, book.ID, b1.Version)
	}
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", book.ID), em.Populate("Author", "Publisher"))
	must(t, err)
	if got.Author.Get().Email != "dup@example.com" || got.Publisher.Get().Name != "P" {
		t.Fatal("the retried flush wrote wrong data")
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("the snapshots after the retry are stale: a second flush wrote again")
	}
}

// FailedSingleInsertRestores checks that a failed flush of one new entity
// (the single-statement path) leaves its key, version and defaulted
// column as they were, and that the retry writes them back.
func FailedSingleInsertRestores(t *testing.T, h *Harness) {
	m := h.EM()
	must(t, m.Persist(&Account{Login: "first", Email: "same@example.com"}))
	must(t, m.Flush(h.Ctx))
	m = h.EM()
	a := &Account{Login: "second", Email: "same@example.com", Balance: 3}
	must(t, m.Persist(a))
	if err := m.Flush(h.Ctx); !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("a duplicate email: %v, want ErrUniqueViolation", err)
	}
	if a.ID != 0 || a.Version != 0 || a.Plan != nil || a.Login != "second" || a.Balance != 3 {
		t.Fatalf("the failed insert left id %d, version %d, plan %v, login %q, balance %d", a.ID, a.Version, a.Plan, a.Login, a.Balance)
	}
	a.Email = "other@example.com"
	must(t, m.Flush(h.Ctx))
	if a.ID == 0 || a.Version != 1 || a.Plan == nil || *a.Plan != "free" {
		t.Fatalf("retry: id %d, version %d, plan %v", a.ID, a.Version, a.Plan)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("the snapshot after the retry is stale: a second flush wrote again")
	}
	a.Balance = 4
	must(t, m.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Account](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Balance != 4 || got.Version != 2 || got.Email != "other@example.com" {
		t.Fatalf("read back: balance %d, version %d, email %q", got.Balance, got.Version, got.Email)
	}
}

// RepeatedSingleInsert checks the one-row insert that earlier flushes
// sent already (backends keep its statement and run it directly): each
// flush reads its own key back, a unique violation is an error naming the
// entity that leaves the object as it was and the unit of work able to
// retry, and the retry writes the row once.
func RepeatedSingleInsert(t *testing.T, h *Harness) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) // written: only the key is read back
	seen := map[int64]bool{}
	for i := range 3 {
		m := h.EM()
		a := &Author{Name: "one", Email: fmt.Sprintf("repeat%d@example.com", i), CreatedAt: at}
		must(t, m.Persist(a))
		must(t, m.Flush(h.Ctx))
		if a.ID == 0 || seen[a.ID] {
			t.Fatalf("save %d: key %d (keys before: %v)", i, a.ID, seen)
		}
		seen[a.ID] = true
	}
	m := h.EM()
	a := &Author{Name: "dup", Email: "repeat0@example.com", CreatedAt: at}
	must(t, m.Persist(a))
	err := m.Flush(h.Ctx)
	var ce *gomikro.ConstraintError
	if !errors.Is(err, gomikro.ErrUniqueViolation) || !errors.As(err, &ce) || ce.Entity != "Author" {
		t.Fatalf("a duplicate email: %v, want a unique violation of Author", err)
	}
	if errors.Is(err, gomikro.ErrCommitUnknown) {
		t.Fatalf("a refused insert reported as of unknown outcome: %v", err)
	}
	if a.ID != 0 || a.Name != "dup" || !m.Contains(a) {
		t.Fatalf("the failed insert left id %d, name %q, tracked %v", a.ID, a.Name, m.Contains(a))
	}
	a.Email = "repeat3@example.com"
	must(t, m.Flush(h.Ctx))
	if a.ID == 0 || seen[a.ID] {
		t.Fatalf("retry: key %d", a.ID)
	}
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("the snapshot after the retry is stale: a second flush wrote again")
	}
	got, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Email != "repeat3@example.com" || got.Name != "dup" {
		t.Fatalf("read back %q %q", got.Name, got.Email)
	}
}

// OptimisticLock checks that a stale version fails with an error naming the entity
// and key, and writes nothing.
func OptimisticLock(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, b2 := seed(t, h, m)
	other := h.EM()
	ob, err := em.FindOneOrFail[Book](h.Ctx, other, query.Eq("id", b1.ID))
	must(t, err)
	ob.Price = 99
	must(t, other.Flush(h.Ctx))

	b1.Title = "Stale"
	b2.Title = "Fresh"
	err = m.Flush(h.Ctx)
	var le *gomikro.OptimisticLockError
	if !errors.Is(err, gomikro.ErrOptimisticLock) || !errors.As(err, &le) || le.Entity != "Book" {
		t.Fatalf("stale update: %v", err)
	}
	if pk, ok := le.PK.(int64); !ok || pk != b1.ID {
		t.Fatalf("the error names key %v, want %d", le.PK, b1.ID)
	}
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b2.ID))
	must(t, err)
	if got.Title != "Rust" {
		t.Fatal("the other update of the failed flush was committed")
	}
	if b1.Version != 1 || b2.Version != 1 {
		t.Fatalf("versions not restored: %d %d", b1.Version, b2.Version)
	}
	must(t, m.Refresh(h.Ctx, b1))
	b1.Title = "Now fresh"
	must(t, m.Flush(h.Ctx))
	if b1.Version != 3 {
		t.Fatalf("version %d after refresh and update, want 3", b1.Version)
	}
}

// ValueTooLongNamesTheField checks that a string over its column's length is an error
// naming Entity.Field, and the flush writes nothing.
func ValueTooLongNamesTheField(t *testing.T, h *Harness) {
	m := h.EM()
	ok := &Author{Name: "Fine", Email: "fine@example.com"}
	bad := &Author{Name: strings.Repeat("x", 101), Email: "long@example.com"}
	must(t, m.Persist(ok, bad))
	err := m.Flush(h.Ctx)
	if err == nil || !errors.Is(err, gomikro.ErrCheckViolation) || !strings.Contains(err.Error(), "Author.Name") {
		t.Fatalf("too long a name: %v, want ErrCheckViolation naming Author.Name", err)
	}
	if n, _ := em.Count[Author](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("%d authors written by the failed flush", n)
	}
	bad.Name = "Short"
	must(t, m.Flush(h.Ctx))
}

// ForeignKeyViolation checks that a reference to a missing row fails with
// ErrForeignKeyViolation and names the entity.
func ForeignKeyViolation(t *testing.T, h *Harness) {
	m := h.EM()
	b := &Book{Title: "Orphan", Author: ref.FromID[Author](int64(987654))}
	must(t, m.Persist(b))
	err := m.Flush(h.Ctx)
	if !errors.Is(err, gomikro.ErrForeignKeyViolation) || !strings.Contains(err.Error(), "Book") {
		t.Fatalf("dangling reference: %v", err)
	}
	if b.ID != 0 {
		t.Fatal("the key of a failed insert stayed in the object")
	}
}

// OutOfRangeNamesTheField checks that a number beyond its column's precision is an
// error naming Entity.Field, and nothing of the flush is written.
func OutOfRangeNamesTheField(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Author{Name: "Rich", Email: "rich@example.com"}
	b := &Book{Title: "Dear", Author: ref.To(a), Price: 1e9} // numeric(10,2) holds < 1e8
	must(t, m.Persist(a, b))
	err := m.Flush(h.Ctx)
	if !errors.Is(err, gomikro.ErrCheckViolation) || !strings.Contains(err.Error(), "Book.Price") {
		t.Fatalf("price out of range: %v, want ErrCheckViolation naming Book.Price", err)
	}
	if n, _ := em.Count[Author](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("%d authors written by the failed flush", n)
	}
	b.Price = 99999999.99
	must(t, m.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b.ID))
	must(t, err)
	if got.Price != 99999999.99 {
		t.Fatalf("price %v read back, want 99999999.99", got.Price)
	}
}

// NullIntoNotNullNamesTheField checks that a required reference left empty fails in
// the database with ErrNotNullViolation naming Entity.Field, after other
// rows of the same flush were sent; all of them are rolled back.
func NullIntoNotNullNamesTheField(t *testing.T, h *Harness) {
	m := h.EM()
	a := &Author{Name: "Solo", Email: "solo@example.com"}
	b := &Book{Title: "Nobody's"}
	must(t, m.Persist(a, b))
	err := m.Flush(h.Ctx)
	if !errors.Is(err, gomikro.ErrNotNullViolation) || !strings.Contains(err.Error(), "Book.Author") {
		t.Fatalf("book without author: %v, want ErrNotNullViolation naming Book.Author", err)
	}
	if n, _ := em.Count[Author](h.Ctx, h.EM(), nil); n != 0 {
		t.Fatalf("%d authors written by the failed flush", n)
	}
	if a.ID != 0 || b.ID != 0 {
		t.Fatalf("keys of the failed flush stayed in the objects: author %d, book %d", a.ID, b.ID)
	}
	b.Author = ref.To(a)
	must(t, m.Flush(h.Ctx))
	if a.ID == 0 || b.ID == 0 {
		t.Fatal("the retried flush assigned no keys")
	}
}
