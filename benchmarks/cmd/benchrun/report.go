package main

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro/benchmarks"
)

// Summary is the rounds of one measurement: medians and spread.
type Summary struct {
	Backend  string `json:"backend"`
	Impl     string `json:"impl"`
	Workload string `json:"workload"`
	N        int    `json:"n"`
	K        int    `json:"k,omitempty"`
	Rounds   int    `json:"rounds"`
	// Value is the figure the table shows (see Unit), its median and its
	// spread over the rounds.
	Value, Min, Max float64
	Unit            string
	NsPerEntity     float64 `json:"ns_per_entity"`
	EntitiesPerSec  float64 `json:"entities_per_sec"`
	Allocs          float64 `json:"allocs_per_entity"`
	Bytes           float64 `json:"bytes_per_entity"`
	P50             float64 `json:"p50_ns,omitempty"`
	P99             float64 `json:"p99_ns,omitempty"`
	// Ratio is NsPerEntity over the baseline's (the best hand-written
	// variant on the same backend); P99Ratio the same for p99.
	Ratio    float64 `json:"ratio"`
	P99Ratio float64 `json:"p99_ratio,omitempty"`
	Baseline string  `json:"baseline"`
}

func med(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// display is the figure a workload's table shows, with its unit.
func display(r benchmarks.Result) (float64, string) {
	switch {
	case benchmarks.IsConcurrent(r.Workload):
		return r.EntitiesPerSec, "books/s"
	case r.Workload == benchmarks.WNoop:
		return r.NsPerEntity, "ns/entity"
	case r.Workload == benchmarks.WSingle:
		return r.NsPerOp / 1e3, "µs/save"
	}
	return r.NsPerOp / 1e6, "ms/flush"
}

func backendOrder(b string) int {
	return map[string]int{benchmarks.Postgres: 0, benchmarks.MySQL: 1, benchmarks.SQLite: 2, benchmarks.Mongo: 3}[b]
}

func implOrder(backend, impl string) int {
	for i, f := range benchmarks.Factories() {
		if f.Backend == backend && f.Name == impl {
			return i
		}
	}
	return 99
}

func summarize(results []benchmarks.Result) []Summary {
	type key struct {
		backend, impl, workload string
		n, k                    int
	}
	groups := map[key][]benchmarks.Result{}
	var keys []key
	for _, r := range results {
		k := key{r.Backend, r.Impl, r.Workload, r.N, r.K}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []Summary
	for _, k := range keys {
		rs := groups[k]
		var vals, ns, eps, al, by, p50, p99 []float64
		var unit string
		for _, r := range rs {
			v, u := display(r)
			vals, unit = append(vals, v), u
			ns, eps = append(ns, r.NsPerEntity), append(eps, r.EntitiesPerSec)
			al, by = append(al, r.AllocsPerEntity), append(by, r.BytesPerEntity)
			p50, p99 = append(p50, r.P50), append(p99, r.P99)
		}
		out = append(out, Summary{Backend: k.backend, Impl: k.impl, Workload: k.workload, N: k.n, K: k.k, Rounds: len(rs),
			Value: med(vals), Min: slices.Min(vals), Max: slices.Max(vals), Unit: unit,
			NsPerEntity: med(ns), EntitiesPerSec: med(eps), Allocs: med(al), Bytes: med(by), P50: med(p50), P99: med(p99)})
	}
	// Ratios to the best hand-written variant of the same measurement.
	for i := range out {
		s := &out[i]
		for _, b := range out {
			fac, _ := benchmarks.Lookup(b.Backend, b.Impl)
			if !(fac.Baseline || fac.InsertOnly) || b.Backend != s.Backend || b.Workload != s.Workload || b.N != s.N || b.K != s.K {
				continue
			}
			if s.Baseline == "" || b.NsPerEntity < s.NsPerEntity/s.Ratio {
				s.Baseline, s.Ratio = b.Impl, s.NsPerEntity/b.NsPerEntity
				if b.P99 > 0 {
					s.P99Ratio = s.P99 / b.P99
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Summary) int {
		return cmp.Or(cmp.Compare(backendOrder(a.Backend), backendOrder(b.Backend)),
			cmp.Compare(slices.Index(benchmarks.Workloads, a.Workload), slices.Index(benchmarks.Workloads, b.Workload)),
			cmp.Compare(a.N, b.N), cmp.Compare(a.K, b.K), cmp.Compare(implOrder(a.Backend, a.Impl), implOrder(b.Backend, b.Impl)))
	})
	return out
}

var backendTitle = map[string]string{
	benchmarks.Postgres: "PostgreSQL", benchmarks.MySQL: "MariaDB", benchmarks.SQLite: "SQLite", benchmarks.Mongo: "MongoDB wire (FerretDB)",
}

func num(v float64) string {
	switch {
	case v >= 10000:
		return groupThousands(fmt.Sprintf("%.0f", v))
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func size(s Summary) string {
	if benchmarks.IsConcurrent(s.Workload) {
		return fmt.Sprintf("K=%d", s.K)
	}
	return fmt.Sprintf("%d", s.N)
}

func renderMarkdown(m Meta, sum []Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s – %s UTC, %d rounds; %s (%d CPUs), %s; %s.\n", m.Started.Format("2006-01-02 15:04"), m.Finished.Format("15:04"),
		m.Rounds, m.CPU, m.CPUs, m.GoVersion, strings.Join(m.Servers, "; "))
	fmt.Fprintf(&b, "Load average (1 min): %.1f at the start, %.1f at the end, %.1f–%.1f during the run.\n\n", m.LoadStart, m.LoadEnd, m.LoadMin, m.LoadMax)
	fmt.Fprintf(&b, "Command: `%s`\n\n", m.Command)
	for _, be := range []string{benchmarks.Postgres, benchmarks.MySQL, benchmarks.SQLite, benchmarks.Mongo} {
		var rows []Summary
		var impls []string
		for _, s := range sum {
			if s.Backend == be {
				rows = append(rows, s)
				if !slices.Contains(impls, s.Impl) {
					impls = append(impls, s.Impl)
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		slices.SortFunc(impls, func(x, y string) int { return cmp.Compare(implOrder(be, x), implOrder(be, y)) })
		fmt.Fprintf(&b, "### %s\n\nTime per book as a multiple of the best hand-written code on the same driver (medians; lower is better):\n\n", backendTitle[be])
		b.WriteString("| workload | N / K | " + strings.Join(impls, " | ") + " |\n|---|---|" + strings.Repeat("---|", len(impls)) + "\n")
		type rk struct {
			w    string
			n, k int
		}
		var order []rk
		cells := map[rk]map[string]string{}
		for _, s := range rows {
			k := rk{s.Workload, s.N, s.K}
			if cells[k] == nil {
				order = append(order, k)
				cells[k] = map[string]string{}
			}
			c := fmt.Sprintf("%.2f×", s.Ratio)
			if s.Ratio == 0 {
				c = "no baseline in this run"
			}
			if s.Workload == benchmarks.WNoop {
				c = fmt.Sprintf("%.1f ns, %.3f allocs", s.NsPerEntity, s.Allocs)
			} else if s.P99Ratio > 0 {
				c += fmt.Sprintf(" (p99 %.2f×)", s.P99Ratio)
			}
			cells[k][s.Impl] = c
		}
		for _, k := range order {
			sz := fmt.Sprintf("%d", k.n)
			if benchmarks.IsConcurrent(k.w) {
				sz = fmt.Sprintf("K=%d", k.k)
			}
			b.WriteString("| " + k.w + " | " + sz + " |")
			for _, im := range impls {
				c := cells[k][im]
				if c == "" {
					c = "—"
				}
				b.WriteString(" " + c + " |")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n<details><summary>Details: medians, spread (min–max over rounds), allocations and bytes per book, latencies</summary>\n\n")
		b.WriteString("| workload | N / K | impl | median | min–max | × | allocs/book | B/book | p50 | p99 |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, s := range rows {
			p50, p99 := "", ""
			if s.P99 > 0 {
				p50, p99 = num(s.P50/1e3)+" µs", num(s.P99/1e3)+" µs"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s %s | %s–%s | %.2f | %s | %s | %s | %s |\n", s.Workload, size(s), s.Impl,
				num(s.Value), s.Unit, num(s.Min), num(s.Max), s.Ratio, num(s.Allocs), num(s.Bytes), p50, p99)
		}
		b.WriteString("\n</details>\n\n")
	}
	return b.String()
}

func serverVersion(ctx context.Context, backend, dsn string) string {
	switch backend {
	case benchmarks.Postgres:
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return ""
		}
		defer c.Close(ctx)
		var v string
		_ = c.QueryRow(ctx, "SHOW server_version").Scan(&v)
		return "PostgreSQL " + strings.Fields(v + " ")[0]
	case benchmarks.MySQL:
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return ""
		}
		defer db.Close()
		var v string
		_ = db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v)
		return "MariaDB/MySQL " + v
	case benchmarks.SQLite:
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			return ""
		}
		defer db.Close()
		var v string
		_ = db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v)
		return "SQLite " + v + " (modernc, WAL, synchronous=NORMAL)"
	case benchmarks.Mongo:
		c, err := mongo.Connect(options.Client().ApplyURI(dsn))
		if err != nil {
			return ""
		}
		defer c.Disconnect(ctx)
		var info bson.M
		if err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
			return ""
		}
		v := fmt.Sprint(info["version"])
		if fv, ok := info["ferretdbVersion"]; ok {
			v = fmt.Sprintf("FerretDB %v (wire %s)", fv, v)
		}
		return v
	}
	return ""
}

func startProfile(path string) (func(), error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(fh); err != nil {
		fh.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); fh.Close() }, nil
}
