package sqlem

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

// fzCode is a key type with a text form (meta.StoreText).
type fzCode [3]byte

func (c fzCode) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(c[:])), nil }

func (c *fzCode) UnmarshalText(b []byte) error {
	if len(b) != 6 {
		return errors.New("six hex digits")
	}
	_, err := hex.Decode(c[:], b)
	return err
}

type fzTarget struct {
	ID int64 `orm:"pk"`
}

type fzBin struct {
	Code fzCode `orm:"pk"`
}

type fzRow struct {
	ID    int64   `orm:"pk"`
	Name  string  `orm:"length=10"`
	Price float64 `orm:"precision=6,scale=2"`
	Note  *string `orm:"length=5"`
	Small int8
	Meta  map[string]any
	List  []int
	Code  fzCode
	Owner ref.Ref[fzTarget]
	Bin   ref.Ref[fzBin]    `orm:"nullable"`
	Opt   ref.Ref[fzTarget] `orm:"nullable"`
}

// fzDialect is enough of a dialect for the value conversions: JSON as
// text.
type fzDialect struct{ Dialect }

func (fzDialect) EncodeJSON(b []byte) any { return string(b) }

// FuzzValues converts fuzzed values the way a flush and the query builder
// do (sqlem/values.go): column values of entities, one by one and as bulk
// columns, caller values for parameters, keys read back from the
// database, and JSON and text columns read back. Nothing panics; a value
// is refused exactly when it does not fit its column; what converts,
// converts without loss.
func FuzzValues(f *testing.F) {
	f.Add("ok", int64(1), 1.5, []byte(`{"a":1}`))
	f.Add("ünïcödé-long-string", int64(-1), 1e300, []byte(`[1,2,"x"]`))
	f.Add("0a0b0c", int64(300), math.NaN(), []byte(`null`))
	f.Add("", int64(math.MinInt64), math.Inf(-1), []byte(`{"a":`))
	f.Add("9223372036854775808", int64(127), 9999.995, []byte("\"str\""))
	f.Add("-5", int64(65536), math.Copysign(0, -1), []byte{0xff, 0xfe})
	reg, err := meta.NewRegistry(nil, fzRow{}, fzTarget{}, fzBin{})
	if err != nil {
		f.Fatal(err)
	}
	e, _ := reg.Of(reflect.TypeFor[fzRow]())
	field := func(name string) *meta.Field {
		fl, ok := e.Field(name)
		if !ok {
			f.Fatalf("no field %s", name)
		}
		return fl
	}
	vals := values{d: fzDialect{}}
	f.Fuzz(func(t *testing.T, s string, n int64, fl float64, b []byte) {
		var code fzCode
		_ = code.UnmarshalText([]byte(s))
		rows := []*fzRow{
			{Name: s, Price: fl, Note: &s, Small: int8(n), Meta: map[string]any{"k": s, "n": fl}, List: []int{int(n)}, Code: code,
				Owner: ref.FromID[fzTarget](n), Bin: ref.FromID[fzBin](s), Opt: ref.FromID[fzTarget](fl)},
			{Owner: ref.FromID[fzTarget](s), Bin: ref.FromID[fzBin](code), Opt: ref.FromID[fzTarget](b)},
			{Owner: ref.To(&fzTarget{ID: n}), Bin: ref.To(&fzBin{Code: code}), Opt: ref.FromID[fzTarget](uint64(n))},
		}
		entries := make([]*tracking.Entry, len(rows))
		for i, r := range rows {
			entries[i] = &tracking.Entry{E: e, Obj: unsafe.Pointer(r)}
		}
		for _, c := range e.Columns {
			for i, en := range entries {
				v, err := vals.Value(c, en)
				checkValue(t, c, rows[i], v, err)
			}
			if _, err := vals.Column(c, entries); err == nil {
				// A bulk column fails when one of its values does.
				for i, en := range entries {
					if _, err := vals.Value(c, en); err != nil {
						t.Fatalf("%s: the bulk column took row %d, which alone fails: %v", c, i, err)
					}
				}
			}
			// Caller values for a parameter of the column.
			for _, v := range []any{s, n, fl, b, nil, code, map[string]any{"k": s}} {
				_, _ = paramValue(fzDialect{}, c, v)
				_ = checkParam(fzDialect{}, c, v)
			}
		}
		// Keys read back from the database.
		for _, kt := range []reflect.Type{reflect.TypeFor[int64](), reflect.TypeFor[int8](), reflect.TypeFor[uint16](),
			reflect.TypeFor[string](), reflect.TypeFor[fzCode](), reflect.TypeFor[float64]()} {
			for _, src := range []any{n, s, b, fl, nil, true} {
				k := newKeyDest(kt)
				if err := k.Scan(src); err != nil || !k.valid {
					continue
				}
				checkKey(t, kt, src, k.v.Elem())
			}
		}
		// JSON and text columns read back.
		for _, name := range []string{"Meta", "List", "Code"} {
			var r fzRow
			c := field(name)
			for _, src := range []any{b, string(b), s, nil, n} {
				d := &encodedDest{f: c, p: c.Ptr(unsafe.Pointer(&r))}
				if err := d.Scan(src); err == nil && name != "Code" {
					if bs, ok := src.([]byte); ok && !json.Valid(bs) {
						t.Fatalf("%s: invalid JSON %q accepted", name, bs)
					}
				}
			}
		}
	})
}

// checkValue checks one column value of an entity: refused exactly when
// it does not fit, converted without loss otherwise.
func checkValue(t *testing.T, c *meta.Field, r *fzRow, v any, err error) {
	t.Helper()
	switch c.Name {
	case "Name":
		// Text that is too long or not valid UTF-8 is refused.
		if bad := utf8.RuneCountInString(r.Name) > 10 || !utf8.ValidString(r.Name); bad != (err != nil) {
			t.Fatalf("Name %q (%d runes): %v", r.Name, utf8.RuneCountInString(r.Name), err)
		}
	case "Note":
		if r.Note == nil {
			if err != nil || v != nil {
				t.Fatalf("nil Note: %v, %v", v, err)
			}
			return
		}
		if bad := utf8.RuneCountInString(*r.Note) > 5 || !utf8.ValidString(*r.Note); bad != (err != nil) {
			t.Fatalf("Note %q: %v", *r.Note, err)
		}
	case "Price":
		fits := math.Abs(math.Round(r.Price*100)/100) < 1e4
		if fits != (err == nil) {
			t.Fatalf("Price %v: %v", r.Price, err)
		}
	case "Owner", "Opt":
		id := rrefID(r, c.Name)
		if err != nil || id == nil {
			return
		}
		got, ok := v.(int64)
		if !ok {
			t.Fatalf("%s: reference id %v (%T) bound as %T", c.Name, id, id, v)
		}
		switch x := id.(type) {
		case float64:
			if float64(got) != x {
				t.Fatalf("%s: %v bound as %d", c.Name, x, got)
			}
		case uint64:
			if got < 0 || uint64(got) != x {
				t.Fatalf("%s: %v bound as %d", c.Name, x, got)
			}
		case string, []byte:
			t.Fatalf("%s: a %T key accepted for an int64 key: %v", c.Name, x, got)
		}
	case "Bin":
		if err == nil && v != nil {
			if sv, ok := v.(string); !ok || len(sv) != 6 {
				t.Fatalf("Bin: bound %v (%T), want six hex digits", v, v)
			}
		}
	}
}

func rrefID(r *fzRow, name string) any {
	if name == "Owner" {
		if r.Owner.Get() != nil {
			return nil
		}
		return r.Owner.ID()
	}
	return r.Opt.ID()
}

// checkKey checks a key read back: the same number, or the same text.
func checkKey(t *testing.T, kt reflect.Type, src any, got reflect.Value) {
	t.Helper()
	switch x := src.(type) {
	case int64:
		switch {
		case got.CanInt() && got.Int() != x:
			t.Fatalf("%d read into a %s key as %d", x, kt, got.Int())
		case got.CanUint() && (x < 0 || got.Uint() != uint64(x)):
			t.Fatalf("%d read into a %s key as %d", x, kt, got.Uint())
		case got.CanFloat() && got.Float() != float64(x):
			t.Fatalf("%d read into a %s key as %v", x, kt, got.Float())
		}
	case float64:
		switch {
		case got.CanInt() && float64(got.Int()) != x:
			t.Fatalf("%v read into a %s key as %d", x, kt, got.Int())
		case got.CanUint() && float64(got.Uint()) != x:
			t.Fatalf("%v read into a %s key as %d", x, kt, got.Uint())
		}
	}
}
