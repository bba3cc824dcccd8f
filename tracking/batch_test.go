package tracking_test

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// TestAddLoadedLaterBatch loads a batch larger than an entry chunk, with
// references made in the middle of it (as a find's m:1 columns do), and
// checks that IndexPending lists and indexes every row in order, that
// rows are invisible before, and that the tracker works on afterwards.
func TestAddLoadedLaterBatch(t *testing.T) {
	reg := registry(t)
	ae, _ := reg.Of(reflectType[author]())
	ie, _ := reg.Of(reflectType[item]())
	tr := tracking.NewTracker(nil)
	first := loaded(t, tr, ae, unsafe.Pointer(&author{ID: 1}))
	const n = 1000 // several chunks of entries and of pairs
	var rows, refs []*tracking.Entry
	for i := range n {
		if i%300 == 150 {
			obj := tr.Alloc(ae)
			(*author)(obj).ID = int64(100 + i)
			refs = append(refs, tr.AddRef(ae, obj, tracking.Key{I: int64(100 + i)}, true))
		}
		obj := tr.Alloc(ie)
		(*item)(obj).ID, (*item)(obj).Title = int64(i+1), "t"
		en, err := tr.AddLoadedLater(ie, obj, tracking.Key{I: int64(i + 1)}, true)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, en)
	}
	if _, ok := tr.Lookup(ie, tracking.Key{I: 5}); ok {
		t.Fatal("a pending row is indexed before IndexPending")
	}
	if got, want := len(tr.Entries()), 1+len(refs); got != want {
		t.Fatalf("%d entries listed before IndexPending, want %d", got, want)
	}
	if got, want := tr.Len(), 1+len(refs)+n; got != want {
		t.Fatalf("Len %d, want %d", got, want)
	}
	for _, r := range refs {
		if en, ok := tr.Lookup(ae, r.Key); !ok || en != r {
			t.Fatal("a reference made during the batch is not indexed")
		}
	}
	tr.IndexPending()
	ens := tr.Entries()
	if len(ens) != 1+len(refs)+n || ens[0] != first {
		t.Fatalf("%d entries after IndexPending, want %d", len(ens), 1+len(refs)+n)
	}
	for i, en := range rows {
		if got := ens[1+len(refs)+i]; got != en {
			t.Fatalf("row %d listed out of order", i)
		}
		if got, ok := tr.Lookup(ie, en.Key); !ok || got != en {
			t.Fatalf("row %d not indexed", i)
		}
		if got, ok := tr.Entry(ie, en.Obj); !ok || got != en {
			t.Fatalf("row %d not found by object", i)
		}
	}
	// Nothing changed; a change is seen; a detach works on a batch row.
	if p, err := tr.Build(); err != nil || !p.Empty() {
		t.Fatalf("unchanged batch: %v, %+v", err, p)
	}
	(*item)(rows[n-1].Obj).Title = "changed"
	if p, err := tr.Build(); err != nil || len(p.Updates) != 1 || len(p.Updates[0].Rows) != 1 || p.Updates[0].Rows[0] != rows[n-1] {
		t.Fatalf("one change expected: %v, %+v", err, p)
	}
	tr.Detach(rows[0])
	if _, ok := tr.Lookup(ie, rows[0].Key); ok || tr.Len() != len(refs)+n {
		t.Fatal("detached batch row still tracked")
	}
	// A second batch after the first.
	obj := tr.Alloc(ie)
	(*item)(obj).ID = n + 1
	en, err := tr.AddLoadedLater(ie, obj, tracking.Key{I: n + 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	tr.IndexPending()
	if got, ok := tr.Lookup(ie, tracking.Key{I: n + 1}); !ok || got != en || tr.Entries()[len(tr.Entries())-1] != en {
		t.Fatal("second batch not indexed")
	}
	tr.IndexPending() // nothing pending: no effect
	tr.Clear()
	if tr.Len() != 0 || len(tr.Entries()) != 0 {
		t.Fatal("Clear kept entries")
	}
}

// TestDeferIndex checks that the rows of an ended batch (DeferIndex) are
// seen by every call that looks at the index or the list of entries, in
// order, and that PendingObjs lists their objects before.
func TestDeferIndex(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	batch := func(tr *tracking.Tracker, from, n int) []*tracking.Entry { return loadItems(t, tr, ie, from, n) }
	const n = 600
	for _, first := range []string{"Lookup", "Entry", "Entries", "Build", "Pending", "AddNew", "Detach", "ListTwice"} {
		tr := tracking.NewTracker(nil)
		rows := batch(tr, 1, n)
		objs := tr.PendingObjs(nil, n-1)
		if len(objs) != n-1 || objs[0] != rows[1].Obj || objs[n-2] != rows[n-1].Obj {
			t.Fatalf("PendingObjs: %d objects, not the last ones in order", len(objs))
		}
		tr.DeferIndex()
		switch first {
		case "Lookup":
			if en, ok := tr.Lookup(ie, tracking.Key{I: 300}); !ok || en != rows[299] {
				t.Fatal("Lookup misses a deferred row")
			}
		case "Entry":
			if en, ok := tr.Entry(ie, rows[n-1].Obj); !ok || en != rows[n-1] {
				t.Fatal("Entry misses a deferred row")
			}
		case "Entries":
			if ens := tr.Entries(); len(ens) != n || ens[0] != rows[0] || ens[n-1] != rows[n-1] {
				t.Fatalf("Entries lists %d of %d deferred rows", len(ens), n)
			}
		case "Build":
			(*item)(rows[7].Obj).Title = "changed"
			if p, err := tr.Build(); err != nil || len(p.Updates) != 1 || len(p.Updates[0].Rows) != 1 || p.Updates[0].Rows[0] != rows[7] {
				t.Fatalf("the change of a deferred row: %v, %+v", err, p)
			}
		case "Pending":
			(*item)(rows[7].Obj).Title = "changed"
			if ok, err := tr.Pending(ie); err != nil || !ok {
				t.Fatalf("Pending misses the change of a deferred row: %v", err)
			}
		case "AddNew":
			if _, err := tr.AddNew(ie, unsafe.Pointer(&item{ID: 5})); err == nil {
				t.Fatal("a new object with the key of a deferred row was accepted")
			}
			obj := unsafe.Pointer(&item{ID: n + 1})
			if _, err := tr.AddNew(ie, obj); err != nil {
				t.Fatal(err)
			}
			if ens := tr.Entries(); len(ens) != n+1 || ens[n].Obj != obj {
				t.Fatal("an entity added after a deferred batch is not listed after it")
			}
		case "ListTwice":
			// Listed, not indexed; an entity added; another batch listed.
			tr.Entries()
			ref := tr.AddRef(ie, tr.Alloc(ie), tracking.Key{I: 5000}, true)
			more := batch(tr, 3*n, 5)
			tr.DeferIndex()
			if ens := tr.Entries(); len(ens) != n+6 || ens[n] != ref || ens[n+5] != more[4] {
				t.Fatal("entries listed out of order")
			}
			for _, en := range append(rows, more...) {
				if got, ok := tr.Lookup(ie, en.Key); !ok || got != en {
					t.Fatalf("row %v not indexed", en.Key)
				}
			}
		case "Detach":
			tr.Detach(rows[3])
			if _, ok := tr.Lookup(ie, rows[3].Key); ok || tr.Len() != n-1 {
				t.Fatal("a deferred row was not detached")
			}
		}
		// A second batch: the first is indexed before it comes.
		more := batch(tr, 2*n, 10)
		tr.DeferIndex()
		if en, ok := tr.Lookup(ie, tracking.Key{I: 2*n + 9}); !ok || en != more[9] {
			t.Fatalf("%s: second batch not indexed", first)
		}
		if en, ok := tr.Lookup(ie, tracking.Key{I: n}); !ok || en != rows[n-1] {
			t.Fatalf("%s: first batch lost", first)
		}
		tr.Clear()
		if _, ok := tr.Lookup(ie, tracking.Key{I: n}); ok || tr.Len() != 0 {
			t.Fatal("Clear kept a row")
		}
	}
}

// TestUpdateFlushLeavesIndexDeferred: a flush that only updates rows of
// a find does not build the key index of the find's entries (Committed
// indexes them only when new keys go in). Measured: 81 KB with the
// listing of the entries alone, 229 KB with the 5,000-row index too.
func TestUpdateFlushLeavesIndexDeferred(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	tr := tracking.NewTracker(nil)
	const n = 5000
	rows := loadItems(t, tr, ie, 1, n)
	tr.DeferIndex()
	(*item)(rows[7].Obj).Title = "changed"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Committed(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 150<<10 && !raceEnabled {
		t.Fatalf("an update of 1 of %d deferred rows allocated %d bytes: the key index was built", n, got)
	}
	if en, ok := tr.Lookup(ie, tracking.Key{I: 4000}); !ok || en != rows[3999] {
		t.Fatal("Lookup misses a row after the flush")
	}
}

// loadItems adds n items with keys from, from+1, … to tr as a find does
// (AddLoadedLater), and returns their entries.
func loadItems(t *testing.T, tr *tracking.Tracker, ie *meta.Entity, from, n int) []*tracking.Entry {
	t.Helper()
	var rows []*tracking.Entry
	for i := from; i < from+n; i++ {
		obj := tr.Alloc(ie)
		(*item)(obj).ID, (*item)(obj).Title = int64(i), "t"
		en, err := tr.AddLoadedLater(ie, obj, tracking.Key{I: int64(i)}, true)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, en)
	}
	return rows
}
