package integration_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/jackc/pgx/v5"
)

// BenchmarkPostgresFreshDatabase is what isolating one test costs on
// PostgreSQL: a clone of the template database holding the conformance
// model's schema (10 tables with their indexes and foreign keys), an
// ORM opened on it, closed and the database dropped.
func BenchmarkPostgresFreshDatabase(b *testing.B) {
	cfg := entities()
	integration.Postgres(b, cfg) // the template, built once
	for b.Loop() {
		freshOnce(b, func(tb testing.TB) { integration.Postgres(tb, cfg) })
	}
}

// BenchmarkPostgresCreateSchema is the baseline: an empty database and
// the schema's DDL run in it, as without a template.
func BenchmarkPostgresCreateSchema(b *testing.B) {
	cfg := entities()
	ctx := context.Background()
	for b.Loop() {
		freshOnce(b, func(tb testing.TB) {
			cfg.DSN = integration.PostgresDSN(tb)
			orm, err := postgres.Open(ctx, cfg)
			if err != nil {
				tb.Fatal(err)
			}
			defer orm.Close()
			if err := orm.Schema().CreateSchema(ctx); err != nil {
				tb.Fatal(err)
			}
		})
	}
}

// freshOnce runs fn as a "test" whose cleanups (the drop) run at once.
func freshOnce(b *testing.B, fn func(testing.TB)) {
	c := &cleanupTB{TB: b}
	fn(c)
	c.run()
}

type cleanupTB struct {
	testing.TB
	fns []func()
}

func (c *cleanupTB) Cleanup(f func()) { c.fns = append(c.fns, f) }

func (c *cleanupTB) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}

// BenchmarkPostgresSchemaPerTest is the other way to isolate a test: a
// new schema in one shared database and the DDL run in it (what
// gomikro's own tests do), which copies no database files.
func BenchmarkPostgresSchemaPerTest(b *testing.B) {
	cfg := entities()
	ctx := context.Background()
	dsn := integration.PostgresDSN(b)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	i := 0
	for b.Loop() {
		i++
		name := fmt.Sprintf("s%d", i)
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
			b.Fatal(err)
		}
		u, _ := url.Parse(dsn)
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		cfg.DSN = u.String()
		orm, err := postgres.Open(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := orm.Schema().CreateSchema(ctx); err != nil {
			b.Fatal(err)
		}
		_ = orm.Close()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			b.Fatal(err)
		}
	}
}
