package seed

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// Seeder persists data through m. Run gives it a fork in a transaction;
// what it persists is flushed when it returns. A seeder that needs its
// backend's EntityManager (sqlem's raw statements, say) takes it from
// ctx: sqlem.FromContext(ctx), mongoem.FromContext(ctx).
type Seeder interface {
	Run(ctx context.Context, m *em.EntityManager) error
}

// Func is a Seeder written as a function.
type Func func(ctx context.Context, m *em.EntityManager) error

// Run implements Seeder.
func (f Func) Run(ctx context.Context, m *em.EntityManager) error {
	if f == nil {
		return nil
	}
	return f(ctx, m)
}

// Call runs seeders on m one after another and flushes m after each, as
// MikroORM's DatabaseSeeder calls the application's other seeders. The
// first error stops it and is returned naming the seeder; inside Run the
// transaction then rolls back what every seeder wrote.
func Call(ctx context.Context, m *em.EntityManager, seeders ...Seeder) error {
	if m == nil {
		return &gomikro.ValidationError{Msg: "seed: Call: nil EntityManager"}
	}
	for _, s := range seeders {
		if s == nil {
			continue
		}
		if err := s.Run(ctx, m); err != nil {
			return seedErr(s, err)
		}
		if err := m.Flush(ctx); err != nil {
			return seedErr(s, err)
		}
	}
	return nil
}

// seedErr wraps a seeder's error with the seeder's name.
func seedErr(s Seeder, err error) error { return &seedError{name: nameOf(s), err: err} }

// seedError is an error of the package: what failed (a seeder's name,
// a Create) and why. Nested ones read as one path: "seed: DatabaseSeeder:
// TagSeeder: Create 5 Tag: ...".
type seedError struct {
	name string // "" for a seeder without a name
	err  error
}

func (e *seedError) Error() string { return "seed: " + e.path() }

func (e *seedError) path() string {
	rest := ""
	if in, ok := e.err.(*seedError); ok {
		rest = in.path()
	} else if e.err != nil {
		rest = e.err.Error()
	}
	if e.name == "" {
		return rest
	}
	return e.name + ": " + rest
}

func (e *seedError) Unwrap() error { return e.err }

// nameOf names a seeder in errors: its Registry name when it has one,
// else its type's name ("" for a Func, which has none of its own).
func nameOf(s Seeder) string {
	switch s := s.(type) {
	case named:
		return s.name
	case Func:
		return ""
	}
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.Name()
}

// Option is an option of Run.
type Option func(*runConfig)

type runConfig struct{ noTx bool }

// WithoutTransaction runs the seeder on a fork without a transaction,
// flushed when it returns: for a MongoDB server without transactions
// (a standalone mongod, FerretDB), where Run fails otherwise. Each flush
// is still all or nothing, but a failure leaves what earlier flushes (of
// Create, Call) wrote.
func WithoutTransaction() Option { return func(c *runConfig) { c.noTx = true } }

// Run runs s in one transaction on a fork of m and flushes and commits
// it; when s fails (or the flush does) the transaction rolls back and
// nothing s wrote stays. Inside a transaction of m it runs in a savepoint
// (em.PropagationNested).
func Run(ctx context.Context, m em.Manager, s Seeder, opts ...Option) error {
	if isNil(m) {
		return &gomikro.ValidationError{Msg: "seed: Run: nil EntityManager"}
	}
	if s == nil {
		return &gomikro.ValidationError{Msg: "seed: Run: nil Seeder"}
	}
	var c runConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	var txOpts []em.TxOption
	if c.noTx {
		txOpts = append(txOpts, em.WithPropagation(em.PropagationNotSupported))
	}
	// The seeder's own errors are named by Call; the transaction's
	// (begin, final flush, commit) are named here.
	var serr error
	err := em.Core(m).Transactional(ctx, func(ctx context.Context, tx *em.EntityManager) error {
		serr = Call(ctx, tx, s)
		return serr
	}, txOpts...)
	if err != nil && (serr == nil || !errors.Is(err, serr)) {
		err = seedErr(s, err)
	}
	return err
}

// DefaultName is the seeder the CLI runs when none is named, as
// MikroORM's DatabaseSeeder.
const DefaultName = "DatabaseSeeder"

// ErrUnknownSeeder is matched by the error of Registry.Lookup for a name
// it does not hold.
var ErrUnknownSeeder = errors.New("seed: unknown seeder")

// Registry names an application's seeders for the CLI (cli.Config.Seeders):
// seeder:run --class Name runs one, schema:fresh --seed runs
// DefaultName.
type Registry map[string]Seeder

// Lookup returns the seeder named name (DefaultName when empty). An
// unknown name fails with an error matching ErrUnknownSeeder that lists
// the names the registry holds.
func (r Registry) Lookup(name string) (Seeder, error) {
	if name == "" {
		name = DefaultName
	}
	if s, ok := r[name]; ok && s != nil {
		return named{Seeder: s, name: name}, nil
	}
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%w %q: no seeders are registered", ErrUnknownSeeder, name)
	}
	return nil, fmt.Errorf("%w %q (registered: %s)", ErrUnknownSeeder, name, strings.Join(names, ", "))
}

// Named returns s under a name, which its errors carry (a seeder's type
// name otherwise; a Func has none): for a DatabaseSeeder that Calls
// seeders written as functions.
func Named(name string, s Seeder) Seeder {
	if s == nil {
		return nil
	}
	return named{Seeder: s, name: name}
}

// named is a seeder with a name, for errors.
type named struct {
	Seeder
	name string
}
