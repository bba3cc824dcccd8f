package benchmarks

import (
	"context"
	"errors"
)

// Backends, in the order the runner reports them.
const (
	Postgres = "postgres"
	MySQL    = "mysql"
	SQLite   = "sqlite"
	Mongo    = "mongo"
)

// ErrUnsupported is returned by an Impl for a workload it does not offer.
var ErrUnsupported = errors.New("benchmarks: workload not offered by this implementation")

// BookRow is one book to insert: a title, a year, a price and its author,
// either the Author-th entry of the Graph's authors or, when Author < 0,
// the existing author AuthorID.
type BookRow struct {
	Title    string
	Year     int64
	Price    float64
	Author   int
	AuthorID int64
}

// Graph is a batch of new authors and books; Insert sets AuthorIDs and
// BookIDs, in order.
type Graph struct {
	Authors   []string
	Books     []BookRow
	AuthorIDs []int64
	BookIDs   []int64
}

// Mixed is one unit of work over a loaded Set: new authors and books
// (Graph), new titles for some loaded rows, some loaded rows deleted, one
// transaction.
type Mixed struct {
	New       Graph
	UpdateIdx []int
	Titles    []string
	DeleteIdx []int
}

// Set is every book loaded by one Impl into its own objects (managed
// entities for an ORM with a unit of work), in the order the database
// returned them.
type Set interface {
	// Len is the number of books loaded.
	Len() int
	// ID is the key of the i-th book.
	ID(i int) int64
	// Title is the title of the i-th book.
	Title(i int) string
	// AuthorID is the author key of the i-th book.
	AuthorID(i int) int64
	// Update gives the books at idx the titles and saves them in one
	// transaction: gomikro changes its managed objects and flushes (it
	// finds the changes itself); the others are handed the changed rows.
	Update(ctx context.Context, idx []int, titles []string) error
	// Mixed saves the unit of work mx in one transaction and sets
	// mx.New's keys.
	Mixed(ctx context.Context, mx *Mixed) error
}

// Impl is one way of writing the workloads on one backend.
type Impl interface {
	// Name is the implementation's name in tables and charts.
	Name() string
	// Insert inserts g's authors and books, each book with a foreign key
	// to its author, in one transaction, and sets g's keys.
	Insert(ctx context.Context, g *Graph) error
	// InsertOne saves one new book (its author exists) in its own round
	// trip(s) and returns its key.
	InsertOne(ctx context.Context, b BookRow) (int64, error)
	// Load reads every book into objects.
	Load(ctx context.Context) (Set, error)
	// Close releases the pool.
	Close() error
}

// NoopFlusher is an Impl with a unit of work: a flush of n loaded,
// unchanged entities must send nothing.
type NoopFlusher interface {
	// PrepareNoop loads every book into a fresh unit of work and returns
	// its flush.
	PrepareNoop(ctx context.Context) (flush func(context.Context) error, n int, err error)
}

// Config is what an Impl is opened with.
type Config struct {
	// DSN is the backend's connection string for the benchmark's own
	// schema or database.
	DSN string
	// MaxConns caps the pool (the concurrency workload needs at least K).
	MaxConns int
}

// Factory opens an Impl.
type Factory struct {
	Backend string
	Name    string
	// Baseline marks the hand-written code that ratios are taken to.
	Baseline bool
	// InsertOnly marks a variant that differs from the baseline only in
	// Insert (pgx-copy): the other workloads are skipped for it.
	InsertOnly bool
	Open       func(ctx context.Context, cfg Config) (Impl, error)
}

// Factories lists every implementation on every backend.
func Factories() []Factory {
	return []Factory{
		{Backend: Postgres, Name: "pgx", Baseline: true, Open: openPgx},
		{Backend: Postgres, Name: "pgx-copy", InsertOnly: true, Open: openPgxCopy},
		{Backend: Postgres, Name: "gomikro", Open: openGomikroPostgres},
		{Backend: Postgres, Name: "gorm", Open: openGormPostgres},
		{Backend: Postgres, Name: "bun", Open: openBunPostgres},
		{Backend: MySQL, Name: "sql", Baseline: true, Open: openSQLMySQL},
		{Backend: MySQL, Name: "gomikro", Open: openGomikroMySQL},
		{Backend: MySQL, Name: "gorm", Open: openGormMySQL},
		{Backend: MySQL, Name: "bun", Open: openBunMySQL},
		{Backend: SQLite, Name: "sql", Baseline: true, Open: openSQLSQLite},
		{Backend: SQLite, Name: "gomikro", Open: openGomikroSQLite},
		{Backend: SQLite, Name: "gorm", Open: openGormSQLite},
		{Backend: SQLite, Name: "bun", Open: openBunSQLite},
		{Backend: Mongo, Name: "driver", Baseline: true, Open: openMongoDriver},
		{Backend: Mongo, Name: "gomikro", Open: openGomikroMongo},
	}
}

// Lookup finds a Factory by backend and name.
func Lookup(backend, name string) (Factory, bool) {
	for _, f := range Factories() {
		if f.Backend == backend && f.Name == name {
			return f, true
		}
	}
	return Factory{}, false
}
