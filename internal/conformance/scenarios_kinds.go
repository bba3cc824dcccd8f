package conformance

import (
	sqldriver "database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// Money is a struct driver.Valuer stored as an integer number of cents:
// its Go kind (a struct) names no column, so it declares one.
type Money struct{ Cents int64 }

// ColumnKind implements meta.ColumnKinder.
func (Money) ColumnKind() string { return "int64" }

// Value implements driver.Valuer.
func (m Money) Value() (sqldriver.Value, error) { return m.Cents, nil }

// Scan implements sql.Scanner.
func (m *Money) Scan(src any) error {
	n, err := scanInt(src)
	m.Cents = n
	return err
}

// Quantity is a decimal kept as its text, stored in a decimal column.
type Quantity struct{ Text string }

// ColumnKind implements meta.ColumnKinder.
func (Quantity) ColumnKind() string { return "decimal(12,3)" }

// Value implements driver.Valuer.
func (q Quantity) Value() (sqldriver.Value, error) { return q.Text, nil }

// Scan implements sql.Scanner: the number back in the form it was given
// (three decimals).
func (q *Quantity) Scan(src any) error {
	var f float64
	switch s := src.(type) {
	case float64:
		f = s
	case int64:
		f = float64(s)
	case []byte:
		return q.Scan(string(s))
	case string:
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return err
		}
	default:
		return fmt.Errorf("cannot scan %T into Quantity", src)
	}
	q.Text = strconv.FormatFloat(f, 'f', 3, 64)
	return nil
}

// Label is a struct kept in a varchar(20) column.
type Label struct{ S string }

// ColumnKind implements meta.ColumnKinder.
func (*Label) ColumnKind() string { return "varchar(20)" }

// Value implements driver.Valuer.
func (l Label) Value() (sqldriver.Value, error) { return l.S, nil }

// Scan implements sql.Scanner.
func (l *Label) Scan(src any) error {
	switch s := src.(type) {
	case string:
		l.S = s
	case []byte:
		l.S = string(s)
	default:
		return fmt.Errorf("cannot scan %T into Label", src)
	}
	return nil
}

// Dims is a struct stored as JSON by its own Valuer.
type Dims struct{ W, H int }

// ColumnKind implements meta.ColumnKinder.
func (Dims) ColumnKind() string { return "json" }

// Value implements driver.Valuer.
func (d Dims) Value() (sqldriver.Value, error) {
	b, err := json.Marshal(struct{ W, H int }{d.W, d.H})
	return string(b), err
}

// Scan implements sql.Scanner.
func (d *Dims) Scan(src any) error {
	switch s := src.(type) {
	case string:
		return json.Unmarshal([]byte(s), (*struct{ W, H int })(d))
	case []byte:
		return json.Unmarshal(s, (*struct{ W, H int })(d))
	}
	return fmt.Errorf("cannot scan %T into Dims", src)
}

func scanInt(src any) (int64, error) {
	switch s := src.(type) {
	case int64:
		return s, nil
	case float64:
		return int64(s), nil
	case []byte:
		return strconv.ParseInt(string(s), 10, 64)
	case string:
		return strconv.ParseInt(s, 10, 64)
	}
	return 0, fmt.Errorf("cannot scan %T into an integer", src)
}

// Priced holds custom value types that declare their column kinds.
type Priced struct {
	ID    int64 `orm:"pk"`
	Price Money `orm:"index"`
	Qty   Quantity
	Label Label
	Dims  Dims
}

var kinds = []Scenario{
	scenario(CustomValueTypesRoundTrip),
}

// CustomValueTypesRoundTrip checks that driver.Valuer types declaring
// their column kind (meta.ColumnKinder) get columns of that kind: they
// insert, load, update, compare and sort as such on every backend.
func CustomValueTypesRoundTrip(t *testing.T, h *Harness) {
	g := h.Open(gomikro.Config{Entities: []any{Priced{}}, AllowGlobalContext: true})
	m := g.Fork()
	rows := []*Priced{
		{Price: Money{1999}, Qty: Quantity{"1.250"}, Label: Label{"cheap"}, Dims: Dims{2, 3}},
		{Price: Money{-5}, Qty: Quantity{"0.000"}, Label: Label{""}, Dims: Dims{}},
		{Price: Money{1 << 40}, Qty: Quantity{"123456789.125"}, Label: Label{"Ünïcode ✓"}, Dims: Dims{W: 7}},
	}
	for _, r := range rows {
		must(t, m.Persist(r))
	}
	must(t, m.Flush(h.Ctx))
	got, err := em.Find[Priced](h.Ctx, g.Fork(), nil, em.OrderBy("price"))
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("%d rows", len(got))
	}
	for i, want := range []*Priced{rows[1], rows[0], rows[2]} {
		g := got[i]
		if g.Price != want.Price || g.Qty != want.Qty || g.Label != want.Label || g.Dims != want.Dims {
			t.Errorf("row %d read back as %+v, want %+v (sorted by the integer column)", i, g, want)
		}
	}
	// Filters compare in the column's kind: an integer comparison.
	n, err := em.Count[Priced](h.Ctx, g.Fork(), query.Gt("price", Money{1000}))
	must(t, err)
	if n != 2 {
		t.Errorf("price > 1000 matched %d rows, want 2", n)
	}
	// An update writes the new value.
	m2 := g.Fork()
	p, err := em.FindOneOrFail[Priced](h.Ctx, m2, query.Eq("id", rows[0].ID))
	must(t, err)
	p.Price, p.Qty, p.Dims = Money{2500}, Quantity{"2.500"}, Dims{4, 5}
	must(t, m2.Flush(h.Ctx))
	p2, err := em.FindOneOrFail[Priced](h.Ctx, g.Fork(), query.Eq("id", rows[0].ID))
	must(t, err)
	if p2.Price.Cents != 2500 || p2.Qty.Text != "2.500" || p2.Dims != (Dims{4, 5}) {
		t.Errorf("after update: %+v", p2)
	}
}
