package benchmarks

import (
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Workloads, in the order the runner reports them.
const (
	WInsert     = "insert"      // insert N books with N/10 authors, keys back
	WUpdateAll  = "update-all"  // one column of all N loaded books
	WUpdate10   = "update-10"   // one column of every 10th of N loaded books
	WLoad       = "load"        // N books into objects
	WSingle     = "single"      // N single-book saves, one round trip each
	WNoop       = "noop"        // flush of N unchanged managed books
	WMixed      = "mixed"       // N/100 authors + N/10 books new, 10 % updated, 5 % deleted
	WConcSingle = "conc-single" // K goroutines, single-book saves
	WConcBatch  = "conc-batch"  // K goroutines, 100-book saves
)

// Workloads lists every workload.
var Workloads = []string{WInsert, WUpdateAll, WUpdate10, WLoad, WSingle, WNoop, WMixed, WConcSingle, WConcBatch}

// IsConcurrent reports whether a workload is measured against K.
func IsConcurrent(w string) bool { return w == WConcSingle || w == WConcBatch }

// Options tune how long a workload is timed.
type Options struct {
	// MinTime: a workload repeats (each repetition prepared untimed)
	// until its timed parts add up to MinTime, at most MaxIters times.
	MinTime  time.Duration
	MaxIters int
	// ConcTime is how long each concurrency measurement runs.
	ConcTime time.Duration
}

// Result is one measurement of one workload by one implementation in one
// process.
type Result struct {
	Backend  string `json:"backend"`
	Impl     string `json:"impl"`
	Workload string `json:"workload"`
	N        int    `json:"n"`
	K        int    `json:"k,omitempty"`
	Round    int    `json:"round"`
	// Iters is how many times the timed part ran.
	Iters int `json:"iters"`
	// NsPerOp is the median time of one timed part (one flush, one load,
	// or, for single and concurrent saves, one save).
	NsPerOp float64 `json:"ns_per_op"`
	// NsPerEntity is the time per book.
	NsPerEntity float64 `json:"ns_per_entity"`
	// EntitiesPerSec is the throughput in books per second.
	EntitiesPerSec float64 `json:"entities_per_sec"`
	// AllocsPerEntity and BytesPerEntity are the heap allocations of the
	// timed parts, per book.
	AllocsPerEntity float64 `json:"allocs_per_entity"`
	BytesPerEntity  float64 `json:"bytes_per_entity"`
	// P50 and P99 are latencies of one save in ns (single, concurrent).
	P50 float64 `json:"p50_ns,omitempty"`
	P99 float64 `json:"p99_ns,omitempty"`
	// Load is the 1-minute load average when the measurement ended.
	Load float64 `json:"load"`
}

// Bench is one implementation in one process, with the backend's store
// and its hand-written baseline to seed data.
type Bench struct {
	Store  Store
	Seeder Impl
	Impl   Impl
	Opt    Options
}

type meter struct {
	times          []time.Duration
	mallocs, bytes uint64
	ms             runtime.MemStats
	start          time.Time
}

// timedLabels mark the goroutine during timed parts, so that a CPU
// profile can be narrowed to them: go tool pprof -tagfocus phase=timed.
var timedLabels = pprof.WithLabels(context.Background(), pprof.Labels("phase", "timed"))

func (m *meter) begin() {
	runtime.GC()
	pprof.SetGoroutineLabels(timedLabels)
	runtime.ReadMemStats(&m.ms)
	m.mallocs -= m.ms.Mallocs
	m.bytes -= m.ms.TotalAlloc
	m.start = time.Now()
}

func (m *meter) end() {
	m.times = append(m.times, time.Since(m.start))
	pprof.SetGoroutineLabels(context.Background())
	runtime.ReadMemStats(&m.ms)
	m.mallocs += m.ms.Mallocs
	m.bytes += m.ms.TotalAlloc
}

func (m *meter) total() time.Duration {
	var t time.Duration
	for _, d := range m.times {
		t += d
	}
	return t
}

func (m *meter) more(o Options) bool {
	return len(m.times) == 0 || len(m.times) < o.MaxIters && m.total() < o.MinTime
}

func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, int(float64(len(sorted))*p))
	return float64(sorted[i])
}

func (m *meter) result(perOp int) Result {
	md := median(m.times)
	ops := float64(len(m.times) * perOp)
	return Result{Iters: len(m.times), NsPerOp: md, NsPerEntity: md / float64(perOp),
		EntitiesPerSec:  float64(perOp) / md * 1e9,
		AllocsPerEntity: float64(m.mallocs) / ops, BytesPerEntity: float64(m.bytes) / ops}
}

// graph is the insert workload's batch: max(1, n/10) authors and n books,
// book i by author i % authors.
func graph(n int) *Graph {
	a := max(1, n/10)
	g := &Graph{Authors: make([]string, a), Books: make([]BookRow, n)}
	for i := range g.Authors {
		g.Authors[i] = "Author " + strconv.Itoa(i)
	}
	for i := range g.Books {
		g.Books[i] = BookRow{Title: "Book " + strconv.Itoa(i), Year: 2000 + int64(i%20), Price: float64(i) / 4, Author: i % a}
	}
	return g
}

// Run measures workload w at size n (and concurrency k) and checks the
// database afterwards; any mismatch is an error.
func (b *Bench) Run(ctx context.Context, w string, n, k int) (Result, error) {
	var r Result
	var err error
	switch w {
	case WInsert:
		r, err = b.insert(ctx, n)
	case WUpdateAll:
		r, err = b.update(ctx, n, 1)
	case WUpdate10:
		r, err = b.update(ctx, n, 10)
	case WLoad:
		r, err = b.load(ctx, n)
	case WSingle:
		r, err = b.single(ctx, n)
	case WNoop:
		r, err = b.noop(ctx, n)
	case WMixed:
		r, err = b.mixed(ctx, n)
	case WConcSingle:
		r, err = b.concurrent(ctx, k, 1)
	case WConcBatch:
		r, err = b.concurrent(ctx, k, 100)
	default:
		return r, fmt.Errorf("benchmarks: unknown workload %q", w)
	}
	if err != nil {
		return r, fmt.Errorf("%s %s n=%d k=%d: %w", b.Impl.Name(), w, n, k, err)
	}
	r.Impl, r.Workload, r.N, r.K = b.Impl.Name(), w, n, k
	return r, nil
}

func (b *Bench) insert(ctx context.Context, n int) (Result, error) {
	var m meter
	for m.more(b.Opt) {
		if _, err := b.Store.Reset(ctx); err != nil {
			return Result{}, err
		}
		g := graph(n)
		m.begin()
		err := b.Impl.Insert(ctx, g)
		m.end()
		if err != nil {
			return Result{}, err
		}
		if err := b.checkGraph(ctx, g, nil); err != nil {
			return Result{}, err
		}
	}
	return m.result(n), nil
}

// checkGraph checks that the database holds exactly g's books (plus
// those in also) with their authors, under the keys Insert reported.
func (b *Bench) checkGraph(ctx context.Context, g *Graph, rows []Row) error {
	if rows == nil {
		var err error
		if rows, err = b.Store.Rows(ctx); err != nil {
			return err
		}
		if len(rows) != len(g.Books) {
			return fmt.Errorf("check: %d books stored, want %d", len(rows), len(g.Books))
		}
	}
	if len(g.BookIDs) != len(g.Books) || len(g.AuthorIDs) != len(g.Authors) {
		return fmt.Errorf("check: %d book keys and %d author keys reported for %d books and %d authors",
			len(g.BookIDs), len(g.AuthorIDs), len(g.Books), len(g.Authors))
	}
	byID := make(map[int64]Row, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	for i, bk := range g.Books {
		r, ok := byID[g.BookIDs[i]]
		if !ok {
			return fmt.Errorf("check: book %d: reported key %d is not stored", i, g.BookIDs[i])
		}
		wantAuthor := bk.AuthorID
		if bk.Author >= 0 {
			wantAuthor = g.AuthorIDs[bk.Author]
			if r.AuthorName != g.Authors[bk.Author] {
				return fmt.Errorf("check: book %d (key %d): author %q, want %q", i, r.ID, r.AuthorName, g.Authors[bk.Author])
			}
		}
		if r.Title != bk.Title || r.AuthorID != wantAuthor {
			return fmt.Errorf("check: book key %d: (%q, author %d), want (%q, author %d)", r.ID, r.Title, r.AuthorID, bk.Title, wantAuthor)
		}
	}
	return nil
}

// seed fills the database with graph(n) through the baseline.
func (b *Bench) seed(ctx context.Context, n int) (*Graph, error) {
	if _, err := b.Store.Reset(ctx); err != nil {
		return nil, err
	}
	g := graph(n)
	if err := b.Seeder.Insert(ctx, g); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return g, nil
}

var titleRound int

// newTitles returns distinct new titles for idx, new on every call of the
// process, so that no update finds its values unchanged.
func newTitles(idx []int) []string {
	titleRound++
	p := "U" + strconv.Itoa(titleRound) + "-"
	t := make([]string, len(idx))
	for j, i := range idx {
		t[j] = p + strconv.Itoa(i)
	}
	return t
}

func (b *Bench) update(ctx context.Context, n, every int) (Result, error) {
	if _, err := b.seed(ctx, n); err != nil {
		return Result{}, err
	}
	var m meter
	for m.more(b.Opt) {
		set, err := b.Impl.Load(ctx)
		if err != nil {
			return Result{}, err
		}
		if set.Len() != n {
			return Result{}, fmt.Errorf("check: loaded %d books, want %d", set.Len(), n)
		}
		var idx []int
		for i := 0; i < n; i += every {
			idx = append(idx, i)
		}
		titles := newTitles(idx)
		m.begin()
		err = set.Update(ctx, idx, titles)
		m.end()
		if err != nil {
			return Result{}, err
		}
		if err := b.checkSet(ctx, set, n, idx, titles, nil); err != nil {
			return Result{}, err
		}
	}
	return m.result(n), nil
}

// checkSet checks the stored books against a loaded set: books at idx
// have the titles, those at del are gone, the others are as loaded.
// It returns the stored rows by key.
func (b *Bench) checkSet(ctx context.Context, set Set, want int, idx []int, titles []string, del []int) error {
	rows, err := b.Store.Rows(ctx)
	if err != nil {
		return err
	}
	if len(rows) != want {
		return fmt.Errorf("check: %d books stored, want %d", len(rows), want)
	}
	byID := make(map[int64]Row, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	changed := make(map[int]string, len(idx))
	for j, i := range idx {
		changed[i] = titles[j]
	}
	deleted := make(map[int]bool, len(del))
	for _, i := range del {
		deleted[i] = true
	}
	for i := range set.Len() {
		r, ok := byID[set.ID(i)]
		if deleted[i] {
			if ok {
				return fmt.Errorf("check: book key %d was to be deleted", set.ID(i))
			}
			continue
		}
		if !ok {
			return fmt.Errorf("check: loaded book key %d is not stored", set.ID(i))
		}
		title, ok := changed[i]
		if !ok {
			title = set.Title(i)
		}
		if r.Title != title || r.AuthorID != set.AuthorID(i) {
			return fmt.Errorf("check: book key %d: (%q, author %d), want (%q, author %d)", r.ID, r.Title, r.AuthorID, title, set.AuthorID(i))
		}
	}
	return nil
}

func (b *Bench) load(ctx context.Context, n int) (Result, error) {
	if _, err := b.seed(ctx, n); err != nil {
		return Result{}, err
	}
	var m meter
	for m.more(b.Opt) {
		m.begin()
		set, err := b.Impl.Load(ctx)
		m.end()
		if err != nil {
			return Result{}, err
		}
		if set.Len() != n {
			return Result{}, fmt.Errorf("check: loaded %d books, want %d", set.Len(), n)
		}
		if err := b.checkSet(ctx, set, n, nil, nil, nil); err != nil {
			return Result{}, err
		}
	}
	return m.result(n), nil
}

func (b *Bench) single(ctx context.Context, n int) (Result, error) {
	author, err := b.Store.Reset(ctx)
	if err != nil {
		return Result{}, err
	}
	g := &Graph{Books: make([]BookRow, n), BookIDs: make([]int64, n)}
	lat := make([]time.Duration, n)
	var m meter
	m.begin()
	for i := range n {
		g.Books[i] = BookRow{Title: "One " + strconv.Itoa(i), Year: 2020, Price: 1.5, Author: -1, AuthorID: author}
		t := time.Now()
		g.BookIDs[i], err = b.Impl.InsertOne(ctx, g.Books[i])
		lat[i] = time.Since(t)
		if err != nil {
			return Result{}, err
		}
	}
	m.end()
	if err := b.checkGraph(ctx, g, nil); err != nil {
		return Result{}, err
	}
	r := m.result(n)
	slices.Sort(lat)
	r.NsPerOp, r.NsPerEntity = float64(m.times[0])/float64(n), float64(m.times[0])/float64(n)
	r.EntitiesPerSec = float64(n) / m.times[0].Seconds()
	r.P50, r.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	return r, nil
}

func (b *Bench) noop(ctx context.Context, n int) (Result, error) {
	nf, ok := b.Impl.(NoopFlusher)
	if !ok {
		return Result{}, ErrUnsupported
	}
	if _, err := b.seed(ctx, n); err != nil {
		return Result{}, err
	}
	flush, loaded, err := nf.PrepareNoop(ctx)
	if err != nil {
		return Result{}, err
	}
	if loaded != n {
		return Result{}, fmt.Errorf("check: loaded %d books, want %d", loaded, n)
	}
	var m meter
	// Many flushes per timed part: one flush of 1,000 entities is tens of
	// microseconds.
	reps := max(1, 100_000/n)
	for m.more(b.Opt) || len(m.times) < 5 {
		m.begin()
		for range reps {
			if err := flush(ctx); err != nil {
				m.end()
				return Result{}, err
			}
		}
		m.end()
	}
	return m.result(n * reps), nil
}

func (b *Bench) mixed(ctx context.Context, n int) (Result, error) {
	var m meter
	for m.more(b.Opt) {
		if _, err := b.seed(ctx, n); err != nil {
			return Result{}, err
		}
		set, err := b.Impl.Load(ctx)
		if err != nil {
			return Result{}, err
		}
		mx := &Mixed{New: *graph(n / 10)}
		mx.New.Authors = mx.New.Authors[:max(1, n/100)]
		for i := range mx.New.Books {
			if i%2 == 0 {
				mx.New.Books[i].Author = i % len(mx.New.Authors)
			} else {
				mx.New.Books[i].Author, mx.New.Books[i].AuthorID = -1, set.AuthorID(i%set.Len())
			}
			mx.New.Books[i].Title = "New " + strconv.Itoa(i)
		}
		for i := range set.Len() {
			switch i % 20 {
			case 0, 10:
				mx.UpdateIdx = append(mx.UpdateIdx, i)
			case 5:
				mx.DeleteIdx = append(mx.DeleteIdx, i)
			}
		}
		mx.Titles = newTitles(mx.UpdateIdx)
		m.begin()
		err = set.Mixed(ctx, mx)
		m.end()
		if err != nil {
			return Result{}, err
		}
		want := n + len(mx.New.Books) - len(mx.DeleteIdx)
		if err := b.checkSet(ctx, set, want, mx.UpdateIdx, mx.Titles, mx.DeleteIdx); err != nil {
			return Result{}, err
		}
		rows, err := b.Store.Rows(ctx)
		if err != nil {
			return Result{}, err
		}
		if err := b.checkGraph(ctx, &mx.New, rows); err != nil {
			return Result{}, err
		}
	}
	return m.result(n), nil
}

// concurrent runs k goroutines saving batches of size books each, each
// save its own unit of work, for Opt.ConcTime.
func (b *Bench) concurrent(ctx context.Context, k, size int) (Result, error) {
	author, err := b.Store.Reset(ctx)
	if err != nil {
		return Result{}, err
	}
	var (
		mu    sync.Mutex
		lat   []time.Duration
		total int
		ids   = map[int64]bool{}
	)
	var m meter
	m.begin()
	deadline := time.Now().Add(b.Opt.ConcTime)
	g, gctx := errgroup.WithContext(ctx)
	for w := range k {
		g.Go(func() error {
			var my []time.Duration
			var myIDs []int64
			for seq := 0; time.Now().Before(deadline) || seq == 0; seq++ {
				t := time.Now()
				if size == 1 {
					id, err := b.Impl.InsertOne(gctx, BookRow{Title: "C" + strconv.Itoa(w) + "-" + strconv.Itoa(seq), Year: 2020, Price: 1, Author: -1, AuthorID: author})
					if err != nil {
						return err
					}
					myIDs = append(myIDs, id)
				} else {
					gr := &Graph{Books: make([]BookRow, size)}
					for i := range gr.Books {
						gr.Books[i] = BookRow{Title: "C" + strconv.Itoa(w) + "-" + strconv.Itoa(seq) + "-" + strconv.Itoa(i), Year: 2020, Price: 1, Author: -1, AuthorID: author}
					}
					if err := b.Impl.Insert(gctx, gr); err != nil {
						return err
					}
					myIDs = append(myIDs, gr.BookIDs...)
				}
				my = append(my, time.Since(t))
			}
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, my...)
			total += len(myIDs)
			for _, id := range myIDs {
				if ids[id] {
					return fmt.Errorf("check: key %d reported twice", id)
				}
				ids[id] = true
			}
			return nil
		})
	}
	err = g.Wait()
	m.end()
	if err != nil {
		return Result{}, err
	}
	rows, err := b.Store.Rows(ctx)
	if err != nil {
		return Result{}, err
	}
	if len(rows) != total {
		return Result{}, fmt.Errorf("check: %d books stored, %d saved", len(rows), total)
	}
	for _, r := range rows {
		if !ids[r.ID] || r.AuthorName != "Seed" {
			return Result{}, fmt.Errorf("check: stored book key %d (author %q) was not reported", r.ID, r.AuthorName)
		}
	}
	slices.Sort(lat)
	el := m.times[0]
	ops := float64(len(lat))
	return Result{Iters: len(lat), NsPerOp: float64(el) * float64(k) / ops, NsPerEntity: float64(el) / float64(total),
		EntitiesPerSec: float64(total) / el.Seconds(), AllocsPerEntity: float64(m.mallocs) / float64(total),
		BytesPerEntity: float64(m.bytes) / float64(total), P50: percentile(lat, 0.5), P99: percentile(lat, 0.99)}, nil
}
