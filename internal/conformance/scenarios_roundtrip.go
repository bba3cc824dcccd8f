package conformance

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var roundTrips = []Scenario{
	scenario(ValuesRoundTrip),
	scenario(UnstorableValuesAreRefused),
	scenario(RefusedValueInsideTransaction),
}

// Sample has a column of every Go type in the README's mapping table.
type Sample struct {
	ID   int64  `orm:"pk"`
	Case string `orm:"length=100,index"`

	I   int
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U   uint
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	F32 float32
	F64 float64

	Bool  bool
	Str   string
	VStr  string `orm:"length=10"`
	Bytes []byte
	Time  time.Time
	Dec   float64 `orm:"precision=10,scale=2"`

	PTime *time.Time
	PInt  *int64
	PU8   *uint8
	PStr  *string
	PF64  *float64
	PBool *bool

	NStr  sql.NullString
	NI64  sql.NullInt64
	NI32  sql.NullInt32
	NI16  sql.NullInt16
	NByte sql.NullByte
	NF64  sql.NullFloat64
	NBool sql.NullBool
	NTime sql.NullTime
	NGen  sql.Null[int64]

	Map   map[string]any
	List  []string
	Obj   SampleObj
	PObj  *SampleObj
	Money Cents
	Code  Code
}

// SampleObj is a struct stored as JSON.
type SampleObj struct {
	Name  string   `json:"name"`
	N     int      `json:"n"`
	Tags  []string `json:"tags"`
	Inner *struct {
		OK bool `json:"ok"`
	} `json:"inner,omitempty"`
}

// Cents is a driver.Valuer stored as an integer.
type Cents int64

// Value implements driver.Valuer.
func (c Cents) Value() (sqldriver.Value, error) { return int64(c), nil }

// Scan implements sql.Scanner.
func (c *Cents) Scan(src any) error {
	switch s := src.(type) {
	case int64:
		*c = Cents(s)
	case []byte:
		return c.Scan(string(s))
	case string:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		*c = Cents(n)
	default:
		return fmt.Errorf("cannot scan %T into Cents", src)
	}
	return nil
}

// storage is what a backend keeps of a value, by Backend.Name prefix.
type storage struct {
	// timePrecision: times are truncated to it.
	timePrecision time.Duration
	// nan and inf: floats hold NaN and ±Inf.
	nan, inf bool
	// nul: text holds NUL characters.
	nul bool
	// drawsKeys: generated keys are drawn from the server before the
	// documents of an insert are encoded.
	drawsKeys bool
}

func storageOf(backend string) storage {
	switch {
	case strings.HasPrefix(backend, "postgres"):
		return storage{timePrecision: time.Microsecond, nan: true, inf: true}
	case strings.HasPrefix(backend, "mysql"):
		return storage{timePrecision: time.Microsecond, nul: true}
	case strings.HasPrefix(backend, "sqlite"):
		return storage{timePrecision: time.Nanosecond, inf: true, nul: true}
	case strings.HasPrefix(backend, "mongo") && strings.Contains(backend, "FerretDB"):
		// FerretDB refuses infinities and drops the connection on NaN.
		return storage{timePrecision: time.Millisecond, nul: true, drawsKeys: true}
	case strings.HasPrefix(backend, "mongo"):
		return storage{timePrecision: time.Millisecond, nan: true, inf: true, nul: true, drawsKeys: true}
	}
	return storage{timePrecision: time.Nanosecond, nan: true, inf: true, nul: true}
}

// valueCase sets one or more fields of a Sample.
type valueCase struct {
	name string
	set  func(s *Sample)
	// only: the case applies where it returns true (nil: everywhere).
	only func(st storage) bool
}

var (
	zone1 = time.FixedZone("UTC+05:45", 5*3600+45*60)
	zone2 = time.FixedZone("UTC-12", -12*3600)
	zone3 = time.FixedZone("UTC-01", -3600)
	// subMicro has nanoseconds below the microsecond.
	subMicro = time.Date(2024, 2, 29, 12, 34, 56, 123456789, zone1)
	latest   = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	earliest = time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC)
)

func longString() string {
	var b strings.Builder
	for b.Len() < 200_000 {
		b.WriteString("Grüße, 世界 🎉 ")
	}
	return b.String()
}

func allBytes() []byte {
	b := make([]byte, 256*64)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// goodValues are stored and read back (after the backend's documented
// normalisation) everywhere they apply.
var goodValues = []valueCase{
	{name: "zero values"},
	{name: "int minima", set: func(s *Sample) {
		s.I, s.I8, s.I16, s.I32, s.I64 = math.MinInt, math.MinInt8, math.MinInt16, math.MinInt32, math.MinInt64
	}},
	{name: "int maxima", set: func(s *Sample) {
		s.I, s.I8, s.I16, s.I32, s.I64 = math.MaxInt, math.MaxInt8, math.MaxInt16, math.MaxInt32, math.MaxInt64
	}},
	{name: "uint maxima", set: func(s *Sample) {
		s.U, s.U8, s.U16, s.U32, s.U64 = math.MaxInt64, math.MaxUint8, math.MaxUint16, math.MaxUint32, math.MaxInt64
	}},
	{name: "float extremes", set: func(s *Sample) {
		s.F32, s.F64 = math.MaxFloat32, math.MaxFloat64
	}},
	{name: "float negative extremes", set: func(s *Sample) {
		s.F32, s.F64 = -math.MaxFloat32, -math.MaxFloat64
	}},
	{name: "float smallest", set: func(s *Sample) {
		s.F32, s.F64 = math.SmallestNonzeroFloat32, math.SmallestNonzeroFloat64
	}},
	{name: "float fractions", set: func(s *Sample) {
		s.F32, s.F64 = 0.1, math.Pi
	}},
	{name: "float NaN", set: func(s *Sample) {
		s.F32, s.F64 = float32(math.NaN()), math.NaN()
		s.PF64, s.NF64 = ptr(math.NaN()), sql.NullFloat64{Float64: math.NaN(), Valid: true}
	}, only: func(st storage) bool { return st.nan }},
	{name: "float +Inf", set: func(s *Sample) {
		s.F32, s.F64 = float32(math.Inf(1)), math.Inf(1)
		s.PF64, s.NF64 = ptr(math.Inf(1)), sql.NullFloat64{Float64: math.Inf(1), Valid: true}
	}, only: func(st storage) bool { return st.inf }},
	{name: "float -Inf", set: func(s *Sample) {
		s.F32, s.F64 = float32(math.Inf(-1)), math.Inf(-1)
	}, only: func(st storage) bool { return st.inf }},
	{name: "bool true", set: func(s *Sample) { s.Bool, s.PBool, s.NBool = true, ptr(true), sql.NullBool{Bool: true, Valid: true} }},
	{name: "long string", set: func(s *Sample) { s.Str = longString() }},
	{name: "non-ASCII strings", set: func(s *Sample) {
		s.Str, s.VStr = "Grüße, 世界 🎉 \u200d\U0001F469\u200d\U0001F4BB", "ääääääääää"
		s.NStr = sql.NullString{String: "日本語", Valid: true}
	}},
	{name: "quotes and escapes", set: func(s *Sample) {
		s.Str, s.VStr = `'"\%_;--`+"\t\r\n", `\'`
	}},
	{name: "NUL in text", set: func(s *Sample) { s.Str = "a\x00b" }, only: func(st storage) bool { return st.nul }},
	{name: "NUL in JSON", set: func(s *Sample) {
		s.Map, s.List = map[string]any{"k": "a\x00b"}, []string{"\x00"}
	}, only: func(st storage) bool { return st.nul }},
	{name: "escapes in JSON", set: func(s *Sample) {
		s.Map, s.List = map[string]any{`\u0000`: `\\u0000"`}, []string{`\`, `"\u0000`}
	}},
	{name: "empty non-NULL", set: func(s *Sample) {
		s.Bytes, s.PStr, s.PInt, s.PF64, s.PBool, s.PU8 = []byte{}, ptr(""), ptr(int64(0)), ptr(0.0), ptr(false), ptr(uint8(0))
		s.NStr, s.NI64, s.NBool, s.NGen = sql.NullString{Valid: true}, sql.NullInt64{Valid: true}, sql.NullBool{Valid: true}, sql.Null[int64]{Valid: true}
		s.Map, s.List = map[string]any{}, []string{}
	}},
	{name: "all bytes", set: func(s *Sample) { s.Bytes = allBytes() }},
	{name: "year 1", set: func(s *Sample) { s.Time, s.PTime = earliest, ptr(earliest) }},
	{name: "year 9999", set: func(s *Sample) {
		s.Time, s.PTime, s.NTime = latest, ptr(latest), sql.NullTime{Time: latest, Valid: true}
	}},
	{name: "sub-microsecond", set: func(s *Sample) {
		s.Time, s.PTime, s.NTime = subMicro, ptr(subMicro), sql.NullTime{Time: subMicro, Valid: true}
	}},
	{name: "time zones", set: func(s *Sample) {
		s.Time = time.Date(1969, 12, 31, 23, 59, 59, 999000, zone2)
		s.PTime = ptr(time.Date(2000, 2, 29, 0, 0, 0, 0, zone1))
		s.NTime = sql.NullTime{Time: time.Date(9999, 12, 31, 23, 30, 0, 0, time.FixedZone("UTC+01", 3600)), Valid: true}
	}},
	{name: "the zero time elsewhere", set: func(s *Sample) {
		s.PTime, s.NTime = ptr(time.Time{}), sql.NullTime{Valid: true}
	}},
	{name: "pointers", set: func(s *Sample) {
		s.PInt, s.PU8, s.PStr, s.PF64 = ptr(int64(math.MinInt64)), ptr(uint8(255)), ptr("ü"), ptr(-1.5)
	}},
	{name: "sql.Null extremes", set: func(s *Sample) {
		s.NI64 = sql.NullInt64{Int64: math.MinInt64, Valid: true}
		s.NI32 = sql.NullInt32{Int32: math.MaxInt32, Valid: true}
		s.NI16 = sql.NullInt16{Int16: math.MinInt16, Valid: true}
		s.NByte = sql.NullByte{Byte: 255, Valid: true}
		s.NF64 = sql.NullFloat64{Float64: -math.MaxFloat64, Valid: true}
		s.NGen = sql.Null[int64]{V: math.MaxInt64, Valid: true}
	}},
	{name: "numeric", set: func(s *Sample) { s.Dec = 99999999.99 }},
	{name: "numeric negative", set: func(s *Sample) { s.Dec = -99999999.99 }},
	{name: "numeric fraction", set: func(s *Sample) { s.Dec = 0.01 }},
	{name: "json", set: func(s *Sample) {
		s.Map = map[string]any{"a": 1.5, "b": "ü", "c": []any{true, nil, "x"}, "d": map[string]any{"e": -2.0}, "": ""}
		s.List = []string{"a", "世界", ""}
		s.Obj = SampleObj{Name: "n", N: -3, Tags: []string{"t"}, Inner: &struct {
			OK bool `json:"ok"`
		}{true}}
		s.PObj = &SampleObj{Name: "p"}
	}},
	{name: "valuer extremes", set: func(s *Sample) { s.Money = math.MinInt64 }},
	{name: "valuer max", set: func(s *Sample) { s.Money = math.MaxInt64 }},
	{name: "text form", set: func(s *Sample) { s.Code = Code{0xff, 0, 1, 0x7f} }},
}

func (c valueCase) sample() *Sample {
	s := &Sample{Case: c.name}
	if c.set != nil {
		c.set(s)
	}
	return s
}

func (c valueCase) applies(st storage) bool { return c.only == nil || c.only(st) }

// normalise turns a value into what the backend is documented to read
// back: times as the same instant in UTC, truncated to its precision.
func normalise(s *Sample, st storage) *Sample {
	n := *s
	n.ID = 0
	tm := func(t time.Time) time.Time {
		t = t.UTC().Truncate(st.timePrecision)
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	n.Time = tm(n.Time)
	if n.PTime != nil {
		n.PTime = ptr(tm(*n.PTime))
	}
	if n.NTime.Valid {
		n.NTime.Time = tm(n.NTime.Time)
	}
	return &n
}

// sampleDiff lists the fields of got that differ from want; NaN equals
// NaN.
func sampleDiff(got, want *Sample) []string {
	var out []string
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := 0; i < gv.NumField(); i++ {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if sameValue(g, w) {
			continue
		}
		gs, ws := fmt.Sprintf("%#v", g), fmt.Sprintf("%#v", w)
		if len(gs) > 200 {
			gs = gs[:200] + "…"
		}
		if len(ws) > 200 {
			ws = ws[:200] + "…"
		}
		out = append(out, fmt.Sprintf("%s: got %s, want %s", gv.Type().Field(i).Name, gs, ws))
	}
	return out
}

func sameValue(g, w any) bool {
	nan := func(v any) bool {
		switch x := v.(type) {
		case float32:
			return math.IsNaN(float64(x))
		case float64:
			return math.IsNaN(x)
		case *float64:
			return x != nil && math.IsNaN(*x)
		case sql.NullFloat64:
			return x.Valid && math.IsNaN(x.Float64)
		}
		return false
	}
	if nan(g) || nan(w) {
		return nan(g) && nan(w)
	}
	return reflect.DeepEqual(g, w)
}

// ValuesRoundTrip stores every Go type of the mapping table with
// boundary values (zero, minimum, maximum, NULL, NaN and ±Inf where the
// backend holds them, long and non-ASCII strings, years 1 and 9999,
// sub-microsecond times, zones) and reads each back in a fresh fork:
// inserted all in one flush (the batched shape), one per flush, and
// written by an UPDATE over a row of zero values.
func ValuesRoundTrip(t *testing.T, h *Harness) {
	st := storageOf(h.Backend)
	var cases []valueCase
	for _, c := range goodValues {
		if c.applies(st) {
			cases = append(cases, c)
		}
	}
	check := func(t *testing.T, shape string, prefix string) {
		t.Helper()
		m := h.EM()
		for _, c := range cases {
			got, err := em.FindOneOrFail[Sample](h.Ctx, m, query.Eq("case", prefix+c.name))
			if err != nil {
				t.Errorf("%s: %s: find: %v", shape, c.name, err)
				continue
			}
			for _, tm := range []time.Time{got.Time, got.NTime.Time} {
				if tm.Location() != time.UTC {
					t.Errorf("%s: %s: a time reads back in %s, want UTC", shape, c.name, tm.Location())
				}
			}
			if got.PTime != nil && got.PTime.Location() != time.UTC {
				t.Errorf("%s: %s: a *time.Time reads back in %s, want UTC", shape, c.name, got.PTime.Location())
			}
			want := normalise(c.sample(), st)
			want.Case = prefix + c.name
			if d := sampleDiff(normalise(got, st), want); len(d) > 0 {
				t.Errorf("%s: %s: read back differs:\n\t%s", shape, c.name, strings.Join(d, "\n\t"))
			}
		}
	}

	// One flush: a batch of rows.
	m := h.EM()
	for _, c := range cases {
		s := c.sample()
		s.Case = "batch " + s.Case
		must(t, m.Persist(s))
	}
	if err := m.Flush(h.Ctx); err != nil {
		t.Fatalf("batch insert: %v", err)
	}
	check(t, "batch insert", "batch ")

	// One row per flush.
	m = h.EM()
	for _, c := range cases {
		s := c.sample()
		s.Case = "single " + s.Case
		must(t, m.Persist(s))
		if err := m.Flush(h.Ctx); err != nil {
			t.Errorf("insert %s: %v", c.name, err)
		}
	}
	check(t, "single insert", "single ")

	// Updates of zero rows to each case's values.
	m = h.EM()
	for _, c := range cases {
		must(t, m.Persist(&Sample{Case: "update " + c.name}))
	}
	must(t, m.Flush(h.Ctx))
	m = h.EM()
	rows, err := em.Find[Sample](h.Ctx, m, query.Like("case", "update %"))
	must(t, err)
	for _, s := range rows {
		for _, c := range cases {
			if s.Case == "update "+c.name {
				id := s.ID
				*s = *c.sample()
				s.ID, s.Case = id, "update "+c.name
			}
		}
	}
	if err := m.Flush(h.Ctx); err != nil {
		t.Fatalf("update: %v", err)
	}
	check(t, "update", "update ")
}

// badValue is a value a backend cannot store: the flush must fail with
// ErrCheckViolation naming Sample.<field>, before anything is written.
type badValue struct {
	name, field string
	set         func(s *Sample)
	// only: the backend refuses the value where it returns true (nil:
	// everywhere).
	only func(st storage) bool
	// encoded: the value is refused while it is encoded, which MongoDB
	// does after it has drawn the generated keys of the batch.
	encoded bool
}

var badValues = []badValue{
	{name: "uint64 above MaxInt64", field: "U64", set: func(s *Sample) { s.U64 = math.MaxInt64 + 1 }},
	{name: "uint64 max", field: "U64", set: func(s *Sample) { s.U64 = math.MaxUint64 }},
	{name: "uint max", field: "U", set: func(s *Sample) { s.U = math.MaxUint }},
	{name: "year 10000", field: "Time", set: func(s *Sample) { s.Time = latest.Add(time.Nanosecond) }},
	{name: "year 10000 in UTC", field: "PTime", set: func(s *Sample) {
		s.PTime = ptr(time.Date(9999, 12, 31, 23, 30, 0, 0, zone3))
	}},
	{name: "year 0", field: "Time", set: func(s *Sample) { s.Time = time.Time{}.Add(-time.Nanosecond) }},
	{name: "sql.NullTime year 10000", field: "NTime", set: func(s *Sample) {
		s.NTime = sql.NullTime{Time: time.Date(10000, 1, 1, 6, 0, 0, 0, zone1), Valid: true}
	}},
	{name: "NaN", field: "F64", set: func(s *Sample) { s.F64 = math.NaN() }, only: func(st storage) bool { return !st.nan }},
	{name: "float32 NaN", field: "F32", set: func(s *Sample) { s.F32 = float32(math.NaN()) }, only: func(st storage) bool { return !st.nan }},
	{name: "pointer NaN", field: "PF64", set: func(s *Sample) { s.PF64 = ptr(math.NaN()) }, only: func(st storage) bool { return !st.nan }},
	{name: "sql.NullFloat64 NaN", field: "NF64", set: func(s *Sample) {
		s.NF64 = sql.NullFloat64{Float64: math.NaN(), Valid: true}
	}, only: func(st storage) bool { return !st.nan }},
	{name: "+Inf", field: "F64", set: func(s *Sample) { s.F64 = math.Inf(1) }, only: func(st storage) bool { return !st.inf }},
	{name: "-Inf", field: "F32", set: func(s *Sample) { s.F32 = float32(math.Inf(-1)) }, only: func(st storage) bool { return !st.inf }},
	{name: "NUL in text", field: "Str", set: func(s *Sample) { s.Str = "a\x00b" }, only: func(st storage) bool { return !st.nul }},
	{name: "NUL in JSON", field: "List", set: func(s *Sample) { s.List = []string{"a", "\x00"} }, only: func(st storage) bool { return !st.nul }},
	{name: "invalid UTF-8", field: "Str", set: func(s *Sample) { s.Str = "a\xffb" }},
	{name: "invalid UTF-8 pointer", field: "PStr", set: func(s *Sample) { s.PStr = ptr("\xc3") }},
	{name: "invalid UTF-8 sql.NullString", field: "NStr", set: func(s *Sample) {
		s.NStr = sql.NullString{String: "\xed\xa0\x80", Valid: true}
	}},
	{name: "too long", field: "VStr", set: func(s *Sample) { s.VStr = "ääääääääääa" }},
	{name: "numeric out of range", field: "Dec", set: func(s *Sample) { s.Dec = 100000000 }},
	{name: "numeric NaN", field: "Dec", set: func(s *Sample) { s.Dec = math.NaN() }},
	{name: "NaN in JSON", field: "Map", set: func(s *Sample) { s.Map = map[string]any{"x": math.NaN()} }, encoded: true},
}

// UnstorableValuesAreRefused checks that a value the backend cannot
// store (or could not read back) fails the flush with ErrCheckViolation
// naming Entity.Field, that nothing of the flush is written, and that the
// unit of work can be fixed and flushed again. Inserts and updates alike.
func UnstorableValuesAreRefused(t *testing.T, h *Harness) {
	st := storageOf(h.Backend)
	m := h.EM()
	var stored []*Sample
	for _, c := range badValues {
		s := &Sample{Case: "stored " + c.name}
		must(t, m.Persist(s))
		stored = append(stored, s)
	}
	must(t, m.Flush(h.Ctx))

	for i, c := range badValues {
		if c.only != nil && !c.only(st) {
			continue
		}
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			wantErr := func(op string, err error) {
				t.Helper()
				var ce *gomikro.ConstraintError
				if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) {
					t.Fatalf("%s: flush: %v, want ErrCheckViolation", op, err)
				}
				if ce.Entity != "Sample" || ce.Field != c.field || !strings.Contains(err.Error(), "Sample."+c.field) {
					t.Fatalf("%s: the error names %s.%s, want Sample.%s: %v", op, ce.Entity, ce.Field, c.field, err)
				}
			}
			// Insert: a good row and the bad one in one flush.
			m := h.EM()
			good := &Sample{Case: "good " + c.name}
			bad := &Sample{Case: "bad " + c.name}
			c.set(bad)
			must(t, m.Persist(good))
			must(t, m.Persist(bad))
			before := h.Count()
			wantErr("insert", m.Flush(h.Ctx))
			if sent := h.Count() - before; sent > 0 && !(c.encoded && st.drawsKeys) {
				t.Errorf("insert: %d statements were sent before the value was refused", sent)
			}
			n, err := em.Count[Sample](h.Ctx, h.EM(), query.In("case", good.Case, bad.Case))
			must(t, err)
			if n != 0 {
				t.Fatalf("insert: %d rows were written by a failed flush", n)
			}
			if good.ID != 0 || bad.ID != 0 {
				t.Fatalf("insert: the failed flush left keys %d, %d", good.ID, bad.ID)
			}
			// Fixed, the same unit of work flushes once.
			*bad = Sample{Case: bad.Case}
			must(t, m.Flush(h.Ctx))
			n, err = em.Count[Sample](h.Ctx, h.EM(), query.In("case", good.Case, bad.Case))
			must(t, err)
			if n != 2 {
				t.Fatalf("insert retry: %d rows, want 2", n)
			}

			// Update of a stored row.
			m = h.EM()
			s, err := em.FindOneOrFail[Sample](h.Ctx, m, query.Eq("id", stored[i].ID))
			must(t, err)
			c.set(s)
			before = h.Count()
			wantErr("update", m.Flush(h.Ctx))
			if sent := h.Count() - before; sent > 0 {
				t.Errorf("update: %d statements were sent before the value was refused", sent)
			}
			again, err := em.FindOneOrFail[Sample](h.Ctx, h.EM(), query.Eq("id", stored[i].ID))
			must(t, err)
			if d := sampleDiff(normalise(again, st), normalise(&Sample{Case: again.Case}, st)); len(d) > 0 {
				t.Fatalf("update: the row changed:\n\t%s", strings.Join(d, "\n\t"))
			}
		})
	}
}

// RefusedValueInsideTransaction checks that a value refused before
// anything is sent leaves the caller's transaction usable: the flush
// undoes nothing it did not start (no rollback to a savepoint it never
// made), and the transaction goes on and commits.
func RefusedValueInsideTransaction(t *testing.T, h *Harness) {
	m := h.EM()
	err := m.Transactional(h.Ctx, func(ctx context.Context, tx *em.EntityManager) error {
		must(t, tx.Persist(&Sample{Case: "tx first"}))
		must(t, tx.Flush(ctx))
		bad := &Sample{Case: "tx second", U64: math.MaxUint64}
		must(t, tx.Persist(bad))
		if err := tx.Flush(ctx); !errors.Is(err, gomikro.ErrCheckViolation) {
			t.Errorf("flush of a uint64 above MaxInt64: %v, want ErrCheckViolation", err)
		}
		bad.U64 = 1
		return tx.Flush(ctx)
	})
	must(t, err)
	n, err := em.Count[Sample](h.Ctx, h.EM(), query.Like("case", "tx %"))
	must(t, err)
	if n != 2 {
		t.Fatalf("%d rows after the transaction, want 2", n)
	}
}
