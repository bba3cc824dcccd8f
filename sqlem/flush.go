package sqlem

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// Execute implements em.Session: it writes the plan atomically.
//
// COMMIT is sent only after every statement's result has been read, so a
// flush that fails before it surely did not commit; a COMMIT whose reply
// is lost is resolved where the dialect can (see commit).
func (s *session) Execute(ctx context.Context, p *tracking.Plan) error {
	// Without a query logger, nothing the flush hands out outlives it
	// unless it fails (its errors may hold its statements), so a
	// successful flush gives its state back for the next.
	pooled := s.drv.log == nil
	var fx *flushExec
	if pooled {
		fx = flushPool.Get().(*flushExec)
	} else {
		fx = new(flushExec)
	}
	err := fx.execute(ctx, s, p)
	if pooled && err == nil {
		*fx = flushExec{}
		flushPool.Put(fx)
	}
	return err
}

// flushPool holds flush states for reuse.
var flushPool = sync.Pool{New: func() any { return new(flushExec) }}

// execute writes p with fx, which is zero.
func (fx *flushExec) execute(ctx context.Context, s *session, p *tracking.Plan) error {
	fx.s, fx.p, fx.vals = s, p, values{s.drv.d, &s.drv.getters}
	fx.unknown = fx.unk[:0]
	fx.stage = fx.stageBuf[:0]
	if s.depth == 0 {
		if b, ci := s.oneInsert(p); ci != nil {
			return fx.insertOne(ctx, s, b, ci)
		}
		// One statement is atomic on its own: no BEGIN/COMMIT round trips
		// (unless a version check must be able to undo it), and no
		// dedicated connection: it runs on the pool as hand-written code
		// runs it.
		fx.single = p.Statements() == 1 && fx.singleStatement()
		if fx.single {
			fx.x = s.x
			if inProcess(s.drv.d) {
				// See InProcess: once started, the statement runs to its
				// end (one batch; lock waits bounded by the busy timeout),
				// so its answer is the truth.
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("gomikro: not committed: %w", err)
				}
				fx.det = detached{ctx}
				ctx = &fx.det
			}
		} else {
			c, err := s.drv.pool.Conn(ctx)
			if err != nil {
				return err
			}
			defer c.Release()
			fx.x = s.drv.log.wrap(c)
			fx.begin, fx.abort = beginSQL(s.drv.d), "ROLLBACK"
			fx.tx = &txState{}
		}
	} else {
		// Inside the caller's transaction: a savepoint keeps a failed flush
		// from leaving half its writes there; the caller's COMMIT comes later.
		fx.x = s.x
		fx.tx = s.tx
		sp := "gomikro_flush"
		fx.begin, fx.release, fx.abort = "SAVEPOINT "+sp, "RELEASE SAVEPOINT "+sp, "ROLLBACK TO SAVEPOINT "+sp
	}
	err := fx.run(ctx)
	switch {
	case err == nil && s.depth == 0 && !fx.single:
		return s.drv.commit(ctx, fx.x, fx.tx)
	case err == nil:
		return nil
	case fx.single && fx.sent && !s.drv.notApplied(err):
		// Without a transaction, a statement that may have reached the
		// server may have been applied.
		return singleUnknown(err)
	case fx.begun:
		// COMMIT was not sent: the transaction did not commit, whatever
		// the rollback says (a broken connection ends it too).
		s.drv.abort(ctx, fx.x, fx.abort)
	}
	return err
}

// oneInsert returns the only batch of p and its cached statement when p
// inserts one row and writes nothing else, and an earlier flush found
// that insertOne can run it (ci nil: the general path runs p).
func (s *session) oneInsert(p *tracking.Plan) (b *tracking.InsertBatch, ci *cachedInsert) {
	if len(p.Inserts) != 1 || len(p.Fixups)+len(p.Updates)+len(p.PivotDeletes)+len(p.PivotInserts)+len(p.Deletes) != 0 {
		return nil, nil
	}
	b = p.Inserts[0]
	if len(b.Rows) != 1 || len(b.Columns) == 0 {
		return nil, nil
	}
	if ci = s.drv.inserts.lookup(b.Entity, b.Columns, b.Return); ci == nil || ci.one == oneNone {
		return nil, nil
	}
	return b, ci
}

// insertOne runs the flush of the one-row insert b, all its plan holds,
// outside a transaction, with the statement ci an earlier flush rendered:
// what execute, run, insert, insertValues and flushStage do for it,
// without deciding again what they decided then (the decisions depend
// only on the dialect and b's entity, columns and returned columns). The
// errors are theirs too: a statement that may have reached the server and
// failed otherwise than surely unapplied has an unknown outcome.
func (fx *flushExec) insertOne(ctx context.Context, s *session, b *tracking.InsertBatch, ci *cachedInsert) error {
	drv := s.drv
	row := b.Rows[0].Obj
	args := fx.args(len(ci.gets))
	var convs uint64
	if drv.conv != nil {
		convs = ci.convs
	}
	for j, g := range ci.gets {
		v, err := g(row)
		if err != nil {
			return err
		}
		if convs != 0 && convs&(1<<min(j, 63)) != 0 {
			v = drv.conv.ConvertParam(v)
		}
		args = append(args, v)
	}
	if drv.inProc {
		// As in execute: once started, the statement runs to its end.
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("gomikro: not committed: %w", err)
		}
		fx.det = detached{ctx}
		ctx = &fx.det
	}
	if err := ctx.Err(); err != nil {
		// Nothing was sent.
		return fmt.Errorf("gomikro: not committed: %w", err)
	}
	var err error
	switch ci.one {
	case oneExec:
		_, err = s.x.Exec(ctx, ci.sql, args...)
	case oneReturning:
		fx.keyDest[0] = (*int64)(b.Entity.PK[0].Ptr(row))
		var rows Rows
		if rows, err = s.x.Query(ctx, ci.sql, args...); err == nil {
			if err = readOneKey(rows, b.Entity, &fx.keyDest); err == nil {
				err = rows.Close()
			} else {
				_ = rows.Close()
			}
		}
	case oneID:
		ix, ok := s.x.(IDExecutor)
		if !ok {
			return errNoInsertID
		}
		var id, n int64
		if id, n, err = ix.ExecID(ctx, ci.sql, args...); err == nil {
			err = assignIDs(b.Entity, b.Rows, 0, id, n)
		}
	}
	if err != nil {
		err = drv.wrapErr(err, b.Entity, "insert")
		if !drv.notApplied(err) {
			return singleUnknown(err)
		}
	}
	return err
}

// flushExec runs one plan in stages: the statements of a stage do not
// depend on each other's results and go in one round trip where the
// connection pipelines.
type flushExec struct {
	ctx     context.Context
	s       *session
	p       *tracking.Plan
	x       Executor
	vals    values
	single  bool
	begin   string
	release string // RELEASE SAVEPOINT inside the caller's transaction
	abort   string
	begun   bool
	// sent is set once a statement went to the server.
	sent bool
	// tx records the transaction's id where the dialect can resolve a lost
	// COMMIT reply.
	tx *txState

	stage []*Stmt
	// prepRows is the row count of the full chunks of the insert batch
	// being planned (0: none share a statement); prepText and prepPrefix
	// are their text and the length of its INSERT INTO ... VALUES part.
	prepRows   int
	prepText   string
	prepPrefix int
	// prep is the statement prepared for them, of text prepSQL.
	prep    prepared
	prepSQL string
	// A flush of one statement takes its stage, statement, arguments
	// and context from these, in fx's own allocation.
	stageBuf    [2]*Stmt
	st0         Stmt
	st0Used     bool
	argBuf      [8]any
	argUsed     bool
	det         detached
	keyDest     [1]any
	keyDestUsed bool
	// checks run after the stage that holds their statement.
	checks []func() error
	// unknown are the entity types whose generated keys the current stage
	// will return (in unk unless there are many).
	unknown []*meta.Entity
	unk     [4]*meta.Entity
}

// singleStatement reports whether the plan's only batch renders as one
// statement (a big batch may be split).
func (fx *flushExec) singleStatement() bool {
	d := fx.s.drv.d
	p := fx.p
	if (len(p.Inserts) == 1 || len(p.Updates) == 1) && hasTPT(p) {
		return false
	}
	switch {
	case len(p.Inserts) == 1:
		b := p.Inserts[0]
		if useInsertIDs(d, b) {
			if len(rereadColumns(b)) > 0 {
				return false
			}
			if ids, ok := d.(InsertIDs); ok && ids.InsertIDStep() == 0 && len(b.Rows) > 1 {
				return false
			}
		}
		if _, ok := d.(BulkInserter); ok {
			return len(b.Rows) <= bulkRows(d, len(b.Columns))
		}
		return len(b.Rows)*max1(len(b.Columns)) <= d.MaxParams() && len(b.Rows) <= insertChunk
	case len(p.Updates) == 1:
		b := p.Updates[0]
		if b.Versioned {
			return false
		}
		if _, ok := d.(BulkUpdater); ok {
			return len(b.Rows) <= updateRows(d, len(b.Columns))
		}
		return len(b.Rows) == 1
	case len(p.Deletes) == 1:
		b := p.Deletes[0]
		return !b.Versioned && len(b.Rows) <= d.MaxParams()/max1(len(b.Entity.PK))
	}
	return false
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// insertChunk caps the rows of one multi-row VALUES insert.
const insertChunk = 1000

// bulkRows is the number of rows one bulk statement of a dialect may carry
// with cols values per row (array-binding dialects pass one parameter a
// column, so the bound is loose for them).
func bulkRows(d Dialect, cols int) int {
	return max(1, d.MaxParams()/(cols+2))
}

// updateRows is the number of rows one bulk update of cols columns
// carries: as many as the parameters allow, or fewer where the dialect
// says so (BulkUpdateSizer).
func updateRows(d Dialect, cols int) int {
	n := bulkRows(d, cols+1)
	if s, ok := d.(BulkUpdateSizer); ok {
		n = min(n, max(1, s.BulkUpdateRows(cols)))
	}
	return n
}

func (fx *flushExec) run(ctx context.Context) error {
	fx.ctx = ctx
	if fx.begin != "" {
		fx.stage = append(fx.stage, &Stmt{SQL: fx.begin})
		if r, ok := fx.s.drv.d.(TxResolver); ok && fx.tx != nil && !fx.tx.hasID {
			tx := fx.tx
			fx.stage = append(fx.stage, &Stmt{SQL: r.TxIDSQL(), Scan: func(rows Rows) error {
				if !rows.Next() {
					return errors.New("gomikro: no transaction id")
				}
				if err := rows.Scan(&tx.id); err != nil {
					return err
				}
				tx.hasID = true
				return nil
			}})
		}
	}
	for _, b := range fx.p.Inserts {
		if fx.dependsOnStage(b.Entity) {
			if err := fx.flushStage(ctx); err != nil {
				return err
			}
		}
		if lv := tptLevels(b.Entity); lv != nil {
			if err := fx.insertTPT(ctx, b, lv); err != nil {
				return err
			}
			continue
		}
		if err := fx.insert(b); err != nil {
			return err
		}
		if len(b.Return) > 0 && b.Entity.GeneratedPK() && slices.Contains(b.Return, b.Entity.PK[0]) {
			if !slices.Contains(fx.unknown, b.Entity) {
				fx.unknown = append(fx.unknown, b.Entity)
			}
		}
	}
	if len(fx.p.Fixups) > 0 && len(fx.unknown) > 0 {
		// Follow-up foreign keys point to rows whose keys are still coming.
		if err := fx.flushStage(ctx); err != nil {
			return err
		}
	}
	for _, b := range fx.p.Fixups {
		if lv := tptLevels(b.Entity); lv != nil {
			if err := fx.updateTPT(b, lv); err != nil {
				return err
			}
			continue
		}
		if err := fx.update(b); err != nil {
			return err
		}
	}
	for _, b := range fx.p.Updates {
		if fx.dependsOnStage(b.Entity) {
			if err := fx.flushStage(ctx); err != nil {
				return err
			}
		}
		if lv := tptLevels(b.Entity); lv != nil {
			if err := fx.updateTPT(b, lv); err != nil {
				return err
			}
			continue
		}
		if err := fx.update(b); err != nil {
			return err
		}
	}
	if len(fx.unknown) > 0 && len(fx.p.PivotInserts)+len(fx.p.PivotDeletes) > 0 {
		if err := fx.flushStage(ctx); err != nil {
			return err
		}
	}
	for _, b := range fx.p.PivotDeletes {
		fx.pivot(b, false)
	}
	for _, b := range fx.p.PivotInserts {
		fx.pivot(b, true)
	}
	for _, b := range fx.p.Deletes {
		fx.delete(b)
	}
	// A savepoint's release rides with the last stage unless a version
	// check must run before it; COMMIT is the caller's, after every result
	// has been read.
	if fx.release != "" && len(fx.checks) == 0 {
		fx.stage = append(fx.stage, &Stmt{SQL: fx.release})
		return fx.flushStage(ctx)
	}
	if err := fx.flushStage(ctx); err != nil {
		return err
	}
	if fx.release != "" {
		if _, err := fx.x.Exec(ctx, fx.release); err != nil {
			return fmt.Errorf("gomikro: release savepoint: %w", err)
		}
	}
	return nil
}

// dependsOnStage reports whether rows of e may reference rows whose keys
// the current stage has not returned yet.
func (fx *flushExec) dependsOnStage(e *meta.Entity) bool {
	if len(fx.unknown) == 0 {
		return false
	}
	for _, f := range e.Columns {
		if f.Storage == meta.StoreRef && refersTo(fx.unknown, f.Rel.Target) {
			return true
		}
	}
	return false
}

// refersTo reports whether a reference to target may point to a row of
// one of types: target itself or, in an inheritance hierarchy, one of
// its subtypes.
func refersTo(types []*meta.Entity, target *meta.Entity) bool {
	for _, u := range types {
		if u == target || u.Inheritance != nil && u.IsA(target) {
			return true
		}
	}
	return false
}

// flushStage sends the pending statements and runs their checks.
func (fx *flushExec) flushStage(ctx context.Context) error {
	defer fx.closePrep()
	stmts := fx.stage
	fx.stage = nil
	fx.unknown = fx.unknown[:0]
	if len(stmts) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fx.sent = true
	// The first stage sent starts with BEGIN: only then is there something
	// to roll back (a value refused before that sends nothing).
	fx.begun = fx.begun || fx.begin != ""
	if pl, ok := fx.x.(Pipeliner); ok && len(stmts) > 1 {
		for _, st := range stmts {
			if st.oneKey != nil && st.Scan == nil {
				// A pipeliner reads rows with Scan only.
				st.Scan = func(r Rows) error { return readOneKey(r, st.oneKey, &fx.keyDest) }
			}
		}
		if err := pl.Pipeline(ctx, stmts); err != nil {
			var se *StmtError
			if errors.As(err, &se) && se.Stmt.owner != nil {
				return fx.s.drv.wrapErr(se.Err, se.Stmt.owner, se.Stmt.op)
			}
			return err
		}
	} else {
		for _, st := range stmts {
			if err := fx.exec(ctx, st); err != nil {
				if st.owner != nil {
					return fx.s.drv.wrapErr(err, st.owner, st.op)
				}
				return err
			}
		}
	}
	checks := fx.checks
	fx.checks = nil
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func (fx *flushExec) exec(ctx context.Context, st *Stmt) error {
	if st.idRows != nil {
		ix, ok := fx.x.(IDExecutor)
		if !ok {
			return errNoInsertID
		}
		if st.run != nil {
			return fx.runGuarded(ctx, st, ix)
		}
		id, n, err := fx.execID(ctx, st, ix)
		st.Affected = n
		if err != nil {
			return err
		}
		return assignIDs(st.owner, st.idRows, st.idStep, id, n)
	}
	if st.Scan != nil || st.oneKey != nil {
		rows, err := fx.x.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if st.Scan != nil {
			err = st.Scan(rows)
		} else {
			err = readOneKey(rows, st.oneKey, &fx.keyDest)
		}
		if err != nil {
			return err
		}
		return rows.Close()
	}
	n, err := fx.x.Exec(ctx, st.SQL, st.Args...)
	st.Affected = n
	return err
}

// add queues a statement; its failure is reported as an error of op on e.
func (fx *flushExec) add(st *Stmt, e *meta.Entity, op string) {
	st.owner, st.op = e, op
	fx.stage = append(fx.stage, st)
}

func (fx *flushExec) insert(b *tracking.InsertBatch) error {
	d := fx.s.drv.d
	e := b.Entity
	// Without RETURNING, generated keys come from the driver and other
	// database-chosen values are read back after the stage.
	var step int64
	idsOnly := useInsertIDs(d, b)
	if idsOnly {
		ids, ok := d.(InsertIDs)
		if !ok {
			return fmt.Errorf("gomikro: insert %s: the dialect cannot return generated values", e.Name)
		}
		step = ids.InsertIDStep()
		if others := rereadColumns(b); len(others) > 0 {
			fx.checks = append(fx.checks, func() error { return fx.reread(e, others, b.Rows) })
		}
	}
	genKeys := idsOnly && e.GeneratedPK() && slices.Contains(b.Return, e.PK[0])
	per := min(insertChunk, max(1, d.MaxParams()/max1(len(b.Columns))))
	bi, bulk := d.(BulkInserter)
	if bulk {
		per = bulkRows(d, len(b.Columns))
	}
	if _, ok := d.(insertIDRun); genKeys && step == 0 && !ok {
		// Keys of one statement may not be consecutive: a row each.
		per, bulk = 1, false
	}
	// Chunks of the same size share their text and prepared statement.
	fx.prepRows, fx.prepText = 0, ""
	defer func() { fx.prepRows, fx.prepText = 0, "" }()
	if n := min(per, insertChunk, max(1, d.MaxParams()/max1(len(b.Columns)))); !bulk && len(b.Rows) >= 2*n && preparesInserts(d) {
		fx.prepRows = n
	}
	for rows := range slices.Chunk(b.Rows, per) {
		if bulk {
			sql, args, ok, err := bi.BulkInsert(b, rows, &fx.vals)
			if err != nil {
				return err
			}
			if ok {
				st := &Stmt{SQL: sql, Args: args}
				if genKeys {
					st.idRows, st.idStep = rows, step
				} else if !idsOnly {
					st.Scan = fx.readBack(b, rows)
				}
				fx.add(st, e, "insert")
				continue
			}
		}
		for part := range slices.Chunk(rows, min(insertChunk, max(1, d.MaxParams()/max1(len(b.Columns))))) {
			if err := fx.insertValues(b, part, genKeys, step); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertValues queues one multi-row INSERT ... VALUES.
func (fx *flushExec) insertValues(b *tracking.InsertBatch, rows []*tracking.Entry, genKeys bool, step int64) error {
	d := fx.s.drv.d
	bl := newBuilder(d)
	var gets []getter
	prefixLen := 0
	// The full chunks of a big batch share their text and statement.
	reuse := fx.prepRows > 1 && len(rows) == fx.prepRows && len(b.Rows) > 1
	if len(b.Columns) == 0 {
		// Every column defaulted: DEFAULT VALUES takes one row.
		if len(rows) > 1 {
			for _, r := range rows {
				if err := fx.insertValues(b, []*tracking.Entry{r}, genKeys, step); err != nil {
					return err
				}
			}
			return nil
		}
		bl.w("INSERT INTO ", bl.q(b.Entity.Table), " ", defaultValues(d))
	} else if sql, cached, ok := fx.cachedInsert(b, rows); ok {
		// The same one-row INSERT as a previous flush: bind its values.
		args := fx.args(len(b.Columns))
		for _, g := range cached {
			v, err := g(rows[0].Obj)
			if err != nil {
				return err
			}
			args = append(args, convertParam(d, v))
		}
		st := fx.stmt()
		st.SQL, st.Args = sql, args
		fx.finishInsert(st, b, rows, genKeys, step)
		return nil
	} else if reuse && fx.prepText != "" {
		// A chunk of the size of an earlier one of the batch: its text.
		args := make([]any, 0, len(rows)*len(b.Columns))
		args, err := fx.insertArgs(args, rows, b.Columns, fx.vals.getters(b.Columns))
		if err != nil {
			return err
		}
		st := &Stmt{SQL: fx.prepText, Args: args, reuse: true}
		fx.finishInsert(st, b, rows, genKeys, step)
		fx.guard(st, b, rows, genKeys, step, fx.prepPrefix)
		return nil
	} else {
		bl.args = make([]any, 0, len(rows)*len(b.Columns))
		bl.b.Grow(len(rows) * (4*len(b.Columns) + 4))
		bl.w("INSERT INTO ", bl.q(b.Entity.Table), " (")
		for i, f := range b.Columns {
			if i > 0 {
				bl.w(", ")
			}
			bl.w(bl.q(f.Column))
		}
		bl.w(") VALUES ")
		prefixLen = bl.b.Len()
		gets = fx.vals.getters(b.Columns)
		if err := fx.insertRows(bl, rows, b.Columns, gets); err != nil {
			return err
		}
	}
	if len(b.Return) > 0 && !genKeys && d.Returning() {
		bl.w(" RETURNING ")
		for i, f := range Returning(b) {
			if i > 0 {
				bl.w(", ")
			}
			bl.w(bl.q(f.Column))
		}
	}
	st := &Stmt{SQL: bl.String(), Args: bl.args}
	if len(b.Rows) == 1 && len(b.Columns) > 0 {
		fx.s.drv.inserts.put(b.Entity, b.Columns, b.Return, st.SQL, gets, oneInsertMode(d, b))
	}
	fx.finishInsert(st, b, rows, genKeys, step)
	if reuse && prefixLen > 0 && st.idRows != nil {
		st.reuse = true
		fx.prepText, fx.prepPrefix = st.SQL, prefixLen
	}
	fx.guard(st, b, rows, genKeys, step, prefixLen)
	return nil
}

// guard makes the multi-row insert st read its keys as runGuarded does,
// where the dialect asks for it.
func (fx *flushExec) guard(st *Stmt, b *tracking.InsertBatch, rows []*tracking.Entry, genKeys bool, step int64, prefixLen int) {
	d := fx.s.drv.d
	r, ok := d.(insertIDRun)
	if !ok || !genKeys || step != 0 || len(rows) < 2 || prefixLen == 0 {
		return
	}
	pk := b.Entity.PK[0]
	st.idRows, st.idStep = rows, 1
	guard, args := r.InsertIDGuard(b.Entity.Table)
	st.run = &idRun{guard: guard, guardArgs: args, returning: " RETURNING " + d.QuoteIdent(pk.Column),
		prefix: st.SQL[:prefixLen], rows: rows, entity: b.Entity}
}

// execID runs the insert st for its insert id, on the statement prepared
// for the chunks of its batch where it is one of them.
func (fx *flushExec) execID(ctx context.Context, st *Stmt, ix IDExecutor) (int64, int64, error) {
	if st.reuse {
		if fx.prep != nil && fx.prepSQL != st.SQL {
			fx.closePrep()
		}
		if fx.prep == nil {
			if p, ok := fx.x.(preparer); ok {
				s, err := p.prepare(ctx, st.SQL)
				switch {
				case err == nil:
					fx.prep, fx.prepSQL = s, st.SQL
				case !errors.Is(err, errNoPrepare):
					return 0, 0, err
				}
			}
		}
		if fx.prep != nil {
			return fx.prep.ExecID(ctx, st.Args...)
		}
	}
	return ix.ExecID(ctx, st.SQL, st.Args...)
}

// closePrep closes the prepared statement of execID.
func (fx *flushExec) closePrep() {
	if fx.prep != nil {
		_ = fx.prep.Close()
		fx.prep, fx.prepSQL = nil, ""
	}
}

// stmt returns a new statement: fx's own the first time.
func (fx *flushExec) stmt() *Stmt {
	if !fx.st0Used {
		fx.st0Used = true
		return &fx.st0
	}
	return &Stmt{}
}

// args returns an empty argument list with room for n: fx's own the
// first time, when it has the room.
func (fx *flushExec) args(n int) []any {
	if !fx.argUsed && n <= len(fx.argBuf) {
		fx.argUsed = true
		return fx.argBuf[:0:n]
	}
	return make([]any, 0, n)
}

// cachedInsert returns the text of a one-row insert of b rendered by an
// earlier flush.
func (fx *flushExec) cachedInsert(b *tracking.InsertBatch, rows []*tracking.Entry) (string, []getter, bool) {
	// Only a batch of one row: how a one-row chunk of a bigger batch
	// reads its keys back (see useInsertIDs) may differ.
	if len(rows) != 1 || len(b.Rows) != 1 {
		return "", nil, false
	}
	return fx.s.drv.inserts.get(b.Entity, b.Columns, b.Return)
}

// finishInsert sets how the insert st of rows reports generated values
// and queues it.
func (fx *flushExec) finishInsert(st *Stmt, b *tracking.InsertBatch, rows []*tracking.Entry, genKeys bool, step int64) {
	switch {
	case genKeys:
		st.idRows, st.idStep = rows, step
	case len(b.Return) == 1 && b.Return[0] == b.Entity.PK[0] && b.Entity.GeneratedPK() && oneKey(b.Entity, rows) &&
		!fx.keyDestUsed && fx.s.drv.d.Returning():
		// The generated key of one row, read by exec (readOneKey) into
		// the object: no scanner to make.
		fx.keyDestUsed = true
		fx.keyDest[0] = (*int64)(b.Entity.PK[0].Ptr(rows[0].Obj))
		st.oneKey = b.Entity
	case len(b.Return) > 0 && fx.s.drv.d.Returning():
		st.Scan = fx.readBack(b, rows)
	}
	fx.add(st, b.Entity, "insert")
}

// defaultValues is the tail of an INSERT whose columns all take their
// defaults.
func defaultValues(d Dialect) string {
	if dv, ok := d.(interface{ DefaultValues() string }); ok {
		return dv.DefaultValues()
	}
	return "DEFAULT VALUES"
}

// oneKey reports whether the generated key of rows is one int64, which
// readOneKey scans.
func oneKey(e *meta.Entity, rows []*tracking.Entry) bool {
	return len(rows) == 1 && e.PK[0].GoType.Kind() == reflect.Int64
}

// readOneKey scans the one row of r into dest, which points to the key
// of the one row inserted into e.
func readOneKey(r Rows, e *meta.Entity, dest *[1]any) error {
	n := 0
	for r.Next() {
		if err := r.Scan(dest[:]...); err != nil {
			return err
		}
		n++
	}
	if err := r.Err(); err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("gomikro: insert %s: %d rows returned for 1 inserted", e.Name, n)
	}
	return nil
}

// readBack returns a scanner of RETURNING rows into the inserted objects.
// Generated keys are assigned in insertion order, so rows are matched by
// ascending key; rows with natural keys are matched by their key columns,
// which returning() adds after the Return columns.
func (fx *flushExec) readBack(b *tracking.InsertBatch, rows []*tracking.Entry) func(Rows) error {
	if len(b.Return) == 0 {
		return nil
	}
	e := b.Entity
	genPK := e.GeneratedPK() && slices.Contains(b.Return, e.PK[0])
	if genPK && len(b.Return) == 1 {
		// The flush's own destination list serves its first reader; the
		// readers of a stage run after all its statements are queued.
		dest := &fx.keyDest
		if fx.keyDestUsed {
			dest = new([1]any)
		}
		fx.keyDestUsed = true
		return readKeys(e, rows, dest)
	}
	return func(r Rows) error {
		type returned struct {
			v   reflect.Value
			key tracking.Key
		}
		tmp := make([]returned, 0, len(rows))
		dests := make([]any, len(b.Return))
		var keys []*keyDest
		if !genPK {
			for _, f := range e.PK {
				keys = append(keys, newKeyDest(keyField(f).GoType))
			}
			for _, k := range keys {
				dests = append(dests, k)
			}
		}
		parts := make([]tracking.Key, len(keys))
		for r.Next() {
			v := reflect.New(e.Type)
			p := v.UnsafePointer()
			for i, f := range b.Return {
				dests[i] = scanDest(f, p)
			}
			if err := r.Scan(dests...); err != nil {
				return err
			}
			var k tracking.Key
			for i, kd := range keys {
				parts[i], _ = tracking.ValueKey(kd.v.Elem().Interface())
			}
			if len(keys) > 0 {
				k = tracking.JoinKey(parts)
			}
			tmp = append(tmp, returned{v, k})
		}
		if err := r.Err(); err != nil {
			return err
		}
		if len(tmp) != len(rows) {
			return fmt.Errorf("gomikro: insert %s: %d rows returned for %d inserted", e.Name, len(tmp), len(rows))
		}
		if genPK {
			pk := e.PK[0]
			slices.SortFunc(tmp, func(a, c returned) int {
				x, y := pk.IntAt(a.v.UnsafePointer()), pk.IntAt(c.v.UnsafePointer())
				switch {
				case x < y:
					return -1
				case x > y:
					return 1
				}
				return 0
			})
			for i, row := range rows {
				for _, f := range b.Return {
					f.Value(row.Obj).Set(f.Value(tmp[i].v.UnsafePointer()))
				}
			}
			return nil
		}
		byKey := make(map[tracking.Key]*tracking.Entry, len(rows))
		for _, row := range rows {
			k, _ := tracking.KeyOf(e, row.Obj)
			byKey[k] = row
		}
		for _, t := range tmp {
			row := byKey[t.key]
			if row == nil {
				return fmt.Errorf("gomikro: insert %s: cannot match a returned row to an object", e.Name)
			}
			for _, f := range b.Return {
				f.Value(row.Obj).Set(f.Value(t.v.UnsafePointer()))
			}
		}
		return nil
	}
}

// readKeys reads generated integer keys alone: no object per row, keys
// sorted ascending and assigned in insertion order. dest is a scan
// destination list the reader may use (the flush's own).
func readKeys(e *meta.Entity, rows []*tracking.Entry, dest *[1]any) func(Rows) error {
	pk := e.PK[0]
	if oneKey(e, rows) {
		// One key: scanned straight into the object (a failed flush
		// restores it).
		dest[0] = (*int64)(pk.Ptr(rows[0].Obj))
		return func(r Rows) error { return readOneKey(r, e, dest) }
	}
	return func(r Rows) error {
		ids := make([]int64, 0, len(rows))
		var id int64
		dest := []any{&id} // one slice for every row's Scan
		for r.Next() {
			if err := r.Scan(dest...); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := r.Err(); err != nil {
			return err
		}
		if len(ids) != len(rows) {
			return fmt.Errorf("gomikro: insert %s: %d rows returned for %d inserted", e.Name, len(ids), len(rows))
		}
		slices.Sort(ids)
		if pk.GoType.Kind() == reflect.Int64 {
			for i, row := range rows {
				*(*int64)(pk.Ptr(row.Obj)) = ids[i]
			}
			return nil
		}
		for i, row := range rows {
			v := pk.Value(row.Obj)
			if v.CanInt() {
				v.SetInt(ids[i])
			} else {
				v.SetUint(uint64(ids[i]))
			}
		}
		return nil
	}
}

// Returning lists the RETURNING columns of an insert batch: the Return
// columns, then the key columns to match rows with natural keys.
func Returning(b *tracking.InsertBatch) []*meta.Field {
	e := b.Entity
	if e.GeneratedPK() && slices.Contains(b.Return, e.PK[0]) {
		return b.Return
	}
	return append(slices.Clip(b.Return), e.PK...)
}

// scanDest returns the scan destination of field f in the object at p.
func scanDest(f *meta.Field, p unsafe.Pointer) any {
	if encoded(f) {
		return &encodedDest{f: f, p: f.Ptr(p)}
	}
	return f.Value(p).Addr().Interface()
}

func (fx *flushExec) update(b *tracking.UpdateBatch) error {
	d := fx.s.drv.d
	e := b.Entity
	rest := b.Rows
	if bu, ok := d.(BulkUpdater); ok && len(e.PK) == 1 && len(b.Rows) > 1 {
		rest = nil
		for rows := range slices.Chunk(b.Rows, updateRows(d, len(b.Columns))) {
			sql, args, ok, err := bu.BulkUpdate(b, rows, &fx.vals)
			if err != nil {
				return err
			}
			if !ok {
				rest = append(rest, rows...)
				continue
			}
			st := &Stmt{SQL: sql, Args: args}
			if b.Versioned {
				var got []tracking.Key
				st.Scan = func(r Rows) error {
					kd := newKeyDest(e.PK[0].GoType)
					for r.Next() {
						if err := r.Scan(kd); err != nil {
							return err
						}
						k, _ := tracking.FieldKey(e.PK[0], kd.v.UnsafePointer())
						got = append(got, k)
					}
					return r.Err()
				}
				fx.checks = append(fx.checks, func() error { return versionCheck(e, rows, got) })
			}
			fx.add(st, e, "update")
		}
	}
	for _, row := range rest {
		bl := newBuilder(d)
		bl.w("UPDATE ", bl.q(e.Table), " SET ")
		for i, f := range b.Columns {
			if i > 0 {
				bl.w(", ")
			}
			v, err := fx.vals.Value(f, row)
			if err != nil {
				return err
			}
			bl.w(bl.q(f.Column), " = ", bl.param(v))
		}
		bl.w(" WHERE ")
		if err := fx.pkCond(bl, e, row); err != nil {
			return err
		}
		if b.Versioned {
			bl.w(" AND ", bl.q(e.Version.Column), " = ", bl.param(b.OldVersion(row)))
		}
		st := &Stmt{SQL: bl.String(), Args: bl.args}
		fx.add(st, e, "update")
		if b.Versioned {
			fx.checks = append(fx.checks, func() error {
				if st.Affected == 0 {
					return lockErr(e, row)
				}
				return nil
			})
		}
	}
	return nil
}

func lockErr(e *meta.Entity, row *tracking.Entry) error {
	var pk any
	if len(e.PK) == 1 {
		pk = e.PK[0].Value(row.Obj).Interface()
	} else {
		pk = row.Key.String()
	}
	return &gomikro.OptimisticLockError{Entity: e.Name, PK: pk}
}

// versionCheck fails for the first row a versioned bulk statement missed.
func versionCheck(e *meta.Entity, rows []*tracking.Entry, got []tracking.Key) error {
	if len(got) == len(rows) {
		return nil
	}
	seen := make(map[tracking.Key]bool, len(got))
	for _, k := range got {
		seen[k] = true
	}
	for _, row := range rows {
		if k, _ := tracking.KeyOf(e, row.Obj); !seen[k] {
			return lockErr(e, row)
		}
	}
	return nil
}

// pkCond renders the primary-key match of one row.
func (fx *flushExec) pkCond(bl *builder, e *meta.Entity, row *tracking.Entry) error {
	for i, f := range e.PK {
		if i > 0 {
			bl.w(" AND ")
		}
		v, err := fx.vals.Value(f, row)
		if err != nil {
			return err
		}
		bl.w(bl.q(f.Column), " = ", bl.param(v))
	}
	return nil
}

func (fx *flushExec) delete(b *tracking.DeleteBatch) {
	d := fx.s.drv.d
	e := b.Entity
	if b.Versioned {
		for _, row := range b.Rows {
			bl := newBuilder(d)
			bl.w("DELETE FROM ", bl.q(e.Table), " WHERE ")
			if err := fx.pkCond(bl, e, row); err != nil {
				continue
			}
			v, checked := tracking.DeleteVersion(row)
			if !checked {
				// A reference with no version known: delete by key.
				fx.add(&Stmt{SQL: bl.String(), Args: bl.args}, e, "delete")
				continue
			}
			bl.w(" AND ", bl.q(e.Version.Column), " = ", bl.param(v))
			st := &Stmt{SQL: bl.String(), Args: bl.args}
			fx.add(st, e, "delete")
			fx.checks = append(fx.checks, func() error {
				if st.Affected == 0 {
					return lockErr(e, row)
				}
				return nil
			})
		}
		return
	}
	per := max(1, d.MaxParams()/len(e.PK))
	if len(e.PK) == 1 {
		if st, ok := fx.deleteList(e, b.Rows); ok {
			// One statement for any number of rows (sqlem.ListBinder).
			fx.add(st, e, "delete")
			return
		}
	}
	for rows := range slices.Chunk(b.Rows, per) {
		bl := newBuilder(d)
		bl.w("DELETE FROM ", bl.q(e.Table), " WHERE ")
		if len(e.PK) == 1 {
			bl.w(bl.q(e.PK[0].Column), " IN (")
			for i, row := range rows {
				if i > 0 {
					bl.w(", ")
				}
				v, _ := fx.vals.Value(e.PK[0], row)
				bl.w(bl.param(v))
			}
			bl.w(")")
		} else {
			for i, row := range rows {
				if i > 0 {
					bl.w(" OR ")
				}
				bl.w("(")
				_ = fx.pkCond(bl, e, row)
				bl.w(")")
			}
		}
		fx.add(&Stmt{SQL: bl.String(), Args: bl.args}, e, "delete")
	}
}

func (fx *flushExec) pivot(b *tracking.PivotBatch, insert bool) {
	d := fx.s.drv.d
	pv := b.Pivot
	ok, tk := pv.Owner.PK[0], pv.Target.PK[0]
	for pairs := range slices.Chunk(b.Pairs, max(1, d.MaxParams()/2)) {
		bl := newBuilder(d)
		if insert {
			bl.w("INSERT INTO ", bl.q(pv.Table), " (", bl.q(pv.OwnerColumn), ", ", bl.q(pv.TargetColumn), ") VALUES ")
			for i, p := range pairs {
				if i > 0 {
					bl.w(", ")
				}
				bl.w("(", bl.param(ok.Value(p[0]).Interface()), ", ", bl.param(tk.Value(p[1]).Interface()), ")")
			}
		} else {
			bl.w("DELETE FROM ", bl.q(pv.Table), " WHERE ")
			for i, p := range pairs {
				if i > 0 {
					bl.w(" OR ")
				}
				bl.w("(", bl.q(pv.OwnerColumn), " = ", bl.param(ok.Value(p[0]).Interface()), " AND ",
					bl.q(pv.TargetColumn), " = ", bl.param(tk.Value(p[1]).Interface()), ")")
			}
		}
		op := "delete pivot rows of"
		if insert {
			op = "insert pivot rows of"
		}
		fx.add(&Stmt{SQL: bl.String(), Args: bl.args}, pv.Owner, op)
	}
}

// assignIDs sets the generated keys of the rows of an insert of e from
// the first key the driver reported, id: the rows got id, id+step, ...
// n is the count of rows inserted.
func assignIDs(e *meta.Entity, rows []*tracking.Entry, step, id, n int64) error {
	if n != int64(len(rows)) {
		return fmt.Errorf("gomikro: insert %s: %d rows inserted for %d objects", e.Name, n, len(rows))
	}
	pk := e.PK[0]
	for _, row := range rows {
		if pk.GoType.Kind() == reflect.Int64 {
			*(*int64)(pk.Ptr(row.Obj)) = id
		} else if v := pk.Value(row.Obj); v.CanInt() {
			v.SetInt(id)
		} else {
			v.SetUint(uint64(id))
		}
		id += step
	}
	return nil
}

// rereadColumns are the database-chosen columns of an insert other than a
// generated key: a dialect without RETURNING selects them after the insert.
func rereadColumns(b *tracking.InsertBatch) []*meta.Field {
	var out []*meta.Field
	for _, f := range b.Return {
		if !(f.Generated && len(b.Entity.PK) == 1 && f == b.Entity.PK[0]) {
			out = append(out, f)
		}
	}
	return out
}

// reread selects the columns cols of freshly inserted rows by key and sets
// them on the objects.
func (fx *flushExec) reread(e *meta.Entity, cols []*meta.Field, rows []*tracking.Entry) error {
	d := fx.s.drv.d
	sel := &tracking.InsertBatch{Entity: e, Return: cols}
	for chunk := range slices.Chunk(rows, max(1, d.MaxParams()/max1(len(e.PK)))) {
		bl := newBuilder(d)
		bl.w("SELECT ")
		for i, f := range Returning(sel) {
			if i > 0 {
				bl.w(", ")
			}
			bl.w(bl.q(f.Column))
		}
		bl.w(" FROM ", bl.q(e.Table), " WHERE ")
		for i, row := range chunk {
			if i > 0 {
				bl.w(" OR ")
			}
			bl.w("(")
			if err := fx.pkCond(bl, e, row); err != nil {
				return err
			}
			bl.w(")")
		}
		st := &Stmt{SQL: bl.String(), Args: bl.args, Scan: fx.readBack(sel, chunk)}
		if err := fx.exec(fx.ctx, st); err != nil {
			return fx.s.drv.wrapErr(err, e, "read back")
		}
	}
	return nil
}
