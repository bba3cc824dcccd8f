package sqlem

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/gomikro/gomikro/internal/qlog"
)

// queryLogger logs statements in the query log; a nil *queryLogger logs
// nothing, and its wrapper only counts statements (see note).
type queryLogger struct{ *qlog.Logger }

func newQueryLogger(l *slog.Logger, mask bool, slow time.Duration) *queryLogger {
	q := qlog.New(l, mask)
	if q == nil {
		return nil
	}
	q.Slow = slow
	return &queryLogger{q}
}

// wrap returns x, logging through q when q is set.
func (q *queryLogger) wrap(x Executor) Executor {
	if q == nil {
		cx := &countedExec{x: x}
		if p, ok := x.(Pipeliner); ok {
			return &countedPipeline{countedExec: cx, p: p}
		}
		return cx
	}
	lx := &loggedExec{x: x, q: q}
	if p, ok := x.(Pipeliner); ok {
		return &loggedPipeline{loggedExec: lx, p: p}
	}
	return lx
}

func (q *queryLogger) log(ctx context.Context, sql string, args []any, start time.Time, rows int64, err error) {
	note(ctx, sql)
	attrs := make([]slog.Attr, 1, 5)
	attrs[0] = slog.String("sql", sql)
	if len(args) > 0 {
		if q.Mask {
			attrs = append(attrs, slog.Int("params", len(args)))
		} else {
			attrs = append(attrs, slog.Any("args", args))
		}
	}
	q.LogParams(ctx, start, rows, err, args, attrs...)
}

type loggedExec struct {
	x Executor
	q *queryLogger
}

func (l *loggedExec) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	start := time.Now()
	r, err := l.x.Query(ctx, sql, args...)
	if err != nil {
		l.q.log(ctx, sql, args, start, -1, err)
		return nil, err
	}
	return &loggedRows{Rows: r, l: l.q, ctx: ctx, sql: sql, args: args, start: start}, nil
}

func (l *loggedExec) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	start := time.Now()
	n, err := l.x.Exec(ctx, sql, args...)
	l.q.log(ctx, sql, args, start, n, err)
	return n, err
}

// ExecID implements IDExecutor when the wrapped executor does.
func (l *loggedExec) ExecID(ctx context.Context, sql string, args ...any) (int64, int64, error) {
	ix, ok := l.x.(IDExecutor)
	if !ok {
		return 0, 0, errNoInsertID
	}
	start := time.Now()
	id, n, err := ix.ExecID(ctx, sql, args...)
	l.q.log(ctx, sql, args, start, n, err)
	return id, n, err
}

type loggedPipeline struct {
	*loggedExec
	p Pipeliner
}

// Pipeline logs each statement that ran: those before a failed one as
// they went, the failed one with its error; the statements after it never
// ran and are not logged.
func (l *loggedPipeline) Pipeline(ctx context.Context, stmts []*Stmt) error {
	start := time.Now()
	err := l.p.Pipeline(ctx, stmts)
	failed := -1
	var se *StmtError
	if err != nil {
		failed = len(stmts) - 1 // unknown: charge the last
		if errors.As(err, &se) {
			if i := slices.Index(stmts, se.Stmt); i >= 0 {
				failed = i
			}
		}
	}
	for i, st := range stmts {
		switch {
		case failed < 0 || i < failed:
			l.q.log(ctx, st.SQL, st.Args, start, st.Affected, nil)
		case i == failed:
			l.q.log(ctx, st.SQL, st.Args, start, -1, err)
		}
	}
	return err
}

// loggedRows logs its statement with the row count when closed.
type loggedRows struct {
	Rows
	l      *queryLogger
	ctx    context.Context
	sql    string
	args   []any
	start  time.Time
	n      int64
	logged bool
}

func (r *loggedRows) Next() bool {
	ok := r.Rows.Next()
	if ok {
		r.n++
	}
	return ok
}

func (r *loggedRows) Close() error {
	err := r.Rows.Close()
	if !r.logged {
		r.logged = true
		if err == nil {
			err = r.Rows.Err()
		}
		r.l.log(r.ctx, r.sql, r.args, r.start, r.n, err)
	}
	return err
}

// Columns implements ColumnNamer when the wrapped rows do.
func (r *loggedRows) Columns() ([]string, error) {
	if c, ok := r.Rows.(ColumnNamer); ok {
		return c.Columns()
	}
	return nil, errNoColumns
}

// note counts a statement in the EntityManager statistics its context
// carries, if any.
func note(ctx context.Context, sql string) {
	if st := qlog.StatsOf(ctx); st != nil {
		st.Note(sql)
	}
}

// countedExec counts statements (note) without logging them.
type countedExec struct{ x Executor }

func (c *countedExec) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	note(ctx, sql)
	return c.x.Query(ctx, sql, args...)
}

func (c *countedExec) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	note(ctx, sql)
	return c.x.Exec(ctx, sql, args...)
}

// ExecID implements IDExecutor when the wrapped executor does.
func (c *countedExec) ExecID(ctx context.Context, sql string, args ...any) (int64, int64, error) {
	ix, ok := c.x.(IDExecutor)
	if !ok {
		return 0, 0, errNoInsertID
	}
	note(ctx, sql)
	return ix.ExecID(ctx, sql, args...)
}

type countedPipeline struct {
	*countedExec
	p Pipeliner
}

// Pipeline counts the statements that ran, as loggedPipeline logs them.
func (c *countedPipeline) Pipeline(ctx context.Context, stmts []*Stmt) error {
	err := c.p.Pipeline(ctx, stmts)
	ran := len(stmts)
	var se *StmtError
	if err != nil && errors.As(err, &se) {
		if i := slices.Index(stmts, se.Stmt); i >= 0 {
			ran = i + 1
		}
	}
	for _, st := range stmts[:ran] {
		note(ctx, st.SQL)
	}
	return err
}

// prepare implements preparer when the wrapped executor does; each run
// of the statement is logged.
func (l *loggedExec) prepare(ctx context.Context, sql string) (prepared, error) {
	return prepareWrapped(ctx, l.x, sql, func(s prepared) prepared { return &loggedStmt{s: s, l: l, sql: sql} })
}

// prepareWrapped prepares sql on x when x can prepare, and wraps the
// statement.
func prepareWrapped(ctx context.Context, x any, sql string, wrap func(prepared) prepared) (prepared, error) {
	p, ok := x.(preparer)
	if !ok {
		return nil, errNoPrepare
	}
	s, err := p.prepare(ctx, sql)
	if err != nil {
		return nil, err
	}
	return wrap(s), nil
}

type loggedStmt struct {
	s   prepared
	l   *loggedExec
	sql string
}

func (s *loggedStmt) ExecID(ctx context.Context, args ...any) (int64, int64, error) {
	start := time.Now()
	id, n, err := s.s.ExecID(ctx, args...)
	s.l.q.log(ctx, s.sql, args, start, n, err)
	return id, n, err
}

func (s *loggedStmt) Close() error { return s.s.Close() }

// prepare implements preparer when the wrapped executor does; each run
// of the statement is counted.
func (c *countedExec) prepare(ctx context.Context, sql string) (prepared, error) {
	return prepareWrapped(ctx, c.x, sql, func(s prepared) prepared { return &countedStmt{s: s, sql: sql} })
}

type countedStmt struct {
	s   prepared
	sql string
}

func (s *countedStmt) ExecID(ctx context.Context, args ...any) (int64, int64, error) {
	note(ctx, s.sql)
	return s.s.ExecID(ctx, args...)
}

func (s *countedStmt) Close() error { return s.s.Close() }
