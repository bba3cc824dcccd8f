package tracking_test

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/tracking"
)

// TestPersistFindsOrAdds checks Tracker.Persist against Entry and AddNew:
// new objects without keys (more than the tracker keeps inline, so the
// address table is used) are added once and found again; an object
// carrying a key is found by that key when it is the very object tracked
// (a loaded row), and refused when another object holds the key.
func TestPersistFindsOrAdds(t *testing.T) {
	r := registry(t)
	e, _ := r.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	objs := make([]*author, 40)
	for i := range objs {
		objs[i] = &author{Name: "a"}
		en, added, err := tr.Persist(e, unsafe.Pointer(objs[i]))
		if err != nil || !added || en.State != tracking.StateNew || en.HasKey {
			t.Fatalf("object %d: (%v, %v, %v)", i, en, added, err)
		}
	}
	for i, o := range objs {
		en, added, err := tr.Persist(e, unsafe.Pointer(o))
		if err != nil || added || en.Obj != unsafe.Pointer(o) {
			t.Fatalf("object %d persisted again: (%v, %v)", i, added, err)
		}
		if got, ok := tr.Entry(e, unsafe.Pointer(o)); !ok || got != en {
			t.Fatalf("object %d: Entry disagrees with Persist", i)
		}
	}
	// A loaded row: found by key, not added.
	row := &author{ID: 7, Name: "loaded"}
	want := loaded(t, tr, e, unsafe.Pointer(row))
	if en, added, err := tr.Persist(e, unsafe.Pointer(row)); err != nil || added || en != want {
		t.Fatalf("loaded row: (%v, %v)", added, err)
	}
	// Another object with the loaded row's key: refused, nothing added.
	n := tr.Len()
	if _, _, err := tr.Persist(e, unsafe.Pointer(&author{ID: 7})); err == nil || !strings.Contains(err.Error(), "as another object") {
		t.Fatalf("duplicate key: %v", err)
	}
	if tr.Len() != n {
		t.Fatal("a refused object was tracked")
	}
	// A new object with a key of its own is indexed by it.
	keyed := &author{ID: 9}
	en, added, err := tr.Persist(e, unsafe.Pointer(keyed))
	if err != nil || !added || !en.HasKey || en.Key != (tracking.Key{I: 9}) {
		t.Fatalf("keyed object: (%v, %v, %v)", en, added, err)
	}
	if got, ok := tr.Lookup(e, tracking.Key{I: 9}); !ok || got != en {
		t.Fatal("keyed object not found by its key")
	}
}
