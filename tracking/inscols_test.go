package tracking_test

import (
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

// oneInsert plans the flush of obj, persisted alone in a new tracker on
// layouts l, and returns its insert batch and the plan's fixups.
func oneInsert(t *testing.T, l *tracking.Layouts, e *meta.Entity, obj unsafe.Pointer) (*tracking.InsertBatch, int) {
	t.Helper()
	tr := tracking.NewTracker(l)
	if _, _, err := tr.Persist(e, obj); err != nil {
		t.Fatal(err)
	}
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Inserts) != 1 || len(p.Inserts[0].Rows) != 1 {
		t.Fatalf("plan of one new row: %d inserts", len(p.Inserts))
	}
	return p.Inserts[0], len(p.Fixups)
}

func names(fs []*meta.Field) string {
	s := ""
	for _, f := range fs {
		s += f.Name + " "
	}
	return s
}

// TestOneInsertColumns: the columns of a one-row insert follow the row's
// dynamic columns (a zero generated key is read back, a set one written;
// a reference to the row itself waits for a follow-up UPDATE), and the
// lists for the same uses are shared by the flushes of other trackers.
func TestOneInsertColumns(t *testing.T) {
	r := registry(t)
	ea, _ := r.Of(reflectType[author]())
	ei, _ := r.Of(reflectType[item]())
	var l tracking.Layouts
	b1, _ := oneInsert(t, &l, ea, unsafe.Pointer(&author{Name: "a"}))
	if got := names(b1.Columns) + "| " + names(b1.Return); got != "Name | ID " {
		t.Fatalf("zero key: %q", got)
	}
	b2, _ := oneInsert(t, &l, ea, unsafe.Pointer(&author{Name: "b"}))
	if &b2.Columns[0] != &b1.Columns[0] || &b2.Return[0] != &b1.Return[0] {
		t.Fatal("the column lists of the same uses are not shared")
	}
	b3, _ := oneInsert(t, &l, ea, unsafe.Pointer(&author{ID: 5, Name: "c"}))
	if got := names(b3.Columns) + "| " + names(b3.Return); got != "ID Name | " {
		t.Fatalf("set key: %q", got)
	}
	it := &item{Title: "x", Owner: ref.FromID[author](int64(1))}
	b4, fix := oneInsert(t, &l, ei, unsafe.Pointer(it))
	if got := names(b4.Columns) + "| " + names(b4.Return); got != "Title Count Price Done When Note Data Meta Owner Parent Version | ID " || fix != 0 {
		t.Fatalf("item: %q, %d fixups", got, fix)
	}
	self := &item{Title: "y", Owner: ref.FromID[author](int64(1))}
	self.Parent = ref.To(self)
	b5, fix := oneInsert(t, &l, ei, unsafe.Pointer(self))
	if got := names(b5.Columns) + "| " + names(b5.Return); got != "Title Count Price Done When Note Data Meta Owner Version | ID " || fix != 1 {
		t.Fatalf("item referring to itself: %q, %d fixups", got, fix)
	}
	if _, err := func() (*tracking.Plan, error) {
		tr := tracking.NewTracker(&l)
		if _, _, err := tr.Persist(ei, unsafe.Pointer(&item{Title: "z"})); err != nil {
			t.Fatal(err)
		}
		return tr.Build()
	}(); err == nil {
		t.Fatal("an item without its required owner was planned")
	}
}
