package tracking

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestWordsEqual checks the word comparison of Sweep (wordsEqual, and
// its copy in sweepRun) against a plain comparison: one bit flipped in
// any word of a span of 1 to 12 words, at any offset, is a difference,
// whatever the other words hold.
func TestWordsEqual(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := uintptr(1); n <= 12; n++ {
		for at := uintptr(0); at <= 16; at += 8 {
			for trial := range 50 {
				a := make([]uint64, 16)
				for i := range a {
					a[i] = r.Uint64()
					if trial%2 == 0 {
						a[i] = ^uint64(0) // every bit set: what a wrong OR would absorb
					}
				}
				b := append([]uint64(nil), a...)
				pa, pb := unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0])
				if !wordsEqual(pa, pb, at, n) || !runEqual(pa, pb, at, n) {
					t.Fatalf("n=%d at=%d: equal words reported different", n, at)
				}
				k := at/8 + uintptr(r.IntN(int(n)))
				b[k] ^= 1 << r.IntN(64)
				if wordsEqual(pa, pb, at, n) || runEqual(pa, pb, at, n) {
					t.Fatalf("n=%d at=%d: word %d differs, reported equal", n, at, k)
				}
				b[k] = a[k]
				if o := r.IntN(16); uintptr(o) < at/8 || uintptr(o) >= at/8+n {
					// Outside the span: not looked at.
					b[o] ^= 1
					if !wordsEqual(pa, pb, at, n) || !runEqual(pa, pb, at, n) {
						t.Fatalf("n=%d at=%d: word %d outside the span compared", n, at, o)
					}
				}
			}
		}
	}
}

// runEqual compares through sweepRun: one managed entry whose object is
// a and snapshot b.
func runEqual(a, b unsafe.Pointer, at, n uintptr) bool {
	l := &layout{words: n, wordsAt: at}
	sh := &shape{layout: l}
	en := &Entry{E: l.e, Obj: a, Snap: b, State: StateManaged}
	marks := make([]uint64, 1)
	return sweepRun([]*Entry{en}, 0, sh, marks) == 1 && marks[0] == 1
}
