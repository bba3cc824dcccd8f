package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/sqlbench"
	"github.com/gomikro/gomikro/sqlem"
)

// joinRow is what the hand-written pgx baseline of the join scans into.
type joinRow struct {
	ID         int64
	Title      string
	Year       int64
	Price      float64
	AuthorID   int64
	AuthorName string
}

const joinAuthors = 100

// BenchmarkJoin10k: 10,000 books joined to their 100 authors in one
// query, hydrated into managed entities by the query builder
// (JoinAndSelect: identity map, snapshots, references to the managed
// authors) against a raw pgx scan of the same rows into structs.
func BenchmarkJoin10k(b *testing.B) {
	orm := openFresh(b, gomikro.Config{Entities: sqlbench.Entities()})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, orm.DSN())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, `INSERT INTO bench_author (name) SELECT 'Author ' || i FROM generate_series(1, $1) i`, joinAuthors); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO bench_book (title, year, price, author_id)
		SELECT 'Book ' || i, 2000 + i % 20, i, (SELECT min(id) FROM bench_author) + i % $2 FROM generate_series(1, $1) i`, sqlbench.Rows, joinAuthors); err != nil {
		b.Fatal(err)
	}
	const q = `SELECT b.id, b.title, b.year, b.price, b.author_id, a.name FROM bench_book b JOIN bench_author a ON a.id = b.author_id`
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rows, err := conn.Query(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			var out []joinRow
			for rows.Next() {
				var r joinRow
				if err := rows.Scan(&r.ID, &r.Title, &r.Year, &r.Price, &r.AuthorID, &r.AuthorName); err != nil {
					b.Fatal(err)
				}
				out = append(out, r)
			}
			if rows.Err() != nil || len(out) != sqlbench.Rows {
				b.Fatalf("%d rows: %v", len(out), rows.Err())
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			m := orm.EM().Fork() // a unit of work per request
			books, err := sqlem.QB[sqlbench.BenchBook](m, "b").JoinAndSelect("b.author", "a").GetResult(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if len(books) != sqlbench.Rows || books[0].Author.Get().Name == "" {
				b.Fatalf("%d books", len(books))
			}
		}
	})
}
