package sqlem

import (
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
)

type benchRow struct {
	ID      int64 `orm:"pk"`
	Title   string
	Body    string
	Price   float64
	Stock   uint32
	At      time.Time
	Deleted *time.Time
}

// valueDialect is a dialect with no value conversions of its own.
type valueDialect struct{ Dialect }

// BenchmarkValue measures reading (and checking) the column values of one
// row, as every flush does for every row it writes.
func BenchmarkValue(b *testing.B) {
	reg, err := meta.NewRegistry(nil, benchRow{})
	if err != nil {
		b.Fatal(err)
	}
	e := reg.Entities()[0]
	row := &benchRow{ID: 1, Title: "A title of some length", Body: "Grüße, a body that is a little longer than the title", Price: 12.5, Stock: 7, At: time.Now()}
	v := values{d: valueDialect{}}
	obj := unsafe.Pointer(row)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range e.Columns {
			if _, err := v.value(f, obj); err != nil {
				b.Fatal(err)
			}
		}
	}
}
