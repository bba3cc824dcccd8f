package em

import "unsafe"

// A find collects the objects of its rows in a list that grows row by
// row. Grown by append, a list of n objects costs about four times its
// final size in allocations and copies; a find instead collects them in
// blocks (no copying while rows come in) and joins the blocks once into
// a list of the exact size.

// maxOutBlock is the size of the blocks once a find has collected as
// many objects.
const maxOutBlock = 1024

// outBlocks collects the objects of a find's rows.
type outBlocks struct {
	full [][]unsafe.Pointer // blocks filled, in order
	n    int                // objects in full
}

// useBlocks makes the hydrator collect its objects in blocks; takeOut
// returns them.
func (h *hydrator) useBlocks() { h.blocks = &outBlocks{} }

// push adds obj to the hydrator's objects.
func (h *hydrator) push(obj unsafe.Pointer) {
	if h.blocks != nil && len(h.out) == cap(h.out) && h.out != nil {
		b := h.blocks
		b.full = append(b.full, h.out)
		b.n += len(h.out)
		h.out = make([]unsafe.Pointer, 0, min(maxOutBlock, b.n))
	}
	h.out = append(h.out, obj)
}

// takeOut returns the objects collected (nil when none) in one list.
func (h *hydrator) takeOut() []unsafe.Pointer {
	b := h.blocks
	if b == nil || len(b.full) == 0 {
		return h.out
	}
	out := make([]unsafe.Pointer, 0, b.n+len(h.out))
	for _, blk := range b.full {
		out = append(out, blk...)
	}
	out = append(out, h.out...)
	h.out, h.blocks = out, nil
	return out
}
