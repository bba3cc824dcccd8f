package mongoem

import (
	"context"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// find runs q and streams the documents into sink.
func (r runner) find(ctx context.Context, q *em.Query, sink em.Sink) error {
	if q.Lock != nil {
		return fmt.Errorf("gomikro: %s: row locks are not supported on MongoDB", q.Entity.Name)
	}
	if q.Via != nil {
		return r.findVia(ctx, q, sink)
	}
	in := r.d.info[q.Entity]
	if in.virtual != nil {
		return r.findVirtual(ctx, q, sink)
	}
	filter, err := r.filter(ctx, q.Entity, q.Where)
	if err != nil {
		return err
	}
	opts := in.findOptions(q)
	if len(q.OrderBy) > 0 {
		sort := make(bson.D, 0, len(q.OrderBy))
		for _, o := range q.OrderBy {
			dir := 1
			if o.Desc {
				dir = -1
			}
			sort = append(sort, bson.E{Key: in.path[o.Field], Value: dir})
		}
		opts.SetSort(sort)
	}
	if q.Limit > 0 {
		opts.SetLimit(int64(q.Limit))
	}
	if q.Offset > 0 {
		opts.SetSkip(int64(q.Offset))
	}
	_, err = r.stream(ctx, q.Entity, filter, opts, sink, nil)
	return err
}

// stream runs a find on e and hydrates every document into sink; each,
// when set, also sees the raw document and the managed object.
func (r runner) stream(ctx context.Context, e *meta.Entity, filter any, opts *options.FindOptionsBuilder, sink em.Sink, each func(bson.Raw, any) error) (int64, error) {
	in := r.d.info[e]
	start := time.Now()
	cur, err := r.d.db.Collection(in.coll).Find(r.ctx(ctx), filter, opts)
	if err != nil {
		r.d.log.log(ctx, "find", in.coll, filter, start, -1, err)
		return 0, err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var n int64
	keys := refKeys{}
	for cur.Next(ctx) {
		n++
		obj := sink.Alloc(e)
		if err := r.d.decodeDoc(in, cur.Current, obj, sink, keys); err != nil {
			r.d.log.log(ctx, "find", in.coll, filter, start, n, err)
			return n, err
		}
		managed, err := sink.Row(e, obj)
		if err != nil {
			r.d.log.log(ctx, "find", in.coll, filter, start, n, err)
			return n, err
		}
		if each != nil {
			if err := each(cur.Current, e.Interface(managed)); err != nil {
				return n, err
			}
		}
	}
	err = cur.Err()
	r.d.log.log(ctx, "find", in.coll, filter, start, n, err)
	return n, err
}

// findVia loads the targets of the m:n relation q.Via for the owners
// q.Owners and links each to its owner. The owning side keeps an array of
// target keys: from the owning side, the owners' arrays are read first
// (one query), then the targets (a second); from the inverse side one
// query finds the targets whose arrays hold an owner key.
func (r runner) findVia(ctx context.Context, q *em.Query, sink em.Sink) error {
	f := q.Via
	if len(q.Owners) == 0 {
		return nil
	}
	if f.Rel.Owner {
		ownerInfo := r.d.info[f.Entity]
		arr := ownerInfo.path[f]
		ids, err := r.keys(f.Entity.PK[0], q.Owners)
		if err != nil {
			return err
		}
		filter := bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: ids}}}}
		opts := options.Find().SetProjection(bson.D{{Key: arr, Value: 1}})
		links := map[string][]any{} // target key → owner keys
		var targets bson.A
		start := time.Now()
		cur, err := r.d.db.Collection(ownerInfo.coll).Find(r.ctx(ctx), filter, opts)
		if err != nil {
			r.d.log.log(ctx, "find", ownerInfo.coll, filter, start, -1, err)
			return err
		}
		var n int64
		for cur.Next(ctx) {
			n++
			ownerID := cur.Current.Lookup(idField)
			owner, err := r.ownerValue(f.Entity.PK[0], ownerID)
			if err != nil {
				_ = cur.Close(ctx)
				return err
			}
			vals, err := arrayValues(cur.Current.Lookup(arr))
			if err != nil {
				_ = cur.Close(ctx)
				return err
			}
			for _, v := range vals {
				k := keyString(v)
				if _, seen := links[k]; !seen {
					targets = append(targets, v)
				}
				links[k] = append(links[k], owner)
			}
		}
		err = cur.Err()
		_ = cur.Close(context.WithoutCancel(ctx))
		r.d.log.log(ctx, "find", ownerInfo.coll, filter, start, n, err)
		if err != nil || len(targets) == 0 {
			return err
		}
		tf, err := r.andWhere(ctx, q, bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: targets}}}})
		if err != nil {
			return err
		}
		_, err = r.stream(ctx, q.Entity, tf, r.d.info[q.Entity].findOptions(q).SetSort(bson.D{{Key: idField, Value: 1}}), sink, func(raw bson.Raw, obj any) error {
			for _, o := range links[keyString(raw.Lookup(idField))] {
				sink.Link(o, ptrOf(obj))
			}
			return nil
		})
		return err
	}
	// Inverse side: the targets hold the arrays.
	own := f.Rel.MappedBy
	tinfo := r.d.info[q.Entity]
	arr := tinfo.path[own]
	ids, err := r.keys(f.Entity.PK[0], q.Owners)
	if err != nil {
		return err
	}
	wanted := make(map[string]any, len(ids))
	for i, id := range ids {
		wanted[keyString(mustRaw(id))] = q.Owners[i]
	}
	filter, err := r.andWhere(ctx, q, bson.D{{Key: arr, Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return err
	}
	_, err = r.stream(ctx, q.Entity, filter, r.d.info[q.Entity].findOptions(q).SetSort(bson.D{{Key: idField, Value: 1}}), sink, func(raw bson.Raw, obj any) error {
		vals, err := arrayValues(raw.Lookup(arr))
		if err != nil {
			return err
		}
		for _, v := range vals {
			if o, ok := wanted[keyString(v)]; ok {
				sink.Link(o, ptrOf(obj))
			}
		}
		return nil
	})
	return err
}

// andWhere adds q.Where (the active filters of a populate) to filter.
func (r runner) andWhere(ctx context.Context, q *em.Query, filter bson.D) (bson.D, error) {
	if q.Where == nil {
		return filter, nil
	}
	w, err := r.filter(ctx, q.Entity, q.Where)
	if err != nil || len(w) == 0 {
		return filter, err
	}
	return bson.D{{Key: "$and", Value: bson.A{filter, w}}}, nil
}

// count counts the documents matching q.
func (r runner) count(ctx context.Context, q *em.Query) (int64, error) {
	if r.d.info[q.Entity].virtual != nil {
		return r.countVirtual(ctx, q)
	}
	filter, err := r.filter(ctx, q.Entity, q.Where)
	if err != nil {
		return 0, err
	}
	in := r.d.info[q.Entity]
	start := time.Now()
	n, err := r.d.db.Collection(in.coll).CountDocuments(r.ctx(ctx), filter)
	r.d.log.log(ctx, "count", in.coll, filter, start, n, err)
	return n, err
}

// keys converts caller key values to their stored BSON form.
func (r runner) keys(pk *meta.Field, vals []any) (bson.A, error) {
	out := make(bson.A, len(vals))
	for i, v := range vals {
		k, err := r.d.encodeKey(pk, v)
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	return out, nil
}

// ownerValue decodes a stored key into the Go value of key field pk.
func (r runner) ownerValue(pk *meta.Field, rv bson.RawValue) (any, error) {
	obj := pk.Entity.New()
	if err := r.d.decodeGo(pk, rv, pk.Value(obj)); err != nil {
		return nil, fmt.Errorf("gomikro: %s: %w", pk, err)
	}
	return pk.Value(obj).Interface(), nil
}

// arrayValues returns the elements of a BSON array (none for a missing or
// null value).
func arrayValues(rv bson.RawValue) ([]bson.RawValue, error) {
	if rv.Type != bson.TypeArray {
		return nil, nil
	}
	return rv.Array().Values()
}

// keyString identifies a stored key value: numbers of any BSON width
// compare equal, as they do in MongoDB.
func keyString(rv bson.RawValue) string {
	if n, ok := rv.AsInt64OK(); ok && rv.Type != bson.TypeDouble {
		return fmt.Sprintf("i%d", n)
	}
	return rv.Type.String() + ":" + rv.String()
}

// mustRaw returns the RawValue of a Go value that BSON encodes.
func mustRaw(v any) bson.RawValue {
	t, b, err := bson.MarshalValue(v)
	if err != nil {
		return bson.RawValue{}
	}
	return bson.RawValue{Type: t, Value: b}
}

// ptrOf returns the pointer an any holding *T carries.
func ptrOf(v any) unsafe.Pointer { return reflect.ValueOf(v).UnsafePointer() }
