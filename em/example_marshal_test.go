package em_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Poster struct {
	ID    int64                 `orm:"pk" json:"id"`
	Name  string                `json:"name"`
	Email string                `json:"email" orm:"groups=self"`
	Notes ref.Collection[Entry] `json:"notes" orm:"mappedBy=Poster"`
}

type Entry struct {
	ID     int64           `orm:"pk" json:"id"`
	Text   string          `json:"text"`
	Poster ref.Ref[Poster] `json:"poster"`
}

// Marshal writes entities for an API response: it loads the Populate
// paths that are not loaded yet (here the posters, then their notes: two
// queries) and writes fields of serialization groups only when asked for.
func ExampleMarshal() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Poster{}, Entry{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	ann := &Poster{Name: "Ann", Email: "ann@x"}
	if err := m.Persist(&Entry{Text: "hi", Poster: ref.To(ann)}, &Entry{Text: "bye", Poster: ref.To(ann)}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}

	m = orm.EM().Fork()
	entries, err := em.Find[Entry](ctx, m, query.Eq("text", "hi"))
	if err != nil {
		panic(err)
	}
	public, err := em.Marshal(ctx, m, entries, ref.JSONOptions{Populate: []string{"poster.notes"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(public))
	self, err := em.Marshal(ctx, m, entries[0], ref.JSONOptions{Populate: []string{"poster"}, Groups: []string{"self"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(self))
	// Output:
	// [{"id":1,"text":"hi","poster":{"id":1,"name":"Ann","notes":[1,{"id":2,"text":"bye","poster":1}]}}]
	// {"id":1,"text":"hi","poster":{"id":1,"name":"Ann","email":"ann@x","notes":[1,2]}}
}
