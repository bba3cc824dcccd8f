// Command cmd is the bookstore's command line: gomikro's CLI (package
// cli) over the bookstore's entities, with its migrations embedded in
// the binary, one set per dialect.
//
//	go run ./examples/bookstore/cmd schema:update --dump --dsn bookstore.db
//	go run ./examples/bookstore/cmd schema:update --run --dsn bookstore.db
//	go run ./examples/bookstore/cmd migration:up --dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	GOMIKRO_DSN='root@tcp(127.0.0.1:3306)/test' go run ./examples/bookstore/cmd migration:list
//
// The entities are those of ../main.go.
package main

import (
	"context"
	"embed"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/cli"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
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

//go:embed migrations
var migrations embed.FS

// dialect names the backend of a DSN, as ../main.go chooses it.
func dialect(dsn string) string {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "postgres"
	case strings.Contains(dsn, "@tcp("), strings.Contains(dsn, "@unix("):
		return "mysql"
	}
	return "sqlite"
}

func open(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) {
	switch dialect(cfg.DSN) {
	case "postgres":
		return postgres.Open(ctx, cfg)
	case "mysql":
		return mysql.Open(ctx, cfg)
	}
	return sqlite.Open(ctx, cfg)
}

func main() {
	cli.Main(cli.Config{
		Name: "bookstore",
		ORM:  gomikro.Config{Entities: []any{Author{}, Book{}, Tag{}}},
		Open: open,
		MigrationsFor: func(dsn string) schema.MigrateConfig {
			d := dialect(dsn)
			sub, _ := fs.Sub(migrations, "migrations/"+d)
			return schema.MigrateConfig{FS: sub, Dir: filepath.Join("examples", "bookstore", "cmd", "migrations", d)}
		},
	})
}
