package meta_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

// A model with every inverse side: 1:m, inverse m:n, inverse 1:1, and a
// self-reference.
type (
	OWriter struct {
		ID      int64                  `orm:"pk"`
		Works   ref.Collection[OWork]  `orm:"mappedBy=Writer"`
		Profile ref.Ref[OProfile]      `orm:"1:1,mappedBy=Writer"`
		Genres  ref.Collection[OGenre] `orm:"mappedBy=Writers"`
	}
	OWork struct {
		ID     int64 `orm:"pk"`
		Writer ref.Ref[OWriter]
		Labels ref.Collection[OLabel] `orm:"m:n"`
		Parent ref.Ref[OWork]         `orm:"nullable"`
		Parts  ref.Collection[OWork]  `orm:"mappedBy=Parent"`
	}
	OLabel struct {
		ID    int64                 `orm:"pk"`
		Works ref.Collection[OWork] `orm:"mappedBy=Labels"`
	}
	OProfile struct {
		ID     int64            `orm:"pk"`
		Writer ref.Ref[OWriter] `orm:"1:1"`
	}
	OGenre struct {
		ID      int64                   `orm:"pk"`
		Writers ref.Collection[OWriter] `orm:"m:n"`
	}
)

// TestEntityOrderDoesNotMatter registers the model in every order and
// checks that each order succeeds with the same metadata.
func TestEntityOrderDoesNotMatter(t *testing.T) {
	model := []any{OWriter{}, OWork{}, OLabel{}, &OProfile{}, OGenre{}}
	var want string
	n := 0
	for perm := range permutations(model) {
		n++
		r, err := meta.NewRegistry(nil, perm...)
		if err != nil {
			t.Fatalf("order %s: %v", names(perm), err)
		}
		got := describe(r)
		if want == "" {
			want = got
			continue
		}
		if got != want {
			t.Fatalf("order %s gives other metadata:\n%s\nwant\n%s", names(perm), got, want)
		}
	}
	if n != 120 {
		t.Fatalf("%d orders tried", n)
	}
}

// permutations yields every order of xs (Heap's algorithm).
func permutations(xs []any) func(func([]any) bool) {
	return func(yield func([]any) bool) {
		a := slices.Clone(xs)
		c := make([]int, len(a))
		if !yield(slices.Clone(a)) {
			return
		}
		for i := 0; i < len(a); {
			if c[i] < i {
				if i%2 == 0 {
					a[0], a[i] = a[i], a[0]
				} else {
					a[c[i]], a[i] = a[i], a[c[i]]
				}
				if !yield(slices.Clone(a)) {
					return
				}
				c[i]++
				i = 0
			} else {
				c[i] = 0
				i++
			}
		}
	}
}

func names(xs []any) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.TrimPrefix(fmt.Sprintf("%T", x), "meta_test.")
	}
	return strings.Join(out, ", ")
}

// describe renders what the registry resolved, independent of the
// registration order.
func describe(r *meta.Registry) string {
	var lines []string
	for _, e := range r.Entities() {
		for _, f := range e.Fields {
			line := fmt.Sprintf("%s.%s col=%q storage=%d type=%s null=%v unique=%v", e.Name, f.Name, f.Column, f.Storage, f.Type, f.Nullable, f.Unique)
			if rl := f.Rel; rl != nil {
				line += fmt.Sprintf(" rel=%s owner=%v target=%s", rl.Kind, rl.Owner, rl.Target.Name)
				if rl.MappedBy != nil {
					line += " mappedBy=" + rl.MappedBy.String()
				}
				if rl.InversedBy != nil {
					line += " inversedBy=" + rl.InversedBy.String()
				}
				if pv := rl.Pivot; pv != nil {
					line += fmt.Sprintf(" pivot=%s(%s,%s) of %s", pv.Table, pv.OwnerColumn, pv.TargetColumn, pv.Owner.Name)
				}
			}
			lines = append(lines, line)
		}
		for _, f := range e.Columns {
			lines = append(lines, e.Name+" column "+f.Column)
		}
	}
	for _, pv := range r.Pivots() {
		lines = append(lines, "pivot "+pv.Table)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
