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
// pointer-shaped word and plain runs of odd sizes, and compares them with
// what reflect's assignment gives.
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
		Big [200]*int // too many pieces: reflection
	}
	x := 7
	src := wide{A: 1, B: 2, C: 3, P: &x, M: map[string]int{"a": 1}, F: func() int { return 9 }, Ch: make(chan int),
		Sl: []byte("abc"), Any: "any", Err: errTest{}, U: 42, Arr: [3]inner{{1, "x", 2}, {3, "y", 4}, {5, "z", 6}},
		Raw: [5]byte{1, 2, 3, 4, 5}, Fl: 1.5, In: inner{7, "in", 8}, Up: unsafe.Pointer(&x)}
	src.Big[199] = &x
	for _, typ := range []reflect.Type{reflect.TypeFor[inner](), reflect.TypeFor[wide]()} {
		c, ok := newCopier(typ)
		if typ == reflect.TypeFor[wide]() {
			if ok {
				t.Fatal("a type of 200 pointers got a copier")
			}
			// Without Big the rest must copy exactly.
			continue
		}
		if !ok {
			t.Fatalf("%v: no copier", typ)
		}
		in := inner{B: 1, S: "s", I8: -3}
		var out inner
		c.copy(unsafe.Pointer(&out), unsafe.Pointer(&in))
		if out != in {
			t.Fatalf("copied %+v, want %+v", out, in)
		}
	}
	type noBig struct {
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
	}
	s2 := noBig{src.A, src.B, src.C, src.P, src.M, src.F, src.Ch, src.Sl, src.Any, src.Err, src.U, src.Arr, src.Raw, src.Fl, src.In, src.Up, src.Z}
	c, ok := newCopier(reflect.TypeFor[noBig]())
	if !ok {
		t.Fatal("no copier")
	}
	var got noBig
	c.copy(unsafe.Pointer(&got), unsafe.Pointer(&s2))
	var want noBig
	reflect.ValueOf(&want).Elem().Set(reflect.ValueOf(s2))
	if got.A != want.A || got.B != want.B || got.C != want.C || got.P != want.P || reflect.ValueOf(got.M).Pointer() != reflect.ValueOf(want.M).Pointer() ||
		got.F() != 9 || got.Ch != want.Ch || &got.Sl[0] != &want.Sl[0] || len(got.Sl) != 3 || cap(got.Sl) != cap(want.Sl) || got.Any != want.Any || got.Err != want.Err ||
		got.U != want.U || got.Arr != want.Arr || got.Raw != want.Raw || got.Fl != want.Fl || got.In != want.In || got.Up != want.Up {
		t.Fatalf("copied %+v, want %+v", got, want)
	}
}

type errTest struct{}

func (errTest) Error() string { return "test" }
