package sqltest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// raw: sqlem.Raw returns managed entities (the identity map honoured:
// a managed row yields the managed object) or plain structs mapped by
// column name, with bound parameters; bad column sets are errors naming
// the struct.
func raw(t *testing.T, b Backend) {
	ctx := context.Background()
	orm := b.Open(t, gomikro.Config{Entities: conformance.Entities()})
	p := orm.Dialect().Placeholder
	q := orm.Dialect().QuoteIdent
	m := orm.EM().Fork()
	a := &conformance.Author{Name: "Ann", Email: "ann@example.com", Active: true}
	b1 := &conformance.Book{Title: "Go", Year: 2015, Author: ref.To(a), Meta: map[string]any{"pages": 300.0}}
	b2 := &conformance.Book{Title: "Rust", Year: 2018, Author: ref.To(a)}
	b3 := &conformance.Book{Title: "Robert'); DROP TABLE book;--", Year: 2020, Author: ref.To(a)}
	must(t, m.Persist(b1, b2, b3))
	must(t, m.Flush(ctx))

	// Entities, managed: a fork that holds b1 already gets that object,
	// with its unflushed change; the others are loaded and tracked.
	m2 := orm.EM().Fork()
	held, err := em.FindOneOrFail[conformance.Book](ctx, m2, query.Eq("id", b1.ID))
	must(t, err)
	held.Title = "unflushed"
	books, err := sqlem.Raw[conformance.Book](ctx, m2,
		"SELECT b.* FROM book b JOIN author a ON a.id = b.author_id WHERE a.name = "+p(1)+" AND b.year >= "+p(2)+" ORDER BY b.year", "Ann", 2015)
	must(t, err)
	if len(books) != 3 || books[0] != held || books[0].Title != "unflushed" || books[1].Title != "Rust" || books[2].Title != b3.Title {
		t.Fatalf("Raw entities: %d books, first %p (held %p) %q", len(books), books[0], held, books[0].Title)
	}
	if books[1].Author.ID() != a.ID || books[1].Author.Get() != books[2].Author.Get() {
		t.Fatalf("references of raw entities: %v", books[1].Author.ID())
	}
	if books[1].Meta != nil || books[0].Meta["pages"] != 300.0 {
		t.Fatalf("JSON column of raw entities: %v %v", books[0].Meta, books[1].Meta)
	}
	again, err := em.FindOneOrFail[conformance.Book](ctx, m2, query.Eq("id", b2.ID))
	must(t, err)
	if again != books[1] {
		t.Fatal("a raw entity is not in the identity map")
	}
	// Managed: a change is flushed (and only the change).
	books[1].Year = 2019
	must(t, m2.Flush(ctx))
	if got, err := em.FindOneOrFail[conformance.Book](ctx, orm.EM().Fork(), query.Eq("id", b2.ID)); err != nil || got.Year != 2019 || got.Title != "Rust" {
		t.Fatalf("a raw entity's change: %+v %v", got, err)
	}
	// Columns in another order, a time parameter, no row.
	since := time.Now().Add(-time.Hour)
	authors, err := sqlem.Raw[conformance.Author](ctx, m2,
		"SELECT created_at, email, name, id, age, active FROM author WHERE created_at > "+p(1), since)
	must(t, err)
	if len(authors) != 1 || authors[0].Name != "Ann" || authors[0] != books[1].Author.Get() {
		t.Fatalf("Raw authors: %+v", authors)
	}
	none, err := sqlem.Raw[conformance.Book](ctx, m2, "SELECT * FROM book WHERE year > "+p(1), 3000)
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("Raw with no row: %v, %v; want an empty slice", none, err)
	}

	// Plain structs: by column name (a db tag, the field name, its
	// snake form), not managed; a single column into a scalar.
	type yearCount struct {
		Year  int
		Count int64 `db:"n"`
	}
	counts, err := sqlem.Raw[yearCount](ctx, m2, "SELECT year, count(*) AS n FROM book GROUP BY year ORDER BY year")
	must(t, err)
	if len(counts) != 3 || counts[0].Year != 2015 || counts[0].Count != 1 || counts[2].Year != 2020 {
		t.Fatalf("Raw into a struct: %+v", counts)
	}
	titles, err := sqlem.Raw[string](ctx, m2, "SELECT title FROM book WHERE id = "+p(1), b3.ID)
	must(t, err)
	if len(titles) != 1 || *titles[0] != b3.Title {
		t.Fatalf("Raw into a string: %v", titles)
	}

	// In the EntityManager's transaction.
	must(t, m2.Begin(ctx))
	_, err = m2.Execute(ctx, "INSERT INTO publisher (name) VALUES ("+p(1)+")", "InTx")
	must(t, err)
	pubs, err := sqlem.Raw[conformance.Publisher](ctx, m2, "SELECT * FROM publisher")
	must(t, err)
	must(t, m2.Rollback(ctx))
	if len(pubs) != 1 || pubs[0].Name != "InTx" {
		t.Fatalf("Raw in a transaction saw %d publishers", len(pubs))
	}

	// Errors name the struct and the column.
	for _, c := range []struct {
		name, sql string
		want      []string
	}{
		{"unknown column", "SELECT b.*, 1 AS extra FROM book b", []string{"Raw[Book]", `"extra"`}},
		{"missing key", "SELECT title, price, year, author_id, publisher_id, meta, version, created_at FROM book", []string{"Raw[Book]", "primary key", "id"}},
		{"missing column", "SELECT id, title FROM book", []string{"Raw[Book]", "price"}},
		{"join repeats columns", "SELECT * FROM book b JOIN author a ON a.id = b.author_id", []string{"Raw[Book]"}},
		{"no field for a column", "SELECT year, count(*) AS " + q("total") + " FROM book GROUP BY year", []string{"yearCount", `"total"`}},
		{"bad SQL", "SELECT * FROM no_such_table", []string{"Raw[Book]"}},
	} {
		var err error
		if strings.Contains(c.name, "field") {
			_, err = sqlem.Raw[yearCount](ctx, m2, c.sql)
		} else {
			_, err = sqlem.Raw[conformance.Book](ctx, m2, c.sql)
		}
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v; want it to mention %s", c.name, err, w)
			}
		}
	}
	// The global EntityManager is refused for entities, as Find is.
	var ve *gomikro.ValidationError
	if _, err := sqlem.Raw[conformance.Book](ctx, orm.EM(), "SELECT * FROM book"); !errors.As(err, &ve) {
		t.Errorf("Raw entities on the global EntityManager: %v; want a ValidationError", err)
	}
	if _, err := sqlem.Raw[conformance.Book](ctx, m2, "  "); !errors.As(err, &ve) {
		t.Errorf("Raw of an empty statement: %v", err)
	}
}
