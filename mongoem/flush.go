package mongoem

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/valcheck"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// countersCollection holds the last generated integer key of each
// collection: {_id: "<collection>", seq: <int64>}.
const countersCollection = "gomikro_counters"

// undoBound bounds the compensating writes of a failed flush, and the
// completion of its deletes, which run on a context of their own (the
// caller's may be why the flush failed). A variable for tests.
var undoBound = 30 * time.Second

// settleStep is the pause between the checks that a write whose outcome
// was unknown left nothing behind once undone.
const settleStep = 300 * time.Millisecond

// undo records the writes of a flush that runs without a transaction, so
// that a failure can be compensated.
type undo struct {
	ops []undoOp
	// deleting: a delete of the flush may have reached the server. Deletes
	// cannot be undone, so from then on the flush is finished, not undone.
	deleting bool
	// finish, once set, is the context the remaining deletes run on: a
	// delete's outcome was unknown and it is being retried.
	finish context.Context
	stop   context.CancelFunc
}

type undoOp struct {
	coll string
	// what names the write in errors ("insert of 2000 Note documents");
	// empty: named from coll and ids or models (see describe).
	what string
	// exactly one of: ids to delete, models to bulk-write.
	ids    bson.A
	models []mongo.WriteModel
	// residue, set for a write whose outcome is unknown, matches the
	// documents that still hold its effect: the server may still be
	// running a write the client gave up on, after its undo.
	residue bson.D
}

func (u *undo) deleteLater(coll string, ids bson.A) {
	u.add(undoOp{coll: coll, ids: ids})
}

func (u *undo) writeLater(coll string, models []mongo.WriteModel) {
	u.add(undoOp{coll: coll, models: models})
}

// describe names the write op undoes.
func (op undoOp) describe() string {
	switch {
	case op.what != "":
		return op.what
	case op.ids != nil:
		return fmt.Sprintf("insert of %d documents into %s", len(op.ids), op.coll)
	}
	return fmt.Sprintf("update of %d documents of %s", len(op.models), op.coll)
}

func (u *undo) add(op undoOp) {
	if u != nil && (len(op.ids) > 0 || len(op.models) > 0) {
		u.ops = append(u.ops, op)
	}
}

func (u *undo) done() {
	if u.stop != nil {
		u.stop()
	}
}

// rollback runs the compensating writes, newest first, on a context of
// their own bounded by undoBound, retrying transient failures; then it
// checks that the writes whose outcome was unknown left nothing, undoing
// again what the server applied late. The error names what could not be
// undone.
func (u *undo) rollback(ctx context.Context, r runner) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoBound)
	defer cancel()
	var failed []string
	ok := make([]bool, len(u.ops))
	for i := len(u.ops) - 1; i >= 0; i-- {
		if err := r.undoOne(ctx, u.ops[i]); err != nil {
			failed = append(failed, fmt.Sprintf("the %s (%v)", u.ops[i].describe(), err))
		} else {
			ok[i] = true
		}
	}
	for i, op := range u.ops {
		if ok[i] && op.residue != nil {
			if err := r.settle(ctx, op); err != nil {
				failed = append(failed, fmt.Sprintf("the %s (%v)", op.describe(), err))
			}
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// undoOne runs one compensating write, again while it fails without a
// definite answer from the server (it is idempotent).
func (r runner) undoOne(ctx context.Context, op undoOp) error {
	for {
		err := r.undoWrite(ctx, op)
		if err == nil || !inDoubt(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (r runner) undoWrite(ctx context.Context, op undoOp) error {
	start := time.Now()
	if op.ids != nil {
		filter := bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: op.ids}}}}
		res, err := r.d.db.Collection(op.coll).DeleteMany(ctx, filter)
		n := int64(-1)
		if res != nil {
			n = res.DeletedCount
		}
		r.d.log.log(ctx, "deleteMany (undo)", op.coll, filter, start, n, err)
		return err
	}
	res, err := r.bulkWrite(ctx, op.coll, op.models, false)
	n := int64(-1)
	if res != nil {
		n = res.ModifiedCount + res.DeletedCount
	}
	r.d.log.log(ctx, "bulkWrite (undo)", op.coll, nil, start, n, err)
	return err
}

// settle checks, until two checks settleStep apart find nothing of op's
// write, that the server holds none of it, and undoes again what it
// applied after the undo (a write the client gave up on can still be
// running on the server).
func (r runner) settle(ctx context.Context, op undoOp) error {
	for clean := 0; clean < 2; {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the server was still applying it after %v: %w", undoBound, ctx.Err())
		case <-time.After(settleStep):
		}
		start := time.Now()
		n, err := r.d.db.Collection(op.coll).CountDocuments(ctx, op.residue)
		r.d.log.log(ctx, "count (undo check)", op.coll, nil, start, n, err)
		switch {
		case err != nil && inDoubt(err):
			continue
		case err != nil:
			return err
		case n == 0:
			clean++
			continue
		}
		clean = 0
		if err := r.undoOne(ctx, op); err != nil {
			return err
		}
	}
	return nil
}

// executeCompensated writes p without a transaction; when a write fails,
// the writes before it are undone (inserted documents deleted, updated
// fields and m:n arrays set back) before the error is returned, and so
// is the failed write whole when its outcome is unknown. Deletes come
// last and cannot be undone: once one may have been applied, the flush
// is finished (see final), and an error then matches
// gomikro.ErrCommitUnknown, as does one whose undo failed.
func (r runner) executeCompensated(ctx context.Context, p *tracking.Plan) error {
	u := &undo{}
	defer u.done()
	err := r.execute(ctx, p, u)
	if err == nil {
		return nil
	}
	if u.deleting {
		if !errors.Is(err, gomikro.ErrCommitUnknown) {
			err = unfinished(err)
		}
		return err
	}
	if uerr := u.rollback(ctx, r); uerr != nil {
		return fmt.Errorf("gomikro: the flush failed and could not be undone whole, so the database holds part of it (%w): not undone: %v; the failure: %w", gomikro.ErrCommitUnknown, uerr, err)
	}
	return err
}

// unfinished is the error of a flush that failed after (some of) its
// deletes may have been applied: they cannot be undone.
func unfinished(err error) error {
	return fmt.Errorf("gomikro: the flush wrote its inserts and updates but could not finish its deletes, which cannot be undone: the database holds all of the flush but some deletes (%w): %w", gomikro.ErrCommitUnknown, err)
}

// final runs one delete or onDelete write of a flush without a
// transaction. These come last and cannot be undone, so once one may
// have reached the server the flush is finished rather than undone: a
// write whose outcome is unknown (no reply) is retried — deletes, $unset
// and $pullAll are idempotent — on a context of its own bounded by
// undoBound, which the writes after it use too. A write the server
// refuses before any delete was applied leaves the flush to be undone.
func (u *undo) final(ctx context.Context, do func(context.Context) error) (retried bool, err error) {
	if u == nil {
		return false, do(ctx)
	}
	if u.finish != nil {
		ctx = u.finish
	}
	if err = do(ctx); err == nil {
		u.deleting = true
		return false, nil
	}
	if !inDoubt(err) {
		if u.deleting {
			return false, unfinished(err)
		}
		return false, err
	}
	u.deleting = true
	if u.finish == nil {
		u.finish, u.stop = context.WithTimeout(context.WithoutCancel(ctx), undoBound)
	}
	for {
		select {
		case <-u.finish.Done():
			return true, unfinished(err)
		case <-time.After(100 * time.Millisecond):
		}
		if err = do(u.finish); err == nil {
			return true, nil
		}
		if !inDoubt(err) {
			return true, unfinished(err)
		}
	}
}

// execute writes the plan: inserts (insertMany per batch), reference
// fix-ups and updates (bulkWrite of $set/$unset), m:n arrays ($addToSet,
// $pull), deletes (deleteMany by _id). u, when set, records how to undo.
func (r runner) execute(ctx context.Context, p *tracking.Plan, u *undo) error {
	// Values that would not fit a SQL column are refused before anything
	// is written.
	for _, b := range p.Inserts {
		if err := checkRows(b.Rows, b.Columns, r.d.limits()); err != nil {
			return err
		}
	}
	for _, b := range p.Updates {
		if err := checkRows(b.Rows, b.Columns, r.d.limits()); err != nil {
			return err
		}
	}
	for _, b := range p.Inserts {
		if err := r.insert(ctx, b, u); err != nil {
			return err
		}
	}
	for _, b := range p.Fixups {
		if err := r.update(ctx, b, nil); err != nil {
			return err
		}
	}
	for _, b := range p.Updates {
		if err := r.update(ctx, b, u); err != nil {
			return err
		}
	}
	for _, b := range p.PivotDeletes {
		if err := r.pivot(ctx, b, false, u); err != nil {
			return err
		}
	}
	for _, b := range p.PivotInserts {
		if err := r.pivot(ctx, b, true, u); err != nil {
			return err
		}
	}
	if u != nil && len(p.Deletes) > 0 {
		// Deletes cannot be undone: check every version before the first
		// one, and do not start them on a context that already ended.
		for _, b := range p.Deletes {
			if b.Versioned {
				in := r.d.info[b.Entity]
				ids, err := r.idsOf(in, b.Rows)
				if err != nil {
					return err
				}
				if vd := splitVersioned(b, ids); len(vd.rows) > 0 {
					if err := r.checkVersions(ctx, in, vd.rows, vd.ids, vd.versions); err != nil {
						return err
					}
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("gomikro: flush: %w", err)
		}
	}
	for _, b := range p.Deletes {
		if err := r.delete(ctx, b, u); err != nil {
			return err
		}
	}
	return nil
}

// checkRows checks the columns cols of rows (see check).
func checkRows(rows []*tracking.Entry, cols []*meta.Field, lim valcheck.Limits) error {
	for _, en := range rows {
		for _, f := range cols {
			if err := check(f, en.Obj, lim); err != nil {
				return err
			}
		}
	}
	return nil
}

// fillReturned sets what the database would generate on SQL: integer keys
// from the collection's key block (reserveKeys), ObjectIDs for generated
// string keys, and column defaults.
func (r runner) fillReturned(ctx context.Context, b *tracking.InsertBatch) error {
	in := r.d.info[b.Entity]
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, f := range b.Return {
		switch {
		case f.Generated && in.objectID:
			for _, en := range b.Rows {
				f.Value(en.Obj).SetString(bson.NewObjectID().Hex())
			}
		case f.Generated && f.GoType == objectIDType:
			for _, en := range b.Rows {
				f.Value(en.Obj).Set(reflect.ValueOf(bson.NewObjectID()))
			}
		case f.Generated && f.Storage == meta.StoreText:
			return fmt.Errorf("gomikro: %s: MongoDB generates keys of type bson.ObjectID, string and integers, not %s", f, f.GoType)
		case f.Generated:
			first, err := r.d.reserveKeys(ctx, in.coll, int64(len(b.Rows)))
			if err != nil {
				return err
			}
			for i, en := range b.Rows {
				if err := tracking.Assign(f, en.Obj, first+int64(i)); err != nil {
					return err
				}
			}
		case f.Default != nil && f.Default.Now:
			for _, en := range b.Rows {
				if err := tracking.Assign(f, en.Obj, now); err != nil {
					return err
				}
			}
		case f.Default != nil:
			v, err := parseDefault(f)
			if err != nil {
				return err
			}
			for _, en := range b.Rows {
				if err := tracking.Assign(f, en.Obj, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// parseDefault returns the Go value of a field's default= literal.
func parseDefault(f *meta.Field) (any, error) {
	s := f.Default.Value
	var v any
	var err error
	switch f.Type {
	case meta.TypeBool:
		v, err = strconv.ParseBool(s)
	case meta.TypeInt16, meta.TypeInt32, meta.TypeInt64:
		v, err = strconv.ParseInt(s, 10, 64)
	case meta.TypeFloat32, meta.TypeFloat64, meta.TypeDecimal:
		v, err = strconv.ParseFloat(s, 64)
	default:
		v = s
	}
	if err != nil {
		return nil, fmt.Errorf("gomikro: %s: default=%s: %w", f, s, err)
	}
	return v, nil
}

// reserveAfter takes n keys for coll after a collision (see reserveAbove);
// taken says the key that collided is surely another document's, so that
// the collection's key block may be another writer's too and is replaced
// (see keyBlock.renew). A short random pause that grows with attempt
// keeps colliding writers from taking the same keys again.
func (d *driver) reserveAfter(ctx context.Context, coll string, n int64, attempt int, taken bool) (int64, error) {
	if err := sleepCtx(ctx, time.Duration(rand.Int64N(int64(attempt+1)*int64(time.Millisecond)))); err != nil {
		return 0, err
	}
	reserve := func(size int64) (int64, error) { return d.reserveAbove(ctx, coll, size) }
	if b := d.keys[coll]; b != nil {
		return b.renew(ctx, n, taken, reserve)
	}
	return reserve(n)
}

// reserveAbove reserves n keys for coll from the counters collection,
// unless the counter is behind the collection's highest key (increments
// lost by a server without atomic ones), in which case the keys follow
// that key and the counter is moved past them.
func (d *driver) reserveAbove(ctx context.Context, coll string, n int64) (int64, error) {
	first, err := d.reserveCounter(ctx, coll, n)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var top struct {
		ID int64 `bson:"_id"`
	}
	err = d.db.Collection(coll).FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: idField, Value: -1}}).
		SetProjection(bson.D{{Key: idField, Value: 1}})).Decode(&top)
	d.log.log(ctx, "find", coll, bson.D{}, start, 1, err)
	if err != nil || top.ID < first {
		return first, nil // keys are not plain integers, or the counter is ahead
	}
	filter := bson.D{{Key: idField, Value: coll}}
	start = time.Now()
	_, err = d.db.Collection(countersCollection).UpdateOne(context.WithoutCancel(ctx), filter,
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: top.ID + n}}}})
	d.log.log(ctx, "update", countersCollection, filter, start, 1, err)
	if err != nil {
		return 0, fmt.Errorf("gomikro: generate keys for %s: %w", coll, err)
	}
	return top.ID + 1, nil
}

// sleepCtx pauses for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserveKeys takes n consecutive integer keys for coll and returns the
// first: from the collection's key block, which is refilled from the
// counters collection when it runs out (see keyBlock).
func (d *driver) reserveKeys(ctx context.Context, coll string, n int64) (int64, error) {
	b := d.keys[coll]
	if b == nil {
		return d.reserveCounter(ctx, coll, n)
	}
	return b.take(ctx, n, func(size int64) (int64, error) { return d.reserveCounter(ctx, coll, size) })
}

// reserveCounter takes n integer keys for coll from the counters
// collection (outside any transaction, like a SQL sequence) and returns
// the first. Two first reservations racing to create the counter both
// upsert it: the one that loses sees a duplicate key and tries again.
func (d *driver) reserveCounter(ctx context.Context, coll string, n int64) (int64, error) {
	filter := bson.D{{Key: idField, Value: coll}}
	upd := bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: n}}}}
	for attempt := 0; ; attempt++ {
		start := time.Now()
		var doc struct {
			Seq int64 `bson:"seq"`
		}
		err := d.db.Collection(countersCollection).FindOneAndUpdate(context.WithoutCancel(ctx), filter, upd,
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
		d.log.log(ctx, "findAndModify", countersCollection, filter, start, 1, err)
		if err == nil {
			return doc.Seq - n + 1, nil
		}
		if w, ok := firstWriteError(err); ok && isDuplicate(w.code) && attempt < keyRetries {
			continue
		}
		return 0, fmt.Errorf("gomikro: generate keys for %s: %w", coll, err)
	}
}

// keyRetries bounds the retries of an insert whose generated keys were
// taken meanwhile.
const keyRetries = 20

// insert writes one insert batch with insertMany. Outside a transaction,
// an insert that fails because a generated integer key it was given is
// taken already (a server whose counter increments are not atomic under
// concurrency, as FerretDB's) takes fresh keys for the rows from the
// failed one on and tries again.
func (r runner) insert(ctx context.Context, b *tracking.InsertBatch, u *undo) error {
	in := r.d.info[b.Entity]
	if err := r.fillReturned(ctx, b); err != nil {
		return err
	}
	gen := generatedIntKey(in, b)
	cols := make([]*meta.Field, 0, len(b.Columns)+len(b.Return))
	cols = append(append(cols, b.Columns...), b.Return...)
	rows, offset := b.Rows, 0
	unconfirmed := 0
	for attempt := 0; ; attempt++ {
		docs := make([]any, len(rows))
		ids := make(bson.A, len(rows))
		for i, en := range rows {
			for _, f := range b.Return {
				if err := check(f, en.Obj, r.d.limits()); err != nil {
					return err
				}
			}
			doc, err := r.d.encodeDoc(in, en.Obj, cols)
			if err != nil {
				return err
			}
			docs[i] = doc
			if ids[i], err = r.d.idOf(in, en.Obj); err != nil {
				return err
			}
		}
		start := time.Now()
		_, err := r.d.db.Collection(in.coll).InsertMany(r.ctx(ctx), docs, options.InsertMany().SetOrdered(true))
		if err == nil {
			r.d.log.log(ctx, "insertMany", in.coll, nil, start, int64(len(docs)), nil)
			u.deleteLater(in.coll, ids)
			return nil
		}
		r.d.log.log(ctx, "insertMany", in.coll, nil, start, -1, err)
		u.add(r.undoInsert(in, b, err, docs, ids))
		w, ok := firstWriteError(err)
		was := unconfirmed
		if gen != nil && r.s == nil && attempt < keyRetries && ok && w.index >= 0 && w.index < len(rows) &&
			isDuplicate(w.code) && r.retryKeys(ctx, in, w, ids[w.index], &unconfirmed) {
			rows, offset = rows[w.index:], offset+w.index
			first, err := r.d.reserveAfter(ctx, in.coll, int64(len(rows)), attempt, unconfirmed == was)
			if err != nil {
				return err
			}
			for i, en := range rows {
				if err := tracking.Assign(gen, en.Obj, first+int64(i)); err != nil {
					return err
				}
			}
			continue
		}
		err = translate(err, in, r.fieldOf(in))
		if ok && w.index >= 0 && w.index < len(rows) {
			return fmt.Errorf("gomikro: insert %s #%d of %d: %w", in.e.Name, offset+w.index+1, len(b.Rows), err)
		}
		return fmt.Errorf("gomikro: insert %s: %w", in.e.Name, err)
	}
}

// generatedIntKey returns the key field of b's entity whose integer
// values fillReturned took from the counters collection, if any.
func generatedIntKey(in *entInfo, b *tracking.InsertBatch) *meta.Field {
	if len(in.e.PK) != 1 {
		return nil
	}
	f := in.e.PK[0]
	if !f.Generated || in.objectID || f.GoType == objectIDType || f.Storage == meta.StoreText || !slices.Contains(b.Return, f) {
		return nil
	}
	return f
}

// retryKeys reports whether a duplicate-key error w on the document with
// key id is worth new keys: the index the server names (keyPattern) is
// _id's, or, when it names none (FerretDB), a document with that _id
// exists. Without either, the error is taken for a violation of another
// unique index, after two retries (a conflicting insert may not be
// visible at once), counted in *unconfirmed.
func (r runner) retryKeys(ctx context.Context, in *entInfo, w writeErr, id any, unconfirmed *int) bool {
	if kp, ok := w.raw.Lookup("keyPattern").DocumentOK(); ok {
		elems, err := kp.Elements()
		return err == nil && len(elems) == 1 && elems[0].Key() == idField
	}
	filter := bson.D{{Key: idField, Value: id}}
	start := time.Now()
	n, err := r.d.db.Collection(in.coll).CountDocuments(r.ctx(ctx), filter, options.Count().SetLimit(1))
	r.d.log.log(ctx, "count", in.coll, filter, start, n, err)
	if err == nil && n > 0 {
		return true
	}
	*unconfirmed++
	return *unconfirmed <= 2
}

// undoInsert returns how to undo the ordered insertMany of docs (with
// keys ids) that failed with err. When the server named the failing
// document, those before it went in. Else the outcome is unknown: any of
// docs may be in the database. Generated keys are this flush's own, so
// the documents are deleted by _id; keys the caller gave may belong to
// documents that were there before (the insert then failed on them), so
// only documents equal to the ones sent are deleted.
func (r runner) undoInsert(in *entInfo, b *tracking.InsertBatch, err error, docs []any, ids bson.A) undoOp {
	what := fmt.Sprintf("insert of %d %s documents", len(docs), in.e.Name)
	if done, known := applied(err); known {
		return undoOp{coll: in.coll, what: what, ids: ids[:min(done, len(ids))]}
	}
	for _, f := range b.Return {
		if f.Generated && f.PK {
			return undoOp{coll: in.coll, what: what, ids: ids,
				residue: bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: ids}}}}}
		}
	}
	models := make([]mongo.WriteModel, len(docs))
	for i, d := range docs {
		models[i] = mongo.NewDeleteOneModel().SetFilter(d)
	}
	return undoOp{coll: in.coll, what: what, models: models,
		residue: bson.D{{Key: "$or", Value: bson.A(docs)}}}
}

// fieldOf maps a document path of in back to its field.
func (r runner) fieldOf(in *entInfo) func(string) *meta.Field {
	return func(path string) *meta.Field {
		for f, p := range in.path {
			if p == path {
				return f
			}
		}
		return nil
	}
}

// setUnset builds {$set, $unset} of the fields cols of the entity at obj.
func (r runner) setUnset(in *entInfo, obj unsafe.Pointer, cols []*meta.Field) (bson.D, error) {
	var set, unset bson.D
	for _, f := range cols {
		v, err := r.d.encodeField(f, obj)
		if err != nil {
			return nil, err
		}
		if v == nil {
			unset = append(unset, bson.E{Key: in.path[f], Value: ""})
		} else {
			set = append(set, bson.E{Key: in.path[f], Value: v})
		}
	}
	upd := bson.D{}
	if len(set) > 0 {
		upd = append(upd, bson.E{Key: "$set", Value: set})
	}
	if len(unset) > 0 {
		upd = append(upd, bson.E{Key: "$unset", Value: unset})
	}
	return upd, nil
}

// update writes one update batch with bulkWrite: per document, $set of
// the changed fields and $unset of those that became nil, matched by _id
// and, for versioned entities, by the version the object was loaded
// with. A versioned update is an upsert: when the version does not match,
// the server tries to insert a document with the same _id and fails with
// a duplicate key at exactly that write (or, when the document is gone,
// reports the upsert, which is deleted again), which names the stale row
// even when another client moved it to the very version this flush
// writes — a count of matched documents could not tell which row that is.
func (r runner) update(ctx context.Context, b *tracking.UpdateBatch, u *undo) error {
	in := r.d.info[b.Entity]
	models := make([]mongo.WriteModel, len(b.Rows))
	ids := make(bson.A, len(b.Rows))
	var back []mongo.WriteModel
	var written bson.A // per row: a filter matching it as this write leaves it
	for i, en := range b.Rows {
		id, err := r.d.idOf(in, en.Obj)
		if err != nil {
			return err
		}
		ids[i] = id
		filter := bson.D{{Key: idField, Value: id}}
		if b.Versioned {
			filter = append(filter, bson.E{Key: in.path[b.Entity.Version], Value: toInt64(b.OldVersion(en))})
		}
		upd, err := r.setUnset(in, en.Obj, b.Columns)
		if err != nil {
			return err
		}
		m := mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(upd)
		if b.Versioned {
			m.SetUpsert(true)
		}
		models[i] = m
		if u != nil && en.Snap != nil {
			// Set back only what this write changed: match the new
			// version, so that a document another client changed is
			// left alone.
			undoFilter := bson.D{{Key: idField, Value: id}}
			if b.Versioned {
				undoFilter = append(undoFilter, bson.E{Key: in.path[b.Entity.Version], Value: toInt64(b.Entity.Version.Value(en.Obj).Interface())})
			}
			old, err := r.setUnset(in, en.Snap, b.Columns)
			if err != nil {
				return err
			}
			back = append(back, mongo.NewUpdateOneModel().SetFilter(undoFilter).SetUpdate(old))
			written = append(written, matchWritten(undoFilter, upd, b.Versioned))
		}
	}
	start := time.Now()
	res, err := r.bulkWrite(ctx, in.coll, models, true)
	var matched int64 = -1
	if res != nil {
		matched = res.MatchedCount
	}
	r.d.log.log(ctx, "bulkWrite update", in.coll, nil, start, matched, err)
	if err != nil {
		what := fmt.Sprintf("update of %d %s documents", len(b.Rows), in.e.Name)
		if done, known := applied(err); known {
			u.add(undoOp{coll: in.coll, what: what, models: back[:min(done, len(back))]})
		} else {
			// Any of the rows may have been written: set them all back.
			u.add(undoOp{coll: in.coll, what: what, models: back,
				residue: bson.D{{Key: "$or", Value: written}}})
		}
		w, ok := firstWriteError(err)
		if ok && b.Versioned && w.index >= 0 && w.index < len(b.Rows) && isDuplicate(w.code) {
			en := b.Rows[w.index]
			stale, cerr := r.stale(ctx, in, ids[w.index], toInt64(b.OldVersion(en)))
			if cerr != nil {
				return errors.Join(err, cerr)
			}
			if stale {
				return &gomikro.OptimisticLockError{Entity: in.e.Name, PK: pkValue(in.e, en.Obj)}
			}
		}
		return fmt.Errorf("gomikro: update %s: %w", in.e.Name, translate(err, in, r.fieldOf(in)))
	}
	u.writeLater(in.coll, back)
	if res != nil && len(res.UpsertedIDs) > 0 {
		// Documents deleted meanwhile: the upsert created them anew.
		// Delete them again and name the first by its _id (servers
		// differ in the index they report).
		first := len(b.Rows)
		var created bson.A
		for _, id := range res.UpsertedIDs {
			created = append(created, id)
			k := keyString(mustRaw(id))
			for i := range ids {
				if keyString(mustRaw(ids[i])) == k {
					first = min(first, i)
				}
			}
		}
		if first == len(b.Rows) {
			first = 0
		}
		if u != nil {
			u.deleteLater(in.coll, created)
		} else if _, derr := r.d.db.Collection(in.coll).DeleteMany(r.ctx(ctx), bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: created}}}}); derr != nil {
			return derr
		}
		return &gomikro.OptimisticLockError{Entity: in.e.Name, PK: pkValue(in.e, b.Rows[first].Obj)}
	}
	return nil
}

// matchWritten returns a filter matching the document of filter (its
// _id, and the new version when versioned) as the update upd ($set and
// $unset) leaves it.
func matchWritten(filter, upd bson.D, versioned bool) bson.D {
	if versioned {
		return filter
	}
	m := slices.Clone(filter)
	for _, op := range upd {
		fields, _ := op.Value.(bson.D)
		for _, e := range fields {
			if op.Key == "$unset" {
				m = append(m, bson.E{Key: e.Key, Value: nil})
			} else {
				m = append(m, e)
			}
		}
	}
	return m
}

func isDuplicate(code int) bool {
	return code == codeDuplicateKey || code == codeDuplicateKeyLegacy || code == codeDuplicateKeyUpdate
}

// stale reports whether the document id no longer has version old.
func (r runner) stale(ctx context.Context, in *entInfo, id, old any) (bool, error) {
	filter := bson.D{{Key: idField, Value: id}, {Key: in.path[in.e.Version], Value: old}}
	start := time.Now()
	n, err := r.d.db.Collection(in.coll).CountDocuments(r.ctx(ctx), filter)
	r.d.log.log(ctx, "count", in.coll, filter, start, n, err)
	return n == 0, err
}

// lockError finds the first row whose stored version is not want(i) and
// reports it as an optimistic-lock failure.
func (r runner) lockError(ctx context.Context, in *entInfo, rows []*tracking.Entry, ids bson.A, want func(i int) any) error {
	vpath := in.path[in.e.Version]
	filter := bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: ids}}}}
	start := time.Now()
	cur, err := r.d.db.Collection(in.coll).Find(r.ctx(ctx), filter, options.Find().SetProjection(bson.D{{Key: vpath, Value: 1}}))
	if err != nil {
		return err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	got := map[string]bson.RawValue{}
	for cur.Next(ctx) {
		got[keyString(cur.Current.Lookup(idField))] = cur.Current.Lookup(vpath)
	}
	r.d.log.log(ctx, "find", in.coll, filter, start, int64(len(got)), cur.Err())
	for i, en := range rows {
		v, ok := got[keyString(mustRaw(ids[i]))]
		if ok && keyString(v) == keyString(mustRaw(toInt64(want(i)))) {
			continue
		}
		return &gomikro.OptimisticLockError{Entity: in.e.Name, PK: pkValue(in.e, en.Obj)}
	}
	return &gomikro.OptimisticLockError{Entity: in.e.Name}
}

// toInt64 turns a version value of any integer kind into the int64 the
// documents store (encodeField writes integers as int64).
func toInt64(v any) any {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int()
	case rv.CanUint() && rv.Uint() <= math.MaxInt64:
		return int64(rv.Uint())
	}
	return v
}

// pkValue returns the primary key of the entity at obj, as the caller
// sees it (a []any for a composite key).
func pkValue(e *meta.Entity, obj unsafe.Pointer) any {
	if len(e.PK) == 1 {
		return e.PK[0].Value(obj).Interface()
	}
	out := make([]any, len(e.PK))
	for i, f := range e.PK {
		out[i] = f.Value(obj).Interface()
	}
	return out
}

// pivot adds ($addToSet) or removes ($pull) target keys in the owners'
// arrays of an m:n relation, one update per owner in one bulkWrite.
func (r runner) pivot(ctx context.Context, b *tracking.PivotBatch, add bool, u *undo) error {
	f := r.d.arrayOf[b.Pivot]
	in := r.d.info[b.Pivot.Owner]
	path := in.path[f]
	tpk := b.Pivot.Target.PK[0]
	type group struct {
		id      any
		targets bson.A
	}
	var groups []*group
	byOwner := map[unsafe.Pointer]*group{}
	for _, pair := range b.Pairs {
		g := byOwner[pair[0]]
		if g == nil {
			id, err := r.d.idOf(in, pair[0])
			if err != nil {
				return err
			}
			g = &group{id: id}
			byOwner[pair[0]] = g
			groups = append(groups, g)
		}
		t, err := r.d.encodeField(tpk, pair[1])
		if err != nil {
			return err
		}
		g.targets = append(g.targets, t)
	}
	addOp := func(g *group) bson.D {
		return bson.D{{Key: "$addToSet", Value: bson.D{{Key: path, Value: bson.D{{Key: "$each", Value: g.targets}}}}}}
	}
	pullOp := func(g *group) bson.D {
		return bson.D{{Key: "$pullAll", Value: bson.D{{Key: path, Value: g.targets}}}}
	}
	models := make([]mongo.WriteModel, len(groups))
	back := make([]mongo.WriteModel, len(groups))
	for i, g := range groups {
		filter := bson.D{{Key: idField, Value: g.id}}
		do, undoOp := addOp(g), pullOp(g)
		if !add {
			do, undoOp = undoOp, do
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(do)
		back[i] = mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(undoOp)
	}
	start := time.Now()
	res, err := r.bulkWrite(ctx, in.coll, models, true)
	var n int64 = -1
	if res != nil {
		n = res.ModifiedCount
	}
	op := "bulkWrite $addToSet"
	if !add {
		op = "bulkWrite $pullAll"
	}
	r.d.log.log(ctx, op, in.coll, nil, start, n, err)
	if err != nil {
		what := fmt.Sprintf("%s of %s", op, f)
		if done, known := applied(err); known {
			u.add(undoOp{coll: in.coll, what: what, models: back[:min(done, len(back))]})
		} else {
			u.add(undoOp{coll: in.coll, what: what, models: back})
		}
		return fmt.Errorf("gomikro: %s: %w", f, translate(err, in, nil))
	}
	u.writeLater(in.coll, back)
	return nil
}

// delete removes the rows of one delete batch with deleteMany by _id
// (and version), then does what foreign keys do on SQL: references to
// the deleted documents with onDelete=set null are unset, those with
// onDelete=cascade deleted, and their keys pulled from m:n arrays.
// Without a transaction (u set) the versions were checked before, and
// the writes run through u.final.
func (r runner) delete(ctx context.Context, b *tracking.DeleteBatch, u *undo) error {
	in := r.d.info[b.Entity]
	ids, err := r.idsOf(in, b.Rows)
	if err != nil {
		return err
	}
	vd := splitVersioned(b, ids)
	if len(vd.rows) > 0 {
		vpath := in.path[b.Entity.Version]
		// Check first, so that a stale row fails the flush before any
		// document is gone.
		if u == nil {
			if err := r.checkVersions(ctx, in, vd.rows, vd.ids, vd.versions); err != nil {
				return err
			}
		}
		or := make(bson.A, len(vd.rows))
		for i := range vd.rows {
			or[i] = bson.D{{Key: idField, Value: vd.ids[i]}, {Key: vpath, Value: toInt64(vd.versions[i])}}
		}
		n, err := r.deleteMany(ctx, in, u, bson.D{{Key: "$or", Value: or}}, vd.ids)
		if err != nil {
			return err
		}
		if n < int64(len(vd.rows)) {
			lerr := r.lockError(ctx, in, vd.rows, vd.ids, func(i int) any { return vd.versions[i] })
			if u != nil && (n > 0 || u.deleting) {
				return unfinished(lerr)
			}
			return lerr
		}
	}
	if len(vd.plain) > 0 {
		if _, err := r.deleteMany(ctx, in, u, bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: vd.plain}}}}, vd.plain); err != nil {
			return err
		}
	}
	return r.cascade(ctx, b.Entity, ids, u)
}

// versionedDeletes splits a delete batch: rows with a version to check
// (loaded ones, and references whose version the caller set) go by _id
// and version; references with no version known go by _id alone.
type versionedDeletes struct {
	rows     []*tracking.Entry
	ids      bson.A
	versions []any
	plain    bson.A
}

func splitVersioned(b *tracking.DeleteBatch, ids bson.A) versionedDeletes {
	var vd versionedDeletes
	for i, en := range b.Rows {
		if v, ok := tracking.DeleteVersion(en); ok && b.Versioned {
			vd.rows, vd.ids, vd.versions = append(vd.rows, en), append(vd.ids, ids[i]), append(vd.versions, v)
		} else {
			vd.plain = append(vd.plain, ids[i])
		}
	}
	return vd
}

// deleteMany deletes the documents of in matching filter, which selects
// among ids, through u.final, and returns how many went.
func (r runner) deleteMany(ctx context.Context, in *entInfo, u *undo, filter bson.D, ids bson.A) (int64, error) {
	var n int64
	retried, err := u.final(ctx, func(ctx context.Context) error {
		start := time.Now()
		res, err := r.d.db.Collection(in.coll).DeleteMany(r.ctx(ctx), filter)
		n = -1
		if res != nil {
			n = res.DeletedCount
		}
		r.d.log.log(ctx, "deleteMany", in.coll, filter, start, n, err)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("gomikro: delete %s: %w", in.e.Name, translate(err, in, nil))
	}
	if retried {
		// What the first try deleted is not counted: count what is left.
		left, err := r.remaining(u.finish, in, ids)
		if err != nil {
			return 0, unfinished(fmt.Errorf("gomikro: delete %s: %w", in.e.Name, err))
		}
		n = int64(len(ids)) - left
	}
	return n, nil
}

// idsOf returns the _id values of rows.
func (r runner) idsOf(in *entInfo, rows []*tracking.Entry) (bson.A, error) {
	ids := make(bson.A, len(rows))
	for i, en := range rows {
		id, err := r.d.idOf(in, en.Obj)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// remaining counts the documents of ids still in in's collection.
func (r runner) remaining(ctx context.Context, in *entInfo, ids bson.A) (int64, error) {
	filter := bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: ids}}}}
	start := time.Now()
	n, err := r.d.db.Collection(in.coll).CountDocuments(r.ctx(ctx), filter)
	r.d.log.log(ctx, "count", in.coll, filter, start, n, err)
	return n, err
}

// checkVersions fails with an optimistic-lock error when a row's stored
// version is not versions[i], the one it was loaded with.
func (r runner) checkVersions(ctx context.Context, in *entInfo, rows []*tracking.Entry, ids bson.A, versions []any) error {
	vpath := in.path[in.e.Version]
	or := make(bson.A, len(rows))
	for i := range rows {
		or[i] = bson.D{{Key: idField, Value: ids[i]}, {Key: vpath, Value: toInt64(versions[i])}}
	}
	filter := bson.D{{Key: "$or", Value: or}}
	start := time.Now()
	n, err := r.d.db.Collection(in.coll).CountDocuments(r.ctx(ctx), filter)
	r.d.log.log(ctx, "count", in.coll, filter, start, n, err)
	if err != nil {
		return err
	}
	if n == int64(len(rows)) {
		return nil
	}
	return r.lockError(ctx, in, rows, ids, func(i int) any { return versions[i] })
}

// cascade applies the onDelete actions of the references to e's deleted
// documents ids, and pulls ids from the m:n arrays that hold them.
func (r runner) cascade(ctx context.Context, e *meta.Entity, ids bson.A, u *undo) error {
	for _, f := range r.d.refsTo[e] {
		in := r.d.info[f.Entity]
		path := in.path[f]
		filter := bson.D{{Key: path, Value: bson.D{{Key: "$in", Value: ids}}}}
		c := r.d.db.Collection(in.coll)
		var op string
		var write func(ctx context.Context) (int64, error)
		switch {
		case f.Rel.Collection: // an m:n array
			op = "updateMany $pullAll"
			write = func(ctx context.Context) (int64, error) {
				res, err := c.UpdateMany(r.ctx(ctx), filter, bson.D{{Key: "$pullAll", Value: bson.D{{Key: path, Value: ids}}}})
				if res != nil {
					return res.ModifiedCount, err
				}
				return -1, err
			}
		case f.Rel.OnDelete == "set null" && !f.PK:
			op = "updateMany $unset"
			write = func(ctx context.Context) (int64, error) {
				res, err := c.UpdateMany(r.ctx(ctx), filter, bson.D{{Key: "$unset", Value: bson.D{{Key: path, Value: ""}}}})
				if res != nil {
					return res.ModifiedCount, err
				}
				return -1, err
			}
		case f.Rel.OnDelete == "cascade":
			op = "deleteMany (cascade)"
			write = func(ctx context.Context) (int64, error) {
				res, err := c.DeleteMany(r.ctx(ctx), filter)
				if res != nil {
					return res.DeletedCount, err
				}
				return -1, err
			}
		default:
			continue
		}
		_, err := u.final(ctx, func(ctx context.Context) error {
			start := time.Now()
			n, err := write(ctx)
			r.d.log.log(ctx, op, in.coll, filter, start, n, err)
			return err
		})
		if err != nil {
			return fmt.Errorf("gomikro: %s after deleting %s: %w", f, e.Name, err)
		}
	}
	return nil
}

// ferretBulkOps bounds the writes of one bulkWrite command sent to
// FerretDB: v1.24 on SQLite stops answering a bulkWrite of about 100
// updates or more (its connections run out before the command ends), so
// larger batches go in several commands there. MongoDB takes them whole.
const ferretBulkOps = 50

// bulkWrite sends models to coll: in one command, or on FerretDB in
// commands of at most ferretBulkOps, whose results are summed and whose
// write errors are numbered as in models. An ordered write stops at the
// first failing command; an unordered one sends them all and returns the
// first error.
func (r runner) bulkWrite(ctx context.Context, coll string, models []mongo.WriteModel, ordered bool) (*mongo.BulkWriteResult, error) {
	c := r.d.db.Collection(coll)
	opts := options.BulkWrite().SetOrdered(ordered)
	if !r.d.ferret || len(models) <= ferretBulkOps {
		return c.BulkWrite(r.ctx(ctx), models, opts)
	}
	sum := &mongo.BulkWriteResult{UpsertedIDs: map[int64]any{}, Acknowledged: true}
	var first error
	for off := 0; off < len(models); off += ferretBulkOps {
		res, err := c.BulkWrite(r.ctx(ctx), models[off:min(off+ferretBulkOps, len(models))], opts)
		if res != nil {
			sum.InsertedCount += res.InsertedCount
			sum.MatchedCount += res.MatchedCount
			sum.ModifiedCount += res.ModifiedCount
			sum.DeletedCount += res.DeletedCount
			sum.UpsertedCount += res.UpsertedCount
			for i, id := range res.UpsertedIDs {
				sum.UpsertedIDs[i+int64(off)] = id
			}
		}
		if err == nil {
			continue
		}
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) {
			bwe.WriteErrors = slices.Clone(bwe.WriteErrors)
			for i := range bwe.WriteErrors {
				bwe.WriteErrors[i].Index += off
			}
			err = bwe
		}
		if first == nil {
			first = err
		}
		if ordered {
			break
		}
	}
	return sum, first
}
