package mongoem

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// VirtualPipeline is implemented (on the value type) by a virtual entity
// on MongoDB: a read-only entity whose documents an aggregation pipeline
// computes, as meta.Virtual's SQL expression does on SQL backends. The
// struct is marked virtual by a `_ struct{} orm:"virtual"` field (or by
// implementing meta.Virtual too, to run on SQL as well).
//
// Pipeline returns the entity whose collection the pipeline runs on (a
// struct value such as Book{}, registered) and the stages; each result
// document is decoded by the entity's field names as stored (column
// names, _id for a single primary key). It is called once, at Open. Find,
// Count, filters, ordering and paging append their stages ($match, $sort,
// $skip, $limit, $count) after it. As on SQL, virtual entities are not
// managed and cannot be written.
type VirtualPipeline interface {
	Pipeline() (from any, stages Pipeline)
}

var virtualPipelineType = reflect.TypeFor[VirtualPipeline]()

// virtualInfo is the query of a virtual entity.
type virtualInfo struct {
	coll   string
	stages Pipeline
}

// checkReads refuses what MongoDB cannot read (formulas, virtual entities
// without a pipeline) and prepares the projections of lazy fields and the
// pipelines of virtual entities. It runs once, at Open.
func (d *driver) checkReads() error {
	for _, e := range d.reg.Entities() {
		in := d.info[e]
		if len(e.Formulas) > 0 {
			f := e.Formulas[0]
			return &meta.Error{Entity: e.Name, Field: f.Name, Msg: "formula fields are SQL expressions, which MongoDB cannot compute; " +
				"compute the value in a virtual entity (mongoem.VirtualPipeline) or in Go"}
		}
		if len(e.Lazy) > 0 {
			for _, f := range e.Lazy {
				in.lazyOut = append(in.lazyOut, bson.E{Key: in.path[f], Value: 0})
			}
		}
		pt := reflect.PointerTo(e.Type)
		implements := e.Type.Implements(virtualPipelineType) || pt.Implements(virtualPipelineType)
		switch {
		case implements && !e.Virtual:
			return &meta.Error{Entity: e.Name, Msg: "it implements mongoem.VirtualPipeline but is not virtual: add a field `_ struct{} `orm:\"virtual\"``"}
		case e.Virtual && !implements:
			return &meta.Error{Entity: e.Name, Msg: "a virtual entity on MongoDB needs its aggregation pipeline: implement mongoem.VirtualPipeline"}
		case !e.Virtual:
			continue
		}
		var vp VirtualPipeline
		if e.Type.Implements(virtualPipelineType) {
			vp = reflect.Zero(e.Type).Interface().(VirtualPipeline)
		} else {
			vp = reflect.New(e.Type).Interface().(VirtualPipeline)
		}
		from, stages := vp.Pipeline()
		src, err := d.entityOf(from)
		if err != nil || src.Virtual {
			return &meta.Error{Entity: e.Name, Msg: fmt.Sprintf("Pipeline() names %T as the collection to run on: not a registered entity with a collection of its own", from)}
		}
		in.virtual = &virtualInfo{coll: d.info[src].coll, stages: stages}
	}
	return nil
}

// entityOf returns the registered entity of v (a struct value, a pointer
// to one, or its reflect.Type).
func (d *driver) entityOf(v any) (*meta.Entity, error) {
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil, fmt.Errorf("gomikro: nil entity")
	}
	e, ok := d.reg.Of(t)
	if !ok {
		return nil, fmt.Errorf("gomikro: %s is not a registered entity", t)
	}
	return e, nil
}

// projection returns the projection of a find of q: the fields asked for,
// or all but the lazy ones; nil reads whole documents.
func (in *entInfo) projection(q *em.Query) bson.D {
	if q.Fields == nil {
		return in.lazyOut
	}
	if len(q.Fields) >= len(in.e.Columns) {
		return nil // every column (a refresh): whole documents, arrays included
	}
	p := make(bson.D, 0, len(q.Fields))
	id := false
	for _, f := range q.Fields {
		path := in.path[f]
		if f.PK {
			if id {
				continue
			}
			path, id = idField, true
		}
		p = append(p, bson.E{Key: path, Value: 1})
	}
	return p
}

// findVirtual runs the pipeline of the virtual entity q.Entity with q's
// filter, order and page, and streams the documents into sink.
func (r runner) findVirtual(ctx context.Context, q *em.Query, sink em.Sink) error {
	e := q.Entity
	in := r.d.info[e]
	pipeline, err := r.virtualPipeline(ctx, q)
	if err != nil {
		return err
	}
	if len(q.OrderBy) > 0 {
		sort := make(bson.D, 0, len(q.OrderBy))
		for _, o := range q.OrderBy {
			dir := 1
			if o.Desc {
				dir = -1
			}
			sort = append(sort, bson.E{Key: in.path[o.Field], Value: dir})
		}
		pipeline = append(pipeline, bson.D{{Key: "$sort", Value: sort}})
	}
	if q.Offset > 0 {
		pipeline = append(pipeline, bson.D{{Key: "$skip", Value: int64(q.Offset)}})
	}
	if q.Limit > 0 {
		pipeline = append(pipeline, bson.D{{Key: "$limit", Value: int64(q.Limit)}})
	}
	start := time.Now()
	cur, err := r.d.db.Collection(in.virtual.coll).Aggregate(r.ctx(ctx), pipeline)
	if err != nil {
		r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, -1, err)
		return err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var n int64
	keys := refKeys{}
	for cur.Next(ctx) {
		n++
		obj := sink.Alloc(e)
		if err := r.d.decodeDoc(in, cur.Current, obj, sink, keys); err != nil {
			r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, n, err)
			return err
		}
		if _, err := sink.Row(e, obj); err != nil {
			r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, n, err)
			return err
		}
	}
	err = cur.Err()
	r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, n, err)
	return err
}

// virtualPipeline returns the stages of the virtual entity q.Entity
// followed by the $match of q's filter.
func (r runner) virtualPipeline(ctx context.Context, q *em.Query) (Pipeline, error) {
	in := r.d.info[q.Entity]
	pipeline := make(Pipeline, 0, len(in.virtual.stages)+4)
	pipeline = append(pipeline, in.virtual.stages...)
	filter, err := r.filter(ctx, q.Entity, q.Where)
	if err != nil {
		return nil, err
	}
	if len(filter) > 0 {
		pipeline = append(pipeline, bson.D{{Key: "$match", Value: filter}})
	}
	return pipeline, nil
}

// countVirtual counts the documents of the virtual entity q.Entity that
// match q's filter.
func (r runner) countVirtual(ctx context.Context, q *em.Query) (int64, error) {
	in := r.d.info[q.Entity]
	pipeline, err := r.virtualPipeline(ctx, q)
	if err != nil {
		return 0, err
	}
	pipeline = append(pipeline, bson.D{{Key: "$count", Value: "n"}})
	start := time.Now()
	cur, err := r.d.db.Collection(in.virtual.coll).Aggregate(r.ctx(ctx), pipeline)
	if err != nil {
		r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, -1, err)
		return 0, err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var n int64
	if cur.Next(ctx) {
		v, ok := cur.Current.Lookup("n").AsInt64OK()
		if !ok {
			err = fmt.Errorf("gomikro: count %s: $count gave %s", q.Entity.Name, cur.Current.Lookup("n"))
		}
		n = v
	}
	if err == nil {
		err = cur.Err()
	}
	r.d.log.log(ctx, "aggregate", in.virtual.coll, pipeline, start, n, err)
	return n, err
}

// findOptions returns the options of a find of q: its projection.
func (in *entInfo) findOptions(q *em.Query) *options.FindOptionsBuilder {
	opts := options.Find()
	if p := in.projection(q); p != nil {
		opts.SetProjection(p)
	}
	return opts
}
