package conformance

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/ref"
)

// Author writes books and reviews them.
type Author struct {
	ID        int64  `orm:"pk"`
	Name      string `orm:"length=100"`
	Email     string `orm:"unique,length=200"`
	Age       *int
	Active    bool
	CreatedAt time.Time              `orm:"default=now"`
	Books     ref.Collection[Book]   `orm:"mappedBy=Author"`
	Profile   ref.Ref[Profile]       `orm:"1:1,mappedBy=Author"`
	Reviews   ref.Collection[Review] `orm:"mappedBy=Reviewer"`
}

// Profile is the owning side of a 1:1 with Author.
type Profile struct {
	ID     int64 `orm:"pk"`
	Bio    string
	Author ref.Ref[Author] `orm:"1:1"`
}

// Publisher publishes books.
type Publisher struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"unique,length=100"`
	Books ref.Collection[Book] `orm:"mappedBy=Publisher"`
}

// Book is the centre of the model: m:1, nullable m:1, m:n, JSON, version.
type Book struct {
	ID        int64   `orm:"pk"`
	Title     string  `orm:"length=200,index"`
	Price     float64 `orm:"precision=10,scale=2"`
	Year      int
	Author    ref.Ref[Author]
	Publisher ref.Ref[Publisher]  `orm:"nullable,onDelete=set null"`
	Tags      ref.Collection[Tag] `orm:"m:n"`
	Meta      map[string]any
	Version   int                    `orm:"version"`
	CreatedAt time.Time              `orm:"default=now"`
	Reviews   ref.Collection[Review] `orm:"mappedBy=Book,orphanRemoval"`
}

// Tag labels books (m:n, inverse side here).
type Tag struct {
	ID    int64                `orm:"pk"`
	Name  string               `orm:"unique,length=50"`
	Books ref.Collection[Book] `orm:"mappedBy=Tags"`
}

// Review is a pivot with its own columns: its primary key is two m:1
// references.
type Review struct {
	Book     ref.Ref[Book]   `orm:"pk"`
	Reviewer ref.Ref[Author] `orm:"pk"`
	Stars    int
	Note     *string `orm:"nullable=false,default=none"`
}

// Category is a self-referencing tree.
type Category struct {
	ID       int64                    `orm:"pk"`
	Name     string                   `orm:"length=100"`
	Parent   ref.Ref[Category]        `orm:"nullable,onDelete=set null"`
	Children ref.Collection[Category] `orm:"mappedBy=Parent,cascade=remove"`
}

// Edition has a composite primary key of plain columns.
type Edition struct {
	ISBN     string `orm:"pk,length=20"`
	Printing int    `orm:"pk"`
	Copies   int
}

// Article has lifecycle hooks.
type Article struct {
	ID      int64 `orm:"pk"`
	Title   string
	Slug    string
	Edits   int
	Deleted bool `orm:"-"`
	Loaded  bool `orm:"-"`
	Log     []string
}

// ErrBadTitle is returned by Article.BeforeCreate for an empty title.
var ErrBadTitle = errors.New("article needs a title")

// BeforeCreate derives the slug.
func (a *Article) BeforeCreate(ctx context.Context) error {
	if a.Title == "" {
		return ErrBadTitle
	}
	a.Slug = strings.ReplaceAll(strings.ToLower(a.Title), " ", "-")
	a.Log = append(a.Log, "created")
	return nil
}

// BeforeUpdate counts edits.
func (a *Article) BeforeUpdate(ctx context.Context) error {
	a.Edits++
	a.Slug = strings.ReplaceAll(strings.ToLower(a.Title), " ", "-")
	return nil
}

// AfterDelete marks the object.
func (a *Article) AfterDelete(ctx context.Context) error {
	a.Deleted = true
	return nil
}

// OnLoad marks the object.
func (a *Article) OnLoad(ctx context.Context) error {
	a.Loaded = true
	return nil
}

// Note tries to flush from its BeforeCreate hook.
type Note struct {
	ID       int64 `orm:"pk"`
	Text     string
	FlushErr error `orm:"-"`
}

// BeforeCreate calls Flush re-entrantly and keeps the error.
func (n *Note) BeforeCreate(ctx context.Context) error {
	if m := em.FromContext(ctx); m != nil {
		n.FlushErr = m.Flush(ctx)
	}
	return nil
}

// Code is a key type with a text form and no driver.Valuer, as
// bson.ObjectID or a UUID type: stored as its text (meta.StoreText).
type Code [4]byte

// MarshalText implements encoding.TextMarshaler: eight hex digits.
func (c Code) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(c[:])), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Code) UnmarshalText(b []byte) error {
	if len(b) != 2*len(c) {
		return fmt.Errorf("a code has %d hex digits, not %d", 2*len(c), len(b))
	}
	_, err := hex.Decode(c[:], b)
	return err
}

// Warehouse is keyed by a Code.
type Warehouse struct {
	Code    Code `orm:"pk"`
	Name    string
	Shelves ref.Collection[Shelf] `orm:"mappedBy=Warehouse"`
}

// Shelf references a Warehouse by its Code and has a Code of its own.
type Shelf struct {
	ID        int64 `orm:"pk"`
	Label     string
	Warehouse ref.Ref[Warehouse]
	Spare     Code `orm:"index"`
}

// Entities lists the model for Config.Entities.
func Entities() []any {
	return []any{Author{}, Profile{}, Publisher{}, Book{}, Tag{}, Review{}, Category{}, Edition{}, Article{}, Note{}, Warehouse{}, Shelf{}, Gauge{}, Sample{}, Account{}}
}

// Account has two unique keys, a version and the upsert hooks.
type Account struct {
	ID      int64  `orm:"pk"`
	Login   string `orm:"unique,length=50"`
	Email   string `orm:"unique,length=100"`
	Balance int
	Plan    *string `orm:"nullable=false,default=free,length=20"`
	Version int     `orm:"version"`
	// Hooks records the upsert hooks that ran.
	Hooks []string `orm:"-"`
}

// BeforeUpsert lower-cases the login and records the call.
func (a *Account) BeforeUpsert(ctx context.Context) error {
	if em.FromContext(ctx) == nil {
		return errors.New("BeforeUpsert without an EntityManager in its context")
	}
	a.Login = strings.ToLower(a.Login)
	a.Hooks = append(a.Hooks, "BeforeUpsert")
	return nil
}

// AfterUpsert records the call with the key the row has.
func (a *Account) AfterUpsert(ctx context.Context) error {
	a.Hooks = append(a.Hooks, fmt.Sprintf("AfterUpsert:%v", a.ID != 0))
	return nil
}
