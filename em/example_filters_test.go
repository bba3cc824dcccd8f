package em_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Memo struct {
	ID        int64 `orm:"pk"`
	Team      string
	Text      string
	DeletedAt *time.Time `orm:"softDelete"`
}

// A filter with a parameter (a team) and a soft-deleted entity: Remove
// writes DeletedAt, finds skip such rows unless asked.
func ExampleEntityManager_EnableFilter() {
	ctx := context.Background()
	team := gomikro.Filter{
		Name:   "team",
		Params: []string{"team"},
		Cond: func(e *meta.Entity, p gomikro.FilterParams) (query.Filter, error) {
			return query.Eq("team", p["team"]), nil
		},
	}
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Memo{}}, Filters: []gomikro.Filter{team}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	old := &Memo{Team: "red", Text: "old"}
	if err := m.Persist(old, &Memo{Team: "red", Text: "new"}, &Memo{Team: "blue", Text: "theirs"}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	if err := m.Remove(old); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil { // UPDATE memo SET deleted_at = ...
		panic(err)
	}

	if err := m.EnableFilter("team", gomikro.FilterParams{"team": "red"}); err != nil {
		panic(err)
	}
	red, _ := em.FindAll[Memo](ctx, m, em.OrderBy("text"))
	withDeleted, _ := em.FindAll[Memo](ctx, m, em.OrderBy("text"), em.WithDeleted())
	everyone, _ := em.Count[Memo](ctx, m, nil, em.WithoutFilters())
	fmt.Println(len(red), red[0].Text, len(withDeleted), everyone)
	// Output: 1 new 2 3
}

type Gig struct {
	ID   int64 `orm:"pk"`
	Day  int
	Name string
}

// Cursor pagination: pages of two, by day descending then name (the key
// breaks ties), forward with EndCursor and back with StartCursor.
func ExampleFindByCursor() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Gig{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		if err := m.Persist(&Gig{Day: i % 2, Name: name}); err != nil {
			panic(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	order := []string{"-day", "name"}
	page, err := em.FindByCursor[Gig](ctx, m, nil, em.CursorOptions{First: 2, OrderBy: order, IncludeCount: true})
	if err != nil {
		panic(err)
	}
	for {
		for _, e := range page.Items {
			fmt.Print(e.Day, e.Name, " ")
		}
		fmt.Println("| next:", page.HasNextPage, "of", page.TotalCount)
		if !page.HasNextPage {
			break
		}
		page, err = em.FindByCursor[Gig](ctx, m, nil, em.CursorOptions{First: 2, After: page.EndCursor, OrderBy: order, IncludeCount: true})
		if err != nil {
			panic(err)
		}
	}
	back, err := em.FindByCursor[Gig](ctx, m, nil, em.CursorOptions{Last: 2, Before: page.StartCursor, OrderBy: order})
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Items[0].Name, back.Items[1].Name, back.HasPrevPage)
	// Output:
	// 1b 1d | next: true of 5
	// 0a 0c | next: true of 5
	// 0e | next: false of 5
	// a c true
}
