package sqlem

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

var (
	_ em.Upserter = (*session)(nil)
	_ em.Upserter = (*driver)(nil)
)

// upsertSavepoint keeps a failed upsert inside a transaction from
// leaving half its rows there.
const upsertSavepoint = "gomikro_upsert"

// Upsert implements em.Upserter on the pool.
func (drv *driver) Upsert(ctx context.Context, batches []*em.UpsertBatch, reads []*em.Query, sink em.Sink) error {
	return drv.root().Upsert(ctx, batches, reads, sink)
}

// Upsert implements em.Upserter: INSERT ... ON CONFLICT (PostgreSQL,
// SQLite) or ON DUPLICATE KEY UPDATE (MySQL, MariaDB) per batch, split at
// the dialect's parameter limit, in a transaction (a savepoint inside the
// caller's) when there is more than one statement; then the rows are
// selected back by their conflict key, after the commit.
func (s *session) Upsert(ctx context.Context, batches []*em.UpsertBatch, reads []*em.Query, sink em.Sink) error {
	up, ok := s.drv.d.(Upserter)
	if !ok {
		return fmt.Errorf("gomikro: upsert %s: the dialect has no upsert statement", batches[0].Entity.Name)
	}
	var stmts []*Stmt
	for _, b := range batches {
		if tptLevels(b.Entity) != nil {
			return fmt.Errorf("gomikro: upsert %s: %w", b.Entity.Name, errTPTUnsupported)
		}
		st, err := s.drv.upsertSQL(up, b)
		if err != nil {
			return err
		}
		stmts = append(stmts, st...)
	}
	if len(stmts) == 1 && s.returnsUpserts(batches) {
		// One statement that returns every row it wrote: no read back.
		st, e := stmts[0], batches[0].Entity
		st.SQL += " RETURNING " + columnList(s.drv.d, e)
		st.Scan = func(rows Rows) error {
			sc := newScanner(e, e.Columns, sink, nil)
			n := 0
			for rows.Next() {
				if err := sc.row(rows); err != nil {
					return err
				}
				n++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n != len(batches[0].Rows) {
				return fmt.Errorf("%d rows returned for %d upserted", n, len(batches[0].Rows))
			}
			return nil
		}
		return s.upsertWrite(ctx, stmts)
	}
	if err := s.upsertWrite(ctx, stmts); err != nil {
		return err
	}
	for _, q := range reads {
		if err := s.Find(ctx, q, sink); err != nil {
			return fmt.Errorf("gomikro: upsert %s: read back: %w", q.Entity.Name, err)
		}
	}
	return nil
}

// upsertWrite runs the statements of an upsert atomically.
func (s *session) upsertWrite(ctx context.Context, stmts []*Stmt) error {
	run := func(x Executor) error {
		for _, st := range stmts {
			if st.Scan != nil {
				rows, err := x.Query(ctx, st.SQL, st.Args...)
				if err != nil {
					return s.drv.wrapErr(err, st.owner, "upsert")
				}
				err = st.Scan(rows)
				if cerr := rows.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return s.drv.wrapErr(err, st.owner, "upsert")
				}
				continue
			}
			if _, err := x.Exec(ctx, st.SQL, st.Args...); err != nil {
				return s.drv.wrapErr(err, st.owner, "upsert")
			}
		}
		return nil
	}
	switch {
	case s.depth > 0:
		if _, err := s.x.Exec(ctx, "SAVEPOINT "+upsertSavepoint); err != nil {
			return s.drv.txErr("savepoint", err)
		}
		if err := run(s.x); err != nil {
			s.drv.abort(ctx, s.x, "ROLLBACK TO SAVEPOINT "+upsertSavepoint)
			return err
		}
		if _, err := s.x.Exec(ctx, "RELEASE SAVEPOINT "+upsertSavepoint); err != nil {
			return s.drv.txErr("release savepoint", err)
		}
		return nil
	case len(stmts) == 1:
		// One statement is atomic on its own.
		return run(s.x)
	}
	c, err := s.drv.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	x := s.drv.log.wrap(c)
	if _, err := x.Exec(ctx, beginSQL(s.drv.d)); err != nil {
		return s.drv.txErr("begin", err)
	}
	if err := run(x); err != nil {
		s.drv.abort(ctx, x, "ROLLBACK")
		return err
	}
	return s.drv.commit(ctx, x, &txState{})
}

// UpsertReturner is implemented by dialects whose upsert takes a
// RETURNING clause that returns every row it inserted or updated
// (PostgreSQL, SQLite 3.35+: INSERT ... ON CONFLICT DO UPDATE ...
// RETURNING).
type UpsertReturner interface {
	UpsertReturning() bool
}

// returnsUpserts reports whether the upsert of batches can return its
// rows: the dialect can, and every conflict updates the row (DO NOTHING
// returns nothing for a row kept).
func (s *session) returnsUpserts(batches []*em.UpsertBatch) bool {
	r, ok := s.drv.d.(UpsertReturner)
	if !ok || !r.UpsertReturning() {
		return false
	}
	for _, b := range batches {
		if len(b.Update) == 0 {
			return false
		}
	}
	return true
}

// columnList renders the columns of e, in e.Columns order.
func columnList(d Dialect, e *meta.Entity) string {
	cols := make([]string, len(e.Columns))
	for i, f := range e.Columns {
		cols[i] = d.QuoteIdent(f.Column)
	}
	return strings.Join(cols, ", ")
}

// upsertSQL renders the statements of one batch.
func (drv *driver) upsertSQL(up Upserter, b *em.UpsertBatch) ([]*Stmt, error) {
	d := drv.d
	e := b.Entity
	vals := values{d: d}
	conflict := make([]string, len(b.Conflict))
	for i, f := range b.Conflict {
		conflict[i] = d.QuoteIdent(f.Column)
	}
	update := make([]string, len(b.Update))
	for i, f := range b.Update {
		update[i] = d.QuoteIdent(f.Column)
	}
	per := min(insertChunk, max(1, d.MaxParams()/max1(len(b.Columns))))
	var out []*Stmt
	for rows := range slices.Chunk(b.Rows, per) {
		bl := newBuilder(d)
		bl.w("INSERT INTO ", bl.q(e.Table), " (")
		for i, f := range b.Columns {
			if i > 0 {
				bl.w(", ")
			}
			bl.w(bl.q(f.Column))
		}
		bl.w(") VALUES ")
		for i, p := range rows {
			if i > 0 {
				bl.w(", ")
			}
			bl.w("(")
			for j, f := range b.Columns {
				if j > 0 {
					bl.w(", ")
				}
				v, err := vals.value(f, p)
				if err != nil {
					return nil, err
				}
				bl.w(bl.param(v))
			}
			bl.w(")")
		}
		sql, err := up.Upsert(bl.String(), conflict, update)
		if err != nil {
			return nil, fmt.Errorf("gomikro: upsert %s: %w", e.Name, err)
		}
		if v := e.Version; v != nil && len(update) > 0 {
			// The update list ends the statement of every dialect: the
			// version of an updated row goes up by one.
			sql += ", " + bl.q(v.Column) + " = " + bl.q(e.Table) + "." + bl.q(v.Column) + " + 1"
		}
		out = append(out, &Stmt{SQL: sql, Args: bl.args, owner: e, op: "upsert"})
	}
	return out, nil
}
