package tracking

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"
)

// TestObjTableAgainstMap runs random puts, gets and deletions on an
// objTable and a Go map side by side: objects allocated a fixed stride
// apart (as Tracker.Alloc and a loop of new structs make them) and
// deletions that must move entries back across the end of the array.
func TestObjTableAgainstMap(t *testing.T) {
	objs := make([][48]byte, 3000)
	ptr := func(i int) unsafe.Pointer { return unsafe.Pointer(&objs[i]) }
	var tab objTable
	ref := map[unsafe.Pointer]*Entry{}
	r := rand.New(rand.NewPCG(1, 2))
	check := func(step int) {
		t.Helper()
		if tab.n != len(ref) {
			t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(ref))
		}
		for i := range objs {
			p := ptr(i)
			en, ok := tab.get(p)
			want, wok := ref[p]
			if ok != wok || en != want {
				t.Fatalf("step %d: object %d: got (%p, %v), want (%p, %v)", step, i, en, ok, want, wok)
			}
		}
	}
	for step := range 20000 {
		p := ptr(r.IntN(len(objs)))
		switch r.IntN(3) {
		case 0, 1:
			en := &Entry{Obj: p}
			tab.put(en)
			ref[p] = en
		default:
			tab.del(p)
			delete(ref, p)
		}
		if step%2000 == 0 {
			check(step)
		}
	}
	check(-1)
	// Empty it by deletions, then clear keeps the array.
	for p := range ref {
		tab.del(p)
		delete(ref, p)
	}
	check(-2)
	tab.put(&Entry{Obj: ptr(1)})
	n := len(tab.slots)
	tab.clear()
	if _, ok := tab.get(ptr(1)); ok || tab.n != 0 || len(tab.slots) != n {
		t.Fatal("clear left an entry or dropped the array")
	}
}

// TestCopierMatchesAssignment copies values of types with every kind of
// pointer-shaped word, plain runs of odd sizes and no pointers at all,
// and compares them with what reflect's assignment gives.
func TestCopierMatchesAssignment(t *testing.T) {
	type inner struct {
		B  byte
		S  string
		I8 int8
	}
	type wide struct {
		A   int32
		B   int32
		C   int64
		P   *int
		M   map[string]int
		F   func() int
		Ch  chan int
		Sl  []byte
		Any any
		Err error
		U   uintptr
		Arr [3]inner
		Raw [5]byte
		Fl  float32
		In  inner
		Up  unsafe.Pointer
		Z   [0]*int
		Big [20]*int
		Bo  bool
	}
	type plain struct {
		A int8
		B [3]uint16
		C float64
	}
	x := 7
	src := wide{A: 1, B: 2, C: 3, P: &x, M: map[string]int{"a": 1}, F: func() int { return 9 }, Ch: make(chan int),
		Sl: []byte("abc"), Any: "any", Err: errTest{}, U: 42, Arr: [3]inner{{1, "x", 2}, {3, "y", 4}, {5, "z", 6}},
		Raw: [5]byte{1, 2, 3, 4, 5}, Fl: 1.5, In: inner{7, "in", 8}, Up: unsafe.Pointer(&x), Bo: true}
	src.Big[19] = &x
	var got wide
	copyWith(t, &got, &src)
	if got.A != src.A || got.B != src.B || got.C != src.C || got.P != src.P || reflect.ValueOf(got.M).Pointer() != reflect.ValueOf(src.M).Pointer() ||
		got.F() != 9 || got.Ch != src.Ch || &got.Sl[0] != &src.Sl[0] || len(got.Sl) != 3 || cap(got.Sl) != cap(src.Sl) || got.Any != src.Any || got.Err != src.Err ||
		got.U != src.U || got.Arr != src.Arr || got.Raw != src.Raw || got.Fl != src.Fl || got.In != src.In || got.Up != src.Up || got.Big != src.Big || !got.Bo {
		t.Fatalf("copied %+v, want %+v", got, src)
	}
	p1, p2 := plain{A: 1, B: [3]uint16{2, 3, 4}, C: 5}, plain{}
	copyWith(t, &p2, &p1)
	if p1 != p2 {
		t.Fatalf("copied %+v, want %+v", p2, p1)
	}
	in1, in2 := inner{B: 1, S: "s", I8: -3}, inner{}
	copyWith(t, &in2, &in1)
	if in1 != in2 {
		t.Fatalf("copied %+v, want %+v", in2, in1)
	}
	if _, ok := newCopier(reflect.TypeFor[[maxCopyWords + 1]*int]()); ok {
		t.Fatal("a type of too many words got a copier")
	}
	if c, ok := newCopier(reflect.TypeFor[[maxCopyWords + 1]int]()); !ok || !c.raw {
		t.Fatal("a large type without pointers is not copied as bytes")
	}
}

// copyWith copies *src to *dst with the copier of T.
func copyWith[T any](t *testing.T, dst, src *T) {
	t.Helper()
	c, ok := newCopier(reflect.TypeFor[T]())
	if !ok {
		t.Fatalf("%v: no copier", reflect.TypeFor[T]())
	}
	c.copy(unsafe.Pointer(dst), unsafe.Pointer(src))
}

type errTest struct{}

func (errTest) Error() string { return "test" }
