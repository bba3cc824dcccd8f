package postgres_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/sqlbench"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// pgxBaseline is hand-written pgx on one connection: INSERT ... SELECT
// FROM unnest(arrays) RETURNING id, UPDATE ... FROM unnest, and a scan
// into structs.
type pgxBaseline struct{ conn *pgx.Conn }

func (pgxBaseline) Name() string { return "pgx" }

func (p pgxBaseline) Insert(ctx context.Context, books []sqlbench.Raw) error {
	titles := make([]string, len(books))
	years := make([]int64, len(books))
	prices := make([]float64, len(books))
	authors := make([]int64, len(books))
	for i, bk := range books {
		titles[i], years[i], prices[i], authors[i] = bk.Title, bk.Year, bk.Price, bk.AuthorID
	}
	rows, err := p.conn.Query(ctx, `INSERT INTO bench_book (title, year, price, author_id)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[]) RETURNING id`, titles, years, prices, authors)
	if err != nil {
		return err
	}
	i := 0
	for rows.Next() {
		if err := rows.Scan(&books[i].ID); err != nil {
			return err
		}
		i++
	}
	return rows.Err()
}

func (p pgxBaseline) Update(ctx context.Context, ids []int64, titles []string) error {
	_, err := p.conn.Exec(ctx, `UPDATE bench_book AS t SET title = u.title
		FROM unnest($1::bigint[], $2::text[]) AS u(id, title) WHERE t.id = u.id`, ids, titles)
	return err
}

func (p pgxBaseline) Load(ctx context.Context) ([]*sqlbench.Raw, error) {
	rows, err := p.conn.Query(ctx, `SELECT id, title, year, price, author_id FROM bench_book`)
	if err != nil {
		return nil, err
	}
	var out []*sqlbench.Raw
	for rows.Next() {
		r := &sqlbench.Raw{}
		if err := rows.Scan(&r.ID, &r.Title, &r.Year, &r.Price, &r.AuthorID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (p pgxBaseline) IDs(ctx context.Context) ([]int64, error) {
	rows, err := p.conn.Query(ctx, `SELECT id FROM bench_book`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func (p pgxBaseline) Truncate(ctx context.Context) error {
	_, err := p.conn.Exec(ctx, `TRUNCATE bench_book`)
	return err
}

type benchEnv struct {
	*sqlbench.Env
	conn *pgx.Conn
}

func setupBench(b *testing.B) *benchEnv {
	b.Helper()
	orm := openFresh(b, gomikro.Config{Entities: sqlbench.Entities()})
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
	return &benchEnv{Env: &sqlbench.Env{ORM: orm, Base: pgxBaseline{conn}, Author: id}, conn: conn}
}

// BenchmarkInsert10k: a flush of 10,000 new books, each with an m:1
// author, against hand-written pgx (INSERT ... SELECT FROM unnest
// RETURNING id).
func BenchmarkInsert10k(b *testing.B) { sqlbench.Insert10k(b, setupBench(b).Env) }

// BenchmarkUpdate10k: a flush of 10,000 managed books with one changed
// column each, against hand-written pgx (UPDATE ... FROM unnest).
func BenchmarkUpdate10k(b *testing.B) { sqlbench.Update10k(b, setupBench(b).Env) }

// BenchmarkLoad10k: loading 10,000 rows into managed entities (identity
// map and snapshots included) against a raw pgx scan into structs.
func BenchmarkLoad10k(b *testing.B) { sqlbench.Load10k(b, setupBench(b).Env) }

// BenchmarkUpdateTenth: a flush over 10,000 managed books of which 1,000
// changed (gomikro finds them), against pgx handed the 1,000.
func BenchmarkUpdateTenth(b *testing.B) { sqlbench.UpdateTenth(b, setupBench(b).Env) }

// BenchmarkFlushUnchanged10k: a flush over 10,000 managed, unchanged
// books; reports ns/entity.
func BenchmarkFlushUnchanged10k(b *testing.B) { sqlbench.FlushUnchanged10k(b, setupBench(b).Env) }

// BenchmarkInsertOneParallel: single-entity flushes from 16 goroutines
// (GOMAXPROCS × parallelism) on one pool each: gomikro's own pool and a
// pgxpool with the same configuration running the hand-written INSERT.
func BenchmarkInsertOneParallel(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	const insert = `INSERT INTO bench_book (title, year, price, author_id) VALUES ($1, $2, $3, $4) RETURNING id`
	pool, err := pgxpool.New(ctx, env.ORM.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	par := max(1, 16/runtime.GOMAXPROCS(0))
	b.Run("impl=pgxpool", func(b *testing.B) {
		b.ReportAllocs()
		defer sqlbench.CPU(b)()
		b.SetParallelism(par)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				var id int64
				if err := pool.QueryRow(ctx, insert, "One", int64(2020), 1.5, env.Author).Scan(&id); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		defer sqlbench.CPU(b)()
		b.SetParallelism(par)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m := env.ORM.EM().Fork()
				a, err := em.GetReference[sqlbench.BenchAuthor](m, env.Author)
				if err != nil {
					b.Error(err)
					return
				}
				if err := m.Persist(&sqlbench.BenchBook{Title: "One", Year: 2020, Price: 1.5, Author: ref.To(a)}); err != nil {
					b.Error(err)
					return
				}
				if err := m.Flush(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkInsertOne: a flush of one new entity against one autocommit
// INSERT ... RETURNING, on a dedicated connection (impl=pgx) and on a
// pool (impl=pgxpool).
func BenchmarkInsertOne(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	const insert = `INSERT INTO bench_book (title, year, price, author_id) VALUES ($1, $2, $3, $4) RETURNING id`
	// The same statement on a pgxpool, which gomikro uses: taking a
	// connection from the pool is part of the cost a service pays.
	pool, err := pgxpool.New(ctx, env.ORM.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	impls := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"impl=pgx", func(b *testing.B) {
			for range b.N {
				var id int64
				if err := env.conn.QueryRow(ctx, insert, "One", int64(2020), 1.5, env.Author).Scan(&id); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"impl=pgxpool", func(b *testing.B) {
			for range b.N {
				var id int64
				if err := pool.QueryRow(ctx, insert, "One", int64(2020), 1.5, env.Author).Scan(&id); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"impl=gomikro", func(b *testing.B) {
			for range b.N {
				// A unit of work per request, as an application would do.
				m := env.ORM.EM().Fork()
				a, err := em.GetReference[sqlbench.BenchAuthor](m, env.Author)
				if err != nil {
					b.Fatal(err)
				}
				bk := &sqlbench.BenchBook{Title: "One", Year: 2020, Price: 1.5, Author: ref.To(a)}
				if err := m.Persist(bk); err != nil {
					b.Fatal(err)
				}
				if err := m.Flush(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) {
			b.ReportAllocs()
			defer sqlbench.CPU(b)()
			im.run(b)
		})
	}
}

// BenchmarkFlushUnchanged100k: a flush over 100,000 managed, unchanged
// entities sends nothing; ns/op and allocs/op are per entity.
func BenchmarkFlushUnchanged100k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	if err := env.Base.Truncate(ctx); err != nil {
		b.Fatal(err)
	}
	for range 10 {
		env.Fill(b)
	}
	m := env.ORM.EM().Fork()
	books, err := em.FindAll[sqlbench.BenchBook](ctx, m)
	if err != nil || len(books) != 10*sqlbench.Rows {
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

// mixedNew, mixedUpdate and mixedDelete shape BenchmarkMixed10k's unit of
// work on Rows loaded books: mixedNew new books (with mixedNew/10 new
// authors, ten books each), every 10th book's title changed, every 20th
// (offset 5) removed.
const (
	mixedNew    = sqlbench.Rows / 10
	mixedUpdate = 10
	mixedDelete = 20
)

// mixedPgx is the hand-written pgx of BenchmarkMixed10k: in one
// transaction, the authors and then the books inserted from unnest arrays
// with their keys back, the titles updated from unnest arrays, the
// removed books deleted by key list.
func mixedPgx(ctx context.Context, conn *pgx.Conn, ids []int64) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		names := make([]string, mixedNew/10)
		for i := range names {
			names[i] = "New author " + strconv.Itoa(i)
		}
		rows, err := tx.Query(ctx, `INSERT INTO bench_author (name) SELECT n FROM unnest($1::text[]) WITH ORDINALITY AS u(n, o) ORDER BY o RETURNING id`, names)
		if err != nil {
			return err
		}
		authorIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		titles, years, prices, authors := make([]string, mixedNew), make([]int64, mixedNew), make([]float64, mixedNew), make([]int64, mixedNew)
		for i := range titles {
			titles[i], years[i], prices[i], authors[i] = "New "+strconv.Itoa(i), 2024, 9.5, authorIDs[i/10]
		}
		rows, err = tx.Query(ctx, `INSERT INTO bench_book (title, year, price, author_id)
			SELECT t, y, p, a FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[]) WITH ORDINALITY AS u(t, y, p, a, o) ORDER BY o
			RETURNING id`, titles, years, prices, authors)
		if err != nil {
			return err
		}
		if _, err := pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		var upIDs []int64
		var upTitles []string
		var delIDs []int64
		for i, id := range ids {
			switch {
			case i%mixedUpdate == 0:
				upIDs, upTitles = append(upIDs, id), append(upTitles, "Changed "+strconv.Itoa(i))
			case i%mixedDelete == 5:
				delIDs = append(delIDs, id)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE bench_book AS t SET title = u.title
			FROM unnest($1::bigint[], $2::text[]) AS u(id, title) WHERE t.id = u.id`, upIDs, upTitles); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM bench_book WHERE id = ANY($1::bigint[])`, delIDs)
		return err
	})
}

// mixedGomikro is BenchmarkMixed10k's unit of work on the managed books:
// new authors and books persisted, titles changed, books removed, one
// flush.
func mixedGomikro(ctx context.Context, m *sqlem.EntityManager, books []*sqlbench.BenchBook) error {
	authors := make([]*sqlbench.BenchAuthor, mixedNew/10)
	for i := range authors {
		authors[i] = &sqlbench.BenchAuthor{Name: "New author " + strconv.Itoa(i)}
		if err := m.Persist(authors[i]); err != nil {
			return err
		}
	}
	for i := range mixedNew {
		if err := m.Persist(&sqlbench.BenchBook{Title: "New " + strconv.Itoa(i), Year: 2024, Price: 9.5, Author: ref.To(authors[i/10])}); err != nil {
			return err
		}
	}
	for i, bk := range books {
		switch {
		case i%mixedUpdate == 0:
			bk.Title = "Changed " + strconv.Itoa(i)
		case i%mixedDelete == 5:
			if err := m.Remove(bk); err != nil {
				return err
			}
		}
	}
	return m.Flush(ctx)
}

// BenchmarkMixed10k: on 10,000 loaded books, one unit of work that
// inserts 100 authors and 1,000 books, changes 1,000 titles and removes
// 500 books, against hand-written pgx given the changes (gomikro finds
// them itself).
func BenchmarkMixed10k(b *testing.B) {
	env := setupBench(b)
	ctx := context.Background()
	// refill gives each repetition the same 10,000 rows (untimed).
	refill := func(b *testing.B) {
		b.StopTimer()
		if err := env.Base.Truncate(ctx); err != nil {
			b.Fatal(err)
		}
		env.Fill(b)
	}
	b.Run("impl=pgx", func(b *testing.B) {
		b.ReportAllocs()
		defer sqlbench.CPU(b)()
		for range b.N {
			refill(b)
			ids, err := env.Base.IDs(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := mixedPgx(ctx, env.conn, ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		defer sqlbench.CPU(b)()
		for range b.N {
			refill(b)
			m := env.ORM.EM().Fork()
			books, err := em.FindAll[sqlbench.BenchBook](ctx, m)
			if err != nil || len(books) != sqlbench.Rows {
				b.Fatal(err, len(books))
			}
			b.StartTimer()
			if err := mixedGomikro(ctx, m, books); err != nil {
				b.Fatal(err)
			}
		}
	})
}
