package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
)

// Option changes how Open sets up the backend.
type Option func(*options)

type options struct {
	noReturning bool
	step        int64 // forced InsertIDStep when > 0; -1 forces 0
	noTVC       bool  // MySQL's UNION ALL shape on MariaDB too (tests)
}

// WithoutReturning makes gomikro read generated keys as it must on MySQL
// 8 (LAST_INSERT_ID), even on a MariaDB that has INSERT ... RETURNING.
func WithoutReturning() Option { return func(o *options) { o.noReturning = true } }

// Open connects to MySQL or MariaDB (cfg.DSN in go-sql-driver's form,
// user:password@tcp(host:port)/database) and returns the ORM, whose EM()
// is a *sqlem.EntityManager.
func Open(ctx context.Context, cfg gomikro.Config, opts ...Option) (*sqlem.ORM, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	db, d, err := connect(ctx, cfg, cfg.DSN, o)
	if err != nil {
		return nil, err
	}
	reps, err := sqlem.ConnectReplicas(ctx, cfg, d, func(ctx context.Context, dsn string) (sqlem.Pool, error) {
		r, _, err := connect(ctx, cfg, dsn, o)
		if err != nil {
			return nil, err
		}
		return sqlem.DBPool(r), nil
	})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	orm, err := sqlem.Open(cfg, d, sqlem.DBPool(db), reps...)
	if err != nil {
		_ = db.Close()
		for _, r := range reps {
			_ = r.Close()
		}
		return nil, err
	}
	return orm, nil
}

// connect opens and checks the pool of the server of dsn, and returns
// the dialect for its version.
func connect(ctx context.Context, cfg gomikro.Config, dsn string, o options) (*sql.DB, Dialect, error) {
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, Dialect{}, fmt.Errorf("gomikro: mysql: parse DSN: %w", err)
	}
	mc.ParseTime = true
	mc.Loc = time.UTC
	mc.ClientFoundRows = true
	mc.InterpolateParams = true
	if mc.Params == nil {
		mc.Params = map[string]string{}
	}
	mc.Params["time_zone"] = "'+00:00'"
	mc.Params["sql_mode"] = "'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = sqlem.DefaultConnectTimeout
	}
	if mc.Timeout == 0 {
		mc.Timeout = timeout
	}
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, Dialect{}, fmt.Errorf("gomikro: mysql: %w", err)
	}
	db := sql.OpenDB(conn)
	if cfg.MaxConns > 0 {
		db.SetMaxOpenConns(cfg.MaxConns)
	}
	db.SetMaxIdleConns(max(2, cfg.MaxConns))
	// The dial timeout does not cover a server that accepts and never
	// answers the handshake: the context bounds the whole first exchange.
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d, err := probe(pctx, db, o)
	if err != nil {
		_ = db.Close()
		return nil, Dialect{}, fmt.Errorf("gomikro: mysql: connect: %s: %w", sqlem.ConnReason(Dialect{}, dsn, timeout, err), err)
	}
	return db, d, nil
}

// probe asks the server what it can do.
func probe(ctx context.Context, db *sql.DB, o options) (Dialect, error) {
	var version string
	var step, lockMode int64
	err := db.QueryRowContext(ctx, "SELECT VERSION(), @@auto_increment_increment, @@innodb_autoinc_lock_mode").Scan(&version, &step, &lockMode)
	if err != nil {
		return Dialect{}, err
	}
	d := Dialect{step: step}
	if lockMode == 2 {
		d.step = 0
	}
	switch {
	case o.step > 0:
		d.step = o.step
	case o.step < 0:
		d.step = 0
	}
	d.returning = !o.noReturning && mariaDBReturning(version)
	d.tvc = mariaDBAtLeast(version, 10, 3) && !o.noTVC
	return d, nil
}

// mariaDBReturning reports whether a server version is MariaDB 10.5 or
// later.
func mariaDBReturning(version string) bool { return mariaDBAtLeast(version, 10, 5) }

// mariaDBAtLeast reports whether a server version is MariaDB major.minor
// or later.
func mariaDBAtLeast(version string, maj, min int) bool {
	if !strings.Contains(strings.ToLower(version), "mariadb") {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > maj || major == maj && minor >= min
}
