package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/benchmarks"
)

func TestSummarizeRatiosToTheBestBaseline(t *testing.T) {
	var rs []benchmarks.Result
	add := func(impl, w string, n, k int, ns ...float64) {
		for i, v := range ns {
			rs = append(rs, benchmarks.Result{Backend: benchmarks.Postgres, Impl: impl, Workload: w, N: n, K: k, Round: i + 1,
				NsPerOp: v * float64(max(n, 1)), NsPerEntity: v, EntitiesPerSec: 1e9 / v})
			if k > 0 {
				rs[len(rs)-1].P99 = 2 * v
			}
		}
	}
	add("pgx", benchmarks.WInsert, 1000, 0, 100, 110, 90)
	add("pgx-copy", benchmarks.WInsert, 1000, 0, 80, 80, 81)
	add("gomikro", benchmarks.WInsert, 1000, 0, 96, 400, 88)
	add("pgx", benchmarks.WInsert, 10000, 0, 50, 50, 50)
	add("gomikro", benchmarks.WInsert, 10000, 0, 60, 60, 60)
	add("pgx", benchmarks.WConcSingle, 0, 4, 10, 10, 10)
	add("gomikro", benchmarks.WConcSingle, 0, 4, 11, 11, 11)
	sum := summarize(rs)
	got := map[string]Summary{}
	for _, s := range sum {
		got[s.Impl+"/"+s.Workload+"/"+size(s)] = s
	}
	g := got["gomikro/insert/1000"]
	if g.Baseline != "pgx-copy" || g.Ratio != 96.0/80 || g.Rounds != 3 || math.Abs(g.Min-0.088) > 1e-9 || math.Abs(g.Max-0.4) > 1e-9 {
		t.Errorf("gomikro insert 1000: %+v; want baseline pgx-copy, ratio 1.2, 3 rounds, spread 0.088–0.4 ms", g)
	}
	if g := got["gomikro/insert/10000"]; g.Baseline != "pgx" || math.Abs(g.Ratio-1.2) > 1e-9 {
		t.Errorf("gomikro insert 10000: %+v; want baseline pgx, ratio 1.2", g)
	}
	if g := got["gomikro/conc-single/K=4"]; math.Abs(g.Ratio-1.1) > 1e-9 || math.Abs(g.P99Ratio-1.1) > 1e-9 || g.Unit != "books/s" {
		t.Errorf("gomikro conc-single K=4: %+v", g)
	}
	md := renderMarkdown(Meta{Rounds: 3}, sum)
	for _, want := range []string{"### PostgreSQL", "| insert | 1000 | 1.25× | 1.00× | 1.20× |", "| conc-single | K=4 | 1.00× (p99 1.00×) | — | 1.10× (p99 1.10×) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	dir := t.TempDir()
	files, err := drawCharts(dir, sum)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0] != "postgres-insert.png" {
		t.Fatalf("charts %v, want the insert chart (the only workload with two sizes)", files)
	}
	png, err := os.ReadFile(filepath.Join(dir, files[0]))
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("%s is not a PNG: %v", files[0], err)
	}
}
