package tracking_test

import (
	"testing"
	"unsafe"

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
