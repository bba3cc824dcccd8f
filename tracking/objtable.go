package tracking

import (
	"math/bits"
	"unsafe"
)

// objTable finds the entries of new objects by address (Tracker.byObj).
// A unit of work that persists N objects puts N entries in it and looks
// each up two or three times on the way to its insert, so it is an
// open-addressing table of its own rather than a Go map: linear probing
// in a power-of-two array of entries (an entry holds its object's
// address: one word a place), a mixed hash of the address, no more than
// 5/8 full, deletion by backward shift (no tombstones). An insert costs
// a few dozen instructions where a growing map[unsafe.Pointer] costs
// hundreds, and fewer bytes.
type objTable struct {
	slots []*Entry // nil: not made yet; a nil entry is an empty place
	n     int      // entries held
	shift uint8    // 64 - log2(len(slots))
}

// home returns the slot where a probe for obj starts.
func (t *objTable) home(obj unsafe.Pointer) int {
	return int(hashAddr(obj) >> t.shift)
}

// get returns the entry of obj.
func (t *objTable) get(obj unsafe.Pointer) (*Entry, bool) {
	if t.n == 0 {
		return nil, false
	}
	mask := len(t.slots) - 1
	for i := t.home(obj); ; i = (i + 1) & mask {
		en := t.slots[i]
		if en == nil {
			return nil, false
		}
		if en.Obj == obj {
			return en, true
		}
	}
}

// put makes en found by its object's address, in place of the entry
// there was for it.
func (t *objTable) put(en *Entry) {
	if (t.n+1)*8 > len(t.slots)*5 {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := t.home(en.Obj); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if *s == nil {
			*s = en
			t.n++
			return
		}
		if (*s).Obj == en.Obj {
			*s = en
			return
		}
	}
}

// grow makes the table larger (makes it, the first time) and puts the
// entries back.
func (t *objTable) grow() {
	old := t.slots
	// Four times the size while small: a unit of work persisting many
	// objects moves each about a third as often as by doubling.
	n := max(16, 2*len(old))
	if len(old) < 1<<12 {
		n = max(16, 4*len(old))
	}
	t.slots = make([]*Entry, n)
	t.shift = uint8(64 - bits.TrailingZeros(uint(n)))
	mask := n - 1
	for _, en := range old {
		if en == nil {
			continue
		}
		// Objects are distinct: the first empty place is theirs.
		i := t.home(en.Obj)
		for t.slots[i] != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = en
	}
}

// del removes obj, moving back the entries of its probe run that would
// no longer be found past the hole.
func (t *objTable) del(obj unsafe.Pointer) {
	if t.n == 0 {
		return
	}
	mask := len(t.slots) - 1
	i := t.home(obj)
	for {
		en := t.slots[i]
		if en == nil {
			return
		}
		if en.Obj == obj {
			break
		}
		i = (i + 1) & mask
	}
	t.n--
	for j := i; ; {
		t.slots[i] = nil
		for {
			j = (j + 1) & mask
			o := t.slots[j]
			if o == nil {
				return
			}
			// The entry at j stays unless its home lies cyclically
			// outside (i, j]: then the hole at i breaks its probe.
			h := t.home(o.Obj)
			if i <= j && (h <= i || h > j) || i > j && h <= i && h > j {
				break
			}
		}
		t.slots[i] = t.slots[j]
		i = j
	}
}

// clear empties the table, keeping its array.
func (t *objTable) clear() {
	clear(t.slots)
	t.n = 0
}
