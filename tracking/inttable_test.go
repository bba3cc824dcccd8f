package tracking

import (
	"math/rand/v2"
	"testing"
)

// TestIntTableAgainstMap runs random puts, gets, deletions and reserves
// on an intTable and a Go map side by side, over keys that are small,
// negative, zero, or multiples of a large power of two (which a hash of
// the low bits alone would pile into one run).
func TestIntTableAgainstMap(t *testing.T) {
	keys := make([]int64, 0, 3000)
	for i := range int64(1000) {
		keys = append(keys, i, -i-1, i<<20)
	}
	var tab intTable
	ref := map[int64]*Entry{}
	r := rand.New(rand.NewPCG(3, 4))
	check := func(step int) {
		t.Helper()
		if tab.n != len(ref) {
			t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(ref))
		}
		for _, k := range keys {
			en, ok := tab.get(k)
			want, wok := ref[k]
			if ok != wok || en != want {
				t.Fatalf("step %d: key %d: got (%p, %v), want (%p, %v)", step, k, en, ok, want, wok)
			}
		}
		seen := 0
		if _, err := tab.any(func(en *Entry) (bool, error) {
			if ref[en.Key.I] != en {
				t.Fatalf("step %d: any visited an entry not held", step)
			}
			seen++
			return false, nil
		}); err != nil {
			t.Fatal(err)
		}
		if seen != len(ref) {
			t.Fatalf("step %d: any visited %d entries, want %d", step, seen, len(ref))
		}
	}
	for step := range 30000 {
		k := keys[r.IntN(len(keys))]
		switch r.IntN(7) {
		case 0, 1, 2:
			en := &Entry{Key: Key{I: k}}
			tab.put(k, en)
			ref[k] = en
		case 3:
			tab.reserve(r.IntN(500))
		default:
			tab.del(k)
			delete(ref, k)
		}
		if step%3000 == 0 {
			check(step)
		}
	}
	check(-1)
	for k := range ref {
		tab.del(k)
		delete(ref, k)
	}
	check(-2)
}

// TestIndexIntKeysThroughReserve fills an entity's key index as a flush
// of many inserts does (reserve, then a put per row) and as a find does
// (mapListed), and finds every row, including key 0.
func TestIndexIntKeysThroughReserve(t *testing.T) {
	var x index
	ens := make([]*Entry, 100)
	x.reserve(Key{I: 1}, len(ens))
	for i := range ens {
		ens[i] = &Entry{Key: Key{I: int64(i)}}
		x.put(ens[i].Key, ens[i])
	}
	for i, en := range ens {
		if got, ok := x.get(Key{I: int64(i)}); !ok || got != en {
			t.Fatalf("key %d not found", i)
		}
	}
	if _, ok := x.get(Key{I: 100}); ok {
		t.Fatal("a key never put was found")
	}
	x.del(Key{I: 0}, ens[0])
	if _, ok := x.get(Key{I: 0}); ok {
		t.Fatal("key 0 not deleted")
	}
}
