package mongoem

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// EntityManager is the MongoDB EntityManager: the core one plus what only
// MongoDB has — aggregation pipelines and the native collections. It has
// no query builder: filters are the query package's, translated to
// MongoDB filters.
type EntityManager struct {
	*em.EntityManager
	drv *driver
}

// Fork returns a new MongoDB EntityManager with an empty identity map
// (options as for em.EntityManager.Fork).
func (m *EntityManager) Fork(opts ...em.ForkOption) *EntityManager {
	// One allocation for both EntityManagers.
	f := &struct {
		EntityManager
		s em.ForkSpace
	}{}
	f.EntityManager = EntityManager{EntityManager: m.EntityManager.ForkIn(&f.s, opts...), drv: m.drv}
	return &f.EntityManager
}

// Transactional runs fn in a transaction on a fork of m and commits after
// flushing the fork; see em.EntityManager.Transactional. The server must
// support transactions (ORM.SupportsTransactions), else the error
// matches ErrNoTransactions; inside a transaction it matches
// ErrNoSavepoints, as MongoDB cannot nest them (use
// em.PropagationRequired to join the running one). The propagation modes
// that run without a transaction (em.PropagationSupports,
// em.PropagationNotSupported, em.PropagationNever) work on every server.
// MongoDB has no isolation levels: em.WithIsolation is refused;
// em.ReadOnly makes the transaction refuse flushes and upserts.
func (m *EntityManager) Transactional(ctx context.Context, fn func(ctx context.Context, tx *EntityManager) error, opts ...em.TxOption) error {
	if fn == nil {
		return m.EntityManager.Transactional(ctx, nil, opts...)
	}
	return m.EntityManager.Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
		if tx == m.EntityManager {
			return fn(ctx, m) // a joined transaction: m itself
		}
		return fn(ctx, &EntityManager{EntityManager: tx, drv: m.drv})
	}, opts...)
}

func runnerOf(d *driver, s em.Session) runner {
	switch s := s.(type) {
	case *txSession:
		return s.r
	case *driver:
		return s.run() // the primary or a read replica
	}
	return d.run()
}

// entityOf finds the registered entity of v: a struct value, a pointer to
// one, or its reflect.Type.
func (m *EntityManager) entityOf(v any) (*meta.Entity, error) {
	if v == nil {
		return nil, &gomikro.ValidationError{Msg: "nil entity"}
	}
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	e, found := m.Registry().Of(t)
	if !found {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s is not a registered entity (add it to Config.Entities)", t)}
	}
	return e, nil
}

// Collection returns the native collection of entity (a struct value, a
// pointer to one, or its reflect.Type). Writes through it bypass the unit
// of work and the identity map.
func (m *EntityManager) Collection(entity any) (*mongo.Collection, error) {
	e, err := m.entityOf(entity)
	if err != nil {
		return nil, err
	}
	return m.drv.coll(e), nil
}

// Database returns the native database the EntityManager works in.
func (m *EntityManager) Database() *mongo.Database { return m.drv.db }

// CollectionOf returns the native collection of entity type T.
func CollectionOf[T any](m *EntityManager) (*mongo.Collection, error) {
	return m.Collection(reflect.TypeFor[T]())
}

// Aggregate runs pipeline (a bson.A or []bson.D of stages) on the
// collection of entity (a struct value, a pointer to one, or its
// reflect.Type) and decodes the results into results, a pointer to a
// slice of any type the BSON decoder fills. It runs in m's transaction
// when m is in one; on the global EntityManager, on the request's fork
// that ctx carries, as every operation does (em.Resolve). The results are
// not managed. The flush mode applies as to a find of entity (other
// collections a $lookup reads are not looked at: flush first, or use
// gomikro.FlushAlways, when they matter). The active filters of the
// entity (see gomikro.Filter; soft delete too) come first, as a $match
// stage; switch them off with DisableFilter on the EntityManager.
func (m *EntityManager) Aggregate(ctx context.Context, entity any, pipeline any, results any) error {
	e, err := m.entityOf(entity)
	if err != nil {
		return err
	}
	core, err := em.Resolve(ctx, m, "Aggregate")
	if err != nil {
		return err
	}
	if err := core.AutoFlush(ctx, 0, e); err != nil {
		return err
	}
	r := runnerOf(m.drv, core.ReadSession())
	coll := m.drv.info[e].coll
	pipeline, err = r.filteredPipeline(ctx, core, e, pipeline)
	if err != nil {
		return err
	}
	ctx = core.CountingContext(ctx)
	start := time.Now()
	cur, err := r.d.db.Collection(coll).Aggregate(r.ctx(ctx), pipeline)
	if err != nil {
		r.d.log.log(ctx, "aggregate", coll, pipeline, start, -1, err)
		return fmt.Errorf("gomikro: aggregate %s: %w", e.Name, err)
	}
	err = cur.All(ctx, results)
	n := int64(-1)
	if rv := reflect.ValueOf(results); rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Slice {
		n = int64(rv.Elem().Len())
	}
	r.d.log.log(ctx, "aggregate", coll, pipeline, start, n, err)
	if err != nil {
		return fmt.Errorf("gomikro: aggregate %s: %w", e.Name, err)
	}
	return nil
}

// AggregateAs runs pipeline on the collection of entity type E and
// returns the results decoded into R (a struct with bson tags, bson.M,
// ...). The results are not managed.
func AggregateAs[R, E any](ctx context.Context, m *EntityManager, pipeline any) ([]R, error) {
	out := []R{}
	if err := m.Aggregate(ctx, reflect.TypeFor[E](), pipeline, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AggregateEntities runs pipeline on the collection of entity type T;
// every result must be a T document as stored (stages such as $match,
// $sort, $sample, $limit keep them so). The results are merged into the
// identity map as Find merges rows: a document already managed yields
// the managed object, and changes to the results are flushed.
func AggregateEntities[T any](ctx context.Context, m *EntityManager, pipeline any) ([]*T, error) {
	sink, e, err := em.RowSinkFor[T](ctx, m, "AggregateEntities", false)
	if err != nil {
		return nil, err
	}
	if err := sink.Manager().AutoFlush(ctx, 0, e); err != nil {
		return nil, err
	}
	r := runnerOf(m.drv, sink.Manager().ReadSession())
	in := m.drv.info[e]
	pipeline, err = r.filteredPipeline(ctx, sink.Manager(), e, pipeline)
	if err != nil {
		return nil, err
	}
	ctx = sink.Manager().CountingContext(ctx)
	start := time.Now()
	cur, err := r.d.db.Collection(in.coll).Aggregate(r.ctx(ctx), pipeline)
	if err != nil {
		r.d.log.log(ctx, "aggregate", in.coll, pipeline, start, -1, err)
		return nil, fmt.Errorf("gomikro: aggregate %s: %w", e.Name, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	out := []*T{}
	keys := refKeys{}
	for cur.Next(ctx) {
		obj := sink.Alloc(e)
		if err := m.drv.decodeDoc(in, cur.Current, obj, sink, keys); err != nil {
			return nil, err
		}
		if _, err := cur.Current.LookupErr(idField); err != nil {
			return nil, fmt.Errorf("gomikro: aggregate %s: a result without _id is not a %s document; use AggregateAs", e.Name, e.Name)
		}
		p, err := sink.Row(e, obj)
		if err != nil {
			return nil, err
		}
		out = append(out, (*T)(p))
	}
	err = cur.Err()
	r.d.log.log(ctx, "aggregate", in.coll, pipeline, start, int64(len(out)), err)
	if err != nil {
		return nil, fmt.Errorf("gomikro: aggregate %s: %w", e.Name, err)
	}
	if err := sink.Finish(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// Pipeline is a shorthand for an aggregation pipeline.
type Pipeline = []bson.D
