package mysql_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	gosql "github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/sqlbench"
)

func TestZZShapes(t *testing.T) {
	env := setupBenchT(t)
	db := env.Base.(baseline).DB.DB
	ctx := context.Background()
	ids, _ := env.Base.IDs(ctx)
	shape := func(name string, chunk int, render func(ids []int64, titles []string) (string, []any)) {
		var best time.Duration = 1 << 62
		var total time.Duration
		for rep := 0; rep < 5; rep++ {
			titles := make([]string, len(ids))
			for i := range titles {
				titles[i] = name + strconv.Itoa(rep) + "-" + strconv.Itoa(i)
			}
			start := time.Now()
			err := sqlbench.InTx(ctx, db, func(tx *sql.Tx) error {
				for s := 0; s < len(ids); s += chunk {
					e := min(s+chunk, len(ids))
					q, args := render(ids[s:e], titles[s:e])
					if _, err := tx.ExecContext(ctx, q, args...); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(name, err)
			}
			d := time.Since(start)
			total += d
			best = min(best, d)
		}
		t.Logf("%-20s chunk %5d best %v avg %v", name, chunk, best, total/5)
	}
	union := func(ids []int64, titles []string) (string, []any) {
		var sb strings.Builder
		args := make([]any, 0, 2*len(ids))
		sb.WriteString("UPDATE bench_book AS t JOIN (")
		for i, id := range ids {
			if i == 0 {
				sb.WriteString("SELECT ? AS c0, ? AS c1")
			} else {
				sb.WriteString(" UNION ALL SELECT ?, ?")
			}
			args = append(args, id, titles[i])
		}
		sb.WriteString(") AS v ON t.id = v.c0 SET t.title = v.c1")
		return sb.String(), args
	}
	values := func(ids []int64, titles []string) (string, []any) {
		var sb strings.Builder
		args := make([]any, 0, 2*len(ids))
		sb.WriteString("WITH v (c0, c1) AS (VALUES ")
		for i, id := range ids {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, id, titles[i])
		}
		sb.WriteString(") UPDATE bench_book AS t JOIN v ON t.id = v.c0 SET t.title = v.c1")
		return sb.String(), args
	}
	values2 := func(ids []int64, titles []string) (string, []any) {
		var sb strings.Builder
		args := make([]any, 0, 2*len(ids))
		sb.WriteString("UPDATE bench_book AS t JOIN (WITH v (c0, c1) AS (VALUES ")
		for i, id := range ids {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, id, titles[i])
		}
		sb.WriteString(") SELECT * FROM v) AS v ON t.id = v.c0 SET t.title = v.c1")
		return sb.String(), args
	}
	_ = values
	for round := 0; round < 3; round++ {
		shape("union", 10000, union)
		shape("values2", 10000, values2)
		shape("union", 1000, union)
		shape("values2", 1000, values2)
	}
}

func setupBenchT(t *testing.T) *sqlbench.Env {
	orm := openFresh(t, gomikro.Config{Entities: sqlbench.Entities()})
	cfg, err := gosql.ParseDSN(orm.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.InterpolateParams = true
	conn, err := gosql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })
	res, err := db.Exec(`INSERT INTO bench_author (name) VALUES ('A')`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	env := &sqlbench.Env{ORM: orm, Base: baseline{sqlbench.DB{DB: db}}, Author: id}
	books := make([]sqlbench.Raw, sqlbench.Rows)
	for i := range books {
		books[i] = sqlbench.Raw{Title: "B", AuthorID: id}
	}
	if err := env.Base.Insert(context.Background(), books); err != nil {
		t.Fatal(err)
	}
	return env
}
