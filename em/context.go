package em

import (
	"context"
	"net/http"
)

type ctxKey struct{}

// WithContext returns a context carrying m. Operations on the global
// EntityManager that receive such a context run on m instead.
func WithContext(ctx context.Context, m Manager) context.Context {
	return context.WithValue(ctx, ctxKey{}, m.manager())
}

// FromContext returns the EntityManager ctx carries, or nil.
func FromContext(ctx context.Context) *EntityManager {
	m, _ := ctx.Value(ctxKey{}).(*EntityManager)
	return m
}

// Middleware returns HTTP middleware that forks m for every request and
// puts the fork in the request's context, so that handlers (and the
// global EntityManager) work on a unit of work of their own.
func Middleware(m Manager) func(http.Handler) http.Handler {
	base := m.manager()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f := base.Fork()
			next.ServeHTTP(w, r.WithContext(WithContext(r.Context(), f)))
		})
	}
}
