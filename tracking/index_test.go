package tracking

import "testing"

// TestIndexOneThenMaps checks the index through its states: empty, one
// row held inline, rows spilled to the maps, deletions in each state.
func TestIndexOneThenMaps(t *testing.T) {
	for _, keys := range [][]Key{
		{{I: 1}, {I: 2}, {I: 3}},
		{{S: "sa"}, {S: "sb"}, {S: "sc"}},
	} {
		var x index
		ens := []*Entry{{}, {}, {}}
		if _, ok := x.get(keys[0]); ok {
			t.Fatal("empty index found a row")
		}
		x.put(keys[0], ens[0])
		if en, ok := x.get(keys[0]); !ok || en != ens[0] {
			t.Fatal("one row not found")
		}
		if _, ok := x.get(keys[1]); ok {
			t.Fatal("another key found the one row")
		}
		// Replacing the one row keeps it inline.
		x.put(keys[0], ens[1])
		if en, _ := x.get(keys[0]); en != ens[1] || x.ints.n != 0 || x.strs != nil {
			t.Fatal("replacing the one row")
		}
		x.del(keys[0], ens[0]) // not the entry indexed: no effect
		if en, _ := x.get(keys[0]); en != ens[1] {
			t.Fatal("del of another entry removed the row")
		}
		x.del(keys[0], ens[1])
		if _, ok := x.get(keys[0]); ok || x.one != nil {
			t.Fatal("one row not deleted")
		}
		for i, k := range keys {
			x.put(k, ens[i])
		}
		if x.one != nil {
			t.Fatal("three rows kept inline")
		}
		for i, k := range keys {
			if en, ok := x.get(k); !ok || en != ens[i] {
				t.Fatalf("row %d lost after spilling", i)
			}
		}
		x.del(keys[1], ens[1])
		if _, ok := x.get(keys[1]); ok {
			t.Fatal("row not deleted from the maps")
		}
		if en, _ := x.get(keys[2]); en != ens[2] {
			t.Fatal("deleting one row lost another")
		}
	}
}

// TestIndexSpill checks that spill moves the inline row to the maps.
func TestIndexSpill(t *testing.T) {
	var x index
	en := &Entry{}
	x.put(Key{I: 7}, en)
	x.spill()
	if got, _ := x.ints.get(7); x.one != nil || got != en {
		t.Fatal("spill did not move the row")
	}
	if got, ok := x.get(Key{I: 7}); !ok || got != en {
		t.Fatal("row lost by spill")
	}
}
