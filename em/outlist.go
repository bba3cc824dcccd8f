package em

import (
	"slices"
	"sync"
	"unsafe"
)

// A find collects the objects of its rows in a list that grows row by
// row. Grown by append, a list of n objects costs about four times its
// final size in allocations and copies; a find instead appends to a
// scratch list recycled from earlier finds and returns an exact copy.

// outScratch holds the scratch lists (*[]unsafe.Pointer, cleared).
var outScratch sync.Pool

// maxScratch is the largest list kept for reuse (8 MiB of pointers).
const maxScratch = 1 << 20

// useScratch makes the hydrator collect its objects in a scratch list;
// takeOut returns them.
func (h *hydrator) useScratch() {
	if p, ok := outScratch.Get().(*[]unsafe.Pointer); ok {
		h.out, h.scratch = (*p)[:0], p
		return
	}
	h.scratch = new([]unsafe.Pointer)
}

// takeOut returns the objects collected (nil when none) in a list of
// their own and puts the scratch list back for another find.
func (h *hydrator) takeOut() []unsafe.Pointer {
	if h.scratch == nil {
		return h.out
	}
	var out []unsafe.Pointer
	if len(h.out) > 0 {
		out = slices.Clone(h.out)
	}
	if cap(h.out) <= maxScratch {
		clear(h.out)
		*h.scratch = h.out[:0]
		outScratch.Put(h.scratch)
	}
	h.out, h.scratch = out, nil
	return out
}
