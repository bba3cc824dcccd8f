package tracking_test

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

// A flush whose only write is one insert takes the one-entity plan: it
// must hold what the general planner gives that row (columns, keys read
// back, a reference to itself deferred, the version set) and restore it.
func TestPlanOneInsert(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	ae, _ := reg.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	a := (*author)(tr.Alloc(ae))
	a.ID = 7
	k, _ := tracking.KeyOf(ae, unsafe.Pointer(a))
	tr.AddRef(ae, unsafe.Pointer(a), k, true)
	it := &item{Title: "self", Owner: ref.To(a)}
	it.Parent = ref.To(it)
	en, err := tr.AddNew(ie, unsafe.Pointer(it))
	if err != nil {
		t.Fatal(err)
	}
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Inserts) != 1 || len(p.Updates)+len(p.Deletes) != 0 {
		t.Fatalf("plan: %d inserts, %d updates, %d deletes", len(p.Inserts), len(p.Updates), len(p.Deletes))
	}
	b := p.Inserts[0]
	if b.Entity != ie || len(b.Rows) != 1 || b.Rows[0] != en {
		t.Fatal("the insert batch does not hold the new row")
	}
	var cols, ret []string
	for _, f := range b.Columns {
		cols = append(cols, f.Name)
	}
	for _, f := range b.Return {
		ret = append(ret, f.Name)
	}
	if slices.Contains(cols, "ID") || slices.Contains(cols, "Parent") || !slices.Contains(cols, "Owner") || !slices.Contains(cols, "Title") {
		t.Errorf("columns %v: want the key and the self-reference left out, the others written", cols)
	}
	if !slices.Equal(ret, []string{"ID"}) {
		t.Errorf("read back %v, want [ID]", ret)
	}
	if len(p.Fixups) != 1 || len(p.Fixups[0].Columns) != 1 || p.Fixups[0].Columns[0].Name != "Parent" || p.Fixups[0].Rows[0] != en {
		t.Fatalf("the reference to itself is not deferred to a follow-up update: %d fixups", len(p.Fixups))
	}
	if it.Version != 1 || en.Snap == nil {
		t.Fatalf("version %d, snapshot slot %v: want 1 and a slot", it.Version, en.Snap)
	}
	it.ID = 99 // as the database would write it back
	p.Restore()
	if it.ID != 0 || it.Version != 0 || en.Snap != nil {
		t.Fatalf("Restore left ID %d, version %d, snapshot %v", it.ID, it.Version, en.Snap)
	}
}

// New entities are found by address before and after the tracker makes
// its address map (the first ones sit in a small array).
func TestNewEntriesByAddress(t *testing.T) {
	reg := registry(t)
	ae, _ := reg.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	as := make([]*author, 5)
	ens := make([]*tracking.Entry, len(as))
	for i := range as {
		as[i] = &author{Name: "a"}
		en, err := tr.AddNew(ae, unsafe.Pointer(as[i]))
		if err != nil {
			t.Fatal(err)
		}
		ens[i] = en
		if i == 1 {
			// Detach while the entries sit in the small array.
			tr.Detach(ens[0])
			if _, ok := tr.Entry(ae, unsafe.Pointer(as[0])); ok {
				t.Fatal("a detached new entity is still found")
			}
		}
	}
	tr.Detach(ens[3])
	for i, a := range as {
		en, ok := tr.Entry(ae, unsafe.Pointer(a))
		want := i != 0 && i != 3
		if ok != want || ok && en != ens[i] {
			t.Errorf("entity %d: found %v (entry %p), want %v (entry %p)", i, ok, en, want, ens[i])
		}
	}
	if tr.Len() != 3 {
		t.Fatalf("Len %d, want 3", tr.Len())
	}
	tr.Clear()
	if _, ok := tr.Entry(ae, unsafe.Pointer(as[1])); ok {
		t.Fatal("found after Clear")
	}
}

// A released one-insert plan is the memory of the next: a unit of work
// per request saving one object allocates no plan after the first, and
// the plan it gets holds nothing of the one before.
func TestPlanOneReleased(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	reg := registry(t)
	ae, _ := reg.Of(reflectType[author]())
	var ls tracking.Layouts
	save := func(name string) (*tracking.Plan, *author) {
		tr := tracking.NewTracker(&ls)
		a := &author{Name: name}
		if _, err := tr.AddNew(ae, unsafe.Pointer(a)); err != nil {
			t.Fatal(err)
		}
		p, err := tr.Build()
		if err != nil {
			t.Fatal(err)
		}
		a.ID = 1 // as the database would write it back
		if err := p.Committed(); err != nil {
			t.Fatal(err)
		}
		return p, a
	}
	p, _ := save("warm")
	p.Release()
	p1, _ := save("first")
	p1.Release()
	p2, a2 := save("second")
	if p2 != p1 {
		t.Errorf("the plan of the second save is new memory, not the one released")
	}
	if len(p2.Inserts) != 1 || len(p2.Inserts[0].Rows) != 1 || p2.Inserts[0].Rows[0].Obj != unsafe.Pointer(a2) || len(p2.Fixups) != 0 {
		t.Fatalf("the reused plan does not hold exactly the second save")
	}
	p2.Release()
	var tr *tracking.Tracker
	var a *author
	allocs := testing.AllocsPerRun(50, func() {
		tr = tracking.NewTracker(&ls)
		a = &author{Name: "n"}
		_, _ = tr.AddNew(ae, unsafe.Pointer(a))
		p, _ := tr.Build()
		p.Release()
	})
	// The tracker, the object and its snapshot slot; no plan.
	if allocs > 3 {
		t.Errorf("%v allocations per save, want at most 3 (no plan)", allocs)
	}
}

// Trackers of many goroutines share one Layouts: the first use of each
// entity type adds its layout while others read (run with -race).
func TestLayoutsShared(t *testing.T) {
	reg := registry(t)
	ae, _ := reg.Of(reflectType[author]())
	ie, _ := reg.Of(reflectType[item]())
	var ls tracking.Layouts
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 20 {
				tr := tracking.NewTracker(&ls)
				a := &author{Name: "a"}
				it := &item{Title: "t", Owner: ref.To(a)}
				if _, err = tr.AddNew(ae, unsafe.Pointer(a)); err != nil {
					break
				}
				if _, err = tr.AddNew(ie, unsafe.Pointer(it)); err != nil {
					break
				}
				var p *tracking.Plan
				if p, err = tr.Build(); err != nil {
					break
				}
				a.ID, it.ID = int64(g*100+i+1), int64(g*100+i+1)
				if err = p.Committed(); err != nil {
					break
				}
				it.Title = "changed"
				en, _ := tr.Entry(ie, unsafe.Pointer(it))
				var fs []*meta.Field
				if fs, err = tr.Changed(en, nil); err == nil && (len(fs) != 1 || fs[0].Name != "Title") {
					err = fmt.Errorf("goroutine %d: changed %v, want [Title]", g, fs)
				}
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
