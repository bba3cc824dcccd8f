package integration

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
	"golang.org/x/sync/errgroup"
)

// ErrNoServer is returned by [Start] when a backend has neither a DSN
// variable nor a Docker engine to start a container in.
var ErrNoServer = errors.New("integration: no database server")

// Server is the database server the helpers use for one backend: a
// container, or the server of the backend's DSN variable.
type Server struct {
	// Backend is the kind of server.
	Backend Backend
	// DSN connects to the server's default database as a user that may
	// create and drop databases (a pgx connection string, a
	// go-sql-driver/mysql DSN or a mongodb:// URI).
	DSN string
	// Image is the container's image; "" for a server from the
	// environment.
	Image string
	// Container is the container; nil for a server from the environment.
	Container testcontainers.Container

	reused bool
	admin  admin
	drops  dropper
}

// dropper drops the databases of finished tests in the background: on
// PostgreSQL a DROP DATABASE waits for a checkpoint, which no test
// should wait for. [Terminate] (and so [Main]) waits for the drops.
type dropper struct {
	wg  sync.WaitGroup
	sem chan struct{}
	mu  sync.Mutex
	err error
}

func (s *Server) dropAsync(name string) {
	d := &s.drops
	d.mu.Lock()
	if d.sem == nil {
		d.sem = make(chan struct{}, 2)
	}
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.sem <- struct{}{}
		defer func() { <-d.sem }()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := s.admin.dropDB(ctx, name); err != nil {
			d.mu.Lock()
			d.err = errors.Join(d.err, fmt.Errorf("integration: %s: drop database %s: %w", s.Backend, name, err))
			d.mu.Unlock()
		}
	}()
}

// Settle waits until the databases of finished tests are dropped and
// returns the errors of those drops.
func (s *Server) Settle() error {
	s.drops.wg.Wait()
	s.drops.mu.Lock()
	defer s.drops.mu.Unlock()
	err := s.drops.err
	s.drops.err = nil
	return err
}

// External reports whether the server came from a DSN variable rather
// than a container.
func (s *Server) External() bool { return s.Container == nil }

// admin is a backend's shared administrative connection.
type admin interface {
	// createDB creates an empty database.
	createDB(ctx context.Context, name string) error
	// dropDB drops a database, cutting its connections.
	dropDB(ctx context.Context, name string) error
	// dsnFor returns a DSN of the server naming the database.
	dsnFor(name string) (string, error)
	close() error
}

type entry struct {
	once sync.Once
	srv  *Server
	err  error
}

var (
	mu      sync.Mutex
	servers = map[string]*entry{}

	dockerOnce sync.Once
	dockerErr  error
)

// Start returns the server of backend b, starting its container on the
// first call for that image in this process (later calls, from any test,
// share it): the backend's DSN variable when it is set, else a container
// when Docker answers, else an error wrapping [ErrNoServer].
func Start(ctx context.Context, b Backend, opts ...Option) (*Server, error) {
	switch b {
	case BackendPostgres, BackendMySQL, BackendMongo:
	default:
		return nil, fmt.Errorf("integration: unknown backend %q", b)
	}
	o := resolve(b, opts)
	key := string(b) + "|" + o.image
	env := os.Getenv(dsnEnv(b))
	if env != "" {
		key = string(b) + "|env|" + env
	}
	mu.Lock()
	e := servers[key]
	if e == nil {
		e = &entry{}
		servers[key] = e
	}
	mu.Unlock()
	e.once.Do(func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.timeout)
		defer cancel()
		if env != "" {
			e.srv, e.err = external(sctx, b, env)
			return
		}
		if err := dockerAvailable(); err != nil {
			e.err = fmt.Errorf("%w for %s: %s is not set and no Docker engine answers (%v)", ErrNoServer, b, dsnEnv(b), err)
			return
		}
		e.srv, e.err = startContainer(sctx, b, o)
	})
	return e.srv, e.err
}

// StartAll starts (or finds) the servers of the backends concurrently,
// with the options of the environment, and returns the first error.
func StartAll(ctx context.Context, backends ...Backend) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, b := range backends {
		g.Go(func() error {
			_, err := Start(gctx, b)
			return err
		})
	}
	return g.Wait()
}

// Main is a TestMain body: it starts the backends' servers concurrently,
// runs the tests, terminates the containers it started and returns the
// exit code.
//
//	func TestMain(m *testing.M) { os.Exit(integration.Main(m, integration.BackendPostgres, integration.BackendMongo)) }
//
// A backend without any server is no error here: its tests skip (or fail
// under GOMIKRO_REQUIRE_DOCKER=1) with the reason.
func Main(m *testing.M, backends ...Backend) int {
	if err := StartAll(context.Background(), backends...); err != nil && !errors.Is(err, ErrNoServer) {
		fmt.Fprintln(os.Stderr, err)
		Terminate()
		return 1
	}
	code := m.Run()
	if err := Terminate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// Terminate closes the shared connections and terminates the containers
// this process started, except those reused by name (see [WithReuse]),
// which other test binaries may still use. Servers asked for afterwards
// start anew.
func Terminate() error {
	mu.Lock()
	all := servers
	servers = map[string]*entry{}
	mu.Unlock()
	var errs []error
	for _, e := range all {
		s := e.srv
		if s == nil {
			continue
		}
		if s.admin != nil {
			errs = append(errs, s.Settle(), s.admin.close())
		}
		if s.Container != nil && !s.reused {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			errs = append(errs, s.Container.Terminate(ctx))
			cancel()
		}
	}
	return errors.Join(errs...)
}

// dockerAvailable reports, once per process, why no Docker engine answers.
func dockerAvailable() error {
	dockerOnce.Do(func() { dockerErr = dockerCheck() })
	return dockerErr
}

// dockerCheck asks testcontainers-go for its Docker engine; tests replace it.
var dockerCheck = func() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return p.Health(ctx)
}

// server returns the backend's server for a test, skipping or failing
// the test when there is none.
func server(tb testing.TB, b Backend, opts []Option) *Server {
	tb.Helper()
	s, err := Start(context.Background(), b, opts...)
	if err == nil {
		return s
	}
	if errors.Is(err, ErrNoServer) {
		msg := fmt.Sprintf("%v.\nInstall Docker (or Podman with its Docker socket) so that testcontainers-go can start %s, "+
			"or set %s to a server where this user may create databases. %s=1 makes this a failure instead of a skip.",
			err, defaultImage(b), dsnEnv(b), RequireDockerEnv)
		if required() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	tb.Fatalf("integration: %s: %v", b, err)
	return nil
}

// common are the customizers of every container.
func common(b Backend, o *options, port string) []testcontainers.ContainerCustomizer {
	cs := []testcontainers.ContainerCustomizer{
		testcontainers.WithLabels(map[string]string{Label: "true", Label + ".backend": string(b)}),
		// Nothing in a database container needs outside names; a DNS
		// server that answers nothing keeps every lookup on the machine.
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) { hc.DNS = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})} }),
	}
	w := o.wait
	if w == nil {
		// The mapped port exists; readiness proper is a ping through the
		// backend's driver, after Run (see waitReady), which also covers
		// a container reused from another process.
		w = wait.ForListeningPort(port).SkipInternalCheck()
		if b == BackendMySQL {
			// The official images' and Debian's servers all print the
			// port once they listen on the network; the first server of
			// an image's initialisation prints "port: 0".
			w = wait.ForAll(w, wait.ForLog("port: 3306 "))
		}
	}
	cs = append(cs, testcontainers.WithWaitStrategyAndDeadline(o.timeout, w))
	if o.reused() {
		h := sha256.Sum256([]byte(o.image + "|" + o.mongoReplicaSet()))
		cs = append(cs, testcontainers.WithReuseByName(fmt.Sprintf("gomikro-%s-%s", b, hex.EncodeToString(h[:6]))))
	}
	return append(cs, o.customize...)
}

// startContainer runs the backend's container and waits until it answers.
// A reused container is named, and test processes running side by side
// (go test runs packages in parallel) may create or replace it at the
// same moment, which testcontainers reports as a missing or conflicting
// container: such a start is tried again, up to three times.
func startContainer(ctx context.Context, b Backend, o *options) (*Server, error) {
	var (
		s   *Server
		err error
	)
	for attempt := 1; ; attempt++ {
		switch b {
		case BackendPostgres:
			s, err = startPostgres(ctx, o)
		case BackendMySQL:
			s, err = startMySQL(ctx, o)
		default:
			s, err = startMongo(ctx, o)
		}
		if err == nil || !o.reused() || attempt == 3 || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
		}
	}
	if s != nil {
		s.reused = o.reused()
	}
	if err != nil {
		if s != nil && s.Container != nil && !s.reused {
			_ = s.Container.Terminate(context.WithoutCancel(ctx))
		}
		return nil, fmt.Errorf("integration: start %s (%s): %w", b, o.image, err)
	}
	return s, nil
}

// external connects to the server of a DSN variable.
func external(ctx context.Context, b Backend, dsn string) (*Server, error) {
	s := &Server{Backend: b, DSN: dsn}
	var err error
	switch b {
	case BackendPostgres:
		s.admin, err = newPostgresAdmin(ctx, dsn)
	case BackendMySQL:
		s.admin, err = newMySQLAdmin(ctx, dsn)
	default:
		s.admin, err = newMongoAdmin(ctx, dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("integration: %s: %w", dsnEnv(b), err)
	}
	return s, nil
}

// waitReady calls ping until it succeeds or ctx ends.
func waitReady(ctx context.Context, ping func(context.Context) error) error {
	var last error
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		last = ping(pctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last: %v)", ctx.Err(), last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// testPrefix starts the name of every database made for a test.
const testPrefix = "gm_test_"

// newName returns a fresh database name holding its creation time, so
// that databases a killed process never dropped can be told from those
// of tests still running (see staleName).
func newName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return testPrefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b)
}

// staleAfter is the age past which a test database is taken as left over.
const staleAfter = 6 * time.Hour

// staleName reports whether name is a test database older than staleAfter.
func staleName(name string, now time.Time) bool {
	rest, ok := strings.CutPrefix(name, testPrefix)
	if !ok {
		return false
	}
	ts, _, ok := strings.Cut(rest, "_")
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	return now.Sub(time.Unix(sec, 0)) > staleAfter
}

// fresh creates an empty database on s for the test and drops it when
// the test ends; it returns the database's name and DSN.
func fresh(tb testing.TB, s *Server) (name, dsn string) {
	tb.Helper()
	name = newName()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.admin.createDB(ctx, name); err != nil {
		tb.Fatalf("integration: %s: create database %s: %v", s.Backend, name, err)
	}
	dropLater(tb, s, name)
	dsn, err := s.admin.dsnFor(name)
	if err != nil {
		tb.Fatalf("integration: %s: %v", s.Backend, err)
	}
	return name, dsn
}

// dropLater drops the database once the test has ended (see dropper).
func dropLater(tb testing.TB, s *Server, name string) {
	tb.Cleanup(func() { s.dropAsync(name) })
}
