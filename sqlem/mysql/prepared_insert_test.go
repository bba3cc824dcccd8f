package mysql_test

import (
	"context"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem"
)

// BinaryRow has a column of each kind of value a big insert binds.
type BinaryRow struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"length=200"`
	Body  string
	N     int64
	Small int16
	F     float64
	F32   float32
	Flag  bool
	At    time.Time
	Zero  time.Time
	Data  []byte
	Note  *string
	Meta  map[string]any
}

// binaryRow returns row i, with text that needs escaping in SQL, floats
// that print long, extreme integers and NULLs.
func binaryRow(i int) *BinaryRow {
	texts := []string{`it's`, `back\slash`, "tab\tnew\nline", "日本語 ✓", "nul\x00byte", `"quoted"`, ""}
	r := &BinaryRow{
		Title: texts[i%len(texts)] + strconv.Itoa(i),
		Body:  strings.Repeat("b", i%50),
		N:     int64(i) * 1e12,
		Small: int16(i % math.MaxInt16),
		F:     float64(i) / 3,
		F32:   float32(i) / 7,
		Flag:  i%2 == 0,
		At:    time.Date(2020, 1, 2, 3, 4, 5, i*1000, time.UTC),
		Data:  []byte{byte(i), 0, 0xff, '\'', '\\'},
		Meta:  map[string]any{"i": float64(i), "s": texts[i%len(texts)]},
	}
	switch i % 3 {
	case 0:
		r.N = math.MinInt64 + int64(i)
	case 1:
		s := "note " + strconv.Itoa(i)
		r.Note = &s
		r.Data = nil
	}
	return r
}

// TestBigInsertPrepared: the full chunks of a big insert run on one
// prepared statement (the binary protocol) and store every value as the
// text protocol does; the rows of the last, shorter chunk go as text.
func TestBigInsertPrepared(t *testing.T) {
	ctx := context.Background()
	// One connection: the session's counters are the flush's.
	orm := openFresh(t, gomikro.Config{Entities: []any{BinaryRow{}}, MaxConns: 1})
	executes := func() int64 {
		t.Helper()
		n, err := sqlem.Raw[int64](ctx, orm.EM().Fork(),
			"SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'")
		if err != nil || len(n) != 1 {
			t.Fatal(err, n)
		}
		return *n[0]
	}
	const rows = 2500 // two full chunks of 1,000 rows and one of 500
	m := orm.EM().Fork()
	want := make([]*BinaryRow, rows)
	for i := range want {
		want[i] = binaryRow(i)
		if err := m.Persist(want[i]); err != nil {
			t.Fatal(err)
		}
	}
	before := executes()
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := executes() - before; got != 2 {
		t.Errorf("%d executions of prepared statements, want 2 (the full chunks)", got)
	}
	got, err := em.FindAll[BinaryRow](ctx, orm.EM().Fork())
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[int64]*BinaryRow, len(got))
	for _, r := range got {
		byID[r.ID] = r
	}
	if len(byID) != rows {
		t.Fatalf("%d rows stored, want %d", len(byID), rows)
	}
	for i, w := range want {
		g := byID[w.ID]
		if g == nil {
			t.Fatalf("row %d: key %d not stored", i, w.ID)
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("row %d: stored\n%+v\nwant\n%+v", i, *g, *w)
		}
	}
}
