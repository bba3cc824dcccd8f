// Package model holds the bookstore's entities, shared by the
// application (examples/bookstore) and its CLI (examples/bookstore/cmd),
// as a real application keeps its model in a package of its own.
package model

import (
	"time"

	"github.com/gomikro/gomikro/ref"
)

// Author writes books.
type Author struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"length=100"`
	Email string               `orm:"unique,length=200"`
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

// Book has an author and tags.
type Book struct {
	ID        int64  `orm:"pk"`
	Title     string `orm:"length=200"`
	Author    ref.Ref[Author]
	Tags      ref.Collection[Tag] `orm:"m:n"`
	Meta      map[string]any
	CreatedAt time.Time `orm:"default=now"`
	Version   int       `orm:"version"`
}

// Tag labels books.
type Tag struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"unique,length=50"`
}

// Entities lists the entities for gomikro.Config.Entities.
func Entities() []any { return []any{Author{}, Book{}, Tag{}} }
