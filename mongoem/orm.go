package mongoem

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// DefaultDatabase is the database used when the URI names none.
const DefaultDatabase = "gomikro"

// ORM is an open MongoDB backend: the client, the metadata and the global
// EntityManager.
type ORM struct {
	drv *driver
	em  *EntityManager
	// replicas are the read replicas' drivers (Config.Replicas).
	replicas []*driver
	// uri, hosts and timeout are for CheckConnection.
	uri     string
	hosts   []string
	timeout time.Duration
}

// Open connects to the MongoDB server of cfg.DSN (a mongodb:// URI; the
// database is the URI's path, DefaultDatabase when it has none) and
// returns the ORM for cfg.Entities. It checks the connection, bounded by
// cfg.ConnectTimeout (DefaultConnectTimeout when zero), and asks the
// server whether it runs transactions.
func Open(ctx context.Context, cfg gomikro.Config) (*ORM, error) {
	reg, err := meta.NewRegistry(cfg.Naming, cfg.Entities...)
	if err != nil {
		return nil, err
	}
	if err := checkIndexOpts(reg); err != nil {
		return nil, err
	}
	for _, e := range reg.Entities() {
		if in := e.Inheritance; in != nil && in.Strategy == meta.TablePerType && in.Parent != nil {
			// The embedded base's field is named after its type.
			return nil, &meta.Error{Entity: e.Name, Field: in.Parent.Type.Name(),
				Msg: "table-per-type inheritance (tpt) is for SQL databases; MongoDB stores a hierarchy in one collection: drop tpt"}
		}
	}
	blockSize, err := keyBlockSize(cfg.KeyBlockSize)
	if err != nil {
		return nil, err
	}
	cs, err := connstring.ParseAndValidate(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("gomikro: mongo URI: %w", err)
	}
	dbName := cs.Database
	if dbName == "" {
		dbName = DefaultDatabase
	}
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	if cs.Scheme != connstring.SchemeMongoDBSRV {
		if err := dialAny(ctx, cs.Hosts, timeout); err != nil {
			return nil, fmt.Errorf("gomikro: mongo: connect: %s: %w", connReason(cs.Hosts, timeout, err), err)
		}
	}
	opts := options.Client().ApplyURI(cfg.DSN).SetConnectTimeout(timeout).SetServerSelectionTimeout(timeout)
	if cfg.MaxConns > 0 {
		opts.SetMaxPoolSize(uint64(cfg.MaxConns))
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("gomikro: connect: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	db := client.Database(dbName)
	tx, ferret, err := serverInfo(cctx, db)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("gomikro: mongo: connect: %s: %w", connReason(cs.Hosts, timeout, err), err)
	}
	drv := &driver{client: client, db: db, reg: reg, log: newQueryLogger(cfg.Logger, cfg.MaskParams, cfg.SlowQuery),
		tx: tx, ferret: ferret, info: map[*meta.Entity]*entInfo{},
		arrayOf: map[*meta.Pivot]*meta.Field{}, refsTo: map[*meta.Entity][]*meta.Field{}}
	for _, e := range reg.Entities() {
		drv.info[e] = newEntInfo(e, reg.Naming())
	}
	for _, e := range reg.Tables() {
		if drv.info[e] == nil { // one collection of an inheritance hierarchy
			drv.info[e] = newEntInfo(e, reg.Naming())
		}
	}
	drv.keys = newKeyBlocks(drv.info, blockSize)
	for _, e := range reg.Entities() {
		for _, f := range e.Columns {
			if f.Storage == meta.StoreRef {
				drv.refsTo[f.Rel.Target] = append(drv.refsTo[f.Rel.Target], f)
			}
		}
		for _, f := range drv.info[e].arrays {
			drv.arrayOf[f.Rel.Pivot] = f
			drv.refsTo[f.Rel.Target] = append(drv.refsTo[f.Rel.Target], f)
		}
	}
	if err := drv.checkReads(); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	core, err := em.New(reg, drv, cfg)
	if err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	o := &ORM{drv: drv, em: &EntityManager{EntityManager: core, drv: drv}, uri: cfg.DSN, hosts: cs.Hosts, timeout: timeout}
	if err := o.connectReplicas(ctx, cfg, timeout); err != nil {
		_ = o.Close()
		return nil, err
	}
	return o, nil
}

// connectReplicas connects to the read replicas of cfg.Replicas: each
// URI names a server and a database (DefaultDatabase when none) holding
// a copy of the primary's collections.
func (o *ORM) connectReplicas(ctx context.Context, cfg gomikro.Config, timeout time.Duration) error {
	if len(cfg.Replicas) == 0 {
		return nil
	}
	rs := make([]em.Session, 0, len(cfg.Replicas))
	for i, uri := range cfg.Replicas {
		cs, err := connstring.ParseAndValidate(uri)
		if err != nil {
			return fmt.Errorf("gomikro: replica %d: mongo URI: %w", i, err)
		}
		name := cs.Database
		if name == "" {
			name = DefaultDatabase
		}
		fail := func(err error) error {
			return fmt.Errorf("gomikro: replica %d (%s): mongo: connect: %s: %w", i, strings.Join(cs.Hosts, ","), connReason(cs.Hosts, timeout, err), err)
		}
		if cs.Scheme != connstring.SchemeMongoDBSRV {
			if err := dialAny(ctx, cs.Hosts, timeout); err != nil {
				return fail(err)
			}
		}
		opts := options.Client().ApplyURI(uri).SetConnectTimeout(timeout).SetServerSelectionTimeout(timeout)
		if cfg.MaxConns > 0 {
			opts.SetMaxPoolSize(uint64(cfg.MaxConns))
		}
		client, err := mongo.Connect(opts)
		if err != nil {
			return fail(err)
		}
		r := *o.drv
		r.client, r.db = client, client.Database(name)
		o.replicas = append(o.replicas, &r)
		cctx, cancel := context.WithTimeout(ctx, timeout)
		err = client.Ping(cctx, nil)
		cancel()
		if err != nil {
			return fail(err)
		}
		rs = append(rs, &r)
	}
	em.AttachReplicas(o.em, rs...)
	return nil
}

// EM returns the global EntityManager. Fork it for each unit of work; the
// global one refuses to persist and query unless
// Config.AllowGlobalContext is set or the context carries a fork.
func (o *ORM) EM() *EntityManager { return o.em }

// Registry returns the entities' metadata.
func (o *ORM) Registry() *meta.Registry { return o.drv.reg }

// Client returns the native MongoDB client.
func (o *ORM) Client() *mongo.Client { return o.drv.client }

// Database returns the native database handle the ORM works in.
func (o *ORM) Database() *mongo.Database { return o.drv.db }

// SupportsTransactions reports whether the server runs multi-document
// transactions (a replica set or a sharded cluster). Without them,
// Transactional and Begin fail with ErrNoTransactions and a flush is
// made atomic by compensation only (see the package documentation).
func (o *ORM) SupportsTransactions() bool { return o.drv.tx }

// IsFerretDB reports whether the server is FerretDB.
func (o *ORM) IsFerretDB() bool { return o.drv.ferret }

// Close disconnects the client and those of the read replicas.
func (o *ORM) Close() error {
	err := o.drv.Close()
	for _, r := range o.replicas {
		err = errors.Join(err, r.Close())
	}
	return err
}

// IsConnected reports whether the server answers.
func (o *ORM) IsConnected(ctx context.Context) bool { return o.drv.Ping(ctx) == nil }
