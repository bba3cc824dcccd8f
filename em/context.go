package em

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrNoScope is matched by the error of a backend's FromContext
// (sqlem.FromContext, mongoem.FromContext) when the context carries no
// EntityManager of that backend: the handler is not behind the ORM's
// Middleware, or the context did not come from the request.
var ErrNoScope = errors.New("gomikro: the context carries no EntityManager")

type ctxKey struct{}

// scope is one EntityManager a context carries; outer is the one of the
// enclosing context, so that the forks of two ORMs (an SQL and a MongoDB
// one) can ride in one request.
type scope struct {
	m     Manager
	outer *scope
}

// WithContext returns a context carrying m (for an HTTP handler, use the
// ORM's Middleware instead). Handlers and the code they call get it back
// with their backend's FromContext, backend-agnostic code (hooks) with
// this package's FromContext. Operations on the global EntityManager that
// take such a context run on m; see EntityManager for the rule.
func WithContext(ctx context.Context, m Manager) context.Context {
	if m == nil {
		return ctx
	}
	outer, _ := ctx.Value(ctxKey{}).(*scope)
	return context.WithValue(ctx, ctxKey{}, &scope{m: m, outer: outer})
}

// FromContext returns the core of the innermost EntityManager ctx
// carries, or nil when it carries none. It is the backend-agnostic
// lookup, for lifecycle hooks and subscribers; a handler gets its typed
// fork with its backend's FromContext (sqlem.FromContext,
// mongoem.FromContext), which also says why when there is none.
func FromContext(ctx context.Context) *EntityManager {
	if s, _ := ctx.Value(ctxKey{}).(*scope); s != nil {
		return s.m.manager()
	}
	return nil
}

// Lookup returns the innermost EntityManager ctx carries for which match
// reports true, as it was stored (a backend's typed EntityManager, or a
// core one). Backends build their typed FromContext on it.
func Lookup(ctx context.Context, match func(Manager) bool) (Manager, bool) {
	for s, _ := ctx.Value(ctxKey{}).(*scope); s != nil; s = s.outer {
		if match(s.m) {
			return s.m, true
		}
	}
	return nil, false
}

// forkOf returns the fork of m's ORM that ctx carries (the innermost
// one), or nil.
func (m *EntityManager) forkOf(ctx context.Context) *EntityManager {
	if ctx == nil {
		return nil
	}
	for s, _ := ctx.Value(ctxKey{}).(*scope); s != nil; s = s.outer {
		if f := s.m.manager(); f.c == m.c && !f.global {
			return f
		}
	}
	return nil
}

// Middleware returns HTTP middleware that forks m for every request and
// puts the fork in the request's context. The backends' ORMs have their
// own (sqlem.ORM.Middleware, mongoem.ORM.Middleware), which store the
// typed fork; prefer those.
func Middleware(m Manager) func(http.Handler) http.Handler {
	base := m.manager()
	return MiddlewareFunc(func() Manager { return base.Fork() })
}

// Scoped is a backend's FromContext: it returns the fork in ctx whose
// driver is a D (the backend's driver type), as the backend's manager
// type M — the one stored if it is an M already, otherwise wrap of its
// core and driver. When ctx carries none, the error matches ErrNoScope
// and names the backend ("an SQL", "a MongoDB").
func Scoped[M Manager, D Driver](ctx context.Context, backend string, wrap func(*EntityManager, D) M) (M, error) {
	var zero M
	if ctx == nil {
		return zero, fmt.Errorf("%w: nil context", ErrNoScope)
	}
	found, ok := Lookup(ctx, func(m Manager) bool {
		_, ok := Core(m).Driver().(D)
		return ok
	})
	if !ok {
		return zero, fmt.Errorf("%w of %s ORM: serve the handler through orm.Middleware(), "+
			"or put a fork in the context with em.WithContext(ctx, orm.EM().Fork())", ErrNoScope, backend)
	}
	if m, ok := found.(M); ok {
		return m, nil
	}
	core := Core(found)
	d, _ := core.Driver().(D)
	return wrap(core, d), nil
}

// MiddlewareFunc returns HTTP middleware that calls fork for every request
// and puts the EntityManager it returns in the request's context. After
// the handler returns (or panics), a transaction it started with Begin and
// left open is rolled back, so that it cannot keep a connection. Backends
// build their ORM's Middleware on it.
func MiddlewareFunc(fork func() Manager) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f := fork()
			defer f.manager().abandon(r.Context())
			next.ServeHTTP(w, r.WithContext(WithContext(r.Context(), f)))
		})
	}
}

// abandon rolls back the transactions Begin started on m and nobody ended.
func (m *EntityManager) abandon(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for m.tx != nil && len(m.txStack) > 0 {
		if err := m.Rollback(ctx); err != nil {
			return
		}
	}
}
