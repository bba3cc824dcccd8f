package benchmarks

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/schema"
)

// bunAuthor and bunBook are Bun's models of the two tables.
type bunAuthor struct {
	bun.BaseModel `bun:"table:author"`
	ID            int64 `bun:",pk,autoincrement"`
	Name          string
}

type bunBook struct {
	bun.BaseModel `bun:"table:book"`
	ID            int64 `bun:",pk,autoincrement"`
	Title         string
	Year          int64
	Price         float64
	AuthorID      int64
}

// bunImpl is Bun as its documentation shows: NewInsert().Model(&slice)
// (one multi-row INSERT, keys back by RETURNING, or LAST_INSERT_ID on
// MariaDB; Bun formats the values into the statement's text as literals,
// so nothing is bound and one statement holds every row), a bulk update of the changed rows (Bulk(): UPDATE ... FROM a
// VALUES CTE on PostgreSQL and SQLite; INSERT ... ON DUPLICATE KEY UPDATE
// title on MariaDB, which has no UPDATE ... FROM), NewDelete ... IN,
// NewSelect().Model(&slice).Scan, RunInTx. On PostgreSQL it runs on pgx
// through database/sql (pgx/stdlib); Bun's own pgdriver is not in the
// module proxy this project can reach.
type bunImpl struct {
	db    *bun.DB
	mysql bool
}

func openBun(sqldb *sql.DB, d schema.Dialect, maxConns int, mysql bool) (Impl, error) {
	if maxConns > 0 {
		sqldb.SetMaxOpenConns(maxConns)
		sqldb.SetMaxIdleConns(maxConns)
	}
	return &bunImpl{db: bun.NewDB(sqldb, d), mysql: mysql}, nil
}

func openBunPostgres(_ context.Context, cfg Config) (Impl, error) {
	sqldb, err := sql.Open("pgx", cfg.DSN)
	if err != nil {
		return nil, err
	}
	return openBun(sqldb, pgdialect.New(), cfg.MaxConns, false)
}

func openBunMySQL(_ context.Context, cfg Config) (Impl, error) {
	sqldb, err := sql.Open("mysql", cfg.DSN)
	if err != nil {
		return nil, err
	}
	return openBun(sqldb, mysqldialect.New(), cfg.MaxConns, true)
}

func openBunSQLite(_ context.Context, cfg Config) (Impl, error) {
	sqldb, err := sql.Open("sqlite", sqliteConn(cfg.DSN))
	if err != nil {
		return nil, err
	}
	return openBun(sqldb, sqlitedialect.New(), cfg.MaxConns, false)
}

var _ = stdlib.GetDefaultDriver // registers "pgx"

func (b *bunImpl) Name() string { return "bun" }
func (b *bunImpl) Close() error { return b.db.Close() }

func bunInsert(ctx context.Context, db bun.IDB, g *Graph) error {
	g.AuthorIDs, g.BookIDs = nil, nil
	authors := make([]bunAuthor, len(g.Authors))
	for i, name := range g.Authors {
		authors[i].Name = name
	}
	if len(authors) > 0 {
		if _, err := db.NewInsert().Model(&authors).Exec(ctx); err != nil {
			return err
		}
	}
	books := make([]bunBook, len(g.Books))
	for i, bk := range g.Books {
		books[i] = bunBook{Title: bk.Title, Year: bk.Year, Price: bk.Price, AuthorID: bk.AuthorID}
		if bk.Author >= 0 {
			books[i].AuthorID = authors[bk.Author].ID
		}
	}
	if _, err := db.NewInsert().Model(&books).Exec(ctx); err != nil {
		return err
	}
	g.AuthorIDs = make([]int64, len(authors))
	for i := range authors {
		g.AuthorIDs[i] = authors[i].ID
	}
	g.BookIDs = make([]int64, len(books))
	for i := range books {
		g.BookIDs[i] = books[i].ID
	}
	return nil
}

func (b *bunImpl) Insert(ctx context.Context, g *Graph) error {
	return b.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return bunInsert(ctx, tx, g) })
}

func (b *bunImpl) InsertOne(ctx context.Context, r BookRow) (int64, error) {
	bk := bunBook{Title: r.Title, Year: r.Year, Price: r.Price, AuthorID: r.AuthorID}
	_, err := b.db.NewInsert().Model(&bk).Exec(ctx)
	return bk.ID, err
}

func (b *bunImpl) Load(ctx context.Context) (Set, error) {
	var books []bunBook
	err := b.db.NewSelect().Model(&books).Scan(ctx)
	return &bunSet{b: b, books: books}, err
}

type bunSet struct {
	b     *bunImpl
	books []bunBook
}

func (s *bunSet) Len() int             { return len(s.books) }
func (s *bunSet) ID(i int) int64       { return s.books[i].ID }
func (s *bunSet) Title(i int) string   { return s.books[i].Title }
func (s *bunSet) AuthorID(i int) int64 { return s.books[i].AuthorID }

func (s *bunSet) update(ctx context.Context, db bun.IDB, idx []int, titles []string) error {
	changed := make([]bunBook, len(idx))
	for j, i := range idx {
		s.books[i].Title = titles[j]
		changed[j] = s.books[i]
	}
	if len(changed) == 0 {
		return nil
	}
	if s.b.mysql {
		_, err := db.NewInsert().Model(&changed).On("DUPLICATE KEY UPDATE").Set("title = VALUES(title)").Exec(ctx)
		return err
	}
	_, err := db.NewUpdate().Model(&changed).Column("title").Bulk().Exec(ctx)
	return err
}

func (s *bunSet) Update(ctx context.Context, idx []int, titles []string) error {
	return s.b.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return s.update(ctx, tx, idx, titles) })
}

func (s *bunSet) Mixed(ctx context.Context, mx *Mixed) error {
	return s.b.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := bunInsert(ctx, tx, &mx.New); err != nil {
			return err
		}
		if err := s.update(ctx, tx, mx.UpdateIdx, mx.Titles); err != nil {
			return err
		}
		ids := make([]int64, len(mx.DeleteIdx))
		for j, i := range mx.DeleteIdx {
			ids[j] = s.books[i].ID
		}
		_, err := tx.NewDelete().Model((*bunBook)(nil)).Where("id IN (?)", bun.List(ids)).Exec(ctx)
		return err
	})
}
