package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var keyLists = slow(
	scenario(LargeInLists),
	scenario(PopulateLargeKeyLists),
	scenario(PopulateLargeKeyListsTwoLevels),
	scenario(FlushDeletesLargeKeyLists),
)

// slow gives scenarios that move tens of thousands of rows a longer
// deadline: under -race, beside every other scenario of the suite running
// in parallel, SQLite takes up to two minutes for them on two cores.
func slow(ss ...Scenario) []Scenario {
	for i := range ss {
		ss[i].Timeout = 8 * time.Minute
	}
	return ss
}

// largeList is longer than any driver's parameter limit (65,535 on
// PostgreSQL and MySQL, 32,766 on SQLite).
const largeList = 100_000

// LargeInLists: $in and $nin with 100,000 values, on integer, string and
// text-form keys, find and count alike.
func LargeInLists(t *testing.T, h *Harness) {
	m := h.EM()
	var cats []*Category
	for i := range 300 {
		c := &Category{Name: fmt.Sprintf("c%03d", i)}
		cats = append(cats, c)
		must(t, m.Persist(c))
	}
	var codes []Code
	for i := range 5 {
		w := &Warehouse{Code: Code{0xee, 0, 0, byte(i)}, Name: fmt.Sprint("w", i)}
		codes = append(codes, w.Code)
		must(t, m.Persist(w))
	}
	for i := range 4 {
		must(t, m.Persist(&Edition{ISBN: fmt.Sprintf("isbn-%06d", i*7), Printing: 1}))
	}
	must(t, m.Flush(h.Ctx))

	// Keys 1..100,000 and the real ones, whatever the backend generated.
	ids := make([]int64, 0, largeList)
	real := map[int64]bool{}
	for _, c := range cats {
		real[c.ID] = true
	}
	for _, c := range cats[:150] {
		ids = append(ids, c.ID)
	}
	for i := int64(1); len(ids) < largeList; i++ {
		if !real[i] {
			ids = append(ids, -i) // matches nothing
		}
	}
	m2 := h.EM()
	got, err := em.Find[Category](h.Ctx, m2, query.In("id", ids))
	must(t, err)
	if len(got) != 150 {
		t.Fatalf("$in of %d ids: %d categories, want 150", len(ids), len(got))
	}
	got, err = em.Find[Category](h.Ctx, m2, query.Nin("id", ids), em.OrderBy("name"))
	must(t, err)
	if len(got) != 150 || got[0].Name != "c150" {
		t.Fatalf("$nin of %d ids: %d categories, want 150 from c150", len(ids), len(got))
	}
	n, err := em.Count[Category](h.Ctx, m2, query.In("id", ids))
	must(t, err)
	if n != 150 {
		t.Fatalf("count $in of %d ids: %d, want 150", len(ids), n)
	}
	// A condition beside the list, in one filter.
	got, err = em.Find[Category](h.Ctx, m2, query.And(query.In("id", ids), query.In("name", []string{"c000", "c001", "c299"})))
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("$in of %d ids AND a short $in: %d categories, want 2", len(ids), len(got))
	}

	strs := make([]string, 0, largeList)
	for i := range largeList {
		strs = append(strs, fmt.Sprintf("isbn-%06d", i))
	}
	eds, err := em.Find[Edition](h.Ctx, m2, query.In("isbn", strs[:largeList/2]))
	must(t, err)
	if len(eds) != 4 {
		t.Fatalf("$in of %d strings: %d editions, want 4", largeList/2, len(eds))
	}
	eds, err = em.Find[Edition](h.Ctx, m2, query.Nin("isbn", strs[1:]))
	must(t, err)
	if len(eds) != 1 || eds[0].ISBN != "isbn-000000" {
		t.Fatalf("$nin of %d strings: %v, want isbn-000000 only", len(strs)-1, eds)
	}

	cs := make([]Code, 0, largeList)
	cs = append(cs, codes[1], codes[3])
	for i := 0; len(cs) < largeList; i++ {
		cs = append(cs, Code{0, byte(i >> 16), byte(i >> 8), byte(i)})
	}
	ws, err := em.Find[Warehouse](h.Ctx, m2, query.In("code", cs))
	must(t, err)
	if len(ws) != 2 {
		t.Fatalf("$in of %d text-form keys: %d warehouses, want 2", len(cs), len(ws))
	}
	ws, err = em.Find[Warehouse](h.Ctx, m2, query.Nin("code", cs))
	must(t, err)
	if len(ws) != 3 {
		t.Fatalf("$nin of %d text-form keys: %d warehouses, want 3", len(cs), len(ws))
	}
}

// largeParents is more parents than a driver's parameter limit.
const largeParents = 70_000

// seedCategories writes 100 root categories and, under them,
// largeParents-100 leaves.
func seedCategories(t *testing.T, h *Harness) []*Category {
	m := h.EM()
	roots := make([]*Category, 100)
	for i := range roots {
		roots[i] = &Category{Name: fmt.Sprint("root", i)}
		must(t, m.Persist(roots[i]))
	}
	for i := range largeParents - len(roots) {
		must(t, m.Persist(&Category{Name: fmt.Sprint("leaf", i), Parent: ref.To(roots[i%len(roots)])}))
	}
	must(t, m.Flush(h.Ctx))
	return roots
}

// PopulateLargeKeyLists: populating a relation of 70,000 parents sends
// one query per relation level (the list bound as one parameter).
func PopulateLargeKeyLists(t *testing.T, h *Harness) {
	roots := seedCategories(t, h)

	// All 70,000 categories and their children: one query for the list.
	m2 := h.EM()
	before := h.Count()
	all, err := em.Find[Category](h.Ctx, m2, nil, em.Populate("Children"))
	must(t, err)
	if q := h.Count() - before; q != 2 {
		t.Errorf("find %d categories and populate their children: %d queries, want 2 (the find, one for the relation)", len(all), q)
	}
	if len(all) != largeParents {
		t.Fatalf("%d categories, want %d", len(all), largeParents)
	}
	kids := 0
	for _, c := range all {
		if !c.Children.IsLoaded() {
			t.Fatalf("%s: children not loaded", c.Name)
		}
		kids += c.Children.Len()
	}
	if kids != largeParents-len(roots) {
		t.Fatalf("%d children loaded, want %d", kids, largeParents-len(roots))
	}

}

// PopulateLargeKeyListsTwoLevels: populating two levels from 100 roots,
// the second level for 69,900 parents, sends one query per level.
func PopulateLargeKeyListsTwoLevels(t *testing.T, h *Harness) {
	roots := seedCategories(t, h)

	m2 := h.EM()
	before := h.Count()
	top, err := em.Find[Category](h.Ctx, m2, query.Eq("parent", nil), em.Populate("Children.Children"))
	must(t, err)
	if q := h.Count() - before; q != 3 {
		t.Errorf("find %d roots and populate 2 levels: %d queries, want 3 (one per level)", len(top), q)
	}
	per := (largeParents - len(roots)) / len(roots)
	if len(top) != len(roots) || top[0].Children.Len() != per {
		t.Fatalf("%d roots, the first with %d children; want %d, %d", len(top), top[0].Children.Len(), len(roots), per)
	}
	for _, c := range top[0].Children.Items() {
		if !c.Children.IsLoaded() || c.Children.Len() != 0 {
			t.Fatalf("%s: second level not loaded (or not empty)", c.Name)
		}
	}
}

// FlushDeletesLargeKeyLists: a flush removing 70,000 rows deletes them
// all (by key lists longer than a statement's parameter limit).
func FlushDeletesLargeKeyLists(t *testing.T, h *Harness) {
	m := h.EM()
	for i := range largeParents {
		must(t, m.Persist(&Category{Name: fmt.Sprint("c", i)}))
	}
	must(t, m.Flush(h.Ctx))
	m2 := h.EM()
	all, err := em.FindAll[Category](h.Ctx, m2)
	must(t, err)
	keep := all[len(all)-1]
	for _, c := range all[:len(all)-1] {
		must(t, m2.Remove(c))
	}
	must(t, m2.Flush(h.Ctx))
	left, err := em.FindAll[Category](h.Ctx, h.EM())
	must(t, err)
	if len(left) != 1 || left[0].ID != keep.ID {
		t.Fatalf("%d categories left after removing all but one, want only %s", len(left), keep.Name)
	}
}
