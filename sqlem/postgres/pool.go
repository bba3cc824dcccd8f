package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gomikro/gomikro/sqlem"
)

// querier is what pgxpool.Pool and pgxpool.Conn share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

type exec struct{ q querier }

func (x exec) Query(ctx context.Context, sql string, args ...any) (sqlem.Rows, error) {
	r, err := x.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

func (x exec) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := x.q.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

type rows struct{ pgx.Rows }

func (r rows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

// pool adapts *pgxpool.Pool to sqlem.Pool.
type pool struct {
	exec
	p *pgxpool.Pool
}

func (p *pool) Conn(ctx context.Context) (sqlem.Conn, error) {
	c, err := p.p.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{exec: exec{c}, c: c}, nil
}

func (p *pool) Ping(ctx context.Context) error { return p.p.Ping(ctx) }

func (p *pool) Close() error {
	p.p.Close()
	return nil
}

// conn is a dedicated connection; it pipelines statements with pgx.Batch.
type conn struct {
	exec
	c *pgxpool.Conn
}

func (c *conn) Release() { c.c.Release() }

// Pipeline implements sqlem.Pipeliner: every statement goes in one batch
// (one round trip once the statements are prepared).
func (c *conn) Pipeline(ctx context.Context, stmts []*sqlem.Stmt) error {
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.SQL, st.Args...)
	}
	br := c.c.SendBatch(ctx, b)
	for _, st := range stmts {
		if st.Scan != nil {
			r, err := br.Query()
			if err != nil {
				_ = br.Close()
				return &sqlem.StmtError{Stmt: st, Err: err}
			}
			err = st.Scan(rows{r})
			r.Close()
			if err == nil {
				err = r.Err()
			}
			if err != nil {
				_ = br.Close()
				return &sqlem.StmtError{Stmt: st, Err: err}
			}
			st.Affected = r.CommandTag().RowsAffected()
			continue
		}
		tag, err := br.Exec()
		if err != nil {
			_ = br.Close()
			return &sqlem.StmtError{Stmt: st, Err: err}
		}
		st.Affected = tag.RowsAffected()
	}
	if err := br.Close(); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return &sqlem.StmtError{Stmt: stmts[len(stmts)-1], Err: err}
		}
		return err
	}
	return nil
}

// Columns implements sqlem.ColumnNamer.
func (r rows) Columns() ([]string, error) {
	fds := r.FieldDescriptions()
	out := make([]string, len(fds))
	for i, fd := range fds {
		out[i] = fd.Name
	}
	return out, nil
}
