// Package em is gomikro's driver-agnostic EntityManager: the unit of work
// over an identity map, with change tracking, typed finders, populate,
// lifecycle hooks, flush subscribers and transactions.
//
// Go methods cannot take type parameters, so typed operations are generic
// functions over a Manager — an *EntityManager or a backend's
// EntityManager that embeds one:
//
//	em := orm.EM().Fork()
//	a := &Author{Name: "Ann"}
//	em.Persist(a, &Book{Title: "Go", Author: ref.To(a)})
//	err := em.Flush(ctx)
//	books, err := em.Find[Book](ctx, em, query.Eq("author.name", "Ann"), em.Populate("Author"))
//
// A backend implements Driver; the core never sees SQL or BSON.
package em
