package mongoem

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A key block hands out keys from memory until it runs out, reserves
// blocks of at least its minimum and of the request, and continues a
// block that the next reservation follows on from.
func TestKeyBlockTake(t *testing.T) {
	b := &keyBlock{sem: make(chan struct{}, 1), min: 10}
	counter, calls := int64(0), 0
	reserve := func(size int64) (int64, error) {
		calls++
		counter += size
		return counter - size + 1, nil
	}
	ctx := t.Context()
	take := func(n, want int64, wantCalls int) {
		t.Helper()
		first, err := b.take(ctx, n, reserve)
		if err != nil || first != want || calls != wantCalls {
			t.Fatalf("take %d: %d, %v after %d reservations; want %d after %d", n, first, err, calls, want, wantCalls)
		}
	}
	take(1, 1, 1)  // block [1, 11)
	take(8, 2, 1)  // [10, 11) left
	take(3, 10, 2) // reserves [11, 21) and continues at 10
	take(8, 13, 2) // [13, 21)
	take(25, 21, 3)
	if b.next != 46 || b.end != 46 {
		t.Fatalf("block [%d, %d), want [46, 46)", b.next, b.end)
	}
	counter += 100 // another writer took keys meanwhile
	take(2, 146, 4)
	if b.next != 148 || b.end != 156 {
		t.Fatalf("block [%d, %d), want [148, 156)", b.next, b.end)
	}
	first, err := b.renew(ctx, 3, false, reserve) // n keys aside, the block kept
	if err != nil || first != 156 || b.next != 148 || b.end != 156 || calls != 5 {
		t.Fatalf("renew: %d, %v, block [%d, %d)", first, err, b.next, b.end)
	}
	first, err = b.renew(ctx, 3, true, reserve) // a new block
	if err != nil || first != 159 || b.next != 162 || b.end != 169 || calls != 6 {
		t.Fatalf("renew dropping the block: %d, %v, block [%d, %d)", first, err, b.next, b.end)
	}
	// n keys aside that overlap the block (the counter fell behind)
	// drop it.
	first, err = b.renew(ctx, 2, false, func(int64) (int64, error) { return 163, nil })
	if err != nil || first != 163 || b.next != 0 || b.end != 0 {
		t.Fatalf("renew overlapping the block: %d, %v, block [%d, %d)", first, err, b.next, b.end)
	}
	take(7, 169, 7)
	failed := errors.New("down")
	if _, err := b.take(ctx, 100, func(int64) (int64, error) { return 0, failed }); !errors.Is(err, failed) {
		t.Fatalf("a failed reservation: %v", err)
	}
	take(1, 176, 7) // the block is kept
}

// A goroutine waiting for another's reservation leaves when its context
// ends.
func TestKeyBlockWaitHonoursContext(t *testing.T) {
	b := &keyBlock{sem: make(chan struct{}, 1), min: 10}
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := b.take(context.Background(), 1, func(size int64) (int64, error) {
			close(started)
			<-release
			return 1, nil
		})
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.take(ctx, 1, func(int64) (int64, error) { t.Error("reserved twice"); return 0, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the context: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if first, err := b.take(t.Context(), 1, nil); err != nil || first != 2 {
		t.Fatalf("after the reservation: %d, %v; want 2", first, err)
	}
}
