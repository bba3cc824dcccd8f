package integration_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	drv "github.com/go-sql-driver/mysql"
	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/repo"
	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func entities() gomikro.Config { return gomikro.Config{Entities: conformance.Entities()} }

// TestPostgresIsolation: each call gets its own database with the schema,
// and the database is gone when its test ends.
func TestPostgresIsolation(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("a", func(t *testing.T) {
		orm := integration.Postgres(t, entities())
		first = dbName(t, orm.DSN())
		m := orm.EM().Fork()
		if err := m.Persist(&conformance.Author{Name: "Ann", Email: "ann@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		other := integration.Postgres(t, entities())
		if dbName(t, other.DSN()) == first {
			t.Fatal("two calls share a database")
		}
		n, err := repo.Of[conformance.Author](other.EM().Fork()).Count(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("the second database sees %d authors of the first", n)
		}
	})
	if first == "" {
		return // skipped
	}
	s, err := integration.Start(ctx, integration.BackendPostgres)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(); err != nil { // the drops run in the background
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", first).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %s outlived its test", first)
	}
}

// TestPostgresDSN: the lower-level form hands out an empty database.
func TestPostgresDSN(t *testing.T) {
	ctx := context.Background()
	dsn := integration.PostgresDSN(t)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var tables int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("a fresh database has %d tables", tables)
	}
}

// TestMySQLIsolation: as on PostgreSQL.
func TestMySQLIsolation(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("a", func(t *testing.T) {
		orm := integration.MySQL(t, entities())
		cfg, err := drv.ParseDSN(orm.DSN())
		if err != nil {
			t.Fatal(err)
		}
		first = cfg.DBName
		m := orm.EM().Fork()
		if err := m.Persist(&conformance.Author{Name: "Ann", Email: "ann@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		other := integration.MySQL(t, entities())
		n, err := repo.Of[conformance.Author](other.EM().Fork()).Count(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("the second database sees %d authors of the first", n)
		}
	})
	if first == "" {
		return // skipped
	}
	s, err := integration.Start(ctx, integration.BackendMySQL)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(); err != nil { // the drops run in the background
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", first).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s outlived its test", first)
	}
}

// TestMongoIsolation: as on PostgreSQL, with databases.
func TestMongoIsolation(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("a", func(t *testing.T) {
		orm := integration.Mongo(t, entities())
		first = orm.Database().Name()
		m := orm.EM().Fork()
		if err := m.Persist(&conformance.Author{Name: "Ann", Email: "ann@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		other := integration.Mongo(t, entities())
		if other.Database().Name() == first {
			t.Fatal("two calls share a database")
		}
		n, err := repo.Of[conformance.Author](other.EM().Fork()).Count(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("the second database sees %d authors of the first", n)
		}
	})
	if first == "" {
		return // skipped
	}
	s, err := integration.Start(ctx, integration.BackendMongo)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(); err != nil { // the drops run in the background
		t.Fatal(err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(s.DSN))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Disconnect(ctx) }()
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	names, err := c.Database(first).ListCollectionNames(lctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 0 {
		t.Fatalf("database %s outlived its test: collections %v", first, names)
	}
}

// TestServersAreShared: one server per backend and image for the binary.
func TestServersAreShared(t *testing.T) {
	ctx := context.Background()
	for _, b := range []integration.Backend{integration.BackendPostgres, integration.BackendMySQL, integration.BackendMongo} {
		s1, err := integration.Start(ctx, b)
		if errors.Is(err, integration.ErrNoServer) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		s2, err := integration.Start(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if s1 != s2 {
			t.Errorf("%s: two servers for one image", b)
		}
		if os.Getenv(envOf(b)) == "" && s1.Container == nil {
			t.Errorf("%s: no DSN variable, yet no container", b)
		}
	}
}

// TestContainerHasNoOutsideDNS: containers resolve nothing outside.
func TestContainerHasNoOutsideDNS(t *testing.T) {
	s, err := integration.Start(context.Background(), integration.BackendPostgres)
	if errors.Is(err, integration.ErrNoServer) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.External() {
		t.Skip("PostgreSQL comes from " + integration.PostgresDSNEnv)
	}
	info, err := s.Container.Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dns := info.HostConfig.DNS
	if len(dns) != 1 || dns[0].String() != "127.0.0.1" {
		t.Fatalf("container DNS = %v, want [127.0.0.1]", dns)
	}
	if info.Config.Labels[integration.Label] != "true" {
		t.Fatalf("container labels %v lack %s", info.Config.Labels, integration.Label)
	}
}

func envOf(b integration.Backend) string {
	switch b {
	case integration.BackendPostgres:
		return integration.PostgresDSNEnv
	case integration.BackendMySQL:
		return integration.MySQLDSNEnv
	}
	return integration.MongoURIEnv
}

// helperEnv marks a child process of TestNoServer.
const helperEnv = "GOMIKRO_INTEGRATION_HELPER"

// TestNoServer: with neither a DSN nor a Docker engine a test skips and
// says what to install, and fails under GOMIKRO_REQUIRE_DOCKER=1.
func TestNoServer(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		integration.PostgresDSN(t)
		t.Log("reached past PostgresDSN")
		return
	}
	if testing.Short() {
		t.Skip("starts the test binary again")
	}
	run := func(require string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoServer$", "-test.v")
		env := []string{helperEnv + "=1", "DOCKER_HOST=unix:///nonexistent/docker.sock", integration.RequireDockerEnv + "=" + require}
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			switch k {
			case integration.PostgresDSNEnv, integration.RequireDockerEnv, integration.RequireDBEnv, "DOCKER_HOST", "TESTCONTAINERS_HOST_OVERRIDE":
				continue
			}
			env = append(env, kv)
		}
		cmd.Env = env
		// No ~/.testcontainers.properties may point elsewhere.
		cmd.Env = append(cmd.Env, "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP: TestNoServer") || !strings.Contains(out, "Install Docker") ||
		!strings.Contains(out, integration.PostgresDSNEnv) {
		t.Fatalf("without Docker: want a skip saying what to install, got err %v:\n%s", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL: TestNoServer") || strings.Contains(out, "reached past") {
		t.Fatalf("without Docker under %s=1: want a failure, got err %v:\n%s", integration.RequireDockerEnv, err, out)
	}
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}
