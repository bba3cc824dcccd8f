package tracking_test

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }

// plain is a typical row without JSON: scalars, a nullable pointer, an
// m:1 reference and a version.
type plain struct {
	ID      int64 `orm:"pk"`
	Title   string
	Count   int32
	Price   float64
	Done    bool
	When    time.Time
	Note    *string
	Owner   ref.Ref[author]
	Version int `orm:"version"`
}

// BenchmarkChangeDetectionUnchanged measures Build over managed entities
// none of which changed: the flush of an untouched unit of work. ns/op
// and allocs/op are per entity.
func BenchmarkChangeDetectionUnchanged(b *testing.B) {
	reg := registry(b)
	_ = reg
	r2, err := newReg(plain{}, author{})
	if err != nil {
		b.Fatal(err)
	}
	pe, _ := r2.Of(reflectType[plain]())
	ae, _ := r2.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	a := &author{ID: 1}
	loaded(b, tr, ae, unsafe.Pointer(a))
	const n = 100_000
	note := "note"
	for i := range n {
		obj := tr.Alloc(pe)
		x := (*plain)(obj)
		*x = plain{ID: int64(i + 1), Title: "title", Count: 3, Price: 1.5, Done: true, When: time.Now(), Note: &note, Owner: ref.To(a), Version: 1}
		k, _ := tracking.KeyOf(pe, obj)
		if _, err := tr.AddLoaded(pe, obj, k, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N / n {
		p, err := tr.Build()
		if err != nil {
			b.Fatal(err)
		}
		if !p.Empty() {
			b.Fatal("changes found")
		}
	}
	if b.N < n {
		// Too few iterations for a whole pass: measure a pass anyway.
		if _, err := tr.Build(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepUnchanged measures a flush's two walks over managed
// entities none of which changed, Sweep (with a visit that does nothing)
// then Build: flat rows compared by words (the benchmarks' book), plain
// rows by spans and their pointer column. ns/op and allocs/op are per
// entity.
func BenchmarkSweepUnchanged(b *testing.B) {
	r, err := newReg(plain{}, author{}, flat{})
	if err != nil {
		b.Fatal(err)
	}
	pe, _ := r.Of(reflectType[plain]())
	ae, _ := r.Of(reflectType[author]())
	fe, _ := r.Of(reflectType[flat]())
	for _, kind := range []string{"flat", "plain"} {
		b.Run(kind, func(b *testing.B) {
			tr := tracking.NewTracker(nil)
			a := &author{ID: 1}
			loaded(b, tr, ae, unsafe.Pointer(a))
			const n = 100_000
			note := "note"
			for i := range n {
				var obj unsafe.Pointer
				if kind == "flat" {
					obj = tr.Alloc(fe)
					*(*flat)(obj) = flat{ID: int64(i + 1), Title: "title", N: 3, Owner: ref.To(a)}
				} else {
					obj = tr.Alloc(pe)
					*(*plain)(obj) = plain{ID: int64(i + 1), Title: "title", Count: 3, Price: 1.5, Done: true, When: time.Now(), Note: &note, Owner: ref.To(a), Version: 1}
				}
				e := pe
				if kind == "flat" {
					e = fe
				}
				if _, err := tr.AddLoaded(e, obj, tracking.Key{I: int64(i + 1)}, true); err != nil {
					b.Fatal(err)
				}
			}
			visit := func(*tracking.Entry) error { return nil }
			b.ReportAllocs()
			b.ResetTimer()
			for range max(1, b.N/n) {
				if err := tr.Sweep(visit); err != nil {
					b.Fatal(err)
				}
				p, err := tr.Build()
				if err != nil {
					b.Fatal(err)
				}
				if !p.Empty() {
					b.Fatal("changes found")
				}
			}
		})
	}
}
