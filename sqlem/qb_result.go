package sqlem

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// sessionExecutor returns where the statements of a core EntityManager
// run: its transaction's connection, or the pool.
func sessionExecutor(core *em.EntityManager) (Executor, error) {
	switch s := core.Session().(type) {
	case *session:
		return s.x, nil
	case *driver:
		return s.root().x, nil
	}
	return nil, fmt.Errorf("gomikro: the EntityManager's session is not a SQL session")
}

// readExecutor is sessionExecutor for reads: outside a transaction, a
// read replica's pool when core reads from them (em.ReadSession).
func readExecutor(core *em.EntityManager) (Executor, error) {
	if s, ok := core.ReadSession().(*driver); ok {
		return s.root().x, nil
	}
	return sessionExecutor(core)
}

// ready checks that the builder has an EntityManager.
func (s *qbState) ready() error {
	if s.m == nil || s.m.EntityManager == nil || s.m.drv == nil {
		return &gomikro.ValidationError{Msg: "query builder without an EntityManager (build it with sqlem.QB or CreateQueryBuilder)"}
	}
	if s.limit < 0 || s.offset < 0 {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("query builder: Limit(%d) and Offset(%d) must not be negative", s.limit, s.offset)}
	}
	return checkLock(s.lock)
}

// checkLock refuses a lock mode that is none of the LockMode constants.
func checkLock(l LockMode) error {
	if l > LockForUpdateNoWait {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("unknown lock mode %d: use one of the sqlem.Lock... constants", l)}
	}
	return nil
}

// coreFor returns the EntityManager a statement of ctx runs on, after the
// guard of every operation (em.Resolve): the request's fork (and its
// transaction) when m is the global one.
func (s *qbState) coreFor(ctx context.Context, op string) (*em.EntityManager, error) {
	return em.Resolve(ctx, s.m, op)
}

// query renders mode and runs it on core.
func (s *qbState) query(ctx context.Context, core *em.EntityManager, mode selMode) (Rows, *selPlan, error) {
	if err := s.ready(); err != nil {
		return nil, nil, err
	}
	if s.op != opSelect {
		return nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("query builder: this is an %s; run it with Execute", s.op)}
	}
	if s.lock != LockNone && !core.InTransaction() {
		return nil, nil, lockOutsideTx("the query builder's select")
	}
	s, err := s.filtered(core)
	if err != nil {
		return nil, nil, err
	}
	b := newBuilder(s.m.drv.d)
	pl, err := s.selectSQL(b, nil, mode)
	if err != nil {
		return nil, nil, err
	}
	if err := core.AutoFlush(ctx, s.flushMode, pl.sc.touched()...); err != nil {
		return nil, nil, err
	}
	x, err := readExecutor(core)
	if err != nil {
		return nil, nil, err
	}
	rows, err := x.Query(core.CountingContext(ctx), b.String(), b.args...)
	if err != nil {
		return nil, nil, s.m.drv.wrapErr(err, pl.sc.rootE, "select")
	}
	return rows, pl, nil
}

// ToSQL renders the statement and its parameters (in the dialect's
// placeholder syntax), for logging or to run it by other means: the
// SELECT of GetResult (or of Scan, with a Select list), or the UPDATE,
// DELETE or INSERT.
func (qb *QueryBuilder[T]) ToSQL() (string, []any, error) {
	b, _, err := qb.render()
	if err != nil {
		return "", nil, err
	}
	return b.String(), b.args, nil
}

// Execute runs an UPDATE, DELETE or INSERT (in the EntityManager's
// transaction when it has one) and returns the number of rows it
// affected.
func (qb *QueryBuilder[T]) Execute(ctx context.Context) (int64, error) {
	if err := qb.ready(); err != nil {
		return 0, err
	}
	if qb.op == opSelect {
		return 0, &gomikro.ValidationError{Msg: "query builder: Execute runs Update, Delete and Insert; a select runs with GetResult, Scan, Scalar or Count"}
	}
	b, _, err := qb.render()
	if err != nil {
		return 0, err
	}
	core, err := qb.coreFor(ctx, "QueryBuilder.Execute")
	if err != nil {
		return 0, err
	}
	x, err := sessionExecutor(core)
	if err != nil {
		return 0, err
	}
	n, err := x.Exec(core.CountingContext(ctx), b.String(), b.args...)
	if err != nil {
		e, _ := qb.rootEntity()
		return 0, qb.m.drv.wrapErr(err, e, qb.op.String())
	}
	var wrote []*meta.Entity
	if e, _ := qb.rootEntity(); e != nil {
		wrote = append(wrote, e)
	}
	if err := em.Wrote(ctx, core, wrote...); err != nil {
		return n, err
	}
	return n, nil
}

// GetResult runs the query and returns its entities, managed by the
// EntityManager as with em.Find (rows already in the identity map yield
// the objects there), with the entities of JoinAndSelect loaded along.
// The global EntityManager is refused as by em.Find.
func (qb *QueryBuilder[T]) GetResult(ctx context.Context) ([]*T, error) {
	if err := qb.ready(); err != nil {
		return nil, err
	}
	if reflect.TypeFor[T]().Kind() == reflect.Interface {
		return nil, &gomikro.ValidationError{Msg: "GetResult needs the entity type: use sqlem.QB[T], or GetEntities on a CreateQueryBuilder"}
	}
	if qb.detached {
		return nil, &gomikro.ValidationError{Msg: "query builder: Detached applies to Iterate; GetResult returns managed entities"}
	}
	sink, _, err := em.RowSinkFor[T](ctx, qb.m, "QueryBuilder.GetResult", qb.refresh)
	if err != nil {
		return nil, err
	}
	objs, err := qb.fetch(ctx, sink)
	if err != nil || len(objs) == 0 {
		return []*T{}, err
	}
	return typedObjects[T](objs), nil
}

// GetEntities is GetResult for a builder of any entity type: each
// element is a pointer to the entity struct.
func (qb *QueryBuilder[T]) GetEntities(ctx context.Context) ([]any, error) {
	if err := qb.ready(); err != nil {
		return nil, err
	}
	e, err := qb.rootEntity()
	if err != nil {
		return nil, err
	}
	if qb.detached {
		return nil, &gomikro.ValidationError{Msg: "query builder: Detached applies to Iterate; GetEntities returns managed entities"}
	}
	sink, err := em.NewEntityRowSink(ctx, qb.m, "QueryBuilder.GetEntities", e, qb.refresh)
	if err != nil {
		return nil, err
	}
	objs, err := qb.fetch(ctx, sink)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(objs))
	for i, p := range objs {
		out[i] = e.Interface(p)
	}
	return out, nil
}

// GetSingleResult returns the first entity of GetResult, or nil (and no
// error) when there is none. It asks for one entity only.
func (qb *QueryBuilder[T]) GetSingleResult(ctx context.Context) (*T, error) {
	q := qb
	if qb.limit == 0 && (len(qb.groupBy) == 0 && len(qb.having) == 0 || !qb.hasCollectionJoin()) {
		q = qb.Limit(1)
	}
	res, err := q.GetResult(ctx)
	if err != nil || len(res) == 0 {
		return nil, err
	}
	return res[0], nil
}

func (s *qbState) hasCollectionJoin() bool {
	sc, err := s.newScope(nil)
	return err == nil && sc.toMany
}

// load runs the query and merges its rows into sink; it returns the root
// entities in order, without repeats.
func (s *qbState) load(ctx context.Context, sink *em.RowSink) ([]unsafe.Pointer, error) {
	rows, pl, err := s.query(ctx, sink.Manager(), selEntities)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rr := newRowReader(pl, sink)
	for rows.Next() {
		if err := rr.row(rows); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.m.drv.wrapErr(err, pl.sc.rootE, "select")
	}
	if err := rows.Close(); err != nil {
		return nil, s.m.drv.wrapErr(err, pl.sc.rootE, "select")
	}
	rr.setCollections()
	if err := sink.Finish(ctx); err != nil {
		return nil, err
	}
	if err := sink.Populate(ctx, pl.sc.rootE, rr.roots, s.populate); err != nil {
		return nil, err
	}
	return rr.roots, nil
}

// Iterate runs the query and yields its entities one by one as their rows
// arrive, managed as with GetResult: the identity map keeps every entity
// yielded. With Detached, the entities are not managed and a stream of
// any length runs in bounded memory (see em.Stream). Stop early by breaking
// out of the loop. The connection is busy until the loop ends, so inside
// a transaction the loop body cannot query. Joined collections and
// Populate need every row first and are refused.
//
//	for b, err := range sqlem.QB[Book](m, "b").Iterate(ctx) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(b.Title)
//	}
func (qb *QueryBuilder[T]) Iterate(ctx context.Context) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if reflect.TypeFor[T]().Kind() == reflect.Interface {
			yield(nil, &gomikro.ValidationError{Msg: "Iterate needs the entity type: use sqlem.QB[T]"})
			return
		}
		if err := qb.ready(); err != nil {
			yield(nil, err)
			return
		}
		var sink *em.RowSink
		var e *meta.Entity
		var err error
		if qb.detached {
			sink, e, err = em.DetachedRowSinkFor[T](ctx, qb.m, "QueryBuilder.Iterate")
		} else {
			sink, e, err = em.RowSinkFor[T](ctx, qb.m, "QueryBuilder.Iterate", qb.refresh)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		if len(qb.populate) > 0 {
			yield(nil, &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: Iterate does not Populate; populate each batch with em.Find, or use GetResult", e.Name)})
			return
		}
		rows, pl, err := qb.query(ctx, sink.Manager(), selEntities)
		if err != nil {
			yield(nil, err)
			return
		}
		defer rows.Close()
		for _, p := range pl.parts[1:] {
			if p.j.field.Rel.Collection {
				yield(nil, &gomikro.ValidationError{Msg: fmt.Sprintf("query builder on %s: Iterate cannot fill the joined collection %s (it needs every row first); use GetResult", e.Name, p.j.field)})
				return
			}
		}
		rr := newRowReader(pl, sink)
		for rows.Next() {
			n := len(rr.roots)
			if err := rr.row(rows); err != nil {
				yield(nil, err)
				return
			}
			if len(rr.roots) == n {
				continue // a root seen before
			}
			obj := rr.roots[n]
			rr.roots = rr.roots[:0]
			if err := sink.Finish(ctx); err != nil {
				yield(nil, err)
				return
			}
			if !yield((*T)(obj), nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, qb.m.drv.wrapErr(err, e, "select"))
		}
	}
}

// Count counts what the query returns: its distinct root entities (when
// joins to collections repeat them), its groups with GroupBy, its rows
// otherwise. Limit, Offset and OrderBy are ignored.
func (qb *QueryBuilder[T]) Count(ctx context.Context) (int64, error) {
	if err := qb.ready(); err != nil {
		return 0, err
	}
	core, err := qb.coreFor(ctx, "QueryBuilder.Count")
	if err != nil {
		return 0, err
	}
	rows, pl, err := qb.query(ctx, core, selCount)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("gomikro: count %s: %w", pl.sc.rootE.Name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, qb.m.drv.wrapErr(err, pl.sc.rootE, "count")
	}
	return n, rows.Close()
}
