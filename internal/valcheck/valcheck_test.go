package valcheck_test

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
)

type row struct {
	ID int64 `orm:"pk"`
	S  string
	U  uint64
	F  float64
	T  time.Time
	J  map[string]any
}

func TestCheck(t *testing.T) {
	reg, err := meta.NewRegistry(nil, row{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	field := func(name string) *meta.Field {
		f, ok := e.Field(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		return f
	}
	all := valcheck.Limits{NoNaN: true, NoInf: true, NoNUL: true}
	tm := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -2*3600))
	for _, c := range []struct {
		field string
		v     any
		lim   valcheck.Limits
		ok    bool
	}{
		{"S", "Grüße", all, true},
		{"S", "a\xffb", valcheck.Limits{}, false},
		{"S", "a\x00b", valcheck.Limits{}, true},
		{"S", "a\x00b", all, false},
		{"U", uint64(math.MaxInt64), all, true},
		{"U", uint64(math.MaxInt64 + 1), valcheck.Limits{}, false},
		{"F", math.NaN(), valcheck.Limits{}, true},
		{"F", math.NaN(), all, false},
		{"F", math.Inf(-1), valcheck.Limits{NoNaN: true}, true},
		{"F", math.Inf(-1), all, false},
		{"T", time.Time{}, all, true},
		{"T", time.Time{}.Add(-1), all, false},
		{"T", tm, all, false}, // year 10000 in UTC
		{"T", tm.Add(-2 * time.Hour), all, true},
	} {
		f := field(c.field)
		x := reflect.New(reflect.TypeOf(c.v)).Elem()
		x.Set(reflect.ValueOf(c.v))
		for _, err := range []error{valcheck.Check(f, x, c.lim), valcheck.CheckDriverValue(f, c.v, c.lim)} {
			if c.ok != (err == nil) {
				t.Errorf("%s = %#v: %v, want ok %v", c.field, c.v, err, c.ok)
			}
			var ce *gomikro.ConstraintError
			if err != nil && (!errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "row" || ce.Field != c.field) {
				t.Errorf("%s = %#v: %v does not name row.%s", c.field, c.v, err, c.field)
			}
		}
	}
	j := field("J")
	for in, ok := range map[string]bool{
		`{"a":"x\u0000y"}`:   false,
		`{"a\u0000":1}`:      false,
		`{"a":"x\\u0000y"}`:  true,
		`{"a":"x\\\u0000y"}`: false,
		`{"a":"\u00001"}`:    false,
		`{"a":"\u0001"}`:     true,
	} {
		if err := valcheck.CheckJSON(j, []byte(in), all); (err == nil) != ok {
			t.Errorf("CheckJSON(%s): %v, want ok %v", in, err, ok)
		}
		if err := valcheck.CheckJSON(j, []byte(in), valcheck.Limits{}); err != nil {
			t.Errorf("CheckJSON(%s) without limits: %v", in, err)
		}
	}
}
