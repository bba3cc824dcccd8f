package sqlem

import (
	"math"
	"runtime"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

// TestSlabIface checks the interface layout slabs rely on: an interface
// built by ifaceOf over a T in a []T is the very value boxing that T
// gives, and stays so after a collection.
func TestSlabIface(t *testing.T) {
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s: slab interface %#v (%T), boxed %#v (%T)", name, got, got, want, want)
		}
	}
	ss := []string{"", "a", "Grüße " + strconv.Itoa(1000)}
	is := []int64{0, 255, 256, math.MinInt64}
	fs := []float64{0, -1.5, math.MaxFloat64}
	bs := []bool{true, false}
	var got []any
	for i := range ss {
		got = append(got, ifaceOf(valueTypeWord[string](), unsafe.Pointer(&ss[i])))
	}
	for i := range is {
		got = append(got, ifaceOf(valueTypeWord[int64](), unsafe.Pointer(&is[i])))
	}
	for i := range fs {
		got = append(got, ifaceOf(valueTypeWord[float64](), unsafe.Pointer(&fs[i])))
	}
	for i := range bs {
		got = append(got, ifaceOf(valueTypeWord[bool](), unsafe.Pointer(&bs[i])))
	}
	want := []any{ss[0], ss[1], ss[2], is[0], is[1], is[2], is[3], fs[0], fs[1], fs[2], bs[0], bs[1]}
	ss, is, fs, bs = nil, nil, nil, nil
	runtime.GC()
	for i := range want {
		check(strconv.Itoa(i), got[i], want[i])
	}
	if s, ok := got[2].(string); !ok || s != "Grüße 1000" {
		t.Errorf("type assertion gives %q, %v", s, ok)
	}
}

type slabAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

type slabBook struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=8"`
	Year   int64
	Price  float64
	N      int
	N32    int32
	N16    int16
	OK     bool
	At     time.Time
	Author ref.Ref[slabAuthor]
}

// slabFixture returns the columns of slabBook and rows of n books by
// author a (every third by key alone).
func slabFixture(t testing.TB, n int) ([]*meta.Field, []*tracking.Entry) {
	t.Helper()
	reg, err := meta.NewRegistry(nil, slabAuthor{}, slabBook{})
	if err != nil {
		t.Fatal(err)
	}
	var e *meta.Entity
	for _, x := range reg.Entities() {
		if x.Name == "slabBook" {
			e = x
		}
	}
	a := &slabAuthor{ID: 4711, Name: "Ann"}
	rows := make([]*tracking.Entry, n)
	for i := range rows {
		b := &slabBook{Title: "B" + strconv.Itoa(i), Year: 2000 + int64(i), Price: float64(i) / 4, N: -i, N32: int32(i), N16: int16(i), OK: i%2 == 0,
			At: time.Date(2020, 1, 2, 3, 4, 5, i, time.UTC), Author: ref.To(a)}
		if i%3 == 2 {
			b.Author = ref.FromID[slabAuthor](int64(i))
		}
		rows[i] = &tracking.Entry{Obj: unsafe.Pointer(b)}
	}
	var cols []*meta.Field
	for _, f := range e.Columns {
		if f != e.PK[0] {
			cols = append(cols, f)
		}
	}
	return cols, rows
}

// TestAppendArgsSlabs checks that the arguments of a multi-row insert
// bound from slabs are those the getters give one by one, and that a
// value a getter refuses is refused with its error.
func TestAppendArgsSlabs(t *testing.T) {
	cols, rows := slabFixture(t, 50)
	for _, d := range []Dialect{valueDialect{}, limitDialect{}} {
		v := values{d: d, gets: &getterCache{}}
		gets := v.getters(cols)
		args, err := v.appendArgs(nil, rows, cols, gets)
		if err != nil {
			t.Fatal(err)
		}
		if len(args) != len(rows)*len(cols) {
			t.Fatalf("%d args, want %d", len(args), len(rows)*len(cols))
		}
		runtime.GC()
		for i, r := range rows {
			for j, g := range gets {
				want, err := g(r.Obj)
				if err != nil {
					t.Fatal(err)
				}
				if got := args[i*len(cols)+j]; !sameValue(got, want) {
					t.Fatalf("%T row %d %s: %#v (%T), getter %#v (%T)", d, i, cols[j].Name, got, got, want, want)
				}
			}
		}
		// Refused values, some in several rows: the error is that of the
		// first row and column refused, as the getters read them.
		for _, bad := range []map[int]func(b *slabBook){
			{3: func(b *slabBook) { b.Title = "much too long" }},
			{3: func(b *slabBook) { b.Title = "\xff" }},
			{3: func(b *slabBook) { b.Price = math.NaN() }},
			{4: func(b *slabBook) { b.Title = "much too long" }, 2: func(b *slabBook) { b.Price = math.Inf(-1) }},
			{4: func(b *slabBook) { b.Title = "\xff" }, 1: func(b *slabBook) { b.Title = "much too long" }},
		} {
			_, rows := slabFixture(t, 6)
			for i, f := range bad {
				f((*slabBook)(rows[i].Obj))
			}
			var want error
			for _, r := range rows {
				for _, g := range gets {
					if _, err := g(r.Obj); err != nil && want == nil {
						want = err
					}
				}
			}
			_, err := v.appendArgs(nil, rows, cols, gets)
			if !sameErr(err, want) {
				t.Errorf("%T: appendArgs error %v, getter error %v", d, err, want)
			}
		}
	}
}

// TestAppendArgsAllocs checks that a multi-row insert binds its scalar
// columns without an allocation per value.
func TestAppendArgsAllocs(t *testing.T) {
	const n = 200
	cols, rows := slabFixture(t, n)
	for _, r := range rows {
		b := (*slabBook)(r.Obj)
		b.Author = ref.To(&slabAuthor{ID: 1000})
	}
	v := values{d: valueDialect{}, gets: &getterCache{}}
	gets := v.getters(cols)
	args := make([]any, 0, n*len(cols))
	allocs := testing.AllocsPerRun(20, func() {
		var err error
		if args, err = v.appendArgs(args[:0], rows, cols, gets); err != nil {
			t.Fatal(err)
		}
	})
	// One a row for the time (not a scalar), a few a chunk.
	if max := float64(n + len(cols) + 2); allocs > max {
		t.Fatalf("%v allocations for %d rows of %d columns, want at most %v", allocs, n, len(cols), max)
	}
}

// BenchmarkAppendArgs measures binding the values of 1,000 rows.
func BenchmarkAppendArgs(b *testing.B) {
	cols, rows := slabFixture(b, 1000)
	v := values{d: valueDialect{}, gets: &getterCache{}}
	gets := v.getters(cols)
	args := make([]any, 0, len(rows)*len(cols))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if args, err = v.appendArgs(args[:0], rows, cols, gets); err != nil {
			b.Fatal(err)
		}
	}
}
