package sqlem

import (
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// idDialect is a dialect with or without RETURNING whose driver reports
// insert ids with the given step.
type idDialect struct {
	Dialect
	returning bool
	step      int64
	keyOK     bool
}

func (d idDialect) Returning() bool                { return d.returning }
func (d idDialect) InsertIDStep() int64            { return d.step }
func (d idDialect) InsertIDKey(f *meta.Field) bool { return d.keyOK }

// retDialect has RETURNING and no insert ids.
type retDialect struct{ Dialect }

func (retDialect) Returning() bool { return true }

func TestUseInsertIDs(t *testing.T) {
	reg, err := meta.NewRegistry(nil, cacheNote{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	id, title := e.PK[0], e.Columns[1]
	batch := func(rows int, ret ...*meta.Field) *tracking.InsertBatch {
		return &tracking.InsertBatch{Entity: e, Columns: []*meta.Field{title}, Return: ret, Rows: make([]*tracking.Entry, rows)}
	}
	for _, tc := range []struct {
		name string
		d    Dialect
		b    *tracking.InsertBatch
		want bool
	}{
		{"nothing to read back", idDialect{returning: true, step: 1, keyOK: true}, batch(5), false},
		{"no RETURNING: insert ids", idDialect{step: 0, keyOK: true}, batch(5, id, title), true},
		{"RETURNING only", retDialect{}, batch(1, id), false},
		{"both, consecutive keys", idDialect{returning: true, step: 1, keyOK: true}, batch(5, id), true},
		{"both, keys not consecutive, many rows", idDialect{returning: true, keyOK: true}, batch(5, id), false},
		{"both, keys not consecutive, one row", idDialect{returning: true, keyOK: true}, batch(1, id), true},
		{"both, more than the key to read back", idDialect{returning: true, step: 1, keyOK: true}, batch(1, id, title), false},
		{"both, the key is not the insert id", idDialect{returning: true, step: 1}, batch(1, id), false},
	} {
		if got := useInsertIDs(tc.d, tc.b); got != tc.want {
			t.Errorf("%s: useInsertIDs = %v, want %v", tc.name, got, tc.want)
		}
	}
}
