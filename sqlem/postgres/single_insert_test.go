package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
)

type skippedRow struct {
	ID   int64 `orm:"pk"`
	Name string
}

// TestSingleInsertWithoutReturnedRow: a one-row insert that earlier
// flushes sent already (run directly, its key read back) and that returns no row
// (a BEFORE INSERT trigger skipped it) is an error saying so, as the
// general path's; the flushes before it read their keys.
func TestSingleInsertWithoutReturnedRow(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: []any{skippedRow{}}})
	ctx := context.Background()
	for i := range 2 {
		m := orm.EM().Fork()
		r := &skippedRow{Name: "kept"}
		if err := m.Persist(r); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil || r.ID == 0 {
			t.Fatalf("save %d: id %d, %v", i, r.ID, err)
		}
	}
	m := orm.EM().Fork()
	for _, q := range []string{
		`CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
		`CREATE TRIGGER skip BEFORE INSERT ON skipped_row FOR EACH ROW EXECUTE FUNCTION skip_row()`,
	} {
		if _, err := m.Execute(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r := &skippedRow{Name: "skipped"}
	if err := m.Persist(r); err != nil {
		t.Fatal(err)
	}
	err := m.Flush(ctx)
	if err == nil || !strings.Contains(err.Error(), "0 rows returned for 1 inserted") {
		t.Fatalf("an insert the trigger skipped: %v", err)
	}
}
