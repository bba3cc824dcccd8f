package query_test

import (
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

// The model of the tests: authors write books, books carry tags.

type Author struct {
	ID    int64 `orm:"pk"`
	Name  string
	Email *string
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Year   int
	Author ref.Ref[Author]
	Tags   ref.Collection[Tag] `orm:"m:n"`
	Meta   map[string]any
}

type Tag struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books ref.Collection[Book] `orm:"mappedBy=Tags"`
}

// Item has a column of every logical type, and a nullable reference.
type Item struct {
	ID     int64 `orm:"pk"`
	Active bool
	Price  float64 `orm:"precision=10,scale=2"`
	Weight float32
	Data   []byte
	At     time.Time
	When   *time.Time
	Note   sql.NullString
	Small  int16
	Code   string
	Owner  ref.Ref[Person] `orm:"nullable"`
}

// Person and Passport are the two sides of a 1:1.
type Person struct {
	ID       int64 `orm:"pk"`
	Name     string
	Passport ref.Ref[Passport]    `orm:"1:1,mappedBy=Person"`
	Items    ref.Collection[Item] `orm:"mappedBy=Owner"`
}

type Passport struct {
	ID     int64 `orm:"pk"`
	Number string
	Person ref.Ref[Person] `orm:"1:1"`
}

var (
	regOnce     sync.Once
	books, more *meta.Registry
	regErr      error
)

func registries(t testing.TB) (*meta.Registry, *meta.Registry) {
	t.Helper()
	regOnce.Do(func() {
		books, regErr = meta.NewRegistry(nil, Author{}, Book{}, Tag{})
		if regErr == nil {
			more, regErr = meta.NewRegistry(nil, Item{}, Person{}, Passport{})
		}
	})
	if regErr != nil {
		t.Fatal(regErr)
	}
	return books, more
}

// entity returns the registered entity called name.
func entity(t testing.TB, name string) *meta.Entity {
	t.Helper()
	a, b := registries(t)
	if e, ok := a.ByName(name); ok {
		return e
	}
	if e, ok := b.ByName(name); ok {
		return e
	}
	t.Fatalf("no entity %s", name)
	return nil
}
