package benchmarks

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// The load workload, taken apart for callgrind and the garbage collector.
// The runner (and BenchmarkLoad) seeds before every measurement; these
// seed once per backend, so that two callgrind runs of different b.N
// differ by the loads alone:
//
//	go test -c -o /tmp/b.test . && GOMAXPROCS=1 valgrind --tool=callgrind \
//	  /tmp/b.test -test.run '^$' -test.bench '^BenchmarkLoadOnly$/^backend=mysql$/^impl=gomikro$' -test.benchtime 3x
//
// (and again with 13x: the difference over 10 is one load). A backend runs
// when its GOMIKRO_* variable is set (SQLite always); GOMIKRO_BENCH_N sets
// N (10,000 by default).

// BenchmarkLoadOnly loads N books per iteration after an untimed
// runtime.GC(), as the runner's meter collects before each timed part:
// a load starts on a small heap, and whether its allocations cross the
// next collection's trigger (4 MB while less than 2 MB stays live)
// decides much of its cost: a collection in the middle of a load marks
// the books loaded so far and makes every pointer write pay a barrier.
// (On PostgreSQL the connection keeps the previous query's rows alive
// until its next statement, for pgx and gomikro alike, so a load there
// starts on a larger heap and a later trigger.) It reports the process's
// CPU time per load beside the wall time.
func BenchmarkLoadOnly(b *testing.B) {
	eachLoaded(b, false, func(b *testing.B, impl Impl, n int) {
		b.ReportAllocs()
		var cpu int64
		for range b.N {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
			c := cpuNanos()
			set, err := impl.Load(context.Background())
			cpu += cpuNanos() - c
			if err != nil {
				b.Fatal(err)
			}
			if set.Len() != n {
				b.Fatalf("loaded %d books, want %d", set.Len(), n)
			}
		}
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(cpu)/float64(b.N)/float64(n), "cpu-ns/book")
	})
}

// BenchmarkMarkLoaded measures a full collection while N loaded books are
// alive: its cost above impl=none's (no books) is the marking of what a
// load leaves behind, paid by every collection while the books live.
func BenchmarkMarkLoaded(b *testing.B) {
	eachLoaded(b, true, func(b *testing.B, impl Impl, n int) {
		var set Set
		if impl != nil {
			var err error
			if set, err = impl.Load(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		b.ResetTimer()
		for range b.N {
			runtime.GC()
		}
		runtime.KeepAlive(set)
	})
}

// eachLoaded seeds N books on every backend there is a server for and
// runs fn for its baseline and for gomikro, and first, with none, for no
// implementation (impl=none, impl nil).
func eachLoaded(b *testing.B, none bool, fn func(b *testing.B, impl Impl, n int)) {
	ctx := context.Background()
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("GOMIKRO_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	for _, be := range []string{Postgres, MySQL, SQLite} {
		if _, err := ServerDSN(be); err != nil {
			if os.Getenv("GOMIKRO_REQUIRE_DB") == "1" {
				b.Fatal(err)
			}
			continue
		}
		b.Run("backend="+be, func(b *testing.B) {
			store, err := CreateStore(ctx, be, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = store.Drop(context.Background()) })
			var base Factory
			for _, f := range Factories() {
				if f.Backend == be && f.Baseline {
					base = f
				}
			}
			seeder, err := base.Open(ctx, Config{DSN: store.DSN(), MaxConns: 4})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = seeder.Close() })
			if _, err := (&Bench{Store: store, Seeder: seeder}).seed(ctx, n); err != nil {
				b.Fatal(err)
			}
			names := []string{base.Name, "gomikro"}
			if none {
				names = append([]string{"none"}, names...)
			}
			for _, name := range names {
				b.Run("impl="+name, func(b *testing.B) {
					var impl Impl
					if f, ok := Lookup(be, name); ok {
						impl, err = f.Open(ctx, Config{DSN: store.DSN(), MaxConns: 32})
						if err != nil {
							b.Fatal(err)
						}
						defer impl.Close()
					}
					fn(b, impl, n)
				})
			}
		})
	}
}
