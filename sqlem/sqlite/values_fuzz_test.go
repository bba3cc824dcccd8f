package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// FuzzValue is a row of the types whose values the fuzzer picks.
type FuzzValue struct {
	ID    int64 `orm:"pk"`
	Str   string
	Bytes []byte
	I     int64
	U     uint64
	F     float64
	F32   float32
	T     time.Time
	PT    *time.Time
}

// FuzzValueRoundTrip: every value either reads back as written (times
// as the same instant, in UTC) or fails the flush with ErrCheckViolation
// naming the field, exactly when gomikro documents it refuses the value,
// and a refused flush writes nothing. Never a row that cannot be read
// back.
func FuzzValueRoundTrip(f *testing.F) {
	f.Add("", []byte(nil), int64(0), uint64(0), 0.0, float32(0), int64(0), int64(0), 0)
	f.Add("Grüße 🎉", []byte{}, int64(math.MinInt64), uint64(math.MaxInt64), math.Inf(-1), float32(math.MaxFloat32), int64(253402300799), int64(999999999), -3600)
	f.Add("a\x00b", []byte{0, 255}, int64(math.MaxInt64), uint64(math.MaxUint64), math.NaN(), float32(math.Inf(1)), int64(253402300800), int64(0), 0)
	f.Add("\xff", []byte("x"), int64(-1), uint64(1<<63), math.SmallestNonzeroFloat64, float32(-0.5), int64(-62135596801), int64(5), 45*60)
	f.Add("'\"\\", []byte{}, int64(1), uint64(1), math.Copysign(0, -1), float32(1e-45), int64(-62135596800), int64(1), -12*3600)

	orm := openFresh(f, gomikro.Config{Entities: []any{FuzzValue{}}})
	f.Fuzz(func(t *testing.T, s string, b []byte, i int64, u uint64, fl float64, f32 float32, sec, nsec int64, offset int) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		zone := time.FixedZone("z", offset%(24*3600))
		tm := time.Unix(sec, nsec).In(zone)
		v := &FuzzValue{Str: s, Bytes: b, I: i, U: u, F: fl, F32: f32, T: tm, PT: &tm}
		m := orm.EM().Fork()
		if err := m.Persist(v); err != nil {
			t.Fatal(err)
		}
		err := m.Flush(ctx)
		utc := tm.UTC()
		refused := ""
		switch {
		case !utf8.ValidString(s):
			refused = "Str"
		case u > math.MaxInt64:
			refused = "U"
		case math.IsNaN(fl):
			refused = "F"
		case math.IsNaN(float64(f32)):
			refused = "F32"
		case utc.Year() < 1 || utc.Year() > 9999:
			refused = "T"
		}
		if refused != "" {
			var ce *gomikro.ConstraintError
			if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "FuzzValue" || ce.Field != refused {
				t.Fatalf("want ErrCheckViolation naming FuzzValue.%s, got %v", refused, err)
			}
			if n, err := em.Count[FuzzValue](ctx, orm.EM().Fork(), nil); err != nil || n != 0 {
				t.Fatalf("%d rows after a refused flush (%v)", n, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("flush: %v", err)
		}
		got, err := em.FindOneOrFail[FuzzValue](ctx, orm.EM().Fork(), query.Eq("id", v.ID))
		if err != nil {
			t.Fatalf("the row does not read back: %v", err)
		}
		// Remove it, so that the count above stays meaningful.
		if _, err := orm.EM().Fork().CreateQueryBuilder("FuzzValue", "v").Delete().All().Execute(ctx); err != nil {
			t.Fatal(err)
		}
		if got.Str != s || !bytes.Equal(got.Bytes, b) || (got.Bytes == nil) != (b == nil) || got.I != i || got.U != u ||
			!(got.F == fl) || !(got.F32 == f32) || !got.T.Equal(tm) || got.PT == nil || !got.PT.Equal(tm) || got.T.Location() != time.UTC {
			t.Fatalf("read back %+v, wrote %+v", got, v)
		}
	})
}
