package sqlem

import (
	"context"
	"net/http"

	"github.com/gomikro/gomikro/em"
)

// Middleware returns HTTP middleware that gives every request a fork of
// the global EntityManager, its unit of work; handlers get it with
// FromContext:
//
//	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
//		m, err := sqlem.FromContext(r.Context())
//		if err != nil {
//			http.Error(w, err.Error(), http.StatusInternalServerError)
//			return
//		}
//		b, err := em.FindOne[Book](r.Context(), m, query.Eq("id", r.PathValue("id")))
//		if err != nil || b == nil {
//			http.NotFound(w, r)
//			return
//		}
//		json.NewEncoder(w).Encode(b)
//	})
//	err := http.ListenAndServe(addr, orm.Middleware()(mux))
//
// Nothing is flushed for the handler: it flushes (or runs Transactional)
// when it means to write. A transaction the handler started with Begin and
// left open is rolled back when it returns.
func (o *ORM) Middleware() func(http.Handler) http.Handler {
	return em.MiddlewareFunc(func() em.Manager { return o.em.Fork() })
}

// FromContext returns the SQL EntityManager of the request (or of the
// transaction) that ctx belongs to: the fork Middleware made for the
// request, the one given to em.WithContext, or, inside Transactional, the
// transaction's fork. It is the one way a handler, and the code it calls
// with its context, gets its unit of work. When ctx carries none, the
// error matches em.ErrNoScope and says how to get one.
func FromContext(ctx context.Context) (*EntityManager, error) {
	return em.Scoped(ctx, "an SQL", func(core *em.EntityManager, d *driver) *EntityManager {
		return &EntityManager{EntityManager: core, drv: d}
	})
}
