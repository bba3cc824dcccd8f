// Package shop is the HTTP example's service: entities, a domain service
// that embeds repo.Repository[Book], and net/http handlers that take their
// unit of work from the request (sqlem.FromContext) behind the ORM's
// Middleware.
package shop

import (
	"github.com/gomikro/gomikro/ref"
)

// Author writes books.
type Author struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"length=100,unique"`
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

// Book is for sale; Stock counts the copies left.
type Book struct {
	ID     int64  `orm:"pk"`
	Title  string `orm:"length=200"`
	Year   int
	Stock  int
	Author ref.Ref[Author]
}

// Order is a sale of Quantity copies of a book.
type Order struct {
	ID       int64 `orm:"pk"`
	Book     ref.Ref[Book]
	Quantity int
}

// Entities lists the entities to open the ORM with.
func Entities() []any { return []any{Author{}, Book{}, Order{}} }
