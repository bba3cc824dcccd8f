package benchmarks

import (
	"context"
	"database/sql"
	"strings"

	_ "github.com/go-sql-driver/mysql" // the "mysql" database/sql driver
)

// sqlImpl is hand-written database/sql on MariaDB or SQLite: multi-row
// INSERT statements of up to 1,000 rows (keys from LAST_INSERT_ID on
// MariaDB, RETURNING id on SQLite), one UPDATE joined to the new values
// per 1,000 rows, DELETE ... IN, a scan into structs; all in one
// transaction.
type sqlImpl struct {
	db        *sql.DB
	returning bool // SQLite: RETURNING id; MariaDB: LAST_INSERT_ID
	sqlite    bool
}

const chunk = 1000

func openSQLDB(driver, dsn string, maxConns int) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if maxConns > 0 {
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}
	return db, nil
}

func openSQLMySQL(_ context.Context, cfg Config) (Impl, error) {
	db, err := openSQLDB("mysql", cfg.DSN, cfg.MaxConns)
	return &sqlImpl{db: db}, err
}

func openSQLSQLite(_ context.Context, cfg Config) (Impl, error) {
	db, err := openSQLDB("sqlite", sqliteConn(cfg.DSN), cfg.MaxConns)
	return &sqlImpl{db: db, returning: true, sqlite: true}, err
}

func (s *sqlImpl) Name() string { return "sql" }
func (s *sqlImpl) Close() error { return s.db.Close() }

func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
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

// insertRows inserts rows of cols values each, 1,000 rows a statement,
// and returns their keys.
func (s *sqlImpl) insertRows(ctx context.Context, tx *sql.Tx, table, cols string, ncol, n int, vals func(i int, args []any) []any) ([]int64, error) {
	ids := make([]int64, 0, n)
	row := "(" + strings.Repeat("?, ", ncol-1) + "?)"
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		var sb strings.Builder
		sb.Grow(32 + (end-start)*(len(row)+2))
		sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, ncol*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteString(row)
			args = vals(i, args)
		}
		if s.returning {
			sb.WriteString(" RETURNING id")
			rows, err := tx.QueryContext(ctx, sb.String(), args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, err
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
			continue
		}
		res, err := tx.ExecContext(ctx, sb.String(), args...)
		if err != nil {
			return nil, err
		}
		// One multi-row INSERT takes consecutive keys (InnoDB's
		// auto-increment lock modes 0-2 all give a simple INSERT a run).
		first, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		for i := range end - start {
			ids = append(ids, first+int64(i))
		}
	}
	return ids, nil
}

func (s *sqlImpl) Insert(ctx context.Context, g *Graph) error {
	return inTx(ctx, s.db, func(tx *sql.Tx) error { return s.insertTx(ctx, tx, g) })
}

func (s *sqlImpl) insertTx(ctx context.Context, tx *sql.Tx, g *Graph) error {
	var err error
	g.AuthorIDs, g.BookIDs = nil, nil
	if len(g.Authors) > 0 {
		g.AuthorIDs, err = s.insertRows(ctx, tx, "author", "name", 1, len(g.Authors), func(i int, a []any) []any {
			return append(a, g.Authors[i])
		})
		if err != nil {
			return err
		}
	}
	g.BookIDs, err = s.insertRows(ctx, tx, "book", "title, year, price, author_id", 4, len(g.Books), func(i int, a []any) []any {
		b := &g.Books[i]
		author := b.AuthorID
		if b.Author >= 0 {
			author = g.AuthorIDs[b.Author]
		}
		return append(a, b.Title, b.Year, b.Price, author)
	})
	return err
}

func (s *sqlImpl) InsertOne(ctx context.Context, b BookRow) (int64, error) {
	const q = `INSERT INTO book (title, year, price, author_id) VALUES (?, ?, ?, ?)`
	if s.returning {
		var id int64
		err := s.db.QueryRowContext(ctx, q+" RETURNING id", b.Title, b.Year, b.Price, b.AuthorID).Scan(&id)
		return id, err
	}
	res, err := s.db.ExecContext(ctx, q, b.Title, b.Year, b.Price, b.AuthorID)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *sqlImpl) Load(ctx context.Context) (Set, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, year, price, author_id FROM book`)
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
	return &sqlSet{s: s, books: out}, rows.Err()
}

type sqlSet struct {
	s     *sqlImpl
	books []*pgBook
}

func (s *sqlSet) Len() int             { return len(s.books) }
func (s *sqlSet) ID(i int) int64       { return s.books[i].ID }
func (s *sqlSet) Title(i int) string   { return s.books[i].Title }
func (s *sqlSet) AuthorID(i int) int64 { return s.books[i].AuthorID }

func (s *sqlSet) update(ctx context.Context, tx *sql.Tx, idx []int, titles []string) error {
	for start := 0; start < len(idx); start += chunk {
		end := min(start+chunk, len(idx))
		var sb strings.Builder
		args := make([]any, 0, 2*(end-start))
		if s.s.sqlite {
			sb.WriteString("UPDATE book AS t SET title = v.column2 FROM (VALUES ")
		} else {
			sb.WriteString("UPDATE book AS t JOIN (")
		}
		for j := start; j < end; j++ {
			b := s.books[idx[j]]
			b.Title = titles[j]
			switch {
			case s.s.sqlite && j > start:
				sb.WriteString(", (?, ?)")
			case s.s.sqlite:
				sb.WriteString("(?, ?)")
			case j > start:
				sb.WriteString(" UNION ALL SELECT ?, ?")
			default:
				sb.WriteString("SELECT ? AS id, ? AS title")
			}
			args = append(args, b.ID, b.Title)
		}
		if s.s.sqlite {
			sb.WriteString(") AS v WHERE t.id = v.column1")
		} else {
			sb.WriteString(") AS v ON t.id = v.id SET t.title = v.title")
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlSet) Update(ctx context.Context, idx []int, titles []string) error {
	return inTx(ctx, s.s.db, func(tx *sql.Tx) error { return s.update(ctx, tx, idx, titles) })
}

func (s *sqlSet) Mixed(ctx context.Context, mx *Mixed) error {
	return inTx(ctx, s.s.db, func(tx *sql.Tx) error {
		if err := s.s.insertTx(ctx, tx, &mx.New); err != nil {
			return err
		}
		if err := s.update(ctx, tx, mx.UpdateIdx, mx.Titles); err != nil {
			return err
		}
		for start := 0; start < len(mx.DeleteIdx); start += chunk {
			end := min(start+chunk, len(mx.DeleteIdx))
			args := make([]any, 0, end-start)
			for _, i := range mx.DeleteIdx[start:end] {
				args = append(args, s.books[i].ID)
			}
			q := "DELETE FROM book WHERE id IN (" + strings.Repeat("?, ", len(args)-1) + "?)"
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}
