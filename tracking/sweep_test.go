package tracking_test

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

// flat is compared by one span of whole words (key, string, integers,
// reference key).
type flat struct {
	ID    int64 `orm:"pk"`
	Title string
	N     int64
	Owner ref.Ref[author]
}

// odd ends in a bool: its span is not whole words.
type odd struct {
	ID    int64 `orm:"pk"`
	Owner ref.Ref[author]
	On    bool
}

// deep has pointer and []byte columns, compared one by one.
type deep struct {
	ID    int64 `orm:"pk"`
	Note  *string
	Data  []byte
	Owner ref.Ref[author]
}

// sweepRows loads n rows of each kind (a mark word and more) and returns
// a function that changes row i of a kind in a column the kind has.
func sweepRows(t *testing.T, tr *tracking.Tracker, reg *meta.Registry, kind string, n int, a *author) (mutate func(i int), objs []unsafe.Pointer) {
	t.Helper()
	for i := range n {
		id := int64(i + 1)
		var p unsafe.Pointer
		var e *meta.Entity
		switch kind {
		case "flat":
			e, _ = reg.Of(reflectType[flat]())
			x := (*flat)(tr.Alloc(e))
			*x = flat{ID: id, Title: "t", N: 3, Owner: ref.To(a)}
			p = unsafe.Pointer(x)
		case "odd":
			e, _ = reg.Of(reflectType[odd]())
			p = unsafe.Pointer(&odd{ID: id, Owner: ref.To(a), On: true})
		case "deep":
			e, _ = reg.Of(reflectType[deep]())
			s := "n"
			p = unsafe.Pointer(&deep{ID: id, Note: &s, Data: []byte("ab"), Owner: ref.To(a)})
		case "item":
			e, _ = reg.Of(reflectType[item]())
			p = unsafe.Pointer(&item{ID: id, Title: "t", Meta: map[string]any{"k": 1.0}, Owner: ref.To(a), Version: 1})
		}
		if _, err := tr.AddLoaded(e, p, tracking.Key{I: id}, kind == "flat"); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, p)
	}
	other := &author{ID: 99}
	return func(i int) {
		switch kind {
		case "flat":
			x := (*flat)(objs[i])
			switch i % 3 {
			case 0:
				x.Title = "u"
			case 1:
				x.N++
			default:
				x.Owner = ref.To(other)
			}
		case "odd":
			(*odd)(objs[i]).On = false
		case "deep":
			x := (*deep)(objs[i])
			if i%2 == 0 {
				*x.Note = "m"
			} else {
				x.Data[0] = 'z'
			}
		case "item":
			(*item)(objs[i]).Meta["k"] = 2.0
		}
	}, objs
}

// TestSweepMarksForBuild checks that a flush's walk through Sweep, then
// Build, finds exactly the changed rows, whatever way the type is
// compared, across mark words; that Sweep visits the changed rows and
// the reference but not the unchanged rows whose references are columns;
// and that marks taken by one Build do not serve the next.
func TestSweepMarksForBuild(t *testing.T) {
	reg := sweepReg(t)
	ae, _ := reg.Of(reflectType[author]())
	for _, kind := range []string{"flat", "odd", "deep", "item"} {
		t.Run(kind, func(t *testing.T) {
			tr := tracking.NewTracker(nil)
			a := &author{ID: 1}
			tr.AddRef(ae, unsafe.Pointer(a), tracking.Key{I: 1}, false)
			const n = 150
			mutate, objs := sweepRows(t, tr, reg, kind, n, a)
			changed := []int{0, 1, 2, 63, 64, 65, 127, 128, 149}
			for _, i := range changed {
				mutate(i)
			}
			visited := map[unsafe.Pointer]bool{}
			if err := tr.Sweep(func(en *tracking.Entry) error { visited[en.Obj] = true; return nil }); err != nil {
				t.Fatal(err)
			}
			if !visited[unsafe.Pointer(a)] {
				t.Fatal("the reference was not visited")
			}
			for i, p := range objs {
				if slices.Contains(changed, i) && !visited[p] {
					t.Fatalf("changed row %d was not visited", i)
				}
				// flat, odd and deep reference only through columns.
				if kind != "item" && !slices.Contains(changed, i) && visited[p] {
					t.Fatalf("unchanged row %d was visited", i)
				}
			}
			p, err := tr.Build()
			if err != nil {
				t.Fatal(err)
			}
			if got := updatedRows(p, objs); !slices.Equal(got, changed) {
				t.Fatalf("updated rows %v, want %v", got, changed)
			}
			p.Restore()
			// The marks served that Build only: a row changed now is seen
			// by the next Build without a Sweep.
			mutate(100)
			p, err = tr.Build()
			if err != nil {
				t.Fatal(err)
			}
			if got := updatedRows(p, objs); !slices.Equal(got, append(slices.Clone(changed[:6]), append([]int{100}, changed[6:]...)...)) {
				t.Fatalf("updated rows after a second change %v", got)
			}
			p.Restore()
		})
	}
}

func updatedRows(p *tracking.Plan, objs []unsafe.Pointer) []int {
	var out []int
	for _, b := range p.Updates {
		for _, en := range b.Rows {
			out = append(out, slices.Index(objs, en.Obj))
		}
	}
	slices.Sort(out)
	return out
}

// TestSweepMarksDropped checks what ends the marks: DropMarks (a caller
// changed objects after Sweep), and a compaction of the entry list while
// visiting (entries move to other indexes).
func TestSweepMarksDropped(t *testing.T) {
	reg := sweepReg(t)
	ae, _ := reg.Of(reflectType[author]())
	fe, _ := reg.Of(reflectType[flat]())
	a := &author{ID: 1}

	t.Run("DropMarks", func(t *testing.T) {
		tr := tracking.NewTracker(nil)
		tr.AddRef(ae, unsafe.Pointer(a), tracking.Key{I: 1}, false)
		mutate, objs := sweepRows(t, tr, reg, "flat", 10, a)
		if err := tr.Sweep(func(*tracking.Entry) error { return nil }); err != nil {
			t.Fatal(err)
		}
		mutate(4) // after the sweep, as collection writes and hooks do
		tr.DropMarks()
		p, err := tr.Build()
		if err != nil {
			t.Fatal(err)
		}
		if got := updatedRows(p, objs); !slices.Equal(got, []int{4}) {
			t.Fatalf("updated rows %v, want [4]", got)
		}
	})

	t.Run("compaction while visiting", func(t *testing.T) {
		tr := tracking.NewTracker(nil)
		var ens []*tracking.Entry
		var objs []unsafe.Pointer
		for i := range 200 {
			x := &flat{ID: int64(i + 1), Title: "t", Owner: ref.To(a)}
			objs = append(objs, unsafe.Pointer(x))
			ens = append(ens, loaded(t, tr, fe, unsafe.Pointer(x)))
		}
		// Row 150 changed: visited; the visit detaches rows 0..149, and
		// the list compacts: row 150 moves to an index marked unchanged.
		(*flat)(objs[150]).N = 1
		detached := false
		err := tr.Sweep(func(en *tracking.Entry) error {
			if !detached && en.Obj == objs[150] {
				detached = true
				for _, d := range ens[:150] {
					tr.Detach(d)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Entries()) >= 200 {
			t.Fatalf("%d entries listed: no compaction", len(tr.Entries()))
		}
		p, err := tr.Build()
		if err != nil {
			t.Fatal(err)
		}
		if got := updatedRows(p, objs); !slices.Equal(got, []int{150}) {
			t.Fatalf("updated rows %v, want [150]", got)
		}
	})
}

// TestSweepVisitsAdded checks that entries visit adds (objects the
// cascade persists) are visited too, in order, and planned as inserts.
func TestSweepVisitsAdded(t *testing.T) {
	reg := sweepReg(t)
	ae, _ := reg.Of(reflectType[author]())
	fe, _ := reg.Of(reflectType[flat]())
	tr := tracking.NewTracker(nil)
	a := &author{ID: 1}
	loaded(t, tr, ae, unsafe.Pointer(a))
	x := &flat{ID: 1, Title: "t", Owner: ref.To(a)}
	loaded(t, tr, fe, unsafe.Pointer(x))
	x.Owner = ref.To(&author{Name: "new"})
	var order []string
	err := tr.Sweep(func(en *tracking.Entry) error {
		order = append(order, fmt.Sprintf("%s:%v", en.E.Name, en.State))
		if en.Obj == unsafe.Pointer(x) {
			if _, _, err := tr.Persist(ae, unsafe.Pointer(x.Owner.Get())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{fmt.Sprintf("flat:%v", tracking.StateManaged), fmt.Sprintf("author:%v", tracking.StateNew)}; !slices.Equal(order, want) {
		t.Fatalf("visited %v, want %v", order, want)
	}
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Inserts) != 1 || len(p.Inserts[0].Rows) != 1 || len(p.Updates) != 1 {
		t.Fatalf("%d insert batches, %d update batches; want the new author and the changed row", len(p.Inserts), len(p.Updates))
	}
}

// sweepReg is the registry of the sweep tests: authors, and one type of
// each comparison layout (whole words, odd spans, deep columns, JSON).
func sweepReg(t *testing.T) *meta.Registry {
	t.Helper()
	reg, err := newReg(author{}, item{}, flat{}, odd{}, deep{})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
