package benchmarks_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gomikro/gomikro/benchmarks"
)

// The Go benchmarks run the same workloads as cmd/benchrun, for benchstat:
//
//	go test -run '^$' -bench . -count 6 | tee bench.txt
//	benchstat -col /impl bench.txt
//
// Sub-benchmarks are named backend=<b>/impl=<i>. ns/op is the median time
// of the timed part alone (one flush, one load, one save), without the
// untimed preparation and the check after it; B/book and allocs/book are
// the timed part's heap allocations per book. GOMIKRO_BENCH_N sets N
// (10,000 by default; 1,000 on the MongoDB-wire server), and a backend
// runs when its GOMIKRO_* variable is set (SQLite always).

func benchN(backend string) int {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("GOMIKRO_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	if backend == benchmarks.Mongo {
		n = min(n, 1000)
	}
	return n
}

func backends(tb testing.TB) []string {
	var out []string
	for _, be := range []string{benchmarks.Postgres, benchmarks.MySQL, benchmarks.SQLite, benchmarks.Mongo} {
		if _, err := benchmarks.ServerDSN(be); err != nil {
			if os.Getenv("GOMIKRO_REQUIRE_DB") == "1" {
				tb.Fatal(err)
			}
			continue
		}
		out = append(out, be)
	}
	return out
}

// run measures workload w (at size n or concurrency k) for every
// implementation on every backend.
func run(b *testing.B, w string, k int) {
	ctx := context.Background()
	for _, be := range backends(b) {
		store, err := benchmarks.CreateStore(ctx, be, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = store.Drop(context.Background()) })
		var base benchmarks.Factory
		for _, f := range benchmarks.Factories() {
			if f.Backend == be && f.Baseline {
				base = f
			}
		}
		seeder, err := base.Open(ctx, benchmarks.Config{DSN: store.DSN(), MaxConns: 4})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = seeder.Close() })
		n := benchN(be)
		for _, f := range benchmarks.Factories() {
			if f.Backend != be || (f.InsertOnly && w != benchmarks.WInsert) || (w == benchmarks.WNoop && f.Name != "gomikro") {
				continue
			}
			b.Run("backend="+be+"/impl="+f.Name, func(b *testing.B) {
				impl, err := f.Open(ctx, benchmarks.Config{DSN: store.DSN(), MaxConns: 32})
				if err != nil {
					b.Fatal(err)
				}
				defer impl.Close()
				bench := &benchmarks.Bench{Store: store, Seeder: seeder, Impl: impl,
					Opt: benchmarks.Options{MaxIters: 1, ConcTime: 500 * time.Millisecond}}
				var ns, allocs, bytes float64
				for i := 0; i < b.N; i++ {
					r, err := bench.Run(ctx, w, n, k)
					if errors.Is(err, benchmarks.ErrUnsupported) {
						b.Skip(err)
					}
					if err != nil {
						b.Fatal(err)
					}
					ns += r.NsPerOp
					allocs += r.AllocsPerEntity
					bytes += r.BytesPerEntity
					if r.P99 > 0 {
						b.ReportMetric(r.P99, "p99-ns")
					}
				}
				b.ReportMetric(ns/float64(b.N), "ns/op")
				b.ReportMetric(allocs/float64(b.N), "allocs/book")
				b.ReportMetric(bytes/float64(b.N), "B/book")
			})
		}
	}
}

// BenchmarkInsert: N books with N/10 authors, keys back, one transaction.
func BenchmarkInsert(b *testing.B) { run(b, benchmarks.WInsert, 0) }

// BenchmarkUpdateAll: one column of all N loaded books.
func BenchmarkUpdateAll(b *testing.B) { run(b, benchmarks.WUpdateAll, 0) }

// BenchmarkUpdate10: one column of every 10th of N loaded books; gomikro
// finds the changes itself, the others are handed the changed rows.
func BenchmarkUpdate10(b *testing.B) { run(b, benchmarks.WUpdate10, 0) }

// BenchmarkLoad: N books into objects (managed entities for gomikro).
func BenchmarkLoad(b *testing.B) { run(b, benchmarks.WLoad, 0) }

// BenchmarkSingle: single-book saves, one round trip each; ns/op is per
// save.
func BenchmarkSingle(b *testing.B) { run(b, benchmarks.WSingle, 0) }

// BenchmarkNoop: a flush of N unchanged managed books (gomikro only);
// ns/op is per flush of N.
func BenchmarkNoop(b *testing.B) { run(b, benchmarks.WNoop, 0) }

// BenchmarkMixed: a unit of work that inserts, updates and deletes.
func BenchmarkMixed(b *testing.B) { run(b, benchmarks.WMixed, 0) }

// BenchmarkConcSingle16: 16 goroutines on one pool, single-book saves;
// ns/op is per save and goroutine.
func BenchmarkConcSingle16(b *testing.B) { run(b, benchmarks.WConcSingle, 16) }
