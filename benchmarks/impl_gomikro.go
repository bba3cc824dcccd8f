package benchmarks

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// Author is the parent entity: gomikro's model of table author.
type Author struct {
	ID   int64 `orm:"pk"`
	Name string
}

// Book is the child entity: gomikro's model of table book, with an m:1
// Author (column author_id).
type Book struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=100"`
	Year   int64
	Price  float64
	Author ref.Ref[Author]
}

// unitOfWork is what the benchmarks use of a backend's EntityManager.
type unitOfWork interface {
	em.Manager
	Persist(entities ...any) error
	Remove(entities ...any) error
	Flush(ctx context.Context) error
}

// gomikroImpl is gomikro: a fresh unit of work (Fork) per operation,
// Persist, change the objects, Remove, one Flush; FindAll to load.
type gomikroImpl struct {
	fork  func() unitOfWork
	close func() error
	// open opens a second ORM with a logger, for the no-op flush's
	// check that nothing is sent.
	open func(ctx context.Context, cfg gomikro.Config) (func() unitOfWork, func() error, error)
	cfg  gomikro.Config
}

func gomikroConfig(cfg Config) gomikro.Config {
	return gomikro.Config{DSN: cfg.DSN, Entities: []any{Author{}, Book{}}, MaxConns: cfg.MaxConns}
}

func openGomikroSQL(ctx context.Context, cfg Config, open func(context.Context, gomikro.Config) (func() unitOfWork, func() error, error)) (Impl, error) {
	gc := gomikroConfig(cfg)
	fork, closeFn, err := open(ctx, gc)
	if err != nil {
		return nil, err
	}
	return &gomikroImpl{fork: fork, close: closeFn, open: open, cfg: gc}, nil
}

func openGomikroPostgres(ctx context.Context, cfg Config) (Impl, error) {
	return openGomikroSQL(ctx, cfg, func(ctx context.Context, gc gomikro.Config) (func() unitOfWork, func() error, error) {
		orm, err := postgres.Open(ctx, gc)
		if err != nil {
			return nil, nil, err
		}
		return func() unitOfWork { return orm.EM().Fork() }, orm.Close, nil
	})
}

func openGomikroMySQL(ctx context.Context, cfg Config) (Impl, error) {
	return openGomikroSQL(ctx, cfg, func(ctx context.Context, gc gomikro.Config) (func() unitOfWork, func() error, error) {
		orm, err := mysql.Open(ctx, gc)
		if err != nil {
			return nil, nil, err
		}
		return func() unitOfWork { return orm.EM().Fork() }, orm.Close, nil
	})
}

func openGomikroSQLite(ctx context.Context, cfg Config) (Impl, error) {
	return openGomikroSQL(ctx, cfg, func(ctx context.Context, gc gomikro.Config) (func() unitOfWork, func() error, error) {
		orm, err := sqlite.Open(ctx, gc)
		if err != nil {
			return nil, nil, err
		}
		return func() unitOfWork { return orm.EM().Fork() }, orm.Close, nil
	})
}

func openGomikroMongo(ctx context.Context, cfg Config) (Impl, error) {
	return openGomikroSQL(ctx, cfg, func(ctx context.Context, gc gomikro.Config) (func() unitOfWork, func() error, error) {
		orm, err := mongoem.Open(ctx, gc)
		if err != nil {
			return nil, nil, err
		}
		return func() unitOfWork { return orm.EM().Fork() }, orm.Close, nil
	})
}

func (g *gomikroImpl) Name() string { return "gomikro" }
func (g *gomikroImpl) Close() error { return g.close() }

func authorKey(b *Book) int64 {
	id, _ := b.Author.ID().(int64)
	return id
}

// persistGraph persists g's authors and books into m.
func persistGraph(m unitOfWork, g *Graph) ([]*Author, []*Book, error) {
	authors := make([]*Author, len(g.Authors))
	for i, name := range g.Authors {
		authors[i] = &Author{Name: name}
		if err := m.Persist(authors[i]); err != nil {
			return nil, nil, err
		}
	}
	books := make([]*Book, len(g.Books))
	for i := range g.Books {
		r := &g.Books[i]
		bk := &Book{Title: r.Title, Year: r.Year, Price: r.Price}
		if r.Author >= 0 {
			bk.Author = ref.To(authors[r.Author])
		} else {
			a, err := em.GetReference[Author](m, r.AuthorID)
			if err != nil {
				return nil, nil, err
			}
			bk.Author = ref.To(a)
		}
		books[i] = bk
		if err := m.Persist(bk); err != nil {
			return nil, nil, err
		}
	}
	return authors, books, nil
}

func keysOf(g *Graph, authors []*Author, books []*Book) {
	g.AuthorIDs = make([]int64, len(authors))
	for i, a := range authors {
		g.AuthorIDs[i] = a.ID
	}
	g.BookIDs = make([]int64, len(books))
	for i, b := range books {
		g.BookIDs[i] = b.ID
	}
}

func (g *gomikroImpl) Insert(ctx context.Context, gr *Graph) error {
	m := g.fork()
	authors, books, err := persistGraph(m, gr)
	if err != nil {
		return err
	}
	if err := m.Flush(ctx); err != nil {
		return err
	}
	keysOf(gr, authors, books)
	return nil
}

func (g *gomikroImpl) InsertOne(ctx context.Context, r BookRow) (int64, error) {
	m := g.fork()
	a, err := em.GetReference[Author](m, r.AuthorID)
	if err != nil {
		return 0, err
	}
	bk := &Book{Title: r.Title, Year: r.Year, Price: r.Price, Author: ref.To(a)}
	if err := m.Persist(bk); err != nil {
		return 0, err
	}
	return bk.ID, m.Flush(ctx)
}

func (g *gomikroImpl) Load(ctx context.Context) (Set, error) {
	m := g.fork()
	books, err := em.FindAll[Book](ctx, m)
	return &gomikroSet{m: m, books: books}, err
}

// gomikroSet is books managed by one unit of work.
type gomikroSet struct {
	m     unitOfWork
	books []*Book
}

func (s *gomikroSet) Len() int             { return len(s.books) }
func (s *gomikroSet) ID(i int) int64       { return s.books[i].ID }
func (s *gomikroSet) Title(i int) string   { return s.books[i].Title }
func (s *gomikroSet) AuthorID(i int) int64 { return authorKey(s.books[i]) }

// Update changes the managed objects and flushes: gomikro finds the
// changed ones itself.
func (s *gomikroSet) Update(ctx context.Context, idx []int, titles []string) error {
	for j, i := range idx {
		s.books[i].Title = titles[j]
	}
	return s.m.Flush(ctx)
}

func (s *gomikroSet) Mixed(ctx context.Context, mx *Mixed) error {
	authors, books, err := persistGraph(s.m, &mx.New)
	if err != nil {
		return err
	}
	for j, i := range mx.UpdateIdx {
		s.books[i].Title = mx.Titles[j]
	}
	for _, i := range mx.DeleteIdx {
		if err := s.m.Remove(s.books[i]); err != nil {
			return err
		}
	}
	if err := s.m.Flush(ctx); err != nil {
		return err
	}
	keysOf(&mx.New, authors, books)
	return nil
}

// countingHandler counts the statements gomikro logs.
type countingHandler struct{ n *atomic.Int64 }

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) Handle(context.Context, slog.Record) error {
	h.n.Add(1)
	return nil
}
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countingHandler) WithGroup(string) slog.Handler      { return h }

// PrepareNoop loads every book into a unit of work of a second ORM whose
// logger counts statements; the returned flush fails when one was sent.
func (g *gomikroImpl) PrepareNoop(ctx context.Context) (func(context.Context) error, int, error) {
	var sent atomic.Int64
	cfg := g.cfg
	cfg.Logger = slog.New(countingHandler{&sent})
	fork, closeFn, err := g.open(ctx, cfg)
	if err != nil {
		return nil, 0, err
	}
	m := fork()
	books, err := em.FindAll[Book](ctx, m)
	if err != nil {
		_ = closeFn()
		return nil, 0, err
	}
	g.close = func(prev func() error) func() error {
		return func() error { return errorsJoin(prev(), closeFn()) }
	}(g.close)
	base := sent.Load()
	return func(ctx context.Context) error {
		if err := m.Flush(ctx); err != nil {
			return err
		}
		if n := sent.Load() - base; n != 0 {
			return fmt.Errorf("check: a flush of %d unchanged entities sent %d statements", len(books), n)
		}
		return nil
	}, len(books), nil
}
