package sqltest

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// Shade is a string type with a method.
type Shade string

// Upper returns the shade in capitals.
func (s Shade) Upper() string { return strings.ToUpper(string(s)) }

// Kinds has a column of each basic kind, a named type with a method and
// a pointer.
type Kinds struct {
	ID    int64 `orm:"pk"`
	I8    int8
	I16   int16
	I32   int32
	I     int
	U8    uint8
	U16   uint16
	U32   uint32
	F32   float32
	F64   float64
	B     bool
	S     string
	Shade Shade
	P     *string
	Last  int64
}

// scanKinds: the rows of a find, scanned one after the other by one
// scanner, each get their own values (a zero or empty value after a row
// that had one is not the row before's: nothing of a row stays in the
// scanner for the next), and a loaded row is unchanged for a flush.
func scanKinds(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: []any{Kinds{}}})
	word := "w"
	want := []Kinds{
		{I8: -8, I16: -16, I32: -32, I: -64, U8: 8, U16: 16, U32: 32, F32: 1.5, F64: -2.25, B: true, S: "first", Shade: "red", P: &word, Last: 1 << 40},
		{}, // every column zero, the string empty, P NULL
		{I8: 127, I16: 300, I32: 1 << 20, I: 1 << 33, U8: 255, U16: 65535, U32: 1 << 31, F32: -0.5, F64: 1e10, B: true, S: "ü third", Shade: "blue", Last: -7},
		{S: "x"},
	}
	m := orm.EM().Fork()
	for i := range want {
		must(t, m.Persist(&want[i]))
	}
	must(t, m.Flush(ctx))

	m2 := orm.EM().Fork()
	got, err := em.FindAll[Kinds](ctx, m2, em.OrderBy("id"))
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("loaded %d rows, want %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if (g.P == nil) != (w.P == nil) || g.P != nil && *g.P != *w.P {
			t.Errorf("row %d: P = %v, want %v", i, g.P, w.P)
		}
		gv, wv := *g, w
		gv.P, wv.P = nil, nil
		if gv != wv {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, gv, wv)
		}
	}
	before := m2.QueryCount()
	must(t, m2.Flush(ctx))
	if n := m2.QueryCount() - before; n != 0 {
		t.Fatalf("a flush right after the load sent %d statements", n)
	}
	// A change of one column of one row is that change.
	got[1].U16 = 7
	must(t, m2.Flush(ctx))
	again, err := em.FindOneOrFail[Kinds](ctx, orm.EM().Fork(), query.Eq("id", got[1].ID))
	must(t, err)
	if again.U16 != 7 || again.S != "" || again.I8 != 0 {
		t.Fatalf("after the flush: %+v", *again)
	}
}
