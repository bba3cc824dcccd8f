package mongoem

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// ErrNoTransactions is matched by the error of Begin and Transactional on
// a server without multi-document transactions (a standalone mongod,
// FerretDB): see the package documentation for what is atomic there.
var ErrNoTransactions = errors.New("gomikro: this MongoDB server does not support transactions (it needs a replica set or a sharded cluster)")

// ErrNoSavepoints is matched by the error of a transaction begun inside
// another: MongoDB has no savepoints.
var ErrNoSavepoints = errors.New("gomikro: MongoDB has no savepoints: nested transactions are not supported")

// driver implements em.Driver on a MongoDB database.
type driver struct {
	client *mongo.Client
	db     *mongo.Database
	reg    *meta.Registry
	info   map[*meta.Entity]*entInfo
	log    *queryLogger
	// tx: the server runs multi-document transactions.
	tx bool
	// ferret: the server is FerretDB.
	ferret bool
	// arrayOf maps each m:n pivot to the owning field holding the array.
	arrayOf map[*meta.Pivot]*meta.Field
	// refsTo lists, per entity, the references and m:n arrays that hold
	// its keys.
	refsTo map[*meta.Entity][]*meta.Field
	// keys holds the generated integer keys reserved for each collection
	// (Config.KeyBlockSize); made at Open, then read only.
	keys map[string]*keyBlock
}

var (
	_ em.Driver = (*driver)(nil)
	_ em.Tx     = (*txSession)(nil)
)

// runner runs reads and writes, in a session's transaction when s is set.
type runner struct {
	d *driver
	s *mongo.Session
}

func (r runner) ctx(ctx context.Context) context.Context {
	if r.s == nil {
		return ctx
	}
	return mongo.NewSessionContext(ctx, r.s)
}

func (d *driver) run() runner { return runner{d: d} }

// Find implements em.Session.
func (d *driver) Find(ctx context.Context, q *em.Query, sink em.Sink) error {
	return d.run().find(ctx, q, sink)
}

// Count implements em.Session.
func (d *driver) Count(ctx context.Context, q *em.Query) (int64, error) {
	return d.run().count(ctx, q)
}

// Execute implements em.Session: in a transaction of its own when the
// server has them, else with compensating writes on failure.
func (d *driver) Execute(ctx context.Context, p *tracking.Plan) error {
	if !d.tx {
		return d.run().executeCompensated(ctx, p)
	}
	s, err := d.client.StartSession()
	if err != nil {
		return fmt.Errorf("gomikro: start session: %w", err)
	}
	defer s.EndSession(context.WithoutCancel(ctx))
	if err := s.StartTransaction(); err != nil {
		return fmt.Errorf("gomikro: start transaction: %w", err)
	}
	r := runner{d: d, s: s}
	if err := r.execute(ctx, p, nil); err != nil {
		if aerr := s.AbortTransaction(context.WithoutCancel(ctx)); aerr != nil {
			err = errors.Join(err, fmt.Errorf("gomikro: abort transaction: %w", aerr))
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		// Not sent: the transaction did not commit.
		_ = s.AbortTransaction(context.WithoutCancel(ctx))
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	if err := s.CommitTransaction(ctx); err != nil {
		return commitError(err)
	}
	return nil
}

// Begin implements em.Driver.
func (d *driver) Begin(ctx context.Context) (em.Tx, error) {
	if !d.tx {
		return nil, ErrNoTransactions
	}
	s, err := d.client.StartSession()
	if err != nil {
		return nil, fmt.Errorf("gomikro: start session: %w", err)
	}
	if err := s.StartTransaction(); err != nil {
		s.EndSession(ctx)
		return nil, fmt.Errorf("gomikro: start transaction: %w", err)
	}
	return &txSession{r: runner{d: d, s: s}}, nil
}

// Ping implements em.Driver.
func (d *driver) Ping(ctx context.Context) error { return d.client.Ping(ctx, nil) }

// Close implements em.Driver.
func (d *driver) Close() error { return d.client.Disconnect(context.Background()) }

// coll returns the collection of e.
func (d *driver) coll(e *meta.Entity) *mongo.Collection { return d.db.Collection(d.info[e].coll) }

// txSession is a transaction on a MongoDB session.
type txSession struct {
	r runner
	// readOnly refuses writes (em.ReadOnly).
	readOnly bool
}

// Find implements em.Session.
func (t *txSession) Find(ctx context.Context, q *em.Query, sink em.Sink) error {
	return t.r.find(ctx, q, sink)
}

// Count implements em.Session.
func (t *txSession) Count(ctx context.Context, q *em.Query) (int64, error) {
	return t.r.count(ctx, q)
}

// Execute implements em.Session, inside the transaction.
func (t *txSession) Execute(ctx context.Context, p *tracking.Plan) error {
	if t.readOnly {
		return errReadOnly("flush")
	}
	return t.r.execute(ctx, p, nil)
}

// Begin implements em.Tx: MongoDB has no savepoints.
func (t *txSession) Begin(ctx context.Context) (em.Tx, error) { return nil, ErrNoSavepoints }

// Commit implements em.Tx.
func (t *txSession) Commit(ctx context.Context) error {
	defer t.r.s.EndSession(context.WithoutCancel(ctx))
	if err := ctx.Err(); err != nil {
		_ = t.r.s.AbortTransaction(context.WithoutCancel(ctx))
		return fmt.Errorf("gomikro: commit: %w", err)
	}
	if err := t.r.s.CommitTransaction(ctx); err != nil {
		return commitError(err)
	}
	return nil
}

// Rollback implements em.Tx.
func (t *txSession) Rollback(ctx context.Context) error {
	defer t.r.s.EndSession(context.WithoutCancel(ctx))
	return t.r.s.AbortTransaction(ctx)
}

// serverInfo asks the server what it is: whether it runs transactions
// (a replica-set member or mongos with logical sessions) and whether it
// is FerretDB.
func serverInfo(ctx context.Context, db *mongo.Database) (tx, ferret bool, err error) {
	var hello bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return false, false, fmt.Errorf("gomikro: hello: %w", err)
	}
	var build bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&build); err == nil {
		_, ferret = build["ferretdbVersion"]
	}
	_, sessions := hello["logicalSessionTimeoutMinutes"]
	_, set := hello["setName"]
	tx = sessions && (set || hello["msg"] == "isdbgrid") && !ferret
	return tx, ferret, nil
}
