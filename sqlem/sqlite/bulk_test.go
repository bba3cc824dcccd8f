package sqlite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// Stock is updated in bulk; Version makes its bulk updates check rows.
type Stock struct {
	ID      int64 `orm:"pk"`
	Name    string
	Version int `orm:"version"`
}

// Shelf is updated in bulk without a version.
type Shelf struct {
	ID   int64 `orm:"pk"`
	Name string
}

// TestBulkUpdateChunks: a flush of more rows than one bulk UPDATE of
// SQLite carries (Dialect.BulkUpdateRows) splits them into statements of
// that many rows in one transaction, and every row is written (versioned
// or not).
func TestBulkUpdateChunks(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	orm := openFresh(t, gomikro.Config{Entities: []any{Stock{}, Shelf{}}, Logger: logger})
	ctx := context.Background()
	per := orm.Dialect().(interface{ BulkUpdateRows(int) int }).BulkUpdateRows(1)
	n := 2*per + 7
	m := orm.EM().Fork()
	for i := range n {
		if err := m.Persist(&Stock{Name: "s" + strconv.Itoa(i)}, &Shelf{Name: "h" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	m = orm.EM().Fork()
	stocks, err := em.FindAll[Stock](ctx, m)
	if err != nil || len(stocks) != n {
		t.Fatalf("stocks: %d, %v", len(stocks), err)
	}
	shelves, err := em.FindAll[Shelf](ctx, m)
	if err != nil || len(shelves) != n {
		t.Fatalf("shelves: %d, %v", len(shelves), err)
	}
	for i := range n {
		stocks[i].Name += "!"
		shelves[i].Name += "!"
	}
	buf.Reset()
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r struct {
			SQL string `json:"sql"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(r.SQL, "UPDATE ") {
			counts[strings.Fields(r.SQL)[1]]++
		}
	}
	for _, table := range []string{`"stock"`, `"shelf"`} {
		if counts[table] != 3 {
			t.Errorf("%d UPDATE statements of %s for %d rows, want 3 (%d rows each at most): %v", counts[table], table, n, per, counts)
		}
	}
	m = orm.EM().Fork()
	stocks, _ = em.FindAll[Stock](ctx, m)
	shelves, _ = em.FindAll[Shelf](ctx, m)
	for i := range n {
		if !strings.HasSuffix(stocks[i].Name, "!") || stocks[i].Version != 2 || !strings.HasSuffix(shelves[i].Name, "!") {
			t.Fatalf("row %d not updated: %+v %+v", i, *stocks[i], *shelves[i])
		}
	}
}
