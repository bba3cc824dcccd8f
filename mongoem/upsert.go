package mongoem

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

var (
	_ em.Upserter = (*driver)(nil)
	_ em.Upserter = (*txSession)(nil)
)

// Upsert implements em.Upserter outside a transaction: one ordered
// bulkWrite of upserting updateOne operations per batch. Each document's
// write is atomic; a failure stops the batch at that document, and the
// documents written before it stay.
func (d *driver) Upsert(ctx context.Context, batches []*em.UpsertBatch, reads []*em.Query, sink em.Sink) error {
	return d.run().upsert(ctx, batches, reads, sink)
}

// Upsert implements em.Upserter inside the transaction.
func (t *txSession) Upsert(ctx context.Context, batches []*em.UpsertBatch, reads []*em.Query, sink em.Sink) error {
	if t.readOnly {
		return errReadOnly("upsert")
	}
	return t.r.upsert(ctx, batches, reads, sink)
}

// upsert writes each row as updateOne(filter: the conflict key, update:
// $set of the merged fields, $setOnInsert of the others, $inc of the
// version, upsert: true), then reads the rows back.
func (r runner) upsert(ctx context.Context, batches []*em.UpsertBatch, reads []*em.Query, sink em.Sink) error {
	for _, b := range batches {
		if err := r.upsertBatch(ctx, b); err != nil {
			return err
		}
	}
	for _, q := range reads {
		if err := r.find(ctx, q, sink); err != nil {
			return fmt.Errorf("gomikro: upsert %s: read back: %w", q.Entity.Name, err)
		}
	}
	return nil
}

func (r runner) upsertBatch(ctx context.Context, b *em.UpsertBatch) error {
	e := b.Entity
	in := r.d.info[e]
	// What SQL databases would generate: keys and defaults. A row that
	// exists keeps its own (they go to $setOnInsert).
	ib := &tracking.InsertBatch{Entity: e, Columns: b.Columns, Return: b.Defaults}
	for _, p := range b.Rows {
		ib.Rows = append(ib.Rows, &tracking.Entry{E: e, Obj: p})
	}
	if err := r.fillReturned(ctx, ib); err != nil {
		return err
	}
	cols := append(slices.Clip(b.Columns), b.Defaults...)
	onPK := len(b.Conflict) == len(e.PK) && !slices.ContainsFunc(b.Conflict, func(f *meta.Field) bool { return !f.PK })
	skip := map[string]bool{}
	for _, f := range b.Update {
		skip[in.path[f]] = true
	}
	if onPK {
		skip[idField] = true
	} else {
		for _, f := range b.Conflict {
			skip[in.path[f]] = true
		}
	}
	inc := e.Version != nil && len(b.Update) > 0
	if inc {
		skip[in.path[e.Version]] = true
	}
	models := make([]mongo.WriteModel, len(b.Rows))
	for i, p := range b.Rows {
		for _, f := range cols {
			if err := check(f, p, r.d.limits()); err != nil {
				return err
			}
		}
		var filter bson.D
		if onPK {
			id, err := r.d.idOf(in, p)
			if err != nil {
				return err
			}
			filter = bson.D{{Key: idField, Value: id}}
		} else {
			for _, f := range b.Conflict {
				v, err := r.d.encodeField(f, p)
				if err != nil {
					return err
				}
				filter = append(filter, bson.E{Key: in.path[f], Value: v})
			}
		}
		upd, err := r.setUnset(in, p, b.Update)
		if err != nil {
			return err
		}
		doc, err := r.d.encodeDoc(in, p, cols)
		if err != nil {
			return err
		}
		var soi bson.D
		for _, el := range doc {
			if !skip[el.Key] {
				soi = append(soi, el)
			}
		}
		if len(soi) > 0 {
			upd = append(upd, bson.E{Key: "$setOnInsert", Value: soi})
		}
		if inc {
			upd = append(upd, bson.E{Key: "$inc", Value: bson.D{{Key: in.path[e.Version], Value: int64(1)}}})
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(upd).SetUpsert(true)
	}
	start := time.Now()
	res, err := r.bulkWrite(ctx, in.coll, models, true)
	var n int64 = -1
	if res != nil {
		n = res.MatchedCount + res.UpsertedCount
	}
	r.d.log.log(ctx, "bulkWrite upsert", in.coll, nil, start, n, err)
	if err != nil {
		w, ok := firstWriteError(err)
		err = translate(err, in, r.fieldOf(in))
		if ok && w.index >= 0 && w.index < len(b.Rows) {
			return fmt.Errorf("gomikro: upsert %s #%d of %d: %w", e.Name, w.index+1, len(b.Rows), err)
		}
		return fmt.Errorf("gomikro: upsert %s: %w", e.Name, err)
	}
	return nil
}
