package benchmarks

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func errorsJoin(errs ...error) error { return errors.Join(errs...) }

// pgxImpl is hand-written pgx on a pgxpool: INSERT ... SELECT FROM
// unnest(arrays) RETURNING id, UPDATE ... FROM unnest, DELETE ... = ANY,
// a scan into structs, and for pgx-copy COPY with keys reserved from the
// sequence first.
type pgxImpl struct {
	name string
	pool *pgxpool.Pool
	copy bool
}

func openPgxPool(ctx context.Context, cfg Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, err
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = int32(cfg.MaxConns)
	}
	return pgxpool.NewWithConfig(ctx, pc)
}

func openPgx(ctx context.Context, cfg Config) (Impl, error) {
	p, err := openPgxPool(ctx, cfg)
	return &pgxImpl{name: "pgx", pool: p}, err
}

func openPgxCopy(ctx context.Context, cfg Config) (Impl, error) {
	p, err := openPgxPool(ctx, cfg)
	return &pgxImpl{name: "pgx-copy", pool: p, copy: true}, err
}

func (p *pgxImpl) Name() string { return p.name }
func (p *pgxImpl) Close() error { p.pool.Close(); return nil }

type pgBook struct {
	ID       int64
	Title    string
	Year     int64
	Price    float64
	AuthorID int64
}

func (p *pgxImpl) Insert(ctx context.Context, g *Graph) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error { return p.insertTx(ctx, tx, g) })
}

func (p *pgxImpl) insertTx(ctx context.Context, tx pgx.Tx, g *Graph) error {
	var err error
	g.AuthorIDs, g.BookIDs = nil, nil
	if len(g.Authors) > 0 {
		rows, err := tx.Query(ctx, `INSERT INTO author (name) SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS u(name, o) ORDER BY o RETURNING id`, g.Authors)
		if err == nil {
			g.AuthorIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		}
		if err != nil {
			return err
		}
	}
	n := len(g.Books)
	titles, years, prices, authors := make([]string, n), make([]int64, n), make([]float64, n), make([]int64, n)
	for i, b := range g.Books {
		titles[i], years[i], prices[i], authors[i] = b.Title, b.Year, b.Price, b.AuthorID
		if b.Author >= 0 {
			authors[i] = g.AuthorIDs[b.Author]
		}
	}
	if p.copy {
		// Keys first, from the sequence, then COPY with them.
		rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('book', 'id')) FROM generate_series(1, $1)`, n)
		if err == nil {
			g.BookIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		}
		if err != nil {
			return err
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"book"}, []string{"id", "title", "year", "price", "author_id"},
			pgx.CopyFromSlice(n, func(i int) ([]any, error) {
				return []any{g.BookIDs[i], titles[i], years[i], prices[i], authors[i]}, nil
			}))
		return err
	}
	// WITH ORDINALITY ... ORDER BY keeps RETURNING in the arrays' order.
	rows, err := tx.Query(ctx, `INSERT INTO book (title, year, price, author_id)
		SELECT t, y, p, a FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[]) WITH ORDINALITY AS u(t, y, p, a, o) ORDER BY o
		RETURNING id`, titles, years, prices, authors)
	if err == nil {
		g.BookIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	return err
}

func (p *pgxImpl) InsertOne(ctx context.Context, b BookRow) (int64, error) {
	var id int64
	err := p.pool.QueryRow(ctx, `INSERT INTO book (title, year, price, author_id) VALUES ($1, $2, $3, $4) RETURNING id`,
		b.Title, b.Year, b.Price, b.AuthorID).Scan(&id)
	return id, err
}

func (p *pgxImpl) Load(ctx context.Context) (Set, error) {
	rows, err := p.pool.Query(ctx, `SELECT id, title, year, price, author_id FROM book`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pgBook
	for rows.Next() {
		b := &pgBook{}
		if err := rows.Scan(&b.ID, &b.Title, &b.Year, &b.Price, &b.AuthorID); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return &pgxSet{p: p, books: out}, rows.Err()
}

type pgxSet struct {
	p     *pgxImpl
	books []*pgBook
}

func (s *pgxSet) Len() int             { return len(s.books) }
func (s *pgxSet) ID(i int) int64       { return s.books[i].ID }
func (s *pgxSet) Title(i int) string   { return s.books[i].Title }
func (s *pgxSet) AuthorID(i int) int64 { return s.books[i].AuthorID }

func (s *pgxSet) update(ctx context.Context, tx pgx.Tx, idx []int, titles []string) error {
	ids := make([]int64, len(idx))
	for j, i := range idx {
		s.books[i].Title = titles[j]
		ids[j] = s.books[i].ID
	}
	_, err := tx.Exec(ctx, `UPDATE book AS t SET title = u.title FROM unnest($1::bigint[], $2::text[]) AS u(id, title) WHERE t.id = u.id`, ids, titles)
	return err
}

func (s *pgxSet) Update(ctx context.Context, idx []int, titles []string) error {
	return pgx.BeginFunc(ctx, s.p.pool, func(tx pgx.Tx) error { return s.update(ctx, tx, idx, titles) })
}

func (s *pgxSet) Mixed(ctx context.Context, mx *Mixed) error {
	return pgx.BeginFunc(ctx, s.p.pool, func(tx pgx.Tx) error {
		if err := s.p.insertTx(ctx, tx, &mx.New); err != nil {
			return err
		}
		if err := s.update(ctx, tx, mx.UpdateIdx, mx.Titles); err != nil {
			return err
		}
		ids := make([]int64, len(mx.DeleteIdx))
		for j, i := range mx.DeleteIdx {
			ids[j] = s.books[i].ID
		}
		_, err := tx.Exec(ctx, `DELETE FROM book WHERE id = ANY($1::bigint[])`, ids)
		return err
	})
}
