package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// DefaultSeed is the seed of a factory's random source unless WithSeed
// sets another: a program makes the same objects every time it runs.
const DefaultSeed uint64 = 1

// Factory makes objects of the entity type T from a definition: Make
// builds them, Create also persists and flushes them. Its values and
// methods are not safe for concurrent use, as an EntityManager is not.
//
// WithSeed and Each return a new Factory and leave the receiver as it
// was. A factory made by Each shares its receiver's sequence and random
// source, so that unique values stay unique across both; WithSeed starts
// a sequence and random source of its own.
type Factory[T any] struct {
	define func(g *Gen) T
	each   []func(g *Gen, obj *T)
	st     *state
}

// state is a factory's sequence and random source.
type state struct {
	n    int
	seed uint64
	r    *rand.Rand
}

func newState(seed uint64) *state {
	return &state{seed: seed, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// NewFactory returns a factory whose objects start as define returns
// them. define gets the object's sequence number and the random source
// in g; it should return an object that is valid as it is (every
// required field set, unique fields unique by g.N or g.Email), so that
// Create(ctx, m, n) with no overrides succeeds. A relation to an entity
// of another factory is set here with that factory's MakeOne: Create
// persists it along (cascade persist).
func NewFactory[T any](define func(g *Gen) T) *Factory[T] {
	return &Factory[T]{define: define, st: newState(DefaultSeed)}
}

// WithSeed returns a copy of f with its own sequence (from 1) and random
// source seeded with seed.
func (f *Factory[T]) WithSeed(seed uint64) *Factory[T] {
	c := *f
	c.st = newState(seed)
	return &c
}

// Each returns a copy of f that calls fn for every object it makes,
// after the definition and the overrides: to fill a 1:m or m:n
// collection from another factory, or to pick a related entity from a
// given set (Pick). The copy shares f's sequence and random source.
func (f *Factory[T]) Each(fn func(g *Gen, obj *T)) *Factory[T] {
	c := *f
	c.each = append(f.each[:len(f.each):len(f.each)], fn) // never shares a backing array
	return &c
}

// Make returns n new objects, not persisted: each is the definition's
// object with the overrides applied in order, then the Each hooks.
func (f *Factory[T]) Make(n int, overrides ...func(obj *T)) []*T {
	if n <= 0 {
		return nil
	}
	out := make([]*T, n)
	for i := range out {
		out[i] = f.make(overrides)
	}
	return out
}

// MakeOne returns one new object, not persisted.
func (f *Factory[T]) MakeOne(overrides ...func(obj *T)) *T { return f.make(overrides) }

func (f *Factory[T]) make(overrides []func(*T)) *T {
	f.st.n++
	g := &Gen{N: f.st.n, r: f.st.r}
	obj := new(T)
	if f.define != nil {
		*obj = f.define(g)
	}
	for _, o := range overrides {
		if o != nil {
			o(obj)
		}
	}
	for _, fn := range f.each {
		fn(g, obj)
	}
	return obj
}

// Create makes n objects as Make does, persists them in m (with the
// related new objects they reach) and flushes m. When the flush fails the
// objects stay persisted in m, as after Persist and a failed Flush: fix
// them and flush again, or Clear m.
func (f *Factory[T]) Create(ctx context.Context, m em.Manager, n int, overrides ...func(obj *T)) ([]*T, error) {
	if isNil(m) {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("seed: Create %s: nil EntityManager", typeName[T]())}
	}
	objs := f.Make(n, overrides...)
	if len(objs) == 0 {
		return objs, nil
	}
	all := make([]any, len(objs))
	for i, o := range objs {
		all[i] = o
	}
	c := em.Core(m)
	if err := c.Persist(all...); err != nil {
		return nil, &seedError{name: fmt.Sprintf("Create %d %s", n, typeName[T]()), err: err}
	}
	if err := c.Flush(ctx); err != nil {
		return nil, &seedError{name: fmt.Sprintf("Create %d %s", n, typeName[T]()), err: err}
	}
	return objs, nil
}

// CreateOne makes one object, persists it in m and flushes m.
func (f *Factory[T]) CreateOne(ctx context.Context, m em.Manager, overrides ...func(obj *T)) (*T, error) {
	objs, err := f.Create(ctx, m, 1, overrides...)
	if err != nil {
		return nil, err
	}
	return objs[0], nil
}

func typeName[T any]() string { return reflect.TypeFor[T]().Name() }

// isNil reports whether m is nil or a nil pointer.
func isNil(m em.Manager) bool {
	if m == nil {
		return true
	}
	v := reflect.ValueOf(m)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
