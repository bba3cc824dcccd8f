package sqlem

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

type fastRow struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"length=5"`
	Body  string
	N     int
	N32   int32
	N16   int16
	OK    bool
	Price float64
	At    time.Time
	Stock uint32
}

// limitDialect is a dialect whose columns hold neither NaN, infinities
// nor NUL.
type limitDialect struct{ Dialect }

func (limitDialect) ValueLimits() ValueLimits {
	return ValueLimits{NoNaN: true, NoInf: true, NoNUL: true}
}

// TestFastGetters checks that the per-field getters and typed columns
// read what values.value and the reflective Column read, and refuse what
// they refuse with the same errors.
func TestFastGetters(t *testing.T) {
	reg, err := meta.NewRegistry(nil, fastRow{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	good := []fastRow{
		{ID: 1, Title: "ab", Body: "Grüße", N: -3, N32: 300, N16: 7, OK: true, Price: 1.5, At: time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC), Stock: 9},
		{ID: 1000, Title: "héllo", Body: "", Price: math.Inf(1)},
		{Title: "x", Price: math.NaN()},
	}
	bad := []fastRow{
		{Title: "toolong"},
		{Body: "a\x00b"},
		{Body: "\xff"},
		{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, d := range []Dialect{valueDialect{}, limitDialect{}} {
		v := values{d: d}
		check := func(rows []fastRow) {
			entries := make([]*tracking.Entry, len(rows))
			for i := range rows {
				entries[i] = &tracking.Entry{Obj: unsafe.Pointer(&rows[i])}
			}
			for _, f := range e.Columns {
				get := v.getter(f)
				for i := range rows {
					want, werr := v.value(f, entries[i].Obj)
					got, gerr := get(entries[i].Obj)
					if !sameErr(werr, gerr) {
						t.Fatalf("%T %s row %d: getter error %v, value error %v", d, f.Name, i, gerr, werr)
					}
					if werr == nil && !sameValue(got, want) {
						t.Fatalf("%T %s row %d: getter %#v (%T), value %#v (%T)", d, f.Name, i, got, got, want, want)
					}
				}
				fast, ok, ferr := fastColumn(f, entries, limitsOf(d))
				if !ok {
					continue
				}
				slow, serr := slowColumn(v, f, entries)
				if !sameErr(ferr, serr) {
					t.Fatalf("%T %s: typed column error %v, reflective %v", d, f.Name, ferr, serr)
				}
				if serr == nil && !reflect.DeepEqual(fmtNaN(fast), fmtNaN(slow)) {
					t.Fatalf("%T %s: typed column %#v, reflective %#v", d, f.Name, fast, slow)
				}
			}
		}
		check(good)
		for _, r := range bad {
			check([]fastRow{good[0], r})
		}
	}
}

// slowColumn is Column without the typed fast path.
func slowColumn(v values, f *meta.Field, rows []*tracking.Entry) (any, error) {
	out := reflect.MakeSlice(reflect.SliceOf(f.GoType), len(rows), len(rows))
	for i, r := range rows {
		x, err := v.value(f, r.Obj)
		if err != nil {
			return nil, err
		}
		out.Index(i).Set(reflect.ValueOf(x))
	}
	return out.Interface(), nil
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var ca, cb *gomikro.ConstraintError
	return a.Error() == b.Error() && errors.As(a, &ca) == errors.As(b, &cb)
}

func sameValue(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb || math.IsNaN(fa) && math.IsNaN(fb))
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b) && reflect.DeepEqual(a, b)
}

// fmtNaN replaces NaNs of a []float64 so that DeepEqual compares them.
func fmtNaN(x any) any {
	fs, ok := x.([]float64)
	if !ok {
		return x
	}
	out := make([]float64, len(fs))
	for i, f := range fs {
		if math.IsNaN(f) {
			f = -1e308
		}
		out[i] = f
	}
	return out
}

// BenchmarkGetter measures reading the column values of one row through
// the per-field getters (compare BenchmarkValue).
func BenchmarkGetter(b *testing.B) {
	reg, err := meta.NewRegistry(nil, benchRow{})
	if err != nil {
		b.Fatal(err)
	}
	e := reg.Entities()[0]
	row := &benchRow{ID: 1, Title: "A title of some length", Body: "Grüße, a body that is a little longer than the title", Price: 12.5, Stock: 7, At: time.Now()}
	v := values{d: valueDialect{}}
	gets := v.getters(e.Columns)
	obj := unsafe.Pointer(row)
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range gets {
			if _, err := g(obj); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestScalarValuesNeedNoConversion checks the columns a bulk insert binds
// without the dialect's ParamConverter: their getters give only the
// scalar types ParamConverter promises to leave alone, and a time or an
// unsigned column is not among them.
func TestScalarValuesNeedNoConversion(t *testing.T) {
	reg, err := meta.NewRegistry(nil, fastRow{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	row := fastRow{ID: 1, Title: "ab", N: 2, N32: 3, N16: 4, OK: true, Price: 1.5, At: time.Now(), Stock: 5}
	v := values{d: valueDialect{}}
	n := 0
	for _, f := range e.Columns {
		if !scalarValues(f) {
			if f.Name != "At" && f.Name != "Stock" {
				t.Errorf("%s: not taken as scalar", f.Name)
			}
			continue
		}
		n++
		x, err := v.getter(f)(unsafe.Pointer(&row))
		if err != nil {
			t.Fatal(err)
		}
		switch x.(type) {
		case nil, bool, int, int16, int32, int64, float64, string:
		default:
			t.Errorf("%s: scalar column gave a %T", f.Name, x)
		}
	}
	if n != len(e.Columns)-2 {
		t.Fatalf("%d scalar columns, want %d", n, len(e.Columns)-2)
	}
}

// TestConvColumns: the columns a ParamConverter is applied to are the
// non-scalar ones, and every column from the 64th on.
func TestConvColumns(t *testing.T) {
	reg, err := meta.NewRegistry(nil, fastRow{})
	if err != nil {
		t.Fatal(err)
	}
	cols := reg.Entities()[0].Columns
	var want uint64
	for j, f := range cols {
		if f.Name == "At" || f.Name == "Stock" {
			want |= 1 << j
		}
	}
	if got := convColumns(cols); got != want || want == 0 {
		t.Fatalf("convColumns = %b, want %b", got, want)
	}
	var scalar *meta.Field
	for _, f := range cols {
		if f.Name == "Title" {
			scalar = f
		}
	}
	many := make([]*meta.Field, 70)
	for j := range many {
		many[j] = scalar
	}
	if got := convColumns(many[:64]); got != 0 {
		t.Fatalf("64 scalar columns: convColumns = %b, want 0", got)
	}
	if got := convColumns(many); got != 1<<63 {
		t.Fatalf("70 scalar columns: convColumns = %b, want bit 63", got)
	}
}
