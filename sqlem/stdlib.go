package sqlem

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"runtime"
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// DBPool adapts a database/sql pool to Pool, for dialects whose driver is
// a database/sql driver (MySQL, SQLite).
func DBPool(db *sql.DB) Pool { return dbPool{db} }

type dbPool struct{ db *sql.DB }

func (p dbPool) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return p.db.QueryContext(ctx, q, args...)
}

func (p dbPool) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return affected(p.db.ExecContext(ctx, q, args...))
}

func (p dbPool) ExecID(ctx context.Context, q string, args ...any) (int64, int64, error) {
	return lastID(p.db.ExecContext(ctx, q, args...))
}

func (p dbPool) Conn(ctx context.Context) (Conn, error) {
	c, err := p.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return dbConn{c}, nil
}

func (p dbPool) Ping(ctx context.Context) error { return p.db.PingContext(ctx) }

func (p dbPool) Close() error { return p.db.Close() }

// DB returns the underlying *sql.DB of a pool made by DBPool (or of a
// pool that wraps one and returns it from an Unwrap() Pool method), or
// nil.
func DB(p Pool) *sql.DB {
	switch d := p.(type) {
	case dbPool:
		return d.db
	case interface{ Unwrap() Pool }:
		return DB(d.Unwrap())
	}
	return nil
}

type dbConn struct{ c *sql.Conn }

func (c dbConn) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	return c.c.QueryContext(ctx, q, args...)
}

func (c dbConn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return affected(c.c.ExecContext(ctx, q, args...))
}

func (c dbConn) ExecID(ctx context.Context, q string, args ...any) (int64, int64, error) {
	return lastID(c.c.ExecContext(ctx, q, args...))
}

func (c dbConn) Release() { _ = c.c.Close() }

func affected(r sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	n, err := result(r.RowsAffected)
	if err == errNoResult {
		return 0, err
	}
	if err != nil {
		return 0, nil // some statements (BEGIN, DDL) report none
	}
	return n, nil
}

func lastID(r sql.Result, execErr error) (id, n int64, err error) {
	if execErr != nil {
		return 0, 0, execErr
	}
	// One deferred recover for both calls (see result).
	defer noResult(&id, &n, &err)
	if id, err = r.LastInsertId(); err != nil {
		return 0, 0, err
	}
	if n, err = r.RowsAffected(); err != nil {
		return 0, 0, err
	}
	return id, n, nil
}

// errNoResult is the error of a statement the driver ran without a
// result: modernc.org/sqlite returns none for text without a statement
// (";", a comment), and database/sql then fails with a nil dereference.
var errNoResult = errors.New("gomikro: the statement has no result (is it empty, or only a comment?)")

// result calls a sql.Result method, turning the panic of a result the
// driver did not give (see errNoResult) into that error.
func result(get func() (int64, error)) (n int64, err error) {
	defer noResult(&n, nil, &err)
	return get()
}

// noResult, deferred by a function that calls sql.Result methods, turns
// the panic of a result the driver did not give (see errNoResult) into
// that error, with *n and *m (when not nil) zero.
func noResult(n, m *int64, err *error) {
	if p := recover(); p != nil {
		if re, ok := p.(runtime.Error); ok && strings.Contains(re.Error(), "nil pointer") {
			*n, *err = 0, errNoResult
			if m != nil {
				*m = 0
			}
			return
		}
		panic(p)
	}
}

func (c dbConn) prepare(ctx context.Context, q string) (prepared, error) {
	s, err := c.c.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return sqlStmt{s}, nil
}

type sqlStmt struct{ s *sql.Stmt }

func (s sqlStmt) ExecID(ctx context.Context, args ...any) (int64, int64, error) {
	return lastID(s.s.ExecContext(ctx, args...))
}

func (s sqlStmt) Close() error { return s.s.Close() }

// isStdRows reports whether rows are database/sql's.
func isStdRows(rows Rows) bool {
	_, ok := rows.(*sql.Rows)
	return ok
}

// scanAny makes the plain int64 and float64 columns scan into an any,
// for database/sql rows: database/sql assigns a driver value to *any
// directly, where it reaches *int64 and *float64 by reflection (about a
// tenth of a load's instructions on MySQL); row then stores the int64 or
// float64 the driver gave, and converts any other value as database/sql
// would.
func (sc *scanner) scanAny() {
	for i := range sc.cols {
		c := &sc.cols[i]
		var k reflect.Kind
		switch {
		case c.typ != nil && c.f.Storage == meta.StorePlain:
			k = c.f.GoType.Kind()
		case c.fk.IsValid():
			k = c.fk.Elem().Kind()
		}
		if (k == reflect.Int64 || k == reflect.Float64) && !c.scanner() {
			c.val, c.kind = new(any), k
			sc.dests[i] = c.val
			if !c.fk.IsValid() { // a reference column is in refs already
				sc.refs = append(sc.refs, i)
			}
		}
	}
	// The columns that scan into an any are stored after the scan (refs),
	// not given their field's address before it (direct).
	direct := sc.direct[:0]
	for _, d := range sc.direct {
		if sc.cols[d.i].val == nil {
			direct = append(direct, d)
		}
	}
	sc.direct = direct
}

// scanner reports whether the column's Go type scans itself
// (sql.Scanner), as database/sql lets it.
func (c *scanCol) scanner() bool {
	t := c.f.GoType
	if c.fk.IsValid() {
		t = c.fk.Type().Elem()
	}
	return reflect.PointerTo(t).Implements(scannerType)
}
