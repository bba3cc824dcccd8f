package sqlem

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/conncheck"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

// ORM is an open SQL backend: the connection pool, the metadata and the
// global EntityManager.
type ORM struct {
	drv *driver
	em  *EntityManager
	// replicas are the read replicas' drivers (Config.Replicas).
	replicas []*driver
	// sqldb is the database/sql handle lent to the schema tools (sync.go).
	sqldb sqlDB
}

// Open builds an ORM over a dialect and its pool, and the pools of its
// read replicas (Config.Replicas, in order). Dialect packages call it
// from their own Open; applications call postgres.Open and the like.
func Open(cfg gomikro.Config, d Dialect, pool Pool, replicas ...Pool) (*ORM, error) {
	reg, err := meta.NewRegistry(cfg.Naming, cfg.Entities...)
	if err != nil {
		return nil, err
	}
	if err := checkIndexOpts(reg, d); err != nil {
		return nil, err
	}
	drv := newDriver(d, pool, reg, newQueryLogger(cfg.Logger, cfg.MaskParams, cfg.SlowQuery))
	core, err := em.New(reg, drv, cfg)
	if err != nil {
		return nil, err
	}
	o := &ORM{drv: drv, em: &EntityManager{EntityManager: core, drv: drv}}
	if len(replicas) > 0 {
		rs := make([]em.Session, len(replicas))
		for i, p := range replicas {
			r := newDriver(d, p, reg, drv.log)
			o.replicas = append(o.replicas, r)
			rs[i] = r
		}
		em.AttachReplicas(core, rs...)
	}
	return o, nil
}

// newDriver returns the driver of one pool (the primary's or a replica's).
func newDriver(d Dialect, pool Pool, reg *meta.Registry, log *queryLogger) *driver {
	drv := &driver{d: d, pool: pool, reg: reg, log: log}
	drv.poolX = log.wrap(pool)
	drv.rootS = session{drv: drv, x: drv.poolX}
	drv.conv, _ = d.(ParamConverter)
	drv.inProc = inProcess(d)
	return drv
}

// ConnectReplicas opens the pools of cfg.Replicas with connect (a
// dialect's own), in order; when one fails, it closes those opened and
// returns an error naming the replica (its index and address). Dialect
// packages call it from their Open.
func ConnectReplicas(ctx context.Context, cfg gomikro.Config, d Dialect, connect func(ctx context.Context, dsn string) (Pool, error)) ([]Pool, error) {
	var out []Pool
	for i, dsn := range cfg.Replicas {
		p, err := connect(ctx, dsn)
		if err != nil {
			for _, q := range out {
				_ = q.Close()
			}
			addr := dsn
			if a, ok := d.(Addresser); ok {
				addr = a.Address(dsn)
			}
			return nil, fmt.Errorf("gomikro: replica %d (%s): %w", i, addr, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// DSN returns the connection string the ORM was opened with.
func (o *ORM) DSN() string { return o.em.Config().DSN }

// EM returns the global EntityManager. Fork it for each unit of work; the
// global one refuses to persist and query unless
// Config.AllowGlobalContext is set or the context carries a fork.
func (o *ORM) EM() *EntityManager { return o.em }

// Registry returns the entities' metadata.
func (o *ORM) Registry() *meta.Registry { return o.drv.reg }

// Dialect returns the backend's dialect.
func (o *ORM) Dialect() Dialect { return o.drv.d }

// Schema returns the schema generator for the registered entities.
func (o *ORM) Schema() *Schema {
	return &Schema{Generator: schema.New(o.drv.reg, o.drv.d), drv: o.drv}
}

// Close closes the connection pool and those of the read replicas.
func (o *ORM) Close() error {
	o.sqldb.close()
	err := o.drv.pool.Close()
	for _, r := range o.replicas {
		err = errors.Join(err, r.pool.Close())
	}
	return err
}

// IsConnected reports whether the database answers.
func (o *ORM) IsConnected(ctx context.Context) bool { return o.drv.pool.Ping(ctx) == nil }

// ConnectionStatus is the answer of CheckConnection.
type ConnectionStatus = gomikro.ConnectionStatus

// Addresser is implemented by dialects that can name the server a DSN
// points to (host:port, or the file), for the reasons of failed checks.
type Addresser interface {
	Address(dsn string) string
}

// ConnClassifier is implemented by dialects that recognise, among
// connection errors, a server's refusal of the credentials and a
// connection closed under the driver.
type ConnClassifier interface {
	AuthFailed(err error) bool
	ConnClosed(err error) bool
}

// CheckConnection pings the database, bounded by Config.ConnectTimeout
// (10 seconds when zero) as well as by ctx, and reports why it failed.
func (o *ORM) CheckConnection(ctx context.Context) ConnectionStatus {
	timeout := o.em.Config().ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := o.drv.pool.Ping(cctx)
	if err != nil && cctx.Err() == nil {
		// A pooled connection the server (or the network) cut since its
		// last use fails at once: ask again on a fresh one.
		err = o.drv.pool.Ping(cctx)
	}
	if err == nil {
		return ConnectionStatus{OK: true}
	}
	return ConnectionStatus{Reason: ConnReason(o.drv.d, o.DSN(), timeout, err), Err: err}
}

// DefaultConnectTimeout bounds Open and CheckConnection when
// Config.ConnectTimeout is zero.
const DefaultConnectTimeout = 10 * time.Second

// ConnReason explains a failed connection to the server of dsn for
// dialect d (its address, and what happened), for Open's errors and
// CheckConnection.
func ConnReason(d Dialect, dsn string, timeout time.Duration, err error) string {
	addr := ""
	if a, ok := d.(Addresser); ok {
		addr = a.Address(dsn)
	}
	hint := conncheck.None
	if c, ok := d.(ConnClassifier); ok {
		switch {
		case c.AuthFailed(err):
			hint = conncheck.Auth
		case c.ConnClosed(err):
			hint = conncheck.Closed
		}
	}
	return conncheck.Reason(addr, timeout, err, hint)
}

// Schema creates and drops the tables of the registered entities.
type Schema struct {
	*schema.Generator
	drv *driver
}

// CreateSchema creates every table, index and foreign key.
func (s *Schema) CreateSchema(ctx context.Context) error {
	return s.run(ctx, s.CreateSQL())
}

// DropSchema drops every table of the registered entities.
func (s *Schema) DropSchema(ctx context.Context) error {
	return s.run(ctx, s.DropSQL())
}

// run executes DDL in one transaction where the dialect allows it.
func (s *Schema) run(ctx context.Context, stmts []string) error {
	c, err := s.drv.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	x := s.drv.log.wrap(c)
	tx := s.drv.d.SupportsTransactionalDDL()
	if tx {
		if _, err := x.Exec(ctx, beginSQL(s.drv.d)); err != nil {
			return err
		}
	}
	for _, st := range stmts {
		if _, err := x.Exec(ctx, st); err != nil {
			if tx {
				_, _ = x.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			}
			return fmt.Errorf("gomikro: schema: %s: %w", st, err)
		}
	}
	if tx {
		if _, err := x.Exec(ctx, "COMMIT"); err != nil {
			return err
		}
	}
	return nil
}
