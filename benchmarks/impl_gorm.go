package benchmarks

import (
	"context"

	gormmysql "gorm.io/driver/mysql"
	gormpg "gorm.io/driver/postgres"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
)

// gormAuthor and gormBook are GORM's models of the two tables.
type gormAuthor struct {
	ID   int64
	Name string
}

func (gormAuthor) TableName() string { return "author" }

type gormBook struct {
	ID       int64
	Title    string
	Year     int64
	Price    float64
	AuthorID int64
}

func (gormBook) TableName() string { return "book" }

// gormImpl is GORM as its performance guide recommends (PrepareStmt,
// SkipDefaultTransaction, an explicit Transaction around each unit of
// work) with the generics API: G[T].CreateInBatches (keys come back into
// the structs), an upsert of the changed rows that sets only title
// (clause.OnConflict with AssignmentColumns: GORM's bulk update),
// G[T].Where("id IN ?").Delete, G[T].Find.
type gormImpl struct{ db *gorm.DB }

const gormBatch = 1000

func openGorm(d gorm.Dialector, maxConns int) (Impl, error) {
	db, err := gorm.Open(d, &gorm.Config{PrepareStmt: true, SkipDefaultTransaction: true, Logger: logger.Discard})
	if err != nil {
		return nil, err
	}
	if maxConns > 0 {
		sdb, err := db.DB()
		if err != nil {
			return nil, err
		}
		sdb.SetMaxOpenConns(maxConns)
		sdb.SetMaxIdleConns(maxConns)
	}
	return &gormImpl{db: db}, nil
}

func openGormPostgres(_ context.Context, cfg Config) (Impl, error) {
	return openGorm(gormpg.Open(cfg.DSN), cfg.MaxConns)
}

func openGormMySQL(_ context.Context, cfg Config) (Impl, error) {
	return openGorm(gormmysql.Open(cfg.DSN), cfg.MaxConns)
}

// openGormSQLite runs GORM's SQLite dialector on modernc's pure-Go
// driver, the one gomikro and the hand-written code use.
func openGormSQLite(_ context.Context, cfg Config) (Impl, error) {
	return openGorm(gormsqlite.New(gormsqlite.Config{DriverName: "sqlite", DSN: sqliteConn(cfg.DSN)}), cfg.MaxConns)
}

func (g *gormImpl) Name() string { return "gorm" }
func (g *gormImpl) Close() error {
	sdb, err := g.db.DB()
	if err != nil {
		return err
	}
	return sdb.Close()
}

func gormInsert(ctx context.Context, tx *gorm.DB, g *Graph) error {
	g.AuthorIDs, g.BookIDs = nil, nil
	authors := make([]gormAuthor, len(g.Authors))
	for i, name := range g.Authors {
		authors[i].Name = name
	}
	if len(authors) > 0 {
		if err := gorm.G[gormAuthor](tx).CreateInBatches(ctx, &authors, gormBatch); err != nil {
			return err
		}
	}
	books := make([]gormBook, len(g.Books))
	for i, b := range g.Books {
		books[i] = gormBook{Title: b.Title, Year: b.Year, Price: b.Price, AuthorID: b.AuthorID}
		if b.Author >= 0 {
			books[i].AuthorID = authors[b.Author].ID
		}
	}
	if err := gorm.G[gormBook](tx).CreateInBatches(ctx, &books, gormBatch); err != nil {
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

func (g *gormImpl) Insert(ctx context.Context, gr *Graph) error {
	return g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return gormInsert(ctx, tx, gr) })
}

func (g *gormImpl) InsertOne(ctx context.Context, b BookRow) (int64, error) {
	bk := gormBook{Title: b.Title, Year: b.Year, Price: b.Price, AuthorID: b.AuthorID}
	err := gorm.G[gormBook](g.db).Create(ctx, &bk)
	return bk.ID, err
}

func (g *gormImpl) Load(ctx context.Context) (Set, error) {
	books, err := gorm.G[gormBook](g.db).Find(ctx)
	return &gormSet{g: g, books: books}, err
}

type gormSet struct {
	g     *gormImpl
	books []gormBook
}

func (s *gormSet) Len() int             { return len(s.books) }
func (s *gormSet) ID(i int) int64       { return s.books[i].ID }
func (s *gormSet) Title(i int) string   { return s.books[i].Title }
func (s *gormSet) AuthorID(i int) int64 { return s.books[i].AuthorID }

func (s *gormSet) update(ctx context.Context, tx *gorm.DB, idx []int, titles []string) error {
	changed := make([]gormBook, len(idx))
	for j, i := range idx {
		s.books[i].Title = titles[j]
		changed[j] = s.books[i]
	}
	if len(changed) == 0 {
		return nil
	}
	return tx.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"title"}),
	}).CreateInBatches(&changed, gormBatch).Error
}

func (s *gormSet) Update(ctx context.Context, idx []int, titles []string) error {
	return s.g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.update(ctx, tx, idx, titles) })
}

func (s *gormSet) Mixed(ctx context.Context, mx *Mixed) error {
	return s.g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := gormInsert(ctx, tx, &mx.New); err != nil {
			return err
		}
		if err := s.update(ctx, tx, mx.UpdateIdx, mx.Titles); err != nil {
			return err
		}
		ids := make([]int64, len(mx.DeleteIdx))
		for j, i := range mx.DeleteIdx {
			ids[j] = s.books[i].ID
		}
		for start := 0; start < len(ids); start += gormBatch {
			if _, err := gorm.G[gormBook](tx).Where("id IN ?", ids[start:min(start+gormBatch, len(ids))]).Delete(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
