package shop

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/repo"
	"github.com/gomikro/gomikro/sqlem"
)

// ErrOutOfStock is returned by Order when fewer copies are left than asked.
var ErrOutOfStock = errors.New("shop: not enough copies in stock")

// Books is the domain service for books: the typed repository of its
// request's unit of work, plus what the shop does with books.
type Books struct {
	repo.Repository[Book]
	m *sqlem.EntityManager
}

// BooksOf returns the service working in m, the request's fork.
func BooksOf(m *sqlem.EntityManager) Books {
	return Books{Repository: repo.Of[Book](m), m: m}
}

// Add creates a book by an author known by name, creating the author on
// first use, and flushes.
func (s Books) Add(ctx context.Context, title string, year, stock int, author string) (*Book, error) {
	if title == "" || author == "" {
		return nil, &gomikro.ValidationError{Msg: "a book needs a title and an author"}
	}
	a, err := em.FindOne[Author](ctx, s.m, query.Eq("name", author))
	if err != nil {
		return nil, err
	}
	if a == nil {
		a = &Author{Name: author}
	}
	b := &Book{Title: title, Year: year, Stock: stock}
	b.Author.Set(a)
	if err := s.Persist(b); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// ByAuthor returns an author's books from the year since on, newest
// first, with their author loaded: one query with a join.
func (s Books) ByAuthor(ctx context.Context, author string, since int) ([]*Book, error) {
	return sqlem.QB[Book](s.m, "b").
		JoinAndSelect("b.author", "a").
		Where(query.M{"a.name": author, "b.year": query.M{"$gte": since}}).
		OrderBy("-b.year", "b.id").
		GetResult(ctx)
}

// Order sells quantity copies of book id in one transaction: the stock is
// checked and decreased and the order written together, or nothing is.
func (s Books) Order(ctx context.Context, id int64, quantity int) (*Order, error) {
	if quantity <= 0 {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("quantity %d: order at least one copy", quantity)}
	}
	var o *Order
	err := s.m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		b, err := BooksOf(tx).FindOneOrFail(ctx, query.Eq("id", id))
		if err != nil {
			return err
		}
		if b.Stock < quantity {
			return fmt.Errorf("%w: %d left of %q, %d asked", ErrOutOfStock, b.Stock, b.Title, quantity)
		}
		b.Stock -= quantity
		o = &Order{Quantity: quantity}
		o.Book.Set(b)
		return tx.Persist(o) // Transactional flushes b and o, then commits
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
