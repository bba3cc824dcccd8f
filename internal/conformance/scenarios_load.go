package conformance

import (
	"strconv"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var loads = []Scenario{
	scenario(LargeFindIsManaged),
}

// LargeFindIsManaged loads more rows than the tracker hands out in one
// chunk (its rows join the identity map as one batch) into a unit of
// work that manages some of them already, and checks the identity map,
// the result lists (each the caller's own) and change detection over
// the batch.
func LargeFindIsManaged(t *testing.T, h *Harness) {
	const n = 600
	m := h.EM()
	a := &Author{Name: "Bulk", Email: "bulk@example.com"}
	for i := range n {
		must(t, m.Persist(&Book{Title: "B" + strconv.Itoa(i), Year: i, Author: ref.To(a)}))
	}
	must(t, m.Flush(h.Ctx))

	m2 := h.EM()
	early, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("title", "B7"))
	must(t, err)
	early.Price = 3 // an unflushed change the find keeps
	// Managed rows at the start, in the middle and at the end of the
	// batch, between runs of new ones.
	first, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("title", "B0"))
	must(t, err)
	last, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("title", "B"+strconv.Itoa(n-1)))
	must(t, err)
	all, err := em.FindAll[Book](h.Ctx, m2, em.OrderBy("year"))
	must(t, err)
	if len(all) != n {
		t.Fatalf("found %d books, want %d", len(all), n)
	}
	if all[7] != early || early.Price != 3 || all[0] != first || all[n-1] != last {
		t.Fatal("a managed row came back as another object, or lost its change")
	}
	author := all[0].Author.Get()
	for i, b := range all {
		if b.Year != i || b.Title != "B"+strconv.Itoa(i) {
			t.Fatalf("row %d: %q, year %d", i, b.Title, b.Year)
		}
		if b.Author.Get() != author || author == nil {
			t.Fatalf("row %d references another author object", i)
		}
	}
	again, err := em.FindAll[Book](h.Ctx, m2, em.OrderBy("year"))
	must(t, err)
	for i := range again {
		if again[i] != all[i] {
			t.Fatalf("row %d loaded twice gave two objects", i)
		}
	}
	// Each result is the caller's own list: a later find in another unit
	// of work does not write into it.
	kept := all[n-1]
	other, err := em.FindAll[Book](h.Ctx, h.EM(), em.OrderBy("year"))
	must(t, err)
	if all[n-1] != kept || other[n-1] == kept {
		t.Fatal("two finds share their result list")
	}
	byKey, err := em.FindOneOrFail[Book](h.Ctx, m2, query.Eq("id", all[n-1].ID))
	must(t, err)
	if byKey != all[n-1] {
		t.Fatal("the last row of the batch is not in the identity map")
	}
	before := h.Count()
	all[n-1].Title = "last"
	must(t, m2.Flush(h.Ctx))
	if got := h.Count() - before; got < 1 || got > 10 { // two UPDATEs and the transaction's, not one per row
		t.Fatalf("a flush of two changed rows out of 600 sent %d statements", got)
	}
	check, err := em.Find[Book](h.Ctx, h.EM(), query.In("title", "last", "B7"))
	must(t, err)
	if len(check) != 2 {
		t.Fatalf("the two changes were not both written: %d rows", len(check))
	}
	for _, b := range check {
		if want := map[string]float64{"last": 0, "B7": 3}[b.Title]; b.Price != want {
			t.Fatalf("%s: price %v, want %v", b.Title, b.Price, want)
		}
	}
}
