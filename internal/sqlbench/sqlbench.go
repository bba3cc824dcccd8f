// Package sqlbench holds the flush and load benchmarks every SQL dialect
// runs, each against a hand-written baseline on the same driver in the
// same run. Sub-benchmarks are named impl=<baseline> (pgx, sql) and
// impl=gomikro, for `benchstat -col /impl`.
package sqlbench

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// BenchAuthor is the benchmark's referenced entity.
type BenchAuthor struct {
	ID   int64 `orm:"pk"`
	Name string
}

// BenchBook has an m:1 author, as in the PostgreSQL benchmarks.
type BenchBook struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=100"`
	Year   int64
	Price  float64
	Author ref.Ref[BenchAuthor]
}

// Entities are the benchmark model's entities, for gomikro.Config.
func Entities() []any { return []any{BenchAuthor{}, BenchBook{}} }

// Raw is what the baselines write and scan.
type Raw struct {
	ID       int64
	Title    string
	Year     int64
	Price    float64
	AuthorID int64
}

// Rows is the size of a batch.
const Rows = 10_000

// Baseline is the hand-written code of one driver: what a careful
// programmer writes without an ORM.
type Baseline interface {
	// Name names the baseline's sub-benchmarks (impl=Name).
	Name() string
	// Insert inserts the books in one transaction and sets their IDs.
	Insert(ctx context.Context, books []Raw) error
	// Update sets the title of each book (by ID) in one transaction.
	Update(ctx context.Context, ids []int64, titles []string) error
	// Load reads every book.
	Load(ctx context.Context) ([]*Raw, error)
	// IDs returns the keys of every book.
	IDs(ctx context.Context) ([]int64, error)
	// Truncate deletes every book.
	Truncate(ctx context.Context) error
}

// Env is one benchmark's database: the ORM on tables of Entities, the
// baseline on the same database, and one author.
type Env struct {
	ORM    *sqlem.ORM
	Base   Baseline
	Author int64
}

func (env *Env) truncate(b *testing.B) {
	b.Helper()
	if err := env.Base.Truncate(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func (env *Env) raw() []Raw {
	books := make([]Raw, Rows)
	for i := range books {
		books[i] = Raw{Title: "Book " + strconv.Itoa(i), Year: 2000 + int64(i%20), Price: float64(i), AuthorID: env.Author}
	}
	return books
}

// Fill inserts Rows books with the baseline.
func (env *Env) Fill(b *testing.B) {
	b.Helper()
	if err := env.Base.Insert(context.Background(), env.raw()); err != nil {
		b.Fatal(err)
	}
}

// DB is the part of a database/sql baseline that is the same on every
// dialect.
type DB struct{ *sql.DB }

// Name implements Baseline.
func (DB) Name() string { return "sql" }

// Truncate implements Baseline.
func (db DB) Truncate(ctx context.Context) error {
	_, err := db.ExecContext(ctx, `DELETE FROM bench_book`)
	return err
}

// IDs implements Baseline.
func (db DB) IDs(ctx context.Context) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM bench_book`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Load implements Baseline: a scan into structs.
func (db DB) Load(ctx context.Context) ([]*Raw, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, title, year, price, author_id FROM bench_book`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Raw
	for rows.Next() {
		r := &Raw{}
		if err := rows.Scan(&r.ID, &r.Title, &r.Year, &r.Price, &r.AuthorID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Insert10k measures a flush of 10,000 new books against the baseline's insert.
func Insert10k(b *testing.B, env *Env) {
	ctx := context.Background()
	b.Run("impl="+env.Base.Name(), func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			b.StopTimer()
			env.truncate(b)
			b.StartTimer()
			books := env.raw()
			if err := env.Base.Insert(ctx, books); err != nil {
				b.Fatal(err)
			}
			if books[Rows-1].ID == 0 {
				b.Fatal("no ids")
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			b.StopTimer()
			env.truncate(b)
			m := env.ORM.EM().Fork()
			a, err := em.GetReference[BenchAuthor](m, env.Author)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			var last *BenchBook
			for i := range Rows {
				last = &BenchBook{Title: "Book " + strconv.Itoa(i), Year: 2000 + int64(i%20), Price: float64(i), Author: ref.To(a)}
				if err := m.Persist(last); err != nil {
					b.Fatal(err)
				}
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			if last.ID == 0 {
				b.Fatal("no ids")
			}
		}
	})
}

// Update10k measures a flush of 10,000 managed books with one changed column
// each against the baseline's update.
func Update10k(b *testing.B, env *Env) {
	ctx := context.Background()
	env.truncate(b)
	env.Fill(b)
	calls := 0
	b.Run("impl="+env.Base.Name(), func(b *testing.B) {
		ids, err := env.Base.IDs(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer CPU(b)()
		b.ResetTimer()
		for n := range b.N {
			titles := make([]string, len(ids))
			for i := range titles {
				titles[i] = "T" + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if err := env.Base.Update(ctx, ids, titles); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		m := env.ORM.EM().Fork()
		books, err := em.FindAll[BenchBook](ctx, m)
		if err != nil {
			b.Fatal(err)
		}
		// The testing package calls this function more than once (b.N = 1
		// first): titles new to every call, so that no iteration finds
		// its values unchanged and sends nothing.
		calls++
		prefix := "G" + strconv.Itoa(calls) + "-"
		b.ReportAllocs()
		defer CPU(b)()
		b.ResetTimer()
		for n := range b.N {
			for i, bk := range books {
				bk.Title = prefix + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Load10k measures loading 10,000 rows into managed entities (identity map and
// snapshots included) against a database/sql scan into structs.
func Load10k(b *testing.B, env *Env) {
	ctx := context.Background()
	env.truncate(b)
	env.Fill(b)
	b.Run("impl="+env.Base.Name(), func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			out, err := env.Base.Load(ctx)
			if err != nil || len(out) != Rows {
				b.Fatal(err, len(out))
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			m := env.ORM.EM().Fork()
			out, err := em.FindAll[BenchBook](ctx, m)
			if err != nil || len(out) != Rows {
				b.Fatal(err, len(out))
			}
		}
	})
}

// InTx runs fn in a database/sql transaction.
func InTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Tenth is the number of rows UpdateTenth changes: one in ten.
const Tenth = Rows / 10

// UpdateTenth measures a flush over 10,000 managed books of which 1,000
// have a new title: gomikro finds the changed ones itself (change
// detection over all 10,000 included), the baseline is handed them.
func UpdateTenth(b *testing.B, env *Env) {
	ctx := context.Background()
	env.truncate(b)
	env.Fill(b)
	calls := 0
	b.Run("impl="+env.Base.Name(), func(b *testing.B) {
		all, err := env.Base.IDs(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]int64, 0, Tenth)
		for i := 0; i < len(all); i += 10 {
			ids = append(ids, all[i])
		}
		b.ReportAllocs()
		defer CPU(b)()
		b.ResetTimer()
		for n := range b.N {
			titles := make([]string, len(ids))
			for i := range titles {
				titles[i] = "T" + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if err := env.Base.Update(ctx, ids, titles); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		m := env.ORM.EM().Fork()
		books, err := em.FindAll[BenchBook](ctx, m)
		if err != nil || len(books) != Rows {
			b.Fatal(err, len(books))
		}
		calls++
		prefix := "G" + strconv.Itoa(calls) + "-"
		b.ReportAllocs()
		defer CPU(b)()
		b.ResetTimer()
		for n := range b.N {
			for i := 0; i < len(books); i += 10 {
				books[i].Title = prefix + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			}
			if err := m.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FlushUnchanged10k measures a flush over 10,000 managed books none of
// which changed: nothing is sent. Besides ns/op and allocs/op (per
// flush) it reports ns/entity.
func FlushUnchanged10k(b *testing.B, env *Env) {
	ctx := context.Background()
	env.truncate(b)
	env.Fill(b)
	m := env.ORM.EM().Fork()
	books, err := em.FindAll[BenchBook](ctx, m)
	if err != nil || len(books) != Rows {
		b.Fatal(err, len(books))
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer CPU(b)()
	for range b.N {
		if err := m.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/Rows, "ns/entity")
}

// OneInserter is a baseline that can insert one row on its own (no
// transaction) and return its key.
type OneInserter interface {
	InsertOne(ctx context.Context, bk Raw) (int64, error)
}

// InsertOne measures a flush of one new book in a fresh unit of work
// against the baseline's single autocommit INSERT.
func InsertOne(b *testing.B, env *Env) {
	ctx := context.Background()
	one, ok := env.Base.(OneInserter)
	if !ok {
		b.Skip("baseline cannot insert one row")
	}
	env.truncate(b)
	b.Run("impl="+env.Base.Name(), func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			id, err := one.InsertOne(ctx, Raw{Title: "One", Year: 2020, Price: 1.5, AuthorID: env.Author})
			if err != nil || id == 0 {
				b.Fatal(err, id)
			}
		}
	})
	b.Run("impl=gomikro", func(b *testing.B) {
		b.ReportAllocs()
		defer CPU(b)()
		for range b.N {
			m := env.ORM.EM().Fork()
			a, err := em.GetReference[BenchAuthor](m, env.Author)
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
			if bk.ID == 0 {
				b.Fatal("no id")
			}
		}
	})
}

// CPU reports the client's CPU time per operation (cpu-ns/op: user and
// system time of the whole process, garbage collection included) from
// the moment it is called to the end of the benchmark function. Unlike
// ns/op it leaves out the time spent waiting for the server, so on a
// loaded machine it compares implementations more steadily. Call it
// after the setup: defer sqlbench.CPU(b)().
func CPU(b *testing.B) func() {
	start := cpuNanos()
	return func() {
		if start > 0 && b.N > 0 {
			b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
