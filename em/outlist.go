package em

import "unsafe"

// A find collects the objects of its rows in a list that grows row by
// row. Grown by append, a list of n objects costs about four times its
// final size in allocations and copies; a find instead collects them in
// blocks (no copying while rows come in) and joins the blocks once into
// a list of the exact size.
//
// Most rows of a find are new to the identity map: their entries wait in
// the tracker, in row order, for the find's end (AddLoadedLater). Those
// objects are not pushed one by one: the hydrator only counts them
// (lazy) and copies them from the tracker's pending entries when the
// order of the list needs it (another object comes, the pending entries
// are about to be indexed, or the list is taken). A find whose rows are
// all new thus makes one list, of the exact size, and no blocks.

// maxOutBlock is the size of the blocks once a find has collected as
// many objects.
const maxOutBlock = 1024

// outBlocks collects the objects of a find's rows.
type outBlocks struct {
	full [][]unsafe.Pointer // blocks filled, in order
	n    int                // objects in full
}

// useBlocks makes the hydrator collect its objects in blocks (and count
// the new ones, see lazy); takeOut returns them.
func (h *hydrator) useBlocks() { h.blocks = &outBlocks{} }

// push adds obj to the hydrator's objects.
func (h *hydrator) push(obj unsafe.Pointer) {
	if h.lazy > 0 {
		h.unlazy()
	}
	if h.blocks != nil && len(h.out) == cap(h.out) && h.out != nil {
		b := h.blocks
		b.full = append(b.full, h.out)
		b.n += len(h.out)
		h.out = make([]unsafe.Pointer, 0, min(maxOutBlock, b.n))
	}
	h.out = append(h.out, obj)
}

// pushPending adds the object of the entry just added by
// AddLoadedLater; it is copied from the tracker by unlazy.
func (h *hydrator) pushPending() { h.lazy++ }

// unlazy appends the objects counted by pushPending to the list, before
// the tracker indexes its pending entries or another object comes.
func (h *hydrator) unlazy() {
	n := h.lazy
	h.lazy = 0
	if len(h.out) == 0 && (h.blocks == nil || len(h.blocks.full) == 0) {
		// The first objects: a list of their exact count.
		h.out = h.m.t.PendingObjs(make([]unsafe.Pointer, 0, n), n)
		return
	}
	// Later ones: a block of their own (unlazy runs only with blocks).
	if b := h.blocks; len(h.out) > 0 {
		b.full = append(b.full, h.out)
		b.n += len(h.out)
	}
	h.out = h.m.t.PendingObjs(make([]unsafe.Pointer, 0, n), n)
}

// takeOut returns the objects collected (nil when none) in one list.
func (h *hydrator) takeOut() []unsafe.Pointer {
	if h.lazy > 0 {
		h.unlazy()
	}
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
