package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/sqlbench"
)

// baseline is hand-written database/sql on the same driver: multi-row
// INSERT ... RETURNING id and UPDATE ... FROM (VALUES ...), in a
// transaction.
type baseline struct{ sqlbench.DB }

func (bl baseline) Insert(ctx context.Context, books []sqlbench.Raw) error {
	return sqlbench.InTx(ctx, bl.DB.DB, func(tx *sql.Tx) error {
		for start := 0; start < len(books); start += 1000 {
			chunk := books[start:min(start+1000, len(books))]
			args := make([]any, 0, 4*len(chunk))
			var sb strings.Builder
			sb.WriteString("INSERT INTO bench_book (title, year, price, author_id) VALUES ")
			for i, bk := range chunk {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?)")
				args = append(args, bk.Title, bk.Year, bk.Price, bk.AuthorID)
			}
			sb.WriteString(" RETURNING id")
			rows, err := tx.QueryContext(ctx, sb.String(), args...)
			if err != nil {
				return err
			}
			i := 0
			for rows.Next() {
				if err := rows.Scan(&chunk[i].ID); err != nil {
					return err
				}
				i++
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
}

func (bl baseline) Update(ctx context.Context, ids []int64, titles []string) error {
	return sqlbench.InTx(ctx, bl.DB.DB, func(tx *sql.Tx) error {
		var sb strings.Builder
		args := make([]any, 0, 2*len(ids))
		sb.WriteString("UPDATE bench_book AS t SET title = v.column2 FROM (VALUES ")
		for i, id := range ids {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, id, titles[i])
		}
		sb.WriteString(") AS v WHERE t.id = v.column1")
		_, err := tx.ExecContext(ctx, sb.String(), args...)
		return err
	})
}

func setupBench(b *testing.B) *sqlbench.Env {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	orm := openFresh(b, gomikro.Config{DSN: path, Entities: sqlbench.Entities()})
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	res, err := db.Exec(`INSERT INTO bench_author (name) VALUES ('A')`)
	if err != nil {
		b.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return &sqlbench.Env{ORM: orm, Base: baseline{sqlbench.DB{DB: db}}, Author: id}
}

// BenchmarkInsert10k: a flush of 10,000 new books with an m:1 author.
func BenchmarkInsert10k(b *testing.B) { sqlbench.Insert10k(b, setupBench(b)) }

// BenchmarkUpdate10k: a flush of 10,000 one-column updates.
func BenchmarkUpdate10k(b *testing.B) { sqlbench.Update10k(b, setupBench(b)) }

// BenchmarkLoad10k: loading 10,000 rows into managed entities.
func BenchmarkLoad10k(b *testing.B) { sqlbench.Load10k(b, setupBench(b)) }

// BenchmarkUpdateTenth: a flush over 10,000 managed books of which 1,000
// changed (gomikro finds them), against the baseline handed the 1,000.
func BenchmarkUpdateTenth(b *testing.B) { sqlbench.UpdateTenth(b, setupBench(b)) }

// BenchmarkFlushUnchanged10k: a flush over 10,000 managed, unchanged
// books; reports ns/entity.
func BenchmarkFlushUnchanged10k(b *testing.B) { sqlbench.FlushUnchanged10k(b, setupBench(b)) }

// BenchmarkInsertOne: a flush of one new book in a fresh unit of work
// against one autocommit INSERT.
func BenchmarkInsertOne(b *testing.B) { sqlbench.InsertOne(b, setupBench(b)) }

// InsertOne implements sqlbench.OneInserter: one autocommit INSERT, the
// key from LastInsertId.
func (bl baseline) InsertOne(ctx context.Context, bk sqlbench.Raw) (int64, error) {
	res, err := bl.ExecContext(ctx, "INSERT INTO bench_book (title, year, price, author_id) VALUES (?, ?, ?, ?)", bk.Title, bk.Year, bk.Price, bk.AuthorID)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
