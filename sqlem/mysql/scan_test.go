package mysql_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// Tally is an int64 that scans itself: it reads one more than stored.
type Tally int64

// Scan implements sql.Scanner.
func (t *Tally) Scan(v any) error {
	n, ok := v.(int64)
	if !ok {
		return fmt.Errorf("tally: %T", v)
	}
	*t = Tally(n + 1)
	return nil
}

// OddColumns has int64 and float64 fields on columns whose values the
// driver gives as text, and one that scans itself.
type OddColumns struct {
	ID    int64   `orm:"pk"`
	Text  int64   `orm:"type=VARCHAR(30)"`
	Price float64 `orm:"type=VARCHAR(40)"`
	Big   int64
	T     Tally
}

// TestLoadConvertsAsDatabaseSQL: int64 and float64 fields load from any
// value the driver gives as database/sql converts it, a type that scans
// itself does, and a NULL in a NOT NULL field is an error naming the
// column.
func TestLoadConvertsAsDatabaseSQL(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: []any{OddColumns{}}})
	m := orm.EM().Fork()
	want := &OddColumns{Text: -42, Price: 12.5, Big: 1 << 60, T: 7}
	if err := m.Persist(want); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := em.FindAll[OddColumns](ctx, orm.EM().Fork())
	if err != nil || len(got) != 1 {
		t.Fatal(err, got)
	}
	w := *want
	w.T++ // Tally.Scan adds one
	if *got[0] != w {
		t.Fatalf("loaded %+v, want %+v", *got[0], w)
	}
	if _, err := orm.EM().Fork().Execute(ctx, "ALTER TABLE odd_columns MODIFY big BIGINT NULL"); err != nil {
		t.Fatal(err)
	}
	if _, err := orm.EM().Fork().Execute(ctx, "UPDATE odd_columns SET big = NULL"); err != nil {
		t.Fatal(err)
	}
	_, err = em.FindAll[OddColumns](ctx, orm.EM().Fork())
	if err == nil || !strings.Contains(err.Error(), "NULL") || !strings.Contains(err.Error(), "big") {
		t.Fatalf("NULL into OddColumns.Big: %v, want an error naming the column", err)
	}
}
