package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
)

// Open connects to PostgreSQL (cfg.DSN is a pgx connection string) and
// returns the ORM, whose EM() is a *sqlem.EntityManager. Metadata errors
// and an unreachable server are reported here, as is a read replica
// (cfg.Replicas) that cannot be reached.
func Open(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) {
	p, err := connect(ctx, cfg, cfg.DSN)
	if err != nil {
		return nil, err
	}
	reps, err := sqlem.ConnectReplicas(ctx, cfg, Dialect{}, func(ctx context.Context, dsn string) (sqlem.Pool, error) {
		return connect(ctx, cfg, dsn)
	})
	if err != nil {
		p.Close()
		return nil, err
	}
	orm, err := sqlem.Open(cfg, Dialect{}, p, reps...)
	if err != nil {
		p.Close()
		for _, r := range reps {
			_ = r.Close()
		}
		return nil, err
	}
	return orm, nil
}

// connect opens and checks the pool of the server of dsn.
func connect(ctx context.Context, cfg gomikro.Config, dsn string) (*pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("gomikro: postgres: parse DSN: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = int32(cfg.MaxConns)
	}
	pc.AfterConnect = utcTimes
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = sqlem.DefaultConnectTimeout
	}
	pc.ConnConfig.BuildContextWatcherHandler = cancelByRequest
	p, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("gomikro: postgres: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := p.Ping(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("gomikro: postgres: connect: %s: %w", sqlem.ConnReason(Dialect{}, dsn, timeout, err), err)
	}
	return &pool{exec: exec{p}, p: p}, nil
}

// cancelWait is how long a statement whose context ended waits for the
// server to confirm its cancellation before the connection is cut.
const cancelWait = 2 * time.Second

// cancelByRequest makes a cancelled context send the server a cancel
// request instead of cutting the connection at once (pgx's default): the
// statement in flight then ends with the server's own error (or finishes
// first), so a flush of one statement, which runs without a transaction,
// knows whether it was applied. The connection is cut only when the server
// does not answer within cancelWait.
func cancelByRequest(c *pgconn.PgConn) ctxwatch.Handler {
	return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelWait}
}
