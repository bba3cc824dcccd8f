package conformance

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/repo"
)

var cursors = []Scenario{
	scenario(CursorWalksForwardAndBackward),
	scenario(CursorRefusesBadInput),
}

// Entry is a row of the cursor scenarios: no column is unique but the key.
type Entry struct {
	ID    int64 `orm:"pk"`
	Grp   int
	Score int
	Label string `orm:"length=20"`
}

// entries persists n entries with repeating groups, scores and labels.
func entries(t *testing.T, h *Harness, n int) (*em.EntityManager, []*Entry) {
	t.Helper()
	g := h.openCounted(gomikro.Config{Entities: []any{Entry{}}})
	m := g.Fork()
	out := make([]*Entry, n)
	for i := range out {
		out[i] = &Entry{Grp: i % 7, Score: (i * 37) % 50, Label: fmt.Sprintf("l%03d", (i*13)%90)}
		must(t, m.Persist(out[i]))
	}
	must(t, m.Flush(h.Ctx))
	return g, out
}

// CursorWalksForwardAndBackward: FindByCursor with an order of three
// columns in mixed directions (made unique by the key) walks 1,000 rows
// forward and backward in pages of 37, every row once and in order, with
// the right HasNextPage / HasPrevPage and TotalCount; a filter narrows
// the walk; Repository[T] has it too.
func CursorWalksForwardAndBackward(t *testing.T, h *Harness) {
	g, all := entries(t, h, 1000)
	want := slices.Clone(all)
	slices.SortFunc(want, func(a, b *Entry) int {
		return cmp.Or(cmp.Compare(a.Grp, b.Grp), -cmp.Compare(a.Score, b.Score), strings.Compare(a.Label, b.Label), cmp.Compare(a.ID, b.ID))
	})
	ids := func(es []*Entry) []int64 {
		out := make([]int64, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	order := []string{"grp", "-score", "label"}
	const size = 37
	m := g.Fork()

	var fwd []*Entry
	after := ""
	for pages := 0; ; pages++ {
		p, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{First: size, After: after, OrderBy: order, IncludeCount: pages == 0})
		must(t, err)
		if pages == 0 && (p.TotalCount != 1000 || p.HasPrevPage) {
			t.Fatalf("first page: TotalCount %d, HasPrevPage %v", p.TotalCount, p.HasPrevPage)
		}
		if pages > 0 && (p.TotalCount != -1 || !p.HasPrevPage) {
			t.Fatalf("page %d: TotalCount %d, HasPrevPage %v", pages, p.TotalCount, p.HasPrevPage)
		}
		fwd = append(fwd, p.Items...)
		if !p.HasNextPage {
			if len(p.Items) != 1000%size {
				t.Fatalf("last page: %d items", len(p.Items))
			}
			break
		}
		if len(p.Items) != size || p.EndCursor == "" || pages > 1000/size {
			t.Fatalf("page %d: %d items, end cursor %q", pages, len(p.Items), p.EndCursor)
		}
		after = p.EndCursor
	}
	if !slices.Equal(ids(fwd), ids(want)) {
		t.Fatalf("forward walk: %d rows, not in the order of the sort (first %v, want %v)", len(fwd), ids(fwd)[:min(5, len(fwd))], ids(want)[:5])
	}

	var back []*Entry
	before := ""
	for pages := 0; ; pages++ {
		p, err := em.FindByCursor[Entry](h.Ctx, g.Fork(), nil, em.CursorOptions{Last: size, Before: before, OrderBy: order})
		must(t, err)
		if (pages == 0) == p.HasNextPage {
			t.Fatalf("backward page %d: HasNextPage %v", pages, p.HasNextPage)
		}
		back = append(slices.Clone(p.Items), back...)
		if !p.HasPrevPage {
			break
		}
		if len(p.Items) != size || pages > 1000/size {
			t.Fatalf("backward page %d: %d items", pages, len(p.Items))
		}
		before = p.StartCursor
	}
	if !slices.Equal(ids(back), ids(want)) {
		t.Fatalf("backward walk: %d rows, not in the order of the sort", len(back))
	}

	// From the middle: the page before a forward page's start ends right
	// before it.
	mid, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{First: 10, After: "", OrderBy: order})
	must(t, err)
	next, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{First: 10, After: mid.EndCursor, OrderBy: order})
	must(t, err)
	prev, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{Last: 10, Before: next.StartCursor, OrderBy: order})
	must(t, err)
	if !slices.Equal(ids(prev.Items), ids(mid.Items)) || prev.HasPrevPage || !prev.HasNextPage {
		t.Fatalf("back from page 2: %v (prev %v, next %v), want %v", ids(prev.Items), prev.HasPrevPage, prev.HasNextPage, ids(mid.Items))
	}

	// A filter narrows the walk (and the count); Repository[T] pages too.
	r := repo.Of[Entry](g.Fork())
	var odd []*Entry
	after = ""
	for {
		p, err := r.FindByCursor(h.Ctx, query.M{"grp": query.M{"$in": []int{1, 3}}}, em.CursorOptions{First: 50, After: after, OrderBy: []string{"-label", "score"}, IncludeCount: true})
		must(t, err)
		if p.TotalCount != int64(len(slices.DeleteFunc(slices.Clone(all), func(e *Entry) bool { return e.Grp != 1 && e.Grp != 3 }))) {
			t.Fatalf("filtered TotalCount %d", p.TotalCount)
		}
		odd = append(odd, p.Items...)
		if !p.HasNextPage {
			break
		}
		after = p.EndCursor
	}
	wantOdd := slices.DeleteFunc(slices.Clone(all), func(e *Entry) bool { return e.Grp != 1 && e.Grp != 3 })
	slices.SortFunc(wantOdd, func(a, b *Entry) int {
		return cmp.Or(-strings.Compare(a.Label, b.Label), cmp.Compare(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
	})
	if !slices.Equal(ids(odd), ids(wantOdd)) {
		t.Fatalf("filtered walk: %d rows, want %d in order", len(odd), len(wantOdd))
	}
}

// CursorRefusesBadInput: an edited or damaged cursor, one made for
// another order, and contradictory options are errors; nothing is sent
// for them.
func CursorRefusesBadInput(t *testing.T, h *Harness) {
	g, _ := entries(t, h, 20)
	m := g.Fork()
	order := []string{"-grp", "label"}
	p, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{First: 5, OrderBy: order})
	must(t, err)
	if len(p.Items) != 5 || !p.HasNextPage || p.HasPrevPage {
		t.Fatalf("first page: %d items, next %v, prev %v", len(p.Items), p.HasNextPage, p.HasPrevPage)
	}
	c := p.EndCursor
	tampered := c[:len(c)/2] + string(rune('A'+(c[len(c)/2]-'A'+1)%26)) + c[len(c)/2+1:]
	n := h.Count()
	for _, bad := range []struct {
		name string
		c    em.CursorOptions
		is   error
		want string
	}{
		{"edited", em.CursorOptions{First: 5, After: tampered, OrderBy: order}, em.ErrInvalidCursor, "Entry"},
		{"not base64", em.CursorOptions{First: 5, After: "%%%", OrderBy: order}, em.ErrInvalidCursor, "Entry"},
		{"short", em.CursorOptions{First: 5, After: "abc", OrderBy: order}, em.ErrInvalidCursor, "Entry"},
		{"another order", em.CursorOptions{First: 5, After: c, OrderBy: []string{"grp", "label"}}, em.ErrInvalidCursor, "-Grp,Label,ID"},
		{"both First and Last", em.CursorOptions{First: 5, Last: 5, OrderBy: order}, nil, "exactly one"},
		{"neither", em.CursorOptions{OrderBy: order}, nil, "exactly one"},
		{"Before with First", em.CursorOptions{First: 5, Before: c, OrderBy: order}, nil, "Before with Last"},
		{"negative", em.CursorOptions{First: -1, OrderBy: order}, nil, "negative"},
		{"unknown column", em.CursorOptions{First: 5, OrderBy: []string{"nope"}}, nil, `"nope"`},
	} {
		_, err := em.FindByCursor[Entry](h.Ctx, m, nil, bad.c)
		if err == nil || bad.is != nil && !errors.Is(err, bad.is) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v", bad.name, err)
		}
	}
	if _, err := em.FindByCursor[Entry](h.Ctx, m, nil, em.CursorOptions{First: 5}, em.Limit(3)); err == nil {
		t.Error("Limit as an option was accepted")
	}
	if h.Count() != n {
		t.Errorf("%d statements sent for refused cursors", h.Count()-n)
	}
}
