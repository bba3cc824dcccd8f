package tracking

import (
	"math/bits"
	"math/rand/v2"
)

// intTable is the key index of the rows of one entity whose keys are
// integers (index.ints): a flush inserting N rows puts N keys in it, a
// find of N rows as many. Like objTable it is an open-addressing table
// of its own rather than a Go map: linear probing in a power-of-two array
// of (key, entry) places, no more than 3/4 full, deletion by backward
// shift. A probe compares the keys held in the array, without reading
// the entries. The hash is a bijective mix of the key and a seed drawn
// per table, so that no fixed set of keys (all multiples of 1024, say)
// piles up in one run. A place takes 16 bytes: a table of N keys takes
// about the bytes of a Go map of them.
type intTable struct {
	slots []intSlot // nil: not made yet; a nil en is an empty place
	n     int       // entries held
	shift uint8     // 64 - log2(len(slots))
	seed  uint64
}

type intSlot struct {
	k  int64
	en *Entry
}

// home returns the slot where a probe for k starts.
func (t *intTable) home(k int64) int {
	x := uint64(k) ^ t.seed
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return int(x >> t.shift)
}

// get returns the entry of key k.
func (t *intTable) get(k int64) (*Entry, bool) {
	if t.n == 0 {
		return nil, false
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.en == nil {
			return nil, false
		}
		if s.k == k {
			return s.en, true
		}
	}
}

// put makes en found by k, in place of the entry there was for it.
func (t *intTable) put(k int64, en *Entry) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(t.n + 1)
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.en == nil {
			s.k, s.en = k, en
			t.n++
			return
		}
		if s.k == k {
			s.en = en
			return
		}
	}
}

// reserve makes room for n more entries, so that many puts in a row do
// not grow the table step by step.
func (t *intTable) reserve(n int) {
	if (t.n+n)*4 > len(t.slots)*3 {
		t.resize(t.n + n)
	}
}

// resize makes the array the smallest power of two (at least 16 places,
// at least twice the old) that holds want entries within the load limit,
// and puts the entries back.
func (t *intTable) resize(want int) {
	n := max(16, 2*len(t.slots))
	for want*4 > n*3 {
		n *= 2
	}
	old := t.slots
	t.slots = make([]intSlot, n)
	t.shift = uint8(64 - bits.TrailingZeros(uint(n)))
	if old == nil {
		t.seed = rand.Uint64()
	}
	t.n = 0
	mask := n - 1
	for _, s := range old {
		if s.en == nil {
			continue
		}
		// Keys are distinct: the first empty place is theirs.
		i := t.home(s.k)
		for t.slots[i].en != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		t.n++
	}
}

// del removes key k, moving back the entries of its probe run that would
// no longer be found past the hole.
func (t *intTable) del(k int64) {
	if t.n == 0 {
		return
	}
	mask := len(t.slots) - 1
	i := t.home(k)
	for {
		s := &t.slots[i]
		if s.en == nil {
			return
		}
		if s.k == k {
			break
		}
		i = (i + 1) & mask
	}
	t.n--
	for j := i; ; {
		t.slots[i] = intSlot{}
		for {
			j = (j + 1) & mask
			o := t.slots[j]
			if o.en == nil {
				return
			}
			// The entry at j stays unless its home lies cyclically
			// outside (i, j]: then the hole at i breaks its probe.
			h := t.home(o.k)
			if i <= j && (h <= i || h > j) || i > j && h <= i && h > j {
				break
			}
		}
		t.slots[i] = t.slots[j]
		i = j
	}
}

// any reports whether fn answers true (or an error) for an entry,
// stopping at the first that does.
func (t *intTable) any(fn func(*Entry) (bool, error)) (bool, error) {
	if t.n == 0 {
		return false, nil
	}
	for _, s := range t.slots {
		if s.en == nil {
			continue
		}
		if hit, err := fn(s.en); hit || err != nil {
			return hit, err
		}
	}
	return false, nil
}
