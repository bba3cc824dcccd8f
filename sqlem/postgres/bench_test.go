package postgres_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// The benchmark model: books with an m:1 author, as in the issue's
// baselines.

type BenchAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

type BenchBook struct {
	ID     int64 `orm:"pk"`
	Title  string
	Year   int64
	Price  float64
	Author ref.Ref[BenchAuthor]
}

// rawBook is what the hand-written pgx baselines scan into.
type rawBook struct {
	ID       int64
	Title    string
	Year     int64
	Price    float64
	AuthorID int64
}

const benchRows = 10_000

type benchEnv struct {
	orm    *sqlem.ORM
	conn   *pgx.Conn
	author int64
}

func setupBench(b *testing.B) *benchEnv {
	b.Helper()
	orm := openFresh(b, gomikro.Config{Entities: []any{BenchAuthor{}, BenchBook{}}})
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(orm.DSN())
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(context.Background()) })
	var id int64
	if err := conn.QueryRow(ctx, `INSERT INTO bench_author (name) VALUES ('A') RETURNING id`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{orm: orm, conn: conn, author: id}
}

func (env *benchEnv) truncate(b *testing.B) {
	b.Helper()
	if _, err := env.conn.Exec(context.Background(), `TRUNCATE bench_book`); err != nil {
		b.Fatal(err)
	}
}

// fill inserts benchRows books with the baseline statement.
func (env *benchEnv) fill(b *testing.B) {
	b.Helper()
	if _, _, err := env.pgxInsert(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func (env *benchEnv) pgxInsert(ctx context.Context) ([]int64, []rawBook, error) {
	books := make([]rawBook, benchRows)
	titles := make([]string, benchRows)
	years := make([]int64, benchRows)
	prices := make([]float64, benchRows)
	authors := make([]int64, benchRows)
	for i := range books {
		books[i] = rawBook{Title: "Book " + strconv.Itoa(i), Year: 2000 + int64(i%20), Price: float64(i), AuthorID: env.author}
		titles[i], years[i], prices[i], authors[i] = books[i].Title, books[i].Year, books[i].Price, books[i].AuthorID
	}
	rows, err := env.conn.Query(ctx, `INSERT INTO bench_book (title, year, price, author_id)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[]) RETURNING id`, titles, years, prices, authors)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, 0, benchRows)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	for i := range books {
		books[i].ID = ids[i]
	}
	return ids, books, rows.Err()
}

// BenchmarkInsert10k: a flush of 10,000 new books, each with an m:1
// author, against hand-written pgx (INSERT ... SELECT FROM unnest
// RETURNING id).
func BenchmarkInsert10k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			env.truncate(b)
			b.StartTimer()
			if _, _, err := env.pgxInsert(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			env.truncate(b)
			m := env.orm.EM().Fork()
			a, err := em.GetReference[BenchAuthor](m, env.author)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for i := range benchRows {
				bk := &BenchBook{Title: "Book " + strconv.Itoa(i), Year: 2000 + int64(i%20), Price: float64(i), Author: ref.To(a)}
				if err := m.Persist(bk); err != nil {
					b.Fatal(err)
				}
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdate10k: a flush of 10,000 managed books with one changed
// column each, against hand-written pgx (UPDATE ... FROM unnest).
func BenchmarkUpdate10k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	env.truncate(b)
	env.fill(b)
	b.Run("impl=pgx", func(b *testing.B) {
		rows, err := env.conn.Query(ctx, `SELECT id FROM bench_book`)
		if err != nil {
			b.Fatal(err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for n := range b.N {
			titles := make([]string, len(ids))
			for i := range titles {
				titles[i] = "T" + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if _, err := env.conn.Exec(ctx, `UPDATE bench_book AS t SET title = u.title
				FROM unnest($1::bigint[], $2::text[]) AS u(id, title) WHERE t.id = u.id`, ids, titles); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		m := env.orm.EM().Fork()
		books, err := em.FindAll[BenchBook](ctx, m)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for n := range b.N {
			for i, bk := range books {
				bk.Title = "G" + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoad10k: loading 10,000 rows into managed entities (identity
// map and snapshots included) against a raw pgx scan into structs.
func BenchmarkLoad10k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	env.truncate(b)
	env.fill(b)
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rows, err := env.conn.Query(ctx, `SELECT id, title, year, price, author_id FROM bench_book`)
			if err != nil {
				b.Fatal(err)
			}
			var out []*rawBook
			for rows.Next() {
				r := &rawBook{}
				if err := rows.Scan(&r.ID, &r.Title, &r.Year, &r.Price, &r.AuthorID); err != nil {
					b.Fatal(err)
				}
				out = append(out, r)
			}
			if err := rows.Err(); err != nil || len(out) != benchRows {
				b.Fatal(err, len(out))
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			m := env.orm.EM().Fork()
			out, err := em.FindAll[BenchBook](ctx, m)
			if err != nil || len(out) != benchRows {
				b.Fatal(err, len(out))
			}
		}
	})
}

// BenchmarkInsertOne: a flush of one new entity against one autocommit
// INSERT ... RETURNING.
func BenchmarkInsertOne(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var id int64
			if err := env.conn.QueryRow(ctx, `INSERT INTO bench_book (title, year, price, author_id) VALUES ($1, $2, $3, $4) RETURNING id`,
				"One", int64(2020), 1.5, env.author).Scan(&id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			// A unit of work per request, as an application would do.
			m := env.orm.EM().Fork()
			a, err := em.GetReference[BenchAuthor](m, env.author)
			if err != nil {
				b.Fatal(err)
			}
			bk := &BenchBook{Title: "One", Year: 2020, Price: 1.5, Author: ref.To(a)}
			if err := m.Persist(bk); err != nil {
				b.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFlushUnchanged100k: a flush over 100,000 managed, unchanged
// entities sends nothing; ns/op and allocs/op are per entity.
func BenchmarkFlushUnchanged100k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	env.truncate(b)
	for range 10 {
		env.fill(b)
	}
	m := env.orm.EM().Fork()
	books, err := em.FindAll[BenchBook](ctx, m)
	if err != nil || len(books) != 10*benchRows {
		b.Fatal(err, len(books))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range max(1, b.N/len(books)) {
		if err := m.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
