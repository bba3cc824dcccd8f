package conformance

import (
	"fmt"
	"sync"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// ConcurrentForks runs forks of one ORM in parallel goroutines, each inserting
// rows with keys of its own, updating its own seeded book, and loading
// with populate, so that the race detector sees the caches the forks
// share (layouts, insert and scan plans, statement caches, pools).
func ConcurrentForks(t *testing.T, h *Harness) {
	const workers = 6
	m := h.EM()
	_, b1, b2 := seed(t, h, m)
	books := []int64{b1.ID, b2.ID}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				f := h.EM()
				for i := range 3 {
					if err := f.Persist(&Edition{ISBN: fmt.Sprintf("w%d", w), Printing: i + 1, Copies: w}); err != nil {
						return err
					}
				}
				if err := f.Flush(h.Ctx); err != nil {
					return fmt.Errorf("insert: %w", err)
				}
				eds, err := em.Find[Edition](h.Ctx, f, query.Eq("isbn", fmt.Sprintf("w%d", w)))
				if err != nil {
					return err
				}
				if len(eds) != 3 {
					return fmt.Errorf("worker %d found %d of its 3 editions", w, len(eds))
				}
				for _, e := range eds {
					e.Copies += 100
				}
				if err := f.Flush(h.Ctx); err != nil {
					return fmt.Errorf("update: %w", err)
				}
				bs, err := em.Find[Book](h.Ctx, h.EM(), query.In("id", books[0], books[1]), em.Populate("Author", "Tags"))
				if err != nil {
					return err
				}
				if len(bs) != 2 || bs[0].Author.Get() == nil || bs[0].Author.Get().Name != "Ann" {
					return fmt.Errorf("worker %d: books and authors not loaded", w)
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	n, err := em.Count[Edition](h.Ctx, h.EM(), query.Gt("copies", 99))
	must(t, err)
	if n != workers*3 {
		t.Fatalf("%d updated editions, want %d", n, workers*3)
	}
}
