// Command benchrun runs the benchmarks of github.com/gomikro/gomikro/benchmarks
// interleaved: every round starts each implementation as its own process
// (this binary, re-executed with -child), in an order rotated from round
// to round, and each process runs every selected workload, after a
// warm-up, with a correctness check after every timed part. It prints a
// markdown table of medians with min–max spread and ratios to the
// hand-written code on the same driver, and writes the table, the raw
// results (JSON) and PNG charts into -out.
//
//	go run ./cmd/benchrun                                  # everything
//	go run ./cmd/benchrun -backends postgres -n 10000 -rounds 5
//	go run ./cmd/benchrun -n 100 -single-n 100 -k 1,2 -rounds 1 -conc-time 200ms   # smoke
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomikro/gomikro/benchmarks"
)

type flags struct {
	backends, impls, workloads string
	ns, singleNs, ks           []int
	mongoMaxN                  int
	rounds                     int
	minTime, concTime          time.Duration
	maxIters, maxConns         int
	out                        string
	child                      bool
	backend, impl, dsn         string
	round                      int
	cpuprofile                 string
	from                       string
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		f = strings.NewReplacer("k", "000", "K", "000").Replace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parse(args []string) (*flags, error) {
	f := &flags{}
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	var ns, singleNs, ks string
	fs.StringVar(&f.backends, "backends", "postgres,mysql,sqlite,mongo", "backends to run (comma-separated); a server backend needs its GOMIKRO_* variable")
	fs.StringVar(&f.impls, "impls", "", "implementations to run (comma-separated names, e.g. pgx,gomikro); empty: all")
	fs.StringVar(&f.workloads, "workloads", strings.Join(benchmarks.Workloads, ","), "workloads to run")
	fs.StringVar(&ns, "n", "1k,10k,100k", "sizes N of the bulk workloads")
	fs.StringVar(&singleNs, "single-n", "1k", "numbers of single-entity saves")
	fs.StringVar(&ks, "k", "1,2,4,8,16,32", "goroutine counts K of the concurrency workloads")
	fs.IntVar(&f.mongoMaxN, "mongo-max-n", 1000, "largest N on the MongoDB-wire server (FerretDB runs each update of a bulkWrite on its own)")
	fs.IntVar(&f.rounds, "rounds", 5, "rounds; each runs every implementation once, in its own process")
	fs.DurationVar(&f.minTime, "min-time", 300*time.Millisecond, "a bulk workload repeats until its timed parts add up to this")
	fs.IntVar(&f.maxIters, "max-iters", 5, "at most this many repetitions of a bulk workload per process")
	fs.DurationVar(&f.concTime, "conc-time", time.Second, "duration of each concurrency measurement")
	fs.IntVar(&f.maxConns, "max-conns", 32, "pool size of every implementation")
	fs.StringVar(&f.out, "out", "results", "directory for results.md, results.json and the charts (empty: none)")
	fs.BoolVar(&f.child, "child", false, "internal: run one implementation and print its results as JSON lines")
	fs.StringVar(&f.backend, "backend", "", "internal (-child): the backend")
	fs.StringVar(&f.impl, "impl", "", "internal (-child): the implementation")
	fs.StringVar(&f.dsn, "dsn", "", "internal (-child): the store's DSN")
	fs.IntVar(&f.round, "round", 0, "internal (-child): the round")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the timed runs (with -child, or a run of one implementation: -impls x -rounds 1)")
	fs.StringVar(&f.from, "from", "", "instead of running, redo the table and charts from a results.json of an earlier run (into -out)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if f.ns, err = intList(ns); err != nil {
		return nil, fmt.Errorf("-n: %w", err)
	}
	if f.singleNs, err = intList(singleNs); err != nil {
		return nil, fmt.Errorf("-single-n: %w", err)
	}
	if f.ks, err = intList(ks); err != nil {
		return nil, fmt.Errorf("-k: %w", err)
	}
	for _, w := range list(f.workloads) {
		if !slices.Contains(benchmarks.Workloads, w) {
			return nil, fmt.Errorf("-workloads: unknown workload %q (have %s)", w, strings.Join(benchmarks.Workloads, ", "))
		}
	}
	if f.rounds < 1 {
		return nil, errors.New("-rounds must be at least 1")
	}
	return f, nil
}

func main() {
	f, err := parse(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	switch {
	case f.child:
		err = runChild(ctx, f, os.Stdout)
	case f.from != "":
		err = replot(f)
	default:
		err = runParent(ctx, f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "\nbenchrun:", err)
		os.Exit(1)
	}
}

// task is one measurement a child makes.
type task struct {
	workload string
	n, k     int
}

// tasks lists what one implementation runs on a backend, in order.
func tasks(f *flags, backend string, fac benchmarks.Factory) []task {
	var out []task
	for _, w := range list(f.workloads) {
		if fac.InsertOnly && w != benchmarks.WInsert {
			continue
		}
		if w == benchmarks.WNoop && fac.Name != "gomikro" {
			continue
		}
		switch {
		case benchmarks.IsConcurrent(w):
			for _, k := range f.ks {
				out = append(out, task{w, 0, k})
			}
		case w == benchmarks.WSingle:
			for _, n := range f.singleNs {
				if backend == benchmarks.Mongo && n > f.mongoMaxN {
					continue
				}
				out = append(out, task{w, n, 0})
			}
		default:
			for _, n := range f.ns {
				if backend == benchmarks.Mongo && n > f.mongoMaxN {
					continue
				}
				out = append(out, task{w, n, 0})
			}
		}
	}
	return out
}

func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return v
}

func runChild(ctx context.Context, f *flags, out io.Writer) error {
	fac, ok := benchmarks.Lookup(f.backend, f.impl)
	if !ok {
		return fmt.Errorf("no implementation %s on %s", f.impl, f.backend)
	}
	var base benchmarks.Factory
	for _, x := range benchmarks.Factories() {
		if x.Backend == f.backend && x.Baseline {
			base = x
		}
	}
	cfg := benchmarks.Config{DSN: f.dsn, MaxConns: f.maxConns}
	store, err := benchmarks.OpenStore(ctx, f.backend, f.dsn)
	if err != nil {
		return err
	}
	impl, err := fac.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.impl, err)
	}
	defer impl.Close()
	seeder, err := base.Open(ctx, benchmarks.Config{DSN: f.dsn, MaxConns: 4})
	if err != nil {
		return fmt.Errorf("open %s: %w", base.Name, err)
	}
	defer seeder.Close()
	b := &benchmarks.Bench{Store: store, Seeder: seeder, Impl: impl,
		Opt: benchmarks.Options{MinTime: f.minTime, MaxIters: f.maxIters, ConcTime: f.concTime}}
	// Warm-up: every workload once, small and untimed, so that code paths,
	// statement caches and the pool are warm before the first measurement.
	warm := *b
	warm.Opt = benchmarks.Options{MaxIters: 1, ConcTime: min(f.concTime, 100*time.Millisecond)}
	seen := map[string]bool{}
	for _, t := range tasks(f, f.backend, fac) {
		if seen[t.workload] {
			continue
		}
		seen[t.workload] = true
		fmt.Fprintf(os.Stderr, "\r\033[K  round %d %s %s: warm-up %s", f.round, f.backend, f.impl, t.workload)
		if _, err := warm.Run(ctx, t.workload, min(t.n, 100), min(t.k, 2)); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	if f.cpuprofile != "" {
		stop, err := startProfile(f.cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}
	enc := json.NewEncoder(out)
	for _, t := range tasks(f, f.backend, fac) {
		fmt.Fprintf(os.Stderr, "\r\033[K  round %d/%d %s %s: %s n=%d k=%d (load %.1f)", f.round, f.rounds, f.backend, f.impl, t.workload, t.n, t.k, loadAvg())
		r, err := b.Run(ctx, t.workload, t.n, t.k)
		if err != nil {
			return err
		}
		r.Backend, r.Round, r.Load = f.backend, f.round, loadAvg()
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// Meta describes a run.
type Meta struct {
	Command   string    `json:"command"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	GoVersion string    `json:"go"`
	CPU       string    `json:"cpu"`
	CPUs      int       `json:"cpus"`
	Servers   []string  `json:"servers"`
	// LoadAvg is the 1-minute load average at the start, the end and its
	// range over the run.
	LoadStart, LoadEnd, LoadMin, LoadMax float64
	Rounds                               int `json:"rounds"`
}

func cpuModel() string {
	fh, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func runParent(ctx context.Context, f *flags) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	meta := Meta{Command: "go run ./cmd/benchrun " + strings.Join(os.Args[1:], " "), Started: time.Now().UTC(),
		GoVersion: runtime.Version(), CPU: cpuModel(), CPUs: runtime.NumCPU(), Rounds: f.rounds,
		LoadStart: loadAvg(), LoadMin: loadAvg(), LoadMax: loadAvg()}
	tmp, err := os.MkdirTemp("", "gomikro-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	type backendRun struct {
		name  string
		store benchmarks.Store
		facs  []benchmarks.Factory
	}
	var runs []backendRun
	wantImpls := list(f.impls)
	for _, be := range list(f.backends) {
		store, err := benchmarks.CreateStore(ctx, be, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", be, err)
		}
		defer store.Drop(context.Background())
		if v := serverVersion(ctx, be, store.DSN()); v != "" {
			meta.Servers = append(meta.Servers, v)
		}
		var facs []benchmarks.Factory
		for _, fac := range benchmarks.Factories() {
			if fac.Backend == be && (len(wantImpls) == 0 || slices.Contains(wantImpls, fac.Name)) {
				facs = append(facs, fac)
			}
		}
		runs = append(runs, backendRun{be, store, facs})
	}
	var results []benchmarks.Result
	for round := 1; round <= f.rounds; round++ {
		for _, br := range runs {
			// Rotate the order: every implementation runs first, second, ...
			facs := slices.Clone(br.facs)
			if len(facs) > 0 {
				r := (round - 1) % len(facs)
				facs = append(facs[r:], facs[:r]...)
			}
			for i, fac := range facs {
				fmt.Fprintf(os.Stderr, "\r\033[Kround %d/%d %s %s (%d/%d)", round, f.rounds, br.name, fac.Name, i+1, len(facs))
				args := []string{"-child", "-backend", br.name, "-impl", fac.Name, "-dsn", br.store.DSN(),
					"-round", strconv.Itoa(round), "-rounds", strconv.Itoa(f.rounds),
					"-workloads", f.workloads, "-n", joinInts(f.ns), "-single-n", joinInts(f.singleNs), "-k", joinInts(f.ks),
					"-mongo-max-n", strconv.Itoa(f.mongoMaxN), "-min-time", f.minTime.String(), "-max-iters", strconv.Itoa(f.maxIters),
					"-conc-time", f.concTime.String(), "-max-conns", strconv.Itoa(f.maxConns)}
				if f.cpuprofile != "" {
					args = append(args, "-cpuprofile", fmt.Sprintf("%s.%s.%s.%d", f.cpuprofile, br.name, fac.Name, round))
				}
				cmd := exec.CommandContext(ctx, exe, args...)
				cmd.Stderr = os.Stderr
				stdout, err := cmd.Output()
				if err != nil {
					return fmt.Errorf("%s %s, round %d: %w", br.name, fac.Name, round, err)
				}
				dec := json.NewDecoder(strings.NewReader(string(stdout)))
				for dec.More() {
					var r benchmarks.Result
					if err := dec.Decode(&r); err != nil {
						return fmt.Errorf("%s %s: results: %w", br.name, fac.Name, err)
					}
					meta.LoadMin, meta.LoadMax = min(meta.LoadMin, r.Load), max(meta.LoadMax, r.Load)
					results = append(results, r)
				}
			}
		}
	}
	fmt.Fprint(os.Stderr, "\r\033[K")
	meta.Finished, meta.LoadEnd = time.Now().UTC(), loadAvg()
	return write(f, meta, results)
}

// replot redoes the table and charts of an earlier run's results.json.
func replot(f *flags) error {
	raw, err := os.ReadFile(f.from)
	if err != nil {
		return err
	}
	var in struct {
		Meta    Meta                `json:"meta"`
		Results []benchmarks.Result `json:"results"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return fmt.Errorf("%s: %w", f.from, err)
	}
	return write(f, in.Meta, in.Results)
}

// write prints the table and writes it, the raw results and the charts
// into f.out.
func write(f *flags, meta Meta, results []benchmarks.Result) error {
	sum := summarize(results)
	md := renderMarkdown(meta, sum)
	fmt.Print(md)
	if f.out == "" {
		return nil
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(struct {
		Meta    Meta                `json:"meta"`
		Results []benchmarks.Result `json:"results"`
		Summary []Summary           `json:"summary"`
	}{meta, results, sum}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(f.out, "results.json"), raw, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(f.out, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	charts, err := drawCharts(f.out, sum)
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: results.md, results.json and %d charts\n", f.out, len(charts))
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
