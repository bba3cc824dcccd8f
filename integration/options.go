package integration

import (
	"os"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Backend names a kind of database server.
type Backend string

// The backends.
const (
	BackendPostgres Backend = "postgres"
	BackendMySQL    Backend = "mysql"
	BackendMongo    Backend = "mongo"
)

// Environment variables read by this package.
const (
	// PostgresDSNEnv, MySQLDSNEnv and MongoURIEnv name a server to use
	// instead of a container.
	PostgresDSNEnv = "GOMIKRO_POSTGRES_DSN"
	MySQLDSNEnv    = "GOMIKRO_MYSQL_DSN"
	MongoURIEnv    = "GOMIKRO_MONGO_URI"
	// PostgresImageEnv, MySQLImageEnv and MongoImageEnv replace the
	// default images ([WithImage] wins over them).
	PostgresImageEnv = "GOMIKRO_POSTGRES_IMAGE"
	MySQLImageEnv    = "GOMIKRO_MYSQL_IMAGE"
	MongoImageEnv    = "GOMIKRO_MONGO_IMAGE"
	// RequireDockerEnv=1 turns "no server" into a test failure instead
	// of a skip; so does RequireDBEnv=1, the variable of gomikro's own
	// tests.
	RequireDockerEnv = "GOMIKRO_REQUIRE_DOCKER"
	RequireDBEnv     = "GOMIKRO_REQUIRE_DB"
	// ReuseEnv=1 makes containers reused by name across test binaries
	// (and runs), =0 never; unset, they are reused when
	// TESTCONTAINERS_RYUK_DISABLED=true, when nothing would reap them.
	ReuseEnv = "GOMIKRO_CONTAINER_REUSE"
	// MongoReplicaSetEnv names the replica set the mongo container runs
	// as; "none" runs a standalone server.
	MongoReplicaSetEnv = "GOMIKRO_MONGO_REPLICA_SET"
)

// Default images.
const (
	DefaultPostgresImage = "postgres:16-alpine"
	DefaultMySQLImage    = "mysql:8.4"
	DefaultMongoImage    = "mongo:7"
)

// Label is put on every container this package starts (with the value
// "true"), so that CI can remove them all.
const Label = "dev.gomikro.integration"

// Option configures the container of one backend. The options of the
// first caller that starts a given image decide; later callers asking
// for the same image share that container.
type Option func(*options)

type options struct {
	image      string
	wait       wait.Strategy
	customize  []testcontainers.ContainerCustomizer
	replicaSet *string
	reuse      *bool
	timeout    time.Duration
}

// WithImage replaces the backend's image (and the GOMIKRO_*_IMAGE
// variable).
func WithImage(image string) Option { return func(o *options) { o.image = image } }

// WithWaitStrategy replaces the default readiness check (the mapped port
// answers and the server answers a ping through its Go driver).
func WithWaitStrategy(s wait.Strategy) Option { return func(o *options) { o.wait = s } }

// WithContainerOptions passes testcontainers customizers (environment,
// command line, host config, ...) to the module's Run, after this
// package's own.
func WithContainerOptions(c ...testcontainers.ContainerCustomizer) Option {
	return func(o *options) { o.customize = append(o.customize, c...) }
}

// WithReplicaSet runs the mongo container as a one-node replica set of
// that name (the default, "rs0", for images other than FerretDB), or as a
// standalone server when name is "".
func WithReplicaSet(name string) Option { return func(o *options) { o.replicaSet = &name } }

// WithReuse says whether the container is reused by name across test
// binaries and runs (see ReuseEnv); a reused container is not terminated
// by [Terminate].
func WithReuse(reuse bool) Option { return func(o *options) { o.reuse = &reuse } }

// WithStartupTimeout bounds how long a container may take to become
// ready (default 3 minutes).
func WithStartupTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

func resolve(b Backend, opts []Option) *options {
	o := &options{timeout: 3 * time.Minute}
	for _, f := range opts {
		f(o)
	}
	if o.image == "" {
		o.image = os.Getenv(imageEnv(b))
	}
	if o.image == "" {
		o.image = defaultImage(b)
	}
	return o
}

func (o *options) reused() bool {
	if o.reuse != nil {
		return *o.reuse
	}
	switch os.Getenv(ReuseEnv) {
	case "1", "true":
		return true
	case "0", "false":
		return false
	}
	return strings.EqualFold(os.Getenv("TESTCONTAINERS_RYUK_DISABLED"), "true")
}

func (o *options) mongoReplicaSet() string {
	if o.replicaSet != nil {
		return *o.replicaSet
	}
	if v := os.Getenv(MongoReplicaSetEnv); v != "" {
		if v == "none" {
			return ""
		}
		return v
	}
	if strings.Contains(strings.ToLower(o.image), "ferretdb") {
		return ""
	}
	return "rs0"
}

func imageEnv(b Backend) string {
	switch b {
	case BackendPostgres:
		return PostgresImageEnv
	case BackendMySQL:
		return MySQLImageEnv
	default:
		return MongoImageEnv
	}
}

func dsnEnv(b Backend) string {
	switch b {
	case BackendPostgres:
		return PostgresDSNEnv
	case BackendMySQL:
		return MySQLDSNEnv
	default:
		return MongoURIEnv
	}
}

func defaultImage(b Backend) string {
	switch b {
	case BackendPostgres:
		return DefaultPostgresImage
	case BackendMySQL:
		return DefaultMySQLImage
	default:
		return DefaultMongoImage
	}
}

func required() bool {
	return os.Getenv(RequireDockerEnv) == "1" || os.Getenv(RequireDBEnv) == "1"
}
