package tracking_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/tracking"
)

type author struct {
	ID   int64 `orm:"pk"`
	Name string
}

type item struct {
	ID      int64 `orm:"pk"`
	Title   string
	Count   int32
	Price   float64
	Done    bool
	When    time.Time
	Note    *string
	Data    []byte
	Meta    map[string]any
	Owner   ref.Ref[author]
	Parent  ref.Ref[item] `orm:"nullable"`
	Version int           `orm:"version"`
}

func registry(t testing.TB) *meta.Registry {
	t.Helper()
	r, err := newReg(author{}, item{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newReg(entities ...any) (*meta.Registry, error) { return meta.NewRegistry(nil, entities...) }

// loaded registers obj as a managed row and returns its entry.
func loaded(t testing.TB, tr *tracking.Tracker, e *meta.Entity, obj unsafe.Pointer) *tracking.Entry {
	t.Helper()
	k, ok := tracking.KeyOf(e, obj)
	if !ok {
		t.Fatal("no key")
	}
	en, err := tr.AddLoaded(e, obj, k, false)
	if err != nil {
		t.Fatal(err)
	}
	return en
}

func changedNames(t *testing.T, tr *tracking.Tracker, en *tracking.Entry) []string {
	t.Helper()
	fs, err := tr.Changed(en, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestChangeDetection(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	ae, _ := reg.Of(reflectType[author]())
	note := "n"
	a1, a2 := &author{ID: 1}, &author{ID: 2}
	cases := []struct {
		name   string
		mutate func(*item)
		want   string
	}{
		{"nothing", func(*item) {}, ""},
		{"string", func(x *item) { x.Title = "other" }, "Title"},
		{"same string, new memory", func(x *item) { x.Title = string([]byte("title")) }, ""},
		{"int32 to zero", func(x *item) { x.Count = 0 }, "Count"},
		{"float", func(x *item) { x.Price = 2.5 }, "Price"},
		{"bool", func(x *item) { x.Done = false }, "Done"},
		{"same instant, other zone", func(x *item) { x.When = x.When.In(time.FixedZone("x", 3600)) }, ""},
		{"time", func(x *item) { x.When = x.When.Add(time.Second) }, "When"},
		{"pointer to equal value", func(x *item) { s := "n"; x.Note = &s }, ""},
		{"pointee changed in place", func(x *item) { *x.Note = "m" }, "Note"},
		{"pointer to nil", func(x *item) { x.Note = nil }, "Note"},
		{"bytes changed in place", func(x *item) { x.Data[0] = 'z' }, "Data"},
		{"equal new map", func(x *item) { x.Meta = map[string]any{"k": 1.0} }, ""},
		{"map changed in place", func(x *item) { x.Meta["k"] = 2.0 }, "Meta"},
		{"ref to another object with the same key", func(x *item) { x.Owner = ref.To(&author{ID: 1}) }, ""},
		{"ref by raw id of the same key", func(x *item) { x.Owner = ref.FromID[author](int64(1)) }, ""},
		{"ref to another row", func(x *item) { x.Owner = ref.To(a2) }, "Owner"},
		{"nullable ref set", func(x *item) { x.Parent = ref.FromID[item](int64(9)) }, "Parent"},
	}
	for _, c := range cases {
		// An object of the caller's, and one of Alloc's pairs (the
		// snapshot, with its JSON encodings, right after the object).
		for _, paired := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/paired=%v", c.name, paired), func(t *testing.T) {
				tr := tracking.NewTracker(nil)
				loaded(t, tr, ae, unsafe.Pointer(a1))
				x := &item{ID: 7, Title: "title", Count: 3, Price: 1, Done: true, When: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
					Note: &note, Data: []byte("abc"), Meta: map[string]any{"k": 1.0}, Owner: ref.To(a1), Version: 1}
				n := *x.Note
				x.Note = &n
				var en *tracking.Entry
				if paired {
					p := (*item)(tr.Alloc(ie))
					*p = *x
					x = p
					var err error
					if en, err = tr.AddLoaded(ie, unsafe.Pointer(x), tracking.Key{I: x.ID}, true); err != nil {
						t.Fatal(err)
					}
				} else {
					en = loaded(t, tr, ie, unsafe.Pointer(x))
				}
				c.mutate(x)
				got := changedNames(t, tr, en)
				want := []string{}
				if c.want != "" {
					want = []string{c.want}
				}
				if len(got) != len(want) || len(got) == 1 && got[0] != want[0] {
					t.Fatalf("changed %v, want %v", got, want)
				}
			})
		}
	}
}

func TestPlanOrdersInsertsAndDefersCycles(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	ae, _ := reg.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	a := &author{Name: "a"}
	root := &item{Title: "root", Owner: ref.To(a)}
	child := &item{Title: "child", Owner: ref.To(a), Parent: ref.To(root)}
	// A two-item cycle through the nullable Parent.
	x := &item{Title: "x", Owner: ref.To(a)}
	y := &item{Title: "y", Owner: ref.To(a), Parent: ref.To(x)}
	x.Parent = ref.To(y)
	for _, o := range []*item{child, root, x, y} {
		if _, err := tr.AddNew(ie, unsafe.Pointer(o)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.AddNew(ae, unsafe.Pointer(a)); err != nil {
		t.Fatal(err)
	}
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if p.Inserts[0].Entity != ae {
		t.Fatalf("first insert is %s, want the referenced author", p.Inserts[0].Entity.Name)
	}
	pos := map[*item]int{}
	for i, b := range p.Inserts {
		for _, r := range b.Rows {
			if b.Entity == ie {
				pos[(*item)(r.Obj)] = i
			}
		}
	}
	if pos[root] >= pos[child] {
		t.Fatal("a child is inserted no later than its parent")
	}
	if len(p.Fixups) != 1 || len(p.Fixups[0].Rows) == 0 {
		t.Fatalf("the x/y cycle produced %d fixups", len(p.Fixups))
	}
	if root.Version != 1 {
		t.Fatalf("new versioned rows start at version %d, want 1", root.Version)
	}
	p.Restore()
	if root.Version != 0 {
		t.Fatal("Restore left the version set")
	}
}

func TestNonNullableCycleIsAnError(t *testing.T) {
	type node struct {
		ID   int64 `orm:"pk"`
		Next ref.Ref[node]
	}
	reg, err := meta.NewRegistry(nil, node{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	tr := tracking.NewTracker(nil)
	a, b := &node{}, &node{}
	a.Next, b.Next = ref.To(b), ref.To(a)
	for _, o := range []*node{a, b} {
		if _, err := tr.AddNew(e, unsafe.Pointer(o)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tr.Build(); err == nil {
		t.Fatal("a cycle through NOT NULL references was planned")
	}
}

// An Entry per tracked object: loads of many rows allocate them in chunks,
// and 64 bytes is a size class of its own.
func TestEntryIs64Bytes(t *testing.T) {
	if n := unsafe.Sizeof(tracking.Entry{}); n > 64 {
		t.Fatalf("tracking.Entry is %d bytes, want at most 64", n)
	}
}

// The identity map names entries by position; detaching most of them
// compacts the list, and every key must still find its own entry.
func TestLookupAfterCompaction(t *testing.T) {
	reg := registry(t)
	ae, _ := reg.Of(reflectType[author]())
	tr := tracking.NewTracker(nil)
	var ens []*tracking.Entry
	for i := range 200 {
		a := &author{ID: int64(i + 1), Name: "a"}
		ens = append(ens, loaded(t, tr, ae, unsafe.Pointer(a)))
	}
	for i, en := range ens {
		if i%4 != 0 {
			tr.Detach(en)
		}
	}
	if tr.Len() != 50 || len(tr.Entries()) >= 200 {
		t.Fatalf("%d live of %d listed: no compaction", tr.Len(), len(tr.Entries()))
	}
	for i, en := range ens {
		got, ok := tr.Lookup(ae, tracking.Key{I: int64(i + 1)})
		switch {
		case i%4 == 0 && (!ok || got != en):
			t.Fatalf("key %d: %v, %v; want its entry", i+1, got, ok)
		case i%4 != 0 && ok:
			t.Fatalf("key %d: detached, but found", i+1)
		}
	}
	// Entries added after the compaction are found too.
	late := loaded(t, tr, ae, unsafe.Pointer(&author{ID: 1000}))
	if got, ok := tr.Lookup(ae, tracking.Key{I: 1000}); !ok || got != late {
		t.Fatal("an entry added after compaction is not found")
	}
}

type gauge struct {
	ID      int64 `orm:"pk"`
	Level   int
	Version uint16 `orm:"version"`
}

// TestUnsignedVersion checks that Build sets and bumps a uint16 version
// (new rows get 1, changed rows old+1) and Restore puts them back, and
// that every new row gets its own snapshot slot.
func TestUnsignedVersion(t *testing.T) {
	reg, err := newReg(gauge{})
	if err != nil {
		t.Fatal(err)
	}
	ge, _ := reg.Of(reflectType[gauge]())
	tr := tracking.NewTracker(nil)
	old := &gauge{ID: 1, Level: 1, Version: 41}
	loaded(t, tr, ge, unsafe.Pointer(old))
	news := []*gauge{{ID: 2}, {ID: 3}, {ID: 4, Version: 9}}
	for _, g := range news {
		if _, err := tr.AddNew(ge, unsafe.Pointer(g)); err != nil {
			t.Fatal(err)
		}
	}
	old.Level = 2
	p, err := tr.Build()
	if err != nil {
		t.Fatal(err)
	}
	if old.Version != 42 || news[0].Version != 1 || news[1].Version != 1 || news[2].Version != 9 {
		t.Fatalf("versions after Build: %d %d %d %d, want 42 1 1 9", old.Version, news[0].Version, news[1].Version, news[2].Version)
	}
	snaps := map[unsafe.Pointer]bool{}
	for _, b := range p.Inserts {
		for _, en := range b.Rows {
			if en.Snap == nil || snaps[en.Snap] {
				t.Fatal("a new row without a snapshot slot of its own")
			}
			snaps[en.Snap] = true
		}
	}
	if got := p.Updates[0].OldVersion(p.Updates[0].Rows[0]); got != uint16(41) {
		t.Fatalf("OldVersion = %v (%T), want uint16 41", got, got)
	}
	p.Restore()
	if old.Version != 41 || news[0].Version != 0 || news[1].Version != 0 || news[2].Version != 9 {
		t.Fatalf("versions after Restore: %d %d %d %d, want 41 0 0 9", old.Version, news[0].Version, news[1].Version, news[2].Version)
	}
}

// TestReferenceBaselineWithJSON plans a change to never-loaded references
// of a type with a JSON column, paired and not: the baseline snapshot
// carries the zero value's encodings, so only the column set is written.
func TestReferenceBaselineWithJSON(t *testing.T) {
	reg := registry(t)
	ie, _ := reg.Of(reflectType[item]())
	for _, paired := range []bool{false, true} {
		tr := tracking.NewTracker(nil)
		x := &item{ID: 3}
		if paired {
			x = (*item)(tr.Alloc(ie))
			x.ID = 3
		}
		en := tr.AddRef(ie, unsafe.Pointer(x), tracking.Key{I: 3}, paired)
		x.Title, x.Version = "set", 2
		p, err := tr.Build()
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Updates) != 1 || len(p.Updates[0].Rows) != 1 || p.Updates[0].Rows[0] != en {
			t.Fatalf("paired=%v: want one update of the reference: %+v", paired, p)
		}
		// The plan set the next version.
		if got := changedNames(t, tr, en); !slices.Equal(got, []string{"Title", "Version"}) {
			t.Fatalf("paired=%v: changed %v after the baseline, want [Title Version]", paired, got)
		}
		x.Meta = map[string]any{"k": 1.0}
		if got := changedNames(t, tr, en); !slices.Equal(got, []string{"Title", "Meta", "Version"}) {
			t.Fatalf("paired=%v: changed %v, want [Title Meta Version]", paired, got)
		}
	}
}
