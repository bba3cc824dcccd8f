package tracking

import (
	"math/bits"
	"unsafe"
)

// objTable finds the entries of new objects by address (Tracker.byObj).
// A unit of work that persists N objects puts N entries in it and looks
// each up two or three times on the way to its insert, so it is an
// open-addressing table of its own rather than a Go map: linear probing
// in a power-of-two array, a multiplicative hash of the address, no more
// than 5/8 full, deletion by backward shift (no tombstones). An insert
// costs a few dozen instructions where a growing map[unsafe.Pointer]
// costs hundreds.
type objTable struct {
	slots []objSlot // empty: not made yet
	n     int       // entries held
	shift uint8     // 64 - log2(len(slots))
}

// objSlot is one place of an objTable; obj is nil when it is empty.
type objSlot struct {
	obj unsafe.Pointer
	en  *Entry
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
		s := &t.slots[i]
		if s.obj == obj {
			return s.en, true
		}
		if s.obj == nil {
			return nil, false
		}
	}
}

// put sets the entry of obj (not nil).
func (t *objTable) put(obj unsafe.Pointer, en *Entry) {
	if (t.n+1)*8 > len(t.slots)*5 {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := t.home(obj); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.obj == obj {
			s.en = en
			return
		}
		if s.obj == nil {
			s.obj, s.en = obj, en
			t.n++
			return
		}
	}
}

// grow doubles the table (makes it, the first time) and puts the entries
// back.
func (t *objTable) grow() {
	old := t.slots
	n := max(16, 2*len(old))
	t.slots = make([]objSlot, n)
	t.shift = uint8(64 - bits.TrailingZeros(uint(n)))
	t.n = 0
	for _, s := range old {
		if s.obj != nil {
			t.put(s.obj, s.en)
		}
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
	for t.slots[i].obj != obj {
		if t.slots[i].obj == nil {
			return
		}
		i = (i + 1) & mask
	}
	t.n--
	for j := i; ; {
		t.slots[i] = objSlot{}
		for {
			j = (j + 1) & mask
			o := t.slots[j].obj
			if o == nil {
				return
			}
			// The entry at j stays unless its home lies cyclically
			// outside (i, j]: then the hole at i breaks its probe.
			h := t.home(o)
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
