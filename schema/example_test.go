package schema_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Note struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"length=80"`
}

type NoteV2 struct {
	_     struct{} `orm:"table=note"`
	ID    int64    `orm:"pk"`
	Title string   `orm:"length=80"`
	Body  string   `orm:"renamedFrom=text"`
	Stars *int     `orm:"nullable=false,default=0"`
}

// The database has a table note(id, title, text); the entities rename
// text to body and add stars. Diff plans the change (SQLite adds a
// column with a constant default in place); Apply runs it.
func ExampleSyncer_Diff() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{Entities: []any{NoteV2{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if _, err := orm.EM().Fork().Execute(ctx, `CREATE TABLE note (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR(80) NOT NULL, text TEXT NOT NULL)`); err != nil {
		panic(err)
	}
	s, err := orm.Syncer()
	if err != nil {
		panic(err)
	}
	plan, err := s.Diff(ctx, schema.Options{})
	if err != nil {
		panic(err)
	}
	for _, stmt := range plan.Statements {
		fmt.Println(stmt)
	}
	if err := s.Apply(ctx, plan); err != nil {
		panic(err)
	}
	again, _ := s.Diff(ctx, schema.Options{})
	fmt.Println("empty after:", again.Empty())
	// Output:
	// ALTER TABLE `note` RENAME COLUMN `text` TO `body`
	// ALTER TABLE `note` ADD COLUMN `stars` integer NOT NULL DEFAULT 0
	// empty after: true
}
