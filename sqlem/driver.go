package sqlem

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// driver implements em.Driver for every SQL dialect.
type driver struct {
	d    Dialect
	pool Pool
	reg  *meta.Registry
	log  *queryLogger
	// inserts caches the text of one-row INSERTs.
	inserts insertCache
	// getters caches the value getter of each column.
	getters getterCache
	// poolX is the pool wrapped by log (the wrappers hold no state of a
	// call, so one serves every root session).
	poolX Executor
	// rootS is the session on the pool, which holds no state of a call
	// (only a transaction's sessions change).
	rootS session
	// conv is the dialect as a ParamConverter (nil: it is none) and
	// inProc tells whether it is InProcess, asked once.
	conv   ParamConverter
	inProc bool
}

// session is where statements run: the pool, or a transaction's
// connection.
type session struct {
	drv *driver
	x   Executor
	// conn is the dedicated connection of a transaction (nil on the pool).
	conn  Conn
	depth int // 0: the pool; 1: a transaction; >1: savepoints
	done  bool
	// tx is shared by a transaction's session and its savepoints.
	tx *txState
	// end restores the connection of a transaction begun with options.
	end []string
}

// txState is what the sessions of one transaction share.
type txState struct {
	// id is the server's transaction id, recorded by the first flush in
	// the transaction on dialects that can resolve a lost COMMIT reply.
	id    int64
	hasID bool
}

func (drv *driver) root() *session { return &drv.rootS }

func (drv *driver) Find(ctx context.Context, q *em.Query, sink em.Sink) error {
	return drv.root().Find(ctx, q, sink)
}

func (drv *driver) Count(ctx context.Context, q *em.Query) (int64, error) {
	return drv.root().Count(ctx, q)
}

func (drv *driver) Execute(ctx context.Context, p *tracking.Plan) error {
	return drv.root().Execute(ctx, p)
}

func (drv *driver) Begin(ctx context.Context) (em.Tx, error) { return drv.root().Begin(ctx) }

func (drv *driver) Ping(ctx context.Context) error { return drv.pool.Ping(ctx) }

// KeyBatch implements em.KeyBatcher.
func (drv *driver) KeyBatch(f *meta.Field, keys []any) int { return keyBatch(drv.d, f, keys) }

// KeyBatch implements em.KeyBatcher.
func (s *session) KeyBatch(f *meta.Field, keys []any) int { return keyBatch(s.drv.d, f, keys) }

func (drv *driver) Close() error { return drv.pool.Close() }

// Find implements em.Session.
func (s *session) Find(ctx context.Context, q *em.Query, sink em.Sink) error {
	if q.Lock != nil && q.Lock != LockNone && s.depth == 0 {
		return lockOutsideTx("find " + q.Entity.Name)
	}
	sql, args, extra, err := s.drv.selectSQL(q)
	if err != nil {
		return err
	}
	rows, err := s.x.Query(ctx, sql, args...)
	if err != nil {
		return s.drv.wrapErr(err, q.Entity, "select")
	}
	defer rows.Close()
	sc := newScanner(q.Entity, q.Read(), sink, extra)
	if isStdRows(rows) {
		sc.scanAny()
	}
	for rows.Next() {
		if err := sc.row(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.drv.wrapErr(err, q.Entity, "select")
	}
	return rows.Close()
}

// Count implements em.Session.
func (s *session) Count(ctx context.Context, q *em.Query) (int64, error) {
	b := newBuilder(s.drv.d)
	b.w("SELECT COUNT(*) FROM ")
	b.from(q.Entity, "t0")
	if q.Where != nil {
		b.w(" WHERE ")
		if err := b.where("t0", q.Where); err != nil {
			return 0, err
		}
	}
	rows, err := s.x.Query(ctx, b.String(), b.args...)
	if err != nil {
		return 0, s.drv.wrapErr(err, q.Entity, "count")
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, rows.Close()
}

// Begin implements em.Tx: a transaction on a dedicated connection, or a
// savepoint inside one.
func (s *session) Begin(ctx context.Context) (em.Tx, error) {
	if s.depth == 0 {
		c, err := s.drv.pool.Conn(ctx)
		if err != nil {
			return nil, err
		}
		x := s.drv.log.wrap(c)
		if _, err := x.Exec(ctx, beginSQL(s.drv.d)); err != nil {
			c.Release()
			return nil, s.drv.txErr("begin", err)
		}
		return &session{drv: s.drv, x: x, conn: c, depth: 1, tx: &txState{}}, nil
	}
	if _, err := s.x.Exec(ctx, "SAVEPOINT "+s.savepoint(s.depth+1)); err != nil {
		return nil, err
	}
	return &session{drv: s.drv, x: s.x, depth: s.depth + 1, tx: s.tx}, nil
}

func (s *session) savepoint(depth int) string { return "gomikro_sp" + strconv.Itoa(depth) }

// Commit implements em.Tx.
func (s *session) Commit(ctx context.Context) error {
	if s.done {
		return errors.New("gomikro: transaction already finished")
	}
	s.done = true
	if s.depth > 1 {
		_, err := s.x.Exec(ctx, "RELEASE SAVEPOINT "+s.savepoint(s.depth))
		return err
	}
	defer s.release(ctx)
	return s.drv.commit(ctx, s.x, s.tx)
}

// Rollback implements em.Tx. Rolling back a finished transaction is a no-op.
func (s *session) Rollback(ctx context.Context) error {
	if s.done {
		return nil
	}
	s.done = true
	if s.depth > 1 {
		_, err := s.x.Exec(ctx, "ROLLBACK TO SAVEPOINT "+s.savepoint(s.depth))
		return err
	}
	defer s.release(ctx)
	_, err := s.x.Exec(ctx, "ROLLBACK")
	return err
}

// selectSQL renders a find. extra is the owner-key field of a Via query.
func (drv *driver) selectSQL(q *em.Query) (string, []any, *meta.Field, error) {
	e := q.Entity
	b := newBuilder(drv.d)
	b.w("SELECT ")
	for i, f := range q.Read() {
		if i > 0 {
			b.w(", ")
		}
		b.wcol("t0", f)
	}
	var extra *meta.Field
	var linkCol string
	if q.Via != nil {
		pv := q.Via.Rel.Pivot
		self, other := pv.OwnerColumn, pv.TargetColumn
		extra = pv.Owner.PK[0]
		if !q.Via.Rel.Owner {
			self, other = other, self
			extra = pv.Target.PK[0]
		}
		linkCol = "p." + b.q(self)
		b.w(", ", linkCol, " FROM ")
		b.from(e, "t0")
		b.w(" JOIN ", b.q(pv.Table), " p ON p.", b.q(other), " = ", b.col("t0", e.PK[0]))
	} else {
		b.w(" FROM ")
		b.from(e, "t0")
	}
	if q.Via != nil || q.Where != nil {
		b.w(" WHERE ")
		if q.Via != nil {
			if len(q.Owners) == 0 {
				b.w("FALSE")
			} else if err := b.inList(linkCol, extra, len(q.Owners), func(i int) any { return q.Owners[i] }, false); err != nil {
				return "", nil, nil, err
			}
		}
		if q.Where != nil {
			if q.Via != nil {
				b.w(" AND ")
			}
			if err := b.where("t0", q.Where); err != nil {
				return "", nil, nil, err
			}
		}
	}
	if len(q.OrderBy) > 0 {
		b.w(" ORDER BY ")
		for i, o := range q.OrderBy {
			if i > 0 {
				b.w(", ")
			}
			b.wcol("t0", o.Field)
			if o.Desc {
				b.w(" DESC")
			}
		}
	}
	if q.Limit > 0 || q.Offset > 0 {
		b.w(drv.d.LimitOffset(q.Limit, q.Offset))
	}
	if q.Lock != nil {
		l, ok := q.Lock.(LockMode)
		if !ok {
			return "", nil, nil, fmt.Errorf("gomikro: lock mode %T is not a sqlem.LockMode", q.Lock)
		}
		if err := checkLock(l); err != nil {
			return "", nil, nil, err
		}
		b.w(drv.d.Lock(l))
	}
	return b.String(), b.args, extra, nil
}

// scanner hydrates the rows of one find.
type scanner struct {
	e     *meta.Entity
	sink  em.Sink
	cols  []scanCol
	dests []any
	extra *keyDest
	// embs are the columns of nullable embeddables, roots those
	// embeddables (nil when there are none).
	embs  []*embDest
	roots []*meta.Embedded
	// direct are the columns scanned into the field itself, jsons the
	// indexes of the JSON columns, refs those of the reference columns
	// and of the columns scanned into an any (scanAny), which a row
	// stores after the scan: a row goes through each list, not every
	// column's switch.
	direct []directCol
	jsons  []int
	refs   []int
}

// directCol is a column scanned into its field: dests[i] is the field's
// address (at off in the object) with the *T type word typ.
type directCol struct {
	i   int
	typ unsafe.Pointer
	off uintptr
}

// scanCol is how one column is scanned: into the field itself (typ is
// the *T type word of its interface), a JSON decoder, or a key scratch.
type scanCol struct {
	f    *meta.Field
	typ  unsafe.Pointer
	key  *keyDest
	fk   reflect.Value  // NOT NULL reference: scratch of the target key type
	fkp  unsafe.Pointer // fk's address
	json bool
	// val, when set, receives the driver's value of an int64 or float64
	// column (kind), which row stores into the field or the key scratch
	// fk (see scanAny).
	val  *any
	kind reflect.Kind
}

func newScanner(e *meta.Entity, fields []*meta.Field, sink em.Sink, extra *meta.Field) *scanner {
	sc := &scanner{e: e, sink: sink, cols: make([]scanCol, len(fields)), dests: make([]any, len(fields))}
	for i, f := range fields {
		c := scanCol{f: f}
		switch {
		case f.Storage == meta.StoreRef && !f.Nullable && isPlainKey(f.Rel.Target.PK[0].GoType):
			c.fk = reflect.New(f.Rel.Target.PK[0].GoType)
			c.fkp = c.fk.UnsafePointer()
			sc.dests[i] = c.fk.Interface()
		case f.Storage == meta.StoreRef:
			c.key = newKeyDest(f.Rel.Target.PK[0].GoType)
			sc.dests[i] = c.key
		case encoded(f):
			c.json = true
		case f.Storage == meta.StoreEmbedded:
			d := newEmbDest(f)
			sc.embs = append(sc.embs, d)
			sc.dests[i] = d.dest()
		default:
			c.typ = typeWord(f.GoType)
			sc.direct = append(sc.direct, directCol{i, c.typ, f.Offset})
		}
		if c.json {
			sc.jsons = append(sc.jsons, i)
		}
		if c.fkp != nil || c.key != nil {
			sc.refs = append(sc.refs, i)
		}
		sc.cols[i] = c
	}
	if sc.embs != nil {
		sc.roots = e.NullableRoots()
	}
	if extra != nil {
		sc.extra = newKeyDest(extra.GoType)
		sc.dests = append(sc.dests, sc.extra)
	}
	return sc
}

// isPlainKey reports whether a key type scans directly (integers, strings).
func isPlainKey(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int16, reflect.Int32, reflect.Int64, reflect.String:
		return true
	}
	return false
}

func (sc *scanner) row(rows Rows) error {
	obj := sc.sink.Alloc(sc.e)
	for _, d := range sc.direct {
		sc.dests[d.i] = ifaceOf(d.typ, unsafe.Add(obj, d.off))
	}
	for _, i := range sc.jsons {
		c := &sc.cols[i]
		sc.dests[i] = &encodedDest{f: c.f, p: c.f.Ptr(obj)}
	}
	if err := rows.Scan(sc.dests...); err != nil {
		return fmt.Errorf("gomikro: scan %s: %w", sc.e.Name, err)
	}
	for _, i := range sc.refs {
		c := &sc.cols[i]
		switch {
		case c.val != nil:
			p := c.f.Ptr(obj)
			if c.fkp != nil {
				p = c.fkp
			}
			// (*c.val keeps the value until the next row's scan, which
			// assigns it whole: clearing it would cost two pointer
			// writes a column and row.)
			err := storeVal(c, p, *c.val)
			if err != nil {
				return fmt.Errorf("gomikro: scan %s: column %s: %w", sc.e.Name, c.f.Column, err)
			}
			if c.fkp != nil {
				rel.RefAt(c.f.Ptr(obj)).Ptr = sc.sink.Ref(c.f.Rel.Target, p)
			}
		case c.fkp != nil:
			rel.RefAt(c.f.Ptr(obj)).Ptr = sc.sink.Ref(c.f.Rel.Target, c.fkp)
		case c.key != nil && c.key.valid:
			rel.RefAt(c.f.Ptr(obj)).Ptr = sc.sink.Ref(c.f.Rel.Target, c.key.v.UnsafePointer())
		}
	}
	if sc.embs != nil {
		for _, m := range sc.roots {
			m.ClearAt(obj)
		}
		for _, d := range sc.embs {
			d.store(obj)
		}
	}
	managed, err := sc.sink.Row(sc.e, obj)
	if err != nil {
		return err
	}
	if sc.extra != nil && sc.extra.valid {
		sc.sink.Link(sc.extra.v.Elem().Interface(), managed)
	}
	return nil
}
