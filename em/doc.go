// Package em is gomikro's driver-agnostic EntityManager: the unit of work
// over an identity map, with change tracking, typed finders, populate,
// lifecycle hooks, flush subscribers and transactions.
//
// Go methods cannot take type parameters, so typed operations are generic
// functions over a Manager — an *EntityManager or a backend's
// EntityManager that embeds one:
//
//	m := orm.EM().Fork()
//	a := &Author{Name: "Ann"}
//	err := m.Persist(a, &Book{Title: "Go", Author: ref.To(a)})
//	err = m.Flush(ctx)
//	books, err := em.Find[Book](ctx, m, query.Eq("author.name", "Ann"), em.Populate("Author"))
//
// In an HTTP service each request gets its own fork from the ORM's
// Middleware, and handlers take it from the request's context with their
// backend's FromContext (sqlem.FromContext, mongoem.FromContext).
//
// A backend implements Driver; the core never sees SQL or BSON.
package em
