package integration

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// Postgres returns an ORM on a fresh BackendPostgres database holding the
// tables of cfg.Entities (cfg.DSN is ignored), closed and dropped when
// the test ends. The database is a clone of a template database that
// holds the schema, built once per server and set of entities.
func Postgres(tb testing.TB, cfg gomikro.Config, opts ...Option) *sqlem.ORM {
	tb.Helper()
	s := server(tb, BackendPostgres, opts)
	a := s.admin.(*pgAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tpl, err := a.template(ctx, cfg)
	if err != nil {
		tb.Fatalf("integration: postgres: template database: %v", err)
	}
	name := newName()
	if err := a.exec(ctx, "CREATE DATABASE "+quotePG(name)+" TEMPLATE "+quotePG(tpl)); err != nil {
		tb.Fatalf("integration: postgres: clone %s: %v", tpl, err)
	}
	dropLater(tb, s, name)
	cfg.DSN, err = a.dsnFor(name)
	if err != nil {
		tb.Fatal(err)
	}
	orm, err := postgres.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("integration: postgres: %v", err)
	}
	tb.Cleanup(func() { _ = orm.Close() })
	return orm
}

// PostgresDSN returns the DSN of a fresh, empty BackendPostgres database,
// dropped when the test ends.
func PostgresDSN(tb testing.TB, opts ...Option) string {
	tb.Helper()
	_, dsn := fresh(tb, server(tb, BackendPostgres, opts))
	return dsn
}

func startPostgres(ctx context.Context, o *options) (*Server, error) {
	cs := append([]testcontainers.ContainerCustomizer{
		tcpostgres.WithDatabase("test"),
		tcpostgres.WithUsername("postgres"),
		tcpostgres.WithPassword("postgres"),
	}, common(BackendPostgres, o, "5432/tcp")...)
	c, err := tcpostgres.Run(ctx, o.image, cs...)
	s := &Server{Backend: BackendPostgres, Image: o.image}
	if c != nil {
		s.Container = c
	}
	if err != nil {
		return s, err
	}
	if s.DSN, err = c.ConnectionString(ctx, "sslmode=disable"); err != nil {
		return s, err
	}
	if err := waitReady(ctx, func(ctx context.Context) error {
		conn, err := pgx.Connect(ctx, s.DSN)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		return conn.Ping(ctx)
	}); err != nil {
		return s, err
	}
	s.admin, err = newPostgresAdmin(ctx, s.DSN)
	return s, err
}

// pgAdmin creates, clones and drops databases on one BackendPostgres server.
type pgAdmin struct {
	dsn  string
	pool *pgxpool.Pool

	mu        sync.Mutex
	templates map[string]*pgTemplate
}

type pgTemplate struct {
	once sync.Once
	name string
	err  error
}

func newPostgresAdmin(ctx context.Context, dsn string) (*pgAdmin, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = 4
	p, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	if err := p.Ping(ctx); err != nil {
		p.Close()
		return nil, err
	}
	a := &pgAdmin{dsn: dsn, pool: p, templates: map[string]*pgTemplate{}}
	go a.sweep()
	return a, nil
}

// sweep drops the test databases that a killed process left behind.
func (a *pgAdmin) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := a.pool.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'gm\\_test\\_%'")
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	now := time.Now()
	for _, n := range names {
		if staleName(n, now) {
			_ = a.dropDB(ctx, n)
		}
	}
}

func (a *pgAdmin) exec(ctx context.Context, sql string, args ...any) error {
	_, err := a.pool.Exec(ctx, sql, args...)
	return err
}

func (a *pgAdmin) createDB(ctx context.Context, name string) error {
	return a.exec(ctx, "CREATE DATABASE "+quotePG(name))
}

func (a *pgAdmin) dropDB(ctx context.Context, name string) error {
	return a.exec(ctx, "DROP DATABASE IF EXISTS "+quotePG(name)+" WITH (FORCE)")
}

func (a *pgAdmin) close() error { a.pool.Close(); return nil }

// dsnFor returns the server's DSN with the database replaced.
func (a *pgAdmin) dsnFor(name string) (string, error) {
	if strings.HasPrefix(a.dsn, "postgres://") || strings.HasPrefix(a.dsn, "postgresql://") {
		u, err := url.Parse(a.dsn)
		if err != nil {
			return "", err
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// key=value form: a later key wins.
	return a.dsn + " dbname=" + name, nil
}

// template returns the name of a database holding the schema of cfg's
// entities, creating it on first use. Its name is a hash of the DDL, so
// that every process (and every run, on a server that is kept) agrees on
// it; an advisory lock keeps two processes from building it at once.
// Nobody may connect to it, so that cloning it never waits.
func (a *pgAdmin) template(ctx context.Context, cfg gomikro.Config) (string, error) {
	ddl, err := postgresDDL(cfg)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(ddl))
	name := "gm_tpl_" + hex.EncodeToString(sum[:8])
	a.mu.Lock()
	t := a.templates[name]
	if t == nil {
		t = &pgTemplate{name: name}
		a.templates[name] = t
	}
	a.mu.Unlock()
	t.once.Do(func() { t.err = a.buildTemplate(ctx, cfg, name, int64(binary.BigEndian.Uint64(sum[:8]))) })
	return t.name, t.err
}

func (a *pgAdmin) buildTemplate(ctx context.Context, cfg gomikro.Config, name string, key int64) error {
	conn, err := a.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// Built under another name and renamed when complete: a process that
	// dies half way leaves no template that looks finished.
	building := newName()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+quotePG(building)); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+quotePG(building)+" WITH (FORCE)")
		}
	}()
	dsn, err := a.dsnFor(building)
	if err != nil {
		return err
	}
	orm, err := postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: cfg.Entities, Naming: cfg.Naming, MaxConns: 1})
	if err != nil {
		return err
	}
	err = orm.Schema().CreateSchema(ctx)
	if cerr := orm.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+quotePG(building)+" RENAME TO "+quotePG(name)); err != nil {
		return err
	}
	ok = true
	_, err = conn.Exec(ctx, "ALTER DATABASE "+quotePG(name)+" WITH ALLOW_CONNECTIONS false")
	return err
}

// postgresDDL renders the CREATE statements of cfg's entities without a
// connection.
func postgresDDL(cfg gomikro.Config) (string, error) {
	orm, err := sqlem.Open(gomikro.Config{Entities: cfg.Entities, Naming: cfg.Naming}, postgres.Dialect{}, offline{})
	if err != nil {
		return "", err
	}
	return strings.Join(orm.Schema().CreateSQL(), ";\n"), nil
}

// offline is a connection pool that has no server: rendering DDL needs
// none.
type offline struct{}

var errOffline = errors.New("integration: no connection (DDL rendering only)")

func (offline) Query(context.Context, string, ...any) (sqlem.Rows, error) { return nil, errOffline }
func (offline) Exec(context.Context, string, ...any) (int64, error)       { return 0, errOffline }
func (offline) Conn(context.Context) (sqlem.Conn, error)                  { return nil, errOffline }
func (offline) Ping(context.Context) error                                { return errOffline }
func (offline) Close() error                                              { return nil }

func quotePG(name string) string { return pgx.Identifier{name}.Sanitize() }
