// Command cmd is the bookstore's command line: gomikro's CLI (package
// cli) over the bookstore's entities, with its migrations embedded in
// the binary, one set per dialect.
//
//	go run ./examples/bookstore/cmd schema:update --dump --dsn bookstore.db
//	go run ./examples/bookstore/cmd schema:update --run --dsn bookstore.db
//	go run ./examples/bookstore/cmd migration:up --dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	GOMIKRO_DSN='root@tcp(127.0.0.1:3306)/test' go run ./examples/bookstore/cmd migration:list
//	go run ./examples/bookstore/cmd schema:fresh --run --seed --dsn bookstore.db
//	go run ./examples/bookstore/cmd seeder:run --class TagSeeder --dsn bookstore.db
//
// The entities are those of ../main.go.
package main

import (
	"context"
	"embed"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/cli"
	"github.com/gomikro/gomikro/examples/bookstore/model"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

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
		Name:    "bookstore",
		ORM:     gomikro.Config{Entities: model.Entities()},
		Open:    open,
		Seeders: seeders,
		MigrationsFor: func(dsn string) schema.MigrateConfig {
			d := dialect(dsn)
			sub, _ := fs.Sub(migrations, "migrations/"+d)
			return schema.MigrateConfig{FS: sub, Dir: filepath.Join("examples", "bookstore", "cmd", "migrations", d)}
		},
	})
}
