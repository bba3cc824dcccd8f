// Package repo provides Repository[T], the typed face of an EntityManager
// for one entity type. Domain services embed it:
//
//	type BookService struct{ repo.Repository[Book] }
//
//	svc := BookService{repo.Of[Book](m)}
//	b, err := svc.FindOne(ctx, query.Eq("title", "Go"), em.Populate("Author"))
package repo
