package sqltest

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// StreamOwner is the target of StreamRow's reference.
type StreamOwner struct {
	ID   int64 `orm:"pk"`
	Name string
}

// StreamRow is the streamed entity.
type StreamRow struct {
	ID    int64 `orm:"pk"`
	Name  string
	Score int64
	Owner ref.Ref[StreamOwner]
}

// StreamInBoundedMemory streams n rows (GOMIKRO_STREAM_ROWS overrides
// n) with em.Stream and with the query builder's detached Iterate and
// checks that the live heap stays flat: sampled (after a GC) every tenth
// of the rows, it never grows more than 32 MiB over what it was before
// the stream. With GOMIKRO_STREAM_ROWS set, the managed Iterate is
// measured too, for comparison. fill inserts rows 1..n of stream_row
// (columns id, name, score = 7*id, owner_id = 1 + id%2) given n as its
// only parameter, in the dialect's placeholder syntax.
func StreamInBoundedMemory(t *testing.T, open func(t testing.TB, cfg gomikro.Config) *sqlem.ORM, n int, fill string) {
	if s := os.Getenv("GOMIKRO_STREAM_ROWS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 10 {
			t.Fatalf("GOMIKRO_STREAM_ROWS=%q: want a count of at least 10", s)
		}
		n = v
	}
	ctx := context.Background()
	orm := open(t, gomikro.Config{Entities: []any{StreamOwner{}, StreamRow{}}})
	m := orm.EM().Fork()
	if _, err := m.Execute(ctx, `INSERT INTO stream_owner (id, name) VALUES (1, 'o1'), (2, 'o2')`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := m.Execute(ctx, fill, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("inserted %d rows in %v", n, time.Since(start).Round(time.Millisecond))

	const bound = 32 << 20
	measure := func(name string, seq func(yield func(*StreamRow, error) bool)) uint64 {
		t.Helper()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		var peak uint64
		var samples []uint64
		count := 0
		var sum int64
		start := time.Now()
		for r, err := range seq {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sum += r.Score
			if r.Owner.ID() == nil {
				t.Fatalf("%s: row %d without its owner's key", name, r.ID)
			}
			count++
			if count%(n/10) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				samples = append(samples, ms.HeapInuse>>20)
				if ms.HeapInuse > base {
					peak = max(peak, ms.HeapInuse-base)
				}
			}
		}
		if count != n || sum != 7*int64(n)*int64(n+1)/2 {
			t.Fatalf("%s: %d rows, score sum %d", name, count, sum)
		}
		t.Logf("%s: %d rows in %v; heap in use %d MiB before, then (MiB) %v; growth %.1f MiB",
			name, n, time.Since(start).Round(time.Millisecond), base>>20, samples, float64(peak)/(1<<20))
		return peak
	}
	f := orm.EM().Fork()
	if g := measure("em.Stream", em.Stream[StreamRow](ctx, f, nil)); g > bound {
		t.Errorf("em.Stream: the heap grew %d MiB, more than %d", g>>20, bound>>20)
	}
	if g := measure("QueryBuilder.Detached.Iterate", sqlem.QB[StreamRow](f, "r").Detached().Iterate(ctx)); g > bound {
		t.Errorf("detached Iterate: the heap grew %d MiB, more than %d", g>>20, bound>>20)
	}
	if f.Len() != 0 {
		t.Fatalf("detached streams left %d objects in the identity map", f.Len())
	}
	if os.Getenv("GOMIKRO_STREAM_ROWS") != "" {
		measure("QueryBuilder.Iterate (managed, for comparison)", sqlem.QB[StreamRow](orm.EM().Fork(), "r").Iterate(ctx))
	}
}
