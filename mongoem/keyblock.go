package mongoem

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro/meta"
)

// DefaultKeyBlockSize is the number of generated integer keys an ORM
// reserves from the counters collection at a time, per collection, when
// gomikro.Config.KeyBlockSize is 0.
const DefaultKeyBlockSize = 100

// keyBlock hands out the generated integer keys of one collection from a
// block reserved in the counters collection, shared by every
// EntityManager of one ORM (hi/lo): a flush takes its keys from the
// block and reserves a new one only when the block runs out. One
// goroutine at a time takes keys or reserves a block; the others wait
// (or leave when their context ends).
type keyBlock struct {
	// sem, of capacity 1, is held while taking keys or reserving.
	sem chan struct{}
	// min is the smallest block reserved.
	min int64
	// [next, end) are the keys of the block not handed out yet; guarded
	// by sem.
	next, end int64
}

// newKeyBlocks returns a key block of minimum size min for each
// collection of info.
func newKeyBlocks(info map[*meta.Entity]*entInfo, min int64) map[string]*keyBlock {
	m := map[string]*keyBlock{}
	for _, in := range info {
		if m[in.coll] == nil {
			m[in.coll] = &keyBlock{sem: make(chan struct{}, 1), min: min}
		}
	}
	return m
}

// keyBlockSize returns the minimum block size of a configured size (see
// gomikro.Config.KeyBlockSize).
func keyBlockSize(n int) (int64, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("gomikro: KeyBlockSize %d: want 0 (the default, %d) or more", n, DefaultKeyBlockSize)
	case n == 0:
		return DefaultKeyBlockSize, nil
	}
	return int64(n), nil
}

// lock takes sem, or fails when ctx ends first.
func (b *keyBlock) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case b.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *keyBlock) unlock() { <-b.sem }

// take returns the first of n consecutive keys, from the block when it
// has them, else from a new block of max(n, min) keys that reserve
// returns the first of. Keys are never handed out twice: those left in
// a block that cannot serve n are dropped (a gap), unless the new block
// follows on from them.
func (b *keyBlock) take(ctx context.Context, n int64, reserve func(size int64) (int64, error)) (int64, error) {
	if err := b.lock(ctx); err != nil {
		return 0, err
	}
	defer b.unlock()
	if b.end-b.next >= n {
		first := b.next
		b.next += n
		return first, nil
	}
	size := max(n, b.min)
	first, err := reserve(size)
	if err != nil {
		return 0, err
	}
	start := first
	if first == b.end && b.next < b.end {
		start = b.next // the new block continues the old one
	}
	b.next, b.end = start+n, first+size
	return start, nil
}

// renew returns the first of n keys that reserve reserves after a
// collision, taking the block's lock. When the key that collided was
// surely taken (drop), the block's keys may be another writer's too: the
// block is dropped and the n keys start a new block of max(n, min).
// Else (the duplicate may be another unique index's) only n keys are
// reserved, and the block is kept unless they overlap it.
func (b *keyBlock) renew(ctx context.Context, n int64, drop bool, reserve func(size int64) (int64, error)) (int64, error) {
	if err := b.lock(ctx); err != nil {
		return 0, err
	}
	defer b.unlock()
	size := n
	if drop {
		size = max(n, b.min)
		b.next, b.end = 0, 0
	}
	first, err := reserve(size)
	switch {
	case err != nil:
		return 0, err
	case drop:
		b.next, b.end = first+n, first+size
	case first < b.end && b.next < first+n:
		b.next, b.end = 0, 0
	}
	return first, nil
}
