package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var references = []Scenario{
	scenario(ReferenceChangesAreWritten),
	scenario(ReferenceChangesSurviveLoad),
	scenario(ReferenceOfVersionedEntity),
	scenario(CompositeKeyReferences),
}

// ReferenceChangesAreWritten checks that columns set on a reference that
// was never loaded are written by the next flush (an UPDATE of those
// columns by key, nothing else touched), and that a reference nobody
// changed sends nothing.
func ReferenceChangesAreWritten(t *testing.T, h *Harness) {
	m := h.EM()
	a, _, _ := seed(t, h, m)

	m2 := h.EM()
	ra, err := em.GetReference[Author](m2, a.ID)
	must(t, err)
	before := h.Count()
	must(t, m2.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatalf("flushing an unchanged reference sent %d statements", h.Count()-before)
	}
	ra.Name = "Anna"
	ra.Age = ptr(41)
	must(t, m2.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Name != "Anna" || got.Age == nil || *got.Age != 41 {
		t.Fatalf("reference changes not written: name %q age %v", got.Name, got.Age)
	}
	// Columns not set on the reference are untouched.
	if got.Email != "ann@example.com" || !got.Active || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("columns not set on the reference changed: %+v", got)
	}
	// Written once: a second flush sends nothing; a later change is written.
	before = h.Count()
	must(t, m2.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("a flushed reference was written again")
	}
	ra.Email = "anna@example.com"
	must(t, m2.Flush(h.Ctx))
	got, err = em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Email != "anna@example.com" || got.Name != "Anna" {
		t.Fatalf("second change to the reference: %+v", got)
	}

	// Assign onto a reference (a map naming a managed key) is written too.
	m3 := h.EM()
	rb, err := em.GetReference[Author](m3, a.ID)
	must(t, err)
	must(t, m3.Assign(rb, map[string]any{"name": "Assigned"}))
	must(t, m3.Flush(h.Ctx))
	got, err = em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if got.Name != "Assigned" {
		t.Fatalf("Assign on a reference not written: %q", got.Name)
	}

	// A reference to a row that is gone updates nothing and says nothing
	// wrong about the row: the flush succeeds (no version to check).
	m4 := h.EM()
	gone, err := em.GetReference[Author](m4, int64(987654))
	must(t, err)
	gone.Name = "ghost"
	must(t, m4.Flush(h.Ctx))
	if n, err := em.Count[Author](h.Ctx, h.EM(), query.Eq("name", "ghost")); err != nil || n != 0 {
		t.Fatalf("a reference to a missing row created one: %d (%v)", n, err)
	}
}

// ReferenceChangesSurviveLoad checks that loading a reference keeps the
// columns set on it as changes to flush (MikroORM merges so), and that
// Refresh drops them.
func ReferenceChangesSurviveLoad(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)

	m2 := h.EM()
	ra, err := em.GetReference[Author](m2, a.ID)
	must(t, err)
	ra.Name = "Changed"
	got, err := em.FindOneOrFail[Author](h.Ctx, m2, query.Eq("id", a.ID))
	must(t, err)
	if got != ra {
		t.Fatal("loading a reference gave another object")
	}
	if got.Name != "Changed" || got.Email != "ann@example.com" {
		t.Fatalf("after load: name %q email %q; want the change kept and the row's other columns", got.Name, got.Email)
	}
	must(t, m2.Flush(h.Ctx))
	back, err := em.FindOneOrFail[Author](h.Ctx, h.EM(), query.Eq("id", a.ID))
	must(t, err)
	if back.Name != "Changed" {
		t.Fatalf("a change kept across a load was not written: %q", back.Name)
	}

	// Through a populated relation: the book's author is a reference.
	m3 := h.EM()
	rb, err := em.GetReference[Author](m3, a.ID)
	must(t, err)
	rb.Name = "ViaPopulate"
	bk, err := em.FindOneOrFail[Book](h.Ctx, m3, query.Eq("id", b1.ID), em.Populate("Author"))
	must(t, err)
	if bk.Author.Get() != rb || rb.Name != "ViaPopulate" || rb.Email != "ann@example.com" {
		t.Fatalf("populate over a changed reference: %+v", bk.Author.Get())
	}

	// Refresh drops what was set.
	m4 := h.EM()
	rc, err := em.GetReference[Author](m4, a.ID)
	must(t, err)
	rc.Name = "Dropped"
	must(t, m4.Refresh(h.Ctx, rc))
	if rc.Name != "Changed" {
		t.Fatalf("Refresh kept the change: %q", rc.Name)
	}
	before := h.Count()
	must(t, m4.Flush(h.Ctx))
	if h.Count() != before {
		t.Fatal("a refreshed reference was written")
	}
}

// ReferenceOfVersionedEntity checks that a reference of a versioned
// entity is written only with its version set (the version expected),
// and that a stale version fails with ErrOptimisticLock.
func ReferenceOfVersionedEntity(t *testing.T, h *Harness) {
	m := h.EM()
	_, b1, _ := seed(t, h, m)
	v := b1.Version

	m2 := h.EM()
	rb, err := em.GetReference[Book](m2, b1.ID)
	must(t, err)
	rb.Title = "No version"
	err = m2.Flush(h.Ctx)
	var ve *gomikro.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "Book.Version") {
		t.Fatalf("a versioned reference without its version: %v; want a ValidationError naming Book.Version", err)
	}
	rb.Version = v
	must(t, m2.Flush(h.Ctx))
	if rb.Version != v+1 {
		t.Fatalf("version after the update %d, want %d", rb.Version, v+1)
	}
	got, err := em.FindOneOrFail[Book](h.Ctx, h.EM(), query.Eq("id", b1.ID))
	must(t, err)
	if got.Title != "No version" || got.Version != v+1 || got.Year != 2015 {
		t.Fatalf("versioned reference update: %+v", got)
	}

	m3 := h.EM()
	stale, err := em.GetReference[Book](m3, b1.ID)
	must(t, err)
	stale.Version = v // one behind
	stale.Title = "Stale"
	if err := m3.Flush(h.Ctx); !errors.Is(err, gomikro.ErrOptimisticLock) {
		t.Fatalf("a stale version on a reference: %v; want ErrOptimisticLock", err)
	}
	if stale.Version != v {
		t.Fatalf("a failed flush left the version at %d, want %d", stale.Version, v)
	}
}

// CompositeKeyReferences checks GetReference and Refresh on composite
// keys: plain parts (Edition) and reference parts (Review), as a list
// or a map, identity-mapped, written and refreshed.
func CompositeKeyReferences(t *testing.T, h *Harness) {
	m := h.EM()
	a, b1, _ := seed(t, h, m)
	ed := &Edition{ISBN: "978-0", Printing: 2, Copies: 100}
	rv := &Review{Book: ref.To(b1), Reviewer: ref.To(a), Stars: 3}
	must(t, m.Persist(ed, rv))
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	re, err := em.GetReference[Edition](m2, []any{"978-0", 2})
	must(t, err)
	if re.ISBN != "978-0" || re.Printing != 2 {
		t.Fatalf("composite reference key: %+v", re)
	}
	re2, err := em.GetReference[Edition](m2, map[string]any{"printing": int64(2), "isbn": "978-0"})
	must(t, err)
	if re2 != re {
		t.Fatal("the same composite key by map gave another object")
	}
	must(t, m2.Refresh(h.Ctx, re))
	if re.Copies != 100 {
		t.Fatalf("Refresh of a composite reference: copies %d", re.Copies)
	}
	found, err := em.FindOneOrFail[Edition](h.Ctx, m2, query.M{"isbn": "978-0", "printing": 2})
	must(t, err)
	if found != re {
		t.Fatal("finding the refreshed composite reference gave another object")
	}

	m3 := h.EM()
	rr, err := em.GetReference[Review](m3, []any{b1.ID, a.ID})
	must(t, err)
	if rr.Book.ID() != b1.ID || rr.Reviewer.ID() != a.ID {
		t.Fatalf("reference-part key: book %v reviewer %v", rr.Book.ID(), rr.Reviewer.ID())
	}
	rr.Stars = 5
	must(t, m3.Flush(h.Ctx))
	got, err := em.FindOneOrFail[Review](h.Ctx, h.EM(), query.M{"book": b1.ID, "reviewer": a.ID})
	must(t, err)
	if got.Stars != 5 || got.Note == nil || *got.Note != "none" {
		t.Fatalf("composite reference update: stars %d note %v", got.Stars, got.Note)
	}
	rr2, err := em.GetReference[Review](m3, map[string]any{"reviewer": a, "book": b1.ID})
	must(t, err)
	if rr2 != rr {
		t.Fatal("the same reference-part key by map gave another object")
	}
	rr.Stars = 1
	must(t, m3.Refresh(h.Ctx, rr))
	if rr.Stars != 5 {
		t.Fatalf("Refresh by a reference-part key: stars %d", rr.Stars)
	}

	// Removing a composite reference deletes the row.
	m4 := h.EM()
	gone, err := em.GetReference[Edition](m4, []any{"978-0", 2})
	must(t, err)
	must(t, m4.Remove(gone))
	must(t, m4.Flush(h.Ctx))
	if n, err := em.Count[Edition](h.Ctx, h.EM(), nil); err != nil || n != 0 {
		t.Fatalf("editions after removing the reference: %d (%v)", n, err)
	}

	// Bad composite keys.
	for name, id := range map[string]any{
		"too few parts":   []any{"978-0"},
		"not a list":      "978-0",
		"unknown part":    map[string]any{"isbn": "x", "edition": 1},
		"missing part":    map[string]any{"isbn": "x"},
		"nil part":        []any{nil, 1},
		"wrong part type": []any{"x", "two"},
	} {
		if _, err := em.GetReference[Edition](h.EM(), id); err == nil || !strings.Contains(err.Error(), "Edition") {
			t.Errorf("GetReference(Edition, %s): %v; want an error naming Edition", name, err)
		}
	}
}
