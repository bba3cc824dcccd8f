package integration

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	drv "github.com/go-sql-driver/mysql"
	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/testcontainers/testcontainers-go"
	tcmariadb "github.com/testcontainers/testcontainers-go/modules/mariadb"
	tcmysql "github.com/testcontainers/testcontainers-go/modules/mysql"
)

// MySQL returns an ORM on a fresh MySQL or MariaDB database holding the
// tables of cfg.Entities (cfg.DSN is ignored), closed and dropped when
// the test ends.
func MySQL(tb testing.TB, cfg gomikro.Config, opts ...Option) *sqlem.ORM {
	tb.Helper()
	cfg.DSN = MySQLDSN(tb, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	orm, err := mysql.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("integration: mysql: %v", err)
	}
	tb.Cleanup(func() { _ = orm.Close() })
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		tb.Fatalf("integration: mysql: create schema: %v", err)
	}
	return orm
}

// MySQLDSN returns the DSN of a fresh, empty MySQL or MariaDB database
// (utf8mb4, binary collation), dropped when the test ends.
func MySQLDSN(tb testing.TB, opts ...Option) string {
	tb.Helper()
	_, dsn := fresh(tb, server(tb, BackendMySQL, opts))
	return dsn
}

// isMariaDB reports whether an image is started with the mariadb module.
func isMariaDB(image string) bool { return strings.Contains(strings.ToLower(image), "mariadb") }

func startMySQL(ctx context.Context, o *options) (*Server, error) {
	s := &Server{Backend: BackendMySQL, Image: o.image}
	var (
		c   testcontainers.Container
		dsn func(context.Context) (string, error)
		err error
	)
	if isMariaDB(o.image) {
		cs := append([]testcontainers.ContainerCustomizer{
			tcmariadb.WithDatabase("test"), tcmariadb.WithUsername("root"), tcmariadb.WithPassword("test"),
		}, common(BackendMySQL, o, "3306/tcp")...)
		var mc *tcmariadb.MariaDBContainer
		mc, err = tcmariadb.Run(ctx, o.image, cs...)
		if mc != nil {
			c = mc
			dsn = func(ctx context.Context) (string, error) { return mc.ConnectionString(ctx) }
		}
	} else {
		cs := append([]testcontainers.ContainerCustomizer{
			tcmysql.WithDatabase("test"), tcmysql.WithUsername("root"), tcmysql.WithPassword("test"),
		}, common(BackendMySQL, o, "3306/tcp")...)
		var mc *tcmysql.MySQLContainer
		mc, err = tcmysql.Run(ctx, o.image, cs...)
		if mc != nil {
			c = mc
			dsn = func(ctx context.Context) (string, error) { return mc.ConnectionString(ctx) }
		}
	}
	if c != nil {
		s.Container = c
	}
	if err != nil {
		return s, err
	}
	if s.DSN, err = dsn(ctx); err != nil {
		return s, err
	}
	a, err := newMySQLAdmin(ctx, s.DSN)
	if err != nil {
		return s, err
	}
	s.admin = a
	return s, waitReady(ctx, a.db.PingContext)
}

// myAdmin creates and drops databases on one MySQL or MariaDB server.
type myAdmin struct {
	cfg *drv.Config
	db  *sql.DB
}

func newMySQLAdmin(ctx context.Context, dsn string) (*myAdmin, error) {
	cfg, err := drv.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	ac := cfg.Clone()
	ac.DBName = ""
	conn, err := drv.NewConnector(ac)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(4)
	a := &myAdmin{cfg: cfg, db: db}
	go a.sweep()
	return a, nil
}

// sweep drops the test databases that a killed process left behind.
func (a *myAdmin) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := a.db.QueryContext(ctx, "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'gm\\_test\\_%'")
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	_ = rows.Close()
	now := time.Now()
	for _, n := range names {
		if staleName(n, now) {
			_ = a.dropDB(ctx, n)
		}
	}
}

func (a *myAdmin) createDB(ctx context.Context, name string) error {
	_, err := a.db.ExecContext(ctx, "CREATE DATABASE "+quoteMy(name)+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
	return err
}

func (a *myAdmin) dropDB(ctx context.Context, name string) error {
	_, err := a.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteMy(name))
	return err
}

func (a *myAdmin) dsnFor(name string) (string, error) {
	c := a.cfg.Clone()
	c.DBName = name
	return c.FormatDSN(), nil
}

func (a *myAdmin) close() error { return a.db.Close() }

func quoteMy(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }
