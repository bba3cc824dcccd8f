package sqlem

import (
	"testing"

	"github.com/gomikro/gomikro/meta"
)

type cacheNote struct {
	ID    int64 `orm:"pk"`
	Title string
	Body  string
}

func TestInsertCache(t *testing.T) {
	reg, err := meta.NewRegistry(nil, cacheNote{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	id, title, body := e.PK[0], e.Columns[1], e.Columns[2]
	var c insertCache
	if _, _, ok := c.get(e, []*meta.Field{title}, []*meta.Field{id}); ok {
		t.Fatal("hit on an empty cache")
	}
	cols := []*meta.Field{title, body}
	c.put(e, cols, []*meta.Field{id}, "both", nil, oneNone)
	c.put(e, []*meta.Field{title}, []*meta.Field{id}, "title", nil, oneNone)
	cols[1] = title // the cache keeps its own copy
	for _, tc := range []struct {
		cols, ret []*meta.Field
		want      string
	}{
		{[]*meta.Field{title, body}, []*meta.Field{id}, "both"},
		{[]*meta.Field{title}, []*meta.Field{id}, "title"},
		{[]*meta.Field{title}, nil, ""},
		{[]*meta.Field{body, title}, []*meta.Field{id}, ""},
	} {
		got, _, ok := c.get(e, tc.cols, tc.ret)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("get(%v, %v) = %q, %v; want %q", tc.cols, tc.ret, got, ok, tc.want)
		}
	}
	// The same columns again are not a new entry.
	before := len((*c.m.Load())[e])
	c.put(e, []*meta.Field{title}, []*meta.Field{id}, "title again", nil, oneNone)
	if len((*c.m.Load())[e]) != before {
		t.Errorf("a known column list was cached twice")
	}
	if got, _, _ := c.get(e, []*meta.Field{title}, []*meta.Field{id}); got != "title" {
		t.Errorf("a repeated put replaced the text: %q", got)
	}
	// Distinct column lists beyond the bound are not kept.
	fs := []*meta.Field{id, title, body}
	for i := range 2 * maxCachedInserts {
		c.put(e, []*meta.Field{fs[i%3], fs[(i/3)%3]}, fs[:i/9], "x", nil, oneNone)
	}
	n := len((*c.m.Load())[e])
	if n > maxCachedInserts {
		t.Errorf("%d entries cached, want at most %d", n, maxCachedInserts)
	}
	if n < maxCachedInserts {
		t.Errorf("%d entries cached after %d distinct puts, want %d", n, 2*maxCachedInserts, maxCachedInserts)
	}
}
