package mongoem_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// Generated integer keys are safe under concurrency: forks inserting at
// the same time get distinct keys and no error, however the server
// serves the counters collection (FerretDB's findAndModify $inc is not
// atomic).
func TestGeneratedKeysUnderConcurrency(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{Customer{}, Order{}, Label{}}})
	ctx := t.Context()
	const forks, flushes, per = 8, 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, forks*flushes)
	ids := make(chan int64, forks*flushes*per)
	for f := range forks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := orm.EM().Fork()
			for i := range flushes {
				var ls []*Label
				for j := range per {
					l := &Label{Name: fmt.Sprintf("f%d-%d-%d", f, i, j)}
					ls = append(ls, l)
					if err := m.Persist(l); err != nil {
						errs <- err
						return
					}
				}
				if err := m.Flush(ctx); err != nil {
					errs <- fmt.Errorf("fork %d flush %d: %w", f, i, err)
					return
				}
				for _, l := range ls {
					ids <- l.ID
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("key %d given twice", id)
		}
		seen[id] = true
	}
	n, err := em.Count[Label](ctx, orm.EM().Fork(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != forks*flushes*per || len(seen) != forks*flushes*per {
		t.Fatalf("%d labels stored, %d distinct keys; want %d", n, len(seen), forks*flushes*per)
	}
}

// A unique violation by an update is gomikro.ErrUniqueViolation, also
// where FerretDB reports it as an InternalError.
func TestUniqueViolationOnUpdate(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{Customer{}, Order{}, Label{}}})
	ctx := t.Context()
	m := orm.EM().Fork()
	a, b := &Label{Name: "a"}, &Label{Name: "b"}
	if err := m.Persist(a, b); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	b.Name = "a"
	err := m.Flush(ctx)
	if !errors.Is(err, gomikro.ErrUniqueViolation) {
		t.Fatalf("update to a taken unique name: %v, want gomikro.ErrUniqueViolation", err)
	}
	var ce *gomikro.ConstraintError
	if !errors.As(err, &ce) || ce.Entity != "Label" || ce.Field != "Name" {
		t.Fatalf("%#v: want a ConstraintError naming Label.Name", ce)
	}
}
